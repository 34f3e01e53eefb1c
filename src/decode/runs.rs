//! Candidate encoded runs and their decoders.  Finding candidates is one
//! cheap pass per decoder over the bytes (a byte table for base64,
//! `memchr` for `\` and `%`), with no allocation: a blob with nothing
//! encoded costs those passes and nothing more.  A candidate is decoded
//! only when it looks right (base64 is first decoded 48 bytes at a time on
//! the stack and dropped unless that reads as text).

use std::ops::Range;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// One way text may be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoder {
    /// Standard or URL-safe base64, padded or not.
    Base64,
    /// A JSON / JavaScript string literal holding escapes (`\n`, `\"`,
    /// `\\`, `\uXXXX`): its content, unescaped.
    JsonEscape,
    /// A run holding `%XX` escapes (URLs, form values).
    Percent,
}

impl Decoder {
    /// The name a finding's decode chain shows.
    pub fn name(self) -> &'static str {
        match self {
            Decoder::Base64 => "base64",
            Decoder::JsonEscape => "json-escape",
            Decoder::Percent => "percent",
        }
    }

    /// The most bytes `len` encoded bytes decode to (checked against the
    /// budget before anything is decoded).
    pub fn decoded_bound(self, len: usize) -> usize {
        match self {
            Decoder::Base64 => len / 4 * 3 + 2,
            Decoder::JsonEscape | Decoder::Percent => len,
        }
    }

    /// The run's bytes decoded, or `None` when they do not decode to text.
    pub fn decode(self, run: &[u8]) -> Option<Vec<u8>> {
        match self {
            Decoder::Base64 => decode_base64(run),
            Decoder::JsonEscape => unescape(run),
            Decoder::Percent => {
                let decoded: Vec<u8> = percent_encoding::percent_decode(run).collect();
                (std::str::from_utf8(&decoded).is_ok() && decoded.len() < run.len())
                    .then_some(decoded)
            }
        }
    }
}

/// The shortest base64 run decoded (the issue's floor: 20 characters, 15
/// bytes, below any key worth decoding).
pub const MIN_BASE64_RUN: usize = 20;
/// The shortest string literal whose escapes are undone.
pub const MIN_LITERAL: usize = 20;
/// The shortest run around a `%XX` that is decoded.
pub const MIN_PERCENT_RUN: usize = 8;

/// Calls `visit` with every candidate run of `text` (each decoder's in
/// order of position), until it returns false.
pub fn each_run(text: &[u8], mut visit: impl FnMut(Decoder, Range<usize>) -> bool) {
    let _ = base64_runs(text, &mut visit)
        && literal_runs(text, &mut visit)
        && percent_runs(text, &mut visit);
}

const fn table(chars: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < chars.len() {
        t[chars[i] as usize] = true;
        i += 1;
    }
    t
}

/// Both base64 alphabets (padding aside).
static BASE64: [bool; 256] =
    table(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_");

/// What a URL or a form value may hold around its `%XX` escapes; `=`,
/// `&` and `?` end the run, so it is one query value, not the whole
/// assignment or query.
static URL: [bool; 256] =
    table(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/#@!$*+,;%");

fn base64_runs(text: &[u8], visit: &mut impl FnMut(Decoder, Range<usize>) -> bool) -> bool {
    let is_base64 = |b: u8| BASE64[usize::from(b)];
    // `i` is where a run may begin (the text's start, or just past a byte
    // that is not base64).  A run of MIN_BASE64_RUN from `i` holds the byte
    // at `i + MIN - 1`: look there first and back, so most of the text is
    // never read byte by byte.
    let mut i = 0;
    while i + MIN_BASE64_RUN <= text.len() {
        let mut j = i + MIN_BASE64_RUN - 1;
        while j > i && is_base64(text[j]) {
            j -= 1;
        }
        if !is_base64(text[j]) {
            i = j + 1;
            continue;
        }
        let start = i;
        i += MIN_BASE64_RUN;
        while i < text.len() && is_base64(text[i]) {
            i += 1;
        }
        let body_end = i;
        while i < text.len() && i - body_end < 2 && text[i] == b'=' {
            i += 1;
        }
        if !visit(Decoder::Base64, start..i) {
            return false;
        }
    }
    true
}

const STANDARD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

fn decode_base64(run: &[u8]) -> Option<Vec<u8>> {
    let body = match run.iter().position(|&b| b == b'=') {
        Some(pad) => &run[..pad],
        None => run,
    };
    let standard = body.iter().any(|&b| b == b'+' || b == b'/');
    let url_safe = body.iter().any(|&b| b == b'-' || b == b'_');
    if (standard && url_safe) || body.len() % 4 == 1 {
        return None;
    }
    let engine = if url_safe { &URL_SAFE } else { &STANDARD };
    // A look at the head first, on the stack: most candidates (long
    // identifiers, hashes, images) fail here.
    let mut head = [0u8; 48];
    let prefix = &body[..body.len().min(64) & !3];
    let n = engine.decode_slice(prefix, &mut head).ok()?;
    if !mostly_text(&head[..n], prefix.len() < body.len()) {
        return None;
    }
    let decoded = engine.decode(body).ok()?;
    mostly_text(&decoded, false).then_some(decoded)
}

/// UTF-8 text (a multi-byte character may be cut at the end when `cut`),
/// with at most one control character in twenty besides tab, CR, LF.
fn mostly_text(bytes: &[u8], cut: bool) -> bool {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) if cut && e.error_len().is_none() => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    let (mut chars, mut control) = (0usize, 0usize);
    for c in text.chars() {
        chars += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            control += 1;
        }
    }
    chars > 0 && control * 20 <= chars
}

