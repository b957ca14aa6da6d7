//! Judging an action at its instant (permitted on which powers, resting on which judgment
//! calls, or what was missing and which judgment call would flip it), and gathering the
//! outcome when the timeline ends.

use jiff::Timestamp;

use super::explain::Explainer;
use super::state::{PowerState, StateFacts, exercisable, notice_basis};
use super::{Replay, ReplayError};
use crate::explanation::{ClauseKey, Explanation, Missing, Node, NoticeTerms, Reason, event_id};
use crate::outcome::{
    AssumptionUse, ClauseRef, DutyHistory, EarliestInstant, Flip, Outcome, Verdict,
};
use crate::scenario::ActionEvent;
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
        let mut policies: Vec<String> = Vec::new();
        for &(p, _) in &candidates {
            if let Some(b) = self.world.policies.get(p)
                && !policies.contains(&b.policy.id)
            {
                policies.push(b.policy.id.clone());
            }
        }
        let explanation = self.explain.then(|| {
            Explanation::leaf(Node::Verdict {
                event: event_id("action", action_index),
                actor: SmolStr::new(s.party_id(action.actor)),
                action: SmolStr::new_static(action.action.name()),
                against: SmolStr::new(s.party_id(action.against)),
                at: now,
                permitted,
            })
            .with(std::mem::take(&mut weighed.children))
        });
        self.verdicts.push(Verdict {
            action_index,
            actor: s.party_id(action.actor).to_owned(),
            action: action.action.to_string(),
            against: s.party_id(action.against).to_owned(),
            at: now,
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
            explanation,
        });
        // The earliest permitted instant is known only at the end of the replay.
        self.pending_candidates.push(candidates);
    }

    /// The powers, by (policy, power), that could permit `action`: held by its actor against
    /// the party it is taken against, for its kind of action.
    fn candidates(&self, action: &ActionEvent) -> Vec<(usize, usize)> {
        let mut candidates = Vec::new();
        for (p, bound) in self.world.policies.iter().enumerate() {
            for (i, power) in bound.policy.powers.iter().enumerate() {
                let holder = bound.parties.get(power.holder).copied().flatten();
                let against = bound.parties.get(power.against).copied().flatten();
                if holder == Some(action.actor)
                    && against == Some(action.against)
                    && power.action == action.action
                {
                    candidates.push((p, i));
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
        for &(p, i) in candidates {
            let (Some(bound), Some(ps)) = (
                self.world.policies.get(p),
                self.states.get(p).and_then(|st| st.powers.get(i)),
            ) else {
                continue;
            };
            let Some(power) = bound.policy.powers.get(i) else {
                continue;
            };
            let clause = bound.policy.power_clause(power);
            let basis = exercisable(Some(power.notice), ps, now);
            let explainer = Explainer::new(self.world, &self.states, p, now, &self.memo);
            let used = if self.explain {
                let (explanation, used) = explainer.power(i, basis);
                weighed.children.push(explanation);
                used
            } else {
                Vec::new()
            };
            if basis.is_some() {
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
                    reason: explainer.missing(i),
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

    /// The notice the grounds require (or, when the action is not permitted, the first
    /// candidate).
    fn notice_required(
        &self,
        candidates: &[(usize, usize)],
        permitted: bool,
        now: Timestamp,
    ) -> Option<NoticeTerms> {
        candidates.iter().find_map(|&(p, i)| {
            let power = self.world.policies.get(p)?.policy.powers.get(i)?;
            let ps = self.states.get(p)?.powers.get(i)?;
            (!permitted || exercisable(Some(power.notice), ps, now).is_some())
                .then(|| NoticeTerms::of(power))
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
                    .filter_map(|&(_, i)| {
                        let power = bound.policy.powers.get(i)?;
                        let ps = state.powers.get(i)?;
                        let holds = facts.for_power(i).holds(&power.condition.cond);
                        let ok = holds
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
                .filter_map(|&(p, i)| self.states.get(p)?.powers.get(i)?.earliest.as_ref()?.at)
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
            for (i, ps) in state.powers.iter().enumerate() {
                let e = match found
                    .get_mut(p)
                    .and_then(|f| f.get_mut(i))
                    .and_then(Option::take)
                {
                    Some(e) => e,
                    None => self.never(p, i, ps),
                };
                earliest.push(e);
            }
            duties.extend(self.duty_histories(p));
        }
        Ok(Outcome {
            verdicts,
            earliest,
            duties,
        })
    }

    /// The earliest instant of power `i` of policy `p`, which never became exercisable.
    fn never(&self, p: usize, i: usize, ps: &PowerState) -> EarliestInstant {
        let mut e = self.blank_earliest(p, i);
        e.condition_first_held = ps.first_held;
        if self.explain {
            let end = self.last_instant();
            let explainer = Explainer::new(self.world, &self.states, p, end, &self.memo);
            e.explanation = Some(explainer.never(i, ps));
        }
        e
    }

    /// The histories of the duties of policy `p`.
    fn duty_histories(&self, p: usize) -> Vec<DutyHistory> {
        let (Some(bound), Some(state)) = (self.world.policies.get(p), self.states.get(p)) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(state.duties.len());
        for (duty, ds) in bound.policy.duties.iter().zip(&state.duties) {
            let clause = bound.policy.duty_clause(duty);
            let holder = bound
                .parties
                .get(duty.holder)
                .copied()
                .flatten()
                .map_or_else(
                    || "(unbound)".to_owned(),
                    |x| self.world.scenario.party_id(x).to_owned(),
                );
            out.push(DutyHistory {
                tally: ds.tally(),
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
        last.max(self.checks.last().copied().unwrap_or(last))
    }
}

/// The candidate powers of one action, weighed.
#[derive(Default)]
struct Weighed {
    grounds: Vec<ClauseRef>,
    assumptions: Vec<AssumptionUse>,
    missing: Vec<Missing>,
    children: Vec<Explanation>,
}
