//! Scenarios: the parties, the policies that bind them, the posts (from CSV), the notices and
//! the actions to judge, with their provenance, read from TOML.
//!
//! Files arrive through [`Files`]: this crate never touches the file system, so the CLI can
//! serve the embedded seed and a test can serve strings. Paths in a scenario are relative to
//! the scenario file and always written with `/`.

use std::ops::Range;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use modsim_policy::diagnostic::did_you_mean;
use modsim_policy::load::toml_problem;
use modsim_policy::{ACTIONS, FileProblems, LabelSet, Mark, Problem};
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

/// Largest scenario file read, in bytes.
pub const MAX_SCENARIO_BYTES: usize = 4 * 1024 * 1024;
/// Most posts a scenario may hold.
pub const MAX_POSTS: usize = 5_000_000;
/// Most events (notices and actions) a scenario may hold.
pub const MAX_EVENTS: usize = 10_000;
/// Most distinct labels across a scenario's posts.
pub const MAX_SCENARIO_LABELS: usize = 128;

/// Where a scenario's files come from.
pub trait Files {
    /// The text of the file at `path` (relative to the working directory, or to the bundle).
    fn read(&self, path: &str) -> Result<String, String>;
}

/// A scenario, read and checked.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Short id.
    pub id: String,
    /// Title.
    pub title: String,
    /// What it is about.
    pub about: Option<String>,
    /// Its file, as named to the user.
    pub file: String,
    /// The zone instants are shown in and calendar days are counted in.
    pub zone: TimeZone,
    /// The zone's name.
    pub zone_name: String,
    /// The parties.
    pub parties: Vec<Party>,
    /// Default role bindings, for every policy: role name → party index.
    pub roles: Vec<(String, usize)>,
    /// The policies in force, as files to read.
    pub policies: Vec<PolicyRef>,
    /// The posts.
    pub posts: Vec<Post>,
    /// The labels used by the posts; a post's [`LabelSet`] numbers them in this order.
    pub labels: Vec<String>,
    /// The posts file, as named to the user.
    pub posts_file: Option<String>,
    /// How the posts are known.
    pub posts_mark: Mark,
    /// Who reported the posts.
    pub reported_by: Option<usize>,
    /// To whom the posts were reported: the party responsible for them.
    pub reported_to: Option<usize>,
    /// Notices given.
    pub notices: Vec<NoticeEvent>,
    /// Actions taken, to be judged.
    pub actions: Vec<ActionEvent>,
    /// Deliveries of what was demanded (a moderation plan), in time order.
    pub deliveries: Vec<DeliveryEvent>,
    /// Scenario facts as they became known (a count of unreviewed reports), in time order.
    pub facts: Vec<FactEvent>,
    /// What is on the record and what is not.
    pub provenance: Provenance,
    /// The generative model of the uncertain facts, for sweeps.
    pub model: Option<crate::model::ScenarioModel>,
}

impl Scenario {
    /// A copy of everything but the posts, their labels and the notices (which a sweep's
    /// replicate replaces).
    pub fn clone_without_posts(&self) -> Scenario {
        Scenario {
            id: self.id.clone(),
            title: self.title.clone(),
            about: self.about.clone(),
            file: self.file.clone(),
            zone: self.zone.clone(),
            zone_name: self.zone_name.clone(),
            parties: self.parties.clone(),
            roles: self.roles.clone(),
            policies: self.policies.clone(),
            posts: Vec::new(),
            labels: Vec::new(),
            posts_file: self.posts_file.clone(),
            posts_mark: self.posts_mark,
            reported_by: self.reported_by,
            reported_to: self.reported_to,
            notices: Vec::new(),
            actions: self.actions.clone(),
            deliveries: self.deliveries.clone(),
            facts: self.facts.clone(),
            provenance: self.provenance.clone(),
            model: self.model.clone(),
        }
    }

    /// A party's id.
    pub fn party_id(&self, index: usize) -> &str {
        self.parties.get(index).map_or("?", |p| p.id.as_str())
    }

    /// A duty's subject by its number: the post's id, or for a demand (numbered after the
    /// posts, by action) `demand by apple of 2021-01-08 09:00 PST`.
    pub fn subject_id(&self, subject: usize) -> Option<PostId> {
        match self.posts.get(subject) {
            Some(post) => Some(post.id.clone()),
            None => {
                let action = self.actions.get(subject.checked_sub(self.posts.len())?)?;
                Some(smol_str::format_smolstr!(
                    "demand by {} of {}",
                    self.party_id(action.actor),
                    modsim_policy::show_instant(action.at, &self.zone)
                ))
            }
        }
    }

    /// True when any of the scenario's data is reconstructed.
    pub fn has_reconstruction(&self) -> bool {
        self.posts_mark == Mark::Reconstructed
            || !self.provenance.reconstructed.is_empty()
            || self.notices.iter().any(|n| n.reconstructed.is_some())
            || self.actions.iter().any(|a| a.reconstructed.is_some())
            || self.deliveries.iter().any(|d| d.reconstructed.is_some())
            || self.facts.iter().any(|f| f.reconstructed.is_some())
    }
}

/// A party to the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    /// Short id used in the files: `aws`.
    pub id: String,
    /// Full name.
    pub name: String,
    /// For a user account: its handle, matched against the posts' `author`.
    pub account: Option<String>,
}

/// A policy a scenario puts in force, and how its roles are bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyRef {
    /// Path of the policy file, resolved against the scenario's folder.
    pub file: String,
    /// Role bindings for this policy, before the scenario's defaults.
    pub roles: Vec<(String, usize)>,
}

