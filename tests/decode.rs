//! The decoding stage (`--decode-depth`), through the binary: secrets
//! inside base64, string escapes and percent-encoding are found at the
//! encoded run, with the chain that revealed them, under the plain
//! secret's fingerprint; decoys stay quiet; work is bounded by the depth
//! limit and the decoded-bytes budget.  Fixtures: fixtures/decode
//! (written by fixtures/decode/make.py).

mod common;

use std::fs;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use common::{fixture, repo_root};

fn scan(args: &[&str]) -> (std::process::Output, Value) {
    let mut all = vec!["scan", "--no-config", "--format", "json"];
    all.extend_from_slice(args);
    let output = common::run_in(&repo_root(), &all);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "scan failed: {}",
        common::stderr(&output)
    );
    let report = common::json(&output);
    (output, report)
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

fn by_rule<'r>(report: &'r Value, rule: &str) -> Vec<&'r Value> {
    findings(report)
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .collect()
}

const ENCODED: &str = "fixtures/decode/encoded";

#[test]
fn kubernetes_secret_base64_value_is_found_at_the_run() {
    let (_, report) = scan(&[
        "--decode-depth",
        "2",
        "fixtures/decode/encoded/k8s-secret.yaml",
    ]);
    let found = by_rule(&report, "openai-project-key");
    assert_eq!(found.len(), 1, "{report:#}");
    let f = found[0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(7), Some(19))
    );
    assert_eq!(f["decoded"], "base64");
    // The encoded run is the secret, encoded: it is masked, not printed.
    let text = fs::read_to_string(fixture("decode/encoded/k8s-secret.yaml")).unwrap();
    let run = text
        .lines()
        .nth(6)
        .unwrap()
        .trim_start_matches("  OPENAI_API_KEY: ");
    let snippet = f["snippet"].as_str().unwrap();
    assert!(snippet.starts_with("  OPENAI_API_KEY: "), "{snippet}");
    assert!(
        !snippet.contains(&run[..12]),
        "encoded run shown: {snippet}"
    );
    let raw = String::from_utf8(STANDARD.decode(run).unwrap()).unwrap();
    assert!(
        !common::stdout(&common::run_in(
            &repo_root(),
            &["scan", "--no-config", "--decode-depth", "2", ENCODED],
        ))
        .contains(&raw)
    );
    // The plain-text rule on the encoded text gives way to the decoded key.
    assert!(
        by_rule(&report, "generic-env-secret").is_empty(),
        "{report:#}"
    );
}

#[test]
fn base64_holding_json_escapes_reports_the_chain() {
    let (_, report) = scan(&["--decode-depth", "2", ENCODED]);
    let found = by_rule(&report, "slack-webhook-url");
    assert_eq!(found.len(), 1, "{report:#}");
    let f = found[0];
    assert_eq!(f["path"], "fixtures/decode/encoded/config-map.yaml");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(6), Some(16))
    );
    assert_eq!(f["decoded"], "base64 > json-escape");
    // One layer is not enough to see it.
    let (_, shallow) = scan(&["--decode-depth", "1", ENCODED]);
    assert!(by_rule(&shallow, "slack-webhook-url").is_empty());
}

#[test]
fn percent_encoded_token_in_a_redirect_url() {
    let (_, report) = scan(&["--decode-depth", "2", ENCODED]);
    let found = by_rule(&report, "github-fine-grained-token");
    assert_eq!(found.len(), 1, "{report:#}");
    let f = found[0];
    assert_eq!(f["path"], "fixtures/decode/encoded/redirect.env");
    // The run is the `next=` value, not the whole assignment.
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(52))
    );
    assert_eq!(f["decoded"], "percent");
    assert_eq!(report["summary"]["decoded_runs"], 4);
}

#[test]
fn off_by_default_and_plain_output_unchanged() {
    let (_, report) = scan(&[ENCODED]);
    for rule in [
        "openai-project-key",
        "slack-webhook-url",
        "github-fine-grained-token",
    ] {
        assert!(
            by_rule(&report, rule).is_empty(),
            "{rule} found without decoding"
        );
    }
    assert!(findings(&report).iter().all(|f| f.get("decoded").is_none()));
    assert!(report["summary"].get("decoded_runs").is_none());
    // A plain secret: the same finding with decoding on or off.
    let (_, off) = scan(&["fixtures/decode/plain"]);
    let (_, on) = scan(&["--decode-depth", "3", "fixtures/decode/plain"]);
    assert_eq!(off["findings"], on["findings"]);
    assert_eq!(findings(&off).len(), 1);
}

