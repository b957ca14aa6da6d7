//! The subcommands: validated settings in, output and an exit code out.
//!
//! Exit codes: 0 done; 2 bad input or usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use modsim_policy::{FileProblems, Overrides, Problem};
use modsim_sim::compare::Alternative;
use modsim_sim::reconstruct::{self, ReportModel};
use modsim_sim::{Request, SetupError, report};

use crate::args::{
    self, Account, Command, CompareArgs, ErrorFormat, Format, Judged, NewArgs, NewKind,
    OverrideArgs, ReconstructArgs, RunArgs,
};
use crate::diagnostics;
use crate::files::{DiskOrSeed, SEED_SCENARIO, path_text};
use crate::output;
use crate::render;

mod sweep;

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
            let mut script = Vec::new();
            clap_complete::generate(a.shell, &mut cmd, "modsim", &mut script);
            let script = String::from_utf8_lossy(&script);
            (
                output::print(&script, false).map_err(Failure::usage),
                ErrorFormat::Human,
            )
        }
        Command::Compare(a) => (
            compare(&a, matches.subcommand_matches("compare")),
            a.error_format,
        ),
        Command::Sweep(a) => (sweep::sweep(&a, verbosity), a.error_format),
        Command::Test(a) => return crate::exercises::test(&a),
        Command::Merge(a) => (sweep::merge(&a), ErrorFormat::Human),
        Command::Reconstruct(a) => (reconstruct(&a), ErrorFormat::Human),
        Command::Check(a) => return crate::check::check(&a),
        Command::Diff(a) => return crate::diff::command(&a, verbosity.quiet),
        Command::Schema(a) => (
            output::print(&crate::schema::text(a.kind), false).map_err(Failure::usage),
            ErrorFormat::Human,
        ),
        Command::Serve(a) => (
            crate::serve::serve(&a).map_err(Failure::usage),
            ErrorFormat::Human,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(problems)) => {
            match format {
                ErrorFormat::Human => output::eprint(&diagnostics::human(&problems)),
                ErrorFormat::Json => output::eprint(&diagnostics::json(&problems)),
            }
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Why a command failed: every problem found, in files or on the command line.
struct Failure(FileProblems);

impl Failure {
    /// A problem of the command line.
    fn usage(message: impl Into<String>) -> Failure {
        Failure(Problem::error(message, None).on_command_line().into())
    }

    /// A problem of the command line, with its fix.
    fn help(message: impl Into<String>, help: impl Into<String>) -> Failure {
        Failure(
            Problem::error(message, None)
                .with_help(help)
                .on_command_line()
                .into(),
        )
    }
}

impl From<SetupError> for Failure {
    fn from(e: SetupError) -> Failure {
        Failure(e.into())
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
                output::eprint(&diagnostics::human(&prepared.warnings));
            }
            ErrorFormat::Json if !prepared.warnings.is_empty() => {
                output::eprint(&diagnostics::json(&prepared.warnings));
            }
            ErrorFormat::Json => {}
        }
    }
    if verbosity.verbose {
        let s = &prepared.world.scenario;
        output::eprint(&format!(
            "read {} ({}, {}, {}){}\n",
            s.file,
            count(s.posts.len(), "post"),
            count(s.notices.len(), "notice"),
            count(s.actions.len(), "action"),
            if files.serves_embedded(&s.file) {
                ", embedded in the binary"
            } else {
                ""
            }
        ));
        for b in &prepared.world.policies {
            output::eprint(&format!(
                "compiled {} ({}): {}, {}, {}\n",
                b.policy.id,
                b.policy.file,
                count(b.policy.prohibitions.len(), "prohibition"),
                count(b.policy.duties.len(), "duty"),
                count(b.policy.powers.len(), "power")
            ));
        }
    }
    // `--explain CLAUSE` naming a duty asks for its instances, each with its arithmetic.
    let outcome = match a.explain.as_deref() {
        Some(what) => prepared.world.replay_explaining(what),
        None => prepared.world.replay(),
    }
    .map_err(|e| Failure(prepared.world.problems_of(&e)))?;
    let report = report::build(&prepared.world, &outcome);
    if let Some(what) = a.explain.as_deref() {
        explainable(&report, what)?;
    }
    let text = match a.format {
        Format::Text => render::text(&report, a.explain.as_deref()),
        Format::Json => render::json(&report).map_err(|e| Failure::usage(e.to_string()))?,
        Format::Md => render::markdown(&report),
        Format::Html => crate::html::page(&report, &|party| {
            let parties = &prepared.world.scenario.parties;
            parties
                .iter()
                .find(|p| p.id == party)
                .map(|p| p.name.clone())
        }),
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
        return Err(Failure::help(
            "nothing to compare the baseline with",
            "name an alternative with `--reform FILE` or `--policy FILE`",
        ));
    }
    alternatives.sort_by_key(|(at, _)| *at);
    let alternatives: Vec<Alternative> = alternatives.into_iter().map(|(_, a)| a).collect();
    let files = DiskOrSeed { embedded };
    let comparison = modsim_sim::compare::compare(&baseline, &alternatives, &files)?;
    match a.format {
        Format::Text => {
            output::print(&render::comparison(&comparison), true).map_err(Failure::usage)?;
        }
        Format::Md => {
            output::print(&render::comparison_markdown(&comparison), false)
                .map_err(Failure::usage)?;
        }
        Format::Html => {
            return Err(Failure::help(
                "`compare` writes text, JSON or Markdown",
                "for a page per run, use `modsim run --format html` with each reform",
            ));
        }
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&comparison)
                .map_err(|e| Failure::usage(e.to_string()))?;
            text.push('\n');
            output::print(&text, false).map_err(Failure::usage)?;
        }
    }
    Ok(())
}

