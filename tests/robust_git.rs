//! Broken and hostile repositories (issue #12): missing, corrupt and
//! truncated objects in `keylint history`, hidden commits (grafts, replace
//! refs), corrupt and split indexes in `scan --staged`, and never running a
//! program the scanned repository names.  Fixtures are built with the git
//! CLI; keylint itself never runs git.

mod common;
mod gitrepo;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{code, json, keylint, stderr};
use gitrepo::*;
use serde_json::Value;

fn history(dir: &Path) -> Output {
    keylint()
        .args(["history", "--format", "json"])
        .arg(dir)
        .output()
        .expect("run keylint")
}

fn staged(dir: &Path) -> Output {
    keylint()
        .current_dir(dir)
        .env_remove("GIT_INDEX_FILE")
        .args(["scan", "--staged", "--format", "json"])
        .output()
        .expect("run keylint")
}

/// Redacted secrets keep their first characters: enough to tell keys apart.
fn has_key(report: &Value, key: &str) -> bool {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| key.starts_with(f["secret"].as_str().unwrap().trim_end_matches('…')))
}

fn loose_object(repo: &Repo, oid: &str) -> PathBuf {
    repo.path
        .join(".git/objects")
        .join(&oid[..2])
        .join(&oid[2..])
}

fn remove_loose(repo: &Repo, oid: &str) {
    std::fs::remove_file(loose_object(repo, oid)).expect("a loose object");
}

/// Three commits, each adding one key file; the root's file is deleted by
/// the second commit, so its key lives only in the root commit's tree.
/// Returns the repository and the commit ids, oldest first.
fn three_commits() -> (Repo, [String; 3]) {
    let mut repo = Repo::new();
    repo.write("root.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    let root = repo.commit("Alice", "root");
    std::fs::remove_file(repo.path.join("root.env")).unwrap();
    repo.write("middle.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
    let middle = repo.commit("Alice", "middle");
    repo.write("top.env", &format!("OPENAI_API_KEY={KEY_C}\n"));
    let top = repo.commit("Alice", "top");
    (repo, [root, middle, top])
}

fn assert_warns(output: &Output, parts: &[&str]) {
    let text = stderr(output);
    let line = text
        .lines()
        .find(|line| parts.iter().all(|p| line.contains(p)));
    assert!(line.is_some(), "no warning with all of {parts:?}:\n{text}");
}

#[test]
fn a_missing_root_commit_is_named_and_the_rest_is_scanned() {
    let (repo, [root, middle, _]) = three_commits();
    remove_loose(&repo, &root);
    let output = history(&repo.path);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_warns(&output, &[&root, &format!("parent of commit {middle}")]);
    let report = json(&output);
    assert!(
        has_key(&report, KEY_B) && has_key(&report, KEY_C),
        "{report:#}"
    );
    assert!(!has_key(&report, KEY_A), "only in the unreadable commit");
}

#[test]
fn a_missing_middle_commit_is_named_and_both_sides_are_scanned() {
    let (repo, [root, middle, top]) = three_commits();
    // The root stays reachable through a tag.
    repo.git(&["tag", "v1", &root]);
    remove_loose(&repo, &middle);
    let output = history(&repo.path);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_warns(&output, &[&middle, &format!("parent of commit {top}")]);
    let report = json(&output);
    for key in [KEY_A, KEY_B, KEY_C] {
        assert!(has_key(&report, key), "{key}: {report:#}");
    }
}

#[test]
fn a_corrupt_commit_object_is_named_and_the_rest_is_scanned() {
    let (repo, [_, middle, top]) = three_commits();
    let path = loose_object(&repo, &middle);
    std::fs::remove_file(&path).unwrap();
    std::fs::write(&path, b"this is not a zlib stream at all").unwrap();
    let output = history(&repo.path);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_warns(&output, &[&middle, &format!("parent of commit {top}")]);
    let report = json(&output);
    assert!(
        has_key(&report, KEY_B) && has_key(&report, KEY_C),
        "{report:#}"
    );
}

#[test]
fn a_ref_to_a_missing_object_is_named_and_the_rest_is_scanned() {
    let (repo, _) = three_commits();
    let ghost = "0123456789abcdef0123456789abcdef01234567";
    std::fs::write(
        repo.path.join(".git/refs/heads/ghost"),
        format!("{ghost}\n"),
    )
    .unwrap();
    let output = history(&repo.path);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_warns(&output, &[ghost, "refs/heads/ghost"]);
    let report = json(&output);
    for key in [KEY_A, KEY_B, KEY_C] {
        assert!(has_key(&report, key), "{key}: {report:#}");
    }
}

fn truncate_packs(repo: &Repo) {
    let pack_dir = repo.path.join(".git/objects/pack");
    let mut truncated = 0;
    for entry in std::fs::read_dir(&pack_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pack") {
            let len = std::fs::metadata(&path).unwrap().len();
            let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            file.set_len(len / 2).unwrap();
            truncated += 1;
        }
    }
    assert!(truncated > 0, "git gc wrote no pack");
}

#[test]
fn a_truncated_pack_is_named_and_the_loose_commits_are_scanned() {
    let (mut repo, [_, _, top]) = three_commits();
    repo.git(&["gc", "--quiet"]);
    repo.write("new.env", &format!("OPENAI_API_KEY={KEY_D}\n"));
    let newest = repo.commit("Alice", "after gc");
    truncate_packs(&repo);
    let output = history(&repo.path);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_warns(&output, &[&top, &format!("parent of commit {newest}")]);
    assert!(has_key(&json(&output), KEY_D));
}

#[test]
fn a_history_with_nothing_readable_exits_2_naming_the_objects() {
    let (repo, [_, _, top]) = three_commits();
    repo.git(&["gc", "--quiet"]);
    truncate_packs(&repo);
    let output = history(&repo.path);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains(&top) && text.contains("refs/heads/main"),
        "{text}"
    );
    assert!(!text.contains("no secrets found"), "{text}");
    assert!(
        output.stdout.is_empty(),
        "no report: {}",
        common::stdout(&output)
    );
}

