//! Powers during the replay: when notices make them ready, re-reading their conditions after
//! a step, and the first instant each becomes exercisable.

use jiff::Timestamp;
use modsim_policy::Cond;
use modsim_policy::Notice;
use modsim_policy::condition::StateCount;

use super::explain::Explainer;
use super::state::{Basis, PowerState, Readiness, Slot, StateFacts, exercisable};
use super::{Replay, ReplayError};
use crate::bind::{Bound, World};
use crate::explanation::{Arithmetic, NoticePeriod, NoticePeriodKind};
use crate::outcome::{ClauseRef, EarliestInstant};

/// The powers' states before the replay, and where each power's are: one state per power, or
/// one per account for a power held against (or by) every account. For each notice that counts
/// for a state, when it makes the power ready (after any advance notice and cure period); each
/// instant a notice makes a power ready is pushed onto `checks`, to be re-read then.
pub(super) fn power_states(
    world: &World,
    bound: &Bound,
    explain: bool,
    checks: &mut Vec<Timestamp>,
) -> Result<(Vec<PowerState>, Vec<Slot>), ReplayError> {
    let mut states = Vec::new();
    let mut slots = Vec::with_capacity(bound.policy.powers.len());
    for (i, power) in bound.policy.powers.iter().enumerate() {
        let holder = bound.parties.get(power.holder).copied().flatten();
        let against = bound.parties.get(power.against).copied().flatten();
        let side = bound.account_side(power);
        slots.push(Slot {
            start: states.len(),
            per_account: side.is_some(),
        });
        match side {
            None => states.push(power_state(
                world,
                bound,
                i,
                (holder, against),
                None,
                explain,
                checks,
            )?),
            Some(role) => {
                for &account in &world.accounts {
                    let parties = if role == power.against {
                        (holder, Some(account))
                    } else {
                        (Some(account), against)
                    };
                    states.push(power_state(
                        world,
                        bound,
                        i,
                        parties,
                        Some(account),
                        explain,
                        checks,
                    )?);
                }
            }
        }
    }
    Ok((states, slots))
}

/// One power's state before the replay, held by `holder` against `against`.
fn power_state(
    world: &World,
    bound: &Bound,
    i: usize,
    (holder, against): (Option<usize>, Option<usize>),
    account: Option<usize>,
    explain: bool,
    checks: &mut Vec<Timestamp>,
) -> Result<PowerState, ReplayError> {
    let s = &world.scenario;
    let policy = &bound.policy;
    let Some(power) = policy.powers.get(i) else {
        return Err(ReplayError {
            what: "a power".to_owned(),
            error: modsim_policy::TimeError::OutOfRange,
            from: super::CountedFrom::Elsewhere,
        });
    };
    let clause = &policy.power_clause(power).id;
    let mut ready = Vec::new();
    for (n, notice) in s.notices.iter().enumerate() {
        if Some(notice.from) != holder || Some(notice.to) != against || !notice.covers(clause) {
            continue;
        }
        let mut at = notice.at;
        let mut periods = Vec::new();
        for (period, what) in periods_of(power) {
            let failed = |error| ReplayError {
                what: format!(
                    "the {} of `{clause}` from the notice",
                    match what {
                        NoticePeriodKind::AdvanceNotice => "advance notice",
                        NoticePeriodKind::CurePeriod => "cure period",
                    }
                ),
                error,
                from: super::CountedFrom::Notice(n),
            };
            // The arithmetic is written out for readers only.
            let end = if explain {
                let arithmetic =
                    Arithmetic::of(period, notice.at, &s.zone, &policy.holidays).map_err(failed)?;
                let end = arithmetic.end;
                periods.push(NoticePeriod { what, arithmetic });
                end
            } else {
                period
                    .add_to(notice.at, &s.zone, &policy.holidays)
                    .map_err(failed)?
            };
            at = at.max(end);
        }
        if at > notice.at {
            checks.push(at);
        }
        ready.push(Readiness {
            notice: n,
            given: notice.at,
            ready: at,
            periods,
            continuous: power.cure.is_some(),
        });
    }
    Ok(PowerState {
        power: i,
        account,
        holds: false,
        holds_since: None,
        first_held: None,
        ready,
        earliest: None,
        prior: None,
    })
}

