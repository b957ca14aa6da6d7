//! Judging an action at its instant (permitted on which powers, resting on which judgment
//! calls, or what was missing and which judgment call would flip it), and gathering the
//! outcome when the timeline ends.

use jiff::Timestamp;

use super::explain::Explainer;
use super::state::{PowerState, StateFacts, exercisable, notice_basis};
use super::{Replay, ReplayError};
use crate::explanation::{
    Arithmetic, ClauseKey, Ending, Explanation, Limit, Missing, Node, NoticeTerms, Reason, event_id,
};
use crate::outcome::{
    AssumptionUse, ClauseRef, DutyHistory, EarliestInstant, Flip, Outcome, Verdict,
};
use crate::scenario::{ActionEvent, EVERY_ACCOUNT};
use smol_str::SmolStr;

impl Replay<'_> {
    pub(super) fn judge(&mut self, action_index: usize, now: Timestamp) {
        let s = &self.world.scenario;
        let Some(action) = s.actions.get(action_index) else {
            return;
        };
        let candidates = self.candidates(action);
        let mut weighed = self.weigh(&candidates, now);
        let permitted = !weighed.grounds.is_empty();
        let mut would_be_permitted_if = Vec::new();
        if permitted {
            // What other candidates lacked stays in the explanation; `missing` is for refusals.
            weighed.missing.clear();
        } else {
            if candidates.is_empty() {
                weighed.missing.push(Missing {
                    clause: None,
                    reason: Reason::NoPower {
                        actor: SmolStr::new(s.party_id(action.actor)),
                        action: SmolStr::new_static(action.action.name()),
                        against: SmolStr::new(s.party_id(action.against)),
                    },
                });
            }
            if self.explain {
                would_be_permitted_if = self.flips(&candidates, now);
            }
        }
        let policies = self.policies_of(&candidates);
        let end = self.ending(action, &candidates, &weighed.ground_states, now);
        let explanation = self.explain.then(|| {
            let mut children = std::mem::take(&mut weighed.children);
            if let Some(end) = &end {
                children.push(Explanation::leaf(Node::RestrictionEnd(end.clone())));
            }
            Explanation::leaf(Node::Verdict {
                event: event_id("action", action_index),
                actor: SmolStr::new(s.party_id(action.actor)),
                action: SmolStr::new_static(action.action.name()),
                against: SmolStr::new(s.party_id(action.against)),
                at: now,
                permitted,
            })
            .with(children)
        });
        self.verdicts.push(Verdict {
            action_index,
            actor: s.party_id(action.actor).to_owned(),
            action: action.action.to_string(),
            against: s.party_id(action.against).to_owned(),
            at: now,
            account: candidates
                .iter()
                .find_map(|&(p, k)| self.states.get(p)?.powers.get(k)?.account)
                .map(|a| s.party_id(a).to_owned()),
            permitted,
            grounds: weighed.grounds,
            assumptions: weighed.assumptions,
            missing: weighed.missing,
            earliest_permitted: None,
            would_be_permitted_if,
            policies,
            notice_given: s
                .notices
                .iter()
                .filter(|n| n.from == action.actor && n.to == action.against && n.at <= now)
                .map(|n| n.at)
                .max(),
            notice_required: self.notice_required(&candidates, permitted, now),
            end,
            explanation,
        });
        // The earliest permitted instant is known only at the end of the replay.
        self.pending_candidates.push(candidates);
    }

    /// The ids of the policies of `candidates` (policy, power state), each once, in order.
    fn policies_of(&self, candidates: &[(usize, usize)]) -> Vec<String> {
        let mut policies: Vec<String> = Vec::new();
        for &(p, _) in candidates {
            if let Some(b) = self.world.policies.get(p)
                && !policies.contains(&b.policy.id)
            {
                policies.push(b.policy.id.clone());
            }
        }
        policies
    }

    /// The powers that could permit `action`, by (policy, power state): held by its actor
    /// against the party it is taken against, for its kind of action; for a power held against
    /// (or by) every account, its state for that account.
    fn candidates(&self, action: &ActionEvent) -> Vec<(usize, usize)> {
        let s = &self.world.scenario;
        let mut candidates = Vec::new();
        for (p, bound) in self.world.policies.iter().enumerate() {
            let Some(state) = self.states.get(p) else {
                continue;
            };
            for (i, power) in bound.policy.powers.iter().enumerate() {
                if power.action != action.action
                    || !bound.covers(s, power.holder, action.actor)
                    || !bound.covers(s, power.against, action.against)
                {
                    continue;
                }
                let account = match bound.account_side(power) {
                    Some(side) if side == power.against => Some(action.against),
                    Some(_) => Some(action.actor),
                    None => None,
                };
                if let Some(k) = state.instance(i, account.and_then(|a| self.world.account_slot(a)))
                {
                    candidates.push((p, k));
                }
            }
        }
        candidates
    }

    /// Each candidate power weighed at `now`: the grounds, the judgment calls they rest on,
    /// what the others lacked, and (for readers) each power's explanation, then the clauses
    /// taken out for this run, so that the reader sees why they are absent.
    fn weigh(&self, candidates: &[(usize, usize)], now: Timestamp) -> Weighed {
        let mut weighed = Weighed::default();
        for &(p, k) in candidates {
            let (Some(bound), Some(ps)) = (
                self.world.policies.get(p),
                self.states.get(p).and_then(|st| st.powers.get(k)),
            ) else {
                continue;
            };
            let Some(power) = bound.policy.powers.get(ps.power) else {
                continue;
            };
            let clause = bound.policy.power_clause(power);
            let basis = exercisable(power, ps, now);
            let explainer = Explainer::new(self.world, &self.states, p, now, &self.memo);
            let used = if self.explain {
                let (explanation, used) = explainer.power(k, basis);
                weighed.children.push(explanation);
                used
            } else {
                Vec::new()
            };
            if basis.is_some() {
                weighed.ground_states.push((p, k));
                weighed.grounds.push(ClauseRef {
                    policy: bound.policy.id.clone(),
                    clause: clause.id.clone(),
                    title: clause.title.clone(),
                });
                for a in used {
                    if !weighed.assumptions.iter().any(|u| u.name == a.name) {
                        weighed.assumptions.push(a);
                    }
                }
            } else if self.explain {
                weighed.missing.push(Missing {
                    clause: Some(ClauseKey {
                        policy: SmolStr::new(&bound.policy.id),
                        id: SmolStr::new(&clause.id),
                    }),
                    reason: explainer.missing(k),
                });
            }
        }
        if self.explain {
            for bound in &self.world.policies {
                for clause in bound.policy.clauses.iter().filter(|c| c.taken_out) {
                    weighed.children.push(Explanation::leaf(Node::TakenOut {
                        clause: ClauseKey {
                            policy: SmolStr::new(&bound.policy.id),
                            id: SmolStr::new(&clause.id),
                        },
                    }));
                }
            }
        }
        weighed
    }

    /// A restriction judged at its end, when it has one (`for`) or a candidate power limits
    /// its length: when it ends, against each ground's limit (each candidate's, when none
    /// permitted it).
    fn ending(
        &self,
        action: &ActionEvent,
        candidates: &[(usize, usize)],
        grounds: &[(usize, usize)],
        now: Timestamp,
    ) -> Option<Ending> {
        let zone = &self.world.scenario.zone;
        let power = |&(p, k): &(usize, usize)| {
            let bound = self.world.policies.get(p)?;
            let ps = self.states.get(p)?.powers.get(k)?;
            Some((bound, bound.policy.powers.get(ps.power)?))
        };
        let limited = candidates
            .iter()
            .filter_map(power)
            .any(|(_, w)| w.lasting.is_some());
        if action.lasting.is_none() && !limited {
            return None;
        }
        let holidays = candidates
            .iter()
            .find_map(power)
            .map(|(b, _)| b.policy.holidays.clone())
            .unwrap_or_default();
        let ends = action
            .lasting
            .and_then(|l| Arithmetic::of(l, now, zone, &holidays).ok());
        let weighed = if grounds.is_empty() {
            candidates
        } else {
            grounds
        };
        let limits: Vec<Limit> = weighed
            .iter()
            .filter_map(power)
            .map(|(bound, w)| {
                let latest = w
                    .lasting
                    .and_then(|l| Arithmetic::of(l.period, now, zone, &bound.policy.holidays).ok());
                let within = match (&latest, &ends) {
                    (None, _) => true,
                    (Some(latest), Some(ends)) => ends.end <= latest.end,
                    (Some(_), None) => false,
                };
                Limit {
                    clause: ClauseKey {
                        policy: SmolStr::new(&bound.policy.id),
                        id: SmolStr::new(&bound.policy.power_clause(w).id),
                    },
                    latest,
                    within,
                }
            })
            .collect();
        Some(Ending {
            permitted: !grounds.is_empty() && limits.iter().any(|l| l.within),
            ends,
            limits,
        })
    }

    /// The notice the grounds require (or, when the action is not permitted, the first
    /// candidate).
    fn notice_required(
        &self,
        candidates: &[(usize, usize)],
        permitted: bool,
        now: Timestamp,
    ) -> Option<NoticeTerms> {
        candidates.iter().find_map(|&(p, k)| {
            let ps = self.states.get(p)?.powers.get(k)?;
            let power = self.world.policies.get(p)?.policy.powers.get(ps.power)?;
            (!permitted || exercisable(power, ps, now).is_some()).then(|| NoticeTerms::of(power))
        })
    }

    /// Judgment calls that, read the other way, would make a candidate exercisable now.
    fn flips(&self, candidates: &[(usize, usize)], now: Timestamp) -> Vec<Flip> {
        let mut flips: Vec<Flip> = Vec::new();
        for &(p, _) in candidates {
            let (Some(bound), Some(state)) = (self.world.policies.get(p), self.states.get(p))
            else {
                continue;
            };
            for (a, assumption) in bound.policy.assumptions.iter().enumerate() {
                let mut values = state.assumptions.clone();
                if let Some(v) = values.get_mut(a) {
                    *v = !*v;
                }
                let facts = StateFacts {
                    bound,
                    state,
                    assumptions: &values,
                    now,
                    account: None,
                };
                let grounds: Vec<String> = candidates
                    .iter()
                    .filter(|(q, _)| *q == p)
                    .filter_map(|&(_, k)| {
                        let ps = state.powers.get(k)?;
                        let power = bound.policy.powers.get(ps.power)?;
                        let holds = facts.for_instance(ps).holds(&power.condition.cond);
                        let ok = holds
                            && ps.prior_ok(power)
                            && notice_basis(
                                power.notice,
                                ps,
                                now,
                                ps.holds_since.or(holds.then_some(now)),
                            )
                            .is_some();
                        ok.then(|| bound.policy.power_clause(power).id.clone())
                    })
                    .collect();
                if !grounds.is_empty() && !flips.iter().any(|f| f.assumption == assumption.name) {
                    flips.push(Flip {
                        assumption: assumption.name.clone(),
                        value: !assumption.value,
                        grounds,
                    });
                }
            }
        }
        flips
    }

    pub(super) fn finish(mut self) -> Result<Outcome, ReplayError> {
        // The earliest permitted instant of each refused action, before the earliest instants
        // are moved out of the power states below.
        let mut verdicts = std::mem::take(&mut self.verdicts);
        for (v, candidates) in verdicts.iter_mut().zip(&self.pending_candidates) {
            if v.permitted {
                continue;
            }
            v.earliest_permitted = candidates
                .iter()
                .filter_map(|&(p, k)| self.states.get(p)?.powers.get(k)?.earliest.as_ref()?.at)
                .min();
        }
        let mut found: Vec<Vec<Option<EarliestInstant>>> = self
            .states
            .iter_mut()
            .map(|state| {
                state
                    .powers
                    .iter_mut()
                    .map(|ps| ps.earliest.take())
                    .collect()
            })
            .collect();
        let mut earliest = Vec::new();
        let mut duties = Vec::new();
        for p in 0..self.world.policies.len() {
            let Some(state) = self.states.get(p) else {
                continue;
            };
            let mut each = Vec::with_capacity(state.powers.len());
            for (k, ps) in state.powers.iter().enumerate() {
                let e = match found
                    .get_mut(p)
                    .and_then(|f| f.get_mut(k))
                    .and_then(Option::take)
                {
                    Some(e) => e,
                    None => self.never(p, k, ps),
                };
                each.push(e);
            }
            let mut each = each.into_iter();
            for slot in &state.slots {
                if slot.per_account {
                    let accounts: Vec<EarliestInstant> =
                        each.by_ref().take(self.world.accounts.len()).collect();
                    earliest.push(self.every_account(p, slot.start, accounts));
                } else if let Some(e) = each.next() {
                    earliest.push(e);
                }
            }
            duties.extend(self.duty_histories(p));
        }
        Ok(Outcome {
            verdicts,
            earliest,
            duties,
        })
    }

    /// The earliest instant of a power held against (or by) every account, from each
    /// account's: the first of them, its notice and basis; the account's side reads
    /// `(every account)`.
    fn every_account(
        &self,
        p: usize,
        start: usize,
        accounts: Vec<EarliestInstant>,
    ) -> EarliestInstant {
        let mut e = self.blank_earliest(p, start);
        let bound = self.world.policies.get(p);
        let side = self
            .states
            .get(p)
            .and_then(|s| s.powers.get(start))
            .and_then(|ps| bound?.policy.powers.get(ps.power))
            .and_then(|power| Some((bound?.account_side(power)?, power)));
        match side {
            Some((role, power)) if role == power.against => e.against = EVERY_ACCOUNT.to_owned(),
            Some(_) => e.holder = EVERY_ACCOUNT.to_owned(),
            None => {}
        }
        if let Some(first) = accounts
            .iter()
            .filter(|a| a.at.is_some())
            .min_by_key(|a| a.at)
        {
            e.at = first.at;
            e.notice = first.notice;
            e.basis = first.basis.clone();
        }
        e.condition_first_held = accounts.iter().filter_map(|a| a.condition_first_held).min();
        e.accounts = accounts;
        e
    }

    /// The earliest instant of power state `k` of policy `p`, which never became exercisable.
    fn never(&self, p: usize, k: usize, ps: &PowerState) -> EarliestInstant {
        let mut e = self.blank_earliest(p, k);
        e.condition_first_held = ps.first_held;
        if self.explain {
            let end = self.last_instant();
            let explainer = Explainer::new(self.world, &self.states, p, end, &self.memo);
            e.explanation = Some(explainer.never(k, ps));
        }
        e
    }

    /// The histories of the duties of policy `p`.
    fn duty_histories(&self, p: usize) -> Vec<DutyHistory> {
        let (Some(bound), Some(state)) = (self.world.policies.get(p), self.states.get(p)) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(state.duties.len());
        for (d, (duty, ds)) in bound.policy.duties.iter().zip(&state.duties).enumerate() {
            let clause = bound.policy.duty_clause(duty);
            let every = bound.parties.get(duty.holder).copied().flatten().is_none()
                && bound.every.get(duty.holder).copied().unwrap_or(false);
            let holder = match bound.parties.get(duty.holder).copied().flatten() {
                Some(x) => self.world.scenario.party_id(x).to_owned(),
                None if every => EVERY_ACCOUNT.to_owned(),
                None => "(unbound)".to_owned(),
            };
            let tally = ds.tally();
            let explained =
                self.explain && self.explained_duty.as_deref() == Some(clause.id.as_str());
            let explanation = explained.then(|| {
                Explainer::new(self.world, &self.states, p, self.last_instant(), &self.memo)
                    .duty_instances(d)
            });
            let deadlines = if self.explain {
                Explainer::new(self.world, &self.states, p, self.last_instant(), &self.memo)
                    .deadlines(d)
                    .map(std::sync::Arc::new)
            } else {
                None
            };
            out.push(DutyHistory {
                explanation,
                deadlines,
                accounts: if every {
                    accounts_tally(self.world, bound, &tally)
                } else {
                    Vec::new()
                },
                tally,
                duty: ClauseRef {
                    policy: bound.policy.id.clone(),
                    clause: clause.id.clone(),
                    title: clause.title.clone(),
                },
                title: clause.title.clone(),
                holder,
                changes: ds.history.clone(),
                last: ds.status,
            });
        }
        out
    }

    fn last_instant(&self) -> Timestamp {
        let s = &self.world.scenario;
        let mut last = Timestamp::MIN;
        for p in &s.posts {
            last = last
                .max(p.published)
                .max(p.reported.unwrap_or(last))
                .max(p.removed.unwrap_or(last));
        }
        for n in &s.notices {
            last = last.max(n.at);
        }
        for a in &s.actions {
            last = last.max(a.at);
        }
        for d in &s.deliveries {
            last = last.max(d.at);
        }
        for d in &s.determinations {
            last = last.max(d.at);
        }
        last.max(self.checks.last().copied().unwrap_or(last))
    }
}

