//! What the replay keeps of accounts' history (the counts conditions read, with what each
//! counted) and of judgment calls dated by a party's determination.

use jiff::Timestamp;
use modsim_policy::condition::History;

/// One count of accounts' history that a policy's conditions read, per party.
pub(crate) struct Counter {
    pub(crate) history: History,
    pub(crate) counts: Vec<i64>,
    /// What it counted, in order, for explanations (empty in a quiet replay).
    pub(crate) log: Vec<Counted>,
}

/// One event a history count counted: for whom, when, and what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Counted {
    pub(crate) party: u32,
    pub(crate) at: Timestamp,
    pub(crate) item: Item,
}

/// An event of the timeline a history count counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Item {
    /// A post, by number.
    Post(u32),
    /// An action, by index.
    Action(u32),
    /// A delivery, by index.
    Delivery(u32),
}

/// Whether a judgment call is dated by the scenario's determinations, and whether they were
/// made by now (for everyone, or for some accounts only).
#[derive(Clone, Debug, Default)]
pub(crate) struct Dating {
    /// The scenario records a determination of it by a party who may make it.
    pub(crate) dated: bool,
    /// A determination about no account in particular was made by now.
    pub(crate) made: bool,
    /// Accounts a determination about them was made for by now.
    pub(crate) made_for: Vec<usize>,
}

impl Dating {
    /// Whether the judgment call may be read as given, for `account`: it is not dated, or was
    /// determined by now (for everyone, or for that account).
    pub(crate) fn allows(&self, account: Option<usize>) -> bool {
        !self.dated || self.made || account.is_some_and(|a| self.made_for.contains(&a))
    }
}
