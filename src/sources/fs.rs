//! The working-tree source: the `ignore` crate's parallel walker, honouring
//! `.gitignore` / `.ignore` / `.git/info/exclude` but including hidden files
//! (`.env` and `.npmrc` are where keys live) and never entering `.git/`.
//!
//! The user's *global* gitignore is deliberately not honoured: many people
//! list `.env` there, which would hide exactly the files a scanner must read.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkState};

use super::{BlobData, Origin, looks_binary};

/// Files larger than this are memory-mapped instead of read.
const MMAP_THRESHOLD: u64 = 4 << 20;

#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub follow_symlinks: bool,
    pub respect_ignore_files: bool,
    pub threads: usize,
    pub max_file_size: u64,
    pub include_binary: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    Binary,
    TooLarge { size: u64, limit: u64 },
    Unreadable(String),
}

/// What the walker hands to the scan for each path it meets.
pub enum WalkEvent {
    File {
        origin: Origin,
        data: BlobData,
    },
    Skipped {
        origin: Origin,
        reason: SkipReason,
    },
    /// A problem that is not about one file's content (a symlink loop, an
    /// unreadable directory): reported as a warning, the walk goes on.
    Warning(String),
}

/// One root the user asked for, with what SARIF URIs are relative to.
struct Root {
    path: PathBuf,
    /// Path of `path` relative to the enclosing repository root (or empty).
    uri_prefix: PathBuf,
    is_dir: bool,
}

impl Root {
    fn new(path: &Path) -> io::Result<Root> {
        let metadata = std::fs::metadata(path)?;
        let canonical = path.canonicalize()?;
        let dir = if metadata.is_dir() {
            canonical.clone()
        } else {
            canonical
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        };
        let base = repository_root(&dir).unwrap_or(dir);
        let uri_prefix = canonical
            .strip_prefix(&base)
            .unwrap_or(&canonical)
            .to_path_buf();
        Ok(Root {
            path: path.to_path_buf(),
            uri_prefix,
            is_dir: metadata.is_dir(),
        })
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

fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Check that every root exists before the walk starts: an unreadable root
/// is a usage error (exit 2), not a warning.
pub fn check_roots(roots: &[PathBuf]) -> anyhow::Result<()> {
    for root in roots {
        std::fs::metadata(root)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {}", root.display(), e))?;
    }
    Ok(())
}

/// Walk `roots` in parallel, calling `visit` from the walker's threads.
pub fn walk(roots: &[PathBuf], options: &WalkOptions, visit: &(dyn Fn(WalkEvent) + Sync)) {
    let mut resolved = Vec::new();
    for path in roots {
        match Root::new(path) {
            Ok(root) => resolved.push(root),
            Err(e) => visit(WalkEvent::Warning(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }
    for root in &resolved {
        walk_root(root, options, visit);
    }
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
        .threads(options.threads)
        .filter_entry(|entry| entry.file_name() != ".git")
        .build_parallel();
    walker.run(|| {
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file {
                        visit(read_entry(root, entry.path(), options));
                    }
                }
                Err(error) => visit(WalkEvent::Warning(error.to_string())),
            }
            WalkState::Continue
        })
    });
}

fn read_entry(root: &Root, path: &Path, options: &WalkOptions) -> WalkEvent {
    let origin = root.origin_of(path);
    match read_file(path, options) {
        Ok(data) => WalkEvent::File { origin, data },
        Err(reason) => WalkEvent::Skipped { origin, reason },
    }
}

/// Read a file whole (mapping it when large), refusing binaries and files
/// over the size limit with the reason.
pub fn read_file(path: &Path, options: &WalkOptions) -> Result<BlobData, SkipReason> {
    let unreadable = |e: io::Error| SkipReason::Unreadable(e.to_string());
    let mut file = File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    if size > options.max_file_size {
        return Err(SkipReason::TooLarge {
            size,
            limit: options.max_file_size,
        });
    }
    let data = if size >= MMAP_THRESHOLD {
        // SAFETY: the map is read-only and private; a file truncated while
        // mapped can fault, the same trade-off ripgrep makes for speed.
        BlobData::Mapped(unsafe { memmap2::Mmap::map(&file) }.map_err(unreadable)?)
    } else {
        let mut bytes = Vec::with_capacity(size as usize + 1);
        file.read_to_end(&mut bytes).map_err(unreadable)?;
        BlobData::Owned(bytes)
    };
    if !options.include_binary && looks_binary(&data) {
        return Err(SkipReason::Binary);
    }
    Ok(data)
}

/// Standard input as one blob named `<stdin>`, with the same size limit.
pub fn read_stdin(options: &WalkOptions) -> Result<BlobData, SkipReason> {
    let mut bytes = Vec::new();
    io::stdin()
        .lock()
        .take(options.max_file_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if bytes.len() as u64 > options.max_file_size {
        return Err(SkipReason::TooLarge {
            size: bytes.len() as u64,
            limit: options.max_file_size,
        });
    }
    if !options.include_binary && looks_binary(&bytes) {
        return Err(SkipReason::Binary);
    }
    Ok(BlobData::Owned(bytes))
}
