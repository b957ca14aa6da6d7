//! The shape of a scenario file as written: what serde reads, with spans kept for the checker,
//! and what `modsim schema scenario` describes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use modsim_policy::{Action, Mark, Word};

use crate::model::RawModel;
use crate::timeline::EventKind;

/// A modsim scenario: the parties, the policies in force, the posts and the timeline of
/// notices and actions to judge, with provenance. See docs/scenario-format.md.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Scenario", title = "modsim scenario")]
pub(super) struct RawScenario {
    /// The header: id, title, time zone.
    pub(super) scenario: RawHeader,
    /// The parties: `id = "Full Name"`, or `id = { name = "Full Name", zone = "Europe/Paris" }`.
    #[schemars(with = "BTreeMap<String, PartyName>")]
    pub(super) parties: Spanned<RawParties>,
    /// Default role bindings for every policy: `role = "party id"`, or `role = "every account"`
    /// for a role that stands for every account of the scenario.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub(super) roles: Option<Spanned<toml::Table>>,
    /// The policies in force.
    #[serde(default)]
    pub(super) policy: Vec<RawPolicyRef>,
    /// Calendar files (relative to this scenario) whose calendars the policies may name in
    /// `holidays`, beside the calendars modsim ships.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(super) calendars: Vec<Spanned<String>>,
    /// The posts: their CSV file, or how the `[[post]]` tables are known.
    #[serde(default)]
    pub(super) posts: Option<RawPosts>,
    /// Posts written in the scenario itself, for a timeline of a few (a CSV file for many).
    #[serde(default)]
    pub(super) post: Vec<RawPost>,
    /// The timeline: notices given and actions taken.
    #[serde(default)]
    pub(super) event: Vec<RawEvent>,
    /// What the facts rest on.
    #[serde(default)]
    pub(super) provenance: Provenance2,
    /// The generative model of the uncertain facts, for sweeps.
    #[serde(default)]
    pub(super) model: Option<RawModel>,
}

/// A party's full name, or a table with its `name`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "a schema only")]
enum PartyName {
    Name(String),
    Table {
        /// Full name.
        name: String,
        /// For a user account: its handle, matched against the posts' `author`.
        #[serde(default)]
        account: Option<String>,
        /// The IANA time zone the party sits in (default: the scenario's): the duties it
        /// holds count their deadlines in it unless their clause says otherwise.
        #[serde(default)]
        zone: Option<String>,
    },
}

/// The `[parties]` table, in the order written.
#[derive(Debug, Default)]
pub(super) struct RawParties(pub(super) Vec<(String, RawParty)>);

/// One party as written: a name, or a table whose keys the checker reads (its `zone` with
/// its span, so a zone nobody knows is underlined where it is written).
#[derive(Debug)]
pub(super) enum RawParty {
    /// `id = "Full Name"`.
    Name(String),
    /// `id = { name = ..., account = ..., zone = ... }`; `unknown` when it has another key.
    Table {
        name: Option<toml::Value>,
        account: Option<toml::Value>,
        zone: Option<Spanned<String>>,
        unknown: bool,
    },
    /// Anything else (a number, a list).
    Other,
}

impl<'de> Deserialize<'de> for RawParties {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PartiesVisitor;
        impl<'de> serde::de::Visitor<'de> for PartiesVisitor {
            type Value = RawParties;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table of parties")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawParties, A::Error> {
                let mut parties = Vec::new();
                while let Some((id, party)) = map.next_entry::<String, RawParty>()? {
                    parties.push((id, party));
                }
                Ok(RawParties(parties))
            }
        }
        deserializer.deserialize_map(PartiesVisitor)
    }
}

