//! Scopes: the nested byte ranges of a file that tie a key to the project
//! and organization IDs beside it.  A key binds to the IDs of the *smallest*
//! scope around it that holds any (see `super::bind`), so nesting does the
//! work: a YAML mapping inside a mapping, a Go call inside a call.
//!
//! | file | scopes |
//! |---|---|
//! | `.env`, `*.env`, `.envrc` | the file |
//! | shell scripts | each logical line (`\` continuations joined), then the file |
//! | INI / `.cfg` / `.conf` | each section (no file scope: sections are separate) |
//! | JSON / notebooks | each object and array (string-aware bracket matching) |
//! | YAML | each mapping, from the `yaml-rust2` parser; indentation blocks if it fails |
//! | TOML | each table (header to next header) and inline table |
//! | code | each bracketed call / object literal; then a window of lines |

use std::ops::Range;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// How a key and an ID are tied together; weaker kinds are reported at
/// lower confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScopeKind {
    /// One call or object literal in code, or a shell command.
    Call,
    /// A YAML / JSON / TOML mapping.
    Mapping,
    /// An INI section.
    Section,
    /// A whole `.env` / shell file.
    File,
    /// Code lines near each other (no shared call).
    Window,
    /// A `.env` key and an ID in a config file of the same directory.
    Directory,
}

impl ScopeKind {
    pub fn describe(self) -> &'static str {
        match self {
            ScopeKind::Call => "in the same call",
            ScopeKind::Mapping => "in the same mapping",
            ScopeKind::Section => "in the same section",
            ScopeKind::File => "in the same file",
            ScopeKind::Window => "a few lines apart",
            ScopeKind::Directory => "in a config file of the same directory",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub range: Range<usize>,
    pub kind: ScopeKind,
}

/// What a file is, for scoping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Env,
    Shell,
    Ini,
    Json,
    Yaml,
    Toml,
    Code,
}

impl FileKind {
    pub fn of(path: &str) -> FileKind {
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        if name == ".env" || name.starts_with(".env.") || name == ".envrc" || extension == "env" {
            return FileKind::Env;
        }
        match extension {
            "sh" | "bash" | "zsh" | "ksh" => FileKind::Shell,
            "ini" | "cfg" | "conf" | "properties" => FileKind::Ini,
            "json" | "jsonc" | "ipynb" | "firebaserc" => FileKind::Json,
            "yaml" | "yml" => FileKind::Yaml,
            "toml" => FileKind::Toml,
            _ if name == ".firebaserc" => FileKind::Json,
            _ => FileKind::Code,
        }
    }

    /// Config files: where a directory-scope project ID may live.
    pub fn is_config(self) -> bool {
        matches!(
            self,
            FileKind::Ini | FileKind::Json | FileKind::Yaml | FileKind::Toml
        )
    }
}

/// Every scope of a file, in no particular order.
pub fn scopes(kind: FileKind, bytes: &[u8]) -> Vec<Scope> {
    let file = Scope {
        range: 0..bytes.len(),
        kind: ScopeKind::File,
    };
    match kind {
        FileKind::Env => vec![file],
        FileKind::Shell => {
            let mut scopes = logical_lines(bytes);
            scopes.push(file);
            scopes
        }
        FileKind::Ini => sections(bytes, |line| line.starts_with(b"[")),
        FileKind::Json => brackets(bytes, b"\"", ScopeKind::Mapping),
        FileKind::Yaml => yaml_mappings(bytes).unwrap_or_else(|| indentation_blocks(bytes)),
        FileKind::Toml => {
            let mut scopes = sections(bytes, |line| line.starts_with(b"["));
            scopes.iter_mut().for_each(|s| s.kind = ScopeKind::Mapping);
            scopes.extend(brackets(bytes, b"\"'", ScopeKind::Mapping));
            scopes
        }
        FileKind::Code => brackets(bytes, b"\"'`", ScopeKind::Call),
    }
}

/// Lines `[line - radius, line + radius]` around byte `offset`, as a range.
pub fn window(bytes: &[u8], offset: usize, radius: usize) -> Range<usize> {
    let before = &bytes[..offset.min(bytes.len())];
    let start = memchr::memrchr_iter(b'\n', before)
        .nth(radius)
        .map_or(0, |i| i + 1);
    let end = memchr::memchr_iter(b'\n', &bytes[offset.min(bytes.len())..])
        .nth(radius)
        .map_or(bytes.len(), |i| offset + i);
    start..end
}

