//! The report people read: findings grouped by file, then a summary line.
//! Everything that comes from the scanned data (paths, lines, commit
//! authors, messages) goes through `escape::terminal`, so no control
//! character reaches the terminal or CI log raw.

use std::io::{self, Write};

use colored::{ColoredString, Colorize};

use super::escape;
use super::shown::{Report, plural, short_id};
use crate::model::CommitInfo;
use crate::model::Finding;
use crate::model::ScanResult;
use crate::model::SkipReason;
use crate::model::size::human_bytes;
use crate::model::{Mechanism, Unused};
use crate::rules::Severity;

/// `--all-occurrences` places listed per finding (JSON lists them all).
const MAX_OCCURRENCES_SHOWN: usize = 5;
/// The narrowest line-number gutter; wider when a line number needs it.
const MIN_GUTTER_WIDTH: usize = 5;

/// Scanned text as the terminal may show it: secrets masked, control
/// characters escaped.
fn shown(report: &Report, text: &str) -> String {
    escape::terminal(&report.shown_text(text)).into_owned()
}

/// A path (never masked: it locates the finding), control characters
/// escaped.
fn path(text: &str) -> std::borrow::Cow<'_, str> {
    escape::terminal(text)
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let paint = Painter {
        enabled: report.options.color,
        gutter: gutter_width(report),
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
        write_unused(report, unused, &paint, out)?;
    }
    writeln!(out, "{}", summary_line(report.result, &paint))
}

/// Digits of the largest line number shown, so the `|` gutter lines up.
fn gutter_width(report: &Report) -> usize {
    let suppressed = report
        .result
        .suppressed
        .iter()
        .filter(|_| report.options.show_suppressed)
        .map(|s| &s.finding);
    let largest = report
        .result
        .findings
        .iter()
        .chain(suppressed)
        .map(|f| f.start.line)
        .max()
        .unwrap_or(0);
    largest.to_string().len().max(MIN_GUTTER_WIDTH)
}

fn write_unused(
    report: &Report,
    unused: &[Unused],
    paint: &Painter,
    out: &mut dyn Write,
) -> io::Result<()> {
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
            shown(report, &entry.location),
            shown(report, &entry.text)
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
                paint.apply(&path(&finding.origin.path), |s| s.bold().underline())
            )?;
            current_path = Some(&finding.origin.path);
        }
        let severity = finding.rule.severity;
        writeln!(
            out,
            "  {} {} {}",
            paint.severity(severity),
            paint.apply(&path(&finding.rule.id), |s| s.bold()),
            path(&finding.rule.name)
        )?;
        writeln!(out, "    confidence {}", finding.confidence)?;
        writeln!(
            out,
            "    at {}:{}:{}",
            path(&finding.origin.path),
            finding.start.line,
            finding.start.column
        )?;
        if let Some(chain) = finding.decoded_chain() {
            writeln!(out, "    decoded from {chain}")?;
        }
        if let Some(commit) = &finding.origin.commit {
            write_commit(report, out, commit, paint)?;
        }
        if let Some(message) = &finding.message {
            writeln!(out, "    {}", shown(report, message))?;
        }
        for related in &finding.related {
            writeln!(
                out,
                "    see {}:{}:{} ({})",
                path(&related.origin.path),
                related.start.line,
                related.start.column,
                shown(report, &related.message)
            )?;
        }
        writeln!(
            out,
            "    secret {}",
            paint.apply(&escape::terminal(&report.shown_secret(finding)), |s| s
                .yellow())
        )?;
        writeln!(
            out,
            "    {} {}",
            paint.apply(
                &format!("{:>width$} |", finding.start.line, width = paint.gutter),
                |s| s.dimmed()
            ),
            escape::terminal(&report.shown_snippet(finding))
        )?;
        if let Some(reason) = reason {
            writeln!(out, "    suppressed by {}", shown(report, reason))?;
        }
    }
    if current_path.is_some() {
        writeln!(out)?;
    }
    Ok(())
}

/// Where a history finding was introduced, and where else its blob lives.
fn write_commit(
    report: &Report,
    out: &mut dyn Write,
    commit: &CommitInfo,
    paint: &Painter,
) -> io::Result<()> {
    let short = short_id(&commit.id);
    writeln!(
        out,
        "    commit {} {} by {} <{}>",
        paint.apply(&path(&short), |s| s.cyan()),
        path(&commit.date),
        shown(report, &commit.author_name),
        shown(report, &commit.author_email)
    )?;
    let Some(occurrences) = commit.occurrences.as_ref().filter(|o| !o.is_empty()) else {
        return Ok(());
    };
    let shown: Vec<String> = occurrences
        .iter()
        .take(MAX_OCCURRENCES_SHOWN)
        .map(|o| format!("{}:{}", path(&short_id(&o.commit)), path(&o.path)))
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
    if result.scanned_nothing() {
        // Never "no secrets found" for a scan that read nothing.
        line.push_str(
            &paint
                .apply("nothing was scanned", |s| s.yellow())
                .to_string(),
        );
    } else if count == 0 {
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
        let (inline, config, baseline) = crate::model::suppression::counts(&result.suppressed);
        line.push_str(&format!(
            "; {} suppressed: inline {inline}, config {config}, baseline {baseline}",
            result.suppressed.len()
        ));
        let test_values =
            crate::model::suppression::count(&result.suppressed, Mechanism::TestValue);
        if test_values > 0 {
            line.push_str(&format!(", known test values {test_values}"));
        }
    }
    if stats.decoded_runs > 0 {
        line.push_str(&format!(
            "; {} encoded run{} decoded",
            stats.decoded_runs,
            plural(stats.decoded_runs)
        ));
    }
    if stats.keylint_outputs > 0 {
        line.push_str(&format!(
            "; {} keylint report{} or baseline{} (redacted values not reported)",
            stats.keylint_outputs,
            plural(stats.keylint_outputs),
            plural(stats.keylint_outputs)
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
        let too_large: Vec<std::borrow::Cow<str>> = result
            .skipped
            .iter()
            .filter(|s| matches!(s.reason, SkipReason::TooLarge { .. }))
            .map(|s| path(&s.path))
            .collect();
        if !too_large.is_empty() {
            line.push_str(&format!(" (too large: {})", too_large.join(", ")));
        }
    }
    line
}

/// Applies colors only when enabled, so no escape code reaches a pipe.
struct Painter {
    enabled: bool,
    /// Width of the line numbers in the snippet gutter.
    gutter: usize,
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
