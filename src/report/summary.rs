//! The GitHub Actions Job Summary: when `GITHUB_STEP_SUMMARY` names a file,
//! every scanning command appends a markdown table of its findings (rule,
//! severity, location, redacted secret) to it, whatever `--format` says.

use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

use super::Report;

/// GitHub caps a step's summary at 1 MiB; past this many rows the table
/// stops and says how many were left out.
const MAX_ROWS: usize = 500;

pub const ENV_VAR: &str = "GITHUB_STEP_SUMMARY";

pub fn markdown(report: &Report) -> String {
    let result = report.result;
    let mut md = String::new();
    let count = result.findings.len();
    if count == 0 {
        let _ = writeln!(
            md,
            "### keylint: no secrets found\n\n{} file(s) or blob(s) scanned.\n",
            result.stats.files_scanned
        );
        return md;
    }
    let _ = writeln!(md, "### keylint: {count} secret(s) found\n");
    md.push_str("| Rule | Severity | Location | Secret |\n");
    md.push_str("| --- | --- | --- | --- |\n");
    for finding in result.findings.iter().take(MAX_ROWS) {
        let mut location = format!(
            "{}:{}:{}",
            finding.origin.path, finding.start.line, finding.start.column
        );
        if let Some(commit) = &finding.origin.commit {
            let short: String = commit.id.chars().take(10).collect();
            let _ = write!(location, " @ {short}");
        }
        let _ = writeln!(
            md,
            "| {} ({}) | {} | {} | {} |",
            cell(&finding.rule.name),
            code(&finding.rule.id),
            finding.rule.severity,
            code(&location),
            code(&report.shown_secret(finding)),
        );
    }
    if count > MAX_ROWS {
        let _ = writeln!(
            md,
            "\n… and {} more (see the full report).",
            count - MAX_ROWS
        );
    }
    md.push('\n');
    md
}

/// Append the summary to `path` (created if missing, as the runner does).
pub fn append(report: &Report, path: &Path) -> io::Result<()> {
    let mut file = OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(markdown(report).as_bytes())
}

/// Table-cell text: no line breaks, `|` escaped.
fn cell(text: &str) -> String {
    text.replace(['\r', '\n'], " ").replace('|', "\\|")
}

/// Inline code that survives any backticks inside it.
fn code(text: &str) -> String {
    let text = cell(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}
