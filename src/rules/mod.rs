//! The rule model: what a rule file says (`RuleSpec`), what the engine runs
//! (`Rule`), and loading both built-in and user rule files into a `RuleSet`.
//!
//! Rules are data (`rules/*.toml`); `build.rs` parses and checks the
//! built-in files at build time into a static table, so start-up reads no
//! TOML.  User rule files are parsed here, and anything malformed is
//! refused with an error that names the file and the rule id.

mod spec;
mod validate;

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result, bail};
use regex_automata::meta::Regex;
use regex_syntax::hir::Hir;
use serde::Serialize;

pub use spec::{Confidence, FileKind, KeywordScope, RuleKind, RuleSpec, Severity};
use spec::{RuleFile, check_spec};
pub use validate::Validator;

/// A list of texts (keywords, examples): borrowed from the static table for
/// built-in rules, owned for user rules.
pub type Texts = Cow<'static, [Cow<'static, str>]>;

/// A built-in rule as `build.rs` wrote it: a parsed and checked `RuleSpec`
/// (regex syntax included), as static data.
struct BuiltinRule {
    id: &'static str,
    name: &'static str,
    provider: &'static str,
    severity: Severity,
    confidence: Confidence,
    kind: RuleKind,
    /// Made by the credential-file extractor, never run by the engine.
    extractor: bool,
    keywords: &'static [Cow<'static, str>],
    keyword_scope: KeywordScope,
    regex: &'static str,
    min_entropy: Option<f64>,
    validate: Option<&'static str>,
    placeholder_filter: bool,
    fallback: bool,
    examples: &'static [Cow<'static, str>],
    counter_examples: &'static [Cow<'static, str>],
    file_kinds: Option<&'static [FileKind]>,
    remediation: &'static str,
    description: Option<&'static str>,
    origin: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

impl BuiltinRule {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            id: self.id.to_string(),
            name: self.name.to_string(),
            provider: self.provider.to_string(),
            severity: self.severity,
            confidence: self.confidence,
            kind: self.kind,
            remediation: self.remediation.to_string(),
            description: self.description.map(str::to_string),
        }
    }
}

/// What reports need to know about a rule, shared by every finding of it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub kind: RuleKind,
    pub remediation: String,
    pub description: Option<String>,
}

/// A rule, ready for the engine.
#[derive(Debug)]
pub struct Rule {
    pub meta: Arc<RuleMeta>,
    pub keywords: Texts,
    /// The regex as written; parsed (`shape`) and compiled (`compiled`) on
    /// first use: a scan parses and compiles only the rules whose keywords
    /// occur, so start-up stays small however many rules exist.
    pattern: Cow<'static, str>,
    shape: OnceLock<Shape>,
    compiled: OnceLock<Compiled>,
    pub keyword_scope: KeywordScope,
    pub min_entropy: Option<f64>,
    pub validator: Option<Validator>,
    pub placeholder_filter: bool,
    /// Yields to overlapping matches of non-fallback rules (see `RuleSpec`).
    pub fallback: bool,
    pub examples: Texts,
    pub counter_examples: Texts,
    /// Only in files of these kinds (`RuleSpec::file_kinds`); every file if `None`.
    pub file_kinds: Option<Cow<'static, [FileKind]>>,
    /// The file the rule came from, for error messages.
    pub origin: Cow<'static, str>,
}

/// Where the engine searches for a rule's matches, read off its regex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchScope {
    /// The whole buffer: its keywords may lie outside its matches
    /// (`KeywordScope::File`), or a match may span lines.
    Buffer,
    /// Its keywords are part of its matches (`KeywordScope::Line`) and no
    /// match spans a line break (`matches_within_a_line`): the engine runs
    /// the regex only on the lines where a keyword occurs.
    KeywordLines,
    /// Line-local, and every match starts at a line start (`(?m)^…`): the
    /// engine tries it only there, anchored, so a line that can't match
    /// costs a few bytes rather than a scan of the whole line.
    LineStarts,
    /// Line-local, and every match starts with one of its keywords
    /// (`starts_with_a_keyword`): the engine tries it only at its keyword
    /// hits, anchored.
    KeywordHits,
}

/// A rule's parsed regex and where the engine searches for it.
#[derive(Debug)]
struct Shape {
    hir: Hir,
    scope: SearchScope,
}

