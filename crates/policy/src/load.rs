//! Reading a policy file: TOML into a spanned document ([`PolicyDoc`]), then checked and
//! compiled into a [`Policy`] under a run's [`Overrides`], with every problem collected.
//!
//! The format is documented in `docs/policy-format.md`; `policies/aws-2021-01.toml` is the
//! worked example.

mod assemble;
mod compiler;
mod declarations;
pub mod lint;
mod overrides;
mod raw;
mod rules;
pub mod shape;
#[cfg(test)]
mod tests;

use crate::calendar::Calendars;
use crate::diagnostic::{FileProblems, Problem, Source};
use crate::model::{ParamValue, Policy};
use crate::period::Period;

use compiler::Compiler;

pub use overrides::Overrides;
pub(crate) use raw::{Entries, RawClause, RawPolicy, RawPower, RawValue};
pub use rules::NO_TIME_LIMIT;

/// Largest policy file read, in bytes.
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;

/// Deepest nesting of TOML arrays and inline tables read, in a policy or a scenario: deeper
/// files are refused before parsing, so no input can exhaust the stack.
pub const MAX_TOML_DEPTH: usize = 32;

/// A policy file read but not yet compiled: the shape is right, names are not yet checked.
#[derive(Clone, Debug)]
pub struct PolicyDoc {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) raw: RawPolicy,
    /// Reforms applied, in order, as (file name, text, reform id).
    pub(crate) reforms: Vec<(String, String, String)>,
    /// For each clause, where it comes from: 0 for the policy file, `k` for reform `k - 1`.
    pub(crate) clause_origin: Vec<usize>,
    /// Clauses taken out by reforms.
    pub(crate) removed: Vec<String>,
    /// The parameters' values as the policy file gives them (reforms change `raw`, not this).
    pub(crate) written: Vec<(String, ParamValue)>,
}

