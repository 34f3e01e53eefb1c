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

use super::{Report, escape};
use crate::finding::Finding;
use crate::rules::Severity;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.result.findings {
        writeln!(out, "{}", annotation(report, finding))?;
    }
    let count = report.result.findings.len();
    if count == 0 && report.result.stats.files_scanned == 0 {
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
        (
            "file",
            visible_but_line_breaks(&finding.origin.root_relative),
        ),
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
    .map(|(key, value)| format!("{key}={}", escape_property(value)))
    .collect::<Vec<_>>()
    .join(",");
    format!(
        "::{command} {properties}::{}",
        escape_data(&escape::terminal(&super::finding_message(report, finding)))
    )
}

/// A path for the `file` property: CR and LF kept (the runner decodes
/// `%0D`/`%0A` back, so the annotation names the real file), every other
/// unsafe character made visible.
fn visible_but_line_breaks(path: &str) -> String {
    path.split_inclusive(['\r', '\n'])
        .map(|piece| {
            let (text, brk) = match piece.strip_suffix(['\r', '\n']) {
                Some(text) => (text, &piece[text.len()..]),
                None => (piece, ""),
            };
            format!("{}{brk}", escape::terminal(text))
        })
        .collect()
}

/// The message part of a workflow command (`%`, CR, LF: what the runner
/// decodes).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which delimit properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_runner() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        // `%` first, so an escape sequence is never escaped twice.
        assert_eq!(escape_property("%3A"), "%253A");
    }

    #[test]
    fn a_file_name_keeps_its_line_breaks_encoded_and_nothing_else_raw() {
        let name = "a\n::error::x\u{1b}[2J\r.py";
        let shown = escape_property(&visible_but_line_breaks(name));
        assert_eq!(shown, "a%0A%3A%3Aerror%3A%3Ax\\e[2J%0D.py");
    }
}
