//! `keylint history`: real repositories built with the git CLI, scanned by
//! the real binary.

mod common;
mod gitrepo;

use std::path::Path;

use common::{assert_valid_sarif, code, json, keylint, stderr};
use gitrepo::*;
use serde_json::Value;

fn history(dir: &Path, args: &[&str]) -> std::process::Output {
    keylint()
        .arg("history")
        .args(args)
        .arg(dir)
        .output()
        .expect("run keylint")
}

fn history_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    json(&history(dir, &all))
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings")
}

/// Redacted secrets keep their first characters: enough to tell keys apart.
fn has_key(report: &Value, key: &str) -> bool {
    findings(report)
        .iter()
        .any(|f| key.starts_with(f["secret"].as_str().unwrap().trim_end_matches('…')))
}

#[test]
fn deleted_key_is_found_at_the_commit_that_added_it() {
    let mut repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("Alice", "first");
    repo.write("config/.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    let added = repo.commit("Bob", "add config");
    std::fs::remove_file(repo.path.join("config/.env")).unwrap();
    repo.commit("Alice", "remove the key");

    let output = history(&repo.path, &["--format", "json"]);
    assert_eq!(code(&output), 1, "stderr: {}", stderr(&output));
    let report = json(&output);
    let list = findings(&report);
    assert_eq!(list.len(), 1, "{report:#}");
    let finding = &list[0];
    assert_eq!(finding["path"], "config/.env");
    assert_eq!(finding["line"], 1);
    assert_eq!(finding["column"], 16);
    assert_eq!(finding["commit"], added.as_str());
    assert_eq!(finding["author_name"], "Bob");
    assert_eq!(finding["author_email"], "bob@example.com");
    assert_eq!(finding["date"], commit_date(2).as_str());
    assert_eq!(report["summary"]["commits_walked"], 3);
    assert!(
        !output
            .stdout
            .windows(KEY_A.len())
            .any(|w| w == KEY_A.as_bytes())
    );

    let human = history(&repo.path, &["--color", "never"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains(&format!("commit {} {}", &added[..10], commit_date(2))),
        "{text}"
    );
}

#[test]
fn a_blob_in_many_commits_and_paths_is_scanned_and_reported_once() {
    let mut repo = Repo::new();
    let content = format!("token = \"{KEY_B}\"\n");
    for path in ["a/settings.py", "b/copy.py", "c/d/again.py"] {
        repo.write(path, &content);
    }
    for n in 0..50 {
        repo.write("counter.txt", &format!("{n}\n"));
        repo.commit("Carol", &format!("commit {n}"));
    }
    let report = history_json(&repo.path, &["--all-occurrences"]);
    let summary = &report["summary"];
    assert_eq!(summary["commits_walked"], 50);
    // The key blob once, plus the 50 versions of counter.txt.
    assert_eq!(summary["blobs_scanned"], 51, "{summary:#}");
    let list = findings(&report);
    assert_eq!(list.len(), 1, "{report:#}");
    assert_eq!(list[0]["path"], "a/settings.py");
    // Every other (commit, path) holding the blob: 50 x 3 - 1.
    let occurrences = list[0]["occurrences"].as_array().expect("occurrences");
    assert_eq!(occurrences.len(), 149);
    assert!(occurrences.iter().any(|o| o["path"] == "c/d/again.py"));

    let plain = history_json(&repo.path, &[]);
    assert!(findings(&plain)[0].get("occurrences").is_none());
}

#[test]
fn a_key_kept_through_later_edits_is_reported_once_at_its_first_commit() {
    let mut repo = Repo::new();
    repo.write("app.py", &format!("KEY = \"{KEY_A}\"\nx = 0\n"));
    let first = repo.commit("Alice", "add");
    for n in 1..5 {
        repo.write("app.py", &format!("KEY = \"{KEY_A}\"\nx = {n}\n"));
        repo.commit("Alice", "edit");
    }
    let report = history_json(&repo.path, &[]);
    assert_eq!(report["summary"]["blobs_scanned"], 5);
    let list = findings(&report);
    assert_eq!(list.len(), 1, "{report:#}");
    assert_eq!(list[0]["commit"], first.as_str());
}

#[test]
fn since_and_range_scan_only_the_new_commits() {
    let mut repo = Repo::new();
    repo.write("old.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    repo.write("lib.py", "x = 1\n");
    repo.commit("Alice", "old");
    repo.git(&["tag", "base"]);
    repo.write("new.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
    repo.write("lib.py", "x = 2\n");
    let new = repo.commit("Bob", "new");

    for args in [["--since", "base"], ["--range", "base..main"]] {
        let report = history_json(&repo.path, &args);
        assert_eq!(report["summary"]["commits_walked"], 1, "{args:?}");
        // new.env and the new lib.py; nothing from the base snapshot.
        assert_eq!(report["summary"]["blobs_scanned"], 2, "{args:?}");
        let list = findings(&report);
        assert_eq!(list.len(), 1, "{args:?}: {report:#}");
        assert_eq!(list[0]["path"], "new.env");
        assert_eq!(list[0]["commit"], new.as_str());
    }
    let all = history_json(&repo.path, &[]);
    assert_eq!(findings(&all).len(), 2);

    let bad = history(&repo.path, &["--since", "no-such-rev"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("no-such-rev"), "{}", stderr(&bad));
}

#[test]
fn branch_only_tag_only_and_stashed_secrets_are_found() {
    let mut repo = Repo::new();
    repo.write("README.md", "main\n");
    repo.commit("Alice", "main");
    // A branch that is never merged.
    repo.git(&["checkout", "--quiet", "-b", "feature"]);
    repo.write("feature.env", &format!("OPENAI_API_KEY={KEY_C}\n"));
    repo.commit("Alice", "feature");
    // A commit reachable only from a tag.
    repo.git(&["checkout", "--quiet", "--detach", "main"]);
    repo.write("tagged.env", &format!("OPENAI_API_KEY={KEY_D}\n"));
    repo.commit("Alice", "tagged");
    repo.git(&["tag", "-a", "-m", "release", "only-tag"]);
    repo.git(&["checkout", "--quiet", "main"]);
    // A stash entry (and an older one below it).
    repo.write("README.md", &format!("aws = {AWS_KEY}\n"));
    repo.git(&["stash", "--quiet"]);
    repo.write("README.md", &format!("token = {KEY_E}\n"));
    repo.git(&["stash", "--quiet"]);

    let report = history_json(&repo.path, &[]);
    for key in [KEY_C, KEY_D, KEY_E, AWS_KEY] {
        assert!(has_key(&report, key), "{key} missing: {report:#}");
    }
    let main_only = history_json(&repo.path, &["--branch", "main"]);
    assert!(findings(&main_only).is_empty(), "{main_only:#}");
    let feature = history_json(&repo.path, &["--branch", "feature"]);
    assert!(has_key(&feature, KEY_C) && !has_key(&feature, KEY_D));
}

#[test]
fn bare_repositories_are_scanned() {
    let mut repo = Repo::new();
    repo.write("k.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    repo.commit("Alice", "key");
    let bare = repo.sibling("bare.git");
    gitrepo::git_in(
        repo.path.parent().unwrap(),
        &["clone", "--quiet", "--bare", "repo", "bare.git"],
        1,
    );
    let report = history_json(&bare, &[]);
    assert_eq!(findings(&report).len(), 1, "{report:#}");
}

#[test]
fn shallow_clone_warns_that_history_is_incomplete() {
    let mut repo = Repo::new();
    repo.write("old.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    repo.commit("Alice", "old");
    std::fs::remove_file(repo.path.join("old.env")).unwrap();
    repo.write("new.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
    repo.commit("Alice", "new");
    let url = format!("file://{}", repo.path.display());
    gitrepo::git_in(
        repo.path.parent().unwrap(),
        &["clone", "--quiet", "--depth", "1", &url, "shallow"],
        1,
    );
    let output = history(&repo.sibling("shallow"), &["--format", "json"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("shallow clone"),
        "{}",
        stderr(&output)
    );
    let report = json(&output);
    assert!(has_key(&report, KEY_B) && !has_key(&report, KEY_A));
    assert!(report["warnings"][0].as_str().unwrap().contains("shallow"));
}

#[test]
fn a_missing_object_is_a_warning_naming_it_and_the_scan_goes_on() {
    let mut repo = Repo::new();
    repo.write("lost.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    repo.write("kept.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
    let commit = repo.commit("Alice", "two keys");
    let blob = repo.git(&["rev-parse", "HEAD:lost.env"]).trim().to_string();
    let loose = repo
        .path
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    std::fs::remove_file(&loose).expect("the blob is a loose object");

    let output = history(&repo.path, &["--format", "json"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let warnings = stderr(&output);
    assert!(
        warnings.contains(&blob) && warnings.contains(&commit) && warnings.contains("lost.env"),
        "{warnings}"
    );
    let report = json(&output);
    assert!(has_key(&report, KEY_B));
    assert_eq!(report["summary"]["skipped_unreadable"], 1);
}

#[test]
fn submodules_and_lfs_pointers_are_skipped_and_said() {
    let mut repo = Repo::new();
    repo.write(
        "big.bin",
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    );
    repo.commit("Alice", "lfs");
    let sub = "1111111111111111111111111111111111111111";
    repo.git(&[
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{sub},vendor/lib"),
    ]);
    repo.git(&["commit", "--quiet", "-m", "submodule"]);
    let output = history(&repo.path, &["--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("submodule vendor/lib"),
        "{}",
        stderr(&output)
    );
    let report = json(&output);
    assert_eq!(report["summary"]["lfs_pointers_skipped"], 1);
}

#[test]
fn a_path_that_is_not_a_repository_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = history(dir.path(), &[]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("is not a git repository"),
        "{}",
        stderr(&output)
    );
    let missing = history(&dir.path().join("nope"), &[]);
    assert_eq!(code(&missing), 2);
}

#[test]
fn sarif_and_json_carry_commit_fields_and_validate() {
    let mut repo = Repo::new();
    repo.write(
        "src/deploy.sh",
        &format!("export GITHUB_TOKEN={GITHUB_TOKEN}\n"),
    );
    let commit = repo.commit("Dana", "deploy");

    let output = history(&repo.path, &["--format", "sarif"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let sarif = json(&output);
    assert_valid_sarif(&sarif);
    let result = &sarif["runs"][0]["results"][0];
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/deploy.sh");
    let properties = &result["properties"];
    assert_eq!(properties["commit"], commit.as_str());
    assert_eq!(properties["author_name"], "Dana");
    assert_eq!(properties["author_email"], "dana@example.com");
    assert_eq!(properties["date"], commit_date(1).as_str());

    let report = history_json(&repo.path, &[]);
    let finding = &findings(&report)[0];
    for field in ["commit", "author_name", "author_email", "date", "blob"] {
        assert!(finding[field].is_string(), "{field}: {finding:#}");
    }
    assert_eq!(report["summary"]["blobs_scanned"], 1);
}

#[test]
fn an_empty_repository_is_clean() {
    let repo = Repo::new();
    let output = history(&repo.path, &["--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(json(&output)["summary"]["commits_walked"], 0);
}

#[test]
fn linked_worktrees_are_scanned() {
    let mut repo = Repo::new();
    repo.write("k.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    repo.commit("Alice", "key");
    let linked = repo.sibling("linked");
    repo.git(&[
        "worktree",
        "add",
        "--quiet",
        "-b",
        "other",
        linked.to_str().unwrap(),
    ]);
    let report = history_json(&linked, &[]);
    assert_eq!(findings(&report).len(), 1, "{report:#}");
}

#[test]
fn forced_progress_goes_to_stderr_only() {
    let mut repo = Repo::new();
    repo.write("k.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    repo.commit("Alice", "key");
    let output = history(&repo.path, &["--progress", "--format", "json"]);
    assert_eq!(code(&output), 1);
    // Standard output stays pure JSON whatever the bar does.
    assert_eq!(findings(&json(&output)).len(), 1);
}
