//! Where a finding lives: a path (as shown and relative to the root) and,
//! for history, the commit that introduced it.

use std::path::Path;

/// Where a finding lives: the path shown to people and the path relative to
/// the scan (or repository) root used for SARIF URIs, plus commit facts for
/// history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// As shown to the user (`fixtures/openai/.env`, `<stdin>`).
    pub path: String,
    /// Relative to the root, `/`-separated (SARIF `artifactLocation.uri`).
    pub root_relative: String,
    /// For git history: the commit that introduced the blob.
    pub commit: Option<std::sync::Arc<CommitInfo>>,
}

/// The commit a history finding is reported at (where its blob first appears).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommitInfo {
    /// Full hex object id.
    pub id: String,
    pub author_name: String,
    pub author_email: String,
    /// Commit time, RFC 3339 (UTC offset as recorded).
    pub date: String,
    /// The blob holding the secret (full hex id), when known.
    pub blob: String,
    /// With `--all-occurrences` (else `None`): every other commit and path
    /// that carries the same blob, oldest first.
    pub occurrences: Option<Vec<Occurrence>>,
}

/// One more place a history finding's blob lives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Occurrence {
    pub commit: String,
    pub path: String,
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
