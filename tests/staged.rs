//! `keylint scan --staged`: what the index holds, not the working tree, and
//! only the lines the commit adds or changes.

mod common;
mod gitrepo;

use std::path::Path;
use std::process::Output;

use common::{code, json, keylint, stderr};
use gitrepo::*;

fn staged(dir: &Path, args: &[&str]) -> Output {
    keylint()
        .current_dir(dir)
        .env_remove("GIT_INDEX_FILE")
        .args(["scan", "--staged", "--format", "json"])
        .args(args)
        .output()
        .expect("run keylint")
}

fn finding_count(output: &Output) -> usize {
    json(output)["findings"].as_array().expect("findings").len()
}

/// A repository with one committed file, `app.py`, holding `KEY_A` on line 2.
fn repo_with_old_secret() -> Repo {
    let mut repo = Repo::new();
    repo.write("app.py", &format!("import os\nKEY = \"{KEY_A}\"\nx = 1\n"));
    repo.write("other.py", "y = 1\n");
    repo.commit("Alice", "old");
    repo
}

#[test]
fn a_staged_secret_fails_with_how_to_unstage_it() {
    let repo = repo_with_old_secret();
    repo.write("deploy/.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
    repo.git(&["add", "deploy/.env"]);
    let output = staged(&repo.path, &[]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert_eq!(report["findings"][0]["path"], "deploy/.env");
    assert!(
        stderr(&output).contains("git restore --staged deploy/.env"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_secret_only_in_the_working_tree_does_not_fail() {
    let repo = repo_with_old_secret();
    // Staged: a clean edit. Working tree (not staged): a key on top of it.
    repo.write("other.py", "y = 2\n");
    repo.git(&["add", "other.py"]);
    repo.write("other.py", &format!("y = 2\ntoken = \"{KEY_B}\"\n"));
    repo.write("untracked.env", &format!("OPENAI_API_KEY={KEY_C}\n"));
    let output = staged(&repo.path, &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(finding_count(&output), 0);
    assert_eq!(json(&output)["summary"]["files_scanned"], 1);
}

#[test]
fn an_old_secret_on_an_untouched_line_does_not_fail_unless_whole_files() {
    let repo = repo_with_old_secret();
    repo.write("app.py", &format!("import os\nKEY = \"{KEY_A}\"\nx = 2\n"));
    repo.git(&["add", "app.py"]);
    let output = staged(&repo.path, &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(finding_count(&output), 0);

    let whole = staged(&repo.path, &["--whole-files"]);
    assert_eq!(code(&whole), 1, "{}", stderr(&whole));
    assert_eq!(finding_count(&whole), 1);

    // A changed line holding a secret does count, in the same file.
    repo.write(
        "app.py",
        &format!("import os\nKEY = \"{KEY_A}\"\nx = 2\nOTHER = \"{KEY_B}\"\n"),
    );
    repo.git(&["add", "app.py"]);
    let output = staged(&repo.path, &[]);
    assert_eq!(code(&output), 1);
    let report = json(&output);
    assert_eq!(report["findings"].as_array().unwrap().len(), 1);
    assert_eq!(report["findings"][0]["line"], 4);
}

#[test]
fn a_renamed_file_does_not_count_as_new_lines() {
    let repo = repo_with_old_secret();
    repo.git(&["mv", "app.py", "main.py"]);
    let output = staged(&repo.path, &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
}

#[test]
fn the_first_commit_is_all_new() {
    let repo = Repo::new();
    repo.write("k.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    repo.git(&["add", "k.env"]);
    let output = staged(&repo.path, &[]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(finding_count(&output), 1);
}

#[test]
fn staged_from_a_subdirectory_and_outside_a_repository() {
    let repo = repo_with_old_secret();
    repo.write("sub/dir/k.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
    repo.git(&["add", "sub"]);
    let output = staged(&repo.path.join("sub/dir"), &[]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(json(&output)["findings"][0]["path"], "sub/dir/k.env");

    let dir = tempfile::tempdir().unwrap();
    let outside = staged(dir.path(), &[]);
    assert_eq!(code(&outside), 2);
    assert!(stderr(&outside).contains("not a git repository"));
}

/// The index formats git writes: v2, v3 (extended flags, from `add -N`),
/// v4 (prefix-compressed paths), and a split index (read through libgit2).
#[test]
fn every_index_format_gives_the_same_answer() {
    for setup in [
        &[][..],
        &["update-index", "--index-version", "4"][..],
        &["update-index", "--split-index"][..],
    ] {
        let repo = repo_with_old_secret();
        if !setup.is_empty() {
            repo.git(setup);
        }
        repo.write("placeholder.py", "later\n");
        repo.git(&["add", "-N", "placeholder.py"]);
        repo.write("deep/er/path/k.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
        repo.write("app.py", &format!("import os\nKEY = \"{KEY_A}\"\nx = 3\n"));
        repo.git(&["add", "deep", "app.py"]);
        let output = staged(&repo.path, &[]);
        assert_eq!(code(&output), 1, "{setup:?}: {}", stderr(&output));
        let report = json(&output);
        let findings = report["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{setup:?}: {report:#}");
        assert_eq!(findings[0]["path"], "deep/er/path/k.env");
        assert_eq!(report["summary"]["files_scanned"], 2, "{setup:?}");
    }
}

#[test]
fn a_hook_index_from_git_index_file_is_honoured() {
    let repo = repo_with_old_secret();
    let temporary = repo.path.join(".git/other-index");
    repo.write("k.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
    std::fs::copy(repo.path.join(".git/index"), &temporary).unwrap();
    let added = std::process::Command::new("git")
        .current_dir(&repo.path)
        .env("GIT_INDEX_FILE", &temporary)
        .args(["add", "k.env"])
        .status()
        .unwrap();
    assert!(added.success());
    let plain = staged(&repo.path, &[]);
    assert_eq!(code(&plain), 0, "{}", stderr(&plain));
    let hooked = keylint()
        .current_dir(&repo.path)
        .env("GIT_INDEX_FILE", &temporary)
        .args(["scan", "--staged", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&hooked), 1, "{}", stderr(&hooked));
}

#[test]
fn an_allow_marker_on_an_added_line_suppresses_the_staged_secret() {
    let repo = repo_with_old_secret();
    repo.write(
        "app.py",
        &format!("import os\nKEY = \"{KEY_A}\"\nx = 1\nDEMO = \"{KEY_B}\"  # keylint:allow\n"),
    );
    repo.git(&["add", "app.py"]);
    let output = staged(&repo.path, &["--report-unused"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // The marker guards the new secret; the old, untouched line 2 is not
    // looked at, so nothing is reported unused either.
    let report = json(&output);
    let unused = report["unused_suppressions"].as_array().map_or(0, Vec::len);
    assert_eq!(unused, 0, "{report:#}");
}
