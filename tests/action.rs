//! `action.yml`: its declared interface, its shell steps' syntax (`bash -n`),
//! and its scan step run for real (with the runner's variables faked) on
//! push and pull-request checkouts.

mod common;
mod gitrepo;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::repo_root;
use gitrepo::*;
use serde_yaml::Value;

fn action() -> Value {
    let text = std::fs::read_to_string(repo_root().join("action.yml")).expect("action.yml");
    serde_yaml::from_str(&text).expect("action.yml is YAML")
}

fn steps(action: &Value) -> &Vec<Value> {
    action["runs"]["steps"].as_sequence().expect("runs.steps")
}

fn step<'a>(action: &'a Value, id: &str) -> &'a Value {
    steps(action)
        .iter()
        .find(|s| s["id"].as_str() == Some(id))
        .unwrap_or_else(|| panic!("no step with id {id}"))
}

#[test]
fn inputs_outputs_and_steps_are_declared() {
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = &action["inputs"];
    for (name, default) in [
        ("args", ""),
        ("format", "sarif"),
        ("sarif-file", "keylint.sarif"),
        ("fail-on-findings", "true"),
        ("baseline", ""),
    ] {
        let input = &inputs[name];
        assert!(
            input["description"].is_string(),
            "input {name} undocumented"
        );
        assert_eq!(input["default"].as_str(), Some(default), "input {name}");
    }
    for name in ["findings", "sarif-file"] {
        let value = action["outputs"][name]["value"]
            .as_str()
            .expect("output value");
        assert_eq!(value, format!("${{{{ steps.scan.outputs.{name} }}}}"));
    }
    // Cached install of the action's own checkout.
    let cache = step(&action, "cache");
    assert!(
        cache["uses"]
            .as_str()
            .unwrap()
            .starts_with("actions/cache@")
    );
    assert!(
        cache["with"]["path"]
            .as_str()
            .unwrap()
            .contains(".cargo/bin")
    );
    let key_script = step(&action, "key")["run"].as_str().unwrap();
    assert!(key_script.contains("Cargo.lock"));
    let install = steps(&action)
        .iter()
        .find(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("cargo install --locked --path"))
        })
        .expect("an install step");
    assert_eq!(
        install["if"].as_str(),
        Some("steps.cache.outputs.cache-hit != 'true'")
    );
    assert_eq!(install["env"]["ACTION_PATH"], "${{ github.action_path }}");
    let scan = step(&action, "scan");
    assert_eq!(
        scan["env"]["KEYLINT_BASE_SHA"],
        "${{ github.event.pull_request.base.sha }}"
    );
    let script = scan["run"].as_str().unwrap();
    assert!(script.contains("history --branch HEAD --since"));
    assert!(script.contains("scan ."));
}

#[test]
fn shell_steps_are_valid_bash_and_take_inputs_through_env_only() {
    let action = action();
    for step in steps(&action) {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        assert_eq!(step["shell"], "bash", "every run step names its shell");
        // Inputs interpolated into a script are a script-injection hole.
        assert!(
            !script.contains("${{"),
            "expressions belong in env:, not in the script:\n{script}"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("step.sh");
        std::fs::write(&file, script).unwrap();
        let output = Command::new("bash").arg("-n").arg(&file).output().unwrap();
        assert!(
            output.status.success(),
            "bash -n: {}\n{script}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Run the scan step's script in `dir` the way the runner would.
fn run_scan_step(dir: &Path, env: &[(&str, &str)]) -> (Output, String, Summary) {
    let action = action();
    let script = step(&action, "scan")["run"].as_str().unwrap().to_string();
    let scratch_dir = tempfile::tempdir().unwrap();
    let scratch = scratch_dir.path().to_path_buf();
    let github_output = scratch.join("output");
    let summary = scratch.join("summary.md");
    std::fs::write(&github_output, "").unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_keylint")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", &scratch)
        .env("GITHUB_OUTPUT", &github_output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("KEYLINT_ARGS", "")
        .env("KEYLINT_FORMAT", "sarif")
        .env("KEYLINT_SARIF_FILE", "keylint.sarif")
        .env("KEYLINT_FAIL_ON_FINDINGS", "true")
        .env("KEYLINT_BASELINE", "")
        .env("KEYLINT_EVENT", "push")
        .env("KEYLINT_BASE_SHA", "");
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().unwrap();
    let outputs = std::fs::read_to_string(&github_output).unwrap();
    (output, outputs, Summary(summary, scratch_dir))
}

/// The Job Summary file, alive as long as its temp dir.
struct Summary(PathBuf, #[allow(dead_code)] tempfile::TempDir);

impl Summary {
    fn text(&self) -> String {
        std::fs::read_to_string(&self.0).unwrap()
    }
}

#[test]
fn scan_step_on_push_writes_sarif_outputs_and_summary() {
    let mut repo = Repo::new();
    repo.write("app.py", &format!("KEY = \"{KEY_A}\"\n"));
    repo.commit("Alice", "key");
    let (output, outputs, summary) = run_scan_step(&repo.path, &[]);
    let log = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(outputs.contains("findings=1\n"), "{outputs}");
    assert!(outputs.contains("sarif-file=keylint.sarif\n"), "{outputs}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path.join("keylint.sarif")).unwrap())
            .unwrap();
    common::assert_valid_sarif(&sarif);
    assert!(summary.text().contains("openai-project-key"));

    // fail-on-findings: false, github format: annotations in the log, step passes.
    let (output, outputs, _) = run_scan_step(
        &repo.path,
        &[
            ("KEYLINT_FAIL_ON_FINDINGS", "false"),
            ("KEYLINT_FORMAT", "github"),
            ("KEYLINT_SARIF_FILE", "out/k.sarif"),
        ],
    );
    let log = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{log}");
    assert!(log.contains("::error file=app.py,line=1"), "{log}");
    assert!(outputs.contains("findings=1\n"));
    assert!(outputs.contains("sarif-file=out/k.sarif\n"));
}

#[test]
fn scan_step_on_a_pull_request_scans_only_what_it_adds() {
    let mut repo = Repo::new();
    repo.write("old.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    let base = repo.commit("Alice", "old secret on the base branch");
    repo.write("feature.py", "x = 1\n");
    repo.commit("Bob", "clean PR commit");
    let pr = [
        ("KEYLINT_EVENT", "pull_request"),
        ("KEYLINT_BASE_SHA", base.as_str()),
    ];
    let (output, outputs, _) = run_scan_step(&repo.path, &pr);
    let log = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{log}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(log.contains("history --branch HEAD --since"), "{log}");
    assert!(outputs.contains("findings=0\n"), "{outputs}");

    repo.write("feature.py", &format!("TOKEN = \"{GITHUB_TOKEN}\"\n"));
    repo.commit("Bob", "PR adds a token");
    let (output, outputs, _) = run_scan_step(&repo.path, &pr);
    assert_eq!(output.status.code(), Some(1));
    assert!(outputs.contains("findings=1\n"), "{outputs}");
    let sarif = std::fs::read_to_string(repo.path.join("keylint.sarif")).unwrap();
    assert!(sarif.contains("github-classic-token") && !sarif.contains("old.env"));

    // A broken baseline is an error (exit 2), never a pass.
    let (output, _, _) = run_scan_step(
        &repo.path,
        &[("KEYLINT_BASELINE", "missing-baseline.json"), pr[0], pr[1]],
    );
    assert_eq!(output.status.code(), Some(2));
}
