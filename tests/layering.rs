//! The pipeline's layering, held to the code: which stage may use which
//! (ARCHITECTURE.md), and no import cycle among the files of `src/`.
//!
//! Read from the source text: every `use` tree and every `crate::` /
//! `super::` / `self::` path, resolved to the file that defines the module
//! it names.  Test modules (`#[cfg(test)]`, at the end of a file) may use
//! any stage that comes before their own in the pipeline, as fixtures.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each stage and the stages its (non-test) code may use, in pipeline
/// order.  `app` joins them all.
const STAGES: &[(&str, &[&str])] = &[
    ("rules", &[]),
    ("model", &["rules"]),
    ("sources", &["model", "rules"]),
    ("decode", &["model", "rules", "sources"]),
    ("engine", &["model", "rules"]),
    ("projects", &["model", "rules", "engine"]),
    ("verify", &["model", "rules"]),
    ("suppress", &["model", "rules"]),
    ("report", &["model", "rules"]),
    (
        "app",
        &[
            "model", "rules", "sources", "decode", "engine", "projects", "verify", "suppress",
            "report",
        ],
    ),
];

/// A file of `src/` and the module path it defines (`engine::markers`).
struct SourceFile {
    path: PathBuf,
    module: Vec<String>,
    text: String,
}

fn source_files() -> Vec<SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<SourceFile>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap();
            let mut module: Vec<String> = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            files.push(SourceFile {
                path: relative.to_path_buf(),
                module,
                text,
            });
        }
    }
}

/// The code of a file without comments, split where its test modules
/// begin: (code, test code).
fn code_of(text: &str) -> (String, String) {
    let mut code = String::new();
    let mut tests = String::new();
    let mut in_tests = false;
    for line in text.lines() {
        if line.trim_start() == "#[cfg(test)]" {
            in_tests = true;
        }
        let line = match line.trim_start().starts_with("//") {
            true => "",
            false => line,
        };
        let target = if in_tests { &mut tests } else { &mut code };
        target.push_str(line);
        target.push('\n');
    }
    (code, tests)
}

