//! Position-keeping readers for the formats credential files use: line
//! assignments (INI, env, properties, simple YAML), whitespace tokens
//! (netrc), a JSON string lexer and an XML walk (quick-xml).  Every value
//! comes back as a byte span of the original text, because a finding is
//! reported at the value's line and column; `serde_json` and `toml` give
//! values without positions, so they are not used here.

use std::ops::Range;

use super::CredentialField;

/// `key <sep> value` on one line.
#[derive(Debug)]
pub struct Assignment<'a> {
    /// The key, unquoted, with an `export ` prefix removed.
    pub key: &'a str,
    /// The value without quotes, trailing comment and blanks.
    pub value: Range<usize>,
    pub line_start: usize,
}

/// Every `key = value` line (`seps` are the separator bytes: `=`, `:`,
/// or blanks); INI `[section]` lines are skipped.  Comment lines (`#`, `;`, `//`)
/// and lines without a separator are skipped.
pub fn assignments<'a>(text: &'a str, seps: &[u8]) -> Vec<Assignment<'a>> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let offset = start + indent;
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) || trimmed.starts_with("//") {
            continue;
        }
        if trimmed.starts_with('[') && seps != b":" {
            continue;
        }
        if let Some(a) = assignment(trimmed, offset, seps) {
            out.push(Assignment {
                line_start: start,
                ..a
            });
        }
    }
    out
}

fn assignment<'a>(line: &'a str, offset: usize, seps: &[u8]) -> Option<Assignment<'a>> {
    let (line, offset) = match line.strip_prefix("export ") {
        Some(rest) => (
            rest.trim_start(),
            offset + line.len() - rest.trim_start().len(),
        ),
        None => (line, offset),
    };
    let stripped = line.strip_prefix("- ").unwrap_or(line);
    let offset = offset + (line.len() - stripped.len());
    let line = stripped;
    let bytes = line.as_bytes();
    let quoted_key = matches!(bytes.first(), Some(b'"' | b'\''));
    let key_end = if quoted_key {
        1 + line[1..].find(bytes[0] as char)? + 1
    } else {
        bytes
            .iter()
            .position(|b| seps.contains(b) || (!seps.contains(&b' ') && b.is_ascii_whitespace()))?
    };
    let key = line[..key_end].trim_matches(['"', '\'']);
    let key_ok = !key.is_empty()
        && key.bytes().all(|b| {
            b.is_ascii_alphanumeric() || b"_.-:@/[]".contains(&b) || b == b' ' && quoted_key
        });
    if !key_ok {
        return None;
    }
    let mut i = key_end;
    while i < bytes.len() && bytes[i].is_ascii_whitespace() && bytes[i] != b'\n' {
        i += 1;
    }
    if !seps.contains(&b' ') {
        if i >= bytes.len() || !seps.contains(&bytes[i]) {
            return None;
        }
        i += 1;
        while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
            i += 1;
        }
    }
    let value = value_span(line, i)?;
    Some(Assignment {
        key,
        value: offset + value.start..offset + value.end,
        line_start: 0,
    })
}

/// The value starting at `from` in `line`: inside quotes if quoted, else up
/// to a ` #` / ` ;` comment, blanks trimmed.
pub fn value_span(line: &str, from: usize) -> Option<Range<usize>> {
    let rest = line.get(from..)?.trim_end_matches(['\r', ' ', '\t']);
    let bytes = rest.as_bytes();
    let first = *bytes.first()?;
    if first == b'"' || first == b'\'' {
        let close = rest[1..].find(first as char)?;
        return Some(from + 1..from + 1 + close);
    }
    let mut end = rest.len();
    for (i, w) in bytes.windows(2).enumerate() {
        if w[0].is_ascii_whitespace() && (w[1] == b'#' || w[1] == b';') {
            end = i;
            break;
        }
    }
    let value = rest[..end].trim_end();
    (!value.is_empty()).then(|| from..from + value.len())
}

/// `(offset, line)` for every line, without its `\n` / `\r\n`.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split('\n').map(move |line| {
        let start = offset;
        offset += line.len() + 1;
        (start, line.strip_suffix('\r').unwrap_or(line))
    })
}

