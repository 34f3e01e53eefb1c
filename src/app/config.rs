//! `.keylint.toml`: the per-repository configuration.  Discovered at the scan
//! root, walking up to the repository root; `--config FILE` names one,
//! `--no-config` ignores it.  Every problem (unknown key, bad glob or regex,
//! unknown rule) is an error naming the file and line.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use globset::{Glob, GlobSetBuilder};
use regex::bytes::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::rules::Severity;
use crate::suppress::allow::{AllowEntry, AllowList};

pub const CONFIG_FILE_NAME: &str = ".keylint.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    allow: RawAllow,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    scan: RawScan,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllow {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    regexes: Vec<Spanned<String>>,
    #[serde(default)]
    stopwords: Vec<Spanned<String>>,
    #[serde(default)]
    commits: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    extra: Vec<Spanned<String>>,
    #[serde(default)]
    severity: std::collections::BTreeMap<String, Severity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScan {
    max_file_size: Option<Spanned<toml::Value>>,
    include_binary: Option<bool>,
    follow_symlinks: Option<bool>,
}

/// The loaded, validated configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from (None: no config).
    pub path: Option<PathBuf>,
    /// The `[allow]` section, for the suppress stage.
    pub allow: AllowList,
    pub disable_rules: Vec<(String, usize)>,
    pub extra_rules: Vec<PathBuf>,
    pub severity_overrides: Vec<(String, Severity)>,
    pub max_file_size: Option<u64>,
    pub include_binary: Option<bool>,
    pub follow_symlinks: Option<bool>,
}

impl Config {
    /// Parse and validate a config file's text.
    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let file = path.display();
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| anyhow!("{file}: {}", e.to_string().trim_end()))?;
        let line_of = |span: std::ops::Range<usize>| {
            text[..span.start.min(text.len())].matches('\n').count() + 1
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut config = Config {
            path: Some(path.to_path_buf()),
            ..Config::default()
        };
        config.allow.file = config.path.clone();
        for entry in raw.allow.paths {
            let line = line_of(entry.span());
            let glob = Glob::new(entry.get_ref())
                .map_err(|e| anyhow!("{file}:{line}: bad glob in [allow] paths: {e}"))?;
            let mut set = GlobSetBuilder::new();
            set.add(glob);
            // A glob without a `/` matches a file name anywhere, as in .gitignore.
            if !entry.get_ref().contains('/') {
                set.add(
                    Glob::new(&format!("**/{}", entry.get_ref())).expect("valid glob stays valid"),
                );
            }
            config.allow.paths.push(AllowEntry {
                matcher: set
                    .build()
                    .map_err(|e| anyhow!("{file}:{line}: bad glob: {e}"))?,
                text: entry.into_inner(),
                line,
            });
        }
        for entry in raw.allow.regexes {
            let line = line_of(entry.span());
            let regex = Regex::new(entry.get_ref())
                .map_err(|e| anyhow!("{file}:{line}: bad regex in [allow] regexes: {e}"))?;
            config.allow.regexes.push(AllowEntry {
                matcher: regex,
                text: entry.into_inner(),
                line,
            });
        }
        for (list, target) in [
            (raw.allow.stopwords, &mut config.allow.stopwords),
            (raw.allow.commits, &mut config.allow.commits),
        ] {
            for entry in list {
                let line = line_of(entry.span());
                if entry.get_ref().trim().is_empty() {
                    bail!("{file}:{line}: empty entry in [allow]");
                }
                target.push(AllowEntry {
                    matcher: entry.get_ref().to_ascii_lowercase(),
                    text: entry.into_inner(),
                    line,
                });
            }
        }
        config.disable_rules = raw
            .rules
            .disable
            .into_iter()
            .map(|d| (d.get_ref().clone(), line_of(d.span())))
            .collect();
        config.extra_rules = raw
            .rules
            .extra
            .into_iter()
            .map(|p| dir.join(p.into_inner()))
            .collect();
        config.severity_overrides = raw.rules.severity.into_iter().collect();
        if let Some(size) = raw.scan.max_file_size {
            let line = line_of(size.span());
            config.max_file_size = Some(match size.into_inner() {
                toml::Value::Integer(n) if n >= 0 => n as u64,
                toml::Value::String(s) => crate::model::size::parse_size(&s)
                    .map_err(|e| anyhow!("{file}:{line}: [scan] max_file_size: {e}"))?,
                other => bail!(
                    "{file}:{line}: [scan] max_file_size must be a size like \"25MiB\", not {other}"
                ),
            });
        }
        config.include_binary = raw.scan.include_binary;
        config.follow_symlinks = raw.scan.follow_symlinks;
        Ok(config)
    }

    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config {}", path.display()))?;
        Config::parse(path, &text)
    }

    /// Find `.keylint.toml` for a scan rooted at `start`: in `start` itself,
    /// then each parent up to and including the repository root (the first
    /// directory holding `.git`).  Outside a repository only `start` is
    /// looked at, so a stray file in a home directory never applies.
    pub fn discover(start: &Path) -> Result<Config> {
        let start = start
            .canonicalize()
            .with_context(|| format!("cannot read {}", start.display()))?;
        let start = if start.is_dir() {
            start
        } else {
            start.parent().map(Path::to_path_buf).unwrap_or(start)
        };
        let repo_root = start
            .ancestors()
            .find(|d| d.join(".git").exists())
            .map(Path::to_path_buf);
        let candidates: Vec<&Path> = match &repo_root {
            Some(root) => start
                .ancestors()
                .take_while(|d| d.starts_with(root))
                .collect(),
            None => vec![start.as_path()],
        };
        for dir in candidates {
            let path = dir.join(CONFIG_FILE_NAME);
            if path.is_file() {
                let mut config = Config::load(&relative_to_cwd(&path))?;
                let base = repo_root.as_deref().unwrap_or(&start);
                config.allow.path_prefix = prefix_of(dir, base);
                return Ok(config);
            }
        }
        Ok(Config::default())
    }
}