/// The candidate powers of one action, weighed.
#[derive(Default)]
struct Weighed {
    grounds: Vec<ClauseRef>,
    /// The grounds, by (policy, power state).
    ground_states: Vec<(usize, usize)>,
    assumptions: Vec<AssumptionUse>,
    missing: Vec<Missing>,
    children: Vec<Explanation>,
}

/// A duty held by every account, its tally split by the account that owes each subject (a
/// post's author; an action's actor; a demand's party demanded of), in the order of the
/// parties; accounts that owe nothing are left out.
fn accounts_tally(
    world: &crate::bind::World,
    bound: &crate::bind::Bound,
    tally: &crate::outcome::DutyTally,
) -> Vec<crate::outcome::AccountTally> {
    let s = &world.scenario;
    let owed_by = |subject: u32| -> Option<usize> {
        let subject = subject as usize;
        match subject.checked_sub(s.posts.len()) {
            None => bound.account(subject),
            Some(k) => s.actions.get(k).map(|a| {
                if a.demands.is_some() {
                    a.against
                } else {
                    a.actor
                }
            }),
        }
    };
    let mut out: Vec<crate::outcome::AccountTally> = Vec::new();
    let standings = [&tally.in_time, &tally.late, &tally.overdue, &tally.open];
    for (n, subjects) in standings.into_iter().enumerate() {
        for &subject in subjects {
            let Some(party) = owed_by(subject) else {
                continue;
            };
            let at = match out.binary_search_by_key(&party, |a| a.party) {
                Ok(at) => at,
                Err(at) => {
                    out.insert(
                        at,
                        crate::outcome::AccountTally {
                            party,
                            counts: [0; 4],
                        },
                    );
                    at
                }
            };
            if let Some(count) = out.get_mut(at).and_then(|a| a.counts.get_mut(n)) {
                *count += 1;
            }
        }
    }
    out
}
