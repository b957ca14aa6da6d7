//! The two sides of a diff, each one policy, bound to the same timeline and replayed apart; and
//! how their outcomes are compared, part by part, as [`Differs`].
//!
//! What is comparable between two policies depends on what they share. Whether an action is
//! permitted, and the first instant each kind of action (who may do what to whom) opens, are
//! always comparable. Grounds are compared (as sets of clause ids) when the two policies number
//! some power's clause alike: a student's encoding beside the reference, or a policy beside a
//! reform of it; two documents with their own numbering (AWS's January and July terms) are
//! compared on the verdicts alone. A power's earliest instant, and a duty's history, are
//! compared for the clauses both sides have.

use std::sync::Arc;

use jiff::Timestamp;
use modsim_policy::Policy;
use serde::Serialize;

use super::timeline::Timeline;
use crate::bind::World;
use crate::compare::{Differs, DutySide, Judged, Opening, PowerSide};
use crate::explanation::event_id;
use crate::outcome::{DutyHistory, EarliestInstant, Outcome, Verdict};
use crate::replay::ReplayError;
use crate::scenario::Scenario;

/// How telling a difference is, most telling first: a verdict, the first instant a kind of
/// action opens, one power's earliest instant, a duty's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// An action's verdict or its grounds.
    Verdict,
    /// The earliest instant of a kind of action, over every power that allows it.
    EarliestAction,
    /// One power's earliest instant.
    Earliest,
    /// A duty's history.
    Duty,
}

impl Class {
    /// The class of a difference.
    pub fn of(d: &Differs) -> Class {
        match d {
            Differs::Verdict { .. } => Class::Verdict,
            Differs::EarliestAction { .. } => Class::EarliestAction,
            Differs::Earliest { .. } => Class::Earliest,
            Differs::Duty { .. } => Class::Duty,
        }
    }
}

/// Two policies bound to one template scenario (parties, roles, zone, labels), ready to judge
/// any timeline on both.
#[derive(Debug)]
pub(crate) struct Pair {
    /// The scenario every timeline is put into: everything but its events.
    pub(crate) template: Scenario,
    /// Side A's policy, then side B's.
    pub(crate) sides: [Arc<Policy>; 2],
    /// For each side, the party each role of its policy is bound to.
    pub(crate) parties: [Vec<Option<usize>>; 2],
    /// For each side, whether each role of its policy stands for every account.
    pub(crate) every: [Vec<bool>; 2],
    shape: Shape,
}

/// What of the two sides' outcomes is comparable.
#[derive(Debug)]
struct Shape {
    /// The two policies number some power alike, so grounds are compared.
    grounds: bool,
    /// Each kind of action (holder, action, against) with its powers on either side.
    kinds: Vec<[Vec<usize>; 2]>,
    /// Powers both sides have (same clause id): (A's, B's).
    powers: Vec<(usize, usize)>,
    /// Duties both sides have: (A's, B's).
    duties: Vec<(usize, usize)>,
}

impl Pair {
    /// Binds the two policies to `template`.
    pub(crate) fn new(template: Scenario, a: Arc<Policy>, b: Arc<Policy>) -> Pair {
        // Bind each side once, to read which party each role stands for.
        let bound = |p: &Arc<Policy>| {
            World::bind_shared(template.clone_without_posts(), vec![Arc::clone(p)])
                .policies
                .into_iter()
                .next()
                .map(|b| (b.parties, b.every))
                .unwrap_or_default()
        };
        let ((pa, ea), (pb, eb)) = (bound(&a), bound(&b));
        let parties = [pa, pb];
        let shape = Shape::new(&parties, &a, &b);
        Pair {
            template,
            sides: [a, b],
            parties,
            every: [ea, eb],
            shape,
        }
    }

    /// The scenario of `timeline`: the template with the timeline's posts and events.
    pub(crate) fn scenario(&self, timeline: &Timeline) -> Scenario {
        let mut s = self.template.clone();
        timeline.fill(&mut s);
        s
    }

    /// Both sides' worlds on `timeline`.
    pub(crate) fn worlds(&self, timeline: &Timeline) -> [World; 2] {
        let a = self.scenario(timeline);
        let b = a.clone();
        let [pa, pb] = &self.sides;
        [
            World::bind_shared(a, vec![Arc::clone(pa)]),
            World::bind_shared(b, vec![Arc::clone(pb)]),
        ]
    }