/// Every path a piece of code names: expanded `use` trees and inline
/// `crate::…` / `super::…` / `self::…` paths.
fn named_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    // `use` trees are expanded, then blanked so the inline pass below does
    // not see their prefixes again.
    let mut code = code.to_string();
    let mut from = 0;
    while let Some(found) = code[from..].find("use ") {
        let at = from + found;
        from = at + 4;
        if at > 0 && is_ident(code.as_bytes()[at - 1]) {
            continue;
        }
        let Some(end) = code[at..].find(';') else {
            break;
        };
        expand(&code[at + 4..at + end], &mut Vec::new(), &mut paths);
        code.replace_range(at..at + end, &" ".repeat(end));
    }
    let code = code.as_str();
    for anchor in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(found) = code[from..].find(anchor) {
            let start = from + found;
            from = start + anchor.len();
            if start > 0
                && (is_ident(code.as_bytes()[start - 1]) || code.as_bytes()[start - 1] == b':')
            {
                continue;
            }
            let tail: String = code[start..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let segments: Vec<String> = tail
                .split("::")
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            paths.push(segments);
        }
    }
    paths
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `a::{b, c::{d, e}}` -> `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let depth = prefix.len();
        prefix.extend(head);
        for part in split_top_level(inner) {
            expand(part, prefix, out);
        }
        prefix.truncate(depth);
    } else {
        let name = tree.split(" as ").next().unwrap_or("").trim();
        let mut path = prefix.clone();
        path.extend(
            name.split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "*")
                .map(String::from),
        );
        if !path.is_empty() {
            out.push(path);
        }
    }
}

fn split_top_level(list: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in list.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts
}

/// The module a named path starts from, absolute (`["engine", "noise", …]`),
/// or `None` for an external crate or the standard library.
fn absolute(file: &SourceFile, path: &[String], in_tests: bool) -> Option<Vec<String>> {
    // Inside a file's test module, `super` is the file itself.
    let mut base = file.module.clone();
    if in_tests {
        base.push("tests".into());
    }
    let mut segments = path.iter().peekable();
    match segments.peek().map(|s| s.as_str()) {
        Some("crate") => {
            segments.next();
            base.clear();
        }
        Some("super") => {
            while segments.peek().map(|s| s.as_str()) == Some("super") {
                segments.next();
                base.pop();
            }
        }
        Some("self") => {
            segments.next();
        }
        _ => return None,
    }
    base.extend(segments.cloned());
    Some(base)
}

/// The file that defines the longest module prefix of `module`.
fn defining_file<'f>(files: &'f [SourceFile], module: &[String]) -> Option<&'f SourceFile> {
    (1..=module.len())
        .rev()
        .find_map(|n| files.iter().find(|f| f.module == module[..n]))
}

/// file -> files it uses, and the violations of `STAGES`.
fn graph(files: &[SourceFile]) -> (BTreeMap<PathBuf, BTreeSet<PathBuf>>, Vec<String>) {
    let allowed: BTreeMap<&str, &[&str]> = STAGES.iter().copied().collect();
    let order: Vec<&str> = STAGES.iter().map(|(s, _)| *s).collect();
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    let mut violations = BTreeSet::new();
    for file in files {
        let Some(stage) = file.module.first().map(String::as_str) else {
            continue; // lib.rs and main.rs: the crate's entry points
        };
        let Some(may_use) = allowed.get(stage) else {
            violations.insert(format!("{}: not in a known stage", file.path.display()));
            continue;
        };
        let (code, tests) = code_of(&file.text);
        for (text, in_tests) in [(code, false), (tests, true)] {
            for path in named_paths(&text) {
                let Some(module) = absolute(file, &path, in_tests) else {
                    continue;
                };
                let Some(target) = defining_file(files, &module) else {
                    continue;
                };
                let Some(used) = target.module.first().map(String::as_str) else {
                    continue;
                };
                let ok = used == stage
                    || if in_tests {
                        order.iter().position(|s| *s == used)
                            < order.iter().position(|s| *s == stage)
                    } else {
                        may_use.contains(&used)
                    };
                if !ok {
                    violations.insert(format!(
                        "{} ({stage}) uses {} ({used})",
                        file.path.display(),
                        target.path.display(),
                    ));
                }
                if target.path != file.path && !in_tests {
                    edges
                        .entry(file.path.clone())
                        .or_default()
                        .insert(target.path.clone());
                }
            }
        }
    }
    (edges, violations.into_iter().collect())
}

/// A cycle among the files, as the files along it, if there is one.
fn find_cycle(edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>) -> Option<Vec<PathBuf>> {
    fn visit(
        node: &PathBuf,
        edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        done: &mut BTreeSet<PathBuf>,
        stack: &mut Vec<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.clone());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, done, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.clone());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut done, &mut Vec::new()))
}

#[test]
fn no_stage_uses_a_later_stage() {
    let files = source_files();
    let (_, violations) = graph(&files);
    assert!(
        violations.is_empty(),
        "layering broken:\n{}",
        violations.join("\n")
    );
}

#[test]
fn no_import_cycle_among_the_files() {
    let files = source_files();
    let (edges, _) = graph(&files);
    if let Some(cycle) = find_cycle(&edges) {
        let names: Vec<String> = cycle.iter().map(|p| p.display().to_string()).collect();
        panic!("import cycle: {}", names.join(" -> "));
    }
}

/// The checks themselves: a planted upward import and a planted cycle are
/// caught (so a green run means something).
#[test]
fn the_checks_catch_an_upward_import_and_a_cycle() {
    let file = |path: &str, module: &[&str], text: &str| SourceFile {
        path: path.into(),
        module: module.iter().map(|s| s.to_string()).collect(),
        text: text.into(),
    };
    let files = vec![
        file(
            "model/a.rs",
            &["model", "a"],
            "use crate::report::{b::{X, Y}, c};\n",
        ),
        file("report/b.rs", &["report", "b"], "use super::c::Z;\n"),
        file(
            "report/c.rs",
            &["report", "c"],
            "fn f() { super::b::g(); }\n#[cfg(test)]\nmod tests { use crate::app::W; }\n",
        ),
        file("app/mod.rs", &["app"], ""),
        file("report/mod.rs", &["report"], ""),
    ];
    let (edges, violations) = graph(&files);
    assert_eq!(violations.len(), 3, "{violations:#?}");
    assert!(violations[0].starts_with("model/a.rs (model) uses report/b.rs (report)"));
    assert!(violations[2].starts_with("report/c.rs (report) uses app/mod.rs (app)"));
    let cycle = find_cycle(&edges).expect("b -> c -> b");
    assert!(cycle.contains(&PathBuf::from("report/b.rs")));
    assert!(cycle.contains(&PathBuf::from("report/c.rs")));
}
