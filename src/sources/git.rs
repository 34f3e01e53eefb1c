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
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use git2::{ObjectType, Oid, Repository, RepositoryOpenFlags, Revwalk, Sort};
use rayon::prelude::*;

use super::fs::SkipReason;
use super::{CommitInfo, Occurrence, Origin, looks_binary};
use crate::engine::Engine;
use crate::finding::Finding;
use crate::progress::Progress;
use crate::scan::ScanResult;

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
    pub include_binary: bool,
    pub progress: bool,
    /// Record every allow marker seen (for `--report-unused`).
    pub collect_markers: bool,
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

pub fn scan_history(engine: &Engine, options: &HistoryOptions) -> Result<ScanResult> {
    let started = Instant::now();
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
    let commits = select_commits(&repo, options, &mut warnings)?;
    let context = ScanContext {
        engine,
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
        let trees_walked = walker.trees_walked;
        drop(walker); // closes the channel: the workers finish the queue
        let scanned = scanner.join().expect("the scanning thread does not panic");
        (scanned, trees_walked)
    });
    let mut result = scanned?;
    progress.finish();
    keep_first_introduction(&mut result.findings, &commits);
    if options.all_occurrences {
        add_occurrences(&repo, &commits, &mut result);
    }
    warnings.append(&mut result.warnings);
    result.warnings = warnings;
    result.stats.commits_walked = commits.len() as u64;
    result.stats.trees_walked = trees_walked;
    result.sort();
    result.elapsed = started.elapsed();
    Ok(result)
}

/// The commits to scan, parents before children.
fn select_commits(
    repo: &Repository,
    options: &HistoryOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<Oid>> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    if let Some(range) = &options.range {
        walk.push_range(range)
            .map_err(|e| anyhow!("cannot resolve --range {range}: {}", e.message()))?;
    } else {
        if options.branches.is_empty() {
            push_all_refs(repo, &mut walk, warnings)?;
        } else {
            for name in &options.branches {
                walk.push(resolve_commit(repo, name, "--branch")?)?;
            }
        }
        if let Some(since) = &options.since {
            walk.hide(resolve_commit(repo, since, "--since")?)?;
        }
        for rev in &options.hide {
            walk.hide(resolve_commit(repo, rev, "hidden revision")?)?;
        }
        for glob in &options.hide_globs {
            walk.hide_glob(glob)
                .map_err(|e| anyhow!("cannot hide {glob}: {}", e.message()))?;
        }
    }
    let mut commits = Vec::new();
    for item in walk {
        match item {
            Ok(oid) => commits.push(oid),
            Err(e) => {
                warnings.push(format!("history walk stopped early: {}", e.message()));
                break;
            }
        }
    }
    Ok(commits)
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
/// reflog) and HEAD (which may be detached).
fn push_all_refs(repo: &Repository, walk: &mut Revwalk, warnings: &mut Vec<String>) -> Result<()> {
    let mut starts = Vec::new();
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
            Ok(object) => starts.push((name, object.id())),
            Err(e) => warnings.push(format!(
                "ref {name} does not lead to a readable commit; not scanned: {}",
                e.message()
            )),
        }
    }
    if let Ok(stashes) = repo.reflog("refs/stash") {
        for (i, entry) in stashes.iter().enumerate() {
            starts.push((format!("stash@{{{i}}}"), entry.id_new()));
        }
    }
    if let Ok(head) = repo.head().and_then(|h| h.peel(ObjectType::Commit)) {
        starts.push(("HEAD".into(), head.id()));
    }
    for (name, oid) in starts {
        if let Err(e) = walk.push(oid) {
            warnings.push(format!("cannot walk {name} ({oid}): {}", e.message()));
        }
    }
    Ok(())
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
                Err(e) => self
                    .warnings
                    .push(format!("cannot read commit {oid}: {}", e.message())),
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
struct ScanContext<'a> {
    engine: &'a Engine,
    commits: &'a [Oid],
    options: &'a HistoryOptions,
    progress: &'a Progress,
}

