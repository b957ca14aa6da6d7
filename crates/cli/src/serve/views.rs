//! What the API answers, written from a run's report: the report itself (`modsim.run/2`), with
//! the sentence of every explanation step added to the step as `text` (an API-only view: the
//! browser writes no prose of its own, so the terminal, the static page and the browser say
//! the same words, all from [`crate::prose`]), the sentences for what a verdict lacked, the
//! notice an earliest instant rests on and what changed each duty, and the run's
//! [`Timeline`]; and problems, located as the CLI locates them, for the editor to underline.

use modsim_policy::FileProblems;
use modsim_sim::Explanation;
use modsim_sim::compare::Comparison;
use modsim_sim::report::Report;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::prose::Prose;
use crate::timeline::Timeline;

use super::library::ScenarioEntry;

/// A run, for the browser.
pub fn run(report: &Report, scenario: Option<&ScenarioEntry>) -> Value {
    let prose = Prose::new(report);
    let mut view = serde_json::to_value(report).unwrap_or(Value::Null);
    if let Some(Value::Array(verdicts)) = view.get_mut("verdicts") {
        for (v, verdict) in verdicts.iter_mut().zip(&report.verdicts) {
            let Value::Object(v) = v else { continue };
            if let Some(e) = &verdict.explanation {
                v.insert("explanation".into(), explained(e, &prose, false));
            }
            let missing: Vec<Value> = verdict
                .missing
                .iter()
                .map(|m| Value::String(prose.missing(m)))
                .collect();
            v.insert("missing_text".into(), Value::Array(missing));
        }
    }
    if let Some(Value::Array(earliest)) = view.get_mut("earliest") {
        for (v, e) in earliest.iter_mut().zip(&report.earliest) {
            let Value::Object(v) = v else { continue };
            if let Some(x) = &e.explanation {
                v.insert("explanation".into(), explained(x, &prose, false));
            }
            if let Some(b) = &e.basis {
                v.insert("basis_text".into(), Value::String(prose.basis(b, false)));
            }
        }
    }
    if let Some(Value::Array(duties)) = view.get_mut("duties") {
        for (v, d) in duties.iter_mut().zip(&report.duties) {
            let Some(Value::Array(history)) = v.get_mut("history") else {
                continue;
            };
            for (h, change) in history.iter_mut().zip(&d.history) {
                if let Value::Object(h) = h {
                    h.insert(
                        "cause_text".into(),
                        Value::String(prose.cause(&change.cause)),
                    );
                }
            }
        }
    }
    let timeline = Timeline::build(report, &|party| {
        scenario?
            .parties
            .iter()
            .find(|p| p.id == party)
            .map(|p| p.name.clone())
    });
    if let Value::Object(map) = &mut view {
        map.insert(
            "timeline".into(),
            serde_json::to_value(&timeline).unwrap_or(Value::Null),
        );
    }
    view
}

/// A comparison, for the browser: each difference in words, then each run's view.
pub fn comparison(c: &Comparison, scenario: Option<&ScenarioEntry>) -> Value {
    let Some(base) = c.runs.first() else {
        return Value::Null;
    };
    let prose = Prose::new(&base.report);
    let differences: Vec<Value> = c
        .differences
        .iter()
        .map(|d| {
            let t = prose.difference(&d.what);
            serde_json::json!({
                "alternative": d.alternative,
                "kind": t.kind,
                "subject": t.subject,
                "baseline": t.baseline,
                "value": t.value,
                "change": t.change,
                "data": d,
            })
        })
        .collect();
    let runs: Vec<Value> = c
        .runs
        .iter()
        .map(|r| serde_json::json!({ "label": r.label, "run": run(&r.report, scenario) }))
        .collect();
    serde_json::json!({
        "schema": modsim_sim::compare::SCHEMA,
        "differences": differences,
        "runs": runs,
    })
}

/// An explanation step with its sentence, and the steps beneath it.
fn explained(e: &Explanation, prose: &Prose<'_>, example: bool) -> Value {
    let mut node = match serde_json::to_value(&e.node) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    node.insert("text".into(), Value::String(prose.step(&e.node, example)));
    if !e.children.is_empty() {
        let tally = matches!(e.node, modsim_sim::Node::TallyGroup { .. });
        node.insert(
            "children".into(),
            Value::Array(
                e.children
                    .iter()
                    .map(|c| explained(c, prose, tally))
                    .collect(),
            ),
        );
    }
    Value::Object(node)
}

/// One problem, located for an editor.
#[derive(Debug, Serialize)]
pub struct ProblemView {
    /// The file, or empty for a problem of the request.
    pub file: String,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The lint or check id.
    pub code: Option<&'static str>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The label under the value.
    pub label: Option<String>,
    /// 1-based line and column (in characters) of the start of the value.
    pub line: Option<usize>,
    /// Its column.
    pub column: Option<usize>,
    /// Its end's line.
    pub end_line: Option<usize>,
    /// Its end's column.
    pub end_column: Option<usize>,
}

/// The problems of files, located, with each file's problems as the CLI renders them.
#[derive(Debug, Serialize)]
pub struct ProblemsView {
    /// How many are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
    /// Every problem.
    pub problems: Vec<ProblemView>,
    /// The CLI's rendering, file by file: excerpt, underline, help.
    pub rendered: Vec<String>,
}

/// Problems of files, for the browser.
pub fn problems(found: &FileProblems) -> ProblemsView {
    let mut view = ProblemsView {
        errors: 0,
        warnings: 0,
        problems: Vec::new(),
        rendered: Vec::new(),
    };
    for p in &found.problems {
        if p.is_error() {
            view.errors += 1;
        } else {
            view.warnings += 1;
        }
        let start = p.line_column();
        let end = p.end_line_column();
        view.problems.push(ProblemView {
            file: p.file().unwrap_or("(command line)").to_owned(),
            severity: if p.is_error() { "error" } else { "warning" },
            code: p.code,
            message: p.message.clone(),
            help: p.help.as_deref().map(str::to_owned),
            label: p.label.as_deref().map(str::to_owned),
            line: start.map(|s| s.0),
            column: start.map(|s| s.1),
            end_line: end.map(|e| e.0),
            end_column: end.map(|e| e.1),
        });
    }
    if !found.problems.is_empty() {
        view.rendered.push(plain(&crate::diagnostics::human(found)));
    }
    view
}

/// A problem of the request itself (no file), as the CLI words a usage error.
pub fn usage(message: impl Into<String>, help: Option<String>) -> ProblemsView {
    let message = message.into();
    let mut rendered = format!("error: {message}\n");
    if let Some(h) = &help {
        rendered.push_str(&format!("  help: {h}\n"));
    }
    ProblemsView {
        errors: 1,
        warnings: 0,
        problems: vec![ProblemView {
            file: String::new(),
            severity: "error",
            code: None,
            message,
            help,
            label: None,
            line: None,
            column: None,
            end_line: None,
            end_column: None,
        }],
        rendered: vec![rendered],
    }
}

/// Text without ANSI escapes (the renderer colours only a terminal, but be sure).
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for d in chars.by_ref() {
                    if d.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}
