//! Exercises and tests: a TOML file that names a scenario and the policies, reforms and
//! overrides to run it under, and states expected results (verdicts of actions, earliest
//! instants of powers, duty states at an instant), each with a message shown when it fails.
//!
//! The expected results may sit in the file (`[[expect]]`) or in a separate answers file with
//! the same `[[expect]]` tables, so that a hand-out holds the question and the instructor keeps
//! the key. A student's own policy can replace the exercise's, which makes "encode this clause
//! so that these verdicts come out" gradeable.

use std::collections::BTreeMap;
use std::ops::Range;

use jiff::Timestamp;
use modsim_policy::diagnostic::did_you_mean;
use modsim_policy::load::toml_problem;
use modsim_policy::{FileProblems, Overrides, Problem, show_instant};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::bind::World;
use crate::outcome::{DutyStatus, Outcome};
use crate::scenario::{Files, parse_instant, resolve_path};
use crate::setup::{self, Request, SetupError};

/// An exercise file, read.
#[derive(Clone, Debug)]
pub struct Exercise {
    /// Its file, as named to the user.
    pub file: String,
    /// Its id (the answers file of `--answers-dir` is named after it).
    pub id: String,
    /// Its title: the question.
    pub title: String,
    /// The run it asks for.
    pub request: Request,
    /// Its own expected results (none in a hand-out whose key is kept apart).
    pub expect: Expectations,
}

/// Expected results with the file they were read from (an exercise or its key), so that a
/// problem found while checking them points into that file.
#[derive(Clone, Debug)]
pub struct Expectations {
    /// The file, as named to the user.
    pub file: String,
    text: String,
    /// For a key, the exercise it was written for (`[answers] exercise`).
    exercise: Option<Spanned<String>>,
    /// For a key, the reference encoding `modsim serve` searches the student's work against
    /// after the expected results (`[answers] reference`, a policy or a reform of the
    /// exercise's policy), resolved against the key's folder.
    pub reference: Option<String>,
    items: Vec<Spanned<Expectation>>,
}

impl Expectations {
    /// How many results are expected.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when none is.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The expected results.
    pub fn iter(&self) -> impl Iterator<Item = &Expectation> {
        self.items.iter().map(Spanned::get_ref)
    }

    /// Each expected result alone, still knowing its file: to check them one by one, so that
    /// one naming something the run lacks fails alone.
    pub fn each(&self) -> impl Iterator<Item = Expectations> + '_ {
        self.items.iter().map(|item| Expectations {
            file: self.file.clone(),
            text: self.text.clone(),
            exercise: self.exercise.clone(),
            reference: self.reference.clone(),
            items: vec![item.clone()],
        })
    }

    fn problems(&self, problems: Vec<Problem>) -> SetupError {
        SetupError::Files(FileProblems::new(&self.file, &self.text, problems))
    }
}

/// The states a duty can be in, as an expectation writes them.
pub const STATES: &[&str] = &["not_triggered", "pending", "fulfilled", "breached", "cured"];

/// One expected result.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Expectation")]
pub struct Expectation {
    /// `ACTOR ACTION AGAINST` of an action in the timeline: its verdict is checked.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub verdict: Option<Spanned<String>>,
    /// Whether the action must be permitted.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub permitted: Option<Spanned<bool>>,
    /// The exact grounds it must rest on (clause ids).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub grounds: Option<Spanned<Vec<String>>>,
    /// Grounds it must rest on, among others.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub grounds_include: Option<Spanned<Vec<String>>>,
    /// Judgment calls the verdict must say it rests on.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub assumptions_include: Option<Spanned<Vec<String>>>,
    /// A power's clause id: its earliest instant is checked.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub earliest: Option<Spanned<String>>,
    /// A duty's clause id: its state at `at` is checked.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub duty: Option<Spanned<String>>,
    /// The expected state of the duty: `not_triggered`, `pending`, `fulfilled`, `breached` or
    /// `cured`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub state: Option<Spanned<String>>,
    /// The instant the duty's first instance falls due: when it opened, plus the duty's
    /// period (checked instead of `state` and `at`). A key can so tell "within 24 hours" from
    /// "within 72 hours" when the duty was met in time under both.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub due: Option<Spanned<String>>,
    /// An instant: the expected earliest instant (or `never`), the instant a duty's state is
    /// read at, or the instant of the action when several match.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub at: Option<Spanned<String>>,
    /// Shown when the expectation fails: the exercise's own hint.
    #[serde(default)]
    pub message: Option<String>,
    /// A sweep point (`name = "value"` per varied name): the verdict's share of permitted
    /// replicates there is checked against `share_at_least` / `share_at_most`.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, SweepValue>>")]
    pub sweep: Option<Spanned<toml::Table>>,
    /// Replicates of that sweep (default 200).
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub replicates: Option<Spanned<u32>>,
    /// Seed of that sweep (default 1).
    #[serde(default)]
    #[schemars(with = "Option<u64>")]
    pub seed: Option<Spanned<u64>>,
    /// The share counted is of replicates permitted on this clause, rather than on any.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub on: Option<Spanned<String>>,
    /// Lowest acceptable share.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub share_at_least: Option<Spanned<f64>>,
    /// Highest acceptable share.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    pub share_at_most: Option<Spanned<f64>>,
}