/// Parse `pattern` and derive where it is searched.
fn shape_of(pattern: &str, keywords: &[Cow<'_, str>], scope: KeywordScope) -> Result<Shape> {
    let hir = parse_pattern(pattern)?;
    let line_local =
        scope == KeywordScope::Line && !pattern.is_empty() && matches_within_a_line(&hir);
    let scope = if !line_local {
        SearchScope::Buffer
    } else if starts_at_a_line_start(&hir) {
        SearchScope::LineStarts
    } else if starts_with_a_keyword(&hir, keywords) {
        SearchScope::KeywordHits
    } else {
        SearchScope::KeywordLines
    };
    Ok(Shape { hir, scope })
}

/// A rule's regex, compiled.
#[derive(Debug)]
pub struct Compiled {
    pub regex: Regex,
    /// Index of the `secret` capture group, or `None` for the whole match.
    pub secret_group: Option<usize>,
    /// Index of the `name` capture group (the key a value is assigned to,
    /// for the `secret-assignment` validator's name check), if any.
    pub name_group: Option<usize>,
}

impl Rule {
    /// Whether the rule runs in a file of `kind`.
    pub fn runs_in(&self, kind: FileKind) -> bool {
        self.file_kinds
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&kind))
    }
}

impl Rule {
    /// A built-in rule: nothing parsed or compiled yet.
    fn builtin(spec: &'static BuiltinRule) -> Result<Rule> {
        let validator = match spec.validate {
            Some(name) => Some(
                Validator::from_name(name)
                    .with_context(|| format!("{}: rule `{}`", spec.origin, spec.id))?,
            ),
            None => None,
        };
        Ok(Rule {
            meta: Arc::new(spec.meta()),
            keywords: Cow::Borrowed(spec.keywords),
            pattern: Cow::Borrowed(spec.regex),
            shape: OnceLock::new(),
            compiled: OnceLock::new(),
            keyword_scope: spec.keyword_scope,
            min_entropy: spec.min_entropy,
            validator,
            placeholder_filter: spec.placeholder_filter,
            fallback: spec.fallback,
            examples: Cow::Borrowed(spec.examples),
            counter_examples: Cow::Borrowed(spec.counter_examples),
            file_kinds: spec.file_kinds.map(Cow::Borrowed),
            origin: Cow::Borrowed(spec.origin),
        })
    }

    /// The parsed regex and its plan flags.  User rules are parsed when
    /// loaded (`compile_rule`), so their errors surface there; built-in
    /// regexes were parsed by `build.rs`, so parsing them again can't fail.
    fn shape(&self) -> &Shape {
        self.shape.get_or_init(|| {
            shape_of(&self.pattern, &self.keywords, self.keyword_scope)
                .expect("build.rs parses every built-in regex")
        })
    }

    /// Where the engine searches for this rule's matches.
    pub fn search_scope(&self) -> SearchScope {
        self.shape().scope
    }

    /// Searched only on lines (any scope but `Buffer`).
    pub fn line_local(&self) -> bool {
        self.search_scope() != SearchScope::Buffer
    }

    /// See `SearchScope::LineStarts`.
    pub fn line_anchored(&self) -> bool {
        self.search_scope() == SearchScope::LineStarts
    }

    /// See `SearchScope::KeywordHits`.
    pub fn keyword_anchored(&self) -> bool {
        self.search_scope() == SearchScope::KeywordHits
    }

    /// The compiled regex.  Built-in rules compile on first use
    /// (`tests/rule_examples.rs` compiles them all); user rules are
    /// compiled when loaded, so every error surfaces there with the file
    /// and rule id.
    pub fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| {
            let shape = self.shape();
            compile_hir(&shape.hir).expect("built-in rules are compiled by the tests")
        })
    }
}

/// Compiled as `regex::bytes::Regex` compiles (leftmost-first, no UTF-8
/// requirement), but with `regex-automata`'s API, whose searches take a
/// span of the haystack and still see the bytes around it (`\b`, `^`):
/// the engine searches windows of a buffer, not copies of them.
///
/// `hir` is the pattern as `parse_pattern` parsed it.  Captures are read
/// only on a match, so no one-pass DFA is built for them (start-up time).
/// Every rule gets a prefilter, even one searched only anchored elsewhere:
/// on a line with many keyword hits the engine searches it unanchored
/// (`RegexSearcher::run_at_keyword_hits`), and without a prefilter that
/// search made the keyword-dense bench tree 15% slower.
fn compile_hir(hir: &Hir) -> Result<Compiled> {
    let regex = Regex::builder()
        .configure(
            Regex::config()
                .utf8_empty(false)
                .nfa_size_limit(Some(16 << 20))
                .hybrid_cache_capacity(16 << 20)
                .onepass(false),
        )
        .build_from_hir(hir)?;
    let group = |wanted: &str| {
        regex
            .group_info()
            .pattern_names(regex_automata::PatternID::ZERO)
            .position(|name| name == Some(wanted))
    };
    let (secret_group, name_group) = (group("secret"), group("name"));
    Ok(Compiled {
        regex,
        secret_group,
        name_group,
    })
}

