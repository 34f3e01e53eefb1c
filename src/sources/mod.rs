//! Stage 1, sources: where bytes come from.  A source reads files, staged
//! blobs or a history's objects and hands each blob to a `BlobSink` (the
//! later stages, joined by the pipeline); it never knows what the sink
//! does with the bytes.  What it could not read it records in its own
//! `ReadLog`, so the summary can say what was skipped and why.

pub mod fs;
pub mod git;
pub mod git_index;
pub mod progress;
pub mod read;
pub mod staged;
pub mod text;
pub mod tree;

use std::sync::Arc;

use crate::model::{CommitInfo, Finding, Origin, Skip, SkipReason, Stats};

/// How files are walked and read: what to follow, what is too large.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub follow_symlinks: bool,
    pub respect_ignore_files: bool,
    /// Do not descend into directories on another file system than their
    /// root's (`--one-file-system`).
    pub one_file_system: bool,
    pub threads: usize,
    pub max_file_size: u64,
    pub binary: BinaryPolicy,
}

/// Which binary files (a NUL byte in the first 8 KiB) are read anyway.
#[derive(Debug, Clone, Copy)]
pub struct BinaryPolicy {
    /// `--include-binary`: all of them.
    pub include_all: bool,
    /// By path: the credential databases a later stage recognises
    /// (`key4.db`, `.mylogin.cnf`), set by the pipeline.
    pub wanted: fn(&str) -> bool,
}

impl BinaryPolicy {
    /// Whether `bytes` are skipped as binary; `path` (of the file they
    /// came from) is asked for only when they look binary.
    pub fn skips(&self, bytes: &[u8], path: impl FnOnce() -> String) -> bool {
        !self.include_all && looks_binary(bytes) && !(self.wanted)(&path())
    }
}

/// Facts about a blob that cost a read or a diff, so a source gives them
/// only when the sink asks: for the few blobs that produced something.
pub trait BlobContext {
    /// History: the commit the blob is reported at.
    fn commit(&self) -> Option<Arc<CommitInfo>> {
        None
    }
    /// Staged changes: the 1-based lines the change adds or alters, sorted;
    /// `None` when every line counts (a new file, `--whole-files`).
    fn changed_lines(&self) -> Option<Vec<usize>> {
        None
    }
}

/// A blob with nothing more to tell (files of a tree, standard input).
pub struct NoContext;

impl BlobContext for NoContext {}

/// What a sink gathers from the blobs one worker hands it; the parts are
/// merged when the workers are done.
pub trait Batch: Default + Send {
    fn merge(&mut self, other: Self);
    /// The findings so far, for a source's own last word on them (history
    /// reports a secret once, at its first commit).
    fn findings_mut(&mut self) -> &mut Vec<Finding>;
}

/// Where a source delivers the blobs it read.  Called from many threads,
/// each with a batch of its own.
pub trait BlobSink: Sync {
    type Batch: Batch;
    /// Look at one blob; returns how many findings it produced (for
    /// progress).
    fn blob(
        &self,
        batch: &mut Self::Batch,
        origin: &Origin,
        bytes: &[u8],
        context: &dyn BlobContext,
    ) -> usize;
}

/// What a source could not read, and the counters of what it did.
#[derive(Debug, Default)]
pub struct ReadLog {
    pub stats: Stats,
    pub skipped: Vec<Skip>,
    pub warnings: Vec<String>,
}

impl ReadLog {
    /// One blob read and handed to the sink: counted as scanned.
    pub fn scanned(&mut self, bytes: &[u8]) {
        self.stats.files_scanned += 1;
        self.stats.bytes_scanned += bytes.len() as u64;
    }

    pub fn skip(&mut self, origin: &Origin, reason: SkipReason) {
        self.stats.count_skip(&reason);
        self.skipped.push(Skip {
            path: origin.path.clone(),
            reason,
        });
    }

    pub fn merge(&mut self, other: ReadLog) {
        self.stats.add(&other.stats);
        self.skipped.extend(other.skipped);
        self.warnings.extend(other.warnings);
    }
}

/// A source's whole output: its log and the sink's merged batch.
pub struct Scanned<B> {
    pub log: ReadLog,
    pub batch: B,
}

/// Binary detection as git does it: a NUL byte in the first 8 KiB.
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}
