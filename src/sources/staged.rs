//! The staged source (`keylint scan --staged`): the blobs in the git index
//! that differ from HEAD, i.e. what `git commit` would record, never the
//! working-tree files.  Only findings on lines the commit adds or changes
//! are kept (`--whole-files` keeps all), so an old secret elsewhere in a
//! touched file does not block an unrelated commit.
//!
//! Cost follows the staged change: the index's cache-tree says which
//! directories still match HEAD, so only the touched directories' trees
//! are read and compared entry by entry (ids only), then only the changed
//! blobs and their HEAD versions.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use git2::{DiffOptions, ObjectType, Oid, Patch, Repository, Tree};

use super::git::open_repository;
use super::git_index::{self, CacheTree, IndexEntry, IndexFile};
use super::{Batch, BinaryPolicy, BlobContext, BlobSink, ReadLog, Scanned};
use crate::model::{Origin, SkipReason};

#[derive(Debug, Clone)]
pub struct StagedOptions {
    /// The repository (or a directory inside its work tree).
    pub repo: PathBuf,
    pub whole_files: bool,
    pub max_file_size: u64,
    pub binary: BinaryPolicy,
}

/// One staged file: its index blob and the HEAD blob it replaces (if any).
struct StagedFile {
    path: String,
    new: Oid,
    old: Option<Oid>,
}

pub fn scan_staged<S: BlobSink>(sink: &S, options: &StagedOptions) -> Result<Scanned<S::Batch>> {
    let repo = open_repository(&options.repo)?;
    if repo.is_bare() {
        return Err(anyhow!(
            "{} is a bare repository: it has no index to scan (use `keylint history`)",
            options.repo.display()
        ));
    }
    // Objects read here come from git itself; re-hashing them is waste.
    git2::opts::strict_hash_verification(false);
    let mut scanned = Scanned {
        log: ReadLog::default(),
        batch: S::Batch::default(),
    };
    for file in staged_files(&repo)? {
        scan_file(&repo, sink, options, &file, &mut scanned);
    }
    Ok(scanned)
}

/// Whether the repository at `path` has no commit yet (an unborn HEAD):
/// then everything in the index is new, and `git restore --staged` fails.
pub fn before_first_commit(path: &Path) -> bool {
    open_repository(path).is_ok_and(|repo| {
        repo.head().is_err_and(|e| {
            matches!(
                e.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            )
        })
    })
}

/// Paths whose index blob differs from HEAD's (exact renames paired with
/// their source, so moving a file does not count as adding its lines).
fn staged_files(repo: &Repository) -> Result<Vec<StagedFile>> {
    let head_tree = match repo.head() {
        Ok(head) => Some(head.peel_to_tree()?),
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch => None,
        Err(e) if e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(anyhow!("cannot read HEAD: {}", e.message())),
    };
    let index_path = index_path(repo);
    // No fallback: libgit2 reads neither split nor sparse indexes, and
    // keylint never runs `git`, which would run programs the scanned
    // repository's config names (`core.fsmonitor`) and write into `.git`.
    let index = git_index::read(&index_path, repo.path())?;
    Ok(IndexDiff::new(repo, &index).run(head_tree.as_ref()))
}

/// The index `git commit` will record: a hook run by `git commit -a` or
/// `git commit PATH` gets a temporary one in `GIT_INDEX_FILE`.
fn index_path(repo: &Repository) -> PathBuf {
    match std::env::var_os("GIT_INDEX_FILE") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => repo.path().join("index"),
    }
}

/// Index vs HEAD, directory by directory, skipping every directory whose
/// cache-tree id still equals HEAD's: only what `git add` touched is read.
struct IndexDiff<'a> {
    repo: &'a Repository,
    index: &'a IndexFile,
    files: Vec<StagedFile>,
    /// Blobs at HEAD paths gone from the index (rename sources).
    deleted: HashSet<Oid>,
}

impl<'a> IndexDiff<'a> {
    fn new(repo: &'a Repository, index: &'a IndexFile) -> Self {
        IndexDiff {
            repo,
            index,
            files: Vec::new(),
            deleted: HashSet::new(),
        }
    }

    fn run(mut self, head: Option<&Tree>) -> Vec<StagedFile> {
        let index = self.index;
        self.dir(0, &index.entries, head, index.cache_tree.as_ref());
        for file in &mut self.files {
            if file.old.is_none() && self.deleted.contains(&file.new) {
                file.old = Some(file.new);
            }
        }
        self.files
    }

