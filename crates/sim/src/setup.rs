//! From files to a [`World`] ready to replay: reads the scenario, its posts and its policies
//! (or the ones a run names instead), checks the run's overrides against them, compiles and
//! binds. Every problem of every file comes back together.

use modsim_policy::diagnostic::Source;
use modsim_policy::diagnostic::did_you_mean;
use modsim_policy::{Calendar, Calendars, FileProblems, Overrides, PolicyDoc, Problem, ReformDoc};

use crate::bind::World;
use crate::lint;
use crate::scenario::{self, Files, Places};

/// What a run asks for.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// The scenario file's name as shown to the user, and the path its files resolve against.
    pub scenario: String,
    /// Policy files to use instead of the scenario's own.
    pub policies: Vec<String>,
    /// Reform files to apply, in order, each to the policy it names (or the only one).
    pub reforms: Vec<String>,
    /// Clauses taken out, parameters set, judgment calls fixed.
    pub overrides: Overrides,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// Problems in files, and in the overrides on the command line: every one found.
    #[error("{0}")]
    Files(FileProblems),
    /// A command-line request that names something no file has.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: Option<String>,
    },
}

impl From<SetupError> for FileProblems {
    /// Every problem, a usage error as a problem of the command line.
    fn from(e: SetupError) -> FileProblems {
        match e {
            SetupError::Files(problems) => problems,
            SetupError::Usage { message, help } => {
                let problem = Problem::error(message, None).on_command_line();
                match help {
                    Some(help) => problem.with_help(help).into(),
                    None => problem.into(),
                }
            }
        }
    }
}

/// A world ready to replay, with the warnings found on the way.
#[derive(Debug)]
pub struct Prepared {
    /// The world.
    pub world: World,
    /// Warnings, each in its file.
    pub warnings: FileProblems,
}

/// Reads and checks everything a run needs: the scenario and its posts, the policies, the
/// reforms and the overrides, every file read as far as it can be, so that the problems of
/// all of them come back together.
pub fn prepare(request: &Request, files: &dyn Files) -> Result<Prepared, SetupError> {
    let text =
        files
            .read(&request.scenario)
            .map_err(|e| match files.located(&request.scenario) {
                Some(problems) => SetupError::Files(problems),
                None => SetupError::Usage {
                    message: format!("cannot read the scenario `{}`: {e}", request.scenario),
                    help: Some("name a scenario file, or a folder holding `scenario.toml`".into()),
                },
            })?;
    let mut problems = FileProblems::default();
    let (mut scenario, named, places) = match scenario::load(&request.scenario, &text, files) {
        Ok(scenario) => {
            let named = scenario.policies.iter().map(|p| p.file.clone()).collect();
            let places = scenario.places.clone();
            (Some(scenario), named, places)
        }
        Err(failure) => {
            problems.append(failure.problems);
            (None, failure.policies, *failure.places)
        }
    };
    let in_force = if request.policies.is_empty() {
        InForce::Scenario(named, places)
    } else {
        // Policies named on the command line are bound by the scenario's `[roles]` alone:
        // the `[[policy]]` entries' own bindings belong to the files they name.
        if let Some(scenario) = &mut scenario {
            scenario.policies.clear();
        }
        InForce::CommandLine(request.policies.clone())
    };
    if in_force.paths().is_empty() && !problems.has_errors() {
        return Err(SetupError::Usage {
            message: format!(
                "the scenario `{}` puts no policy in force",
                request.scenario
            ),
            help: Some("add a `[[policy]]` entry to the scenario, or pass `--policy FILE`".into()),
        });
    }
    let (docs, all_read) = policies(&in_force, &request.reforms, files, &mut problems);
    // An override can be checked only against every policy in force, each fully read.
    if all_read {
        problems.extend(check_overrides(&request.overrides, &docs));
    }
    let calendars = match &scenario {
        Some(scenario) => calendars(scenario, &text, files, &mut problems),
        None => Calendars::shipped().clone(),
    };
    let mut compiled = Vec::new();
    for doc in &docs {
        match doc.compile_with(&request.overrides, &calendars) {
            Ok((policy, found)) => {
                problems.extend(found);
                compiled.push(policy);
            }
            Err(found) => problems.append(found),
        }
    }
    let scenario = match scenario {
        Some(scenario) if !problems.has_errors() => scenario,
        _ => return Err(SetupError::Files(problems)),
    };
    let world = World::bind(scenario, compiled);
    let mut warnings = problems;
    warnings.append(lint::check(&world, &docs));
    Ok(Prepared { world, warnings })
}

