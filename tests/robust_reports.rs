//! Issue #12, the report writers: a found secret is masked wherever it
//! occurs (case 1), and hostile file names, scanned lines and commit
//! authors cannot act on a terminal, a CI log, a spreadsheet or the job
//! summary (case 4); plus the small wording and layout fixes.  Everything
//! through the real binary.  Secrets are fake (fixtures/fakekey.py).

mod common;
mod gitrepo;

use std::path::Path;
use std::process::Output;

use common::{code, json, keylint, stderr};
use gitrepo::{GITHUB_TOKEN, Repo};

/// `python3 fixtures/fakekey.py password 12` and `… password 13`.
const PASSWORD: &str = "aQ4EFAKEL^V#ofh*%G7U";
const PASSWORD_2: &str = "A__bxpUuFAKE5eF1*O1Y";
/// What `redact` shows of `PASSWORD`.
const PASSWORD_SHOWN: &str = "aQ4E…";

const FORMATS: [&str; 6] = ["human", "json", "sarif", "junit", "csv", "github"];

/// Run `keylint ARGS` in `dir` with a job summary file; returns the output
/// and the summary's text.
fn run_with_summary(dir: &Path, args: &[&str]) -> (Output, String) {
    let summary = tempfile::NamedTempFile::new().unwrap();
    let output = keylint()
        .current_dir(dir)
        .args(args)
        .env("GITHUB_STEP_SUMMARY", summary.path())
        .output()
        .expect("run keylint");
    let text = std::fs::read_to_string(summary.path()).unwrap();
    (output, text)
}

/// Undo the workflow-command encoding, so a secret hidden by `%25` counts.
fn decode_github(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn assert_masked(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what}: the secret {secret} is printed whole:\n{text}"
        );
    }
}

/// Every report format, with `--show-suppressed`, and the job summary of
/// each run: none may contain a listed secret.
fn assert_masked_everywhere(dir: &Path, command: &[&str], secrets: &[&str]) {
    for format in FORMATS {
        let mut args = command.to_vec();
        args.extend(["--format", format, "--show-suppressed"]);
        let (output, summary) = run_with_summary(dir, &args);
        assert_eq!(code(&output), 1, "{format}: {}", stderr(&output));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let decoded = decode_github(&stdout);
        assert_masked(format, &decoded, secrets);
        assert_masked(&format!("{format} stderr"), &stderr(&output), secrets);
        assert_masked(&format!("{format} job summary"), &summary, secrets);
    }
}

fn write(dir: &Path, name: &str, content: &str) {
    std::fs::write(dir.join(name), content).unwrap();
}

// ---- Case 1: every occurrence of every found secret is masked ----------

/// A secret repeated in a comment on its own line (the engine reports the
/// assignment only: the comment has no keyword), a suppressed one repeated
/// the same way, and a copy of the first on a line of its own.
fn repeated_secrets_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "settings.py",
        &format!(
            "password = \"{PASSWORD}\"  # old: {PASSWORD}\n\
             # rotated on Monday, was {PASSWORD}\n\
             secret = \"{PASSWORD_2}\"  # keylint:allow (test fixture, was {PASSWORD_2})\n"
        ),
    );
    dir
}

#[test]
fn a_secret_repeated_on_its_line_is_masked_in_every_format() {
    let dir = repeated_secrets_tree();
    assert_masked_everywhere(dir.path(), &["scan", "."], &[PASSWORD, PASSWORD_2]);

    // The copy is still shown, masked: the snippet keeps its shape.
    let report = json(&common::run_in(
        dir.path(),
        &["scan", ".", "-f", "json", "--show-suppressed"],
    ));
    let snippet = report["findings"][0]["snippet"].as_str().unwrap();
    assert_eq!(
        snippet,
        format!("password = \"{PASSWORD_SHOWN}\"  # old: {PASSWORD_SHOWN}")
    );
    let suppressed = report["suppressed"][0]["snippet"].as_str().unwrap();
    assert!(
        suppressed.starts_with("secret = \"A__bxp…\""),
        "{suppressed}"
    );
    assert!(suppressed.ends_with("was A__bxp…)"), "{suppressed}");
}

#[test]
fn no_redact_still_prints_every_copy() {
    let dir = repeated_secrets_tree();
    let report = json(&common::run_in(
        dir.path(),
        &["scan", ".", "-f", "json", "--no-redact"],
    ));
    let snippet = report["findings"][0]["snippet"].as_str().unwrap();
    assert_eq!(snippet.matches(PASSWORD).count(), 2, "{snippet}");
}

