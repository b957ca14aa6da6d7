//! What a replay answers: a [`Verdict`] per judged action, the [`EarliestInstant`] of every
//! power, every duty's [`DutyHistory`], and [`Explanation`] trees (see [`crate::explanation`])
//! that lead from each answer down to clauses, posts and events.
//!
//! Instants are exact [`Timestamp`]s here; the report module shows them in the scenario's zone.

use jiff::Timestamp;
use serde::Serialize;

pub use crate::explanation::DutyStatus;
use crate::explanation::{Basis, Ending, Explanation, Missing, NoticeTerms};

/// Everything one replay found.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// One per action in the timeline, in time order.
    pub verdicts: Vec<Verdict>,
    /// One per power of every policy, in policy and clause order.
    pub earliest: Vec<EarliestInstant>,
    /// One per duty of every policy.
    pub duties: Vec<DutyHistory>,
}

/// A clause of a policy, as a verdict cites it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClauseRef {
    /// The policy's id.
    pub policy: String,
    /// The clause's id.
    pub clause: String,
    /// The clause's title.
    pub title: String,
}

/// A judgment call a verdict rests on, with the value it was given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssumptionUse {
    /// The judgment call's name.
    pub name: String,
    /// The value this run gave it.
    pub value: bool,
    /// The value the policy gives by default.
    pub default: bool,
    /// The question it answers.
    pub question: String,
}

/// What would have changed a verdict: a judgment call read the other way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flip {
    /// The judgment call.
    pub assumption: String,
    /// The value that would permit the action.
    pub value: bool,
    /// The clauses that would then permit it.
    pub grounds: Vec<String>,
}

/// The judgment of one action in the timeline.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// Index of the action in the scenario.
    pub action_index: usize,
    /// Who acted (party id).
    pub actor: String,
    /// What they did.
    pub action: String,
    /// Against whom (party id).
    pub against: String,
    /// When it took effect.
    pub at: Timestamp,
    /// The account it was weighed for, when a power held against (or by) every account was a
    /// candidate (party id): reports group such verdicts by account.
    pub account: Option<String>,
    /// Whether any power permitted it at that instant.
    pub permitted: bool,
    /// The powers that permitted it.
    pub grounds: Vec<ClauseRef>,
    /// The judgment calls the grounds rest on.
    pub assumptions: Vec<AssumptionUse>,
    /// When not permitted: what each candidate power lacked.
    pub missing: Vec<Missing>,
    /// When not permitted: the earliest instant a candidate power became exercisable, if any.
    pub earliest_permitted: Option<Timestamp>,
    /// When not permitted: judgment calls that, read the other way, would permit it.
    pub would_be_permitted_if: Vec<Flip>,
    /// The policies whose powers were weighed (those of the candidate powers), by id.
    pub policies: Vec<String>,
    /// The last notice the actor gave the party acted against, at or before the action.
    pub notice_given: Option<Timestamp>,
    /// The notice the grounds (or, when not permitted, the first candidate) require.
    pub notice_required: Option<NoticeTerms>,
    /// For a restriction that has an end (`for`), or whose powers limit its length: its
    /// judgment at its end.
    pub end: Option<Ending>,
    /// Why (none in a quiet replay).
    pub explanation: Option<Explanation>,
}

/// When a power first became exercisable.
#[derive(Clone, Debug)]
pub struct EarliestInstant {
    /// The power's clause.
    pub power: ClauseRef,
    /// The party holding it.
    pub holder: String,
    /// What it allows.
    pub action: String,
    /// The party it is held against.
    pub against: String,
    /// The first instant it was exercisable, or `None` for never (in this timeline).
    pub at: Option<Timestamp>,
    /// The first instant its condition held (notice aside); `Some(MIN)` when it always held.
    pub condition_first_held: Option<Timestamp>,
    /// The notice it was exercisable under.
    pub notice: Option<Timestamp>,
    /// The notice it was exercisable on, with the periods that ran from it.
    pub basis: Option<Basis>,
    /// Why (none in a quiet replay).
    pub explanation: Option<Explanation>,
    /// For a power held against (or by) every account: each account's earliest instant, in
    /// account order. The fields above then sum them up: `at` is the first of them, and
    /// `against` (or `holder`) reads `(every account)`.
    pub accounts: Vec<EarliestInstant>,
}

/// One change of a duty's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DutyChange {
    /// When.
    pub at: Timestamp,
    /// The new state.
    pub status: DutyStatus,
    /// The event that caused it.
    pub cause: Cause,
    /// How many of its instances were in breach right after.
    pub open_breaches: u32,
}

/// An event that changed a duty's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A post was published (index).
    Published(usize),
    /// A post was reported (index).
    Reported(usize),
    /// A post was removed (index).
    Removed(usize),
    /// The deadline for a post passed (index).
    Deadline(usize),
    /// A party demanded a deliverable (index of the action).
    Demanded(usize),
    /// A deliverable was delivered (index of the delivery).
    Delivered(usize),
    /// The deadline of a demand passed (index of the action).
    DemandDeadline(usize),
    /// A notice named the post (index of the post).
    Notified(usize),
    /// The holder took an action that owes the duty (index of the action).
    Acted(usize),
    /// The deadline of what an action owes passed (index of the action).
    ActedDeadline(usize),
}

/// The whole history of one duty.
#[derive(Clone, Debug)]
pub struct DutyHistory {
    /// The duty's clause.
    pub duty: ClauseRef,
    /// Its title.
    pub title: String,
    /// The party that owes it.
    pub holder: String,
    /// Its changes, in order.
    pub changes: Vec<DutyChange>,
    /// Its state at the end of the timeline.
    pub last: DutyStatus,
    /// Its subjects (posts, or demands) at the end of the timeline, by how they stand.
    pub tally: DutyTally,
    /// For a duty held by every account: its tally's counts split by the account that owes
    /// each subject, in the order of the parties (empty otherwise).
    pub accounts: Vec<AccountTally>,
    /// Its state at the end, each instance with its deadline's arithmetic: only from
    /// [`World::replay_explaining`](crate::bind::World::replay_explaining) naming its clause.
    pub explanation: Option<Explanation>,
    /// Every instance's deadline arithmetic, grouped by shape: in an explained replay, for a
    /// duty with a time limit; shared with the report, never copied.
    pub deadlines: Option<std::sync::Arc<crate::explanation::Deadlines>>,
}

/// How many of a duty's subjects one account owes, by how they stand at the end of the
/// timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountTally {
    /// The account's party (index in the scenario).
    pub party: usize,
    /// Met in time, late, overdue, open (the order of [`DutyTally`]'s fields).
    pub counts: [u32; 4],
}

/// A duty's subjects, by how each stands at the end of the timeline, as subject numbers:
/// a post's index in the scenario, or for a demand the number of posts plus the index of the
/// demanding action (see [`Scenario::subject_id`](crate::scenario::Scenario::subject_id)).
///
/// Numbers rather than ids: at a million reports a tally holds a million subjects, and the
/// report writes their ids out only when it is asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DutyTally {
    /// Met in time (removed or delivered by the deadline).
    pub in_time: Vec<u32>,
    /// Met after the deadline.
    pub late: Vec<u32>,
    /// Past the deadline and not met.
    pub overdue: Vec<u32>,
    /// Still within time (or with no time limit), not met.
    pub open: Vec<u32>,
}
