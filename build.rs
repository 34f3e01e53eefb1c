//! Compiles every `rules/*.toml` and `rules/providers/*.toml` into the
//! binary as a static table (`BUILTIN_RULES`, see `src/rules/mod.rs`):
//! the files are parsed and checked here, at build time, so start-up reads
//! no TOML (parsing 1.1 MB of rule files took ~0.1 s per run), and a
//! malformed built-in rule fails the build with its file and rule named.
//! Adding a rule file needs no code change; files are sorted so builds are
//! reproducible.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

#[path = "src/rules/spec.rs"]
#[allow(dead_code)]
mod spec;

use spec::{RuleFile, RuleKind, RuleSpec, check_spec};

fn main() {
    // Read at run time, not baked in with `env!` when the script is
    // compiled: a build script compiled for one checkout and run for
    // another (a shared target directory) must read the rules beside the
    // package it builds.
    let root =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = root.as_path();
    println!("cargo:rerun-if-changed=src/rules/spec.rs");
    let rules_dir = root.join("rules");
    let mut files = toml_files(&rules_dir);
    if files.is_empty() {
        fail(&format!("no rule files in {}", rules_dir.display()));
    }
    files.extend(toml_files(&rules_dir.join("providers")));
    files.sort();
    let mut out = String::from("static BUILTIN_RULES: &[BuiltinRule] = &[\n");
    let mut seen: HashMap<String, String> = HashMap::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.strip_prefix(&rules_dir).unwrap().to_string_lossy();
        let origin = format!("rules/{name} (built-in)");
        for spec in parse_file(path, &origin) {
            if let Some(first) = seen.insert(spec.id.clone(), origin.clone()) {
                fail(&format!(
                    "{origin}: rule `{}` is defined twice (first in {first})",
                    spec.id
                ));
            }
            if let Err(error) = check(&spec) {
                fail(&format!("{origin}: rule `{}`: {error:#}", spec.id));
            }
            emit_rule(&mut out, &spec, &origin);
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("builtin_rules.rs");
    fs::write(dest, out).expect("write builtin_rules.rs");
}

/// A build error: cargo prints it and stops.
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}

fn parse_file(path: &Path, origin: &str) -> Vec<RuleSpec> {
    let text =
        fs::read_to_string(path).unwrap_or_else(|e| fail(&format!("{origin}: cannot read: {e}")));
    match toml::from_str::<RuleFile>(&text) {
        Ok(file) => file.rule,
        Err(e) => fail(&format!(
            "{origin}: invalid rule file: {}",
            e.to_string().trim_end()
        )),
    }
}

/// The loader's checks, plus the regex syntax (which the program parses
/// only when the rule first runs).
fn check(spec: &RuleSpec) -> anyhow::Result<()> {
    check_spec(spec)?;
    if spec.kind == RuleKind::Analysis || spec.extractor {
        return Ok(());
    }
    // As `rules::parse_pattern` parses it.
    regex_syntax::ParserBuilder::new()
        .utf8(false)
        .build()
        .parse(spec.regex.as_deref().unwrap_or_default())
        .map_err(|e| anyhow::anyhow!("invalid regex: {e}"))?;
    Ok(())
}

/// One `BuiltinRule { … }` literal.  `{:?}` of a string is a valid Rust
/// string literal.
fn emit_rule(out: &mut String, spec: &RuleSpec, origin: &str) {
    let texts = |items: &[String]| {
        let mut s = String::from("&[");
        for item in items {
            let _ = write!(s, "::std::borrow::Cow::Borrowed({item:?}),");
        }
        s.push(']');
        s
    };
    let opt_str = |value: &Option<String>| match value {
        Some(v) => format!("Some({v:?})"),
        None => "None".to_string(),
    };
    let confidence = spec.confidence.unwrap_or(spec::Confidence::Medium);
    let _ = writeln!(
        out,
        "    BuiltinRule {{ id: {:?}, name: {:?}, provider: {:?}, severity: Severity::{:?}, \
         confidence: Confidence::{confidence:?}, kind: RuleKind::{:?}, extractor: {}, keywords: {}, \
         keyword_scope: KeywordScope::{:?}, regex: {:?}, min_entropy: {:?}, validate: {}, \
         placeholder_filter: {}, fallback: {}, examples: {}, counter_examples: {}, file_kinds: {}, \
         remediation: {:?}, description: {}, origin: {origin:?} }},",
        spec.id,
        spec.name,
        spec.provider,
        spec.severity,
        spec.kind,
        spec.extractor,
        texts(&spec.keywords),
        spec.keyword_scope,
        spec.regex.as_deref().unwrap_or_default(),
        spec.min_entropy,
        opt_str(&spec.validate),
        spec.placeholder_filter,
        spec.fallback,
        texts(&spec.examples),
        texts(&spec.counter_examples),
        match &spec.file_kinds {
            Some(kinds) => {
                let list: Vec<String> = kinds.iter().map(|k| format!("FileKind::{k:?}")).collect();
                format!("Some(&[{}])", list.join(", "))
            }
            None => "None".to_string(),
        },
        spec.remediation,
        opt_str(&spec.description),
    );
}

/// The `.toml` files directly in `dir` (none if it does not exist).
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        // Data for src/engine/known_values.rs, not a rule file.
        .filter(|path| !path.ends_with("known-test-values.toml"))
        .collect()
}
