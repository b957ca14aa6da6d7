//! The run report: the stable, documented shape in which a replay's answers leave the
//! engine, for the JSON output (`docs/json-output.md`) and every renderer. Renderers read the
//! report alone, never the [`World`] it was built from.
//!
//! Verdicts, earliest instants and duty histories give their instants as RFC 3339 with the
//! scenario zone's offset (`2021-01-10T23:59:00-08:00`), with a `_local` companion for readers
//! (`2021-01-10 23:59 PST`). The explanation trees ([`crate::explanation`]) and the tables they
//! refer to (clauses, events, posts) give exact instants in UTC (`2021-01-11T07:59:00Z`); the
//! report's [`Report::zone`] shows them. The schema is versioned by [`SCHEMA`]; fields are only
//! ever added within a version.

mod duties;
mod tables;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use modsim_policy::{Mark, Policy, rfc3339, show_instant};
use serde::Serialize;

use crate::bind::World;
use crate::explanation::{Basis, Ending, EventId, Explanation, Missing, NoticeTerms, event_id};
use crate::outcome::{AssumptionUse, ClauseRef, EarliestInstant, Flip, Outcome, Verdict};
use crate::scenario::{Provenance, Scenario};

pub use duties::{CauseReport, DutyChangeReport, DutyReport, TallyReport};
pub use tables::{
    ClauseInfo, DayCount, DutyTerms, EventKind, EventReport, PostReport, PowerTerms,
    ProhibitionTerms,
};

/// The version of the report's shape.
pub const SCHEMA: &str = "modsim.run/2";

/// A replay's answers, ready to render.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The scenario's time zone, in which renderers show instants (its name is
    /// `scenario.zone`).
    #[serde(skip)]
    pub zone: TimeZone,
    /// The scenario replayed.
    pub scenario: ScenarioInfo,
    /// The policies in force, with this run's overrides and their clauses.
    pub policies: Vec<PolicyInfo>,
    /// One per action in the timeline.
    pub verdicts: Vec<VerdictReport>,
    /// The verdicts side by side: one row per action, party by party.
    pub matrix: Vec<MatrixRow>,
    /// One per power.
    pub earliest: Vec<EarliestReport>,
    /// One per duty.
    pub duties: Vec<DutyReport>,
    /// The timeline's events other than posts (notices, actions, deliveries, facts), which
    /// explanations refer to by id.
    pub events: Vec<EventReport>,
    /// The posts that explanations and duty histories name, in the scenario's order.
    pub posts: Vec<PostReport>,
    /// How many posts were reported on each day (in the scenario's zone), for timelines.
    pub reports_per_day: Vec<DayCount>,
    /// What the scenario's facts rest on.
    pub provenance: ProvenanceReport,
}

/// The scenario, in brief.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioInfo {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its file.
    pub file: String,
    /// Its time zone.
    pub zone: String,
    /// True when any of its data is reconstructed.
    pub reconstructed: bool,
    /// True when any of its data is invented for teaching: a teaching scenario.
    pub invented: bool,
    /// Its parties, in the order the scenario declares them: the order in which everything
    /// grouped by account or party is listed.
    pub parties: Vec<PartyInfo>,
}

/// A party of the scenario.
#[derive(Clone, Debug, Serialize)]
pub struct PartyInfo {
    /// Its id.
    pub id: String,
    /// Its full name.
    pub name: String,
    /// For a user account, its handle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The zone it sits in, when the scenario gives one (otherwise the scenario's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

impl Report {
    /// The place of party `id` in the scenario's order (after every party for an unknown id):
    /// what lists grouped by account are sorted by.
    pub fn party_rank(&self, id: &str) -> usize {
        self.scenario
            .parties
            .iter()
            .position(|p| p.id == id)
            .unwrap_or(usize::MAX)
    }
}

/// A policy in force.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyInfo {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its file.
    pub file: String,
    /// Clauses taken out for this run.
    pub taken_out: Vec<String>,
    /// Reforms applied for this run, by id, in order.
    pub reforms: Vec<String>,
    /// Parameters, with this run's values.
    pub parameters: Vec<ParameterInfo>,
    /// Judgment calls, with this run's values.
    pub assumptions: Vec<AssumptionInfo>,
    /// Every clause, in the document's order, with what it creates.
    pub clauses: Vec<ClauseInfo>,
}

