//! The progress bar on standard error (indicatif): drawn when stderr is a
//! terminal, or on request (`--progress`) as one plain line per second.
//! Reports go to stdout, so a bar never mixes into them.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use crate::model::size::human_bytes;

/// Blobs between two message refreshes (a message costs an allocation).
const MESSAGE_EVERY: u64 = 64;

pub struct Progress {
    bar: ProgressBar,
    bytes: AtomicU64,
    findings: AtomicU64,
    commits: AtomicU64,
    /// Distinct blobs the walk has found so far (scanning follows it).
    found: AtomicU64,
}

impl Progress {
    /// A bar drawn when stderr is a terminal or `force`; hidden otherwise.
    pub fn new(force: bool) -> Progress {
        let target = if io::stderr().is_terminal() {
            ProgressDrawTarget::stderr_with_hz(10)
        } else if force {
            ProgressDrawTarget::term_like_with_hz(Box::new(PlainStderr), 1)
        } else {
            ProgressDrawTarget::hidden()
        };
        let visible = !target.is_hidden();
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} scanning history: {pos} blobs scanned {msg}")
                .expect("valid template"),
        );
        if visible {
            // A ticker thread only when drawn: stopping it waits a tick.
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Progress {
            bar,
            bytes: AtomicU64::new(0),
            findings: AtomicU64::new(0),
            commits: AtomicU64::new(0),
            found: AtomicU64::new(0),
        }
    }

    /// One more commit walked; `blobs` distinct blobs found so far.
    pub fn commit_walked(&self, blobs: usize) {
        self.found.store(blobs as u64, Ordering::Relaxed);
        let commits = self.commits.fetch_add(1, Ordering::Relaxed) + 1;
        if commits.is_multiple_of(MESSAGE_EVERY) {
            self.bar.set_message(self.summary());
        }
    }

    /// The walk is over: `total` blobs to scan, so a bar with an ETA.
    pub fn walk_done(&self, total: usize) {
        self.found.store(total as u64, Ordering::Relaxed);
        self.bar.set_style(
            ProgressStyle::with_template(
                "{spinner} scanning [{bar:30}] {pos}/{len} blobs {msg} ({elapsed}, eta {eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        self.bar.set_length(total as u64);
        self.bar.set_message(self.summary());
    }

    pub fn blob_scanned(&self, bytes: u64, findings: usize) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.findings.fetch_add(findings as u64, Ordering::Relaxed);
        self.bar.inc(1);
        if self.bar.position().is_multiple_of(MESSAGE_EVERY) {
            self.bar.set_message(self.summary());
        }
    }

    fn summary(&self) -> String {
        format!(
            "({} commits walked, {} distinct blobs, {}, {} findings)",
            self.commits.load(Ordering::Relaxed),
            self.found.load(Ordering::Relaxed),
            human_bytes(self.bytes.load(Ordering::Relaxed)),
            self.findings.load(Ordering::Relaxed)
        )
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `--progress` on a pipe or file: whole lines, no cursor movement.
#[derive(Debug)]
struct PlainStderr;

impl TermLike for PlainStderr {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> io::Result<()> {
        Ok(())
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        self.write_str(s)
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        // Padding that would blank a terminal line is noise in a log.
        if s.trim().is_empty() {
            return Ok(());
        }
        writeln!(io::stderr(), "{}", s.trim_end())
    }
    fn clear_line(&self) -> io::Result<()> {
        Ok(())
    }
    fn flush(&self) -> io::Result<()> {
        io::stderr().flush()
    }
}
