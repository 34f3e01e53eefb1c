//! A minimal reader of git's index file (`DIRC`, versions 2 to 4, SHA-1)
//! for `scan --staged`: the entries (path, blob id, mode, stage, flags) and
//! the cache-tree (`TREE` extension), which records the tree id of every
//! directory no `git add` has touched since.  With it, comparing the index
//! to HEAD reads only the directories that changed.
//!
//! libgit2 can read the index too, but it hashes the whole file first and
//! keeps no cache-tree we can reach; on a 50,000-file repository that is
//! most of a pre-commit hook's time.  Anything this reader does not handle
//! (split or sparse indexes, SHA-256, a damaged file) returns `None` and the
//! caller falls back to libgit2.

use std::ops::Range;
use std::path::Path;

use git2::Oid;

const OID_LEN: usize = 20;
/// ctime, mtime, dev, ino, mode, uid, gid, size: ten 32-bit fields.
const STAT_LEN: usize = 40;
const FLAG_EXTENDED: u16 = 0x4000;
const EXT_INTENT_TO_ADD: u16 = 0x2000;
const MODE_TREE: u32 = 0o040000;

pub struct IndexEntry {
    /// Range of the full path in `IndexFile::paths`.
    path: Range<usize>,
    pub oid: Oid,
    pub mode: u32,
    /// 0 normally; 1-3 for the sides of a merge conflict.
    pub stage: u8,
    /// Added with `git add -N`: a placeholder, not content.
    pub intent_to_add: bool,
}

/// One directory of the cache-tree; `oid` is `None` once invalidated.
pub struct CacheTree {
    pub name: Vec<u8>,
    pub oid: Option<Oid>,
    pub children: Vec<CacheTree>,
}

impl CacheTree {
    pub fn child(&self, name: &[u8]) -> Option<&CacheTree> {
        self.children.iter().find(|c| c.name == name)
    }
}

pub struct IndexFile {
    paths: Vec<u8>,
    pub entries: Vec<IndexEntry>,
    pub cache_tree: Option<CacheTree>,
}

impl IndexFile {
    pub fn path(&self, entry: &IndexEntry) -> &[u8] {
        &self.paths[entry.path.clone()]
    }
}

/// Read the index at `path`: `Some(empty)` if there is none yet, `None` if
/// this reader can't handle it (the caller then asks libgit2).
pub fn read(path: &Path) -> Option<IndexFile> {
    match std::fs::File::open(path) {
        // SAFETY: read-only private map; git replaces the index by renaming
        // a new file over it, so the mapped file is never rewritten.
        Ok(file) => parse(&unsafe { memmap2::Mmap::map(&file) }.ok()?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(IndexFile {
            paths: Vec::new(),
            entries: Vec::new(),
            cache_tree: None,
        }),
        Err(_) => None,
    }
}

struct Cursor<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let bytes = self.data.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(bytes)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    /// Bytes up to the next NUL, which is consumed.
    fn until_nul(&mut self) -> Option<&'a [u8]> {
        let len = memchr::memchr(0, self.data.get(self.at..)?)?;
        let bytes = self.take(len)?;
        self.at += 1;
        Some(bytes)
    }
    /// The offset varint of index v4 (git's `decode_varint`).
    fn varint(&mut self) -> Option<usize> {
        let mut byte = self.take(1)?[0];
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            byte = self.take(1)?[0];
            value = value.checked_add(1)?.checked_mul(128)? + usize::from(byte & 0x7f);
        }
        Some(value)
    }
}

/// Parse index bytes (public for the fuzz target); `None` when they are not
/// an index this reader understands.
pub fn parse(data: &[u8]) -> Option<IndexFile> {
    // The trailing checksum is not verified: git rewrote the file atomically.
    let body = data.get(..data.len().checked_sub(OID_LEN)?)?;
    let mut cursor = Cursor { data: body, at: 0 };
    if cursor.take(4)? != b"DIRC" {
        return None;
    }
    let version = cursor.u32()?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = cursor.u32()? as usize;
    let mut index = IndexFile {
        paths: Vec::with_capacity(count * 32),
        entries: Vec::with_capacity(count),
        cache_tree: None,
    };
    let mut previous: Range<usize> = 0..0;
    for _ in 0..count {
        let entry = parse_entry(&mut cursor, version, &mut index.paths, &previous)?;
        if entry.mode & 0o170000 == MODE_TREE {
            return None; // a sparse index's directory entry
        }
        previous = entry.path.clone();
        index.entries.push(entry);
    }
    while cursor.at + 8 <= body.len() {
        let signature = cursor.take(4)?;
        let size = cursor.u32()? as usize;
        let payload = cursor.take(size)?;
        match signature {
            b"TREE" => {
                index.cache_tree = parse_cache_tree(&mut Cursor {
                    data: payload,
                    at: 0,
                })
            }
            b"link" | b"sdir" => return None,
            // Other optional extensions start with a capital letter.
            _ if !signature[0].is_ascii_uppercase() => return None,
            _ => {}
        }
    }
    Some(index)
}

fn parse_entry(
    cursor: &mut Cursor,
    version: u32,
    paths: &mut Vec<u8>,
    previous: &Range<usize>,
) -> Option<IndexEntry> {
    let start = cursor.at;
    let stat = cursor.take(STAT_LEN)?;
    let mode = u32::from_be_bytes(stat[24..28].try_into().ok()?);
    let oid = Oid::from_bytes(cursor.take(OID_LEN)?).ok()?;
    let flags = cursor.u16()?;
    let extended = if flags & FLAG_EXTENDED != 0 {
        cursor.u16()?
    } else {
        0
    };
    let path_start = paths.len();
    if version == 4 {
        let strip = cursor.varint()?;
        let keep = previous.len().checked_sub(strip)?;
        paths.extend_from_within(previous.start..previous.start + keep);
        paths.extend_from_slice(cursor.until_nul()?);
    } else {
        paths.extend_from_slice(cursor.until_nul()?);
        // Entries are NUL-padded to a multiple of eight bytes.
        let used = cursor.at - start;
        let padded = (cursor.at - 1 - start + 8) & !7;
        cursor.take(padded - used)?;
    }
    Some(IndexEntry {
        path: path_start..paths.len(),
        oid,
        mode,
        stage: ((flags >> 12) & 3) as u8,
        intent_to_add: extended & EXT_INTENT_TO_ADD != 0,
    })
}

/// `name NUL entry_count SP subtree_count LF [oid]`, children in pre-order.
fn parse_cache_tree(cursor: &mut Cursor) -> Option<CacheTree> {
    let name = cursor.until_nul()?.to_vec();
    let line_end = memchr::memchr(b'\n', cursor.data.get(cursor.at..)?)?;
    let line = std::str::from_utf8(cursor.take(line_end)?).ok()?;
    cursor.take(1)?;
    let (entries, subtrees) = line.split_once(' ')?;
    let entries: i64 = entries.parse().ok()?;
    let subtrees: usize = subtrees.parse().ok()?;
    let oid = if entries >= 0 {
        Some(Oid::from_bytes(cursor.take(OID_LEN)?).ok()?)
    } else {
        None
    };
    let children = (0..subtrees)
        .map(|_| parse_cache_tree(cursor))
        .collect::<Option<Vec<_>>>()?;
    Some(CacheTree {
        name,
        oid,
        children,
    })
}
