//! Report writers: human (colored text), JSON, SARIF, GitHub workflow
//! commands, CSV and JUnit XML, plus the GitHub Job Summary.  Every writer gets
//! the finished `ScanResult` and the rule metadata; none re-reads a file.
//!
//! Two guarantees hold for every writer, because all text reaches them
//! through `Report`: every occurrence of every found secret value is masked
//! (`shown_text`, `shown_snippet`, `shown_secret`, one `SecretMasker`), and
//! each format encodes hostile text so it cannot act on what displays it
//! (`escape`: visible escapes for terminals and CSV, workflow-command
//! encoding for GitHub, markdown for the job summary, char references in
//! XML, `\u` escapes in JSON).

pub mod csv_report;
pub mod escape;
pub mod github;
mod human;
mod json;
mod junit;
mod sarif;
pub mod summary;

mod shown;

use std::io::{self, Write};

use clap::ValueEnum;

pub use shown::{Report, ReportOptions, plural};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings grouped by file, for people (colored on a terminal).
    Human,
    /// One JSON object: findings, summary, skipped files, warnings.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow-command annotations (`::error file=…::…`).
    Github,
    /// One row per finding, RFC 4180.
    Csv,
    /// JUnit XML: one failing testcase per finding.
    Junit,
}

impl Report<'_> {
    pub fn write(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Human => human::write(self, out),
            Format::Json => json::write(self, out),
            Format::Sarif => sarif::write(self, out),
            Format::Github => github::write(self, out),
            Format::Csv => csv_report::write(self, out),
            Format::Junit => junit::write(self, out),
        }
    }
}
