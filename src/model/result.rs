//! A finished scan as plain data: what every report writer reads.  Nothing
//! here runs a stage; the pipeline fills it in and hands it on.

use std::time::Duration;

use serde::Serialize;

use super::finding::Finding;
use super::suppression::Suppressed;

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
    /// values are not findings (`model::own_output`).
    pub keylint_outputs: u64,
    /// Decoding (`--decode-depth`): encoded runs decoded and scanned, and
    /// blobs whose decoded-bytes budget ran out before every run was.
    pub decoded_runs: u64,
    pub decode_budget_exhausted: u64,
}

impl Stats {
    /// Fold another part's counters (one worker's, one stage's) into these.
    pub fn add(&mut self, other: &Stats) {
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
        self.decoded_runs += other.decoded_runs;
        self.decode_budget_exhausted += other.decode_budget_exhausted;
    }

    /// Count one skipped file under its reason.
    pub fn count_skip(&mut self, reason: &SkipReason) {
        match reason {
            SkipReason::Binary => self.skipped_binary += 1,
            SkipReason::TooLarge { .. } => self.skipped_too_large += 1,
            SkipReason::Unreadable(_) => self.skipped_unreadable += 1,
            SkipReason::Symlink => self.skipped_symlink += 1,
            SkipReason::Special(_) => self.skipped_special += 1,
        }
    }
}

/// Why a file was not scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    Binary,
    TooLarge {
        size: u64,
        limit: u64,
    },
    Unreadable(String),
    /// A symbolic link, not followed without `--follow`.
    Symlink,
    /// Not a regular file (a FIFO, socket or device), or a directory on a
    /// kernel pseudo-filesystem; the text says which.
    Special(String),
}

/// A file that was not scanned, and why.
#[derive(Debug, Clone)]
pub struct Skip {
    pub path: String,
    pub reason: SkipReason,
}

/// Everything a report shows: findings kept and set aside, the counters,
/// what was skipped, the warnings, and how long it took.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// Secrets and analysis findings, sorted by path and position.
    pub findings: Vec<Finding>,
    /// Findings the suppress stage took out of `findings`, with the reason.
    pub suppressed: Vec<Suppressed>,
    pub stats: Stats,
    pub skipped: Vec<Skip>,
    pub warnings: Vec<String>,
    pub elapsed: Duration,
}

impl ScanResult {
    /// Nothing found because nothing was read (every file skipped): a
    /// report must never call that "no secrets found".
    pub fn scanned_nothing(&self) -> bool {
        self.findings.is_empty() && self.stats.files_scanned == 0
    }
}
