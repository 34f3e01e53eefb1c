//! `.keylint.toml` parsing: any text gives a config or an error, never a
//! panic.
#![no_main]

use std::path::Path;

use keylint::app::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Config::parse(Path::new("/fuzz/.keylint.toml"), text);
    }
});
