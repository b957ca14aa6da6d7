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

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use modsim_policy::{Discharge, Mark, Policy, Trigger, rfc3339, show_instant};
use serde::Serialize;

use crate::bind::World;
use crate::explanation::{
    Basis, EventId, Explanation, Missing, Node, NoticeTerms, SubjectRef, event_id,
};
use crate::outcome::{
    AssumptionUse, Cause, ClauseRef, DutyHistory, DutyStatus, DutyTally, EarliestInstant, Flip,
    Outcome, Verdict,
};
use crate::scenario::{PostId, Provenance, Scenario};

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
}

/// A clause of a policy: its words, and the prohibition, duty or power it creates.
#[derive(Clone, Debug, Serialize)]
pub struct ClauseInfo {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// A paraphrase of its text.
    pub text: String,
    /// Where the text comes from.
    pub source: String,
    /// How sure we are of its wording.
    pub mark: Mark,
    /// Taken out for this run.
    pub taken_out: bool,
    /// The content it prohibits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prohibition: Option<ProhibitionTerms>,
    /// The duty it creates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duty: Option<DutyTerms>,
    /// The power it creates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power: Option<PowerTerms>,
}

/// What a prohibition covers.
#[derive(Clone, Debug, Serialize)]
pub struct ProhibitionTerms {
    /// Its condition, as written.
    pub condition: String,
}

/// What a duty asks.
#[derive(Clone, Debug, Serialize)]
pub struct DutyTerms {
    /// The role owing it.
    pub holder: String,
    /// What opens an instance: `published`, `reported` or `demanded`.
    pub opens: &'static str,
    /// How long each instance has; `None` for no time limit.
    #[serde(serialize_with = "period_or_none")]
    pub within: Option<modsim_policy::Period>,
    /// For a duty a demand opens: what is demanded.
    pub deliverable: Option<String>,
    /// What meets an instance: `removed` or `delivered`.
    pub met_by: &'static str,
}

/// What a power allows.
#[derive(Clone, Debug, Serialize)]
pub struct PowerTerms {
    /// The role holding it.
    pub holder: String,
    /// What it allows.
    pub action: String,
    /// The role it is held against.
    pub against: String,
    /// Its condition, as written.
    pub condition: String,
    /// The notice it needs.
    pub notice: NoticeTerms,
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
}

/// A duty's history.
#[derive(Clone, Debug, Serialize)]
pub struct DutyReport {
    /// The duty's clause id.
    pub duty: String,
    /// Its policy.
    pub policy: String,
    /// Its title.
    pub title: String,
    /// Who owes it.
    pub holder: String,
    /// Its state at the end of the timeline.
    pub last: DutyStatus,
    /// Its changes.
    pub history: Vec<DutyChangeReport>,
    /// Its subjects at the end of the timeline: met in time, late, overdue, open.
    pub tally: TallyReport,
}

/// A duty's subjects at the end of the timeline, by id: post ids, or for a demand its action's
/// event id (`action-3`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TallyReport {
    /// Met in time (removed or delivered by the deadline).
    pub in_time: Vec<PostId>,
    /// Met after the deadline.
    pub late: Vec<PostId>,
    /// Past the deadline and not met.
    pub overdue: Vec<PostId>,
    /// Still within time (or with no time limit), not met.
    pub open: Vec<PostId>,
}

/// One change of a duty's state.
#[derive(Clone, Debug, Serialize)]
pub struct DutyChangeReport {
    /// RFC 3339.
    pub at: String,
    /// For readers.
    pub at_local: String,
    /// The new state.
    pub state: DutyStatus,
    /// The event that caused it.
    pub cause: CauseReport,
    /// The post concerned.
    pub post: Option<PostId>,
    /// Instances in breach right after.
    pub open_breaches: u32,
}

