//! What every source owes its user (issue #12): UTF-16 text is scanned in
//! git history and staged changes as in the working tree, and a scan that
//! read nothing never says "no secrets found".

mod common;
mod gitrepo;

use common::{code, json, keylint, stderr, stdout};
use gitrepo::{AWS_KEY, Repo};

/// `text` as PowerShell's `Out-File` writes it: UTF-16LE with a BOM.
fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

fn lines_of_rule(report: &serde_json::Value, rule: &str) -> Vec<(u64, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect()
}

#[test]
fn utf16_files_are_scanned_in_history_and_staged_changes() {
    let mut repo = Repo::new();
    let script = format!("# deploy\r\n$Key = \"{AWS_KEY}\"\r\n");
    std::fs::write(repo.path.join("deploy.ps1"), utf16le_with_bom(&script)).unwrap();
    repo.git(&["add", "deploy.ps1"]);

    let staged = keylint()
        .current_dir(&repo.path)
        .env_remove("GIT_INDEX_FILE")
        .args(["scan", "--staged", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&staged), 1, "{}", stderr(&staged));
    assert_eq!(
        lines_of_rule(&json(&staged), "aws-access-key-id"),
        vec![(2, 9)]
    );

    repo.commit("Alice", "deploy script");
    let history = keylint()
        .args(["history", "--format", "json"])
        .arg(&repo.path)
        .output()
        .unwrap();
    assert_eq!(code(&history), 1, "{}", stderr(&history));
    assert_eq!(
        lines_of_rule(&json(&history), "aws-access-key-id"),
        vec![(2, 9)]
    );
}

#[test]
fn a_scan_that_read_nothing_never_says_no_secrets_found() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("image.bin");
    std::fs::write(&binary, b"\x89PNG\0\0\0binary").unwrap();
    for target in [binary.as_path(), dir.path()] {
        let output = keylint()
            .args(["scan", "--no-config", "--color", "never"])
            .arg(target)
            .output()
            .unwrap();
        let text = stdout(&output);
        assert!(!text.contains("no secrets found"), "{text}");
        assert!(text.contains("nothing was scanned"), "{text}");
        let github = keylint()
            .args(["scan", "--no-config", "--format", "github"])
            .arg(target)
            .output()
            .unwrap();
        assert!(
            stdout(&github).contains("nothing was scanned"),
            "{}",
            stdout(&github)
        );
    }
    // One readable file is a real "no secrets found".
    std::fs::write(dir.path().join("notes.txt"), "nothing to see\n").unwrap();
    let output = keylint()
        .args(["scan", "--no-config", "--color", "never"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(stdout(&output).contains("no secrets found"));
}
