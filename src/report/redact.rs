//! Redaction: a secret is never printed whole unless the user asks
//! (`--no-redact`).  A short prefix stays visible so a person can recognise
//! which key it is (`sk-proj-AbCd…`); the rest is replaced by `…`.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::finding::SnippetSecret;

/// Characters of the random part left visible after a structural prefix.
const VISIBLE_RANDOM_CHARS: usize = 4;

pub fn redact(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let visible = visible_prefix_len(&chars);
    let mut out: String = chars[..visible].iter().collect();
    out.push('…');
    out
}

/// At most this many characters of a PEM block's armour line are shown.
const PEM_VISIBLE_CHARS: usize = 31;

/// The structural prefix (up to the last `-` or `_` in the first 16 chars,
/// e.g. `sk-proj-`, `ghp_`) plus a few random characters, but never more
/// than a third of the secret: short secrets show little or nothing.
fn visible_prefix_len(chars: &[char]) -> usize {
    if chars.first() == Some(&'-') {
        // PEM blocks: show the armour line's start, never the key body.
        return chars
            .iter()
            .take(PEM_VISIBLE_CHARS)
            .take_while(|&&c| c != '\n' && c != '\\')
            .count();
    }
    (structural_prefix_len(chars) + VISIBLE_RANDOM_CHARS).min(chars.len() / 3)
}

/// Characters up to and including the last `-` or `_` of the first 16.
fn structural_prefix_len(chars: &[char]) -> usize {
    chars[..chars.len().min(16)]
        .iter()
        .rposition(|&c| c == '-' || c == '_')
        .map_or(0, |i| i + 1)
}

/// Whether `visible` (the text before a `…`) could be what `redact` shows
/// of some secret: a structural prefix and at most `VISIBLE_RANDOM_CHARS`
/// more (or a PEM armour line's start).  A longer run is no redaction: a
/// whole key written before a `…` stays a finding (`sources::own_output`).
pub fn could_be_redacted(visible: &str) -> bool {
    let chars: Vec<char> = visible.chars().collect();
    if chars.first() == Some(&'-') {
        return chars.len() <= PEM_VISIBLE_CHARS;
    }
    chars.len() <= structural_prefix_len(&chars) + VISIBLE_RANDOM_CHARS
}

/// `snippet` with each listed secret replaced by its redacted form (a cut-off
/// tail by `…` alone).
pub fn mask_snippet(snippet: &str, secrets: &[SnippetSecret]) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut copied = 0;
    for secret in secrets {
        out.push_str(&snippet[copied..secret.range.start]);
        let text = &snippet[secret.range.clone()];
        if secret.starts_inside {
            out.push_str(&redact(text));
        } else {
            out.push('…');
        }
        copied = secret.range.end;
    }
    out.push_str(&snippet[copied..]);
    out
}

/// Masks every occurrence of every found secret value in any text a report
/// writes (snippets, messages, related locations, suppression reasons,
/// unused allows, warnings, commit authors), so a secret repeated on its
/// line, in a comment or in another file is never printed whole.  Each
/// copy becomes the secret's redacted form; overlapping values mask the
/// longest.
pub struct SecretMasker {
    /// `None` when there is nothing to mask (or `--no-redact`).
    automaton: Option<AhoCorasick>,
    replacements: Vec<String>,
}

impl SecretMasker {
    /// A masker for `secrets` (duplicates and empty values are fine).
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a str>) -> SecretMasker {
        let mut values: Vec<String> = Vec::new();
        for secret in secrets.into_iter().filter(|s| !s.is_empty()) {
            values.push(secret.to_string());
            // Snippets show tabs and CRs as spaces: mask that form too.
            let spaced = secret.replace(['\t', '\r'], " ");
            if spaced != secret {
                values.push(spaced);
            }
        }
        values.sort_unstable();
        values.dedup();
        SecretMasker {
            automaton: longest_match_automaton(&values),
            replacements: values.iter().map(|v| redact(v)).collect(),
        }
    }

    /// A masker that leaves text as it is (`--no-redact`).
    pub fn none() -> SecretMasker {
        SecretMasker {
            automaton: None,
            replacements: Vec::new(),
        }
    }

    /// `text` with every secret value in it replaced by its redacted form.
    pub fn mask<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let Some(automaton) = &self.automaton else {
            return Cow::Borrowed(text);
        };
        let mut matches = automaton.find_iter(text).peekable();
        if matches.peek().is_none() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for found in matches {
            out.push_str(&text[copied..found.start()]);
            out.push_str(&self.replacements[found.pattern().as_usize()]);
            copied = found.end();
        }
        out.push_str(&text[copied..]);
        Cow::Owned(out)
    }
}

/// An automaton finding `values` (distinct, non-empty) in text, the
/// longest where they overlap, so no mask leaves part of a longer secret
/// shown; `None` without values.  Shared by `SecretMasker` and the snippet
/// copies of `finding`.
pub fn longest_match_automaton<V: AsRef<[u8]>>(values: &[V]) -> Option<AhoCorasick> {
    if values.is_empty() {
        return None;
    }
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(values)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_copy_of_every_secret() {
        let masker = SecretMasker::new(["hunter2hunter2", "AKIAQ4N2OFAKEI7CESOL", ""]);
        assert_eq!(
            masker.mask("pw = \"hunter2hunter2\" # old: hunter2hunter2, AKIAQ4N2OFAKEI7CESOL"),
            "pw = \"hunt…\" # old: hunt…, AKIA…"
        );
        assert!(matches!(masker.mask("nothing here"), Cow::Borrowed(_)));
        assert_eq!(
            SecretMasker::none().mask("hunter2hunter2"),
            "hunter2hunter2"
        );
    }

    #[test]
    fn the_longest_of_overlapping_secrets_wins() {
        let masker = SecretMasker::new(["abcdefghijkl", "abcdefghijklmnopqrstuvwx"]);
        // The shorter would leave "mnopqrstuvwx" shown after its mask.
        assert_eq!(masker.mask("abcdefghijklmnopqrstuvwx"), "abcd…");
    }

    #[test]
    fn keeps_structural_prefix_and_a_few_chars() {
        let key = "sk-proj-RUSXSjt3lXrFAKErY6ugT3BlbkFJAKPdWC1LSfLdCuT3bNJv";
        assert_eq!(redact(key), "sk-proj-RUSX…");
        assert_eq!(redact("AKIAQ4N2OFAKEI7CESOL"), "AKIA…");
        assert_eq!(redact("hunter2"), "hu…");
        assert_eq!(
            redact("-----BEGIN RSA PRIVATE KEY-----\nMIIE"),
            "-----BEGIN RSA PRIVATE KEY-----…"
        );
    }
}
