//! The git history source (`keylint history`), on libgit2 through `git2`.
//!
//! 1. Pick commits: every ref (branches, tags, remote-tracking refs, every
//!    stash entry, HEAD) or `--branch` refs, less `--since` / outside
//!    `--range`; walked oldest first (parents before children).
//! 2. Walk each commit's tree, visiting every tree once: a tree seen before
//!    holds only blobs seen before.  The first commit whose tree holds a
//!    blob is where it was introduced; each blob becomes one job.
//! 3. Scan the jobs in parallel (rayon), each worker with its own
//!    `Repository` handle, reading blobs straight from the object database;
//!    the walk hands them over in batches as it goes, so the two overlap.
//!
//! Missing objects, submodules, LFS pointers and shallow boundaries are
//! warnings or counters, never the end of the scan.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, anyhow};
use git2::{ObjectType, Oid, Repository, RepositoryOpenFlags, Sort};
use rayon::prelude::*;

use super::progress::Progress;
use super::{Batch, BinaryPolicy, BlobContext, BlobSink, ReadLog, Scanned};
use crate::model::{CommitInfo, Finding, Occurrence, Origin, SkipReason};

/// Every LFS pointer file starts with this line (spec v1).
const LFS_POINTER_PREFIX: &[u8] = b"version https://git-lfs.github.com/spec/v1";
/// Pointer files are small; anything larger is real content.
const LFS_POINTER_MAX_SIZE: usize = 1024;
const SYMLINK_MODE: i32 = 0o120000;

#[derive(Debug, Clone)]
pub struct HistoryOptions {
    pub repo: PathBuf,
    pub branches: Vec<String>,
    pub since: Option<String>,
    pub range: Option<String>,
    /// Also leave out commits reachable from these revisions, and from the
    /// refs matching these globs (`refs/remotes/origin/*`): what a push's
    /// remote already has.
    pub hide: Vec<String>,
    pub hide_globs: Vec<String>,
    pub all_occurrences: bool,
    pub threads: usize,
    pub max_file_size: u64,
    pub binary: BinaryPolicy,
    pub progress: bool,
}

/// Open the repository at or above `path` (work tree, worktree, bare).
/// A path that is not in a repository is an error (exit 2).
pub fn open_repository(path: &Path) -> Result<Repository> {
    std::fs::metadata(path).map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
    Repository::open_ext(
        path,
        RepositoryOpenFlags::empty(),
        std::iter::empty::<&OsStr>(),
    )
    .map_err(|e| {
        anyhow!(
            "{} is not a git repository (nor inside one): {}",
            path.display(),
            e.message()
        )
    })
}

/// Where to reopen the same repository from another thread: its git
/// directory, which opens the same way for work trees, linked worktrees and
/// bare repositories (also those without `core.bare`, whose parent directory
/// libgit2 would otherwise take for a work tree).
fn reopen_path(repo: &Repository) -> PathBuf {
    repo.path().to_path_buf()
}

