//! The commands that scan: `scan`, `scan --staged`, `history` and
//! `baseline`.  Each picks its source and options, runs the one pipeline,
//! and sends the finished scan to a report (or, for `baseline`, a file).

use anyhow::{Context, Result};

use super::Outcome;
use super::cli::{BaselineArgs, HistoryArgs, OutputArgs, ScanArgs, SuppressArgs};
use super::hooks;
use super::output::{self, OutputSink, ShownExtras};
use super::pipeline::{Finished, Pipeline, Setup, Source};
use crate::model::ScanResult;
use crate::rules::Confidence;
use crate::sources::git::HistoryOptions;
use crate::sources::staged::{StagedOptions, before_first_commit};
use crate::sources::tree::TreeScan;
use crate::suppress::baseline::Baseline;

/// The set-up every reporting command shares, from its suppress options.
fn setup<'a>(
    paths: &'a [std::path::PathBuf],
    engine: &'a super::cli::EngineArgs,
    suppress: &'a SuppressArgs,
    (follow, respect_ignore): (bool, bool),
) -> Setup<'a> {
    Setup {
        paths,
        engine,
        config: &suppress.config,
        follow,
        respect_ignore,
        baseline: suppress.baseline.as_deref(),
        foreign_markers: !suppress.no_foreign_allow,
        min_confidence: suppress.min_confidence,
        collect_markers: suppress.report_unused,
    }
}

fn report(
    pipeline: &Pipeline,
    finished: &Finished,
    suppress: &SuppressArgs,
    output: &OutputArgs,
    sink: &mut OutputSink,
) -> Result<Outcome> {
    let shown = ShownExtras {
        suppressed: suppress.show_suppressed,
        unused: suppress.report_unused.then_some(finished.unused.as_slice()),
    };
    output::report(pipeline.engine.metas(), finished, shown, output, sink)
}

pub fn scan(args: ScanArgs) -> Result<Outcome> {
    let walk_flags = (args.follow, !args.no_ignore);
    let pipeline = Pipeline::new(&setup(
        &args.paths,
        &args.engine,
        &args.suppress,
        walk_flags,
    ))?;
    let mut sink = OutputSink::open(&args.output)?;
    let source = Source::Tree(TreeScan {
        roots: args.paths.clone(),
        walk: crate::sources::WalkOptions {
            one_file_system: args.one_file_system,
            ..pipeline.walk.clone()
        },
    });
    let finished = pipeline.run(&source)?;
    report(
        &pipeline,
        &finished,
        &args.suppress,
        &args.output,
        &mut sink,
    )
}

pub fn staged(args: ScanArgs) -> Result<Outcome> {
    let [repo] = args.paths.as_slice() else {
        anyhow::bail!("--staged takes one PATH at most: the repository");
    };
    let repos = std::slice::from_ref(repo);
    let pipeline = Pipeline::new(&setup(repos, &args.engine, &args.suppress, (false, true)))?;
    let mut sink = OutputSink::open(&args.output)?;
    let source = Source::Staged(StagedOptions {
        repo: repo.clone(),
        whole_files: args.whole_files,
        max_file_size: pipeline.walk.max_file_size,
        binary: pipeline.walk.binary,
    });
    let finished = pipeline.run(&source)?;
    let unborn = before_first_commit(repo);
    say_if_nothing_staged(&finished.result, unborn);
    let outcome = report(
        &pipeline,
        &finished,
        &args.suppress,
        &args.output,
        &mut sink,
    )?;
    print_unstage_hint(&finished.result, unborn);
    Ok(outcome)
}

/// A hook must never pass silently because it looked at nothing.
fn say_if_nothing_staged(result: &ScanResult, unborn: bool) {
    if result.stats.files_scanned > 0 {
        return;
    }
    if result.skipped.is_empty() && unborn {
        eprintln!(
            "keylint: nothing staged: no commit yet and no file in the index, so nothing was scanned"
        );
    } else if result.skipped.is_empty() {
        eprintln!(
            "keylint: nothing staged: no file in the index differs from HEAD, so nothing was scanned"
        );
    } else {
        eprintln!(
            "keylint: nothing scanned: all {} staged file(s) were skipped (binary, too large or unreadable)",
            result.skipped.len()
        );
    }
}

