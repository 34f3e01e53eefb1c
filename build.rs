//! Embeds every `rules/*.toml` and `rules/providers/*.toml` into the binary:
//! adding a rule file needs no code change, and the list is sorted so builds
//! are reproducible.

use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files = toml_files(&rules_dir);
    files.extend(toml_files(&rules_dir.join("providers")));
    files.sort();
    let mut out = String::from("pub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.strip_prefix(&rules_dir).unwrap().to_string_lossy();
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("builtin_rules.rs");
    fs::write(dest, out).expect("write builtin_rules.rs");
}

/// The `.toml` files directly in `dir` (none if it does not exist).
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        // Data for src/engine/known_values.rs, not a rule file.
        .filter(|path| !path.ends_with("known-test-values.toml"))
        .collect()
}