/// The result of one expectation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    /// The exercise's file.
    pub file: String,
    /// The exercise's id.
    pub exercise: String,
    /// What was checked, in a line.
    pub case: String,
    /// Passed or not.
    pub passed: bool,
    /// What came out.
    pub actual: String,
    /// The exercise's message, when it failed.
    pub message: Option<String>,
}

/// A modsim exercise or test: the run a question is about and, unless a key is kept apart,
/// the expected results. See docs/exercise-format.md.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Exercise", title = "modsim exercise")]
struct RawExercise {
    /// The run: id, title, scenario, policies, reforms and overrides.
    exercise: RawHeader,
    /// The expected results, each with the message shown when it fails.
    #[serde(default)]
    #[schemars(with = "Vec<Expectation>")]
    expect: Vec<Spanned<Expectation>>,
}

/// The header of an exercise.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Header")]
struct RawHeader {
    /// Short id; `--answers-dir` looks for its key as `ID.toml`.
    #[schemars(with = "String")]
    id: Spanned<String>,
    /// The question.
    title: String,
    /// What it is about, for readers.
    #[serde(default)]
    about: Option<String>,
    /// The scenario: a `scenario.toml`, or its folder, relative to this file.
    #[schemars(with = "String")]
    scenario: Spanned<String>,
    /// Policy files to run under instead of the scenario's, relative to this file.
    #[serde(default)]
    policies: Vec<String>,
    /// Reform files to apply, relative to this file.
    #[serde(default)]
    reforms: Vec<String>,
    /// Clause ids taken out (`--without`).
    #[serde(default)]
    without: Vec<String>,
    /// Parameters set (`--set NAME=VALUE`): a period or a whole number.
    #[serde(default = "no_table")]
    #[schemars(with = "BTreeMap<String, SetValue>")]
    set: Spanned<toml::Table>,
    /// Judgment calls fixed (`--assume NAME=true|false`).
    #[serde(default = "no_table")]
    #[schemars(with = "BTreeMap<String, bool>")]
    assume: Spanned<toml::Table>,
}

/// An empty table, where the file has none (located nowhere: it has no problem).
fn no_table() -> Spanned<toml::Table> {
    Spanned::new(0..0, toml::Table::new())
}

/// A modsim answers file: an exercise's key, kept apart from its hand-out.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Answers", title = "modsim answers")]
struct RawAnswers {
    /// About the key: the exercise it answers, and notes for the instructor.
    #[serde(default)]
    answers: Option<RawAnswersHeader>,
    /// The expected results, each with the message shown when it fails.
    #[serde(default)]
    #[schemars(with = "Vec<Expectation>")]
    expect: Vec<Spanned<Expectation>>,
}

/// A key's `[answers]` table: the exercise it is for, and notes for the instructor.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AnswersHeader")]
struct RawAnswersHeader {
    /// The id of the exercise this key answers; a key used with another exercise is refused.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    exercise: Option<Spanned<String>>,
    /// The reference encoding (a policy, or a reform of the exercise's policy, relative to
    /// this file) that `modsim serve` searches the student's work against, after the expected
    /// results, for a timeline on which the two part (`modsim test` takes it as `--reference`).
    #[serde(default)]
    reference: Option<String>,
    /// Notes for the instructor.
    #[serde(default)]
    #[expect(
        dead_code,
        reason = "notes are for the instructor: read only to be accepted"
    )]
    notes: Option<String>,
}

/// The value `set` gives a parameter, as `Exercise::parse` reads it: a period
/// (`"2 business days"`) or a whole number.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "a schema only: the loader reads a TOML table")]
enum SetValue {
    Period(String),
    Number(i64),
}

/// A sweep point's value of one varied name, as `check_share` reads it.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "a schema only: the loader reads a TOML table")]
enum SweepValue {
    Text(String),
    Integer(i64),
    Number(f64),
    Flag(bool),
}

/// The JSON Schema of an exercise or test file, for TOML editors; `modsim schema exercise`
/// prints it.
pub fn exercise_schema() -> schemars::Schema {
    // Draft 7, the draft TOML editors (Taplo, Even Better TOML) read everywhere.
    schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawExercise>()
}

/// The JSON Schema of an answers file (an exercise's key); `modsim schema answers` prints it.
pub fn answers_schema() -> schemars::Schema {
    schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawAnswers>()
}