pub fn history(mut args: HistoryArgs) -> Result<Outcome> {
    let mut push_scope = None;
    if args.pre_push {
        match hooks::pre_push_scope(&args.repo, args.remote.as_deref())? {
            Some(scope) => push_scope = Some(scope),
            None => {
                eprintln!(
                    "keylint: pre-push: the push adds no commits (only deletes refs): nothing to scan"
                );
                return Ok(Outcome::Clean);
            }
        }
    }
    let (hide, hide_globs) = match push_scope {
        Some(scope) => {
            args.branches = scope.tips;
            (scope.hide, scope.hide_globs)
        }
        None => (Vec::new(), Vec::new()),
    };
    let repo = std::slice::from_ref(&args.repo);
    let pipeline = Pipeline::new(&setup(repo, &args.engine, &args.suppress, (false, true)))?;
    let mut sink = OutputSink::open(&args.output)?;
    let source = Source::History(HistoryOptions {
        repo: args.repo.clone(),
        branches: args.branches.clone(),
        since: args.since.clone(),
        range: args.range.clone(),
        hide,
        hide_globs,
        all_occurrences: args.all_occurrences,
        threads: pipeline.walk.threads,
        max_file_size: pipeline.walk.max_file_size,
        binary: pipeline.walk.binary,
        progress: args.progress,
    });
    let finished = pipeline.run(&source)?;
    if args.pre_push && finished.result.stats.commits_walked == 0 {
        eprintln!(
            "keylint: pre-push: every commit pushed is already on the remote: nothing to scan"
        );
    }
    report(
        &pipeline,
        &finished,
        &args.suppress,
        &args.output,
        &mut sink,
    )
}

/// `keylint baseline`: scan, then write (or merge into) the baseline file.
/// Inline and config allows still apply: what they allow never enters it.
pub fn baseline(args: BaselineArgs) -> Result<Outcome> {
    let pipeline = Pipeline::new(&Setup {
        paths: &args.paths,
        engine: &args.engine,
        config: &args.config,
        follow: args.follow,
        respect_ignore: !args.no_ignore,
        baseline: None,
        foreign_markers: true,
        min_confidence: Confidence::Low,
        collect_markers: false,
    })?;
    let previous = if args.update && args.output.exists() {
        Some(Baseline::load(&args.output)?)
    } else {
        None
    };
    let source = Source::Tree(TreeScan {
        roots: args.paths.clone(),
        walk: pipeline.walk.clone(),
    });
    let finished = pipeline.run(&source)?;
    output::print_warnings(&finished.result);
    let current = Baseline::from_findings(&finished.result.findings);
    let written = match &previous {
        Some(previous) => previous.updated(current),
        None => current,
    };
    std::fs::write(&args.output, written.to_json())
        .with_context(|| format!("cannot write baseline {}", args.output.display()))?;
    let dropped = previous.map_or(0, |p| {
        p.findings
            .iter()
            .filter(|e| {
                !written
                    .findings
                    .iter()
                    .any(|w| w.fingerprint == e.fingerprint)
            })
            .count()
    });
    eprintln!(
        "keylint: wrote {} finding(s) to {}{}",
        written.findings.len(),
        args.output.display(),
        if args.update {
            format!(" ({dropped} gone, dropped)")
        } else {
            String::new()
        }
    );
    Ok(Outcome::Clean)
}

/// After a blocked commit: how to get out of it.  Before the first commit
/// there is no HEAD to restore from: `git rm --cached` unstages there.
fn print_unstage_hint(result: &ScanResult, unborn: bool) {
    // Shown escaped: a path is data from the scanned tree.
    let mut paths: Vec<std::borrow::Cow<str>> = result
        .findings
        .iter()
        .map(|f| crate::report::escape::terminal(&f.origin.path))
        .collect();
    paths.dedup();
    if paths.is_empty() {
        return;
    }
    eprintln!(
        "keylint: {} secret(s) staged for commit in: {}",
        result.findings.len(),
        paths.join(", ")
    );
    eprintln!("  remove the secret from the file and `git add` it again, or unstage the file:");
    let unstage = if unborn {
        "git rm --cached"
    } else {
        "git restore --staged"
    };
    for path in &paths {
        eprintln!("    {unstage} {path}");
    }
    eprintln!(
        "  if it is not a real secret, add a `keylint:allow` comment on its line (or the line before)"
    );
}
