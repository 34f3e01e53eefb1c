//! `keylint scan` through the real binary, on the fixture trees in
//! `fixtures/` and on trees built in temp dirs.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

/// Every finding the fixture tree must produce: (path, line, column, rule).
const TREE_EXPECTED: &[(&str, u64, u64, &str)] = &[
    ("fixtures/tree/.env", 2, 16, "openai-project-key"),
    (
        "fixtures/tree/config/settings.yaml",
        5,
        18,
        "aws-access-key-id",
    ),
    (
        "fixtures/tree/config/settings.yaml",
        7,
        15,
        "openai-admin-key",
    ),
    ("fixtures/tree/deploy/keys/id_rsa", 1, 1, "private-key"),
    ("fixtures/tree/src/app.py", 4, 11, "openai-user-key"),
    ("fixtures/tree/src/app.py", 5, 33, "openai-none-key"),
    ("fixtures/tree/src/app.py", 6, 18, "openai-project-key"),
    ("fixtures/tree/src/deploy.sh", 2, 21, "github-classic-token"),
    (
        "fixtures/tree/src/deploy.sh",
        3,
        16,
        "github-fine-grained-token",
    ),
    (
        "fixtures/tree/src/deploy.sh",
        4,
        24,
        "openai-service-account-key",
    ),
    ("fixtures/tree/web/config.js", 2, 23, "github-classic-token"),
    (
        "fixtures/tree/web/config.js",
        2,
        72,
        "openai-service-account-key",
    ),
];

