//! Explaining: the derivation trees of [`crate::explanation`], built from the replay's state
//! at the instant explained, from a power's standing down to its clause, the parts of its
//! condition, the duties and posts those rest on, and the notice arithmetic.
//!
//! This module reads the replay's state ([`crate::replay::state`]) and never changes it; it
//! writes no prose (renderers do, from the tree).

use std::cell::RefCell;

use jiff::Timestamp;
use modsim_policy::{Cond, Mark, Notice, Trigger};
use smol_str::SmolStr;

use crate::bind::{Bound, World};
use crate::explanation::{
    AccountCounts, Basis, ClauseKey, Computed, Counts, Due, DueFrom, Explanation, FactValue, Held,
    Lack, Node, NoticeArithmetic, NoticesAvailable, Readied, Reason, Standing, SubjectKind,
    SubjectRef, event_id,
};
use crate::outcome::AssumptionUse;
use crate::replay::state::{self, DutyState, Instance, PolicyState, PowerState, StateFacts};

/// How many of a duty's overdue subjects an explanation shows one by one.
const POSTS_SHOWN: usize = 3;

/// How many subjects of each standing a duty's tally names.
const TALLY_SHOWN: usize = 12;

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

    /// The facts as power `i` reads them (`account.*` is the account it is held against).
    fn facts_for(&self, i: usize) -> Option<StateFacts<'a>> {
        self.facts().map(|f| f.for_power(i))
    }

    fn party(&self, role: usize) -> SmolStr {
        self.bound()
            .and_then(|b| b.parties.get(role).copied().flatten())
            .map_or_else(
                || SmolStr::new_static("(unbound)"),
                |p| SmolStr::new(self.world.scenario.party_id(p)),
            )
    }

    fn power_state(&self, i: usize) -> Option<&'a PowerState> {
        self.state()?.powers.get(i)
    }

    /// The notice basis of power `i`, as data.
    pub(crate) fn basis(&self, i: usize, basis: state::Basis) -> Basis {
        match basis {
            state::Basis::NoNoticeNeeded => Basis::NoNoticeNeeded,
            state::Basis::Notice(r) => match self.power_state(i).and_then(|ps| ps.ready.get(r)) {
                Some(r) => Basis::Notice(notice_arithmetic(r)),
                None => Basis::NoNoticeNeeded,
            },
        }
    }

    /// Explains power `i` at the explainer's instant: exercisable on `basis`, or not.
    /// Returns the tree and the judgment calls it rests on.
    pub(crate) fn power(
        &self,
        i: usize,
        basis: Option<state::Basis>,
    ) -> (Explanation, Vec<AssumptionUse>) {
        let mut used = Vec::new();
        let (Some(bound), Some(facts)) = (self.bound(), self.facts_for(i)) else {
            return (Explanation::leaf(Node::Constant { value: false }), used);
        };
        let Some(power) = bound.policy.powers.get(i) else {
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
        let tree = Explanation::leaf(Node::Power {
            clause: clause.clone(),
            holder: self.party(power.holder),
            action: SmolStr::new(&power.action),
            against: self.party(power.against),
            exercisable: basis.is_some(),
        })
        .with(vec![
            Explanation::leaf(Node::Clause { clause }),
            condition,
            self.notice(i, basis),
        ]);
        (tree, used)
    }

    fn notice(&self, i: usize, basis: Option<state::Basis>) -> Explanation {
        let clause = self
            .bound()
            .and_then(|b| Some(self.key(&b.policy.power_clause(b.policy.powers.get(i)?).id)))
            .unwrap_or_else(|| self.key(""));
        let detail = match basis {
            Some(b) => Node::NoticeBasis {
                basis: self.basis(i, b),
            },
            None => Node::NoticeLacking { lack: self.lack(i) },
        };
        Explanation::leaf(Node::NoticeRule { clause }).with(vec![Explanation::leaf(detail)])
    }

    /// Why the notice does not allow power `i` now.
    fn lack(&self, i: usize) -> Lack {
        let (Some(bound), Some(ps)) = (self.bound(), self.power_state(i)) else {
            return Lack::NoNoticeNeeded;
        };
        let Some(power) = bound.policy.powers.get(i) else {
            return Lack::NoNoticeNeeded;
        };
        if power.notice == Notice::None {
            return Lack::NoNoticeNeeded;
        }
        let Some(r) = ps.ready.first() else {
            return Lack::NoNotice {
                from: self.party(power.holder),
                to: self.party(power.against),
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

    /// Why power `i` is not exercisable now.
    pub(crate) fn missing(&self, i: usize) -> Reason {
        let (Some(bound), Some(facts)) = (self.bound(), self.facts_for(i)) else {
            return Reason::ConditionFails;
        };
        match bound.policy.powers.get(i) {
            Some(power) if !facts.holds(&power.condition.cond) => Reason::ConditionFails,
            _ => Reason::Notice { lack: self.lack(i) },
        }
    }

    /// Explains why power `i` never became exercisable in the timeline.
    pub(crate) fn never(&self, i: usize, ps: &PowerState) -> Explanation {
        let Some(bound) = self.bound() else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let Some(power) = bound.policy.powers.get(i) else {
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
                from: self.party(power.holder),
                to: self.party(power.against),
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
        let (explanation, _) = self.power(i, None);
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
            Cond::Assumption(a) => {
                let Some(assumption) = policy.assumptions.get(*a) else {
                    return Vec::new();
                };
                let value = facts
                    .assumptions
                    .get(*a)
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
                })]
            }
            Cond::TakenOut(id) => vec![Explanation::leaf(Node::TakenOut {
                clause: self.key(id),
            })],
            other => vec![Explanation::leaf(Node::Comparison {
                holds: facts.holds(other),
                counts: self.counts(facts),
            })],
        }
    }

    /// The counts, account counts and scenario facts a comparison may have read.
    fn counts(&self, facts: &StateFacts<'_>) -> Counts {
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
        let facts = facts
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
        Counts {
            reports: state.reports,
            live_reported: state.live_reported,
            live_prohibited: state.live_prohibited,
            account,
            facts,
        }
    }

    /// Explains the state of duty `d` now, down to its posts or demands: built once for each
    /// [`DutyKey`].
    fn duty(&self, d: usize) -> Explanation {
        let reads_now = self
            .bound()
            .and_then(|b| b.policy.duties.get(d))
            // A tally "at" the instant; a demand's node lists the deliveries made by it.
            .is_some_and(|duty| {
                duty.open_ended || !duty.within.period.is_zero() || duty.opens == Trigger::Demanded
            });
        let key = DutyKey {
            policy: self.policy,
            duty: d,
            version: self
                .state()
                .and_then(|state| state.duties.get(d))
                .map_or(0, |ds| ds.version),
            at: reads_now.then_some(self.now),
        };
        if let Some(e) = self.memo.duties.borrow().get(&key) {
            // Test builds check that the key holds everything the explanation is built from.
            debug_assert_eq!(*e, self.build_duty(d), "a kept explanation went stale");
            return e.clone();
        }
        let e = self.build_duty(d);
        self.memo.duties.borrow_mut().insert(key, e.clone());
        e
    }

    fn build_duty(&self, d: usize) -> Explanation {
        let (Some(bound), Some(state)) = (self.bound(), self.state()) else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let policy = &bound.policy;
        let (Some(duty), Some(ds)) = (policy.duties.get(d), state.duties.get(d)) else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let s = &self.world.scenario;
        let clause = self.key(&policy.duty_clause(duty).id);
        let reconstructed = s.posts_mark == Mark::Reconstructed && duty.opens != Trigger::Demanded;
        let sample = Sample::of(ds, bound);
        let mut children = Vec::with_capacity(8);
        children.push(Explanation::leaf(Node::Clause {
            clause: clause.clone(),
        }));
        // Which prohibitions the overdue posts fall under.
        for (rule, count) in &sample.by_rule {
            let Some(prohibition) = policy.prohibitions.get(*rule as usize) else {
                continue;
            };
            let id = policy
                .clauses
                .get(prohibition.clause)
                .map_or("", |c| c.id.as_str());
            children.push(Explanation::leaf(Node::ProhibitedUnder {
                clause: self.key(id),
                count: *count,
            }));
        }
        for &k in &sample.overdue {
            children.push(self.subject(d, k as usize));
        }
        let overdue = ds.breached();
        if overdue as usize > POSTS_SHOWN {
            children.push(Explanation::leaf(Node::More {
                count: overdue - POSTS_SHOWN as u32,
                of: if duty.opens == Trigger::Demanded {
                    SubjectKind::Demands
                } else {
                    SubjectKind::Posts
                },
            }));
        }
        // A duty with a deadline (or none) per subject: which were met in time, and which not.
        if duty.open_ended || !duty.within.period.is_zero() {
            children.push(self.tally(d, ds, &sample, reconstructed));
        }
        Explanation::leaf(Node::Duty {
            clause,
            holder: self.party(duty.holder),
            status: ds.status,
            since: ds.since,
            overdue,
            reconstructed,
        })
        .with(children)
    }

    /// A duty's subjects now, by how they stand, each standing with its first subject as an
    /// example of the arithmetic.
    fn tally(&self, d: usize, ds: &DutyState, sample: &Sample, reconstructed: bool) -> Explanation {
        let s = &self.world.scenario;
        let duty = self.bound().and_then(|b| b.policy.duties.get(d));
        let groups = Standing::ALL
            .iter()
            .zip(&sample.by_standing)
            .filter(|(_, shown)| !shown.is_empty())
            .map(|(&standing, shown)| {
                let example = shown
                    .first()
                    .map(|&k| self.subject(d, k as usize))
                    .into_iter()
                    .collect();
                Explanation::leaf(Node::TallyGroup {
                    standing,
                    count: ds.standing(standing),
                    shown: shown
                        .iter()
                        .filter_map(|&k| subject_ref(s, k as usize))
                        .collect(),
                })
                .with(example)
            })
            .collect();
        Explanation::leaf(Node::Tally {
            at: self.now,
            opened: ds.opened(),
            each: duty
                .filter(|duty| !duty.open_ended)
                .map(|duty| duty.within.period),
            reconstructed,
        })
        .with(groups)
    }

    /// One subject of duty `d`: a post with its times and deadline, or a demand.
    fn subject(&self, d: usize, subject: usize) -> Explanation {
        let s = &self.world.scenario;
        let Some(bound) = self.bound() else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let policy = &bound.policy;
        let Some(duty) = policy.duties.get(d) else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let due = |from: DueFrom, start: Timestamp| -> Option<Due> {
            if duty.open_ended || duty.within.period.is_zero() {
                return None;
            }
            let arithmetic = crate::explanation::Arithmetic::of(
                duty.within.period,
                start,
                &s.zone,
                policy.holidays,
            );
            Some(Due {
                from,
                arithmetic: match arithmetic {
                    Ok(a) => Computed::Arithmetic(a),
                    Err(e) => Computed::Error(SmolStr::from(e.to_string())),
                },
            })
        };
        let Some(post) = s.posts.get(subject) else {
            let k = subject.saturating_sub(s.posts.len());
            let Some(action) = s.actions.get(k) else {
                return Explanation::leaf(Node::Constant { value: false });
            };
            let delivered = s
                .deliveries
                .iter()
                .filter(|x| {
                    x.from == action.against
                        && x.to == action.actor
                        && Some(&x.deliverable) == action.demands.as_ref()
                        && x.at <= self.now
                })
                .map(|x| x.at)
                .collect();
            return Explanation::leaf(Node::Demand {
                event: event_id("action", k),
                due: due(DueFrom::Demanded, action.at),
                delivered,
            });
        };
        let labels = policy
            .labels
            .names_of(bound.post_labels(s, subject))
            .into_iter()
            .map(SmolStr::new)
            .collect();
        let due = match duty.opens {
            Trigger::Reported => post.reported.and_then(|r| due(DueFrom::Reported, r)),
            _ => due(DueFrom::Published, post.published),
        };
        Explanation::leaf(Node::Post {
            post: post.id.clone(),
            labels,
            removed: post.removed.filter(|r| *r <= self.now),
            due,
        })
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

/// A duty's subject by id: a post's, or a demand's event.
fn subject_ref(s: &crate::scenario::Scenario, subject: usize) -> Option<SubjectRef> {
    match s.posts.get(subject) {
        Some(post) => Some(SubjectRef::Post(post.id.clone())),
        None => {
            let k = subject.checked_sub(s.posts.len())?;
            s.actions.get(k)?;
            Some(SubjectRef::Demand(event_id("action", k)))
        }
    }
}

/// What a duty's explanation shows of its subjects, gathered in one pass over them: the first
/// overdue ones, the prohibitions the overdue posts fall under, and the first few of each
/// standing.
struct Sample {
    overdue: Vec<u32>,
    by_rule: Vec<(u16, u32)>,
    by_standing: [Vec<u32>; 4],
}

impl Sample {
    fn of(ds: &DutyState, bound: &Bound) -> Sample {
        let mut sample = Sample {
            overdue: Vec::with_capacity(POSTS_SHOWN),
            by_rule: Vec::new(),
            by_standing: Default::default(),
        };
        for (instance, k) in ds.instances.iter().zip(0u32..) {
            let Some(standing) = instance.standing() else {
                continue;
            };
            if let Some(shown) = sample.by_standing.get_mut(standing as usize)
                && shown.len() < TALLY_SHOWN
            {
                shown.push(k);
            }
            if *instance != Instance::Breached {
                continue;
            }
            if sample.overdue.len() < POSTS_SHOWN {
                sample.overdue.push(k);
            }
            if let Some(rule) = bound.prohibited_by(k as usize) {
                match sample.by_rule.iter_mut().find(|(r, _)| *r == rule) {
                    Some((_, n)) => *n += 1,
                    None => sample.by_rule.push((rule, 1)),
                }
            }
        }
        sample
    }
}
