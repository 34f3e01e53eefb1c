//! Issue #12, the working-tree source: files truncated or swapped during the
//! scan, FIFOs, devices, `/proc`, `--follow` and `--one-file-system`,
//! tracked files that `.gitignore` lists, UTF-16 text, and what a path named
//! on the command line that cannot be read does.  Through the real binary.
//!
//! `KEYLINT_TEST_BIN=/path/to/keylint cargo test --test robust_fs` runs these
//! against another build (to see an old one fail them).
#![cfg(target_os = "linux")]

mod common;
mod gitrepo;

use std::fs;
use std::os::unix::fs::symlink;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{finding_keys, json, stderr};
use serde_json::Value;

const USER_KEY: &str = "sk-irHiKqeCLTEFAKE8C5ttT3BlbkFJc6L9g8zbKR48lZ9STRTK";

fn bin() -> PathBuf {
    std::env::var_os("KEYLINT_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_keylint")))
}

fn keylint(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(bin());
    command
        .current_dir(dir)
        .args(args)
        .env_remove("GITHUB_STEP_SUMMARY");
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    keylint(dir, args).output().expect("run keylint")
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid C string; mkfifo only creates a file.
    let made = unsafe { libc::mkfifo(name.as_ptr(), 0o644) };
    assert_eq!(made, 0, "mkfifo {}", path.display());
}

/// How a run under a deadline ended.
struct Finished {
    code: i32,
    stdout: String,
    stderr: String,
    /// Peak resident memory of the keylint process, KiB.
    max_rss_kib: i64,
}

/// Run keylint, killing it if it is still running after `deadline`: the
/// test then fails, since keylint must end by itself.  The child is reaped
/// with `wait4` (which also gives its peak memory), not `Child::wait`.
#[allow(clippy::zombie_processes)]
fn run_with_deadline(dir: &Path, args: &[&str], deadline: Duration) -> Finished {
    let out = tempfile::NamedTempFile::new().unwrap();
    let err = tempfile::NamedTempFile::new().unwrap();
    let mut command = keylint(dir, args);
    // A read without bound must fail the test, not exhaust the machine.
    let limit = libc::rlimit {
        rlim_cur: 4 << 30,
        rlim_max: 4 << 30,
    };
    // SAFETY: setrlimit is async-signal-safe; nothing else runs in pre_exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, move || {
            if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let child = command
        .stdin(Stdio::null())
        .stdout(out.reopen().unwrap())
        .stderr(err.reopen().unwrap())
        .spawn()
        .expect("spawn keylint");
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: plain syscall on our own child; rusage is plain data.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(reaped >= 0, "wait4 failed");
        if reaped == pid {
            break (status, usage);
        }
        if started.elapsed() > deadline {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            unsafe { libc::waitpid(pid, &mut status, 0) };
            panic!(
                "keylint {args:?} still running after {deadline:?}: killed; stderr: {}",
                fs::read_to_string(err.path()).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = String::from_utf8_lossy(&fs::read(err.path()).unwrap()).into_owned();
    assert!(
        libc::WIFEXITED(status),
        "keylint {args:?} died by signal {}; stderr: {stderr}",
        libc::WTERMSIG(status)
    );
    Finished {
        code: libc::WEXITSTATUS(status),
        stdout: fs::read_to_string(out.path()).unwrap(),
        stderr,
        max_rss_kib: usage.ru_maxrss,
    }
}

fn parse(stdout: &str, stderr: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}); stderr: {stderr}"))
}