pub fn scan_history<S: BlobSink>(sink: &S, options: &HistoryOptions) -> Result<Scanned<S::Batch>> {
    let repo = open_repository(&options.repo)?;
    // Each tree and blob is read once: libgit2's object cache would only
    // hold objects that are never asked for again.
    git2::opts::enable_caching(false);
    // Re-hashing every object read (SHA-1 with collision detection) would
    // cost more than scanning it; `git cat-file` does not verify either.
    git2::opts::strict_hash_verification(false);
    let progress = Progress::new(options.progress);
    let mut warnings = Vec::new();
    if repo.is_shallow() {
        warnings.push(
            "shallow clone: history before the shallow boundary is not in this repository \
             and was not scanned (`git fetch --unshallow` for a complete scan)"
                .to_string(),
        );
    }
    rewritten_history_warnings(&repo, &mut warnings);
    let before_walk = warnings.len();
    let commits = select_commits(&repo, options, &mut warnings)?;
    // Every warning the commit walk gives is an object it could not read.
    let mut unreadable = (warnings.len() - before_walk) as u64;
    let context = ScanContext {
        sink,
        commits: &commits,
        options,
        progress: &progress,
    };
    // The walk (this thread, which owns `repo`) feeds batches of blobs to
    // the scanning workers as it finds them, so both run at once.
    let (sender, receiver) = mpsc::sync_channel(QUEUED_BATCHES);
    let repo_path = reopen_path(&repo);
    // The workers open their own handles: if that can't work, say so now
    // rather than warn once per blob and report a clean scan.
    Repository::open(&repo_path).map_err(|e| {
        anyhow!(
            "cannot reopen {} for the scanning threads: {}",
            repo_path.display(),
            e.message()
        )
    })?;
    let (scanned, trees_walked) = std::thread::scope(|scope| {
        let scanner = scope.spawn(|| context.scan(&repo_path, receiver));
        let mut walker = TreeWalker::new(&repo, &commits, sender);
        if options.since.is_some()
            || options.range.is_some()
            || !options.hide.is_empty()
            || !options.hide_globs.is_empty()
        {
            walker.seed_boundary();
        }
        walker.walk(&progress);
        warnings.append(&mut walker.warnings);
        unreadable += walker.unreadable;
        let trees_walked = walker.trees_walked;
        drop(walker); // closes the channel: the workers finish the queue
        let scanned = scanner.join().expect("the scanning thread does not panic");
        (scanned, trees_walked)
    });
    let mut scanned = scanned?;
    progress.finish();
    let log = &mut scanned.log;
    unreadable += log.stats.skipped_unreadable;
    warnings.append(&mut log.warnings);
    if unreadable > 0 && !read_any_blob(log) {
        return Err(nothing_readable(&options.repo, &warnings));
    }
    log.warnings = warnings;
    log.stats.commits_walked = commits.len() as u64;
    log.stats.trees_walked = trees_walked;
    let findings = scanned.batch.findings_mut();
    keep_first_introduction(findings, &commits);
    if options.all_occurrences {
        add_occurrences(&repo, &commits, findings);
    }
    Ok(scanned)
}

/// Whether any blob's content was read (scanned, or skipped for what it
/// holds or its size): with damage and none, the scan saw nothing.
fn read_any_blob(log: &ReadLog) -> bool {
    let stats = &log.stats;
    stats.blobs_scanned + stats.skipped_binary + stats.lfs_pointers_skipped > 0
        || !log.skipped.is_empty()
}

/// Exit 2, naming every unreadable object: never "no secrets found".
fn nothing_readable(repo: &Path, warnings: &[String]) -> anyhow::Error {
    let mut message = format!(
        "nothing in the history of {} could be read (a damaged repository?)",
        repo.display()
    );
    for warning in warnings {
        message.push_str("\n  ");
        message.push_str(warning);
    }
    anyhow!(message)
}

/// Where the walk starts and what it leaves out, resolved to commits.
#[derive(Default)]
struct WalkBounds {
    /// (who points to it, commit): refs, stash entries, HEAD, `--branch`.
    tips: Vec<(String, Oid)>,
    /// Commits whose history is excluded (`--since`, `--range A..`, hidden).
    hidden: Vec<Oid>,
}

