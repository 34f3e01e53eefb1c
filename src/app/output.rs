//! Where a finished scan goes: the report to standard output or
//! `--output`, warnings to standard error, the GitHub Job Summary; and
//! the exit status the findings give.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};

use anyhow::{Context, Result};

use super::Outcome;
use super::cli::{ColorChoice, OutputArgs};
use super::pipeline::Finished;
use crate::model::{ScanResult, SkipReason, Unused};
use crate::report::escape::terminal;
use crate::report::{Format, Report, ReportOptions, summary};
use crate::rules::RuleMeta;

/// Warnings go to stderr as they would in any Unix tool; reports to stdout
/// or `--output`, so a JSON consumer never sees them mixed in.  They name
/// paths from the scanned tree, so control characters are escaped as in
/// the human report.
pub fn print_warnings(result: &ScanResult) {
    for warning in &result.warnings {
        eprintln!("keylint: warning: {}", terminal(warning));
    }
    for skip in &result.skipped {
        match &skip.reason {
            SkipReason::Binary => {}
            SkipReason::TooLarge { size, limit } => eprintln!(
                "keylint: warning: skipped {}: {} bytes is over --max-file-size {} bytes",
                terminal(&skip.path),
                size,
                limit
            ),
            SkipReason::Unreadable(error) => eprintln!(
                "keylint: warning: cannot read {}: {}",
                terminal(&skip.path),
                terminal(error)
            ),
            // Counted in the summary: a tree may hold thousands of links.
            SkipReason::Symlink => {}
            SkipReason::Special(kind) if kind.starts_with("directory") => {
                eprintln!(
                    "keylint: warning: skipped {}: a {kind}",
                    terminal(&skip.path)
                )
            }
            SkipReason::Special(kind) => eprintln!(
                "keylint: warning: skipped {}: a {kind}, not a regular file",
                terminal(&skip.path)
            ),
        }
    }
}

/// What a report shows beyond the findings.
#[derive(Clone, Copy)]
pub struct ShownExtras<'a> {
    pub suppressed: bool,
    pub unused: Option<&'a [Unused]>,
}

pub fn write_report(
    rules: &[std::sync::Arc<RuleMeta>],
    result: &ScanResult,
    shown: ShownExtras,
    output: &OutputArgs,
    sink: &mut OutputSink,
) -> Result<Outcome> {
    let report = Report::new(
        result,
        rules,
        shown.unused,
        ReportOptions {
            show_secrets: output.no_redact,
            color: sink.use_color(output.color, output.format),
            show_suppressed: shown.suppressed,
        },
    );
    colored::control::set_override(report.options.color);
    let written = report
        .write(output.format, &mut sink.writer)
        .and_then(|()| sink.writer.flush());
    closed_pipe_is_done(written)
        .with_context(|| format!("cannot write the report to {}", sink.name))?;
    write_step_summary(&report);
    Ok(if result.findings.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// Inside GitHub Actions (`GITHUB_STEP_SUMMARY` set): append the findings
/// table to the Job Summary.  A summary that can't be written is a warning;
/// the report itself was already written.
fn write_step_summary(report: &Report) {
    let Some(path) = std::env::var_os(summary::ENV_VAR).filter(|p| !p.is_empty()) else {
        return;
    };
    let path = std::path::PathBuf::from(path);
    if let Err(error) = summary::append(report, &path) {
        eprintln!(
            "keylint: warning: cannot append the job summary to {} ({}): {error}",
            path.display(),
            summary::ENV_VAR
        );
    }
}

/// Standard output or the `--output` file, opened before the scan so a bad
/// path fails at once rather than after a long scan.
pub struct OutputSink {
    writer: Box<dyn Write>,
    name: String,
    is_terminal: bool,
}

impl OutputSink {
    pub fn open(output: &OutputArgs) -> Result<OutputSink> {
        Ok(match &output.output {
            Some(path) => OutputSink {
                writer: Box::new(BufWriter::new(
                    File::create(path)
                        .with_context(|| format!("cannot create {}", path.display()))?,
                )),
                name: path.display().to_string(),
                is_terminal: false,
            },
            None => OutputSink {
                writer: Box::new(BufWriter::new(io::stdout().lock())),
                name: "standard output".into(),
                is_terminal: io::stdout().is_terminal(),
            },
        })
    }

    /// Colors only for the human format; `auto` means a terminal and no
    /// `NO_COLOR` (an explicit `--color always` wins, as no-color.org asks).
    fn use_color(&self, choice: ColorChoice, format: Format) -> bool {
        if format != Format::Human {
            return false;
        }
        match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                self.is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// A reader that went away (`keylint rules list | head`) is not an error:
/// stop writing quietly, as other command-line tools do.
pub fn closed_pipe_is_done(written: io::Result<()>) -> io::Result<()> {
    match written {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Warnings, then the report: what every scanning command ends with.
pub fn report(
    rules: &[std::sync::Arc<RuleMeta>],
    finished: &Finished,
    shown: ShownExtras,
    output: &OutputArgs,
    sink: &mut OutputSink,
) -> Result<Outcome> {
    print_warnings(&finished.result);
    write_report(rules, &finished.result, shown, output, sink)
}