/// Prints, or writes to a file (see `output::write_file`).
fn emit(text: &str, to: Option<&Path>) -> Result<(), Failure> {
    match to {
        Some(path) => output::write_file(path, text).map_err(Failure::usage),
        None => output::print(text, true).map_err(Failure::usage),
    }
}

/// Writes a commented starting file, refusing to overwrite anything.
fn new(a: &NewArgs) -> Result<(), Failure> {
    use crate::templates;
    let name = a.name.clone();
    let write = |path: &Path, text: &str| -> Result<(), Failure> {
        if path.exists() {
            return Err(Failure::help(
                format!("`{}` already exists", path.display()),
                "choose another name; modsim never overwrites a file you wrote",
            ));
        }
        output::write_file(path, text).map_err(Failure::usage)?;
        output::eprint(&format!("wrote {}\n", path.display()));
        Ok(())
    };
    let folder = |name: &Path| -> Result<(), Failure> {
        if name.exists() {
            return Err(Failure::help(
                format!("`{}` already exists", name.display()),
                "choose another name; modsim never overwrites a file you wrote",
            ));
        }
        std::fs::create_dir_all(name)
            .map_err(|e| Failure::usage(format!("cannot create `{}`: {e}", name.display())))
    };
    let id = id_of(&name);
    match a.kind {
        NewKind::Policy => {
            let file = if name.extension().is_some() {
                name
            } else {
                name.with_extension("toml")
            };
            let text = templates::POLICY.replace("\"my-policy\"", &format!("\"{id}\""));
            write(&file, &with_schema(&file, "policy", &text))
        }
        NewKind::Scenario => {
            folder(&name)?;
            let scenario = name.join("scenario.toml");
            let text = templates::SCENARIO.replace("\"my-scenario\"", &format!("\"{id}\""));
            write(&scenario, &with_schema(&scenario, "scenario", &text))?;
            let policy = name.join("policy.toml");
            write(&policy, &with_schema(&policy, "policy", templates::POLICY))?;
            write(&name.join("posts.csv"), templates::POSTS)
        }
        NewKind::Exercise => {
            let scenario = std::fs::canonicalize(&a.scenario).map_err(|e| {
                Failure::help(
                    format!("cannot read the scenario `{}`: {e}", a.scenario.display()),
                    "name a scenario's folder or its `scenario.toml` with `--scenario`, from the \
                     current folder or as an absolute path",
                )
            })?;
            folder(&name)?;
            let scenario = std::fs::canonicalize(&name)
                .map(|home| path_text(&path_from(&home, &scenario)))
                .unwrap_or_else(|_| path_text(&scenario));
            let exercise = name.join("exercise.toml");
            let text = templates::EXERCISE
                .replace("SCENARIO_PATH", &scenario)
                .replace("\"my-exercise\"", &format!("\"{id}\""));
            write(&exercise, &with_schema(&exercise, "exercise", &text))?;
            write(&name.join("handout.md"), templates::HANDOUT)?;
            let key = name.join("key.toml");
            let text = templates::KEY.replace("\"my-exercise\"", &format!("\"{id}\""));
            write(&key, &with_schema(&key, "answers", &text))
        }
    }
}

