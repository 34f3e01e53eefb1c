//! The working-tree source: the `ignore` crate's parallel walker, honouring
//! `.gitignore` / `.ignore` / `.git/info/exclude` but including hidden files
//! (`.env` and `.npmrc` are where keys live) and never entering `.git/`.
//!
//! The user's *global* gitignore is deliberately not honoured: many people
//! list `.env` there, which would hide exactly the files a scanner must read.
//! Ignore files exclude only *untracked* files, as in git: a file a git index
//! tracks is scanned whatever `.gitignore` says (it is committed, so leaked).
//!
//! Nothing is skipped silently: symlinks not followed, FIFOs, sockets,
//! devices and kernel pseudo-filesystems (`/proc`, `/sys`) are skipped and
//! counted; reading itself is bounded and never blocks (`read.rs`).

use std::collections::HashSet;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, anyhow, bail};
use ignore::{DirEntry, WalkBuilder, WalkState};

use super::read::{self, FileRead, is_inherited_stream, pseudo_filesystem, special_kind};
use super::{Origin, git_index};

#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub follow_symlinks: bool,
    pub respect_ignore_files: bool,
    /// Do not descend into directories on another file system than their
    /// root's (`--one-file-system`).
    pub one_file_system: bool,
    pub threads: usize,
    pub max_file_size: u64,
    pub include_binary: bool,
}

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

/// What the walker hands to the scan for each path it meets.
pub enum WalkEvent {
    File {
        origin: Origin,
        data: Vec<u8>,
    },
    Skipped {
        origin: Origin,
        reason: SkipReason,
    },
    /// A problem that is not about one file's content (a symlink loop, an
    /// unreadable directory, a file that changed while read): reported as
    /// a warning, the walk goes on.
    Warning(String),
}

/// A path from the command line, checked before anything is read.
#[derive(Debug, Clone)]
pub struct RootPath {
    path: PathBuf,
    kind: RootKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RootKind {
    Dir,
    File,
    /// A pipe handed over as a path (`/dev/fd/63` from `<(cmd)`): read like
    /// standard input.
    Stream,
}

/// One directory or file root, with what SARIF URIs are relative to.
struct Root {
    path: PathBuf,
    /// Path of `path` relative to the enclosing repository root (or empty).
    uri_prefix: PathBuf,
    is_dir: bool,
    /// The repository `path` lies in, when it is below that repository's
    /// top directory (when it *is* the top, the walker meets its `.git`).
    enclosing_repo: Option<PathBuf>,
}

impl Root {
    fn new(path: &Path) -> anyhow::Result<Root> {
        let cannot = || format!("cannot read {}", path.display());
        let metadata = std::fs::metadata(path).with_context(cannot)?;
        let canonical = path.canonicalize().with_context(cannot)?;
        let dir = if metadata.is_dir() {
            canonical.clone()
        } else {
            canonical
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        };
        let repo = repository_root(&dir);
        let base = repo.clone().unwrap_or(dir);
        let uri_prefix = canonical
            .strip_prefix(&base)
            .unwrap_or(&canonical)
            .to_path_buf();
        let enclosing_repo = repo.filter(|_| !uri_prefix.as_os_str().is_empty());
        Ok(Root {
            path: path.to_path_buf(),
            uri_prefix,
            is_dir: metadata.is_dir(),
            enclosing_repo,
        })
    }

    /// A root that is a stream: no repository, its path as given.
    fn stream(path: &Path) -> Root {
        Root {
            path: path.to_path_buf(),
            uri_prefix: path.to_path_buf(),
            is_dir: false,
            enclosing_repo: None,
        }
    }

    fn origin_of(&self, path: &Path) -> Origin {
        let relative = if self.is_dir {
            self.uri_prefix
                .join(path.strip_prefix(&self.path).unwrap_or(path))
        } else {
            self.uri_prefix.clone()
        };
        Origin {
            path: display_path(path),
            root_relative: slash_path(&relative),
            commit: None,
        }
    }
}

/// The nearest ancestor holding `.git`: SARIF URIs are relative to it, so
/// GitHub can place results even when a subdirectory was scanned.
fn repository_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|candidate| candidate.join(".git").exists())
        .map(Path::to_path_buf)
}