/// The commits to scan, parents before children.  libgit2's revwalk is
/// fast but gives up at the first unreadable commit; then (and whenever
/// grafts would make it hide commits) keylint walks the parents itself.
fn select_commits(
    repo: &Repository,
    options: &HistoryOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<Oid>> {
    let bounds = walk_bounds(repo, options, warnings)?;
    if !has_grafts(repo)
        && let Ok(commits) = revwalk(repo, &bounds)
    {
        return Ok(commits);
    }
    Ok(ParentWalk::new(repo).run(&bounds, warnings))
}

fn walk_bounds(
    repo: &Repository,
    options: &HistoryOptions,
    warnings: &mut Vec<String>,
) -> Result<WalkBounds> {
    let mut bounds = WalkBounds::default();
    if let Some(range) = &options.range {
        let (from, to) = resolve_range(repo, range)?;
        bounds.tips.push((format!("--range {range}"), to));
        bounds.hidden.extend(from);
        return Ok(bounds);
    }
    if options.branches.is_empty() {
        bounds.tips = all_ref_tips(repo, warnings)?;
    } else {
        for name in &options.branches {
            let oid = resolve_commit(repo, name, "--branch")?;
            bounds.tips.push((format!("--branch {name}"), oid));
        }
    }
    if let Some(since) = &options.since {
        bounds.hidden.push(resolve_commit(repo, since, "--since")?);
    }
    for rev in &options.hide {
        bounds
            .hidden
            .push(resolve_commit(repo, rev, "hidden revision")?);
    }
    for glob in &options.hide_globs {
        let refs = repo
            .references_glob(glob)
            .map_err(|e| anyhow!("cannot hide {glob}: {}", e.message()))?;
        // What cannot be read cannot be hidden: its commits are scanned.
        let peeled = refs
            .flatten()
            .filter_map(|r| r.peel(ObjectType::Commit).ok());
        bounds.hidden.extend(peeled.map(|commit| commit.id()));
    }
    Ok(bounds)
}

/// `A..B` (or `A...B`, whose merge base is hidden) as (hidden, tip).
fn resolve_range(repo: &Repository, range: &str) -> Result<(Vec<Oid>, Oid)> {
    let cannot = |e: git2::Error| anyhow!("cannot resolve --range {range}: {}", e.message());
    let spec = repo.revparse(range).map_err(cannot)?;
    let peel = |object: Option<&git2::Object>| -> Result<Option<Oid>> {
        object
            .map(|o| o.peel_to_commit().map(|c| c.id()).map_err(cannot))
            .transpose()
    };
    let (from, to) = (peel(spec.from())?, peel(spec.to())?);
    let (Some(from), Some(to)) = (from, to) else {
        anyhow::bail!("--range {range} is not a range (A..B)");
    };
    let mut hidden = vec![from];
    if spec.mode().contains(git2::RevparseMode::MERGE_BASE) {
        hidden = vec![repo.merge_base(from, to).map_err(cannot)?];
    }
    Ok((hidden, to))
}

fn revwalk(repo: &Repository, bounds: &WalkBounds) -> Result<Vec<Oid>, git2::Error> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    for (_, oid) in &bounds.tips {
        walk.push(*oid)?;
    }
    for oid in &bounds.hidden {
        walk.hide(*oid)?;
    }
    walk.collect()
}

fn resolve_commit(repo: &Repository, spec: &str, flag: &str) -> Result<Oid> {
    let object = repo
        .revparse_single(spec)
        .map_err(|e| anyhow!("cannot resolve {flag} {spec}: {}", e.message()))?;
    let commit = object
        .peel_to_commit()
        .map_err(|e| anyhow!("{flag} {spec} is not a commit: {}", e.message()))?;
    Ok(commit.id())
}

/// Every ref, every stash entry (older ones live only in the stash's
/// reflog) and HEAD (which may be detached).  A ref that leads to no
/// readable commit is a warning naming the ref and the object.
fn all_ref_tips(repo: &Repository, warnings: &mut Vec<String>) -> Result<Vec<(String, Oid)>> {
    let mut tips = Vec::new();
    for reference in repo.references()? {
        let reference = match reference {
            Ok(reference) => reference,
            Err(e) => {
                warnings.push(format!("cannot read a ref: {}", e.message()));
                continue;
            }
        };
        let name = String::from_utf8_lossy(reference.name_bytes()).into_owned();
        match reference.peel(ObjectType::Commit) {
            Ok(object) => tips.push((name, object.id())),
            Err(e) => {
                let target = reference
                    .resolve()
                    .ok()
                    .and_then(|r| r.target())
                    .map_or_else(|| "its target".to_string(), |oid| format!("object {oid}"));
                warnings.push(format!(
                    "cannot read {target} (ref {name} points to it): {}; \
                     what only this ref leads to was not scanned",
                    e.message()
                ));
            }
        }
    }
    if let Ok(stashes) = repo.reflog("refs/stash") {
        for (i, entry) in stashes.iter().enumerate() {
            tips.push((format!("stash@{{{i}}}"), entry.id_new()));
        }
    }
    if let Ok(head) = repo.head().and_then(|h| h.peel(ObjectType::Commit)) {
        tips.push(("HEAD".into(), head.id()));
    }
    Ok(tips)
}

