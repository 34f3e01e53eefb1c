//! A finding: one secret, where it is, and what it is.  Built from the
//! engine's byte offsets once per match, so reports never re-read files.

use std::ops::Range;
use std::sync::Arc;

use crate::engine::RawMatch;
use crate::engine::position::{LineCol, PositionCursor};
use crate::fingerprint;
use crate::rules::RuleMeta;
use crate::sources::Origin;

/// The longest source line a report shows; longer lines (minified code) are
/// cut to a window around the secret.
const MAX_SNIPPET_CHARS: usize = 160;
const SNIPPET_CONTEXT_BYTES: usize = 60;

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: Arc<RuleMeta>,
    pub origin: Origin,
    pub start: LineCol,
    /// Exclusive end (SARIF `endColumn` semantics).
    pub end: LineCol,
    pub secret: String,
    /// The line holding the start of the secret (possibly cut to a window).
    pub snippet: String,
    /// Byte range of the secret inside `snippet` (clipped to it).
    pub snippet_secret: Range<usize>,
    pub fingerprint: String,
    pub location_fingerprint: String,
}

impl Finding {
    /// Turn the engine's matches over `haystack` into findings.
    pub fn from_matches(
        metas: &[Arc<RuleMeta>],
        haystack: &[u8],
        origin: &Origin,
        matches: &[RawMatch],
    ) -> Vec<Finding> {
        let mut cursor = PositionCursor::new(haystack);
        matches
            .iter()
            .map(|m| {
                let rule = metas[m.rule].clone();
                let start = cursor.locate(m.secret.start);
                let secret_bytes = &haystack[m.secret.clone()];
                let end = end_position(start, secret_bytes);
                let (snippet, snippet_secret) = snippet(haystack, m.secret.clone());
                let secret = String::from_utf8_lossy(secret_bytes).into_owned();
                Finding {
                    fingerprint: fingerprint::fingerprint(&rule.id, secret_bytes),
                    location_fingerprint: fingerprint::location_fingerprint(
                        &rule.id,
                        &origin.root_relative,
                        secret_bytes,
                    ),
                    rule,
                    origin: origin.clone(),
                    start,
                    end,
                    secret,
                    snippet,
                    snippet_secret,
                }
            })
            .collect()
    }

    /// Ordering for reports: by path, then position, then rule.
    pub fn sort_key(&self) -> (&str, LineCol, &str) {
        (&self.origin.path, self.start, &self.rule.id)
    }
}

/// The exclusive end position of a secret starting at `start`.
fn end_position(start: LineCol, secret: &[u8]) -> LineCol {
    match memchr::memrchr(b'\n', secret) {
        None => LineCol {
            line: start.line,
            column: start.column + crate::engine::position::count_columns(secret),
        },
        Some(last_newline) => LineCol {
            line: start.line + memchr::memchr_iter(b'\n', secret).count(),
            column: crate::engine::position::count_columns(&secret[last_newline + 1..]) + 1,
        },
    }
}

/// The source line around `secret`, as text, and the secret's range in it.
fn snippet(haystack: &[u8], secret: Range<usize>) -> (String, Range<usize>) {
    let line = PositionCursor::line_bounds(haystack, secret.start);
    let secret_end = secret.end.min(line.end);
    let (from, to) = if line.len() > MAX_SNIPPET_CHARS {
        (
            line.start
                .max(secret.start.saturating_sub(SNIPPET_CONTEXT_BYTES)),
            line.end.min(secret_end + SNIPPET_CONTEXT_BYTES),
        )
    } else {
        (line.start, line.end)
    };
    let before = String::from_utf8_lossy(&haystack[from..secret.start]);
    let inside = String::from_utf8_lossy(&haystack[secret.start..secret_end]);
    let after = String::from_utf8_lossy(&haystack[secret_end..to]);
    let mut text = String::new();
    if from > line.start {
        text.push('…');
    }
    let clean = |s: &str| s.replace(['\t', '\r'], " ");
    text.push_str(&clean(&before));
    let start = text.len();
    text.push_str(&clean(&inside));
    let end = text.len();
    text.push_str(&clean(&after));
    if to < line.end {
        text.push('…');
    }
    (text, start..end)
}
