//! Judging an action at its instant (permitted on which powers, resting on which judgment
//! calls, or what was missing and which judgment call would flip it), and gathering the
//! outcome when the timeline ends.

use jiff::Timestamp;
use modsim_policy::Notice;

use super::state::{StateFacts, exercisable, notice_basis};
use super::{Replay, ReplayError};
use crate::explain::Explainer;
use crate::outcome::*;

impl Replay<'_> {
    pub(super) fn judge(&mut self, action_index: usize, now: Timestamp) {
        let s = &self.world.scenario;
        let Some(action) = s.actions.get(action_index) else {
            return;
        };
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
        let mut grounds = Vec::new();
        let mut children = Vec::new();
        let mut missing = Vec::new();
        let mut assumptions: Vec<AssumptionUse> = Vec::new();
        for &(p, i) in &candidates {
            let Some(ps) = self.states.get(p).and_then(|st| st.powers.get(i)) else {
                continue;
            };
            let Some(bound) = self.world.policies.get(p) else {
                continue;
            };
            let notice = bound.policy.powers.get(i).map(|w| w.notice);
            let basis = exercisable(notice, ps, now);
            let explainer = Explainer::new(self.world, &self.states, p, now, &self.memo);
            let (explanation, used) = if self.explain {
                explainer.power(i, basis.as_ref())
            } else {
                (Explanation::default(), Vec::new())
            };
            let (clause, title) = bound
                .policy
                .powers
                .get(i)
                .map(|w| bound.policy.power_clause(w))
                .map(|c| (c.id.clone(), c.title.clone()))
                .unwrap_or_default();
            if basis.is_some() {
                grounds.push(ClauseRef {
                    policy: bound.policy.id.clone(),
                    clause,
                    title,
                });
                for a in used {
                    if !assumptions.iter().any(|u| u.name == a.name) {
                        assumptions.push(a);
                    }
                }
            } else {
                if self.explain {
                    missing.push(format!("`{clause}`: {}", explainer.missing(i)));
                }
            }
            children.push(explanation);
        }
        // Clauses taken out that would have been candidates, so the reader sees why they are absent.
        for bound in &self.world.policies {
            for clause in bound.policy.clauses.iter().filter(|c| c.taken_out) {
                children.push(
                    Explanation::leaf(text!(
                        "clause {} ({}) is taken out for this run (`--without` or a reform)",
                        clause.id,
                        clause.title
                    ))
                    .citing(&clause.id),
                );
            }
        }
        let permitted = !grounds.is_empty();
        if permitted {
            // What other candidates lacked stays in the explanation; `missing` is for refusals.
            missing.clear();
        }
        let mut would_be_permitted_if = Vec::new();
        if !permitted {
            if candidates.is_empty() {
                missing.push(format!(
                    "no clause in force gives `{}` a power to `{}` against `{}`",
                    s.party_id(action.actor),
                    action.action,
                    s.party_id(action.against)
                ));
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
        let required_of = |&(p, i): &(usize, usize)| {
            self.world
                .policies
                .get(p)
                .and_then(|b| b.policy.powers.get(i))
                .map(notice_requirement)
        };
        let notice_required = candidates
            .iter()
            .filter(|&&(p, i)| {
                !permitted
                    || self
                        .states
                        .get(p)
                        .and_then(|st| st.powers.get(i))
                        .is_some_and(|ps| {
                            let notice = self
                                .world
                                .policies
                                .get(p)
                                .and_then(|b| b.policy.powers.get(i))
                                .map(|w| w.notice);
                            exercisable(notice, ps, now).is_some()
                        })
            })
            .find_map(required_of);
        let notice_given = s
            .notices
            .iter()
            .filter(|n| n.from == action.actor && n.to == action.against && n.at <= now)
            .map(|n| n.at)
            .max();
        let verdict_word = if permitted {
            "PERMITTED"
        } else {
            "NOT PERMITTED"
        };
        let text = if self.explain {
            format!(
                "{} {} {} at {}: {}",
                s.party_id(action.actor),
                action.action,
                s.party_id(action.against),
                modsim_policy::show_instant(now, &s.zone),
                verdict_word
            )
        } else {
            String::new()
        };
        self.verdicts.push(Verdict {
            action_index,
            actor: s.party_id(action.actor).to_owned(),
            action: action.action.clone(),
            against: s.party_id(action.against).to_owned(),
            at: now,
            permitted,
            grounds,
            assumptions,
            missing,
            earliest_permitted: None,
            would_be_permitted_if,
            policies,
            notice_given,
            notice_required,
            explanation: Explanation::leaf(text).with(children),
        });
        // The earliest permitted instant is known only at the end of the replay.
        self.pending_candidates.push(candidates);
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
        for (p, bound) in self.world.policies.iter().enumerate() {
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
                    None => {
                        let mut e = self.blank_earliest(p, i);
                        e.condition_first_held = ps.first_held;
                        if self.explain {
                            let end = self.last_instant();
                            let explainer =
                                Explainer::new(self.world, &self.states, p, end, &self.memo);
                            e.explanation = explainer.never(i, ps);
                        }
                        e
                    }
                };
                earliest.push(e);
            }
            for (d, ds) in state.duties.iter().enumerate() {
                let Some(duty) = bound.policy.duties.get(d) else {
                    continue;
                };
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
                let tally = ds.tally();
                duties.push(DutyHistory {
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
        }
        Ok(Outcome {
            verdicts,
            earliest,
            duties,
        })
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

/// What notice a power requires, in words: `immediately upon notice`, `none`,
/// `advance notice of 30 calendar days`, with any cure period.
fn notice_requirement(power: &modsim_policy::Power) -> String {
    let base = match power.notice {
        Notice::None => "none".to_owned(),
        Notice::Immediate => "immediately upon notice".to_owned(),
        Notice::Advance(p) => format!("advance notice of {}", p.period),
    };
    match power.cure {
        Some(c) => format!("{base}, then a cure period of {}", c.period),
        None => base,
    }
}
