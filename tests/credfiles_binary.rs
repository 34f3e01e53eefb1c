//! Binary credential databases (Firefox `key4.db`, MySQL `.mylogin.cnf`)
//! are read by default, in a tree, in a history and when staged, although
//! every other binary file is skipped unless `--include-binary`.

mod common;
mod gitrepo;

use gitrepo::Repo;
use serde_json::Value;

/// An SQLite file: the header, then zeroed pages (a NUL within 8 KiB).
fn sqlite_file() -> Vec<u8> {
    let mut sqlite = b"SQLite format 3\0".to_vec();
    sqlite.extend_from_slice(&[0x10, 0x00, 0x01, 0x01]);
    sqlite.resize(4096, 0);
    sqlite
}

/// A PNG-like binary holding a fake key: must stay skipped.
fn other_binary() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(format!(" token = \"{}\"\n", gitrepo::GITHUB_TOKEN).as_bytes());
    png
}

fn rules_by_path(report: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_tree_scan_reads_credential_databases_but_skips_other_binaries() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("fake.default");
    std::fs::create_dir_all(&profile).unwrap();
    std::fs::write(profile.join("key4.db"), sqlite_file()).unwrap();
    std::fs::write(dir.path().join("logo.png"), other_binary()).unwrap();
    let report = common::json_in(
        dir.path(),
        &["scan", ".", "--no-config", "--format", "json"],
    );
    assert_eq!(
        rules_by_path(&report),
        [(
            "fake.default/key4.db".to_string(),
            "firefox-key-database".to_string()
        )]
    );
    assert_eq!(report["summary"]["skipped_binary"], 1, "{report}");
}

#[test]
fn history_and_staged_scans_read_credential_databases_too() {
    let mut repo = Repo::new();
    std::fs::create_dir_all(repo.path.join("profile")).unwrap();
    std::fs::write(repo.path.join("profile/key4.db"), sqlite_file()).unwrap();
    std::fs::write(repo.path.join("logo.png"), other_binary()).unwrap();
    repo.git(&["add", "-A"]);
    let staged = common::json_in(
        &repo.path,
        &["scan", "--staged", ".", "--no-config", "--format", "json"],
    );
    assert_eq!(
        rules_by_path(&staged),
        [(
            "profile/key4.db".to_string(),
            "firefox-key-database".to_string()
        )]
    );
    repo.commit("A", "add a profile");
    let history = common::json_in(
        &repo.path,
        &["history", ".", "--no-config", "--format", "json"],
    );
    assert_eq!(
        rules_by_path(&history),
        [(
            "profile/key4.db".to_string(),
            "firefox-key-database".to_string()
        )]
    );
    assert_eq!(history["summary"]["skipped_binary"], 1, "{history}");
}
