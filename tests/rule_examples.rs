//! Every built-in rule proves itself: `keylint rules check rules/*.toml`
//! (the real binary) must pass, and every rule must carry what the rule
//! guidelines require (keywords or a reason, >= 2 examples, >= 2
//! counter-examples, a remediation naming where to revoke).

use std::path::PathBuf;
use std::process::Command;

use keylint::rules::{KeywordScope, RuleSet, RuleSource, parse_rule_file};

/// `rules/*.toml` and `rules/providers/*.toml`, as build.rs embeds them.
fn rule_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<PathBuf> = [dir.clone(), dir.join("providers")]
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        // Data (known public and test values), not rules: build.rs skips it too.
        .filter(|p| !p.ends_with("known-test-values.toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

#[test]
fn every_builtin_rule_file_passes_rules_check() {
    let files = rule_files();
    let output = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .arg("rules")
        .arg("check")
        .args(&files)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "rules check failed:\n{stdout}\n{stderr}"
    );
}

#[test]
fn a_broken_example_makes_rules_check_fail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(
        &path,
        r#"
[[rule]]
id = "broken-rule"
name = "broken"
provider = "test"
severity = "low"
keywords = ["tok_"]
regex = '''(?P<secret>tok_[a-z0-9]{8})'''
examples = ["tok_q8w3k5z1", "tok_TOOSHORT"]
counter_examples = ["nothing here", "tok_"]
remediation = "none"
"#,
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_keylint"))
        .args(["rules", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("tok_TOOSHORT"));
}

#[test]
fn every_builtin_rule_is_complete() {
    let sources: Vec<RuleSource> = rule_files()
        .iter()
        .map(|p| RuleSource::from_path(p).unwrap())
        .collect();
    let set = RuleSet::from_sources(&sources).unwrap();
    assert!(set.rules.len() >= 90, "only {} rules", set.rules.len());
    let mut problems = Vec::new();
    for rule in &set.rules {
        let id = &rule.meta.id;
        if rule.keywords.is_empty() {
            problems.push(format!("{id}: no keywords"));
        }
        if rule.examples.len() < 2 {
            problems.push(format!("{id}: fewer than 2 examples"));
        }
        if rule.counter_examples.len() < 2 {
            problems.push(format!("{id}: fewer than 2 counter_examples"));
        }
        if rule.compiled().secret_group.is_none() {
            problems.push(format!("{id}: no `secret` capture group"));
        }
        // The engine runs a rule only on lines holding one of its keywords
        // (ASCII case-insensitive), unless its keywords are file-level
        // context: a match without one would be missed.
        let examples = match rule.keyword_scope {
            KeywordScope::Line => &rule.examples[..],
            KeywordScope::File => &[],
        };
        for example in examples {
            for found in rule.compiled().regex.find_iter(example.as_bytes()) {
                let text = example[found.range()].to_ascii_lowercase();
                if !rule
                    .keywords
                    .iter()
                    .any(|k| text.contains(&k.to_ascii_lowercase()))
                {
                    problems.push(format!("{id}: a match holds no keyword: {text:?}"));
                }
            }
        }
        if rule.meta.remediation.len() < 40 {
            problems.push(format!(
                "{id}: remediation too short to say where to revoke"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn builtin_rules_are_the_rule_files() {
    // The binary embeds rules/*.toml: the same ids, in the same number.
    let embedded = RuleSet::builtin().unwrap();
    let sources: Vec<RuleSource> = rule_files()
        .iter()
        .map(|p| RuleSource::from_path(p).unwrap())
        .collect();
    let on_disk = RuleSet::from_sources(&sources).unwrap();
    let ids = |s: &RuleSet| {
        let mut v: Vec<String> = s.rules.iter().map(|r| r.meta.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&embedded), ids(&on_disk));
}

#[test]
fn every_builtin_rule_states_its_confidence() {
    let mut missing = Vec::new();
    for path in rule_files() {
        let source = RuleSource::from_path(&path).unwrap();
        for spec in parse_rule_file(&source).unwrap() {
            if spec.confidence.is_none() {
                missing.push(format!("{}: {}", path.display(), spec.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without `confidence`:\n{}",
        missing.join("\n")
    );
}

/// `bench/recall/doc-examples.tsv` records, per rule, whether an example
/// was taken from the provider's own documentation or SDK: every row names
/// a real rule of that provider, and every `added` / `rule-fixed` row's
/// rule cites its source in a `# doc example:` comment above `[[rule]]`.
#[test]
fn doc_example_records_match_the_rules() {
    struct Block {
        provider: String,
        cites_doc: bool,
    }
    let mut blocks = std::collections::HashMap::new();
    for path in rule_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut comments_above = false;
        let mut current: Option<(String, bool)> = None;
        let mut flush = |current: &mut Option<(String, bool)>, provider: Option<String>| {
            if let (Some((id, cites)), Some(provider)) = (current.take(), provider) {
                blocks.insert(
                    id,
                    Block {
                        provider,
                        cites_doc: cites,
                    },
                );
            }
        };
        let mut provider = None;
        for (i, line) in lines.iter().enumerate() {
            let line = line.trim();
            if line == "[[rule]]" {
                flush(&mut current, provider.take());
                comments_above = lines[..i]
                    .iter()
                    .rev()
                    .take_while(|l| l.trim_start().starts_with('#'))
                    .any(|l| l.contains("# doc example:"));
            } else if let Some(id) = line.strip_prefix("id = \"") {
                current = Some((id.trim_end_matches('"').to_string(), comments_above));
            } else if let Some(p) = line.strip_prefix("provider = \"") {
                provider = Some(p.trim_end_matches('"').to_string());
            }
        }
        flush(&mut current, provider.take());
    }
    let tsv = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/recall/doc-examples.tsv"),
    )
    .unwrap();
    let mut rows = tsv.lines();
    assert_eq!(rows.next(), Some("provider\trule_id\tstatus\tsource"));
    let mut problems = Vec::new();
    let mut providers = std::collections::BTreeSet::new();
    for row in rows {
        let fields: Vec<&str> = row.split('\t').collect();
        let [provider, rule_id, status, source] = fields[..] else {
            problems.push(format!("not 4 fields: {row:?}"));
            continue;
        };
        providers.insert(provider);
        if source.trim().is_empty() {
            problems.push(format!("{rule_id}: no source"));
        }
        let Some(block) = blocks.get(rule_id) else {
            problems.push(format!("{rule_id}: no such rule"));
            continue;
        };
        if block.provider != provider {
            problems.push(format!(
                "{rule_id}: provider is {}, not {provider}",
                block.provider
            ));
        }
        match status {
            "added" | "rule-fixed" if !block.cites_doc => problems.push(format!(
                "{rule_id}: {status} but no `# doc example:` comment"
            )),
            "added" | "rule-fixed" | "none-published" | "not-checked" => {}
            other => problems.push(format!("{rule_id}: unknown status {other:?}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(providers.len() >= 120, "only {} providers", providers.len());
}
