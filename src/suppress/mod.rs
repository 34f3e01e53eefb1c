//! Suppression: the stage between matching and reporting that drops what
//! the team said is fine — inline markers, `.keylint.toml` allow lists, a
//! baseline — identically for `scan`, `scan --staged` and `history`.
//! Suppressed findings are kept (counted in the summary, listed with
//! `--show-suppressed`), and every allow that suppressed nothing can be
//! listed with `--report-unused`.

pub mod baseline;
pub mod inline;

use std::collections::HashSet;
use std::path::PathBuf;

use serde::Serialize;

use crate::config::Config;
use crate::finding::Finding;
use crate::scan::ScanResult;
use baseline::Baseline;
use inline::InlineMarker;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mechanism {
    Inline,
    Config,
    Baseline,
    /// A known public or test value (`rules/known-test-values.toml`).
    #[serde(rename = "test_value")]
    TestValue,
}

/// A finding that was not reported, and what suppressed it.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub finding: Finding,
    pub mechanism: Mechanism,
    /// Human-readable: which marker, config entry or baseline.
    pub reason: String,
}

/// An allow that suppressed nothing in this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unused {
    pub mechanism: Mechanism,
    /// `file:line` of the allow (config entry, marker) or the baseline file.
    pub location: String,
    pub text: String,
}

pub struct Suppressor {
    pub config: Config,
    pub baseline: Option<(PathBuf, Baseline)>,
    /// Honour gitleaks / detect-secrets / trufflehog markers.
    pub foreign_markers: bool,
    pub known_rules: HashSet<String>,
}

/// Which allows matched at least once.
#[derive(Default)]
struct Usage {
    paths: HashSet<usize>,
    regexes: HashSet<usize>,
    stopwords: HashSet<usize>,
    commits: HashSet<usize>,
    baseline: HashSet<String>,
    /// (path, line) of markers that covered a finding.
    markers: HashSet<(String, usize)>,
}

impl Suppressor {
    /// Move suppressed findings out of `result.findings` into
    /// `result.suppressed`; return the allows that suppressed nothing.
    pub fn apply(&self, result: &mut ScanResult) -> Vec<Unused> {
        let mut usage = Usage::default();
        let mut kept = Vec::new();
        for finding in std::mem::take(&mut result.findings) {
            let reasons = self.reasons(&finding, &mut usage);
            match reasons.into_iter().next() {
                Some((mechanism, reason)) => result.suppressed.push(Suppressed {
                    finding,
                    mechanism,
                    reason,
                }),
                None => kept.push(finding),
            }
        }
        result.findings = kept;
        self.unused(result, &usage)
    }

    /// Every mechanism that covers `finding`, in precedence order (inline,
    /// config, baseline); all are marked used, the first is reported.
    fn reasons(&self, finding: &Finding, usage: &mut Usage) -> Vec<(Mechanism, String)> {
        let mut reasons = Vec::new();
        if let Some(what) = &finding.test_value {
            reasons.push((Mechanism::TestValue, format!("known test value: {what}")));
        }
        for marker in &finding.inline_markers {
            if self.marker_applies(marker, &finding.rule.id) {
                usage
                    .markers
                    .insert((finding.origin.path.clone(), marker.line));
                reasons.push((
                    Mechanism::Inline,
                    format!("`{}` on line {}", marker.kind.text(), marker.line),
                ));
            }
        }
        reasons.extend(
            self.config_reasons(finding, usage)
                .into_iter()
                .map(|r| (Mechanism::Config, r)),
        );
        if let Some((path, baseline)) = &self.baseline
            && baseline.contains(&finding.fingerprint)
        {
            usage.baseline.insert(finding.fingerprint.clone());
            reasons.push((Mechanism::Baseline, format!("baseline {}", path.display())));
        }
        reasons
    }

    fn marker_applies(&self, marker: &InlineMarker, rule_id: &str) -> bool {
        if marker.kind.is_foreign() {
            return self.foreign_markers;
        }
        let known = |id: &str| self.known_rules.contains(id);
        match inline::limited_rules(&marker.argument, &known) {
            None => true,
            Some(ids) => ids.contains(&rule_id),
        }
    }

