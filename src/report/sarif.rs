//! SARIF 2.1.0 for GitHub code scanning: validates against the OASIS schema
//! and follows GitHub's ingestion rules (unique rule ids, string
//! `security-severity`, URIs relative to the repository root, no line number
//! in any fingerprint; `primaryLocationLineHash` is left to GitHub's upload
//! action, keylint's own fingerprint goes under `keylint/v1`).

use std::io::{self, Write};

use serde_json::{Value, json};

use super::shown::{Report, sarif_level, security_severity};
use crate::model::Finding;
use crate::model::Mechanism;
use crate::rules::{Confidence, RuleMeta};

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/keylint/keylint";

/// GitHub code scanning rejects a run with more results than this; keylint
/// keeps the most severe and says how many it left out.
pub const MAX_RESULTS_PER_RUN: usize = 25_000;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<Value> = report.rules.iter().map(|r| rule_json(r)).collect();
    let findings = &report.result.findings;
    let mut kept: Vec<usize> = (0..findings.len()).collect();
    let mut omitted = 0;
    if findings.len() > MAX_RESULTS_PER_RUN {
        // Most severe first (stable), cut, then back to report order.
        kept.sort_by_key(|&i| std::cmp::Reverse(findings[i].rule.severity));
        omitted = kept.len() - MAX_RESULTS_PER_RUN;
        kept.truncate(MAX_RESULTS_PER_RUN);
        kept.sort_unstable();
    }
    let mut results: Vec<Value> = kept
        .iter()
        .map(|&i| result_json(report, &findings[i]))
        .collect();
    if report.options.show_suppressed {
        // SARIF's own notion: GitHub shows these as dismissed, not open.
        let room = MAX_RESULTS_PER_RUN - results.len();
        results.extend(report.result.suppressed.iter().take(room).map(|s| {
            let mut result = result_json(report, &s.finding);
            let kind = if s.mechanism == Mechanism::Inline {
                "inSource"
            } else {
                "external"
            };
            result["suppressions"] =
                json!([{"kind": kind, "justification": report.shown_text(&s.reason)}]);
            result
        }));
    }
    let notifications: Vec<Value> = report
        .result
        .warnings
        .iter()
        .map(|w| json!({"level": "warning", "message": {"text": report.shown_text(w)}}))
        .chain((omitted > 0).then(|| json!({"level": "warning", "message": {"text": format!(
            "{omitted} of {} findings were left out of this SARIF run: GitHub code scanning \
             rejects more than {MAX_RESULTS_PER_RUN} results per run (the most severe are kept; \
             the JSON or CSV report lists them all).", findings.len()
        )}})))
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
    super::escape::write_json(out, &document)?;
    writeln!(out)
}

fn rule_json(rule: &RuleMeta) -> Value {
    let full = rule
        .description
        .clone()
        .unwrap_or_else(|| format!("A hardcoded {} ({} provider).", rule.name, rule.provider));
    let mut value = json!({
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
            // GitHub sorts alerts by it (very-high, high, medium, low).
            "precision": rule.confidence.as_str(),
            "problem.severity": sarif_level(rule.severity),
            "security-severity": security_severity(rule.severity),
        },
    });
    // SARIF 3.49.7: a `name` the same as the id (`jwt` / `Jwt`, compared
    // without case, as the SARIF Multitool's SARIF1001 does) must be left out.
    if pascal_case(&rule.id).eq_ignore_ascii_case(&rule.id)
        && let Value::Object(map) = &mut value
    {
        map.remove("name");
    }
    value
}

fn result_json(report: &Report, finding: &Finding) -> Value {
    let rule_index = report.rules.iter().position(|r| r.id == finding.rule.id);
    let mut properties = json!({
        "secretFingerprint": finding.fingerprint,
        "severity": finding.rule.severity,
        "confidence": finding.confidence,
    });
    if let Some(what) = &finding.test_value {
        properties["testValue"] = json!(what);
    }
    if let Some(chain) = finding.decoded_chain() {
        properties["decoded"] = json!(chain);
    }
    if let (Some(commit), Value::Object(map)) = (&finding.origin.commit, &mut properties) {
        map.extend(super::json::commit_fields(report, commit));
    }
    json!({
        "ruleId": finding.rule.id,
        "ruleIndex": rule_index,
        "level": sarif_level(finding.rule.severity),
        "message": {"text": report.shown_text(&match &finding.message {
            Some(message) => format!("{message} {}", finding.rule.remediation),
            None => format!(
                "{} `{}` is hardcoded here. {}",
                finding.rule.name,
                report.shown_secret(finding).replace('\n', " "),
                finding.rule.remediation
            ),
        })},
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
            "message": {"text": report.shown_text(&related.message)},
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
        // SARIF 3.27.24: 0.0 (least) to 100.0 (most) relevant.
        "rank": rank(finding.confidence),
        "properties": properties,
    })
}

