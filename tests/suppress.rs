//! Suppression through the real binary: inline markers, `.keylint.toml`,
//! baselines, `--show-suppressed`, `--report-unused`.

mod common;
mod gitrepo;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::*;
use serde_json::Value;

// Fake, format-valid keys from fixtures/fakekey.py.
const K1: &str = "sk-irHiKqeCLTEFAKE8C5ttT3BlbkFJc6L9g8zbKR48lZ9STRTK";
const K2: &str = "sk-B2Wpca4OFAKEMAe1ygxHT3BlbkFJ6tUOZkhlN7m2OfUnIWO4";
const K3: &str = "sk-NKMnFAKE4iaMzAg2CSYoT3BlbkFJdGiC2duUZuxPhLKFSMAb";
const AWS: &str = "AKIAQ4N2OFAKEI7CESOL";

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, text).unwrap();
    }
    dir
}

fn scan_json(dir: &Path, extra: &[&str]) -> (Output, Value) {
    let mut args = vec!["scan", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let output = run_in(dir, &args);
    assert!(code(&output) < 2, "keylint failed: {}", stderr(&output));
    let report = json(&output);
    (output, report)
}

/// (path, line, rule) of reported findings.
fn reported(report: &Value) -> Vec<(String, u64, String)> {
    finding_keys(report)
        .into_iter()
        .map(|(p, l, _, r)| (p, l, r))
        .collect()
}

fn found(path: &str, line: u64, rule: &str) -> (String, u64, String) {
    (path.to_string(), line, rule.to_string())
}

#[test]
fn inline_markers_in_any_comment_syntax_suppress_their_line_only() {
    let source = format!(
        "a = \"{K1}\"  # keylint:allow\n\
         b = \"{K2}\"  // keylint:allow\n\
         c = \"{K3}\"\n\
         <!-- keylint:allow -->\n\
         d = \"{AWS}\"\n\
         x = 1 /* keylint:allow */\n\
         e = \"{K1}\" -- unrelated comment\n"
    );
    let dir = tree(&[("app.txt", &source)]);
    let (output, report) = scan_json(dir.path(), &[]);
    assert_eq!(code(&output), 1);
    assert_eq!(
        reported(&report),
        vec![
            found("app.txt", 3, "openai-user-key"),
            found("app.txt", 7, "openai-user-key")
        ],
        "a marker after code on line 6 is not alone, so line 7 is still reported"
    );
    assert_eq!(report["summary"]["suppressed"]["inline"], 3);
}

#[test]
fn a_rule_limited_marker_spares_other_rules_on_the_same_line() {
    let source = format!("creds = \"{AWS}\" \"{K1}\"  # keylint:allow aws-access-key-id\n");
    let dir = tree(&[("creds.txt", &source)]);
    let (_, report) = scan_json(dir.path(), &[]);
    assert_eq!(
        reported(&report),
        vec![found("creds.txt", 1, "openai-user-key")]
    );
    assert_eq!(report["summary"]["suppressed"]["total"], 1);

    let typo = tree(&[(
        "creds.txt",
        &source.replace("aws-access-key-id", "aws-acess-key-id"),
    )]);
    let (_, report) = scan_json(typo.path(), &[]);
    assert_eq!(
        reported(&report).len(),
        2,
        "an unknown rule id never widens the allow"
    );
}

#[test]
fn foreign_markers_are_honoured_unless_turned_off() {
    let source = format!(
        "a = \"{K1}\"  # gitleaks:allow\n\
         b = \"{K2}\"  # pragma: allowlist secret\n\
         # pragma: allowlist nextline secret\n\
         c = \"{K3}\"\n\
         d = \"{AWS}\"  // trufflehog:ignore\n"
    );
    let dir = tree(&[("legacy.py", &source)]);
    let (output, report) = scan_json(dir.path(), &[]);
    assert_eq!(code(&output), 0, "{report}");
    assert_eq!(report["summary"]["suppressed"]["inline"], 4);

    let (output, report) = scan_json(dir.path(), &["--no-foreign-allow"]);
    assert_eq!(code(&output), 1);
    assert_eq!(reported(&report).len(), 4);
}

#[test]
fn a_marker_on_a_pem_begin_line_covers_the_block() {
    let pem = fs::read_to_string(fixture("tree/deploy/keys/id_rsa")).unwrap();
    let marked = pem.replacen("-----\n", "----- # keylint:allow\n", 1);
    let dir = tree(&[("key.pem", &marked), ("other.pem", &pem)]);
    let (_, report) = scan_json(dir.path(), &[]);
    assert_eq!(
        reported(&report),
        vec![found("other.pem", 1, "private-key")]
    );
}

#[test]
fn config_allows_paths_regexes_and_stopwords_exactly() {
    let config = format!(
        "[allow]\n\
         paths = [\"fixtures/**\", \"*.snap\"]\n\
         regexes = ['''^{}''']\n\
         stopwords = [\"ygxht3\"]\n",
        &K3[..12]
    );
    let dir = tree(&[
        (".keylint.toml", &config),
        ("fixtures/a.env", &format!("A={AWS}\n")),
        ("deep/x/test.snap", &format!("A={AWS}\n")),
        ("app.env", &format!("ONE={K1} THREE={K3}\nTWO={K2}\n")),
    ]);
    let (_, report) = scan_json(dir.path(), &[]);
    // K3 (regex) and K2 (stopword, case-insensitive) are allowed; K1 on K3's line is not.
    assert_eq!(
        reported(&report),
        vec![found("app.env", 1, "openai-user-key")]
    );
    assert_eq!(report["summary"]["suppressed"]["config"], 4);

    let (_, ignored) = scan_json(dir.path(), &["--no-config"]);
    assert_eq!(reported(&ignored).len(), 5);
}

#[test]
fn config_rules_and_scan_sections_apply() {
    let rules = fs::read_to_string(repo_root().join("tests/data/acme-rules.toml")).unwrap();
    let config = "[rules]\n\
                  disable = [\"aws-access-key-id\"]\n\
                  extra = [\"ci/acme.toml\"]\n\
                  [rules.severity]\n\
                  \"openai-user-key\" = \"low\"\n\
                  [scan]\n\
                  max_file_size = \"1K\"\n";
    let dir = tree(&[
        (".keylint.toml", config),
        ("ci/acme.toml", &rules),
        ("a.env", &format!("A={AWS}\nB={K1}\nC=acme_k3j4h5g6f7d8\n")),
        ("big.env", &format!("{}\nB={K2}\n", "#".repeat(2000))),
    ]);
    let (_, report) = scan_json(dir.path(), &[]);
    assert_eq!(
        reported(&report),
        vec![
            found("a.env", 2, "openai-user-key"),
            found("a.env", 3, "acme-token"),
            // The rule's own example, in the rule file.
            found("ci/acme.toml", 9, "acme-token"),
        ]
    );
    assert_eq!(report["findings"][0]["severity"], "low");
    assert_eq!(report["summary"]["skipped_too_large"], 1);
    // The command line wins over the config.
    let (_, larger) = scan_json(dir.path(), &["--max-file-size", "1M"]);
    assert_eq!(larger["summary"]["skipped_too_large"], 0);
}

#[test]
fn malformed_configs_exit_2_naming_file_line_and_problem() {
    let cases = [
        (
            "[allow]\npaths = [\n  \"src/{a\",\n]\n",
            ".keylint.toml:3: bad glob",
        ),
        (
            "[allow]\nregexes = ['(unclosed']\n",
            ".keylint.toml:2: bad regex",
        ),
        ("[alow]\npaths = []\n", "unknown field `alow`"),
        (
            "[rules]\ndisable = [\"no-such-rule\"]\n",
            ".keylint.toml:2: [rules] disable",
        ),
        (
            "[scan]\nmax_file_size = \"lots\"\n",
            ".keylint.toml:2: [scan] max_file_size",
        ),
        ("not toml at all", ".keylint.toml"),
    ];
    for (text, expected) in cases {
        let dir = tree(&[(".keylint.toml", text), ("a.env", "x=1\n")]);
        let output = run_in(dir.path(), &["scan", "."]);
        assert_eq!(code(&output), 2, "{text}");
        assert!(
            stderr(&output).contains(expected),
            "{text}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn config_is_discovered_from_a_subdirectory_up_to_the_repository_root() {
    let dir = tree(&[
        (".keylint.toml", "[allow]\npaths = [\"sub/allowed/**\"]\n"),
        ("sub/allowed/a.env", &format!("A={K1}\n")),
        ("sub/other/b.env", &format!("B={K2}\n")),
    ]);
    fs::create_dir(dir.path().join(".git")).unwrap();
    let output = run_in(&dir.path().join("sub"), &["scan", ".", "--format", "json"]);
    assert_eq!(
        reported(&json(&output)),
        vec![found("other/b.env", 1, "openai-user-key")]
    );

    // Outside a repository only the scan root is looked at.
    fs::remove_dir(dir.path().join(".git")).unwrap();
    let output = run_in(&dir.path().join("sub"), &["scan", ".", "--format", "json"]);
    assert_eq!(reported(&json(&output)).len(), 2);
}

#[test]
fn explicit_config_file_is_used_and_a_missing_one_is_an_error() {
    let dir = tree(&[
        ("conf/k.toml", "[allow]\nstopwords = [\"fake\"]\n"),
        ("a.env", &format!("A={K1}\n")),
    ]);
    let (output, _) = scan_json(dir.path(), &["--config", "conf/k.toml"]);
    assert_eq!(code(&output), 0);
    let missing = run_in(dir.path(), &["scan", ".", "--config", "nope.toml"]);
    assert_eq!(code(&missing), 2);
    assert!(stderr(&missing).contains("nope.toml"));
}

#[test]
fn baseline_round_trip_update_and_no_secret_in_the_file() {
    let dir = tree(&[("a.env", &format!("A={K1}\nB={AWS}\n"))]);
    let written = run_in(dir.path(), &["baseline", "."]);
    assert_eq!(code(&written), 0, "{}", stderr(&written));
    let baseline_path = dir.path().join(".keylint-baseline.json");
    let text = fs::read_to_string(&baseline_path).unwrap();
    for secret in [K1, AWS, &K1[..20], &AWS[..10]] {
        assert!(!text.contains(secret), "baseline leaks {secret}");
    }
    let baseline: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 2);

    // Deterministic: a second run writes the same bytes.
    run_in(dir.path(), &["baseline", "."]);
    assert_eq!(fs::read_to_string(&baseline_path).unwrap(), text);

    // Known findings are suppressed, even after moving; a new one is not.
    fs::write(
        dir.path().join("a.env"),
        format!("# moved\nB={AWS}\nA={K1}\nC={K2}\n"),
    )
    .unwrap();
    let (output, report) = scan_json(dir.path(), &["--baseline", ".keylint-baseline.json"]);
    assert_eq!(code(&output), 1);
    assert_eq!(
        reported(&report),
        vec![found("a.env", 4, "openai-user-key")]
    );
    assert_eq!(report["summary"]["suppressed"]["baseline"], 2);

    // --update keeps comments of entries still found and drops gone ones.
    let mut edited: Value = serde_json::from_str(&text).unwrap();
    for entry in edited["findings"].as_array_mut().unwrap() {
        entry["comment"] = Value::from("accepted in review #12");
    }
    fs::write(
        &baseline_path,
        serde_json::to_string_pretty(&edited).unwrap(),
    )
    .unwrap();
    fs::write(dir.path().join("a.env"), format!("A={K1}\nC={K2}\n")).unwrap();
    let updated = run_in(dir.path(), &["baseline", ".", "--update"]);
    assert!(stderr(&updated).contains("1 gone"), "{}", stderr(&updated));
    let merged: Value = serde_json::from_str(&fs::read_to_string(&baseline_path).unwrap()).unwrap();
    let entries = merged["findings"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["line"], 1);
    assert_eq!(entries[0]["comment"], "accepted in review #12");
    assert!(entries[1].get("comment").is_none());
}

#[test]
fn malformed_baselines_exit_2_naming_the_problem() {
    let dir = tree(&[("a.env", &format!("A={K1}\n"))]);
    let cases = [
        ("{not json", "not a keylint baseline"),
        (
            "{\"keylint_baseline\": 7, \"findings\": []}",
            "unsupported baseline version 7",
        ),
        (
            "{\"keylint_baseline\": 1, \"findings\": [{\"fingerprint\": \"zz\", \"rule_id\": \"r\", \"path\": \"p\", \"line\": 1, \"secret\": \"s\"}]}",
            "findings[0]: fingerprint `zz`",
        ),
    ];
    for (text, expected) in cases {
        fs::write(dir.path().join("base.json"), text).unwrap();
        let output = run_in(dir.path(), &["scan", ".", "--baseline", "base.json"]);
        assert_eq!(code(&output), 2);
        let message = stderr(&output);
        assert!(
            message.contains("base.json") && message.contains(expected),
            "{message}"
        );
    }
}

#[test]
fn show_suppressed_and_report_unused() {
    let config =
        "[allow]\npaths = [\"vendor/**\", \"never/**\"]\nstopwords = [\"nothing-matches-this\"]\n";
    let dir = tree(&[
        (".keylint.toml", config),
        ("vendor/a.env", &format!("A={K1}\n")),
        (
            "b.env",
            &format!("B={K2} # keylint:allow\n# keylint:allow\nplain = 1\n"),
        ),
    ]);
    let (_, report) = scan_json(dir.path(), &["--show-suppressed", "--report-unused"]);
    let suppressed = report["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 2);
    assert_eq!(suppressed[0]["suppressed_by"], "inline");
    assert_eq!(suppressed[1]["suppressed_by"], "config");
    assert!(
        suppressed
            .iter()
            .all(|s| s["secret"].as_str().unwrap().ends_with('…'))
    );
    let unused: Vec<String> = report["unused_suppressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            format!(
                "{} {} {}",
                u["mechanism"].as_str().unwrap(),
                u["location"].as_str().unwrap(),
                u["text"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        unused,
        vec![
            "config .keylint.toml:2 [allow] paths \"never/**\"".to_string(),
            "config .keylint.toml:3 [allow] stopwords \"nothing-matches-this\"".to_string(),
            "inline b.env:2 keylint:allow".to_string(),
        ]
    );

    let human = stdout(&run_in(
        dir.path(),
        &["scan", ".", "--show-suppressed", "--report-unused"],
    ));
    assert!(
        human.contains("suppressed by [allow] paths \"vendor/**\""),
        "{human}"
    );
    assert!(human.contains("Unused suppressions (3)"), "{human}");
    assert!(
        human
            .trim_end()
            .ends_with("2 suppressed: inline 1, config 1, baseline 0"),
        "{human}"
    );

    let sarif = json(&run_in(
        dir.path(),
        &["scan", ".", "--format", "sarif", "--show-suppressed"],
    ));
    assert_valid_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|r| r["suppressions"][0]["kind"].is_string())
    );
}

#[test]
fn config_init_writes_a_starter_file_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let first = run_in(dir.path(), &["config", "init"]);
    assert_eq!(code(&first), 0);
    let text = fs::read_to_string(dir.path().join(".keylint.toml")).unwrap();
    assert!(text.contains("[allow]") && text.contains("[rules]") && text.contains("[scan]"));
    let again = run_in(dir.path(), &["config", "init"]);
    assert_eq!(code(&again), 2);
    assert!(stderr(&again).contains("--force"));
    // The starter file is itself a valid config.
    fs::write(dir.path().join("a.env"), format!("A={K1}\n")).unwrap();
    assert_eq!(code(&run_in(dir.path(), &["scan", "."])), 1);
}

/// A repository whose first commit holds `files`.
fn repo_with(files: &[(&str, String)]) -> gitrepo::Repo {
    let mut repo = gitrepo::Repo::new();
    for (path, text) in files {
        repo.write(path, text);
    }
    repo.commit("Dev", "initial");
    repo
}

#[test]
fn fingerprints_agree_between_scan_and_history() {
    let repo = repo_with(&[("a.env", format!("A={K1}\n"))]);
    let scanned = json(&run_in(&repo.path, &["scan", ".", "--format", "json"]));
    let history = json(&run_in(&repo.path, &["history", ".", "--format", "json"]));
    assert_eq!(
        scanned["findings"][0]["fingerprint"],
        history["findings"][0]["fingerprint"]
    );
    assert_eq!(
        scanned["findings"][0]["location_fingerprint"],
        history["findings"][0]["location_fingerprint"]
    );
}

#[test]
fn baseline_config_and_markers_are_honoured_with_staged_and_history() {
    let mut repo = repo_with(&[("a.env", format!("A={K1}\n"))]);
    let baseline = repo.sibling("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let written = run_in(&repo.path, &["baseline", ".", "-o", baseline]);
    assert_eq!(code(&written), 0, "{}", stderr(&written));

    // The same (baselined) secret staged in a new file: allowed by the baseline.
    repo.write("b.env", &format!("B={K1}\nC={K2} # keylint:allow\n"));
    repo.git(&["add", "b.env"]);
    let blocked = run_in(&repo.path, &["scan", "--staged", "--format", "json"]);
    assert_eq!(
        code(&blocked),
        1,
        "without the baseline the staged key blocks"
    );
    let staged_with_baseline = [
        "scan",
        "--staged",
        "--format",
        "json",
        "--baseline",
        baseline,
    ];
    let allowed = run_in(&repo.path, &staged_with_baseline);
    assert_eq!(code(&allowed), 0, "{}", stdout(&allowed));
    let report = json(&allowed);
    assert_eq!(report["summary"]["suppressed"]["baseline"], 1);
    assert_eq!(report["summary"]["suppressed"]["inline"], 1);

    // History: a config allow by commit.
    repo.commit("Dev", "second");
    let first = repo.git(&["rev-list", "--max-parents=0", "HEAD"]);
    repo.write(
        ".keylint.toml",
        &format!("[allow]\ncommits = [\"{}\"]\n", &first[..10]),
    );
    let history = json(&run_in(&repo.path, &["history", ".", "--format", "json"]));
    let paths: Vec<String> = reported(&history).into_iter().map(|k| k.0).collect();
    assert_eq!(paths, vec!["b.env".to_string()], "{history}");
    assert_eq!(history["summary"]["suppressed"]["config"], 1);
}
