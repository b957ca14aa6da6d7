//! The run report: the stable, documented shape in which a replay's answers leave the
//! engine, for the JSON output (`docs/json-output.md`) and every renderer.
//!
//! Instants are RFC 3339 with the scenario zone's offset (`2021-01-10T23:59:00-08:00`), with
//! a `_local` companion for readers (`2021-01-10 23:59 PST`). The schema is versioned by
//! [`SCHEMA`]; fields are only ever added within a version.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use modsim_policy::{Mark, rfc3339, show_instant};
use serde::Serialize;

use crate::bind::World;
use crate::outcome::{
    AssumptionUse, Cause, ClauseRef, DutyStatus, DutyTally, Explanation, Flip, Outcome,
};
use crate::scenario::{PostId, Provenance};

/// The version of the report's shape.
pub const SCHEMA: &str = "modsim.run/1";

/// A replay's answers, ready to render.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The scenario replayed.
    pub scenario: ScenarioInfo,
    /// The policies in force, with this run's overrides.
    pub policies: Vec<PolicyInfo>,
    /// One per action in the timeline.
    pub verdicts: Vec<VerdictReport>,
    /// The verdicts side by side: one row per action, party by party.
    pub matrix: Vec<MatrixRow>,
    /// One per power.
    pub earliest: Vec<EarliestReport>,
    /// One per duty.
    pub duties: Vec<DutyReport>,
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