impl Exercise {
    /// Reads an exercise file; paths in it are relative to it. Its expectations are checked
    /// as far as they can be without a run (see [`Exercise::answers`]).
    pub fn parse(file: &str, text: &str) -> Result<Exercise, FileProblems> {
        if let Err(problem) = modsim_policy::load::check_nesting(text) {
            return Err(FileProblems::new(file, text, vec![problem]));
        }
        let raw: RawExercise = toml::from_str(text)
            .map_err(|e| FileProblems::new(file, text, vec![toml_problem(&e)]))?;
        let h = raw.exercise;
        let _ = h.about;
        let mut problems = Vec::new();
        let id = h.id.get_ref();
        if id.trim().is_empty() || id.contains(['/', '\\']) || id.starts_with('.') {
            problems.push(
                Problem::error(format!("`{id}` is not an exercise id"), Some(h.id.span()))
                    .with_help("an id names the key in `--answers-dir`, `ID.toml`: write letters, digits and `-`, as in `suspension-grounds`"),
            );
        }
        let mut overrides = Overrides {
            without: h.without.clone(),
            ..Overrides::default()
        };
        for (name, value) in h.set.get_ref() {
            match value {
                toml::Value::String(s) => overrides.set.push((name.clone(), s.clone())),
                toml::Value::Integer(n) => overrides.set.push((name.clone(), n.to_string())),
                _ => problems.push(Problem::error(
                    format!("`set.{name}` must be a period or a whole number"),
                    Some(h.set.span()),
                )),
            }
        }
        for (name, value) in h.assume.get_ref() {
            match value {
                toml::Value::Boolean(b) => overrides.assume.push((name.clone(), *b)),
                _ => problems.push(Problem::error(
                    format!("`assume.{name}` must be true or false"),
                    Some(h.assume.span()),
                )),
            }
        }
        for e in &raw.expect {
            problems.extend(shape(e));
        }
        if !problems.is_empty() {
            return Err(FileProblems::new(file, text, problems));
        }
        let scenario = resolve_path(file, h.scenario.get_ref());
        Ok(Exercise {
            file: file.to_owned(),
            id: h.id.into_inner(),
            title: h.title,
            request: Request {
                scenario,
                policies: h.policies.iter().map(|p| resolve_path(file, p)).collect(),
                reforms: h.reforms.iter().map(|p| resolve_path(file, p)).collect(),
                overrides,
            },
            expect: Expectations {
                file: file.to_owned(),
                text: text.to_owned(),
                exercise: None,
                reference: None,
                items: raw.expect,
            },
        })
    }

    /// The expected results of an answers file (a key), each checked for what it can say
    /// without a run: exactly one of `verdict`, `earliest` and `duty`; the keys that go with
    /// it and no others; a known duty state; shares between 0 and 1.
    pub fn answers(file: &str, text: &str) -> Result<Expectations, FileProblems> {
        if let Err(problem) = modsim_policy::load::check_nesting(text) {
            return Err(FileProblems::new(file, text, vec![problem]));
        }
        let raw: RawAnswers = toml::from_str(text)
            .map_err(|e| FileProblems::new(file, text, vec![toml_problem(&e)]))?;
        let problems: Vec<Problem> = raw.expect.iter().flat_map(shape).collect();
        if !problems.is_empty() {
            return Err(FileProblems::new(file, text, problems));
        }
        let (exercise, reference) = match raw.answers {
            Some(h) => (h.exercise, h.reference.map(|r| resolve_path(file, &r))),
            None => (None, None),
        };
        Ok(Expectations {
            file: file.to_owned(),
            text: text.to_owned(),
            exercise,
            reference,
            items: raw.expect,
        })
    }

    /// Runs the exercise under `policies` (a student's, when given) and checks `expect`: its
    /// own, or a key's, which must be written for this exercise. A problem found while
    /// checking (an action, power, duty or sweep name the run does not have) points into the
    /// file the expectation came from.
    pub fn check(
        &self,
        expect: &Expectations,
        policies: &[String],
        files: &dyn Files,
    ) -> Result<Vec<CaseResult>, SetupError> {
        if let Some(written_for) = &expect.exercise
            && written_for.get_ref() != &self.id
        {
            return Err(expect.problems(vec![
                Problem::error(
                    format!(
                        "this key is for the exercise `{}`, not `{}` (`{}`)",
                        written_for.get_ref(),
                        self.id,
                        self.file
                    ),
                    Some(written_for.span()),
                )
                .with_help(format!(
                    "grade `{}` with its own key, `{}.toml` in the keys' folder",
                    self.file, self.id
                )),
            ]));
        }
        let mut request = self.request.clone();
        if !policies.is_empty() {
            request.policies = policies.to_vec();
        }
        // A scenario named by its folder.
        if !request.scenario.ends_with(".toml") {
            request.scenario = format!("{}/scenario.toml", request.scenario.trim_end_matches('/'));
        }
        if expect.is_empty() {
            return Err(SetupError::Usage {
                message: format!("`{}` states no expected result", self.file),
                help: Some("add `[[expect]]` tables, or pass the key with `--answers FILE` or `--answers-dir DIR`".into()),
            });
        }
        let prepared = setup::prepare(&request, files)?;
        let outcome = prepared
            .world
            .replay()
            .map_err(|e| SetupError::Files(prepared.world.problems_of(&e)))?;
        let mut results = Vec::new();
        let mut problems = Vec::new();
        for e in expect.iter() {
            let checked = match &e.sweep {
                Some(point) => check_share(e, point, &request, &prepared.world, files)?,
                None => check_one(e, &outcome, &prepared.world),
            };
            match checked {
                Ok((case, passed, actual)) => results.push(CaseResult {
                    file: self.file.clone(),
                    exercise: self.id.clone(),
                    case,
                    passed,
                    actual,
                    message: if passed { None } else { e.message.clone() },
                }),
                Err(problem) => problems.push(problem),
            }
        }
        if !problems.is_empty() {
            return Err(expect.problems(problems));
        }
        Ok(results)
    }
}

