//! Report writers: human (colored text), JSON, SARIF, GitHub workflow
//! commands, CSV and JUnit XML, plus the GitHub Job Summary.  Every writer gets
//! the finished `ScanResult` and the rule metadata; none re-reads a file.
//! Secrets pass through `Shown`, which redacts unless the user opted out.

pub mod csv_report;
pub mod github;
mod human;
mod json;
mod junit;
pub mod redact;
mod sarif;
pub mod summary;

use std::io::{self, Write};
use std::sync::Arc;

use clap::ValueEnum;

use crate::finding::Finding;
use crate::rules::{RuleMeta, Severity};
use crate::scan::ScanResult;
use crate::suppress::Unused;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    /// GitHub Actions workflow-command annotations (`::error file=…::…`).
    Github,
    /// One row per finding, RFC 4180.
    Csv,
    /// JUnit XML: one failing testcase per finding.
    Junit,
}

#[derive(Debug, Clone, Copy)]
pub struct ReportOptions {
    /// Print secrets whole (`--no-redact`).
    pub show_secrets: bool,
    pub color: bool,
    /// List suppressed findings too (`--show-suppressed`).
    pub show_suppressed: bool,
}

/// Everything a writer needs.
pub struct Report<'a> {
    pub result: &'a ScanResult,
    /// All rules of the run (SARIF lists them all, so ids stay stable).
    pub rules: &'a [Arc<RuleMeta>],
    /// Allows that suppressed nothing, when `--report-unused` asked for them.
    pub unused: Option<&'a [Unused]>,
    pub options: ReportOptions,
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

    /// The secret as reports may show it.
    pub fn shown_secret(&self, finding: &Finding) -> String {
        if self.options.show_secrets {
            finding.secret.clone()
        } else {
            redact::redact(&finding.secret)
        }
    }

    /// The source line with every secret in it masked (its neighbours on
    /// the same line included), or as it is under `--no-redact`.
    pub fn shown_snippet(&self, finding: &Finding) -> String {
        if self.options.show_secrets {
            finding.snippet.clone()
        } else {
            redact::mask_snippet(&finding.snippet, &finding.snippet_secrets)
        }
    }
}

/// One line saying what was found where (redacted), for annotations.
pub fn finding_message(report: &Report, finding: &Finding) -> String {
    let mut message = format!(
        "{} `{}` is hardcoded here ({}).",
        finding.rule.name,
        report.shown_secret(finding).replace(['\r', '\n'], " "),
        finding.rule.id
    );
    if let Some(commit) = &finding.origin.commit {
        let short: String = commit.id.chars().take(10).collect();
        message.push_str(&format!(
            " Introduced in commit {short} by {} on {}.",
            commit.author_name, commit.date
        ));
    }
    message.push(' ');
    message.push_str(&finding.rule.remediation);
    message
}

/// SARIF `level` and GitHub `security-severity` for a severity.
pub fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
    }
}

/// `1536` -> `1.5 KiB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
