//! The command line as a new user meets it: help texts, pipes, the rule
//! checker's messages, limits on options, and the README agreeing with the
//! binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{code, keylint, repo_root, run_in, stderr, stdout};

#[test]
fn rules_list_into_a_closed_pipe_exits_quietly() {
    let mut child = keylint()
        .args(["rules", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keylint");
    // Read one line, then hang up, as `keylint rules list | head -1` does.
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "no broken-pipe error"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn scan_report_into_a_closed_pipe_keeps_the_findings_exit_code() {
    let mut child = keylint()
        .current_dir(repo_root())
        .args(["scan", "fixtures/tree", "--color", "never"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keylint");
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("Broken pipe"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1), "findings were found");
}

fn write_rule_file(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn rules_check_says_rule_in_the_singular_and_refuses_an_empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let one = write_rule_file(
        dir.path(),
        "one.toml",
        r#"
[[rule]]
id = "acme-token"
name = "Acme token"
provider = "acme"
severity = "high"
keywords = ["acme_"]
regex = '''acme_[a-z0-9]{16}'''
examples = ["acme_q8w3k5z1fake9x2m"]
counter_examples = ["acme_short"]
remediation = "Revoke it."
"#,
    );
    let output = run_in(dir.path(), &["rules", "check", one.to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "1 rule OK\n");

    let empty = write_rule_file(dir.path(), "empty.toml", "# nothing here\n");
    let output = run_in(dir.path(), &["rules", "check", empty.to_str().unwrap()]);
    assert_eq!(code(&output), 2, "an empty rule file is an error");
    assert!(stderr(&output).contains("no rules"), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("empty.toml"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn threads_out_of_range_is_a_usage_error() {
    for bad in ["0", "10000", "-3"] {
        let output = run_in(
            &repo_root(),
            &[
                "scan",
                "fixtures/tree",
                "--threads",
                bad,
                "--format",
                "json",
            ],
        );
        assert_eq!(code(&output), 2, "--threads {bad}: {}", stderr(&output));
    }
    let output = run_in(
        &repo_root(),
        &[
            "scan",
            "fixtures/tree",
            "--threads",
            "1024",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
}

/// Every option and every possible value in every subcommand's `--help`
/// has a description.
#[test]
fn help_describes_every_option_and_value() {
    let commands: &[&[&str]] = &[
        &["scan"],
        &["history"],
        &["baseline"],
        &["config", "init"],
        &["rules", "list"],
        &["rules", "check"],
        &["hook", "install"],
        &["hook", "uninstall"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let output = run_in(&repo_root(), &args);
        assert_eq!(code(&output), 0);
        let help = stdout(&output);
        let mut undocumented = Vec::new();
        let lines: Vec<&str> = help.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let is_option = trimmed.starts_with('-') && line.starts_with("  ");
            if trimmed.contains("[possible values:") {
                // clap lists values inline only when none has a description.
                undocumented.push(line.to_string());
            }
            if !is_option || trimmed.starts_with("- ") {
                continue;
            }
            // Short help puts the description after the flags, long help
            // (when a value has a description) on the next line.
            let same_line = trimmed
                .split_once("  ")
                .is_some_and(|(_, rest)| !rest.trim().is_empty());
            let next = lines.get(index + 1).copied().unwrap_or("");
            let next_is_text = next.starts_with("          ") && !next.trim().is_empty();
            if !same_line && !next_is_text {
                undocumented.push(line.to_string());
            }
        }
        // Possible values are listed as `- name: description`.
        for line in &lines {
            let trimmed = line.trim_start();
            if let Some(value) = trimmed.strip_prefix("- ")
                && !value.contains(':')
            {
                undocumented.push(line.to_string());
            }
        }
        assert!(
            undocumented.is_empty(),
            "keylint {}: undocumented: {undocumented:#?}",
            command.join(" ")
        );
    }
}

/// The README's rule count is the one `keylint rules list` prints.
#[test]
fn readme_rule_count_matches_rules_list() {
    let output = run_in(&repo_root(), &["rules", "list"]);
    let listed: usize = stdout(&output)
        .lines()
        .last()
        .and_then(|l| l.strip_suffix(" rules"))
        .and_then(|n| n.parse().ok())
        .expect("`N rules` closes the list");
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let claimed: usize = readme
        .split("`keylint rules list` shows all ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("the README says how many rules `keylint rules list` shows");
    assert_eq!(claimed, listed);
}

/// GitHub's heading anchor: lower case, punctuation but `-` and `_`
/// dropped, spaces to `-`.
fn github_anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn starter_config_links_to_a_readme_heading_that_exists() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &["config", "init"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let starter = std::fs::read_to_string(dir.path().join(".keylint.toml")).unwrap();
    let anchor = starter
        .split("keylint/keylint#")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the starter config links to a README section");
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let anchors: Vec<String> = readme
        .lines()
        .filter_map(|l| {
            l.trim_start_matches('#')
                .strip_prefix(' ')
                .filter(|_| l.starts_with('#'))
        })
        .map(github_anchor)
        .collect();
    assert!(
        anchors.iter().any(|a| a == anchor),
        "#{anchor} is no README heading"
    );
}