    /// `entries`: the index entries under one directory, whose path prefix
    /// (with its `/`) is `prefix` bytes long.
    fn dir(
        &mut self,
        prefix: usize,
        entries: &'a [IndexEntry],
        head: Option<&Tree>,
        cache: Option<&CacheTree>,
    ) {
        if let (Some(cache), Some(head)) = (cache, head)
            && cache.oid == Some(head.id())
        {
            return;
        }
        let mut present: HashSet<&[u8]> = HashSet::new();
        let mut i = 0;
        while i < entries.len() {
            let path = self.index.path(&entries[i]);
            let rest = &path[prefix..];
            let Some(slash) = memchr::memchr(b'/', rest) else {
                self.file(path, rest, &entries[i], head);
                present.insert(rest);
                i += 1;
                continue;
            };
            let name = &rest[..slash];
            let group = &path[..prefix + slash + 1];
            let len = entries[i..]
                .iter()
                .position(|e| !self.index.path(e).starts_with(group))
                .unwrap_or(entries.len() - i);
            let sub_cache = cache.and_then(|c| c.child(name));
            let before = head
                .and_then(|h| h.get_name_bytes(name))
                .filter(|e| e.kind() == Some(ObjectType::Tree));
            // Unchanged since HEAD: skip it without reading its tree.
            let unchanged = before
                .as_ref()
                .is_some_and(|e| sub_cache.is_some_and(|c| c.oid == Some(e.id())));
            if !unchanged {
                let sub_head = before.and_then(|e| self.repo.find_tree(e.id()).ok());
                let sub_entries = &entries[i..i + len];
                self.dir(
                    prefix + slash + 1,
                    sub_entries,
                    sub_head.as_ref(),
                    sub_cache,
                );
            }
            present.insert(name);
            i += len;
        }
        if let Some(head) = head {
            for entry in head.iter() {
                if !present.contains(entry.name_bytes()) {
                    self.collect_deleted(entry.id(), entry.kind());
                }
            }
        }
    }

    fn file(&mut self, path: &[u8], name: &[u8], entry: &IndexEntry, head: Option<&Tree>) {
        let regular = matches!(entry.mode, 0o100644 | 0o100755);
        if entry.stage != 0 || entry.intent_to_add || !regular {
            return;
        }
        let before = head.and_then(|h| h.get_name_bytes(name));
        if before.as_ref().is_some_and(|b| b.id() == entry.oid) {
            return;
        }
        self.files.push(StagedFile {
            path: String::from_utf8_lossy(path).into_owned(),
            new: entry.oid,
            old: before
                .filter(|b| b.kind() == Some(ObjectType::Blob))
                .map(|b| b.id()),
        });
    }

    fn collect_deleted(&mut self, oid: Oid, kind: Option<ObjectType>) {
        match kind {
            Some(ObjectType::Blob) => {
                self.deleted.insert(oid);
            }
            Some(ObjectType::Tree) => {
                if let Ok(tree) = self.repo.find_tree(oid) {
                    for entry in tree.iter() {
                        self.collect_deleted(entry.id(), entry.kind());
                    }
                }
            }
            _ => {}
        }
    }
}

fn scan_file<S: BlobSink>(
    repo: &Repository,
    sink: &S,
    options: &StagedOptions,
    file: &StagedFile,
    scanned: &mut Scanned<S::Batch>,
) {
    let origin = Origin {
        path: file.path.clone(),
        root_relative: file.path.clone(),
        commit: None,
    };
    let log = &mut scanned.log;
    let blob = match repo.find_blob(file.new) {
        Ok(blob) => blob,
        Err(e) => {
            log.skip(&origin, SkipReason::Unreadable(e.message().to_string()));
            return;
        }
    };
    let decoded = super::text::decoded(blob.content());
    // A transcoded (UTF-16) file's lines can't be matched with git's diff
    // of its raw bytes: all its secrets are reported.
    let transcoded = matches!(decoded, std::borrow::Cow::Owned(_));
    let bytes = &*decoded;
    if bytes.len() as u64 > options.max_file_size {
        let (size, limit) = (bytes.len() as u64, options.max_file_size);
        log.skip(&origin, SkipReason::TooLarge { size, limit });
        return;
    }
    if options.binary.skips(bytes, || file.path.clone()) {
        log.skip(&origin, SkipReason::Binary);
        return;
    }
    log.scanned(bytes);
    let context = StagedContext {
        repo,
        blob: &blob,
        old: file.old.filter(|_| !options.whole_files && !transcoded),
    };
    let mut local = S::Batch::default();
    sink.blob(&mut local, &origin, bytes, &context);
    scanned.batch.merge(local);
}

/// A staged blob's changed lines, from a diff against the HEAD blob it
/// replaces (`old`; `None` when every line counts).
struct StagedContext<'r> {
    repo: &'r Repository,
    blob: &'r git2::Blob<'r>,
    old: Option<Oid>,
}

impl BlobContext for StagedContext<'_> {
    fn changed_lines(&self) -> Option<Vec<usize>> {
        self.old.map(|old| added_lines(self.repo, old, self.blob))
    }
}

/// Line numbers (1-based, sorted) in `new` that are not in the HEAD blob
/// `old`: the lines this commit adds or changes.  If the old blob can't be
/// read, every line counts as added.
fn added_lines(repo: &Repository, old: Oid, new: &git2::Blob) -> Vec<usize> {
    let everything = || (1..=new.content().split(|&b| b == b'\n').count()).collect();
    let Ok(old_blob) = repo.find_blob(old) else {
        return everything();
    };
    let mut diff_options = DiffOptions::new();
    diff_options.context_lines(0).force_text(true);
    // Buffers, not blobs: a blob patch looks up diff drivers in
    // .gitattributes, which makes libgit2 load the whole index.
    let patch = Patch::from_buffers(
        old_blob.content(),
        None,
        new.content(),
        None,
        Some(&mut diff_options),
    );
    let Ok(patch) = patch else {
        return everything();
    };
    let mut lines = Vec::new();
    for hunk in 0..patch.num_hunks() {
        let count = patch.num_lines_in_hunk(hunk).unwrap_or(0);
        for index in 0..count {
            if let Ok(line) = patch.line_in_hunk(hunk, index)
                && line.origin() == '+'
                && let Some(number) = line.new_lineno()
            {
                lines.push(number as usize);
            }
        }
    }
    lines.sort_unstable();
    lines
}