/// String literals (`"..."` or `'...'`, on one line) that hold at least one
/// escape and are at least `MIN_LITERAL` bytes long; the run is the
/// literal's content, without its quotes.
fn literal_runs(text: &[u8], visit: &mut impl FnMut(Decoder, Range<usize>) -> bool) -> bool {
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'\\', &text[from..]) {
        let at = from + found;
        let line_start = memchr::memrchr(b'\n', &text[..at]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i);
        if !literals_in_line(text, line_start..line_end, visit) {
            return false;
        }
        from = line_end;
    }
    true
}

fn literals_in_line(
    text: &[u8],
    line: Range<usize>,
    visit: &mut impl FnMut(Decoder, Range<usize>) -> bool,
) -> bool {
    let mut i = line.start;
    while i < line.end {
        let quote = text[i];
        if quote != b'"' && quote != b'\'' {
            i += 1;
            continue;
        }
        let open = i + 1;
        let mut j = open;
        let mut escapes = false;
        let mut close = None;
        while j < line.end {
            match text[j] {
                b'\\' => {
                    escapes |= j + 1 < line.end && hides_text(text, j + 1, line.end);
                    j += 2;
                }
                b if b == quote => {
                    close = Some(j);
                    break;
                }
                _ => j += 1,
            }
        }
        match close {
            // Unclosed on its line (an apostrophe in prose): not a literal,
            // look again after the quote.
            None => i = open,
            Some(close) => {
                if escapes
                    && close - open >= MIN_LITERAL
                    && !visit(Decoder::JsonEscape, open..close)
                {
                    return false;
                }
                i = close + 1;
            }
        }
    }
    true
}

/// Whether the escape at `at` (past its backslash) can hide a secret
/// from the plain text: `\uXXXX`, `\xHH` and `\/` change the characters
/// themselves; `\n`, `\"` and the like only matter when a word follows
/// (`\nsk-…` reads as `nsk-…`; a literal ending in `\n` is text as it is).
fn hides_text(text: &[u8], at: usize, end: usize) -> bool {
    match text[at] {
        b'u' | b'x' | b'/' => true,
        b'n' | b'r' | b't' | b'b' | b'f' | b'\\' | b'"' | b'\'' => {
            at + 1 < end && text[at + 1].is_ascii_alphanumeric()
        }
        _ => false,
    }
}

fn hex(b: u8) -> Option<u32> {
    char::from(b).to_digit(16)
}

fn hex_at(run: &[u8], at: usize, len: usize) -> Option<u32> {
    let digits = run.get(at..at + len)?;
    digits
        .iter()
        .try_fold(0, |acc, &b| Some(acc * 16 + hex(b)?))
}

