//! `modsim check`: every policy and scenario under the paths given, read, compiled and
//! linted, with every problem reported together.
//!
//! A file's kind is told by its top-level table ([`FileKind`]); adding a kind (reforms) is
//! one entry in [`FileKind::ALL`] and one arm in [`check_file`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use modsim_policy::{FileProblems, PolicyDoc, Problem};
use modsim_sim::exercise::Exercise;
use modsim_sim::{Files, Request, SetupError};

use crate::args::{CheckArgs, ErrorFormat};
use crate::diagnostics;
use crate::files::{DiskOrSeed, path_text, read_text};
use crate::output;

/// Exit code: warnings found, and `--deny-warnings` given.
const WARNINGS_DENIED: u8 = 1;
/// Exit code: errors found.
const ERRORS: u8 = 2;

/// The kinds of file `check` reads, told apart by their top-level table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A policy: `[policy]`.
    Policy,
    /// A scenario: `[scenario]`.
    Scenario,
    /// A reform: `[reform]`.
    Reform,
    /// An exercise or test: `[exercise]`.
    Exercise,
    /// An exercise's key: `[answers]`.
    Answers,
}

impl FileKind {
    /// Every kind, with the top-level table that marks it.
    pub const ALL: &[(&str, FileKind)] = &[
        ("policy", FileKind::Policy),
        ("scenario", FileKind::Scenario),
        ("reform", FileKind::Reform),
        ("exercise", FileKind::Exercise),
        ("answers", FileKind::Answers),
    ];

    /// The kind of a file, from the first line that opens one of the marking tables
    /// (`[policy]`, with spaces or a comment allowed). A lexical scan, so that a file with a
    /// syntax error still gets its own kind's messages.
    pub fn detect(text: &str) -> Option<FileKind> {
        text.lines().find_map(|line| {
            let line = line.split('#').next().unwrap_or("").trim();
            let name = line.strip_prefix('[')?.strip_suffix(']')?.trim();
            Self::ALL
                .iter()
                .find(|(table, _)| *table == name)
                .map(|(_, k)| *k)
        })
    }
}

/// Runs `modsim check` and prints what it found on standard error.
pub fn check(args: &CheckArgs) -> ExitCode {
    let mut report = Report::default();
    let mut queue: Vec<(String, Option<FileKind>)> = Vec::new();
    for path in &args.paths {
        queue.extend(
            files_named(path, &mut report)
                .into_iter()
                .map(|p| (p, None)),
        );
    }
    let mut done: Vec<String> = Vec::new();
    let mut next = 0;
    while let Some((name, kind)) = queue.get(next).cloned() {
        next += 1;
        if done.contains(&name) {
            continue;
        }
        done.push(name.clone());
        for policy in check_file(&name, kind, &mut report) {
            queue.push((policy, Some(FileKind::Policy)));
        }
    }

    let (errors, warnings) = report.problems.counts();
    match args.error_format {
        ErrorFormat::Json => output::eprint(&diagnostics::json(&report.problems)),
        ErrorFormat::Human => {
            output::eprint(&diagnostics::human(&report.problems));
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            output::eprint(&format!(
                "checked {} file{}: {errors} error{}, {warnings} warning{}\n",
                done.len(),
                plural(done.len()),
                plural(errors),
                plural(warnings)
            ));
        }
    }
    if errors > 0 {
        ExitCode::from(ERRORS)
    } else if warnings > 0 && args.deny_warnings {
        ExitCode::from(WARNINGS_DENIED)
    } else {
        ExitCode::SUCCESS
    }
}

/// The files a path names: itself, or the `.toml` files in the folder.
fn files_named(path: &Path, report: &mut Report) -> Vec<String> {
    if !path.is_dir() {
        return vec![path_text(path)];
    }
    // Links are followed, but no folder twice: a link up the tree ends the walk.
    let found = crate::files::walk(path, &|name| name.ends_with(".toml")).unwrap_or_default();
    if found.is_empty() {
        report.usage(
            &path_text(path),
            format!("the folder `{}` holds no `.toml` file", path.display()),
            "name a policy, scenario, reform or exercise file, or a folder holding some",
        );
    }
    found.iter().map(|p| path_text(p)).collect()
}

/// Every problem found, each in its file, without repeats (a policy is checked on its own
/// and again with the scenario that puts it in force).
#[derive(Default)]
struct Report {
    problems: FileProblems,
}

impl Report {
    fn add(&mut self, found: FileProblems) {
        for p in found {
            if !self.problems.problems.contains(&p) {
                self.problems.push(p);
            }
        }
    }

    fn usage(&mut self, name: &str, message: String, help: &str) {
        self.add(FileProblems::new(
            name,
            "",
            vec![Problem::error(message, None).with_help(help)],
        ));
    }
}

/// Checks one file; returns the policies a scenario puts in force, to check in turn.
fn check_file(name: &str, kind: Option<FileKind>, report: &mut Report) -> Vec<String> {
    let text = match read_file(name) {
        Ok(text) => text,
        Err(problems) => {
            report.add(problems);
            return Vec::new();
        }
    };
    match kind.or_else(|| FileKind::detect(&text)) {
        Some(FileKind::Policy) => match PolicyDoc::parse(name, &text) {
            Ok(doc) => report.add(FileProblems::new(name, &text, doc.check())),
            Err(problems) => report.add(problems),
        },
        Some(FileKind::Scenario) => return check_scenario(name, report),
        Some(FileKind::Reform) => check_reform(name, &text, report),
        Some(FileKind::Exercise) => check_exercise(name, &text, report),
        Some(FileKind::Answers) => {
            if let Err(problems) = Exercise::answers(name, &text) {
                report.add(problems);
            }
        }
        None => check_unknown(name, &text, report),
    }
    Vec::new()
}