/// The shipped calendars and the scenario's own, each file read and checked; the problems of
/// each go to `problems`, those of a file that cannot be read to the scenario's line naming it.
fn calendars(
    scenario: &scenario::Scenario,
    text: &str,
    files: &dyn Files,
    problems: &mut FileProblems,
) -> Calendars {
    let mut added = Vec::new();
    for (path, span) in &scenario.calendars {
        match files.read(path) {
            Ok(calendar_text) => match Calendar::parse(path, &calendar_text) {
                Ok(calendar) => added.push(calendar),
                Err(found) => problems.append(found),
            },
            Err(e) => problems.push(
                Problem::error(
                    format!("cannot read the calendar `{path}`: {e}"),
                    Some(span.clone()),
                )
                .in_file(&Source::new(&scenario.file, text)),
            ),
        }
    }
    Calendars::shipped().with(added)
}

/// The policies in force: the scenario's (with where it names each), or the command line's.
pub(crate) enum InForce {
    Scenario(Vec<String>, Places),
    CommandLine(Vec<String>),
}

impl InForce {
    fn paths(&self) -> &[String] {
        match self {
            InForce::Scenario(paths, _) | InForce::CommandLine(paths) => paths,
        }
    }

    /// A problem with the `index`th policy as a file: at the scenario's `[[policy]]` entry
    /// that names it, or on the command line.
    fn blame(&self, index: usize, problem: Problem) -> Problem {
        match self {
            InForce::Scenario(_, places) => match &places.scenario {
                Some(scenario) => Problem {
                    span: places.policies.get(index).cloned(),
                    ..problem
                }
                .in_file(scenario),
                None => problem,
            },
            InForce::CommandLine(_) => problem.on_command_line(),
        }
    }
}

/// The policies in force, each with the reforms that apply to it, and whether every one of
/// them was read and reformed; the problems of each file go to `problems`.
pub(crate) fn policies(
    in_force: &InForce,
    reforms: &[String],
    files: &dyn Files,
    problems: &mut FileProblems,
) -> (Vec<PolicyDoc>, bool) {
    let mut docs = Vec::new();
    for (index, path) in in_force.paths().iter().enumerate() {
        match files.read(path) {
            Ok(text) => match PolicyDoc::parse(path, &text) {
                Ok(doc) => docs.push(doc),
                Err(found) => problems.append(found),
            },
            Err(e) => match files.located(path) {
                Some(found) => problems.append(found),
                None => problems.push(in_force.blame(
                    index,
                    Problem::error(format!("cannot read the policy `{path}`: {e}"), None),
                )),
            },
        }
    }
    let mut all_read = docs.len() == in_force.paths().len();
    for path in reforms {
        match apply_reform(path, files, &mut docs, all_read) {
            Ok(()) => {}
            Err(found) => {
                all_read = false;
                problems.append(found);
            }
        }
    }
    (docs, all_read)
}

/// Applies the reform at `path` to the policy it names, or to the only policy in force. When
/// not every policy could be read (`all_read` false), a reform whose policy is not found is
/// left alone: its policy may be the one that could not.
fn apply_reform(
    path: &str,
    files: &dyn Files,
    docs: &mut [PolicyDoc],
    all_read: bool,
) -> Result<(), FileProblems> {
    let text = files.read(path).map_err(|e| {
        files.located(path).unwrap_or_else(|| {
            FileProblems::from(
                Problem::error(format!("cannot read the reform `{path}`: {e}"), None)
                    .on_command_line(),
            )
        })
    })?;
    let reform = ReformDoc::parse(path, &text)?;
    let in_reform = |problem: Problem| FileProblems::new(path, reform.text(), vec![problem]);
    let target = match reform.applies_to() {
        Some(id) => match docs.iter().position(|d| d.id() == id) {
            Some(target) => target,
            None if !all_read => return Ok(()),
            None => {
                return Err(in_reform(
                    Problem::error(
                        format!("the reform applies to `{id}`, which is not in force"),
                        reform.applies_to_span(),
                    )
                    .suggesting(id, docs.iter().map(PolicyDoc::id)),
                ));
            }
        },
        None if docs.len() == 1 => 0,
        None if !all_read => return Ok(()),
        None => {
            return Err(in_reform(
                Problem::error("the reform does not say which policy it applies to", None)
                    .with_help("add `applies_to = \"POLICY-ID\"` under `[reform]`"),
            ));
        }
    };
    if let Some(doc) = docs.get_mut(target) {
        *doc = doc.with_reform(&reform)?;
    }
    Ok(())
}