/// What an expectation checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Verdict,
    Earliest,
    Duty,
}

/// The problems of one expectation that need no run: its kind, the keys that go with it,
/// the state of a duty, the bounds of a share.
fn shape(e: &Spanned<Expectation>) -> Vec<Problem> {
    let table = e.span();
    let e = e.get_ref();
    let kind = match kind(e, &table) {
        Ok(kind) => kind,
        Err(problem) => return vec![problem],
    };
    let mut problems = misplaced(e, kind);
    match kind {
        Kind::Verdict => {
            if let Some(v) = &e.verdict
                && v.get_ref().split_whitespace().count() != 3
            {
                problems.push(not_a_verdict(v));
            }
        }
        Kind::Earliest if e.at.is_none() => problems.push(Problem::error(
            "an expected earliest instant needs `at` (an instant, or `never`)",
            Some(table.clone()),
        )),
        Kind::Duty if e.due.is_none() && (e.state.is_none() || e.at.is_none()) => {
            problems.push(
                Problem::error(
                    "an expected duty state needs `state` and `at`",
                    Some(table.clone()),
                )
                .with_help("or `due`, the instant its first instance falls due"),
            );
        }
        Kind::Duty if e.due.is_some() && (e.state.is_some() || e.at.is_some()) => problems.push(
            Problem::error(
                "`due` and a state at an instant in one `[[expect]]`: each checks one thing",
                Some(table.clone()),
            )
            .with_help("split it into two `[[expect]]` tables"),
        ),
        Kind::Earliest | Kind::Duty => {}
    }
    if let Some(state) = &e.state
        && !STATES.contains(&state.get_ref().as_str())
    {
        let help = match did_you_mean(state.get_ref(), STATES.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "the states are {}",
                STATES
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        problems.push(
            Problem::error(
                format!("unknown duty state `{}`", state.get_ref()),
                Some(state.span()),
            )
            .with_help(help),
        );
    }
    if e.sweep.is_some() {
        problems.extend(share_problems(e, &table));
    }
    problems
}

/// The one thing an expectation checks: a verdict, an earliest instant or a duty's state.
fn kind(e: &Expectation, table: &Range<usize>) -> Result<Kind, Problem> {
    let kinds: Vec<(Kind, &str, Range<usize>)> = [
        (
            Kind::Verdict,
            "verdict",
            e.verdict.as_ref().map(Spanned::span),
        ),
        (
            Kind::Earliest,
            "earliest",
            e.earliest.as_ref().map(Spanned::span),
        ),
        (Kind::Duty, "duty", e.duty.as_ref().map(Spanned::span)),
    ]
    .into_iter()
    .filter_map(|(k, name, span)| Some((k, name, span?)))
    .collect();
    match kinds.as_slice() {
        [] => Err(nothing_to_check(Some(table.clone()))),
        [(kind, _, _)] => Ok(*kind),
        [(_, first, _), (_, second, span), ..] => Err(Problem::error(
            format!("`{first}` and `{second}` in one `[[expect]]`: each checks one thing"),
            Some(span.clone()),
        )
        .with_help("split it into two `[[expect]]` tables")),
    }
}

fn nothing_to_check(span: Option<Range<usize>>) -> Problem {
    Problem::error("an `[[expect]]` names nothing to check", span).with_help(
        "give it `verdict = \"ACTOR ACTION AGAINST\"`, `earliest = \"CLAUSE\"` or `duty = \"CLAUSE\"`",
    )
}

fn not_a_verdict(v: &Spanned<String>) -> Problem {
    Problem::error(
        format!(
            "`verdict = \"{}\"` must be `ACTOR ACTION AGAINST`",
            v.get_ref()
        ),
        Some(v.span()),
    )
    .with_help("for example `verdict = \"aws suspend parler\"`")
}

/// Keys that belong to another kind, to a sweep only, or not to a sweep: each would be
/// silently ignored.
fn misplaced(e: &Expectation, kind: Kind) -> Vec<Problem> {
    let sweep = e.sweep.is_some();
    let verdict = kind == Kind::Verdict;
    let groups = [
        (
            "a `verdict` without `sweep`",
            verdict && !sweep,
            vec![
                ("permitted", span_of(&e.permitted)),
                ("grounds", span_of(&e.grounds)),
                ("grounds_include", span_of(&e.grounds_include)),
                ("assumptions_include", span_of(&e.assumptions_include)),
            ],
        ),
        ("a `verdict`", verdict, vec![("sweep", span_of(&e.sweep))]),
        (
            "a verdict, an earliest instant or a duty, not a sweep",
            !sweep,
            vec![("at", span_of(&e.at))],
        ),
        (
            "a `duty`",
            kind == Kind::Duty,
            vec![("state", span_of(&e.state)), ("due", span_of(&e.due))],
        ),
        (
            "a `sweep`",
            sweep,
            vec![
                ("replicates", span_of(&e.replicates)),
                ("seed", span_of(&e.seed)),
                ("on", span_of(&e.on)),
                ("share_at_least", span_of(&e.share_at_least)),
                ("share_at_most", span_of(&e.share_at_most)),
            ],
        ),
    ];
    groups
        .into_iter()
        .filter(|(_, belongs, _)| !belongs)
        .flat_map(|(with, _, keys)| {
            keys.into_iter().filter_map(move |(key, span)| {
                let span = span?;
                Some(
                    Problem::error(
                        format!("`{key}` is not read here: it goes with {with}"),
                        Some(span),
                    )
                    .with_help("take it out, or move it to the `[[expect]]` it belongs to"),
                )
            })
        })
        .collect()
}

fn span_of<T>(value: &Option<Spanned<T>>) -> Option<Range<usize>> {
    value.as_ref().map(Spanned::span)
}

/// The bounds of a sweep expectation: at least one, each a share, one some share meets; and
/// at least one replicate.
fn share_problems(e: &Expectation, table: &Range<usize>) -> Vec<Problem> {
    let mut problems = Vec::new();
    if e.share_at_least.is_none() && e.share_at_most.is_none() {
        problems.push(
            Problem::error(
                "a sweep expectation needs `share_at_least` or `share_at_most`",
                Some(table.clone()),
            )
            .with_help("without a bound every share passes"),
        );
    }
    for bound in [&e.share_at_least, &e.share_at_most].into_iter().flatten() {
        let x = *bound.get_ref();
        if !(0.0..=1.0).contains(&x) {
            problems.push(
                Problem::error(
                    format!("a share is between 0 and 1, not {x}"),
                    Some(bound.span()),
                )
                .with_help("write the share as a fraction: `0.8` for 80%"),
            );
        }
    }
    if let (Some(low), Some(high)) = (&e.share_at_least, &e.share_at_most)
        && low.get_ref() > high.get_ref()
    {
        problems.push(Problem::error(
            format!(
                "`share_at_least = {}` is above `share_at_most = {}`: no share passes",
                low.get_ref(),
                high.get_ref()
            ),
            Some(low.span()),
        ));
    }
    if let Some(r) = &e.replicates
        && *r.get_ref() == 0
    {
        problems.push(Problem::error(
            "a sweep needs at least one replicate",
            Some(r.span()),
        ));
    }
    problems
}

/// A share of permitted replicates at one sweep point.
fn check_share(
    e: &Expectation,
    point: &Spanned<toml::Table>,
    request: &Request,
    world: &World,
    files: &dyn Files,
) -> Result<Result<(String, bool, String), Problem>, SetupError> {
    let Some(what) = &e.verdict else {
        return Ok(Err(Problem::error(
            "a `sweep` expectation needs `verdict = \"ACTOR ACTION AGAINST\"`",
            Some(point.span()),
        )));
    };
    let vary = match sweep_point(point, world) {
        Ok(vary) => vary,
        Err(problem) => return Ok(Err(problem)),
    };
    let spec = crate::sweep::SweepSpec {
        base: request.clone(),
        vary: vary.clone(),
        replicates: e.replicates.as_ref().map_or(200, |r| *r.get_ref()),
        seed: e.seed.as_ref().map_or(1, |s| *s.get_ref()),
        shard: None,
        jobs: 0,
    };
    let tally = crate::sweep::run(&spec, files, &|_| {})?;
    let (n, share) = match share(e, what, &tally) {
        Ok(found) => found,
        Err(problem) => return Ok(Err(problem)),
    };
    let (low, high) = (
        e.share_at_least.as_ref().map_or(0.0, |x| *x.get_ref()),
        e.share_at_most.as_ref().map_or(1.0, |x| *x.get_ref()),
    );
    let at: Vec<String> = vary
        .iter()
        .map(|(k, v)| format!("{k}={}", v.join("")))
        .collect();
    let on =
        e.on.as_ref()
            .map(|c| format!(" on {}", c.get_ref()))
            .unwrap_or_default();
    Ok(Ok((
        format!(
            "share of {n} worlds where {} is permitted{on} at {}: between {low} and {high}",
            what.get_ref(),
            at.join(", ")
        ),
        (low..=high).contains(&share),
        format!("{share:.4}"),
    )))
}

/// A sweep point's names and values as the axes of a one-point sweep, read against the run
/// (`world`) before the sweep is, and located at the `sweep` table when one is wrong.
fn sweep_point(
    point: &Spanned<toml::Table>,
    world: &World,
) -> Result<Vec<(String, Vec<String>)>, Problem> {
    let mut vary: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in point.get_ref() {
        let value = match v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => {
                return Err(Problem::error(
                    format!("`sweep.{k}` must be a string, a number or true or false"),
                    Some(point.span()),
                ));
            }
        };
        vary.push((k.clone(), vec![value]));
    }
    if let Err(p) = crate::sweep::axes(&vary, world) {
        let name = vary.get(p.axis).map_or("", |(n, _)| n.as_str());
        let mut problem =
            Problem::error(format!("`sweep.{name}`: {}", p.message), Some(point.span()));
        if let Some(help) = p.help {
            problem = problem.with_help(help);
        }
        return Err(problem);
    }
    Ok(vary)
}

