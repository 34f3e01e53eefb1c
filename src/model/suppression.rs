//! What the suppress stage decided, as data: which findings were set
//! aside and why, and which allows set aside nothing.  Reports read it;
//! none of them calls the suppress stage.

use serde::Serialize;

use super::finding::Finding;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mechanism {
    Inline,
    Config,
    Baseline,
    /// A known public or test value (`rules/known-test-values.toml`).
    #[serde(rename = "test_value")]
    TestValue,
}

/// A finding that was not reported, and what suppressed it.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub finding: Finding,
    pub mechanism: Mechanism,
    /// Human-readable: which marker, config entry or baseline.
    pub reason: String,
}

/// An allow that suppressed nothing in this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unused {
    pub mechanism: Mechanism,
    /// `file:line` of the allow (config entry, marker) or the baseline file.
    pub location: String,
    pub text: String,
}

/// How many findings `mechanism` set aside (known test values are
/// counted apart from the team's allows).
pub fn count(suppressed: &[Suppressed], mechanism: Mechanism) -> usize {
    suppressed
        .iter()
        .filter(|s| s.mechanism == mechanism)
        .count()
}

/// Counts for the summary line: (inline, config, baseline).
pub fn counts(suppressed: &[Suppressed]) -> (usize, usize, usize) {
    let count = |m: Mechanism| count(suppressed, m);
    (
        count(Mechanism::Inline),
        count(Mechanism::Config),
        count(Mechanism::Baseline),
    )
}
