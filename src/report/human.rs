//! The report people read: findings grouped by file, then a summary line.

use std::io::{self, Write};

use colored::{ColoredString, Colorize};

use super::{Report, human_bytes};
use crate::finding::Finding;
use crate::rules::Severity;
use crate::scan::ScanResult;
use crate::sources::fs::SkipReason;
use crate::suppress::Unused;

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

fn summary_line(result: &ScanResult, paint: &Painter) -> String {
    let stats = &result.stats;
    let count = result.findings.len();
    let mut line = format!(
        "Scanned {} file{} ({}) in {:.2}s: ",
        stats.files_scanned,
        plural(stats.files_scanned),
        human_bytes(stats.bytes_scanned),
        result.elapsed.as_secs_f64()
    );
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
    let skipped = stats.skipped_binary + stats.skipped_too_large + stats.skipped_unreadable;
    if skipped > 0 {
        line.push_str(&format!(
            "; skipped {skipped}: {} binary, {} too large, {} unreadable",
            stats.skipped_binary, stats.skipped_too_large, stats.skipped_unreadable
        ));
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
