//! The `modsim` binary: parses arguments, runs the command, maps the outcome to an exit code.

mod args;
mod chart;
mod check;
mod commands;
mod diagnostics;
mod diff;
mod exercises;
mod files;
mod html;
mod prose;
mod render;
mod schema;
mod templates;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    let matches = args::Cli::command().get_matches();
    match args::Cli::from_arg_matches(&matches) {
        Ok(cli) => {
            let verbosity = commands::Verbosity {
                quiet: cli.quiet,
                verbose: cli.verbose,
            };
            commands::dispatch(cli.command, &matches, verbosity)
        }
        Err(e) => e.exit(),
    }
}
