//! Exercises and tests: a TOML file that names a scenario and the policies, reforms and
//! overrides to run it under, and states expected results (verdicts of actions, earliest
//! instants of powers, duty states at an instant), each with a message shown when it fails.
//!
//! The expected results may sit in the file (`[[expect]]`) or in a separate answers file with
//! the same `[[expect]]` tables, so that a hand-out holds the question and the instructor keeps
//! the key. A student's own policy can replace the exercise's, which makes "encode this clause
//! so that these verdicts come out" gradeable.

use std::collections::BTreeMap;

use jiff::Timestamp;
use modsim_policy::load::toml_problem;
use modsim_policy::{FileProblems, Overrides, Problem, show_instant};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use toml::Spanned;

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
    pub expect: Vec<Expectation>,
    text: String,
}

/// One expected result.
#[derive(Clone, Debug, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Expectation")]
pub struct Expectation {
    /// `ACTOR ACTION AGAINST` of an action in the timeline: its verdict is checked.
    #[serde(default)]
    pub verdict: Option<String>,
    /// Whether the action must be permitted.
    #[serde(default)]
    pub permitted: Option<bool>,
    /// The exact grounds it must rest on (clause ids).
    #[serde(default)]
    pub grounds: Option<Vec<String>>,
    /// Grounds it must rest on, among others.
    #[serde(default)]
    pub grounds_include: Option<Vec<String>>,
    /// Judgment calls the verdict must say it rests on.
    #[serde(default)]
    pub assumptions_include: Option<Vec<String>>,
    /// A power's clause id: its earliest instant is checked.
    #[serde(default)]
    pub earliest: Option<String>,
    /// A duty's clause id: its state at `at` is checked.
    #[serde(default)]
    pub duty: Option<String>,
    /// The expected state of the duty: `not_triggered`, `pending`, `fulfilled`, `breached` or
    /// `cured`.
    #[serde(default)]
    pub state: Option<String>,
    /// An instant: the expected earliest instant (or `never`), the instant a duty's state is
    /// read at, or the instant of the action when several match.
    #[serde(default)]
    pub at: Option<String>,
    /// Shown when the expectation fails: the exercise's own hint.
    #[serde(default)]
    pub message: Option<String>,
    /// A sweep point (`name = "value"` per varied name): the verdict's share of permitted
    /// replicates there is checked against `share_at_least` / `share_at_most`.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, SweepValue>>")]
    pub sweep: Option<toml::Table>,
    /// Replicates of that sweep (default 200).
    #[serde(default)]
    pub replicates: Option<u32>,
    /// Seed of that sweep (default 1).
    #[serde(default)]
    pub seed: Option<u64>,
    /// The share counted is of replicates permitted on this clause, rather than on any.
    #[serde(default)]
    pub on: Option<String>,
    /// Lowest acceptable share.
    #[serde(default)]
    pub share_at_least: Option<f64>,
    /// Highest acceptable share.
    #[serde(default)]
    pub share_at_most: Option<f64>,
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
    expect: Vec<Expectation>,
}

/// The header of an exercise.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Header")]
struct RawHeader {
    /// Short id; `--answers-dir` looks for its key as `ID.toml`.
    id: String,
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
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, SetValue>")]
    set: toml::Table,
    /// Judgment calls fixed (`--assume NAME=true|false`).
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, bool>")]
    assume: toml::Table,
}

/// A modsim answers file: an exercise's key, kept apart from its hand-out.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Answers", title = "modsim answers")]
struct RawAnswers {
    /// About the key, for readers: `exercise`, the id of the exercise it answers.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, serde_json::Value>>")]
    answers: Option<toml::Table>,
    /// The expected results, each with the message shown when it fails.
    #[serde(default)]
    expect: Vec<Expectation>,
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
    /// Reads an exercise file; paths in it are relative to it.
    pub fn parse(file: &str, text: &str) -> Result<Exercise, FileProblems> {
        let raw: RawExercise = toml::from_str(text)
            .map_err(|e| FileProblems::new(file, text, vec![toml_problem(&e)]))?;
        let h = raw.exercise;
        let _ = h.about;
        let mut problems = Vec::new();
        let mut overrides = Overrides {
            without: h.without.clone(),
            ..Overrides::default()
        };
        for (name, value) in &h.set {
            match value {
                toml::Value::String(s) => overrides.set.push((name.clone(), s.clone())),
                toml::Value::Integer(n) => overrides.set.push((name.clone(), n.to_string())),
                _ => problems.push(Problem::error(
                    format!("`set.{name}` must be a period or a whole number"),
                    None,
                )),
            }
        }
        for (name, value) in &h.assume {
            match value {
                toml::Value::Boolean(b) => overrides.assume.push((name.clone(), *b)),
                _ => problems.push(Problem::error(
                    format!("`assume.{name}` must be true or false"),
                    None,
                )),
            }
        }
        if !problems.is_empty() {
            return Err(FileProblems::new(file, text, problems));
        }
        let scenario = resolve_path(file, h.scenario.get_ref());
        Ok(Exercise {
            file: file.to_owned(),
            id: h.id,
            title: h.title,
            request: Request {
                scenario,
                policies: h.policies.iter().map(|p| resolve_path(file, p)).collect(),
                reforms: h.reforms.iter().map(|p| resolve_path(file, p)).collect(),
                overrides,
            },
            expect: raw.expect,
            text: text.to_owned(),
        })
    }

