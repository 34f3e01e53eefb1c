//! Stage 1½, decoding: secrets inside encodings.  `Decoding` is a
//! `BlobSink` that wraps the next one: it hands every blob on unchanged,
//! then finds encoded runs in it (`runs`: base64, string-literal escapes,
//! percent-encoding), and hands each decoded layer on too, under the same
//! `Origin`, so a secret found there has the plain secret's fingerprint
//! (a baseline entry covers both).  Layers are decoded again up to a depth
//! limit, and every blob has a budget of decoded bytes.  The runs of one
//! layer are decoded into one buffer, a line each, and the inner sink
//! scans it once: a blob with many small runs costs one more engine call
//! per layer, not one per run.
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
            };
            walk.run(batch);
            if walk.exhausted {
                batch.stats.decode_budget_exhausted += 1;
                batch.exhausted.push(origin.path.clone());
            }
        }
        batch.inner.findings_mut().len() - plain_from
    }
}

/// One blob's decoding: what is left to spend.
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
}

/// One decoded run in a layer: where its text lies in the layer, the run
/// of the blob it came from (the outermost), and the chain that made it.
struct Piece {
    at: Range<usize>,
    outer: Range<usize>,
    chain: Vec<&'static str>,
}

/// The piece holding `offset` of a layer.
fn piece_at(pieces: &[Piece], offset: usize) -> &Piece {
    let index = pieces.partition_point(|p| p.at.start <= offset);
    &pieces[index.saturating_sub(1)]
}

impl<S: BlobSink> Walk<'_, S> {
    /// Layer after layer: every run of the text before (the blob, then
    /// the last layer) decoded into one buffer, a line each, which the
    /// inner sink scans at once (one engine call per layer, not per run).
    fn run(&mut self, batch: &mut Decoded<S::Batch>) {
        let mut text: Vec<u8> = Vec::new();
        let mut pieces: Vec<Piece> = Vec::new();
        for depth in 1..=self.sink.limits.depth {
            let source: &[u8] = if depth == 1 { self.blob } else { &text };
            let mut layer: Vec<u8> = Vec::new();
            let mut found: Vec<Piece> = Vec::new();
            runs::each_run(source, |decoder, run| {
                // Checked before decoding, so a huge run costs no memory.
                if decoder.decoded_bound(run.len()) as u64 > self.budget {
                    self.exhausted = true;
                    return false;
                }
                let Some(decoded) = decoder.decode(&source[run.clone()]) else {
                    return true;
                };
                self.budget -= decoded.len() as u64;
                let (outer, mut chain) = if depth == 1 {
                    (run, Vec::new())
                } else {
                    let parent = piece_at(&pieces, run.start);
                    (parent.outer.clone(), parent.chain.clone())
                };
                chain.push(decoder.name());
                if !layer.is_empty() {
                    layer.push(b'\n');
                }
                let at = layer.len();
                layer.extend_from_slice(&decoded);
                found.push(Piece {
                    at: at..layer.len(),
                    outer,
                    chain,
                });
                true
            });
            if found.is_empty() {
                return;
            }
            batch.stats.decoded_runs += found.len() as u64;
            let before = batch.inner.findings_mut().len();
            let context = LayerContext {
                outer: self.context,
                blob: self.blob,
                layer: &layer,
                pieces: &found,
            };
            self.sink
                .inner
                .blob(&mut batch.inner, self.origin, &layer, &context);
            self.place(batch.inner.findings_mut(), before, &found);
            if self.exhausted {
                return;
            }
            text = layer;
            pieces = found;
        }
    }

    /// The layer's new findings (from `before` on) move to the encoded
    /// run of their piece; those already reported for this blob (the same
    /// secret, or the same rule over the run: the engine reads an escaped
    /// private key as one) go.
    fn place(&self, findings: &mut Vec<Finding>, before: usize, pieces: &[Piece]) {
        if findings.len() == before {
            return;
        }
        for finding in &mut findings[before..] {
            let piece = piece_at(pieces, finding.span.start);
            let outer = piece.outer.clone();
            finding.start = PositionCursor::new(self.blob).locate(outer.start);
            finding.end = end_position(finding.start, &self.blob[outer.clone()]);
            (finding.snippet, finding.snippet_secrets) = run_snippet(self.blob, &outer);
            finding.inline_markers =
                (self.sink.markers_covering)(self.blob, outer.start, finding.start.line);
            finding.related.clear();
            finding.decoded = piece.chain.clone();
            finding.span = outer;
        }
        let mut i = before;
        while i < findings.len() {
            let new = &findings[i];
            // Two keys of one run are two findings; the same rule over a
            // run an earlier layer (or the plain text) covered is one.
            let seen = findings[self.plain_from..i]
                .iter()
                .enumerate()
                .any(|(k, f)| {
                    f.rule.id == new.rule.id
                        && (f.secret == new.secret
                            || (self.plain_from + k < before
                                && f.span.start < new.span.end
                                && new.span.start < f.span.end))
                });
            if seen {
                findings.remove(i);
            } else {
                i += 1;
            }
        }
        // A less sure finding the plain bytes showed inside a run (the
        // catch-all rule on the encoded text) gives way to what it holds.
        let mut i = self.plain_from;
        let mut end = before;
        while i < end {
            let plain = &findings[i];
            let outdone = plain.decoded.is_empty()
                && findings[end..].iter().any(|f| {
                    f.span.start <= plain.span.start
                        && plain.span.end <= f.span.end
                        && plain.confidence < f.confidence
                });
            if outdone {
                findings.remove(i);
                end -= 1;
            } else {
                i += 1;
            }
        }
    }
}

/// A decoded layer's facts for the inner sink: the blob's commit, and for
/// a staged change, a piece's lines count as changed when its run's do.
struct LayerContext<'a> {
    outer: &'a dyn BlobContext,
    blob: &'a [u8],
    layer: &'a [u8],
    pieces: &'a [Piece],
}

impl BlobContext for LayerContext<'_> {
    fn commit(&self) -> Option<Arc<CommitInfo>> {
        self.outer.commit()
    }

    fn changed_lines(&self) -> Option<Vec<usize>> {
        let changed = self.outer.changed_lines()?;
        // Counted only here (a staged layer that produced something).
        let newlines: Vec<usize> = memchr::memchr_iter(b'\n', self.blob).collect();
        let line_of = |offset: usize| newlines.partition_point(|&n| n < offset) + 1;
        let mut lines = Vec::new();
        let mut layer_line = 1;
        let mut counted = 0;
        for piece in self.pieces {
            layer_line += memchr::memchr_iter(b'\n', &self.layer[counted..piece.at.start]).count();
            let last_line =
                layer_line + memchr::memchr_iter(b'\n', &self.layer[piece.at.clone()]).count();
            counted = piece.at.end;
            let (first, last) = (line_of(piece.outer.start), line_of(piece.outer.end));
            if changed.iter().any(|&line| (first..=last).contains(&line)) {
                lines.extend(layer_line..=last_line);
            }
            layer_line = last_line;
        }
        Some(lines)
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