/// `info/grafts` (deprecated, still honoured by git and libgit2) rewrites
/// commits' parents, which can hide history from a walk.
fn grafts_path(repo: &Repository) -> PathBuf {
    repo.commondir().join("info").join("grafts")
}

fn has_grafts(repo: &Repository) -> bool {
    std::fs::metadata(grafts_path(repo)).is_ok_and(|m| m.len() > 0)
}

/// Warnings for what makes git show a history other than the one stored:
/// grafts and replace refs.  keylint reads the objects as stored.
fn rewritten_history_warnings(repo: &Repository, warnings: &mut Vec<String>) {
    if has_grafts(repo) {
        warnings.push(format!(
            "{} rewrites commit parents for git and can hide commits from `git log`; \
             keylint ignores it and walks the parents recorded in the commits, so hidden \
             commits are scanned too",
            grafts_path(repo).display()
        ));
    }
    let Ok(replaced) = repo.references_glob("refs/replace/*") else {
        return;
    };
    for reference in replaced.flatten() {
        let name = String::from_utf8_lossy(reference.name_bytes()).into_owned();
        let target = reference
            .target()
            .map_or_else(|| "another object".to_string(), |oid| oid.to_string());
        warnings.push(format!(
            "{name}: git shows {target} in place of {}; keylint reads the objects as \
             stored and scans both",
            name.trim_start_matches("refs/replace/")
        ));
    }
}

/// The history walk that survives damage: commits read one by one (raw,
/// so grafts do not apply), parents before children, each unreadable
/// commit a warning naming it and the child or ref that points to it.
struct ParentWalk<'r> {
    odb: Option<git2::Odb<'r>>,
    /// Commits whose parents are not in a shallow clone by design.
    shallow: HashSet<Oid>,
}

/// Why a commit is visited: a ref (by name) or as a parent of a child.
enum Via<'a> {
    Ref(&'a str),
    Child(Oid),
}

impl<'r> ParentWalk<'r> {
    fn new(repo: &'r Repository) -> Self {
        let shallow = std::fs::read_to_string(repo.commondir().join("shallow"))
            .unwrap_or_default()
            .lines()
            .filter_map(|line| Oid::from_str(line.trim()).ok())
            .collect();
        ParentWalk {
            odb: repo.odb().ok(),
            shallow,
        }
    }

    fn run(&self, bounds: &WalkBounds, warnings: &mut Vec<String>) -> Vec<Oid> {
        let hidden_tips: Vec<(String, Oid)> = bounds
            .hidden
            .iter()
            .map(|oid| ("a hidden revision".to_string(), *oid))
            .collect();
        let mut hidden = HashSet::new();
        self.post_order(&hidden_tips, &mut hidden, warnings);
        self.post_order(&bounds.tips, &mut hidden, warnings)
    }

    /// Depth-first from `tips`, parents before children, skipping (and
    /// adding to) `seen`; returns the commits read, in that order.
    fn post_order(
        &self,
        tips: &[(String, Oid)],
        seen: &mut HashSet<Oid>,
        warnings: &mut Vec<String>,
    ) -> Vec<Oid> {
        let mut order = Vec::new();
        for (name, tip) in tips {
            // (commit, who pointed to it, parents pushed yet?)
            let mut stack = vec![(*tip, Via::Ref(name), false)];
            while let Some((oid, via, expanded)) = stack.pop() {
                if expanded {
                    order.push(oid);
                    continue;
                }
                if !seen.insert(oid) {
                    continue;
                }
                let parents = match self.parents(oid) {
                    Ok(parents) => parents,
                    Err(error) => {
                        warnings.push(unreadable_commit(oid, &via, &error));
                        continue;
                    }
                };
                stack.push((oid, via, true));
                // Reversed: the first parent's history comes out first.
                for parent in parents.into_iter().rev() {
                    if !seen.contains(&parent) {
                        stack.push((parent, Via::Child(oid), false));
                    }
                }
            }
        }
        order
    }

