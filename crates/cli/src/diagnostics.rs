//! Errors and warnings written out: for people, each problem with its file, line, column and
//! the value underlined (miette), grouped by file; for machines, every problem of every file
//! as one JSON document (`modsim.diagnostics/1`, documented in `docs/json-output.md`), for
//! editors and graders.

use std::io::IsTerminal;

use miette::{GraphicalReportHandler, GraphicalTheme};
use modsim_policy::diagnostic::counted;
use modsim_policy::{FileProblems, Problem};
use serde::Serialize;

/// The schema id of the document.
pub const SCHEMA: &str = "modsim.diagnostics/1";

/// Every problem for people: file by file, in the order each file's first problem was found,
/// each file's problems followed by its count; a problem of the command line as one line.
pub fn human(problems: &FileProblems) -> String {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for (file, found) in problems.by_file() {
        match file {
            Some(file) => out.push_str(&file_problems(&handler, file, &found)),
            None => found
                .iter()
                .for_each(|p| out.push_str(&command_line(&handler, p))),
        }
    }
    out
}

/// Most warnings of one lint shown for one file: past them, a line counts the rest (a posts
/// file of thousands of undeclared labels warns once per label).
const MAX_SHOWN_PER_LINT: usize = 20;

/// One file's problems, rendered, then a line counting them.
fn file_problems(handler: &GraphicalReportHandler, file: &str, found: &[&Problem]) -> String {
    let mut out = String::new();
    // How many warnings of each lint have been met, in the order first met.
    let mut per_lint: Vec<(&str, usize)> = Vec::new();
    for problem in found {
        if let (false, Some(code)) = (problem.is_error(), problem.code) {
            let seen = match per_lint.iter_mut().find(|(c, _)| *c == code) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    per_lint.push((code, 1));
                    1
                }
            };
            if seen > MAX_SHOWN_PER_LINT {
                continue;
            }
        }
        let mut one = String::new();
        if handler.render_report(&mut one, *problem).is_err() {
            one = format!("{file}: {}\n", problem.message);
        }
        out.push_str(&one);
        out.push('\n');
    }
    for (code, n) in per_lint {
        if n > MAX_SHOWN_PER_LINT {
            out.push_str(&format!(
                "… and {} more `{code}` warnings in `{file}`, not shown\n\n",
                n - MAX_SHOWN_PER_LINT
            ));
        }
    }
    let errors = found.iter().filter(|p| p.is_error()).count();
    let kind = if errors > 0 { "error" } else { "warning" };
    out.push_str(&format!(
        "{kind}: `{file}`: {}\n",
        counted(errors, found.len() - errors)
    ));
    out
}

/// A problem of the command line: the argument to blame with the bad part underlined, or
/// one line when no argument is.
fn command_line(handler: &GraphicalReportHandler, problem: &Problem) -> String {
    let mut one = String::new();
    if problem.is_in_argument() && handler.render_report(&mut one, problem).is_ok() {
        return one;
    }
    let kind = if problem.is_error() {
        "error"
    } else {
        "warning"
    };
    let mut out = format!("{kind}: {}\n", problem.message);
    if let Some(help) = &problem.help {
        out.push_str(&format!("  help: {help}\n"));
    }
    out
}

/// The document: counts first, then every problem in the order found.
#[derive(Debug, Serialize)]
struct Document<'a> {
    schema: &'static str,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<Diagnostic<'a>>,
}

/// One problem, located.
#[derive(Debug, Serialize)]
struct Diagnostic<'a> {
    /// The file, or `null` for a problem of the command line.
    file: Option<&'a str>,
    severity: &'static str,
    /// The lint or check id, when the problem has one.
    code: Option<&'static str>,
    message: &'a str,
    /// 1-based line and column (in characters) of the start and end of the value.
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    /// Byte offsets of the value in the file.
    start: Option<usize>,
    end: Option<usize>,
    label: Option<&'a str>,
    help: Option<&'a str>,
}

impl<'a> From<&'a Problem> for Diagnostic<'a> {
    fn from(p: &'a Problem) -> Diagnostic<'a> {
        let start = p.line_column();
        let end = p.end_line_column();
        Diagnostic {
            file: p.file().filter(|n| !n.is_empty()),
            severity: if p.is_error() { "error" } else { "warning" },
            code: p.code,
            message: &p.message,
            line: start.map(|s| s.0),
            column: start.map(|s| s.1),
            end_line: end.map(|e| e.0),
            end_column: end.map(|e| e.1),
            start: p.span.as_ref().map(|s| s.start),
            end: p.span.as_ref().map(|s| s.end),
            label: p.label.as_deref(),
            help: p.help.as_deref(),
        }
    }
}

/// Every problem as the JSON document, ending in a newline.
pub fn json(problems: &FileProblems) -> String {
    let (errors, warnings) = problems.counts();
    let doc = Document {
        schema: SCHEMA,
        errors,
        warnings,
        diagnostics: problems.problems.iter().map(Diagnostic::from).collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
        format!("{{\"schema\": \"{SCHEMA}\", \"errors\": 1, \"internal\": \"{e}\"}}")
    });
    text.push('\n');
    text
}