    /// The expected results of an answers file.
    pub fn answers(file: &str, text: &str) -> Result<Vec<Expectation>, FileProblems> {
        let raw: RawAnswers = toml::from_str(text)
            .map_err(|e| FileProblems::new(file, text, vec![toml_problem(&e)]))?;
        let _ = raw.answers;
        Ok(raw.expect)
    }

    /// Runs the exercise under `policies` (a student's, when given) and checks `expect`.
    pub fn check(
        &self,
        expect: &[Expectation],
        policies: &[String],
        files: &dyn Files,
    ) -> Result<Vec<CaseResult>, SetupError> {
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
        let outcome = prepared.world.replay().map_err(|e| SetupError::Usage {
            message: format!("the replay cannot compute {e}"),
            help: None,
        })?;
        let zone = &prepared.world.scenario.zone;
        let mut results = Vec::new();
        for e in expect {
            let checked = match &e.sweep {
                Some(point) => check_share(e, point, &request, files)?,
                None => check_one(e, &outcome, zone),
            };
            let (case, passed, actual) = match checked {
                Ok(r) => r,
                Err(problem) => {
                    return Err(SetupError::Files(FileProblems::new(
                        &self.file,
                        &self.text,
                        vec![problem],
                    )));
                }
            };
            results.push(CaseResult {
                file: self.file.clone(),
                exercise: self.id.clone(),
                case,
                passed,
                actual,
                message: if passed { None } else { e.message.clone() },
            });
        }
        Ok(results)
    }
}