    /// The parents recorded in the commit object itself.
    fn parents(&self, oid: Oid) -> Result<Vec<Oid>, String> {
        let odb = self.odb.as_ref().ok_or("cannot open the object database")?;
        let object = odb.read(oid).map_err(|e| e.message().to_string())?;
        if object.kind() != ObjectType::Commit {
            return Err(format!("it is a {}, not a commit", object.kind()));
        }
        if self.shallow.contains(&oid) {
            return Ok(Vec::new());
        }
        commit_parents(object.data()).ok_or_else(|| "malformed commit".to_string())
    }
}

fn unreadable_commit(oid: Oid, via: &Via, error: &str) -> String {
    let who = match via {
        Via::Ref(name) => format!("{name} points to it"),
        Via::Child(child) => format!("parent of commit {child}"),
    };
    format!(
        "cannot read commit {oid} ({who}): {error}; it and the history only it leads to \
         were not scanned"
    )
}

/// The `parent` lines of a raw commit (they follow the `tree` line).
fn commit_parents(data: &[u8]) -> Option<Vec<Oid>> {
    let mut lines = data.split(|&b| b == b'\n');
    lines.next()?.strip_prefix(b"tree ")?;
    let mut parents = Vec::new();
    for line in lines {
        let Some(hex) = line.strip_prefix(b"parent ") else {
            break;
        };
        parents.push(Oid::from_str(std::str::from_utf8(hex).ok()?).ok()?);
    }
    Some(parents)
}

/// Blobs per batch sent from the walk to the workers, and batches queued.
const BATCH: usize = 256;
const QUEUED_BATCHES: usize = 64;

/// One blob to scan, at the commit and path where it first appears.
struct BlobJob {
    oid: Oid,
    path: Box<str>,
    /// Index into the walked commits.
    commit: u32,
}

/// Finds each distinct blob once, walking each distinct tree once.
struct TreeWalker<'r> {
    repo: &'r Repository,
    commits: &'r [Oid],
    seen_trees: HashSet<Oid>,
    seen_blobs: HashSet<Oid>,
    submodules: HashSet<String>,
    /// The batch being filled, and where full batches go.
    jobs: Vec<BlobJob>,
    sink: SyncSender<Vec<BlobJob>>,
    found: usize,
    warnings: Vec<String>,
    /// Commits and trees that could not be read.
    unreadable: u64,
    trees_walked: u64,
}

impl<'r> TreeWalker<'r> {
    fn new(repo: &'r Repository, commits: &'r [Oid], sink: SyncSender<Vec<BlobJob>>) -> Self {
        TreeWalker {
            repo,
            commits,
            seen_trees: HashSet::new(),
            seen_blobs: HashSet::new(),
            submodules: HashSet::new(),
            jobs: Vec::with_capacity(BATCH),
            sink,
            found: 0,
            warnings: Vec::new(),
            unreadable: 0,
            trees_walked: 0,
        }
    }

    fn push(&mut self, job: BlobJob) {
        self.found += 1;
        self.jobs.push(job);
        if self.jobs.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let batch = std::mem::replace(&mut self.jobs, Vec::with_capacity(BATCH));
        // The workers only hang up early if they died; join() reports that.
        let _ = self.sink.send(batch);
    }

    fn walk(&mut self, progress: &Progress) {
        for index in 0..self.commits.len() {
            let oid = self.commits[index];
            match self.repo.find_commit(oid) {
                Ok(commit) => self.tree(commit.tree_id(), "", index as u32, true),
                Err(e) => {
                    self.unreadable += 1;
                    self.warnings
                        .push(format!("cannot read commit {oid}: {}", e.message()))
                }
            }
            progress.commit_walked(self.found);
        }
        self.flush();
        progress.walk_done(self.found);
    }

    /// With `--since` / `--range`: mark everything in the excluded parents'
    /// trees as seen, so a new commit reports only what it added.
    fn seed_boundary(&mut self) {
        let walked: HashSet<Oid> = self.commits.iter().copied().collect();
        let mut boundary = Vec::new();
        for &oid in self.commits {
            if let Ok(commit) = self.repo.find_commit(oid) {
                boundary.extend(commit.parent_ids().filter(|p| !walked.contains(p)));
            }
        }
        for parent in boundary {
            if let Ok(commit) = self.repo.find_commit(parent) {
                self.tree(commit.tree_id(), "", 0, false);
            }
        }
    }

