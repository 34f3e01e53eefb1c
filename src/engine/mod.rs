//! The matcher: bytes in, matches out.  It never knows where the bytes came
//! from (a file, a git blob, standard input).
//!
//! Speed comes from doing little: one Aho-Corasick pass finds every rule
//! keyword (ASCII case-insensitive); only rules whose keyword occurred run
//! their regex (linear time, no ReDoS), and single-line rules only on the
//! lines holding their keywords; the candidate secret then has to pass the
//! entropy, placeholder and checksum filters.

pub mod credential_names;
pub mod entropy;
pub mod file_kinds;
pub mod known_values;
pub mod noise;
pub mod position;

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use anyhow::{Context, Result};
use regex_automata::meta::Cache;
use regex_automata::util::primitives::NonMaxUsize;
use regex_automata::{Anchored, Input};

use crate::rules::{Compiled, Rule, RuleMeta, RuleSet};

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
    keywords: Keywords,
    /// For each keyword pattern, the rules it triggers.
    rules_by_keyword: Vec<Vec<usize>>,
    /// Rules without keywords: they run on every buffer.
    always_run: Vec<usize>,
    /// Tells this engine's per-thread `Scratch` from another engine's.
    id: u64,
}

impl Engine {
    pub fn new(rules: RuleSet) -> Result<Engine> {
        let mut patterns: Vec<String> = Vec::new();
        let mut rules_by_keyword: Vec<Vec<usize>> = Vec::new();
        // Keyword -> its pattern index (a linear search per keyword was
        // quadratic: ~2,600 keywords).
        let mut pattern_of: HashMap<String, usize> = HashMap::new();
        let mut always_run = Vec::new();
        for (index, rule) in rules.rules.iter().enumerate() {
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
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Ok(Engine {
            metas: rules.metas(),
            rules,
            keywords,
            rules_by_keyword,
            always_run,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
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
        self.find_counted(haystack).matches
    }

    /// `find`, with the work it took: what the linear-time tests measure.
    pub fn find_counted(&self, haystack: &[u8]) -> Found {
        self.find_planned(haystack, self.plan(haystack))
    }

    fn find_planned(&self, haystack: &[u8], plan: Vec<(usize, Reach)>) -> Found {
        let mut verdicts = Verdicts::default();
        SCRATCH.with_borrow_mut(|scratch| {
            scratch.prepare(self);
            for (rule_index, reach) in plan {
                let search = RuleSearch {
                    rule_index,
                    haystack,
                };
                self.run_rule(search, &reach, scratch, &mut verdicts);
            }
        });
        let Verdicts {
            mut found,
            claimed,
            bytes_searched,
            mut test_values,
        } = verdicts;
        self.drop_shadowed_fallbacks(&mut found, &mut test_values, claimed);
        found.sort_by_key(|m| (m.secret.start, m.rule));
        test_values.sort_by_key(|(m, _)| (m.secret.start, m.rule));
        Found {
            matches: found,
            bytes_searched,
            test_values,
        }
    }

    /// A fallback rule's match that overlaps a specific rule's match is the
    /// same leak seen twice: keep only the specific one.  Values a specific
    /// rule's regex matched but whose checksum failed (`claimed`, e.g. a
    /// `ghp_` token with a bad CRC: a typo'd or made-up test value) are not
    /// the fallback's to report either, nor are test values a specific rule
    /// matched: the fallbacks neither report them as leaks nor as test
    /// values again.
    fn drop_shadowed_fallbacks(
        &self,
        found: &mut Vec<RawMatch>,
        test_values: &mut Vec<(RawMatch, &'static known_values::KnownValue)>,
        claimed: Vec<Range<usize>>,
    ) {
        let rules = &self.rules.rules;
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

    /// Which rules must run, and where, from one overlapping keyword pass
    /// (overlapping, so a short keyword like `sk-` can't hide a longer one
    /// like `sk-proj-`).  A line-local rule runs only on the lines holding
    /// one of its keywords: in keyword-dense text that is a fraction of the
    /// buffer, and its regex (often a case-insensitive `password|secret|…`
    /// with no literal prefix to skip ahead on) is the costly part.
    fn plan(&self, haystack: &[u8]) -> Vec<(usize, Reach)> {
        let rules = &self.rules.rules;
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
                if !rules[rule].line_local() {
                    whole[rule] = true;
                    continue;
                }
                // Hits arrive ordered by their end, and no keyword holds a
                // `\n`, so their lines arrive in order too.
                if hit.start() < hit_line.start || hit.end() > hit_line.end {
                    hit_line = line_around(haystack, hit.range());
                }
                if rules[rule].keyword_anchored() {
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
            } else if rules[index].keyword_anchored() {
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

    /// Run one rule where the plan says; accepted secrets go to `found`, and
    /// candidates of a non-fallback rule that failed its checksum to
    /// `claimed` (see `drop_shadowed_fallbacks`).
    fn run_rule(
        &self,
        search: RuleSearch,
        reach: &Reach,
        scratch: &mut Scratch,
        verdicts: &mut Verdicts,
    ) {
        let rule = &self.rules.rules[search.rule_index];
        let mut searcher = scratch.searcher(search, rule.compiled());
        match reach {
            Reach::Whole => {
                let whole = 0..search.haystack.len();
                searcher.run(self, whole, Anchored::No, verdicts);
            }
            Reach::Lines(windows) if rule.line_anchored() => {
                for window in windows {
                    for start in line_starts(search.haystack, window.clone()) {
                        // Up to where a match from `start` can end, not to the
                        // window's end: each line is handed to one search.
                        let end = line_local_match_end(search.haystack, start).min(window.end);
                        searcher.run(self, start..end, Anchored::Yes, verdicts);
                    }
                }
            }
            Reach::Lines(windows) => {
                for window in windows {
                    searcher.run(self, window.clone(), Anchored::No, verdicts);
                }
            }
            Reach::KeywordStarts(spans) => {
                // Spans of one line end together.
                for line in spans.chunk_by(|a, b| a.end == b.end) {
                    searcher.run_at_keyword_hits(self, line, verdicts);
                }
            }
        }
    }

    /// Keep or drop one candidate secret of a rule.
    fn judge(
        &self,
        rule_index: usize,
        (secret, name): (Range<usize>, Option<Range<usize>>),
        haystack: &[u8],
        verdicts: &mut Verdicts,
    ) {
        let rule = &self.rules.rules[rule_index];
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
}

/// What `Engine::find_counted` found, and the work it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub matches: Vec<RawMatch>,
    /// Bytes handed to regex searches, all rules together: an anchored
    /// search counts its whole span (the most it can read), an unanchored
    /// one up to its match's end, or its whole span if it found none.  Not
    /// counted: what an unanchored search reads past the end of a match it
    /// reports (the DFA looking for a longer one), which `regex-automata`
    /// bounds per search, not per buffer.
    pub bytes_searched: u64,
    /// Matches whose secret is a known public or test value
    /// (`known_values`), whatever the rule's filters say: not leaks, but
    /// shown as suppressed with `--show-suppressed`.
    pub test_values: Vec<(RawMatch, &'static known_values::KnownValue)>,
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

/// What the rules decided about their candidates in one buffer.
#[derive(Default)]
struct Verdicts {
    found: Vec<RawMatch>,
    /// Candidates that are known test values (`Found::test_values`).
    test_values: Vec<(RawMatch, &'static known_values::KnownValue)>,
    /// Candidates a specific rule matched but whose checksum failed.
    claimed: Vec<Range<usize>>,
    /// See `Found::bytes_searched`.
    bytes_searched: u64,
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

/// One rule searched over one buffer.
#[derive(Clone, Copy)]
struct RuleSearch<'h> {
    rule_index: usize,
    haystack: &'h [u8],
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A thread's reusable search state: one lazy-DFA cache per rule (made on
/// the rule's first use on this thread) and one slot buffer.  Without it,
/// every window would take a cache from the regex's shared pool and
/// allocate its capture slots: on keyword-dense text, millions of times.
#[derive(Default)]
struct Scratch {
    engine: Option<u64>,
    caches: Vec<Option<Cache>>,
    slots: Vec<Option<NonMaxUsize>>,
}

impl Scratch {
    /// Caches belong to one engine's regexes: start afresh for another.
    fn prepare(&mut self, engine: &Engine) {
        if self.engine != Some(engine.id) {
            self.engine = Some(engine.id);
            self.caches.clear();
            self.caches.resize_with(engine.rules.rules.len(), || None);
        }
    }

    fn searcher<'s, 'h>(
        &'s mut self,
        search: RuleSearch<'h>,
        compiled: &'s Compiled,
    ) -> RegexSearcher<'s, 'h> {
        let cache =
            self.caches[search.rule_index].get_or_insert_with(|| compiled.regex.create_cache());
        let last_group = compiled.secret_group.max(compiled.name_group).unwrap_or(0);
        let wanted = 2 * (last_group + 1);
        self.slots.clear();
        self.slots.resize(wanted, None);
        RegexSearcher {
            search,
            compiled,
            cache,
            slots: &mut self.slots,
            resume_at: 0,
        }
    }
}

/// One rule's regex, ready to search spans of one buffer.
struct RegexSearcher<'s, 'h> {
    search: RuleSearch<'h>,
    compiled: &'s Compiled,
    cache: &'s mut Cache,
    slots: &'s mut [Option<NonMaxUsize>],
    /// Where a whole-buffer search would resume: after the last match,
    /// accepted or not (past an empty one).  No span starts before it, so
    /// matches never overlap, and a match inside an earlier one (a rejected
    /// candidate, or a secret group shorter than its match) is never found.
    resume_at: usize,
}

impl RegexSearcher<'_, '_> {
    /// A keyword-anchored rule on one line: `hits` run from each keyword hit
    /// to the line's end, ordered by start.  An anchored search per hit
    /// reads a few bytes where the line can't match, but may read to the
    /// line's end (`(a+)+$` on a line of `a`s with `a` as its keyword): with
    /// hits close together they would re-read the same bytes, quadratic in
    /// the line.  So once the anchored searches on this line were handed
    /// `RESCAN_LIMIT` times the bytes from its first hit to its end, the rest
    /// of the line is searched once, unanchored, from the next hit: the
    /// same matches (every match starts at a hit, and the search resumes
    /// after each), in linear time.
    fn run_at_keyword_hits(
        &mut self,
        engine: &Engine,
        hits: &[Range<usize>],
        verdicts: &mut Verdicts,
    ) {
        let Some(first) = hits.first() else {
            return;
        };
        let budget = RESCAN_LIMIT * (first.end - first.start) as u64;
        let searched_before = verdicts.bytes_searched;
        for hit in hits {
            if verdicts.bytes_searched - searched_before > budget {
                self.run(engine, hit.clone(), Anchored::No, verdicts);
                return;
            }
            self.run(engine, hit.clone(), Anchored::Yes, verdicts);
        }
    }

    /// Every match starting in `span` (seeing the bytes around it), judged.
    fn run(
        &mut self,
        engine: &Engine,
        span: Range<usize>,
        anchored: Anchored,
        verdicts: &mut Verdicts,
    ) {
        let haystack = self.search.haystack;
        let regex = &self.compiled.regex;
        let group = self.compiled.secret_group.unwrap_or(0);
        // An anchored span can't move its start; an unanchored one starts
        // where the last match ended.
        let start = span.start.max(self.resume_at);
        if start >= span.end || (anchored == Anchored::Yes && start != span.start) {
            return;
        }
        let span = start..span.end;
        let mut input = Input::new(haystack).range(span).anchored(anchored);
        // Only the slots up to the `secret` group: the regex finds the match
        // with its DFAs and runs the slower capture engine only on a match,
        // never on the (many) spans without one.
        loop {
            let matched = regex
                .search_slots_with(self.cache, &input, self.slots)
                .is_some();
            let found = match (self.slots[0], self.slots[1]) {
                (Some(start), Some(end)) if matched => Some((start.get(), end.get())),
                _ => None,
            };
            let read_to = match found {
                Some((_, end)) if anchored == Anchored::No => end,
                _ => input.end(),
            };
            verdicts.bytes_searched += read_to.saturating_sub(input.start()) as u64;
            let Some((start, end)) = found else {
                break;
            };
            let span_of = |slots: &[Option<NonMaxUsize>], group: usize| {
                slots[2 * group]
                    .zip(slots[2 * group + 1])
                    .map(|(s, e)| s.get()..e.get())
            };
            let secret = span_of(self.slots, group);
            let name = self
                .compiled
                .name_group
                .and_then(|g| span_of(self.slots, g));
            if let Some(secret) = secret {
                engine.judge(self.search.rule_index, (secret, name), haystack, verdicts);
            }
            // Step past an empty match, or the search would stay put.
            let next = if end == start { end + 1 } else { end };
            self.resume_at = next;
            if next > input.end() || anchored == Anchored::Yes {
                break;
            }
            input.set_start(next);
        }
    }
}

/// Where a triggered rule runs.
enum Reach {
    Whole,
    /// Whole lines with the `\n` on either side, in order, not overlapping.
    Lines(Vec<Range<usize>>),
    /// From each keyword hit to the end of its line, ordered by start: the
    /// rule's matches start at a keyword (`Rule::keyword_anchored`).
    KeywordStarts(Vec<Range<usize>>),
}

/// How many times the bytes from a line's first keyword hit to its end
/// the anchored searches at its hits may be handed before the rest of the
/// line is searched unanchored (`RegexSearcher::run_at_keyword_hits`).
/// Lines of real text hold a few hits of one rule, far below it: they keep
/// their cheap anchored searches.
const RESCAN_LIMIT: u64 = 8;

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

/// The line starts in `window` (a span of whole lines with the `\n` on
/// either side), for a rule anchored at line starts.
fn line_starts(haystack: &[u8], window: Range<usize>) -> impl Iterator<Item = usize> + '_ {
    let first = (window.start == 0).then_some(0);
    let after_newlines =
        memchr::memchr_iter(b'\n', &haystack[window.clone()]).map(move |i| window.start + i + 1);
    first
        .into_iter()
        .chain(after_newlines)
        .filter(move |&start| start < window.end)
}

/// Where a line-local match starting at `start` ends at the latest: it may
/// take a `\n` as its first byte and as its last, no other
/// (`rules::matches_within_a_line`), so after the first `\n` past `start`.
fn line_local_match_end(haystack: &[u8], start: usize) -> usize {
    let from = (start + 1).min(haystack.len());
    memchr::memchr(b'\n', &haystack[from..]).map_or(haystack.len(), |i| from + i + 1)
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

/// The `secret-assignment` name check: the identifier around the regex's
/// `name` group must name a credential (`credential_names::judge_name`),
/// and the value must fit it (`credential_names::value_fits`).
fn assignment_fits(haystack: &[u8], name: Range<usize>, value: &[u8]) -> bool {
    let name = credential_names::name_around(haystack, name);
    let words = credential_names::split_words(name);
    credential_names::judge_words(name, &words)
        .is_some_and(|kind| credential_names::value_fits(kind, &words, value))
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
        // A known test value (`sk_test_…`) still proves the regex: the
        // example matched, it is only reported as suppressed.  One search
        // per example answers both.
        let search = |text: &str| -> (bool, bool) {
            let found = engine.find_counted(text.as_bytes());
            let as_leak = found.matches.iter().any(|m| m.rule == index);
            let as_test_value = found.test_values.iter().any(|(m, _)| m.rule == index);
            (as_leak, as_test_value)
        };
        let mut record = |example: &str, missed: bool| {
            failures.push(ExampleFailure {
                rule_id: rule.meta.id.clone(),
                origin: rule.origin.to_string(),
                example: example.to_string(),
                missed,
            })
        };
        for example in rule.examples.iter() {
            if search(example) == (false, false) {
                record(example, true);
            }
        }
        for counter in rule.counter_examples.iter() {
            if search(counter).0 {
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

    fn engine_with(rules: &str) -> Engine {
        let source = RuleSource {
            origin: "test".into(),
            text: rules.into(),
            eager: true,
        };
        Engine::new(RuleSet::from_sources(&[source]).unwrap()).unwrap()
    }

    fn window_engine() -> Engine {
        engine_with(WINDOW_RULES)
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
        let line_local: Vec<bool> = engine.rules().iter().map(|r| r.line_local()).collect();
        assert_eq!(line_local, [true, true, false, false]);
        let line_anchored: Vec<bool> = engine.rules().iter().map(|r| r.line_anchored()).collect();
        assert_eq!(line_anchored, [false, true, false, false]);
        // `bounded` starts with a boundary class, not with its keyword.
        assert!(engine.rules().iter().all(|r| !r.keyword_anchored()));
        let prefixed = engine_with(
            r#"
[[rule]]
id = "prefixed"
name = "n"
provider = "t"
severity = "low"
keywords = ["tok_", "tok-"]
regex = '''\b(?P<secret>tok[_-][a-z0-9]{8})\b'''
remediation = "r"
"#,
        );
        assert!(prefixed.rules()[0].keyword_anchored());
        let text = "x tok_q8w3k5z1 tok-m4k9q2w7\ntok_z7x5c3v1";
        let found: Vec<&str> = prefixed
            .find(text.as_bytes())
            .iter()
            .map(|m| &text[m.secret.clone()])
            .collect();
        assert_eq!(found, ["tok_q8w3k5z1", "tok-m4k9q2w7", "tok_z7x5c3v1"]);
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

    /// What a plain search would find: every triggered rule over the whole
    /// buffer, unanchored (how the engine searched before line windows and
    /// keyword anchors).
    fn find_unplanned(engine: &Engine, haystack: &[u8]) -> Vec<RawMatch> {
        let plan = engine.plan(haystack);
        let whole = plan
            .into_iter()
            .map(|(rule, _)| (rule, Reach::Whole))
            .collect();
        engine.find_planned(haystack, whole).matches
    }

    #[test]
    fn planned_search_finds_what_a_whole_buffer_search_finds_in_the_fixtures() {
        let engine = Engine::new(RuleSet::builtin().unwrap()).unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut files = 0;
        let mut matches = 0;
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).unwrap();
                let planned = engine.find(&bytes);
                assert_eq!(
                    planned,
                    find_unplanned(&engine, &bytes),
                    "{}",
                    path.display()
                );
                files += 1;
                matches += planned.len();
            }
        }
        assert!(
            files > 100 && matches > 400,
            "{files} files, {matches} matches"
        );
    }

    #[test]
    fn a_keyword_inside_an_earlier_match_starts_no_new_one() {
        // A whole-buffer search resumes after each match, accepted or not:
        // so must the search at keyword hits.
        let engine = engine_with(
            r#"
[[rule]]
id = "rejected-outer"
name = "n"
provider = "t"
severity = "low"
keywords = ["tok_"]
regex = '''(?P<secret>tok_[A-Za-z0-9_]{12})'''
min_entropy = 3.5
remediation = "r"

[[rule]]
id = "short-secret"
name = "n"
provider = "t"
severity = "low"
keywords = ["k_"]
regex = '''k_(?P<secret>[a-z0-9]{4})[a-z0-9_]*'''
remediation = "r"
"#,
        );
        assert!(engine.rules().iter().all(|r| r.keyword_anchored()));
        for text in ["tok_tok_q8w3k5z1m4k9", "k_q8w3k_m4k9"] {
            let planned = engine.find(text.as_bytes());
            assert_eq!(planned, find_unplanned(&engine, text.as_bytes()), "{text}");
        }
        let of_rule =
            |text: &[u8], rule| engine.find(text).iter().filter(|m| m.rule == rule).count();
        assert_eq!(of_rule(b"tok_tok_q8w3k5z1m4k9", 0), 0);
        assert_eq!(of_rule(b"k_q8w3k_m4k9", 1), 1);
    }

    /// Rules whose searches at keyword hits or line starts could re-read a
    /// line once per hit: one of each kind of reach.
    const RESCAN_RULES: &str = r#"
[[rule]]
id = "keyword-anchored"
name = "n"
provider = "t"
severity = "low"
keywords = ["a"]
regex = '''(?P<secret>(a+)+$)'''
remediation = "r"

[[rule]]
id = "two-keywords"
name = "n"
provider = "t"
severity = "low"
keywords = ["b", "c"]
regex = '''(?P<secret>[bc][bc]*d)'''
remediation = "r"

[[rule]]
id = "line-anchored"
name = "n"
provider = "t"
severity = "low"
keywords = ["e"]
regex = '''(?m)^(?P<secret>e[ef]*g)'''
remediation = "r"
"#;

    #[test]
    fn many_hits_on_a_line_find_what_a_whole_buffer_search_finds() {
        let engine = engine_with(RESCAN_RULES);
        let kinds: Vec<(bool, bool)> = engine
            .rules()
            .iter()
            .map(|r| (r.keyword_anchored(), r.line_anchored()))
            .collect();
        assert_eq!(kinds, [(true, false), (true, false), (false, true)]);
        let texts = [
            format!("{}\nx", "a".repeat(500)),
            "a".repeat(500),
            format!(
                "{}d {}d x {}",
                "bc".repeat(100),
                "cb".repeat(50),
                "b".repeat(300)
            ),
            format!("{}\n{}g\n", "eeef\n".repeat(200), "e".repeat(300)),
            format!("x{}ad", "ab ".repeat(300)),
        ];
        for text in &texts {
            let planned = engine.find_counted(text.as_bytes());
            let unplanned = find_unplanned(&engine, text.as_bytes());
            assert_eq!(planned.matches, unplanned, "{text}");
            // Linear: a bounded number of passes over the text, not one per hit.
            let passes = planned.bytes_searched / text.len() as u64;
            assert!(passes < 3 * (RESCAN_LIMIT + 2), "{passes} passes: {text}");
        }
    }
}