/// A path as reports show it: without the walker's leading `./`, the same
/// in findings, skips and warnings.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    match text.strip_prefix("./") {
        Some("") => ".".to_string(),
        Some(rest) => rest.to_string(),
        None => text.into_owned(),
    }
}

fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Check every root before the walk starts: a root that does not exist,
/// a directory that cannot be listed, a FIFO or a device is a usage error
/// (exit 2) naming it, never a scan of nothing.
pub fn check_roots(roots: &[PathBuf]) -> anyhow::Result<Vec<RootPath>> {
    roots
        .iter()
        .map(|path| {
            check_root(path).map(|kind| RootPath {
                path: path.clone(),
                kind,
            })
        })
        .collect()
}

fn check_root(path: &Path) -> anyhow::Result<RootKind> {
    let shown = path.display();
    let metadata = std::fs::metadata(path).map_err(|e| anyhow!("cannot read {shown}: {e}"))?;
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        if let Some(fs) = pseudo_filesystem(path) {
            bail!("{shown} is on the {fs} kernel pseudo-filesystem: keylint does not scan it");
        }
        std::fs::read_dir(path).map_err(|e| anyhow!("cannot read directory {shown}: {e}"))?;
        return Ok(RootKind::Dir);
    }
    if file_type.is_file() {
        return Ok(RootKind::File);
    }
    if (file_type.is_fifo() || file_type.is_socket()) && is_inherited_stream(path) {
        return Ok(RootKind::Stream);
    }
    let hint = if file_type.is_fifo() {
        format!(" (to scan what the pipe delivers: `keylint scan - < {shown}`)")
    } else {
        String::new()
    };
    bail!(
        "{shown} is a {}, not a regular file or directory: keylint does not read it{hint}",
        special_kind(&file_type)
    )
}

/// Scan `roots`, calling `visit` (from the walker's threads for
/// directories).  A file or pipe named on the command line that cannot be
/// read is an error (exit 2); inside a directory it is a counted skip.
pub fn walk(
    roots: &[RootPath],
    options: &WalkOptions,
    visit: &(dyn Fn(WalkEvent) + Sync),
) -> anyhow::Result<()> {
    for root in roots.iter().filter(|r| r.kind != RootKind::Dir) {
        read_root_file(root, options, visit)?;
    }
    for root in roots.iter().filter(|r| r.kind == RootKind::Dir) {
        walk_root(&Root::new(&root.path)?, options, visit);
    }
    Ok(())
}

fn read_root_file(
    root: &RootPath,
    options: &WalkOptions,
    visit: &(dyn Fn(WalkEvent) + Sync),
) -> anyhow::Result<()> {
    let path = &root.path;
    let (origin, read) = if root.kind == RootKind::Stream {
        let read = std::fs::File::open(path)
            .map_err(|e| SkipReason::Unreadable(e.to_string()))
            .and_then(|file| read::read_stream(file, options));
        (Root::stream(path).origin_of(path), read)
    } else {
        // A path named on the command line is read even if it is a link.
        let read = read::read_file(path, true, options).map(|FileRead { data, changed }| {
            if let Some(warning) = changed {
                visit(WalkEvent::Warning(warning));
            }
            data
        });
        (Root::new(path)?.origin_of(path), read)
    };
    match read {
        Ok(data) => visit(WalkEvent::File { origin, data }),
        Err(SkipReason::Unreadable(error)) => bail!("cannot read {}: {error}", path.display()),
        Err(SkipReason::Special(kind)) => {
            bail!("{} is a {kind}, not a regular file", path.display())
        }
        Err(reason) => visit(WalkEvent::Skipped { origin, reason }),
    }
    Ok(())
}

/// What the walk of one root collects for the tracked-files pass.
#[derive(Default)]
struct Seen {
    /// Every non-directory path the walker met (as it names them).
    paths: Mutex<HashSet<PathBuf>>,
    /// Directories holding a `.git` the walker met: repositories whose
    /// index says which files are tracked.
    repos: Mutex<Vec<PathBuf>>,
}