#[test]
fn every_rule_is_found_at_its_line_and_column() {
    let output = scan_tree(&["--format", "json"]);
    assert_eq!(
        code(&output),
        1,
        "findings exit 1; stderr: {}",
        stderr(&output)
    );
    let found = finding_keys(&json(&output));
    let expected: Vec<(String, u64, u64, String)> = TREE_EXPECTED
        .iter()
        .map(|(p, l, c, r)| (p.to_string(), *l, *c, r.to_string()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn end_positions_cover_the_secret_and_span_lines_for_pem_blocks() {
    let report = json(&scan_tree(&["--format", "json", "--no-redact"]));
    for finding in report["findings"].as_array().unwrap() {
        let secret = finding["secret"].as_str().unwrap();
        let (line, column) = (
            finding["line"].as_u64().unwrap(),
            finding["column"].as_u64().unwrap(),
        );
        let (end_line, end_column) = (
            finding["end_line"].as_u64().unwrap(),
            finding["end_column"].as_u64().unwrap(),
        );
        let lines = secret.lines().count() as u64;
        assert_eq!(end_line, line + lines - 1, "{finding}");
        if lines == 1 {
            assert_eq!(
                end_column,
                column + secret.chars().count() as u64,
                "{finding}"
            );
        }
    }
}

#[test]
fn every_builtin_rule_of_the_core_families_has_a_fixture() {
    let listed = run_in(&repo_root(), &["rules", "list", "--format", "json"]);
    let rules: Value = json(&listed);
    let found: Vec<&str> = TREE_EXPECTED.iter().map(|e| e.3).collect();
    for rule in rules.as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        let core = ["openai-", "aws-access-key-id", "github-", "private-key"];
        let secret = rule["kind"] == "secret";
        if secret
            && core.iter().any(|prefix| id.starts_with(prefix))
            && id != "openai-project-key-mismatch"
        {
            assert!(
                found.contains(&id),
                "rule {id} has no fixture in fixtures/tree"
            );
        }
    }
}

#[test]
fn clean_tree_has_no_findings_and_exits_0() {
    let output = run_in(
        &repo_root(),
        &["scan", "fixtures/clean", "--format", "json"],
    );
    assert_eq!(code(&output), 0, "stderr: {}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["summary"]["files_scanned"], 2);
}

/// Built at test time: a file of the fixture tree would be tracked by this
/// repository's index, and tracked files are scanned whatever `.gitignore`
/// says (tests/robust_fs.rs).
#[test]
fn gitignored_files_are_skipped_unless_no_ignore() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(".gitignore"), "ignored/\n").unwrap();
    fs::create_dir(dir.path().join("ignored")).unwrap();
    fs::write(
        dir.path().join("ignored/secret.txt"),
        "sk-B2Wpca4OFAKEMAe1ygxHT3BlbkFJ6tUOZkhlN7m2OfUnIWO4\n",
    )
    .unwrap();
    let paths = |extra: &[&str]| -> Vec<String> {
        let args = [&["scan", ".", "--format", "json"], extra].concat();
        finding_keys(&json(&run_in(dir.path(), &args)))
            .into_iter()
            .map(|k| k.0)
            .collect()
    };
    assert!(paths(&[]).is_empty());
    assert_eq!(paths(&["--no-ignore"]), vec!["ignored/secret.txt"]);
}

#[test]
fn binary_files_are_skipped_and_counted_unless_asked() {
    let report = json(&scan_tree(&["--format", "json"]));
    assert_eq!(report["summary"]["skipped_binary"], 1);
    let skipped = &report["skipped"][0];
    assert_eq!(skipped["path"], "fixtures/tree/assets/blob.bin");
    assert_eq!(skipped["reason"], "binary");

    let with_binary = json(&scan_tree(&["--format", "json", "--include-binary"]));
    assert_eq!(with_binary["summary"]["skipped_binary"], 0);
    assert!(
        finding_keys(&with_binary)
            .iter()
            .any(|k| k.0 == "fixtures/tree/assets/blob.bin" && k.3 == "openai-user-key")
    );
}

#[test]
fn oversize_files_are_skipped_reported_and_counted() {
    let output = scan_tree(&["--format", "json", "--max-file-size", "300"]);
    let report = json(&output);
    let too_large: Vec<&Value> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"] == "too_large")
        .collect();
    assert!(!too_large.is_empty());
    assert_eq!(
        report["summary"]["skipped_too_large"].as_u64().unwrap(),
        too_large.len() as u64
    );
    let id_rsa = too_large
        .iter()
        .find(|s| s["path"] == "fixtures/tree/deploy/keys/id_rsa")
        .expect("the 400-byte key file is over 300 bytes");
    assert_eq!(id_rsa["detail"]["limit"], 300);
    assert!(
        stderr(&output).contains("skipped fixtures/tree/deploy/keys/id_rsa"),
        "{}",
        stderr(&output)
    );
    // Findings in smaller files are still reported.
    assert!(
        finding_keys(&report)
            .iter()
            .any(|k| k.0 == "fixtures/tree/.env")
    );
}

#[test]
fn human_report_groups_by_file_and_masks_secrets() {
    let output = scan_tree(&[]);
    let text = stdout(&output);
    assert!(
        text.contains(
            "fixtures/tree/src/app.py\n  CRITICAL openai-user-key OpenAI user API key (legacy)\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("    at fixtures/tree/src/app.py:5:33\n"),
        "{text}"
    );
    assert!(text.contains("    secret sk-None-mqQF…\n"), "{text}");
    assert!(
        text.contains("| client = openai.OpenAI(api_key=\"sk-None-mqQF…\")\n"),
        "{text}"
    );
    let summary = text.lines().last().unwrap();
    assert!(summary.starts_with("Scanned 8 files ("), "{summary}");
    assert!(
        summary.contains("12 findings (11 critical, 1 high)"),
        "{summary}"
    );
    assert!(summary.contains("skipped 1: 1 binary"), "{summary}");
    assert!(!text.contains('\x1b'), "no color on a pipe");
}

#[test]
fn colors_only_when_asked_or_on_a_terminal_without_no_color() {
    let always = stdout(&scan_tree(&["--color", "always"]));
    assert!(always.contains('\x1b'));
    let never = stdout(&scan_tree(&["--color", "never"]));
    assert!(!never.contains('\x1b'));
    let no_color_env = keylint()
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .args(["scan", "fixtures/tree"])
        .output()
        .unwrap();
    assert!(!stdout(&no_color_env).contains('\x1b'));
    let json_with_always = stdout(&scan_tree(&["--color", "always", "--format", "json"]));
    assert!(
        !json_with_always.contains('\x1b'),
        "machine formats are never colored"
    );
}

#[test]
fn no_format_prints_a_secret_unless_no_redact() {
    let secrets = tree_secrets();
    assert_eq!(secrets.len(), TREE_EXPECTED.len());
    for format in ["human", "json", "sarif"] {
        let redacted = stdout(&scan_tree(&["--format", format]));
        let shown = stdout(&scan_tree(&["--format", format, "--no-redact"]));
        for secret in &secrets {
            // A PEM block is checked body line by body line.
            for piece in secret.lines().filter(|l| !l.starts_with("-----")) {
                assert!(!redacted.contains(piece), "{format} leaks {piece}");
            }
            let first_line = secret.lines().find(|l| !l.starts_with("-----")).unwrap();
            let escaped = first_line.replace('/', "\\/");
            assert!(
                shown.contains(first_line) || shown.contains(&escaped),
                "{format} --no-redact hides {first_line}"
            );
        }
    }
}

#[test]
fn sarif_validates_and_meets_github_rules() {
    let output = scan_tree(&["--format", "sarif"]);
    assert_eq!(code(&output), 1);
    let sarif = json(&output);
    assert_valid_sarif(&sarif);
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "rule ids are unique");
    for rule in rules {
        let score: f64 = rule["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((0.1..=10.0).contains(&score));
        assert!(
            rule["properties"]["tags"]
                .as_array()
                .unwrap()
                .contains(&Value::from("security"))
        );
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), TREE_EXPECTED.len());
    let secrets = tree_secrets();
    for (result, expected) in results.iter().zip(TREE_EXPECTED) {
        assert_eq!(result["ruleId"], expected.3);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"], expected.0,
            "relative to the repository root"
        );
        assert_eq!(location["region"]["startLine"], expected.1);
        assert_eq!(location["region"]["startColumn"], expected.2);
        let fingerprint = result["partialFingerprints"]["keylint/v1"]
            .as_str()
            .unwrap();
        assert_eq!(fingerprint.len(), 32);
        let message = result["message"]["text"].as_str().unwrap();
        assert!(secrets.iter().all(|s| !message.contains(s.as_str())));
    }
}

