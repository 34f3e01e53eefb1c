//! Format-aware credential extraction (issue 14), through the binary: every
//! credential of fixtures/credfiles (files named and shaped as the tools
//! write them; fixtures/credfiles/gen.py writes them and expected.json) is
//! reported at its line and column under the expected rule, and nothing
//! else is: the counter-examples (templates, variable references) and every
//! other line stay unreported.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use common::repo_root as root;

type Located = (String, u64, u64, String);

fn scan(path: &Path) -> Value {
    let output = common::run_in(
        &root(),
        &[
            "scan",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--no-config",
        ],
    );
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "scan failed: {}",
        common::stderr(&output)
    );
    common::json(&output)
}

fn report() -> Value {
    scan(Path::new("fixtures/credfiles"))
}

fn reported() -> Vec<Value> {
    report()["findings"].as_array().unwrap().clone()
}

/// (path inside fixtures/credfiles, line, column, rule) of every finding.
fn located(report: &Value) -> BTreeSet<Located> {
    common::finding_keys(report)
        .into_iter()
        .map(|(path, line, column, rule)| {
            let path = path.trim_start_matches("fixtures/credfiles/").to_string();
            (path, line, column, rule)
        })
        .collect()
}

fn expected() -> Value {
    let text = std::fs::read_to_string(root().join("fixtures/credfiles/expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn finding<'a>(findings: &'a [Value], path_end: &str, line: u64) -> Option<&'a Value> {
    findings.iter().find(|f| {
        f["path"].as_str().unwrap().ends_with(path_end) && f["line"].as_u64() == Some(line)
    })
}

#[test]
fn every_credential_is_found_at_its_line_and_column_and_nothing_else() {
    let want: BTreeSet<Located> = expected()["expected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
                e["column"].as_u64().unwrap(),
                e["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(want.len() >= 90, "only {} expected credentials", want.len());
    let got = located(&report());
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
}

#[test]
fn templates_and_variable_references_are_not_reported() {
    let findings = reported();
    let negatives = expected()["negatives"].as_array().unwrap().clone();
    assert!(negatives.len() >= 25);
    for n in negatives {
        let (path, line) = (n["path"].as_str().unwrap(), n["line"].as_u64().unwrap());
        let hit = finding(&findings, &format!("credfiles/{path}"), line);
        assert!(hit.is_none(), "counter-example reported: {hit:?}");
    }
}

#[test]
fn weak_passwords_in_credential_files_are_reported_at_medium_confidence() {
    let findings = reported();
    let weak = finding(&findings, "home/.pgpass", 3)
        .expect("`localhost:5432:*:root:password` is reported");
    assert_eq!(weak["rule_id"], "pgpass-password-weak");
    let confidence = rule_confidence();
    assert_eq!(confidence["pgpass-password-weak"], "medium");
    assert_eq!(confidence["pgpass-password"], "high");
    let env = finding(&findings, "laravel/.env", 6).expect("DB_PASSWORD=admin123 is reported");
    assert_eq!(env["rule_id"], "dotenv-password-weak");
}

#[test]
fn decoded_and_encrypted_values_carry_a_note_and_encrypted_ones_are_low() {
    let findings = reported();
    let encrypted = finding(&findings, "application.properties", 5)
        .expect("ENC(...) in application.properties is reported");
    assert_eq!(encrypted["rule_id"], "credential-file-encrypted-value");
    assert_eq!(encrypted["severity"], "low");
    assert_eq!(encrypted["message"], "encrypted");
    let decoded = finding(&findings, "firefox/fake.default/logins.json", 1).unwrap();
    assert_eq!(decoded["message"], "recoverable with the profile's key4.db");
}

#[test]
fn the_same_text_outside_a_credential_file_keeps_the_code_filters() {
    // A `.pgpass`-shaped line with a weak password in a README is
    // documentation, not a credential file: not reported.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("README.md"),
        "Put `localhost:5432:*:root:password` in ~/.pgpass\nmachine host login me password pass123\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("notes.txt"),
        "export DB_PASSWORD=admin123\nDB_PASSWORD=admin123\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".pgpass"),
        "localhost:5432:*:root:password\n",
    )
    .unwrap();
    let report = scan(dir.path());
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths.len(), 1, "{paths:?}");
    assert!(paths[0].ends_with(".pgpass"));
}

#[test]
fn a_disabled_extractor_rule_is_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".pgpass"),
        "localhost:5432:*:root:password\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".keylint.toml"),
        "[rules]\ndisable = [\"pgpass-password-weak\"]\n",
    )
    .unwrap();
    let output = common::run_in(dir.path(), &["scan", ".", "--format", "json"]);
    let report = common::json(&output);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report}");
}