/// A post's id (or an author's handle): kept inline up to 23 bytes, and shared rather than
/// copied when cloned, so explanations that name hundreds of posts do not allocate per id,
/// and a million posts do not hold a million small heap strings.
pub type PostId = smol_str::SmolStr;

/// A post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    /// Its id.
    pub id: PostId,
    /// Its author, or empty.
    pub author: PostId,
    /// Published.
    pub published: Timestamp,
    /// Reported, if it was.
    pub reported: Option<Timestamp>,
    /// Removed, if it was.
    pub removed: Option<Timestamp>,
    /// Its labels, in the scenario's numbering.
    pub labels: LabelSet,
    /// Severity, 0 when not given.
    pub severity: i64,
    /// Reach, 0 when not given.
    pub reach: i64,
    /// A neutral one-line description.
    pub description: Box<str>,
    /// The party on whose service it was published, if the posts file says.
    pub platform: Option<u32>,
}

/// A notice from one party to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeEvent {
    /// When it was given.
    pub at: Timestamp,
    /// Who gave it.
    pub from: usize,
    /// Who received it.
    pub to: usize,
    /// Clause ids (or section prefixes) it invokes; empty when it names none.
    pub cites: Vec<String>,
    /// What it said, paraphrased.
    pub summary: String,
    /// How it is known.
    pub mark: Mark,
    /// What of it is reconstructed, if anything.
    pub reconstructed: Option<String>,
}

impl NoticeEvent {
    /// True when this notice counts as notice under clause `id`: it names no clause, or names
    /// the clause or a section containing it (`6` covers `6.1(b)`).
    pub fn covers(&self, id: &str) -> bool {
        self.cites.is_empty()
            || self.cites.iter().any(|c| {
                id == c
                    || id
                        .strip_prefix(c.as_str())
                        .is_some_and(|rest| rest.starts_with(['.', '(']))
            })
    }
}

/// An action a party took, to be judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionEvent {
    /// When it took effect.
    pub at: Timestamp,
    /// Who took it.
    pub actor: usize,
    /// What it was: one of the policy actions.
    pub action: String,
    /// Against whom.
    pub against: usize,
    /// What the action demands of the party acted against (`demands = "moderation_plan"`).
    pub demands: Option<String>,
    /// What happened, paraphrased.
    pub summary: String,
    /// How it is known.
    pub mark: Mark,
    /// What of it is reconstructed, if anything.
    pub reconstructed: Option<String>,
}

/// A delivery of something demanded, from the party that owed it to the party that asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryEvent {
    /// When it was delivered.
    pub at: Timestamp,
    /// Who delivered it.
    pub from: usize,
    /// To whom.
    pub to: usize,
    /// What was delivered: the name a demand used.
    pub deliverable: String,
    /// What it was, paraphrased.
    pub summary: String,
    /// How it is known.
    pub mark: Mark,
    /// What of it is reconstructed, if anything.
    pub reconstructed: Option<String>,
}

/// A scenario fact that became known at an instant, readable by conditions as `facts.NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactEvent {
    /// When it became known.
    pub at: Timestamp,
    /// Its name.
    pub name: String,
    /// Its value from then on.
    pub value: i64,
    /// What was said, paraphrased.
    pub summary: String,
    /// How it is known.
    pub mark: Mark,
    /// What of it is reconstructed, if anything.
    pub reconstructed: Option<String>,
}

/// What a scenario's facts rest on.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Provenance {
    /// Facts on the record.
    pub record: Vec<String>,
    /// Facts reported by the press.
    pub reported: Vec<String>,
    /// Facts inferred.
    pub inferred: Vec<String>,
    /// Facts reconstructed, and how.
    pub reconstructed: Vec<String>,
    /// The command that regenerates the reconstructed data.
    pub generator: Option<String>,
}

/// Every problem found while reading a scenario and its files.
#[derive(Debug)]
pub struct LoadFailure {
    /// Problems, file by file.
    pub files: Vec<FileProblems>,
}

impl From<FileProblems> for LoadFailure {
    fn from(p: FileProblems) -> LoadFailure {
        LoadFailure { files: vec![p] }
    }
}

/// Joins a relative path to the folder of `base`, resolving `.` and `..`, with `/`.
pub fn resolve_path(base: &str, relative: &str) -> String {
    if relative.starts_with('/') {
        return relative.to_owned();
    }
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| !p.is_empty() && *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

/// The JSON Schema of a scenario file, for TOML editors; `modsim schema scenario` prints it.
pub fn json_schema() -> schemars::Schema {
    // Draft 7, the draft TOML editors (Taplo, Even Better TOML) read everywhere.
    schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<RawScenario>()
}

/// Reads a scenario: its TOML text (named `name` to the user) and, through `files`, its posts.
pub fn load(name: &str, text: &str, files: &dyn Files) -> Result<Scenario, LoadFailure> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(FileProblems::new(
            name,
            "",
            vec![
                Problem::error(
                    format!(
                        "the file is {} bytes, over the limit of {MAX_SCENARIO_BYTES}",
                        text.len()
                    ),
                    None,
                )
                .with_help("put the posts in a CSV file named by `[posts] file` (the limit is `MAX_SCENARIO_BYTES` in crates/sim/src/scenario.rs)"),
            ],
        )
        .into());
    }
    if let Err(problem) = modsim_policy::load::check_nesting(text) {
        return Err(FileProblems::new(name, text, vec![problem]).into());
    }
    let raw: RawScenario =
        toml::from_str(text).map_err(|e| FileProblems::new(name, text, vec![toml_problem(&e)]))?;
    let mut cx = Checker {
        problems: Vec::new(),
    };
    let scenario = cx.scenario(name, raw);
    let mut failure = LoadFailure { files: Vec::new() };
    if cx.problems.iter().any(Problem::is_error) {
        failure
            .files
            .push(FileProblems::new(name, text, cx.problems));
        return Err(failure);
    }
    let (mut scenario, posts) = scenario.ok_or(failure)?;
    if let Some((path, span)) = posts {
        let csv_text = files.read(&path).map_err(|e| {
            FileProblems::new(
                name,
                text,
                vec![Problem::error(
                    format!("cannot read the posts file `{path}`: {e}"),
                    Some(span),
                )],
            )
        })?;
        read_posts(&mut scenario, &path, &csv_text)?;
        scenario.posts_file = Some(path);
    }
    Ok(scenario)
}

