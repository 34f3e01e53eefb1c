//! The staged source (`keylint scan --staged`): the blobs in the git index
//! that differ from HEAD, i.e. what `git commit` would record, never the
//! working-tree files.  Only findings on lines the commit adds or changes
//! are kept (`--whole-files` keeps all), so an old secret elsewhere in a
//! touched file does not block an unrelated commit.
//!
//! Cost follows the staged change: libgit2 compares the index entries' ids
//! with HEAD's tree (no file is read for an unchanged path), then only the
//! changed blobs and their HEAD versions are read.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, anyhow};
use git2::{Delta, DiffFindOptions, DiffOptions, FileMode, Oid, Patch, Repository};

use super::fs::SkipReason;
use super::git::open_repository;
use super::{Origin, looks_binary};
use crate::engine::Engine;
use crate::scan::ScanResult;

#[derive(Debug, Clone)]
pub struct StagedOptions {
    /// The repository (or a directory inside its work tree).
    pub repo: PathBuf,
    pub whole_files: bool,
    pub max_file_size: u64,
    pub include_binary: bool,
}

/// One staged file: its index blob and the HEAD blob it replaces (if any).
struct StagedFile {
    path: String,
    new: Oid,
    old: Option<Oid>,
}

pub fn scan_staged(engine: &Engine, options: &StagedOptions) -> Result<ScanResult> {
    let started = Instant::now();
    let repo = open_repository(&options.repo)?;
    if repo.is_bare() {
        return Err(anyhow!(
            "{} is a bare repository: it has no index to scan (use `keylint history`)",
            options.repo.display()
        ));
    }
    let mut result = ScanResult::default();
    for file in staged_files(&repo)? {
        scan_file(&repo, engine, options, &file, &mut result);
    }
    result.sort();
    result.elapsed = started.elapsed();
    Ok(result)
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
    let index = repo.index()?;
    let mut diff_options = DiffOptions::new();
    diff_options.ignore_submodules(true);
    let mut diff =
        repo.diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut diff_options))?;
    diff.find_similar(Some(
        DiffFindOptions::new()
            .renames(true)
            .copies(false)
            .exact_match_only(true),
    ))?;
    let mut files = Vec::new();
    for delta in diff.deltas() {
        let new = delta.new_file();
        let wanted = matches!(
            delta.status(),
            Delta::Added | Delta::Modified | Delta::Renamed | Delta::Copied | Delta::Typechange
        );
        let is_file = matches!(new.mode(), FileMode::Blob | FileMode::BlobExecutable);
        if !wanted || !is_file {
            continue;
        }
        let old = delta.old_file();
        let old_is_file = matches!(old.mode(), FileMode::Blob | FileMode::BlobExecutable);
        files.push(StagedFile {
            path: new
                .path_bytes()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .unwrap_or_default(),
            new: new.id(),
            old: (old_is_file && !old.id().is_zero()).then(|| old.id()),
        });
    }
    Ok(files)
}

fn scan_file(
    repo: &Repository,
    engine: &Engine,
    options: &StagedOptions,
    file: &StagedFile,
    result: &mut ScanResult,
) {
    let origin = Origin {
        path: file.path.clone(),
        root_relative: file.path.clone(),
        commit: None,
    };
    let blob = match repo.find_blob(file.new) {
        Ok(blob) => blob,
        Err(e) => {
            result.add_skip(&origin, SkipReason::Unreadable(e.message().to_string()));
            return;
        }
    };
    let bytes = blob.content();
    if bytes.len() as u64 > options.max_file_size {
        let (size, limit) = (bytes.len() as u64, options.max_file_size);
        result.add_skip(&origin, SkipReason::TooLarge { size, limit });
        return;
    }
    if !options.include_binary && looks_binary(bytes) {
        result.add_skip(&origin, SkipReason::Binary);
        return;
    }
    let mut local = ScanResult::default();
    local.add_blob(engine, &origin, bytes);
    if !options.whole_files
        && !local.findings.is_empty()
        && let Some(old) = file.old
    {
        let added = added_lines(repo, old, &blob);
        local
            .findings
            .retain(|f| (f.start.line..=f.end.line).any(|line| added.binary_search(&line).is_ok()));
    }
    result.merge(local);
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
    let Ok(patch) = Patch::from_blobs(&old_blob, None, new, None, Some(&mut diff_options)) else {
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
