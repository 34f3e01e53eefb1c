//! One value that runs a scan from source to finished result: every
//! command that scans builds a `Pipeline` from its options, picks a
//! `Source`, and gets a `Finished` scan to report or to write as a
//! baseline.  The stages, in order: a source hands each blob to the blob
//! scanner (engine, then project facts); then the project checks across
//! files, the confidence floor, verification and suppression.

use std::mem::ManuallyDrop;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};

use super::blob_scan::{BlobScanner, Collected};
use super::cli::{ConfigArgs, DEFAULT_MAX_FILE_SIZE, EngineArgs};
use super::config::Config;
use crate::decode::{Decoding, Limits};
use crate::engine::{Engine, markers};
use crate::model::finding::sort_findings;
use crate::model::size::human_bytes;
use crate::model::{ScanResult, Unused};
use crate::projects::{self, inventory::Inventory};
use crate::report::plural;
use crate::rules::{Confidence, RuleSet, RuleSource};
use crate::sources::git::{HistoryOptions, scan_history};
use crate::sources::staged::{StagedOptions, scan_staged};
use crate::sources::tree::TreeScan;
use crate::sources::{BinaryPolicy, BlobSink, ReadLog, Scanned, WalkOptions};
use crate::suppress::Suppressor;
use crate::suppress::baseline::Baseline;
use crate::verify::{Offline, Verifier};

/// Where a scan's bytes come from.
pub enum Source {
    /// Files under paths (`keylint scan`, `keylint baseline`).
    Tree(TreeScan),
    /// The index against HEAD (`keylint scan --staged`).
    Staged(StagedOptions),
    /// Every blob of a history (`keylint history`).
    History(HistoryOptions),
}

/// How the set-up of a scan is chosen (from a command's arguments).
pub struct Setup<'a> {
    /// The scanned paths: where `.keylint.toml` is looked for.
    pub paths: &'a [PathBuf],
    pub engine: &'a EngineArgs,
    pub config: &'a ConfigArgs,
    /// `--follow`, and whether ignore files are honoured.
    pub follow: bool,
    pub respect_ignore: bool,
    pub baseline: Option<&'a Path>,
    pub foreign_markers: bool,
    pub min_confidence: Confidence,
    /// Record every allow marker (for `--report-unused`).
    pub collect_markers: bool,
}

/// A scan run through every stage, ready for a report.
pub struct Finished {
    pub result: ScanResult,
    /// Allows that suppressed nothing.
    pub unused: Vec<Unused>,
}

/// Everything a scanning command sets up before it reads a byte (config,
/// rules, inventory, baseline) so each fails fast.
pub struct Pipeline {
    /// Never dropped: freeing every compiled regex as the process ends
    /// cost a quarter of a small scan's start-up (bench/startup.sh), and
    /// the operating system reclaims the memory anyway.
    pub engine: ManuallyDrop<Engine>,
    pub walk: WalkOptions,
    inventory: Option<Inventory>,
    suppressor: Suppressor,
    min_confidence: Confidence,
    collect_markers: bool,
    verifier: Box<dyn Verifier>,
    /// `--decode-depth` and `--decode-budget`.
    decode: Limits,
}

impl Pipeline {
    pub fn new(setup: &Setup) -> Result<Pipeline> {
        let config = load_config(setup.config, setup.paths)?;
        let engine = build_engine(setup.engine, &config)?;
        let inventory = load_inventory(setup.engine)?;
        let walk = walk_options(setup, &config);
        let baseline = match setup.baseline {
            Some(path) => Some((path.to_path_buf(), Baseline::load(path)?)),
            None => None,
        };
        let suppressor = Suppressor {
            allow: config.allow,
            baseline,
            foreign_markers: setup.foreign_markers,
            known_rules: engine.metas().iter().map(|m| m.id.clone()).collect(),
        };
        Ok(Pipeline {
            engine,
            walk,
            inventory,
            suppressor,
            min_confidence: setup.min_confidence,
            collect_markers: setup.collect_markers,
            verifier: Box::new(Offline),
            decode: Limits {
                depth: usize::from(setup.engine.decode_depth),
                budget: setup.engine.decode_budget,
            },
        })
    }