/// The event that changed a duty's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CauseReport {
    /// A post was published.
    Published {
        /// The post.
        post: PostId,
    },
    /// A post was reported.
    Reported {
        /// The post.
        post: PostId,
    },
    /// A post was removed.
    Removed {
        /// The post.
        post: PostId,
    },
    /// The deadline for a post passed.
    Deadline {
        /// The post.
        post: PostId,
    },
    /// A party demanded a deliverable.
    Demanded {
        /// The demanding action.
        event: EventId,
    },
    /// A deliverable was delivered.
    Delivered {
        /// The delivery.
        event: EventId,
    },
    /// The deadline of a demand passed.
    DemandDeadline {
        /// The demanding action.
        event: EventId,
    },
}

/// An event of the timeline other than a post's.
#[derive(Clone, Debug, Serialize)]
pub struct EventReport {
    /// Its id: `notice-1`, `action-2`, `delivery-1`, `fact-1`.
    pub id: EventId,
    /// When it happened.
    pub at: Timestamp,
    /// The party it came from (the actor of an action), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The party it was addressed to (acted against), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// What it is.
    #[serde(flatten)]
    pub kind: EventKind,
    /// What it said or did, paraphrased.
    pub summary: String,
    /// How it is known.
    pub mark: Mark,
    /// What of it is reconstructed, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconstructed: Option<String>,
}

/// The kind of an event, with what only that kind has.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A notice.
    Notice {
        /// The clause ids (or section prefixes) it cites.
        cites: Vec<String>,
    },
    /// An action, judged.
    Action {
        /// What was done.
        action: String,
        /// What it demanded, if anything.
        #[serde(skip_serializing_if = "Option::is_none")]
        demands: Option<String>,
    },
    /// A delivery of something demanded.
    Delivery {
        /// What was delivered.
        deliverable: String,
    },
    /// A scenario fact becoming known.
    Fact {
        /// Its name.
        name: String,
        /// Its value from then on.
        value: i64,
    },
}

/// A post, as explanations name it.
#[derive(Clone, Debug, Serialize)]
pub struct PostReport {
    /// Its id.
    pub id: PostId,
    /// A neutral one-line description.
    pub description: String,
    /// When it was published.
    pub published: Timestamp,
    /// When it was reported, if it was.
    pub reported: Option<Timestamp>,
    /// When it was removed, if it was.
    pub removed: Option<Timestamp>,
    /// How its times and labels are known.
    pub mark: Mark,
}

/// How many posts were reported on one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayCount {
    /// The day, in the scenario's zone.
    pub date: Date,
    /// How many.
    pub count: u32,
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
        },
        policies: world
            .policies
            .iter()
            .map(|b| policy_info(&b.policy))
            .collect(),
        verdicts: outcome.verdicts.iter().map(|v| verdict(s, v)).collect(),
        matrix: outcome
            .verdicts
            .iter()
            .map(|v| matrix_row(zone, v))
            .collect(),
        earliest: outcome.earliest.iter().map(|e| earliest(zone, e)).collect(),
        duties: outcome.duties.iter().map(|d| duty(s, d)).collect(),
        events: events(s),
        posts: named_posts(s, outcome),
        reports_per_day: reports_per_day(s),
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
            })
            .collect(),
        clauses: (0..policy.clauses.len())
            .filter_map(|k| clause_info(policy, k))
            .collect(),
    }
}