#[test]
fn grafts_that_hide_commits_are_a_warning() {
    let (repo, [_, _, top]) = three_commits();
    // For git, `top` now has no parents: the root and middle are hidden.
    std::fs::create_dir_all(repo.path.join(".git/info")).unwrap();
    std::fs::write(repo.path.join(".git/info/grafts"), format!("{top}\n")).unwrap();
    let output = history(&repo.path);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_warns(&output, &["info/grafts", "hidden commits are scanned"]);
    // keylint walks the parents recorded in the commits: nothing is hidden.
    let report = json(&output);
    for key in [KEY_A, KEY_B, KEY_C] {
        assert!(has_key(&report, key), "{key}: {report:#}");
    }
}

#[test]
fn replace_refs_that_hide_commits_are_a_warning() {
    let (repo, [root, middle, _]) = three_commits();
    // git now shows the root in place of the middle commit.
    repo.git(&["replace", &middle, &root]);
    let output = history(&repo.path);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_warns(&output, &[&format!("refs/replace/{middle}")]);
    // keylint reads the objects themselves: the replaced commit is scanned.
    assert!(has_key(&json(&output), KEY_B));
}

/// A repository with one commit and a staged key file.
fn staged_key() -> Repo {
    let mut repo = Repo::new();
    repo.write("app.py", "x = 1\n");
    repo.commit("Alice", "first");
    repo.write("k.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
    repo.git(&["add", "k.env"]);
    repo
}

/// Overwrite the index's entry count (bytes 8..12), optionally keeping the
/// trailing SHA-1 valid so that a reader that checks it goes on parsing.
fn set_index_count(repo: &Repo, count: u32, fix_checksum: bool) {
    let path = repo.path.join(".git/index");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8..12].copy_from_slice(&count.to_be_bytes());
    if fix_checksum {
        let body = bytes.len() - 20;
        let fixed = sha1_of(&bytes[..body]);
        bytes[body..].copy_from_slice(&fixed);
    }
    std::fs::write(&path, bytes).unwrap();
}

