//! The matcher: bytes in, matches out.  It never knows where the bytes came
//! from (a file, a git blob, standard input).
//!
//! Speed comes from doing little: one Aho-Corasick pass finds every rule
//! keyword (ASCII case-insensitive); only rules whose keyword occurred run
//! their regex (linear time, no ReDoS), and single-line rules only on the
//! lines holding their keywords; the candidate secret then has to pass the
//! entropy, placeholder and checksum filters.

pub mod entropy;
pub mod noise;
pub mod position;

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use anyhow::{Context, Result};
use regex_automata::Input;

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
        let mut found = Vec::new();
        let mut claimed = Vec::new();
        for (rule_index, reach) in self.plan(haystack) {
            let whole = 0..haystack.len();
            let windows = match &reach {
                Reach::Whole => std::slice::from_ref(&whole),
                Reach::Lines(lines) => &lines[..],
            };
            self.run_rule(rule_index, haystack, windows, &mut found, &mut claimed);
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

    /// Which rules must run, and where, from one overlapping keyword pass
    /// (overlapping, so a short keyword like `sk-` can't hide a longer one
    /// like `sk-proj-`).  A line-local rule runs only on the lines holding
    /// one of its keywords: in keyword-dense text that is a fraction of the
    /// buffer, and its regex (often a case-insensitive `password|secret|…`
    /// with no literal prefix to skip ahead on) is the costly part.
    fn plan(&self, haystack: &[u8]) -> Vec<(usize, Reach)> {
        let rules = &self.rules.rules;
        let mut whole = vec![false; rules.len()];
        let mut lines: Vec<Vec<Range<usize>>> = vec![Vec::new(); rules.len()];
        for &index in &self.always_run {
            whole[index] = true;
        }
        let mut hit_line: Range<usize> = 0..0;
        for hit in self.keywords.find_overlapping_iter(haystack) {
            for &rule in &self.rules_by_keyword[hit.pattern().as_usize()] {
                if whole[rule] {
                    continue;
                }
                if !rules[rule].line_local {
                    whole[rule] = true;
                    continue;
                }
                // Hits arrive ordered by their end, and no keyword holds a
                // `\n`, so their lines arrive in order too.
                if hit.start() < hit_line.start || hit.end() > hit_line.end {
                    hit_line = line_around(haystack, hit.range());
                }
                add_window(&mut lines[rule], &hit_line);
            }
        }
        let mut plan = Vec::new();
        for (index, windows) in lines.into_iter().enumerate() {
            if whole[index] {
                plan.push((index, Reach::Whole));
            } else if !windows.is_empty() {
                plan.push((index, Reach::Lines(windows)));
            }
        }
        plan
    }

    /// Run one rule; accepted secrets go to `found`, and candidates of a
    /// non-fallback rule that failed its checksum to `claimed` (see
    /// `drop_shadowed_fallbacks`).
    fn run_rule(
        &self,
        rule_index: usize,
        haystack: &[u8],
        windows: &[Range<usize>],
        found: &mut Vec<RawMatch>,
        claimed: &mut Vec<Range<usize>>,
    ) {
        let rule = &self.rules.rules[rule_index];
        let mut last_end = 0;
        let compiled = rule.compiled();
        for window in windows {
            let input = Input::new(haystack).range(window.clone());
            for caps in compiled.regex.captures_iter(input) {
                let span = match compiled.secret_group {
                    Some(group) => caps.get_group(group),
                    None => caps.get_match().map(|m| m.span()),
                };
                let Some(span) = span else { continue };
                let secret = span.range();
                // A secret already reported by this rule (overlapping
                // alternatives, or the same line reached by two windows).
                if secret.start < last_end {
                    continue;
                }
                let bytes = &haystack[secret.clone()];
                if accept_secret(rule, bytes) {
                    last_end = secret.end;
                    found.push(RawMatch {
                        rule: rule_index,
                        secret,
                    });
                } else if !rule.fallback
                    && rule
                        .validator
                        .is_some_and(|v| v.is_checksum() && !v.accepts(bytes))
                {
                    claimed.push(secret);
                }
            }
        }
    }
}

/// Where a triggered rule runs.
enum Reach {
    Whole,
    /// Whole lines with the `\n` on either side, in order, not overlapping.
    Lines(Vec<Range<usize>>),
}

/// Windows closer than this are searched as one.  0 measured fastest on
/// the keyword-dense bench tree (0.59 s against 0.66 s at 64 and 0.76 s at
/// 1024): a regex call costs less than the keyword-free lines a merge
/// would add.
const WINDOW_MERGE_GAP: usize = 0;

