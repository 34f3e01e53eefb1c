//! keylint's own output saved in a scanned tree: a baseline
//! (`.keylint-baseline.json`) or a JSON, SARIF, JUnit, CSV or GitHub
//! report.  It holds keylint's *redacted* secrets (`github_pat_11AB…`),
//! which generic rules would report again on the next scan, so the
//! baseline workflow and the pre-commit hook would fail on the baseline.
//!
//! Such a file is recognised by its first bytes (`sniff`: a few `memmem`
//! calls on at most `SNIFF_LEN` bytes, nothing for other files), and is
//! still scanned: only matches lying in one of keylint's redacted values
//! are dropped (`in_redacted_value`).  Skipping the whole file would let
//! anyone hide a real key by pasting it under a keylint-looking header;
//! this way a forged file can hide only what a redaction shows (a
//! structural prefix and at most `VISIBLE_RANDOM_CHARS` characters of the
//! random part, before a `…`), never a whole key.  Fingerprints are not
//! exempted: they look like 32-hex-digit keys, and no built-in rule
//! matches them where keylint writes them.

use std::ops::Range;
use std::sync::LazyLock;

use crate::report::redact;

/// Which of keylint's outputs a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnOutput {
    Baseline,
    JsonReport,
    Sarif,
    Junit,
    Csv,
    Github,
}

/// Each format's signature lies within the first bytes keylint writes.
const SNIFF_LEN: usize = 512;

/// The CSV report's first line, joined once: `sniff` runs on every blob.
static CSV_HEADER: LazyLock<String> =
    LazyLock::new(|| crate::report::csv_report::HEADER.join(","));

/// What keylint output `bytes` is, judged from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<OwnOutput> {
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    let has = |needle: &str| memchr::memmem::find(head, needle.as_bytes()).is_some();
    let starts = |prefix: &str| head.trim_ascii_start().starts_with(prefix.as_bytes());
    if starts("{") && has("\"keylint_baseline\":") {
        Some(OwnOutput::Baseline)
    } else if starts("{") && has("\"schema_version\":") && has("\"name\": \"keylint\"") {
        Some(OwnOutput::JsonReport)
    } else if starts("{") && has("\"driver\": {") && has("\"name\": \"keylint\"") {
        Some(OwnOutput::Sarif)
    } else if starts("<?xml") && has("<testsuites name=\"keylint\"") {
        Some(OwnOutput::Junit)
    } else if head.starts_with(CSV_HEADER.as_bytes()) {
        Some(OwnOutput::Csv)
    } else if (starts("::error ") || starts("::warning ") || starts("::notice "))
        && has("title=keylint%3A")
    {
        Some(OwnOutput::Github)
    } else {
        None
    }
}

const ELLIPSIS: &[u8] = "…".as_bytes();

/// Whether the match `secret` lies in a value keylint redacted: a run of
/// value bytes ending in `…` whose visible part a redaction could show.
pub fn in_redacted_value(haystack: &[u8], secret: &Range<usize>) -> bool {
    // The `…` ends the value holding the match: inside the match, or after
    // it with only value bytes between.
    let search_end = haystack.len().min(secret.end + SNIFF_LEN);
    let Some(offset) = memchr::memmem::find(&haystack[secret.start..search_end], ELLIPSIS) else {
        return false;
    };
    let ellipsis = secret.start + offset;
    if secret.end > ellipsis + ELLIPSIS.len() {
        return false;
    }
    if !haystack[secret.end.min(ellipsis)..ellipsis]
        .iter()
        .all(|&b| is_value_byte(b))
    {
        return false;
    }
    let value_start = haystack[..secret.start]
        .iter()
        .rposition(|&b| !is_value_byte(b))
        .map_or(0, |i| i + 1);
    let visible = &haystack[value_start..ellipsis];
    if visible.is_empty() || !visible.iter().all(|&b| is_value_byte(b)) {
        return false;
    }
    std::str::from_utf8(visible).is_ok_and(redact::could_be_redacted)
}

/// Bytes of a value in keylint's reports: not a delimiter of JSON, XML,
/// CSV, the GitHub format or the human snippet, and ASCII (the `…` ends it).
fn is_value_byte(b: u8) -> bool {
    b.is_ascii_graphic() && !b"\"'`,;=:<>()[]{}|\\".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keylint_outputs_are_told_by_their_first_bytes() {
        let json = "{\n  \"schema_version\": 1,\n  \"tool\": {\n    \"name\": \"keylint\",";
        assert_eq!(sniff(json.as_bytes()), Some(OwnOutput::JsonReport));
        let baseline = "{\n  \"keylint_baseline\": 1,\n  \"findings\": []\n}\n";
        assert_eq!(sniff(baseline.as_bytes()), Some(OwnOutput::Baseline));
        assert_eq!(sniff(b"{\"name\": \"keylint\"}"), None);
        assert_eq!(sniff(b"rule_id,rule_name\n"), None);
    }

    #[test]
    fn only_values_a_redaction_could_show_are_exempt() {
        let text = r#"x "secret": "github_pat_11AB…", "s": "ghp_q8w3k5z1m4k9q2w7z7x5c3v1…""#;
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            start..start + needle.len()
        };
        assert!(in_redacted_value(text.as_bytes(), &at("github_pat_11AB")));
        assert!(in_redacted_value(text.as_bytes(), &at("pat_11")));
        // A whole key before a `…` is no redaction.
        assert!(!in_redacted_value(
            text.as_bytes(),
            &at("ghp_q8w3k5z1m4k9q2w7z7x5c3v1")
        ));
        assert!(!in_redacted_value(text.as_bytes(), &at("\"s\"")));
    }
}
