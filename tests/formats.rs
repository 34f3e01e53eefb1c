//! `--format github`, `csv` and `junit`, and the GitHub Job Summary, read
//! back the way their consumers read them.

mod common;

use std::collections::HashMap;

use common::{code, json, keylint, repo_root, run_in, scan_tree, stderr, stdout, tree_secrets};
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

fn assert_no_secret(text: &str) {
    for secret in tree_secrets() {
        // PEM blocks: their body lines are what must not show.
        let needle = secret.lines().nth(1).unwrap_or(&secret);
        assert!(!text.contains(needle), "report leaks {needle}");
    }
}

/// Undo the runner's escaping of a workflow-command value.
fn unescape(value: &str) -> String {
    value
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// `::error k=v,k=v::message` -> (command, properties, message).
fn parse_command(line: &str) -> (String, HashMap<String, String>, String) {
    let rest = line.strip_prefix("::").expect("workflow command");
    let (head, message) = rest.split_once("::").expect("two ::");
    let (command, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), unescape(v))
        })
        .collect();
    (command.to_string(), properties, unescape(message))
}

#[test]
fn github_annotations_carry_location_and_escaped_properties() {
    let output = scan_tree(&["--format", "github"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert_no_secret(&text);
    let expected = json(&scan_tree(&["--format", "json"]));
    let findings = expected["findings"].as_array().unwrap();
    let commands: Vec<_> = text
        .lines()
        .filter(|l| l.starts_with("::"))
        .map(parse_command)
        .collect();
    assert_eq!(commands.len(), findings.len());
    for ((command, props, message), finding) in commands.iter().zip(findings) {
        assert!(["error", "warning", "notice"].contains(&command.as_str()));
        assert_eq!(props["file"], finding["uri"].as_str().unwrap());
        assert_eq!(props["line"], finding["line"].to_string());
        assert_eq!(props["col"], finding["column"].to_string());
        assert_eq!(props["endLine"], finding["end_line"].to_string());
        assert_eq!(props["endColumn"], finding["end_column"].to_string());
        assert!(props["title"].contains(finding["rule_id"].as_str().unwrap()));
        assert!(message.contains(finding["secret"].as_str().unwrap()));
        assert!(!message.contains('\n'));
    }
    // A rule name with a comma survives as one property.
    let (_, props, _) = commands
        .iter()
        .find(|(_, p, _)| p["title"].contains("github-classic-token"))
        .expect("github token annotation");
    assert!(props["title"].contains("personal, OAuth"), "{props:?}");
    assert!(text.contains("title=keylint%3A GitHub token (personal%2C OAuth"));
    assert!(text.trim_end().ends_with("secret(s) found"));
}

#[test]
fn github_format_on_a_clean_tree_prints_no_annotation() {
    let output = run_in(&repo_root(), &["scan", "fixtures/clean", "-f", "github"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(!text.contains("::"), "{text}");
    assert!(text.contains("no secrets found"));
}

#[test]
fn csv_has_a_header_and_one_quoted_row_per_finding() {
    let output = scan_tree(&["--format", "csv"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert_no_secret(&text);
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "rule_id");
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let expected = json(&scan_tree(&["--format", "json"]));
    let findings = expected["findings"].as_array().unwrap();
    assert_eq!(rows.len(), findings.len());
    for (row, finding) in rows.iter().zip(findings) {
        assert_eq!(row.len(), header.len());
        assert_eq!(
            &row[column("rule_id")],
            finding["rule_id"].as_str().unwrap()
        );
        assert_eq!(&row[column("path")], finding["path"].as_str().unwrap());
        assert_eq!(row[column("line")], finding["line"].to_string());
        // A cell that would start a formula (`-----BEGIN …`) gets a `'`.
        let secret = finding["secret"].as_str().unwrap();
        let cell = if secret.starts_with(['=', '+', '-', '@']) {
            format!("'{secret}")
        } else {
            secret.to_string()
        };
        assert_eq!(row[column("secret")], cell);
        assert_eq!(&row[column("redacted")], "true");
        assert_eq!(&row[column("commit")], "");
    }
    // A comma inside a field is quoted, not a new column.
    assert!(text.contains("\"GitHub token (personal, OAuth, app or refresh)\""));
    // A clean run is the header alone.
    let clean = run_in(&repo_root(), &["scan", "fixtures/clean", "-f", "csv"]);
    assert_eq!(code(&clean), 0);
    assert_eq!(stdout(&clean).lines().count(), 1);
}

/// Test cases of a JUnit report: (classname, name, failure message, skipped).
#[derive(Debug, Default)]
struct Case {
    classname: String,
    name: String,
    failure: Option<String>,
    failure_body: String,
    skipped: bool,
}

fn parse_junit(xml: &str) -> (HashMap<String, String>, Vec<Case>) {
    let mut reader = Reader::from_str(xml);
    let mut suites = HashMap::new();
    let mut cases: Vec<Case> = Vec::new();
    let mut in_failure = false;
    let attrs = |e: &quick_xml::events::BytesStart| -> HashMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.expect("attribute");
                (
                    a.key.as_ref().to_string(),
                    a.normalized_value(XmlVersion::Explicit1_0)
                        .expect("value")
                        .into_owned(),
                )
            })
            .collect()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "testsuites" => {
                suites = attrs(&e)
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "testcase" => {
                let a = attrs(&e);
                cases.push(Case {
                    classname: a["classname"].clone(),
                    name: a["name"].clone(),
                    ..Case::default()
                });
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "failure" => {
                cases.last_mut().unwrap().failure = Some(attrs(&e)["message"].clone());
                in_failure = true;
            }
            Event::Empty(e) if e.name().as_ref() == "skipped" => {
                cases.last_mut().unwrap().skipped = true;
            }
            Event::Text(t) if in_failure => {
                cases.last_mut().unwrap().failure_body += &t.xml10_content();
            }
            Event::GeneralRef(r) if in_failure => {
                let text = match r.resolve_char_ref().expect("char ref") {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                        .expect("a predefined entity")
                        .to_string(),
                };
                cases.last_mut().unwrap().failure_body += &text;
            }
            Event::End(e) if e.name().as_ref() == "failure" => in_failure = false,
            Event::Eof => break,
            _ => {}
        }
    }
    (suites, cases)
}

#[test]
fn junit_has_one_failing_testcase_per_finding() {
    let output = scan_tree(&["--format", "junit"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let xml = stdout(&output);
    assert_no_secret(&xml);
    let (suites, cases) = parse_junit(&xml);
    let expected = json(&scan_tree(&["--format", "json"]));
    let findings = expected["findings"].as_array().unwrap();
    assert_eq!(cases.len(), findings.len());
    assert_eq!(suites["tests"], findings.len().to_string());
    assert_eq!(suites["failures"], findings.len().to_string());
    for (case, finding) in cases.iter().zip(findings) {
        let rule = finding["rule_id"].as_str().unwrap();
        let location = format!(
            "{}:{}:{}",
            finding["path"].as_str().unwrap(),
            finding["line"],
            finding["column"]
        );
        assert_eq!(case.classname, rule);
        assert!(case.name.contains(&location), "{case:?}");
        let message = case.failure.as_ref().expect("a failure");
        assert!(
            message.contains(rule) && message.contains(&location),
            "{message}"
        );
        assert!(case.failure_body.contains("remediation:"), "{case:?}");
    }
}

#[test]
fn junit_clean_run_is_one_passing_testcase() {
    let output = run_in(&repo_root(), &["scan", "fixtures/clean", "-f", "junit"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let (suites, cases) = parse_junit(&stdout(&output));
    assert_eq!(suites["tests"], "1");
    assert_eq!(suites["failures"], "0");
    assert_eq!(cases.len(), 1);
    assert!(cases[0].failure.is_none() && !cases[0].skipped);
}

#[test]
fn junit_lists_suppressed_findings_as_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let key = "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";
    std::fs::write(
        dir.path().join("a.sh"),
        format!("T={key} # keylint:allow test token\nU={key}\n"),
    )
    .unwrap();
    let output = run_in(
        dir.path(),
        &["scan", ".", "-f", "junit", "--show-suppressed"],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let (suites, cases) = parse_junit(&stdout(&output));
    assert_eq!(suites["skipped"], "1");
    assert_eq!(cases.iter().filter(|c| c.skipped).count(), 1);
    assert_eq!(cases.iter().filter(|c| c.failure.is_some()).count(), 1);
}

#[test]
fn job_summary_is_appended_when_github_step_summary_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "## earlier step\n\n").unwrap();
    let output = keylint()
        .current_dir(repo_root())
        .args(["scan", "fixtures/tree", "--format", "sarif"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("## earlier step\n\n"),
        "appended, not replaced"
    );
    assert_no_secret(&text);
    let expected = json(&scan_tree(&["--format", "json"]));
    let findings = expected["findings"].as_array().unwrap();
    assert!(text.contains(&format!("keylint: {} secret(s) found", findings.len())));
    assert!(text.contains("| Rule | Severity | Location | Secret |"));
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Rule") && !l.starts_with("| ---"))
        .collect();
    assert_eq!(rows.len(), findings.len());
    for (row, finding) in rows.iter().zip(findings) {
        assert!(row.contains(finding["rule_id"].as_str().unwrap()), "{row}");
        assert!(row.contains(finding["severity"].as_str().unwrap()), "{row}");
        assert!(row.contains(&format!(
            "{}:{}:{}",
            finding["path"].as_str().unwrap(),
            finding["line"],
            finding["column"]
        )));
        assert!(row.contains(finding["secret"].as_str().unwrap()), "{row}");
        // Exactly four cells: a `|` inside a name would be escaped.
        assert_eq!(row.replace("\\|", "").matches('|').count(), 5, "{row}");
    }
    // The report itself still went to stdout, untouched.
    assert!(json(&output)["runs"].is_array());

    // Without the variable, nothing is written anywhere.
    let before = std::fs::read_to_string(&summary).unwrap();
    let output = run_in(&repo_root(), &["scan", "fixtures/clean"]);
    assert_eq!(code(&output), 0);
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), before);

    // A clean run says so.
    let clean = keylint()
        .current_dir(repo_root())
        .args(["scan", "fixtures/clean"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(code(&clean), 0);
    let text = std::fs::read_to_string(&summary).unwrap();
    let last = text.rsplit("### ").next().unwrap();
    assert!(last.starts_with("keylint: no secrets found\n"), "{text}");
    assert!(last.ends_with(" scanned.\n\n"), "{text}");
}