/// An exercise: its own shape, then the scenario it names, read as a run would.
fn check_exercise(name: &str, text: &str, report: &mut Report) {
    let exercise = match Exercise::parse(name, text) {
        Ok(exercise) => exercise,
        Err(problems) => return report.add(problems),
    };
    let mut request = exercise.request.clone();
    if !request.scenario.ends_with(".toml") {
        request.scenario = format!("{}/scenario.toml", request.scenario.trim_end_matches('/'));
    }
    let files = DiskOrSeed { embedded: false };
    match modsim_sim::prepare(&request, &files) {
        Ok(_) => {}
        Err(SetupError::Files(problems)) => report.add(problems),
        Err(SetupError::Usage { message, help }) => {
            report.usage(name, message, help.as_deref().unwrap_or(""));
        }
    }
}

/// A file of no known kind: its syntax error, located, or what the kinds are.
fn check_unknown(name: &str, text: &str, report: &mut Report) {
    // A syntax error can hide the marking table: report it, located, first.
    let syntax = modsim_policy::load::check_nesting(text).err().or_else(|| {
        text.parse::<toml::Table>()
            .err()
            .map(|e| modsim_policy::load::toml_problem(&e))
    });
    if let Some(problem) = syntax {
        report.add(FileProblems::new(name, text, vec![problem]));
        return;
    }
    let tables: Vec<String> = FileKind::ALL
        .iter()
        .map(|(t, _)| format!("`[{t}]`"))
        .collect();
    let message = if text.trim().is_empty() {
        "the file is empty"
    } else {
        "the file is not a policy, scenario, reform, exercise or answers file"
    };
    report.add(FileProblems::new(
        name,
        text,
        vec![Problem::error(message, Some(0..0)).with_help(format!(
            "a file's kind is told by its top-level table: {}",
            tables.join(" or ")
        ))],
    ));
}

/// A reform: its own shape, then, when the policy it applies to is found beside it (its
/// folder or the one above, as `policies/reforms/` sits in `policies/`) or in `policies/`,
/// the reformed policy compiled, so problems in the clauses it adds are found too.
fn check_reform(name: &str, text: &str, report: &mut Report) {
    let reform = match modsim_policy::ReformDoc::parse(name, text) {
        Ok(r) => r,
        Err(problems) => {
            report.add(problems);
            return;
        }
    };
    let Some(target) = reform.applies_to() else {
        return;
    };
    let here = Path::new(name).parent().unwrap_or(Path::new("."));
    let mut candidates = Vec::new();
    for dir in [here, here.parent().unwrap_or(here), Path::new("policies")] {
        if let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) {
            let mut paths: Vec<PathBuf> =
                entries.filter_map(Result::ok).map(|e| e.path()).collect();
            paths.sort();
            candidates.extend(
                paths
                    .into_iter()
                    .filter(|p| p.extension().is_some_and(|e| e == "toml")),
            );
        }
    }
    let policy = candidates.iter().find_map(|p| {
        let t = read_text(p).ok()?;
        (FileKind::detect(&t) == Some(FileKind::Policy)).then_some(())?;
        let doc = PolicyDoc::parse(&path_text(p), &t).ok()?;
        (doc.id() == target).then_some(doc)
    });
    let Some(policy) = policy else {
        report.add(FileProblems::new(
            name,
            text,
            vec![Problem::warning(format!("the policy `{target}` this reform applies to is not beside it, so its clauses were not compiled"), None)
                .with_help("keep reforms in a folder inside the folder of the policies they change, as `policies/reforms/`")],
        ));
        return;
    };
    match policy.with_reform(&reform) {
        Err(problems) => report.add(problems),
        Ok(reformed) => {
            if let Err(problems) = reformed.compile(&modsim_policy::Overrides::default()) {
                report.add(problems);
            }
        }
    }
}

/// Reads a file as text through the bounded reader; a file that is not UTF-8 is located at its
/// first bad byte.
fn read_file(name: &str) -> Result<String, FileProblems> {
    crate::files::read_located(name)
}

/// Reads a scenario with its posts and policies, as a run would, with what binding finds
/// (the scenario lints); returns the policies it puts in force, to check on their own.
fn check_scenario(name: &str, report: &mut Report) -> Vec<String> {
    let request = Request {
        scenario: name.to_owned(),
        ..Request::default()
    };
    let files = DiskOrSeed { embedded: false };
    let prepared = match modsim_sim::prepare(&request, &files) {
        Ok(prepared) => prepared,
        Err(SetupError::Files(problems)) => {
            report.add(problems);
            return Vec::new();
        }
        Err(SetupError::Usage { message, help }) => {
            let text = files.read(name).unwrap_or_default();
            let mut problem = Problem::error(message, None);
            if let Some(help) = help {
                problem = problem.with_help(help);
            }
            report.add(FileProblems::new(name, &text, vec![problem]));
            return Vec::new();
        }
    };
    report.add(prepared.warnings);
    let world = &prepared.world;
    world
        .policies
        .iter()
        .map(|b| b.policy.file.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_their_top_level_table() {
        for (text, kind) in [
            ("#:schema x\n[policy]\nid = 1", Some(FileKind::Policy)),
            ("  [ scenario ]  # the header\n", Some(FileKind::Scenario)),
            ("[parties]\n[scenario]\n", Some(FileKind::Scenario)),
            ("[policy.extra]\n", None),
            ("x = \"[policy]\"\n", None),
            ("", None),
        ] {
            assert_eq!(FileKind::detect(text), kind, "{text:?}");
        }
    }
}