    /// Visit a tree not seen before; `record` false only marks it seen.
    fn tree(&mut self, oid: Oid, path: &str, commit: u32, record: bool) {
        if !self.seen_trees.insert(oid) {
            return;
        }
        let tree = match self.repo.find_tree(oid) {
            Ok(tree) => tree,
            Err(e) => {
                self.missing("tree", oid, path, commit, record, e);
                return;
            }
        };
        self.trees_walked += u64::from(record);
        for entry in tree.iter() {
            let join = || {
                let name = String::from_utf8_lossy(entry.name_bytes());
                if path.is_empty() {
                    name.into_owned()
                } else {
                    format!("{path}/{name}")
                }
            };
            match entry.kind() {
                Some(ObjectType::Tree) if !self.seen_trees.contains(&entry.id()) => {
                    self.tree(entry.id(), &join(), commit, record)
                }
                // Marked seen even when not recorded (boundary seeding).
                Some(ObjectType::Blob)
                    if entry.filemode() != SYMLINK_MODE
                        && self.seen_blobs.insert(entry.id())
                        && record =>
                {
                    self.push(BlobJob {
                        oid: entry.id(),
                        path: join().into(),
                        commit,
                    });
                }
                Some(ObjectType::Commit) if record => self.submodule(join(), entry.id(), commit),
                _ => {}
            }
        }
    }

    fn submodule(&mut self, path: String, target: Oid, commit: u32) {
        if self.submodules.insert(path.clone()) {
            self.warnings.push(format!(
                "submodule {path} (at {target}, first seen in commit {}) is not scanned: \
                 keylint does not descend into submodules; scan its repository separately",
                self.commits[commit as usize]
            ));
        }
    }

    fn missing(
        &mut self,
        what: &str,
        oid: Oid,
        path: &str,
        commit: u32,
        record: bool,
        e: git2::Error,
    ) {
        if !record {
            return;
        }
        self.unreadable += 1;
        let shown = if path.is_empty() { "/" } else { path };
        self.warnings.push(format!(
            "cannot read {what} {oid} ({shown} in commit {}): {}; its contents were not scanned",
            self.commits[commit as usize],
            e.message()
        ));
    }
}

/// Repository handles for the worker threads: each job borrows one, so no
/// two threads ever share a handle (libgit2 handles are not thread-safe).
struct HandlePool {
    path: PathBuf,
    free: Mutex<Vec<Repository>>,
}

impl HandlePool {
    fn with<T>(&self, f: impl FnOnce(&Repository) -> T) -> Result<T, git2::Error> {
        let taken = self.free.lock().unwrap().pop();
        let repo = match taken {
            Some(repo) => repo,
            None => Repository::open(&self.path)?,
        };
        let value = f(&repo);
        self.free.lock().unwrap().push(repo);
        Ok(value)
    }
}

/// What every worker reads.
struct ScanContext<'a, S> {
    sink: &'a S,
    commits: &'a [Oid],
    options: &'a HistoryOptions,
    progress: &'a Progress,
}

