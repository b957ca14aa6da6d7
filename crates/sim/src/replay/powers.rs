//! Powers during the replay: when notices make them ready, re-reading their conditions after
//! a step, and the first instant each becomes exercisable.

use jiff::Timestamp;
use modsim_policy::{Notice, Power};

use super::explain::Explainer;
use super::state::{Basis, PowerState, Readiness, StateFacts, exercisable};
use super::{Replay, ReplayError};
use crate::bind::{Bound, World};
use crate::explanation::{Arithmetic, NoticePeriod, NoticePeriodKind};
use crate::outcome::{ClauseRef, EarliestInstant};

/// A power's state before the replay: for each notice that counts for it, when the notice makes
/// it ready (after any advance notice and cure period). Each instant a notice makes a power
/// ready is pushed onto `checks`, to be re-read then.
pub(super) fn power_state(
    world: &World,
    bound: &Bound,
    power: &Power,
    explain: bool,
    checks: &mut Vec<Timestamp>,
) -> Result<PowerState, ReplayError> {
    let s = &world.scenario;
    let policy = &bound.policy;
    let clause = &policy.power_clause(power).id;
    let holder = bound.parties.get(power.holder).copied().flatten();
    let against = bound.parties.get(power.against).copied().flatten();
    let mut ready = Vec::new();
    for (n, notice) in s.notices.iter().enumerate() {
        if Some(notice.from) != holder || Some(notice.to) != against || !notice.covers(clause) {
            continue;
        }
        let mut at = notice.at;
        let mut periods = Vec::new();
        let kinds = [
            match power.notice {
                Notice::Advance(p) => Some((p.period, NoticePeriodKind::AdvanceNotice)),
                _ => None,
            },
            power.cure.map(|c| (c.period, NoticePeriodKind::CurePeriod)),
        ];
        for (period, what) in kinds.into_iter().flatten() {
            let failed = |error| ReplayError {
                what: format!(
                    "the {} of `{clause}` from the notice",
                    match what {
                        NoticePeriodKind::AdvanceNotice => "advance notice",
                        NoticePeriodKind::CurePeriod => "cure period",
                    }
                ),
                error,
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
        holds: false,
        holds_since: None,
        first_held: None,
        ready,
        earliest: None,
    })
}

impl Replay<'_> {
    /// Re-reads the powers when something they read may have changed: a duty's state, or
    /// anything at all when a condition reads more than that (`always_dirty`).
    pub(super) fn refresh(&mut self, now: Timestamp, force: bool) {
        let mut dirty = force || self.always_dirty;
        for state in &mut self.states {
            for d in &mut state.duties {
                dirty |= std::mem::take(&mut d.status_changed);
            }
        }
        if dirty {
            self.update_powers(now);
        }
    }

    /// Re-reads every power's condition after a step at `now`, and notes the first instant
    /// each becomes exercisable.
    pub(super) fn update_powers(&mut self, now: Timestamp) {
        for (p, bound) in self.world.policies.iter().enumerate() {
            // Read each power's condition, then update its state: one at a time, so that no
            // buffer is allocated per step (`available(...)` re-reads conditions, not states).
            for (i, power) in bound.policy.powers.iter().enumerate() {
                let holds = self.states.get(p).is_some_and(|state| {
                    StateFacts {
                        bound,
                        state,
                        assumptions: &state.assumptions,
                        now,
                        account: None,
                    }
                    .for_power(i)
                    .holds(&power.condition.cond)
                });
                let Some(ps) = self.states.get_mut(p).and_then(|s| s.powers.get_mut(i)) else {
                    continue;
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
                    && let Some(basis) = exercisable(Some(power.notice), ps, now)
                {
                    let earliest = self.earliest_instant(p, i, now, basis);
                    if let Some(ps) = self.states.get_mut(p).and_then(|s| s.powers.get_mut(i)) {
                        ps.earliest = Some(earliest);
                    }
                }
            }
        }
    }

    pub(super) fn earliest_instant(
        &self,
        p: usize,
        i: usize,
        now: Timestamp,
        basis: Basis,
    ) -> EarliestInstant {
        let ps = self.states.get(p).and_then(|s| s.powers.get(i));
        let mut e = self.blank_earliest(p, i);
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
            e.basis = Some(explainer.basis(i, basis));
            e.explanation = Some(explainer.power(i, Some(basis)).0);
        }
        e
    }

    pub(super) fn blank_earliest(&self, p: usize, i: usize) -> EarliestInstant {
        let s = &self.world.scenario;
        let bound = self.world.policies.get(p);
        let power = bound.and_then(|b| b.policy.powers.get(i));
        let party = |role: Option<usize>| {
            role.and_then(|r| bound.and_then(|b| b.parties.get(r)).copied().flatten())
                .map_or_else(|| "(unbound)".to_owned(), |x| s.party_id(x).to_owned())
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
        }
    }
}
