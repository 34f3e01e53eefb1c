//! Running a scan: a source's blobs through the engine into findings, with
//! the counters and skip list every report's summary shows.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::credfiles;
use crate::engine::known_values::KnownValue;
use crate::engine::{Engine, RawMatch, file_kinds};
use crate::finding::Finding;
use crate::projects::{self, BlobFacts};
use crate::rules::{Confidence, RuleKind};
use crate::sources::Origin;
use crate::sources::fs::{self, SkipReason, WalkEvent, WalkOptions};
use crate::sources::own_output;
use crate::suppress::Suppressed;
use crate::suppress::inline::{self, MarkerKind};

/// Counters shown in every summary.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Stats {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    pub skipped_binary: u64,
    pub skipped_too_large: u64,
    pub skipped_unreadable: u64,
    /// Symbolic links not followed (without `--follow`).
    pub skipped_symlink: u64,
    /// FIFOs, sockets, devices and kernel pseudo-filesystem directories.
    pub skipped_special: u64,
    /// Git history: commits walked, distinct trees read, distinct blobs
    /// scanned (each once, however many commits and paths hold it).
    pub commits_walked: u64,
    pub trees_walked: u64,
    pub blobs_scanned: u64,
    /// Git LFS pointer files: skipped (the content lives outside git).
    pub lfs_pointers_skipped: u64,
    /// keylint's own baselines and reports: scanned, but their redacted
    /// values are not findings (`sources::own_output`).
    pub keylint_outputs: u64,
}

/// A file that was not scanned, and why.
#[derive(Debug, Clone)]
pub struct Skip {
    pub path: String,
    pub reason: SkipReason,
}

#[derive(Debug, Default)]
pub struct ScanResult {
    /// Secrets, sorted by path and position.
    pub findings: Vec<Finding>,
    /// Identifier matches (project / organization IDs): evidence for the
    /// project-binding analysis, never reported on their own.
    pub identifiers: Vec<Finding>,
    pub stats: Stats,
    pub skipped: Vec<Skip>,
    pub warnings: Vec<String>,
    pub elapsed: Duration,
    /// Findings the suppress stage took out of `findings`.
    pub suppressed: Vec<Suppressed>,
    /// Every allow marker seen, as (path, line, kind); collected only when
    /// `collect_markers` is set (for `--report-unused`).
    pub markers: Vec<(String, usize, MarkerKind)>,
    pub collect_markers: bool,
    /// Per-blob evidence for the project-binding analysis (`projects`).
    pub project_facts: Vec<BlobFacts>,
}

impl ScanResult {
    /// Record one blob's matches and count it as scanned.
    pub fn add_blob(&mut self, engine: &Engine, origin: &Origin, bytes: &[u8]) {
        self.stats.files_scanned += 1;
        self.stats.bytes_scanned += bytes.len() as u64;
        if self.collect_markers {
            let markers = inline::all_markers(bytes);
            self.markers.extend(
                markers
                    .into_iter()
                    .map(|(line, kind)| (origin.path.clone(), line, kind)),
            );
        }
        let found = engine.find_counted(bytes);
        let (mut matches, mut test_values) = (found.matches, found.test_values);
        // Rules limited to some kinds of file (`file_kinds`): the engine
        // never knows paths, so they are filtered here, and the path is
        // judged only when something matched (most blobs match nothing).
        if !matches.is_empty() || !test_values.is_empty() {
            let kind = file_kinds::classify(&origin.path);
            let runs_here = |m: &RawMatch| engine.rules()[m.rule].runs_in(kind);
            matches.retain(runs_here);
            test_values.retain(|(m, _)| runs_here(m));
        }
        if own_output::sniff(bytes).is_some() {
            self.stats.keylint_outputs += 1;
            matches.retain(|m| !own_output::in_redacted_value(bytes, &m.secret));
            test_values.retain(|(m, _)| !own_output::in_redacted_value(bytes, &m.secret));
        }
        let notes = credfiles::add_fields(engine, &origin.path, bytes, &mut matches);
        let (secrets_before, identifiers_before) = (self.findings.len(), self.identifiers.len());
        for mut finding in Finding::from_matches(engine.metas(), bytes, origin, &matches) {
            finding.message = credfiles::note_of(&notes, &finding);
            match finding.rule.kind {
                RuleKind::Secret | RuleKind::Analysis => self.findings.push(finding),
                RuleKind::Identifier => self.identifiers.push(finding),
            }
        }
        self.add_test_values(engine, origin, bytes, &test_values);
        let facts = projects::analyze_blob(
            engine.rule_set(),
            origin,
            bytes,
            &self.findings[secrets_before..],
            &self.identifiers[identifiers_before..],
        );
        if !facts.is_empty() {
            self.project_facts.push(facts);
        }
    }