// ---------------------------------------------------------------------------------------
// The raw shape of the file.

/// A modsim scenario: the parties, the policies in force, the posts and the timeline of
/// notices and actions to judge, with provenance. See docs/scenario-format.md.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Scenario", title = "modsim scenario")]
struct RawScenario {
    /// The header: id, title, time zone.
    scenario: RawHeader,
    /// The parties: `id = "Full Name"`.
    #[schemars(with = "BTreeMap<String, PartyName>")]
    parties: Spanned<toml::Table>,
    /// Default role bindings for every policy: `role = "party id"`.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    roles: Option<Spanned<toml::Table>>,
    /// The policies in force.
    #[serde(default)]
    policy: Vec<RawPolicyRef>,
    /// The posts, from a CSV file.
    #[serde(default)]
    posts: Option<RawPosts>,
    /// The timeline: notices given and actions taken.
    #[serde(default)]
    event: Vec<RawEvent>,
    /// What the facts rest on.
    #[serde(default)]
    provenance: Provenance2,
    /// The generative model of the uncertain facts, for sweeps.
    #[serde(default)]
    model: Option<crate::model::RawModel>,
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
    },
}

/// The header of a scenario.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Header")]
struct RawHeader {
    /// Short id.
    id: String,
    /// Title.
    title: String,
    /// The IANA time zone instants are read and shown in, such as `America/Los_Angeles`.
    #[schemars(with = "String")]
    zone: Spanned<String>,
    /// What it is about.
    #[serde(default)]
    about: Option<String>,
}

/// A policy in force.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PolicyInForce")]
struct RawPolicyRef {
    /// The policy file, relative to this scenario.
    #[schemars(with = "String")]
    file: Spanned<String>,
    /// Role bindings for this policy: `role = "party id"`.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, String>>")]
    roles: Option<Spanned<toml::Table>>,
}

/// The posts file and who reported them.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Posts")]
struct RawPosts {
    /// The CSV file, relative to this scenario.
    #[schemars(with = "String")]
    file: Spanned<String>,
    /// The party that reported them.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    reported_by: Option<Spanned<String>>,
    /// The party they were reported to.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    reported_to: Option<Spanned<String>>,
    /// How the posts are known: `record`, `reported`, `inferred` or `reconstructed`.
    #[schemars(with = "String")]
    mark: Spanned<String>,
}

/// An event of the timeline: a `notice` (`from`, `to`, `cites`) or an `action` (`actor`,
/// `action`, `against`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Event")]
struct RawEvent {
    /// When: `2021-01-09 18:00` in the scenario's zone, or RFC 3339 with an offset.
    #[schemars(with = "RawTime")]
    at: Spanned<RawTime>,
    /// `notice` or `action`.
    #[schemars(with = "EventKind")]
    kind: Spanned<String>,
    /// A notice's sender (party id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    from: Option<Spanned<String>>,
    /// A notice's recipient (party id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    to: Option<Spanned<String>>,
    /// An action's actor (party id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    actor: Option<Spanned<String>>,
    /// The action taken, one of the policy actions (`suspend`, `terminate`...).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    action: Option<Spanned<String>>,
    /// Against whom (party id).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    against: Option<Spanned<String>>,
    /// The clauses (or sections) a notice invokes; none means every clause.
    #[serde(default)]
    cites: Vec<String>,
    /// An action that demands a deliverable (`moderation_plan`), opening duties to deliver it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    demands: Option<Spanned<String>>,
    /// What a `delivery` event delivers.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    deliverable: Option<Spanned<String>>,
    /// The name of the fact a `fact` event sets.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    fact: Option<Spanned<String>>,
    /// The value a `fact` event sets.
    #[serde(default)]
    value: Option<i64>,
    /// What happened, paraphrased.
    summary: String,
    /// How it is known: `record`, `reported`, `inferred` or `reconstructed`.
    #[schemars(with = "String")]
    mark: Spanned<String>,
    /// What of it is reconstructed, if anything.
    #[serde(default)]
    reconstructed: Option<String>,
}

#[derive(JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code, reason = "a schema only")]
enum EventKind {
    /// A notice from one party to another.
    Notice,
    /// An action taken, to be judged.
    Action,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "Instant")]
