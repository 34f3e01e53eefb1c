//! Verdicts: a regex's candidate becomes a match only if it passes the
//! rule's filters (entropy, placeholder, checksum, credential name), is
//! set aside if it is a known test value, and yields to a specific rule's
//! match when the rule is a fallback.

use std::ops::Range;

use super::known_values::{self, KnownValue};
use super::{credential_names, entropy, noise};
use crate::rules::Rule;

/// One accepted match, as byte offsets into the scanned buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMatch {
    /// Index into `Engine::rules()`.
    pub rule: usize,
    /// The secret (the rule's `secret` group, or the whole match).
    pub secret: Range<usize>,
}

/// What the rules decided about their candidates in one buffer.
#[derive(Default)]
pub(super) struct Verdicts {
    pub(super) found: Vec<RawMatch>,
    /// Candidates that are known test values (`Found::test_values`).
    pub(super) test_values: Vec<(RawMatch, &'static KnownValue)>,
    /// Candidates a specific rule matched but whose checksum failed.
    pub(super) claimed: Vec<Range<usize>>,
    /// See `Found::bytes_searched`.
    pub(super) bytes_searched: u64,
}

/// Ranges, sorted for overlap queries in `O(log n)`: a buffer with many
/// matches of fallback and specific rules must not cost their product.
struct Spans {
    /// Sorted by start.
    ranges: Vec<Range<usize>>,
    /// `max_end[i]`: the largest end among `ranges[..=i]`.
    max_end: Vec<usize>,
}

impl Spans {
    fn new(mut ranges: Vec<Range<usize>>) -> Spans {
        ranges.sort_unstable_by_key(|r| r.start);
        let max_end = ranges
            .iter()
            .scan(0, |max, r| {
                *max = r.end.max(*max);
                Some(*max)
            })
            .collect();
        Spans { ranges, max_end }
    }

    /// Whether some range `s` has `s.start < other.end && other.start < s.end`.
    fn overlap(&self, other: &Range<usize>) -> bool {
        // The ranges starting before `other` ends: does one end after it starts?
        let before = self.ranges.partition_point(|r| r.start < other.end);
        before > 0 && self.max_end[before - 1] > other.start
    }
}

/// A fallback rule's match that overlaps a specific rule's match is the
/// same leak seen twice: keep only the specific one.  Values a specific
/// rule's regex matched but whose checksum failed (`claimed`, e.g. a
/// `ghp_` token with a bad CRC: a typo'd or made-up test value) are not
/// the fallback's to report either, nor are test values a specific rule
/// matched: the fallbacks neither report them as leaks nor as test
/// values again.
pub(super) fn drop_shadowed_fallbacks(
    rules: &[Rule],
    found: &mut Vec<RawMatch>,
    test_values: &mut Vec<(RawMatch, &'static KnownValue)>,
    claimed: Vec<Range<usize>>,
) {
    let fallback = |m: &RawMatch| rules[m.rule].fallback;
    let all = || found.iter().chain(test_values.iter().map(|(m, _)| m));
    if !all().any(fallback) {
        return;
    }
    let mut specific = claimed;
    specific.extend(all().filter(|m| !fallback(m)).map(|m| m.secret.clone()));
    let specific = Spans::new(specific);
    let shadowed = |m: &RawMatch| fallback(m) && specific.overlap(&m.secret);
    found.retain(|m| !shadowed(m));
    test_values.retain(|(m, _)| !shadowed(m));
}

/// One secret, one finding: where two rules matched exactly the same bytes
/// (a provider's `django-insecure-` rule and the framework's `SECRET_KEY`
/// rule), the more confident rule keeps it, and of equally confident ones
/// the first of the set.
pub(super) fn one_rule_per_secret(
    rules: &[Rule],
    found: &mut Vec<RawMatch>,
    test_values: &mut Vec<(RawMatch, &'static KnownValue)>,
) {
    keep_one_rule_per_secret(rules, found, |m| m);
    keep_one_rule_per_secret(rules, test_values, |(m, _)| m);
}

fn keep_one_rule_per_secret<T>(rules: &[Rule], items: &mut Vec<T>, raw: impl Fn(&T) -> &RawMatch) {
    if items.len() < 2 {
        return;
    }
    let mut kept: std::collections::HashMap<Range<usize>, usize> = Default::default();
    for item in items.iter() {
        let m = raw(item);
        let better = |held: &usize| {
            let (new, old) = (&rules[m.rule].meta, &rules[*held].meta);
            (new.confidence, std::cmp::Reverse(m.rule)) > (old.confidence, std::cmp::Reverse(*held))
        };
        match kept.get_mut(&m.secret) {
            Some(held) if better(held) => *held = m.rule,
            Some(_) => {}
            None => {
                kept.insert(m.secret.clone(), m.rule);
            }
        }
    }
    items.retain(|item| kept[&raw(item).secret] == raw(item).rule);
}

/// Keep or drop one candidate secret of a rule.
pub(super) fn judge(
    rules: &[Rule],
    rule_index: usize,
    (secret, name): (Range<usize>, Option<Range<usize>>),
    haystack: &[u8],
    verdicts: &mut Verdicts,
) {
    let rule = &rules[rule_index];
    let bytes = &haystack[secret.clone()];
    if let Some(known) = known_values::lookup(bytes) {
        let found = RawMatch {
            rule: rule_index,
            secret,
        };
        verdicts.test_values.push((found, known));
        return;
    }
    let name_ok = || match (rule.validator, &name) {
        (Some(crate::rules::Validator::SecretAssignment), Some(name)) => {
            assignment_fits(haystack, name.clone(), bytes)
        }
        _ => true,
    };
    if accept_secret(rule, bytes) && name_ok() {
        verdicts.found.push(RawMatch {
            rule: rule_index,
            secret,
        });
    } else if !rule.fallback
        && rule
            .validator
            .is_some_and(|v| v.is_checksum() && !v.accepts(bytes))
    {
        verdicts.claimed.push(secret);
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

/// The `secret-assignment` name check: the identifier around the regex's
/// `name` group must name a credential (`credential_names::judge_name`),
/// and the value must fit it (`credential_names::value_fits`).
fn assignment_fits(haystack: &[u8], name: Range<usize>, value: &[u8]) -> bool {
    let name = credential_names::name_around(haystack, name);
    let words = credential_names::split_words(name);
    credential_names::judge_words(name, &words)
        .is_some_and(|kind| credential_names::value_fits(kind, &words, value))
}