/// A result's SARIF `rank` from its confidence.
fn rank(confidence: Confidence) -> f64 {
    match confidence {
        Confidence::High => 90.0,
        Confidence::Medium => 60.0,
        Confidence::Low => 30.0,
    }
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

#[cfg(test)]
mod limits {
    //! GitHub code scanning's documented SARIF limits, on a large synthetic
    //! scan: results per run (25,000: more is rejected), rules per run
    //! (25,000), locations per result (1,000), tags per rule (20), plus
    //! text lengths keylint holds itself to where GitHub gives no number.
    use std::sync::Arc;

    use serde_json::Value;

    use super::MAX_RESULTS_PER_RUN;
    use crate::engine::{Engine, findings};
    use crate::model::{Origin, ScanResult};
    use crate::report::shown::{Report, ReportOptions};
    use crate::rules::{RuleSet, Severity};

    const MAX_RULES_PER_RUN: usize = 25_000;
    const MAX_LOCATIONS_PER_RESULT: usize = 1_000;
    const MAX_TAGS_PER_RULE: usize = 20;
    /// keylint's own caps (GitHub truncates long text rather than naming a
    /// limit): one-line texts stay short, help stays readable.
    const MAX_SHORT_TEXT: usize = 1_024;
    const MAX_MESSAGE_TEXT: usize = 2_000;
    const MAX_HELP_TEXT: usize = 10_000;

    /// Real findings from the engine, multiplied to `total` across paths;
    /// every third one downgraded to low so the cut can be checked.
    fn synthetic(engine: &Engine, total: usize) -> ScanResult {
        let text = "a = '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'\n\
                    b = 'AKIAQ4N2OFAKEI7CESOL'\n\
                    c = 'sk-proj-RUSXSjt3lXrFAKErY6ugT3BlbkFJAKPdWC1LSfLdCuT3bNJv'\n";
        let origin = Origin {
            path: "seed.py".into(),
            root_relative: "seed.py".into(),
            commit: None,
        };
        let matches = engine.find(text.as_bytes());
        let seed = findings::from_matches(engine.metas(), text.as_bytes(), &origin, &matches);
        assert_eq!(seed.len(), 3, "seed findings");
        let mut result = ScanResult::default();
        for i in 0..total {
            let mut finding = seed[i % 3].clone();
            let path = format!("dir{}/file{i}.py", i % 97);
            finding.origin = Origin {
                path: path.clone(),
                root_relative: path,
                commit: None,
            };
            if i % 3 == 0 {
                let mut rule = (*finding.rule).clone();
                rule.severity = Severity::Low;
                finding.rule = Arc::new(rule);
            }
            result.findings.push(finding);
        }
        result
    }

    fn sarif(engine: &Engine, result: &ScanResult) -> Value {
        let report = Report::new(
            result,
            engine.metas(),
            None,
            ReportOptions {
                show_secrets: false,
                color: false,
                show_suppressed: false,
            },
        );
        let mut out = Vec::new();
        super::write(&report, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    fn text_len(value: &Value) -> usize {
        value.as_str().map_or(0, |s| s.chars().count())
    }

    #[test]
    fn a_large_scan_stays_within_github_limits() {
        let engine = Engine::new(RuleSet::builtin().unwrap()).unwrap();
        let total = MAX_RESULTS_PER_RUN + 5_000;
        let result = synthetic(&engine, total);
        let document = sarif(&engine, &result);
        let runs = document["runs"].as_array().unwrap();
        assert!(runs.len() <= 20);
        let run = &runs[0];
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), MAX_RESULTS_PER_RUN);
        // What was cut is the least severe, and the run says so.
        let low = results.iter().filter(|r| r["level"] == "note").count();
        assert_eq!(low, total.div_ceil(3) - 5_000);
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert!(
            notes.iter().any(|n| n["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("5000 of 30000 findings were left out")),
            "{notes:?}"
        );
        for result in results {
            let locations = result["locations"].as_array().unwrap();
            assert!(!locations.is_empty() && locations.len() <= MAX_LOCATIONS_PER_RESULT);
            assert!(text_len(&result["message"]["text"]) <= MAX_MESSAGE_TEXT);
            assert!(result["ruleId"].is_string());
        }
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert!(rules.len() <= MAX_RULES_PER_RUN);
        let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(
            ids.len(),
            before,
            "duplicate rule ids make GitHub reject the upload"
        );
        for rule in rules {
            let tags = rule["properties"]["tags"].as_array().unwrap();
            assert!(tags.len() <= MAX_TAGS_PER_RULE);
            assert!(tags.iter().any(|t| t == "security"));
            assert!(text_len(&rule["shortDescription"]["text"]) <= MAX_SHORT_TEXT);
            assert!(text_len(&rule["fullDescription"]["text"]) <= MAX_SHORT_TEXT);
            assert!(text_len(&rule["help"]["text"]) <= MAX_HELP_TEXT);
            assert!(text_len(&rule["help"]["markdown"]) <= MAX_HELP_TEXT);
            let score: f64 = rule["properties"]["security-severity"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((0.1..=10.0).contains(&score));
        }
    }

    #[test]
    fn under_the_limit_nothing_is_cut_or_reordered() {
        let engine = Engine::new(RuleSet::builtin().unwrap()).unwrap();
        let result = synthetic(&engine, 300);
        let document = sarif(&engine, &result);
        let results = document["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 300);
        for (result, finding) in results.iter().zip(&result.findings) {
            assert_eq!(
                result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                finding.origin.root_relative.as_str()
            );
        }
    }
}
