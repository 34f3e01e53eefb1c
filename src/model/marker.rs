//! Inline allow markers as data: which marker, on which line, with which
//! argument.  The engine finds them in a blob's text (`engine::markers`);
//! the suppress stage decides whether they apply.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MarkerKind {
    Keylint,
    Gitleaks,
    Trufflehog,
    DetectSecrets,
}

impl MarkerKind {
    pub fn is_foreign(self) -> bool {
        self != MarkerKind::Keylint
    }

    pub fn text(self) -> &'static str {
        match self {
            MarkerKind::Keylint => "keylint:allow",
            MarkerKind::Gitleaks => "gitleaks:allow",
            MarkerKind::Trufflehog => "trufflehog:ignore",
            MarkerKind::DetectSecrets => "pragma: allowlist secret",
        }
    }
}

/// A marker that covers a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineMarker {
    pub kind: MarkerKind,
    /// 1-based line the marker is on.
    pub line: usize,
    /// For `keylint:allow`: the first word after the marker, which limits it
    /// to rules when it is a comma-separated list of known rule ids.
    pub argument: String,
}
