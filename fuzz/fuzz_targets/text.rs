//! Text decoding before the engine (UTF-16 with or without a BOM, UTF-8
//! BOM): any bytes decode or pass through unchanged, never a panic; the
//! borrowed and owned paths agree.
#![no_main]

use keylint::sources::text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let owned = text::decode_text(data.to_vec());
    let borrowed = text::decoded(data);
    assert_eq!(owned, &*borrowed, "decode_text and decoded agree");
});
