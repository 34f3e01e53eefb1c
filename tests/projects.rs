//! The project-binding analysis through the real binary: every scope kind
//! and language in `fixtures/projects/{match,mismatch}`, both inventory
//! shapes, conflicts across files and commits, GCP / Supabase / Firebase.

mod common;
mod gitrepo;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

const K1: &str = "sk-proj-SsNeq7FK-B3kEpFTUYFvAadUFAKE5A5rZPI4quSyiPDD9T8PZJzjiUcd1XbrfEeCJUMJ8vTYgIT3BlbkFJk56KBBlBrQyhGuTAMn-_1HNizmolFHGVvsnPB6azdhOkRl3cuvScjcMUyj5u_87Nc4sd5uc6yA";
const K4: &str = "sk-proj-RUSXSjt3lXrFAKErY6ugT3BlbkFJAKPdWC1LSfLdCuT3bNJv";
const PA: &str = "proj_ACNkKNVFAKE9bHoBUNdcfTJQ";
const PB: &str = "proj_F2KffLEFAKEZLL4xKXcNn0Ha";
const PD: &str = "proj_TnuKDQ4FAKEIMArwuQeNdUiD";
const OX: &str = "org-1K23NAmFAKECBocGLdwiHcHc";
const OY: &str = "org-tzfyicvFAKE7mueuLp0fvHmf";

const ANALYSIS_RULES: &[&str] = &[
    "openai-project-mismatch",
    "openai-org-mismatch",
    "openai-unknown-project",
    "openai-key-not-in-inventory",
    "openai-project-conflict",
    "openai-org-conflict",
    "openai-invalid-project-id",
    "openai-invalid-org-id",
    "gcp-project-mismatch",
    "supabase-project-mismatch",
    "firebase-project-mismatch",
];

fn analysis_findings(report: &Value) -> Vec<Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ANALYSIS_RULES.contains(&f["rule_id"].as_str().unwrap()))
        .cloned()
        .collect()
}

fn scan(dir: &Path, target: &str, extra: &[&str]) -> Value {
    let mut args = vec!["scan", target, "--format", "json"];
    args.extend_from_slice(extra);
    let output = run_in(dir, &args);
    assert!(code(&output) < 2, "{}", stderr(&output));
    json(&output)
}

/// 1-based (line, column) of the first `needle` in `file`.
fn position_of(file: &Path, needle: &str) -> (u64, u64) {
    let text = fs::read_to_string(file).unwrap();
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {}", file.display()));
    let line = text[..at].matches('\n').count() as u64 + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..at].chars().count() as u64 + 1)
}

#[test]
fn matching_pairs_produce_no_analysis_finding_with_either_inventory_shape() {
    for inventory in [
        "fixtures/projects/inventory.json",
        "fixtures/projects/inventory-api.json",
    ] {
        let report = scan(
            &repo_root(),
            "fixtures/projects/match",
            &["--inventory", inventory],
        );
        assert_eq!(
            analysis_findings(&report),
            Vec::<Value>::new(),
            "{inventory}"
        );
        // The keys themselves are still reported as secrets.
        assert_eq!(report["findings"].as_array().unwrap().len(), 16);
    }
}

#[test]
fn every_mismatched_pair_is_one_finding_pointing_at_key_and_project() {
    let mismatch = repo_root().join("fixtures/projects/mismatch");
    let mut cases: Vec<String> = fs::read_dir(&mismatch)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 16, "{cases:?}");
    for inventory in [
        "fixtures/projects/inventory.json",
        "fixtures/projects/inventory-api.json",
    ] {
        let report = scan(
            &repo_root(),
            "fixtures/projects/mismatch",
            &["--inventory", inventory],
        );
        let found = analysis_findings(&report);
        assert_eq!(found.len(), cases.len(), "one finding per case: {found:#?}");
        for finding in &found {
            let path = finding["path"].as_str().unwrap();
            let case = path
                .trim_start_matches("fixtures/projects/mismatch/")
                .split('/')
                .next()
                .unwrap();
            let (rule, id) = if case == "org" {
                ("openai-org-mismatch", OY)
            } else {
                ("openai-project-mismatch", PB)
            };
            assert_eq!(finding["rule_id"], rule, "{path}");
            let key_at = position_of(&repo_root().join(path), K1);
            assert_eq!(
                (
                    finding["line"].as_u64().unwrap(),
                    finding["column"].as_u64().unwrap()
                ),
                key_at,
                "{path}"
            );
            let related = &finding["related"][0];
            let related_path = related["path"].as_str().unwrap();
            let id_at = position_of(&repo_root().join(related_path), id);
            assert_eq!(
                (
                    related["line"].as_u64().unwrap(),
                    related["column"].as_u64().unwrap()
                ),
                id_at,
                "{path}"
            );
            let message = finding["message"].as_str().unwrap();
            assert!(message.contains(id) && !message.contains(K1), "{message}");
            let severity = if case == "directory" {
                "medium"
            } else {
                "high"
            };
            assert_eq!(
                finding["severity"], severity,
                "{path}: directory scope is weaker"
            );
        }
    }
}

