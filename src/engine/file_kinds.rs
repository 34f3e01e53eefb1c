//! What kind of file a path names, for rules that only make sense in some
//! (a rule's `file_kinds`): an unquoted `name: value` is a setting in YAML
//! or a `.env` file but an object field or a type annotation in TypeScript
//! (`apiKey: SensitiveString2048;`), where only a string literal holds a
//! secret.  Judged from the file name alone: keylint never runs a program
//! to find out, and the engine itself never knows paths.

pub use crate::rules::FileKind;

const CODE: &[&str] = &[
    "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "py", "pyi", "go", "java", "kt", "kts",
    "scala", "groovy", "rb", "php", "cs", "fs", "vb", "c", "h", "cc", "cpp", "cxx", "hpp", "hh",
    "m", "mm", "rs", "swift", "dart", "lua", "pl", "pm", "r", "jl", "ex", "exs", "erl", "clj",
    "vue", "svelte", "map", "coffee", "elm", "hs", "ml", "zig", "nim", "sol",
];
const CONFIG: &[&str] = &[
    "yaml",
    "yml",
    "env",
    "properties",
    "ini",
    "cfg",
    "conf",
    "config",
    "toml",
    "tfvars",
    "hcl",
    "tf",
    "cnf",
    "npmrc",
    "pypirc",
    "netrc",
    "pgpass",
    "editorconfig",
    "envrc",
    "service",
];
const SHELL: &[&str] = &[
    "sh", "bash", "zsh", "ksh", "fish", "ps1", "bat", "cmd", "mk",
];
const DOCS: &[&str] = &[
    "md", "markdown", "rst", "txt", "adoc", "asciidoc", "org", "textile",
];
const DATA: &[&str] = &[
    "json", "jsonc", "json5", "xml", "csv", "tsv", "plist", "ipynb", "html", "htm",
];

/// The kind of the file at `path` (a `/`-separated path, or `<stdin>`).
pub fn classify(path: &str) -> FileKind {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    if name.starts_with(".env") || name.ends_with(".env") || name.contains(".env.") {
        return FileKind::Config;
    }
    if matches!(
        name.as_str(),
        "dockerfile" | "containerfile" | "makefile" | "jenkinsfile" | "procfile"
    ) || name.starts_with("dockerfile.")
    {
        return FileKind::Shell;
    }
    let Some((_, extension)) = name.rsplit_once('.') else {
        return FileKind::Other;
    };
    let extension = extension.trim_end_matches('~');
    let in_list = |list: &[&str]| list.contains(&extension);
    if in_list(CODE) {
        FileKind::Code
    } else if in_list(CONFIG) {
        FileKind::Config
    } else if in_list(SHELL) {
        FileKind::Shell
    } else if in_list(DOCS) {
        FileKind::Docs
    } else if in_list(DATA) {
        FileKind::Data
    } else {
        FileKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified_by_name() {
        assert_eq!(classify("app/.env"), FileKind::Config);
        assert_eq!(classify("app/.env.production"), FileKind::Config);
        assert_eq!(classify("deploy/values.yaml"), FileKind::Config);
        assert_eq!(classify("src/index.d.ts"), FileKind::Code);
        assert_eq!(classify("pkg/client.py"), FileKind::Code);
        assert_eq!(classify("README.md"), FileKind::Docs);
        assert_eq!(classify("Dockerfile"), FileKind::Shell);
        assert_eq!(classify("env/svc00"), FileKind::Other);
        assert_eq!(classify("<stdin>"), FileKind::Other);
    }
}
