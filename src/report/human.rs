//! The report people read: findings grouped by file, then a summary line.

use std::io::{self, Write};

use colored::{ColoredString, Colorize};

use super::{Report, human_bytes};
use crate::finding::Finding;
use crate::rules::Severity;
use crate::scan::ScanResult;
use crate::sources::CommitInfo;
use crate::sources::fs::SkipReason;
use crate::suppress::Unused;

/// Abbreviated commit ids in the human report.
const SHORT_ID: usize = 10;
/// `--all-occurrences` places listed per finding (JSON lists them all).
const MAX_OCCURRENCES_SHOWN: usize = 5;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let paint = Painter {
        enabled: report.options.color,
    };
    write_findings(
        report,
        &paint,
        report.result.findings.iter().map(|f| (f, None)),
        out,
    )?;
    if report.options.show_suppressed && !report.result.suppressed.is_empty() {
        writeln!(out, "{}", paint.apply("Suppressed findings", |s| s.bold()))?;
        let suppressed = report
            .result
            .suppressed
            .iter()
            .map(|s| (&s.finding, Some(s.reason.as_str())));
        write_findings(report, &paint, suppressed, out)?;
    }
    if let Some(unused) = report.unused {
        write_unused(unused, &paint, out)?;
    }
    writeln!(out, "{}", summary_line(report.result, &paint))
}

fn write_unused(unused: &[Unused], paint: &Painter, out: &mut dyn Write) -> io::Result<()> {
    if unused.is_empty() {
        return writeln!(out, "No unused suppressions.\n");
    }
    writeln!(
        out,
        "{}",
        paint.apply(&format!("Unused suppressions ({})", unused.len()), |s| s
            .bold())
    )?;
    for entry in unused {
        writeln!(
            out,
            "  {:<8} {}  {}",
            format!("{:?}", entry.mechanism).to_lowercase(),
            entry.location,
            entry.text
        )?;
    }
    writeln!(out)
}

/// Findings grouped by file; `reason` is set for suppressed ones.
fn write_findings<'a>(
    report: &Report,
    paint: &Painter,
    findings: impl Iterator<Item = (&'a Finding, Option<&'a str>)>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut current_path: Option<&str> = None;
    for (finding, reason) in findings {
        if current_path != Some(finding.origin.path.as_str()) {
            if current_path.is_some() {
                writeln!(out)?;
            }
            writeln!(
                out,
                "{}",
                paint.apply(&finding.origin.path, |s| s.bold().underline())
            )?;
            current_path = Some(&finding.origin.path);
        }
        let severity = finding.rule.severity;
        writeln!(
            out,
            "  {} {} {}",
            paint.severity(severity),
            paint.apply(&finding.rule.id, |s| s.bold()),
            finding.rule.name
        )?;
        writeln!(
            out,
            "    at {}:{}:{}",
            finding.origin.path, finding.start.line, finding.start.column
        )?;
        if let Some(commit) = &finding.origin.commit {
            write_commit(out, commit, paint)?;
        }
        if let Some(message) = &finding.message {
            writeln!(out, "    {message}")?;
        }
        for related in &finding.related {
            writeln!(
                out,
                "    see {}:{}:{} ({})",
                related.origin.path, related.start.line, related.start.column, related.message
            )?;
        }
        writeln!(
            out,
            "    secret {}",
            paint.apply(&report.shown_secret(finding).replace('\n', "\\n"), |s| s
                .yellow())
        )?;
        writeln!(
            out,
            "    {} {}",
            paint.apply(&format!("{:>5} |", finding.start.line), |s| s.dimmed()),
            report.shown_snippet(finding)
        )?;
        if let Some(reason) = reason {
            writeln!(out, "    suppressed by {reason}")?;
        }
    }
    if current_path.is_some() {
        writeln!(out)?;
    }
    Ok(())
}

