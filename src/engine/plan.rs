//! Planning a buffer's search: one overlapping keyword pass decides which
//! rules run, and where (the whole buffer, the lines holding a keyword, or
//! from each keyword hit), so most of a buffer is never searched by a
//! regex.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use anyhow::{Context, Result};

use crate::rules::{Rule, SearchScope};

/// The keywords of a rule set and the rules each one triggers.
pub(super) struct Planner {
    keywords: Keywords,
    /// For each keyword pattern, the rules it triggers.
    rules_by_keyword: Vec<Vec<usize>>,
    /// Rules without keywords: they run on every buffer.
    always_run: Vec<usize>,
}

impl Planner {
    pub(super) fn new(rules: &[Rule]) -> Result<Planner> {
        let mut patterns: Vec<String> = Vec::new();
        let mut rules_by_keyword: Vec<Vec<usize>> = Vec::new();
        // Keyword -> its pattern index (a linear search per keyword was
        // quadratic: ~2,600 keywords).
        let mut pattern_of: HashMap<String, usize> = HashMap::new();
        let mut always_run = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            if rule.keywords.is_empty() {
                always_run.push(index);
            }
            for keyword in rule.keywords.iter() {
                let folded = keyword.to_ascii_lowercase();
                match pattern_of.get(&folded) {
                    Some(&existing) => rules_by_keyword[existing].push(index),
                    None => {
                        pattern_of.insert(folded.clone(), patterns.len());
                        patterns.push(folded);
                        rules_by_keyword.push(vec![index]);
                    }
                }
            }
        }
        let keywords = Keywords::new(patterns)?;
        Ok(Planner {
            keywords,
            rules_by_keyword,
            always_run,
        })
    }

    /// Which rules must run, and where, from one overlapping keyword pass
    /// (overlapping, so a short keyword like `sk-` can't hide a longer one
    /// like `sk-proj-`).  A line-local rule runs only on the lines holding
    /// one of its keywords: in keyword-dense text that is a fraction of the
    /// buffer, and its regex (often a case-insensitive `password|secret|…`
    /// with no literal prefix to skip ahead on) is the costly part.
    pub(super) fn plan(&self, rules: &[Rule], haystack: &[u8]) -> Vec<(usize, Reach)> {
        let mut whole = vec![false; rules.len()];
        let mut spans: Vec<Vec<Range<usize>>> = vec![Vec::new(); rules.len()];
        for &index in &self.always_run {
            whole[index] = true;
        }
        let mut hit_line: Range<usize> = 0..0;
        for hit in self.keywords.automaton().find_overlapping_iter(haystack) {
            for &rule in &self.rules_by_keyword[hit.pattern().as_usize()] {
                if whole[rule] {
                    continue;
                }
                let scope = rules[rule].search_scope();
                if scope == SearchScope::Buffer {
                    whole[rule] = true;
                    continue;
                }
                // Hits arrive ordered by their end, and no keyword holds a
                // `\n`, so their lines arrive in order too.
                if hit.start() < hit_line.start || hit.end() > hit_line.end {
                    hit_line = line_around(haystack, hit.range());
                }
                if scope == SearchScope::KeywordHits {
                    spans[rule].push(hit.start()..hit_line.end);
                } else {
                    add_window(&mut spans[rule], &hit_line);
                }
            }
        }
        let mut plan = Vec::new();
        for (index, mut spans) in spans.into_iter().enumerate() {
            let reach = if whole[index] {
                Reach::Whole
            } else if spans.is_empty() {
                continue;
            } else if rules[index].search_scope() == SearchScope::KeywordHits {
                // Ordered by end, a longer keyword can start before a
                // shorter one reported earlier.
                if !spans.is_sorted_by_key(|s| s.start) {
                    spans.sort_unstable_by_key(|s| s.start);
                }
                spans.dedup_by_key(|s| s.start);
                Reach::KeywordStarts(spans)
            } else {
                Reach::Lines(spans)
            };
            plan.push((index, reach));
        }
        plan
    }
}

/// Where a triggered rule runs.
pub(super) enum Reach {
    Whole,
    /// Whole lines with the `\n` on either side, in order, not overlapping.
    Lines(Vec<Range<usize>>),
    /// From each keyword hit to the end of its line, ordered by start: the
    /// rule's matches start at a keyword (`SearchScope::KeywordHits`).
    KeywordStarts(Vec<Range<usize>>),
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

/// The keyword automaton (ASCII case-insensitive, every keyword found,
/// overlapping: `MatchKind::Standard`), in two builds of one automaton
/// that report the same hits in the same order.  A full DFA makes the
/// overlapping pass ~2.7x faster on keyword-dense text than the contiguous
/// NFA (bench/RESULTS.md), but over ~2,600 keywords it takes ~30 ms to
/// build against the NFA's ~8 ms: the NFA is built at once and serves
/// until a background thread has built the DFA, so a small scan never
/// waits for it and a large one switches within ~30 ms.
struct Keywords {
    nfa: AhoCorasick,
    dfa: Arc<OnceLock<AhoCorasick>>,
}

impl Keywords {
    fn new(patterns: Vec<String>) -> Result<Keywords> {
        let nfa = keyword_automaton(&patterns, AhoCorasickKind::ContiguousNFA)
            .context("cannot build the keyword automaton")?;
        let dfa = Arc::new(OnceLock::new());
        let slot = Arc::clone(&dfa);
        // Without the thread (or the DFA: a size limit), the NFA serves on.
        let _ = std::thread::Builder::new()
            .name("keyword-dfa".into())
            .spawn(move || {
                if let Ok(built) = keyword_automaton(&patterns, AhoCorasickKind::DFA) {
                    let _ = slot.set(built);
                }
            });
        Ok(Keywords { nfa, dfa })
    }

    /// The DFA once built, the NFA until then.
    fn automaton(&self) -> &AhoCorasick {
        self.dfa.get().unwrap_or(&self.nfa)
    }
}

fn keyword_automaton(patterns: &[String], kind: AhoCorasickKind) -> Result<AhoCorasick> {
    Ok(AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .kind(Some(kind))
        .match_kind(MatchKind::Standard)
        .build(patterns)?)
}

#[cfg(test)]
mod keyword_tests {
    use super::*;
    use crate::rules::RuleSet;

    /// The plan must not depend on which build serves: same hits, same order.
    #[test]
    fn the_keyword_nfa_and_dfa_report_the_same_hits() {
        let rules = RuleSet::builtin().unwrap();
        let patterns: Vec<String> = rules
            .rules
            .iter()
            .flat_map(|r| r.keywords.iter().map(|k| k.to_ascii_lowercase()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let nfa = keyword_automaton(&patterns, AhoCorasickKind::ContiguousNFA).unwrap();
        let dfa = keyword_automaton(&patterns, AhoCorasickKind::DFA).unwrap();
        let mut text = patterns.join(" x ").into_bytes();
        text.extend_from_slice(
            &std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap(),
        );
        let hits = |ac: &AhoCorasick| -> Vec<(usize, usize)> {
            ac.find_overlapping_iter(&text)
                .map(|m| (m.pattern().as_usize(), m.start()))
                .collect()
        };
        let from_nfa = hits(&nfa);
        assert!(from_nfa.len() > patterns.len());
        assert_eq!(from_nfa, hits(&dfa));
    }
}
