//! The git index reader (`scan --staged` reads `.git/index` itself): any
//! bytes give an index or a refusal, never a panic or a huge allocation.
#![no_main]

use keylint::sources::git_index;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = git_index::parse(data);
});
