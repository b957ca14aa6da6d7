//! `modsim test`: exercises and tests checked against their own expected results or an
//! answer key, with the problems of every exercise and key reported together.
//!
//! Exit codes: 0 every case passed; 1 a case failed; 2 bad input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use modsim_policy::{FileProblems, Problem};
use modsim_sim::exercise::{CaseResult, Exercise};

use crate::args::{TestArgs, TestFormat};
use crate::diagnostics;
use crate::files::{self, DiskOrSeed, path_text};
use crate::output;
use crate::render;

/// Exit code: bad input.
const BAD_INPUT: u8 = 2;

/// Exit code: a test case failed.
const TEST_FAILED: u8 = 1;

/// Runs `modsim test`: the cases' results on standard output, or every problem found on
/// standard error.
pub fn test(a: &TestArgs) -> ExitCode {
    match run_tests(a) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(TEST_FAILED),
        Err(problems) => {
            output::eprint(&diagnostics::human(&problems));
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Runs every exercise found; true when every case passed. The problems of every exercise
/// and key come together, and then no case is reported.
fn run_tests(a: &TestArgs) -> Result<bool, FileProblems> {
    let found = exercises(a)?;
    let files = DiskOrSeed { embedded: false };
    let policies: Vec<String> = a.policies.iter().map(|p| path_text(p)).collect();
    let mut results = Vec::new();
    // The searches against `--reference`: (the case's place in `results`, its diff).
    let mut searched = Vec::new();
    let mut problems = FileProblems::default();
    for path in &found {
        match test_one(a, path, &policies, &files) {
            Ok((found, search)) => {
                results.extend(found);
                if let Some((case, diff)) = search {
                    searched.push((results.len(), diff));
                    results.push(case);
                }
            }
            Err(found) => problems.append(found),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let passed = results.iter().filter(|r| r.passed).count();
    let failed = results.len() - passed;
    match a.format {
        TestFormat::Text => output::print(
            &format!(
                "{}{}",
                render::test_results(&results),
                crate::diff::counterexamples(&results, &searched)
            ),
            true,
        )
        .map_err(usage)?,
        TestFormat::Json => {
            let report = serde_json::json!({
                "schema": "modsim.test/1",
                "passed": passed,
                "failed": failed,
                "cases": crate::diff::cases_json(&results, &searched),
            });
            let mut text =
                serde_json::to_string_pretty(&report).map_err(|e| usage(e.to_string()))?;
            text.push('\n');
            output::print(&text, false).map_err(usage)?;
        }
    }
    Ok(failed == 0)
}

/// The exercise files the paths name, sorted, at least one, and one only with `--answers`.
fn exercises(a: &TestArgs) -> Result<Vec<PathBuf>, FileProblems> {
    let mut found = Vec::new();
    for path in &a.paths {
        collect_exercises(path, &mut found)?;
    }
    found.sort();
    found.dedup();
    if found.is_empty() {
        return Err(usage_help(
            "no exercise or test file found",
            "name files, or folders holding `exercise.toml` or `*.test.toml` files",
        ));
    }
    if a.answers.is_some() && found.len() > 1 {
        return Err(usage_help(
            format!(
                "`--answers` names one key, but {} exercises were found",
                found.len()
            ),
            "name one exercise, or use `--answers-dir DIR`",
        ));
    }
    Ok(found)
}

/// The case of the search against `--reference`, with its diff.
type Searched = Option<(CaseResult, modsim_sim::diff::Diff)>;

/// One exercise checked against its own expectations or its key (the problems of both files
/// together when either has some), then searched against the reference when there is one.
fn test_one(
    a: &TestArgs,
    path: &Path,
    policies: &[String],
    files: &DiskOrSeed,
) -> Result<(Vec<CaseResult>, Searched), FileProblems> {
    let name = path_text(path);
    let text = files::read_text(path).map_err(|e| usage(format!("cannot read `{name}`: {e}")))?;
    let exercise = Exercise::parse(&name, &text);
    let key = match (&a.answers, &a.answers_dir, &exercise) {
        (Some(file), _, _) => Some(file.clone()),
        (None, Some(dir), Ok(exercise)) => Some(dir.join(format!("{}.toml", exercise.id))),
        (None, _, _) => None,
    };
    let answers = key.map(|file| {
        let key_name = path_text(&file);
        let key_text = files::read_text(&file).map_err(|e| {
            FileProblems::from(Problem::error(
                format!("cannot read the answers `{key_name}`: {e}"),
                None,
            ))
        })?;
        Exercise::answers(&key_name, &key_text)
    });
    let (mut exercise, expect) = match (exercise, answers) {
        (Ok(exercise), None) => {
            let expect = exercise.expect.clone();
            (exercise, expect)
        }
        (Ok(exercise), Some(Ok(expect))) => (exercise, expect),
        (Ok(_), Some(Err(problems))) | (Err(problems), None | Some(Ok(_))) => {
            return Err(problems);
        }
        (Err(mut problems), Some(Err(more))) => {
            problems.append(more);
            return Err(problems);
        }
    };
    if !a.reforms.is_empty() {
        exercise.request.reforms = a.reforms.iter().map(|p| path_text(p)).collect();
    }
    let cases = exercise.check(&expect, policies, files)?;
    // `--reference` first; else the reference the key names, as `modsim serve` grades.
    let reference = a
        .reference
        .clone()
        .or_else(|| expect.reference.as_ref().map(PathBuf::from));
    let searched = match &reference {
        Some(reference) => Some(crate::diff::against_reference(
            &exercise, policies, reference,
        )?),
        None => None,
    };
    Ok((cases, searched))
}

/// Exercise files under `path`: the file itself, or `exercise.toml` and `*.test.toml` files in
/// the folder and its subfolders (hidden folders and `target` skipped; links followed, but no
/// folder twice, see `files::walk`).
fn collect_exercises(path: &Path, found: &mut Vec<PathBuf>) -> Result<(), FileProblems> {
    if !path.is_dir() {
        // Read, or refused by name, by the bounded reader.
        found.push(path.to_path_buf());
        return Ok(());
    }
    let wanted = |name: &str| name == "exercise.toml" || name.ends_with(".test.toml");
    found.extend(
        files::walk(path, &wanted)
            .map_err(|e| usage(format!("cannot read `{}`: {e}", path.display())))?,
    );
    Ok(())
}

/// A problem of the command line.
fn usage(message: impl Into<String>) -> FileProblems {
    Problem::error(message, None).on_command_line().into()
}

/// A problem of the command line, with its fix.
fn usage_help(message: impl Into<String>, help: &str) -> FileProblems {
    Problem::error(message, None)
        .with_help(help)
        .on_command_line()
        .into()
}