/// A discovered (canonical) path shown relative to the current directory
/// when it lies below it, so messages say `.keylint.toml:3`.
fn relative_to_cwd(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| cwd.canonicalize().ok())
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

/// `dir` relative to `base`, `/`-separated with a trailing `/` (or empty).
fn prefix_of(dir: &Path, base: &Path) -> String {
    let relative = dir.strip_prefix(base).unwrap_or(Path::new(""));
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

/// The commented starter file `keylint config init` writes.
pub const STARTER_CONFIG: &str = r#"# keylint configuration: https://github.com/keylint/keylint#configuration-keylinttoml
# Found at the scan root or any parent up to the repository root.
# Unknown keys are errors, so a typo never silently disables a check.

[allow]
# Globs (relative to this file's directory) whose findings are not reported.
# A glob without "/" matches a file name anywhere, as in .gitignore.
paths = [
  # "tests/fixtures/**",
  # "*.snap",
]
# Regexes matched against the secret itself.
regexes = [
  # '''^sk-test-''',
]
# A secret containing one of these words (case-insensitive) is not reported.
stopwords = [
  # "dummy",
]
# Commits (full id or prefix) whose findings `keylint history` ignores.
commits = [
  # "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
]

[rules]
# Rule ids to turn off (`keylint rules list` shows them).
disable = []
# Extra rule files (relative to this file), added to the built-in rules.
extra = []

# Per-rule severity overrides: critical | high | medium | low.
[rules.severity]
# "aws-access-key-id" = "critical"

[scan]
# max_file_size = "25MiB"
# include_binary = false
# follow_symlinks = false
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_config_parses_and_errors_name_the_line() {
        Config::parse(Path::new(".keylint.toml"), STARTER_CONFIG).unwrap();
        let error =
            Config::parse(Path::new("k.toml"), "[allow]\npaths = [\n  \"a/{b\",\n]\n").unwrap_err();
        assert!(
            error.to_string().starts_with("k.toml:3: bad glob"),
            "{error}"
        );
        let error = Config::parse(Path::new("k.toml"), "[allow]\nregexes = ['(']\n").unwrap_err();
        assert!(
            error.to_string().starts_with("k.toml:2: bad regex"),
            "{error}"
        );
        let error = Config::parse(Path::new("k.toml"), "[alow]\n").unwrap_err();
        assert!(error.to_string().contains("line 1"), "{error}");
    }
}