impl PolicyDoc {
    /// Reads a policy from its text; `name` is how the file is named to the user.
    pub fn parse(name: &str, text: &str) -> Result<PolicyDoc, FileProblems> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(FileProblems::new(
                name,
                "",
                vec![
                    Problem::error(
                        format!(
                            "the file is {} bytes, over the limit of {MAX_POLICY_BYTES}",
                            text.len()
                        ),
                        None,
                    )
                    .with_help("split the document into several policy files (the limit is `MAX_POLICY_BYTES` in crates/policy/src/load.rs)"),
                ],
            ));
        }
        let raw: RawPolicy = shape::read(name, text)?;
        let clause_origin = vec![0; raw.clause.len()];
        let written = raw
            .parameters
            .0
            .iter()
            .filter_map(|(name, p)| {
                let value = match p.value.get_ref() {
                    RawValue::Int(n) => ParamValue::Int(*n),
                    RawValue::Text(text) => ParamValue::Period(Period::parse(text).ok()?),
                };
                Some((name.get_ref().clone(), value))
            })
            .collect();
        Ok(PolicyDoc {
            name: name.to_owned(),
            text: text.to_owned(),
            raw,
            reforms: Vec::new(),
            clause_origin,
            removed: Vec::new(),
            written,
        })
    }

    /// The policy's id.
    pub fn id(&self) -> &str {
        self.raw.policy.get_ref().id.get_ref()
    }

    /// The file's name as shown to the user.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True when the policy has a clause with this id.
    pub fn has_clause(&self, id: &str) -> bool {
        self.raw
            .clause
            .iter()
            .any(|c| c.get_ref().id.get_ref() == id)
    }

    /// Where clause `id` is written: the file that holds it (the policy's, or the reform's
    /// that added or replaced it), as named to the user, its text, and the span of the
    /// clause's `id` there. For problems found after compiling (a replay's), which the
    /// compiled policy no longer locates.
    pub fn clause_place(&self, id: &str) -> Option<(&str, &str, std::ops::Range<usize>)> {
        let k = self
            .raw
            .clause
            .iter()
            .position(|c| c.get_ref().id.get_ref() == id)?;
        let span = self.raw.clause.get(k)?.get_ref().id.span();
        match self.clause_origin.get(k).copied().unwrap_or(0) {
            0 => Some((&self.name, &self.text, span)),
            r => {
                let (name, text, _) = self.reforms.get(r.checked_sub(1)?)?;
                Some((name, text, span))
            }
        }
    }

    /// True when the policy has a parameter with this name.
    pub fn has_parameter(&self, name: &str) -> bool {
        self.raw
            .parameters
            .0
            .iter()
            .any(|(k, _)| k.get_ref() == name)
    }

    /// True when the policy has a judgment call with this name.
    pub fn has_assumption(&self, name: &str) -> bool {
        self.raw
            .assumptions
            .0
            .iter()
            .any(|(k, _)| k.get_ref() == name)
    }

    /// Every clause id, in order.
    pub fn clause_ids(&self) -> Vec<&str> {
        self.raw
            .clause
            .iter()
            .map(|c| c.get_ref().id.get_ref().as_str())
            .collect()
    }

    /// Every parameter name, in order.
    pub fn parameter_names(&self) -> Vec<&str> {
        self.raw
            .parameters
            .0
            .iter()
            .map(|(k, _)| k.get_ref().as_str())
            .collect()
    }

    /// Every judgment call's name, in order.
    pub fn assumption_names(&self) -> Vec<&str> {
        self.raw
            .assumptions
            .0
            .iter()
            .map(|(k, _)| k.get_ref().as_str())
            .collect()
    }

    /// Checks and compiles the policy under `overrides`. Overrides naming things this policy
    /// lacks are ignored here: a run with several policies checks them against all of them.
    /// Returns the policy and its warnings, or every problem found.
    pub fn compile(&self, overrides: &Overrides) -> Result<(Policy, Vec<Problem>), FileProblems> {
        self.compile_with(overrides, Calendars::shipped())
    }

    /// As [`PolicyDoc::compile`], with the policy's `holidays` named among `calendars` (the
    /// shipped ones and a scenario's own) rather than the shipped ones alone.
    pub fn compile_with(
        &self,
        overrides: &Overrides,
        calendars: &Calendars,
    ) -> Result<(Policy, Vec<Problem>), FileProblems> {
        let mut texts = vec![self.text.as_str()];
        texts.extend(self.reforms.iter().map(|(_, text, _)| text.as_str()));
        let mut cx = Compiler {
            texts: &texts,
            origin: 0,
            clause_origin: &self.clause_origin,
            problems: Vec::new(),
            calendars,
            written: &self.written,
        };
        let mut effective = overrides.clone();
        effective.without.extend(self.removed.iter().cloned());
        let mut policy = cx.policy(&self.raw, &effective, &self.name);
        policy.reforms = self.reforms.iter().map(|(_, _, id)| id.clone()).collect();
        // The lints of the compile stage read the policy file (`judgment-call-without-default`).
        let linted = self.lint(&policy, lint::Stage::Compile);
        cx.problems.extend(linted.into_iter().map(|p| (0, p)));
        // Problems belong to the file they point into: the policy's, or a reform's, each
        // file's text shared by its problems.
        let file = |origin: usize| match origin.checked_sub(1).and_then(|k| self.reforms.get(k)) {
            Some((name, text, _)) => Source::new(name, text.as_str()),
            None => Source::new(&self.name, self.text.as_str()),
        };
        let mut sources: Vec<(usize, Source)> = Vec::new();
        let mut placed = FileProblems::default();
        for (origin, problem) in cx.problems {
            let source = match sources.iter().find(|(o, _)| *o == origin) {
                Some((_, source)) => source.clone(),
                None => {
                    let source = file(origin);
                    sources.push((origin, source.clone()));
                    source
                }
            };
            placed.push(problem.in_file(&source));
        }
        if placed.has_errors() {
            Err(placed)
        } else {
            Ok((policy, placed.problems))
        }
    }
}

/// The JSON Schema of a policy file, for TOML editors; `modsim schema policy` prints it.
pub fn json_schema() -> schemars::Schema {
    shape::schema_for::<RawPolicy>()
}

/// Refuses TOML whose arrays and inline tables nest deeper than [`MAX_TOML_DEPTH`], or
/// whose dotted keys or table headers have more than [`MAX_KEY_PARTS`] parts, before a
/// recursive parser sees it (the parser's own limit is an unlocated "recursion limit"). A
/// lexical scan: strings and comments are skipped.
// Long: one lexical scan, a `match` over the bytes whose state every arm shares
pub fn check_nesting(text: &str) -> Result<(), Problem> {
    let bytes = text.as_bytes();
    // The brackets open, innermost last (at most `MAX_TOML_DEPTH` of them).
    let mut open: Vec<u8> = Vec::new();
    // The start of the key being read, and its parts so far (a key is read from the start
    // of a line outside any bracket, and after `{` or `,` inside an inline table).
    let mut key: Option<(usize, usize)> = Some((0, 1));
    let mut i = 0;
    let mut line_start = true;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'#' => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                i = past_string(bytes, i);
                line_start = false;
                continue;
            }
            // `[table]` and `[[array]]` headers open at the start of a line and close on it.
            b'[' if line_start && open.is_empty() => {
                let start = i;
                let mut parts = 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\n' | b'#' => break,
                        b'"' | b'\'' => i = past_string(bytes, i),
                        b'.' => {
                            parts += 1;
                            key_parts(parts, start..i + 1)?;
                            i += 1;
                        }
                        _ => i += 1,
                    }
                }
                key = None;
                continue;
            }
            b'[' | b'{' => {
                if open.len() >= MAX_TOML_DEPTH {
                    return Err(Problem::error(
                        format!("arrays and tables nest deeper than {MAX_TOML_DEPTH} levels"),
                        Some(i..i + 1),
                    )
                    .with_help("flatten the value (the limit is `MAX_TOML_DEPTH` in crates/policy/src/load.rs)"));
                }
                open.push(b);
                key = (b == b'{').then_some((i + 1, 1));
            }
            b']' | b'}' => {
                open.pop();
                key = None;
            }
            b',' => key = (open.last() == Some(&b'{')).then_some((i + 1, 1)),
            b'=' => key = None,
            b'.' => {
                if let Some((start, parts)) = key.as_mut() {
                    *parts += 1;
                    key_parts(*parts, *start..i + 1)?;
                }
            }
            b'\n' => {
                line_start = true;
                if open.is_empty() {
                    key = Some((i + 1, 1));
                }
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                // A key starts at its first character, past the spaces before it.
                if let Some((start, 1)) = key.as_mut()
                    && *start == i
                {
                    *start = i + 1;
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        line_start = false;
        i += 1;
    }
    Ok(())
}

