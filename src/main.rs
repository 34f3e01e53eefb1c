//! Thin entry point: parse arguments, run, map the outcome to an exit code
//! (0 nothing found, 1 findings, 2 error).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = keylint::app::cli::Cli::parse();
    match keylint::app::run(cli) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(error) => {
            // Errors name paths and git objects from the scanned data.
            let message = format!("{error:#}");
            eprintln!(
                "keylint: error: {}",
                keylint::report::escape::terminal(&message)
            );
            ExitCode::from(2)
        }
    }
}
