//! Test helper: a condition written with its error marked inline (rust-analyzer style), so a
//! case reads as the place it points at, not as a byte range written by hand.
//!
//! ```text
//! breached("4.3")
//!          ^^^^^ unknown clause `4.3`
//! help: did you mean `4.2`?
//! ```
//!
//! The first line is the condition. Under it, `^` under each character of the error's span
//! (one `|` where the span is empty, at the place something is missing), then the message.
//! `help:` follows on a line of its own when the error has one. Cases may be indented with
//! the code around them: the common indentation is taken off.

use std::ops::Range;

/// The condition of a marked case: its first line.
pub(crate) fn condition(case: &str) -> String {
    trim_indent(case)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Checks that `actual` (from [`marked`]) is the marked case, showing both as written.
#[track_caller]
pub(crate) fn check(case: &str, actual: &str) {
    let expected = trim_indent(case);
    assert!(
        actual == expected,
        "the error is not the one marked\n--- marked\n{expected}--- actual\n{actual}"
    );
}

/// The marked form of an error at `span` of `text`.
pub(crate) fn marked(text: &str, span: &Range<usize>, message: &str, help: Option<&str>) -> String {
    let width = |r: Range<usize>| text.get(r).map_or(0, |s| s.chars().count());
    let pad = " ".repeat(width(0..span.start));
    let marker = match width(span.clone()) {
        0 => "|".to_owned(),
        n => "^".repeat(n),
    };
    let mut out = format!("{text}\n{pad}{marker} {message}\n");
    if let Some(help) = help {
        out.push_str(&format!("help: {help}\n"));
    }
    out
}

/// `text` without the leading and trailing blank lines and the indentation its lines share.
fn trim_indent(text: &str) -> String {
    let lines: Vec<&str> = text
        .trim_start_matches(['\n', '\r'])
        .trim_end()
        .lines()
        .collect();
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| format!("{}\n", l.get(indent..).unwrap_or("").trim_end()))
        .collect()
}
