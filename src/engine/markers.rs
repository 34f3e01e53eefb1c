//! Inline allow markers, in any comment syntax (the marker is searched as
//! text, so `#`, `//`, `/* */`, `--`, `<!-- -->` and `;` all work):
//!
//! * `keylint:allow` on the finding's line, or alone (in a comment of its
//!   own) on the line before; `keylint:allow rule-a,rule-b` limits it to
//!   those rules.
//! * other scanners' markers, so teams keep theirs: `gitleaks:allow`,
//!   `trufflehog:ignore` and detect-secrets' `pragma: allowlist secret` on
//!   the line, `pragma: allowlist nextline secret` on the line before.
//!
//! A finding's marker is looked up on the line where the secret starts, so a
//! marker on a PEM block's BEGIN line covers the whole block.

use crate::model::marker::{InlineMarker, MarkerKind};
use crate::model::position::PositionCursor;

/// Where a marker applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    SameLine,
    NextLine,
}

const MARKERS: &[(&str, MarkerKind, Reach)] = &[
    ("keylint:allow", MarkerKind::Keylint, Reach::SameLine),
    ("gitleaks:allow", MarkerKind::Gitleaks, Reach::SameLine),
    ("trufflehog:ignore", MarkerKind::Trufflehog, Reach::SameLine),
    (
        "pragma: allowlist secret",
        MarkerKind::DetectSecrets,
        Reach::SameLine,
    ),
    (
        "pragma: allowlist nextline secret",
        MarkerKind::DetectSecrets,
        Reach::NextLine,
    ),
];

/// Markers covering a secret that starts at byte `offset` on line `line`.
pub fn markers_covering(haystack: &[u8], offset: usize, line: usize) -> Vec<InlineMarker> {
    let current = PositionCursor::line_bounds(haystack, offset);
    let mut found: Vec<InlineMarker> = markers_in_line(&haystack[current.clone()])
        .into_iter()
        .filter(|(_, reach, _, _)| *reach == Reach::SameLine)
        .map(|(kind, _, _, argument)| InlineMarker {
            kind,
            line,
            argument,
        })
        .collect();
    if current.start > 0 {
        let previous = PositionCursor::line_bounds(haystack, current.start - 1);
        let text = &haystack[previous];
        for (kind, reach, alone, argument) in markers_in_line(text) {
            let applies = reach == Reach::NextLine || (kind == MarkerKind::Keylint && alone);
            if applies {
                found.push(InlineMarker {
                    kind,
                    line: line - 1,
                    argument,
                });
            }
        }
    }
    found
}

/// Every marker in a buffer as (line, kind), for `--report-unused`.
pub fn all_markers(haystack: &[u8]) -> Vec<(usize, MarkerKind)> {
    let mut found = Vec::new();
    for &(text, kind, _) in MARKERS {
        for at in memchr::memmem::find_iter(haystack, text.as_bytes()) {
            let line = memchr::memchr_iter(b'\n', &haystack[..at]).count() + 1;
            found.push((line, kind));
        }
    }
    found.sort();
    found.dedup();
    found
}

/// (kind, reach, alone on its line, argument) for each marker in `line`.
fn markers_in_line(line: &[u8]) -> Vec<(MarkerKind, Reach, bool, String)> {
    let mut found = Vec::new();
    for &(text, kind, reach) in MARKERS {
        let Some(at) = memchr::memmem::find(line, text.as_bytes()) else {
            continue;
        };
        // `pragma: allowlist secret` is a prefix of nothing else, but the
        // nextline form must not also count as the same-line one.
        let alone = line[..at]
            .iter()
            .all(|b| b.is_ascii_whitespace() || b"#/*-<!;%'".contains(b));
        let rest = String::from_utf8_lossy(&line[at + text.len()..]);
        let argument = rest.split_whitespace().next().unwrap_or("").to_string();
        found.push((kind, reach, alone, argument));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covering(text: &str, needle: &str) -> Vec<InlineMarker> {
        let offset = text.find(needle).unwrap();
        let line = text[..offset].matches('\n').count() + 1;
        markers_covering(text.as_bytes(), offset, line)
    }

    #[test]
    fn same_line_and_alone_on_the_line_before() {
        assert_eq!(
            covering("k = SECRET # keylint:allow\n", "SECRET")[0].kind,
            MarkerKind::Keylint
        );
        assert_eq!(
            covering("// keylint:allow aws-access-key-id\nk = SECRET\n", "SECRET")[0].argument,
            "aws-access-key-id"
        );
        assert!(
            covering("x = 1 # keylint:allow\nk = SECRET\n", "SECRET").is_empty(),
            "not alone"
        );
        assert_eq!(
            covering("<!-- keylint:allow -->\nSECRET", "SECRET").len(),
            1
        );
    }

    #[test]
    fn foreign_markers_keep_their_own_reach() {
        assert_eq!(
            covering("k = SECRET # gitleaks:allow", "SECRET")[0].kind,
            MarkerKind::Gitleaks
        );
        assert!(covering("# gitleaks:allow\nk = SECRET", "SECRET").is_empty());
        assert_eq!(
            covering("# pragma: allowlist nextline secret\nk = SECRET", "SECRET").len(),
            1
        );
        assert_eq!(
            covering("k = SECRET  # pragma: allowlist secret", "SECRET").len(),
            1
        );
        assert!(covering("k = SECRET  # pragma: allowlist nextline secret", "SECRET").is_empty());
        assert_eq!(
            covering("k = SECRET // trufflehog:ignore", "SECRET").len(),
            1
        );
    }
}
