//! `modsim check`: every policy and scenario under the paths given, read, compiled and
//! linted, with every problem reported together.
//!
//! A file's kind is told by its top-level table ([`FileKind`]); adding a kind (reforms) is
//! one entry in [`FileKind::ALL`] and one arm in [`check_file`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use modsim_policy::load::lint;
use modsim_policy::{FileProblems, PolicyDoc, Problem};
use modsim_sim::{Files, Request, SetupError};

use crate::args::{CheckArgs, ErrorFormat};
use crate::commands::{path_text, render_problems};
use crate::diagnostics;
use crate::files::{DiskOrSeed, read_text};
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
        if path.is_dir() {
            let found =
                crate::files::walk(path, &|name| name.ends_with(".toml")).unwrap_or_default();
            if found.is_empty() {
                report.usage(
                    &path_text(path),
                    format!("the folder `{}` holds no `.toml` file", path.display()),
                    "name a policy, scenario, reform or exercise file, or a folder holding some",
                );
            }
            queue.extend(found.into_iter().map(|p| (path_text(&p), None)));
        } else {
            queue.push((path_text(path), None));
        }
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

    let (errors, warnings) = report.counts();
    match args.error_format {
        ErrorFormat::Json => output::eprint(&diagnostics::json(&report.files)),
        ErrorFormat::Human => {
            for file in &report.files {
                output::eprint(&render_problems(file));
            }
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

/// Every problem found, file by file, without repeats.
#[derive(Default)]
struct Report {
    files: Vec<FileProblems>,
}

impl Report {
    fn add(&mut self, found: FileProblems) {
        let name = found.name().to_owned();
        match self.files.iter_mut().find(|f| f.name() == name) {
            Some(known) => {
                if known.source.inner().is_empty() && !found.source.inner().is_empty() {
                    known.source = found.source;
                }
                for p in found.problems {
                    if !known.problems.contains(&p) {
                        known.problems.push(p);
                    }
                }
            }
            None if !found.problems.is_empty() => self.files.push(found),
            None => {}
        }
    }

    fn usage(&mut self, name: &str, message: String, help: &str) {
        self.add(FileProblems::new(
            name,
            "",
            vec![Problem::error(message, None).with_help(help)],
        ));
    }

    fn counts(&self) -> (usize, usize) {
        let all = self.files.iter().flat_map(|f| &f.problems);
        let errors = all.clone().filter(|p| p.is_error()).count();
        (errors, all.count() - errors)
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
    let kind = kind.or_else(|| FileKind::detect(&text));
    match kind {
        Some(FileKind::Policy) => {
            match PolicyDoc::parse(name, &text) {
                Ok(doc) => report.add(FileProblems::new(name, &text, doc.check())),
                Err(problems) => report.add(problems),
            }
            Vec::new()
        }
        Some(FileKind::Scenario) => check_scenario(name, report),
        Some(FileKind::Reform) => {
            check_reform(name, &text, report);
            Vec::new()
        }
        Some(FileKind::Exercise) => {
            match modsim_sim::exercise::Exercise::parse(name, &text) {
                Ok(exercise) => {
                    // The scenario it names, read as a run would.
                    let mut request = exercise.request.clone();
                    if !request.scenario.ends_with(".toml") {
                        request.scenario =
                            format!("{}/scenario.toml", request.scenario.trim_end_matches('/'));
                    }
                    let files = crate::files::DiskOrSeed { embedded: false };
                    match modsim_sim::setup::prepare(&request, &files) {
                        Ok(_) => report.add(FileProblems::new(name, &text, Vec::new())),
                        Err(modsim_sim::SetupError::Files(failure)) => {
                            failure.files.into_iter().for_each(|f| report.add(f))
                        }
                        Err(modsim_sim::SetupError::Usage { message, help }) => {
                            report.usage(name, message, help.as_deref().unwrap_or(""));
                        }
                    }
                }
                Err(problems) => report.add(problems),
            }
            Vec::new()
        }
        Some(FileKind::Answers) => {
            match modsim_sim::exercise::Exercise::answers(name, &text) {
                Ok(_) => report.add(FileProblems::new(name, &text, Vec::new())),
                Err(problems) => report.add(problems),
            }
            Vec::new()
        }
        None => {
            // A syntax error can hide the marking table: report it, located, first.
            let syntax = modsim_policy::load::check_nesting(&text).err().or_else(|| {
                text.parse::<toml::Table>()
                    .err()
                    .map(|e| modsim_policy::load::toml_problem(&e))
            });
            if let Some(problem) = syntax {
                report.add(FileProblems::new(name, &text, vec![problem]));
                return Vec::new();
            }
            let tables: Vec<String> = FileKind::ALL
                .iter()
                .map(|(t, _)| format!("`[{t}]`"))
                .collect();
            let message = if text.trim().is_empty() {
                "the file is empty".to_owned()
            } else {
                "the file is not a policy, scenario, reform, exercise or answers file".to_owned()
            };
            report.add(FileProblems::new(
                name,
                &text,
                vec![Problem::error(message, Some(0..0)).with_help(format!(
                    "a file's kind is told by its top-level table: {}",
                    tables.join(" or ")
                ))],
            ));
            Vec::new()
        }
    }
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
        report.add(FileProblems::new(name, text, Vec::new()));
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
        Ok(reformed) => match reformed.compile(&modsim_policy::Overrides::default()) {
            Ok(_) => report.add(FileProblems::new(name, text, Vec::new())),
            Err(problems) => report.add(problems),
        },
    }
}

/// Reads a file as text; a file that is not UTF-8 is located at its first bad byte.
fn read_file(name: &str) -> Result<String, FileProblems> {
    crate::files::read_located(name)
}

/// Reads a scenario with its posts and policies, as a run would, and reports the posts'
/// labels the policies do not know, located in the posts file.
fn check_scenario(name: &str, report: &mut Report) -> Vec<String> {
    let request = Request {
        scenario: name.to_owned(),
        ..Request::default()
    };
    let files = DiskOrSeed { embedded: false };
    let prepared = match modsim_sim::prepare(&request, &files) {
        Ok(prepared) => prepared,
        Err(SetupError::Files(failure)) => {
            for f in failure.files {
                report.add(f);
            }
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
    for mut warning in prepared.warnings {
        warning
            .problems
            .retain(|p| p.code != Some("unknown-scenario-label"));
        report.add(warning);
    }
    let world = &prepared.world;
    if let Some(posts_file) = &world.scenario.posts_file {
        let csv = files.read(posts_file).unwrap_or_default();
        for bound in &world.policies {
            let known: Vec<&str> = bound.policy.labels.names().collect();
            let problems = bound
                .unknown_labels
                .iter()
                .map(|label| {
                    let help = match modsim_policy::diagnostic::did_you_mean(label, known.iter().copied()) {
                        Some(close) => format!("did you mean `{close}`? Otherwise declare `{label}` under `[labels]` in `{}`", bound.policy.file),
                        None => format!("declare `{label}` under `[labels]` in `{}` if it matters", bound.policy.file),
                    };
                    lint::warning(
                        "unknown-scenario-label",
                        format!("label `{label}` is not known to the policy `{}`", bound.policy.id),
                        label_span(&csv, label),
                        &help,
                    )
                })
                .collect();
            report.add(FileProblems::new(posts_file, &csv, problems));
        }
    }
    world
        .policies
        .iter()
        .map(|b| b.policy.file.clone())
        .collect()
}

/// The first place `label` stands as a whole field or list item in the posts file.
fn label_span(csv: &str, label: &str) -> Option<std::ops::Range<usize>> {
    let separators = [',', ';', '"', '\n', '\r'];
    let mut from = 0;
    while let Some(found) = csv.get(from..).and_then(|rest| rest.find(label)) {
        let start = from + found;
        let end = start + label.len();
        let before = csv.get(..start).and_then(|b| b.trim_end().chars().last());
        let after = csv.get(end..).and_then(|a| a.trim_start().chars().next());
        if before.is_none_or(|c| separators.contains(&c))
            && after.is_none_or(|c| separators.contains(&c))
        {
            return Some(start..end);
        }
        from = end;
    }
    None
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

    #[test]
    fn labels_are_found_as_whole_items() {
        let csv = "id,labels\nx1,threats\nx2,spam; threat\n";
        let span = label_span(csv, "threat").unwrap();
        assert_eq!(csv.get(span.clone()), Some("threat"));
        assert!(span.start > csv.find("threats").unwrap());
        assert_eq!(label_span(csv, "thr"), None);
    }
}
