//! Real git repositories for the history and staged tests, built in temp
//! dirs with the `git` CLI, with fixed identities and dates so commit
//! fields are predictable.  Keys are fake (fixtures/fakekey.py).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

pub const KEY_A: &str = "sk-proj-RUSXSjt3lXrFAKErY6ugT3BlbkFJAKPdWC1LSfLdCuT3bNJv";
pub const KEY_B: &str = "sk-proj-TdfgUcYj3f6AoFAKENcsT3BlbkFJamHI01oPi64tZPZnOEJD";
pub const KEY_C: &str = "sk-proj-FAKEXj4ubuOexx6wKixGT3BlbkFJfJuyiT2YRkgN1dbXDuyF";
pub const KEY_D: &str = "sk-proj-7rBmIVK8AFAKEUDZT8t9T3BlbkFJX0FhjT8vHyPQE4mx8XJv";
pub const KEY_E: &str = "sk-proj-VoS1iFAKEEWipINLo9tiT3BlbkFJgPQKrZMvCpBo6F04WTU6";
pub const AWS_KEY: &str = "AKIAQ4N2OFAKEI7CESOL";
pub const GITHUB_TOKEN: &str = "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";

pub struct Repo {
    _dir: TempDir,
    pub path: PathBuf,
    /// Commits made so far through `commit` (their dates count up from it).
    commits: u32,
}

impl Repo {
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("repo");
        std::fs::create_dir(&path).unwrap();
        let repo = Repo {
            _dir: dir,
            path,
            commits: 0,
        };
        repo.git(&["init", "--quiet", "-b", "main"]);
        repo
    }

    /// A directory beside the repository (same lifetime).
    pub fn sibling(&self, name: &str) -> PathBuf {
        self.path.parent().unwrap().join(name)
    }

    /// Run git in the repository; panics with its stderr on failure.
    pub fn git(&self, args: &[&str]) -> String {
        git_in(&self.path, args, self.commits)
    }

    pub fn write(&self, path: &str, content: &str) {
        let full = self.path.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }

    /// Stage everything and commit as `author`; returns the commit id.
    pub fn commit(&mut self, author: &str, message: &str) -> String {
        self.commits += 1;
        self.git(&["add", "-A"]);
        let email = format!("{}@example.com", author.to_lowercase());
        let author_arg = format!("{author} <{email}>");
        self.git(&[
            "commit",
            "--quiet",
            "--allow-empty",
            "-m",
            message,
            "--author",
            &author_arg,
        ]);
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }
}

/// The date of the n-th commit (RFC 3339): n hours after 2024-01-01 00:00 UTC.
pub fn commit_date(n: u32) -> String {
    assert!(n < 24 * 28);
    format!("2024-01-{:02}T{:02}:00:00+00:00", 1 + n / 24, n % 24)
}

/// The same date as git reads it.
fn raw_date(n: u32) -> String {
    format!("{} +0000", 1_704_067_200 + u64::from(n) * 3600)
}

pub fn git_in(dir: &Path, args: &[&str], commits: u32) -> String {
    let date = raw_date(commits.max(1));
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        // Tests run from a git hook must not act on the outer repository.
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Tester")
        .env("GIT_AUTHOR_EMAIL", "tester@example.com")
        .env("GIT_COMMITTER_NAME", "Tester")
        .env("GIT_COMMITTER_EMAIL", "tester@example.com")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
