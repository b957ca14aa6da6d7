//! The command line: raw arguments as clap reads them, and their validation into the
//! settings a command runs with.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod examples;

use examples::*;

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
    after_help = "Exit codes: 0 done; 1 a `modsim test` case failed; 2 bad input or usage\n(the message names the file, line and column).",
    max_term_width = 80
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Say less: no warnings, no progress bar.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more: what was read and compiled, on standard error.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay a scenario and judge every action in its timeline.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Replay a scenario under a baseline and alternatives, differences first.
    #[command(after_help = COMPARE_EXAMPLES)]
    Compare(CompareArgs),
    /// Sweep a grid of parameters, with Monte Carlo replicates drawn from the scenario's model.
    #[command(after_help = SWEEP_EXAMPLES)]
    Sweep(SweepArgs),
    /// Merge the shards of a sweep into exactly the whole sweep's output.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
    /// Run exercise and test files and check their expected results.
    #[command(after_help = TEST_EXAMPLES)]
    Test(TestArgs),
    /// Write a commented starting file: a policy, a scenario, or an exercise.
    #[command(after_help = NEW_EXAMPLES)]
    New(NewArgs),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Regenerate the reconstructed posts of the seed scenario from the documented generator.
    #[command(after_help = RECONSTRUCT_EXAMPLES)]
    Reconstruct(ReconstructArgs),
    /// Check policies and scenarios: every error and warning, with file, line and column.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Search for the smallest timeline on which two policies (or a policy and a reform) part.
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Print the JSON Schema of a file kind, for TOML editors (Taplo, Even Better TOML).
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema(SchemaArgs),
    /// Serve the classroom in a browser (on the loopback unless --listen).
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
}

/// Arguments of `modsim serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Scenarios to offer (files, or folders searched for them). Default: the embedded seeds.
    #[arg(value_name = "SCENARIO_OR_FOLDER")]
    pub paths: Vec<PathBuf>,
    /// Listen on this address instead of the loopback (anyone on that network can use it).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// The port on the loopback (0: any free port).
    #[arg(long, default_value_t = 8017)]
    pub port: u16,
    /// Offer the exercises of this folder instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub exercises: Option<PathBuf>,
    /// Grade exercises against the keys in this folder (`ID.toml`); they stay on the server.
    #[arg(long, value_name = "DIR")]
    pub answers_dir: Option<PathBuf>,
    /// Read and check everything it would serve, say what, and stop without serving.
    #[arg(long)]
    pub check: bool,
}

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

/// Arguments of `modsim diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Side A, the baseline: a policy file.
    #[arg(value_name = "A")]
    pub a: PathBuf,
    /// Side B: a policy file, or a reform file (applied to A).
    #[arg(value_name = "B")]
    pub b: PathBuf,
    /// Start from this scenario's timeline and its `[model]` (a file, or a folder holding
    /// `scenario.toml`); its `[roles]` bind both sides.
    #[arg(long, value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Try at most this many timelines (default 100000).
    #[arg(long, value_name = "N", conflicts_with = "time")]
    pub budget: Option<u64>,
    /// Search for at most this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub time: Option<f64>,
    /// The seed of the timelines' streams.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Threads (0: one per core; at most 4 per core). The answer does not depend on it.
    #[arg(long, default_value_t = 0)]
    pub jobs: usize,
    /// Output format; `toml` writes the timeline found as a scenario file for `modsim run`.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Write the output to this file (whole or not at all) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// How to write errors and warnings.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
    pub error_format: ErrorFormat,
}

/// Output formats of `modsim diff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For people: the timeline, where the sides part, and both sides' explanations.
    Text,
    /// For machines: `modsim.diff/1` (docs/json-output.md), with both sides' reports.
    Json,
    /// The timeline found, as a scenario file that `modsim run` replays.
    Toml,
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
    /// A reform file (`policies/reforms/*.toml`).
    Reform,
    /// An exercise or test file (`exercises/*/exercise.toml`).
    Exercise,
    /// An exercise's key (`exercises/keys/*.toml`).
    Answers,
    /// A calendar of rest days and holidays (`calendars/*.toml`).
    Calendar,
}

/// Arguments of `modsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario: a `scenario.toml`, or a folder holding one. Default: the embedded seed,
    /// seeds/parler-aws-2021.
    pub scenario: Option<PathBuf>,
    /// The policies, reforms and overrides to judge under.
    #[command(flatten)]
    pub judged: Judged,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Show derivation trees: of every verdict (no value), of one power (a clause id), or of
    /// the verdicts of one action (`suspend`).
    #[arg(long, value_name = "WHAT", num_args = 0..=1, default_missing_value = "verdicts")]
    pub explain: Option<String>,
    /// Write the output to this file (whole or not at all) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// How to write errors and warnings.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
    pub error_format: ErrorFormat,
}

/// The policies, reforms and overrides a run is judged under (`run`, `sweep`).
#[derive(Debug, Args)]
pub struct Judged {
    /// Judge under this policy file instead of the scenario's own (repeatable).
    #[arg(long = "policy", value_name = "FILE")]
    pub policies: Vec<PathBuf>,
    /// Apply a reform file to the policies in force, in order (repeatable).
    #[arg(long = "reform", value_name = "FILE")]
    pub reforms: Vec<PathBuf>,
    /// Clauses taken out, parameters set, judgment calls read one way.
    #[command(flatten)]
    pub overrides: OverrideArgs,
}

