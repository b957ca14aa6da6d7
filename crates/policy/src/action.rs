//! What a party can do: the closed vocabulary of actions that powers grant and scenarios
//! record, with the name of each count an account's history keeps of them. Its own module,
//! so that conditions (which read those counts) and the rule model (whose powers name
//! actions) both import it without importing each other.

use std::fmt;

// Closed: an action that no policy can speak of is a typo, and the lints reason about
// particular ones (a termination after a cure period, a restoration undoing a suspension).
// A new action is one line here; its name in files, the schemas and the suggestions follow.
crate::vocabulary! {
    /// What a power lets its holder do, and what a scenario records a party doing.
    pub enum Action: "action" {
        /// Warn the party acted against.
        Warn = "warn",
        /// Demand a plan (a deliverable) of the party acted against.
        DemandPlan = "demand_plan",
        /// Remove some of the party's content.
        RemoveContent = "remove_content",
        /// Suspend the service to the party.
        Suspend = "suspend",
        /// End the agreement with the party.
        Terminate = "terminate",
        /// Take the party's app or listing off a store.
        Delist = "delist",
        /// Restore what was suspended or removed.
        Restore = "restore",
        /// Suspend a user's account.
        SuspendAccount = "suspend_account",
        /// Ban a user for good.
        Ban = "ban",
        /// Record a strike against an account (an escalation ladder's step).
        Strike = "strike",
        /// Restrict an account for a period (no posting, no uploads), with `for` its length.
        Restrict = "restrict",
        /// Appeal a decision (a user's complaint against the party that decided).
        Appeal = "appeal",
    }
}

impl Action {
    /// The actions that restrict for a time, and so take `for` (how long the restriction
    /// lasts) on a power and on a scenario's action.
    pub const LASTING: [Action; 3] = [Action::Restrict, Action::SuspendAccount, Action::Suspend];

    /// Whether the action restricts for a time (one of [`Action::LASTING`]).
    pub const fn may_last(self) -> bool {
        matches!(
            self,
            Action::Restrict | Action::SuspendAccount | Action::Suspend
        )
    }

    /// The name of an account's count of these actions in conditions (`account.strikes`),
    /// for the actions an account's history counts.
    pub const fn history_name(self) -> Option<&'static str> {
        Some(match self {
            Action::Warn => "warnings",
            Action::Strike => "strikes",
            Action::Restrict => "restrictions",
            Action::SuspendAccount => "suspensions",
            Action::Ban => "bans",
            Action::Restore => "restorations",
            Action::Appeal => "appeals",
            Action::RemoveContent => "removals",
            Action::DemandPlan | Action::Suspend | Action::Terminate | Action::Delist => {
                return None;
            }
        })
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