fn skip_reasons(report: &Value) -> Vec<(String, String)> {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_string(),
                s["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Text with many keyword lines, so the engine spends time on every page.
fn log_text(bytes: usize) -> Vec<u8> {
    let line =
        b"2024-01-01T00:00:00Z INFO request token=abc password=hunter2 key=value secret=none\n";
    line.iter().copied().cycle().take(bytes).collect()
}

/// Case 2: a large file truncated and rewritten in a loop (log rotation
/// with copytruncate) while keylint scans it.  Mapped, it killed keylint
/// with SIGBUS in most runs; read, it never may, and the other file's
/// finding is always reported.
#[test]
fn a_file_truncated_during_the_scan_never_kills_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("found.env"), format!("KEY={USER_KEY}\n")).unwrap();
    let log = dir.path().join("app.log");
    let content = log_text(16 << 20);
    fs::write(&log, &content).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let rotator = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            use std::os::unix::fs::FileExt;
            let file = fs::OpenOptions::new().write(true).open(&log).unwrap();
            while !stop.load(Ordering::Relaxed) {
                file.set_len(0).unwrap();
                std::thread::sleep(Duration::from_millis(3));
                file.write_all_at(&content, 0).unwrap();
                std::thread::sleep(Duration::from_millis(3));
            }
        })
    };
    let mut changed_warnings = 0;
    for run_number in 0..40 {
        let output = run(dir.path(), &["scan", ".", "--format", "json"]);
        assert!(
            output.status.signal().is_none(),
            "run {run_number}: keylint killed by signal {:?}; stderr: {}",
            output.status.signal(),
            stderr(&output)
        );
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let keys = finding_keys(&json(&output));
        assert!(
            keys.iter().any(|k| k.0 == "found.env"),
            "run {run_number}: {keys:?}"
        );
        if stderr(&output).contains("app.log changed while it was read") {
            changed_warnings += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    rotator.join().unwrap();
    eprintln!("{changed_warnings} of 40 runs warned that app.log changed");
}

/// Case 7: FIFOs, sockets and device links inside a tree are skipped and
/// counted (never opened for reading, never waited on); symlinks not
/// followed are counted too; the human summary says so.
#[test]
fn special_files_and_symlinks_in_a_tree_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("found.env"), format!("KEY={USER_KEY}\n")).unwrap();
    mkfifo(&dir.path().join("pipe"));
    let _socket = std::os::unix::net::UnixListener::bind(dir.path().join("sock")).unwrap();
    symlink("/dev/zero", dir.path().join("zero.env")).unwrap();
    symlink("found.env", dir.path().join("alias.env")).unwrap();

    let plain = run_with_deadline(
        dir.path(),
        &["scan", ".", "--format", "json"],
        Duration::from_secs(60),
    );
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    let report = parse(&plain.stdout, &plain.stderr);
    assert_eq!(report["summary"]["skipped_special"], 2, "{report:#}");
    assert_eq!(report["summary"]["skipped_symlink"], 2, "{report:#}");
    let reasons = skip_reasons(&report);
    for expected in [
        ("alias.env", "symlink"),
        ("pipe", "special"),
        ("sock", "special"),
        ("zero.env", "symlink"),
    ] {
        assert!(
            reasons.contains(&(expected.0.into(), expected.1.into())),
            "{reasons:?}"
        );
    }
    assert!(
        plain.stderr.contains("skipped pipe: a FIFO"),
        "{}",
        plain.stderr
    );

    // Followed, /dev/zero is a device: refused by type, not read forever.
    let followed = run_with_deadline(
        dir.path(),
        &["scan", ".", "--follow", "--format", "json"],
        Duration::from_secs(60),
    );
    assert_eq!(followed.code, 1, "{}", followed.stderr);
    let report = parse(&followed.stdout, &followed.stderr);
    assert_eq!(report["summary"]["skipped_special"], 3, "{report:#}");
    assert_eq!(report["summary"]["skipped_symlink"], 0, "{report:#}");
    assert!(
        skip_reasons(&report).contains(&("zero.env".into(), "special".into())),
        "{report:#}"
    );
    assert!(
        followed.max_rss_kib < 200 * 1024,
        "{} KiB",
        followed.max_rss_kib
    );

    let human = run(dir.path(), &["scan", "."]);
    let summary = common::stdout(&human);
    assert!(
        summary.contains("2 symlinks not followed") && summary.contains("2 special"),
        "{summary}"
    );
}