enum RawTime {
    Text(String),
    Toml(#[schemars(with = "String")] toml::value::Datetime),
}

/// What the scenario's facts rest on.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Provenance")]
struct Provenance2 {
    /// Facts on the record.
    #[serde(default)]
    record: Vec<String>,
    /// Facts reported by the press.
    #[serde(default)]
    reported: Vec<String>,
    /// Facts inferred.
    #[serde(default)]
    inferred: Vec<String>,
    /// Facts reconstructed, and how.
    #[serde(default)]
    reconstructed: Vec<String>,
    /// The command that regenerates the reconstructed data.
    #[serde(default)]
    generator: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Checking.

struct Checker {
    problems: Vec<Problem>,
}

type PostsToRead = Option<(String, Range<usize>)>;

impl Checker {
    fn error(&mut self, p: Problem) {
        self.problems.push(p);
    }

    fn scenario(&mut self, name: &str, raw: RawScenario) -> Option<(Scenario, PostsToRead)> {
        let zone_name = raw.scenario.zone.get_ref().clone();
        let zone = match TimeZone::get(&zone_name) {
            Ok(zone) => Some(zone),
            Err(_) => {
                self.error(
                    Problem::error(
                        format!("unknown time zone `{zone_name}`"),
                        Some(raw.scenario.zone.span()),
                    )
                    .with_help("use an IANA name such as `America/Los_Angeles` or `UTC`"),
                );
                None
            }
        };
        let mut parties = Vec::new();
        for (id, value) in raw.parties.get_ref() {
            let mut account = None;
            let name = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Table(t)
                    if matches!(t.get("name"), Some(toml::Value::String(_)))
                        && t.keys().all(|k| k == "name" || k == "account")
                        && t.get("account").is_none_or(toml::Value::is_str) =>
                {
                    account = t
                        .get("account")
                        .and_then(toml::Value::as_str)
                        .map(str::to_owned);
                    t.get("name")
                        .and_then(toml::Value::as_str)
                        .unwrap_or(id)
                        .to_owned()
                }
                _ => {
                    self.error(
                        Problem::error(
                            format!("party `{id}` must be a name"),
                            Some(raw.parties.span()),
                        )
                        .with_help(format!(
                            "write `{id} = \"Full Name\"`, `{id} = {{ name = \"Full Name\" }}`, or for a user account `{id} = {{ name = \"Full Name\", account = \"handle\" }}`"
                        )),
                    );
                    id.clone()
                }
            };
            parties.push(Party {
                id: id.clone(),
                name,
                account,
            });
        }
        if parties.is_empty() {
            self.error(
                Problem::error("the scenario names no party", Some(raw.parties.span())).with_help(
                    "add `[parties]` entries such as `aws = \"Amazon Web Services, Inc.\"`",
                ),
            );
        }
        let roles = match &raw.roles {
            Some(table) => self.bindings(table, &parties),
            None => Vec::new(),
        };
        let policies = raw
            .policy
            .iter()
            .map(|p| PolicyRef {
                file: resolve_path(name, p.file.get_ref()),
                roles: p
                    .roles
                    .as_ref()
                    .map(|t| self.bindings(t, &parties))
                    .unwrap_or_default(),
            })
            .collect();
        let zone = zone?;