/// The periods that run from a notice before `power` is ready: its advance notice, then its
/// cure period, when it has them.
fn periods_of(
    power: &modsim_policy::Power,
) -> impl Iterator<Item = (modsim_policy::Period, NoticePeriodKind)> {
    let advance = match power.notice {
        Notice::Advance(p) => Some((p.period, NoticePeriodKind::AdvanceNotice)),
        _ => None,
    };
    let cure = power.cure.map(|c| (c.period, NoticePeriodKind::CurePeriod));
    advance.into_iter().chain(cure)
}

/// What a power's condition reads, which decides when it is re-read.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Reads {
    /// Duties' states or other powers (`breached`, `fulfilled`, `available`).
    pub(super) duties: bool,
    /// Something that may change at any step: the state's counts, scenario facts, the clock.
    pub(super) every_step: bool,
}

impl Reads {
    /// What the condition of `power` reads.
    pub(super) fn of(power: &modsim_policy::Power) -> Reads {
        use modsim_policy::condition::Num;
        let mut reads = Reads::default();
        power.condition.cond.visit(&mut |c| match c {
            Cond::Breached(_) | Cond::Fulfilled(_) | Cond::Available(_) => reads.duties = true,
            Cond::CompareNum(_, a, b) => {
                for n in [a, b] {
                    n.visit(&mut |n| {
                        if matches!(
                            n,
                            Num::State(
                                StateCount::Reports
                                    | StateCount::LiveReported
                                    | StateCount::LiveProhibited
                            ) | Num::Fact(_)
                        ) {
                            reads.every_step = true;
                        }
                    });
                }
            }
            Cond::CompareTime(..) => reads.every_step = true,
            _ => {}
        });
        reads
    }
}

