//! Helpers shared by the integration tests: run the real `keylint` binary
//! and read its output.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(relative: &str) -> PathBuf {
    repo_root().join("fixtures").join(relative)
}

/// `keylint` with a clean environment for colors and no inherited config.
pub fn keylint() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_keylint"));
    command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    // Inside GitHub Actions or a pre-commit run, don't let the runner's
    // variables reach the binary under test.
    for var in [
        "GITHUB_STEP_SUMMARY",
        "PRE_COMMIT_FROM_REF",
        "PRE_COMMIT_TO_REF",
        "PRE_COMMIT_REMOTE_NAME",
    ] {
        command.env_remove(var);
    }
    command
}

/// Run `keylint ARGS` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    keylint()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run keylint")
}

/// Run `keylint ARGS` (a JSON report) in `dir`: it must end with 0 or 1.
pub fn json_in(dir: &Path, args: &[&str]) -> Value {
    let output = run_in(dir, args);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    json(&output)
}

/// Run with `input` on standard input.
pub fn run_with_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = keylint()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keylint");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().expect("wait keylint")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exit code")
}

/// Parse a JSON report, with the stderr shown if it isn't JSON.
pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {}", stderr(output)))
}

/// (path, line, column, rule_id) of each finding in a JSON report.
pub fn finding_keys(report: &Value) -> Vec<(String, u64, u64, String)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `keylint scan fixtures/tree EXTRA…` from the repository root.
pub fn scan_tree(extra: &[&str]) -> Output {
    let mut args = vec!["scan", "fixtures/tree"];
    args.extend_from_slice(extra);
    run_in(&repo_root(), &args)
}

/// The full secrets of the fixture tree, read back with `--no-redact`
/// (to check that no other report leaks one).
pub fn tree_secrets() -> Vec<String> {
    let report = json(&scan_tree(&["--format", "json", "--no-redact"]));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["secret"].as_str().unwrap().to_string())
        .collect()
}

/// Validate a SARIF document against the official 2.1.0 schema (vendored in
/// tests/data: the tests never read outside the repository).
pub fn assert_valid_sarif(document: &Value) {
    let schema_path = repo_root().join("tests/data/sarif-schema-2.1.0.json");
    let schema_text = std::fs::read_to_string(&schema_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", schema_path.display()));
    let schema: Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}
