//! Redaction: a secret is never printed whole unless the user asks
//! (`--no-redact`).  A short prefix stays visible so a person can recognise
//! which key it is (`sk-proj-AbCd…`); the rest is replaced by `…`.

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

/// The structural prefix (up to the last `-` or `_` in the first 16 chars,
/// e.g. `sk-proj-`, `ghp_`) plus a few random characters, but never more
/// than a third of the secret: short secrets show little or nothing.
fn visible_prefix_len(chars: &[char]) -> usize {
    if chars.first() == Some(&'-') {
        // PEM blocks: show the armour line's start, never the key body.
        return chars
            .iter()
            .take(32)
            .take_while(|&&c| c != '\n' && c != '\\')
            .count()
            .min(31);
    }
    let head = &chars[..chars.len().min(16)];
    let structural = head
        .iter()
        .rposition(|&c| c == '-' || c == '_')
        .map_or(0, |i| i + 1);
    (structural + VISIBLE_RANDOM_CHARS).min(chars.len() / 3)
}

/// Whether `visible` (the text before a `…`) could be what `redact` shows
/// of some secret: a structural prefix and at most `VISIBLE_RANDOM_CHARS`
/// more (or a PEM armour line's start).  A longer run is no redaction: a
/// whole key written before a `…` stays a finding (`sources::own_output`).
pub fn could_be_redacted(visible: &str) -> bool {
    let chars: Vec<char> = visible.chars().collect();
    if chars.first() == Some(&'-') {
        return chars.len() <= 31;
    }
    let head = &chars[..chars.len().min(16)];
    let structural = head
        .iter()
        .rposition(|&c| c == '-' || c == '_')
        .map_or(0, |i| i + 1);
    chars.len() <= structural + VISIBLE_RANDOM_CHARS
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

#[cfg(test)]
mod tests {
    use super::*;

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
