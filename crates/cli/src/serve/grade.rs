//! Grading an exercise in the browser: the student's policy or reform in place of the
//! exercise's, checked against the instructor's key, which stays on the server.
//!
//! The keys of `--answers-dir` are read once at start into their expected results; their text
//! is not kept. What goes back to the browser, per expected result: a neutral description of
//! what was checked (the question, never the expected value), whether it passed, what the
//! student's own run gave, and, when it failed, the key's message. A problem in a key is the
//! instructor's: it is printed on the server's terminal and the student is told only that the
//! key cannot be used.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use modsim_sim::SetupError;
use modsim_sim::diff::grade::Reference;
use modsim_sim::exercise::{Exercise, Expectation, Expectations};
use serde::Serialize;

use super::library::{ExerciseEntry, Library, RunFiles};
use super::limits;
use super::views::{self, ProblemsView};
use crate::files::read_text;

/// The path the student's work is read under.
pub const WORK: &str = "scratch/my-work.toml";

/// The path a key's reference is read under, in a grading's own files: never a library file,
/// so the browser cannot ask for it.
const REFERENCE: &str = "(the reference)";

/// The expected results of each exercise, by its id, and the references some keys name (their
/// text, and whether each is a reform); never sent anywhere.
#[derive(Debug, Default)]
pub struct Keys {
    expected: BTreeMap<String, Expectations>,
    references: BTreeMap<String, (String, bool)>,
}

impl Keys {
    /// Reads `DIR/ID.toml` for each exercise of the library.
    pub fn read(dir: &Path, library: &Library) -> Result<Keys, String> {
        if !dir.is_dir() {
            return Err(format!("`--answers-dir {}` is not a folder", dir.display()));
        }
        let mut keys = Keys::default();
        for e in &library.exercises {
            let path = dir.join(format!("{}.toml", e.id));
            if !path.is_file() {
                continue;
            }
            let name = crate::files::path_text(&path);
            let text = read_text(&path).map_err(|err| format!("cannot read `{name}`: {err}"))?;
            let expected =
                Exercise::answers(&name, &text).map_err(|p| crate::diagnostics::human(&p))?;
            if let Some(reference) = &expected.reference {
                let text = read_text(Path::new(reference)).map_err(|err| {
                    format!("cannot read `{reference}`, the reference `{name}` names: {err}")
                })?;
                let reform = text
                    .parse::<toml::Table>()
                    .is_ok_and(|t| t.contains_key("reform"));
                keys.references.insert(e.id.clone(), (text, reform));
            }
            keys.expected.insert(e.id.clone(), expected);
        }
        Ok(keys)
    }

    /// Whether the exercise has a key here.
    pub fn has(&self, id: &str) -> bool {
        self.expected.contains_key(id)
    }
}

/// One expected result, as the student sees it.
#[derive(Debug, Serialize)]
pub struct CaseView {
    /// What was checked: the question, not the answer.
    pub case: String,
    /// Whether it passed.
    pub passed: bool,
    /// What the student's run gave.
    pub actual: String,
    /// The key's message, when it failed.
    pub message: Option<String>,
}

/// A timeline on which the student's work and the reference part: what `modsim diff` shows
/// (the timeline, where they part, both sides' explanations), the reference named as such.
#[derive(Debug, Serialize)]
pub struct CounterexampleView {
    /// Its events.
    pub events: usize,
    /// Where the work (A) and the reference (B) part, a line each.
    pub differences: Vec<String>,
    /// The timeline, where they part, and both explanations, as text.
    pub text: String,
}

/// A grading's outcome.
#[derive(Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Graded {
    /// Every expected result, checked, then (when the key names a reference) the search for
    /// a timeline on which the work and the reference part.
    Results {
        /// How many passed.
        passed: usize,
        /// How many failed.
        failed: usize,
        /// Each result.
        cases: Vec<CaseView>,
        /// The smallest timeline found on which the work and the reference part, if one was.
        #[serde(skip_serializing_if = "Option::is_none")]
        counterexample: Option<CounterexampleView>,
    },
    /// The work (or the exercise) has problems to fix first.
    Problems(ProblemsView),
}

/// Grades `work` (a policy or reform, per the exercise; empty: the exercise as given).
pub fn grade(library: &Library, keys: &Keys, entry: &ExerciseEntry, work: &str) -> Graded {
    let Some(exercise) = &entry.exercise else {
        return Graded::Problems(views::usage("the exercise cannot be read", None));
    };
    let expected: &Expectations = match keys.expected.get(&entry.id) {
        Some(e) => e,
        None if !exercise.expect.is_empty() => &exercise.expect,
        None => {
            return Graded::Problems(views::usage(
                "the server holds no key for this exercise",
                Some("ask your instructor to start `modsim serve` with `--answers-dir`".into()),
            ));
        }
    };
    let mut edits = BTreeMap::new();
    let mut exercise = exercise.clone();
    let mut policies = Vec::new();
    if !work.trim().is_empty() {
        edits.insert(WORK.to_owned(), work.to_owned());
        match entry.work {
            "reform" => exercise.request.reforms = vec![WORK.to_owned()],
            _ => policies.push(WORK.to_owned()),
        }
    }
    let files = RunFiles {
        library,
        edits: &edits,
    };
    let mut cases = match expected_results(&exercise, expected, &policies, &files) {
        Ok(cases) => cases,
        Err(problems) => return problems,
    };
    let counterexample = match keys.references.get(&entry.id) {
        Some(reference) => {
            let mut edits = edits;
            edits.insert(REFERENCE.to_owned(), reference.0.clone());
            let files = RunFiles {
                library,
                edits: &edits,
            };
            match against_reference(&exercise, &policies, reference.1, &files) {
                Ok((case, found)) => {
                    cases.push(case);
                    found
                }
                Err(problems) => return problems,
            }
        }
        None => None,
    };
    let passed = cases.iter().filter(|c| c.passed).count();
    Graded::Results {
        passed,
        failed: cases.len() - passed,
        cases,
        counterexample,
    }
}