impl Replay<'_> {
    /// Re-reads the powers when something they read may have changed: a duty's state, an
    /// account's history (only that account's states of the powers held per account), or
    /// anything at all when a condition reads more than that (`always_dirty`). `force`
    /// re-reads every power (a notice, a determination, the end of a period).
    pub(super) fn refresh(&mut self, now: Timestamp, force: bool) {
        let duty_changed = std::mem::take(&mut self.duties_changed);
        if force || duty_changed || self.always_dirty || !self.dirty_accounts.is_empty() {
            self.update_powers(now, force, force || duty_changed);
        }
        self.dirty_accounts.clear();
    }

    /// Re-reads the powers' conditions after a step at `now`, and notes the first instant
    /// each becomes exercisable: every power's when `force`; otherwise the powers held against
    /// one party when `global` (a duty changed) or `always_dirty`, and of the powers held per
    /// account, those whose reads may have changed: every account's when they read duties
    /// (`global`) or what changes every step, else only the accounts whose history changed.
    pub(super) fn update_powers(&mut self, now: Timestamp, force: bool, global: bool) {
        let accounts = self.world.accounts.len();
        for p in 0..self.world.policies.len() {
            let Some(state) = self.states.get(p) else {
                continue;
            };
            let slots = state.slots.clone();
            for (i, slot) in slots.iter().enumerate() {
                let reads = self
                    .reads
                    .get(p)
                    .and_then(|r| r.get(i))
                    .copied()
                    .unwrap_or_default();
                if !slot.per_account {
                    if force || global || self.always_dirty {
                        self.read_power(p, slot.start, now);
                    }
                } else if force || (global && reads.duties) || reads.every_step {
                    for k in slot.start..slot.start + accounts {
                        self.read_power(p, k, now);
                    }
                } else {
                    for d in 0..self.dirty_accounts.len() {
                        let Some(a) = self.dirty_accounts.get(d).copied() else {
                            continue;
                        };
                        if let Some(at) = self.world.account_slot(a) {
                            self.read_power(p, slot.start + at, now);
                        }
                    }
                }
            }
        }
    }

    /// Re-reads the condition of power state `k` of policy `p` at `now`, and notes the first
    /// instant it becomes exercisable.
    fn read_power(&mut self, p: usize, k: usize, now: Timestamp) {
        let Some(bound) = self.world.policies.get(p) else {
            return;
        };
        let Some(state) = self.states.get(p) else {
            return;
        };
        let Some(ps) = state.powers.get(k) else {
            return;
        };
        let Some(power) = bound.policy.powers.get(ps.power) else {
            return;
        };
        let holds = StateFacts {
            bound,
            state,
            assumptions: &state.assumptions,
            now,
            account: None,
        }
        .for_instance(ps)
        .holds(&power.condition.cond);
        let Some(ps) = self.states.get_mut(p).and_then(|s| s.powers.get_mut(k)) else {
            return;
        };
        if holds && !ps.holds {
            ps.holds_since = Some(now);
            ps.first_held.get_or_insert(now);
        }
        if !holds {
            ps.holds_since = None;
        }
        ps.holds = holds;
        if ps.earliest.is_none()
            && now != Timestamp::MIN
            && let Some(basis) = exercisable(power, ps, now)
        {
            let earliest = self.earliest_instant(p, k, now, basis);
            if let Some(ps) = self.states.get_mut(p).and_then(|s| s.powers.get_mut(k)) {
                ps.earliest = Some(earliest);
            }
        }
    }

    /// The earliest instant of power state `k` of policy `p`, exercisable at `now` on `basis`.
    pub(super) fn earliest_instant(
        &self,
        p: usize,
        k: usize,
        now: Timestamp,
        basis: Basis,
    ) -> EarliestInstant {
        let ps = self.states.get(p).and_then(|s| s.powers.get(k));
        let mut e = self.blank_earliest(p, k);
        e.at = Some(now);
        e.condition_first_held = ps.and_then(|ps| ps.first_held);
        e.notice = match basis {
            Basis::Notice(r) => ps
                .and_then(|ps| ps.ready.get(r))
                .and_then(|r| self.world.scenario.notices.get(r.notice))
                .map(|n| n.at),
            Basis::NoNoticeNeeded => None,
        };
        if self.explain {
            let explainer = Explainer::new(self.world, &self.states, p, now, &self.memo);
            e.basis = Some(explainer.basis(k, basis));
            e.explanation = Some(explainer.power(k, Some(basis)).0);
        }
        e
    }

    /// The earliest instant of power state `k` of policy `p`, before anything is known of it.
    pub(super) fn blank_earliest(&self, p: usize, k: usize) -> EarliestInstant {
        let s = &self.world.scenario;
        let bound = self.world.policies.get(p);
        let ps = self.states.get(p).and_then(|st| st.powers.get(k));
        let power = bound.and_then(|b| b.policy.powers.get(ps.map_or(usize::MAX, |ps| ps.power)));
        let party = |role: Option<usize>| {
            let bound_party =
                role.and_then(|r| bound.and_then(|b| b.parties.get(r)).copied().flatten());
            let side = power.and_then(|w| bound.and_then(|b| b.account_side(w)));
            match (bound_party, ps.and_then(|ps| ps.account)) {
                (Some(x), _) => s.party_id(x).to_owned(),
                (None, Some(a)) if side.is_some() && role == side => s.party_id(a).to_owned(),
                _ => "(unbound)".to_owned(),
            }
        };
        EarliestInstant {
            power: ClauseRef {
                policy: bound.map_or(String::new(), |b| b.policy.id.clone()),
                clause: match (bound, power) {
                    (Some(b), Some(w)) => b.policy.power_clause(w).id.clone(),
                    _ => String::new(),
                },
                title: match (bound, power) {
                    (Some(b), Some(w)) => b.policy.power_clause(w).title.clone(),
                    _ => String::new(),
                },
            },
            holder: party(power.map(|w| w.holder)),
            action: power.map_or(String::new(), |w| w.action.to_string()),
            against: party(power.map(|w| w.against)),
            at: None,
            condition_first_held: None,
            notice: None,
            basis: None,
            explanation: None,
            accounts: Vec::new(),
        }
    }
}
