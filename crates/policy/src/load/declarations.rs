//! The names a policy declares before its rules: roles, labels, scenario facts, parameters
//! (with `--set`), judgment calls (with `--assume`) and clauses (with `--without`).

use super::compiler::Compiler;
use super::overrides::Overrides;
use super::raw::{RawPolicy, RawValue};
use crate::LabelTable;
use crate::diagnostic::Problem;
use crate::model::*;
use crate::period::Period;
use toml::Spanned;

impl Compiler<'_> {
    pub(super) fn roles(&mut self, raw: &RawPolicy) -> Vec<Role> {
        self.unique_entries(&raw.roles, "role")
            .into_iter()
            .map(|(name, about)| Role {
                name: name.to_owned(),
                about: about.clone(),
            })
            .collect()
    }

    pub(super) fn labels(&mut self, raw: &RawPolicy) -> LabelTable {
        let mut labels = LabelTable::default();
        for (name, meaning) in self.unique_entries(&raw.labels, "label") {
            if labels.push(name, meaning).is_none() {
                // The first label past the limit, where it is declared.
                let span = raw
                    .labels
                    .0
                    .iter()
                    .find(|(key, _)| key.get_ref() == name)
                    .map(|(key, _)| key.span());
                self.error(
                    Problem::error(
                        format!(
                            "label `{name}` is one more than the {} labels a policy may declare",
                            crate::labels::MAX_LABELS
                        ),
                        span,
                    )
                    .with_help("merge labels that no clause tells apart, or split the policy (the limit is `MAX_LABELS` in crates/policy/src/labels.rs)"),
                );
                break;
            }
        }
        labels
    }

    pub(super) fn facts(&mut self, raw: &RawPolicy) -> Vec<FactName> {
        self.unique_entries(&raw.facts, "scenario fact")
            .into_iter()
            .map(|(name, about)| FactName {
                name: name.to_owned(),
                about: about.clone(),
            })
            .collect()
    }

    pub(super) fn parameters(&mut self, raw: &RawPolicy, overrides: &Overrides) -> Vec<Parameter> {
        let mut out = Vec::new();
        for (name, param) in self.unique_entries(&raw.parameters, "parameter") {
            let span = param.value.span();
            let default = match param.value.get_ref() {
                RawValue::Int(n) => ParamValue::Int(*n),
                RawValue::Text(text) => match Period::parse(text) {
                    Ok(p) => ParamValue::Period(p),
                    Err(e) => {
                        // Kept with a stand-in value so that uses of it do not cascade into
                        // more errors; the policy is refused anyway.
                        self.error(Problem::error(e.to_string(), Some(span)).with_help(e.help()));
                        ParamValue::Period(Period::Minutes(0))
                    }
                },
            };
            let mut value = default;
            for (_, text) in overrides.set.iter().filter(|(n, _)| n == name) {
                match ParamValue::parse(text) {
                    Ok(v) if v.same_kind(default) => value = v,
                    Ok(_) => self.error(
                        Problem::error(
                            format!("`--set {name}={text}` gives the wrong kind of value"),
                            None,
                        )
                        .with_label(format!("not {}", default.kind()))
                        .with_help(format!(
                            "`{name}` is {}, such as `{default}`",
                            default.kind()
                        ))
                        .in_argument(
                            "--set",
                            &format!("{name}={text}"),
                            value_at(name, text),
                        ),
                    ),
                    Err(help) => self.error(
                        Problem::error(
                            format!("`--set {name}={text}`: `{text}` is not a value"),
                            None,
                        )
                        .with_help(help)
                        .in_argument(
                            "--set",
                            &format!("{name}={text}"),
                            value_at(name, text),
                        ),
                    ),
                }
            }
            out.push(Parameter {
                name: name.to_owned(),
                about: param.about.clone(),
                value,
                default,
            });
        }
        out
    }

    pub(super) fn assumptions(
        &mut self,
        raw: &RawPolicy,
        overrides: &Overrides,
        roles: &[Role],
    ) -> Vec<Assumption> {
        let clause_ids: Vec<&str> = raw
            .clause
            .iter()
            .map(|c| c.get_ref().id.get_ref().as_str())
            .collect();
        let mut out = Vec::new();
        for (name, a) in self.unique_entries(&raw.assumptions, "judgment call") {
            let default = a.default.unwrap_or(false);
            if let Some(clause) = &a.clause
                && !clause_ids.contains(&clause.get_ref().as_str())
            {
                self.error(
                    Problem::error(
                        format!("unknown clause `{}`", clause.get_ref()),
                        Some(clause.span()),
                    )
                    .suggesting(clause.get_ref(), clause_ids.iter().copied()),
                );
            }
            let by = a.by.as_ref().and_then(|role| {
                let found = roles.iter().position(|r| &r.name == role.get_ref());
                if found.is_none() {
                    self.error(
                        Problem::error(
                            format!("unknown role `{}`", role.get_ref()),
                            Some(role.span()),
                        )
                        .suggesting(role.get_ref(), roles.iter().map(|r| r.name.as_str())),
                    );
                }
                found
            });
            let value = overrides
                .assume
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map_or(default, |(_, v)| *v);
            out.push(Assumption {
                name: name.to_owned(),
                question: a.question.clone(),
                default,
                value,
                clause: a.clause.as_ref().map(|c| c.get_ref().clone()),
                note: a.note.clone(),
                by,
            });
        }
        out
    }

    pub(super) fn clauses(
        &mut self,
        raw: &RawPolicy,
        overrides: &Overrides,
        parameters: &[Parameter],
    ) -> Vec<Clause> {
        let mut out: Vec<Clause> = Vec::new();
        for (index, clause) in raw.clause.iter().enumerate() {
            self.set_origin(index);
            let c = clause.get_ref();
            let id = c.id.get_ref();
            if id.trim().is_empty() {
                self.error(Problem::error(
                    "a clause's `id` is empty",
                    Some(c.id.span()),
                ));
            }
            if let Some(first) = raw.clause.iter().find(|o| o.get_ref().id.get_ref() == id)
                && !std::ptr::eq(first, clause)
            {
                let (line, _) =
                    crate::diagnostic::line_column(self.text(), first.get_ref().id.span().start);
                self.error(
                    Problem::error(format!("clause `{id}` is defined twice"), Some(c.id.span()))
                        .with_help(format!(
                            "the first definition is on line {line}; give each clause its own id"
                        )),
                );
            }
            let mark = self.word(&c.mark).unwrap_or(Mark::Inferred);
            out.push(Clause {
                id: id.clone(),
                title: self.filled(&c.title, "title", parameters),
                text: self.filled(&c.text, "text", parameters),
                source: c.source.clone(),
                mark,
                note: c.note.clone(),
                taken_out: overrides.without.iter().any(|w| w == id),
            });
        }
        self.origin = 0;
        out
    }
}