#[test]
fn mismatch_sarif_validates_with_related_locations() {
    let output = run_in(
        &repo_root(),
        &[
            "scan",
            "fixtures/projects/mismatch/go",
            "--inventory",
            "fixtures/projects/inventory.json",
            "--format",
            "sarif",
        ],
    );
    let sarif = json(&output);
    assert_valid_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let mismatch = results
        .iter()
        .find(|r| r["ruleId"] == "openai-project-mismatch")
        .expect("mismatch result");
    let related = &mismatch["relatedLocations"][0]["physicalLocation"];
    assert_eq!(
        related["artifactLocation"]["uri"],
        "fixtures/projects/mismatch/go/client.go"
    );
    assert_eq!(related["region"]["startLine"], 6);
    let rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in ANALYSIS_RULES {
        assert!(rules.contains(id), "{id} missing from SARIF rules");
    }
    let listed = stdout(&run_in(&repo_root(), &["rules", "list"]));
    for id in ANALYSIS_RULES {
        assert!(
            listed.lines().any(|l| l.starts_with(id)),
            "{id} missing from rules list"
        );
    }
}

fn tree(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let full = dir.path().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, text).unwrap();
    }
    dir
}

fn inventory_path() -> String {
    repo_root()
        .join("fixtures/projects/inventory.json")
        .display()
        .to_string()
}

#[test]
fn unknown_project_is_reported_alone_and_unknown_keys_informationally() {
    let dir = tree(&[
        (
            "a/.env",
            format!("OPENAI_API_KEY={K1}\nOPENAI_PROJECT_ID={PD}\n"),
        ),
        (
            "b/.env",
            format!("OPENAI_API_KEY={K4}\nOPENAI_PROJECT_ID={PA}\n"),
        ),
    ]);
    let report = scan(dir.path(), ".", &["--inventory", &inventory_path()]);
    let rules: Vec<(String, String)> = analysis_findings(&report)
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        vec![
            ("a/.env".to_string(), "openai-unknown-project".to_string()),
            (
                "b/.env".to_string(),
                "openai-key-not-in-inventory".to_string()
            ),
        ]
    );
}

#[test]
fn without_inventory_a_key_bound_to_two_projects_is_a_conflict() {
    let dir = tree(&[
        (
            "svc-a/.env",
            format!("OPENAI_API_KEY={K1}\nOPENAI_PROJECT_ID={PA}\nOPENAI_ORG_ID={OX}\n"),
        ),
        (
            "svc-b/config.yaml",
            format!("openai:\n  api_key: {K1}\n  project: {PB}\n  organization: {OY}\n"),
        ),
        (
            "svc-c/.env",
            format!("OPENAI_API_KEY={K4}\nOPENAI_PROJECT_ID={PA}\n"),
        ),
    ]);
    let report = scan(dir.path(), ".", &[]);
    let found = analysis_findings(&report);
    let summary: Vec<(String, String, String)> = found
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
                f["related"][1]["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "svc-a/.env".into(),
                "openai-org-conflict".into(),
                "svc-b/config.yaml".into()
            ),
            (
                "svc-a/.env".into(),
                "openai-project-conflict".into(),
                "svc-b/config.yaml".into()
            ),
            (
                "svc-b/config.yaml".into(),
                "openai-org-conflict".into(),
                "svc-a/.env".into()
            ),
            (
                "svc-b/config.yaml".into(),
                "openai-project-conflict".into(),
                "svc-a/.env".into()
            ),
        ],
        "{found:#?}"
    );
}

#[test]
fn malformed_project_ids_are_reported_and_bedrock_ids_ignored() {
    let dir = tree(&[
        (
            "bad/.env",
            format!("OPENAI_API_KEY={K1}\nOPENAI_PROJECT_ID=proj_abc\nOPENAI_ORG_ID=org-123\n"),
        ),
        (
            "bedrock/client.py",
            format!(
                "client = OpenAI(api_key=\"{K1}\", default_headers={{\"OpenAI-Project\": \"proj_abcdefgh12345678wxyz\"}})\n"
            ),
        ),
    ]);
    let report = scan(dir.path(), ".", &[]);
    let rules: Vec<String> = analysis_findings(&report)
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["path"].as_str().unwrap(),
                f["rule_id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        rules,
        vec![
            "bad/.env openai-invalid-org-id",
            "bad/.env openai-invalid-project-id"
        ]
    );
}