/// Where a history finding was introduced, and where else its blob lives.
fn write_commit(out: &mut dyn Write, commit: &CommitInfo, paint: &Painter) -> io::Result<()> {
    let short = &commit.id[..commit.id.len().min(SHORT_ID)];
    writeln!(
        out,
        "    commit {} {} by {} <{}>",
        paint.apply(short, |s| s.cyan()),
        commit.date,
        commit.author_name,
        commit.author_email
    )?;
    let Some(occurrences) = commit.occurrences.as_ref().filter(|o| !o.is_empty()) else {
        return Ok(());
    };
    let shown: Vec<String> = occurrences
        .iter()
        .take(MAX_OCCURRENCES_SHOWN)
        .map(|o| format!("{}:{}", &o.commit[..o.commit.len().min(SHORT_ID)], o.path))
        .collect();
    let more = occurrences.len().saturating_sub(MAX_OCCURRENCES_SHOWN);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    writeln!(
        out,
        "    also in {} other place{}: {}{tail}",
        occurrences.len(),
        plural(occurrences.len() as u64),
        shown.join(", ")
    )
}

fn summary_line(result: &ScanResult, paint: &Painter) -> String {
    let stats = &result.stats;
    let count = result.findings.len();
    let mut line = if stats.commits_walked > 0 {
        format!(
            "Scanned {} commit{}, {} distinct blob{} ({}) in {:.2}s: ",
            stats.commits_walked,
            plural(stats.commits_walked),
            stats.blobs_scanned,
            plural(stats.blobs_scanned),
            human_bytes(stats.bytes_scanned),
            result.elapsed.as_secs_f64()
        )
    } else {
        format!(
            "Scanned {} file{} ({}) in {:.2}s: ",
            stats.files_scanned,
            plural(stats.files_scanned),
            human_bytes(stats.bytes_scanned),
            result.elapsed.as_secs_f64()
        )
    };
    if count == 0 {
        line.push_str(&paint.apply("no secrets found", |s| s.green()).to_string());
    } else {
        let by_severity: Vec<String> = [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
        ]
        .iter()
        .filter_map(|&sev| {
            let n = result
                .findings
                .iter()
                .filter(|f| f.rule.severity == sev)
                .count();
            (n > 0).then(|| format!("{n} {sev}"))
        })
        .collect();
        let text = format!(
            "{count} finding{} ({})",
            plural(count as u64),
            by_severity.join(", ")
        );
        line.push_str(&paint.apply(&text, |s| s.red().bold()).to_string());
    }
    if !result.suppressed.is_empty() {
        let (inline, config, baseline) = crate::suppress::counts(&result.suppressed);
        line.push_str(&format!(
            "; {} suppressed: inline {inline}, config {config}, baseline {baseline}",
            result.suppressed.len()
        ));
    }
    let skipped = stats.skipped_binary
        + stats.skipped_too_large
        + stats.skipped_unreadable
        + stats.skipped_symlink
        + stats.skipped_special;
    if skipped > 0 {
        line.push_str(&format!(
            "; skipped {skipped}: {} binary, {} too large, {} unreadable",
            stats.skipped_binary, stats.skipped_too_large, stats.skipped_unreadable
        ));
        if stats.skipped_symlink > 0 {
            line.push_str(&format!(
                ", {} symlink{} not followed (--follow)",
                stats.skipped_symlink,
                plural(stats.skipped_symlink)
            ));
        }
        if stats.skipped_special > 0 {
            line.push_str(&format!(
                ", {} special (FIFO, socket, device, /proc)",
                stats.skipped_special
            ));
        }
        let too_large: Vec<&str> = result
            .skipped
            .iter()
            .filter(|s| matches!(s.reason, SkipReason::TooLarge { .. }))
            .map(|s| s.path.as_str())
            .collect();
        if !too_large.is_empty() {
            line.push_str(&format!(" (too large: {})", too_large.join(", ")));
        }
    }
    line
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Applies colors only when enabled, so no escape code reaches a pipe.
struct Painter {
    enabled: bool,
}

impl Painter {
    fn apply(&self, text: &str, style: impl Fn(&str) -> ColoredString) -> String {
        if self.enabled {
            style(text).to_string()
        } else {
            text.to_string()
        }
    }

    fn severity(&self, severity: Severity) -> String {
        let label = format!("{:<8}", severity.as_str().to_uppercase());
        self.apply(&label, |s| match severity {
            Severity::Critical => s.red().bold(),
            Severity::High => s.red(),
            Severity::Medium => s.yellow(),
            Severity::Low => s.blue(),
        })
    }
}
