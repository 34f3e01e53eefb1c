//! The project-binding fact extractors: each structured-config parser
//! (env, shell, INI, JSON, YAML, TOML, code windows) on arbitrary bytes,
//! through the scan of one blob (which extracts the facts) and the
//! cross-file check.
#![no_main]

use std::sync::LazyLock;

use keylint::app::blob_scan::{BlobScanner, Collected};
use keylint::engine::Engine;
use keylint::model::Origin;
use keylint::projects::{self, scope};
use keylint::rules::RuleSet;
use keylint::sources::{BlobSink, NoContext};
use libfuzzer_sys::fuzz_target;

static ENGINE: LazyLock<Engine> =
    LazyLock::new(|| Engine::new(RuleSet::builtin().expect("built-in rules")).expect("engine"));

/// One name per file kind the extractors tell apart.
const NAMES: &[&str] = &[
    ".env",
    "run.sh",
    "app.ini",
    "config.json",
    "config.yaml",
    "config.toml",
    "app.py",
    "notebook.ipynb",
    ".firebaserc",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    let _ = scope::scopes(scope::FileKind::of(name), bytes);
    let origin = Origin {
        path: name.into(),
        root_relative: name.into(),
        commit: None,
    };
    let scanner = BlobScanner {
        engine: &ENGINE,
        collect_markers: true,
    };
    let mut result = Collected::default();
    scanner.blob(&mut result, &origin, bytes, &NoContext);
    let _ = projects::check(ENGINE.rule_set(), &result.project_facts, None);
});
