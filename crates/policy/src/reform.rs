//! Reforms: small TOML files that take out, add or replace clauses of a policy and set its
//! parameters and judgment calls, so that a what-if is a file a class can share (the OpenFisca
//! idea). Applied to a [`PolicyDoc`] before it is compiled; problems in a reform point into
//! the reform's own file.
//!
//! ```toml
//! [reform]
//! id = "thirty-days-notice"
//! title = "Parler's reading: no immediate suspension or termination"
//! applies_to = "aws-2021-01"
//! remove = ["6.1(a)", "6.1(b)", "7.2(b)(ii)"]
//!
//! [parameters]
//! cure_period = "30 calendar days"
//!
//! [assumptions]
//! aws_determined_risk = false
//!
//! [[replace]]   # a clause of the policy, rewritten (same id)
//! [[add]]       # a new clause
//! ```

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{FileProblems, Problem};
use crate::load::{Entries, PolicyDoc, RawClause, RawValue};
use crate::period::Period;

/// A reform file, read.
#[derive(Clone, Debug)]
pub struct ReformDoc {
    name: String,
    text: String,
    raw: RawReform,
}

/// A reform file, as written.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Reform", title = "modsim reform")]
struct RawReform {
    /// The header: id, title, the policy it applies to, the clauses it takes out.
    reform: RawReformHeader,
    /// Parameters set: `name = value`, a period or a whole number of the parameter's kind.
    #[serde(default)]
    #[schemars(with = "Entries<RawValue>")]
    parameters: Entries<Spanned<RawValue>>,
    /// Judgment calls' defaults set: `name = true|false`.
    #[serde(default)]
    #[schemars(with = "Entries<bool>")]
    assumptions: Entries<Spanned<bool>>,
    /// Clauses of the policy rewritten, by id.
    #[serde(default)]
    #[schemars(with = "Vec<RawClause>")]
    replace: Vec<Spanned<RawClause>>,
    /// New clauses.
    #[serde(default)]
    #[schemars(with = "Vec<RawClause>")]
    add: Vec<Spanned<RawClause>>,
}

/// The header of a reform.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ReformHeader")]
struct RawReformHeader {
    /// A short id, shown in reports.
    #[schemars(with = "String")]
    id: Spanned<String>,
    /// What the reform asks, in a line.
    title: String,
    /// Why a class would ask it.
    #[serde(default)]
    about: Option<String>,
    /// The id of the policy it changes.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    applies_to: Option<Spanned<String>>,
    /// Clause ids taken out, as `--without` does.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    remove: Vec<Spanned<String>>,
}

/// The JSON Schema of a reform file; `modsim schema reform` prints it.
pub fn json_schema() -> schemars::Schema {
    crate::load::shape::schema_for::<RawReform>()
}

impl ReformDoc {
    /// Reads a reform; `name` is how the file is named to the user.
    pub fn parse(name: &str, text: &str) -> Result<ReformDoc, FileProblems> {
        let raw: RawReform = crate::load::shape::read(name, text)?;
        let id = &raw.reform.id;
        if id.get_ref().trim().is_empty() {
            return Err(FileProblems::new(
                name,
                text,
                vec![
                    Problem::error("the reform's `id` is empty", Some(id.span())).with_help(
                        "give it a short id, shown in reports: `id = \"thirty-days-notice\"`",
                    ),
                ],
            ));
        }
        Ok(ReformDoc {
            name: name.to_owned(),
            text: text.to_owned(),
            raw,
        })
    }

    /// The reform's id.
    pub fn id(&self) -> &str {
        self.raw.reform.id.get_ref()
    }

    /// Its title.
    pub fn title(&self) -> &str {
        &self.raw.reform.title
    }

    /// What it is about.
    pub fn about(&self) -> Option<&str> {
        self.raw.reform.about.as_deref()
    }

    /// The id of the policy it applies to, when it names one.
    pub fn applies_to(&self) -> Option<&str> {
        self.raw
            .reform
            .applies_to
            .as_ref()
            .map(|a| a.get_ref().as_str())
    }

    /// The file's name as shown to the user.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where the file names the policy it applies to.
    pub fn applies_to_span(&self) -> Option<Range<usize>> {
        self.raw.reform.applies_to.as_ref().map(Spanned::span)
    }
}

impl PolicyDoc {
    /// This policy with `reform` applied: clauses removed, replaced and added, parameters and
    /// judgment calls set. Every problem points into the reform's file.
    pub fn with_reform(&self, reform: &ReformDoc) -> Result<PolicyDoc, FileProblems> {
        let mut doc = self.clone();
        let mut problems = Vec::new();
        let r = &reform.raw;
        if let Some(target) = &r.reform.applies_to
            && target.get_ref() != doc.id()
        {
            problems.push(
                Problem::error(
                    format!(
                        "this reform applies to `{}`, not to `{}`",
                        target.get_ref(),
                        doc.id()
                    ),
                    Some(target.span()),
                )
                .with_help("apply it to the policy it names, or change `applies_to`"),
            );
        }
        doc.reform_clauses(r, &mut problems);
        doc.reform_parameters(r, &mut problems);
        doc.reform_assumptions(r, &mut problems);
        if problems.is_empty() {
            doc.reforms.push((
                reform.name.clone(),
                reform.text.clone(),
                reform.id().to_owned(),
            ));
            Ok(doc)
        } else {
            Err(FileProblems::new(&reform.name, &reform.text, problems))
        }
    }

