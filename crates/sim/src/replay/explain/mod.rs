//! Explaining: the derivation trees of [`crate::explanation`], built from the replay's state
//! at the instant explained, from a power's standing down to its clause, the parts of its
//! condition, the duties and posts those rest on, and the notice arithmetic.
//!
//! This module reads the replay's state ([`super::state`]) and never changes it; it writes no
//! prose (renderers do, from the tree). Duties, their subjects and tallies are in [`duty`].

mod duty;
mod history;

use std::cell::RefCell;

use jiff::Timestamp;
use modsim_policy::{Cond, Notice};
use smol_str::SmolStr;

use super::state::{self, PolicyState, PowerState, StateFacts};
use crate::bind::{Bound, World};
use crate::explanation::{
    AccountCounts, Basis, ClauseKey, Counts, Determination, Explanation, FactValue, Held, Lack,
    Node, NoticeArithmetic, NoticesAvailable, Readied, Reason, event_id,
};
use crate::outcome::AssumptionUse;

/// Explains one policy's powers and duties at one instant.
pub(crate) struct Explainer<'a> {
    world: &'a World,
    states: &'a [PolicyState],
    policy: usize,
    now: Timestamp,
    memo: &'a Memo,
}

/// Duty explanations a replay builds more than once, kept so that each is built once.
///
/// A power's explanation reads its duties (`breached("4.2")`) and other powers
/// (`available("6.1(b)")`), and several powers are explained at the same step or while a
/// duty stands unchanged: a duty's explanation is kept by what it is built from
/// ([`DutyKey`]).
#[derive(Debug, Default)]
pub(crate) struct Memo {
    duties: RefCell<Kept<DutyKey, Explanation>>,
}

/// What a duty's explanation is built from besides the policy and the scenario: the duty's
/// state (its version, which every change of an instance bumps), and the instant explained
/// when the tree shows it (a duty with deadlines tallies "at" it; a demand lists the
/// deliveries made by it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct DutyKey {
    policy: usize,
    duty: usize,
    version: u32,
    at: Option<Timestamp>,
}

/// A few kept values by key, searched in order: a step explains a handful of duties, so a
/// list beats hashing.
#[derive(Debug)]
struct Kept<K, V>(Vec<(K, V)>);

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept(Vec::new())
    }
}

impl<K: PartialEq, V> Kept<K, V> {
    fn get(&self, key: &K) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Keeps `value`; past 64 values, forgets the older ones first (it is only a cache, and a
    /// long list would cost more to search than to rebuild).
    fn insert(&mut self, key: K, value: V) {
        if self.0.len() >= 64 {
            self.0.clear();
        }
        self.0.push((key, value));
    }
}

impl<'a> Explainer<'a> {
    pub(crate) fn new(
        world: &'a World,
        states: &'a [PolicyState],
        policy: usize,
        now: Timestamp,
        memo: &'a Memo,
    ) -> Explainer<'a> {
        Explainer {
            world,
            states,
            policy,
            now,
            memo,
        }
    }

