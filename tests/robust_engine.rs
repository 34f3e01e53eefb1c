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
        ("short lines of a", "a".repeat(99).add_newline().repeat(size / 100)),
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
    let output = run_in(dir, &["scan", ".", "--rules", rules.to_str().unwrap(), "--no-config"]);
    let elapsed = started.elapsed();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("Scanned 1 file"), "{}", stdout(&output));
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
    assert!(ratio < 30.0, "10x the input took {ratio:.1}x the time: {times:?}");
}
