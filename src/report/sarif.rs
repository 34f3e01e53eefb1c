//! SARIF 2.1.0 for GitHub code scanning: validates against the OASIS schema
//! and follows GitHub's ingestion rules (unique rule ids, string
//! `security-severity`, URIs relative to the repository root, no line number
//! in any fingerprint; `primaryLocationLineHash` is left to GitHub's upload
//! action, keylint's own fingerprint goes under `keylint/v1`).

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Report, sarif_level, security_severity};
use crate::finding::Finding;
use crate::rules::RuleMeta;
use crate::suppress::Mechanism;

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/keylint/keylint";

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<Value> = report.rules.iter().map(|r| rule_json(r)).collect();
    let mut results: Vec<Value> = report
        .result
        .findings
        .iter()
        .map(|f| result_json(report, f))
        .collect();
    if report.options.show_suppressed {
        // SARIF's own notion: GitHub shows these as dismissed, not open.
        results.extend(report.result.suppressed.iter().map(|s| {
            let mut result = result_json(report, &s.finding);
            let kind = if s.mechanism == Mechanism::Inline {
                "inSource"
            } else {
                "external"
            };
            result["suppressions"] = json!([{"kind": kind, "justification": s.reason}]);
            result
        }));
    }
    let notifications: Vec<Value> = report
        .result
        .warnings
        .iter()
        .map(|w| json!({"level": "warning", "message": {"text": w}}))
        .collect();
    let document = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "keylint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn rule_json(rule: &RuleMeta) -> Value {
    let full = rule
        .description
        .clone()
        .unwrap_or_else(|| format!("A hardcoded {} ({} provider).", rule.name, rule.provider));
    json!({
        "id": rule.id,
        "name": pascal_case(&rule.id),
        "shortDescription": {"text": rule.name},
        "fullDescription": {"text": full},
        "help": {
            "text": format!("{full}\n\nRemediation: {}", rule.remediation),
            "markdown": format!("**{}**\n\n{full}\n\n**Remediation:** {}", rule.name, rule.remediation),
        },
        "defaultConfiguration": {"level": sarif_level(rule.severity)},
        "properties": {
            "tags": ["security", "secret", rule.provider],
            "precision": "high",
            "problem.severity": sarif_level(rule.severity),
            "security-severity": security_severity(rule.severity),
        },
    })
}

fn result_json(report: &Report, finding: &Finding) -> Value {
    let rule_index = report.rules.iter().position(|r| r.id == finding.rule.id);
    let mut properties =
        json!({"secretFingerprint": finding.fingerprint, "severity": finding.rule.severity});
    if let (Some(commit), Value::Object(map)) = (&finding.origin.commit, &mut properties) {
        map.extend(super::json::commit_fields(commit));
    }
    json!({
        "ruleId": finding.rule.id,
        "ruleIndex": rule_index,
        "level": sarif_level(finding.rule.severity),
        "message": {"text": match &finding.message {
            Some(message) => format!("{message} {}", finding.rule.remediation),
            None => format!(
                "{} `{}` is hardcoded here. {}",
                finding.rule.name,
                report.shown_secret(finding).replace('\n', " "),
                finding.rule.remediation
            ),
        }},
        "relatedLocations": finding.related.iter().enumerate().map(|(id, related)| json!({
            "id": id + 1,
            "physicalLocation": {
                "artifactLocation": {"uri": uri_encode(&related.origin.root_relative), "uriBaseId": "%SRCROOT%"},
                "region": {
                    "startLine": related.start.line,
                    "startColumn": related.start.column,
                    "endLine": related.end.line,
                    "endColumn": related.end.column,
                },
            },
            "message": {"text": related.message},
        })).collect::<Vec<_>>(),
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri_encode(&finding.origin.root_relative), "uriBaseId": "%SRCROOT%"},
                "region": {
                    "startLine": finding.start.line,
                    "startColumn": finding.start.column,
                    "endLine": finding.end.line,
                    "endColumn": finding.end.column,
                    "snippet": {"text": report.shown_snippet(finding)},
                },
            },
        }],
        "partialFingerprints": {"keylint/v1": finding.location_fingerprint},
        "properties": properties,
    })
}

/// `openai-project-key` -> `OpenaiProjectKey` (SARIF `name` is identifier-like).
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Percent-encode a relative path into a URI reference, keeping `/`.
fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