/// Clause number `k` of `policy`, with the first prohibition, duty and power it creates.
fn clause_info(policy: &Policy, k: usize) -> Option<ClauseInfo> {
    let c = policy.clauses.get(k)?;
    Some(ClauseInfo {
        id: c.id.clone(),
        title: c.title.clone(),
        text: c.text.clone(),
        source: c.source.clone(),
        mark: c.mark,
        taken_out: c.taken_out,
        prohibition: policy
            .prohibitions
            .iter()
            .find(|p| p.clause == k)
            .map(|p| ProhibitionTerms {
                condition: p.condition.text.clone(),
            }),
        duty: policy
            .duties
            .iter()
            .find(|d| d.clause == k)
            .map(|d| DutyTerms {
                holder: policy.role_name(d.holder).to_owned(),
                opens: match d.opens {
                    Trigger::Published => "published",
                    Trigger::Reported => "reported",
                    Trigger::Demanded => "demanded",
                },
                within: (!d.open_ended).then_some(d.within.period),
                deliverable: d.deliverable.clone(),
                met_by: match d.met_by {
                    Discharge::Removed => "removed",
                    Discharge::Delivered => "delivered",
                },
            }),
        power: policy
            .powers
            .iter()
            .find(|p| p.clause == k)
            .map(|p| PowerTerms {
                holder: policy.role_name(p.holder).to_owned(),
                action: p.action.clone(),
                against: policy.role_name(p.against).to_owned(),
                condition: p.condition.text.clone(),
                notice: NoticeTerms::of(p),
            }),
    })
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
        explanation: v.explanation.clone(),
    }
}

fn matrix_row(zone: &TimeZone, v: &Verdict) -> MatrixRow {
    MatrixRow {
        actor: v.actor.clone(),
        action: v.action.clone(),
        against: v.against.clone(),
        at_local: show_instant(v.at, zone),
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
    }
}

fn duty(s: &Scenario, d: &DutyHistory) -> DutyReport {
    let zone = &s.zone;
    DutyReport {
        duty: d.duty.clause.clone(),
        policy: d.duty.policy.clone(),
        title: d.title.clone(),
        holder: d.holder.clone(),
        last: d.last,
        tally: tally(&d.tally, s),
        history: d
            .changes
            .iter()
            .map(|c| {
                let cause = cause(s, &c.cause);
                DutyChangeReport {
                    at: rfc3339(c.at, zone),
                    at_local: show_instant(c.at, zone),
                    state: c.status,
                    post: match &cause {
                        CauseReport::Published { post }
                        | CauseReport::Reported { post }
                        | CauseReport::Removed { post }
                        | CauseReport::Deadline { post } => Some(post.clone()),
                        _ => None,
                    },
                    cause,
                    open_breaches: c.open_breaches,
                }
            })
            .collect(),
    }
}

fn tally(tally: &DutyTally, s: &Scenario) -> TallyReport {
    let ids = |subjects: &[u32]| -> Vec<PostId> {
        let mut ids = Vec::with_capacity(subjects.len());
        ids.extend(subjects.iter().filter_map(|&k| {
            Some(match subject(s, k as usize)? {
                SubjectRef::Post(id) | SubjectRef::Demand(id) => id,
            })
        }));
        ids
    };
    TallyReport {
        in_time: ids(&tally.in_time),
        late: ids(&tally.late),
        overdue: ids(&tally.overdue),
        open: ids(&tally.open),
    }
}

/// A duty's subject number as a post's id or a demand's event id.
fn subject(s: &Scenario, k: usize) -> Option<SubjectRef> {
    match s.posts.get(k) {
        Some(post) => Some(SubjectRef::Post(post.id.clone())),
        None => {
            let action = k.checked_sub(s.posts.len())?;
            s.actions.get(action)?;
            Some(SubjectRef::Demand(event_id("action", action)))
        }
    }
}

fn cause(s: &Scenario, cause: &Cause) -> CauseReport {
    let post = |k: usize| s.posts.get(k).map(|p| p.id.clone()).unwrap_or_default();
    match *cause {
        Cause::Published(k) => CauseReport::Published { post: post(k) },
        Cause::Reported(k) => CauseReport::Reported { post: post(k) },
        Cause::Removed(k) => CauseReport::Removed { post: post(k) },
        Cause::Deadline(k) => CauseReport::Deadline { post: post(k) },
        Cause::Demanded(k) => CauseReport::Demanded {
            event: event_id("action", k),
        },
        Cause::Delivered(k) => CauseReport::Delivered {
            event: event_id("delivery", k),
        },
        Cause::DemandDeadline(k) => CauseReport::DemandDeadline {
            event: event_id("action", k),
        },
    }
}