/// `--without`, `--set` and `--assume`.
#[derive(Debug, Args)]
pub struct OverrideArgs {
    /// Take a clause out for this run, by id, e.g. `7.2(b)(ii)` (repeatable).
    #[arg(long, value_name = "CLAUSE")]
    pub without: Vec<String>,
    /// Set a parameter, e.g. `cure_period="10 business days"` (repeatable).
    #[arg(long, value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Read a judgment call one way, e.g. `aws_determined_risk=true` (repeatable).
    #[arg(long, value_name = "NAME=true|false")]
    pub assume: Vec<String>,
}

/// Arguments of `modsim compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The scenario: a `scenario.toml`, or a folder holding one. Default: the embedded seed.
    pub scenario: Option<PathBuf>,
    /// An alternative: the scenario under this policy file instead of its own (repeatable).
    #[arg(long = "policy", value_name = "FILE")]
    pub policies: Vec<PathBuf>,
    /// An alternative: the baseline with this reform applied (repeatable).
    #[arg(long = "reform", value_name = "FILE")]
    pub reforms: Vec<PathBuf>,
    /// Overrides for every run, the baseline's and the alternatives'.
    #[command(flatten)]
    pub overrides: OverrideArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// How to write errors and warnings.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
    pub error_format: ErrorFormat,
}

/// Arguments of `modsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario: a `scenario.toml`, or a folder holding one. Default: the embedded seed.
    pub scenario: Option<PathBuf>,
    /// An axis of the grid: a model parameter, policy parameter or judgment call, and its
    /// values, comma-separated (repeatable; the first is outermost).
    #[arg(long, value_name = "NAME=V1,V2,...")]
    pub vary: Vec<String>,
    /// Replicates per grid point (at least 1).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
    pub replicates: u32,
    /// The seed of the replicates' streams.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Threads (0: one per core; at most 4 per core). The output does not depend on it.
    #[arg(long, default_value_t = 0)]
    pub jobs: usize,
    /// Run only slice I of N and write its tallies (JSON) for `modsim merge`.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Output format (with `--shard`, the format `modsim merge` writes).
    #[arg(long, value_enum, default_value_t = SweepFormat::Text)]
    pub format: SweepFormat,
    /// Also draw the shares permitted against the first axis, as SVG, to this file.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
    /// Write the output to this file (whole or not at all) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The policies, reforms and overrides every grid point starts from.
    #[command(flatten)]
    pub judged: Judged,
    /// How to write errors and warnings.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
    pub error_format: ErrorFormat,
}

/// Arguments of `modsim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard files, in any order.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// Output format [default: the sweep's `--format`]
    #[arg(long, value_enum)]
    pub format: Option<SweepFormat>,
    /// Also draw the chart, as SVG, to this file.
    #[arg(long, value_name = "FILE")]
    pub chart: Option<PathBuf>,
    /// Write the output to this file (whole or not at all) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `modsim test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Exercise or test files, or folders searched for `exercise.toml` and `*.test.toml`.
    #[arg(default_value = "exercises")]
    pub paths: Vec<PathBuf>,
    /// The expected results, kept apart from a single exercise.
    #[arg(long, value_name = "FILE", conflicts_with = "answers_dir")]
    pub answers: Option<PathBuf>,
    /// A folder of answers files, one per exercise, named `ID.toml` after the exercise's id.
    #[arg(long, value_name = "DIR")]
    pub answers_dir: Option<PathBuf>,
    /// A student's policy, in place of the exercise's (repeatable).
    #[arg(long = "policy", value_name = "FILE")]
    pub policies: Vec<PathBuf>,
    /// A student's reform, in place of the exercise's (repeatable).
    #[arg(long = "reform", value_name = "FILE")]
    pub reforms: Vec<PathBuf>,
    /// After the expected results, search for a timeline on which the encoding and this
    /// reference (a policy, or a reform of the exercise's policy) part: a failed case if found.
    /// Without it, the reference the key names (`[answers] reference`), if any.
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TestFormat::Text)]
    pub format: TestFormat,
}

/// Output formats of `modsim test`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// One line per case and a closing `N passed, N failed`.
    Text,
    /// For graders: one object per case.
    Json,
}

/// Output formats of sweeps (a shard file records the one its sweep was asked for).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SweepFormat {
    /// For people.
    Text,
    /// One row per point and statistic.
    Csv,
    /// The tallies and the rows.
    Json,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people at a terminal.
    Text,
    /// For machines: the schema of docs/json-output.md.
    Json,
    /// Markdown: the verdict matrix and the report, for notes and course pages.
    Md,
    /// One self-contained HTML page with an SVG timeline (`run` only), for a browser.
    Html,
}

/// Arguments of `modsim new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// What to write.
    #[arg(value_enum)]
    pub kind: NewKind,
    /// Its name: a file (`NAME.toml`) for a policy, a folder for a scenario or an exercise.
    pub name: PathBuf,
    /// For an exercise: the scenario it is about.
    #[arg(long, default_value = "seeds/parler-aws-2021")]
    pub scenario: PathBuf,
}

/// What `modsim new` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// A policy file.
    Policy,
    /// A scenario folder with a policy and posts.
    Scenario,
    /// An exercise folder with a hand-out and a key.
    Exercise,
}

/// Arguments of `modsim completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
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