/// The byte offset of the whole word `word` in `hay`, if any.
pub fn find_word(hay: &[u8], word: &[u8]) -> Option<usize> {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    memchr::memmem::find_iter(hay, word).find(|&i| {
        (i == 0 || !is_word(hay[i - 1])) && hay.get(i + word.len()).is_none_or(|&b| !is_word(b))
    })
}

/// Whitespace-separated tokens with their spans (netrc), quotes removed.
pub fn tokens(text: &str) -> Vec<(&str, Range<usize>)> {
    tokens_with(text, false)
}

/// Tokens as `tokens`; with `rc_syntax` (msmtp, esmtp, fetchmail) a `#`
/// after a blank also starts a comment and single quotes quote too.
pub fn tokens_with(text: &str, rc_syntax: bool) -> Vec<(&str, Range<usize>)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let comment_start = i == 0 || bytes[i - 1] == b'\n' || rc_syntax;
        if bytes[i] == b'#' && comment_start {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let quote = bytes[i] == b'"' || rc_syntax && bytes[i] == b'\'';
        let (start, end, next) = if quote {
            let q = bytes[i];
            let close = memchr::memchr(q, &bytes[i + 1..]).map_or(bytes.len(), |c| i + 1 + c);
            (i + 1, close, close + 1)
        } else {
            let end = bytes[i..]
                .iter()
                .position(|b| b.is_ascii_whitespace())
                .map_or(bytes.len(), |p| i + p);
            (i, end, end)
        };
        out.push((&text[start..end], start..end));
        i = next;
    }
    out
}

/// A string value in a JSON document, with its key and the keys above it.
#[derive(Debug)]
pub struct JsonString {
    pub key: String,
    /// Span of the string's contents (between the quotes, escapes raw).
    pub value: Range<usize>,
}

/// Every string value of an object member in `text` (JSON, or JSON with
/// comments and trailing commas as editors write it).  A lexer, not a
/// validator: malformed input yields what was read before the damage.
pub fn json_strings(text: &str) -> Vec<JsonString> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Per open container: its key in the parent, and whether an object.
    let mut stack: Vec<(String, bool)> = Vec::new();
    let mut pending_key: Option<String> = None;
    let mut expect_key = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => {
                let key = pending_key.take().unwrap_or_default();
                stack.push((key, bytes[i] == b'{'));
                expect_key = bytes[i] == b'{';
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                pending_key = None;
                expect_key = false;
                i += 1;
            }
            b',' => {
                expect_key = stack.last().is_some_and(|(_, object)| *object);
                pending_key = None;
                i += 1;
            }
            b':' => {
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |p| i + p);
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                let end = j.min(bytes.len());
                if expect_key {
                    pending_key = Some(text[start..end].to_string());
                    expect_key = false;
                } else if let Some(key) = pending_key.take() {
                    out.push(JsonString {
                        key,
                        value: start..end,
                    });
                }
                i = end + 1;
            }
            _ => {
                if !bytes[i].is_ascii_whitespace() {
                    // A number, true/false/null: the member is done.
                    pending_key = None;
                }
                i += 1;
            }
        }
    }
    out
}

/// An XML element: its name, attributes and text, with spans.
#[derive(Debug, Default)]
pub struct XmlElement {
    /// Local name, lowercase.
    pub name: String,
    /// `(name lowercase, value span)`.
    pub attrs: Vec<(String, Range<usize>)>,
    /// Span of its first text child, if any.
    pub text: Option<Range<usize>>,
    /// Names of the enclosing elements, lowercase, outermost first.
    pub parents: Vec<String>,
}

impl XmlElement {
    pub fn attr<'t>(&self, text: &'t str, name: &str) -> Option<&'t str> {
        self.attr_span(name).and_then(|r| text.get(r))
    }

    pub fn attr_span(&self, name: &str) -> Option<Range<usize>> {
        self.attrs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, r)| r.clone())
    }
}

