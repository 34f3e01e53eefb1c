//! A finding: one secret, where it is, and what it is.  The engine builds
//! it from its byte offsets once per match (`engine::findings`), so reports
//! never re-read files.

use std::ops::Range;
use std::sync::Arc;

use super::fingerprint;
use super::marker::InlineMarker;
use super::origin::Origin;
use super::position::{LineCol, PositionCursor, end_position};
use crate::rules::{Confidence, RuleMeta};

/// A secret's place inside a snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetSecret {
    pub range: Range<usize>,
    /// False when the secret began before the snippet (a cut-off tail).
    pub starts_inside: bool,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: Arc<RuleMeta>,
    pub origin: Origin,
    pub start: LineCol,
    /// Exclusive end (SARIF `endColumn` semantics).
    pub end: LineCol,
    pub secret: String,
    /// The line holding the start of the secret (possibly cut to a window),
    /// unmasked: reports mask it through `masked_snippet`.
    pub snippet: String,
    /// Every secret visible in `snippet` (this one and any other on the same
    /// line), as byte ranges into it, so no report leaks a neighbour.
    pub snippet_secrets: Vec<SnippetSecret>,
    pub fingerprint: String,
    pub location_fingerprint: String,
    /// Allow markers on or above the secret's first line (the suppress
    /// stage decides whether they apply).
    pub inline_markers: Vec<InlineMarker>,
    /// Byte range of the secret in its blob (for scope analysis).
    pub span: Range<usize>,
    /// Set by analysis findings: what is wrong, in words (secrets redacted).
    pub message: Option<String>,
    /// Other places the finding involves (the project ID a key is bound to).
    pub related: Vec<Related>,
    /// How sure this finding is to be a credential: the rule's confidence,
    /// or `low` for a known test value.
    pub confidence: Confidence,
    /// Set when the secret is a known public or test value: what it is
    /// (`rules/known-test-values.toml`).  Such findings are suppressed.
    pub test_value: Option<String>,
    /// Found in decoded text (`decode`): the decoders that revealed it,
    /// outermost first (`["base64", "json-escape"]`); empty for a secret
    /// found in the plain bytes.
    pub decoded: Vec<&'static str>,
}

/// Findings in report order (`Finding::sort_key`), whatever order the
/// worker threads produced them in.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// A secondary location of a finding (SARIF `relatedLocations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub origin: Origin,
    pub start: LineCol,
    pub end: LineCol,
    pub message: String,
}

impl Related {
    /// The location of `span` in `haystack`.
    pub fn at(haystack: &[u8], origin: &Origin, span: Range<usize>, message: String) -> Related {
        let start = PositionCursor::new(haystack).locate(span.start);
        Related {
            origin: origin.clone(),
            start,
            end: end_position(start, &haystack[span]),
            message,
        }
    }
}

impl Finding {
    /// Make this finding (a copy of the key's) one of `rule`, identified by
    /// `identity` (the secret plus what the analysis found about it), so a
    /// baseline accepts exactly that pairing.
    pub fn reidentify(&mut self, rule: Arc<RuleMeta>, identity: &[u8]) {
        (self.fingerprint, self.location_fingerprint) =
            fingerprint::fingerprints(&rule.id, &self.origin.root_relative, identity);
        self.rule = rule;
    }

    /// This finding's place as a related location of another finding.
    pub fn as_related(&self, message: String) -> Related {
        Related {
            origin: self.origin.clone(),
            start: self.start,
            end: self.end,
            message,
        }
    }

    /// The decode chain as shown in reports (`base64 > json-escape`), or
    /// `None` for a secret found in the plain bytes.
    pub fn decoded_chain(&self) -> Option<String> {
        (!self.decoded.is_empty()).then(|| self.decoded.join(" > "))
    }

    /// Ordering for reports: by path, then position, then rule.
    pub fn sort_key(&self) -> (&str, LineCol, &str) {
        (&self.origin.path, self.start, &self.rule.id)
    }
}