/// Case 7: files swapped during the scan for a link to `/dev/zero` or for a
/// FIFO are refused after opening (O_NOFOLLOW, O_NONBLOCK, fstat): before,
/// the read never ended or the open blocked forever.
#[test]
fn files_swapped_for_devices_or_fifos_during_the_scan_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    fs::create_dir(&tree).unwrap();
    fs::write(tree.join("found.env"), format!("KEY={USER_KEY}\n")).unwrap();
    // Many files: the last ones are opened long after the walker listed
    // them, wide enough a window for the swaps.
    let names: Vec<String> = (0..2000).map(|i| format!("f{i:04}.txt")).collect();
    for name in &names {
        fs::write(tree.join(name), "plain\n").unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let swapper = {
        let (stop, tree, staging) = (Arc::clone(&stop), tree.clone(), dir.path().to_path_buf());
        std::thread::spawn(move || {
            let staged = staging.join("staged");
            while !stop.load(Ordering::Relaxed) {
                for (i, name) in names.iter().enumerate() {
                    let _ = fs::remove_file(&staged);
                    match i % 3 {
                        0 => symlink("/dev/zero", &staged).unwrap(),
                        1 => mkfifo(&staged),
                        _ => fs::write(&staged, "plain\n").unwrap(),
                    }
                    fs::rename(&staged, tree.join(name)).unwrap();
                }
            }
        })
    };
    for _ in 0..8 {
        for follow in [false, true] {
            let mut args = vec!["scan", "tree", "--format", "json", "--max-file-size", "1M"];
            if follow {
                args.push("--follow");
            }
            let finished = run_with_deadline(dir.path(), &args, Duration::from_secs(60));
            assert_eq!(finished.code, 1, "{}", finished.stderr);
            let report = parse(&finished.stdout, &finished.stderr);
            assert_eq!(finding_keys(&report).len(), 1, "{report:#}");
            assert_eq!(report["summary"]["skipped_too_large"], 0, "{report:#}");
        }
    }
    stop.store(true, Ordering::Relaxed);
    swapper.join().unwrap();
}

/// Case 7: a FIFO or a device named on the command line exits 2 naming it,
/// never "Scanned 0 files … no secrets found".
#[test]
fn a_fifo_or_device_named_on_the_command_line_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("named.pipe");
    mkfifo(&fifo);
    for (path, kind) in [
        (fifo.to_str().unwrap(), "FIFO"),
        ("/dev/null", "character device"),
    ] {
        let finished = run_with_deadline(dir.path(), &["scan", path], Duration::from_secs(60));
        assert_eq!(finished.code, 2, "{path}: {}", finished.stderr);
        assert!(
            finished.stderr.contains(path) && finished.stderr.contains(kind),
            "{}",
            finished.stderr
        );
        assert!(
            !finished.stdout.contains("no secrets"),
            "{}",
            finished.stdout
        );
    }
}

/// "Also fix": a pipe handed over as a path (`scan <(cmd)` gives
/// `/dev/fd/63`; here the child's `/dev/fd/0`) is read like standard input.
#[test]
fn a_pipe_named_by_path_is_read_like_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    for path in ["/dev/fd/0", "/dev/stdin"] {
        let mut child = keylint(dir.path(), &["scan", path, "--format", "json"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let input = format!("x\nKEY={USER_KEY}\n");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert_eq!(
            finding_keys(&json(&output)),
            vec![(path.to_string(), 2, 5, "openai-user-key".to_string())]
        );
    }
}

/// Case 8: `--follow` into `/proc` (a link to `/proc/self`, whose `root`
/// leads back to `/`) ends by itself with bounded memory: kernel
/// pseudo-filesystems are skipped and counted; a size-0 pseudo-file
/// reached through a link (`pagemap`, gigabytes long) is read no further
/// than the size limit.
#[test]
fn follow_into_proc_ends_by_itself_with_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("found.env"), format!("KEY={USER_KEY}\n")).unwrap();
    symlink("/proc/self", dir.path().join("self")).unwrap();
    symlink("/proc", dir.path().join("proc")).unwrap();
    symlink("/sys", dir.path().join("sys")).unwrap();
    symlink("/proc/self/pagemap", dir.path().join("pagemap.txt")).unwrap();
    let finished = run_with_deadline(
        dir.path(),
        &[
            "scan",
            ".",
            "--follow",
            "--format",
            "json",
            "--max-file-size",
            "4M",
        ],
        Duration::from_secs(120),
    );
    assert_eq!(finished.code, 1, "{}", finished.stderr);
    let report = parse(&finished.stdout, &finished.stderr);
    assert_eq!(finding_keys(&report).len(), 1, "{report:#}");
    let reasons = skip_reasons(&report);
    for expected in [
        ("self", "special"),
        ("proc", "special"),
        ("sys", "special"),
        ("pagemap.txt", "too_large"),
    ] {
        assert!(
            reasons.contains(&(expected.0.into(), expected.1.into())),
            "{reasons:?}"
        );
    }
    assert!(
        finished.stderr.contains("proc pseudo-filesystem"),
        "{}",
        finished.stderr
    );
    assert!(
        finished.max_rss_kib < 200 * 1024,
        "peak RSS {} KiB",
        finished.max_rss_kib
    );

    // Named on the command line: a usage error, not a scan of nothing.
    let named = run_with_deadline(dir.path(), &["scan", "/proc"], Duration::from_secs(60));
    assert_eq!(named.code, 2, "{}", named.stderr);
    assert!(named.stderr.contains("/proc"), "{}", named.stderr);
}

