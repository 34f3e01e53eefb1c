//! Baselines: accept today's findings once, report only new ones.
//!
//! The file records each finding's fingerprint (a stretched, salted hash of
//! rule id and secret: it never contains or reveals the secret), with rule,
//! path, line and the *redacted* secret for reviewers.  It is written sorted
//! and pretty-printed so it diffs well; a `comment` added by hand survives
//! `keylint baseline --update`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};

use crate::model::Finding;
use crate::model::redact::redact;

pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    pub path: String,
    pub line: usize,
    /// Redacted: a recognisable prefix only.
    pub secret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub keylint_baseline: u32,
    pub findings: Vec<BaselineEntry>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read baseline {}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text)
            .map_err(|e| anyhow!("{}: not a keylint baseline: {e}", path.display()))?;
        if baseline.keylint_baseline != BASELINE_VERSION {
            bail!(
                "{}: unsupported baseline version {} (this keylint reads version {BASELINE_VERSION})",
                path.display(),
                baseline.keylint_baseline
            );
        }
        for (index, entry) in baseline.findings.iter().enumerate() {
            let valid = entry.fingerprint.len() == 32
                && entry.fingerprint.bytes().all(|b| b.is_ascii_hexdigit());
            if !valid {
                bail!(
                    "{}: findings[{index}]: fingerprint `{}` is not 32 hex digits",
                    path.display(),
                    entry.fingerprint
                );
            }
        }
        Ok(baseline)
    }

    /// A baseline of `findings`, deduplicated and sorted.
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Baseline {
        let mut entries: Vec<BaselineEntry> = findings
            .into_iter()
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule.id.clone(),
                path: f.origin.root_relative.clone(),
                line: f.start.line,
                secret: redact(&f.secret),
                comment: None,
            })
            .collect();
        sort_entries(&mut entries);
        Baseline {
            keylint_baseline: BASELINE_VERSION,
            findings: entries,
        }
    }

    /// `--update`: the current findings, keeping the comments of entries
    /// that are still found; entries whose findings are gone are dropped.
    pub fn updated(&self, current: Baseline) -> Baseline {
        let comments: BTreeMap<(&str, &str), &str> = self
            .findings
            .iter()
            .filter_map(|e| {
                Some((
                    (e.fingerprint.as_str(), e.path.as_str()),
                    e.comment.as_deref()?,
                ))
            })
            .collect();
        let mut merged = current;
        for entry in &mut merged.findings {
            if let Some(comment) = comments.get(&(entry.fingerprint.as_str(), entry.path.as_str()))
            {
                entry.comment = Some((*comment).to_string());
            }
        }
        merged
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.findings.iter().any(|e| e.fingerprint == fingerprint)
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("baseline serializes");
        text.push('\n');
        text
    }
}

fn sort_entries(entries: &mut Vec<BaselineEntry>) {
    entries.sort_by(|a, b| {
        (&a.path, a.line, &a.rule_id, &a.fingerprint).cmp(&(
            &b.path,
            b.line,
            &b.rule_id,
            &b.fingerprint,
        ))
    });
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.path == b.path && a.line == b.line);
}