#[test]
fn a_copy_cut_by_the_snippet_window_is_masked() {
    // A long line (minified) is cut to a window around the secret; a copy
    // straddling the window's edge must not show its first half.
    let dir = tempfile::tempdir().unwrap();
    let filler = "x".repeat(200);
    let line = format!(
        "{filler} password = \"{PASSWORD}\" {} {PASSWORD} {filler}\n",
        "y".repeat(45)
    );
    write(dir.path(), "min.js", &line);
    let report = json(&common::run_in(dir.path(), &["scan", ".", "-f", "json"]));
    let snippet = report["findings"][0]["snippet"].as_str().unwrap();
    // No piece of the secret longer than what redaction shows.
    for start in 0..PASSWORD.len() - 5 {
        let piece = &PASSWORD[start..start + 6];
        assert!(!snippet.contains(piece), "{piece} in {snippet}");
    }
}

#[test]
fn a_secret_in_a_commit_author_is_masked_in_every_format() {
    let mut repo = Repo::new();
    repo.write("settings.py", &format!("password = \"{PASSWORD}\"\n"));
    repo.commit("Tester", "add settings");
    repo.git(&["add", "-A"]);
    repo.write("more.py", &format!("token = \"{GITHUB_TOKEN}\"\n"));
    repo.git(&["add", "-A"]);
    // Someone pasted the password into their user.name.
    let author = format!("{PASSWORD} <dev@example.com>");
    repo.git(&["commit", "--quiet", "-m", "more", "--author", &author]);
    assert_masked_everywhere(&repo.path, &["history", "."], &[PASSWORD]);
}

#[test]
fn report_unused_masks_a_found_secret_in_a_baseline_entry() {
    let dir = repeated_secrets_tree();
    // A hand-edited baseline entry holding the whole secret, for another
    // fingerprint (so it is unused).
    let baseline = format!(
        r#"{{"keylint_baseline": 1, "findings": [{{"fingerprint": "00000000000000000000000000000000",
            "rule_id": "generic-secret-assignment", "path": "old.py", "line": 3,
            "secret": "{PASSWORD}"}}]}}"#
    );
    write(dir.path(), "baseline.json", &baseline);
    for format in ["human", "json"] {
        let output = common::run_in(
            dir.path(),
            &[
                "scan",
                "settings.py",
                "--baseline",
                "baseline.json",
                "--report-unused",
                "-f",
                format,
            ],
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("old.py"), "{format}: {stdout}");
        assert_masked(format, &stdout, &[PASSWORD]);
    }
}

// ---- Case 4: terminal, CI-log, spreadsheet and markdown injection ------

const ESC_NAME: &str = "evil\u{1b}[2J\u{1b}[1;1HScanned 1 file: no secrets found\u{1b}[8m.py";
const WORKFLOW_NAME: &str = "x\n::error file=forged.py,line=1::forged annotation\n.py";
const BEL_NAME: &str = "bell\u{7}\r\u{9b}31m\u{202e}yp.txt";
const FORMULA_NAME: &str = "=HYPERLINK(\"attacker.example\",\"click\").py";
const MARKDOWN_NAME: &str = "a|b`c``<img src=x onerror=alert(1)>\n| forged | row |.py";

/// Files whose names and lines carry control bytes, each with one secret.
fn hostile_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let line = format!("token = \"{GITHUB_TOKEN}\"  # \u{1b}]0;pwned\u{7}\u{1b}[31mred\n");
    for name in [
        ESC_NAME,
        WORKFLOW_NAME,
        BEL_NAME,
        FORMULA_NAME,
        MARKDOWN_NAME,
    ] {
        write(dir.path(), name, &line);
    }
    dir
}

const HOSTILE_FILES: usize = 5;

/// Raw bytes that must never reach a terminal: C0 controls but newline,
/// DEL, and the UTF-8 forms of C1 controls and bidi overrides.
fn assert_no_control_bytes(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for c in text.chars() {
        let bad = (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c);
        assert!(!bad, "{what}: raw {c:?} in output:\n{text:?}");
    }
}

/// No line of `text` is a workflow command, except keylint's own when
/// `allowed` is set.
fn workflow_lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.starts_with("::")).collect()
}

