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
use modsim_policy::{FileProblems, Overrides, Problem, show_instant};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::bind::World;
use crate::outcome::{DutyStatus, Outcome};
use crate::scenario::{Files, parse_instant, resolve_path};
use crate::setup::{self, Request, SetupError};

mod checks;
mod shape;
mod share;

use checks::*;
use shape::*;
use share::*;

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
    modsim_policy::load::shape::schema_for::<RawExercise>()
}

/// The JSON Schema of an answers file (an exercise's key); `modsim schema answers` prints it.
pub fn answers_schema() -> schemars::Schema {
    modsim_policy::load::shape::schema_for::<RawAnswers>()
}

impl Exercise {
    /// Reads an exercise file; paths in it are relative to it. Its expectations are checked
    /// as far as they can be without a run (see [`Exercise::answers`]).
    pub fn parse(file: &str, text: &str) -> Result<Exercise, FileProblems> {
        let raw: RawExercise = modsim_policy::load::shape::read(file, text)?;
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
                toml::Value::String(s) => match modsim_policy::ParamValue::parse(s) {
                    Ok(_) => overrides.set.push((name.clone(), s.clone())),
                    Err(help) => problems.push(
                        Problem::error(
                            format!("`set.{name}`: `{s}` is neither a period nor a whole number"),
                            Some(h.set.span()),
                        )
                        .with_help(help),
                    ),
                },
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
        let raw: RawAnswers = modsim_policy::load::shape::read(file, text)?;
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

#[cfg(test)]
mod tests;