    fn bound(&self) -> Option<&'a Bound> {
        self.world.policies.get(self.policy)
    }

    fn state(&self) -> Option<&'a PolicyState> {
        self.states.get(self.policy)
    }

    /// A clause of this policy, by id.
    fn key(&self, id: &str) -> ClauseKey {
        ClauseKey {
            policy: self
                .bound()
                .map_or_else(SmolStr::default, |b| SmolStr::new(&b.policy.id)),
            id: SmolStr::new(id),
        }
    }

    fn facts(&self) -> Option<StateFacts<'a>> {
        Some(StateFacts {
            bound: self.bound()?,
            state: self.state()?,
            assumptions: &self.state()?.assumptions,
            now: self.now,
            account: None,
        })
    }

    /// The facts as power state `k` reads them (`account.*` is its account, or the party its
    /// power is held against).
    fn facts_for(&self, k: usize) -> Option<StateFacts<'a>> {
        let ps = self.power_state(k)?;
        self.facts().map(|f| f.for_instance(ps))
    }

    /// Power state `k` and its power.
    fn power_of(&self, k: usize) -> Option<(&'a PowerState, &'a modsim_policy::Power)> {
        let ps = self.power_state(k)?;
        Some((ps, self.bound()?.policy.powers.get(ps.power)?))
    }

    /// The party of `role` for power state `k`: bound to it, or the state's account when the
    /// role stands for every account.
    fn party_for(&self, role: usize, k: usize) -> SmolStr {
        let bound_party = self
            .bound()
            .and_then(|b| b.parties.get(role).copied().flatten());
        match (bound_party, self.power_state(k).and_then(|ps| ps.account)) {
            (Some(p), _) | (None, Some(p)) => SmolStr::new(self.world.scenario.party_id(p)),
            (None, None) => SmolStr::new_static("(unbound)"),
        }
    }

    fn party(&self, role: usize) -> SmolStr {
        self.bound()
            .and_then(|b| b.parties.get(role).copied().flatten())
            .map_or_else(
                || SmolStr::new_static("(unbound)"),
                |p| SmolStr::new(self.world.scenario.party_id(p)),
            )
    }

    fn power_state(&self, k: usize) -> Option<&'a PowerState> {
        self.state()?.powers.get(k)
    }

    /// The notice basis of power state `k`, as data.
    pub(crate) fn basis(&self, k: usize, basis: state::Basis) -> Basis {
        match basis {
            state::Basis::NoNoticeNeeded => Basis::NoNoticeNeeded,
            state::Basis::Notice(r) => match self.power_state(k).and_then(|ps| ps.ready.get(r)) {
                Some(r) => Basis::Notice(notice_arithmetic(r)),
                None => Basis::NoNoticeNeeded,
            },
        }
    }

    /// Explains power state `k` at the explainer's instant: exercisable on `basis`, or not.
    /// Returns the tree and the judgment calls it rests on.
    pub(crate) fn power(
        &self,
        k: usize,
        basis: Option<state::Basis>,
    ) -> (Explanation, Vec<AssumptionUse>) {
        let mut used = Vec::new();
        let (Some(bound), Some(facts), Some((ps, power))) =
            (self.bound(), self.facts_for(k), self.power_of(k))
        else {
            return (Explanation::leaf(Node::Constant { value: false }), used);
        };
        let clause = self.key(&bound.policy.power_clause(power).id);
        let holds = facts.holds(&power.condition.cond);
        let condition = Explanation::leaf(Node::Condition {
            clause: clause.clone(),
            holds,
            at: self.now,
        })
        .with(self.cond(&power.condition.cond, &facts, &mut used));
        let mut children = vec![Explanation::leaf(Node::Clause {
            clause: clause.clone(),
        })];
        children.push(condition);
        if let Some(after) = power.after {
            children.push(Explanation::leaf(Node::Prior {
                clause: clause.clone(),
                action: SmolStr::new_static(after.name()),
                event: ps.prior.map(|a| event_id("action", a)),
            }));
        }
        children.push(self.notice(k, basis));
        let tree = Explanation::leaf(Node::Power {
            clause,
            holder: self.party_for(power.holder, k),
            action: SmolStr::new_static(power.action.name()),
            against: self.party_for(power.against, k),
            exercisable: basis.is_some(),
        })
        .with(children);
        (tree, used)
    }

    fn notice(&self, k: usize, basis: Option<state::Basis>) -> Explanation {
        let clause = self
            .bound()
            .zip(self.power_of(k))
            .map(|(b, (_, power))| self.key(&b.policy.power_clause(power).id))
            .unwrap_or_else(|| self.key(""));
        let detail = match basis {
            Some(b) => Node::NoticeBasis {
                basis: self.basis(k, b),
            },
            None => Node::NoticeLacking { lack: self.lack(k) },
        };
        Explanation::leaf(Node::NoticeRule { clause }).with(vec![Explanation::leaf(detail)])
    }

    /// Why the notice does not allow power state `k` now.
    fn lack(&self, k: usize) -> Lack {
        let Some((ps, power)) = self.power_of(k) else {
            return Lack::NoNoticeNeeded;
        };
        if power.notice == Notice::None {
            return Lack::NoNoticeNeeded;
        }
        let Some(r) = ps.ready.first() else {
            return Lack::NoNotice {
                from: self.party_for(power.holder, k),
                to: self.party_for(power.against, k),
            };
        };
        let notice = event_id("notice", r.notice);
        if r.given > self.now {
            Lack::Later {
                notice,
                given: r.given,
            }
        } else if r.ready > self.now {
            Lack::NotBefore(notice_arithmetic(r))
        } else if r.continuous {
            Lack::Broken {
                notice,
                given: r.given,
            }
        } else {
            Lack::Given {
                notice,
                given: r.given,
            }
        }
    }

    /// Why power state `k` is not exercisable now.
    pub(crate) fn missing(&self, k: usize) -> Reason {
        let (Some(facts), Some((ps, power))) = (self.facts_for(k), self.power_of(k)) else {
            return Reason::ConditionFails;
        };
        if !facts.holds(&power.condition.cond) {
            Reason::ConditionFails
        } else if let Some(after) = power.after.filter(|_| !ps.prior_ok(power)) {
            Reason::NoPrior {
                action: SmolStr::new_static(after.name()),
            }
        } else {
            Reason::Notice { lack: self.lack(k) }
        }
    }

    /// Explains why power state `k` never became exercisable in the timeline.
    pub(crate) fn never(&self, k: usize, ps: &PowerState) -> Explanation {
        let (Some(bound), Some((_, power))) = (self.bound(), self.power_of(k)) else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let clause = self.key(&bound.policy.power_clause(power).id);
        let held = match ps.first_held {
            Some(t) if t == Timestamp::MIN => Held::Start,
            Some(t) => Held::At(t),
            None => Held::Never,
        };
        let notices = if power.notice == Notice::None {
            NoticesAvailable::NotNeeded
        } else if ps.ready.is_empty() {
            NoticesAvailable::None {
                from: self.party_for(power.holder, k),
                to: self.party_for(power.against, k),
            }
        } else {
            NoticesAvailable::Ready {
                notices: ps
                    .ready
                    .iter()
                    .map(|r| Readied {
                        notice: event_id("notice", r.notice),
                        given: r.given,
                        ready: r.ready,
                    })
                    .collect(),
            }
        };
        let (explanation, _) = self.power(k, None);
        Explanation::leaf(Node::Never {
            clause: clause.clone(),
        })
        .with(vec![
            Explanation::leaf(Node::FirstHeld { clause, held }),
            Explanation::leaf(Node::NoticesAvailable { notices }),
            explanation,
        ])
    }

    /// The parts of a condition that decide it, explained.
    fn cond(
        &self,
        c: &Cond,
        facts: &StateFacts<'_>,
        used: &mut Vec<AssumptionUse>,
    ) -> Vec<Explanation> {
        let Some(bound) = self.bound() else {
            return Vec::new();
        };
        let policy = &bound.policy;
        match c {
            Cond::Const(b) => vec![Explanation::leaf(Node::Constant { value: *b })],
            Cond::Not(inner) => vec![
                Explanation::leaf(Node::Not {
                    inner_holds: facts.holds(inner),
                })
                .with(self.cond(inner, facts, used)),
            ],
            Cond::All(cs) => {
                let all = facts.holds(c);
                cs.iter()
                    .filter(|x| all || !facts.holds(x))
                    .flat_map(|x| self.cond(x, facts, used))
                    .collect()
            }
            Cond::Any(cs) => {
                let any = facts.holds(c);
                let mut ignored = Vec::new();
                let sink = if any { used } else { &mut ignored };
                cs.iter()
                    .filter(|x| !any || facts.holds(x))
                    .flat_map(|x| self.cond(x, facts, sink))
                    .collect()
            }
            Cond::Breached(d) | Cond::Fulfilled(d) => vec![self.duty(*d)],
            Cond::Available(q) => {
                let Some(other) = policy.powers.get(*q) else {
                    return Vec::new();
                };
                let facts = &facts.for_power(*q);
                vec![
                    Explanation::leaf(Node::Available {
                        clause: self.key(&policy.power_clause(other).id),
                        available: facts.holds(&other.condition.cond),
                    })
                    .with(self.cond(&other.condition.cond, facts, used)),
                ]
            }
            Cond::Assumption(a) => self.assumption(*a, facts, used),
            Cond::TakenOut(id) => vec![Explanation::leaf(Node::TakenOut {
                clause: self.key(id),
            })],
            other => vec![Explanation::leaf(Node::Comparison {
                holds: facts.holds(other),
                counts: self.counts(facts, other),
            })],
        }
    }

    /// Judgment call `a` as a condition reads it: its value (given, or by default), its clause
    /// and how the scenario dates it; noted among the calls the answer rests on.
    fn assumption(
        &self,
        a: usize,
        facts: &StateFacts<'_>,
        used: &mut Vec<AssumptionUse>,
    ) -> Vec<Explanation> {
        let Some(policy) = self.bound().map(|b| &b.policy) else {
            return Vec::new();
        };
        let Some(assumption) = policy.assumptions.get(a) else {
            return Vec::new();
        };
        let value = facts
            .assumptions
            .get(a)
            .copied()
            .unwrap_or(assumption.value);
        used.push(AssumptionUse {
            name: assumption.name.clone(),
            value,
            default: assumption.default,
            question: assumption.question.clone(),
        });
        vec![Explanation::leaf(Node::Assumption {
            policy: SmolStr::new(&policy.id),
            name: SmolStr::new(&assumption.name),
            value,
            by_default: value == assumption.default,
            clause: assumption.clause.as_deref().map(|id| self.key(id)),
            determination: self.determination(a, facts.account),
        })]
    }

    /// How the scenario dates judgment call `a` of this policy, as read for `account`: made
    /// by the instant (by whom, when), not yet, or not dated at all.
    fn determination(&self, a: usize, account: Option<usize>) -> Option<Determination> {
        let (bound, state) = (self.bound()?, self.state()?);
        let dating = state.dating.get(a)?;
        if !dating.dated {
            return None;
        }
        let assumption = bound.policy.assumptions.get(a)?;
        let s = &self.world.scenario;
        let applies = |d: &crate::timeline::DeterminationEvent| {
            d.name == assumption.name
                && state::may_determine(bound, assumption.by, d.by)
                && d.about.is_none_or(|x| Some(x) == account)
        };
        let made = s
            .determinations
            .iter()
            .enumerate()
            .find(|(_, d)| applies(d) && d.at <= self.now);
        Some(match made {
            Some((k, d)) => Determination::Made {
                event: event_id("determination", k),
                at: d.at,
                by: SmolStr::new(s.party_id(d.by)),
            },
            None => Determination::NotYet {
                next: s
                    .determinations
                    .iter()
                    .enumerate()
                    .find(|(_, d)| applies(d))
                    .map(|(k, _)| event_id("determination", k)),
            },
        })
    }

    /// The counts, account counts, scenario facts and history counts a comparison may have
    /// read (the history counts it does read).
    fn counts(&self, facts: &StateFacts<'_>, comparison: &Cond) -> Counts {
        let s = &self.world.scenario;
        let state = facts.state;
        let account = facts.account.map(|a| {
            let get = |v: &[i64]| v.get(a).copied().unwrap_or(0);
            AccountCounts {
                party: SmolStr::new(s.party_id(a)),
                posts: get(&state.account_posts),
                prohibited: get(&state.account_prohibited),
                live: get(&state.account_live),
            }
        });
        let read_for = facts.account;
        let facts: Vec<FactValue> = facts
            .bound
            .policy
            .facts
            .iter()
            .zip(&state.facts)
            .map(|(name, value)| FactValue {
                name: SmolStr::new(&name.name),
                value: *value,
                known_from: s
                    .facts
                    .iter()
                    .enumerate()
                    .rev()
                    .find(|(_, f)| f.name == name.name && f.at <= self.now)
                    .map(|(k, _)| event_id("fact", k)),
            })
            .collect();
        let mut history = Vec::new();
        if let (Cond::CompareNum(_, a, b), Some(party)) = (comparison, read_for) {
            for n in [a, b] {
                n.visit(&mut |n| {
                    if let modsim_policy::condition::Num::History(h) = n {
                        history.push(self.history(*h, party, state));
                    }
                });
            }
        }
        Counts {
            reports: state.reports,
            live_reported: state.live_reported,
            live_prohibited: state.live_prohibited,
            account,
            facts,
            history,
        }
    }
}

/// A notice's readiness for a power, as data.
fn notice_arithmetic(r: &state::Readiness) -> NoticeArithmetic {
    NoticeArithmetic {
        notice: event_id("notice", r.notice),
        given: r.given,
        ready: r.ready,
        periods: r.periods.clone(),
    }
}