/// Each expected result, checked on the exercise's run with `policies`: a problem found by one
/// (no such action or power in the student's run) is that result failing, with the key's
/// message; any other problem is the work's, to fix first.
fn expected_results(
    exercise: &Exercise,
    expected: &Expectations,
    policies: &[String],
    files: &RunFiles<'_>,
) -> Result<Vec<CaseView>, Graded> {
    let mut cases = Vec::new();
    for one in expected.each() {
        let Some(e) = one.iter().next() else {
            continue;
        };
        let case = question(e);
        match exercise.check(&one, policies, files) {
            Ok(results) => {
                for r in results {
                    cases.push(CaseView {
                        case: case.clone(),
                        passed: r.passed,
                        actual: r.actual,
                        message: r.message,
                    });
                }
            }
            Err(SetupError::Files(failure))
                if failure
                    .problems
                    .iter()
                    .all(|p| p.file() == Some(one.file.as_str())) =>
            {
                let found: Vec<String> =
                    failure.problems.iter().map(|p| p.message.clone()).collect();
                cases.push(CaseView {
                    case,
                    passed: false,
                    actual: found.join("; "),
                    message: e.message.clone(),
                });
            }
            Err(SetupError::Files(failure)) => {
                return Err(Graded::Problems(views::problems(&failure)));
            }
            Err(SetupError::Usage { message, help }) => {
                return Err(Graded::Problems(views::usage(message, help)));
            }
        }
    }
    Ok(cases)
}

/// The search between the work (the exercise's run with `policies`) and the key's reference,
/// for as long as [`limits::GRADE_SEARCH_TIME`]: its case, and the counterexample found.
fn against_reference(
    exercise: &Exercise,
    policies: &[String],
    reform: bool,
    files: &RunFiles<'_>,
) -> Result<(CaseView, Option<CounterexampleView>), Graded> {
    let reference = if reform {
        Reference::Reform(REFERENCE.to_owned())
    } else {
        Reference::Policy(REFERENCE.to_owned())
    };
    let until = Instant::now() + limits::GRADE_SEARCH_TIME;
    let (case, mut diff) = match modsim_sim::diff::grade::against_reference(
        exercise,
        policies,
        &reference,
        files,
        &|| Instant::now() >= until,
    ) {
        Ok(found) => found,
        Err(SetupError::Files(failure)) => {
            return Err(Graded::Problems(views::problems(&failure)));
        }
        Err(SetupError::Usage { message, help }) => {
            return Err(Graded::Problems(views::usage(message, help)));
        }
    };
    // The sides as the student knows them; the reference's file is the server's.
    diff.a.label = "your work".into();
    diff.b.label = "the reference".into();
    diff.b.file = "the reference".into();
    let view = CaseView {
        case: "a search for a timeline on which your work and the reference part".into(),
        passed: case.passed,
        actual: case.actual,
        message: case.message,
    };
    let Some(found) = &mut diff.found else {
        return Ok((view, None));
    };
    for (run, label) in found.runs.iter_mut().zip(["your work", "the reference"]) {
        run.label = label.into();
    }
    let differences = found
        .runs
        .first()
        .map(|a| {
            let prose = crate::prose::Prose::new(&a.report);
            found
                .differences
                .iter()
                .map(|d| {
                    let t = prose.difference(d);
                    format!("{}: {} → {}", t.subject, t.baseline, t.value)
                })
                .collect()
        })
        .unwrap_or_default();
    let counterexample = CounterexampleView {
        events: found.size.events,
        differences,
        text: anstream::adapter::strip_str(&crate::diff::text(&diff)).to_string(),
    };
    Ok((view, Some(counterexample)))
}

/// What an expected result asks, without its answer.
fn question(e: &Expectation) -> String {
    if let Some(what) = &e.verdict {
        if e.sweep.is_some() {
            return format!("the share of worlds in which `{what}` is permitted");
        }
        return format!("the verdict on `{what}`");
    }
    if let Some(power) = &e.earliest {
        return format!("when `{power}` first opens");
    }
    if let Some(duty) = &e.duty {
        return format!("the state of duty `{duty}`");
    }
    "an expected result".into()
}

/// The file a new piece of work starts from: a reform of the exercise's policy, or a policy.
pub fn starter(entry: &ExerciseEntry, library: &Library) -> String {
    match entry.work {
        "reform" => {
            let target = entry
                .start
                .as_deref()
                .and_then(|f| library.text(f))
                .and_then(|t| modsim_policy::ReformDoc::parse("reform", t).ok())
                .and_then(|r| r.applies_to().map(str::to_owned))
                .unwrap_or_else(|| "POLICY-ID".into());
            REFORM_STARTER.replace("POLICY_ID", &target)
        }
        "policy" => crate::templates::POLICY.to_owned(),
        _ => String::new(),
    }
}

const REFORM_STARTER: &str = r#"# A reform: what changes in a policy (docs/reform-format.md).
# Say in a comment why each change is needed.

[reform]
id = "my-reform"
title = "My reform"
applies_to = "POLICY_ID"
# remove = ["CLAUSE-ID"]          # clauses taken out
# [parameters]                    # parameters given new values
# NAME = "30 calendar days"
"#;
