//! Searching: a triggered rule's regex run where the plan says, with a
//! per-thread cache per rule, every candidate handed to its verdict.

use std::cell::RefCell;
use std::ops::Range;

use regex_automata::meta::Cache;
use regex_automata::util::primitives::NonMaxUsize;
use regex_automata::{Anchored, Input};

use super::plan::Reach;
use super::verdict::{self, Verdicts};
use crate::rules::{Compiled, Rule};

/// Run one rule where the plan says; accepted secrets go to `found`, and
/// candidates of a non-fallback rule that failed its checksum to
/// `claimed` (see `drop_shadowed_fallbacks`).
pub(super) fn run_rule(
    rules: &[Rule],
    search: RuleSearch,
    reach: &Reach,
    scratch: &mut Scratch,
    verdicts: &mut Verdicts,
) {
    let rule = &rules[search.rule_index];
    let mut searcher = scratch.searcher(search, rule.compiled());
    match reach {
        Reach::Whole => {
            let whole = 0..search.haystack.len();
            searcher.run(rules, whole, Anchored::No, verdicts);
        }
        Reach::Lines(windows) if rule.line_anchored() => {
            for window in windows {
                for start in line_starts(search.haystack, window.clone()) {
                    // Up to where a match from `start` can end, not to the
                    // window's end: each line is handed to one search.
                    let end = line_local_match_end(search.haystack, start).min(window.end);
                    searcher.run(rules, start..end, Anchored::Yes, verdicts);
                }
            }
        }
        Reach::Lines(windows) => {
            for window in windows {
                searcher.run(rules, window.clone(), Anchored::No, verdicts);
            }
        }
        Reach::KeywordStarts(spans) => {
            // Spans of one line end together.
            for line in spans.chunk_by(|a, b| a.end == b.end) {
                searcher.run_at_keyword_hits(rules, line, verdicts);
            }
        }
    }
}

/// One rule searched over one buffer.
#[derive(Clone, Copy)]
pub(super) struct RuleSearch<'h> {
    pub(super) rule_index: usize,
    pub(super) haystack: &'h [u8],
}

thread_local! {
    pub(super) static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A thread's reusable search state: one lazy-DFA cache per rule (made on
/// the rule's first use on this thread) and one slot buffer.  Without it,
/// every window would take a cache from the regex's shared pool and
/// allocate its capture slots: on keyword-dense text, millions of times.
#[derive(Default)]
pub(super) struct Scratch {
    engine: Option<u64>,
    caches: Vec<Option<Cache>>,
    slots: Vec<Option<NonMaxUsize>>,
}

impl Scratch {
    /// Caches belong to one engine's regexes: start afresh for another.
    pub(super) fn prepare(&mut self, engine_id: u64, rule_count: usize) {
        if self.engine != Some(engine_id) {
            self.engine = Some(engine_id);
            self.caches.clear();
            self.caches.resize_with(rule_count, || None);
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
        rules: &[Rule],
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
                self.run(rules, hit.clone(), Anchored::No, verdicts);
                return;
            }
            self.run(rules, hit.clone(), Anchored::Yes, verdicts);
        }
    }

    /// Every match starting in `span` (seeing the bytes around it), judged.
    fn run(
        &mut self,
        rules: &[Rule],
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
                verdict::judge(
                    rules,
                    self.search.rule_index,
                    (secret, name),
                    haystack,
                    verdicts,
                );
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

/// How many times the bytes from a line's first keyword hit to its end
/// the anchored searches at its hits may be handed before the rest of the
/// line is searched unanchored (`RegexSearcher::run_at_keyword_hits`).
/// Lines of real text hold a few hits of one rule, far below it: they keep
/// their cheap anchored searches.
pub(super) const RESCAN_LIMIT: u64 = 8;

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