/// Parse a rule's regex as `regex::bytes` would (Unicode on unless `(?-u)`,
/// no UTF-8 requirement on what it matches).
fn parse_pattern(pattern: &str) -> Result<Hir> {
    Ok(regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(pattern)?)
}

/// Where a rule file's text came from (a built-in name or a user path).
pub struct RuleSource {
    pub origin: String,
    pub text: String,
    /// Compile regexes at load (user files) rather than on first use.
    pub eager: bool,
}

impl RuleSource {
    pub fn from_path(path: &Path) -> Result<RuleSource> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read rule file {}", path.display()))?;
        Ok(RuleSource {
            origin: path.display().to_string(),
            text,
            eager: true,
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

/// Check one spec and compile it (now, or on first use unless `eager`);
/// errors name the origin and the rule id.
pub fn compile_rule(spec: RuleSpec, origin: &str, eager: bool) -> Result<Rule> {
    let ctx = || format!("{origin}: rule `{}`", spec.id);
    check_spec(&spec).with_context(ctx)?;
    let pattern = spec.regex.clone().unwrap_or_default();
    let keywords: Texts = spec.keywords.iter().cloned().map(Cow::Owned).collect();
    // Parsing is cheap next to compiling: always parse (syntax errors and
    // line locality), compile now only if `eager`.
    let shape = shape_of(&pattern, &keywords, spec.keyword_scope)
        .with_context(|| format!("{}: invalid regex", ctx()))?;
    let validator = match &spec.validate {
        Some(name) => Some(Validator::from_name(name).with_context(ctx)?),
        None => None,
    };
    let compiled = OnceLock::new();
    if eager {
        let built = compile_hir(&shape.hir).with_context(|| format!("{}: invalid regex", ctx()))?;
        compiled.set(built).expect("a fresh cell is empty");
    }
    let owned = |texts: &[String]| -> Texts { texts.iter().cloned().map(Cow::Owned).collect() };
    Ok(Rule {
        keywords,
        keyword_scope: spec.keyword_scope,
        min_entropy: spec.min_entropy,
        placeholder_filter: spec.placeholder_filter,
        fallback: spec.fallback,
        examples: owned(&spec.examples),
        counter_examples: owned(&spec.counter_examples),
        file_kinds: spec.file_kinds.clone().map(Cow::Owned),
        pattern: Cow::Owned(pattern),
        shape: OnceLock::from(shape),
        compiled,
        validator,
        origin: Cow::Owned(origin.to_string()),
        meta: Arc::new(meta_of(spec)),
    })
}

/// Whether every match of `hir` lies within one line, give or take the
/// `\n` on either side: it may consume a `\n` only as its first or last
/// byte (a one-byte boundary like `(?:^|[^A-Za-z0-9])` at either end).  Such
/// a rule needs to run only around the lines where its keywords occur.
fn matches_within_a_line(hir: &Hir) -> bool {
    use regex_syntax::hir::HirKind;
    let edge = |part: &Hir| !consumes_newline(part) || at_most_one_char(part);
    match hir.kind() {
        HirKind::Capture(capture) => matches_within_a_line(&capture.sub),
        HirKind::Concat(parts) => parts.iter().enumerate().all(|(i, part)| {
            if i == 0 || i == parts.len() - 1 {
                edge(part)
            } else {
                !consumes_newline(part)
            }
        }),
        _ => edge(hir),
    }
}

/// Whether every match of `hir` starts with one of `keywords` (ASCII
/// case-insensitively), judged from the literal prefixes the regex allows.
fn starts_with_a_keyword(hir: &Hir, keywords: &[impl AsRef<str>]) -> bool {
    let keywords: Vec<Vec<u8>> = keywords
        .iter()
        .map(|k| k.as_ref().to_ascii_lowercase().into_bytes())
        .collect();
    match literal_prefixes(hir) {
        Some(prefixes) => prefixes
            .iter()
            .all(|p| keywords.iter().any(|k| p.bytes.starts_with(k))),
        None => false,
    }
}

/// A literal every match of some branch of a regex starts with (ASCII
/// lowercase); `exact` if the branch matches exactly it.
#[derive(Clone, PartialEq, Eq)]
struct Prefix {
    bytes: Vec<u8>,
    exact: bool,
}

/// More prefixes than this and the analysis gives up (the rule then runs
/// on whole lines, which is always correct).
const MAX_PREFIXES: usize = 256;

/// The literal prefixes of `hir`, case-folded: every match starts with one
/// of them.  `None` where that can't be told (a large class, an unbounded
/// repetition of nothing-in-particular, too many combinations).
fn literal_prefixes(hir: &Hir) -> Option<Vec<Prefix>> {
    use regex_syntax::hir::HirKind;
    let exact = |bytes: Vec<u8>| Prefix { bytes, exact: true };
    let set = match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => vec![exact(Vec::new())],
        HirKind::Literal(literal) => vec![exact(literal.0.to_ascii_lowercase())],
        HirKind::Class(_) => folded_class(hir)?
            .into_iter()
            .map(|b| exact(vec![b]))
            .collect(),
        HirKind::Capture(capture) => literal_prefixes(&capture.sub)?,
        HirKind::Alternation(parts) => {
            let mut all = Vec::new();
            for part in parts {
                all.extend(literal_prefixes(part)?);
            }
            all
        }
        HirKind::Repetition(rep) if rep.min == 0 && rep.max == Some(1) => {
            let mut all = literal_prefixes(&rep.sub)?;
            all.push(exact(Vec::new()));
            all
        }
        HirKind::Repetition(rep) if rep.min >= 1 => literal_prefixes(&rep.sub)?
            .into_iter()
            .map(|p| Prefix { exact: false, ..p })
            .collect(),
        HirKind::Repetition(_) => return None,
        HirKind::Concat(parts) => {
            let mut acc = vec![exact(Vec::new())];
            for part in parts {
                if acc.iter().all(|p| !p.exact) {
                    break;
                }
                let Some(next) = literal_prefixes(part) else {
                    // The literal so far is still a prefix, just not exact.
                    acc.iter_mut().for_each(|p| p.exact = false);
                    break;
                };
                let mut joined = Vec::new();
                for p in &acc {
                    if !p.exact {
                        joined.push(p.clone());
                        continue;
                    }
                    for n in &next {
                        let mut bytes = p.bytes.clone();
                        bytes.extend_from_slice(&n.bytes);
                        joined.push(Prefix {
                            bytes,
                            exact: n.exact,
                        });
                    }
                }
                if joined.len() > MAX_PREFIXES {
                    acc.iter_mut().for_each(|p| p.exact = false);
                    break;
                }
                acc = joined;
            }
            acc
        }
    };
    let mut set = set;
    set.dedup();
    (set.len() <= MAX_PREFIXES).then_some(set)
}

/// The ASCII-lowercased bytes a small class matches (`[Pp]`, `[_.-]`), or
/// `None` for a large or non-ASCII class.
fn folded_class(hir: &Hir) -> Option<Vec<u8>> {
    use regex_syntax::hir::{Class, HirKind};
    let mut bytes: Vec<u8> = match hir.kind() {
        HirKind::Class(Class::Bytes(class)) => {
            let count: usize = class.ranges().iter().map(|r| r.len()).sum();
            if count > 8 {
                return None;
            }
            class.iter().flat_map(|r| r.start()..=r.end()).collect()
        }
        HirKind::Class(Class::Unicode(class)) => {
            let mut out = Vec::new();
            for range in class.ranges() {
                for c in range.start()..=range.end() {
                    if !c.is_ascii() || out.len() >= 8 {
                        return None;
                    }
                    out.push(c as u8);
                }
            }
            out
        }
        _ => return None,
    };
    bytes.iter_mut().for_each(|b| *b = b.to_ascii_lowercase());
    bytes.sort_unstable();
    bytes.dedup();
    Some(bytes)
}

/// Whether every match of `hir` starts with `(?m)^`.
fn starts_at_a_line_start(hir: &Hir) -> bool {
    use regex_syntax::hir::{HirKind, Look};
    match hir.kind() {
        HirKind::Look(look) => matches!(look, Look::StartLF),
        HirKind::Capture(capture) => starts_at_a_line_start(&capture.sub),
        HirKind::Concat(parts) => parts.first().is_some_and(starts_at_a_line_start),
        HirKind::Alternation(parts) => parts.iter().all(starts_at_a_line_start),
        _ => false,
    }
}

/// Whether `hir` consumes at most one character (so a `\n` it consumes is
/// all it consumes).
fn at_most_one_char(hir: &Hir) -> bool {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) | HirKind::Class(_) => true,
        HirKind::Literal(literal) => literal.0.len() <= 1,
        HirKind::Capture(capture) => at_most_one_char(&capture.sub),
        HirKind::Alternation(parts) => parts.iter().all(at_most_one_char),
        HirKind::Repetition(repetition) => {
            repetition.max == Some(1) && at_most_one_char(&repetition.sub)
        }
        HirKind::Concat(_) => false,
    }
}

