//! The values explanation steps hold: a duty's state and its subjects' standings, when a
//! condition first held, the counts a comparison read.

use jiff::Timestamp;
use modsim_policy::Period;
use serde::Serialize;
use smol_str::SmolStr;

use super::{Arithmetic, ClauseKey, EventId, period_text_or_none};
use crate::scenario::PostId;

/// The state of a duty, as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyStatus {
    /// Never triggered.
    NotTriggered,
    /// Triggered, due later.
    Pending,
    /// Every instance done in time.
    Fulfilled,
    /// At least one instance overdue and not done.
    Breached,
    /// Was breached; every breach since remedied.
    Cured,
}

impl DutyStatus {
    /// The word shown to readers.
    pub fn word(self) -> &'static str {
        match self {
            DutyStatus::NotTriggered => "not triggered",
            DutyStatus::Pending => "pending",
            DutyStatus::Fulfilled => "fulfilled",
            DutyStatus::Breached => "breached",
            DutyStatus::Cured => "cured",
        }
    }
}

/// When a power's condition first held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "when", content = "at", rename_all = "snake_case")]
pub enum Held {
    /// Before anything happened.
    Start,
    /// At this instant.
    At(Timestamp),
    /// Never in the timeline.
    Never,
}

/// The notices a never-exercisable power could have rested on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "case", rename_all = "snake_case")]
pub enum NoticesAvailable {
    /// The power needs none.
    NotNeeded,
    /// No notice from the holder to the party under this clause.
    None {
        /// The holder.
        from: SmolStr,
        /// The party it is held against.
        to: SmolStr,
    },
    /// Notices that made it ready at these instants, when its condition did not hold.
    Ready {
        /// Each notice, with when it was given and when it made the power ready.
        notices: Vec<Readied>,
    },
}

/// A notice, and when it made a power ready.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Readied {
    /// The notice.
    pub notice: EventId,
    /// When it was given.
    pub given: Timestamp,
    /// When the power could be exercised on it.
    pub ready: Timestamp,
}

/// What a comparison read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Reports so far.
    pub reports: i64,
    /// Reported prohibited posts still up.
    pub live_reported: i64,
    /// Prohibited posts still up.
    pub live_prohibited: i64,
    /// The account the power is held against, when the condition reads one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountCounts>,
    /// The scenario facts the policy declares.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<FactValue>,
    /// The counts of the account's history the comparison reads.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryValue>,
}

/// One count of an account's history, with what it counted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryValue {
    /// The party whose history it is.
    pub party: SmolStr,
    /// What it counts, as conditions name it: `strikes`, `prohibited`, `informed`.
    pub counted: SmolStr,
    /// The trailing period it counts within, if any.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "period_text_or_none"
    )]
    pub within: Option<Period>,
    /// Its value at the instant.
    pub value: i64,
    /// What it counted, in time order, the first [`HISTORY_SHOWN`] of them.
    pub counted_items: Vec<HistoryItem>,
    /// Earlier events of the same kind that have left the period by the instant (expired), the
    /// last [`HISTORY_SHOWN`] of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expired: Vec<HistoryItem>,
}

/// How many items of a history count an explanation names.
pub const HISTORY_SHOWN: usize = 12;

/// An event or post a history count counted (or no longer counts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryItem {
    /// The event or post.
    #[serde(flatten)]
    pub item: HistoryRef,
    /// When it happened.
    pub at: Timestamp,
    /// When it leaves the trailing period (`at` + the period), if counted within one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Arithmetic>,
}

/// An event or a post, by id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryRef {
    /// An action or a delivery of the timeline.
    Event(EventId),
    /// A post.
    Post(PostId),
}

/// A party's determination of a judgment call, as the scenario dates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "case", rename_all = "snake_case")]
pub enum Determination {
    /// Made by the instant read.
    Made {
        /// The determination event.
        event: EventId,
        /// When it was made.
        at: Timestamp,
        /// Who made it.
        by: SmolStr,
    },
    /// Not made by the instant read: the judgment call reads false until then.
    NotYet {
        /// The scenario's first determination of it after the instant, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        next: Option<EventId>,
    },
}

/// A restriction judged at its end: when it ends, against the longest each ground (or each
/// candidate power, when none permitted it) allows it to last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ending {
    /// When it ends, from the action's `for`: `None` when the scenario gives no end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends: Option<Arithmetic>,
    /// Each ground's limit: the latest end it allows.
    pub limits: Vec<Limit>,
    /// Whether it was permitted at its start and some ground allows it to last that long.
    pub permitted: bool,
}

/// The longest a ground allows a restriction to last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Limit {
    /// The ground's clause.
    pub clause: ClauseKey,
    /// The latest end it allows (the action's instant + its `for`); `None` when it sets none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<Arithmetic>,
    /// Whether the restriction ends by then.
    pub within: bool,
}

/// One account's counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountCounts {
    /// The party.
    pub party: SmolStr,
    /// Posts it published so far.
    pub posts: i64,
    /// Of them, prohibited.
    pub prohibited: i64,
    /// Of those, still up.
    pub live: i64,
}

/// A scenario fact's value at the instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactValue {
    /// Its name.
    pub name: SmolStr,
    /// Its value (0 until it is known).
    pub value: i64,
    /// The event that made it known, if one has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_from: Option<EventId>,
}

/// Posts or demands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// Posts.
    Posts,
    /// Demands.
    Demands,
    /// Actions that owe the duty.
    Actions,
}

/// One subject of a duty: a post, a demand, or an action that owes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectRef {
    /// A post, by id.
    Post(PostId),
    /// A demand, by its action's event id.
    Demand(EventId),
    /// An action that owes the duty (`opens = "acted"`), by its event id.
    Action(EventId),
}

/// How a duty's subject stands at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Met by its deadline.
    InTime,
    /// Met after its deadline.
    Late,
    /// Past its deadline and not met.
    Overdue,
    /// Within time (or with no time limit), not met.
    Open,
}

impl Standing {
    /// Every standing, in the order reports list them (`ALL[s as usize] == s`).
    pub const ALL: [Standing; 4] = [
        Standing::InTime,
        Standing::Late,
        Standing::Overdue,
        Standing::Open,
    ];
}
