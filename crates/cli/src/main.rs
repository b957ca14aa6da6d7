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
mod output;
mod prose;
mod render;
mod schema;
mod serve;
mod templates;
mod timeline;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    let matches = match args::Cli::command().try_get_matches() {
        Ok(matches) => matches,
        Err(e) => return usage(&e),
    };
    match args::Cli::from_arg_matches(&matches) {
        Ok(cli) => {
            let verbosity = commands::Verbosity {
                quiet: cli.quiet,
                verbose: cli.verbose,
            };
            commands::dispatch(cli.command, &matches, verbosity)
        }
        Err(e) => usage(&e),
    }
}

/// Help, the version, or a usage error, written without panicking; clap's exit code.
fn usage(e: &clap::Error) -> ExitCode {
    let text = e.render().ansi().to_string();
    if e.use_stderr() {
        output::eprint(&text);
    } else if let Err(message) = output::print(&text, true) {
        output::eprint(&format!("error: {message}\n"));
        return ExitCode::from(2);
    }
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}
