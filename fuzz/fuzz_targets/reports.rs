//! Every report writer fed arbitrary paths and source lines around a
//! planted fake key. Checked: JSON and SARIF parse, JUnit is well-formed
//! XML, CSV parses, the human report holds no raw control byte (but
//! newlines), GitHub annotations are one line each, and no format prints
//! the key unredacted.
#![no_main]

use std::sync::{Arc, LazyLock};

use keylint::app::blob_scan::{BlobScanner, Collected};
use keylint::engine::Engine;
use keylint::model::Origin;
use keylint::model::ScanResult;
use keylint::report::{Format, Report, ReportOptions, escape};
use keylint::rules::{RuleMeta, RuleSet};
use keylint::sources::{BlobSink, NoContext};
use libfuzzer_sys::fuzz_target;

static ENGINE: LazyLock<Engine> =
    LazyLock::new(|| Engine::new(RuleSet::builtin().expect("built-in rules")).expect("engine"));

/// Fake, format-valid (fixtures/fakekey.py ghp 7).
const KEY: &str = "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";

fuzz_target!(|data: &[u8]| {
    // First line: the path; the rest: text the key is planted inside.
    let (path, text) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let path = String::from_utf8_lossy(path).into_owned();
    if path.contains("FAKE") || text.windows(4).any(|w| w == b"FAKE") {
        return; // the oracle below must only see the planted copies
    }
    let split = text.len() / 2;
    let mut content = text[..split].to_vec();
    content.extend_from_slice(format!(" token = \"{KEY}\" # was {KEY}\n").as_bytes());
    content.extend_from_slice(&text[split..]);
    let origin = Origin {
        path: path.clone(),
        root_relative: path,
        commit: None,
    };
    let scanner = BlobScanner {
        engine: &ENGINE,
        collect_markers: true,
    };
    let mut result = Collected::default();
    scanner.blob(&mut result, &origin, &content, &NoContext);
    if result.findings.is_empty() {
        return;
    }
    // Only the rules that found something: SARIF lists every rule it is
    // given, and writing 1,000 rules' metadata per input would leave the
    // fuzzer a few executions a second.
    let result = ScanResult {
        findings: result.findings,
        ..ScanResult::default()
    };
    let rules: Vec<Arc<RuleMeta>> = ENGINE
        .metas()
        .iter()
        .filter(|meta| result.findings.iter().any(|f| f.rule.id == meta.id))
        .cloned()
        .collect();
    for format in [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Csv,
        Format::Junit,
    ] {
        let options = ReportOptions {
            show_secrets: false,
            color: false,
            show_suppressed: true,
        };
        let report = Report::new(&result, &rules, None, options);
        let mut out = Vec::new();
        report.write(format, &mut out).expect("write to memory");
        check(format, &out, result.findings.len());
    }
});

fn check(format: Format, out: &[u8], findings: usize) {
    let text = String::from_utf8_lossy(out);
    assert!(!text.contains(KEY), "{format:?} printed the key unredacted");
    match format {
        Format::Json | Format::Sarif => {
            serde_json::from_slice::<serde_json::Value>(out).expect("valid JSON");
        }
        Format::Junit => {
            let mut reader = quick_xml::Reader::from_reader(out);
            let mut buffer = Vec::new();
            loop {
                match reader.read_event_into(&mut buffer) {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => buffer.clear(),
                    Err(e) => panic!("JUnit is not XML: {e}"),
                }
            }
        }
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new().from_reader(out);
            for record in reader.records() {
                record.expect("valid CSV");
            }
        }
        Format::Human => {
            // Newlines are keylint's own; everything unsafe from the input
            // must have been escaped.
            let raw = text.chars().find(|&c| c != '\n' && escape::is_unsafe(c));
            assert!(
                raw.is_none(),
                "raw control character {raw:?} in human output"
            );
        }
        Format::Github => {
            let commands = text.lines().filter(|l| l.starts_with("::")).count();
            assert_eq!(commands, findings, "one workflow command per finding");
            assert_eq!(
                text.lines().count(),
                findings + 1,
                "the commands and a summary line"
            );
        }
    }
}