/// Whether `hir` can consume a `\n` byte anywhere.
fn consumes_newline(hir: &Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(literal) => literal.0.contains(&b'\n'),
        HirKind::Class(Class::Bytes(class)) => class
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).contains(&b'\n')),
        HirKind::Class(Class::Unicode(class)) => class
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).contains(&'\n')),
        HirKind::Repetition(repetition) => consumes_newline(&repetition.sub),
        HirKind::Capture(capture) => consumes_newline(&capture.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().any(consumes_newline),
    }
}

fn meta_of(spec: RuleSpec) -> RuleMeta {
    RuleMeta {
        id: spec.id,
        name: spec.name,
        provider: spec.provider,
        severity: spec.severity,
        confidence: spec.confidence.unwrap_or(Confidence::Medium),
        kind: spec.kind,
        remediation: spec.remediation,
        description: spec.description,
    }
}

/// Every rule the scan runs, built-in and user-supplied, with unique ids.
#[derive(Debug, Default)]
pub struct RuleSet {
    /// Pattern rules, run by the engine.
    pub rules: Vec<Rule>,
    /// Analysis rules: findings made by the project-binding analysis.
    pub analysis: Vec<Arc<RuleMeta>>,
    /// Extractor rules: findings made by the credential-file extractor.
    pub extracted: Vec<Arc<RuleMeta>>,
}