impl<S: BlobSink> ScanContext<'_, S> {
    fn scan(&self, repo_path: &Path, batches: Receiver<Vec<BlobJob>>) -> Result<Scanned<S::Batch>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.options.threads.max(1))
            .build()
            .context("cannot start worker threads")?;
        let handles = HandlePool {
            path: repo_path.to_path_buf(),
            free: Mutex::new(Vec::new()),
        };
        let empty = || Scanned {
            log: ReadLog::default(),
            batch: S::Batch::default(),
        };
        let result = pool.install(|| {
            batches
                .into_iter()
                .par_bridge()
                .fold(empty, |mut acc, batch| {
                    let scanned = handles.with(|repo| {
                        for job in &batch {
                            self.scan_blob(repo, job, &mut acc);
                        }
                    });
                    if let Err(e) = scanned {
                        acc.log
                            .warnings
                            .push(format!("cannot open the repository: {}", e.message()));
                    }
                    acc
                })
                .reduce(empty, |mut a, b| {
                    a.log.merge(b.log);
                    a.batch.merge(b.batch);
                    a
                })
        });
        Ok(result)
    }

    fn scan_blob(&self, repo: &Repository, job: &BlobJob, acc: &mut Scanned<S::Batch>) {
        let origin = Origin {
            path: job.path.to_string(),
            root_relative: job.path.to_string(),
            commit: None,
        };
        let (size, new_findings) = self.read_and_scan(repo, job, &origin, acc);
        self.progress.blob_scanned(size, new_findings);
    }

    /// Read one blob and hand it to the sink; returns its size and how
    /// many findings it produced.
    fn read_and_scan(
        &self,
        repo: &Repository,
        job: &BlobJob,
        origin: &Origin,
        acc: &mut Scanned<S::Batch>,
    ) -> (u64, usize) {
        let log = &mut acc.log;
        let read = |e: git2::Error| {
            format!(
                "cannot read blob {} ({} in commit {}): {}; not scanned",
                job.oid,
                job.path,
                self.commits[job.commit as usize],
                e.message()
            )
        };
        let odb = match repo.odb() {
            Ok(odb) => odb,
            Err(e) => return (unreadable(log, read(e)), 0),
        };
        match odb.read_header(job.oid) {
            Ok((size, _)) if size as u64 > self.options.max_file_size => {
                let (size, limit) = (size as u64, self.options.max_file_size);
                log.skip(origin, SkipReason::TooLarge { size, limit });
                return (0, 0);
            }
            Ok(_) => {}
            Err(e) => return (unreadable(log, read(e)), 0),
        }
        let object = match odb.read(job.oid) {
            Ok(object) => object,
            Err(e) => return (unreadable(log, read(e)), 0),
        };
        // UTF-16 text (PowerShell's files) is scanned as UTF-8, as in `scan`.
        let bytes = &*super::text::decoded(object.data());
        let mut found = 0;
        if bytes.len() <= LFS_POINTER_MAX_SIZE && bytes.starts_with(LFS_POINTER_PREFIX) {
            log.stats.lfs_pointers_skipped += 1;
        } else if self.options.binary.skips(bytes, || job.path.to_string()) {
            // Counted, not listed: a history holds thousands of images.
            log.stats.skipped_binary += 1;
        } else {
            log.stats.blobs_scanned += 1;
            log.scanned(bytes);
            let context = HistoryBlob {
                repo,
                commit: self.commits[job.commit as usize],
                blob: job.oid,
            };
            found = self.sink.blob(&mut acc.batch, origin, bytes, &context);
        }
        (bytes.len() as u64, found)
    }
}

/// A history blob: the commit it is reported at is read only when the
/// sink asks (for the few blobs with findings).
struct HistoryBlob<'r> {
    repo: &'r Repository,
    commit: Oid,
    blob: Oid,
}

impl BlobContext for HistoryBlob<'_> {
    fn commit(&self) -> Option<Arc<CommitInfo>> {
        Some(commit_info(self.repo, self.commit, self.blob))
    }
}

/// A secret that stays in a file while other lines change lives in many
/// blobs: report it once per path, at the oldest commit that has it.
fn keep_first_introduction(findings: &mut Vec<Finding>, commits: &[Oid]) {
    let order: HashMap<Oid, usize> = commits.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let rank = |f: &Finding| {
        f.origin
            .commit
            .as_ref()
            .and_then(|c| Oid::from_str(&c.id).ok())
            .and_then(|oid| order.get(&oid).copied())
            .unwrap_or(usize::MAX)
    };
    findings.sort_by_cached_key(|f| {
        let key = (
            f.rule.id.clone(),
            f.fingerprint.clone(),
            f.origin.path.clone(),
        );
        (key, rank(f), f.start)
    });
    findings.dedup_by(|later, first| {
        later.rule.id == first.rule.id
            && later.fingerprint == first.fingerprint
            && later.origin.path == first.origin.path
    });
}

fn unreadable(log: &mut ReadLog, warning: String) -> u64 {
    log.stats.skipped_unreadable += 1;
    log.warnings.push(warning);
    0
}

