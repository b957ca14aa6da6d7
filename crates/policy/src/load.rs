//! Reading a policy file: TOML into a spanned document ([`PolicyDoc`]), then checked and
//! compiled into a [`Policy`] under a run's [`Overrides`], with every problem collected.
//!
//! The format is documented in `docs/policy-format.md`; `policies/aws-2021-01.toml` is the
//! worked example.

use std::ops::Range;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use toml::Spanned;

use crate::LabelTable;
use crate::condition::{self, Condition, Names, Scope};
use crate::diagnostic::{FileProblems, Problem, Source};
use crate::model::*;
use crate::period::{HolidayCalendar, Period};

pub mod lint;

/// Largest policy file read, in bytes.
pub const MAX_POLICY_BYTES: usize = 1024 * 1024;

/// Deepest nesting of TOML arrays and inline tables read, in a policy or a scenario: deeper
/// files are refused before parsing, so no input can exhaust the stack.
pub const MAX_TOML_DEPTH: usize = 32;

/// What a run changes in its policies: clauses taken out, parameters set, judgment calls
/// read one way or the other.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Clause ids taken out (`--without`).
    pub without: Vec<String>,
    /// Parameters set (`--set NAME=VALUE`).
    pub set: Vec<(String, String)>,
    /// Judgment calls fixed (`--assume NAME=true|false`).
    pub assume: Vec<(String, bool)>,
}

