//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::…`),
//! for repositories that don't use code scanning.  Values are escaped the
//! way the Actions runner unescapes them: `%`, CR and LF everywhere, and
//! also `:` and `,` inside properties.  Secrets are redacted as in every
//! report.

use std::io::{self, Write};

use super::Report;
use crate::finding::Finding;
use crate::rules::Severity;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.result.findings {
        writeln!(out, "{}", annotation(report, finding))?;
    }
    let count = report.result.findings.len();
    if count == 0 {
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
        ("file", finding.origin.root_relative.clone()),
        ("line", finding.start.line.to_string()),
        ("col", finding.start.column.to_string()),
        ("endLine", finding.end.line.to_string()),
        ("endColumn", finding.end.column.to_string()),
        (
            "title",
            format!("keylint: {} ({})", finding.rule.name, finding.rule.id),
        ),
    ]
    .iter()
    .map(|(key, value)| format!("{key}={}", escape_property(value)))
    .collect::<Vec<_>>()
    .join(",");
    format!(
        "::{command} {properties}::{}",
        escape_data(&super::finding_message(report, finding))
    )
}

/// The message part of a workflow command.
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
}