/// Bracket pairs `()`, `[]`, `{}` as scopes, skipping brackets inside
/// strings (single-line strings: a stray apostrophe in a comment can't
/// swallow the rest of the file).
fn brackets(bytes: &[u8], quotes: &[u8], kind: ScopeKind) -> Vec<Scope> {
    let mut scopes = Vec::new();
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut in_string: Option<u8> = None;
    let mut escaped = false;
    for (at, &b) in bytes.iter().enumerate() {
        if let Some(quote) = in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == quote || (b == b'\n' && quote != b'`') {
                in_string = None;
            }
            continue;
        }
        match b {
            _ if quotes.contains(&b) => in_string = Some(b),
            b'(' | b'[' | b'{' => open.push((b, at)),
            b')' | b']' | b'}' => {
                let want = match b {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                // Pop to the matching opener; unmatched closers are ignored.
                if let Some(depth) = open.iter().rposition(|(o, _)| *o == want) {
                    let (_, start) = open[depth];
                    open.truncate(depth);
                    scopes.push(Scope {
                        range: start..at + 1,
                        kind,
                    });
                }
            }
            _ => {}
        }
    }
    scopes
}

/// Shell: each logical line (joined by trailing backslashes) is a command.
fn logical_lines(bytes: &[u8]) -> Vec<Scope> {
    let mut scopes = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'\n' {
            let continued = at > 0 && bytes[at - 1] == b'\\';
            if !continued {
                scopes.push(Scope {
                    range: start..at,
                    kind: ScopeKind::Call,
                });
                start = at + 1;
            }
        }
        at += 1;
    }
    if start < bytes.len() {
        scopes.push(Scope {
            range: start..bytes.len(),
            kind: ScopeKind::Call,
        });
    }
    scopes
}

/// INI-style sections: from one header line to the next (the text before
/// the first header is a section of its own).
fn sections(bytes: &[u8], is_header: impl Fn(&[u8]) -> bool) -> Vec<Scope> {
    let mut scopes = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let trimmed = trim_start(line);
        if is_header(trimmed) && offset > start {
            scopes.push(Scope {
                range: start..offset,
                kind: ScopeKind::Section,
            });
            start = offset;
        }
        offset += line.len();
    }
    scopes.push(Scope {
        range: start..bytes.len(),
        kind: ScopeKind::Section,
    });
    scopes
}

fn trim_start(line: &[u8]) -> &[u8] {
    let skip = line.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &line[skip..]
}

/// YAML mappings from the parser's events.  `None` when the text is not
/// valid YAML (the caller falls back to indentation).
fn yaml_mappings(bytes: &[u8]) -> Option<Vec<Scope>> {
    let text = std::str::from_utf8(bytes).ok()?;
    struct Collector {
        open: Vec<usize>,
        ranges: Vec<Range<usize>>,
    }
    // A block mapping's start event is marked late (after its first key),
    // so a mapping starts at the earliest mark of any event inside it.
    impl MarkedEventReceiver for Collector {
        fn on_event(&mut self, event: Event, mark: Marker) {
            match event {
                Event::MappingStart(..) => self.open.push(mark.index()),
                Event::MappingEnd => {
                    if let Some(start) = self.open.pop() {
                        if let Some(parent) = self.open.last_mut() {
                            *parent = (*parent).min(start);
                        }
                        self.ranges.push(start..mark.index());
                    }
                }
                _ => {
                    if let Some(top) = self.open.last_mut() {
                        *top = (*top).min(mark.index());
                    }
                }
            }
        }
    }
    let mut collector = Collector {
        open: Vec::new(),
        ranges: Vec::new(),
    };
    Parser::new_from_str(text).load(&mut collector, true).ok()?;
    // Markers count characters; scopes are byte ranges.
    let byte_of: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let to_byte = |chars: usize| byte_of[chars.min(byte_of.len() - 1)];
    Some(
        collector
            .ranges
            .into_iter()
            .map(|r| Scope {
                range: to_byte(r.start)..to_byte(r.end).max(to_byte(r.start)),
                kind: ScopeKind::Mapping,
            })
            .collect(),
    )
}

