//! The `modsim` binary: parses arguments, runs the command, maps the outcome to an exit code.

mod args;
mod check;
mod commands;
mod diagnostics;
mod files;
mod render;
mod schema;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    commands::dispatch(cli.command)
}