impl PolicyInfo {
    /// The clause with this id.
    pub fn clause(&self, id: &str) -> Option<&ClauseInfo> {
        self.clauses.iter().find(|c| c.id == id)
    }

    /// The judgment call with this name.
    pub fn assumption(&self, name: &str) -> Option<&AssumptionInfo> {
        self.assumptions.iter().find(|a| a.name == name)
    }
}

/// A parameter's value in this run.
#[derive(Clone, Debug, Serialize)]
pub struct ParameterInfo {
    /// Its name.
    pub name: String,
    /// The value in force.
    pub value: String,
    /// The document's value.
    pub default: String,
}

/// A judgment call's value in this run.
#[derive(Clone, Debug, Serialize)]
pub struct AssumptionInfo {
    /// Its name.
    pub name: String,
    /// The value in force.
    pub value: bool,
    /// The policy's default.
    pub default: bool,
    /// The question it answers.
    pub question: String,
    /// Its clause.
    pub clause: Option<String>,
    /// The role whose determination it is, when the policy names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// The verdict on one action.
#[derive(Clone, Debug, Serialize)]
pub struct VerdictReport {
    /// The action's event id.
    pub event: EventId,
    /// Who acted.
    pub actor: String,
    /// What they did.
    pub action: String,
    /// Against whom.
    pub against: String,
    /// When, RFC 3339.
    pub at: String,
    /// When, for readers.
    pub at_local: String,
    /// The account it was weighed for, when a power held against (or by) every account was a
    /// candidate (party id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// What happened, as the scenario says.
    pub summary: String,
    /// How the action is known.
    pub mark: Mark,
    /// What of it is reconstructed.
    pub reconstructed: Option<String>,
    /// Whether the rules permitted it.
    pub permitted: bool,
    /// Clause ids of the powers that permitted it.
    pub grounds: Vec<String>,
    /// The same, with their policies.
    pub grounds_in: Vec<ClauseRef>,
    /// Judgment calls the grounds rest on.
    pub assumptions: Vec<AssumptionUse>,
    /// When not permitted: what each candidate power lacked.
    pub missing: Vec<Missing>,
    /// When not permitted: the earliest instant it would have been, RFC 3339, or null.
    pub earliest_permitted: Option<String>,
    /// The same, for readers.
    pub earliest_permitted_local: Option<String>,
    /// When not permitted: judgment calls that would flip it.
    pub would_be_permitted_if: Vec<Flip>,
    /// The policies whose powers were weighed.
    pub policies: Vec<String>,
    /// The last notice the actor gave the party acted against before the action, RFC 3339.
    pub notice_given: Option<String>,
    /// The notice the grounds require.
    pub notice_required: Option<NoticeTerms>,
    /// For a restriction with an end, or whose powers limit its length: its judgment at its
    /// end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Ending>,
    /// The derivation.
    pub explanation: Option<Explanation>,
}

/// One row of the verdict matrix: who did what to whom, judged under which policy, on
/// which grounds and judgment calls, with how much notice.
#[derive(Clone, Debug, Serialize)]
pub struct MatrixRow {
    /// Who acted.
    pub actor: String,
    /// What they did.
    pub action: String,
    /// Against whom.
    pub against: String,
    /// When, for readers.
    pub at_local: String,
    /// Whether the action's time is reconstructed.
    pub reconstructed: bool,
    /// The policies weighed.
    pub policies: Vec<String>,
    /// Whether the rules permitted it.
    pub permitted: bool,
    /// Clause ids of the grounds.
    pub grounds: Vec<String>,
    /// The judgment calls the grounds rest on, as `name=value`.
    pub assumptions: Vec<String>,
    /// The notice given before the action, for readers, or null.
    pub notice_given_local: Option<String>,
    /// How many minutes before the action that notice was given, or null.
    pub notice_lead_minutes: Option<i64>,
    /// The notice the grounds require.
    pub notice_required: Option<NoticeTerms>,
}

/// When a power first became exercisable.
#[derive(Clone, Debug, Serialize)]
pub struct EarliestReport {
    /// The power's clause id.
    pub power: String,
    /// The clause's title.
    pub title: String,
    /// Its policy.
    pub policy: String,
    /// Who holds it.
    pub holder: String,
    /// What it allows.
    pub action: String,
    /// Against whom.
    pub against: String,
    /// RFC 3339, or null for never in this timeline.
    pub at: Option<String>,
    /// For readers.
    pub at_local: Option<String>,
    /// When its condition first held: RFC 3339, `"start"` if always, or null if never.
    pub condition_first_held: Option<String>,
    /// The notice it rests on, RFC 3339.
    pub notice: Option<String>,
    /// The notice it rests on, with the periods that ran from it.
    pub basis: Option<Basis>,
    /// The derivation.
    pub explanation: Option<Explanation>,
    /// For a power held against (or by) every account: each account's earliest instant, in
    /// account order (the fields above sum them up).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<EarliestReport>,
}

/// Provenance, with the posts' own.
#[derive(Clone, Debug, Serialize)]
pub struct ProvenanceReport {
    /// The posts file.
    pub posts_file: Option<String>,
    /// How the posts are known.
    pub posts_mark: Mark,
    /// How many posts.
    pub posts: usize,
    /// The scenario's own account.
    #[serde(flatten)]
    pub scenario: Provenance,
}

impl Report {
    /// The policy with this id.
    pub fn policy(&self, id: &str) -> Option<&PolicyInfo> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// The event with this id.
    pub fn event(&self, id: &str) -> Option<&EventReport> {
        self.events.iter().find(|e| e.id == id)
    }