impl Compiler<'_> {
    /// A clause's title or text (`field`) with its placeholders filled: `{NAME}` is the value
    /// of parameter NAME in force (after reforms and `--set`); `{NAME|WORDS}` is WORDS, the
    /// document's own words for the value, while the parameter keeps the value the policy
    /// file gives it, and the value in force in brackets, `[10 business days]`, once changed
    /// (the mark of an altered quotation). `{{` and `}}` are braces, and any brace that opens
    /// no placeholder is text. A name that is no parameter is an error, located in the string.
    fn filled(
        &mut self,
        written: &Spanned<String>,
        field: &str,
        parameters: &[Parameter],
    ) -> String {
        let text = written.get_ref();
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(open) = rest.find(['{', '}']) {
            let (before, from) = rest.split_at(open);
            out.push_str(before);
            if let Some(after) = from.strip_prefix("{{").or_else(|| from.strip_prefix("}}")) {
                out.push_str(from.get(..1).unwrap_or_default());
                rest = after;
                continue;
            }
            let Some((placeholder, name, words)) = placeholder(from) else {
                out.push_str(from.get(..1).unwrap_or_default());
                rest = from.get(1..).unwrap_or_default();
                continue;
            };
            rest = from.get(placeholder.len()..).unwrap_or_default();
            let Some(parameter) = parameters.iter().find(|p| p.name == name) else {
                self.unknown_placeholder(written, field, placeholder, name, parameters);
                out.push_str(placeholder);
                continue;
            };
            // The words state the value the clause's own file gives: the policy file's, or
            // for a clause a reform adds or replaces, the reformed document's.
            let stated = if self.origin == 0 {
                self.written
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| *v)
            } else {
                Some(parameter.default)
            };
            match words {
                Some(words) if stated == Some(parameter.value) => out.push_str(words),
                Some(_) => out.push_str(&format!("[{}]", parameter.value)),
                None => out.push_str(&parameter.value.to_string()),
            }
        }
        out.push_str(rest);
        out
    }

    fn unknown_placeholder(
        &mut self,
        written: &Spanned<String>,
        field: &str,
        placeholder: &str,
        name: &str,
        parameters: &[Parameter],
    ) {
        let span = written.span();
        // Underline the placeholder itself where the file writes it as is.
        let at = self
            .text()
            .get(span.clone())
            .and_then(|s| s.find(placeholder))
            .map_or(span.clone(), |i| {
                span.start + i..span.start + i + placeholder.len()
            });
        self.error(
            Problem::error(
                format!("the {field} names `{placeholder}`, and there is no parameter `{name}`"),
                Some(at),
            )
            .suggesting(name, parameters.iter().map(|p| p.name.as_str())),
        );
    }
}

/// The placeholder `{NAME}` or `{NAME|WORDS}` that `from` opens with: its whole text, the
/// name and the words; none when the brace opens no placeholder.
fn placeholder(from: &str) -> Option<(&str, &str, Option<&str>)> {
    let inside = from.strip_prefix('{')?;
    let close = inside.find(['}', '{'])?;
    if inside.get(close..close + 1) != Some("}") {
        return None;
    }
    let body = inside.get(..close)?;
    let (name, words) = match body.split_once('|') {
        Some((name, words)) => (name, Some(words)),
        None => (body, None),
    };
    let is_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    is_name.then(|| (from.get(..close + 2).unwrap_or(from), name, words))
}

/// Reads a `--set` value: a whole number or a period.
/// Where the value is in `NAME=VALUE`.
fn value_at(name: &str, text: &str) -> std::ops::Range<usize> {
    let start = name.len() + 1;
    start..start + text.len()
}