/// Every element of an XML document (quick-xml), with spans taken from
/// the borrowed slices quick-xml returns.  Stops at the first syntax error.
pub fn xml_elements(text: &str) -> Vec<XmlElement> {
    use quick_xml::events::Event;
    let base = text.as_ptr() as usize;
    let span_of = |slice: &str| {
        let start = slice.as_ptr() as usize - base;
        start..start + slice.len()
    };
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut out: Vec<XmlElement> = Vec::new();
    let mut open: Vec<(String, usize)> = Vec::new();
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(event) => event,
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                let attrs = e
                    .attributes()
                    .flatten()
                    .filter(|a| matches!(a.value, std::borrow::Cow::Borrowed(_)))
                    .map(|a| {
                        let key = a.key.local_name().as_ref().to_ascii_lowercase();
                        (key, span_of(&a.value))
                    })
                    .collect();
                out.push(XmlElement {
                    name: name.clone(),
                    attrs,
                    text: None,
                    parents: open.iter().map(|(n, _)| n.clone()).collect(),
                });
                if matches!(event, Event::Start(_)) {
                    open.push((name, out.len() - 1));
                }
            }
            Event::Text(ref t) => {
                if let Some((_, index)) = open.last()
                    && out[*index].text.is_none()
                {
                    let raw: &str = t;
                    let span = span_of(raw);
                    let trimmed = text[span.clone()].trim();
                    if !trimmed.is_empty() {
                        let lead = text[span.clone()].len() - text[span.clone()].trim_start().len();
                        out[*index].text =
                            Some(span.start + lead..span.start + lead + trimmed.len());
                    }
                }
            }
            Event::CData(ref t) => {
                if let Some((_, index)) = open.last() {
                    let raw: &str = t;
                    out[*index].text = Some(span_of(raw));
                }
            }
            Event::End(_) => {
                open.pop();
            }
            _ => {}
        }
    }
    out
}

/// A field for `span` under `rule`.
pub fn field(rule: &'static str, span: Range<usize>) -> CredentialField {
    CredentialField {
        rule,
        span,
        note: None,
    }
}

/// Whether `key` (any case) ends with one of `suffixes`.
pub fn key_ends(key: &str, suffixes: &[&str]) -> bool {
    let lower = key.to_ascii_lowercase();
    suffixes.iter().any(|s| lower.ends_with(s))
}

/// The password inside every `scheme://user:password@host` of `text`
/// (`offset` is where `text` starts in the blob).  Passwords are often
/// not percent-encoded (`p#ss/w?rd`), so the password runs to the first
/// `@` that a host name follows, not to the first `/`.
pub fn url_passwords(text: &str, offset: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for at in memchr::memmem::find_iter(bytes, b"://") {
        let authority_start = at + 3;
        let stop = bytes[authority_start..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || b"\"'<>`".contains(b))
            .map_or(bytes.len(), |p| authority_start + p);
        let authority = &bytes[authority_start..stop];
        let Some(colon) = authority
            .iter()
            .position(|&b| b == b':' || b == b'/' || b == b'@')
        else {
            continue;
        };
        if authority[colon] != b':' {
            continue;
        }
        let host_follows = |i: usize| {
            authority
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'[')
        };
        let Some(at_sign) =
            (colon + 1..authority.len()).find(|&i| authority[i] == b'@' && host_follows(i))
        else {
            continue;
        };
        let (start, end) = (authority_start + colon + 1, authority_start + at_sign);
        if end > start {
            out.push(offset + start..offset + end);
        }
    }
    out
}

/// The `Password=` / `Pwd=` value inside a connection string that starts
/// at `offset`.
pub fn connection_string_password(value: &str, offset: usize) -> Option<Range<usize>> {
    let lower = value.to_ascii_lowercase();
    for key in ["password=", "pwd=", "password =", "pwd ="] {
        let mut from = 0;
        while let Some(p) = lower[from..].find(key) {
            let at = from + p;
            let boundary =
                at == 0 || matches!(lower.as_bytes()[at - 1], b';' | b' ' | b'"' | b'\'');
            if boundary {
                let start = at + key.len();
                let start = start + (value[start..].len() - value[start..].trim_start().len());
                let end = value[start..].find(';').map_or(value.len(), |e| start + e);
                let v = value[start..end].trim_end();
                let (s, v) = match v.strip_prefix(['\'', '"']) {
                    Some(inner) => (start + 1, inner.trim_end_matches(['\'', '"'])),
                    None => (start, v),
                };
                if !v.is_empty() {
                    return Some(offset + s..offset + s + v.len());
                }
            }
            from = at + key.len();
        }
    }
    None
}
