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

use modsim_sim::SetupError;
use modsim_sim::exercise::{Exercise, Expectation, Expectations};
use serde::Serialize;

use super::library::{ExerciseEntry, Library, RunFiles};
use super::views::{self, ProblemsView};
use crate::files::read_text;

/// The path the student's work is read under.
pub const WORK: &str = "scratch/my-work.toml";

/// The expected results of each exercise, by its id; never sent anywhere.
#[derive(Debug, Default)]
pub struct Keys {
    expected: BTreeMap<String, Expectations>,
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

/// A grading's outcome.
#[derive(Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Graded {
    /// Every expected result, checked.
    Results {
        /// How many passed.
        passed: usize,
        /// How many failed.
        failed: usize,
        /// Each result.
        cases: Vec<CaseView>,
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
    let mut cases = Vec::new();
    for one in expected.each() {
        let Some(e) = one.iter().next() else {
            continue;
        };
        let case = question(e);
        match exercise.check(&one, &policies, &files) {
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
            // A problem found by an expected result (no such action or power in the student's
            // run) is that result failing, with the key's message.
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
                return Graded::Problems(views::problems(&failure));
            }
            Err(SetupError::Usage { message, help }) => {
                return Graded::Problems(views::usage(message, help));
            }
        }
    }
    let passed = cases.iter().filter(|c| c.passed).count();
    Graded::Results {
        passed,
        failed: cases.len() - passed,
        cases,
    }
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
