//! Powers' state during the replay: each power's standing and readiness (which notices make it
//! ready, and when), where its states are, and whether it is exercisable at an instant.

use jiff::Timestamp;
use modsim_policy::{Notice, Power};

use crate::explanation::NoticePeriod;
use crate::outcome::EarliestInstant;

/// One power's state during the replay: for a power held against (or by) every account, one
/// such state per account (an instance).
pub(crate) struct PowerState {
    /// The power, by index in its policy.
    pub(crate) power: usize,
    /// For a power held against (or by) every account: the account this instance is for.
    pub(crate) account: Option<usize>,
    pub(crate) holds: bool,
    pub(crate) holds_since: Option<Timestamp>,
    pub(crate) first_held: Option<Timestamp>,
    /// For each notice that counts for this power, when it makes the power ready.
    pub(crate) ready: Vec<Readiness>,
    pub(crate) earliest: Option<EarliestInstant>,
    /// The prior action the power's `after` asks for, once taken (its action index).
    pub(crate) prior: Option<usize>,
}

impl PowerState {
    /// Whether the prior action the power asks for (`after`) was taken, or none is asked for.
    pub(crate) fn prior_ok(&self, power: &Power) -> bool {
        power.after.is_none() || self.prior.is_some()
    }
}

/// Where a power's states are among its policy's: one, or one per account.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slot {
    /// The first state's place.
    pub(crate) start: usize,
    /// One state per account (the power is held against, or by, every account).
    pub(crate) per_account: bool,
}

/// A notice that counts for a power, and when it makes the power ready.
#[derive(Clone, Debug)]
pub(crate) struct Readiness {
    /// Index of the notice in the scenario.
    pub(crate) notice: usize,
    /// When it was given.
    pub(crate) given: Timestamp,
    /// When the power may be exercised on it: after any advance notice and cure period.
    pub(crate) ready: Timestamp,
    /// The advance notice and cure period that run from it, written out (none in a quiet
    /// replay).
    pub(crate) periods: Vec<NoticePeriod>,
    /// The condition must hold without a break from the notice on (a cure period).
    pub(crate) continuous: bool,
}

/// Why a power is exercisable now: it needs no notice, or the notice it rests on (by its
/// place in the power's [`Readiness`] list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Basis {
    /// No notice is needed.
    NoNoticeNeeded,
    /// The power's `ready[.0]`.
    Notice(usize),
}

/// The basis on which a power is exercisable at `now`, if it is: its condition holds, the
/// prior action it asks for was taken, and its notice allows it.
pub(crate) fn exercisable(power: &Power, ps: &PowerState, now: Timestamp) -> Option<Basis> {
    if !ps.holds || !ps.prior_ok(power) {
        return None;
    }
    notice_basis(power.notice, ps, now, ps.holds_since)
}

/// The notice that satisfies a power's notice and cure requirements at `now`, given that its
/// condition has held without a break since `holds_since`.
pub(crate) fn notice_basis(
    notice: Notice,
    ps: &PowerState,
    now: Timestamp,
    holds_since: Option<Timestamp>,
) -> Option<Basis> {
    if notice == Notice::None {
        return Some(Basis::NoNoticeNeeded);
    }
    ps.ready
        .iter()
        .position(|r| {
            r.ready <= now && (!r.continuous || holds_since.is_some_and(|s| s <= r.given))
        })
        .map(Basis::Notice)
}
