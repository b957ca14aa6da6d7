//! Duty histories in the report: each change with its cause, and the subjects at the end by
//! how they stand.

use modsim_policy::{rfc3339, show_instant};
use serde::Serialize;

use crate::explanation::{DeadlinesIn, DutyStatus, EventId, SubjectRef, event_id};
use crate::outcome::{Cause, DutyHistory, DutyTally};
use crate::scenario::{PostId, Scenario};

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
    /// For a duty held by every account: how many subjects each account owes, by standing, in
    /// the order of the parties (counts only: the ids are in `tally`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountTallyReport>,
    /// Its state at the end, each instance with when it opened, its deadline's arithmetic,
    /// when it was met and how it stands (what `--explain CLAUSE` shows for a duty): only in
    /// the report of a replay that asked for it
    /// ([`World::replay_explaining`](crate::bind::World::replay_explaining)), since it names
    /// every subject the tally does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<crate::explanation::Explanation>,
    /// Every instance's deadline arithmetic, grouped by shape (what the period runs from, the
    /// period, the zone and why, the calendar), each instance with its subject, start, end and
    /// skipped days: for a duty with a time limit, in a report of an explained replay.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadlines: Option<DeadlinesIn>,
}

/// How many of a duty's subjects one account owes, by standing.
#[derive(Clone, Debug, Serialize)]
pub struct AccountTallyReport {
    /// The account (party id).
    pub account: String,
    /// Met in time.
    pub in_time: u32,
    /// Met late.
    pub late: u32,
    /// Overdue, not met.
    pub overdue: u32,
    /// Open.
    pub open: u32,
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
    /// A notice named the post.
    Notified {
        /// The post.
        post: PostId,
    },
    /// The holder took an action that owes the duty.
    Acted {
        /// The action.
        event: EventId,
    },
    /// The deadline of what an action owes passed.
    ActedDeadline {
        /// The action.
        event: EventId,
    },
}

pub(super) fn duty(s: &Scenario, d: &DutyHistory) -> DutyReport {
    let zone = &s.zone;
    DutyReport {
        duty: d.duty.clause.clone(),
        policy: d.duty.policy.clone(),
        title: d.title.clone(),
        holder: d.holder.clone(),
        last: d.last,
        tally: tally(&d.tally, s),
        accounts: d
            .accounts
            .iter()
            .map(|a| {
                let [in_time, late, overdue, open] = a.counts;
                AccountTallyReport {
                    account: s.party_id(a.party).to_owned(),
                    in_time,
                    late,
                    overdue,
                    open,
                }
            })
            .collect(),
        explanation: d.explanation.clone(),
        deadlines: d.deadlines.as_ref().map(|deadlines| DeadlinesIn {
            deadlines: std::sync::Arc::clone(deadlines),
            zone: zone.clone(),
        }),
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
                        | CauseReport::Deadline { post }
                        | CauseReport::Notified { post } => Some(post.clone()),
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
                SubjectRef::Post(id) | SubjectRef::Demand(id) | SubjectRef::Action(id) => id,
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
        Cause::Notified(k) => CauseReport::Notified { post: post(k) },
        Cause::Acted(k) => CauseReport::Acted {
            event: event_id("action", k),
        },
        Cause::ActedDeadline(k) => CauseReport::ActedDeadline {
            event: event_id("action", k),
        },
    }
}
