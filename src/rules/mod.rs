//! The rule model: what a rule file says (`RuleSpec`), what the engine runs
//! (`Rule`), and loading both built-in and user rule files into a `RuleSet`.
//!
//! Rules are data (`rules/*.toml`, embedded at build time by `build.rs`); this
//! module turns that data into compiled regexes and refuses anything malformed
//! with an error that names the file and the rule id.

mod validate;

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

pub use validate::Validator;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

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

/// One `[[rule]]` table exactly as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub severity: Severity,
    #[serde(default)]
    pub kind: RuleKind,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Why a rule may run on every byte; required when `keywords` is empty.
    pub keywordless_reason: Option<String>,
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
    pub remediation: String,
    pub description: Option<String>,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RuleSpec>,
}

/// What reports need to know about a rule, shared by every finding of it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub severity: Severity,
    pub kind: RuleKind,
    pub remediation: String,
    pub description: Option<String>,
}

/// A compiled rule, ready for the engine.
#[derive(Debug)]
pub struct Rule {
    pub meta: Arc<RuleMeta>,
    pub keywords: Vec<String>,
    pub regex: Regex,
    /// Index of the `secret` capture group, or `None` for the whole match.
    pub secret_group: Option<usize>,
    pub min_entropy: Option<f64>,
    pub validator: Option<Validator>,
    pub placeholder_filter: bool,
    /// Yields to overlapping matches of non-fallback rules (see `RuleSpec`).
    pub fallback: bool,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    /// The file the rule came from, for error messages.
    pub origin: String,
}

/// Where a rule file's text came from (a built-in name or a user path).
pub struct RuleSource {
    pub origin: String,
    pub text: String,
}

impl RuleSource {
    pub fn builtin() -> Vec<RuleSource> {
        BUILTIN_RULE_FILES
            .iter()
            .map(|(name, text)| RuleSource {
                origin: format!("rules/{name} (built-in)"),
                text: (*text).to_string(),
            })
            .collect()
    }

    pub fn from_path(path: &Path) -> Result<RuleSource> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read rule file {}", path.display()))?;
        Ok(RuleSource {
            origin: path.display().to_string(),
            text,
        })
    }
}

/// Parse one rule file into specs, with the file named in any error.
pub fn parse_rule_file(source: &RuleSource) -> Result<Vec<RuleSpec>> {
    let file: RuleFile = toml::from_str(&source.text).map_err(|e| {
        anyhow::anyhow!(
            "{}: invalid rule file: {}",
            source.origin,
            e.to_string().trim_end()
        )
    })?;
    Ok(file.rule)
}

/// Compile one spec; errors name the origin and the rule id.
pub fn compile_rule(spec: RuleSpec, origin: &str) -> Result<Rule> {
    let ctx = || format!("{origin}: rule `{}`", spec.id);
    check_spec(&spec).with_context(ctx)?;
    let regex = RegexBuilder::new(spec.regex.as_deref().unwrap_or_default())
        .size_limit(16 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .with_context(|| format!("{}: invalid regex", ctx()))?;
    let secret_group = regex
        .capture_names()
        .position(|name| name == Some("secret"));
    let validator = match &spec.validate {
        Some(name) => Some(Validator::from_name(name).with_context(ctx)?),
        None => None,
    };
    Ok(Rule {
        keywords: spec.keywords.clone(),
        min_entropy: spec.min_entropy,
        placeholder_filter: spec.placeholder_filter,
        fallback: spec.fallback,
        examples: spec.examples.clone(),
        counter_examples: spec.counter_examples.clone(),
        meta: Arc::new(meta_of(spec)),
        regex,
        secret_group,
        validator,
        origin: origin.to_string(),
    })
}

fn meta_of(spec: RuleSpec) -> RuleMeta {
    RuleMeta {
        id: spec.id,
        name: spec.name,
        provider: spec.provider,
        severity: spec.severity,
        kind: spec.kind,
        remediation: spec.remediation,
        description: spec.description,
    }
}

fn check_spec(spec: &RuleSpec) -> Result<()> {
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
    if spec.kind == RuleKind::Analysis {
        if spec.regex.is_some() || !spec.keywords.is_empty() {
            bail!("an analysis rule is made by code, not a regex: remove `regex` and `keywords`");
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

/// Every rule the scan runs, built-in and user-supplied, with unique ids.
#[derive(Debug, Default)]
pub struct RuleSet {
    /// Pattern rules, run by the engine.
    pub rules: Vec<Rule>,
    /// Analysis rules: findings made by the project-binding analysis.
    pub analysis: Vec<Arc<RuleMeta>>,
}

impl RuleSet {
    /// The rules compiled into the binary.
    pub fn builtin() -> Result<RuleSet> {
        RuleSet::from_sources(&RuleSource::builtin())
    }

    pub fn from_sources(sources: &[RuleSource]) -> Result<RuleSet> {
        let mut set = RuleSet::default();
        for source in sources {
            set.add_source(source)?;
        }
        Ok(set)
    }

    /// Add a file's rules; a rule id that already exists is an error, since
    /// two rules with one id would make reports and SARIF ambiguous.
    pub fn add_source(&mut self, source: &RuleSource) -> Result<()> {
        let mut seen: HashSet<String> = self.metas().iter().map(|m| m.id.clone()).collect();
        for spec in parse_rule_file(source)? {
            if !seen.insert(spec.id.clone()) {
                bail!("{}: rule `{}` is defined twice", source.origin, spec.id);
            }
            if spec.kind == RuleKind::Analysis {
                check_spec(&spec)
                    .with_context(|| format!("{}: rule `{}`", source.origin, spec.id))?;
                self.analysis.push(Arc::new(meta_of(spec)));
            } else {
                self.rules.push(compile_rule(spec, &source.origin)?);
            }
        }
        Ok(())
    }

    /// Drop rules by id (config `[rules] disable`); unknown ids are errors so
    /// a typo doesn't silently keep a rule on.
    pub fn disable(&mut self, ids: &[String]) -> Result<()> {
        for id in ids {
            if !self.metas().iter().any(|m| &m.id == id) {
                bail!("cannot disable unknown rule `{id}`");
            }
        }
        self.rules.retain(|r| !ids.contains(&r.meta.id));
        self.analysis.retain(|m| !ids.contains(&m.id));
        Ok(())
    }

    /// Override a rule's severity (config `[rules.severity]`).
    pub fn set_severity(&mut self, id: &str, severity: Severity) -> Result<()> {
        let meta = self
            .rules
            .iter_mut()
            .map(|r| &mut r.meta)
            .chain(self.analysis.iter_mut())
            .find(|m| m.id == id)
            .ok_or_else(|| anyhow::anyhow!("unknown rule `{id}`"))?;
        Arc::make_mut(meta).severity = severity;
        Ok(())
    }

    /// Every rule's metadata: pattern rules first (so `RawMatch::rule`
    /// indexes it), then analysis rules.
    pub fn metas(&self) -> Vec<Arc<RuleMeta>> {
        self.rules
            .iter()
            .map(|r| r.meta.clone())
            .chain(self.analysis.iter().cloned())
            .collect()
    }

    /// An analysis rule's metadata, by id (None when disabled).
    pub fn analysis_rule(&self, id: &str) -> Option<Arc<RuleMeta>> {
        self.analysis.iter().find(|m| m.id == id).cloned()
    }
}
