//! `--format junit`: JUnit XML for CI systems that show test reports
//! (GitLab, Jenkins, Azure Pipelines).  One failing testcase per finding,
//! its failure message naming the rule and the location; a suppressed
//! finding (with `--show-suppressed`) is a skipped testcase; a clean run is
//! one passing testcase, so the report is never empty.
//!
//! Every value is escaped on its own (line breaks as character references),
//! so the raw newlines in the file are only the ones keylint writes: a file
//! name holding a newline cannot start a line of its choosing in a CI log
//! that prints the report.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape;
use super::shown::Report;
use crate::model::Finding;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let result = report.result;
    let failures = result.findings.len();
    let suppressed = if report.options.show_suppressed {
        result.suppressed.len()
    } else {
        0
    };
    let clean = failures == 0 && suppressed == 0;
    let tests = failures + suppressed + usize::from(clean);
    let time = format!("{:.3}", result.elapsed.as_secs_f64());
    let mut xml = String::new();
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"keylint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{suppressed}\" time=\"{time}\">"
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"keylint secret scan\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{suppressed}\" time=\"{time}\">"
    );
    for finding in &result.findings {
        testcase(report, finding, None, &mut xml);
    }
    if report.options.show_suppressed {
        for entry in &result.suppressed {
            testcase(report, &entry.finding, Some(&entry.reason), &mut xml);
        }
    }
    if clean && result.scanned_nothing() {
        let _ = writeln!(
            xml,
            "    <testcase classname=\"keylint\" name=\"nothing was scanned (every file was skipped)\" time=\"{time}\"/>"
        );
    } else if clean {
        let _ = writeln!(
            xml,
            "    <testcase classname=\"keylint\" name=\"no secrets found ({} file(s) scanned)\" time=\"{time}\"/>",
            result.stats.files_scanned
        );
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    out.write_all(xml.as_bytes())
}

fn testcase(report: &Report, finding: &Finding, suppressed_by: Option<&str>, xml: &mut String) {
    let location = format!(
        "{}:{}:{}",
        escape::xml(&finding.origin.path),
        finding.start.line,
        finding.start.column
    );
    let _ = writeln!(
        xml,
        "    <testcase classname=\"{}\" name=\"{} at {location}\" file=\"{}\" line=\"{}\">",
        escape::xml(&finding.rule.id),
        escape::xml(&finding.rule.id),
        escape::xml(&finding.origin.path),
        finding.start.line
    );
    let _ = writeln!(
        xml,
        "      <properties><property name=\"confidence\" value=\"{}\"/></properties>",
        finding.confidence
    );
    match suppressed_by {
        Some(reason) => {
            let _ = writeln!(
                xml,
                "      <skipped message=\"{}\"/>",
                escape::xml(&format!("suppressed: {}", report.shown_text(reason)))
            );
        }
        None => {
            let message = format!(
                "{} ({}) at {location}: {}",
                escape::xml(&finding.rule.name),
                escape::xml(&finding.rule.id),
                escape::xml(&report.shown_secret(finding))
            );
            let mut body = format!(
                "rule: {} ({}, {})\nlocation: {location}\nsecret: {}\nline: {}\n",
                escape::xml(&finding.rule.id),
                escape::xml(&finding.rule.name),
                finding.rule.severity,
                escape::xml(&report.shown_secret(finding)),
                escape::xml(report.shown_snippet(finding).trim()),
            );
            if let Some(commit) = &finding.origin.commit {
                let _ = writeln!(
                    body,
                    "commit: {} by {} <{}> on {}",
                    escape::xml(&commit.id),
                    escape::xml(&report.shown_text(&commit.author_name)),
                    escape::xml(&report.shown_text(&commit.author_email)),
                    escape::xml(&commit.date)
                );
            }
            let _ = writeln!(
                body,
                "remediation: {}",
                escape::xml(&finding.rule.remediation)
            );
            let _ = writeln!(
                xml,
                "      <failure message=\"{message}\" type=\"{}\">{body}</failure>",
                escape::xml(&finding.rule.id),
            );
        }
    }
    xml.push_str("    </testcase>\n");
}
