//! Where bytes come from.  A source yields `Blob`s; the engine only ever sees
//! their bytes, reports only their `Origin`.

pub mod fs;
pub mod git;
pub mod git_index;
pub mod own_output;
pub mod read;
pub mod staged;
pub mod text;

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

/// Binary detection as git does it: a NUL byte in the first 8 KiB.
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}
