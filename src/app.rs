//! What each command does: build the engine, run a source through it, write
//! the report.  Errors returned from here exit with code 2.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::cli::{
    BaselineArgs, Cli, ColorChoice, Command, ConfigArgs, ConfigCommand, DEFAULT_MAX_FILE_SIZE,
    EngineArgs, HistoryArgs, HookCommand, ListFormat, OutputArgs, RulesCommand, ScanArgs,
    SuppressArgs,
};
use crate::config::{Config, STARTER_CONFIG};
use crate::engine::{self, Engine};
use crate::hooks::{self, HookKind};
use crate::projects::{self, inventory::Inventory};
use crate::report::{Format, Report, ReportOptions, summary};
use crate::rules::{RuleMeta, RuleSet, RuleSource};
use crate::scan::{ScanResult, TreeScan};
use crate::sources::fs::{SkipReason, WalkOptions};
use crate::sources::git::{HistoryOptions, scan_history};
use crate::sources::staged::{StagedOptions, before_first_commit, scan_staged};
use crate::suppress::baseline::Baseline;
use crate::suppress::{Suppressor, Unused};

/// How a successful run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    /// Findings were reported (or a rule file failed its own examples).
    Findings,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
        }
    }
}

pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Scan(args) if args.staged => staged(args),
        Command::Scan(args) => scan(args),
        Command::History(args) => history(args),
        Command::Baseline(args) => baseline(args),
        Command::Config {
            command: ConfigCommand::Init { output, force },
        } => config_init(&output, force),
        Command::Rules {
            command: RulesCommand::List { rules, format },
        } => list_rules(&rules, format),
        Command::Rules {
            command: RulesCommand::Check { files },
        } => check_rules(&files),
        Command::Hook { command } => hook(command),
    }
}

/// Built-in rules plus the user's extra rule files.
fn load_rules(extra: &[impl AsRef<Path>]) -> Result<RuleSet> {
    let mut set = RuleSet::builtin()?;
    for path in extra {
        set.add_source(&RuleSource::from_path(path.as_ref())?)?;
    }
    Ok(set)
}

/// The engine for a run: built-in rules, `--rules` files, and the config's
/// extra rules, disabled rules and severity overrides.
///
/// It is never dropped: freeing every compiled regex as the process ends
/// cost a quarter of a small scan's start-up (bench/startup.sh), and the
/// operating system reclaims the memory anyway.
fn build_engine(engine_args: &EngineArgs, config: &Config) -> Result<ManuallyDrop<Engine>> {
    let mut set = load_rules(&engine_args.rules)?;
    let config_name = || {
        config
            .path
            .as_ref()
            .map_or_else(String::new, |p| p.display().to_string())
    };
    for path in &config.extra_rules {
        set.add_source(&RuleSource::from_path(path)?)
            .with_context(|| format!("{}: [rules] extra", config_name()))?;
    }
    for (id, line) in &config.disable_rules {
        set.disable(std::slice::from_ref(id))
            .with_context(|| format!("{}:{line}: [rules] disable", config_name()))?;
    }
    for (id, severity) in &config.severity_overrides {
        set.set_severity(id, *severity)
            .with_context(|| format!("{}: [rules.severity]", config_name()))?;
    }
    Engine::new(set).map(ManuallyDrop::new)
}

/// `--config FILE`, nothing with `--no-config`, else `.keylint.toml`
/// discovered from the first scanned path.
fn load_config(args: &ConfigArgs, paths: &[PathBuf]) -> Result<Config> {
    if args.no_config {
        return Ok(Config::default());
    }
    if let Some(path) = &args.config {
        return Config::load(path);
    }
    // A pipe (`-`, `/dev/fd/63` from `<(cmd)`) says nothing about where the
    // config lives: like no path at all, start from the current directory.
    let start = paths
        .iter()
        .find(|p| p.as_os_str() != "-" && !crate::sources::read::is_inherited_stream(p))
        .cloned()
        .unwrap_or_else(|| ".".into());
    Config::discover(&start)
}