        let mut notices = Vec::new();
        let mut actions = Vec::new();
        if raw.event.len() > MAX_EVENTS {
            self.error(
                Problem::error(
                    format!(
                        "the scenario has {} events, over the limit of {MAX_EVENTS}",
                        raw.event.len()
                    ),
                    raw.event.get(MAX_EVENTS).map(|e| e.kind.span()),
                )
                .with_help("split the timeline into several scenarios (the limit is `MAX_EVENTS` in crates/sim/src/scenario.rs)"),
            );
            return None;
        }
        let mut deliveries = Vec::new();
        let mut facts = Vec::new();
        for event in &raw.event {
            let at = self.instant(&event.at, &zone);
            let mark = self.mark(&event.mark);
            let present = [
                ("from", event.from.is_some()),
                ("to", event.to.is_some()),
                ("cites", !event.cites.is_empty()),
                ("actor", event.actor.is_some()),
                ("action", event.action.is_some()),
                ("against", event.against.is_some()),
                ("demands", event.demands.is_some()),
                ("deliverable", event.deliverable.is_some()),
                ("fact", event.fact.is_some()),
                ("value", event.value.is_some()),
            ];
            let own: &[&str] = match event.kind.get_ref().as_str() {
                "notice" => &["from", "to", "cites"],
                "action" => &["actor", "action", "against", "demands"],
                "delivery" => &["from", "to", "deliverable"],
                "fact" => &["fact", "value"],
                _ => &[
                    "from",
                    "to",
                    "cites",
                    "actor",
                    "action",
                    "against",
                    "demands",
                    "deliverable",
                    "fact",
                    "value",
                ],
            };
            let foreign: Vec<(&str, bool)> = present
                .into_iter()
                .filter(|(key, present)| *present && !own.contains(key))
                .collect();
            for (key, _) in foreign.iter().filter(|(_, present)| *present) {
                self.error(
                    Problem::error(
                        format!("`{key}` does not apply to a `{}` event", event.kind.get_ref()),
                        Some(event.kind.span()),
                    )
                    .with_help("a notice has `from`, `to` and `cites`; an action has `actor`, `action`, `against` and `demands`; a delivery has `from`, `to` and `deliverable`; a fact has `fact` and `value`"),
                );
            }
            match event.kind.get_ref().as_str() {
                "notice" => {
                    let from = self.party_field(&event.from, "from", &event.kind, &parties);
                    let to = self.party_field(&event.to, "to", &event.kind, &parties);
                    if let (Some(at), Some(from), Some(to), Some(mark)) = (at, from, to, mark) {
                        notices.push(NoticeEvent {
                            at,
                            from,
                            to,
                            cites: event.cites.clone(),
                            summary: event.summary.clone(),
                            mark,
                            reconstructed: event.reconstructed.clone(),
                        });
                    }
                }
                "action" => {
                    let actor = self.party_field(&event.actor, "actor", &event.kind, &parties);
                    let against =
                        self.party_field(&event.against, "against", &event.kind, &parties);
                    let action = match &event.action {
                        Some(a) if ACTIONS.contains(&a.get_ref().as_str()) => {
                            Some(a.get_ref().clone())
                        }
                        Some(a) => {
                            self.error(
                                Problem::error(
                                    format!("unknown action `{}`", a.get_ref()),
                                    Some(a.span()),
                                )
                                .suggesting(a.get_ref(), ACTIONS.iter().copied()),
                            );
                            None
                        }
                        None => {
                            self.error(Problem::error(
                                "an action needs `action`",
                                Some(event.kind.span()),
                            ));
                            None
                        }
                    };
                    let demands = event
                        .demands
                        .as_ref()
                        .and_then(|d| self.name(d, "deliverable"));
                    if let (Some(at), Some(actor), Some(action), Some(against), Some(mark)) =
                        (at, actor, action, against, mark)
                    {
                        actions.push(ActionEvent {
                            at,
                            actor,
                            action,
                            against,
                            demands,
                            summary: event.summary.clone(),
                            mark,
                            reconstructed: event.reconstructed.clone(),
                        });
                    }
                }
                "delivery" => {
                    let from = self.party_field(&event.from, "from", &event.kind, &parties);
                    let to = self.party_field(&event.to, "to", &event.kind, &parties);
                    let deliverable = match &event.deliverable {
                        Some(d) => self.name(d, "deliverable"),
                        None => {
                            self.error(Problem::error(
                                "a `delivery` event needs `deliverable`",
                                Some(event.kind.span()),
                            ));
                            None
                        }
                    };
                    if let (Some(at), Some(from), Some(to), Some(deliverable), Some(mark)) =
                        (at, from, to, deliverable, mark)
                    {
                        deliveries.push(DeliveryEvent {
                            at,
                            from,
                            to,
                            deliverable,
                            summary: event.summary.clone(),
                            mark,
                            reconstructed: event.reconstructed.clone(),
                        });
                    }
                }
                "fact" => {
                    let name = match &event.fact {
                        Some(f) => self.name(f, "fact"),
                        None => {
                            self.error(Problem::error(
                                "a `fact` event needs `fact`",
                                Some(event.kind.span()),
                            ));
                            None
                        }
                    };
                    if event.value.is_none() {
                        self.error(
                            Problem::error("a `fact` event needs `value`", Some(event.kind.span()))
                                .with_help("a whole number, as in `value = 26000`"),
                        );
                    }
                    if let (Some(at), Some(name), Some(value), Some(mark)) =
                        (at, name, event.value, mark)
                    {
                        facts.push(FactEvent {
                            at,
                            name,
                            value,
                            summary: event.summary.clone(),
                            mark,
                            reconstructed: event.reconstructed.clone(),
                        });
                    }
                }
                other => self.error(
                    Problem::error(
                        format!("unknown event kind `{other}`"),
                        Some(event.kind.span()),
                    )
                    .suggesting(other, ["notice", "action", "delivery", "fact"]),
                ),
            }
        }
        notices.sort_by_key(|n| n.at);
        deliveries.sort_by_key(|d| d.at);
        facts.sort_by_key(|f| f.at);

        let (reported_by, reported_to, posts_mark, posts) = match &raw.posts {
            Some(p) => (
                p.reported_by.as_ref().and_then(|r| self.party(r, &parties)),
                p.reported_to.as_ref().and_then(|r| self.party(r, &parties)),
                self.mark(&p.mark).unwrap_or(Mark::Inferred),
                Some((resolve_path(name, p.file.get_ref()), p.file.span())),
            ),
            None => (None, None, Mark::Record, None),
        };
        // The model's removals are cut off at the first notice from the reporting party.
        let model_notice = notices
            .iter()
            .find(|n| {
                reported_by.is_none_or(|b| n.from == b) && reported_to.is_none_or(|t| n.to == t)
            })
            .map(|n| n.at);
        let model = match &raw.model {
            Some(m) => m.check(&zone, model_notice, &mut self.problems),
            None => None,
        };
        let provenance = Provenance {
            record: raw.provenance.record,
            reported: raw.provenance.reported,
            inferred: raw.provenance.inferred,
            reconstructed: raw.provenance.reconstructed,
            generator: raw.provenance.generator,
        };
        Some((
            Scenario {
                id: raw.scenario.id,
                title: raw.scenario.title,
                about: raw.scenario.about,
                file: name.to_owned(),
                zone,
                zone_name,
                parties,
                roles,
                policies,
                posts: Vec::new(),
                labels: Vec::new(),
                posts_file: None,
                posts_mark,
                reported_by,
                reported_to,
                notices,
                actions,
                deliveries,
                facts,
                provenance,
                model,
            },
            posts,
        ))
    }