/// Case 8: `--one-file-system` does not descend into directories on another
/// file system (here /dev/shm, a tmpfs, reached through a link).
#[test]
fn one_file_system_does_not_cross_into_another_file_system() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let Ok(other) = tempfile::tempdir_in("/dev/shm") else {
        eprintln!("skipped: /dev/shm is not writable");
        return;
    };
    let device = |p: &Path| fs::metadata(p).unwrap().dev();
    if device(dir.path()) == device(other.path()) {
        eprintln!("skipped: /dev/shm is on the temp dir's file system");
        return;
    }
    fs::write(dir.path().join("here.env"), format!("KEY={USER_KEY}\n")).unwrap();
    fs::write(
        other.path().join("there.env"),
        format!("KEY={}\n", gitrepo::KEY_A),
    )
    .unwrap();
    symlink(other.path(), dir.path().join("shm")).unwrap();

    let crossing = json(&run(
        dir.path(),
        &["scan", ".", "--follow", "--format", "json"],
    ));
    let paths: Vec<String> = finding_keys(&crossing).into_iter().map(|k| k.0).collect();
    assert_eq!(paths, vec!["here.env", "shm/there.env"]);

    let staying = json(&run(
        dir.path(),
        &[
            "scan",
            ".",
            "--follow",
            "--one-file-system",
            "--format",
            "json",
        ],
    ));
    let paths: Vec<String> = finding_keys(&staying).into_iter().map(|k| k.0).collect();
    assert_eq!(paths, vec!["here.env"]);

    let help = common::stdout(&run(dir.path(), &["scan", "--help"]));
    assert!(help.contains("--one-file-system"), "{help}");
}

