//! `keylint hook install / uninstall` and the hooks they write, driven by
//! real `git commit` / `git push` in temp repositories; `scan --staged` and
//! `history --pre-push` never pass silently.

mod common;
mod gitrepo;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{code, keylint, stderr};
use gitrepo::*;

/// git with the test identity and no user config, not panicking on failure.
fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Tester")
        .env("GIT_AUTHOR_EMAIL", "tester@example.com")
        .env("GIT_COMMITTER_NAME", "Tester")
        .env("GIT_COMMITTER_EMAIL", "tester@example.com")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("PRE_COMMIT")
        .stdin(Stdio::null())
        .output()
        .expect("run git")
}

fn hook(dir: &Path, args: &[&str]) -> Output {
    keylint()
        .current_dir(dir)
        .arg("hook")
        .args(args)
        .output()
        .expect("run keylint")
}

fn both(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn committed(repo: &Repo) -> usize {
    let out = git(&repo.path, &["rev-list", "--count", "HEAD"]);
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

fn base_repo() -> Repo {
    let mut repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit("Alice", "first");
    repo
}

#[test]
fn pre_commit_hook_blocks_a_staged_key_and_passes_clean_and_allowed_commits() {
    let repo = base_repo();
    let output = hook(&repo.path, &["install"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let hook_path = repo.path.join(".git/hooks/pre-commit");
    let script = std::fs::read_to_string(&hook_path).unwrap();
    assert!(script.contains("keylint-managed-hook") && script.contains("scan --staged"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&hook_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "executable");
    }

    repo.write("config.env", &format!("OPENAI_API_KEY={KEY_A}\n"));
    git(&repo.path, &["add", "config.env"]);
    let blocked = git(&repo.path, &["commit", "-m", "add key"]);
    assert!(!blocked.status.success(), "commit went through");
    let text = both(&blocked);
    assert!(text.contains("openai-project-key"), "{text}");
    assert!(text.contains("git restore --staged config.env"), "{text}");
    assert!(!text.contains(KEY_A), "the hook leaked the key: {text}");
    assert_eq!(committed(&repo), 1);

    // Allowed on its line: passes.
    repo.write(
        "config.env",
        &format!("OPENAI_API_KEY={KEY_A} # keylint:allow test fixture\n"),
    );
    git(&repo.path, &["add", "config.env"]);
    let allowed = git(&repo.path, &["commit", "-m", "allowed"]);
    assert!(allowed.status.success(), "{}", both(&allowed));

    // Clean: passes.
    repo.write("app.py", "import os\nKEY = os.environ['OPENAI_API_KEY']\n");
    git(&repo.path, &["add", "app.py"]);
    let clean = git(&repo.path, &["commit", "-m", "clean"]);
    assert!(clean.status.success(), "{}", both(&clean));
    assert_eq!(committed(&repo), 3);
}

#[test]
fn a_hook_whose_keylint_is_gone_fails_the_commit() {
    let repo = base_repo();
    assert_eq!(code(&hook(&repo.path, &["install"])), 0);
    let hook_path = repo.path.join(".git/hooks/pre-commit");
    let script = std::fs::read_to_string(&hook_path).unwrap();
    let script = script
        .lines()
        .map(|l| {
            if l.starts_with("keylint=") {
                "keylint=/nonexistent/keylint".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&hook_path, script).unwrap();
    repo.write("a.txt", "x\n");
    git(&repo.path, &["add", "a.txt"]);
    let output = Command::new("git")
        .current_dir(&repo.path)
        .args(["commit", "-m", "x"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "T")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "T")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    if Path::new("/usr/bin/keylint").exists() || Path::new("/bin/keylint").exists() {
        return; // a system-wide keylint would (rightly) run instead
    }
    assert!(!output.status.success(), "commit passed without a scan");
}

#[test]
fn a_foreign_hook_is_kept_unless_force_and_uninstall_restores_it() {
    let repo = base_repo();
    let hook_path = repo.path.join(".git/hooks/pre-commit");
    let foreign = "#!/bin/sh\necho my own hook\n";
    std::fs::create_dir_all(hook_path.parent().unwrap()).unwrap();
    std::fs::write(&hook_path, foreign).unwrap();

    let refused = hook(&repo.path, &["install"]);
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("not written by keylint"));
    assert_eq!(std::fs::read_to_string(&hook_path).unwrap(), foreign);

    // Uninstall never removes a hook that isn't keylint's.
    let refused = hook(&repo.path, &["uninstall"]);
    assert_eq!(code(&refused), 2);
    assert_eq!(std::fs::read_to_string(&hook_path).unwrap(), foreign);

    let forced = hook(&repo.path, &["install", "--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert!(
        stderr(&forced).contains("keylint-backup"),
        "{}",
        stderr(&forced)
    );
    assert!(
        std::fs::read_to_string(&hook_path)
            .unwrap()
            .contains("keylint-managed-hook")
    );
    let backup = repo.path.join(".git/hooks/pre-commit.keylint-backup");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), foreign);

    // Installing again over keylint's own hook needs no --force.
    assert_eq!(code(&hook(&repo.path, &["install"])), 0);

    let removed = hook(&repo.path, &["uninstall"]);
    assert_eq!(code(&removed), 0, "{}", stderr(&removed));
    assert_eq!(std::fs::read_to_string(&hook_path).unwrap(), foreign);
    assert!(!backup.exists());

    // Nothing of keylint's left: uninstall says so, still refuses the foreign one.
    std::fs::remove_file(&hook_path).unwrap();
    let nothing = hook(&repo.path, &["uninstall"]);
    assert_eq!(code(&nothing), 0);
    assert!(stderr(&nothing).contains("nothing to remove"));
}

#[test]
fn the_framework_hook_is_named_in_the_refusal() {
    let repo = base_repo();
    let hook_path = repo.path.join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook_path.parent().unwrap()).unwrap();
    std::fs::write(
        &hook_path,
        "#!/usr/bin/env bash\n# File generated by pre-commit: https://pre-commit.com\n",
    )
    .unwrap();
    let refused = hook(&repo.path, &["install"]);
    assert_eq!(code(&refused), 2);
    assert!(
        stderr(&refused).contains(".pre-commit-config.yaml"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn core_hooks_path_and_linked_worktrees_are_honoured() {
    let repo = base_repo();
    git(&repo.path, &["config", "core.hooksPath", "tools/githooks"]);
    // From a subdirectory: the relative hooksPath is the work tree root's.
    std::fs::create_dir_all(repo.path.join("src/deep")).unwrap();
    let output = hook(&repo.path.join("src/deep"), &["install"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(repo.path.join("tools/githooks/pre-commit").exists());
    assert!(!repo.path.join(".git/hooks/pre-commit").exists());
    git(&repo.path, &["config", "--unset", "core.hooksPath"]);

    // A linked worktree shares the main repository's hooks directory.
    let linked: PathBuf = repo.sibling("linked");
    let added = git(
        &repo.path,
        &[
            "worktree",
            "add",
            "-q",
            linked.to_str().unwrap(),
            "-b",
            "side",
        ],
    );
    assert!(added.status.success(), "{}", both(&added));
    let output = hook(&linked, &["install", "--pre-push"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(repo.path.join(".git/hooks/pre-push").exists());
    // ...and the hook works from there.
    assert_eq!(code(&hook(&linked, &["install"])), 0);
    std::fs::write(linked.join("k.env"), format!("TOKEN={GITHUB_TOKEN}\n")).unwrap();
    git(&linked, &["add", "k.env"]);
    let blocked = git(&linked, &["commit", "-m", "k"]);
    assert!(!blocked.status.success(), "{}", both(&blocked));
    assert!(both(&blocked).contains("github-classic-token"));
}

/// A repository with a bare `origin` it has pushed `main` to.
fn repo_with_remote() -> Repo {
    let repo = base_repo();
    let remote = repo.sibling("origin.git");
    let init = git(
        repo.path.parent().unwrap(),
        &["init", "-q", "--bare", remote.to_str().unwrap()],
    );
    assert!(init.status.success());
    git(
        &repo.path,
        &["remote", "add", "origin", remote.to_str().unwrap()],
    );
    let push = git(&repo.path, &["push", "-q", "origin", "main"]);
    assert!(push.status.success(), "{}", both(&push));
    repo
}

#[test]
fn pre_push_hook_scans_only_what_the_push_adds() {
    let repo = repo_with_remote();
    // A secret already on the remote (pushed before the hook existed).
    repo.write("old.env", &format!("OPENAI_API_KEY={KEY_B}\n"));
    git(&repo.path, &["add", "old.env"]);
    git(
        &repo.path,
        &["commit", "-q", "--no-verify", "-m", "old secret"],
    );
    assert!(
        git(&repo.path, &["push", "-q", "origin", "main"])
            .status
            .success()
    );

    let output = hook(&repo.path, &["install", "--pre-push"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));

    // A clean commit on top: the old secret is not the push's.
    repo.write("a.py", "x = 1\n");
    git(&repo.path, &["add", "a.py"]);
    git(&repo.path, &["commit", "-q", "-m", "clean"]);
    let push = git(&repo.path, &["push", "origin", "main"]);
    assert!(push.status.success(), "{}", both(&push));

    // A new secret: blocked.
    repo.write("new.env", &format!("AWS_ACCESS_KEY_ID={AWS_KEY}\n"));
    git(&repo.path, &["add", "new.env"]);
    git(&repo.path, &["commit", "-q", "-m", "new secret"]);
    let push = git(&repo.path, &["push", "origin", "main"]);
    assert!(!push.status.success(), "push with a secret went through");
    let text = both(&push);
    assert!(
        text.contains("aws-access-key-id") && text.contains("new.env"),
        "{text}"
    );
    assert!(!text.contains("old.env"), "{text}");

    // A new branch holding that commit: blocked too (not on any remote).
    let push = git(&repo.path, &["push", "origin", "main:refs/heads/feature"]);
    assert!(!push.status.success(), "{}", both(&push));

    // Drop the commit; a new branch with only clean work passes.
    git(&repo.path, &["reset", "-q", "--hard", "HEAD~1"]);
    git(&repo.path, &["checkout", "-q", "-b", "topic"]);
    repo.write("b.py", "y = 2\n");
    git(&repo.path, &["add", "b.py"]);
    git(&repo.path, &["commit", "-q", "-m", "topic work"]);
    let push = git(&repo.path, &["push", "origin", "topic"]);
    assert!(push.status.success(), "{}", both(&push));

    // Deleting a remote branch scans nothing and says so.
    let push = git(&repo.path, &["push", "origin", ":topic"]);
    assert!(push.status.success(), "{}", both(&push));
    assert!(both(&push).contains("nothing to scan"), "{}", both(&push));
}

#[test]
fn pre_push_reads_git_lines_and_pre_commit_variables() {
    let mut repo = repo_with_remote();
    let base = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    repo.write("k.env", &format!("TOKEN={GITHUB_TOKEN}\n"));
    let tip = repo.commit("Bob", "secret");
    let zero = "0".repeat(40);
    let run = |stdin: &str, envs: &[(&str, &str)]| {
        let mut command = keylint();
        command
            .current_dir(&repo.path)
            .args([
                "history",
                "--pre-push",
                "--remote",
                "origin",
                "--format",
                "json",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("PRE_COMMIT");
        for (k, v) in envs {
            command.env(k, v);
        }
        let mut child = command.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    // Existing branch: base..tip.
    let out = run(
        &format!("refs/heads/main {tip} refs/heads/main {base}\n"),
        &[],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // New branch: not on origin's refs.
    let out = run(
        &format!("refs/heads/main {tip} refs/heads/new {zero}\n"),
        &[],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // Pushing what the remote already has: nothing to scan, and it says so.
    let out = run(
        &format!("refs/heads/main {base} refs/heads/main {base}\n"),
        &[],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing to scan"), "{}", stderr(&out));
    // Only deletions: nothing to scan.
    let out = run(&format!("(delete) {zero} refs/heads/old {base}\n"), &[]);
    assert_eq!(code(&out), 0);
    assert!(stderr(&out).contains("nothing to scan"), "{}", stderr(&out));
    // Garbage on stdin is an error, not a pass.
    let out = run("what is this\n", &[]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    // The pre-commit framework's variables.
    let out = run(
        "",
        &[
            ("PRE_COMMIT", "1"),
            ("PRE_COMMIT_FROM_REF", &base),
            ("PRE_COMMIT_TO_REF", &tip),
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let out = run(
        "",
        &[
            ("PRE_COMMIT", "1"),
            ("PRE_COMMIT_FROM_REF", &tip),
            ("PRE_COMMIT_TO_REF", &tip),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn staged_scan_of_nothing_says_so_and_an_unreadable_repo_exits_2() {
    let repo = base_repo();
    let output = keylint()
        .current_dir(&repo.path)
        .args(["scan", "--staged"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 0);
    assert!(
        stderr(&output).contains("nothing staged"),
        "{}",
        stderr(&output)
    );

    // Not a repository.
    let dir = tempfile::tempdir().unwrap();
    let output = keylint()
        .current_dir(dir.path())
        .args(["scan", "--staged"])
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not a git repository"),
        "{}",
        stderr(&output)
    );

    // A repository whose index is corrupt.
    repo.write("a.txt", "a\n");
    git(&repo.path, &["add", "a.txt"]);
    std::fs::write(repo.path.join(".git/index"), b"DIRC garbage").unwrap();
    let output = keylint()
        .current_dir(&repo.path)
        .args(["scan", "--staged"])
        .output()
        .unwrap();
    assert_eq!(code(&output), 2, "{}", stderr(&output));
}