    /// The reform's `remove`, `[[replace]]` and `[[add]]`, applied to this copy of the policy.
    fn reform_clauses(&mut self, r: &RawReform, problems: &mut Vec<Problem>) {
        let doc = self;
        let origin = doc.reforms.len() + 1;
        let ids = |doc: &PolicyDoc| -> Vec<String> {
            doc.clause_ids().into_iter().map(str::to_owned).collect()
        };
        // A removed clause is taken out, as with `--without`: references to it read false.
        for id in &r.reform.remove {
            if doc.has_clause(id.get_ref()) {
                if !doc.removed.contains(id.get_ref()) {
                    doc.removed.push(id.get_ref().clone());
                }
            } else {
                problems.push(unknown_clause(id, &ids(doc), "remove"));
            }
        }
        for clause in &r.replace {
            let id = &clause.get_ref().id;
            match doc
                .raw
                .clause
                .iter()
                .position(|c| c.get_ref().id.get_ref() == id.get_ref())
            {
                Some(i) => {
                    if let (Some(slot), Some(o)) =
                        (doc.raw.clause.get_mut(i), doc.clause_origin.get_mut(i))
                    {
                        *slot = clause.clone();
                        *o = origin;
                    }
                }
                None => problems.push(unknown_clause(id, &ids(doc), "replace")),
            }
        }
        for clause in &r.add {
            let id = &clause.get_ref().id;
            if doc.has_clause(id.get_ref()) {
                problems.push(
                    Problem::error(
                        format!("the policy already has a clause `{}`", id.get_ref()),
                        Some(id.span()),
                    )
                    .with_help("to rewrite it, put it under `[[replace]]`"),
                );
            } else {
                doc.raw.clause.push(clause.clone());
                doc.clause_origin.push(origin);
            }
        }
    }

    /// The reform's `[parameters]`: each one the policy declares, given a value of its kind.
    fn reform_parameters(&mut self, r: &RawReform, problems: &mut Vec<Problem>) {
        let doc = self;
        for (name, value) in &r.parameters.0 {
            let known = doc
                .parameter_names()
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>();
            let Some((_, param)) = doc
                .raw
                .parameters
                .0
                .iter_mut()
                .find(|(k, _)| k.get_ref() == name.get_ref())
            else {
                problems.push(
                    Problem::error(
                        format!("the policy has no parameter `{}`", name.get_ref()),
                        Some(name.span()),
                    )
                    .suggesting(name.get_ref(), known.iter().map(String::as_str)),
                );
                continue;
            };
            let fits = match (param.value.get_ref(), value.get_ref()) {
                (RawValue::Int(_), RawValue::Int(_)) => Ok(()),
                (RawValue::Text(_), RawValue::Text(text)) => Period::parse(text)
                    .map(|_| ())
                    .map_err(|e| e.help().to_owned()),
                (RawValue::Int(_), _) => Err("this parameter is a whole number".to_owned()),
                (RawValue::Text(_), _) => {
                    Err("this parameter is a period, such as `30 calendar days`".to_owned())
                }
            };
            match fits {
                Ok(()) => param.value = value.clone(),
                Err(help) => problems.push(
                    Problem::error(
                        format!("`{}` cannot take this value", name.get_ref()),
                        Some(value.span()),
                    )
                    .with_help(help),
                ),
            }
        }
    }

    /// The reform's `[assumptions]`: each judgment call the policy declares, read another way.
    fn reform_assumptions(&mut self, r: &RawReform, problems: &mut Vec<Problem>) {
        let doc = self;
        for (name, value) in &r.assumptions.0 {
            let known = doc
                .assumption_names()
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>();
            match doc
                .raw
                .assumptions
                .0
                .iter_mut()
                .find(|(k, _)| k.get_ref() == name.get_ref())
            {
                Some((_, a)) => a.default = Some(*value.get_ref()),
                None => problems.push(
                    Problem::error(
                        format!("the policy has no judgment call `{}`", name.get_ref()),
                        Some(name.span()),
                    )
                    .suggesting(name.get_ref(), known.iter().map(String::as_str)),
                ),
            }
        }
    }
}