/// The replicates of the sweep's one point, and the share of them in which `what` is
/// permitted (on the clause of `on`, when given).
fn share(
    e: &Expectation,
    what: &Spanned<String>,
    tally: &crate::sweep::Tally,
) -> Result<(u32, f64), Problem> {
    let words = what
        .get_ref()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let prefix = format!("{words} at ");
    let Some(a) = tally.actions.iter().position(|l| l.starts_with(&prefix)) else {
        let actions = tally
            .actions
            .iter()
            .map(|l| l.split(" at ").next().unwrap_or(l));
        return Err(unknown_action(what, actions));
    };
    let Some(point) = tally.points.first() else {
        return Err(Problem::error("the sweep has no point", Some(what.span())));
    };
    let k = match &e.on {
        Some(clause) => {
            let grounds = tally.grounds.get(a);
            let g = grounds.and_then(|gs| gs.iter().position(|g| g == clause.get_ref()));
            let Some(g) = g else {
                let known = grounds.into_iter().flatten().map(String::as_str);
                let mut problem = Problem::error(
                    format!(
                        "no power `{}` could permit `{}`",
                        clause.get_ref(),
                        what.get_ref()
                    ),
                    Some(clause.span()),
                );
                if let Some(close) = did_you_mean(clause.get_ref(), known) {
                    problem = problem.with_help(format!("did you mean `{close}`?"));
                }
                return Err(problem);
            };
            point
                .permitted_on
                .get(a)
                .and_then(|x| x.get(g))
                .copied()
                .unwrap_or(0)
        }
        None => point.permitted.get(a).copied().unwrap_or(0),
    };
    let share = if point.n == 0 {
        0.0
    } else {
        f64::from(k) / f64::from(point.n)
    };
    Ok((point.n, share))
}