#[test]
fn sarif_uris_are_relative_to_the_scan_root_outside_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub dir")).unwrap();
    fs::write(
        dir.path().join("sub dir/keys.env"),
        "KEY=sk-irHiKqeCLTEFAKE8C5ttT3BlbkFJc6L9g8zbKR48lZ9STRTK\n",
    )
    .unwrap();
    let sarif = json(&run_in(dir.path(), &["scan", ".", "--format", "sarif"]));
    assert_valid_sarif(&sarif);
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "sub%20dir/keys.env");
}

#[test]
fn fingerprints_do_not_depend_on_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let key = "sk-irHiKqeCLTEFAKE8C5ttT3BlbkFJc6L9g8zbKR48lZ9STRTK";
    fs::write(dir.path().join("a.env"), format!("KEY={key}\n")).unwrap();
    let first = json(&run_in(dir.path(), &["scan", ".", "--format", "json"]));
    fs::write(
        dir.path().join("a.env"),
        format!("# moved\n\n\nKEY={key}\n"),
    )
    .unwrap();
    let moved = json(&run_in(dir.path(), &["scan", ".", "--format", "json"]));
    assert_eq!(first["findings"][0]["line"], 1);
    assert_eq!(moved["findings"][0]["line"], 4);
    assert_eq!(
        first["findings"][0]["fingerprint"],
        moved["findings"][0]["fingerprint"]
    );
    assert_eq!(
        first["findings"][0]["location_fingerprint"],
        moved["findings"][0]["location_fingerprint"]
    );
}

