//! Errors and warnings for machines: every problem of every file as one JSON document
//! (`modsim.diagnostics/1`, documented in `docs/json-output.md`), for editors and graders.

use modsim_policy::FileProblems;
use serde::Serialize;

/// The schema id of the document.
pub const SCHEMA: &str = "modsim.diagnostics/1";

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

/// Every problem of `files` as the JSON document, ending in a newline.
pub fn json(files: &[FileProblems]) -> String {
    let mut doc = Document {
        schema: SCHEMA,
        errors: 0,
        warnings: 0,
        diagnostics: Vec::new(),
    };
    for file in files {
        for p in &file.problems {
            if p.is_error() {
                doc.errors += 1;
            } else {
                doc.warnings += 1;
            }
            let start = p.span.as_ref().map(|s| file.line_column(s.start));
            let end = p.span.as_ref().map(|s| file.line_column(s.end));
            doc.diagnostics.push(Diagnostic {
                file: Some(file.name()).filter(|n| !n.is_empty()),
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
            });
        }
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| {
        format!("{{\"schema\": \"{SCHEMA}\", \"errors\": 1, \"internal\": \"{e}\"}}")
    });
    text.push('\n');
    text
}