    fn config_reasons(&self, finding: &Finding, usage: &mut Usage) -> Vec<String> {
        let config = &self.config;
        let file = config
            .path
            .as_ref()
            .map_or_else(String::new, |p| p.display().to_string());
        let mut reasons = Vec::new();
        if let Some(relative) = finding
            .origin
            .root_relative
            .strip_prefix(&config.path_prefix)
        {
            for (index, entry) in config.allow_paths.iter().enumerate() {
                if entry.matcher.is_match(relative) {
                    usage.paths.insert(index);
                    reasons.push(format!(
                        "[allow] paths \"{}\" ({file}:{})",
                        entry.text, entry.line
                    ));
                }
            }
        }
        for (index, entry) in config.allow_regexes.iter().enumerate() {
            if entry.matcher.is_match(finding.secret.as_bytes()) {
                usage.regexes.insert(index);
                reasons.push(format!("[allow] regexes ({file}:{})", entry.line));
            }
        }
        let secret = finding.secret.to_ascii_lowercase();
        for (index, entry) in config.allow_stopwords.iter().enumerate() {
            if secret.contains(&entry.matcher) {
                usage.stopwords.insert(index);
                reasons.push(format!("[allow] stopwords ({file}:{})", entry.line));
            }
        }
        if let Some(commit) = &finding.origin.commit {
            for (index, entry) in config.allow_commits.iter().enumerate() {
                if commit.id.to_ascii_lowercase().starts_with(&entry.matcher) {
                    usage.commits.insert(index);
                    reasons.push(format!(
                        "[allow] commits \"{}\" ({file}:{})",
                        entry.text, entry.line
                    ));
                }
            }
        }
        reasons
    }

    fn unused(&self, result: &ScanResult, usage: &Usage) -> Vec<Unused> {
        let config = &self.config;
        let file = config
            .path
            .as_ref()
            .map_or_else(String::new, |p| p.display().to_string());
        let mut unused = Vec::new();
        let mut config_unused =
            |section: &str, lines_texts: Vec<(usize, String)>, used: &HashSet<usize>| {
                for (index, (line, text)) in lines_texts.into_iter().enumerate() {
                    if !used.contains(&index) {
                        unused.push(Unused {
                            mechanism: Mechanism::Config,
                            location: format!("{file}:{line}"),
                            text: format!("[allow] {section} \"{text}\""),
                        });
                    }
                }
            };
        config_unused("paths", entries_of(&config.allow_paths), &usage.paths);
        config_unused("regexes", entries_of(&config.allow_regexes), &usage.regexes);
        config_unused(
            "stopwords",
            entries_of(&config.allow_stopwords),
            &usage.stopwords,
        );
        config_unused("commits", entries_of(&config.allow_commits), &usage.commits);
        for (path, line, kind) in &result.markers {
            let honoured = !kind.is_foreign() || self.foreign_markers;
            if honoured && !usage.markers.contains(&(path.clone(), *line)) {
                unused.push(Unused {
                    mechanism: Mechanism::Inline,
                    location: format!("{path}:{line}"),
                    text: kind.text().to_string(),
                });
            }
        }
        if let Some((path, baseline)) = &self.baseline {
            for entry in &baseline.findings {
                if !usage.baseline.contains(&entry.fingerprint) {
                    unused.push(Unused {
                        mechanism: Mechanism::Baseline,
                        location: path.display().to_string(),
                        text: format!(
                            "{} {} in {}:{}",
                            entry.rule_id, entry.secret, entry.path, entry.line
                        ),
                    });
                }
            }
        }
        unused
    }
}

fn entries_of<T>(list: &[crate::config::AllowEntry<T>]) -> Vec<(usize, String)> {
    list.iter().map(|e| (e.line, e.text.clone())).collect()
}

/// How many findings `mechanism` set aside (known test values are
/// counted apart from the team's allows).
pub fn count(suppressed: &[Suppressed], mechanism: Mechanism) -> usize {
    suppressed
        .iter()
        .filter(|s| s.mechanism == mechanism)
        .count()
}

/// Counts for the summary line: (inline, config, baseline).
pub fn counts(suppressed: &[Suppressed]) -> (usize, usize, usize) {
    let count = |m: Mechanism| count(suppressed, m);
    (
        count(Mechanism::Inline),
        count(Mechanism::Config),
        count(Mechanism::Baseline),
    )
}