/// The verdict on one action.
#[derive(Clone, Debug, Serialize)]
pub struct VerdictReport {
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
    /// When not permitted: what was missing.
    pub missing: Vec<String>,
    /// When not permitted: the earliest instant it would have been, RFC 3339, or null.
    pub earliest_permitted: Option<String>,
    /// When not permitted: judgment calls that would flip it.
    pub would_be_permitted_if: Vec<Flip>,
    /// The policies whose powers were weighed.
    pub policies: Vec<String>,
    /// The last notice the actor gave the party acted against before the action, RFC 3339.
    pub notice_given: Option<String>,
    /// The notice the grounds require, in words.
    pub notice_required: Option<String>,
    /// The derivation.
    pub explanation: Explanation,
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
    /// `permitted` or `not permitted`.
    pub verdict: &'static str,
    /// Clause ids of the grounds.
    pub grounds: Vec<String>,
    /// The judgment calls the grounds rest on, as `name=value`.
    pub assumptions: Vec<String>,
    /// The notice given before the action, for readers, or null.
    pub notice_given_local: Option<String>,
    /// How long before the action that notice was given, as `29 h 59 min`, or null.
    pub notice_lead: Option<String>,
    /// The notice the grounds require, in words.
    pub notice_required: Option<String>,
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
    /// The deadline arithmetic, written out.
    pub arithmetic: Option<String>,
    /// The derivation.
    pub explanation: Explanation,
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

/// A duty's subjects at the end of the timeline, by id: post ids, or demands written as
/// `demand by apple of 2021-01-08 09:00 PST`.
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

impl TallyReport {
    fn new(tally: &DutyTally, s: &crate::scenario::Scenario) -> TallyReport {
        let ids = |subjects: &[u32]| -> Vec<PostId> {
            let mut ids = Vec::with_capacity(subjects.len());
            ids.extend(subjects.iter().filter_map(|&k| s.subject_id(k as usize)));
            ids
        };
        TallyReport {
            in_time: ids(&tally.in_time),
            late: ids(&tally.late),
            overdue: ids(&tally.overdue),
            open: ids(&tally.open),
        }
    }
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
    pub cause: String,
    /// The post concerned.
    pub post: Option<PostId>,
    /// Instances in breach right after.
    pub open_breaches: u32,
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

/// Builds the report of a replay.
pub fn build(world: &World, outcome: &Outcome) -> Report {
    let s = &world.scenario;
    let zone = &s.zone;
    let reconstructed_posts = s.posts_mark == Mark::Reconstructed;
    let post_id = |i: usize| s.posts.get(i).map(|p| p.id.clone());
    Report {
        schema: SCHEMA,
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
            .map(|b| PolicyInfo {
                id: b.policy.id.clone(),
                title: b.policy.title.clone(),
                file: b.policy.file.clone(),
                taken_out: b
                    .policy
                    .clauses
                    .iter()
                    .filter(|c| c.taken_out)
                    .map(|c| c.id.clone())
                    .collect(),
                reforms: b.policy.reforms.clone(),
                parameters: b
                    .policy
                    .parameters
                    .iter()
                    .map(|p| ParameterInfo {
                        name: p.name.clone(),
                        value: p.value.to_string(),
                        default: p.default.to_string(),
                    })
                    .collect(),
                assumptions: b
                    .policy
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
            })
            .collect(),
        verdicts: outcome
            .verdicts
            .iter()
            .map(|v| {
                let action = s.actions.get(v.action_index);
                VerdictReport {
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
                    would_be_permitted_if: v.would_be_permitted_if.clone(),
                    policies: v.policies.clone(),
                    notice_given: v.notice_given.map(|t| rfc3339(t, zone)),
                    notice_required: v.notice_required.clone(),
                    explanation: v.explanation.clone(),
                }
            })
            .collect(),
        matrix: outcome
            .verdicts
            .iter()
            .map(|v| MatrixRow {
                actor: v.actor.clone(),
                action: v.action.clone(),
                against: v.against.clone(),
                at_local: show_instant(v.at, zone),
                policies: v.policies.clone(),
                verdict: if v.permitted {
                    "permitted"
                } else {
                    "not permitted"
                },
                grounds: v.grounds.iter().map(|g| g.clause.clone()).collect(),
                assumptions: v
                    .assumptions
                    .iter()
                    .map(|a| format!("{}={}", a.name, a.value))
                    .collect(),
                notice_given_local: v.notice_given.map(|t| show_instant(t, zone)),
                notice_lead: v.notice_given.map(|t| lead(t, v.at)),
                notice_required: v.notice_required.clone(),
            })
            .collect(),
        earliest: outcome
            .earliest
            .iter()
            .map(|e| EarliestReport {
                power: e.power.clause.clone(),
                title: e.power.title.clone(),
                policy: e.power.policy.clone(),
                holder: e.holder.clone(),
                action: e.action.clone(),
                against: e.against.clone(),
                at: e.at.map(|t| rfc3339(t, zone)),
                at_local: e.at.map(|t| show_instant(t, zone)),
                condition_first_held: e.condition_first_held.map(|t| start_or(t, zone)),
                notice: e.notice.map(|t| rfc3339(t, zone)),
                arithmetic: e.arithmetic.clone(),
                explanation: e.explanation.clone(),
            })
            .collect(),
        duties: outcome
            .duties
            .iter()
            .map(|d| DutyReport {
                duty: d.duty.clause.clone(),
                policy: d.duty.policy.clone(),
                title: d.title.clone(),
                holder: d.holder.clone(),
                last: d.last,
                tally: TallyReport::new(&d.tally, s),
                history: d
                    .changes
                    .iter()
                    .map(|c| {
                        let suffix = if reconstructed_posts {
                            " (reconstructed)"
                        } else {
                            ""
                        };
                        let post_cause = |what: &str, p: usize| {
                            let id = post_id(p);
                            let text = match what {
                                "deadline" => format!(
                                    "deadline passed for post {}",
                                    id.clone().unwrap_or_default()
                                ),
                                _ => format!("post {} {what}", id.clone().unwrap_or_default()),
                            };
                            (text + suffix, id)
                        };
                        let demand = |k: usize| {
                            s.actions.get(k).map_or_else(String::new, |a| {
                                format!(
                                    "{}'s demand of {}",
                                    s.party_id(a.actor),
                                    show_instant(a.at, zone)
                                )
                            })
                        };
                        let (cause, id) = match c.cause {
                            Cause::Published(p) => post_cause("published", p),
                            Cause::Reported(p) => post_cause("reported", p),
                            Cause::Removed(p) => post_cause("removed", p),
                            Cause::Deadline(p) => post_cause("deadline", p),
                            Cause::Demanded(k) => (
                                format!(
                                    "{} `{}`",
                                    demand(k),
                                    s.actions
                                        .get(k)
                                        .and_then(|a| a.demands.clone())
                                        .unwrap_or_default()
                                ),
                                None,
                            ),
                            Cause::Delivered(k) => (
                                s.deliveries.get(k).map_or_else(String::new, |x| {
                                    format!(
                                        "{} delivered `{}` to {}",
                                        s.party_id(x.from),
                                        x.deliverable,
                                        s.party_id(x.to)
                                    )
                                }),
                                None,
                            ),
                            Cause::DemandDeadline(k) => {
                                (format!("deadline passed for {}", demand(k)), None)
                            }
                        };
                        DutyChangeReport {
                            at: rfc3339(c.at, zone),
                            at_local: show_instant(c.at, zone),
                            state: c.status,
                            cause,
                            post: id,
                            open_breaches: c.open_breaches,
                        }
                    })
                    .collect(),
            })
            .collect(),
        provenance: ProvenanceReport {
            posts_file: s.posts_file.clone(),
            posts_mark: s.posts_mark,
            posts: s.posts.len(),
            scenario: s.provenance.clone(),
        },
    }
}

/// How long before `at` the instant `given` was: `29 h 59 min`, `0 min`.
fn lead(given: Timestamp, at: Timestamp) -> String {
    let minutes = at.duration_since(given).as_secs().max(0) / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn start_or(t: Timestamp, zone: &TimeZone) -> String {
    if t == Timestamp::MIN {
        "start".into()
    } else {
        rfc3339(t, zone)
    }
}
