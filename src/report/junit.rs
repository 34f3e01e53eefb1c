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

use super::Report;
use crate::finding::Finding;

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
    if clean && result.stats.files_scanned == 0 {
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
        escape(&finding.origin.path),
        finding.start.line,
        finding.start.column
    );
    let _ = writeln!(
        xml,
        "    <testcase classname=\"{}\" name=\"{} at {location}\" file=\"{}\" line=\"{}\">",
        escape(&finding.rule.id),
        escape(&finding.rule.id),
        escape(&finding.origin.path),
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
                escape(&format!("suppressed: {}", report.shown_text(reason)))
            );
        }
        None => {
            let message = format!(
                "{} ({}) at {location}: {}",
                escape(&finding.rule.name),
                escape(&finding.rule.id),
                escape(&report.shown_secret(finding))
            );
            let mut body = format!(
                "rule: {} ({}, {})\nlocation: {location}\nsecret: {}\nline: {}\n",
                escape(&finding.rule.id),
                escape(&finding.rule.name),
                finding.rule.severity,
                escape(&report.shown_secret(finding)),
                escape(report.shown_snippet(finding).trim()),
            );
            if let Some(commit) = &finding.origin.commit {
                let _ = writeln!(
                    body,
                    "commit: {} by {} <{}> on {}",
                    escape(&commit.id),
                    escape(&report.shown_text(&commit.author_name)),
                    escape(&report.shown_text(&commit.author_email)),
                    escape(&commit.date)
                );
            }
            let _ = writeln!(body, "remediation: {}", escape(&finding.rule.remediation));
            let _ = writeln!(
                xml,
                "      <failure message=\"{message}\" type=\"{}\">{body}</failure>",
                escape(&finding.rule.id),
            );
        }
    }
    xml.push_str("    </testcase>\n");
}

/// Text for an XML attribute or element: the five predefined entities,
/// line breaks and tabs as character references (so attributes keep them),
/// DEL, C1 and bidi controls as character references too (valid XML, the
/// same value, no raw byte for a terminal), and the control characters XML
/// 1.0 cannot carry at all, even as references, written as visible escapes
/// (`\e`, `\x07`).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 => {
                out.push_str(&super::escape::terminal(c.encode_utf8(&mut [0; 4])))
            }
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c if super::escape::is_unsafe(c) => {
                let _ = write!(out, "&#x{:X};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(escape("x\u{1}y\nz\u{1b}"), "x\\x01y&#10;z\\e");
        assert_eq!(escape("a\u{85}\u{202e}b"), "a&#x85;&#x202E;b");
    }
}