impl<'de> Deserialize<'de> for RawParty {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::IgnoredAny;
        struct PartyVisitor;
        impl<'de> serde::de::Visitor<'de> for PartyVisitor {
            type Value = RawParty;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a party's name, or a table with its `name`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawParty, E> {
                Ok(RawParty::Name(v.to_owned()))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<RawParty, E> {
                Ok(RawParty::Other)
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<RawParty, E> {
                Ok(RawParty::Other)
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<RawParty, E> {
                Ok(RawParty::Other)
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<RawParty, E> {
                Ok(RawParty::Other)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<RawParty, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(RawParty::Other)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawParty, A::Error> {
                let (mut name, mut account, mut zone, mut unknown) = (None, None, None, false);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "name" => name = Some(map.next_value::<toml::Value>()?),
                        "account" => account = Some(map.next_value::<toml::Value>()?),
                        "zone" => zone = Some(map.next_value::<Spanned<String>>()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            unknown = true;
                        }
                    }
                }
                Ok(RawParty::Table {
                    name,
                    account,
                    zone,
                    unknown,
                })
            }
        }
        deserializer.deserialize_any(PartyVisitor)
    }
}

/// The header of a scenario.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Header")]
pub(super) struct RawHeader {
    /// Short id.
    pub(super) id: String,
    /// Title.
    pub(super) title: String,
    /// The IANA time zone instants are read and shown in, such as `America/Los_Angeles`.
    #[schemars(with = "String")]
    pub(super) zone: Spanned<String>,
    /// What it is about.
    #[serde(default)]
    pub(super) about: Option<String>,
}

/// A policy in force.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PolicyInForce")]
pub(super) struct RawPolicyRef {
    /// The policy file, relative to this scenario.
    #[schemars(with = "String")]
    pub(super) file: Spanned<String>,
    /// Role bindings for this policy: `role = "party id"` or `role = "every account"`.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    pub(super) roles: Option<Spanned<toml::Table>>,
}

/// The posts file and who reported them.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Posts")]
pub(super) struct RawPosts {
    /// The CSV file, relative to this scenario; none when the posts are `[[post]]` tables.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) file: Option<Spanned<String>>,
    /// The party that reported them.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) reported_by: Option<Spanned<String>>,
    /// The party they were reported to.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) reported_to: Option<Spanned<String>>,
    /// How the posts are known.
    #[schemars(with = "Mark")]
    pub(super) mark: Spanned<Word<Mark>>,
}

/// A post written in the scenario, with the columns of a posts file as keys.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Post")]
pub(super) struct RawPost {
    /// Its id, distinct among the scenario's posts.
    #[schemars(with = "String")]
    pub(super) id: Spanned<String>,
    /// When it was published: `2021-01-08 09:00` in the scenario's zone, or RFC 3339.
    #[schemars(with = "RawTime")]
    pub(super) published: Spanned<RawTime>,
    /// When it was reported, if it was.
    #[serde(default)]
    #[schemars(with = "Option<RawTime>")]
    pub(super) reported: Option<Spanned<RawTime>>,
    /// When it was removed, if it was.
    #[serde(default)]
    #[schemars(with = "Option<RawTime>")]
    pub(super) removed: Option<Spanned<RawTime>>,
    /// Its labels.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub(super) labels: Vec<Spanned<String>>,
    /// Its author's handle (matched against a party's `account`).
    #[serde(default)]
    pub(super) author: Option<String>,
    /// Its severity.
    #[serde(default)]
    pub(super) severity: i64,
    /// Its reach.
    #[serde(default)]
    pub(super) reach: i64,
    /// A neutral one-line description.
    #[serde(default)]
    pub(super) description: Option<String>,
    /// The party on whose service it was published (a party id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) platform: Option<Spanned<String>>,
}

/// An event of the timeline: a `notice` (`from`, `to`, `cites`, `posts`), an `action`
/// (`actor`, `action`, `against`, `demands`, `for`), a `delivery` (`from`, `to`,
/// `deliverable`), a `fact` (`fact`, `value`) or a `determination` (`by`, `determines`, `about`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Event")]
pub(super) struct RawEvent {
    /// When: `2021-01-09 18:00` in the scenario's zone, or RFC 3339 with an offset.
    #[schemars(with = "RawTime")]
    pub(super) at: Spanned<RawTime>,
    /// What the event is.
    #[schemars(with = "EventKind")]
    pub(super) kind: Spanned<Word<EventKind>>,
    /// A notice's or a delivery's sender (party id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) from: Option<Spanned<String>>,
    /// A notice's or a delivery's recipient (party id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) to: Option<Spanned<String>>,
    /// An action's actor (party id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) actor: Option<Spanned<String>>,
    /// The action taken.
    #[serde(default)]
    #[schemars(with = "Option<Action>")]
    pub(super) action: Option<Spanned<Word<Action>>>,
    /// Against whom (party id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) against: Option<Spanned<String>>,
    /// The clauses (or sections) a notice invokes; none means every clause.
    #[serde(default)]
    pub(super) cites: Vec<String>,
    /// The posts a notice names (ids of the posts file); they open the recipient's duties
    /// `opens = "notified"`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub(super) posts: Option<Spanned<Vec<String>>>,
    /// How long a restriction lasts, such as `7 calendar days`.
    #[serde(default, rename = "for")]
    #[schemars(with = "Option<String>")]
    pub(super) lasting: Option<Spanned<String>>,
    /// A `determination`'s party: who made the judgment call (party id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) by: Option<Spanned<String>>,
    /// A `determination`'s judgment call, by the name policies give it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) determines: Option<Spanned<String>>,
    /// The account a `determination` is about, when it is about one (party id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) about: Option<Spanned<String>>,
    /// An action that demands a deliverable (`moderation_plan`), opening duties to deliver it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) demands: Option<Spanned<String>>,
    /// What a `delivery` event delivers.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) deliverable: Option<Spanned<String>>,
    /// The name of the fact a `fact` event sets.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub(super) fact: Option<Spanned<String>>,
    /// The value a `fact` event sets.
    #[serde(default)]
    pub(super) value: Option<i64>,
    /// What happened, paraphrased.
    pub(super) summary: String,
    /// How it is known.
    #[schemars(with = "Mark")]
    pub(super) mark: Spanned<Word<Mark>>,
    /// What of it is reconstructed, if anything.
    #[serde(default)]
    pub(super) reconstructed: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "this is not an instant: write a string such as \"2021-01-10 23:59\" (in the scenario's zone) or a TOML date-time"
)]
#[schemars(rename = "Instant")]
pub(super) enum RawTime {
    Text(String),
    Toml(#[schemars(with = "String")] toml::value::Datetime),
}

/// What the scenario's facts rest on.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Provenance")]
pub(super) struct Provenance2 {
    /// Facts on the record.
    #[serde(default)]
    pub(super) record: Vec<String>,
    /// Facts reported by the press.
    #[serde(default)]
    pub(super) reported: Vec<String>,
    /// Facts inferred.
    #[serde(default)]
    pub(super) inferred: Vec<String>,
    /// Facts reconstructed, and how.
    #[serde(default)]
    pub(super) reconstructed: Vec<String>,
    /// Facts invented for teaching (a teaching scenario's channel, its posts and events).
    #[serde(default)]
    pub(super) invented: Vec<String>,
    /// The command that regenerates the reconstructed data.
    #[serde(default)]
    pub(super) generator: Option<String>,
}