/// A literal's content with its escapes undone (unknown escapes kept as
/// written, lone surrogates as U+FFFD).
fn unescape(run: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(run.len());
    let mut i = 0;
    while i < run.len() {
        if run[i] != b'\\' || i + 1 == run.len() {
            out.push(run[i]);
            i += 1;
            continue;
        }
        let simple = match run[i + 1] {
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'b' => Some(8),
            b'f' => Some(12),
            c @ (b'/' | b'\\' | b'"' | b'\'') => Some(c),
            _ => None,
        };
        if let Some(byte) = simple {
            out.push(byte);
            i += 2;
            continue;
        }
        let (code, len) = match run[i + 1] {
            b'u' => match hex_at(run, i + 2, 4) {
                Some(high @ 0xD800..=0xDBFF) if run.get(i + 6..i + 8) == Some(b"\\u") => {
                    match hex_at(run, i + 8, 4) {
                        Some(low @ 0xDC00..=0xDFFF) => {
                            (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), 12)
                        }
                        _ => (0xFFFD, 6),
                    }
                }
                Some(code) => (code, 6),
                None => (u32::MAX, 0),
            },
            b'x' => hex_at(run, i + 2, 2).map_or((u32::MAX, 0), |code| (code, 4)),
            _ => (u32::MAX, 0),
        };
        if len == 0 {
            out.extend_from_slice(&run[i..i + 2]);
            i += 2;
            continue;
        }
        let c = char::from_u32(code).unwrap_or('\u{FFFD}');
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        i += len;
    }
    std::str::from_utf8(&out).is_ok().then_some(out)
}

fn percent_runs(text: &[u8], visit: &mut impl FnMut(Decoder, Range<usize>) -> bool) -> bool {
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'%', &text[from..]) {
        let at = from + found;
        let escaped =
            at + 2 < text.len() && hex(text[at + 1]).is_some() && hex(text[at + 2]).is_some();
        if !escaped {
            from = at + 1;
            continue;
        }
        let mut start = at;
        while start > from && URL[usize::from(text[start - 1])] {
            start -= 1;
        }
        let mut end = at + 3;
        while end < text.len() && URL[usize::from(text[end])] {
            end += 1;
        }
        if end - start >= MIN_PERCENT_RUN && !visit(Decoder::Percent, start..end) {
            return false;
        }
        from = end;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str) -> Vec<(Decoder, String)> {
        let mut found = Vec::new();
        each_run(text.as_bytes(), |d, r| {
            found.push((d, text[r].to_string()));
            true
        });
        found
    }

    #[test]
    fn base64_runs_need_twenty_characters_and_text() {
        let encoded = "c2VjcmV0IHZhbHVlIGluc2lkZSBiYXNlNjQ="; // "secret value inside base64"
        assert_eq!(
            runs(&format!("key: {encoded}\nshort: c2VjcmV0\n")),
            vec![(Decoder::Base64, encoded.to_string())]
        );
        assert_eq!(
            Decoder::Base64.decode(encoded.as_bytes()).unwrap(),
            b"secret value inside base64"
        );
        // A hash is a base64 run, but decodes to bytes, not text.
        let sha = b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(Decoder::Base64.decode(sha), None);
        // URL-safe, unpadded.
        assert_eq!(
            Decoder::Base64
                .decode(b"PDw_Pz8-Pj4gdXJsLXNhZmUgdGV4dA")
                .unwrap(),
            b"<<???>>> url-safe text"
        );
    }

    #[test]
    fn literals_with_escapes_are_unescaped() {
        let line =
            r#"{"key": "-----BEGIN KEY-----\nAAAA\u0041\n", "plain": "no escapes here at all"}"#;
        let found = runs(line);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Decoder::JsonEscape);
        assert_eq!(
            Decoder::JsonEscape.decode(found[0].1.as_bytes()).unwrap(),
            b"-----BEGIN KEY-----\nAAAAA\n"
        );
        // An apostrophe before a literal does not hide it.
        assert_eq!(runs(r#"don't: "0123456789\n0123456789""#).len(), 1);
        // A line of text ending in `\n` hides nothing.
        assert!(runs(r#"print("a line of text, as it reads\n")"#).is_empty());
        assert_eq!(
            Decoder::JsonEscape.decode(br"\ud83d\ude00 \q").unwrap(),
            "\u{1F600} \\q".as_bytes()
        );
    }

    #[test]
    fn percent_runs_hold_an_escape() {
        let found = runs("url=https://user:p%40ss%2Fword@example.com/x?a=b, 100% sure %zz");
        assert_eq!(
            found,
            vec![(
                Decoder::Percent,
                "https://user:p%40ss%2Fword@example.com/x".to_string()
            )]
        );
        assert_eq!(
            Decoder::Percent.decode(found[0].1.as_bytes()).unwrap(),
            b"https://user:p@ss/word@example.com/x"
        );
    }
}
