//! How an instance of each duty opens ([`Opening`]), worked out once per replay so that a
//! publication or a report reads one small entry per duty.

use crate::bind::Bound;
use crate::scenario::Scenario;

use super::Instance;

/// How an instance of one duty opens, worked out once per replay from the duty, its holder's
/// binding and the scenario's reporters: what a publication or a report reads (one small
/// entry beside the instances) instead of the duty and the bindings, per post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Opening {
    /// Its condition is `prohibited` alone: it holds for exactly the prohibited posts, and
    /// needs no view of the post.
    pub(crate) prohibited_only: bool,
    /// Held by every account: owed, for each post, by the account that wrote it.
    pub(crate) by_author: bool,
    /// The party bound to its holder, if one is.
    pub(crate) party: Option<usize>,
    /// Whether a report opens it, for a duty owed by a bound party (or by no party): false
    /// when the scenario says who reported to whom and its holder is neither. (A duty held by
    /// every account is asked per post, of the post's author.)
    pub(crate) on_report: bool,
    /// The state an instance opens in unless its post is gone already: pending, or breached at
    /// once (a period of zero).
    pub(crate) start: Instance,
    /// Whether an instance opened in `start` has a deadline to queue (a period that is
    /// neither zero nor "no time limit").
    pub(crate) deadline: bool,
    /// The duty's period, counted from the instant an instance opens.
    pub(crate) within: modsim_policy::Period,
}

impl Opening {
    /// How `duty` of `bound` opens in scenario `s`.
    pub(crate) fn of(duty: &modsim_policy::Duty, bound: &Bound, s: &Scenario) -> Opening {
        let party = bound.parties.get(duty.holder).copied().flatten();
        let by_author = party.is_none() && bound.every.get(duty.holder).copied().unwrap_or(false);
        let reporters = [s.reported_by, s.reported_to];
        let between = s.reported_by.is_some() || s.reported_to.is_some();
        let on_report = !(between && party.is_some_and(|h| !reporters.contains(&Some(h))));
        let (start, deadline) = if duty.open_ended {
            (Instance::Pending, false)
        } else if duty.within.period.is_zero() {
            (Instance::Breached, false)
        } else {
            (Instance::Pending, true)
        };
        Opening {
            prohibited_only: duty.condition.is_prohibited(),
            by_author,
            party,
            on_report,
            start,
            deadline,
            within: duty.within.period,
        }
    }

    /// Who owes the instance a post opens, if someone does: a duty held by every account is
    /// owed by the post's author (a post from no account opens none), who must have been
    /// reported by or to when the scenario says who reported to whom; another by the party
    /// bound to its holder (`None` when unbound), when a report opens it (`on_report`).
    #[inline]
    pub(crate) fn holder(
        self,
        bound: &Bound,
        s: &Scenario,
        post: usize,
        reported: bool,
    ) -> Option<Option<usize>> {
        if self.by_author {
            bound
                .account(post)
                .filter(|&author| !reported || Opening::author_reported(s, author))
                .map(Some)
        } else {
            (!reported || self.on_report).then_some(self.party)
        }
    }

    /// Whether a report opens it for a post written by account `author` (if any), when the
    /// duty is held by every account: the author must have been reported by or to, when the
    /// scenario says who reported to whom.
    pub(crate) fn author_reported(s: &Scenario, author: usize) -> bool {
        (s.reported_by.is_none() && s.reported_to.is_none())
            || [s.reported_by, s.reported_to].contains(&Some(author))
    }
}