fn commit_info(repo: &Repository, oid: Oid, blob: Oid) -> Arc<CommitInfo> {
    let mut info = CommitInfo {
        id: oid.to_string(),
        blob: blob.to_string(),
        ..CommitInfo::default()
    };
    if let Ok(commit) = repo.find_commit(oid) {
        let author = commit.author();
        info.author_name = String::from_utf8_lossy(author.name_bytes()).into_owned();
        info.author_email = String::from_utf8_lossy(author.email_bytes()).into_owned();
        info.date = rfc3339(commit.time());
    }
    Arc::new(info)
}

/// `git2::Time` (seconds since the epoch, offset in minutes) as RFC 3339
/// in the offset the committer recorded.
pub fn rfc3339(time: git2::Time) -> String {
    let offset = i64::from(time.offset_minutes());
    let local = time.seconds() + offset * 60;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        offset.abs() / 60,
        offset.abs() % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian
/// calendar (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `--all-occurrences`: for each blob with a finding, every other commit
/// and path that carries it.  A second walk, memoised per tree, so each
/// distinct tree is read once more at most.
fn add_occurrences(repo: &Repository, commits: &[Oid], findings: &mut [Finding]) {
    let targets: HashSet<Oid> = findings
        .iter()
        .filter_map(|f| f.origin.commit.as_ref())
        .filter_map(|c| Oid::from_str(&c.blob).ok())
        .collect();
    let mut finder = OccurrenceFinder {
        repo,
        targets: &targets,
        memo: HashMap::new(),
    };
    let mut places: HashMap<Oid, Vec<Occurrence>> = HashMap::new();
    for &oid in commits {
        let Ok(commit) = repo.find_commit(oid) else {
            continue;
        };
        for (blob, path) in finder.hits(commit.tree_id()).iter() {
            places.entry(*blob).or_default().push(Occurrence {
                commit: oid.to_string(),
                path: path.clone(),
            });
        }
    }
    let mut updated: HashMap<String, Arc<CommitInfo>> = HashMap::new();
    for finding in findings.iter_mut() {
        let Some(info) = &finding.origin.commit else {
            continue;
        };
        let info = updated.entry(info.blob.clone()).or_insert_with(|| {
            let blob = Oid::from_str(&info.blob).unwrap_or(Oid::ZERO_SHA1);
            let others = places.get(&blob).map(Vec::as_slice).unwrap_or_default();
            Arc::new(CommitInfo {
                occurrences: Some(
                    others
                        .iter()
                        .filter(|o| !(o.commit == info.id && o.path == finding.origin.path))
                        .cloned()
                        .collect(),
                ),
                ..(**info).clone()
            })
        });
        finding.origin.commit = Some(info.clone());
    }
}

type Hits = Rc<Vec<(Oid, String)>>;

struct OccurrenceFinder<'a> {
    repo: &'a Repository,
    targets: &'a HashSet<Oid>,
    memo: HashMap<Oid, Hits>,
}

impl OccurrenceFinder<'_> {
    /// (blob, path) of every target blob under `tree`.
    fn hits(&mut self, tree: Oid) -> Hits {
        if let Some(hits) = self.memo.get(&tree) {
            return hits.clone();
        }
        let mut out = Vec::new();
        if let Ok(object) = self.repo.find_tree(tree) {
            for entry in object.iter() {
                let name = || String::from_utf8_lossy(entry.name_bytes()).into_owned();
                match entry.kind() {
                    Some(ObjectType::Blob) if self.targets.contains(&entry.id()) => {
                        out.push((entry.id(), name()))
                    }
                    Some(ObjectType::Tree) => {
                        let below = self.hits(entry.id());
                        let prefix = name();
                        out.extend(below.iter().map(|(b, p)| (*b, format!("{prefix}/{p}"))));
                    }
                    _ => {}
                }
            }
        }
        let hits = Rc::new(out);
        self.memo.insert(tree, hits.clone());
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(git2::Time::new(0, 0)), "1970-01-01T00:00:00+00:00");
        assert_eq!(
            rfc3339(git2::Time::new(1_700_000_000, 120)),
            "2023-11-15T00:13:20+02:00"
        );
        assert_eq!(
            rfc3339(git2::Time::new(951_782_400, -300)),
            "2000-02-28T19:00:00-05:00"
        );
    }
}