    /// The most telling class of difference between the sides on `timeline` (quiet replays),
    /// `None` when they agree, or the error of a replay that cannot compute a deadline.
    pub(crate) fn judge(&self, timeline: &Timeline) -> Result<Option<Class>, ReplayError> {
        let [a, b] = self.worlds(timeline);
        let (a, b) = (a.replay_quiet()?, b.replay_quiet()?);
        Ok(self.class(&a, &b))
    }

    /// The most telling class of difference between two outcomes, without building it.
    pub(crate) fn class(&self, a: &Outcome, b: &Outcome) -> Option<Class> {
        let shape = &self.shape;
        if a.verdicts
            .iter()
            .zip(&b.verdicts)
            .any(|(x, y)| shape.verdicts_differ(x, y))
        {
            return Some(Class::Verdict);
        }
        if shape
            .kinds
            .iter()
            .any(|[pa, pb]| first_opening(a, pa).map(|o| o.0) != first_opening(b, pb).map(|o| o.0))
        {
            return Some(Class::EarliestAction);
        }
        if shape
            .powers
            .iter()
            .any(|&(i, j)| earliest_at(a, i) != earliest_at(b, j))
        {
            return Some(Class::Earliest);
        }
        if shape.duties.iter().any(|&(i, j)| {
            a.duties.get(i).map(|d| &d.changes) != b.duties.get(j).map(|d| &d.changes)
        }) {
            return Some(Class::Duty);
        }
        None
    }

    /// Every difference between two outcomes, most telling first: verdicts, the earliest
    /// instant of each kind of action, each shared power, each shared duty. A is the baseline.
    pub(crate) fn differences(&self, a: &Outcome, b: &Outcome) -> Vec<Differs> {
        let shape = &self.shape;
        let mut out = Vec::new();
        for (x, y) in a.verdicts.iter().zip(&b.verdicts) {
            if shape.verdicts_differ(x, y) {
                out.push(Differs::Verdict {
                    event: event_id("action", x.action_index),
                    actor: x.actor.clone(),
                    action: x.action.clone(),
                    against: x.against.clone(),
                    at: x.at,
                    baseline: judged(x),
                    alternative: judged(y),
                });
            }
        }
        for [pa, pb] in &shape.kinds {
            let (oa, ob) = (first_opening(a, pa), first_opening(b, pb));
            if oa.map(|o| o.0) == ob.map(|o| o.0) {
                continue;
            }
            // Who may do what to whom, read off either side's first power of the kind.
            let Some(e) = pa
                .first()
                .and_then(|&i| a.earliest.get(i))
                .or_else(|| pb.first().and_then(|&j| b.earliest.get(j)))
            else {
                continue;
            };
            let opening = |o: Option<(Timestamp, &EarliestInstant)>| {
                o.map(|(at, e)| Opening {
                    at,
                    clause: e.power.clause.clone(),
                })
            };
            out.push(Differs::EarliestAction {
                holder: e.holder.clone(),
                action: e.action.clone(),
                against: e.against.clone(),
                baseline: opening(oa),
                alternative: opening(ob),
            });
        }
        for &(i, j) in &shape.powers {
            let (Some(x), Some(y)) = (a.earliest.get(i), b.earliest.get(j)) else {
                continue;
            };
            if x.at != y.at {
                out.push(Differs::Earliest {
                    power: x.power.clone(),
                    holder: x.holder.clone(),
                    action: x.action.clone(),
                    against: x.against.clone(),
                    baseline: PowerSide::Earliest(x.at),
                    alternative: PowerSide::Earliest(y.at),
                });
            }
        }
        for &(i, j) in &shape.duties {
            let (Some(x), Some(y)) = (a.duties.get(i), b.duties.get(j)) else {
                continue;
            };
            if x.changes != y.changes {
                out.push(duty_difference(x, y));
            }
        }
        out
    }
}