/// Every event of the timeline other than posts', kind by kind.
fn events(s: &Scenario) -> Vec<EventReport> {
    let party = |k: usize| Some(s.party_id(k).to_owned());
    let mut out =
        Vec::with_capacity(s.notices.len() + s.actions.len() + s.deliveries.len() + s.facts.len());
    out.extend(s.notices.iter().enumerate().map(|(k, n)| EventReport {
        id: event_id("notice", k),
        at: n.at,
        from: party(n.from),
        to: party(n.to),
        kind: EventKind::Notice {
            cites: n.cites.clone(),
        },
        summary: n.summary.clone(),
        mark: n.mark,
        reconstructed: n.reconstructed.clone(),
    }));
    out.extend(s.actions.iter().enumerate().map(|(k, a)| EventReport {
        id: event_id("action", k),
        at: a.at,
        from: party(a.actor),
        to: party(a.against),
        kind: EventKind::Action {
            action: a.action.clone(),
            demands: a.demands.clone(),
        },
        summary: a.summary.clone(),
        mark: a.mark,
        reconstructed: a.reconstructed.clone(),
    }));
    out.extend(s.deliveries.iter().enumerate().map(|(k, d)| EventReport {
        id: event_id("delivery", k),
        at: d.at,
        from: party(d.from),
        to: party(d.to),
        kind: EventKind::Delivery {
            deliverable: d.deliverable.clone(),
        },
        summary: d.summary.clone(),
        mark: d.mark,
        reconstructed: d.reconstructed.clone(),
    }));
    out.extend(s.facts.iter().enumerate().map(|(k, f)| EventReport {
        id: event_id("fact", k),
        at: f.at,
        from: None,
        to: None,
        kind: EventKind::Fact {
            name: f.name.clone(),
            value: f.value,
        },
        summary: f.summary.clone(),
        mark: f.mark,
        reconstructed: f.reconstructed.clone(),
    }));
    out
}

/// The posts the outcome's explanations and duty histories name, in the scenario's order.
fn named_posts(s: &Scenario, outcome: &Outcome) -> Vec<PostReport> {
    let index: HashMap<&str, usize> = s
        .posts
        .iter()
        .enumerate()
        .map(|(k, p)| (p.id.as_str(), k))
        .collect();
    let mut named: Vec<usize> = Vec::new();
    let trees = outcome
        .verdicts
        .iter()
        .filter_map(|v| v.explanation.as_ref())
        .chain(
            outcome
                .earliest
                .iter()
                .filter_map(|e| e.explanation.as_ref()),
        );
    for tree in trees {
        for step in tree.walk() {
            if let Node::Post { post, .. } = &step.node
                && let Some(&k) = index.get(post.as_str())
            {
                named.push(k);
            }
        }
    }
    for d in &outcome.duties {
        for c in &d.changes {
            if let Cause::Published(k)
            | Cause::Reported(k)
            | Cause::Removed(k)
            | Cause::Deadline(k) = c.cause
            {
                named.push(k);
            }
        }
    }
    named.sort_unstable();
    named.dedup();
    named
        .into_iter()
        .filter_map(|k| s.posts.get(k))
        .map(|p| PostReport {
            id: p.id.clone(),
            description: p.description.to_string(),
            published: p.published,
            reported: p.reported,
            removed: p.removed,
            mark: s.posts_mark,
        })
        .collect()
}

fn reports_per_day(s: &Scenario) -> Vec<DayCount> {
    let mut days: BTreeMap<Date, u32> = BTreeMap::new();
    for t in s.posts.iter().filter_map(|p| p.reported) {
        *days.entry(t.to_zoned(s.zone.clone()).date()).or_insert(0) += 1;
    }
    days.into_iter()
        .map(|(date, count)| DayCount { date, count })
        .collect()
}

fn period_or_none<S: serde::Serializer>(
    period: &Option<modsim_policy::Period>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match period {
        Some(p) => s.collect_str(p),
        None => s.serialize_none(),
    }
}
