//! The engine's matches become findings: line and column, the snippet with
//! every secret in it placed for masking, fingerprints, and the allow
//! markers that may cover each one.

use std::ops::Range;
use std::sync::Arc;

use aho_corasick::AhoCorasick;

use super::RawMatch;
use super::markers;
use crate::model::finding::{Finding, SnippetSecret};
use crate::model::fingerprint;
use crate::model::origin::Origin;
use crate::model::position::{PositionCursor, end_position};
use crate::model::redact;
use crate::rules::RuleMeta;

/// The longest source line a report shows; longer lines (minified code) are
/// cut to a window around the secret.
const MAX_SNIPPET_CHARS: usize = 160;
const SNIPPET_CONTEXT_BYTES: usize = 60;

/// Turn the engine's matches over `haystack` into findings.
pub fn from_matches(
    metas: &[Arc<RuleMeta>],
    haystack: &[u8],
    origin: &Origin,
    matches: &[RawMatch],
) -> Vec<Finding> {
    // Called for every blob, most of which have no match: build nothing.
    if matches.is_empty() {
        return Vec::new();
    }
    let mut cursor = PositionCursor::new(haystack);
    let all_secrets: Vec<Range<usize>> = matches.iter().map(|m| m.secret.clone()).collect();
    let copies = SecretCopies::new(haystack, &all_secrets);
    matches
        .iter()
        .map(|m| {
            let rule = metas[m.rule].clone();
            let start = cursor.locate(m.secret.start);
            let secret_bytes = &haystack[m.secret.clone()];
            let end = end_position(start, secret_bytes);
            let (snippet, snippet_secrets) =
                snippet(haystack, m.secret.clone(), &all_secrets, &copies);
            let secret = String::from_utf8_lossy(secret_bytes).into_owned();
            let (fingerprint, location_fingerprint) =
                fingerprint::fingerprints(&rule.id, &origin.root_relative, secret_bytes);
            let confidence = rule.confidence;
            Finding {
                fingerprint,
                location_fingerprint,
                rule,
                origin: origin.clone(),
                start,
                end,
                secret,
                snippet,
                snippet_secrets,
                inline_markers: markers::markers_covering(haystack, m.secret.start, start.line),
                span: m.secret.clone(),
                message: None,
                related: Vec::new(),
                confidence,
                test_value: None,
                decoded: Vec::new(),
            }
        })
        .collect()
}

/// A finding for `span` of `haystack` under `rule`, for evidence found
/// by code rather than by the engine (project IDs, provider settings).
pub fn locate(
    rule: Arc<RuleMeta>,
    haystack: &[u8],
    origin: &Origin,
    span: Range<usize>,
) -> Finding {
    let matches = [RawMatch {
        rule: 0,
        secret: span,
    }];
    from_matches(&[rule], haystack, origin, &matches)
        .pop()
        .expect("one match in, one finding out")
}

/// Finds copies of a blob's secret values that the engine did not report
/// (`password = "X"  # old: X`: the comment has no keyword), so a snippet
/// masks them too, including a copy the snippet window cuts in half.
/// (The report's `SecretMasker` masks whole copies of every secret in any
/// text; a half copy at a window edge can only be found here, where the
/// line is still whole.)
struct SecretCopies {
    automaton: Option<AhoCorasick>,
    longest: usize,
}

impl SecretCopies {
    fn new(haystack: &[u8], secrets: &[Range<usize>]) -> SecretCopies {
        let mut values: Vec<&[u8]> = secrets
            .iter()
            .map(|r| &haystack[r.clone()])
            .filter(|v| !v.is_empty())
            .collect();
        values.sort_unstable();
        values.dedup();
        SecretCopies {
            automaton: redact::longest_match_automaton(&values),
            longest: values.iter().map(|v| v.len()).max().unwrap_or(0),
        }
    }

    /// Every copy that overlaps `window` (searched a secret's length
    /// beyond it on either side, within `line`).
    fn overlapping(
        &self,
        haystack: &[u8],
        line: &Range<usize>,
        window: Range<usize>,
    ) -> Vec<Range<usize>> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        let from = window.start.saturating_sub(self.longest).max(line.start);
        let to = (window.end + self.longest).min(line.end);
        automaton
            .find_iter(&haystack[from..to])
            .map(|m| from + m.start()..from + m.end())
            .filter(|r| r.start < window.end && r.end > window.start)
            .collect()
    }
}

/// The source line around `secret`, as text, and where every secret in
/// `all` (or a copy of one, found by `copies`) that shows in it lies.
fn snippet(
    haystack: &[u8],
    secret: Range<usize>,
    all: &[Range<usize>],
    copies: &SecretCopies,
) -> (String, Vec<SnippetSecret>) {
    let line = PositionCursor::line_bounds(haystack, secret.start);
    let (from, to) = if line.len() > MAX_SNIPPET_CHARS {
        (
            line.start
                .max(secret.start.saturating_sub(SNIPPET_CONTEXT_BYTES)),
            line.end
                .min(secret.end.min(line.end) + SNIPPET_CONTEXT_BYTES),
        )
    } else {
        (line.start, line.end)
    };
    // Secrets shown: the engine's and the copies of their values.
    let mut shown: Vec<Range<usize>> = all
        .iter()
        .filter(|r| r.start < to && r.end > from)
        .cloned()
        .collect();
    shown.extend(copies.overlapping(haystack, &line, from..to));
    // Cut points: window edges plus every secret edge inside the window.
    let mut cuts = vec![from, to];
    for range in &shown {
        cuts.push(range.start.clamp(from, to));
        cuts.push(range.end.clamp(from, to));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut text = String::new();
    if from > line.start {
        text.push('…');
    }
    let mut secrets = Vec::new();
    for piece in cuts.windows(2) {
        let (a, b) = (piece[0], piece[1]);
        let begin = text.len();
        text.push_str(&String::from_utf8_lossy(&haystack[a..b]).replace(['\t', '\r'], " "));
        if let Some(owner) = shown.iter().find(|r| r.start <= a && b <= r.end) {
            secrets.push(SnippetSecret {
                range: begin..text.len(),
                starts_inside: owner.start == a,
            });
        }
    }
    if to < line.end {
        text.push('…');
    }
    (text, secrets)
}