    /// The post with this id, if an explanation names it.
    pub fn post(&self, id: &str) -> Option<&PostReport> {
        self.posts.iter().find(|p| p.id == id)
    }
}

/// Builds the report of a replay.
pub fn build(world: &World, outcome: &Outcome) -> Report {
    let s = &world.scenario;
    let zone = &s.zone;
    Report {
        schema: SCHEMA,
        zone: zone.clone(),
        scenario: ScenarioInfo {
            id: s.id.clone(),
            title: s.title.clone(),
            file: s.file.clone(),
            zone: s.zone_name.clone(),
            reconstructed: s.has_reconstruction(),
            invented: s.has_invention(),
            parties: s
                .parties
                .iter()
                .map(|p| PartyInfo {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    account: p.account.clone(),
                    zone: p.zone.as_ref().map(modsim_policy::zone::zone_name),
                })
                .collect(),
        },
        policies: world
            .policies
            .iter()
            .map(|b| policy_info(&b.policy))
            .collect(),
        verdicts: outcome.verdicts.iter().map(|v| verdict(s, v)).collect(),
        matrix: outcome.verdicts.iter().map(|v| matrix_row(s, v)).collect(),
        earliest: outcome.earliest.iter().map(|e| earliest(zone, e)).collect(),
        duties: outcome.duties.iter().map(|d| duties::duty(s, d)).collect(),
        events: tables::events(s),
        posts: tables::named_posts(s, outcome),
        reports_per_day: tables::reports_per_day(s),
        provenance: ProvenanceReport {
            posts_file: s.posts_file.clone(),
            posts_mark: s.posts_mark,
            posts: s.posts.len(),
            scenario: s.provenance.clone(),
        },
    }
}

fn policy_info(policy: &Policy) -> PolicyInfo {
    PolicyInfo {
        id: policy.id.clone(),
        title: policy.title.clone(),
        file: policy.file.clone(),
        taken_out: policy
            .clauses
            .iter()
            .filter(|c| c.taken_out)
            .map(|c| c.id.clone())
            .collect(),
        reforms: policy.reforms.clone(),
        parameters: policy
            .parameters
            .iter()
            .map(|p| ParameterInfo {
                name: p.name.clone(),
                value: p.value.to_string(),
                default: p.default.to_string(),
            })
            .collect(),
        assumptions: policy
            .assumptions
            .iter()
            .map(|a| AssumptionInfo {
                name: a.name.clone(),
                value: a.value,
                default: a.default,
                question: a.question.clone(),
                clause: a.clause.clone(),
                by: a.by.map(|r| policy.role_name(r).to_owned()),
            })
            .collect(),
        clauses: (0..policy.clauses.len())
            .filter_map(|k| tables::clause_info(policy, k))
            .collect(),
    }
}

fn verdict(s: &Scenario, v: &Verdict) -> VerdictReport {
    let zone = &s.zone;
    let action = s.actions.get(v.action_index);
    VerdictReport {
        event: event_id("action", v.action_index),
        actor: v.actor.clone(),
        action: v.action.clone(),
        against: v.against.clone(),
        at: rfc3339(v.at, zone),
        at_local: show_instant(v.at, zone),
        account: v.account.clone(),
        summary: action.map(|a| a.summary.clone()).unwrap_or_default(),
        mark: action.map_or(Mark::Inferred, |a| a.mark),
        reconstructed: action.and_then(|a| a.reconstructed.clone()),
        permitted: v.permitted,
        grounds: v.grounds.iter().map(|g| g.clause.clone()).collect(),
        grounds_in: v.grounds.clone(),
        assumptions: v.assumptions.clone(),
        missing: v.missing.clone(),
        earliest_permitted: v.earliest_permitted.map(|t| rfc3339(t, zone)),
        earliest_permitted_local: v.earliest_permitted.map(|t| show_instant(t, zone)),
        would_be_permitted_if: v.would_be_permitted_if.clone(),
        policies: v.policies.clone(),
        notice_given: v.notice_given.map(|t| rfc3339(t, zone)),
        notice_required: v.notice_required,
        end: v.end.clone(),
        explanation: v.explanation.clone(),
    }
}

fn matrix_row(s: &Scenario, v: &Verdict) -> MatrixRow {
    let zone = &s.zone;
    MatrixRow {
        actor: v.actor.clone(),
        action: v.action.clone(),
        against: v.against.clone(),
        at_local: show_instant(v.at, zone),
        reconstructed: s
            .actions
            .get(v.action_index)
            .is_some_and(|a| a.reconstructed.is_some()),
        policies: v.policies.clone(),
        permitted: v.permitted,
        grounds: v.grounds.iter().map(|g| g.clause.clone()).collect(),
        assumptions: v
            .assumptions
            .iter()
            .map(|a| format!("{}={}", a.name, a.value))
            .collect(),
        notice_given_local: v.notice_given.map(|t| show_instant(t, zone)),
        notice_lead_minutes: v
            .notice_given
            .map(|t| v.at.duration_since(t).as_secs().max(0) / 60),
        notice_required: v.notice_required,
    }
}

fn earliest(zone: &TimeZone, e: &EarliestInstant) -> EarliestReport {
    EarliestReport {
        power: e.power.clause.clone(),
        title: e.power.title.clone(),
        policy: e.power.policy.clone(),
        holder: e.holder.clone(),
        action: e.action.clone(),
        against: e.against.clone(),
        at: e.at.map(|t| rfc3339(t, zone)),
        at_local: e.at.map(|t| show_instant(t, zone)),
        condition_first_held: e.condition_first_held.map(|t| {
            if t == Timestamp::MIN {
                "start".into()
            } else {
                rfc3339(t, zone)
            }
        }),
        notice: e.notice.map(|t| rfc3339(t, zone)),
        basis: e.basis.clone(),
        explanation: e.explanation.clone(),
        accounts: e.accounts.iter().map(|a| earliest(zone, a)).collect(),
    }
}