/// Every `--without`, `--set` and `--assume` must name something some policy has: a problem
/// of the command line (no file) for each that does not.
fn check_overrides(overrides: &Overrides, docs: &[PolicyDoc]) -> Vec<Problem> {
    let unknown = |what: &str, flag: &str, name: &str, known: Vec<&str>| {
        let problem = Problem::error(
            format!("`{flag} {name}`: no policy in force has a {what} `{name}`"),
            None,
        )
        .on_command_line();
        match did_you_mean(name, known.iter().copied()) {
            Some(close) => problem.with_help(format!("did you mean `{close}`?")),
            None => problem.with_help(format!(
                "the {what}s are {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    };
    let mut problems = Vec::new();
    for id in &overrides.without {
        if !docs.iter().any(|d| d.has_clause(id)) {
            problems.push(unknown(
                "clause",
                "--without",
                id,
                docs.iter().flat_map(|d| d.clause_ids()).collect(),
            ));
        }
    }
    for (name, _) in &overrides.set {
        if !docs.iter().any(|d| d.has_parameter(name)) {
            problems.push(unknown(
                "parameter",
                "--set",
                name,
                docs.iter().flat_map(|d| d.parameter_names()).collect(),
            ));
        }
    }
    for (name, _) in &overrides.assume {
        if !docs.iter().any(|d| d.has_assumption(name)) {
            problems.push(unknown(
                "judgment call",
                "--assume",
                name,
                docs.iter().flat_map(|d| d.assumption_names()).collect(),
            ));
        }
    }
    problems
}

impl World {
    /// A replay's error as a problem of the file that holds the event its period was counted
    /// from (a notice, a post's time, a demand), underlined there, so that `modsim check` and
    /// a run show it alike.
    pub fn problems_of(&self, e: &crate::ReplayError) -> FileProblems {
        use crate::CountedFrom;
        use crate::outcome::Cause;
        let s = &self.scenario;
        let places = &s.places;
        let help = match e.error {
            modsim_policy::TimeError::OutOfRange => {
                "move this instant or shorten the period: deadlines must fall within the range of instants"
            }
            modsim_policy::TimeError::NotCovered { .. } => {
                "list the missing year in the calendar's file, or use a calendar that covers it"
            }
            modsim_policy::TimeError::NoSuchDay { .. } => {
                "end the period with `rounding down` or `rounding up` to say which day it means"
            }
            modsim_policy::TimeError::Gap(_) | modsim_policy::TimeError::Fold(_) => {
                "move this instant, or write the period in hours (`720 hours` for 30 days): hours count on the clock, so they always end at an instant that exists once"
            }
        };
        let problem = Problem::error(format!("the replay cannot compute {e}"), None)
            .with_label("counted from here")
            .with_help(help);
        let in_scenario = |span: Option<&std::ops::Range<usize>>| match &places.scenario {
            Some(source) => FileProblems::from(
                Problem {
                    span: span.cloned(),
                    ..problem.clone()
                }
                .in_file(source),
            ),
            None => FileProblems::new(&s.file, "", vec![problem.clone()]),
        };
        let post = |index: usize, column: &str| {
            let source = places.posts.as_ref()?;
            let post = s.posts.get(index)?;
            let span = scenario::place_of(source.text(), &post.id, column)?;
            Some(FileProblems::from(
                Problem {
                    span: Some(span),
                    ..problem.clone()
                }
                .in_file(source),
            ))
        };
        let found = match &e.from {
            CountedFrom::Notice(n) => Some(in_scenario(places.notices.get(*n))),
            CountedFrom::Duty(Cause::Published(p) | Cause::Deadline(p)) => post(*p, "published"),
            CountedFrom::Duty(Cause::Reported(p)) => post(*p, "reported"),
            CountedFrom::Duty(Cause::Removed(p)) => post(*p, "removed"),
            CountedFrom::Duty(Cause::Notified(p)) => post(*p, "id"),
            CountedFrom::Duty(
                Cause::Demanded(a)
                | Cause::DemandDeadline(a)
                | Cause::Acted(a)
                | Cause::ActedDeadline(a),
            ) => Some(in_scenario(places.actions.get(*a))),
            CountedFrom::Duty(Cause::Delivered(_)) | CountedFrom::Elsewhere => None,
        };
        found.unwrap_or_else(|| in_scenario(None))
    }
}

/// Most threads per core `--jobs` may ask for.
pub const MAX_JOBS_PER_CORE: usize = 4;

/// The threads of `--jobs`: 0 for one per core, at most [`MAX_JOBS_PER_CORE`] per core.
pub fn threads(jobs: usize) -> Result<usize, SetupError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let most = cores.saturating_mul(MAX_JOBS_PER_CORE);
    match jobs {
        0 => Ok(cores),
        n if n <= most => Ok(n),
        n => Err(SetupError::Usage {
            message: format!(
                "`--jobs {n}` is more threads than this machine can use: at most {most} ({MAX_JOBS_PER_CORE} per core, {cores} cores)"
            ),
            help: Some(format!(
                "give `--jobs` at most {most}, or `--jobs 0` for one thread per core"
            )),
        }),
    }
}