/// The id a new file takes from its name: `my-policy` for `drafts/My Policy.toml`.
fn id_of(name: &Path) -> String {
    let stem = name
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let id: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if id.is_empty() {
        "my-file".to_owned()
    } else {
        id
    }
}

/// A new TOML file's text with a `#:schema` line naming the committed schema of its kind, in
/// the `schemas/` folder of the nearest folder above the file that has one (a repository's
/// root); without one elsewhere.
fn with_schema(file: &Path, kind: &str, text: &str) -> String {
    let home = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // The folder exists: `new` created it, or the file's name is in the current folder.
    let Ok(home) = std::fs::canonicalize(home) else {
        return text.to_owned();
    };
    let schema = Path::new("schemas").join(format!("{kind}.schema.json"));
    match home
        .ancestors()
        .map(|a| a.join(&schema))
        .find(|s| s.is_file())
    {
        Some(found) => format!("#:schema {}\n{text}", path_text(&path_from(&home, &found))),
        None => text.to_owned(),
    }
}

/// `1 notice`, `2 notices`, `0 duties`: a count with its noun.
fn count(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {noun}s"),
    }
}

/// Refuses an `--explain` that names nothing to explain: neither `verdicts`, an action of the
/// timeline, a power's or a duty's clause, nor an account judged; with the names close to it.
fn explainable(report: &report::Report, what: &str) -> Result<(), Failure> {
    let mut known: Vec<&str> = vec!["verdicts"];
    known.extend(report.verdicts.iter().map(|v| v.action.as_str()));
    known.extend(report.verdicts.iter().filter_map(|v| v.account.as_deref()));
    known.extend(report.earliest.iter().map(|e| e.power.as_str()));
    for e in &report.earliest {
        known.extend(
            e.accounts
                .iter()
                .flat_map(|a| [a.against.as_str(), a.holder.as_str()]),
        );
    }
    known.extend(report.duties.iter().map(|d| d.duty.as_str()));
    if known.contains(&what) {
        return Ok(());
    }
    known.sort_unstable();
    known.dedup();
    let starting: Vec<String> = known
        .iter()
        .filter(|k| k.starts_with(what))
        .map(|k| format!("`{k}`"))
        .collect();
    let help = match modsim_policy::diagnostic::did_you_mean(what, known.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None if !starting.is_empty() => format!("did you mean {}?", starting.join(" or ")),
        None => format!(
            "name a power's or a duty's clause id, an action or an account: {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(Failure::help(
        format!("nothing to explain under `--explain {what}`"),
        help,
    ))
}

/// The path that leads from the folder `from` to `to`, both absolute and canonical: `..` up
/// to what they share, then down; `to` itself when they share nothing but the root.
fn path_from(from: &Path, to: &Path) -> PathBuf {
    let (from, to): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if shared <= 1 {
        return to.iter().collect();
    }
    let mut path: PathBuf = from.iter().skip(shared).map(|_| "..").collect();
    path.extend(to.iter().skip(shared));
    path
}

/// A scenario argument: a file, or a folder holding `scenario.toml`.
fn scenario_file(path: &Path) -> Result<String, Failure> {
    if path.is_dir() {
        let inside = path.join("scenario.toml");
        if inside.is_file() {
            return Ok(path_text(&inside));
        }
        return Err(Failure::help(
            format!("the folder `{}` holds no `scenario.toml`", path.display()),
            "name the scenario file itself",
        ));
    }
    Ok(path_text(path))
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
        None => output::print(&text, false).map_err(Failure::usage),
        Some(path) => output::write_file(path, &text).map_err(Failure::usage),
    }
}