#[test]
fn decoys_give_no_finding() {
    let (_, report) = scan(&["--decode-depth", "4", "fixtures/decode/decoys"]);
    assert!(findings(&report).is_empty(), "{report:#}");
    // The bundle's escaped string and its percent run were looked at, the
    // images and the hash rejected before a full decode.
    assert_eq!(report["summary"]["decoded_runs"], 2, "{report:#}");
}

#[test]
fn sarif_and_human_name_the_chain() {
    let output = common::run_in(
        &repo_root(),
        &[
            "scan",
            "--no-config",
            "--decode-depth",
            "2",
            "--format",
            "sarif",
            ENCODED,
        ],
    );
    let sarif = common::json(&output);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let chains: Vec<&str> = results
        .iter()
        .filter_map(|r| r["properties"]["decoded"].as_str())
        .collect();
    assert!(chains.contains(&"base64 > json-escape"), "{chains:?}");
    assert!(chains.contains(&"percent"), "{chains:?}");
    let human = common::stdout(&common::run_in(
        &repo_root(),
        &[
            "scan",
            "--no-config",
            "--decode-depth",
            "2",
            "--color",
            "never",
            ENCODED,
        ],
    ));
    assert!(
        human.contains("    decoded from base64 > json-escape\n"),
        "{human}"
    );
    assert!(human.contains("; 4 encoded runs decoded"), "{human}");
}

#[test]
fn a_baseline_of_the_plain_secret_covers_the_encoded_one() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let baseline = baseline.to_str().unwrap();
    let made = common::run_in(
        &repo_root(),
        &[
            "baseline",
            "--no-config",
            "fixtures/decode/plain",
            "-o",
            baseline,
        ],
    );
    assert_eq!(made.status.code(), Some(0), "{}", common::stderr(&made));
    let (_, plain) = scan(&["fixtures/decode/plain"]);
    let (_, encoded) = scan(&[
        "--decode-depth",
        "2",
        "fixtures/decode/encoded/k8s-secret.yaml",
    ]);
    assert_eq!(
        findings(&plain)[0]["fingerprint"],
        by_rule(&encoded, "openai-project-key")[0]["fingerprint"]
    );
    let (_, covered) = scan(&[
        "--decode-depth",
        "2",
        "--baseline",
        baseline,
        "fixtures/decode/encoded/k8s-secret.yaml",
    ]);
    assert!(findings(&covered).is_empty(), "{covered:#}");
    assert_eq!(covered["summary"]["suppressed"]["baseline"], 1);
}

/// A key inside `depth` layers of base64, as one YAML value.
fn base64_chain(depth: usize) -> String {
    let key = fs::read_to_string(fixture("decode/plain/app.env")).unwrap();
    let mut text = key.trim().to_string();
    for _ in 0..depth {
        text = STANDARD.encode(text.as_bytes());
    }
    format!("value: {text}\n")
}

#[test]
fn nested_base64_is_bounded_by_depth_and_budget() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deep.yaml");
    fs::write(&path, base64_chain(24)).unwrap();
    let path = path.to_str().unwrap();
    // Deep enough: every layer once, the key at the outer run.
    let (_, report) = scan(&["--decode-depth", "30", path]);
    let found = by_rule(&report, "openai-project-key");
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["decoded"], vec!["base64"; 24].join(" > "));
    assert_eq!(found[0]["column"], 8);
    assert_eq!(report["summary"]["decoded_runs"], 24);
    // The depth limit: two layers, no more.
    let (_, shallow) = scan(&["--decode-depth", "2", path]);
    assert_eq!(shallow["summary"]["decoded_runs"], 2);
    assert!(by_rule(&shallow, "openai-project-key").is_empty());
    // The budget: decoding stops, says so, and counts the blob.
    let (output, tight) = scan(&["--decode-depth", "30", "--decode-budget", "256K", path]);
    assert!(by_rule(&tight, "openai-project-key").is_empty());
    assert_eq!(tight["summary"]["decode_budget_exhausted"], 1);
    let runs = tight["summary"]["decoded_runs"].as_u64().unwrap();
    assert!(runs < 24, "{runs}");
    assert!(
        common::stderr(&output).contains("--decode-budget"),
        "{}",
        common::stderr(&output)
    );
}

