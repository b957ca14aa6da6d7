//! The values explanation steps hold: a duty's state and its subjects' standings, when a
//! condition first held, the counts a comparison read.

use jiff::Timestamp;
use serde::Serialize;
use smol_str::SmolStr;

use super::EventId;
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
}

/// One subject of a duty: a post, or a demand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectRef {
    /// A post, by id.
    Post(PostId),
    /// A demand, by its action's event id.
    Demand(EventId),
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
