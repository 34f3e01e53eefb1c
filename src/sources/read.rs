//! Reading one file of the working tree safely: whatever the tree holds (a
//! FIFO, a device, a symlink swapped in during the scan, a `/proc` file that
//! reports size 0 and never ends, a log truncated while it is read), the read
//! never blocks, never faults and never takes more than the size limit.
//!
//! Files are read into memory, never memory-mapped: a mapped file that
//! shrinks under the scan (log rotation with copytruncate) raises SIGBUS and
//! kills the process.  Reading costs one copy, which the tree benchmark puts
//! within noise (README, "Working tree").

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use rustix::fs::OFlags;

use super::BinaryPolicy;
use super::WalkOptions;
use super::text::decode_text;
use crate::model::SkipReason;
use crate::model::origin::display_path;

/// A file's bytes, and a warning when it changed while it was read.
pub struct FileRead {
    pub data: Vec<u8>,
    pub changed: Option<String>,
}

/// Read the regular file at `path`: opened without blocking (a FIFO or a
/// device swapped in opens at once and is refused by type), without
/// following a final symlink unless `follow`, checked with `fstat` on the
/// opened descriptor, and read no further than `max_file_size + 1` bytes.
pub fn read_file(path: &Path, follow: bool, options: &WalkOptions) -> Result<FileRead, SkipReason> {
    let file = open_regular(path, follow)?;
    let limit = options.max_file_size;
    let size = file.metadata().map_err(unreadable)?.len();
    if size > limit {
        return Err(SkipReason::TooLarge { size, limit });
    }
    let capacity = usize::try_from(size).unwrap_or(0);
    let bytes = read_bounded(file, limit, capacity)?;
    let read = bytes.len() as u64;
    // Kernel pseudo-files (`/proc`, `/sys`) report size 0 whatever they
    // hold: for them a different length is not a change.
    let changed = (size != 0 && read != size).then(|| {
        format!(
            "{} changed while it was read ({size} bytes when opened, {read} read): scanned what was read",
            display_path(path)
        )
    });
    let data = finish(bytes, &options.binary, || display_path(path))?;
    Ok(FileRead { data, changed })
}

/// A pipe or standard input: read up to the limit, then the same checks.
pub fn read_stream(reader: impl Read, options: &WalkOptions) -> Result<Vec<u8>, SkipReason> {
    let bytes = read_bounded(reader, options.max_file_size, 0)?;
    finish(bytes, &options.binary, || "<stdin>".into())
}

fn unreadable(error: io::Error) -> SkipReason {
    SkipReason::Unreadable(error.to_string())
}

fn open_regular(path: &Path, follow: bool) -> Result<File, SkipReason> {
    // O_NONBLOCK stays set: regular files ignore it, and a pseudo-file that
    // would wait for data (`/proc/kmsg`) fails with EAGAIN instead of
    // hanging the scan.
    let mut flags = OFlags::NONBLOCK | OFlags::NOCTTY;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            // With O_NOFOLLOW, ELOOP means the last component is a symlink:
            // the file was swapped for one since the walker saw it.
            Some(code) if !follow && code == rustix::io::Errno::LOOP.raw_os_error() => {
                SkipReason::Symlink
            }
            _ => unreadable(e),
        })?;
    let file_type = file.metadata().map_err(unreadable)?.file_type();
    if !file_type.is_file() {
        return Err(SkipReason::Special(special_kind(&file_type).into()));
    }
    Ok(file)
}

/// Read at most a page more than `limit` bytes: more than allowed tells a
/// file that grew past the limit (or an endless pseudo-file) from one that
/// fits.  A whole page, not one byte: some pseudo-files (`pagemap`) refuse
/// reads that are not a multiple of 8 bytes.
fn read_bounded(reader: impl Read, limit: u64, capacity: usize) -> Result<Vec<u8>, SkipReason> {
    const PAGE: u64 = 4096;
    let bound = limit.saturating_add(1).div_ceil(PAGE).saturating_mul(PAGE);
    let mut bytes = Vec::with_capacity(capacity.saturating_add(1));
    reader
        .take(bound)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(SkipReason::TooLarge { size: read, limit });
    }
    Ok(bytes)
}

/// Transcode UTF-16 (and drop a UTF-8 BOM), then refuse binaries.
fn finish(
    bytes: Vec<u8>,
    binary: &BinaryPolicy,
    path: impl FnOnce() -> String,
) -> Result<Vec<u8>, SkipReason> {
    let bytes = decode_text(bytes);
    if binary.skips(&bytes, path) {
        return Err(SkipReason::Binary);
    }
    Ok(bytes)
}

/// What a non-regular, non-directory file is, in words.
pub fn special_kind(file_type: &std::fs::FileType) -> &'static str {
    if file_type.is_fifo() {
        "FIFO"
    } else if file_type.is_socket() {
        "socket"
    } else if file_type.is_char_device() {
        "character device"
    } else if file_type.is_block_device() {
        "block device"
    } else if file_type.is_dir() {
        "directory"
    } else if file_type.is_symlink() {
        "symbolic link"
    } else {
        "special file"
    }
}

/// The name of the kernel pseudo-filesystem `dir` is on (`/proc`, `/sys`,
/// debugfs…), if it is on one.  Their files report size 0, some never end,
/// some block (`trace_pipe`) and some are consumed by reading (`kmsg`): a
/// secret scanner has no business in them.
#[cfg(target_os = "linux")]
pub fn pseudo_filesystem(dir: &Path) -> Option<&'static str> {
    const KINDS: &[(u32, &str)] = &[
        (0x9fa0, "proc"),
        (0x6265_6572, "sysfs"),
        (0x6462_6720, "debugfs"),
        (0x7472_6163, "tracefs"),
        (0x7363_6673, "securityfs"),
        (0xcafe_4a11, "bpf"),
        (0x0027_e0eb, "cgroup"),
        (0x6367_7270, "cgroup2"),
        (0x6165_676c, "pstore"),
        (0x6265_6570, "configfs"),
        (0xde5e_81e4, "efivarfs"),
        (0x0000_1cd1, "devpts"),
        (0x4249_4e4d, "binfmt_misc"),
        (0xf97c_ff8c, "selinuxfs"),
        (0x6573_5543, "fusectl"),
    ];
    let stat = rustix::fs::statfs(dir).ok()?;
    // f_type is a signed word on some targets: compare its low 32 bits.
    let magic = stat.f_type as u64 as u32;
    KINDS
        .iter()
        .find(|(kind, _)| *kind == magic)
        .map(|(_, name)| *name)
}

#[cfg(not(target_os = "linux"))]
pub fn pseudo_filesystem(_dir: &Path) -> Option<&'static str> {
    None
}

/// Whether `path` names an anonymous pipe or socket handed to keylint as a
/// path, such as `/dev/fd/63` from the shell's `<(cmd)`: the link chain
/// ends in `pipe:[…]` rather than in a file of the tree.
pub fn is_inherited_stream(path: &Path) -> bool {
    let mut current = path.to_path_buf();
    for _ in 0..8 {
        let Ok(target) = std::fs::read_link(&current) else {
            return false;
        };
        let text = target.to_string_lossy();
        if text.starts_with("pipe:[") || text.starts_with("socket:[") {
            return true;
        }
        current = match current.parent() {
            Some(parent) if target.is_relative() => parent.join(target),
            _ => target,
        };
    }
    false
}