/// No action of the run is `what`: located at it, with the closest action the run has.
fn unknown_action<'a>(what: &Spanned<String>, actions: impl Iterator<Item = &'a str>) -> Problem {
    let actions: Vec<&str> = actions.collect();
    let problem = Problem::error(
        format!("no action `{}` in the timeline", what.get_ref()),
        Some(what.span()),
    );
    match did_you_mean(what.get_ref(), actions.iter().copied()) {
        Some(close) => problem.with_help(format!("did you mean `{close}`?")),
        None if actions.is_empty() => problem.with_help("the timeline has no action"),
        None => problem.with_help(format!(
            "the timeline's actions are {}",
            actions
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn check_one(
    e: &Expectation,
    outcome: &Outcome,
    world: &World,
) -> Result<(String, bool, String), Problem> {
    let zone = &world.scenario.zone;
    if let Some(what) = &e.verdict {
        return check_verdict(e, what, outcome, zone);
    }
    if let Some(power) = &e.earliest {
        return check_earliest(e, power, outcome, zone);
    }
    if let Some(duty) = &e.duty {
        if let Some(due) = &e.due {
            return check_due(duty, due, outcome, world);
        }
        return check_duty(e, duty, outcome, zone);
    }
    Err(nothing_to_check(None))
}

/// An instant of an expectation, read in the scenario's zone, located where it is written.
fn instant(text: &Spanned<String>, zone: &jiff::tz::TimeZone) -> Result<Timestamp, Problem> {
    parse_instant(text.get_ref(), zone)
        .map_err(|(m, h)| Problem::error(m, Some(text.span())).with_help(h))
}

fn check_verdict(
    e: &Expectation,
    what_spanned: &Spanned<String>,
    outcome: &Outcome,
    zone: &jiff::tz::TimeZone,
) -> Result<(String, bool, String), Problem> {
    let what = what_spanned.get_ref();
    let words: Vec<&str> = what.split_whitespace().collect();
    let [actor, action, against] = words.as_slice() else {
        return Err(not_a_verdict(what_spanned));
    };
    let at = e.at.as_ref().map(|t| instant(t, zone)).transpose()?;
    let v = outcome
        .verdicts
        .iter()
        .find(|v| {
            v.actor == *actor
                && v.action == *action
                && v.against == *against
                && at.is_none_or(|t| v.at == t)
        })
        .ok_or_else(|| {
            let known: Vec<String> = outcome
                .verdicts
                .iter()
                .map(|v| format!("{} {} {}", v.actor, v.action, v.against))
                .collect();
            match &e.at {
                // The action is there, at another instant.
                Some(at)
                    if known
                        .iter()
                        .any(|k| k.split_whitespace().eq(words.iter().copied())) =>
                {
                    Problem::error(
                        format!("no action `{what}` at that instant in the timeline"),
                        Some(at.span()),
                    )
                }
                _ => unknown_action(what_spanned, known.iter().map(String::as_str)),
            }
        })?;
    let grounds: Vec<String> = v.grounds.iter().map(|g| g.clause.clone()).collect();
    let mut passed = true;
    let mut case = format!("verdict of {what}");
    if let Some(p) = &e.permitted {
        let p = *p.get_ref();
        passed &= v.permitted == p;
        case.push_str(if p { ": permitted" } else { ": not permitted" });
    }
    if let Some(g) = &e.grounds {
        let (mut a, mut b) = (g.get_ref().clone(), grounds.clone());
        a.sort();
        b.sort();
        passed &= a == b;
        case.push_str(&format!(", on exactly {}", g.get_ref().join(", ")));
    }
    if let Some(g) = &e.grounds_include {
        passed &= g.get_ref().iter().all(|x| grounds.contains(x));
        case.push_str(&format!(", on {} among others", g.get_ref().join(", ")));
    }
    if let Some(calls) = &e.assumptions_include {
        passed &= calls
            .get_ref()
            .iter()
            .all(|c| v.assumptions.iter().any(|a| &a.name == c));
        case.push_str(&format!(", resting on {}", calls.get_ref().join(", ")));
    }
    let actual = verdict_text(v, &grounds);
    Ok((case, passed, actual))
}

/// A verdict as an expectation's `actual` shows it: `permitted on 6.1(b) assuming x=true`.
fn verdict_text(v: &crate::Verdict, grounds: &[String]) -> String {
    let mut actual = if v.permitted {
        format!("permitted on {}", grounds.join(", "))
    } else {
        "not permitted".into()
    };
    if !v.assumptions.is_empty() {
        let calls: Vec<String> = v
            .assumptions
            .iter()
            .map(|a| format!("{}={}", a.name, a.value))
            .collect();
        actual.push_str(&format!(" assuming {}", calls.join(", ")));
    }
    actual
}

fn check_earliest(
    e: &Expectation,
    power: &Spanned<String>,
    outcome: &Outcome,
    zone: &jiff::tz::TimeZone,
) -> Result<(String, bool, String), Problem> {
    let found = outcome
        .earliest
        .iter()
        .find(|x| &x.power.clause == power.get_ref())
        .ok_or_else(|| {
            let known = outcome.earliest.iter().map(|x| x.power.clause.as_str());
            unknown_clause("power", power, known)
        })?;
    let expected = match &e.at {
        None => {
            return Err(Problem::error(
                format!(
                    "the expectation on `{}` needs `at` (an instant, or `never`)",
                    power.get_ref()
                ),
                Some(power.span()),
            ));
        }
        Some(t) if t.get_ref() == "never" => None,
        Some(t) => Some(instant(t, zone)?),
    };
    let show =
        |t: Option<Timestamp>| t.map_or_else(|| "never".to_owned(), |t| show_instant(t, zone));
    Ok((
        format!("earliest {}: {}", power.get_ref(), show(expected)),
        found.at == expected,
        show(found.at),
    ))
}

fn check_duty(
    e: &Expectation,
    duty: &Spanned<String>,
    outcome: &Outcome,
    zone: &jiff::tz::TimeZone,
) -> Result<(String, bool, String), Problem> {
    let history = outcome
        .duties
        .iter()
        .find(|d| &d.duty.clause == duty.get_ref())
        .ok_or_else(|| {
            let known = outcome.duties.iter().map(|d| d.duty.clause.as_str());
            unknown_clause("duty", duty, known)
        })?;
    let (Some(state), Some(at)) = (&e.state, &e.at) else {
        return Err(Problem::error(
            format!(
                "the expectation on duty `{}` needs `state` and `at`",
                duty.get_ref()
            ),
            Some(duty.span()),
        ));
    };
    let t = instant(at, zone)?;
    let now = history
        .changes
        .iter()
        .take_while(|c| c.at <= t)
        .last()
        .map_or(DutyStatus::NotTriggered, |c| c.status);
    let word = now.word().replace(' ', "_");
    Ok((
        format!(
            "duty {} at {}: {}",
            duty.get_ref(),
            show_instant(t, zone),
            state.get_ref()
        ),
        word == *state.get_ref(),
        word,
    ))
}

/// When the duty's first instance falls due: the instant it opened plus the duty's period,
/// counted as the replay counts it (in the scenario's zone, against the policy's calendar).
fn check_due(
    duty: &Spanned<String>,
    due: &Spanned<String>,
    outcome: &Outcome,
    world: &World,
) -> Result<(String, bool, String), Problem> {
    let zone = &world.scenario.zone;
    let history = outcome
        .duties
        .iter()
        .find(|d| &d.duty.clause == duty.get_ref())
        .ok_or_else(|| {
            let known = outcome.duties.iter().map(|d| d.duty.clause.as_str());
            unknown_clause("duty", duty, known)
        })?;
    let expected = instant(due, zone)?;
    let case = format!(
        "duty {} falls due at {}",
        duty.get_ref(),
        show_instant(expected, zone)
    );
    let opened = history
        .changes
        .iter()
        .find(|c| c.status != DutyStatus::NotTriggered)
        .map(|c| c.at);
    let terms = world
        .policies
        .iter()
        .map(|b| &b.policy)
        .filter(|p| p.id == history.duty.policy)
        .find_map(|p| {
            let d = p.duties.iter().find(|d| {
                p.clauses
                    .get(d.clause)
                    .is_some_and(|c| &c.id == duty.get_ref())
            })?;
            Some((d, &p.holidays))
        });
    let (Some(opened), Some((terms, calendar))) = (opened, terms) else {
        return Ok((case, false, "never opened".to_owned()));
    };
    if terms.open_ended {
        return Ok((case, false, "no time limit".to_owned()));
    }
    let at = terms
        .within
        .period
        .add_to(opened, zone, calendar)
        .map_err(|e| Problem::error(format!("the deadline cannot be counted: {e}"), None))?;
    Ok((case, at == expected, show_instant(at, zone)))
}

/// No power or duty of the run has the clause id `clause`: located at it, with the closest.
fn unknown_clause<'a>(
    what: &str,
    clause: &Spanned<String>,
    known: impl Iterator<Item = &'a str>,
) -> Problem {
    let known: Vec<&str> = known.collect();
    let problem = Problem::error(
        format!("no {what} `{}` is in force", clause.get_ref()),
        Some(clause.span()),
    );
    match did_you_mean(clause.get_ref(), known.iter().copied()) {
        Some(close) => problem.with_help(format!("did you mean `{close}`?")),
        None if known.is_empty() => {
            problem.with_help(format!("the policies in force have no {what}"))
        }
        None => problem.with_help(format!(
            "the {what} clauses in force are {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each key, with the message of the error it must give and the text it must underline.
    /// Regressions (issue 13): these were read as failed cases, or silently dropped a key.
    #[test]
    fn expectations_that_cannot_be_right_are_errors_located_in_the_key() {
        for (expect, message, underlined) in [
            (
                "duty = \"4.2\"\nstate = \"angry\"\nat = \"2021-01-10 23:59\"",
                "unknown duty state `angry`",
                "\"angry\"",
            ),
            (
                "verdict = \"aws suspend parler\"\nduty = \"4.2\"",
                "`verdict` and `duty` in one `[[expect]]`",
                "\"4.2\"",
            ),
            (
                "verdict = \"aws suspend parler\"\nsweep = { count = \"5\" }\nshare_at_least = 1.5",
                "a share is between 0 and 1, not 1.5",
                "1.5",
            ),
            (
                "verdict = \"aws suspend parler\"\nsweep = { count = \"5\" }\nshare_at_least = 0.6\nshare_at_most = 0.4",
                "no share passes",
                "0.6",
            ),
            (
                "verdict = \"aws suspend parler\"\nsweep = { count = \"5\" }",
                "needs `share_at_least` or `share_at_most`",
                "",
            ),
            (
                "verdict = \"aws suspend parler\"\nsweep = { count = \"5\" }\npermitted = true\nshare_at_most = 1",
                "`permitted` is not read here",
                "true",
            ),
            (
                "earliest = \"7.2(a)\"\nat = \"never\"\nstate = \"pending\"",
                "`state` is not read here",
                "\"pending\"",
            ),
            (
                "verdict = \"aws suspend\"",
                "must be `ACTOR ACTION AGAINST`",
                "\"aws suspend\"",
            ),
            ("message = \"x\"", "names nothing to check", ""),
            ("earliest = \"7.2(a)\"", "needs `at`", ""),
            (
                "duty = \"1.2 (plan)\"\ndue = \"2021-01-09 09:00\"\nstate = \"pending\"\nat = \"2021-01-08 10:00\"",
                "`due` and a state at an instant in one `[[expect]]`",
                "",
            ),
            (
                "earliest = \"7.2(a)\"\nat = \"never\"\ndue = \"2021-01-09 09:00\"",
                "`due` is not read here",
                "\"2021-01-09 09:00\"",
            ),
        ] {
            let text = format!("[answers]\nexercise = \"x\"\n\n[[expect]]\n{expect}\n");
            let problems = Exercise::answers("key.toml", &text).unwrap_err();
            let problem = problems
                .problems
                .iter()
                .find(|p| p.message.contains(message))
                .unwrap_or_else(|| panic!("{message}: {:?}", problems.problems));
            let span = problem.span.clone().expect("located");
            assert!(
                text[span.clone()].contains(underlined),
                "{message}: underlines {:?}",
                &text[span]
            );
        }
    }

    #[test]
    fn a_key_names_the_exercise_it_is_for() {
        let key = Exercise::answers(
            "key.toml",
            "[answers]\nexercise = \"other\"\nnotes = \"for me\"\n\n[[expect]]\nearliest = \"7.2(a)\"\nat = \"never\"\n",
        )
        .unwrap();
        assert_eq!(
            key.exercise.as_ref().map(|e| e.get_ref().as_str()),
            Some("other")
        );
        assert!(Exercise::answers("key.toml", "[answers]\nexrecise = \"x\"\n").is_err());
        let exercise = Exercise::parse(
            "ex/exercise.toml",
            "[exercise]\nid = \"mine\"\ntitle = \"t\"\nscenario = \"s\"\n",
        )
        .unwrap();
        struct NoFiles;
        impl Files for NoFiles {
            fn read(&self, path: &str) -> Result<String, String> {
                Err(format!("no file {path}"))
            }
        }
        let Err(SetupError::Files(failure)) = exercise.check(&key, &[], &NoFiles) else {
            panic!("a key for another exercise is refused before any file is read");
        };
        assert!(
            failure.problems[0]
                .message
                .contains("this key is for the exercise `other`, not `mine`")
        );
        for id in ["", "../x", ".hidden"] {
            let text = format!("[exercise]\nid = \"{id}\"\ntitle = \"t\"\nscenario = \"s\"\n");
            assert!(Exercise::parse("e.toml", &text).is_err(), "{id:?}");
        }
    }
}
