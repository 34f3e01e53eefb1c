//! Output encodings that keep hostile text (file names, scanned lines,
//! commit authors) from acting on whatever shows a report: a terminal, a CI
//! log, a spreadsheet.  `terminal` makes every control character visible;
//! the other formats build on it or encode losslessly (JSON, XML).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters that must never reach a terminal or log raw: C0 controls
/// (tab and newline included), DEL, C1 controls (U+0080-U+009F: some
/// terminals read U+009B as CSI), the bidirectional controls that reorder
/// what is shown (U+202E "right-to-left override" and friends), the line
/// and paragraph separators, and the zero-width no-break space.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1F}'
        | '\u{7F}'..='\u{9F}'
        | '\u{061C}'
        | '\u{200E}' | '\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}')
}

/// `text` with every unsafe character written as a visible escape: `\e`
/// (ESC), `\n`, `\r`, `\t`, `\0`, `\xHH` for the other C0 controls and DEL,
/// `\u{HHHH}` for the rest.  Backslashes stay as they are (a path or a
/// line holding a literal `\n` reads the same; nothing it can spell acts).
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\u{1B}' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if (c as u32) < 0x20 || c == '\u{7F}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A spreadsheet cell: unsafe characters made visible (a quoted CSV field
/// could otherwise carry a raw newline, so `cat report.csv` in a CI log
/// could print a line of its choosing), then, as OWASP recommends against
/// formula injection, a cell starting with `=`, `+`, `-`, `@`, tab or CR
/// gets a leading `'` so spreadsheets show it as text.
pub fn csv_cell(text: &str) -> String {
    // Checked on the raw text: a leading tab or CR is escaped by `terminal`
    // into `\t` / `\r`, harmless, but still marked so the rule stays simple.
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let shown = terminal(text);
    if risky {
        format!("'{shown}")
    } else {
        shown.into_owned()
    }
}

/// Pretty JSON in which no unsafe character appears raw: serde_json
/// escapes C0 controls itself; this also writes DEL, C1 and the bidi
/// controls as `\uXXXX`, so `cat report.json` is as safe as the human
/// report while every value stays exact.
pub fn write_json(out: &mut dyn std::io::Write, value: &serde_json::Value) -> std::io::Result<()> {
    use serde::Serialize;
    let mut serializer = serde_json::Serializer::with_formatter(out, SafeJson::default());
    value
        .serialize(&mut serializer)
        .map_err(std::io::Error::other)
}

/// serde_json's pretty formatter plus `\u` escapes for unsafe characters.
#[derive(Default)]
struct SafeJson {
    pretty: serde_json::ser::PrettyFormatter<'static>,
}

type IoResult = std::io::Result<()>;

impl serde_json::ser::Formatter for SafeJson {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> IoResult {
        let mut copied = 0;
        for (at, c) in fragment.char_indices().filter(|&(_, c)| is_unsafe(c)) {
            writer.write_all(&fragment.as_bytes()[copied..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            copied = at + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[copied..])
    }

    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        self.pretty.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        self.pretty.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> IoResult {
        self.pretty.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        self.pretty.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        self.pretty.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        self.pretty.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> IoResult {
        self.pretty.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        self.pretty.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> IoResult {
        self.pretty.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_character_becomes_visible() {
        assert_eq!(
            terminal("a\u{1b}[2Jb\nc\rd\te\u{7}\u{0}\u{7f}"),
            "a\\e[2Jb\\nc\\rd\\te\\x07\\0\\x7f"
        );
        assert_eq!(
            terminal("x\u{9b}31m\u{202e}txt.exe\u{2028}"),
            "x\\u{9b}31m\\u{202e}txt.exe\\u{2028}"
        );
        assert!(matches!(terminal("plain ü/path\\n.txt"), Cow::Borrowed(_)));
    }

    #[test]
    fn no_escaped_text_holds_an_unsafe_character() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        assert!(!terminal(&all).chars().any(is_unsafe));
    }

    #[test]
    fn json_keeps_values_exact_and_unsafe_characters_escaped() {
        let value = serde_json::json!({"path": "a\u{1b}[2J\u{9b}\u{202e}b\n\u{7f}ü"});
        let mut out = Vec::new();
        write_json(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text}");
        assert!(text.contains("\\u009b\\u202e"), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn formula_cells_are_quoted_as_text() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-----BEGIN…"), "'-----BEGIN…");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\\tx");
        assert_eq!(csv_cell("a\nb=c"), "a\\nb=c");
        assert_eq!(csv_cell("src/app.py"), "src/app.py");
    }
}