fn sha1_of(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .args([
            "-c",
            "import hashlib,sys; sys.stdout.buffer.write(hashlib.sha1(sys.stdin.buffer.read()).digest())",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    child.stdin.take().unwrap().write_all(data).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.stdout.len(), 20);
    output.stdout
}

#[test]
fn an_index_with_an_impossible_entry_count_exits_2_as_corrupt() {
    for fix_checksum in [false, true] {
        let repo = staged_key();
        set_index_count(&repo, u32::MAX, fix_checksum);
        let output = staged(&repo.path);
        assert_eq!(code(&output), 2, "{}", stderr(&output));
        let text = stderr(&output);
        assert!(
            text.contains("corrupt index") && text.contains(".git/index"),
            "{text}"
        );
    }
}

/// `core.fsmonitor` names a program git runs whenever it reads the index;
/// keylint must never run it, nor anything else.
fn install_fsmonitor_trap(repo: &Repo) -> PathBuf {
    let marker = repo.sibling("fsmonitor-ran");
    let script = repo.sibling("fsmonitor.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch '{}'\nexit 1\n", marker.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    repo.git(&["config", "core.fsmonitor", script.to_str().unwrap()]);
    let _ = std::fs::remove_file(&marker);
    marker
}

#[test]
fn a_split_index_is_read_without_running_anything() {
    let mut repo = Repo::new();
    repo.write("app.py", &format!("import os\nKEY = \"{KEY_A}\"\nx = 1\n"));
    repo.write("gone.py", "z = 1\n");
    repo.write("same.py", "y = 1\n");
    repo.commit("Alice", "first");
    repo.git(&["update-index", "--split-index"]);
    // An added file, a replaced entry (modified file) and a deleted entry.
    repo.write("new/k.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
    repo.write(
        "app.py",
        &format!("import os\nKEY = \"{KEY_A}\"\nt = \"{KEY_C}\"\n"),
    );
    repo.git(&["add", "new/k.env", "app.py"]);
    repo.git(&["rm", "--quiet", "--cached", "gone.py"]);
    let shared = std::fs::read_dir(repo.path.join(".git")).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("sharedindex.")
    });
    assert!(shared, "git wrote no shared index");
    let marker = install_fsmonitor_trap(&repo);

    let output = staged(&repo.path);
    assert!(!marker.exists(), "keylint ran core.fsmonitor");
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    assert!(
        has_key(&report, KEY_B) && has_key(&report, KEY_C),
        "{report:#}"
    );
    assert!(!has_key(&report, KEY_A), "an old line: {report:#}");
    assert_eq!(report["summary"]["files_scanned"], 2, "{report:#}");
}

#[test]
fn before_the_first_commit_the_advice_works_there() {
    let repo = Repo::new();
    let output = staged(&repo.path);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stderr(&output);
    assert!(!text.contains("differs from HEAD"), "{text}");
    assert!(text.contains("no commit yet"), "{text}");

    repo.write("k.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    repo.git(&["add", "k.env"]);
    let output = staged(&repo.path);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("git rm --cached k.env"), "{text}");
    assert!(!text.contains("git restore --staged"), "{text}");
}

#[test]
fn a_sparse_index_is_an_error_that_says_so() {
    let mut repo = Repo::new();
    repo.write("a/x.py", "x = 1\n");
    repo.write("b/y.py", "y = 1\n");
    repo.commit("Alice", "first");
    repo.git(&["sparse-checkout", "set", "--cone", "--sparse-index", "a"]);
    repo.write("a/k.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
    repo.git(&["add", "a/k.env"]);
    let output = staged(&repo.path);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("sparse index"),
        "{}",
        stderr(&output)
    );
}