fn unknown_clause(id: &Spanned<String>, known: &[String], verb: &str) -> Problem {
    Problem::error(
        format!(
            "cannot {verb} clause `{}`: the policy has none",
            id.get_ref()
        ),
        Some(id.span()),
    )
    .suggesting(id.get_ref(), known.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Overrides;

    const POLICY: &str = include_str!("../../../policies/aws-2021-01.toml");

    fn apply(reform: &str) -> Result<PolicyDoc, FileProblems> {
        let doc = PolicyDoc::parse("aws.toml", POLICY).unwrap();
        doc.with_reform(&ReformDoc::parse("reform.toml", reform).unwrap())
    }

    fn messages(err: FileProblems) -> Vec<String> {
        err.problems
            .iter()
            .map(|p| {
                let (l, c) = p.line_column().unwrap();
                format!("{}:{l}:{c}: {}", p.file().unwrap(), p.message)
            })
            .collect()
    }

    #[test]
    fn a_reform_removes_replaces_adds_and_sets() {
        let doc = apply(
            r#"
[reform]
id = "r"
title = "a reform"
applies_to = "aws-2021-01"
remove = ["6.1(a)"]
[parameters]
cure_period = "10 business days"
[assumptions]
aws_determined_risk = true
[[replace]]
id = "7.2(b)(ii)"
title = "Termination on breach, with notice"
text = "AWS may terminate upon 5 calendar days' notice if the customer is in breach."
source = "the reform"
mark = "inferred"
power = { holder = "provider", action = "terminate", against = "customer", when = 'available("6.1(b)")', notice = "5 calendar days" }
[[add]]
id = "7.3"
title = "Warning"
text = "AWS may warn the customer."
source = "the reform"
mark = "inferred"
power = { holder = "provider", action = "warn", against = "customer", notice = "none" }
"#,
        )
        .unwrap();
        let (policy, _) = doc.compile(&Overrides::default()).unwrap();
        assert!(
            policy.clause("6.1(a)").unwrap().taken_out,
            "removed clauses are taken out"
        );
        assert!(
            !policy
                .powers
                .iter()
                .any(|p| policy.power_clause(p).id == "6.1(a)")
        );
        assert_eq!(
            policy.clause("7.2(b)(ii)").unwrap().title,
            "Termination on breach, with notice"
        );
        assert!(policy.clause("7.3").is_some());
        assert_eq!(policy.parameters[0].default.to_string(), "10 business days");
        assert!(policy.assumptions[0].default && policy.assumptions[0].value);
        assert_eq!(policy.reforms, ["r"]);
    }

    #[test]
    fn reform_problems_point_into_the_reform() {
        let err = apply(
            "[reform]\nid = \"r\"\ntitle = \"t\"\napplies_to = \"aws-2021-07\"\nremove = [\"6.1(c)\"]\n[parameters]\ncure_period = 30\nnotice = \"1 hours\"\n[assumptions]\naws_determined = true\n",
        )
        .unwrap_err();
        assert_eq!(
            messages(err),
            [
                "reform.toml:4:14: this reform applies to `aws-2021-07`, not to `aws-2021-01`",
                "reform.toml:5:11: cannot remove clause `6.1(c)`: the policy has none",
                "reform.toml:7:15: `cure_period` cannot take this value",
                "reform.toml:8:1: the policy has no parameter `notice`",
                "reform.toml:10:1: the policy has no judgment call `aws_determined`",
            ]
        );
    }

    /// Regression (issue 13): a reform with `id = ""` was accepted, and reports named it
    /// by nothing.
    #[test]
    fn an_empty_id_is_refused() {
        let err =
            ReformDoc::parse("reform.toml", "[reform]\nid = \" \"\ntitle = \"t\"\n").unwrap_err();
        assert_eq!(
            messages(err),
            ["reform.toml:2:6: the reform's `id` is empty"]
        );
    }

    #[test]
    fn errors_in_added_clauses_point_into_the_reform() {
        let doc = apply(
            "[reform]\nid = \"r\"\ntitle = \"t\"\n[[add]]\nid = \"9\"\ntitle = \"t\"\ntext = \"t\"\nsource = \"s\"\nmark = \"record\"\npower = { holder = \"provider\", action = \"warn\", against = \"customer\", when = 'breached(\"4.3\")', notice = \"none\" }\n",
        )
        .unwrap();
        let err = doc.compile(&Overrides::default()).unwrap_err();
        assert_eq!(messages(err), ["reform.toml:10:88: unknown clause `4.3`"]);
    }

    #[test]
    fn errors_of_the_policy_and_of_a_reform_come_together() {
        // Found in review: `compile` returned the problems of the first file with an error, so
        // a reform's errors hid behind the policy's.
        let policy = POLICY.replacen("holder = \"provider\"", "holder = \"provder\"", 1);
        let doc = PolicyDoc::parse("aws.toml", &policy).unwrap();
        let reform = ReformDoc::parse(
            "reform.toml",
            "[reform]\nid = \"r\"\ntitle = \"t\"\n[[add]]\nid = \"9\"\ntitle = \"t\"\ntext = \"t\"\nsource = \"s\"\nmark = \"record\"\npower = { holder = \"provider\", action = \"warn\", against = \"customer\", when = 'breached(\"4.3\")', notice = \"none\" }\n",
        )
        .unwrap();
        let err = doc
            .with_reform(&reform)
            .unwrap()
            .compile(&Overrides::default())
            .unwrap_err();
        let files: Vec<&str> = err.problems.iter().map(|p| p.file().unwrap()).collect();
        assert_eq!(
            files,
            ["aws.toml", "reform.toml"],
            "{:?}",
            messages(err.clone())
        );
        assert!(messages(err)[0].contains("unknown role `provder`"));
    }
}
