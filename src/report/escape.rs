//! Output encodings that keep hostile text (file names, scanned lines,
//! commit authors) from acting on whatever shows a report: a terminal, a CI
//! log, a spreadsheet.  `terminal` makes every control character visible;
//! the other formats build on it or encode losslessly: `csv_cell`,
//! `write_json`, `xml` (JUnit), `workflow_*` (GitHub workflow commands),
//! `markdown_*` (the job summary).  Every writer escapes through here.

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

/// Text for an XML attribute or element: the five predefined entities,
/// line breaks and tabs as character references (so attributes keep them),
/// DEL, C1 and bidi controls as character references too (valid XML, the
/// same value, no raw byte for a terminal), and the control characters XML
/// 1.0 cannot carry at all, even as references, written as visible escapes
/// (`\e`, `\x07`).
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 => out.push_str(&terminal(c.encode_utf8(&mut [0; 4]))),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c if is_unsafe(c) => {
                let _ = write!(out, "&#x{:X};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A path for the `file` property: CR and LF kept (the runner decodes
/// `%0D`/`%0A` back, so the annotation names the real file), every other
/// unsafe character made visible.
pub fn workflow_file(path: &str) -> String {
    path.split_inclusive(['\r', '\n'])
        .map(|piece| {
            let (text, brk) = match piece.strip_suffix(['\r', '\n']) {
                Some(text) => (text, &piece[text.len()..]),
                None => (piece, ""),
            };
            format!("{}{brk}", terminal(text))
        })
        .collect()
}

/// The message part of a workflow command (`%`, CR, LF: what the runner
/// decodes).
pub fn workflow_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which delimit properties.
pub fn workflow_property(text: &str) -> String {
    workflow_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Plain table-cell text, shown literally: control characters visible
/// (no line break ends the row) and every ASCII punctuation character
/// backslash-escaped (CommonMark allows it for all of them), so `|` stays
/// in its cell and `<`, `[`, `*`, `&` never become HTML, links, emphasis
/// or entities.
pub fn markdown_text(text: &str) -> String {
    let visible = terminal(text);
    let mut out = String::with_capacity(visible.len());
    for c in visible.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Inline code, shown literally whatever it holds: control characters
/// visible, `|` escaped (GitHub splits table cells before it reads code
/// spans), and a fence of more backticks than the longest run inside.
pub fn markdown_code(text: &str) -> String {
    let text = terminal(text).replace('|', "\\|");
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest_run == 0 {
        return format!("`{text}`");
    }
    let fence = "`".repeat(longest_run + 1);
    format!("{fence} {text} {fence}")
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

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(xml("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(xml("x\u{1}y\nz\u{1b}"), "x\\x01y&#10;z\\e");
        assert_eq!(xml("a\u{85}\u{202e}b"), "a&#x85;&#x202E;b");
    }

    #[test]
    fn escapes_like_the_actions_runner() {
        assert_eq!(workflow_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(workflow_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        // `%` first, so an escape sequence is never escaped twice.
        assert_eq!(workflow_property("%3A"), "%253A");
    }

    #[test]
    fn a_file_name_keeps_its_line_breaks_encoded_and_nothing_else_raw() {
        let name = "a\n::error::x\u{1b}[2J\r.py";
        let shown = workflow_property(&workflow_file(name));
        assert_eq!(shown, "a%0A%3A%3Aerror%3A%3Ax\\e[2J%0D.py");
    }

    #[test]
    fn a_cell_cannot_break_the_row_or_carry_markup() {
        assert_eq!(
            markdown_text("a|b\n<img src=x>"),
            "a\\|b\\\\n\\<img src\\=x\\>"
        );
        assert!(!markdown_text("x\r\n| --- |").contains(['\r', '\n']));
    }

    #[test]
    fn code_spans_outlast_any_backtick_run() {
        assert_eq!(markdown_code("src/app.py:1:2"), "`src/app.py:1:2`");
        assert_eq!(markdown_code("a`b"), "`` a`b ``");
        assert_eq!(markdown_code("a``b|c"), "``` a``b\\|c ```");
        assert_eq!(markdown_code("x\ny"), "`x\\ny`");
    }
}