fn walk_options(
    engine_args: &EngineArgs,
    config: &Config,
    follow: bool,
    respect_ignore: bool,
) -> WalkOptions {
    WalkOptions {
        follow_symlinks: follow || config.follow_symlinks.unwrap_or(false),
        respect_ignore_files: respect_ignore,
        one_file_system: false,
        threads: worker_threads(engine_args.threads),
        max_file_size: engine_args
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        include_binary: engine_args.include_binary || config.include_binary.unwrap_or(false),
    }
}

/// `--threads N`, capped at four per core: past that more threads only add
/// start-up and memory (10,000 threads on six files took over a minute).
fn worker_threads(requested: Option<u16>) -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    requested.map_or(cores, |n| usize::from(n).min(4 * cores))
}

/// The suppress stage for a run; the baseline is read before the scan so a
/// malformed one fails at once.
fn suppressor(args: &SuppressArgs, config: Config, engine: &Engine) -> Result<Suppressor> {
    let baseline = match &args.baseline {
        Some(path) => Some((path.clone(), Baseline::load(path)?)),
        None => None,
    };
    Ok(Suppressor {
        config,
        baseline,
        foreign_markers: !args.no_foreign_allow,
        known_rules: engine.metas().iter().map(|m| m.id.clone()).collect(),
    })
}

/// Everything a scanning command sets up before it reads a byte — config,
/// rules, inventory, baseline, output — so each of them fails fast, and the
/// tail every command shares: analyze, suppress, warn, report.
struct Pipeline<'a> {
    engine: ManuallyDrop<Engine>,
    inventory: Option<Inventory>,
    walk: WalkOptions,
    suppressor: Suppressor,
    sink: OutputSink,
    suppress: &'a SuppressArgs,
    output: &'a OutputArgs,
}

impl<'a> Pipeline<'a> {
    fn new(
        paths: &[PathBuf],
        engine_args: &EngineArgs,
        suppress: &'a SuppressArgs,
        output: &'a OutputArgs,
        walk_flags: (bool, bool),
    ) -> Result<Pipeline<'a>> {
        let config = load_config(&suppress.config, paths)?;
        let engine = build_engine(engine_args, &config)?;
        let inventory = load_inventory(engine_args)?;
        let walk = walk_options(engine_args, &config, walk_flags.0, walk_flags.1);
        let suppressor = suppressor(suppress, config, &engine)?;
        Ok(Pipeline {
            sink: OutputSink::open(output)?,
            engine,
            inventory,
            walk,
            suppressor,
            suppress,
            output,
        })
    }

    fn finish(&mut self, result: &mut ScanResult) -> Result<Outcome> {
        analyze_projects(&self.engine, result, self.inventory.as_ref());
        let min = self.suppress.min_confidence;
        result.findings.retain(|f| f.confidence >= min);
        let unused = self.suppressor.apply(result);
        print_warnings(result);
        let shown = ShownExtras {
            suppressed: self.suppress.show_suppressed,
            unused: self.suppress.report_unused.then_some(unused.as_slice()),
        };
        write_report(&self.engine, result, shown, self.output, &mut self.sink)
    }
}

fn scan(args: ScanArgs) -> Result<Outcome> {
    let walk_flags = (args.follow, !args.no_ignore);
    let mut pipeline = Pipeline::new(
        &args.paths,
        &args.engine,
        &args.suppress,
        &args.output,
        walk_flags,
    )?;
    let tree = TreeScan {
        roots: args.paths.clone(),
        walk: WalkOptions {
            one_file_system: args.one_file_system,
            ..pipeline.walk.clone()
        },
        collect_markers: args.suppress.report_unused,
    };
    let mut result = tree.run(&pipeline.engine)?;
    pipeline.finish(&mut result)
}

