//! What a rule file says: the `[[rule]]` table (`RuleSpec`) and the checks
//! every spec passes.  Shared with `build.rs` (`#[path]`), which parses and
//! checks the built-in rule files at build time, so this file uses nothing
//! but `serde` and `anyhow`.

use std::fmt;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

/// How bad a leak of this kind is.  Ordered: `Low < Medium < High < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// How sure a match of this rule is to be a real credential: `high` for a
/// distinctive prefix or checksum, `medium` for a provider name near a
/// random token of the right shape, `low` for context-only catch-alls.
/// Ordered: `Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A `secret` is reported on its own; an `identifier` (an OpenAI project or
/// organization ID) is only evidence for the project-binding analysis; an
/// `analysis` rule has no regex: it names a finding the project-binding
/// analysis (src/projects) makes, so it is listed, configurable and in
/// SARIF like any other rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    #[default]
    Secret,
    Identifier,
    Analysis,
}

/// Where a rule's keywords must occur for its regex to run there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeywordScope {
    /// On a line the match touches (the default): the keyword is part of
    /// what the regex matches, e.g. a prefix like `sk-proj-`.
    #[default]
    Line,
    /// Anywhere in the file: the keyword is context that the match itself
    /// need not hold (`twilio` for Twilio's bare `SK…` key SIDs).
    File,
}

/// The kinds of file a rule may be limited to (`file_kinds`); which kind a
/// path is: `engine::file_kinds::classify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// YAML, `.env`, properties, INI, TOML, `.conf`, `.cfg`, Terraform vars…
    Config,
    /// Shell scripts, Dockerfiles, Makefiles, CI scripts.
    Shell,
    /// Markdown, reStructuredText, plain text.
    Docs,
    /// Source code: JavaScript/TypeScript, Python, Go, Java, C#, Ruby…
    Code,
    /// JSON, XML, CSV and other data.
    Data,
    /// No extension keylint knows (`svc.env.local` is config, `notes` is other),
    /// and standard input.
    Other,
}

/// One `[[rule]]` table exactly as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub severity: Severity,
    /// How sure a match is to be a credential (see `Confidence`); rules
    /// that don't say are `medium`.
    pub confidence: Option<Confidence>,
    #[serde(default)]
    pub kind: RuleKind,
    /// A rule whose findings the credential-file extractor makes
    /// (src/credfiles): no regex, never run by the engine.
    #[serde(default)]
    pub extractor: bool,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Why a rule may run on every byte; required when `keywords` is empty.
    pub keywordless_reason: Option<String>,
    /// Where a keyword must occur for the rule to run there (see `KeywordScope`).
    #[serde(default)]
    pub keyword_scope: KeywordScope,
    /// Required, except for `analysis` rules, which must have none.
    pub regex: Option<String>,
    pub min_entropy: Option<f64>,
    /// Name of a structural check done in code (e.g. `github-crc32`).
    pub validate: Option<String>,
    /// Placeholder / stopword filter (on unless a format is itself repetitive).
    #[serde(default = "default_true")]
    pub placeholder_filter: bool,
    /// A context rule (generic assignment, URL with password, JWT…) whose
    /// match is dropped where a non-fallback rule found an overlapping
    /// secret, so one leaked value is reported once, by its specific rule.
    #[serde(default)]
    pub fallback: bool,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub counter_examples: Vec<String>,
    /// Only in files of these kinds (see `FileKind`); every file if unset.
    pub file_kinds: Option<Vec<FileKind>>,
    pub remediation: String,
    pub description: Option<String>,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// Check what the loader can't: ids, required fields, keyword rules.
pub fn check_spec(spec: &RuleSpec) -> Result<()> {
    let kebab = !spec.id.is_empty()
        && spec
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !spec.id.starts_with('-')
        && !spec.id.ends_with('-');
    if !kebab {
        bail!("id must be kebab-case (a-z, 0-9, -)");
    }
    if spec.kind == RuleKind::Analysis || spec.extractor {
        if spec.regex.is_some() || !spec.keywords.is_empty() {
            bail!(
                "an analysis or extractor rule is made by code, not a regex: remove `regex` and `keywords`"
            );
        }
        if spec.extractor && spec.kind != RuleKind::Secret {
            bail!("an extractor rule reports secrets: `kind` must be `secret`");
        }
        return Ok(());
    }
    if spec.regex.is_none() {
        bail!("missing field `regex`");
    }
    for (field, value) in [
        ("name", &spec.name),
        ("provider", &spec.provider),
        ("remediation", &spec.remediation),
        ("regex", spec.regex.as_ref().unwrap()),
    ] {
        if value.trim().is_empty() {
            bail!("`{field}` must not be empty");
        }
    }
    if spec.keywords.iter().any(|k| k.is_empty()) {
        bail!("keywords must not be empty strings");
    }
    if spec.keywords.is_empty() && spec.keywordless_reason.is_none() {
        bail!(
            "a rule without keywords runs its regex on every byte: add keywords, or say why it cannot have any in `keywordless_reason`"
        );
    }
    if let Some(e) = spec.min_entropy
        && !(0.0..=8.0).contains(&e)
    {
        bail!("min_entropy must be between 0 and 8 bits per byte, got {e}");
    }
    Ok(())
}
