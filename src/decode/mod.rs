//! Stage 1½, decoding: secrets inside encodings.  `Decoding` is a
//! `BlobSink` that wraps the next one: it hands every blob on unchanged,
//! then finds encoded runs in it (`runs`: base64, string-literal escapes,
//! percent-encoding), and hands each decoded layer on too, under the same
//! `Origin`, so a secret found there has the plain secret's fingerprint
//! (a baseline entry covers both).  Layers are decoded again up to a depth
//! limit, and every blob has a budget of decoded bytes.
//!
//! A finding in a layer is moved back to the blob: its position, span and
//! snippet become the encoded run's (the outermost run, for a nested
//! layer; the whole run is masked in the snippet, as it *is* the secret,
//! encoded), and it records the chain of decoders that revealed it.  A
//! secret the plain bytes (or a shallower layer) already showed is not
//! reported again.

pub mod runs;

use std::ops::Range;
use std::sync::Arc;

use crate::model::marker::InlineMarker;
use crate::model::position::{PositionCursor, end_position};
use crate::model::{CommitInfo, Finding, Origin, SnippetSecret, Stats};
use crate::sources::{Batch, BlobContext, BlobSink};

pub use runs::Decoder;

/// The default `--decode-budget`: decoded bytes per blob.
pub const DEFAULT_BUDGET: u64 = 4 << 20;

/// How far decoding goes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Layers decoded within each other; 0 turns decoding off.
    pub depth: usize,
    /// Decoded bytes per blob, all layers together.
    pub budget: u64,
}

/// The allow markers that cover a secret at (offset, line) of a blob: the
/// engine's rule, given by the pipeline (this stage may not use the
/// engine), so a marker on the encoded run's line covers what it holds.
pub type MarkersCovering = fn(&[u8], usize, usize) -> Vec<InlineMarker>;

/// The decoding sink, around the sink that scans (`S`).
pub struct Decoding<S> {
    pub inner: S,
    pub limits: Limits,
    pub markers_covering: MarkersCovering,
}

/// The inner sink's batch, and what decoding counted.
#[derive(Debug, Default)]
pub struct Decoded<B> {
    pub inner: B,
    /// `decoded_runs` and `decode_budget_exhausted`.
    pub stats: Stats,
    /// The blobs whose budget ran out (for the warning).
    pub exhausted: Vec<String>,
}

impl<B: Batch> Batch for Decoded<B> {
    fn merge(&mut self, other: Self) {
        self.inner.merge(other.inner);
        self.stats.add(&other.stats);
        self.exhausted.extend(other.exhausted);
    }

    fn findings_mut(&mut self) -> &mut Vec<Finding> {
        self.inner.findings_mut()
    }
}

impl<S: BlobSink> BlobSink for Decoding<S> {
    type Batch = Decoded<S::Batch>;

    fn blob(
        &self,
        batch: &mut Self::Batch,
        origin: &Origin,
        bytes: &[u8],
        context: &dyn BlobContext,
    ) -> usize {
        let plain_from = batch.inner.findings_mut().len();
        self.inner.blob(&mut batch.inner, origin, bytes, context);
        if self.limits.depth > 0 {
            let mut walk = Walk {
                sink: self,
                origin,
                blob: bytes,
                context,
                plain_from,
                budget: self.limits.budget,
                exhausted: false,
                chain: Vec::new(),
            };
            walk.layer(batch, bytes, 1, None);
            if walk.exhausted {
                batch.stats.decode_budget_exhausted += 1;
                batch.exhausted.push(origin.path.clone());
            }
        }
        batch.inner.findings_mut().len() - plain_from
    }
}

/// One blob's decoding: the layers found so far and what is left to spend.
struct Walk<'a, S> {
    sink: &'a Decoding<S>,
    origin: &'a Origin,
    /// The blob as the source read it.
    blob: &'a [u8],
    context: &'a dyn BlobContext,
    /// Where this blob's findings begin in the batch.
    plain_from: usize,
    budget: u64,
    exhausted: bool,
    chain: Vec<&'static str>,
}