/// `keylint baseline`: scan, then write (or merge into) the baseline file.
/// Inline and config allows still apply: what they allow never enters it.
fn baseline(args: BaselineArgs) -> Result<Outcome> {
    let config = load_config(&args.config, &args.paths)?;
    let engine = build_engine(&args.engine, &config)?;
    let inventory = load_inventory(&args.engine)?;
    let walk = walk_options(&args.engine, &config, args.follow, !args.no_ignore);
    let suppressor = Suppressor {
        config,
        baseline: None,
        foreign_markers: true,
        known_rules: engine.metas().iter().map(|m| m.id.clone()).collect(),
    };
    let previous = if args.update && args.output.exists() {
        Some(Baseline::load(&args.output)?)
    } else {
        None
    };
    let tree = TreeScan {
        roots: args.paths.clone(),
        walk,
        collect_markers: false,
    };
    let mut result = tree.run(&engine)?;
    analyze_projects(&engine, &mut result, inventory.as_ref());
    suppressor.apply(&mut result);
    print_warnings(&result);
    let current = Baseline::from_findings(&result.findings);
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

fn config_init(output: &Path, force: bool) -> Result<Outcome> {
    if output.exists() && !force {
        anyhow::bail!(
            "{} already exists (use --force to overwrite)",
            output.display()
        );
    }
    std::fs::write(output, STARTER_CONFIG)
        .with_context(|| format!("cannot write {}", output.display()))?;
    eprintln!("keylint: wrote {}", output.display());
    Ok(Outcome::Clean)
}

fn hook(command: HookCommand) -> Result<Outcome> {
    let kind = |pre_push| {
        if pre_push {
            HookKind::PrePush
        } else {
            HookKind::PreCommit
        }
    };
    let message = match command {
        HookCommand::Install {
            pre_push,
            force,
            repo,
        } => hooks::install(&repo, kind(pre_push), force)?,
        HookCommand::Uninstall { pre_push, repo } => hooks::uninstall(&repo, kind(pre_push))?,
    };
    eprintln!("keylint: {message}");
    Ok(Outcome::Clean)
}

fn history(mut args: HistoryArgs) -> Result<Outcome> {
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
    let mut pipeline = Pipeline::new(
        repo,
        &args.engine,
        &args.suppress,
        &args.output,
        (false, true),
    )?;
    let options = HistoryOptions {
        repo: args.repo.clone(),
        branches: args.branches.clone(),
        since: args.since.clone(),
        range: args.range.clone(),
        hide,
        hide_globs,
        all_occurrences: args.all_occurrences,
        threads: pipeline.walk.threads,
        max_file_size: pipeline.walk.max_file_size,
        include_binary: pipeline.walk.include_binary,
        progress: args.progress,
        collect_markers: args.suppress.report_unused,
    };
    let mut result = scan_history(&pipeline.engine, &options)?;
    if args.pre_push && result.stats.commits_walked == 0 {
        eprintln!(
            "keylint: pre-push: every commit pushed is already on the remote: nothing to scan"
        );
    }
    pipeline.finish(&mut result)
}

fn staged(args: ScanArgs) -> Result<Outcome> {
    let [repo] = args.paths.as_slice() else {
        anyhow::bail!("--staged takes one PATH at most: the repository");
    };
    let repos = std::slice::from_ref(repo);
    let mut pipeline = Pipeline::new(
        repos,
        &args.engine,
        &args.suppress,
        &args.output,
        (false, true),
    )?;
    let options = StagedOptions {
        repo: repo.clone(),
        whole_files: args.whole_files,
        max_file_size: pipeline.walk.max_file_size,
        include_binary: pipeline.walk.include_binary,
        collect_markers: args.suppress.report_unused,
    };
    let mut result = scan_staged(&pipeline.engine, &options)?;
    let unborn = before_first_commit(repo);
    // A hook must never pass silently because it looked at nothing.
    if result.stats.files_scanned == 0 {
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
    let outcome = pipeline.finish(&mut result)?;
    print_unstage_hint(&result, unborn);
    Ok(outcome)
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

/// Warnings go to stderr as they would in any Unix tool; reports to stdout
/// or `--output`, so a JSON consumer never sees them mixed in.  They name
/// paths from the scanned tree, so control characters are escaped as in
/// the human report.
fn print_warnings(result: &ScanResult) {
    use crate::report::escape::terminal;
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

/// `--inventory FILE`, read before the scan so a malformed one fails at
/// once; its warnings (duplicate redacted values) go to stderr.
fn load_inventory(args: &EngineArgs) -> Result<Option<Inventory>> {
    let Some(path) = &args.inventory else {
        return Ok(None);
    };
    let inventory = Inventory::load(path)?;
    for warning in &inventory.warnings {
        eprintln!("keylint: warning: {warning}");
    }
    Ok(Some(inventory))
}

/// The project-binding checks over every blob's facts; their findings
/// join the others before suppression, so allows and baselines apply.
fn analyze_projects(engine: &Engine, result: &mut ScanResult, inventory: Option<&Inventory>) {
    let found = projects::check(engine.rule_set(), &result.project_facts, inventory);
    if !found.is_empty() {
        result.findings.extend(found);
        result.sort();
    }
}

/// What a report shows beyond the findings.
#[derive(Clone, Copy)]
struct ShownExtras<'a> {
    suppressed: bool,
    unused: Option<&'a [Unused]>,
}

fn write_report(
    engine: &Engine,
    result: &ScanResult,
    shown: ShownExtras,
    output: &OutputArgs,
    sink: &mut OutputSink,
) -> Result<Outcome> {
    let report = Report::new(
        result,
        engine.metas(),
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
struct OutputSink {
    writer: Box<dyn Write>,
    name: String,
    is_terminal: bool,
}

impl OutputSink {
    fn open(output: &OutputArgs) -> Result<OutputSink> {
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

fn list_rules(extra: &[impl AsRef<Path>], format: ListFormat) -> Result<Outcome> {
    let metas = load_rules(extra)?.metas();
    let mut out = io::stdout().lock();
    let written = match format {
        ListFormat::Json => {
            let plain: Vec<&RuleMeta> = metas.iter().map(|m| &**m).collect();
            serde_json::to_writer_pretty(&mut out, &plain)
                .map_err(io::Error::from)
                .and_then(|()| writeln!(out))
        }
        ListFormat::Human => write_rule_table(&metas, &mut out),
    };
    closed_pipe_is_done(written).context("cannot write to standard output")?;
    Ok(Outcome::Clean)
}

fn write_rule_table(metas: &[std::sync::Arc<RuleMeta>], out: &mut dyn Write) -> io::Result<()> {
    let width = metas.iter().map(|m| m.id.len()).max().unwrap_or(0);
    for meta in metas {
        writeln!(
            out,
            "{:<width$}  {:<12} {:<10} {:<9} {}",
            meta.id,
            meta.provider,
            format!("{:?}", meta.kind).to_lowercase(),
            meta.severity,
            meta.name
        )?;
    }
    writeln!(out, "{} rules", metas.len())
}

/// A reader that went away (`keylint rules list | head`) is not an error:
/// stop writing quietly, as other command-line tools do.
fn closed_pipe_is_done(written: io::Result<()>) -> io::Result<()> {
    match written {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Validate user rule files: malformed files are errors (exit 2); rules
/// whose examples fail are reported and exit 1.
fn check_rules(files: &[impl AsRef<Path>]) -> Result<Outcome> {
    let mut set = RuleSet::default();
    for path in files {
        let path = path.as_ref();
        let before = set.metas().len();
        set.add_source(&RuleSource::from_path(path)?)?;
        if set.metas().len() == before {
            anyhow::bail!(
                "{}: no rules in this file (a rule is a [[rule]] table)",
                path.display()
            );
        }
    }
    let rule_count = set.rules.len();
    let failures = engine::check_examples(set)?;
    let mut out = io::stdout().lock();
    let written = write_check_results(&failures, rule_count, &mut out);
    closed_pipe_is_done(written).context("cannot write to standard output")?;
    Ok(if failures.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn write_check_results(
    failures: &[engine::ExampleFailure],
    rule_count: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    for failure in failures {
        let what = if failure.missed {
            "example does not match"
        } else {
            "counter-example matches"
        };
        writeln!(
            out,
            "{}: rule `{}`: {what}: {}",
            failure.origin, failure.rule_id, failure.example
        )?;
    }
    let rules = if rule_count == 1 { "rule" } else { "rules" };
    match failures.len() {
        0 => writeln!(out, "{rule_count} {rules} OK"),
        1 => writeln!(out, "1 problem in {rule_count} {rules}"),
        n => writeln!(out, "{n} problems in {rule_count} {rules}"),
    }
}