impl Shape {
    fn new(parties: &[Vec<Option<usize>>; 2], a: &Arc<Policy>, b: &Arc<Policy>) -> Shape {
        let policies = [a, b];
        let party = |side: usize, role: usize| {
            parties
                .get(side)
                .and_then(|p| p.get(role))
                .copied()
                .flatten()
        };
        // Kinds of action, in the order A's powers, then B's, first name them.
        let mut kinds: Vec<(usize, usize, [Vec<usize>; 2])> = Vec::new();
        for (side, policy) in policies.iter().enumerate() {
            for (i, power) in policy.powers.iter().enumerate() {
                let (holder, against) = (party(side, power.holder), party(side, power.against));
                let same = |k: &(usize, usize, [Vec<usize>; 2])| {
                    let (s, p) = (k.0, k.1);
                    policies
                        .get(s)
                        .and_then(|q| q.powers.get(p))
                        .is_some_and(|other| {
                            other.action == power.action
                                && party(s, other.holder) == holder
                                && party(s, other.against) == against
                        })
                };
                match kinds.iter_mut().find(|k| same(k)) {
                    Some(k) => {
                        if let Some(list) = k.2.get_mut(side) {
                            list.push(i);
                        }
                    }
                    None => {
                        let mut lists = [Vec::new(), Vec::new()];
                        if let Some(list) = lists.get_mut(side) {
                            list.push(i);
                        }
                        kinds.push((side, i, lists));
                    }
                }
            }
        }
        fn power_id(p: &Policy, i: usize) -> &str {
            p.powers
                .get(i)
                .map(|w| p.power_clause(w).id.as_str())
                .unwrap_or("")
        }
        let powers: Vec<(usize, usize)> = (0..a.powers.len())
            .filter_map(|i| {
                let id = power_id(a, i);
                (0..b.powers.len())
                    .find(|&j| power_id(b, j) == id)
                    .map(|j| (i, j))
            })
            .collect();
        fn duty_id(p: &Policy, d: usize) -> &str {
            p.duties
                .get(d)
                .map(|x| p.duty_clause(x).id.as_str())
                .unwrap_or("")
        }
        let duties = (0..a.duties.len())
            .filter_map(|i| {
                let id = duty_id(a, i);
                (0..b.duties.len())
                    .find(|&j| duty_id(b, j) == id)
                    .map(|j| (i, j))
            })
            .collect();
        Shape {
            grounds: !powers.is_empty(),
            kinds: kinds.into_iter().map(|k| k.2).collect(),
            powers,
            duties,
        }
    }

    /// Whether two verdicts on the same action differ: permitted or not, or (when grounds are
    /// comparable) on which clauses.
    fn verdicts_differ(&self, x: &Verdict, y: &Verdict) -> bool {
        if x.permitted != y.permitted {
            return true;
        }
        // Each verdict's grounds are distinct clauses of one policy: equal as sets when of one
        // length and each of one is among the other's.
        self.grounds
            && (x.grounds.len() != y.grounds.len()
                || x.grounds
                    .iter()
                    .any(|g| !y.grounds.iter().any(|h| h.clause == g.clause)))
    }
}

fn judged(v: &Verdict) -> Judged {
    Judged {
        permitted: v.permitted,
        grounds: v.grounds.iter().map(|g| g.clause.clone()).collect(),
    }
}

/// The first instant any of `powers` opens, with the first power to open then.
fn first_opening<'o>(o: &'o Outcome, powers: &[usize]) -> Option<(Timestamp, &'o EarliestInstant)> {
    powers
        .iter()
        .filter_map(|&i| o.earliest.get(i))
        .filter_map(|e| e.at.map(|at| (at, e)))
        .min_by_key(|(at, _)| *at)
}

fn earliest_at(o: &Outcome, i: usize) -> Option<Option<Timestamp>> {
    o.earliest.get(i).map(|e| e.at)
}

/// How two histories of one duty differ, as `compare` says it.
fn duty_difference(x: &DutyHistory, y: &DutyHistory) -> Differs {
    let side = DutySide::of;
    let first = x
        .changes
        .iter()
        .zip(&y.changes)
        .position(|(p, q)| p != q)
        .unwrap_or(x.changes.len().min(y.changes.len()));
    Differs::Duty {
        duty: x.duty.clone(),
        holder: x.holder.clone(),
        baseline: Some(side(x)),
        alternative: Some(side(y)),
        parts_at: x.changes.get(first).or(y.changes.get(first)).map(|c| c.at),
    }
}
