//! The JSON report: one object per finding, plus a summary.  The schema is
//! documented in README.md ("JSON report"); `schema_version` changes only
//! when a field is removed or changes meaning.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::shown::Report;
use crate::model::CommitInfo;
use crate::model::Finding;
use crate::model::Mechanism;
use crate::model::SkipReason;

pub const SCHEMA_VERSION: u32 = 1;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let result = report.result;
    let findings: Vec<Value> = result
        .findings
        .iter()
        .map(|f| finding_json(report, f))
        .collect();
    let skipped: Vec<Value> = result
        .skipped
        .iter()
        .map(|skip| {
            let (reason, detail) = match &skip.reason {
                SkipReason::Binary => ("binary", Value::Null),
                SkipReason::TooLarge { size, limit } => {
                    ("too_large", json!({"size": size, "limit": limit}))
                }
                SkipReason::Unreadable(error) => ("unreadable", json!(error)),
                SkipReason::Symlink => ("symlink", Value::Null),
                SkipReason::Special(kind) => ("special", json!(kind)),
            };
            json!({"path": skip.path, "reason": reason, "detail": detail})
        })
        .collect();
    let (inline, config, baseline) = crate::model::suppression::counts(&result.suppressed);
    let mut document = json!({
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "keylint", "version": env!("CARGO_PKG_VERSION")},
        "findings": findings,
        "summary": {
            "findings": result.findings.len(),
            "files_scanned": result.stats.files_scanned,
            "bytes_scanned": result.stats.bytes_scanned,
            "skipped_binary": result.stats.skipped_binary,
            "skipped_too_large": result.stats.skipped_too_large,
            "skipped_unreadable": result.stats.skipped_unreadable,
            "skipped_symlink": result.stats.skipped_symlink,
            "skipped_special": result.stats.skipped_special,
            "commits_walked": result.stats.commits_walked,
            "trees_walked": result.stats.trees_walked,
            "blobs_scanned": result.stats.blobs_scanned,
            "lfs_pointers_skipped": result.stats.lfs_pointers_skipped,
            "keylint_outputs": result.stats.keylint_outputs,
            "duration_ms": result.elapsed.as_millis() as u64,
            "suppressed": {
                "total": result.suppressed.len(),
                "inline": inline,
                "config": config,
                "baseline": baseline,
                "test_value": crate::model::suppression::count(&result.suppressed, Mechanism::TestValue),
            },
        },
        "skipped": skipped,
        "warnings": result.warnings.iter().map(|w| report.shown_text(w)).collect::<Vec<_>>(),
    });
    // Only when decoding ran, so a scan without it reads as before.
    if result.stats.decoded_runs > 0 || result.stats.decode_budget_exhausted > 0 {
        document["summary"]["decoded_runs"] = json!(result.stats.decoded_runs);
        document["summary"]["decode_budget_exhausted"] =
            json!(result.stats.decode_budget_exhausted);
    }
    if report.options.show_suppressed {
        document["suppressed"] = result
            .suppressed
            .iter()
            .map(|s| {
                let mut value = finding_json(report, &s.finding);
                value["suppressed_by"] = json!(s.mechanism);
                value["suppression_reason"] = json!(report.shown_text(&s.reason));
                value
            })
            .collect();
    }
    if let Some(unused) = report.unused {
        document["unused_suppressions"] = unused
            .iter()
            .map(|u| {
                json!({
                    "mechanism": u.mechanism,
                    "location": report.shown_text(&u.location),
                    "text": report.shown_text(&u.text),
                })
            })
            .collect();
    }
    super::escape::write_json(out, &document)?;
    writeln!(out)
}

fn finding_json(report: &Report, finding: &Finding) -> Value {
    let mut value = json!({
        "rule_id": finding.rule.id,
        "rule_name": finding.rule.name,
        "severity": finding.rule.severity,
        "provider": finding.rule.provider,
        "path": finding.origin.path,
        "uri": finding.origin.root_relative,
        "line": finding.start.line,
        "column": finding.start.column,
        "end_line": finding.end.line,
        "end_column": finding.end.column,
        "secret": report.shown_secret(finding),
        "redacted": !report.options.show_secrets,
        "snippet": report.shown_snippet(finding),
        "fingerprint": finding.fingerprint,
        "location_fingerprint": finding.location_fingerprint,
        "confidence": finding.confidence,
    });
    if let Some(what) = &finding.test_value {
        value["test_value"] = json!(what);
    }
    if let Some(chain) = finding.decoded_chain() {
        value["decoded"] = json!(chain);
    }
    if let (Some(commit), Value::Object(map)) = (&finding.origin.commit, &mut value) {
        map.extend(commit_fields(report, commit));
    }
    if let Some(message) = &finding.message {
        value["message"] = json!(report.shown_text(message));
        value["related"] = finding
            .related
            .iter()
            .map(|r| {
                json!({
                    "path": r.origin.path,
                    "uri": r.origin.root_relative,
                    "line": r.start.line,
                    "column": r.start.column,
                    "end_line": r.end.line,
                    "end_column": r.end.column,
                    "message": report.shown_text(&r.message),
                })
            })
            .collect();
    }
    value
}

/// History findings: where the secret was introduced (and, with
/// `--all-occurrences`, every other commit/path holding the same blob).
pub(super) fn commit_fields(
    report: &Report,
    commit: &CommitInfo,
) -> serde_json::Map<String, Value> {
    let mut map = serde_json::Map::new();
    map.insert("commit".into(), json!(commit.id));
    map.insert(
        "author_name".into(),
        json!(report.shown_text(&commit.author_name)),
    );
    map.insert(
        "author_email".into(),
        json!(report.shown_text(&commit.author_email)),
    );
    map.insert("date".into(), json!(commit.date));
    map.insert("blob".into(), json!(commit.blob));
    if let Some(occurrences) = &commit.occurrences {
        let list: Vec<Value> = occurrences
            .iter()
            .map(|o| json!({"commit": o.commit, "path": o.path}))
            .collect();
        map.insert("occurrences".into(), Value::Array(list));
    }
    map
}
