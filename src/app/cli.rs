//! Command-line definitions only (clap); behaviour lives in `app.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::size::parse_size;
use crate::report::Format;
use crate::rules::Confidence;

#[derive(Debug, Parser)]
#[command(
    name = "keylint",
    version,
    about = "Find hardcoded secrets and mismatched OpenAI project IDs in code and git history",
    after_help = "Exit codes: 0 nothing found, 1 findings, 2 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories (a `-` reads standard input), or with
    /// `--staged` what `git commit` would record.
    Scan(ScanArgs),
    /// Scan every blob in a git repository's history, each blob once.
    History(HistoryArgs),
    /// Record the current findings' fingerprints so later runs report only new ones.
    Baseline(BaselineArgs),
    /// Work with `.keylint.toml`.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// List the rules, or check a rule file.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Install or remove keylint's own git hooks (for repositories that
    /// don't use the pre-commit framework).
    Hook {
        #[command(subcommand)]
        command: HookCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Write `.git/hooks/pre-commit` (or `pre-push`) running keylint; the
    /// hooks directory honours `core.hooksPath` and linked worktrees.
    Install {
        /// Install the pre-push hook (`keylint history --pre-push`) instead.
        #[arg(long)]
        pre_push: bool,
        /// Replace a hook keylint did not write (it is kept as `*.keylint-backup`).
        #[arg(long)]
        force: bool,
        /// The repository.
        #[arg(default_value = ".", value_name = "REPO")]
        repo: PathBuf,
    },
    /// Remove keylint's hook (only one carrying keylint's marker line).
    Uninstall {
        /// Remove the pre-push hook instead.
        #[arg(long)]
        pre_push: bool,
        /// The repository.
        #[arg(default_value = ".", value_name = "REPO")]
        repo: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Print every rule: id, provider, severity, name.
    List {
        /// Extra rule files to load alongside the built-in rules.
        #[arg(long = "rules", value_name = "FILE")]
        rules: Vec<PathBuf>,
        /// Output format: a table for people, or JSON for scripts.
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Validate rule files and run their examples and counter-examples.
    Check {
        /// Rule files (TOML, the format of `rules/*.toml`) to check.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented starter `.keylint.toml`.
    Init {
        /// Where to write it.
        #[arg(
            long,
            short = 'o',
            default_value = ".keylint.toml",
            value_name = "FILE"
        )]
        output: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".", value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The baseline file to write.
    #[arg(
        long,
        short = 'o',
        default_value = ".keylint-baseline.json",
        value_name = "FILE"
    )]
    pub output: PathBuf,

    /// Merge into the existing file: keep entries (and their comments) still
    /// found, add new findings, drop entries whose findings are gone.
    #[arg(long)]
    pub update: bool,

    #[command(flatten)]
    pub engine: EngineArgs,

    #[command(flatten)]
    pub config: ConfigArgs,

    /// Follow symbolic links (loops are detected and reported).
    #[arg(long)]
    pub follow: bool,

    /// Also scan files that .gitignore / .ignore exclude.
    #[arg(long)]
    pub no_ignore: bool,
}

/// Which `.keylint.toml` applies.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Use this config file instead of discovering `.keylint.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any `.keylint.toml`.
    #[arg(long)]
    pub no_config: bool,
}

/// Suppression options shared by every scanning command.
#[derive(Debug, Args)]
pub struct SuppressArgs {
    #[command(flatten)]
    pub config: ConfigArgs,

    /// Report only findings whose fingerprint is not in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Ignore other scanners' markers (gitleaks:allow, pragma: allowlist secret, trufflehog:ignore).
    #[arg(long)]
    pub no_foreign_allow: bool,

    /// Also list suppressed findings, with what suppressed them.
    #[arg(long)]
    pub show_suppressed: bool,

    /// List allow entries, inline markers and baseline entries that suppressed nothing.
    #[arg(long)]
    pub report_unused: bool,

    /// Report only findings at least this sure to be credentials (high:
    /// distinctive prefix or checksum; medium: provider name near a token;
    /// low: the generic catch-alls and known test values).
    #[arg(long, default_value = "low", value_name = "LEVEL", value_parser = confidence_levels())]
    pub min_confidence: Confidence,
}