fn walk_root(root: &Root, options: &WalkOptions, visit: &(dyn Fn(WalkEvent) + Sync)) {
    let respect = options.respect_ignore_files;
    let walker = WalkBuilder::new(&root.path)
        .hidden(false)
        .parents(respect)
        .ignore(respect)
        .git_ignore(respect)
        .git_exclude(respect)
        .git_global(false)
        .require_git(false)
        .follow_links(options.follow_symlinks)
        .same_file_system(options.one_file_system)
        .threads(options.threads)
        .build_parallel();
    let seen = respect.then(Seen::default);
    walker.run(|| {
        Box::new(|entry| match entry {
            Ok(entry) => visit_entry(root, &entry, options, seen.as_ref(), visit),
            Err(error) => {
                visit(WalkEvent::Warning(describe_walk_error(&error)));
                WalkState::Continue
            }
        })
    });
    if let Some(seen) = seen {
        scan_ignored_tracked(root, seen, options, visit);
    }
}

fn visit_entry(
    root: &Root,
    entry: &DirEntry,
    options: &WalkOptions,
    seen: Option<&Seen>,
    visit: &(dyn Fn(WalkEvent) + Sync),
) -> WalkState {
    let Some(file_type) = entry.file_type() else {
        return WalkState::Continue;
    };
    if entry.depth() > 0 && entry.file_name() == ".git" {
        if let (Some(seen), Some(parent)) = (seen, entry.path().parent()) {
            seen.repos.lock().unwrap().push(parent.to_path_buf());
        }
        return WalkState::Skip;
    }
    if file_type.is_dir() {
        return enter_dir(root, entry, visit);
    }
    if let Some(seen) = seen {
        seen.paths
            .lock()
            .unwrap()
            .insert(entry.path().to_path_buf());
    }
    let origin = root.origin_of(entry.path());
    if file_type.is_symlink() {
        visit(WalkEvent::Skipped {
            origin,
            reason: SkipReason::Symlink,
        });
    } else if file_type.is_file() {
        read_entry(origin, entry.path(), options, visit);
    } else {
        visit(WalkEvent::Skipped {
            origin,
            reason: SkipReason::Special(special_kind(&file_type).into()),
        });
    }
    WalkState::Continue
}

/// Whether to descend: never into `/proc`, `/sys` and their kind (reached
/// through `--follow` or from `/`), which are skipped and counted.
fn enter_dir(root: &Root, entry: &DirEntry, visit: &(dyn Fn(WalkEvent) + Sync)) -> WalkState {
    if entry.depth() == 0 {
        return WalkState::Continue;
    }
    match pseudo_filesystem(entry.path()) {
        Some(fs) => {
            visit(WalkEvent::Skipped {
                origin: root.origin_of(entry.path()),
                reason: SkipReason::Special(format!("directory on the {fs} pseudo-filesystem")),
            });
            WalkState::Skip
        }
        None => WalkState::Continue,
    }
}

fn read_entry(
    origin: Origin,
    path: &Path,
    options: &WalkOptions,
    visit: &(dyn Fn(WalkEvent) + Sync),
) {
    match read::read_file(path, options.follow_symlinks, options) {
        Ok(FileRead { data, changed }) => {
            if let Some(warning) = changed {
                visit(WalkEvent::Warning(warning));
            }
            visit(WalkEvent::File { origin, data });
        }
        Err(reason) => visit(WalkEvent::Skipped { origin, reason }),
    }
}

