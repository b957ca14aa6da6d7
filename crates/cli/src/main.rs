//! The `modsim` binary: parses arguments, runs the command, maps the outcome to an exit code.

mod args;
mod commands;
mod files;
mod render;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    commands::dispatch(cli.command)
}