const MAX_FALLBACK_LINES: usize = 5_000;

/// Fallback for broken YAML: the mapping a line belongs to is the run of
/// lines around it indented at least as deep (blank lines don't break it).
fn indentation_blocks(bytes: &[u8]) -> Vec<Scope> {
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let blank = trim_start(line).is_empty();
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        lines.push((offset, offset + line.len(), indent, blank));
        offset += line.len();
    }
    if lines.len() > MAX_FALLBACK_LINES {
        // Quadratic below; a huge broken file gets one file-wide scope.
        return vec![Scope {
            range: 0..bytes.len(),
            kind: ScopeKind::File,
        }];
    }
    let shallower = |index: &usize, indent: usize| !lines[*index].3 && lines[*index].2 < indent;
    let mut scopes = Vec::new();
    for (index, &(_, _, indent, blank)) in lines.iter().enumerate() {
        if blank {
            continue;
        }
        let first = (0..index)
            .rev()
            .find(|i| shallower(i, indent))
            .map_or(0, |i| i + 1);
        let last = (index + 1..lines.len())
            .find(|i| shallower(i, indent))
            .map_or(lines.len(), |i| i);
        let scope = Scope {
            range: lines[first].0..lines[last - 1].1,
            kind: ScopeKind::Mapping,
        };
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    scopes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn innermost(kind: FileKind, text: &str, needle: &str) -> String {
        let at = text.find(needle).unwrap();
        let scopes = scopes(kind, text.as_bytes());
        let best = scopes
            .iter()
            .filter(|s| s.range.contains(&at))
            .min_by_key(|s| s.range.len())
            .unwrap();
        text[best.range.clone()].to_string()
    }

    #[test]
    fn code_calls_and_objects() {
        let go = "c := openai.NewClient(option.WithAPIKey(\"K\"), option.WithProject(\"P\"))";
        assert_eq!(innermost(FileKind::Code, go, "\"K\""), "(\"K\")");
        let js = "new OpenAI({ apiKey: 'K', project: 'P' }); // don't";
        assert_eq!(
            innermost(FileKind::Code, js, "K"),
            "{ apiKey: 'K', project: 'P' }"
        );
    }

    #[test]
    fn yaml_mappings_nest() {
        let yaml = "a:\n  key: K\n  project: P\nb:\n  key: L\n";
        let inner = innermost(FileKind::Yaml, yaml, "K");
        assert!(
            inner.contains("K") && inner.contains("project: P") && !inner.contains("L"),
            "{inner:?}"
        );
        let first = "a:\n  project: P\n  key: K\nb:\n  project: Q\n";
        let inner = innermost(FileKind::Yaml, first, "K");
        assert!(inner.contains("P") && !inner.contains("Q"), "{inner:?}");
        let broken = "a:\n  key: K\n  project: P\n b: [\n";
        let inner = innermost(FileKind::Yaml, broken, "K");
        assert!(inner.contains("project: P"), "{inner:?}");
    }

    #[test]
    fn ini_sections_and_shell_commands() {
        let ini = "[prod]\nkey = K\nproject = P\n[dev]\nkey = L\n";
        assert_eq!(
            innermost(FileKind::Ini, ini, "K"),
            "[prod]\nkey = K\nproject = P\n"
        );
        let sh = "curl -H \"A: K\" \\\n  -H \"OpenAI-Project: P\"\necho done\n";
        assert_eq!(
            innermost(FileKind::Shell, sh, "K"),
            "curl -H \"A: K\" \\\n  -H \"OpenAI-Project: P\""
        );
    }

    #[test]
    fn file_kinds() {
        assert_eq!(FileKind::of("app/.env.local"), FileKind::Env);
        assert_eq!(FileKind::of("x/prod.env"), FileKind::Env);
        assert_eq!(FileKind::of("config.yml"), FileKind::Yaml);
        assert_eq!(FileKind::of("main.go"), FileKind::Code);
        assert_eq!(FileKind::of(".firebaserc"), FileKind::Json);
    }
}