#[test]
fn a_fifty_layer_percent_chain_finishes_counted() {
    let key = fs::read_to_string(fixture("decode/plain/app.env")).unwrap();
    let key = key.trim().trim_start_matches("OPENAI_API_KEY=");
    // `%25` is an escaped `%`: each layer grows by two bytes, so fifty
    // layers stay small (fifty of base64 would be megabytes).
    let mut value = format!("%73{}", &key[1..]);
    for _ in 1..50 {
        value = value.replacen('%', "%25", 1);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.env");
    fs::write(
        &path,
        format!("CALLBACK=https://example.com/cb?k={value}\n"),
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let (_, report) = scan(&["--decode-depth", "64", path]);
    assert_eq!(report["summary"]["decoded_runs"], 50, "{report:#}");
    let found = by_rule(&report, "openai-project-key");
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["decoded"], vec!["percent"; 50].join(" > "));
    let (_, limited) = scan(&["--decode-depth", "2", path]);
    assert_eq!(limited["summary"]["decoded_runs"], 2);
}

#[test]
fn an_escaped_private_key_is_reported_once() {
    let (_, report) = scan(&["--decode-depth", "2", "fixtures/decode/escaped"]);
    let found = by_rule(&report, "private-key");
    assert_eq!(found.len(), 1, "{report:#}");
    assert!(found[0].get("decoded").is_none(), "{report:#}");
    assert_eq!(report["summary"]["decoded_runs"], 1, "{report:#}");
}

#[test]
fn two_keys_in_one_run_are_two_findings() {
    let env = fs::read_to_string(fixture("decode/plain/app.env")).unwrap();
    let key = env.trim().trim_start_matches("OPENAI_API_KEY=");
    // A second key: the first with its last letters changed.
    let other = format!("{}BBBB", &key[..key.len() - 4]);
    let both = format!("OPENAI_API_KEY={key}\nOPENAI_BACKUP_KEY={other}\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secret.yaml");
    fs::write(&path, format!("data:\n  env: {}\n", STANDARD.encode(both))).unwrap();
    let (_, report) = scan(&["--decode-depth", "2", path.to_str().unwrap()]);
    let found = by_rule(&report, "openai-project-key");
    assert_eq!(found.len(), 2, "{report:#}");
    assert_ne!(found[0]["fingerprint"], found[1]["fingerprint"]);
    assert!(found.iter().all(|f| f["line"] == 2 && f["column"] == 8));
}

mod gitrepo;

#[test]
fn staged_changes_and_history_decode_too() {
    let mut repo = gitrepo::Repo::new();
    let old = STANDARD.encode(format!("OPENAI_API_KEY={}", gitrepo::KEY_A));
    repo.write("secret.yaml", &format!("data:\n  old: {old}\n"));
    repo.commit("Alice", "old");
    let new = STANDARD.encode(format!("OPENAI_API_KEY={}", gitrepo::KEY_B));
    repo.write(
        "secret.yaml",
        &format!("data:\n  old: {old}\n  new: {new}\n"),
    );
    repo.git(&["add", "secret.yaml"]);
    // Staged: only the run on the line the change adds.
    let output = common::run_in(
        &repo.path,
        &[
            "scan",
            "--staged",
            "--decode-depth",
            "2",
            "--format",
            "json",
        ],
    );
    let report = common::json(&output);
    let found = by_rule(&report, "openai-project-key");
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(3), Some(8))
    );
    assert_eq!(found[0]["decoded"], "base64");
    // History: the committed run, at its commit.
    let output = common::run_in(
        &repo.path,
        &["history", "--decode-depth", "2", "--format", "json"],
    );
    let report = common::json(&output);
    let found = by_rule(&report, "openai-project-key");
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["line"], 2);
    assert_eq!(found[0]["author_name"], "Alice");
    assert_eq!(found[0]["decoded"], "base64");
}