    fn bindings(
        &mut self,
        table: &Spanned<toml::Table>,
        parties: &[Party],
    ) -> Vec<(String, usize)> {
        let mut out = Vec::new();
        for (role, value) in table.get_ref() {
            let toml::Value::String(party) = value else {
                self.error(Problem::error(
                    format!("role `{role}` must name a party"),
                    Some(table.span()),
                ));
                continue;
            };
            match parties.iter().position(|p| &p.id == party) {
                Some(i) => out.push((role.clone(), i)),
                None => self.error(
                    Problem::error(
                        format!("role `{role}` is bound to unknown party `{party}`"),
                        Some(table.span()),
                    )
                    .suggesting(party, parties.iter().map(|p| p.id.as_str())),
                ),
            }
        }
        out
    }

    /// A name a condition or a duty can refer to: a letter, then letters, digits and `_`.
    fn name(&mut self, name: &Spanned<String>, what: &str) -> Option<String> {
        let text = name.get_ref();
        let ok = text.starts_with(|c: char| c.is_ascii_alphabetic())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Some(text.clone())
        } else {
            self.error(
                Problem::error(
                    format!("`{text}` is not a valid {what} name"),
                    Some(name.span()),
                )
                .with_help("use letters, digits and `_`, starting with a letter"),
            );
            None
        }
    }

    fn party(&mut self, name: &Spanned<String>, parties: &[Party]) -> Option<usize> {
        let found = parties.iter().position(|p| &p.id == name.get_ref());
        if found.is_none() {
            self.error(
                Problem::error(
                    format!("unknown party `{}`", name.get_ref()),
                    Some(name.span()),
                )
                .suggesting(name.get_ref(), parties.iter().map(|p| p.id.as_str())),
            );
        }
        found
    }

    fn party_field(
        &mut self,
        value: &Option<Spanned<String>>,
        field: &str,
        kind: &Spanned<String>,
        parties: &[Party],
    ) -> Option<usize> {
        match value {
            Some(v) => self.party(v, parties),
            None => {
                self.error(Problem::error(
                    format!("a `{}` event needs `{field}`", kind.get_ref()),
                    Some(kind.span()),
                ));
                None
            }
        }
    }

    fn mark(&mut self, mark: &Spanned<String>) -> Option<Mark> {
        let found = Mark::by_name(mark.get_ref());
        if found.is_none() {
            self.error(
                Problem::error(
                    format!("unknown mark `{}`", mark.get_ref()),
                    Some(mark.span()),
                )
                .suggesting(mark.get_ref(), Mark::NAMES.iter().copied()),
            );
        }
        found
    }

    fn instant(&mut self, at: &Spanned<RawTime>, zone: &TimeZone) -> Option<Timestamp> {
        let text = match at.get_ref() {
            RawTime::Text(s) => s.clone(),
            RawTime::Toml(d) => d.to_string(),
        };
        match parse_instant(&text, zone) {
            Ok(t) => Some(t),
            Err((message, help)) => {
                self.error(Problem::error(message, Some(at.span())).with_help(help));
                None
            }
        }
    }
}

/// Reads an instant: RFC 3339 with an offset, or a wall-clock time in `zone`
/// (`2021-01-09 18:00`), which must exist exactly once there.
pub fn parse_instant(text: &str, zone: &TimeZone) -> Result<Timestamp, (String, String)> {
    match modsim_policy::period::parse_rfc3339(text) {
        Ok(t) => return Ok(t),
        Err(e @ modsim_policy::period::InstantError::Offset { .. }) => {
            return Err((
                e.to_string(),
                "write the offset of the scenario's zone, as in `2021-01-09T18:00:00-08:00`"
                    .to_owned(),
            ));
        }
        Err(modsim_policy::period::InstantError::Malformed(_)) => {}
    }
    let civil: DateTime = text.parse().map_err(|_| {
        (
            format!("`{text}` is not a date and time"),
            "write `2021-01-09 18:00` (in the scenario's zone) or `2021-01-10T02:00:00Z`"
                .to_owned(),
        )
    })?;
    zone.to_ambiguous_timestamp(civil).unambiguous().map_err(|_| {
        (
            format!("`{text}` does not exist exactly once in the scenario's zone (a daylight-saving gap or fold)"),
            "write the instant with its offset, as in `2021-11-07T01:30:00-08:00`".to_owned(),
        )
    })
}