    /// Known test values become low-confidence findings flagged
    /// `test_value`, which the suppress stage sets aside.
    fn add_test_values(
        &mut self,
        engine: &Engine,
        origin: &Origin,
        bytes: &[u8],
        test_values: &[(RawMatch, &'static KnownValue)],
    ) {
        let matches: Vec<RawMatch> = test_values.iter().map(|(m, _)| m.clone()).collect();
        let findings = Finding::from_matches(engine.metas(), bytes, origin, &matches);
        for (mut finding, (_, known)) in findings.into_iter().zip(test_values) {
            if finding.rule.kind == RuleKind::Secret {
                finding.confidence = Confidence::Low;
                finding.test_value = Some(known.what.clone());
                self.findings.push(finding);
            }
        }
    }

    pub fn add_skip(&mut self, origin: &Origin, reason: SkipReason) {
        match &reason {
            SkipReason::Binary => self.stats.skipped_binary += 1,
            SkipReason::TooLarge { .. } => self.stats.skipped_too_large += 1,
            SkipReason::Unreadable(_) => self.stats.skipped_unreadable += 1,
            SkipReason::Symlink => self.stats.skipped_symlink += 1,
            SkipReason::Special(_) => self.stats.skipped_special += 1,
        }
        self.skipped.push(Skip {
            path: origin.path.clone(),
            reason,
        });
    }

    /// Deterministic order whatever the thread interleaving was.
    pub fn sort(&mut self) {
        self.findings
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.identifiers
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        self.markers.sort();
    }
}

/// What `keylint scan` walks: paths (a `-` means standard input).
pub struct TreeScan {
    pub roots: Vec<PathBuf>,
    pub walk: WalkOptions,
    /// Record allow markers for `--report-unused`.
    pub collect_markers: bool,
}

impl TreeScan {
    pub fn run(&self, engine: &Engine) -> anyhow::Result<ScanResult> {
        let started = Instant::now();
        let (stdin, paths): (Vec<_>, Vec<_>) = self
            .roots
            .iter()
            .cloned()
            .partition(|p| p.as_os_str() == "-");
        let roots = fs::check_roots(&paths)?;
        let result = Mutex::new(ScanResult {
            collect_markers: self.collect_markers,
            ..ScanResult::default()
        });
        if !stdin.is_empty() {
            let origin = Origin {
                path: "<stdin>".into(),
                root_relative: "stdin".into(),
                commit: None,
            };
            let mut result = result.lock().unwrap();
            match fs::read_stdin(&self.walk) {
                Ok(bytes) => result.add_blob(engine, &origin, &bytes),
                Err(reason) => result.add_skip(&origin, reason),
            }
        }
        fs::walk(&roots, &self.walk, &|event| match event {
            WalkEvent::File { origin, data } => {
                // Match outside the lock: the engine is the expensive part.
                let mut local = ScanResult {
                    collect_markers: self.collect_markers,
                    ..ScanResult::default()
                };
                local.add_blob(engine, &origin, &data);
                result.lock().unwrap().merge(local);
            }
            WalkEvent::Skipped { origin, reason } => {
                result.lock().unwrap().add_skip(&origin, reason)
            }
            WalkEvent::Warning(message) => result.lock().unwrap().warnings.push(message),
        })?;
        let mut result = result.into_inner().unwrap();
        result.sort();
        // The walker's threads race: warnings in a stable order.
        result.warnings.sort();
        result.elapsed = started.elapsed();
        Ok(result)
    }
}

impl ScanResult {
    /// Fold another partial result (one worker's) into this one.
    pub fn merge(&mut self, other: ScanResult) {
        self.findings.extend(other.findings);
        self.identifiers.extend(other.identifiers);
        self.markers.extend(other.markers);
        self.project_facts.extend(other.project_facts);
        self.skipped.extend(other.skipped);
        self.warnings.extend(other.warnings);
        self.stats.add(&other.stats);
    }
}

impl Stats {
    fn add(&mut self, other: &Stats) {
        self.files_scanned += other.files_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.skipped_binary += other.skipped_binary;
        self.skipped_too_large += other.skipped_too_large;
        self.skipped_unreadable += other.skipped_unreadable;
        self.skipped_symlink += other.skipped_symlink;
        self.skipped_special += other.skipped_special;
        self.commits_walked += other.commits_walked;
        self.trees_walked += other.trees_walked;
        self.blobs_scanned += other.blobs_scanned;
        self.lfs_pointers_skipped += other.lfs_pointers_skipped;
        self.keylint_outputs += other.keylint_outputs;
    }
}