/// A share of permitted replicates at one sweep point.
fn check_share(
    e: &Expectation,
    point: &toml::Table,
    request: &Request,
    files: &dyn Files,
) -> Result<Result<(String, bool, String), Problem>, SetupError> {
    let Some(what) = &e.verdict else {
        return Ok(Err(Problem::error(
            "a `sweep` expectation needs `verdict = \"ACTOR ACTION AGAINST\"`",
            None,
        )));
    };
    let vary: Vec<(String, Vec<String>)> = point
        .iter()
        .map(|(k, v)| {
            let value = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Float(x) => x.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                _ => String::new(),
            };
            (k.clone(), vec![value])
        })
        .collect();
    let spec = crate::sweep::SweepSpec {
        base: request.clone(),
        vary: vary.clone(),
        replicates: e.replicates.unwrap_or(200),
        seed: e.seed.unwrap_or(1),
        shard: None,
        jobs: 0,
    };
    let tally = crate::sweep::run(&spec, files, &|_| {})?;
    let prefix = format!(
        "{} at ",
        what.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    let Some(a) = tally.actions.iter().position(|l| l.starts_with(&prefix)) else {
        return Ok(Err(Problem::error(
            format!("no action `{what}` in the timeline"),
            None,
        )));
    };
    let Some(point) = tally.points.first() else {
        return Ok(Err(Problem::error("the sweep has no point", None)));
    };
    let k = match &e.on {
        Some(clause) => {
            let g = tally
                .grounds
                .get(a)
                .and_then(|gs| gs.iter().position(|g| g == clause));
            let Some(g) = g else {
                return Ok(Err(Problem::error(
                    format!("no power `{clause}` could permit `{what}`"),
                    None,
                )));
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
    let (low, high) = (
        e.share_at_least.unwrap_or(0.0),
        e.share_at_most.unwrap_or(1.0),
    );
    let at: Vec<String> = vary
        .iter()
        .map(|(k, v)| format!("{k}={}", v.join("")))
        .collect();
    let on =
        e.on.as_deref()
            .map(|c| format!(" on {c}"))
            .unwrap_or_default();
    Ok(Ok((
        format!(
            "share of {} worlds where {what} is permitted{on} at {}: between {low} and {high}",
            point.n,
            at.join(", ")
        ),
        (low..=high).contains(&share),
        format!("{share:.4}"),
    )))
}

fn check_one(
    e: &Expectation,
    outcome: &Outcome,
    zone: &jiff::tz::TimeZone,
) -> Result<(String, bool, String), Problem> {
    let instant = |text: &str| {
        parse_instant(text, zone).map_err(|(m, h)| Problem::error(m, None).with_help(h))
    };
    if let Some(what) = &e.verdict {
        let words: Vec<&str> = what.split_whitespace().collect();
        let [actor, action, against] = words.as_slice() else {
            return Err(Problem::error(
                format!("`verdict = \"{what}\"` must be `ACTOR ACTION AGAINST`"),
                None,
            )
            .with_help("for example `verdict = \"aws suspend parler\"`"));
        };
        let at = e.at.as_deref().map(instant).transpose()?;
        let v = outcome
            .verdicts
            .iter()
            .find(|v| {
                v.actor == *actor
                    && v.action == *action
                    && v.against == *against
                    && at.is_none_or(|t| v.at == t)
            })
            .ok_or_else(|| Problem::error(format!("no action `{what}` in the timeline"), None))?;
        let grounds: Vec<String> = v.grounds.iter().map(|g| g.clause.clone()).collect();
        let mut passed = true;
        let mut case = format!("verdict of {what}");
        if let Some(p) = e.permitted {
            passed &= v.permitted == p;
            case.push_str(if p { ": permitted" } else { ": not permitted" });
        }
        if let Some(g) = &e.grounds {
            let (mut a, mut b) = (g.clone(), grounds.clone());
            a.sort();
            b.sort();
            passed &= a == b;
            case.push_str(&format!(", on exactly {}", g.join(", ")));
        }
        if let Some(g) = &e.grounds_include {
            passed &= g.iter().all(|x| grounds.contains(x));
            case.push_str(&format!(", on {} among others", g.join(", ")));
        }
        if let Some(calls) = &e.assumptions_include {
            passed &= calls
                .iter()
                .all(|c| v.assumptions.iter().any(|a| &a.name == c));
            case.push_str(&format!(", resting on {}", calls.join(", ")));
        }
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
        return Ok((case, passed, actual));
    }
    if let Some(power) = &e.earliest {
        let found = outcome
            .earliest
            .iter()
            .find(|x| &x.power.clause == power)
            .ok_or_else(|| Problem::error(format!("no power `{power}` is in force"), None))?;
        let expected = match e.at.as_deref() {
            None => {
                return Err(Problem::error(
                    format!("the expectation on `{power}` needs `at` (an instant, or `never`)"),
                    None,
                ));
            }
            Some("never") => None,
            Some(t) => Some(instant(t)?),
        };
        let show =
            |t: Option<Timestamp>| t.map_or_else(|| "never".to_owned(), |t| show_instant(t, zone));
        return Ok((
            format!("earliest {power}: {}", show(expected)),
            found.at == expected,
            show(found.at),
        ));
    }
    if let Some(duty) = &e.duty {
        let history = outcome
            .duties
            .iter()
            .find(|d| &d.duty.clause == duty)
            .ok_or_else(|| Problem::error(format!("no duty `{duty}` is in force"), None))?;
        let (Some(state), Some(at)) = (&e.state, &e.at) else {
            return Err(Problem::error(
                format!("the expectation on duty `{duty}` needs `state` and `at`"),
                None,
            ));
        };
        let t = instant(at)?;
        let now = history
            .changes
            .iter()
            .take_while(|c| c.at <= t)
            .last()
            .map_or(DutyStatus::NotTriggered, |c| c.status);
        let word = now.word().replace(' ', "_");
        return Ok((
            format!("duty {duty} at {}: {state}", show_instant(t, zone)),
            word == *state,
            word,
        ));
    }
    Err(Problem::error("an `[[expect]]` names nothing to check", None)
        .with_help("give it `verdict = \"ACTOR ACTION AGAINST\"`, `earliest = \"CLAUSE\"` or `duty = \"CLAUSE\"`"))
}