/// Reads the posts CSV into `scenario`.
fn read_posts(scenario: &mut Scenario, name: &str, text: &str) -> Result<(), FileProblems> {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(FileProblems::new(name, text, vec![csv_problem(&e, text)])),
    };
    const COLUMNS: &[&str] = &[
        "id",
        "published",
        "reported",
        "removed",
        "labels",
        "author",
        "severity",
        "reach",
        "description",
        "platform",
    ];
    let column = |c: &str| headers.iter().position(|h| h == c);
    for (i, h) in headers.iter().enumerate() {
        if !COLUMNS.contains(&h) {
            let mut p = Problem::error(format!("unknown column `{h}`"), header_span(text, i));
            p = match did_you_mean(h, COLUMNS.iter().copied()) {
                Some(close) => p.with_help(format!("did you mean `{close}`?")),
                None => p.with_help(format!("the columns are {}", COLUMNS.join(", "))),
            };
            problems.push(p);
        }
    }
    for required in ["id", "published"] {
        if column(required).is_none() {
            problems.push(Problem::error(
                format!("the posts file has no `{required}` column"),
                Some(0..0),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(FileProblems::new(name, text, problems));
    }
    let zone = scenario.zone.clone();
    let mut seen = std::collections::HashSet::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                problems.push(csv_problem(&e, text));
                break;
            }
        }
        if scenario.posts.len() >= MAX_POSTS {
            problems.push(
                Problem::error(
                    format!("more than {MAX_POSTS} posts"),
                    record_span(text, &record),
                )
                .with_help(
                    "split the posts into several scenarios (the limit is `MAX_POSTS` in crates/sim/src/scenario.rs)",
                ),
            );
            break;
        }
        let field = |c: &str| column(c).and_then(|i| record.get(i)).unwrap_or("");
        let span_of = |value: &str| field_span(text, &record, value);
        let time = |c: &str, problems: &mut Vec<Problem>| -> Option<Timestamp> {
            let value = field(c);
            if value.is_empty() {
                return None;
            }
            match parse_instant(value, &zone) {
                Ok(t) => Some(t),
                Err((message, help)) => {
                    problems.push(
                        Problem::error(format!("{message} (column `{c}`)"), span_of(value))
                            .with_help(help),
                    );
                    None
                }
            }
        };
        let id = PostId::from(field("id"));
        if id.is_empty() {
            problems.push(Problem::error(
                "a post has no id",
                record_span(text, &record),
            ));
        }
        let published = time("published", &mut problems);
        let reported = time("reported", &mut problems);
        let removed = time("removed", &mut problems);
        if published.is_none() && field("published").is_empty() {
            problems.push(Problem::error(
                format!("post `{id}` has no publication time"),
                record_span(text, &record),
            ));
        }
        let number = |c: &str, problems: &mut Vec<Problem>| -> i64 {
            let value = field(c);
            if value.is_empty() {
                return 0;
            }
            value.parse().unwrap_or_else(|_| {
                problems.push(Problem::error(
                    format!("`{value}` is not a whole number (column `{c}`)"),
                    span_of(value),
                ));
                0
            })
        };
        let platform = match field("platform") {
            "" => None,
            party => {
                let found = scenario
                    .parties
                    .iter()
                    .position(|p| p.id == party)
                    .and_then(|i| u32::try_from(i).ok());
                if found.is_none() {
                    let p = Problem::error(
                        format!("unknown party `{party}` (column `platform`)"),
                        span_of(party),
                    );
                    problems.push(
                        match did_you_mean(party, scenario.parties.iter().map(|p| p.id.as_str())) {
                            Some(close) => p.with_help(format!("did you mean `{close}`?")),
                            None => p.with_help("name a party of the scenario's `[parties]`"),
                        },
                    );
                }
                found
            }
        };
        let severity = number("severity", &mut problems);
        let reach = number("reach", &mut problems);
        let mut labels = LabelSet::EMPTY;
        for label in field("labels")
            .split(';')
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let index = match scenario.labels.iter().position(|l| l == label) {
                Some(i) => i,
                None if scenario.labels.len() < MAX_SCENARIO_LABELS => {
                    scenario.labels.push(label.to_owned());
                    scenario.labels.len() - 1
                }
                None => {
                    problems.push(Problem::error(
                        format!("more than {MAX_SCENARIO_LABELS} distinct labels"),
                        span_of(label),
                    ));
                    continue;
                }
            };
            labels = labels.union(LabelSet::single(index));
        }
        if let Some(published) = published {
            for (what, at) in [("reported", reported), ("removed", removed)] {
                if at.is_some_and(|t| t < published) {
                    problems.push(
                        Problem::error(
                            format!("post `{id}` is {what} before it is published"),
                            span_of(field(what)),
                        )
                        .with_help("check the post's times and their offsets"),
                    );
                }
            }
            if !seen.insert(id.clone()) {
                problems.push(
                    Problem::error(
                        format!("post `{id}` appears twice"),
                        record_span(text, &record),
                    )
                    .with_help("give each post its own id"),
                );
            }
            scenario.posts.push(Post {
                id,
                author: PostId::from(field("author")),
                published,
                reported,
                removed,
                labels,
                severity,
                reach,
                description: field("description").into(),
                platform,
            });
        }
        if problems.len() > 50 {
            break;
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(FileProblems::new(name, text, problems))
    }
}

fn csv_problem(e: &csv::Error, text: &str) -> Problem {
    let start = e
        .position()
        .map_or(0, |p| p.byte() as usize)
        .min(text.len());
    let end = text
        .get(start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |n| start + n);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "the posts file is not valid UTF-8".to_owned(),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("this row has {len} fields where the header has {expected_len}")
        }
        _ => format!("the posts file cannot be read: {e}"),
    };
    Problem::error(message, Some(start..end))
        .with_help("quote fields that contain commas with `\"`")
}

fn header_span(text: &str, index: usize) -> Option<Range<usize>> {
    let line_start = text
        .lines()
        .scan(0usize, |offset, line| {
            let start = *offset;
            *offset += line.len() + 1;
            Some((start, line))
        })
        .find(|(_, line)| !line.trim_start().starts_with('#'))?;
    let (start, line) = line_start;
    let mut offset = start;
    for (i, field) in line.split(',').enumerate() {
        if i == index {
            return Some(offset..offset + field.len());
        }
        offset += field.len() + 1;
    }
    None
}

fn record_span(text: &str, record: &csv::StringRecord) -> Option<Range<usize>> {
    let start = (record.position()?.byte() as usize).min(text.len());
    let end = text
        .get(start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |n| start + n);
    Some(start..end)
}

