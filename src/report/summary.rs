//! The GitHub Actions Job Summary: when `GITHUB_STEP_SUMMARY` names a file,
//! every scanning command appends a markdown table of its findings (rule,
//! severity, location, redacted secret) to it, whatever `--format` says.
//! No text from the scanned data can break the table or inject markup:
//! control characters are written as visible escapes, plain cells escape
//! every ASCII punctuation character (so no HTML, link or emphasis), and
//! code spans use a backtick fence longer than any run inside them.

use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

use super::escape::{markdown_code, markdown_text};
use super::shown::Report;

/// GitHub caps a step's summary at 1 MiB; past this many rows the table
/// stops and says how many were left out.
const MAX_ROWS: usize = 500;

pub const ENV_VAR: &str = "GITHUB_STEP_SUMMARY";

pub fn markdown(report: &Report) -> String {
    let result = report.result;
    let mut md = String::new();
    let count = result.findings.len();
    if result.scanned_nothing() {
        let _ = writeln!(
            md,
            "### keylint: nothing was scanned\n\nEvery file was skipped.\n"
        );
        return md;
    }
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
            let _ = write!(location, " @ {}", super::shown::short_id(&commit.id));
        }
        let _ = writeln!(
            md,
            "| {} ({}) | {} | {} | {} |",
            markdown_text(&finding.rule.name),
            markdown_code(&finding.rule.id),
            finding.rule.severity,
            markdown_code(&location),
            markdown_code(&report.shown_secret(finding)),
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