#[test]
fn human_output_escapes_control_characters_in_names_and_lines() {
    let dir = hostile_tree();
    let output = common::run_in(dir.path(), &["scan", ".", "--color", "never"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_no_control_bytes("human", &output.stdout);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(workflow_lines(&text).is_empty(), "{text}");
    assert!(text.contains("evil\\e[2J\\e[1;1HScanned"), "{text}");
    assert!(text.contains("x\\n::error file=forged.py"), "{text}");
    assert!(
        text.contains("bell\\x07\\r\\u{9b}31m\\u{202e}yp.txt"),
        "{text}"
    );
    assert!(text.contains("# \\e]0;pwned\\x07\\e[31mred"), "{text}");
    assert_eq!(text.matches("CRITICAL").count(), HOSTILE_FILES, "{text}");
}

#[test]
fn colored_output_has_only_keylint_own_escape_codes() {
    let dir = hostile_tree();
    let output = common::run_in(dir.path(), &["scan", ".", "--color", "always"]);
    let text = String::from_utf8(output.stdout).unwrap();
    // keylint's colors are SGR sequences (`ESC [ … m`); nothing else.
    let after_esc: Vec<&str> = text.split('\u{1b}').skip(1).collect();
    assert!(!after_esc.is_empty(), "colors expected");
    for rest in after_esc {
        let sgr = rest.strip_prefix('[').and_then(|r| {
            let end = r.find(|c: char| !c.is_ascii_digit() && c != ';')?;
            (r.as_bytes()[end] == b'm').then_some(())
        });
        assert!(sgr.is_some(), "non-color escape: {rest:?}");
    }
    assert!(!text.contains('\u{7}'));
}

#[test]
fn warnings_on_stderr_escape_file_names() {
    let dir = hostile_tree();
    let output = common::run_in(dir.path(), &["scan", ".", "--max-file-size", "10"]);
    let err = stderr(&output);
    assert!(err.contains("skipped evil\\e[2J"), "{err}");
    assert_no_control_bytes("stderr", &output.stderr);
    assert!(workflow_lines(&err).is_empty(), "{err}");
}

#[test]
fn github_format_writes_exactly_one_line_per_finding() {
    let dir = hostile_tree();
    let output = common::run_in(dir.path(), &["scan", ".", "-f", "github"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_no_control_bytes("github", &output.stdout);
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), HOSTILE_FILES + 1, "{text}");
    let commands = workflow_lines(&text);
    assert_eq!(commands.len(), HOSTILE_FILES, "{text}");
    for command in commands {
        assert!(command.starts_with("::error file="), "{command}");
        // Properties end at the first `::`; the file property holds no
        // raw `:` or `,` of its own.
        let properties = command["::error ".len()..].split("::").next().unwrap();
        assert_eq!(properties.split(',').count(), 6, "{command}");
    }
    // The newline in the name survives encoded, so the annotation names
    // the real file.
    assert!(text.contains("file=x%0A%3A%3Aerror file=forged.py%2Cline=1%3A%3Aforged"));
    assert!(text.ends_with("keylint: 5 secret(s) found\n"), "{text}");
}

#[test]
fn csv_cells_cannot_start_a_formula_or_carry_control_characters() {
    let dir = hostile_tree();
    let output = common::run_in(dir.path(), &["scan", ".", "-f", "csv"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    // CSV rows end in CRLF; nothing else is a control byte.
    let without_crlf = String::from_utf8(output.stdout)
        .unwrap()
        .replace("\r\n", "\n");
    assert_no_control_bytes("csv", without_crlf.as_bytes());
    let mut reader = csv::ReaderBuilder::new().from_reader(without_crlf.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), HOSTILE_FILES);
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula-like cell {cell:?}"
            );
        }
    }
    let paths: Vec<&str> = rows.iter().map(|r| &r[4]).collect();
    assert!(
        paths.contains(&"'=HYPERLINK(\"attacker.example\",\"click\").py"),
        "{paths:?}"
    );
}

