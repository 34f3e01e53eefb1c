//! The engine with every built-in rule on arbitrary bytes: the whole
//! per-blob path (keyword pass, planned regex searches, positions,
//! snippets, fingerprints, project facts) must not panic or hang.
#![no_main]

use std::sync::LazyLock;

use keylint::app::blob_scan::{BlobScanner, Collected};
use keylint::engine::Engine;
use keylint::model::Origin;
use keylint::rules::RuleSet;
use keylint::sources::{BlobSink, NoContext};
use libfuzzer_sys::fuzz_target;

static ENGINE: LazyLock<Engine> =
    LazyLock::new(|| Engine::new(RuleSet::builtin().expect("built-in rules")).expect("engine"));

fuzz_target!(|data: &[u8]| {
    let origin = Origin {
        path: "fuzz/input.txt".into(),
        root_relative: "fuzz/input.txt".into(),
        commit: None,
    };
    let scanner = BlobScanner {
        engine: &ENGINE,
        collect_markers: true,
    };
    let mut result = Collected::default();
    scanner.blob(&mut result, &origin, data, &NoContext);
});