impl Overrides {
    /// True when nothing is changed.
    pub fn is_empty(&self) -> bool {
        self.without.is_empty() && self.set.is_empty() && self.assume.is_empty()
    }
}

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
        if let Err(problem) = check_nesting(text) {
            return Err(FileProblems::new(name, text, vec![problem]));
        }
        let raw: RawPolicy = toml::from_str(text)
            .map_err(|e| FileProblems::new(name, text, vec![toml_problem(&e)]))?;
        let clause_origin = vec![0; raw.clause.len()];
        Ok(PolicyDoc {
            name: name.to_owned(),
            text: text.to_owned(),
            raw,
            reforms: Vec::new(),
            clause_origin,
            removed: Vec::new(),
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
        let mut texts = vec![self.text.as_str()];
        texts.extend(self.reforms.iter().map(|(_, text, _)| text.as_str()));
        let mut cx = Compiler {
            texts: &texts,
            origin: 0,
            clause_origin: &self.clause_origin,
            problems: Vec::new(),
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
            Some((name, text, _)) => Source::new(name, text),
            None => Source::new(&self.name, &self.text),
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
    // Draft 7, the draft TOML editors (Taplo, Even Better TOML) read everywhere.
    schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawPolicy>()
}

/// Refuses TOML whose arrays and inline tables nest deeper than [`MAX_TOML_DEPTH`], before
/// a recursive parser sees it. A lexical scan: strings and comments are skipped.
pub fn check_nesting(text: &str) -> Result<(), Problem> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
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
                let triple = bytes.get(i..i + 3) == Some(&[b, b, b][..]);
                let quote_len = if triple { 3 } else { 1 };
                i += quote_len;
                loop {
                    match bytes.get(i) {
                        None => return Ok(()),
                        Some(b'\\') if b == b'"' => i += 2,
                        Some(b'\n') if !triple => break,
                        Some(&c) if c == b => {
                            if !triple || bytes.get(i..i + 3) == Some(&[b, b, b][..]) {
                                i += quote_len;
                                break;
                            }
                            i += 1;
                        }
                        Some(_) => i += 1,
                    }
                }
                line_start = false;
                continue;
            }
            // `[table]` and `[[array]]` headers open at the start of a line and close on it.
            b'[' if line_start && depth == 0 => {
                while bytes.get(i).is_some_and(|&c| c != b'\n' && c != b'#') {
                    i += 1;
                }
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_TOML_DEPTH {
                    return Err(Problem::error(
                        format!("arrays and tables nest deeper than {MAX_TOML_DEPTH} levels"),
                        Some(i..i + 1),
                    )
                    .with_help("flatten the value (the limit is `MAX_TOML_DEPTH` in crates/policy/src/load.rs)"));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
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
    // `unknown field `titel`, expected one of `id`, `title`, ...`: say which one was meant.
    if let Some((unknown, expected)) = first
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once("`, expected one of "))
    {
        let unknown = unknown.to_owned();
        let known: Vec<&str> = expected.split(", ").map(|k| k.trim_matches('`')).collect();
        if let Some(close) = crate::diagnostic::did_you_mean(&unknown, known.iter().copied()) {
            return Problem::error(format!("unknown field `{unknown}`"), e.span())
                .with_help(format!("did you mean `{close}`?"));
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

// ---------------------------------------------------------------------------------------
// The raw shape of the file.

/// A modsim policy: one document (a contract, terms of service) at one version.
/// See docs/policy-format.md.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Policy", title = "modsim policy")]
pub(crate) struct RawPolicy {
    /// The header: id, title, source.
    #[schemars(with = "RawHeader")]
    pub(crate) policy: Spanned<RawHeader>,
    /// The parties the document names, as roles: `name = "who it is"`.
    #[serde(default)]
    pub(crate) roles: Entries<String>,
    /// The kinds of content the document names: `name = "what it means"`.
    #[serde(default)]
    pub(crate) labels: Entries<String>,
    /// Named periods and numbers, with defaults; `--set NAME=VALUE` overrides one.
    #[serde(default)]
    pub(crate) parameters: Entries<RawParameter>,
    /// Judgment calls ("if AWS determines that..."), held as named yes/no assumptions.
    #[serde(default)]
    pub(crate) assumptions: Entries<RawAssumption>,
    /// The clauses, in the document's order.
    #[serde(default)]
    #[schemars(with = "Vec<RawClause>")]
    pub(crate) clause: Vec<Spanned<RawClause>>,
    /// Facts a scenario reports (a backlog of reports) that conditions may read: `name = "what it counts"`.
    #[serde(default)]
    pub(crate) facts: Entries<String>,
}

/// The header of a policy.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Header")]
pub(crate) struct RawHeader {
    /// Short id, such as `aws-2021-01`.
    #[schemars(with = "String")]
    pub(crate) id: Spanned<String>,
    /// Full title.
    pub(crate) title: String,
    /// Where the text comes from.
    pub(crate) source: String,
    /// What the document is, for readers.
    #[serde(default)]
    pub(crate) about: Option<String>,
    /// The calendar business days are counted against: `us-federal` (default) or `weekends-only`.
    #[serde(default)]
    #[schemars(with = "Option<HolidaysName>")]
    pub(crate) holidays: Option<Spanned<String>>,
    /// The role on whose service the posts this policy judges are published.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) content_on: Option<Spanned<String>>,
}

/// A holiday calendar.
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code, reason = "a schema only")]
enum HolidaysName {
    /// Weekends and the US federal holidays of 5 U.S.C. § 6103.
    UsFederal,
    /// Saturdays and Sundays.
    WeekendsOnly,
}

/// A named value.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Parameter")]
pub(crate) struct RawParameter {
    /// A whole number, or a period such as `30 calendar days`, `2 business days`, `24 hours`.
    #[schemars(with = "RawValue")]
    pub(crate) value: Spanned<RawValue>,
    /// What it is.
    pub(crate) about: String,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "ParameterValue")]
pub(crate) enum RawValue {
    Int(i64),
    Text(String),
}

/// A judgment call.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "JudgmentCall")]
pub(crate) struct RawAssumption {
    /// The question it answers.
    pub(crate) question: String,
    /// The value used unless `--assume NAME=true|false` says otherwise.
    #[serde(default)]
    pub(crate) default: Option<bool>,
    /// The id of the clause it belongs to.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) clause: Option<Spanned<String>>,
    /// Why the default is what it is.
    #[serde(default)]
    pub(crate) note: Option<String>,
}

/// One clause of the document: the unit a verdict cites.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Clause")]
pub(crate) struct RawClause {
    /// The id as the document numbers it: `6.1(b)`.
    #[schemars(with = "String")]
    pub(crate) id: Spanned<String>,
    /// A short title.
    pub(crate) title: String,
    /// A paraphrase of the clause, not a long quotation.
    pub(crate) text: String,
    /// Where the text comes from, such as `AWS Customer Agreement §6.1(b)`.
    pub(crate) source: String,
    /// How sure we are of the wording.
    #[schemars(with = "MarkName")]
    pub(crate) mark: Spanned<String>,
    /// A note for readers.
    #[serde(default)]
    pub(crate) note: Option<String>,
    /// A condition over a post (CEL) that makes the clause a prohibition.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) prohibits: Option<Spanned<String>>,
    /// Makes the clause a duty.
    #[serde(default)]
    pub(crate) duty: Option<RawDuty>,
    /// Makes the clause a power.
    #[serde(default)]
    pub(crate) power: Option<RawPower>,
    /// Lints this clause trips on purpose, by id (`docs/lints.md`), such as a power that the
    /// document really does let a party use without notice.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(crate) allow: Vec<Spanned<String>>,
}

/// How a fact or clause is known.
#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code, reason = "a schema only")]
enum MarkName {
    /// On the record: the primary document, or a faithful reproduction.
    Record,
    /// Reported by the press; the primary text was not seen.
    Reported,
    /// Inferred, or taken from a neighbouring version.
    Inferred,
    /// Made up by a documented generator where the record is silent.
    Reconstructed,
}

/// Something a role must do about a post, and by when.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Duty")]
pub(crate) struct RawDuty {
    /// The role that owes the duty.
    #[schemars(with = "String")]
    pub(crate) holder: Spanned<String>,
    /// The event that opens it for a post: `published` or `reported`.
    #[schemars(with = "TriggerName")]
    pub(crate) opens: Spanned<String>,
    /// A condition on the post, checked when the event fires; default `post.prohibited`.
    #[serde(default, rename = "where")]
    #[schemars(with = "Option<String>")]
    pub(crate) condition: Option<Spanned<String>>,
    /// How long the holder has: a period or a period parameter's name; default at once.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) within: Option<Spanned<String>>,
    /// What discharges it: `removed` or `delivered`.
    #[schemars(with = "DischargeName")]
    pub(crate) met_by: Spanned<String>,
    /// For duties opened by a demand: what is demanded, such as `moderation_plan`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) deliverable: Option<Spanned<String>>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code, reason = "a schema only")]
enum TriggerName {
    /// The post is published.
    Published,
    /// The post is reported.
    Reported,
    /// A demand (an action carrying `demands`) is made.
    Demanded,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code, reason = "a schema only")]
enum DischargeName {
    /// The post is removed.
    Removed,
    /// The demanded deliverable is delivered.
    Delivered,
}

/// Something a role may do to another, on a condition, after notice.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Power")]
pub(crate) struct RawPower {
    /// The role that holds the power.
    #[schemars(with = "String")]
    pub(crate) holder: Spanned<String>,
    /// What it lets the holder do.
    #[schemars(with = "ActionName")]
    pub(crate) action: Spanned<String>,
    /// The role it is exercised against.
    #[schemars(with = "String")]
    pub(crate) against: Spanned<String>,
    /// A condition over the state (CEL), such as `breached("4.2")`; default `true`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) when: Option<Spanned<String>>,
    /// `immediate`, `none`, a period (`30 calendar days`) or a period parameter's name.
    #[schemars(with = "String")]
    pub(crate) notice: Spanned<String>,
    /// A cure period, counted from notice: a period or a period parameter's name.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) cure: Option<Spanned<String>>,
}

/// An action a power may allow.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code, reason = "a schema only")]
pub(crate) enum ActionName {
    Warn,
    DemandPlan,
    RemoveContent,
    Suspend,
    Terminate,
    Delist,
    Restore,
    SuspendAccount,
    Ban,
}

/// A TOML table read in the document's order, with each key's span.
#[derive(Clone, Debug)]
pub(crate) struct Entries<V>(pub(crate) Vec<(Spanned<String>, V)>);

impl<V: JsonSchema> JsonSchema for Entries<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Table_of_{}", V::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "propertyNames": { "pattern": "^[A-Za-z][A-Za-z0-9_-]*$" },
            "additionalProperties": generator.subschema_for::<V>(),
        })
    }
}

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry()? {
                    entries.push((k, v));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(std::marker::PhantomData))
    }
}

