//! Known public and test values (`rules/known-test-values.toml`): AWS's
//! documented example keys, Azurite's well-known account key, the jwt.io
//! sample token, sandbox and test-mode prefixes.  A match whose secret is
//! one of them is no leak: the engine keeps it aside (`Found::test_values`)
//! and the suppress stage reports it as "known test value: <what>".

use std::sync::OnceLock;

use serde::Deserialize;

const DATA: &str = include_str!("../../rules/known-test-values.toml");

/// One entry of the list: what the value is and where it is published.
#[derive(Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownValue {
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub regex: Option<String>,
    pub what: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KnownFile {
    #[serde(default)]
    value: Vec<KnownValue>,
    #[serde(default)]
    prefix: Vec<KnownValue>,
    #[serde(default)]
    regex: Vec<KnownValue>,
}

struct KnownValues {
    entries: Vec<KnownValue>,
    /// `regex` entries compiled, anchored at both ends, by index into `entries`.
    regexes: Vec<(usize, regex::bytes::Regex)>,
}

fn known() -> &'static KnownValues {
    static KNOWN: OnceLock<KnownValues> = OnceLock::new();
    KNOWN.get_or_init(|| parse(DATA).expect("rules/known-test-values.toml is checked by the tests"))
}

fn parse(text: &str) -> anyhow::Result<KnownValues> {
    let file: KnownFile = toml::from_str(text)?;
    let mut entries = Vec::new();
    let mut regexes = Vec::new();
    for (kind, list) in [
        ("value", file.value),
        ("prefix", file.prefix),
        ("regex", file.regex),
    ] {
        for entry in list {
            let given = [&entry.value, &entry.prefix, &entry.regex];
            let field = match kind {
                "value" => &entry.value,
                "prefix" => &entry.prefix,
                _ => &entry.regex,
            };
            if field.as_deref().is_none_or(str::is_empty)
                || given.iter().filter(|g| g.is_some()).count() != 1
            {
                anyhow::bail!(
                    "[[{kind}]] `{}`: needs `{kind}` and nothing else",
                    entry.what
                );
            }
            if entry.source.trim().is_empty() {
                anyhow::bail!("[[{kind}]] `{}`: needs a `source`", entry.what);
            }
            if let Some(pattern) = &entry.regex {
                let anchored = format!("^(?:{pattern})$");
                regexes.push((entries.len(), regex::bytes::Regex::new(&anchored)?));
            }
            entries.push(entry);
        }
    }
    Ok(KnownValues { entries, regexes })
}

/// The known test value `secret` is, if any.
pub fn lookup(secret: &[u8]) -> Option<&'static KnownValue> {
    let known = known();
    let exact_or_prefix = known.entries.iter().find(|e| {
        e.value.as_deref().is_some_and(|v| v.as_bytes() == secret)
            || e.prefix
                .as_deref()
                .is_some_and(|p| secret.starts_with(p.as_bytes()))
    });
    exact_or_prefix.or_else(|| {
        known
            .regexes
            .iter()
            .find(|(_, re)| re.is_match(secret))
            .map(|(i, _)| &known.entries[*i])
    })
}

/// How many entries the list holds (`rules list` and the tests).
pub fn count() -> usize {
    known().entries.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_list_parses_and_finds_its_values() {
        assert!(count() >= 10);
        assert!(
            lookup(b"AKIAIOSFODNN7EXAMPLE")
                .unwrap()
                .what
                .contains("AWS")
        );
        assert!(
            lookup(b"sk_test_4eC39HqLyjWDarjtT1zdp7dc")
                .unwrap()
                .what
                .contains("Stripe")
        );
        assert!(lookup(b"AKIAQ4N2OFAKEI7CESOL").is_none());
    }

    #[test]
    fn an_entry_needs_exactly_one_matcher_and_a_source() {
        assert!(parse("[[value]]\nwhat = \"w\"\nsource = \"s\"").is_err());
        assert!(
            parse("[[value]]\nvalue = \"v\"\nprefix = \"p\"\nwhat = \"w\"\nsource = \"s\"")
                .is_err()
        );
        assert!(parse("[[prefix]]\nprefix = \"p\"\nwhat = \"w\"\nsource = \" \"").is_err());
        assert!(parse("[[regex]]\nregex = \"(\"\nwhat = \"w\"\nsource = \"s\"").is_err());
    }
}