fn field_span(text: &str, record: &csv::StringRecord, value: &str) -> Option<Range<usize>> {
    let line = record_span(text, record)?;
    let found = text
        .get(line.clone())?
        .find(value)
        .filter(|_| !value.is_empty());
    Some(match found {
        Some(offset) => line.start + offset..line.start + offset + value.len(),
        None => line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Strings(Vec<(&'static str, String)>);
    impl Files for Strings {
        fn read(&self, path: &str) -> Result<String, String> {
            self.0
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, t)| t.clone())
                .ok_or_else(|| "no such file".to_owned())
        }
    }

    const SCENARIO: &str = r#"
[scenario]
id = "t"
title = "test"
zone = "America/Los_Angeles"
[parties]
host = "Host Inc."
site = { name = "Site LLC" }
[roles]
provider = "host"
customer = "site"
[[policy]]
file = "../p.toml"
[posts]
file = "posts.csv"
reported_by = "host"
reported_to = "site"
mark = "reconstructed"
[[event]]
at = "2021-01-09 18:00"
kind = "notice"
from = "host"
to = "site"
summary = "notice"
mark = "record"
[[event]]
at = 2021-01-10T23:59:00-08:00
kind = "action"
actor = "host"
action = "suspend"
against = "site"
summary = "suspension"
mark = "record"
"#;

    fn load_with(scenario: &str, csv: &str) -> Result<Scenario, LoadFailure> {
        load(
            "s/t/scenario.toml",
            scenario,
            &Strings(vec![("s/t/posts.csv", csv.to_owned())]),
        )
    }

    fn messages(failure: LoadFailure) -> Vec<String> {
        failure
            .files
            .iter()
            .flat_map(|f| {
                f.problems.iter().map(move |p| {
                    let (l, c) = p.span.clone().map_or((0, 0), |s| f.line_column(s.start));
                    format!("{}:{l}:{c}: {}", f.name(), p.message)
                })
            })
            .collect()
    }

    #[test]
    fn a_scenario_loads() {
        let csv = "# a comment\nid,published,reported,removed,labels\nr1,2021-01-01T00:00:00Z,2021-01-02 10:00,,threat;incitement\nr2,2021-01-01T00:00:00Z,,,threat\n";
        let s = load_with(SCENARIO, csv).unwrap();
        assert_eq!(s.parties.len(), 2);
        assert_eq!(s.policies[0].file, "s/p.toml");
        assert_eq!(s.posts.len(), 2);
        assert_eq!(s.labels, ["threat", "incitement"]);
        assert_eq!(
            s.posts[0].reported,
            Some("2021-01-02T18:00:00Z".parse().unwrap()),
            "PST is UTC-8"
        );
        assert_eq!(s.notices[0].at, "2021-01-10T02:00:00Z".parse().unwrap());
        assert_eq!(s.actions[0].at, "2021-01-11T07:59:00Z".parse().unwrap());
        assert!(s.has_reconstruction());
    }

    #[test]
    fn bad_scenarios_are_located() {
        let bad = SCENARIO
            .replacen("against = \"site\"", "against = \"sight\"", 1)
            .replacen("2021-01-09 18:00", "2021-03-14 02:30", 1);
        assert_eq!(
            messages(load_with(&bad, "id,published\n").unwrap_err()),
            [
                "s/t/scenario.toml:20:6: `2021-03-14 02:30` does not exist exactly once in the scenario's zone (a daylight-saving gap or fold)",
                "s/t/scenario.toml:31:11: unknown party `sight`",
            ]
        );
        let csv = "id,published,reported,removd\nr1,2021-01-01T00:00:00Z,2021-01-02,\n";
        assert_eq!(
            messages(load_with(SCENARIO, csv).unwrap_err()),
            ["s/t/posts.csv:1:23: unknown column `removd`"]
        );
        let csv = "id,published,reported\nr1,2021-01-03T00:00:00Z,yesterday\nr2,2021-01-03T00:00:00Z,2021-01-01T00:00:00Z\nr3,x\n";
        assert_eq!(
            messages(load_with(SCENARIO, csv).unwrap_err()),
            [
                "s/t/posts.csv:2:25: `yesterday` is not a date and time (column `reported`)",
                "s/t/posts.csv:3:25: post `r2` is reported before it is published",
                "s/t/posts.csv:4:1: this row has 2 fields where the header has 3",
            ]
        );
    }

    #[test]
    fn paths_resolve_against_the_scenario() {
        assert_eq!(
            resolve_path("seeds/x/scenario.toml", "../../policies/a.toml"),
            "policies/a.toml"
        );
        assert_eq!(resolve_path("scenario.toml", "posts.csv"), "posts.csv");
        assert_eq!(resolve_path("scenario.toml", "../p.toml"), "../p.toml");
        assert_eq!(resolve_path("/abs/s.toml", "./p.csv"), "/abs/p.csv");
    }

    #[test]
    fn notices_cover_clauses_and_sections() {
        let mut n = NoticeEvent {
            at: Timestamp::UNIX_EPOCH,
            from: 0,
            to: 1,
            cites: vec![],
            summary: String::new(),
            mark: Mark::Record,
            reconstructed: None,
        };
        assert!(
            n.covers("7.2(b)(ii)"),
            "a notice that names no clause covers all"
        );
        n.cites = vec!["6".into(), "7.2(b)".into()];
        assert!(n.covers("6.1(b)"));
        assert!(n.covers("7.2(b)(ii)"));
        assert!(!n.covers("7.2(a)"));
        assert!(!n.covers("60"), "`6` does not cover `60`");
    }
}