impl ScanContext<'_> {
    fn scan(&self, repo_path: &Path, batches: Receiver<Vec<BlobJob>>) -> Result<ScanResult> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.options.threads.max(1))
            .build()
            .context("cannot start worker threads")?;
        let handles = HandlePool {
            path: repo_path.to_path_buf(),
            free: Mutex::new(Vec::new()),
        };
        let result = pool.install(|| {
            batches
                .into_iter()
                .par_bridge()
                .fold(self.empty_result(), |mut acc, batch| {
                    let scanned = handles.with(|repo| {
                        for job in &batch {
                            self.scan_blob(repo, job, &mut acc);
                        }
                    });
                    if let Err(e) = scanned {
                        acc.warnings
                            .push(format!("cannot open the repository: {}", e.message()));
                    }
                    acc
                })
                .reduce(ScanResult::default, |mut a, b| {
                    a.merge(b);
                    a
                })
        });
        Ok(result)
    }

    fn empty_result(&self) -> impl Fn() -> ScanResult + Sync + Send {
        let collect_markers = self.options.collect_markers;
        move || ScanResult {
            collect_markers,
            ..ScanResult::default()
        }
    }

    fn scan_blob(&self, repo: &Repository, job: &BlobJob, acc: &mut ScanResult) {
        let origin = Origin {
            path: job.path.to_string(),
            root_relative: job.path.to_string(),
            commit: None,
        };
        let before = (
            acc.findings.len(),
            acc.identifiers.len(),
            acc.project_facts.len(),
        );
        let size = self.read_and_scan(repo, job, &origin, acc);
        let new_findings = acc.findings.len() - before.0;
        let new_facts = acc.project_facts.len() - before.2;
        if new_findings + (acc.identifiers.len() - before.1) + new_facts > 0 {
            let info = commit_info(repo, self.commits[job.commit as usize], job.oid);
            let fresh = acc.findings[before.0..]
                .iter_mut()
                .chain(acc.identifiers[before.1..].iter_mut());
            for finding in fresh {
                finding.origin.commit = Some(info.clone());
            }
            for facts in &mut acc.project_facts[before.2..] {
                facts.attach_commit(&info);
            }
        }
        self.progress.blob_scanned(size, new_findings);
    }

    /// Read one blob and run the engine on it; returns its size.
    fn read_and_scan(
        &self,
        repo: &Repository,
        job: &BlobJob,
        origin: &Origin,
        acc: &mut ScanResult,
    ) -> u64 {
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
            Err(e) => return unreadable(acc, read(e)),
        };
        match odb.read_header(job.oid) {
            Ok((size, _)) if size as u64 > self.options.max_file_size => {
                let (size, limit) = (size as u64, self.options.max_file_size);
                acc.add_skip(origin, SkipReason::TooLarge { size, limit });
                return 0;
            }
            Ok(_) => {}
            Err(e) => return unreadable(acc, read(e)),
        }
        let object = match odb.read(job.oid) {
            Ok(object) => object,
            Err(e) => return unreadable(acc, read(e)),
        };
        let bytes = object.data();
        if bytes.len() <= LFS_POINTER_MAX_SIZE && bytes.starts_with(LFS_POINTER_PREFIX) {
            acc.stats.lfs_pointers_skipped += 1;
        } else if !self.options.include_binary && looks_binary(bytes) {
            // Counted, not listed: a history holds thousands of images.
            acc.stats.skipped_binary += 1;
        } else {
            acc.stats.blobs_scanned += 1;
            acc.add_blob(self.engine, origin, bytes);
        }
        bytes.len() as u64
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

fn unreadable(acc: &mut ScanResult, warning: String) -> u64 {
    acc.stats.skipped_unreadable += 1;
    acc.warnings.push(warning);
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
fn add_occurrences(repo: &Repository, commits: &[Oid], result: &mut ScanResult) {
    let targets: HashSet<Oid> = result
        .findings
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
    for finding in &mut result.findings {
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