impl<S: BlobSink> Walk<'_, S> {
    /// Decode every candidate run of `text` (a layer at `depth`, found
    /// inside the blob's run `outer`, or the blob itself) and scan it.
    fn layer(
        &mut self,
        batch: &mut Decoded<S::Batch>,
        text: &[u8],
        depth: usize,
        outer: Option<Range<usize>>,
    ) {
        runs::each_run(text, |decoder, run| {
            // Checked before decoding, so a huge run costs no memory.
            if decoder.decoded_bound(run.len()) as u64 > self.budget {
                self.exhausted = true;
                return false;
            }
            let Some(decoded) = decoder.decode(&text[run.clone()]) else {
                return true;
            };
            self.budget -= decoded.len() as u64;
            batch.stats.decoded_runs += 1;
            let outer = outer.clone().unwrap_or(run);
            self.chain.push(decoder.name());
            let before = batch.inner.findings_mut().len();
            let context = LayerContext::new(self.context, self.blob, &outer);
            self.sink
                .inner
                .blob(&mut batch.inner, self.origin, &decoded, &context);
            self.place(batch.inner.findings_mut(), before, &outer);
            if depth < self.sink.limits.depth {
                self.layer(batch, &decoded, depth + 1, Some(outer));
            }
            self.chain.pop();
            !self.exhausted
        });
    }

    /// The layer's new findings (from `before` on): those already reported
    /// for this blob (the same secret, or the same rule over the run:
    /// the engine reads an escaped private key as one) go, the others move
    /// to the encoded run `outer`.
    fn place(&self, findings: &mut Vec<Finding>, before: usize, outer: &Range<usize>) {
        let mut i = before;
        while i < findings.len() {
            let new = &findings[i];
            let seen = findings[self.plain_from..before].iter().any(|f| {
                f.rule.id == new.rule.id
                    && (f.secret == new.secret
                        || (f.span.start < outer.end && outer.start < f.span.end))
            });
            if seen {
                findings.remove(i);
            } else {
                i += 1;
            }
        }
        if findings.len() == before {
            return;
        }
        // A less sure finding the plain bytes showed inside the run (the
        // catch-all rule on the encoded text) gives way to what it holds.
        let surest = findings[before..].iter().map(|f| f.confidence).max();
        let inside = |f: &Finding| {
            f.decoded.is_empty()
                && outer.start <= f.span.start
                && f.span.end <= outer.end
                && Some(f.confidence) < surest
        };
        let gone = findings[self.plain_from..before]
            .iter()
            .filter(|f| inside(f))
            .count();
        if gone > 0 {
            let mut i = self.plain_from;
            let mut end = before;
            while i < end {
                if inside(&findings[i]) {
                    findings.remove(i);
                    end -= 1;
                } else {
                    i += 1;
                }
            }
        }
        let before = before - gone;
        let start = PositionCursor::new(self.blob).locate(outer.start);
        let end = end_position(start, &self.blob[outer.clone()]);
        let (snippet, snippet_secrets) = run_snippet(self.blob, outer);
        let markers = (self.sink.markers_covering)(self.blob, outer.start, start.line);
        for finding in &mut findings[before..] {
            finding.start = start;
            finding.end = end;
            finding.span = outer.clone();
            finding.snippet = snippet.clone();
            finding.snippet_secrets = snippet_secrets.clone();
            finding.inline_markers = markers.clone();
            finding.related.clear();
            finding.decoded = self.chain.clone();
        }
    }
}

/// A decoded layer's facts for the inner sink: the blob's commit, and for
/// a staged change, the layer counts as changed when its run's lines are.
struct LayerContext<'a> {
    outer: &'a dyn BlobContext,
    blob: &'a [u8],
    run: Range<usize>,
}

impl<'a> LayerContext<'a> {
    fn new(outer: &'a dyn BlobContext, blob: &'a [u8], run: &Range<usize>) -> LayerContext<'a> {
        LayerContext {
            outer,
            blob,
            run: run.clone(),
        }
    }
}

impl BlobContext for LayerContext<'_> {
    fn commit(&self) -> Option<Arc<CommitInfo>> {
        self.outer.commit()
    }

    fn changed_lines(&self) -> Option<Vec<usize>> {
        let changed = self.outer.changed_lines()?;
        // Counted only here (a staged layer that produced something).
        let first = memchr::memchr_iter(b'\n', &self.blob[..self.run.start]).count() + 1;
        let last = first + memchr::memchr_iter(b'\n', &self.blob[self.run.clone()]).count();
        // Every line of the layer counts, or none does.
        if changed.iter().any(|&line| (first..=last).contains(&line)) {
            None
        } else {
            Some(Vec::new())
        }
    }
}

/// The longest line a decoded finding's snippet shows, and the context
/// kept around the run on a longer one.
const MAX_SNIPPET_BYTES: usize = 160;
const SNIPPET_CONTEXT_BYTES: usize = 60;
/// Of a long run, this much is shown (masked) in the snippet.
const MAX_RUN_SHOWN: usize = 80;

/// The blob's line holding the start of `run`, with the run (cut to what
/// the snippet shows; the mask marks the cut) as the secret to mask.
fn run_snippet(blob: &[u8], run: &Range<usize>) -> (String, Vec<SnippetSecret>) {
    let line = PositionCursor::line_bounds(blob, run.start);
    let long = line.len() > MAX_SNIPPET_BYTES;
    let after = run.end.min(line.end);
    let run_end = after.min(run.start + MAX_RUN_SHOWN);
    let from = if long {
        line.start
            .max(run.start.saturating_sub(SNIPPET_CONTEXT_BYTES))
    } else {
        line.start
    };
    let to = if long {
        line.end.min(after + SNIPPET_CONTEXT_BYTES)
    } else {
        line.end
    };
    let piece =
        |a: usize, b: usize| String::from_utf8_lossy(&blob[a..b]).replace(['\t', '\r'], " ");
    let mut text = String::new();
    if from > line.start {
        text.push('…');
    }
    text.push_str(&piece(from, run.start));
    let begin = text.len();
    text.push_str(&piece(run.start, run_end));
    let secret = SnippetSecret {
        range: begin..text.len(),
        starts_inside: true,
    };
    text.push_str(&piece(after, to));
    if to < line.end {
        text.push('…');
    }
    (text, vec![secret])
}
