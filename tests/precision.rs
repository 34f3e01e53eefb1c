//! Issue 15, precision: the catch-all rules judge the name and the value,
//! run `name: value` matching only in config-like files, find short
//! passwords, SDK vocabulary, escaped PEM blocks and CLI arguments; known
//! test values are set aside as suppressed; every finding carries its
//! confidence in every format, and `--min-confidence` filters.  All through
//! the real binary, on files written to a temporary directory.

mod common;

use std::path::Path;

use common::{code, json, run_in, stdout};
use serde_json::Value;

/// A temporary tree with `files` (path, content) written into it.
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }
    dir
}

fn scan_json(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "scan",
        ".",
        "--no-config",
        "--format",
        "json",
        "--no-redact",
    ];
    args.extend_from_slice(extra);
    let output = run_in(dir, &args);
    assert!(
        matches!(code(&output), 0 | 1),
        "{}",
        common::stderr(&output)
    );
    json(&output)
}

/// (path, rule_id, secret) of every finding.
fn found(report: &Value) -> Vec<(String, String, String)> {
    let mut list: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["uri"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
                f["secret"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    list.sort();
    list
}

fn secrets(report: &Value) -> Vec<String> {
    found(report).into_iter().map(|(_, _, s)| s).collect()
}

#[test]
fn token_names_that_are_not_credentials_are_not_reported() {
    let dir = tree(&[(
        "examples-1.json",
        r#"{
  "ChangeToken": "abcd12f2-46da-4fdb-b8d5-fbd4c466928f",
  "NextToken": "eyJ2IjoxLCJzIjoxLCJpIjoiOU83OTFodzdycnZCbkN4MExHeHVwQT09",
  "ClientRequestToken": "a8ca07e4-61ec-4399-99f4-19853801bcd5",
  "LockToken": "0bc01e21-03c9-4b98-9433-6229cbf1ef1c",
  "IdempotencyToken": "527c5358-2a1a-4b9e-b1b9-7293b0ddff42",
  "CsrfToken": "Q5FAKELESaY1Hjl2ufaIq8w3",
  "AWS::IAM::AccessKey": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  "authKey": "0x123pK5_VBqFAKE.UQ3kJ4123_",
  "AppKey": "3f4ca100e2fc675eFAKEf4eb12c4a012"
}
"#,
    )]);
    let report = scan_json(dir.path(), &[]);
    assert_eq!(
        secrets(&report),
        [
            "0x123pK5_VBqFAKE.UQ3kJ4123_",
            "3f4ca100e2fc675eFAKEf4eb12c4a012"
        ]
    );
}

#[test]
fn unquoted_name_value_runs_in_config_files_not_in_code() {
    let line = "  api_token: v*ozR=1IqFAKEWMcsJ2v\n";
    let code_lines = "export const config = {\n  withCredentials: defaultToConfig2,\n  apiKey: SensitiveString2048;\n  this.serverAppAppCheckToken = app$1.settings.appCheckToken;\n};\n";
    let dir = tree(&[
        ("deploy/values.yaml", line),
        ("src/client.ts", &format!("{line}{code_lines}")),
        ("lib/client.py", line),
    ]);
    let report = scan_json(dir.path(), &[]);
    assert_eq!(
        found(&report),
        [(
            "deploy/values.yaml".to_string(),
            "generic-env-secret".to_string(),
            "v*ozR=1IqFAKEWMcsJ2v".to_string()
        )]
    );
}

#[test]
fn short_passwords_are_found_in_env_files_and_dictionary_ones_are_not() {
    let dir = tree(&[
        (
            ".env",
            "DB_PASSWORD=Xk9#mQ2$vL7pR4\nAPI_TOKEN=Xk9#mQ2$vL7pR4\n",
        ),
        (
            "README.md",
            "Set `password=changeme` and PASSWORD=Welcome2024!x first.\n",
        ),
    ]);
    let report = scan_json(dir.path(), &[]);
    // In a `.env` file the credential-file extractor names the format
    // (`dotenv-password`); the catch-all gives way to it.
    assert_eq!(
        found(&report),
        [(
            ".env".to_string(),
            "dotenv-password".to_string(),
            "Xk9#mQ2$vL7pR4".to_string()
        )]
    );
}

#[test]
fn escaped_pem_blocks_and_cli_arguments_are_found() {
    let body = "a2V5bGludCBGQUtFIHRlc3Qga2V5LCBub3QgYSByZWFsIGNyZWRlbnRpYWwg8SlD";
    let pem = format!(
        "KEY = \"-----BEGIN RSA PRIVATE KEY-----\\\\n{body}\\\\n{body}\\\\n-----END RSA PRIVATE KEY-----\\\\n\"\n"
    );
    let dir = tree(&[
        ("keys.py", &pem),
        (
            "setup.sh",
            "aws kms create-custom-key-store --xks-proxy-authentication-credential \"AccessKeyId=ABCDE12345670EXAMPLE, RawSecretAccessKey=DXjSUawnel2fr6SKC7G25CNxTyWKE5PF9XX6H/u9pSo=\"\n",
        ),
    ]);
    let report = scan_json(dir.path(), &[]);
    let rules: Vec<(String, String)> = found(&report)
        .into_iter()
        .map(|(path, rule, _)| (path, rule))
        .collect();
    assert_eq!(
        rules,
        [
            ("keys.py".to_string(), "private-key".to_string()),
            ("setup.sh".to_string(), "generic-cli-secret".to_string()),
        ]
    );
    assert!(secrets(&report).contains(&"DXjSUawnel2fr6SKC7G25CNxTyWKE5PF9XX6H/u9pSo=".to_string()));
}

const AZURITE: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

#[test]
fn known_test_values_are_suppressed_with_their_reason() {
    let dir = tree(&[(
        "settings.py",
        &format!(
            "AWS_ACCESS_KEY_ID = \"AKIAIOSFODNN7EXAMPLE\"\nCONN = \"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AZURITE};\"\nSTRIPE = \"sk_test_4eC39HqLyjWDarjtT1zdp7dc\"\n"
        ),
    )]);
    let plain = run_in(dir.path(), &["scan", ".", "--no-config"]);
    assert_eq!(code(&plain), 0, "{}", stdout(&plain));
    assert!(
        stdout(&plain).contains("known test values 3"),
        "{}",
        stdout(&plain)
    );
    let report = scan_json(dir.path(), &["--show-suppressed"]);
    assert!(report["findings"].as_array().unwrap().is_empty());
    assert_eq!(report["summary"]["suppressed"]["test_value"], 3);
    let suppressed = report["suppressed"].as_array().unwrap();
    let mut seen: Vec<(&str, &str)> = suppressed
        .iter()
        .map(|s| {
            assert_eq!(s["suppressed_by"], "test_value");
            assert_eq!(s["confidence"], "low");
            assert!(s["test_value"].is_string());
            (
                s["rule_id"].as_str().unwrap(),
                s["suppression_reason"].as_str().unwrap(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0].0, "aws-access-key-id");
    assert!(seen[0].1.starts_with("known test value: AWS documentation"));
    assert_eq!(seen[1].0, "azure-storage-connection-string");
    assert!(seen[1].1.contains("Azurite"));
    assert_eq!(seen[2].0, "stripe-test-secret-key");
}

/// A high-confidence (GitHub) and a low-confidence (generic) finding.
fn mixed_tree() -> tempfile::TempDir {
    tree(&[(
        "config.py",
        "GITHUB = \"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\"\ndb_password = \"qk#EFAKEj!#UJV-WjW8V\"\n",
    )])
}

#[test]
fn every_format_carries_the_confidence() {
    let dir = mixed_tree();
    let report = scan_json(dir.path(), &[]);
    let confidences: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap(),
                f["confidence"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        confidences,
        [
            ("github-classic-token", "high"),
            ("generic-secret-assignment", "low")
        ]
    );

    let sarif = json(&run_in(
        dir.path(),
        &["scan", ".", "--no-config", "-f", "sarif"],
    ));
    common::assert_valid_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ranks: Vec<(f64, &str)> = results
        .iter()
        .map(|r| {
            (
                r["rank"].as_f64().unwrap(),
                r["properties"]["confidence"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(ranks, [(90.0, "high"), (30.0, "low")]);

    let csv = stdout(&run_in(
        dir.path(),
        &["scan", ".", "--no-config", "-f", "csv"],
    ));
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].ends_with(",confidence"), "{}", rows[0]);
    assert!(
        rows[1].ends_with(",high") && rows[2].ends_with(",low"),
        "{csv}"
    );

    let junit = stdout(&run_in(
        dir.path(),
        &["scan", ".", "--no-config", "-f", "junit"],
    ));
    assert!(
        junit.contains("<property name=\"confidence\" value=\"high\"/>"),
        "{junit}"
    );
    assert!(
        junit.contains("<property name=\"confidence\" value=\"low\"/>"),
        "{junit}"
    );

    let human = stdout(&run_in(
        dir.path(),
        &["scan", ".", "--no-config", "--color", "never"],
    ));
    assert!(human.contains("github-classic-token"), "{human}");
    assert!(
        human.contains("\n    confidence high\n") && human.contains("\n    confidence low\n"),
        "{human}"
    );
}

#[test]
fn min_confidence_filters_findings() {
    let dir = mixed_tree();
    let rules = |extra: &[&str]| -> Vec<String> {
        found(&scan_json(dir.path(), extra))
            .into_iter()
            .map(|(_, rule, _)| rule)
            .collect()
    };
    assert_eq!(rules(&[]).len(), 2);
    assert_eq!(rules(&["--min-confidence", "low"]).len(), 2);
    assert_eq!(
        rules(&["--min-confidence", "medium"]),
        ["github-classic-token"]
    );
    assert_eq!(
        rules(&["--min-confidence", "high"]),
        ["github-classic-token"]
    );
    let bad = run_in(dir.path(), &["scan", ".", "--min-confidence", "certain"]);
    assert_eq!(code(&bad), 2);
}

#[test]
fn the_action_defaults_to_medium_confidence() {
    let text = std::fs::read_to_string(common::repo_root().join("action.yml")).unwrap();
    let action: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(action["inputs"]["min-confidence"]["default"], "medium");
    let scan = action["runs"]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "scan")
        .unwrap();
    assert_eq!(
        scan["env"]["KEYLINT_MIN_CONFIDENCE"],
        "${{ inputs.min-confidence }}"
    );
    assert!(
        scan["run"]
            .as_str()
            .unwrap()
            .contains("--min-confidence \"$KEYLINT_MIN_CONFIDENCE\"")
    );
}
