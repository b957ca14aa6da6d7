//! The subcommands: validated settings in, output and an exit code out.
//!
//! Exit codes: 0 done; 2 bad input or usage.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use miette::{GraphicalReportHandler, GraphicalTheme};
use modsim_policy::{FileProblems, Overrides};
use modsim_sim::compare::Alternative;
use modsim_sim::reconstruct::{self, ReportModel};
use modsim_sim::{Request, SetupError, report};

use crate::args::{
    self, Account, Command, CompareArgs, ErrorFormat, Format, Judged, MergeArgs, NewArgs, NewKind,
    OverrideArgs, ReconstructArgs, RunArgs, SweepArgs, SweepFormat, TestArgs, TestFormat,
};
use crate::files::{self, DiskOrSeed, SEED_SCENARIO};
use crate::render;

/// Exit code: bad input or usage.
const BAD_INPUT: u8 = 2;

/// How much to say on standard error.
#[derive(Clone, Copy, Debug, Default)]
pub struct Verbosity {
    /// No warnings, no progress bar.
    pub quiet: bool,
    /// What was read and compiled.
    pub verbose: bool,
}

/// Runs a command; `matches` gives the order of repeated options where it matters.
pub fn dispatch(command: Command, matches: &clap::ArgMatches, verbosity: Verbosity) -> ExitCode {
    let (result, format) = match command {
        Command::Run(a) => (run(&a, verbosity), a.error_format),
        Command::New(a) => (new(&a), ErrorFormat::Human),
        Command::Completions(a) => {
            let mut cmd = <crate::args::Cli as clap::CommandFactory>::command();
            clap_complete::generate(a.shell, &mut cmd, "modsim", &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        Command::Compare(a) => (
            compare(&a, matches.subcommand_matches("compare")),
            a.error_format,
        ),
        Command::Sweep(a) => (sweep(&a, verbosity), a.error_format),
        Command::Test(a) => return test(&a),
        Command::Merge(a) => (merge(&a), ErrorFormat::Human),
        Command::Reconstruct(a) => (reconstruct(&a), ErrorFormat::Human),
        Command::Check(a) => return crate::check::check(&a),
        Command::Diff(a) => return crate::diff::command(&a, verbosity),
        Command::Schema(a) => {
            print!("{}", crate::schema::text(a.kind));
            return ExitCode::SUCCESS;
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match format {
                ErrorFormat::Human => eprint!("{}", failure.render()),
                ErrorFormat::Json => eprint!("{}", failure.render_json()),
            }
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Why a command failed.
enum Failure {
    Usage {
        message: String,
        help: Option<String>,
    },
    Files(Vec<FileProblems>),
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
        Failure::Usage {
            message: message.into(),
            help: None,
        }
    }

    fn render(&self) -> String {
        match self {
            Failure::Usage { message, help } => {
                let mut s = format!("error: {message}\n");
                if let Some(h) = help {
                    s.push_str(&format!("  help: {h}\n"));
                }
                s
            }
            Failure::Files(files) => files.iter().map(render_problems).collect(),
        }
    }

    fn render_json(&self) -> String {
        match self {
            Failure::Usage { message, help } => {
                let mut problem = modsim_policy::Problem::error(message.clone(), None);
                if let Some(h) = help {
                    problem = problem.with_help(h.clone());
                }
                crate::diagnostics::json(&[FileProblems::new("", "", vec![problem])])
            }
            Failure::Files(files) => crate::diagnostics::json(files),
        }
    }
}

/// Renders a file's problems with file, line, column and the value underlined.
pub fn render_problems(problems: &FileProblems) -> String {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for located in problems.each() {
        let mut one = String::new();
        if handler.render_report(&mut one, &located).is_err() {
            one = format!("{}: {}\n", problems.name(), located.problem.message);
        }
        out.push_str(&one);
        out.push('\n');
    }
    let kind = if problems.has_errors() {
        "error"
    } else {
        "warning"
    };
    out.push_str(&format!("{kind}: {problems}\n"));
    out
}

impl From<SetupError> for Failure {
    fn from(e: SetupError) -> Failure {
        match e {
            SetupError::Files(f) => Failure::Files(f.files),
            SetupError::Usage { message, help } => Failure::Usage { message, help },
        }
    }
}

/// `--without`, `--set` and `--assume`, validated.
fn overrides(o: &OverrideArgs) -> Result<Overrides, Failure> {
    let (set, assume) = (&o.set, &o.assume);
    let mut overrides = Overrides {
        without: o.without.clone(),
        ..Overrides::default()
    };
    for s in set {
        overrides
            .set
            .push(args::name_value(s, "--set").map_err(Failure::usage)?);
    }
    for s in assume {
        let (name, value) = args::name_value(s, "--assume").map_err(Failure::usage)?;
        let value = args::boolean(&value, "--assume", &name).map_err(Failure::usage)?;
        overrides.assume.push((name, value));
    }
    Ok(overrides)
}

/// A run's request: the scenario, and what it is judged under.
fn request(scenario: String, judged: &Judged) -> Result<Request, Failure> {
    Ok(Request {
        scenario,
        policies: judged.policies.iter().map(|p| path_text(p)).collect(),
        reforms: judged.reforms.iter().map(|p| path_text(p)).collect(),
        overrides: overrides(&judged.overrides)?,
    })
}

/// The scenario to read, and whether the embedded seed serves it.
fn scenario_choice(path: Option<&Path>) -> Result<(String, bool), Failure> {
    match path {
        None => Ok((SEED_SCENARIO.to_owned(), true)),
        Some(path) => Ok((scenario_file(path)?, false)),
    }
}

fn run(a: &RunArgs, verbosity: Verbosity) -> Result<(), Failure> {
    let (scenario, embedded) = scenario_choice(a.scenario.as_deref())?;
    let request = request(scenario, &a.judged)?;
    let files = DiskOrSeed { embedded };
    let prepared = modsim_sim::prepare(&request, &files)?;
    if !verbosity.quiet {
        match a.error_format {
            ErrorFormat::Human => {
                for w in &prepared.warnings {
                    eprint!("{}", render_problems(w));
                }
            }
            ErrorFormat::Json if !prepared.warnings.is_empty() => {
                eprint!("{}", crate::diagnostics::json(&prepared.warnings));
            }
            ErrorFormat::Json => {}
        }
    }
    if verbosity.verbose {
        let s = &prepared.world.scenario;
        eprintln!(
            "read {} ({} posts, {} notices, {} actions){}",
            s.file,
            s.posts.len(),
            s.notices.len(),
            s.actions.len(),
            if embedded {
                ", embedded in the binary"
            } else {
                ""
            }
        );
        for b in &prepared.world.policies {
            eprintln!(
                "compiled {} ({}): {} prohibitions, {} duties, {} powers",
                b.policy.id,
                b.policy.file,
                b.policy.prohibitions.len(),
                b.policy.duties.len(),
                b.policy.powers.len()
            );
        }
    }
    let outcome = prepared
        .world
        .replay()
        .map_err(|e| Failure::usage(format!("the replay cannot compute {e}")))?;
    let report = report::build(&prepared.world, &outcome);
    let text = match a.format {
        Format::Text => render::text(&report, a.explain.as_deref()),
        Format::Json => render::json(&report).map_err(|e| Failure::usage(e.to_string()))?,
        Format::Md => render::markdown(&report),
        Format::Html => crate::html::page(&report).map_err(Failure::usage)?,
    };
    emit(&text, a.output.as_deref())
}

fn compare(a: &CompareArgs, matches: Option<&clap::ArgMatches>) -> Result<(), Failure> {
    let overrides = overrides(&a.overrides)?;
    let (scenario, embedded) = scenario_choice(a.scenario.as_deref())?;
    let baseline = Request {
        scenario,
        overrides,
        ..Request::default()
    };
    // Alternatives in the order given on the command line, whichever flag named them.
    let position = |id: &str, n: usize| -> Vec<usize> {
        matches
            .and_then(|m| m.indices_of(id))
            .map(|i| i.collect())
            .unwrap_or_else(|| (0..n).collect())
    };
    let mut alternatives: Vec<(usize, Alternative)> = Vec::new();
    for (path, at) in a
        .policies
        .iter()
        .zip(position("policies", a.policies.len()))
    {
        let file = path_text(path);
        alternatives.push((
            at,
            Alternative {
                label: format!("policy {file}"),
                request: Request {
                    policies: vec![file],
                    ..baseline.clone()
                },
            },
        ));
    }
    for (path, at) in a.reforms.iter().zip(position("reforms", a.reforms.len())) {
        let file = path_text(path);
        alternatives.push((
            at,
            Alternative {
                label: format!("reform {file}"),
                request: Request {
                    reforms: vec![file],
                    ..baseline.clone()
                },
            },
        ));
    }
    if alternatives.is_empty() {
        return Err(Failure::Usage {
            message: "nothing to compare the baseline with".into(),
            help: Some("name an alternative with `--reform FILE` or `--policy FILE`".into()),
        });
    }
    alternatives.sort_by_key(|(at, _)| *at);
    let alternatives: Vec<Alternative> = alternatives.into_iter().map(|(_, a)| a).collect();
    let files = DiskOrSeed { embedded };
    let comparison = modsim_sim::compare::compare(&baseline, &alternatives, &files)?;
    match a.format {
        Format::Text => anstream::print!("{}", render::comparison(&comparison)),
        Format::Md => print!("{}", render::comparison_markdown(&comparison)),
        Format::Html => {
            return Err(Failure::Usage {
                message: "`compare` writes text, JSON or Markdown".into(),
                help: Some(
                    "for a page per run, use `modsim run --format html` with each reform".into(),
                ),
            });
        }
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&comparison)
                .map_err(|e| Failure::usage(e.to_string()))?;
            text.push('\n');
            print!("{text}");
        }
    }
    Ok(())
}

fn sweep(a: &SweepArgs, verbosity: Verbosity) -> Result<(), Failure> {
    let (scenario, embedded) = scenario_choice(a.scenario.as_deref())?;
    let base = request(scenario, &a.judged)?;
    let mut vary = Vec::new();
    for v in &a.vary {
        let (name, values) = args::name_value(v, "--vary").map_err(Failure::usage)?;
        vary.push((
            name,
            values
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        ));
    }
    let shard = match &a.shard {
        None => None,
        Some(text) => {
            let parsed = text.split_once('/').and_then(|(i, n)| {
                Some((i.trim().parse::<u32>().ok()?, n.trim().parse::<u32>().ok()?))
            });
            Some(parsed.ok_or_else(|| Failure::Usage {
                message: format!("`--shard {text}` is not of the form I/N"),
                help: Some("for example `--shard 1/4`".into()),
            })?)
        }
    };
    let spec = modsim_sim::sweep::SweepSpec {
        base,
        vary,
        replicates: a.replicates,
        seed: a.seed,
        shard,
        jobs: a.jobs,
    };
    let files = DiskOrSeed { embedded };
    let bar = if verbosity.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        progress_bar()
    };
    let tally = modsim_sim::sweep::run(&spec, &files, &|p| match p {
        modsim_sim::sweep::Progress::Start(total) => bar.set_length(total),
        modsim_sim::sweep::Progress::Tick => bar.inc(1),
    })?;
    bar.finish_and_clear();
    if shard.is_some_and(|(_, n)| n > 1) {
        let mut text = serde_json::to_string(&tally).map_err(|e| Failure::usage(e.to_string()))?;
        text.push('\n');
        return emit(&text, a.output.as_deref());
    }
    sweep_output(&tally, a.format, a.chart.as_deref(), a.output.as_deref())
}

fn merge(a: &MergeArgs) -> Result<(), Failure> {
    let mut shards = Vec::new();
    for path in &a.shards {
        let text = files::read_text(path)
            .map_err(|e| Failure::usage(format!("cannot read `{}`: {e}", path.display())))?;
        let tally: modsim_sim::sweep::Tally =
            serde_json::from_str(&text).map_err(|e| Failure::Usage {
                message: format!("`{}` is not a sweep shard: {e}", path.display()),
                help: Some("merge the files written by `modsim sweep --shard I/N`".into()),
            })?;
        shards.push(tally);
    }
    let tally = modsim_sim::sweep::Tally::merge(shards).map_err(Failure::usage)?;
    sweep_output(&tally, a.format, a.chart.as_deref(), a.output.as_deref())
}

fn sweep_output(
    tally: &modsim_sim::sweep::Tally,
    format: SweepFormat,
    chart: Option<&Path>,
    output: Option<&Path>,
) -> Result<(), Failure> {
    if let Some(path) = chart {
        let svg = crate::chart::svg(tally).map_err(Failure::usage)?;
        files::write_whole(path, &svg).map_err(Failure::usage)?;
    }
    let text = match format {
        SweepFormat::Text => render::sweep(tally),
        SweepFormat::Csv => tally.to_csv().map_err(|e| Failure::usage(e.to_string()))?,
        SweepFormat::Json => {
            let report = serde_json::json!({ "tally": tally, "rows": tally.rows() });
            let mut text =
                serde_json::to_string_pretty(&report).map_err(|e| Failure::usage(e.to_string()))?;
            text.push('\n');
            text
        }
    };
    emit(&text, output)
}

/// Prints, or writes whole to a file.
fn emit(text: &str, output: Option<&Path>) -> Result<(), Failure> {
    match output {
        Some(path) => files::write_whole(path, text).map_err(Failure::usage),
        None => {
            anstream::print!("{text}");
            Ok(())
        }
    }
}

/// A progress bar on standard error, drawn only when it is a terminal.
fn progress_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {bar:40} {pos}/{len} replays ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Writes a commented starting file, refusing to overwrite anything.
fn new(a: &NewArgs) -> Result<(), Failure> {
    use crate::templates;
    let name = a.name.clone();
    let write = |path: &Path, text: &str| -> Result<(), Failure> {
        if path.exists() {
            return Err(Failure::Usage {
                message: format!("`{}` already exists", path.display()),
                help: Some("choose another name; modsim never overwrites a file you wrote".into()),
            });
        }
        files::write_whole(path, text).map_err(Failure::usage)?;
        eprintln!("wrote {}", path.display());
        Ok(())
    };
    let folder = |name: &Path| -> Result<(), Failure> {
        if name.exists() {
            return Err(Failure::Usage {
                message: format!("`{}` already exists", name.display()),
                help: Some("choose another name; modsim never overwrites a file you wrote".into()),
            });
        }
        std::fs::create_dir_all(name)
            .map_err(|e| Failure::usage(format!("cannot create `{}`: {e}", name.display())))
    };
    match a.kind {
        NewKind::Policy => {
            let file = if name.extension().is_some() {
                name
            } else {
                name.with_extension("toml")
            };
            write(&file, templates::POLICY)
        }
        NewKind::Scenario => {
            folder(&name)?;
            write(&name.join("scenario.toml"), templates::SCENARIO)?;
            write(&name.join("policy.toml"), templates::POLICY)?;
            write(&name.join("posts.csv"), templates::POSTS)
        }
        NewKind::Exercise => {
            folder(&name)?;
            // The scenario, as a path from the exercise's folder.
            let depth = name
                .components()
                .filter(|c| matches!(c, std::path::Component::Normal(_)))
                .count();
            let scenario = format!("{}{}", "../".repeat(depth), path_text(&a.scenario));
            write(
                &name.join("exercise.toml"),
                &templates::EXERCISE.replace("SCENARIO_PATH", &scenario),
            )?;
            write(&name.join("handout.md"), templates::HANDOUT)?;
            write(&name.join("key.toml"), templates::KEY)
        }
    }
}

/// Exit code: a test case failed.
const TEST_FAILED: u8 = 1;

fn test(a: &TestArgs) -> ExitCode {
    match run_tests(a) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(TEST_FAILED),
        Err(failure) => {
            eprint!("{}", failure.render());
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Runs every exercise found; true when every case passed.
fn run_tests(a: &TestArgs) -> Result<bool, Failure> {
    let mut found = Vec::new();
    for path in &a.paths {
        collect_exercises(path, &mut found)?;
    }
    found.sort();
    found.dedup();
    if found.is_empty() {
        return Err(Failure::Usage {
            message: "no exercise or test file found".into(),
            help: Some(
                "name files, or folders holding `exercise.toml` or `*.test.toml` files".into(),
            ),
        });
    }
    if a.answers.is_some() && found.len() > 1 {
        return Err(Failure::Usage {
            message: format!(
                "`--answers` names one key, but {} exercises were found",
                found.len()
            ),
            help: Some("name one exercise, or use `--answers-dir DIR`".into()),
        });
    }
    let files = DiskOrSeed { embedded: false };
    let policies: Vec<String> = a.policies.iter().map(|p| path_text(p)).collect();
    let reforms: Vec<String> = a.reforms.iter().map(|p| path_text(p)).collect();
    let mut results = Vec::new();
    // The searches against `--reference`: (the case's place in `results`, its diff).
    let mut searched = Vec::new();
    for path in &found {
        let name = path_text(path);
        let text = files::read_text(path)
            .map_err(|e| Failure::usage(format!("cannot read `{name}`: {e}")))?;
        let mut exercise = modsim_sim::exercise::Exercise::parse(&name, &text)
            .map_err(|p| Failure::Files(vec![p]))?;
        if !reforms.is_empty() {
            exercise.request.reforms = reforms.clone();
        }
        let key = match (&a.answers, &a.answers_dir) {
            (Some(file), _) => Some(file.clone()),
            (None, Some(dir)) => Some(dir.join(format!("{}.toml", exercise.id))),
            (None, None) => None,
        };
        let expect = match key {
            Some(file) => {
                let key_name = path_text(&file);
                let key_text = files::read_text(&file).map_err(|e| {
                    Failure::usage(format!("cannot read the answers `{key_name}`: {e}"))
                })?;
                modsim_sim::exercise::Exercise::answers(&key_name, &key_text)
                    .map_err(|p| Failure::Files(vec![p]))?
            }
            None => exercise.expect.clone(),
        };
        results.extend(exercise.check(&expect, &policies, &files)?);
        if let Some(reference) = &a.reference {
            let (case, diff) = crate::diff::against_reference(&exercise, &policies, reference)?;
            searched.push((results.len(), diff));
            results.push(case);
        }
    }
    let passed = results.iter().filter(|r| r.passed).count();
    let failed = results.len() - passed;
    match a.format {
        TestFormat::Text => anstream::print!(
            "{}{}",
            render::test_results(&results),
            crate::diff::counterexamples(&results, &searched)
        ),
        TestFormat::Json => {
            let report = serde_json::json!({
                "schema": "modsim.test/1",
                "passed": passed,
                "failed": failed,
                "cases": crate::diff::cases_json(&results, &searched),
            });
            let mut text =
                serde_json::to_string_pretty(&report).map_err(|e| Failure::usage(e.to_string()))?;
            text.push('\n');
            print!("{text}");
        }
    }
    Ok(failed == 0)
}

/// Exercise files under `path`: the file itself, or `exercise.toml` and `*.test.toml` files in
/// the folder and its subfolders (hidden folders and `target` skipped).
fn collect_exercises(path: &Path, found: &mut Vec<PathBuf>) -> Result<(), Failure> {
    if path.is_file() {
        found.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| Failure::usage(format!("cannot read `{}`: {e}", path.display())))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if p.is_dir() {
            if !name.starts_with('.') && name != "target" {
                collect_exercises(&p, found)?;
            }
        } else if name == "exercise.toml" || name.ends_with(".test.toml") {
            found.push(p);
        }
    }
    Ok(())
}

/// A scenario argument: a file, or a folder holding `scenario.toml`.
fn scenario_file(path: &Path) -> Result<String, Failure> {
    if path.is_dir() {
        let inside = path.join("scenario.toml");
        if inside.is_file() {
            return Ok(path_text(&inside));
        }
        return Err(Failure::Usage {
            message: format!("the folder `{}` holds no `scenario.toml`", path.display()),
            help: Some("name the scenario file itself".into()),
        });
    }
    Ok(path_text(path))
}

/// A path as shown to the user and as files name each other: `/` separators, no `./`.
pub fn path_text(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

fn reconstruct(a: &ReconstructArgs) -> Result<(), Failure> {
    let (which, model) = match a.which {
        Account::Aws => ("aws", ReportModel::aws_2021()),
        Account::ParlerAccount => ("parler-account", ReportModel::parler_account()),
    };
    let posts = model.generate(a.seed);
    let text = reconstruct::to_csv(&posts, &reconstruct::header(which, &model, a.seed))
        .map_err(|e| Failure::usage(e.to_string()))?;
    match &a.output {
        None => print!("{text}"),
        Some(path) => files::write_whole(&PathBuf::from(path), &text).map_err(Failure::usage)?,
    }
    Ok(())
}