/// The line holding `span` (which holds no `\n`), with the `\n` before
/// and after it: a line-local match may consume those (see
/// `rules::matches_within_a_line`).
fn line_around(haystack: &[u8], span: Range<usize>) -> Range<usize> {
    let start = memchr::memrchr(b'\n', &haystack[..span.start]).unwrap_or(0);
    let end =
        memchr::memchr(b'\n', &haystack[span.end..]).map_or(haystack.len(), |i| span.end + i + 1);
    start..end
}

fn add_window(windows: &mut Vec<Range<usize>>, line: &Range<usize>) {
    match windows.last_mut() {
        Some(last) if line.start <= last.end + WINDOW_MERGE_GAP => {
            last.end = last.end.max(line.end)
        }
        _ => windows.push(line.clone()),
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

    const WINDOW_RULES: &str = r#"
[[rule]]
id = "bounded"
name = "n"
provider = "t"
severity = "low"
keywords = ["key_"]
regex = '''(?:^|[^A-Za-z0-9])(?P<secret>key_[a-z0-9]{8})(?:[^A-Za-z0-9]|$)'''
remediation = "r"

[[rule]]
id = "env"
name = "n"
provider = "t"
severity = "low"
keywords = ["pass"]
regex = '''(?m)^[ \t]*[A-Z_]*PASS[A-Z_]*=(?P<secret>[a-z0-9]{8})[ \t]*$'''
remediation = "r"

[[rule]]
id = "context"
name = "n"
provider = "t"
severity = "low"
keywords = ["acme"]
keyword_scope = "file"
regex = '''\b(?P<secret>AC[0-9a-f]{8})\b'''
remediation = "r"

[[rule]]
id = "multiline"
name = "n"
provider = "t"
severity = "low"
keywords = ["BEGIN"]
regex = '''BEGIN\n(?P<secret>[a-z]{8})\nEND'''
remediation = "r"
"#;

    fn window_engine() -> Engine {
        let source = RuleSource {
            origin: "test".into(),
            text: WINDOW_RULES.into(),
            eager: true,
        };
        Engine::new(RuleSet::from_sources(&[source]).unwrap()).unwrap()
    }

    fn secrets(engine: &Engine, text: &str) -> Vec<(String, String)> {
        engine
            .find(text.as_bytes())
            .iter()
            .map(|m| {
                let id = engine.metas()[m.rule].id.clone();
                (id, text[m.secret.clone()].to_string())
            })
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(id, secret)| (id.to_string(), secret.to_string()))
            .collect()
    }

    #[test]
    fn only_single_line_rules_with_in_match_keywords_run_in_windows() {
        let engine = window_engine();
        let line_local: Vec<bool> = engine.rules().iter().map(|r| r.line_local).collect();
        assert_eq!(line_local, [true, true, false, false]);
    }

    #[test]
    fn windows_find_matches_at_line_edges_far_apart() {
        let engine = window_engine();
        // Filler lines put every match in a window of its own.
        let filler = "filler line without any keyword at all\n".repeat(20);
        let text = format!(
            "key_q8w3k5z1 first\n{filler}  DB_PASSWORD=m4k9q2w7\n{filler}tail key_z7x5c3v1"
        );
        assert_eq!(
            secrets(&engine, &text),
            pairs(&[
                ("bounded", "key_q8w3k5z1"),
                ("env", "m4k9q2w7"),
                ("bounded", "key_z7x5c3v1"),
            ])
        );
        // `(?m)^` is the start of a line, not of the window: a keyword-free
        // prefix on the same line still rules the match out.
        let prefixed = format!("{filler}x DB_PASSWORD=m4k9q2w7\n");
        assert!(secrets(&engine, &prefixed).is_empty());
    }

    #[test]
    fn file_scope_keywords_and_multiline_rules_see_the_whole_buffer() {
        let engine = window_engine();
        let filler = "filler line without any keyword at all\n".repeat(20);
        let text =
            format!("# acme client\n{filler}sid = AC0f4e9a7b\n{filler}BEGIN\nqwkzmxtr\nEND\n");
        assert_eq!(
            secrets(&engine, &text),
            pairs(&[("context", "AC0f4e9a7b"), ("multiline", "qwkzmxtr")])
        );
        assert!(secrets(&engine, "sid = AC0f4e9a7b").is_empty());
    }
}