/// The files a repository's index tracks that the walker did not meet
/// (`.gitignore` lists them, or a directory of theirs): git ignores only
/// untracked files, so they are scanned too.
fn scan_ignored_tracked(
    root: &Root,
    seen: Seen,
    options: &WalkOptions,
    visit: &(dyn Fn(WalkEvent) + Sync),
) {
    let mut walked = seen.paths.into_inner().unwrap();
    // (repository, prefix of its paths under the root, walker path of that prefix)
    let mut repos: Vec<(PathBuf, PathBuf, PathBuf)> = seen
        .repos
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|repo| (repo.clone(), PathBuf::new(), repo))
        .collect();
    if let Some(enclosing) = &root.enclosing_repo {
        repos.push((
            enclosing.clone(),
            root.uri_prefix.clone(),
            root.path.clone(),
        ));
    }
    repos.sort();
    for (repo, prefix, base) in repos {
        let tracked = match tracked_paths(&repo) {
            Ok(tracked) => tracked,
            Err(error) => {
                visit(WalkEvent::Warning(format!(
                    "cannot read the git index of {}: {error}; tracked files that .gitignore lists may be missing from the scan",
                    display_path(&repo)
                )));
                continue;
            }
        };
        for relative in tracked {
            let Ok(rest) = relative.strip_prefix(&prefix) else {
                continue;
            };
            let path = base.join(rest);
            if walked.insert(path.clone()) {
                scan_tracked(root, &path, options, visit);
            }
        }
    }
}

fn scan_tracked(
    root: &Root,
    path: &Path,
    options: &WalkOptions,
    visit: &(dyn Fn(WalkEvent) + Sync),
) {
    // Deleted from the work tree, or now a directory: nothing to read here.
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return;
    };
    let file_type = metadata.file_type();
    let followed_dir = file_type.is_symlink() && path.is_dir();
    if file_type.is_dir() || (options.follow_symlinks && followed_dir) {
        return;
    }
    let origin = root.origin_of(path);
    if file_type.is_symlink() && !options.follow_symlinks {
        visit(WalkEvent::Skipped {
            origin,
            reason: SkipReason::Symlink,
        });
    } else if file_type.is_file() || file_type.is_symlink() {
        read_entry(origin, path, options, visit);
    } else {
        visit(WalkEvent::Skipped {
            origin,
            reason: SkipReason::Special(special_kind(&file_type).into()),
        });
    }
}

/// Paths (relative to the work tree) of the files the index of the
/// repository at `work_tree` tracks, submodules left out.  Read by the
/// project's own index reader (which also reads split indexes and refuses
/// hostile ones); libgit2 only finds a linked worktree's git directory.
/// Never by running `git`.
fn tracked_paths(work_tree: &Path) -> Result<Vec<PathBuf>, String> {
    let to_path = |bytes: &[u8]| PathBuf::from(OsStr::from_bytes(bytes));
    let dot_git = work_tree.join(".git");
    let git_dir = if dot_git.is_dir() {
        dot_git
    } else {
        git2::Repository::open_ext(
            work_tree,
            git2::RepositoryOpenFlags::NO_SEARCH,
            std::iter::empty::<&OsStr>(),
        )
        .map_err(|e| e.message().to_string())?
        .path()
        .to_path_buf()
    };
    let index = git_index::read(&git_dir.join("index"), &git_dir).map_err(|e| e.to_string())?;
    Ok(index
        .entries
        .iter()
        .filter(|e| !e.is_submodule())
        .map(|e| to_path(index.path(e)))
        .collect())
}

/// A walk error as one line, its paths shown as findings show them.
fn describe_walk_error(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { path, err } => {
            format!("{}: {}", display_path(path), describe_walk_error(err))
        }
        ignore::Error::WithDepth { err, .. } => describe_walk_error(err),
        ignore::Error::WithLineNumber { line, err } => {
            format!("line {line}: {}", describe_walk_error(err))
        }
        ignore::Error::Loop { ancestor, child } => format!(
            "symbolic link loop: {} points to its ancestor {} (not followed)",
            display_path(child),
            display_path(ancestor)
        ),
        ignore::Error::Partial(errors) => errors
            .iter()
            .map(describe_walk_error)
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// Standard input as one blob named `<stdin>`, with the same size limit.
pub fn read_stdin(options: &WalkOptions) -> Result<Vec<u8>, SkipReason> {
    read::read_stream(std::io::stdin().lock(), options)
}
