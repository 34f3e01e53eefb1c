//! The git index reader (`scan --staged` reads `.git/index` itself, split
//! indexes included): any bytes give an index or a refusal, never a panic,
//! a stack overflow or a huge allocation. The input is a split index and,
//! after the first `\0\0\0\0SHARED` marker, the shared index it links to.
#![no_main]

use keylint::sources::git_index;
use libfuzzer_sys::fuzz_target;

const MARKER: &[u8] = b"\0\0\0\0SHARED";

fuzz_target!(|data: &[u8]| {
    let (split, shared) = match data.windows(MARKER.len()).position(|w| w == MARKER) {
        Some(at) => (&data[..at], Some(&data[at + MARKER.len()..])),
        None => (data, None),
    };
    let _ = git_index::parse_bytes(split, shared);
});
