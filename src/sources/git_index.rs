//! A minimal reader of git's index file (`DIRC`, versions 2 to 4, SHA-1)
//! for `scan --staged`: the entries (path, blob id, mode, stage, flags) and
//! the cache-tree (`TREE` extension), which records the tree id of every
//! directory no `git add` has touched since.  With it, comparing the index
//! to HEAD reads only the directories that changed.
//!
//! libgit2 can read the index too, but it hashes the whole file first and
//! keeps no cache-tree we can reach; on a 50,000-file repository that is
//! most of a pre-commit hook's time.  libgit2 cannot read split indexes
//! at all: this reader merges them (`link` extension, below) itself.
//! Sparse indexes (directory entries) are not read yet: an error saying so.
//!
//! The index is untrusted input (a cloned repository's `.git` is whatever
//! its author made it): every count and length is checked against the
//! bytes that are there before anything is allocated, and a file that
//! fails a check is `Corrupt`, never a panic or a huge allocation.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use git2::Oid;

const OID_LEN: usize = 20;
/// ctime, mtime, dev, ino, mode, uid, gid, size: ten 32-bit fields.
const STAT_LEN: usize = 40;
/// Signature, version, entry count.
const HEADER_LEN: usize = 12;
/// The smallest entry: stat, id, flags, then at least two bytes (a v4
/// prefix varint or padding, and the path's NUL).
const MIN_ENTRY_LEN: usize = STAT_LEN + OID_LEN + 2 + 2;
const FLAG_EXTENDED: u16 = 0x4000;
const EXT_INTENT_TO_ADD: u16 = 0x2000;
/// The object-type bits of an entry's mode, and two of their values.
const MODE_TYPE: u32 = 0o170000;
const MODE_TREE: u32 = 0o040000;
const MODE_GITLINK: u32 = 0o160000;
/// Directory levels an entry's path or the cache-tree may have: far more
/// than any checkout can hold, few enough for the recursive diff (and the
/// recursive drop of a cache-tree) to stay within the stack.
const MAX_DEPTH: usize = 2048;
const SPARSE: &str =
    "a sparse index (`git sparse-checkout set --no-sparse-index` rewrites it as a full one)";

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

impl IndexEntry {
    /// A submodule's commit (a gitlink), not a file of this work tree.
    pub fn is_submodule(&self) -> bool {
        self.mode & MODE_TYPE == MODE_GITLINK
    }
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

    fn empty() -> IndexFile {
        IndexFile {
            paths: Vec::new(),
            entries: Vec::new(),
            cache_tree: None,
        }
    }
}