#[test]
fn exit_codes_and_one_line_errors() {
    let clean = run_in(&repo_root(), &["scan", "fixtures/clean"]);
    assert_eq!(code(&clean), 0);
    let dirty = run_in(&repo_root(), &["scan", "fixtures/tree"]);
    assert_eq!(code(&dirty), 1);

    let missing = run_in(&repo_root(), &["scan", "no/such/dir"]);
    assert_eq!(code(&missing), 2);
    let message = stderr(&missing);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("no/such/dir"), "{message}");

    let bad_flag = run_in(&repo_root(), &["scan", "--format", "xml"]);
    assert_eq!(code(&bad_flag), 2);
    let bad_size = run_in(&repo_root(), &["scan", "--max-file-size", "lots"]);
    assert_eq!(code(&bad_size), 2);
}

#[test]
fn single_files_and_standard_input_are_scanned() {
    let single = json(&run_in(
        &repo_root(),
        &["scan", "fixtures/tree/src/app.py", "--format", "json"],
    ));
    assert_eq!(finding_keys(&single).len(), 3);
    assert_eq!(single["findings"][0]["path"], "fixtures/tree/src/app.py");

    let input = b"token: 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\n";
    let output = run_with_stdin(&repo_root(), &["scan", "-", "--format", "json"], input);
    assert_eq!(code(&output), 1);
    let keys = finding_keys(&json(&output));
    assert_eq!(
        keys,
        vec![(
            "<stdin>".to_string(),
            1,
            8,
            "github-classic-token".to_string()
        )]
    );
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.sarif");
    let output = run_in(
        &repo_root(),
        &[
            "scan",
            "fixtures/tree",
            "--format",
            "sarif",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&output), 1);
    assert!(output.stdout.is_empty());
    let sarif: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_valid_sarif(&sarif);
}

#[test]
fn invalid_utf8_and_huge_lines_are_scanned_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    let key = "sk-irHiKqeCLTEFAKE8C5ttT3BlbkFJc6L9g8zbKR48lZ9STRTK";
    let mut bytes = b"\xff\xfe garbage \xc3(".to_vec();
    bytes.extend_from_slice(format!(" {key}\n").as_bytes());
    fs::write(dir.path().join("latin1.txt"), &bytes).unwrap();
    let mut huge = "x".repeat(3 << 20);
    huge.push_str(&format!(" \"{key}\" "));
    huge.push_str(&"y".repeat(3 << 20));
    fs::write(dir.path().join("bundle.min.js"), &huge).unwrap();

    let output = run_in(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    let keys = finding_keys(&report);
    assert!(
        keys.contains(&(
            "bundle.min.js".into(),
            1,
            (3 << 20) + 3,
            "openai-user-key".into()
        )),
        "{keys:?}"
    );
    assert!(
        keys.contains(&("latin1.txt".into(), 1, 15, "openai-user-key".into())),
        "{keys:?}"
    );
    for finding in report["findings"].as_array().unwrap() {
        assert!(finding["snippet"].as_str().unwrap().chars().count() < 200);
    }
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_by_default_and_loops_do_not_hang() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("k.env"),
        "KEY=sk-irHiKqeCLTEFAKE8C5ttT3BlbkFJc6L9g8zbKR48lZ9STRTK\n",
    )
    .unwrap();
    symlink(outside.path(), dir.path().join("linked")).unwrap();
    symlink(dir.path(), dir.path().join("loop")).unwrap();
    symlink(dir.path().join("missing"), dir.path().join("dangling")).unwrap();

    let default = run_in(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(code(&default), 0, "{}", stderr(&default));

    let followed = run_in(dir.path(), &["scan", ".", "--format", "json", "--follow"]);
    assert_eq!(code(&followed), 1, "{}", stderr(&followed));
    assert_eq!(finding_keys(&json(&followed))[0].0, "linked/k.env");
    let warnings = stderr(&followed);
    assert!(
        warnings.contains("loop"),
        "symlink loop reported: {warnings}"
    );
}