/// `rule id -> confidence` as the built-in rules file states it.
fn rule_confidence() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("rules/credential-formats.toml")).unwrap();
    let file: toml::Value = toml::from_str(&text).unwrap();
    file["rule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["confidence"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `(rule, line, column, message)` of every finding under `dir`, by path end.
fn by_path(report: &Value) -> BTreeMap<String, Vec<(String, u64, u64, String)>> {
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap().replace('\\', "/");
        let name = path
            .trim_start_matches("./")
            .rsplit('/')
            .take(2)
            .collect::<Vec<_>>();
        let key = match name.as_slice() {
            [file, dir] => format!("{dir}/{file}"),
            _ => name[0].to_string(),
        };
        out.entry(key).or_default().push((
            f["rule_id"].as_str().unwrap().to_string(),
            f["line"].as_u64().unwrap(),
            f["column"].as_u64().unwrap(),
            f["message"].as_str().unwrap_or_default().to_string(),
        ));
    }
    out
}

fn scan_binary(dir: &Path) -> Value {
    common::json_in(
        dir,
        &[
            "scan",
            ".",
            "--format",
            "json",
            "--no-config",
            "--include-binary",
        ],
    )
}

#[test]
fn binary_credential_files_are_recognised_by_path_and_header() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join(".mozilla/firefox/fake.default");
    std::fs::create_dir_all(&profile).unwrap();
    // key4.db: an SQLite file (header, then pages); logins.json beside it.
    let mut sqlite = b"SQLite format 3\0".to_vec();
    sqlite.extend_from_slice(&[0x10, 0x00, 0x01, 0x01]);
    sqlite.resize(4096, 0);
    std::fs::write(profile.join("key4.db"), &sqlite).unwrap();
    std::fs::write(profile.join("logins.json"), "{\"logins\":[]}\n").unwrap();
    // .mylogin.cnf: 4 unused bytes, the 20-byte key, one 16-byte chunk.
    let mut mylogin = vec![0u8; 4];
    mylogin.extend((1..=20).map(|b| b as u8 | 0x80));
    mylogin.extend_from_slice(&16u32.to_le_bytes());
    mylogin.extend((0..16).map(|b| 0xA0 + b as u8));
    std::fs::write(dir.path().join(".mylogin.cnf"), &mylogin).unwrap();
    // DBeaver credentials-config.json: IV + AES blocks, not text.
    let dbeaver = dir.path().join("ws/.dbeaver");
    std::fs::create_dir_all(&dbeaver).unwrap();
    let blob: Vec<u8> = (0..48u32).map(|i| (i * 37 + 200) as u8 | 0x80).collect();
    std::fs::write(dbeaver.join("credentials-config.json"), &blob).unwrap();
    // Counter-examples: the same names holding text that is no such file.
    let other = dir.path().join("docs/.dbeaver");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(
        other.join("credentials-config.json"),
        "{\"note\": \"encrypted on save\"}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("docs/key4.db"), "not a database\n").unwrap();

    let found = by_path(&scan_binary(dir.path()));
    assert_eq!(
        found["fake.default/key4.db"],
        vec![(
            "firefox-key-database".to_string(),
            1,
            1,
            "Firefox key database: decrypts logins.json beside it".to_string()
        )]
    );
    let mylogin = &found[".mylogin.cnf"];
    assert_eq!(mylogin.len(), 1);
    assert_eq!(
        (mylogin[0].0.as_str(), mylogin[0].1, mylogin[0].2),
        ("mysql-login-path-file", 1, 5)
    );
    let db = &found[".dbeaver/credentials-config.json"];
    assert_eq!(
        (db[0].0.as_str(), db[0].1, db[0].2),
        ("database-client-password", 1, 1),
        "{found:?}"
    );
    assert_eq!(
        db.len(),
        1,
        "the text credentials-config.json is not reported: {found:?}"
    );
    assert!(!found.contains_key("docs/key4.db"), "{found:?}");
}

#[test]
fn a_rails_credentials_file_is_reported_only_beside_its_key() {
    let findings = reported();
    let pair = finding(&findings, "rails/config/credentials.yml.enc", 1)
        .expect("credentials.yml.enc beside master.key is reported");
    assert_eq!(pair["rule_id"], "credential-file-encrypted-value");
    assert_eq!(pair["severity"], "low");
    assert_eq!(
        pair["message"],
        "encrypted; its key (master.key) is committed beside it"
    );
    let key = finding(&findings, "rails/config/master.key", 1).unwrap();
    assert_eq!(key["rule_id"], "rails-master-key");
    assert_eq!(key["message"], "decrypts the credentials.yml.enc beside it");
    assert!(finding(&findings, "app/config/credentials.yml.enc", 1).is_none());
}
