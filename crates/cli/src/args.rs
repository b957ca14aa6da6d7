//! The command line: raw arguments as clap reads them, and their validation into the
//! settings a command runs with.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const RUN_EXAMPLES: &str = "\
Examples:
  modsim run
      Replay the embedded seed: the AWS suspension of Parler, January 2021.
  modsim run seeds/parler-aws-2021 --format json
      The same, as JSON (schema in docs/json-output.md).
  modsim run --without '6.1(a)' --without '6.1(b)' --without '7.2(b)(ii)'
      Parler's reading: the immediate clauses taken out.
  modsim run seeds/parler-aws-2021-parler-account --assume aws_determined_risk=true
      Parler's account of the facts, with AWS's judgment call read for AWS.
  modsim run --explain 7.2(b)(ii)
      The derivation of one power's earliest instant.";

const RECONSTRUCT_EXAMPLES: &str = "\
Examples:
  modsim reconstruct aws
      Print the committed reconstruction of the 98 reports (seeds/parler-aws-2021/posts.csv).
  modsim reconstruct parler-account --output seeds/parler-aws-2021-parler-account/posts.csv
      Regenerate Parler's account of the same reports.";

/// modsim: replay moderation disputes against the rules that governed them.
#[derive(Debug, Parser)]
#[command(
    name = "modsim",
    version,
    about = "Replay moderation disputes against the rules that governed them",
    long_about = "Replay moderation disputes against the rules that governed them.\n\n\
        Terms of service and hosting contracts are encoded as TOML policies; a scenario is a \
        timeline of posts, reports, notices and actions. `modsim run` says, for every action, \
        whether the rules permitted it, on which clause, from when, and why.",
    after_help = "Exit codes: 0 done; 2 bad input or usage (the message names the file, line and column)."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay a scenario and judge every action in its timeline.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Regenerate the reconstructed posts of the seed scenario from the documented generator.
    #[command(after_help = RECONSTRUCT_EXAMPLES)]
    Reconstruct(ReconstructArgs),
    /// Check policies and scenarios: every error and warning, with file, line and column.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Print the JSON Schema of a file kind, for TOML editors (Taplo, Even Better TOML).
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema(SchemaArgs),
}

const CHECK_EXAMPLES: &str = "\
Examples:
  modsim check policies seeds
      Check every policy and scenario under the two folders (exit 0: no errors).
  modsim check my-policy.toml --deny-warnings
      Fail on warnings too (the domain lints of docs/lints.md).
  modsim check seeds --error-format json
      The problems as JSON, for editors and graders (docs/json-output.md).

Exit codes: 0 no errors (warnings allowed); 1 warnings, with --deny-warnings; 2 errors.";

const SCHEMA_EXAMPLES: &str = "\
Examples:
  modsim schema policy > schemas/policy.schema.json
      The schema the shipped policies name in their `#:schema` first line.";

/// Arguments of `modsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Policy and scenario files, or folders to search for `.toml` files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Fail (exit 1) when there are warnings, even with no error.
    #[arg(long)]
    pub deny_warnings: bool,
    /// How to write the problems found.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
    pub error_format: ErrorFormat,
}

/// How errors and warnings are written (to standard error).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ErrorFormat {
    /// For people: the file excerpt, the value underlined, the fix.
    #[default]
    Human,
    /// For machines: one JSON document (`modsim.diagnostics/1`, docs/json-output.md).
    Json,
}

/// Arguments of `modsim schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file kind.
    #[arg(value_enum)]
    pub kind: SchemaKind,
}

/// The file kinds with a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// A policy file (`policies/*.toml`).
    Policy,
    /// A scenario file (`seeds/*/scenario.toml`).
    Scenario,
}

/// Arguments of `modsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario: a `scenario.toml`, or a folder holding one. Default: the embedded seed,
    /// seeds/parler-aws-2021.
    pub scenario: Option<PathBuf>,
    /// Judge under this policy file instead of the scenario's own (repeatable).
    #[arg(long = "policy", value_name = "FILE")]
    pub policies: Vec<PathBuf>,
    /// Take a clause out for this run, by id, e.g. `7.2(b)(ii)` (repeatable).
    #[arg(long, value_name = "CLAUSE")]
    pub without: Vec<String>,
    /// Set a parameter, e.g. `cure_period="10 business days"` (repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Read a judgment call one way, e.g. `aws_determined_risk=true` (repeatable).
    #[arg(long, value_name = "NAME=true|false")]
    pub assume: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Show derivation trees: of every verdict (no value), of one power (a clause id), or of
    /// the verdicts of one action (`suspend`).
    #[arg(long, value_name = "WHAT", num_args = 0..=1, default_missing_value = "verdicts")]
    pub explain: Option<String>,
    /// How to write errors and warnings.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
    pub error_format: ErrorFormat,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people at a terminal.
    Text,
    /// For machines: the schema of docs/json-output.md.
    Json,
}

/// Arguments of `modsim reconstruct`.
#[derive(Debug, Args)]
pub struct ReconstructArgs {
    /// Which account of the facts: AWS's (`aws`) or Parler's (`parler-account`).
    #[arg(value_enum)]
    pub which: Account,
    /// The generator's seed.
    #[arg(long, default_value_t = modsim_sim::reconstruct::SEED)]
    pub seed: u64,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The two accounts of the reported posts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Account {
    /// The committed reconstruction of the AWS reports.
    Aws,
    /// Parler's account: every reported post removed within hours.
    ParlerAccount,
}

/// Splits `NAME=VALUE`.
pub fn name_value(text: &str, flag: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((
            name.trim().to_owned(),
            value.trim().trim_matches('"').to_owned(),
        )),
        _ => Err(format!("`{flag} {text}` is not of the form NAME=VALUE")),
    }
}

/// Reads `true` or `false`.
pub fn boolean(text: &str, flag: &str, name: &str) -> Result<bool, String> {
    match text {
        "true" | "yes" => Ok(true),
        "false" | "no" => Ok(false),
        _ => Err(format!(
            "`{flag} {name}={text}`: expected `true` or `false`"
        )),
    }
}
