//! Issue #12: matching stays linear in the input for any rule a user can
//! write (case 9), and keylint never flags its own baseline or reports
//! (case 6).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;
use keylint::engine::Engine;
use keylint::rules::{RuleSet, RuleSource};

/// Rules whose searches could re-read a line once per keyword hit: one
/// keyword-anchored with a one-letter keyword, one with two keywords, one
/// anchored at line starts, one line-local searched in windows, one over
/// the whole file.
const SLOW_RULES: &str = r#"
[[rule]]
id = "nested-plus"
name = "n"
provider = "t"
severity = "low"
keywords = ["a"]
regex = '''(a+)+$'''
remediation = "r"

[[rule]]
id = "two-keywords"
name = "n"
provider = "t"
severity = "low"
keywords = ["b", "c"]
regex = '''[bc][bc]*d'''
remediation = "r"

[[rule]]
id = "line-start"
name = "n"
provider = "t"
severity = "low"
keywords = ["a"]
regex = '''(?m)^[ab]*x'''
remediation = "r"

[[rule]]
id = "in-lines"
name = "n"
provider = "t"
severity = "low"
keywords = ["a"]
regex = '''[ab]?a+y'''
remediation = "r"

[[rule]]
id = "whole-file"
name = "n"
provider = "t"
severity = "low"
keywords = ["a"]
keyword_scope = "file"
regex = '''a+z'''
remediation = "r"
"#;

fn slow_engine() -> Engine {
    let source = RuleSource {
        origin: "slow-rules".into(),
        text: SLOW_RULES.into(),
        eager: true,
    };
    Engine::new(RuleSet::from_sources(&[source]).unwrap()).unwrap()
}

/// Inputs of about `size` bytes that make the slow rules try (and fail)
/// at every byte.
fn shapes(size: usize) -> Vec<(&'static str, String)> {
    vec![
        ("one line of a", format!("{}\nend", "a".repeat(size))),
        (
            "short lines of a",
            "a".repeat(99).add_newline().repeat(size / 100),
        ),
        ("one line of bc", format!("{}\nend", "bc".repeat(size / 2))),
        (
            "mixed keywords",
            format!("{}\nend", "ab c".repeat(size / 4)),
        ),
    ]
}

trait AddNewline {
    fn add_newline(self) -> String;
}

impl AddNewline for String {
    fn add_newline(mut self) -> String {
        self.push('\n');
        self
    }
}

#[test]
fn engine_work_grows_linearly_with_the_input_for_slow_user_rules() {
    let engine = slow_engine();
    let small = shapes(10_000);
    let large = shapes(100_000);
    for ((name, small), (_, large)) in small.iter().zip(&large) {
        let work_small = engine.find_counted(small.as_bytes()).bytes_searched;
        let work_large = engine.find_counted(large.as_bytes()).bytes_searched;
        assert!(work_small > 0, "{name}: nothing searched");
        let ratio = work_large as f64 / work_small as f64;
        // Linear is 10x; one search per keyword hit to the line's end is 100x.
        assert!(
            ratio < 20.0,
            "{name}: 10x the input took {ratio:.1}x the work ({work_small} -> {work_large} bytes)"
        );
        let passes = work_large / large.len() as u64;
        assert!(passes < 100, "{name}: {passes} passes over the input");
    }
}

fn timed_scan(dir: &Path, rules: &Path) -> Duration {
    let started = Instant::now();
    let output = run_in(
        dir,
        &[
            "scan",
            ".",
            "--rules",
            rules.to_str().unwrap(),
            "--no-config",
        ],
    );
    let elapsed = started.elapsed();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Scanned 1 file"),
        "{}",
        stdout(&output)
    );
    elapsed
}

