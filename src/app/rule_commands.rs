//! `keylint rules list` and `keylint rules check`: the rule library shown,
//! and user rule files checked against their own examples.

use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, Result};

use super::Outcome;
use super::cli::ListFormat;
use super::output::closed_pipe_is_done;
use super::pipeline::load_rules;
use crate::engine;
use crate::rules::{RuleMeta, RuleSet, RuleSource};

pub fn list_rules(extra: &[impl AsRef<Path>], format: ListFormat) -> Result<Outcome> {
    let metas = load_rules(extra)?.metas();
    let mut out = io::stdout().lock();
    let written = match format {
        ListFormat::Json => {
            let plain: Vec<&RuleMeta> = metas.iter().map(|m| &**m).collect();
            serde_json::to_writer_pretty(&mut out, &plain)
                .map_err(io::Error::from)
                .and_then(|()| writeln!(out))
        }
        ListFormat::Human => write_rule_table(&metas, &mut out),
    };
    closed_pipe_is_done(written).context("cannot write to standard output")?;
    Ok(Outcome::Clean)
}

fn write_rule_table(metas: &[std::sync::Arc<RuleMeta>], out: &mut dyn Write) -> io::Result<()> {
    let width = metas.iter().map(|m| m.id.len()).max().unwrap_or(0);
    for meta in metas {
        writeln!(
            out,
            "{:<width$}  {:<12} {:<10} {:<9} {}",
            meta.id,
            meta.provider,
            format!("{:?}", meta.kind).to_lowercase(),
            meta.severity,
            meta.name
        )?;
    }
    writeln!(out, "{} rules", metas.len())
}

/// Validate user rule files: malformed files are errors (exit 2); rules
/// whose examples fail are reported and exit 1.
pub fn check_rules(files: &[impl AsRef<Path>]) -> Result<Outcome> {
    let mut set = RuleSet::default();
    for path in files {
        let path = path.as_ref();
        let before = set.metas().len();
        set.add_source(&RuleSource::from_path(path)?)?;
        if set.metas().len() == before {
            anyhow::bail!(
                "{}: no rules in this file (a rule is a [[rule]] table)",
                path.display()
            );
        }
    }
    let rule_count = set.rules.len();
    let failures = engine::check_examples(set)?;
    let mut out = io::stdout().lock();
    let written = write_check_results(&failures, rule_count, &mut out);
    closed_pipe_is_done(written).context("cannot write to standard output")?;
    Ok(if failures.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn write_check_results(
    failures: &[engine::ExampleFailure],
    rule_count: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    for failure in failures {
        let what = if failure.missed {
            "example does not match"
        } else {
            "counter-example matches"
        };
        writeln!(
            out,
            "{}: rule `{}`: {what}: {}",
            failure.origin, failure.rule_id, failure.example
        )?;
    }
    let rules = if rule_count == 1 { "rule" } else { "rules" };
    match failures.len() {
        0 => writeln!(out, "{rule_count} {rules} OK"),
        1 => writeln!(out, "1 problem in {rule_count} {rules}"),
        n => writeln!(out, "{n} problems in {rule_count} {rules}"),
    }
}