/// Most parts of a dotted key or a table header (`a.b.c` has three): the TOML parser refuses
/// more than 80 without saying where.
pub const MAX_KEY_PARTS: usize = 64;

/// Refuses a key of `parts` parts so far, written at `span`, when they are too many.
fn key_parts(parts: usize, span: std::ops::Range<usize>) -> Result<(), Problem> {
    if parts <= MAX_KEY_PARTS {
        return Ok(());
    }
    Err(Problem::error(
        format!("a dotted key or table header has more than {MAX_KEY_PARTS} parts"),
        Some(span),
    )
    .with_help("use fewer parts (the limit is `MAX_KEY_PARTS` in crates/policy/src/load.rs)"))
}

/// The position just past the string that opens at `i` (basic or literal, single-line or
/// triple-quoted), or the end of its line for a single-line string left open.
fn past_string(bytes: &[u8], mut i: usize) -> usize {
    let Some(&quote) = bytes.get(i) else {
        return i;
    };
    let triple = bytes.get(i..i + 3) == Some(&[quote, quote, quote][..]);
    let quote_len = if triple { 3 } else { 1 };
    i += quote_len;
    loop {
        match bytes.get(i) {
            None => return i,
            Some(b'\\') if quote == b'"' => i += 2,
            Some(b'\n') if !triple => return i,
            Some(&c) if c == quote => {
                if !triple || bytes.get(i..i + 3) == Some(&[quote, quote, quote][..]) {
                    return i + quote_len;
                }
                i += 1;
            }
            Some(_) => i += 1,
        }
    }
}

/// The problem a TOML syntax or shape error makes.
pub fn toml_problem(e: &toml::de::Error) -> Problem {
    let message = e.message().trim().trim_end_matches('.').to_owned();
    let mut first = message.lines().next().unwrap_or("invalid TOML").to_owned();
    if let Some(c) = first.get(..1) {
        first = c.to_lowercase() + first.get(1..).unwrap_or("");
    }
    // A whole number beyond 64 bits reaches serde as an i128 it cannot place.
    if let Some(number) = first
        .strip_prefix("invalid type: integer `")
        .and_then(|rest| rest.strip_suffix("` as i128, expected any value"))
    {
        return Problem::error(format!("`{number}` is too large a number"), e.span()).with_help(
            format!("whole numbers lie between {} and {}", i64::MIN, i64::MAX),
        );
    }
    // `unknown field `titel`, expected one of `id`, `title`, ...`, and a vocabulary's
    // `unknown mark `guesed`, expected one of ...` (`crate::vocabulary`): say which was meant.
    if let Some((what, rest)) = first
        .strip_prefix("unknown ")
        .and_then(|rest| rest.split_once(" `"))
        && let Some((unknown, expected)) = rest.split_once("`, expected one of ")
    {
        let known: Vec<&str> = expected.split(", ").map(|k| k.trim_matches('`')).collect();
        let problem = Problem::error(format!("unknown {what} `{unknown}`"), e.span());
        if what != "field" {
            return problem.suggesting(unknown, known.iter().copied());
        }
        if let Some(close) = crate::diagnostic::did_you_mean(unknown, known.iter().copied()) {
            return problem.with_help(format!("did you mean `{close}`?"));
        }
    }
    let problem = Problem::error(first, e.span());
    if message.contains("unknown field") {
        problem.with_help("check the spelling against the format reference in docs/")
    } else if message.contains("missing field") {
        problem.with_help("add it; the format reference in docs/ lists what each table needs")
    } else {
        problem
    }
}
