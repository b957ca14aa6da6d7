//! The [`Compiler`] of a policy document: it collects every problem, each in the file it
//! points into (the policy's or a reform's), and reads what every part refers to (roles,
//! periods, conditions, words of a vocabulary). `assemble.rs` compiles a whole policy with it.

use std::ops::Range;

use toml::Spanned;

use super::raw::Entries;
use crate::condition::{self, Condition, Names, Scope};
use crate::diagnostic::Problem;
use crate::model::*;
use crate::period::Period;
use crate::vocabulary::{Vocabulary, Word};

pub(super) struct Compiler<'t> {
    /// The policy's text, then each reform's.
    pub(super) texts: &'t [&'t str],
    /// The file the clause being compiled comes from (an index into `texts`).
    pub(super) origin: usize,
    pub(super) clause_origin: &'t [usize],
    pub(super) problems: Vec<(usize, Problem)>,
    /// The calendars a policy's `holidays` may name.
    pub(super) calendars: &'t crate::calendar::Calendars,
    /// The parameters' values as the policy file gives them, before reforms and `--set`: the
    /// values its clauses' words state.
    pub(super) written: &'t [(String, ParamValue)],
}

/// What compiling needs to know of the names declared before the clauses.
pub(super) struct Declared<'r> {
    pub(super) roles: Vec<&'r str>,
    pub(super) params: Vec<(&'r str, Option<ParamValue>)>,
}

impl Compiler<'_> {
    pub(super) fn error(&mut self, problem: Problem) {
        self.problems.push((self.origin, problem));
    }

    pub(super) fn text(&self) -> &str {
        self.texts.get(self.origin).copied().unwrap_or("")
    }

    pub(super) fn set_origin(&mut self, clause: usize) {
        self.origin = self.clause_origin.get(clause).copied().unwrap_or(0);
    }

    pub(super) fn unique_entries<'r, V>(
        &mut self,
        entries: &'r Entries<V>,
        what: &str,
    ) -> Vec<(&'r str, &'r V)> {
        let mut seen: Vec<(&str, &'r V)> = Vec::new();
        // A set beside the list: a policy may declare thousands of labels.
        let mut names = std::collections::HashSet::new();
        for (key, value) in &entries.0 {
            let name = key.get_ref().as_str();
            if names.contains(name) {
                self.error(Problem::error(
                    format!("the {what} `{name}` is declared twice"),
                    Some(key.span()),
                ));
            } else if !is_name(name, what) {
                let allowed = if in_conditions(what) {
                    "letters, digits and `_`"
                } else {
                    "letters, digits, `_` and `-`"
                };
                self.error(
                    Problem::error(
                        format!("`{name}` is not a valid {what} name"),
                        Some(key.span()),
                    )
                    .with_help(format!("use {allowed}, starting with a letter")),
                );
            } else {
                names.insert(name);
                seen.push((name, value));
            }
        }
        seen
    }

    /// A word of a closed vocabulary, or `None` and its problem.
    pub(super) fn word<V: Vocabulary>(&mut self, word: &Spanned<Word<V>>) -> Option<V> {
        Word::check(word).map_err(|p| self.error(p)).ok()
    }

    pub(super) fn role(
        &mut self,
        name: &Spanned<String>,
        declared: &Declared<'_>,
    ) -> Option<usize> {
        let found = declared.roles.iter().position(|r| r == name.get_ref());
        if found.is_none() {
            self.error(
                Problem::error(
                    format!("unknown role `{}`", name.get_ref()),
                    Some(name.span()),
                )
                .suggesting(name.get_ref(), declared.roles.iter().copied()),
            );
        }
        found
    }

    /// A period written out (`"30 calendar days"`) or a parameter's name (`"cure_period"`).
    pub(super) fn period(
        &mut self,
        text: &Spanned<String>,
        declared: &Declared<'_>,
    ) -> Option<PeriodRef> {
        let value = text.get_ref().trim();
        // A number and a unit, or the one period written without a number.
        if value.starts_with(|c: char| c.is_ascii_digit()) || value.starts_with("end of ") {
            return match Period::parse(value) {
                Ok(period) => Some(PeriodRef {
                    period,
                    param: None,
                }),
                Err(e) => {
                    self.error(
                        Problem::error(e.to_string(), Some(text.span())).with_help(e.help()),
                    );
                    None
                }
            };
        }
        match declared.params.iter().position(|(n, _)| *n == value) {
            Some(i) => match declared.params.get(i).and_then(|(_, v)| *v) {
                Some(ParamValue::Period(period)) => Some(PeriodRef {
                    period,
                    param: Some(i),
                }),
                _ => {
                    self.error(Problem::error(
                        format!("parameter `{value}` is a number, not a period"),
                        Some(text.span()),
                    ));
                    None
                }
            },
            None => {
                self.error(
                    Problem::error(format!("`{value}` is neither a period nor a parameter"), Some(text.span()))
                        .suggesting(value, declared.params.iter().map(|(n, _)| *n))
                        .with_label("expected `30 calendar days`, `24 hours`, `2 business days` or a parameter's name"),
                );
                None
            }
        }
    }

    pub(super) fn condition(
        &mut self,
        text: &Spanned<String>,
        scope: Scope,
        names: &Names<'_>,
    ) -> Option<Condition> {
        match condition::compile(text.get_ref(), scope, names) {
            Ok(cond) => Some(Condition::new(text.get_ref().clone(), cond)),
            Err(e) => {
                let span = inner_span(self.text(), text, e.span.clone());
                let mut problem = Problem::error(e.message, Some(span));
                if let Some(help) = e.help {
                    problem = problem.with_help(help);
                }
                self.error(problem);
                None
            }
        }
    }
}

/// Names of parameters and judgment calls are read in conditions (`params.NAME`), so they
/// cannot hold `-`, which CEL reads as subtraction.
pub(super) fn is_name(name: &str, what: &str) -> bool {
    let hyphen_ok = !in_conditions(what);
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || (hyphen_ok && c == '-'))
}

pub(super) fn in_conditions(what: &str) -> bool {
    matches!(
        what,
        "parameter" | "judgment call" | "scenario fact" | "deliverable"
    )
}

/// The span in the file of `inner` (a range in a string value's content), when the string is
/// written without escapes; otherwise the whole string.
pub(super) fn inner_span(file: &str, value: &Spanned<String>, inner: Range<usize>) -> Range<usize> {
    let outer = value.span();
    let Some(written) = file.get(outer.clone()) else {
        return outer;
    };
    let quote = if written.starts_with("'''") || written.starts_with("\"\"\"") {
        3
    } else {
        1
    };
    let mut start = outer.start + quote;
    if quote == 3 && file.get(start..start + 1) == Some("\n") {
        start += 1;
    }
    let content = file.get(start..outer.end.saturating_sub(quote));
    if content != Some(value.get_ref().as_str()) {
        return outer;
    }
    (start + inner.start).min(outer.end)..(start + inner.end.max(inner.start + 1)).min(outer.end)
}