impl RuleSet {
    /// The rules compiled into the binary (parsed, checked and their ids
    /// made unique by `build.rs`): no regex is parsed or compiled yet.
    pub fn builtin() -> Result<RuleSet> {
        let mut set = RuleSet::default();
        for spec in BUILTIN_RULES {
            if spec.extractor {
                set.extracted.push(Arc::new(spec.meta()));
            } else if spec.kind == RuleKind::Analysis {
                set.analysis.push(Arc::new(spec.meta()));
            } else {
                set.rules.push(Rule::builtin(spec)?);
            }
        }
        Ok(set)
    }

    pub fn from_sources(sources: &[RuleSource]) -> Result<RuleSet> {
        let mut set = RuleSet::default();
        set.add_sources(sources)?;
        Ok(set)
    }

    /// Add a file's rules; a rule id that already exists is an error, since
    /// two rules with one id would make reports and SARIF ambiguous.
    pub fn add_source(&mut self, source: &RuleSource) -> Result<()> {
        self.add_sources(std::slice::from_ref(source))
    }

    /// Add several files' rules, with one set of the ids seen (built once:
    /// per file it made loading 775 provider files quadratic).
    pub fn add_sources(&mut self, sources: &[RuleSource]) -> Result<()> {
        let mut seen: HashSet<String> = self
            .rules
            .iter()
            .map(|r| &r.meta)
            .chain(&self.analysis)
            .chain(&self.extracted)
            .map(|m| m.id.clone())
            .collect();
        for source in sources {
            for spec in parse_rule_file(source)? {
                if !seen.insert(spec.id.clone()) {
                    bail!("{}: rule `{}` is defined twice", source.origin, spec.id);
                }
                if spec.kind == RuleKind::Analysis || spec.extractor {
                    check_spec(&spec)
                        .with_context(|| format!("{}: rule `{}`", source.origin, spec.id))?;
                    let list = if spec.extractor {
                        &mut self.extracted
                    } else {
                        &mut self.analysis
                    };
                    list.push(Arc::new(meta_of(spec)));
                } else {
                    self.rules
                        .push(compile_rule(spec, &source.origin, source.eager)?);
                }
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
        self.extracted.retain(|m| !ids.contains(&m.id));
        Ok(())
    }

    /// Override a rule's severity (config `[rules.severity]`).
    pub fn set_severity(&mut self, id: &str, severity: Severity) -> Result<()> {
        let meta = self
            .rules
            .iter_mut()
            .map(|r| &mut r.meta)
            .chain(self.analysis.iter_mut())
            .chain(self.extracted.iter_mut())
            .find(|m| m.id == id)
            .ok_or_else(|| anyhow::anyhow!("unknown rule `{id}`"))?;
        Arc::make_mut(meta).severity = severity;
        Ok(())
    }

    /// Every rule's metadata: pattern rules first (so `RawMatch::rule`
    /// indexes it), then analysis rules, then extractor rules.
    pub fn metas(&self) -> Vec<Arc<RuleMeta>> {
        self.rules
            .iter()
            .map(|r| r.meta.clone())
            .chain(self.analysis.iter().cloned())
            .chain(self.extracted.iter().cloned())
            .collect()
    }

    /// An analysis rule's metadata, by id (None when disabled).
    pub fn analysis_rule(&self, id: &str) -> Option<Arc<RuleMeta>> {
        self.analysis.iter().find(|m| m.id == id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hir(pattern: &str) -> Hir {
        parse_pattern(pattern).unwrap()
    }

    fn keywords(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn a_match_may_take_a_newline_only_at_its_edges_to_be_line_local() {
        assert!(matches_within_a_line(&hir(r"(?-u)\bsk-[A-Za-z0-9]{20}\b")));
        assert!(matches_within_a_line(&hir(
            r"(?:^|[^A-Za-z0-9])key_[a-z0-9]{8}(?:[^A-Za-z0-9]|$)"
        )));
        assert!(matches_within_a_line(&hir(r"(?m)^PASS=(?P<s>[^\s]+)$")));
        assert!(!matches_within_a_line(&hir(r"BEGIN\n[a-z]+\nEND")));
        assert!(!matches_within_a_line(&hir(r"password[ \t\r\n]+(\S+)")));
        assert!(!matches_within_a_line(&hir(r"a[^x]{2}b")));
    }

    #[test]
    fn line_anchored_means_every_branch_starts_with_a_multiline_caret() {
        assert!(starts_at_a_line_start(&hir(r"(?m)^[ \t]*PASS=(\w+)")));
        assert!(!starts_at_a_line_start(&hir(r"^PASS=(\w+)")));
        assert!(!starts_at_a_line_start(&hir(r"(?m)PASS=^")));
        assert!(!starts_at_a_line_start(&hir(r"(?m)^a|b")));
    }

    #[test]
    fn keyword_anchored_means_every_literal_prefix_starts_with_a_keyword() {
        let generic = keywords(&[
            "password", "passwd", "api_key", "api-key", "api.key", "apikey",
        ]);
        let pattern = r"(?-u)(?i:passw(?:or)?d|api[_.-]?key)[ \t]*=[ \t]*(\S+)";
        assert!(starts_with_a_keyword(&hir(pattern), &generic));
        // A spelling the keywords miss (`api key` is not among them).
        let missing = keywords(&["password", "passwd", "api_key", "apikey"]);
        assert!(!starts_with_a_keyword(&hir(pattern), &missing));
        assert!(starts_with_a_keyword(
            &hir(r"(?-u:\b)(?P<secret>sk-proj-[A-Za-z0-9]{20})"),
            &keywords(&["sk-proj-"])
        ));
        // The keyword is inside the match, not at its start.
        assert!(!starts_with_a_keyword(
            &hir(r"client[_.-]?secret=(\S+)"),
            &keywords(&["secret"])
        ));
        // A leading boundary class can be anything: no literal prefix.
        assert!(!starts_with_a_keyword(
            &hir(r"(?:^|[^A-Za-z0-9])key_[a-z0-9]{8}"),
            &keywords(&["key_"])
        ));
    }

    #[test]
    fn literal_prefixes_fold_case_and_stop_at_unknown_parts() {
        let prefixes = literal_prefixes(&hir(r"(?i)ab[_-]?c[0-9]+")).unwrap();
        let mut bytes: Vec<String> = prefixes
            .iter()
            .map(|p| String::from_utf8(p.bytes.clone()).unwrap())
            .collect();
        bytes.sort();
        assert_eq!(bytes, ["ab-c", "ab_c", "abc"]);
        assert!(prefixes.iter().all(|p| !p.exact));
        // Nothing known: the empty prefix, and not exact.
        let unknown = literal_prefixes(&hir(r"[a-z]+x")).unwrap();
        assert!(unknown.len() == 1 && unknown[0].bytes.is_empty() && !unknown[0].exact);
    }
}
