//! The commands: each parses nothing itself (that is `cli`) and builds
//! nothing by hand (that is `pipeline`); this file only sends a command to
//! its function.  Errors returned from here exit with code 2.

pub mod blob_scan;
pub mod cli;
pub mod config;
pub mod hooks;
mod output;
pub mod pipeline;
mod rule_commands;
mod scan_commands;

use std::path::Path;

use anyhow::{Context, Result};

use cli::{Cli, Command, ConfigCommand, HookCommand, RulesCommand};
use config::STARTER_CONFIG;
use hooks::HookKind;

/// How a successful run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    /// Findings were reported (or a rule file failed its own examples).
    Findings,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
        }
    }
}

pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Scan(args) if args.staged => scan_commands::staged(args),
        Command::Scan(args) => scan_commands::scan(args),
        Command::History(args) => scan_commands::history(args),
        Command::Baseline(args) => scan_commands::baseline(args),
        Command::Config {
            command: ConfigCommand::Init { output, force },
        } => config_init(&output, force),
        Command::Rules {
            command: RulesCommand::List { rules, format },
        } => rule_commands::list_rules(&rules, format),
        Command::Rules {
            command: RulesCommand::Check { files },
        } => rule_commands::check_rules(&files),
        Command::Hook { command } => hook(command),
    }
}

fn config_init(output: &Path, force: bool) -> Result<Outcome> {
    if output.exists() && !force {
        anyhow::bail!(
            "{} already exists (use --force to overwrite)",
            output.display()
        );
    }
    std::fs::write(output, STARTER_CONFIG)
        .with_context(|| format!("cannot write {}", output.display()))?;
    eprintln!("keylint: wrote {}", output.display());
    Ok(Outcome::Clean)
}

fn hook(command: HookCommand) -> Result<Outcome> {
    let kind = |pre_push| {
        if pre_push {
            HookKind::PrePush
        } else {
            HookKind::PreCommit
        }
    };
    let message = match command {
        HookCommand::Install {
            pre_push,
            force,
            repo,
        } => hooks::install(&repo, kind(pre_push), force)?,
        HookCommand::Uninstall { pre_push, repo } => hooks::uninstall(&repo, kind(pre_push))?,
    };
    eprintln!("keylint: {message}");
    Ok(Outcome::Clean)
}