#[derive(Debug)]
pub enum ReadError {
    /// Valid, but uses a feature this reader lacks (a sparse index, an
    /// unknown required extension).
    Unsupported { path: PathBuf, feature: String },
    /// Damaged or hostile: a count, length or id that cannot be right.
    Corrupt { path: PathBuf, reason: String },
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ReadError::Unsupported { path, feature } => write!(
                f,
                "cannot read the index {}: {feature} is not supported",
                path.display()
            ),
            ReadError::Corrupt { path, reason } => {
                write!(f, "corrupt index {}: {reason}", path.display())
            }
            ReadError::Io { path, error } => {
                write!(f, "cannot read the index {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for ReadError {}

/// Why one file failed, before it is tied to its path.
enum Problem {
    Unsupported(String),
    Corrupt(String),
}

impl Problem {
    /// The error for the index file at `path`.
    fn at(self, path: &Path) -> ReadError {
        let path = path.to_path_buf();
        match self {
            Problem::Unsupported(feature) => ReadError::Unsupported { path, feature },
            Problem::Corrupt(reason) => ReadError::Corrupt { path, reason },
        }
    }
}

fn corrupt<T>(reason: impl Into<String>) -> Result<T, Problem> {
    Err(Problem::Corrupt(reason.into()))
}

/// Read the index at `path` (empty if there is none yet); a split index's
/// shared part is `sharedindex.<id>` in `git_dir`, as git looks for it.
pub fn read(path: &Path, git_dir: &Path) -> Result<IndexFile, ReadError> {
    let Some(data) = load(path)? else {
        return Ok(IndexFile::empty());
    };
    let index = parse(&data).map_err(|problem| problem.at(path))?;
    match index.link {
        None => Ok(index.file),
        Some(link) => merge_shared(index.file, &link, git_dir),
    }
}

/// The whole file, or `None` if it does not exist.  Read, not mapped: a
/// mapped file truncated in place would fault (SIGBUS) instead of failing.
fn load(path: &Path) -> Result<Option<Vec<u8>>, ReadError> {
    let io = |error| ReadError::Io {
        path: path.to_path_buf(),
        error,
    };
    match std::fs::read(path) {
        Ok(data) => Ok(Some(data)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io(e)),
    }
}

struct Cursor<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(data: &'a [u8]) -> Self {
        Cursor { data, at: 0 }
    }
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

/// One index file as stored: a split index's entries are not yet merged
/// with its shared index.
struct Parsed {
    file: IndexFile,
    link: Option<Link>,
}

/// The `link` extension of a split index: the shared index's id, and which
/// of its entries this file deletes and replaces (EWAH bitmaps, raw).
struct Link {
    shared: Oid,
    bitmaps: Vec<u8>,
}

fn parse(data: &[u8]) -> Result<Parsed, Problem> {
    // The trailing checksum is not verified: git rewrote the file atomically.
    let Some(body_len) = data.len().checked_sub(OID_LEN).filter(|&n| n >= HEADER_LEN) else {
        return corrupt(format!(
            "{} bytes is shorter than an index header",
            data.len()
        ));
    };
    let body = &data[..body_len];
    let mut cursor = Cursor { data: body, at: 0 };
    if cursor.take(4) != Some(b"DIRC") {
        return corrupt("no DIRC signature");
    }
    let version = cursor.u32().unwrap_or_default();
    if !(2..=4).contains(&version) {
        return corrupt(format!("unknown index version {version}"));
    }
    let count = cursor.u32().unwrap_or_default() as usize;
    // Checked before anything is allocated for the entries.
    if count > (body.len() - HEADER_LEN) / MIN_ENTRY_LEN {
        return corrupt(format!(
            "it claims {count} entries, more than its {} bytes can hold",
            data.len()
        ));
    }
    let mut file = IndexFile {
        paths: Vec::with_capacity(count * 32),
        entries: Vec::with_capacity(count),
        cache_tree: None,
    };
    let mut previous: Range<usize> = 0..0;
    for number in 0..count {
        let Some(entry) = parse_entry(&mut cursor, version, &mut file.paths, &previous) else {
            return corrupt(format!(
                "entry {number} of {count} is truncated or malformed"
            ));
        };
        if entry.mode & MODE_TYPE == MODE_TREE {
            return Err(Problem::Unsupported(SPARSE.into()));
        }
        if memchr::memchr_iter(b'/', file.path(&entry)).count() >= MAX_DEPTH {
            return corrupt(format!(
                "entry {number} is nested over {MAX_DEPTH} directories deep"
            ));
        }
        previous = entry.path.clone();
        file.entries.push(entry);
    }
    let link = parse_extensions(&mut cursor, &mut file)?;
    Ok(Parsed { file, link })
}

/// The extensions after the entries: the cache-tree and a split index's
/// link are used; other optional ones (capitalised) are skipped.
fn parse_extensions(cursor: &mut Cursor, file: &mut IndexFile) -> Result<Option<Link>, Problem> {
    let mut link = None;
    while cursor.at < cursor.data.len() {
        let (Some(signature), Some(size)) = (cursor.take(4), cursor.u32()) else {
            return corrupt("an extension header is truncated");
        };
        let name = String::from_utf8_lossy(signature).into_owned();
        let Some(payload) = cursor.take(size as usize) else {
            return corrupt(format!("extension {name} runs past the end of the file"));
        };
        match signature {
            // A damaged cache-tree only costs speed: without it every
            // directory is compared with HEAD.
            b"TREE" => file.cache_tree = parse_cache_tree(&mut Cursor::new(payload)),
            b"link" => link = Some(parse_link(payload)?),
            b"sdir" => {
                return Err(Problem::Unsupported(SPARSE.into()));
            }
            _ if signature[0].is_ascii_uppercase() => {}
            _ => return Err(Problem::Unsupported(format!("index extension {name}"))),
        }
    }
    Ok(link)
}

fn parse_link(payload: &[u8]) -> Result<Link, Problem> {
    let Some(shared) = payload
        .get(..OID_LEN)
        .and_then(|id| Oid::from_bytes(id).ok())
    else {
        return corrupt("the link extension is too short");
    };
    Ok(Link {
        shared,
        bitmaps: payload[OID_LEN..].to_vec(),
    })
}

/// A split index: `sharedindex.<id>` holds most entries; this file says
/// which of them it deletes and replaces, and adds its own (git's
/// `merge_base_index`, Documentation/gitformat-index.txt).
fn merge_shared(split: IndexFile, link: &Link, git_dir: &Path) -> Result<IndexFile, ReadError> {
    if link.shared.is_zero() {
        return Ok(split); // "does not require a shared index"
    }
    let path = git_dir.join(format!("sharedindex.{}", link.shared));
    let fail = |reason: &str| Problem::Corrupt(reason.into()).at(&path);
    let Some(data) = load(&path)? else {
        return Err(fail("the split index's shared index is missing"));
    };
    // Its trailing checksum is the id the link names.
    if data.get(data.len().saturating_sub(OID_LEN)..) != Some(link.shared.as_bytes()) {
        return Err(fail("its checksum is not the one the split index names"));
    }
    let shared = parse_shared(&data).map_err(|problem| problem.at(&path))?;
    merge(split, &shared, &link.bitmaps).map_err(|reason| ReadError::Corrupt {
        path: git_dir.join("index"),
        reason: format!("split index: {reason}"),
    })
}

/// `read` over bytes in memory, for the fuzz target: `shared` stands for
/// the `sharedindex.<id>` file a split index links to (its checksum is not
/// compared with the link's id, so the fuzzer reaches the merge).
pub fn parse_bytes(data: &[u8], shared: Option<&[u8]>) -> Result<IndexFile, String> {
    let describe = |problem| match problem {
        Problem::Unsupported(feature) => format!("unsupported: {feature}"),
        Problem::Corrupt(reason) => format!("corrupt: {reason}"),
    };
    let split = parse(data).map_err(describe)?;
    let Some(link) = split.link else {
        return Ok(split.file);
    };
    let shared = parse_shared(shared.ok_or("no shared index")?).map_err(describe)?;
    merge(split.file, &shared, &link.bitmaps)
}

/// The `sharedindex.<id>` file a split index links to: never split itself.
fn parse_shared(data: &[u8]) -> Result<IndexFile, Problem> {
    match parse(data)? {
        Parsed { file, link: None } => Ok(file),
        Parsed { link: Some(_), .. } => corrupt("a shared index is itself split"),
    }
}

/// What an entry of the shared index becomes.
#[derive(Clone, Copy)]
enum Fate {
    Kept,
    Deleted,
    /// Replaced by the n-th entry of the split file.
    Replaced(usize),
}

fn merge(split: IndexFile, shared: &IndexFile, bitmaps: &[u8]) -> Result<IndexFile, String> {
    let mut fates = vec![Fate::Kept; shared.entries.len()];
    let mut replacements = 0;
    if !bitmaps.is_empty() {
        let mut cursor = Cursor::new(bitmaps);
        let deleted = ewah_bits(&mut cursor, fates.len()).ok_or("corrupt delete bitmap")?;
        let replaced = ewah_bits(&mut cursor, fates.len()).ok_or("corrupt replace bitmap")?;
        if cursor.at != bitmaps.len() {
            return Err("garbage after the bitmaps".into());
        }
        for position in replaced {
            fates[position] = Fate::Replaced(replacements);
            replacements += 1;
        }
        // Deleted wins over replaced, as in git.
        for position in deleted {
            fates[position] = Fate::Deleted;
        }
    }
    if replacements > split.entries.len() {
        return Err(format!(
            "{replacements} replacements but {} entries",
            split.entries.len()
        ));
    }
    let mut merged = IndexFile {
        paths: Vec::with_capacity(shared.paths.len() + split.paths.len()),
        entries: Vec::with_capacity(shared.entries.len() + split.entries.len()),
        cache_tree: None,
    };
    let mut kept = Vec::with_capacity(shared.entries.len());
    for (entry, fate) in shared.entries.iter().zip(&fates) {
        match *fate {
            Fate::Kept => kept.push((shared.path(entry), entry)),
            Fate::Deleted => {}
            Fate::Replaced(n) => {
                let new = &split.entries[n];
                if !split.path(new).is_empty() {
                    return Err(format!("replacement {n} has a name"));
                }
                kept.push((shared.path(entry), new));
            }
        }
    }
    let mut added = Vec::with_capacity(split.entries.len() - replacements);
    for entry in &split.entries[replacements..] {
        if split.path(entry).is_empty() {
            return Err("an added entry has no name".into());
        }
        added.push((split.path(entry), entry));
    }
    for (path, entry) in merge_sorted(kept, added) {
        merged.push(path, entry);
    }
    merged.cache_tree = split.cache_tree;
    Ok(merged)
}

type Named<'a> = (&'a [u8], &'a IndexEntry);

/// Both lists in index order (path, then stage) into one; an added entry
/// replaces a kept one at the same path and stage, and a merged (stage 0)
/// one replaces every stage of its path, as `add_index_entry` does.
fn merge_sorted<'a>(kept: Vec<Named<'a>>, added: Vec<Named<'a>>) -> Vec<Named<'a>> {
    let mut out = Vec::with_capacity(kept.len() + added.len());
    let mut kept = kept.into_iter().peekable();
    for new in added {
        while let Some(&old) = kept.peek() {
            let order = old.0.cmp(new.0).then(old.1.stage.cmp(&new.1.stage));
            if old.0 == new.0 && (new.1.stage == 0 || order.is_eq()) {
                kept.next(); // replaced
            } else if order.is_lt() {
                out.push(old);
                kept.next();
            } else {
                break;
            }
        }
        out.push(new);
    }
    out.extend(kept);
    out
}

impl IndexFile {
    fn push(&mut self, path: &[u8], entry: &IndexEntry) {
        let start = self.paths.len();
        self.paths.extend_from_slice(path);
        self.entries.push(IndexEntry {
            path: start..self.paths.len(),
            oid: entry.oid,
            mode: entry.mode,
            stage: entry.stage,
            intent_to_add: entry.intent_to_add,
        });
    }
}

/// The set bits of one of git's EWAH bitmaps (`ewah/ewah_io.c`: bit count,
/// word count, big-endian 64-bit words, position of the last run word), in
/// increasing order; `None` if malformed or a bit is not below `limit`.
/// A run word holds the run's bit (bit 0), its length in words (the next
/// 32 bits) and how many literal words follow (the top 31).
fn ewah_bits(cursor: &mut Cursor, limit: usize) -> Option<Vec<usize>> {
    let _bit_count = cursor.u32()?;
    let words = cursor.u32()? as usize;
    let data = cursor.take(words.checked_mul(8)?)?;
    let _last_run_word = cursor.u32()?;
    let mut words = data
        .chunks_exact(8)
        .map(|w| u64::from_be_bytes(w.try_into().expect("8 bytes")));
    let mut bits = Vec::new();
    let mut position: usize = 0;
    while let Some(run) = words.next() {
        let run_bits = usize::try_from((run >> 1) & 0xFFFF_FFFF)
            .ok()?
            .checked_mul(64)?;
        let end = position.checked_add(run_bits)?;
        if run & 1 == 1 {
            if end > limit {
                return None;
            }
            bits.extend(position..end);
        }
        position = end;
        for _ in 0..(run >> 33) {
            let literal = words.next()?;
            for bit in (0..64).filter(|bit| literal >> bit & 1 == 1) {
                let at = position.checked_add(bit)?;
                if at >= limit {
                    return None;
                }
                bits.push(at);
            }
            position = position.checked_add(64)?;
        }
    }
    Some(bits)
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
/// Iterative: a hostile file's nesting must not overflow the stack.
fn parse_cache_tree(cursor: &mut Cursor) -> Option<CacheTree> {
    // Each open directory, with how many children it still has to read.
    let mut open = vec![parse_cache_tree_node(cursor)?];
    loop {
        let depth = open.len();
        let (_, unread) = open.last_mut()?;
        if *unread > 0 {
            if depth > MAX_DEPTH {
                return None;
            }
            *unread -= 1;
            let child = parse_cache_tree_node(cursor)?;
            open.push(child);
            continue;
        }
        let (done, _) = open.pop()?;
        match open.last_mut() {
            Some((parent, _)) => parent.children.push(done),
            None => return Some(done),
        }
    }
}

fn parse_cache_tree_node(cursor: &mut Cursor) -> Option<(CacheTree, usize)> {
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
    // Each child takes at least 5 bytes (NUL, "-1 0", LF).
    if subtrees > (cursor.data.len() - cursor.at) / 5 {
        return None;
    }
    let tree = CacheTree {
        name,
        oid,
        children: Vec::new(),
    };
    Some((tree, subtrees))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ewah(words: &[u64]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(words.len() as u32 * 64).to_be_bytes());
        out.extend_from_slice(&(words.len() as u32).to_be_bytes());
        for word in words {
            out.extend_from_slice(&word.to_be_bytes());
        }
        out.extend_from_slice(&0u32.to_be_bytes());
        out
    }

    #[test]
    fn ewah_runs_and_literals() {
        // A run of one word of ones, then one literal word: bits 64 and 66.
        let run = 1 | (1 << 1) | (1 << 33);
        let data = ewah(&[run, 0b101]);
        let bits = ewah_bits(&mut Cursor::new(&data), 200).unwrap();
        let mut expected: Vec<usize> = (0..64).collect();
        expected.extend([64, 66]);
        assert_eq!(bits, expected);
        // A bit past the entries, or a literal word that is not there.
        assert!(ewah_bits(&mut Cursor::new(&data), 65).is_none());
        assert!(ewah_bits(&mut Cursor::new(&ewah(&[1 << 33])), 200).is_none());
        // A run of 2^32 words of ones is refused, not enumerated.
        assert!(ewah_bits(&mut Cursor::new(&ewah(&[u64::MAX >> 31])), 200).is_none());
    }

    #[test]
    fn impossible_counts_are_corrupt_before_any_allocation() {
        let mut data = b"DIRC\0\0\0\x02\xff\xff\xff\xff".to_vec();
        data.extend_from_slice(&[0; OID_LEN]);
        assert!(matches!(parse(&data), Err(Problem::Corrupt(r)) if r.contains("4294967295")));
        assert!(matches!(parse(b"DIRC"), Err(Problem::Corrupt(_))));
    }

    #[test]
    fn a_deep_cache_tree_is_no_stack_overflow() {
        let mut payload = Vec::new();
        for _ in 0..100_000 {
            payload.extend_from_slice(b"d\0-1 1\n");
        }
        payload.extend_from_slice(b"d\0-1 0\n");
        // Deeper than any path: ignored (it only saves reading trees).
        assert!(parse_cache_tree(&mut Cursor::new(&payload)).is_none());
        let shallow = &payload[payload.len() - 7 * 100..];
        let mut tree = parse_cache_tree(&mut Cursor::new(shallow)).unwrap();
        let mut depth = 0;
        while let Some(child) = tree.children.pop() {
            tree = child;
            depth += 1;
        }
        assert_eq!(depth, 99);
    }
}
