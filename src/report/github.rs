//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::…`),
//! for repositories that don't use code scanning.  Values are escaped the
//! way the Actions runner unescapes them: `%`, CR and LF everywhere, and
//! also `:` and `,` inside properties, so each finding is exactly one line
//! and no text from the scanned data (a file name holding `\n::error`) can
//! start a workflow command of its own.  Other control characters (ESC,
//! BEL, C1, bidi overrides), which the runner has no encoding for, are
//! written as visible escapes (`\e`) first.  Secrets are redacted as in
//! every report.

use std::io::{self, Write};

use super::escape;
use super::shown::Report;
use crate::model::Finding;
use crate::rules::Severity;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.result.findings {
        writeln!(out, "{}", annotation(report, finding))?;
    }
    let count = report.result.findings.len();
    if report.result.scanned_nothing() {
        writeln!(out, "keylint: nothing was scanned (every file was skipped)")
    } else if count == 0 {
        writeln!(
            out,
            "keylint: no secrets found ({} file(s) scanned)",
            report.result.stats.files_scanned
        )
    } else {
        writeln!(out, "keylint: {count} secret(s) found")
    }
}

fn annotation(report: &Report, finding: &Finding) -> String {
    let command = match finding.rule.severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "notice",
    };
    let properties = [
        ("file", escape::workflow_file(&finding.origin.root_relative)),
        ("line", finding.start.line.to_string()),
        ("col", finding.start.column.to_string()),
        ("endLine", finding.end.line.to_string()),
        ("endColumn", finding.end.column.to_string()),
        (
            "title",
            escape::terminal(&format!(
                "keylint: {} ({})",
                finding.rule.name, finding.rule.id
            ))
            .into_owned(),
        ),
    ]
    .iter()
    .map(|(key, value)| format!("{key}={}", escape::workflow_property(value)))
    .collect::<Vec<_>>()
    .join(",");
    format!(
        "::{command} {properties}::{}",
        escape::workflow_data(&escape::terminal(&super::shown::finding_message(
            report, finding
        )))
    )
}
