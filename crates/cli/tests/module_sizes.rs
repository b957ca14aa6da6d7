//! No function over 80 lines and no source file over 600 lines, unless it says why.
//!
//! A long function is hard to read and to change; most split along what they do. Some are
//! clearer whole (a table, a `match` over a closed vocabulary): those carry a comment
//! `// Long: <the reason>` in the comments and attributes just above their `fn`. A long file
//! says why in its module doc, on a `//! Long: <the reason>` line.
//!
//! Every `.rs` file under `crates/*/src` is read (a crate's `tests/` folder is not: an
//! integration test's cases are data). The code is rustfmt's, so a function starts on a line
//! that begins (after its indent) with `fn`, `pub fn`, `pub(crate) fn`, `const fn`, … and ends
//! on the first later line that is its indent and `}`; a declaration without a body (a trait's
//! method) ends with `;` and is skipped. `/work/bin/longfns` prints the same list.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of a test fail it by panicking"
)]

use std::path::{Path, PathBuf};

/// Most lines a function may span, from its `fn` line to its closing brace.
const FUNCTION_LINES: usize = 80;
/// Most lines a source file may hold.
const FILE_LINES: usize = 600;

#[test]
fn long_functions_and_files_say_why() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    sources(&crates, &mut files);
    files.sort();
    assert!(files.len() > 50, "found only {} source files", files.len());
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("source file");
        let shown = file.strip_prefix(&crates).unwrap_or(file).display();
        for long in unexplained(&text) {
            found.push(format!("crates/{shown}:{long}"));
        }
    }
    assert!(
        found.is_empty(),
        "split these along what they do, or say why they are long with a `// Long: <reason>` \
         comment above the function (`//! Long: <reason>` in a file's module doc):\n{}",
        found.join("\n")
    );
}

#[test]
fn a_reason_above_the_function_or_in_the_module_doc_is_enough() {
    let body = "    x();\n".repeat(FUNCTION_LINES);
    let long = format!("/// Does it.\n#[inline]\npub(crate) fn long() {{\n{body}}}\n");
    assert_eq!(unexplained(&long), ["3: function `long` spans 82 lines"]);
    let explained = format!("// Long: one step per line of the table\n{long}");
    assert!(unexplained(&explained).is_empty());
    let short = "fn short() {\n    x();\n}\ntrait T {\n    fn declared(&self);\n}\n";
    assert!(unexplained(short).is_empty());
    let nested = format!("impl A {{\n    fn inner(&self) {{\n{body}    }}\n}}\n");
    assert_eq!(unexplained(&nested), ["2: function `inner` spans 82 lines"]);

    let file = "fn f() {}\n".repeat(FILE_LINES + 1);
    assert_eq!(unexplained(&file), ["1: file has 601 lines"]);
    let explained = format!("//! Tests.\n//!\n//! Long: one case per rule\n{file}");
    assert!(unexplained(&explained).is_empty());
}

/// Every `.rs` file under each crate's `src/`.
fn sources(crates: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(crates).expect("crates/") {
        let src = entry.expect("entry").path().join("src");
        if src.is_dir() {
            walk(&src, out);
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The long functions and the long file in `text` that give no reason, as `line: what`.
fn unexplained(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let module_doc = lines.iter().take_while(|l| l.starts_with("//!"));
    if lines.len() > FILE_LINES && !module_doc.clone().any(|l| is_reason(l, "//!")) {
        found.push(format!("1: file has {} lines", lines.len()));
    }
    for (start, line) in lines.iter().enumerate() {
        let Some((indent, name)) = function_start(line) else {
            continue;
        };
        let Some(end) = function_end(&lines, start, indent) else {
            continue;
        };
        let spans = end - start + 1;
        if spans > FUNCTION_LINES && !reason_above(&lines, start) {
            found.push(format!(
                "{}: function `{name}` spans {spans} lines",
                start + 1
            ));
        }
    }
    found
}

/// The indent and name of a function whose `fn` begins this line.
fn function_start(line: &str) -> Option<(usize, &str)> {
    let code = line.trim_start();
    let indent = line.len() - code.len();
    let mut rest = code;
    if let Some(after) = rest.strip_prefix("pub") {
        rest = match after.strip_prefix('(') {
            Some(scoped) => scoped.split_once(") ")?.1,
            None => after.strip_prefix(' ')?,
        };
    }
    for qualifier in ["const ", "async ", "unsafe ", "extern \"C\" "] {
        rest = rest.strip_prefix(qualifier).unwrap_or(rest);
    }
    let after = rest.strip_prefix("fn ")?;
    let end = after
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(after.len());
    (end > 0).then(|| (indent, &after[..end]))
}

/// The line of the closing brace of the function starting at `start`, or `None` for a
/// declaration without a body.
fn function_end(lines: &[&str], start: usize, indent: usize) -> Option<usize> {
    let closing = format!("{}}}", " ".repeat(indent));
    let mut body = false;
    for (at, line) in lines.iter().enumerate().skip(start) {
        let code = line.trim_end();
        if !body {
            if code.ends_with(';') {
                return None;
            }
            if code.ends_with('{') {
                body = true;
                if code.ends_with("{}") {
                    return Some(at);
                }
            }
        }
        if at > start && code == closing {
            return Some(at);
        }
        if at == start && code.ends_with('}') && code.contains('{') {
            return Some(at);
        }
    }
    None
}

/// Whether the comments and attributes just above line `start` hold a `// Long:` reason.
fn reason_above(lines: &[&str], start: usize) -> bool {
    lines[..start]
        .iter()
        .rev()
        .map(|l| l.trim_start())
        .take_while(|l| l.starts_with("//") || l.starts_with("#[") || l.starts_with(")]"))
        .any(|l| is_reason(l, "//"))
}

fn is_reason(line: &str, marker: &str) -> bool {
    line.trim_start()
        .strip_prefix(marker)
        .is_some_and(|rest| rest.trim_start().starts_with("Long:"))
}
