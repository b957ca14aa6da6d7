//! Grading against a reference: after an exercise's fixed expectations, a search for a timeline
//! on which the student's encoding and the reference part, on the exercise's scenario. Fixed
//! expectations let a wrong encoding through when the scenario happens not to touch the
//! mistake (exercise 3's plan due in 72 hours where the hand-out says 24: Parler's plan came
//! within 24); the search finds such a timeline and shows the student both explanations.
//!
//! The student's side is the exercise's run with the student's files in it (`--policy`, or
//! `--reform` applied to the exercise's policy); the reference is a policy, or a reform of the
//! exercise's policy. Each side must be one policy.

use super::{DEFAULT_BUDGET, Diff, DiffSpec, Search, SideSpec};
use crate::exercise::{CaseResult, Exercise};
use crate::scenario::Files;
use crate::setup::SetupError;

/// Timelines a grading search tries: enough to find a deadline read the wrong way within a
/// few seconds, few enough that a right encoding is graded quickly.
pub const GRADING_BUDGET: u64 = DEFAULT_BUDGET / 5;

/// The reference an encoding is graded against.
#[derive(Clone, Debug)]
pub enum Reference {
    /// A policy file.
    Policy(String),
    /// A reform file, applied to the exercise's policy.
    Reform(String),
}

impl Reference {
    fn file(&self) -> &str {
        match self {
            Reference::Policy(f) | Reference::Reform(f) => f,
        }
    }
}

/// The case of the search between the student's encoding (`student`: the student's policy
/// files, or none for the exercise's own) and `reference`, with the diff when they part.
/// `stop` is asked between rounds whether to stop early (a server's time limit).
pub fn against_reference(
    exercise: &Exercise,
    student: &[String],
    reference: &Reference,
    files: &dyn Files,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<(CaseResult, Diff), SetupError> {
    let spec = spec(exercise, student, reference)?;
    let search = Search::prepare(&spec, files)?;
    let diff = search.run(GRADING_BUDGET, 0, &|_| {}, stop)?;
    let case = format!(
        "no timeline tells the encoding from the reference {}",
        reference.file()
    );
    let (passed, actual, message) = match &diff.found {
        None => (
            true,
            format!("none of {} timelines", diff.tried),
            None,
        ),
        Some(found) => (
            false,
            format!(
                "a timeline of {} event{} on which they part",
                found.size.events,
                if found.size.events == 1 { "" } else { "s" }
            ),
            Some(
                "The encoding and the reference judge this timeline differently: compare the two explanations of the counterexample."
                    .to_owned(),
            ),
        ),
    };
    Ok((
        CaseResult {
            file: exercise.file.clone(),
            exercise: exercise.id.clone(),
            case,
            passed,
            actual,
            message,
        },
        diff,
    ))
}

/// The two sides of the search, on the exercise's scenario: the exercise's run with the
/// student's files in it (A), and the reference (B). Each must be one policy.
fn spec(
    exercise: &Exercise,
    student: &[String],
    reference: &Reference,
) -> Result<DiffSpec, SetupError> {
    let request = &exercise.request;
    let mut scenario = request.scenario.clone();
    if !scenario.ends_with(".toml") {
        scenario = format!("{}/scenario.toml", scenario.trim_end_matches('/'));
    }
    let one = |policies: &[String], whose: &str| -> Result<Option<String>, SetupError> {
        match policies {
            [] => Ok(None),
            [one] => Ok(Some(one.clone())),
            more => Err(SetupError::Usage {
                message: format!(
                    "`--reference` compares one policy with one, but {whose} puts {} in force",
                    more.len()
                ),
                help: Some("grade against a reference an exercise of one policy".into()),
            }),
        }
    };
    let exercise_policy = one(&request.policies, "the exercise")?;
    let student_policy = match one(student, "the student's work")? {
        Some(p) => Some(p),
        None => exercise_policy.clone(),
    };
    let label = match (student, request.reforms.as_slice()) {
        ([file], _) => format!("the encoding {file}"),
        ([], [reform, ..]) => format!("the encoding {reform}"),
        _ => "the exercise's encoding".to_owned(),
    };
    let a = SideSpec {
        label,
        policy: student_policy,
        reforms: request.reforms.clone(),
    };
    let b = match reference {
        Reference::Policy(file) => SideSpec {
            label: format!("the reference {file}"),
            policy: Some(file.clone()),
            reforms: Vec::new(),
        },
        Reference::Reform(file) => SideSpec {
            label: format!("the reference {file}"),
            policy: exercise_policy,
            reforms: vec![file.clone()],
        },
    };
    Ok(DiffSpec {
        a,
        b,
        scenario: Some(scenario),
        seed: 1,
    })
}