/// `--min-confidence` values.  `Confidence` lives with the rule model,
/// which build.rs compiles without clap, so the values are listed here.
fn confidence_levels() -> impl clap::builder::TypedValueParser<Value = Confidence> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new([
        PossibleValue::new("low")
            .help("Everything, also the generic catch-alls and known test values"),
        PossibleValue::new("medium")
            .help("A provider name near a token of its shape, credential files"),
        PossibleValue::new("high").help("A distinctive prefix or a checksum"),
    ])
    .map(|level| match level.as_str() {
        "high" => Confidence::High,
        "medium" => Confidence::Medium,
        _ => Confidence::Low,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One aligned line per rule: id, provider, kind, severity, name.
    Human,
    /// A JSON array of every rule's metadata.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colors on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always color (wins over NO_COLOR).
    Always,
    /// Never color.
    Never,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input.
    #[arg(default_value = ".", value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub engine: EngineArgs,

    #[command(flatten)]
    pub suppress: SuppressArgs,

    /// Follow symbolic links (loops are detected and reported).
    #[arg(long)]
    pub follow: bool,

    /// Also scan files that .gitignore / .ignore exclude.
    #[arg(long)]
    pub no_ignore: bool,

    /// Do not descend into directories on another file system than the PATH they are under.
    #[arg(long)]
    pub one_file_system: bool,

    /// Scan what is staged in the git index (what `git commit` would record),
    /// reporting only secrets on added or changed lines. PATH is the repository.
    #[arg(long)]
    pub staged: bool,

    /// With --staged: report secrets anywhere in the staged files, not only
    /// on the lines the commit adds or changes.
    #[arg(long, requires = "staged")]
    pub whole_files: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The repository (a work tree, any directory inside one, or a bare repository).
    #[arg(default_value = ".", value_name = "REPO")]
    pub repo: PathBuf,

    /// Scan only what these refs reach (repeatable; default: every branch,
    /// tag, remote-tracking ref and stash entry, and HEAD).
    #[arg(long = "branch", value_name = "REF")]
    pub branches: Vec<String>,

    /// Scan only commits not reachable from REV (what a push or PR adds).
    #[arg(long, value_name = "REV", conflicts_with = "range")]
    pub since: Option<String>,

    /// Scan only commits in A..B (reachable from B, not from A).
    #[arg(long, value_name = "A..B", conflicts_with = "branches")]
    pub range: Option<String>,

    /// Scan what a `git push` adds, as a pre-push hook does: the refs git
    /// writes on standard input (`<local ref> <local sha> <remote ref>
    /// <remote sha>`), or the pre-commit framework's PRE_COMMIT_FROM_REF /
    /// PRE_COMMIT_TO_REF; a new branch scans the commits no remote-tracking
    /// ref holds.
    #[arg(long, conflicts_with_all = ["since", "range", "branches"])]
    pub pre_push: bool,

    /// With --pre-push: the remote pushed to (git gives the hook its name as $1).
    #[arg(long, value_name = "NAME", requires = "pre_push")]
    pub remote: Option<String>,

    /// List every other commit and path that carries a found secret's blob.
    #[arg(long)]
    pub all_occurrences: bool,

    /// Show the progress bar even when standard error is not a terminal.
    #[arg(long)]
    pub progress: bool,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub engine: EngineArgs,

    #[command(flatten)]
    pub suppress: SuppressArgs,
}

/// Options shared by every command that runs the engine.
#[derive(Debug, Args)]
pub struct EngineArgs {
    /// Skip (and report) files larger than this: bytes, or with a K/M/G suffix [default: 25MiB].
    #[arg(long, value_parser = parse_size, value_name = "SIZE")]
    pub max_file_size: Option<u64>,

    /// Scan binary files too (by default files with a NUL byte are skipped).
    #[arg(long)]
    pub include_binary: bool,

    /// Extra rule files, added to the built-in rules.
    #[arg(long = "rules", value_name = "FILE")]
    pub rules: Vec<PathBuf>,

    /// Worker threads, 1 to 1024 (default: one per core; at most 4 per core are used).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,

    /// OpenAI projects and keys from the Administration API: keys are
    /// checked against the project and organization that own them.
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,

    /// Experimental, off by default until structure-aware decoding,
    /// notebooks and archives land: decode base64, string escapes and
    /// percent-encoding, up to N layers within each other, and scan the
    /// decoded text (findings point at the encoded run).
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=64))]
    pub decode_depth: u8,

    /// Decoded bytes per blob, all layers together (with --decode-depth).
    #[arg(long, value_parser = parse_size, value_name = "SIZE", default_value = "4MiB")]
    pub decode_budget: u64,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report here instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print secrets in full (they are redacted by default).
    #[arg(long)]
    pub no_redact: bool,

    /// Color the human report: auto = only on a terminal and without NO_COLOR.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The default `--max-file-size`.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 25 << 20;