#[test]
fn malformed_inventory_exits_2_naming_the_file_and_problem() {
    let dir = tree(&[
        (
            "bad.json",
            "{\"projects\": [{\"id\": \"proj_1\", \"api_keys\": [{\"id\": \"key_1\"}]}]}".into(),
        ),
        ("broken.json", "{\"projects\": [".into()),
        ("a.env", format!("K={K1}\n")),
    ]);
    let output = run_in(dir.path(), &["scan", ".", "--inventory", "bad.json"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output)
            .contains("inventory bad.json: projects[0].api_keys[0]: missing `redacted_value`"),
        "{}",
        stderr(&output)
    );
    let output = run_in(dir.path(), &["scan", ".", "--inventory", "broken.json"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("inventory broken.json: invalid JSON"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn ambiguous_inventory_warns_and_makes_no_false_mismatch() {
    let redacted = format!(
        "{}{}{}",
        &K1[..8],
        "*".repeat(K1.len() - 12),
        &K1[K1.len() - 4..]
    );
    let inventory = format!(
        r#"{{"projects": [
          {{"id": "{PA}", "api_keys": [{{"id": "key_a", "redacted_value": "{redacted}"}}]}},
          {{"id": "{PB}", "api_keys": [{{"id": "key_b", "redacted_value": "{redacted}"}}]}}
        ]}}"#
    );
    let dir = tree(&[
        ("inv.json", inventory),
        (
            "a/.env",
            format!("OPENAI_API_KEY={K1}\nOPENAI_PROJECT_ID={PB}\n"),
        ),
    ]);
    let output = run_in(
        dir.path(),
        &["scan", "a", "--inventory", "inv.json", "--format", "json"],
    );
    assert!(
        stderr(&output).contains("share the redacted value"),
        "{}",
        stderr(&output)
    );
    let found = analysis_findings(&json(&output));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["rule_id"], "openai-key-not-in-inventory");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("matches 2 inventory keys")
    );
}

#[test]
fn provider_configs_agree_or_are_reported() {
    let report = scan(&repo_root(), "fixtures/projects/providers", &[]);
    let mut found: Vec<(String, String, String)> = analysis_findings(&report)
        .iter()
        .map(|f| {
            let case = f["path"]
                .as_str()
                .unwrap()
                .split('/')
                .nth(3)
                .unwrap()
                .to_string();
            (
                case,
                f["rule_id"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "firebase-bad".into(),
                "firebase-project-mismatch".into(),
                "medium".into()
            ),
            (
                "firebase-rc-bad".into(),
                "firebase-project-mismatch".into(),
                "low".into()
            ),
            (
                "gcp-bad".into(),
                "gcp-project-mismatch".into(),
                "high".into()
            ),
            (
                "gcp-dir-bad".into(),
                "gcp-project-mismatch".into(),
                "medium".into()
            ),
            (
                "supabase-bad".into(),
                "supabase-project-mismatch".into(),
                "high".into()
            ),
        ]
    );
}

#[test]
fn a_rule_limited_allow_on_the_key_keeps_the_mismatch() {
    let dir = tree(&[(
        ".env",
        format!(
            "OPENAI_API_KEY={K1}  # keylint:allow openai-project-key\nOPENAI_PROJECT_ID={PB}\n"
        ),
    )]);
    let report = scan(dir.path(), ".", &["--inventory", &inventory_path()]);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["openai-project-mismatch"]);
}

#[test]
fn history_finds_a_conflict_across_two_commits() {
    let mut repo = gitrepo::Repo::new();
    repo.write(
        ".env",
        &format!("OPENAI_API_KEY={K1}\nOPENAI_PROJECT_ID={PA}\n"),
    );
    repo.commit("Dev", "first project");
    repo.write(
        ".env",
        &format!("OPENAI_API_KEY={K1}\nOPENAI_PROJECT_ID={PB}\n"),
    );
    repo.commit("Dev", "moved project, kept key");

    let output = run_in(&repo.path, &["history", ".", "--format", "json"]);
    let found = analysis_findings(&json(&output));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found
            .iter()
            .all(|f| f["rule_id"] == "openai-project-conflict")
    );
    let commits: std::collections::BTreeSet<&str> = found
        .iter()
        .map(|f| f["commit"].as_str().unwrap())
        .collect();
    assert_eq!(commits.len(), 2, "one finding per commit's binding");
    assert!(found[0]["message"].as_str().unwrap().contains("in commit"));

    let sarif = json(&run_in(&repo.path, &["history", ".", "--format", "sarif"]));
    assert_valid_sarif(&sarif);
}