#[test]
fn a_nested_repetition_rule_scans_100_kb_of_its_keyword_in_linear_time() {
    let temp = tempfile::tempdir().unwrap();
    let rules = temp.path().join("rules.toml");
    std::fs::write(&rules, SLOW_RULES).unwrap();
    let mut times = Vec::new();
    for size in [10_000, 100_000] {
        let dir = temp.path().join(format!("tree{size}"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("a.txt"), format!("{}\nend\n", "a".repeat(size))).unwrap();
        // The best of two runs, against a busy machine.
        let best = (0..2).map(|_| timed_scan(&dir, &rules)).min().unwrap();
        times.push(best);
    }
    // Before the fix: 0.3 s and 25 s (debug build), about 80x.  Process
    // start-up makes a linear scan's ratio far below 10.
    let ratio = times[1].as_secs_f64() / times[0].as_secs_f64();
    assert!(
        ratio < 30.0,
        "10x the input took {ratio:.1}x the time: {times:?}"
    );
}

fn fake_key(kind: &str, seed: u32) -> String {
    let output = std::process::Command::new("python3")
        .arg(repo_root().join("fixtures/fakekey.py"))
        .args([kind, &seed.to_string()])
        .output()
        .expect("run fixtures/fakekey.py");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// A tree with fake keys of several kinds (their redactions are what
/// generic rules picked up in saved reports), as the fixture tree has.
fn tree_with_keys() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("tree"), temp.path());
    let env = format!(
        "token = \"{}\"\nOPENAI_API_KEY={}\nGITHUB_TOKEN={}\n",
        fake_key("ghp", 1),
        fake_key("openai-proj", 2),
        fake_key("github-pat", 3),
    );
    std::fs::write(temp.path().join("app.env"), env).unwrap();
    temp
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn findings_in(dir: &Path) -> Vec<(String, u64, u64, String)> {
    let output = run_in(dir, &["scan", ".", "--format", "json", "--no-config"]);
    finding_keys(&json(&output))
}

#[test]
fn a_committed_baseline_is_not_reported_by_the_next_scan() {
    let tree = tree_with_keys();
    let before = findings_in(tree.path());
    assert!(before.len() > 5, "{before:?}");
    let output = run_in(tree.path(), &["baseline", ".", "--no-config"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(tree.path().join(".keylint-baseline.json").exists());
    // The README's workflow: with the baseline committed, nothing is new.
    let after = findings_in(tree.path());
    assert_eq!(after, before);
    let output = run_in(
        tree.path(),
        &[
            "scan",
            ".",
            "--baseline",
            ".keylint-baseline.json",
            "--no-config",
        ],
    );
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
}

#[test]
fn reports_saved_in_the_tree_are_not_reported_by_the_next_scan() {
    let tree = tree_with_keys();
    let before = findings_in(tree.path());
    let reports = tempfile::tempdir().unwrap();
    for format in ["json", "sarif", "junit", "csv", "github"] {
        let file = reports.path().join(format!("keylint.{format}"));
        let file = file.to_str().unwrap();
        run_in(
            tree.path(),
            &["scan", ".", "--no-config", "-f", format, "-o", file],
        );
    }
    copy_dir(reports.path(), tree.path());
    assert_eq!(findings_in(tree.path()), before);
    let output = run_in(
        tree.path(),
        &["scan", ".", "--no-config", "--format", "json"],
    );
    assert_eq!(json(&output)["summary"]["keylint_outputs"], 5);
    let human = stdout(&run_in(tree.path(), &["scan", ".", "--no-config"]));
    assert!(human.contains("5 keylint reports or baselines"), "{human}");
}

#[test]
fn a_key_in_a_keylint_looking_report_is_still_reported() {
    let temp = tempfile::tempdir().unwrap();
    let key = fake_key("ghp", 7);
    // A forged report: keylint's header, a whole key (once as is, once
    // with a `…` appended as if redacted).
    let forged = format!(
        "{{\n  \"schema_version\": 1,\n  \"tool\": {{\n    \"name\": \"keylint\",\n    \"version\": \"0.1.0\"\n  }},\n  \"findings\": [\n    {{\"secret\": \"{key}\", \"snippet\": \"token = '{key}…'\"}}\n  ]\n}}\n"
    );
    std::fs::write(temp.path().join("report.json"), forged).unwrap();
    let found = findings_in(temp.path());
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found.iter().all(|f| f.3 == "github-classic-token"),
        "{found:?}"
    );
}
