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
pub mod redact;
mod sarif;
pub mod summary;

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Arc;

use clap::ValueEnum;

use crate::finding::Finding;
use crate::rules::{RuleMeta, Severity};
use crate::scan::ScanResult;
use crate::suppress::Unused;

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
    /// Every found secret (reported and suppressed), masked wherever it
    /// occurs in text a writer prints.
    masker: redact::SecretMasker,
}

impl<'a> Report<'a> {
    pub fn new(
        result: &'a ScanResult,
        rules: &'a [Arc<RuleMeta>],
        unused: Option<&'a [Unused]>,
        options: ReportOptions,
    ) -> Report<'a> {
        let masker = if options.show_secrets {
            redact::SecretMasker::none()
        } else {
            let suppressed = result.suppressed.iter().map(|s| &s.finding);
            redact::SecretMasker::new(
                result
                    .findings
                    .iter()
                    .chain(suppressed)
                    .map(|f| f.secret.as_str()),
            )
        };
        Report {
            result,
            rules,
            unused,
            options,
            masker,
        }
    }

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
    /// the same line and any copy of any found secret included), or as it
    /// is under `--no-redact`.
    pub fn shown_snippet(&self, finding: &Finding) -> String {
        if self.options.show_secrets {
            finding.snippet.clone()
        } else {
            let placed = redact::mask_snippet(&finding.snippet, &finding.snippet_secrets);
            self.masker.mask(&placed).into_owned()
        }
    }

    /// Any other text a report prints (messages, related locations, commit
    /// authors, suppression reasons, unused allows, warnings), with every
    /// found secret in it masked.
    pub fn shown_text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        self.masker.mask(text)
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
        let short = short_id(&commit.id);
        message.push_str(&format!(
            " Introduced in commit {short} by {} on {}.",
            commit.author_name, commit.date
        ));
    }
    message.push(' ');
    message.push_str(&finding.rule.remediation);
    report.shown_text(&message).into_owned()
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

/// Characters of a commit id the reports show.
const SHORT_ID: usize = 10;

/// A commit id abbreviated as every report shows it.
pub fn short_id(id: &str) -> String {
    id.chars().take(SHORT_ID).collect()
}

/// The plural ending for `n` things: `1 rule`, `2 rules`.
pub fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
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
