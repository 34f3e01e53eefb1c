//! The team's allow lists (`[allow]` in `.keylint.toml`) as the suppress
//! stage reads them: each entry with its line, so `--report-unused` can
//! point at it.  The config file's parser builds them.

use std::path::PathBuf;

use globset::GlobSet;
use regex::bytes::Regex;

/// One allow entry, remembered with its line.
#[derive(Debug, Clone)]
pub struct AllowEntry<T> {
    pub matcher: T,
    pub text: String,
    pub line: usize,
}

#[derive(Debug, Default)]
pub struct AllowList {
    /// The config file the entries come from (named in reasons).
    pub file: Option<PathBuf>,
    /// Prefix (relative to the repository / scan root, `/`-separated, ending
    /// in `/` or empty) of the config's directory: stripped from a finding's
    /// root-relative path before `paths` globs are matched.
    pub path_prefix: String,
    pub paths: Vec<AllowEntry<GlobSet>>,
    pub regexes: Vec<AllowEntry<Regex>>,
    pub stopwords: Vec<AllowEntry<String>>,
    pub commits: Vec<AllowEntry<String>>,
}

impl AllowList {
    /// The config file's name as reasons show it (empty without one).
    pub fn file_name(&self) -> String {
        self.file
            .as_ref()
            .map_or_else(String::new, |p| p.display().to_string())
    }
}
