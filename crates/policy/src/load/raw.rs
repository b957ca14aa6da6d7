//! The shape of a policy file as written: what serde reads, with spans kept for the compiler
//! and the lints, and what `modsim schema policy` describes.

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use toml::Spanned;

use crate::model::{Action, Discharge, Mark, Trigger};
use crate::vocabulary::Word;

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
    /// The calendar business days are counted against, by name: `us-federal` (the default),
    /// `weekends-only`, `fr-public-holidays`, or one a scenario adds from a calendar file.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) holidays: Option<Spanned<String>>,
    /// The role on whose service the posts this policy judges are published.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) content_on: Option<Spanned<String>>,
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
#[serde(
    untagged,
    expecting = "this is not a parameter's value: write a whole number or a string such as \"30 days\""
)]
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
    /// The role whose determination it is; a scenario's `determination` event by that role's
    /// party dates it, and powers resting on it are not available before then.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) by: Option<Spanned<String>>,
}

/// One clause of the document: the unit a verdict cites.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Clause")]
pub(crate) struct RawClause {
    /// The id as the document numbers it: `6.1(b)`.
    #[schemars(with = "String")]
    pub(crate) id: Spanned<String>,
    /// A short title. `{NAME}` stands for the value of parameter NAME in force, so a title
    /// that states a period follows `--set` and reforms.
    #[schemars(with = "String")]
    pub(crate) title: Spanned<String>,
    /// A paraphrase of the clause, not a long quotation; `{NAME}` as in `title`.
    #[schemars(with = "String")]
    pub(crate) text: Spanned<String>,
    /// Where the text comes from, such as `AWS Customer Agreement §6.1(b)`.
    pub(crate) source: String,
    /// How sure we are of the wording.
    #[schemars(with = "Mark")]
    pub(crate) mark: Spanned<Word<Mark>>,
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

/// Something a role must do about a post, and by when.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Duty")]
pub(crate) struct RawDuty {
    /// The role that owes the duty.
    #[schemars(with = "String")]
    pub(crate) holder: Spanned<String>,
    /// The event that opens it: `published`, `reported` or `notified` (per post), `demanded`
    /// (per demand) or `acted` (per action named in `on`).
    #[schemars(with = "Trigger")]
    pub(crate) opens: Spanned<Word<Trigger>>,
    /// For `opens = "acted"`: the actions of the holder that open it, such as
    /// `["suspend_account", "restrict"]`.
    #[serde(default)]
    #[schemars(with = "Vec<Action>")]
    pub(crate) on: Vec<Spanned<Word<Action>>>,
    /// A condition on the post, checked when the event fires; default `post.prohibited`.
    #[serde(default, rename = "where")]
    #[schemars(with = "Option<String>")]
    pub(crate) condition: Option<Spanned<String>>,
    /// How long the holder has: a period or a period parameter's name; default at once.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) within: Option<Spanned<String>>,
    /// What discharges it: `removed` or `delivered`.
    #[schemars(with = "Discharge")]
    pub(crate) met_by: Spanned<Word<Discharge>>,
    /// For duties opened by a demand: what is demanded, such as `moderation_plan`; for duties
    /// opened by an action and met by a delivery: what the holder delivers, such as
    /// `statement_of_reasons`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) deliverable: Option<Spanned<String>>,
    /// Where the deadline is counted: `holder` (the default: the zone the holder sits in),
    /// `counterparty` (the party it is owed to), or an IANA zone such as `Europe/Paris`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(crate) zone: Option<Spanned<String>>,
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
    #[schemars(with = "Action")]
    pub(crate) action: Spanned<Word<Action>>,
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
    /// An action the holder must have taken against the same party first, such as `warn`
    /// ("after having issued a prior warning").
    #[serde(default)]
    #[schemars(with = "Option<Action>")]
    pub(crate) after: Option<Spanned<Word<Action>>>,
    /// For a restriction: the longest it may last, a period or a period parameter's name; the
    /// restriction is judged at its end against it.
    #[serde(default, rename = "for")]
    #[schemars(with = "Option<String>")]
    pub(crate) lasting: Option<Spanned<String>>,
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
