//! `modsim diff`: two policies (or a policy and a reform of it) searched for the smallest
//! timeline on which they part ways; the answer as text (the timeline, where the sides part,
//! and both sides' explanations, written by [`crate::prose`]), as JSON (`modsim.diff/1`), or
//! as a scenario file that `modsim run` replays.
//!
//! Exit codes: 0 no difference found; 1 a difference found; 2 bad input or usage.

mod duty;
mod file;
mod text;

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anstyle::{AnsiColor, Style};
use modsim_sim::SetupError;
use modsim_sim::diff::grade::{self, Reference};
use modsim_sim::diff::{self, Diff, DiffSpec, Progress, Search, SideSpec};

use crate::args::{DiffArgs, DiffFormat, ErrorFormat};
use crate::diagnostics;
use crate::files::{self, DiskOrSeed, path_text};
use crate::output;

pub use text::text;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GOOD: Style = AnsiColor::Green.on_default().bold();
const BAD: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default();

/// Exit code: a difference was found.
const FOUND: u8 = 1;
/// Exit code: bad input or usage.
const BAD_INPUT: u8 = 2;

/// Runs `modsim diff`; `quiet`: no warnings, no progress bar.
pub fn command(a: &DiffArgs, quiet: bool) -> ExitCode {
    match diff(a, quiet) {
        Ok(true) => ExitCode::from(FOUND),
        Ok(false) => ExitCode::SUCCESS,
        Err(e) => {
            output::eprint(&failure(e, a.error_format));
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Searches, writes the answer; true when a difference was found.
fn diff(a: &DiffArgs, quiet: bool) -> Result<bool, SetupError> {
    let spec = spec(a)?;
    let (budget, deadline) = limits(a)?;
    let files = DiskOrSeed { embedded: false };
    let search = Search::prepare(&spec, &files)?;
    if !quiet && !search.warnings.is_empty() {
        match a.error_format {
            ErrorFormat::Human => output::eprint(&diagnostics::human(&search.warnings)),
            ErrorFormat::Json => output::eprint(&diagnostics::json(&search.warnings)),
        }
    }
    let bar = if quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        progress_bar()
    };
    let result = search.run(
        budget,
        a.jobs,
        &|p| match p {
            Progress::Start(n) => bar.set_length(n),
            Progress::Tried(n) => bar.inc(n),
        },
        &|| deadline.is_some_and(|d| Instant::now() >= d),
    )?;
    bar.finish_and_clear();
    let text = match a.format {
        DiffFormat::Text => text(&result),
        DiffFormat::Json => {
            let mut t =
                serde_json::to_string_pretty(&result).map_err(|e| usage(e.to_string(), None))?;
            t.push('\n');
            t
        }
        DiffFormat::Toml => match &result.found {
            Some(found) => file::toml(&result, found, a.output.as_deref()),
            None => {
                // Nothing to replay: the answer goes to standard error, and no file is written.
                output::eprint(&text(&result));
                return Ok(false);
            }
        },
    };
    match &a.output {
        Some(path) => output::write_file(path, &text).map_err(|e| usage(e, None))?,
        None => output::print(&text, true).map_err(|e| usage(e, None))?,
    }
    Ok(result.found.is_some())
}

/// The two sides and the scenario of the command line: A a policy; B a policy, or a reform of
/// A's.
fn spec(a: &DiffArgs) -> Result<DiffSpec, SetupError> {
    let first = path_text(&a.a);
    let second = path_text(&a.b);
    if is_reform(&a.a) {
        return Err(usage(
            format!("`{first}` is a reform: the first side is a policy"),
            Some(format!(
                "name the policy it reforms first: `modsim diff POLICY {first}`"
            )),
        ));
    }
    let b = if is_reform(&a.b) {
        SideSpec {
            label: format!("{first} + {second}"),
            policy: Some(first.clone()),
            reforms: vec![second],
        }
    } else {
        SideSpec {
            label: second.clone(),
            policy: Some(second),
            reforms: Vec::new(),
        }
    };
    let scenario = match &a.scenario {
        Some(path) => Some(scenario_file(path)?),
        None => None,
    };
    Ok(DiffSpec {
        a: SideSpec {
            label: first.clone(),
            policy: Some(first),
            reforms: Vec::new(),
        },
        b,
        scenario,
        seed: a.seed,
    })
}

/// The budget of timelines, and the instant a search limited by `--time` stops at.
fn limits(a: &DiffArgs) -> Result<(u64, Option<Instant>), SetupError> {
    let budget = match (a.budget, a.time) {
        (Some(n), _) => n,
        (None, Some(_)) => diff::MAX_BUDGET,
        (None, None) => diff::DEFAULT_BUDGET,
    };
    let deadline = match a.time {
        Some(seconds) if seconds.is_finite() && seconds > 0.0 => {
            Some(Instant::now() + Duration::from_secs_f64(seconds.min(1e9)))
        }
        Some(seconds) => {
            return Err(usage(
                format!("`--time {seconds}` is not a number of seconds"),
                Some("give a positive number, such as `--time 10`".into()),
            ));
        }
        None => None,
    };
    Ok((budget, deadline))
}

/// The case of `modsim test --reference`: a search between the exercise's run with the
/// student's `policies` and the reference, and its diff.
pub fn against_reference(
    exercise: &modsim_sim::exercise::Exercise,
    policies: &[String],
    reference: &Path,
) -> Result<(modsim_sim::exercise::CaseResult, Diff), SetupError> {
    let file = path_text(reference);
    let reference = if is_reform(reference) {
        Reference::Reform(file)
    } else {
        Reference::Policy(file)
    };
    let files = DiskOrSeed { embedded: false };
    grade::against_reference(exercise, policies, &reference, &files, &|| false)
}

/// Each counterexample the searches of `modsim test --reference` found, after the results:
/// the timeline, where the encoding and the reference part, and both explanations.
pub fn counterexamples(
    results: &[modsim_sim::exercise::CaseResult],
    searched: &[(usize, Diff)],
) -> String {
    let mut out = String::new();
    for (k, d) in searched {
        let (Some(case), Some(_)) = (results.get(*k), &d.found) else {
            continue;
        };
        let _ = writeln!(
            out,
            "\n{BOLD}Counterexample{BOLD:#} for {}: the encoding (A) against {} (B)",
            case.exercise, d.b.label
        );
        out.push_str(&text(d));
    }
    out
}

/// The cases as JSON, each search's case with its diff under `counterexample`.
pub fn cases_json(
    results: &[modsim_sim::exercise::CaseResult],
    searched: &[(usize, Diff)],
) -> serde_json::Value {
    let cases = results
        .iter()
        .enumerate()
        .map(|(k, case)| {
            let mut value = serde_json::to_value(case).unwrap_or(serde_json::Value::Null);
            if let Some((_, d)) = searched.iter().find(|(at, _)| *at == k)
                && let serde_json::Value::Object(map) = &mut value
            {
                map.insert(
                    "counterexample".into(),
                    serde_json::to_value(d).unwrap_or(serde_json::Value::Null),
                );
            }
            value
        })
        .collect();
    serde_json::Value::Array(cases)
}

/// Whether a file is a reform: a TOML document with a `[reform]` table. Anything else is read
/// as a policy, whose reader reports what is wrong with it.
fn is_reform(path: &Path) -> bool {
    files::read_text(path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .is_some_and(|t| t.contains_key("reform"))
}

/// A scenario argument: a file, or a folder holding `scenario.toml`.
fn scenario_file(path: &Path) -> Result<String, SetupError> {
    if path.is_dir() {
        let inside = path.join("scenario.toml");
        if inside.is_file() {
            return Ok(path_text(&inside));
        }
        return Err(usage(
            format!("the folder `{}` holds no `scenario.toml`", path.display()),
            Some("name the scenario file itself".into()),
        ));
    }
    Ok(path_text(path))
}

fn usage(message: impl Into<String>, help: Option<String>) -> SetupError {
    SetupError::Usage {
        message: message.into(),
        help,
    }
}

/// A failure, written as the other commands write theirs: every problem, a usage error as a
/// problem of the command line.
fn failure(e: SetupError, format: ErrorFormat) -> String {
    let problems = modsim_policy::FileProblems::from(e);
    match format {
        ErrorFormat::Human => diagnostics::human(&problems),
        ErrorFormat::Json => diagnostics::json(&problems),
    }
}

/// A progress bar on standard error.
fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {bar:40} {pos}/{len} timelines ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}
