//! The matcher: bytes in, matches out.  It never knows where the bytes came
//! from (a file, a git blob, standard input).
//!
//! Speed comes from doing little: one Aho-Corasick pass finds every rule
//! keyword (ASCII case-insensitive); only rules whose keyword occurred run
//! their `regex::bytes` regex (linear time, no ReDoS); the candidate secret
//! then has to pass the entropy, placeholder and checksum filters.

pub mod entropy;
pub mod noise;
pub mod position;

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use anyhow::{Context, Result};

use std::sync::Arc;

use crate::rules::{Rule, RuleMeta, RuleSet};

/// One accepted match, as byte offsets into the scanned buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMatch {
    /// Index into `Engine::rules()`.
    pub rule: usize,
    /// The secret (the rule's `secret` group, or the whole match).
    pub secret: Range<usize>,
}

pub struct Engine {
    rules: RuleSet,
    metas: Vec<Arc<RuleMeta>>,
    keywords: AhoCorasick,
    /// For each keyword pattern, the rules it triggers.
    rules_by_keyword: Vec<Vec<usize>>,
    /// Rules without keywords: they run on every buffer.
    always_run: Vec<usize>,
}

impl Engine {
    pub fn new(rules: RuleSet) -> Result<Engine> {
        let mut patterns: Vec<String> = Vec::new();
        let mut rules_by_keyword: Vec<Vec<usize>> = Vec::new();
        let mut always_run = Vec::new();
        for (index, rule) in rules.rules.iter().enumerate() {
            if rule.keywords.is_empty() {
                always_run.push(index);
            }
            for keyword in &rule.keywords {
                let folded = keyword.to_ascii_lowercase();
                match patterns.iter().position(|p| *p == folded) {
                    Some(existing) => rules_by_keyword[existing].push(index),
                    None => {
                        patterns.push(folded);
                        rules_by_keyword.push(vec![index]);
                    }
                }
            }
        }
        // A full DFA, not the default contiguous NFA the builder picks for
        // 200+ patterns: it costs ~600 KB once and makes the overlapping pass
        // ~3x faster on keyword-dense text (bench/RESULTS.md, session 2).
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .context("cannot build the keyword automaton")?;
        Ok(Engine {
            metas: rules.metas(),
            rules,
            keywords,
            rules_by_keyword,
            always_run,
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules.rules
    }

    /// Report-facing metadata, indexed like `rules()` (and `RawMatch::rule`).
    pub fn metas(&self) -> &[Arc<RuleMeta>] {
        &self.metas
    }

    pub fn rule_set(&self) -> &RuleSet {
        &self.rules
    }

    /// Find every accepted match in `haystack`, sorted by position.
    pub fn find(&self, haystack: &[u8]) -> Vec<RawMatch> {
        let triggered = self.triggered_rules(haystack);
        let mut found = Vec::new();
        let mut claimed = Vec::new();
        for rule_index in triggered {
            self.run_rule(rule_index, haystack, &mut found, &mut claimed);
        }
        self.drop_shadowed_fallbacks(&mut found, claimed);
        found.sort_by_key(|m| (m.secret.start, m.rule));
        found
    }

    /// A fallback rule's match that overlaps a specific rule's match is the
    /// same leak seen twice: keep only the specific one.  Values a specific
    /// rule's regex matched but whose checksum failed (`claimed`, e.g. a
    /// `ghp_` token with a bad CRC: a typo'd or made-up test value) are not
    /// the fallback's to report either.
    fn drop_shadowed_fallbacks(&self, found: &mut Vec<RawMatch>, claimed: Vec<Range<usize>>) {
        let rules = &self.rules.rules;
        if !found.iter().any(|m| rules[m.rule].fallback) {
            return;
        }
        let mut specific = claimed;
        specific.extend(
            found
                .iter()
                .filter(|m| !rules[m.rule].fallback)
                .map(|m| m.secret.clone()),
        );
        found.retain(|m| {
            !rules[m.rule].fallback
                || !specific
                    .iter()
                    .any(|s| s.start < m.secret.end && m.secret.start < s.end)
        });
    }

    /// Which rules must run: one overlapping keyword pass (overlapping, so a
    /// short keyword like `sk-` can't hide a longer one like `sk-proj-`).
    fn triggered_rules(&self, haystack: &[u8]) -> Vec<usize> {
        let rule_count = self.rules.rules.len();
        let mut triggered = vec![false; rule_count];
        let mut remaining = rule_count - self.always_run.len();
        for &index in &self.always_run {
            triggered[index] = true;
        }
        if remaining > 0 {
            let mut keyword_seen = vec![false; self.rules_by_keyword.len()];
            for hit in self.keywords.find_overlapping_iter(haystack) {
                let pattern = hit.pattern().as_usize();
                if std::mem::replace(&mut keyword_seen[pattern], true) {
                    continue;
                }
                for &rule in &self.rules_by_keyword[pattern] {
                    if !std::mem::replace(&mut triggered[rule], true) {
                        remaining -= 1;
                    }
                }
                if remaining == 0 {
                    break;
                }
            }
        }
        (0..rule_count).filter(|&i| triggered[i]).collect()
    }

    /// Run one rule; accepted secrets go to `found`, and candidates of a
    /// non-fallback rule that failed its checksum to `claimed` (see
    /// `drop_shadowed_fallbacks`).
    fn run_rule(
        &self,
        rule_index: usize,
        haystack: &[u8],
        found: &mut Vec<RawMatch>,
        claimed: &mut Vec<Range<usize>>,
    ) {
        let rule = &self.rules.rules[rule_index];
        let mut last_end = 0;
        let compiled = rule.compiled();
        for caps in compiled.regex.captures_iter(haystack) {
            let span = match compiled.secret_group {
                Some(group) => caps.get(group),
                None => caps.get(0),
            };
            let Some(span) = span else { continue };
            // A secret already reported by this rule (overlapping alternatives).
            if span.start() < last_end {
                continue;
            }
            if accept_secret(rule, span.as_bytes()) {
                last_end = span.end();
                found.push(RawMatch {
                    rule: rule_index,
                    secret: span.range(),
                });
            } else if !rule.fallback
                && rule
                    .validator
                    .is_some_and(|v| v.is_checksum() && !v.accepts(span.as_bytes()))
            {
                claimed.push(span.range());
            }
        }
    }
}

/// The filters every candidate passes after its regex matched.
pub fn accept_secret(rule: &Rule, secret: &[u8]) -> bool {
    if secret.is_empty() {
        return false;
    }
    if let Some(min) = rule.min_entropy
        && entropy::shannon(secret) < min
    {
        return false;
    }
    if rule.placeholder_filter && noise::looks_like_placeholder(secret) {
        return false;
    }
    if let Some(validator) = rule.validator
        && !validator.accepts(secret)
    {
        return false;
    }
    true
}

/// Result of running one rule over its own examples and counter-examples.
#[derive(Debug)]
pub struct ExampleFailure {
    pub rule_id: String,
    pub origin: String,
    pub example: String,
    /// true: an example that should match did not; false: a counter-example matched.
    pub missed: bool,
}

/// Check every rule's examples (must match) and counter-examples (must not),
/// running each rule alone through the real engine path, prefilter included.
pub fn check_examples(rules: RuleSet) -> Result<Vec<ExampleFailure>> {
    let engine = Engine::new(rules)?;
    let mut failures = Vec::new();
    for (index, rule) in engine.rules().iter().enumerate() {
        let matches_rule =
            |text: &str| engine.find(text.as_bytes()).iter().any(|m| m.rule == index);
        let mut record = |example: &String, missed: bool| {
            failures.push(ExampleFailure {
                rule_id: rule.meta.id.clone(),
                origin: rule.origin.clone(),
                example: example.clone(),
                missed,
            })
        };
        for example in &rule.examples {
            if !matches_rule(example) {
                record(example, true);
            }
        }
        for counter in &rule.counter_examples {
            if matches_rule(counter) {
                record(counter, false);
            }
        }
    }
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSource;

    const RULES: &str = r#"
[[rule]]
id = "specific"
name = "specific"
provider = "t"
severity = "high"
keywords = ["tok_"]
regex = '''(?P<secret>tok_[A-Za-z0-9]{36})'''
validate = "github-crc32"
remediation = "r"

[[rule]]
id = "generic"
name = "generic"
provider = "t"
severity = "low"
fallback = true
keywords = ["token"]
regex = '''token = "(?P<secret>[A-Za-z0-9_]{8,})"'''
remediation = "r"
"#;

    const TOK: &str = "tok_FAKEA9B0V7E043Vx5PQzZKmvGZPl8M1qD8mX";

    fn engine() -> Engine {
        let source = RuleSource {
            origin: "test".into(),
            text: RULES.into(),
            eager: true,
        };
        Engine::new(RuleSet::from_sources(&[source]).unwrap()).unwrap()
    }

    fn ids(engine: &Engine, text: &str) -> Vec<String> {
        engine
            .find(text.as_bytes())
            .iter()
            .map(|m| engine.metas()[m.rule].id.clone())
            .collect()
    }

    #[test]
    fn a_fallback_match_yields_to_an_overlapping_specific_match() {
        let engine = engine();
        assert_eq!(ids(&engine, &format!(r#"token = "{TOK}""#)), ["specific"]);
        assert_eq!(ids(&engine, r#"token = "q8w3k5z1v7""#), ["generic"]);
        assert_eq!(
            ids(&engine, &format!("token = \"q8w3k5z1v7\"\nother {TOK}")),
            ["generic", "specific"]
        );
        // A value that fails the specific rule's checksum is no one's.
        let bad = TOK.replace("8mX", "8mY");
        assert!(ids(&engine, &format!(r#"token = "{bad}""#)).is_empty());
    }
}