#[test]
fn csv_neutralises_formulas_in_commit_authors() {
    let repo = Repo::new();
    repo.write("a.py", &format!("token = \"{GITHUB_TOKEN}\"\n"));
    repo.git(&["add", "-A"]);
    let author = "=cmd|' /C calc'!A0 <@evil.example>";
    repo.git(&["commit", "--quiet", "-m", "a", "--author", author]);
    let output = common::run_in(&repo.path, &["history", ".", "-f", "csv"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[13], "'=cmd|' /C calc'!A0");
    assert_eq!(&row[14], "'@evil.example");
}

#[test]
fn history_author_escape_codes_never_reach_the_terminal() {
    let repo = Repo::new();
    repo.write("a.py", &format!("token = \"{GITHUB_TOKEN}\"\n"));
    repo.git(&["add", "-A"]);
    let author = "Ev\u{1b}[2J\u{1b}[Hil <e\u{1b}[8m@example.com>";
    repo.git(&["commit", "--quiet", "-m", "a", "--author", author]);
    for format in ["human", "github", "csv"] {
        let output = common::run_in(&repo.path, &["history", ".", "-f", format]);
        assert_eq!(code(&output), 1, "{format}: {}", stderr(&output));
        let text = String::from_utf8(output.stdout.clone())
            .unwrap()
            .replace("\r\n", "\n");
        assert_no_control_bytes(format, text.as_bytes());
        assert!(text.contains("Ev\\e[2J\\e[Hil"), "{format}: {text}");
    }
    // JSON keeps the exact value (escaped by JSON itself).
    let report = json(&common::run_in(&repo.path, &["history", ".", "-f", "json"]));
    assert_eq!(
        report["findings"][0]["author_name"],
        "Ev\u{1b}[2J\u{1b}[Hil"
    );
}

#[test]
fn json_and_sarif_stay_valid_and_exact_with_hostile_names() {
    let dir = hostile_tree();
    let output = common::run_in(dir.path(), &["scan", ".", "-f", "json"]);
    assert_no_control_bytes("json", &output.stdout);
    let report = json(&output);
    let mut paths: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    let mut expected: Vec<String> = [
        ESC_NAME,
        WORKFLOW_NAME,
        BEL_NAME,
        FORMULA_NAME,
        MARKDOWN_NAME,
    ]
    .iter()
    .map(|n| n.to_string())
    .collect();
    expected.sort();
    assert_eq!(paths, expected);

    let output = common::run_in(dir.path(), &["scan", ".", "-f", "sarif"]);
    assert_no_control_bytes("sarif", &output.stdout);
    common::assert_valid_sarif(&json(&output));
}

#[test]
fn junit_is_well_formed_and_no_name_starts_a_line() {
    let dir = hostile_tree();
    let output = common::run_in(dir.path(), &["scan", ".", "-f", "junit"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_no_control_bytes("junit", &output.stdout);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(workflow_lines(&text).is_empty(), "{text}");
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut files = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(tag) if tag.name().as_ref() == "testcase" => {
                let file = tag
                    .try_get_attribute("file")
                    .unwrap()
                    .expect("file attribute");
                let value = file
                    .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                    .unwrap();
                files.push(value.into_owned());
            }
            _ => {}
        }
    }
    assert_eq!(files.len(), HOSTILE_FILES);
    // Exact where XML can carry it; ESC and BEL (not XML 1.0 characters,
    // even as references) are visible escapes.
    assert!(files.contains(&WORKFLOW_NAME.to_string()), "{files:?}");
    assert!(files.contains(&MARKDOWN_NAME.to_string()), "{files:?}");
    assert!(
        files.contains(&"bell\\x07\r\u{9b}31m\u{202e}yp.txt".to_string()),
        "{files:?}"
    );
}

#[test]
fn job_summary_rows_cannot_be_broken_by_a_file_name() {
    let dir = hostile_tree();
    let (output, summary) = run_with_summary(dir.path(), &["scan", ".", "-f", "json"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_no_control_bytes("summary", summary.as_bytes());
    let rows: Vec<&str> = summary
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Rule") && !l.starts_with("| ---"))
        .collect();
    assert_eq!(rows.len(), HOSTILE_FILES, "{summary}");
    for row in &rows {
        assert_eq!(row.replace("\\|", "").matches('|').count(), 5, "{row}");
    }
    let markdown = rows.iter().find(|r| r.contains("img")).unwrap();
    // In a code span whose fence outlasts the name's own backticks.
    assert!(markdown.contains("``` a\\|b`c``<img"), "{markdown}");
    assert!(summary.lines().all(|l| !l.starts_with("| forged")));
}

// ---- Also fix: layout and wording ---------------------------------------

#[test]
fn gutter_widens_for_seven_digit_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut long = "\n".repeat(1_234_566);
    long.push_str(&format!("token = \"{GITHUB_TOKEN}\"\n"));
    write(dir.path(), "a_long.txt", &long);
    write(
        dir.path(),
        "b_short.py",
        &format!("token = \"{GITHUB_TOKEN}\"\n"),
    );
    let output = common::run_in(dir.path(), &["scan", ".", "--color", "never"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    let gutters: Vec<&str> = text.lines().filter(|l| l.contains(" | token")).collect();
    assert_eq!(
        gutters,
        [
            "    1234567 | token = \"ghp_FAKE…\"",
            "          1 | token = \"ghp_FAKE…\"",
        ],
        "{text}"
    );
}

#[test]
fn a_baseline_suppression_reads_suppressed_by_baseline() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", &format!("token = \"{GITHUB_TOKEN}\"\n"));
    let made = common::run_in(dir.path(), &["baseline", "a.py", "-o", "base.json"]);
    assert_eq!(code(&made), 0, "{}", stderr(&made));
    let output = common::run_in(
        dir.path(),
        &[
            "scan",
            "a.py",
            "--baseline",
            "base.json",
            "--show-suppressed",
        ],
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("    suppressed by baseline base.json\n"),
        "{text}"
    );
    assert!(!text.contains("by in baseline"), "{text}");
}

#[test]
fn rules_check_says_one_rule_not_one_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rules = common::repo_root().join("tests/data/acme-rules.toml");
    let text = std::fs::read_to_string(rules).unwrap();
    assert_eq!(text.matches("[[rule]]").count(), 1, "fixture has one rule");
    write(dir.path(), "one.toml", &text);
    let output = common::run_in(dir.path(), &["rules", "check", "one.toml"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "1 rule OK\n");
}