    /// Read the source and run every stage after it.
    pub fn run(&self, source: &Source) -> Result<Finished> {
        let started = Instant::now();
        let scanner = BlobScanner {
            engine: &self.engine,
            collect_markers: self.collect_markers,
        };
        if self.decode.depth == 0 {
            let Scanned { log, batch } = read(source, &scanner)?;
            return Ok(self.finish(log, batch, started));
        }
        let decoding = Decoding {
            inner: scanner,
            limits: self.decode,
            markers_covering: markers::markers_covering,
        };
        let Scanned { mut log, batch } = read(source, &decoding)?;
        log.stats.add(&batch.stats);
        let mut exhausted = batch.exhausted;
        if !exhausted.is_empty() {
            exhausted.sort();
            log.warnings.push(format!(
                "decoding stopped at the budget of {} decoded bytes per blob (--decode-budget) in {} file{}, first {}",
                human_bytes(self.decode.budget),
                exhausted.len(),
                plural(exhausted.len() as u64),
                exhausted[0]
            ));
        }
        Ok(self.finish(log, batch.inner, started))
    }

    /// The whole-scan stages, on what the blobs produced.
    fn finish(&self, log: ReadLog, mut collected: Collected, started: Instant) -> Finished {
        collected.sort();
        let ReadLog {
            mut stats,
            mut skipped,
            warnings,
        } = log;
        skipped.sort_by(|a, b| a.path.cmp(&b.path));
        stats.keylint_outputs += collected.keylint_outputs;
        let mut findings = collected.findings;
        let bound = projects::check(
            self.engine.rule_set(),
            &collected.project_facts,
            self.inventory.as_ref(),
        );
        if !bound.is_empty() {
            findings.extend(bound);
            sort_findings(&mut findings);
        }
        findings.retain(|f| f.confidence >= self.min_confidence);
        self.verifier.verify(&mut findings);
        let decided = self.suppressor.apply(findings, &collected.markers);
        Finished {
            result: ScanResult {
                findings: decided.kept,
                suppressed: decided.suppressed,
                stats,
                skipped,
                warnings,
                elapsed: started.elapsed(),
            },
            unused: decided.unused,
        }
    }
}

/// Every blob of `source`, handed to `sink`.
fn read<S: BlobSink>(source: &Source, sink: &S) -> Result<Scanned<S::Batch>> {
    match source {
        Source::Tree(tree) => tree.run(sink),
        Source::Staged(options) => scan_staged(sink, options),
        Source::History(options) => scan_history(sink, options),
    }
}

/// Built-in rules plus the user's extra rule files.
pub fn load_rules(extra: &[impl AsRef<Path>]) -> Result<RuleSet> {
    let mut set = RuleSet::builtin()?;
    for path in extra {
        set.add_source(&RuleSource::from_path(path.as_ref())?)?;
    }
    Ok(set)
}

/// The engine for a run: built-in rules, `--rules` files, and the config's
/// extra rules, disabled rules and severity overrides.
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

fn walk_options(setup: &Setup, config: &Config) -> WalkOptions {
    let engine_args = setup.engine;
    WalkOptions {
        follow_symlinks: setup.follow || config.follow_symlinks.unwrap_or(false),
        respect_ignore_files: setup.respect_ignore,
        one_file_system: false,
        threads: worker_threads(engine_args.threads),
        max_file_size: engine_args
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        binary: BinaryPolicy {
            include_all: engine_args.include_binary || config.include_binary.unwrap_or(false),
            wanted: crate::engine::credfiles::wants_binary,
        },
    }
}

/// `--threads N`, capped at four per core: past that more threads only add
/// start-up and memory (10,000 threads on six files took over a minute).
fn worker_threads(requested: Option<u16>) -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    requested.map_or(cores, |n| usize::from(n).min(4 * cores))
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