// ---------------------------------------------------------------------------------------
// Checking and compiling.

struct Compiler<'t> {
    /// The policy's text, then each reform's.
    texts: &'t [&'t str],
    /// The file the clause being compiled comes from (an index into `texts`).
    origin: usize,
    clause_origin: &'t [usize],
    problems: Vec<(usize, Problem)>,
}

/// What compiling needs to know of the names declared before the clauses.
struct Declared<'r> {
    roles: Vec<&'r str>,
    params: Vec<(&'r str, Option<ParamValue>)>,
}

impl Compiler<'_> {
    fn error(&mut self, problem: Problem) {
        self.problems.push((self.origin, problem));
    }

    fn text(&self) -> &str {
        self.texts.get(self.origin).copied().unwrap_or("")
    }

    fn set_origin(&mut self, clause: usize) {
        self.origin = self.clause_origin.get(clause).copied().unwrap_or(0);
    }

    fn policy(&mut self, raw: &RawPolicy, overrides: &Overrides, file: &str) -> Policy {
        let header = raw.policy.get_ref();
        if header.id.get_ref().trim().is_empty() {
            self.error(Problem::error(
                "the policy's `id` is empty",
                Some(header.id.span()),
            ));
        }
        let holidays = match &header.holidays {
            None => HolidayCalendar::default(),
            Some(name) => HolidayCalendar::by_name(name.get_ref()).unwrap_or_else(|| {
                self.error(
                    Problem::error(
                        format!("unknown holiday calendar `{}`", name.get_ref()),
                        Some(name.span()),
                    )
                    .suggesting(name.get_ref(), HolidayCalendar::NAMES.iter().copied()),
                );
                HolidayCalendar::default()
            }),
        };

        let roles = self.unique_entries(&raw.roles, "role");
        let roles: Vec<Role> = roles
            .into_iter()
            .map(|(name, about)| Role {
                name: name.to_owned(),
                about: about.clone(),
            })
            .collect();

        let mut labels = LabelTable::default();
        for (name, meaning) in self.unique_entries(&raw.labels, "label") {
            if labels.push(name, meaning).is_none() {
                self.error(Problem::error(
                    format!("more than {} labels", crate::labels::MAX_LABELS),
                    None,
                ));
                break;
            }
        }

        let facts: Vec<FactName> = self
            .unique_entries(&raw.facts, "scenario fact")
            .into_iter()
            .map(|(name, about)| FactName {
                name: name.to_owned(),
                about: about.clone(),
            })
            .collect();
        let parameters = self.parameters(raw, overrides);
        let assumptions = self.assumptions(raw, overrides);
        let clauses = self.clauses(raw, overrides);

        let declared = Declared {
            roles: roles.iter().map(|r| r.name.as_str()).collect(),
            params: parameters
                .iter()
                .map(|p| (p.name.as_str(), Some(p.value)))
                .collect(),
        };

        // Index duties and powers before compiling, so conditions can refer to any of them.
        let mut duty_ids: Vec<(&str, Option<usize>)> = Vec::new();
        let mut power_ids: Vec<(&str, Option<usize>)> = Vec::new();
        for (clause, compiled) in raw.clause.iter().zip(&clauses) {
            let c = clause.get_ref();
            if c.duty.is_some() {
                let next = duty_ids.iter().filter(|(_, i)| i.is_some()).count();
                duty_ids.push((c.id.get_ref(), (!compiled.taken_out).then_some(next)));
            }
            if c.power.is_some() {
                let next = power_ids.iter().filter(|(_, i)| i.is_some()).count();
                power_ids.push((c.id.get_ref(), (!compiled.taken_out).then_some(next)));
            }
        }
        let param_types: Vec<(&str, bool)> = parameters
            .iter()
            .map(|p| (p.name.as_str(), matches!(p.value, ParamValue::Int(_))))
            .collect();
        let assumption_names: Vec<&str> = assumptions.iter().map(|a| a.name.as_str()).collect();
        let clause_ids: Vec<&str> = clauses.iter().map(|c| c.id.as_str()).collect();
        let fact_names: Vec<&str> = facts.iter().map(|f| f.name.as_str()).collect();
        let content_on = header
            .content_on
            .as_ref()
            .and_then(|role| self.role(role, &declared));
        let names = Names {
            facts: &fact_names,
            labels: &labels,
            params: &param_types,
            assumptions: &assumption_names,
            clauses: &clause_ids,
            duties: &duty_ids,
            powers: &power_ids,
        };

        let mut prohibitions = Vec::new();
        let mut duties = Vec::new();
        let mut powers = Vec::new();
        for (index, (clause, compiled)) in raw.clause.iter().zip(&clauses).enumerate() {
            if compiled.taken_out {
                continue;
            }
            self.set_origin(index);
            let c = clause.get_ref();
            if let Some(text) = &c.prohibits
                && let Some(condition) = self.condition(text, Scope::Prohibition, &names)
            {
                prohibitions.push(Prohibition {
                    clause: index,
                    condition,
                });
            }
            if let Some(duty) = &c.duty
                && let Some(duty) = self.duty(index, duty, &declared, &names)
            {
                duties.push(duty);
            }
            if let Some(power) = &c.power
                && let Some(power) = self.power(index, power, &declared, &names)
            {
                powers.push(power);
            }
        }
        self.origin = 0;
        // Indices are only consistent when every power compiled.
        if !self.problems.iter().any(|(_, p)| p.is_error()) {
            self.check_power_cycles(raw, &powers, &clauses);
        }

        Policy {
            id: header.id.get_ref().clone(),
            title: header.title.clone(),
            source: header.source.clone(),
            about: header.about.clone(),
            file: file.to_owned(),
            holidays,
            content_on,
            facts,
            roles,
            labels,
            parameters,
            assumptions,
            clauses,
            prohibitions,
            duties,
            powers,
            reforms: Vec::new(),
        }
    }

    fn unique_entries<'r, V>(
        &mut self,
        entries: &'r Entries<V>,
        what: &str,
    ) -> Vec<(&'r str, &'r V)> {
        let mut seen: Vec<(&str, &'r V)> = Vec::new();
        for (key, value) in &entries.0 {
            let name = key.get_ref().as_str();
            if seen.iter().any(|(n, _)| *n == name) {
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
                seen.push((name, value));
            }
        }
        seen
    }

    fn parameters(&mut self, raw: &RawPolicy, overrides: &Overrides) -> Vec<Parameter> {
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
                match (default, override_value(text)) {
                    (ParamValue::Int(_), Ok(v @ ParamValue::Int(_)))
                    | (ParamValue::Period(_), Ok(v @ ParamValue::Period(_))) => value = v,
                    (_, Ok(_)) => self.error(
                        Problem::error(
                            format!("`--set {name}={text}` gives the wrong kind of value"),
                            None,
                        )
                        .with_help(format!(
                            "`{name}` is {}, such as `{default}`",
                            kind_of(default)
                        ))
                        .on_command_line(),
                    ),
                    (_, Err(help)) => self.error(
                        Problem::error(
                            format!("`--set {name}={text}`: `{text}` is not a value"),
                            None,
                        )
                        .with_help(help)
                        .on_command_line(),
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

    fn assumptions(&mut self, raw: &RawPolicy, overrides: &Overrides) -> Vec<Assumption> {
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
            });
        }
        out
    }

    fn clauses(&mut self, raw: &RawPolicy, overrides: &Overrides) -> Vec<Clause> {
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
            let mark = Mark::by_name(c.mark.get_ref()).unwrap_or_else(|| {
                self.error(
                    Problem::error(
                        format!("unknown mark `{}`", c.mark.get_ref()),
                        Some(c.mark.span()),
                    )
                    .suggesting(c.mark.get_ref(), Mark::NAMES.iter().copied()),
                );
                Mark::Inferred
            });
            out.push(Clause {
                id: id.clone(),
                title: c.title.clone(),
                text: c.text.clone(),
                source: c.source.clone(),
                mark,
                note: c.note.clone(),
                taken_out: overrides.without.iter().any(|w| w == id),
            });
        }
        self.origin = 0;
        out
    }

    fn role(&mut self, name: &Spanned<String>, declared: &Declared<'_>) -> Option<usize> {
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
    fn period(&mut self, text: &Spanned<String>, declared: &Declared<'_>) -> Option<PeriodRef> {
        let value = text.get_ref().trim();
        if value.starts_with(|c: char| c.is_ascii_digit()) {
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

    fn condition(
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

    fn duty(
        &mut self,
        clause: usize,
        raw: &RawDuty,
        declared: &Declared<'_>,
        names: &Names<'_>,
    ) -> Option<Duty> {
        let holder = self.role(&raw.holder, declared);
        let opens = match raw.opens.get_ref().as_str() {
            "published" => Some(Trigger::Published),
            "reported" => Some(Trigger::Reported),
            "demanded" => Some(Trigger::Demanded),
            other => {
                self.error(
                    Problem::error(format!("unknown trigger `{other}`"), Some(raw.opens.span()))
                        .suggesting(other, Trigger::NAMES.iter().copied()),
                );
                None
            }
        };
        let met_by = match raw.met_by.get_ref().as_str() {
            "removed" => Some(Discharge::Removed),
            "delivered" => Some(Discharge::Delivered),
            other => {
                self.error(
                    Problem::error(
                        format!("unknown discharge `{other}`"),
                        Some(raw.met_by.span()),
                    )
                    .suggesting(other, Discharge::NAMES.iter().copied()),
                );
                None
            }
        };
        let open_ended = raw
            .within
            .as_ref()
            .is_some_and(|w| w.get_ref().trim() == NO_TIME_LIMIT);
        let within = match &raw.within {
            Some(_) if open_ended => Some(PeriodRef {
                period: Period::Minutes(0),
                param: None,
            }),
            Some(text) => self.period(text, declared),
            None => Some(PeriodRef {
                period: Period::Minutes(0),
                param: None,
            }),
        };
        let demanded = opens == Some(Trigger::Demanded);
        match (&raw.deliverable, demanded) {
            (None, true) => self.error(
                Problem::error(
                    "a duty opened by a demand must name what is demanded",
                    Some(raw.opens.span()),
                )
                .with_help(
                    "add `deliverable = \"moderation_plan\"` (any name the scenario's demands use)",
                ),
            ),
            (Some(d), false) => self.error(
                Problem::error(
                    "only a duty opened by a demand has a deliverable",
                    Some(d.span()),
                )
                .with_help("set `opens = \"demanded\"`, or remove `deliverable`"),
            ),
            (Some(d), true) if !is_name(d.get_ref(), "deliverable") => self.error(Problem::error(
                format!("`{}` is not a name", d.get_ref()),
                Some(d.span()),
            )),
            _ => {}
        }
        match (met_by, demanded) {
            (Some(Discharge::Removed), true) => self.error(
                Problem::error(
                    "a demand is met by delivering what was demanded, not by removing a post",
                    Some(raw.met_by.span()),
                )
                .with_help("set `met_by = \"delivered\"`"),
            ),
            (Some(Discharge::Delivered), false) if opens.is_some() => self.error(
                Problem::error(
                    "only a duty opened by a demand is met by a delivery",
                    Some(raw.met_by.span()),
                )
                .with_help("set `opens = \"demanded\"`, or `met_by = \"removed\"`"),
            ),
            _ => {}
        }
        if demanded && let Some(text) = &raw.condition {
            self.error(
                Problem::error(
                    "a duty opened by a demand concerns no post, so it has no `where`",
                    Some(text.span()),
                )
                .with_help("remove `where`"),
            );
        }
        let condition = match &raw.condition {
            Some(_) if demanded => None,
            Some(text) => self.condition(text, Scope::DutyTrigger, names),
            None if demanded => Some(Condition::new("true", condition::Cond::Const(true))),
            None => Some(Condition::new(
                "post.prohibited",
                condition::Cond::PostFlag(condition::PostFlag::Prohibited),
            )),
        };
        Some(Duty {
            clause,
            holder: holder?,
            opens: opens?,
            condition: condition?,
            within: within?,
            open_ended,
            deliverable: raw.deliverable.as_ref().map(|d| d.get_ref().clone()),
            met_by: met_by?,
        })
    }

    fn power(
        &mut self,
        clause: usize,
        raw: &RawPower,
        declared: &Declared<'_>,
        names: &Names<'_>,
    ) -> Option<Power> {
        let holder = self.role(&raw.holder, declared);
        let against = self.role(&raw.against, declared);
        let action = raw.action.get_ref();
        if !ACTIONS.contains(&action.as_str()) {
            self.error(
                Problem::error(
                    format!("unknown action `{action}`"),
                    Some(raw.action.span()),
                )
                .suggesting(action, ACTIONS.iter().copied()),
            );
        }
        let notice = match raw.notice.get_ref().trim() {
            "immediate" => Some(Notice::Immediate),
            "none" => Some(Notice::None),
            _ => self.period(&raw.notice, declared).map(|p| {
                if p.period.is_zero() {
                    Notice::Immediate
                } else {
                    Notice::Advance(p)
                }
            }),
        };
        let cure = match &raw.cure {
            Some(text) => self.period(text, declared).map(Some),
            None => Some(None),
        };
        if raw.cure.is_some() && matches!(notice, Some(Notice::None)) {
            self.error(
                Problem::error(
                    "a cure period runs from notice, but this power needs none",
                    raw.cure.as_ref().map(|c| c.span()),
                )
                .with_help("set `notice = \"immediate\"`, or remove `cure`"),
            );
        }
        let condition = match &raw.when {
            Some(text) => self.condition(text, Scope::Power, names),
            None => Some(Condition::new("true", condition::Cond::Const(true))),
        };
        Some(Power {
            clause,
            holder: holder?,
            action: action.clone(),
            against: against?,
            condition: condition?,
            notice: notice?,
            cure: cure?,
        })
    }

    /// `available("X")` references must not loop back to the power that makes them.
    fn check_power_cycles(&mut self, raw: &RawPolicy, powers: &[Power], clauses: &[Clause]) {
        let edges: Vec<Vec<usize>> = powers
            .iter()
            .map(|p| {
                let mut refs = Vec::new();
                p.condition.cond.visit(&mut |c| {
                    if let condition::Cond::Available(i) = c {
                        refs.push(*i);
                    }
                });
                refs
            })
            .collect();
        // Colours: 0 unvisited, 1 on the path, 2 done.
        let mut colour = vec![0u8; powers.len()];
        for start in 0..powers.len() {
            let mut path: Vec<(usize, usize)> = vec![(start, 0)];
            if colour.get(start) != Some(&0) {
                continue;
            }
            if let Some(c) = colour.get_mut(start) {
                *c = 1;
            }
            while let Some((node, next)) = path.last().copied() {
                let Some(targets) = edges.get(node) else {
                    break;
                };
                if let Some(&target) = targets.get(next) {
                    if let Some(last) = path.last_mut() {
                        last.1 += 1;
                    }
                    match colour.get(target) {
                        Some(0) => {
                            if let Some(c) = colour.get_mut(target) {
                                *c = 1;
                            }
                            path.push((target, 0));
                        }
                        Some(1) => {
                            let cycle: Vec<String> = path
                                .iter()
                                .skip_while(|(n, _)| *n != target)
                                .filter_map(|(n, _)| powers.get(*n))
                                .filter_map(|p| clauses.get(p.clause))
                                .map(|c| format!("`{}`", c.id))
                                .collect();
                            if let Some(p) = powers.get(node) {
                                self.set_origin(p.clause);
                            }
                            let span = powers
                                .get(node)
                                .and_then(|p| raw.clause.get(p.clause))
                                .and_then(|c| c.get_ref().power.as_ref())
                                .and_then(|p| p.when.as_ref())
                                .map(|w| w.span());
                            self.error(
                                Problem::error(
                                    format!("powers refer to each other in a cycle: {}", cycle.join(" → ")),
                                    span,
                                )
                                .with_help("a power may rest on another's availability, but not on its own")
                                .with_code("power-cycle"),
                            );
                            return;
                        }
                        _ => {}
                    }
                } else {
                    if let Some(c) = colour.get_mut(node) {
                        *c = 2;
                    }
                    path.pop();
                }
            }
        }
    }
}

/// Reads a `--set` value: a whole number or a period.
/// What `within` says of a duty that sets no deadline.
pub const NO_TIME_LIMIT: &str = "no time limit";

fn override_value(text: &str) -> Result<ParamValue, String> {
    if let Ok(n) = text.trim().parse::<i64>() {
        return Ok(ParamValue::Int(n));
    }
    Period::parse(text)
        .map(ParamValue::Period)
        .map_err(|e| e.help().to_owned())
}

fn kind_of(value: ParamValue) -> &'static str {
    match value {
        ParamValue::Int(_) => "a whole number",
        ParamValue::Period(_) => "a period",
    }
}

/// Names of parameters and judgment calls are read in conditions (`params.NAME`), so they
/// cannot hold `-`, which CEL reads as subtraction.
fn is_name(name: &str, what: &str) -> bool {
    let hyphen_ok = !in_conditions(what);
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || (hyphen_ok && c == '-'))
}

fn in_conditions(what: &str) -> bool {
    matches!(
        what,
        "parameter" | "judgment call" | "scenario fact" | "deliverable"
    )
}

/// The span in the file of `inner` (a range in a string value's content), when the string is
/// written without escapes; otherwise the whole string.
fn inner_span(file: &str, value: &Spanned<String>, inner: Range<usize>) -> Range<usize> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[policy]
id = "tiny"
title = "A tiny policy"
source = "the test"

[roles]
provider = "offers the service"
customer = "uses it"

[labels]
threat = "threatens violence"

[parameters]
cure_period = { value = "30 calendar days", about = "time to cure" }

[assumptions]
risk = { question = "did the provider determine a risk?", default = false }

[[clause]]
id = "1"
title = "No threats"
text = "The customer's content must not threaten violence."
source = "§1"
mark = "record"
prohibits = '"threat" in post.labels'

[[clause]]
id = "2"
title = "Keep it down"
text = "The customer removes prohibited content."
source = "§2"
mark = "record"
duty = { holder = "customer", opens = "reported", met_by = "removed" }

[[clause]]
id = "3"
title = "Suspension"
text = "The provider may suspend upon notice for a breach."
source = "§3"
mark = "inferred"
power = { holder = "provider", action = "suspend", against = "customer", when = 'breached("2") || assumptions.risk', notice = "immediate" }

[[clause]]
id = "4"
title = "Termination for cause"
text = "Either party may terminate if a breach stays uncured."
source = "§4"
mark = "record"
power = { holder = "provider", action = "terminate", against = "customer", when = 'available("3")', notice = "immediate", cure = "cure_period" }
"#;

    fn compile(text: &str, overrides: &Overrides) -> Result<Policy, FileProblems> {
        PolicyDoc::parse("tiny.toml", text)?
            .compile(overrides)
            .map(|(p, _)| p)
    }

    /// Compiles `MINIMAL` with `from` replaced by `to`, and returns its problems' messages
    /// with the line and column of each.
    fn problems(from: &str, to: &str) -> Vec<String> {
        assert!(MINIMAL.contains(from), "{from}");
        let text = MINIMAL.replacen(from, to, 1);
        let err = compile(&text, &Overrides::default()).unwrap_err();
        err.problems
            .iter()
            .map(|p| match p.line_column() {
                Some((l, c)) => format!("{l}:{c}: {}", p.message),
                None => p.message.clone(),
            })
            .collect()
    }

    #[test]
    fn the_minimal_policy_compiles() {
        let policy = compile(MINIMAL, &Overrides::default()).unwrap();
        assert_eq!(policy.roles.len(), 2);
        assert_eq!(policy.prohibitions.len(), 1);
        assert_eq!(policy.duties.len(), 1);
        assert_eq!(policy.powers.len(), 2);
        assert_eq!(
            policy.powers[1].cure,
            Some(PeriodRef {
                period: Period::CalendarDays(30),
                param: Some(0)
            })
        );
        assert_eq!(policy.powers[0].notice, Notice::Immediate);
        assert!(!policy.assumptions[0].value);
    }

    #[test]
    fn overrides_apply() {
        let overrides = Overrides {
            without: vec!["3".into()],
            set: vec![("cure_period".into(), "10 business days".into())],
            assume: vec![("risk".into(), true)],
        };
        let policy = compile(MINIMAL, &overrides).unwrap();
        assert_eq!(policy.powers.len(), 1, "clause 3 is taken out");
        assert!(policy.clause("3").unwrap().taken_out);
        assert_eq!(
            policy.powers[0].condition.cond,
            condition::Cond::TakenOut("3".into()),
            "a reference to a taken-out power is false"
        );
        assert_eq!(
            policy.parameters[0].value,
            ParamValue::Period(Period::BusinessDays(10))
        );
        assert_eq!(
            policy.parameters[0].default,
            ParamValue::Period(Period::CalendarDays(30))
        );
        assert!(policy.assumptions[0].value);
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        assert_eq!(
            problems("holder = \"customer\"", "holder = \"custmer\""),
            ["34:19: unknown role `custmer`"]
        );
        assert_eq!(
            problems(
                "'breached(\"2\") || assumptions.risk'",
                "'breached(\"5\") || assumptions.risky'"
            ),
            ["42:91: unknown clause `5`"]
        );
        assert_eq!(
            problems("mark = \"inferred\"", "mark = \"guessed\""),
            ["41:8: unknown mark `guessed`"]
        );
        assert_eq!(
            problems("value = \"30 calendar days\"", "value = \"30 days\""),
            ["15:25: `30 days` does not say which days it counts"]
        );
        assert_eq!(
            problems("id = \"4\"", "id = \"3\""),
            ["45:6: clause `3` is defined twice"]
        );
        assert_eq!(
            problems("when = 'available(\"3\")'", "when = 'available(\"4\")'"),
            ["50:83: powers refer to each other in a cycle: `4`"]
        );
        assert_eq!(
            problems("opens = \"reported\"", "opens = \"reportd\""),
            ["34:39: unknown trigger `reportd`"]
        );
    }

    #[test]
    fn several_problems_come_together() {
        let text = MINIMAL
            .replacen("holder = \"customer\"", "holder = \"nobody\"", 1)
            .replacen("action = \"suspend\"", "action = \"suspnd\"", 1);
        let err = compile(&text, &Overrides::default()).unwrap_err();
        assert_eq!(err.problems.len(), 2, "{:?}", err.problems);
        assert_eq!(
            err.problems[1].help.as_deref(),
            Some("did you mean `suspend`?")
        );
    }

    #[test]
    fn toml_errors_are_located() {
        let err = compile("[policy]\nid = \"x\"\ntitle = \n", &Overrides::default()).unwrap_err();
        let p = &err.problems[0];
        assert_eq!(p.line_column().unwrap().0, 3);
        let err = compile(
            &MINIMAL.replacen("title = \"No threats\"", "titel = \"No threats\"", 1),
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(
            err.problems[0].message.contains("unknown field `titel`"),
            "{}",
            err.problems[0].message
        );
    }

    #[test]
    fn bad_overrides_are_reported() {
        let overrides = Overrides {
            set: vec![("cure_period".into(), "12".into())],
            ..Overrides::default()
        };
        let err = compile(MINIMAL, &overrides).unwrap_err();
        assert!(
            err.problems[0].message.contains("wrong kind of value"),
            "{:?}",
            err.problems
        );
    }
}

#[cfg(test)]
mod limits {
    use super::*;

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        for deep in [
            format!("[policy]\nx = {}", "[".repeat(200_000)),
            format!("[policy]\nx = {}", "{ a = ".repeat(100_000)),
            format!("x = [\n{}", "[\n".repeat(100)),
        ] {
            let err = PolicyDoc::parse("deep.toml", &deep).unwrap_err();
            assert!(
                err.problems[0]
                    .message
                    .contains(&format!("deeper than {MAX_TOML_DEPTH} levels")),
                "{:?}",
                err.problems
            );
            assert!(
                err.problems[0]
                    .help
                    .as_deref()
                    .unwrap()
                    .contains("MAX_TOML_DEPTH")
            );
        }
    }

    #[test]
    fn nesting_ignores_brackets_in_strings_comments_and_headers() {
        let text = format!(
            "# {open}\n[policy]\n[[clause]]\na = \"{open}\"\nb = '{open}'\nc = \"\"\"\n{open}\"\"\"\nd = [[1], [2]]\n",
            open = "[".repeat(100)
        );
        assert!(check_nesting(&text).is_ok());
    }

    #[test]
    fn an_oversized_file_names_the_limit() {
        let big = "#".repeat(MAX_POLICY_BYTES + 1);
        let err = PolicyDoc::parse("big.toml", &big).unwrap_err();
        assert!(err.problems[0].message.contains("over the limit"));
        assert!(
            err.problems[0]
                .help
                .as_deref()
                .unwrap()
                .contains("MAX_POLICY_BYTES")
        );
    }
}