/// Case 5: in a git work tree a tracked file is scanned whatever
/// `.gitignore` says (also inside an ignored directory, and when a
/// subdirectory is scanned); an untracked ignored file stays skipped.
#[test]
fn tracked_files_are_scanned_whatever_gitignore_says() {
    let mut repo = gitrepo::Repo::new();
    repo.write(".env", &format!("OPENAI_API_KEY={}\n", gitrepo::KEY_A));
    repo.write(
        "build/deploy.env",
        &format!("OPENAI_API_KEY={}\n", gitrepo::KEY_B),
    );
    repo.write("sub/.env", &format!("OPENAI_API_KEY={}\n", gitrepo::KEY_C));
    repo.commit("Alice", "add env files");
    repo.write(".gitignore", ".env\nlocal.env\nbuild/\n");
    repo.write("local.env", &format!("OPENAI_API_KEY={}\n", gitrepo::KEY_D));
    repo.write(
        "build/new.env",
        &format!("OPENAI_API_KEY={}\n", gitrepo::KEY_E),
    );
    repo.commit("Alice", "ignore env files");
    let status = repo.git(&["status", "--porcelain", "--ignored"]);
    assert!(status.contains("!! local.env"), "{status}");

    let report = json(&run(&repo.path, &["scan", ".", "--format", "json"]));
    let paths: Vec<String> = finding_keys(&report).into_iter().map(|k| k.0).collect();
    assert_eq!(
        paths,
        vec![".env", "build/deploy.env", "sub/.env"],
        "{report:#}"
    );

    // A subdirectory of the work tree: the enclosing repository's index.
    let report = json(&run(&repo.path, &["scan", "sub", "--format", "json"]));
    let keys = finding_keys(&report);
    assert_eq!(keys.len(), 1, "{report:#}");
    assert_eq!(keys[0].0, "sub/.env");
    assert_eq!(report["findings"][0]["uri"], "sub/.env");

    // --no-ignore still scans everything.
    let report = json(&run(
        &repo.path,
        &["scan", ".", "--no-ignore", "--format", "json"],
    ));
    assert_eq!(finding_keys(&report).len(), 5, "{report:#}");
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Case 13: UTF-16 text (PowerShell's `>` and `Out-File`: little-endian,
/// BOM, CRLF; and BOM-less) is transcoded and scanned at the right line and
/// column; a UTF-8 BOM does not shift line 1's columns.
#[test]
fn utf16_and_bom_files_are_scanned_at_the_right_positions() {
    let dir = tempfile::tempdir().unwrap();
    // BOM-less UTF-16LE .env.
    fs::write(
        dir.path().join(".env"),
        utf16le(&format!("# local\nOPENAI_API_KEY={}\n", gitrepo::KEY_A)),
    )
    .unwrap();
    // As PowerShell writes it: BOM + CRLF, a non-ASCII character before the key.
    let mut ps1 = vec![0xFF, 0xFE];
    ps1.extend(utf16le(&format!(
        "# Déploiement\r\n\r\n$Clé = \"{}\"\r\n",
        gitrepo::AWS_KEY
    )));
    fs::write(dir.path().join("deploy.ps1"), ps1).unwrap();
    // UTF-8 with a BOM, the key at line 1 column 1.
    fs::write(
        dir.path().join("token.txt"),
        format!("\u{FEFF}{}\n", gitrepo::GITHUB_TOKEN),
    )
    .unwrap();

    let output = run(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["summary"]["skipped_binary"], 0, "{report:#}");
    let keys = finding_keys(&report);
    let expected: Vec<(String, u64, u64, String)> = vec![
        (".env".into(), 2, 16, "openai-project-key".into()),
        ("deploy.ps1".into(), 3, 9, "aws-access-key-id".into()),
        ("token.txt".into(), 1, 1, "github-classic-token".into()),
    ];
    assert_eq!(keys, expected, "{report:#}");
    let snippet = report["findings"][1]["snippet"].as_str().unwrap();
    assert!(
        snippet.starts_with("$Clé = \"") && !snippet.contains('\r'),
        "{snippet:?}"
    );
}

/// Case 11: a file named on the command line that cannot be read exits 2
/// naming it.  Root can read a chmod 000 file, so the always-run case is
/// `/proc/self/mem` (a regular file whose read at offset 0 fails with EIO
/// for anyone); the permission cases run only without root.
#[test]
fn an_unreadable_file_or_root_named_on_the_command_line_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("found.env"), format!("KEY={USER_KEY}\n")).unwrap();
    let mem = run(dir.path(), &["scan", "/proc/self/mem", "found.env"]);
    assert_eq!(mem.status.code(), Some(2), "{}", stderr(&mem));
    assert!(
        stderr(&mem).contains("cannot read /proc/self/mem"),
        "{}",
        stderr(&mem)
    );

    symlink("missing", dir.path().join("dangling")).unwrap();
    symlink("loop", dir.path().join("loop")).unwrap();
    for path in ["dangling", "loop"] {
        let output = run(dir.path(), &["scan", path]);
        assert_eq!(output.status.code(), Some(2), "{path}: {}", stderr(&output));
        assert!(stderr(&output).contains(path), "{}", stderr(&output));
    }

    if unsafe { libc::geteuid() } == 0 {
        eprintln!("running as root: the chmod 000 cases are left out");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let locked = dir.path().join("locked.env");
    fs::write(&locked, "x\n").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let locked_dir = dir.path().join("locked-dir");
    fs::create_dir(&locked_dir).unwrap();
    fs::set_permissions(&locked_dir, fs::Permissions::from_mode(0o000)).unwrap();
    for path in ["locked.env", "locked-dir"] {
        let output = run(dir.path(), &["scan", path]);
        assert_eq!(output.status.code(), Some(2), "{path}: {}", stderr(&output));
        assert!(stderr(&output).contains(path), "{}", stderr(&output));
    }
    fs::set_permissions(&locked_dir, fs::Permissions::from_mode(0o755)).unwrap();
}

/// "Also fix": warnings name paths as findings do (no leading `./`).
#[test]
fn warning_paths_are_written_like_finding_paths() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    fs::write(
        dir.path().join("sub/found.env"),
        format!("KEY={USER_KEY}\n"),
    )
    .unwrap();
    symlink("..", dir.path().join("sub/up")).unwrap();
    let output = run(dir.path(), &["scan", ".", "--follow", "--format", "json"]);
    let report = json(&output);
    assert_eq!(finding_keys(&report)[0].0, "sub/found.env");
    let warnings: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("sub/up") && w.contains("loop")),
        "{warnings:?}"
    );
    assert!(warnings.iter().all(|w| !w.contains("./")), "{warnings:?}");
    assert!(
        stderr(&output).contains("warning: symbolic link loop: sub/up"),
        "{}",
        stderr(&output)
    );
}