/// Permissions can't make a file unreadable for root (CI runs as root), so
/// the unreadable file is a link to `/proc/self/mem`: a regular file whose
/// read at offset 0 fails with EIO, for any user.
#[cfg(target_os = "linux")]
#[test]
fn an_unreadable_file_is_a_warning_and_the_scan_goes_on() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("found.env"),
        "KEY=sk-irHiKqeCLTEFAKE8C5ttT3BlbkFJc6L9g8zbKR48lZ9STRTK\n",
    )
    .unwrap();
    symlink("/proc/self/mem", dir.path().join("locked.env")).unwrap();
    let output = run_in(dir.path(), &["scan", ".", "--format", "json", "--follow"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot read locked.env"),
        "{}",
        stderr(&output)
    );
    let report = json(&output);
    assert_eq!(report["summary"]["skipped_unreadable"], 1);
    assert_eq!(finding_keys(&report)[0].0, "found.env");
}

#[test]
fn rules_list_and_check() {
    let list = run_in(&repo_root(), &["rules", "list"]);
    assert_eq!(code(&list), 0);
    let text = stdout(&list);
    assert!(
        text.lines()
            .any(|l| l.starts_with("openai-project-key") && l.contains("critical"))
    );

    let check = run_in(&repo_root(), &["rules", "check", "rules/openai.toml"]);
    assert_eq!(code(&check), 0, "{}", stdout(&check));
}

fn check_user_rules(text: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    fs::write(&path, text).unwrap();
    run_in(dir.path(), &["rules", "check", "mine.toml"])
}

const GOOD_RULE: &str = r#"
[[rule]]
id = "acme-token"
name = "ACME token"
provider = "acme"
severity = "high"
keywords = ["acme_"]
regex = '''(?P<secret>acme_[a-z0-9]{12})'''
examples = ["token = acme_k3j4h5g6f7d8"]
counter_examples = ["acme_short"]
remediation = "Revoke it in the ACME console."
"#;

#[test]
fn rules_check_accepts_a_good_file_and_scan_uses_it() {
    assert_eq!(code(&check_user_rules(GOOD_RULE)), 0);
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("mine.toml"), GOOD_RULE).unwrap();
    fs::write(dir.path().join("app.cfg"), "x = acme_k3j4h5g6f7d8\n").unwrap();
    let output = run_in(
        dir.path(),
        &[
            "scan",
            "app.cfg",
            "--rules",
            "mine.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(finding_keys(&json(&output))[0].3, "acme-token");
}

#[test]
fn rules_check_names_the_problem() {
    let bad_toml = check_user_rules("[[rule]\nid = 1");
    assert_eq!(code(&bad_toml), 2);
    assert!(
        stderr(&bad_toml).contains("mine.toml"),
        "{}",
        stderr(&bad_toml)
    );

    let bad_regex = check_user_rules(&GOOD_RULE.replace("[a-z0-9]{12}", "[a-z0-9{12}"));
    assert_eq!(code(&bad_regex), 2);
    assert!(
        stderr(&bad_regex).contains("acme-token"),
        "{}",
        stderr(&bad_regex)
    );

    let missing_field = check_user_rules(&GOOD_RULE.replace("provider = \"acme\"\n", ""));
    assert_eq!(code(&missing_field), 2);
    assert!(
        stderr(&missing_field).contains("provider"),
        "{}",
        stderr(&missing_field)
    );

    let failing_example =
        check_user_rules(&GOOD_RULE.replace("acme_k3j4h5g6f7d8\"]", "acme_k3j4\"]"));
    assert_eq!(code(&failing_example), 1);
    assert!(stdout(&failing_example).contains("`acme-token`: example does not match"));

    let bad_id = check_user_rules(&GOOD_RULE.replace("acme-token", "Acme Token"));
    assert_eq!(code(&bad_id), 2);
    assert!(stderr(&bad_id).contains("kebab-case"));
}

#[test]
fn scan_refuses_a_malformed_rules_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.toml"), "this is not toml").unwrap();
    let output = run_in(dir.path(), &["scan", ".", "--rules", "bad.toml"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("bad.toml"));
    assert!(Path::new(&dir.path().join("bad.toml")).exists());
}
