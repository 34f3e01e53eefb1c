//! The rule-file loader: parse, validate and compile a user rule file,
//! then run the engine it builds over its own text.
#![no_main]

use keylint::engine::Engine;
use keylint::rules::{RuleSet, RuleSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = RuleSource {
        origin: "fuzz.toml".into(),
        text: text.to_string(),
        eager: true,
    };
    let mut set = RuleSet::default();
    if set.add_source(&source).is_err() {
        return;
    }
    if let Ok(engine) = Engine::new(set) {
        let _ = engine.find(data);
    }
});
