//! Explanations: derivation trees from a power's standing down to its clause, the parts of
//! its condition, the duties and posts those rest on, and the notice arithmetic.
//!
//! Built from the replay's state at the instant being explained; every claim that rests on
//! reconstructed data says so.

use std::cell::RefCell;

use jiff::Timestamp;
use modsim_policy::{Cond, Mark, Notice, Trigger, show_instant};

use crate::bind::World;
use crate::outcome::{AssumptionUse, DutyStatus, Explanation};
use crate::replay::state::{Basis, PolicyState, PowerState, StateFacts};
use crate::scenario::PostId;
use smol_str::SmolStr;

/// Formats `args` into a buffer kept per thread, then copies the text out at its exact length.
///
/// Explanation sentences are long and built from many pieces; `format!` would start each from
/// a small guess and reallocate it several times on the way.
pub(crate) fn exact(args: std::fmt::Arguments<'_>) -> SmolStr {
    use std::fmt::Write as _;
    thread_local! {
        static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            scratch.clear();
            let _ = scratch.write_fmt(args);
            SmolStr::new(scratch.as_str())
        }
        // Formatting inside formatting (a `Display` that writes explanation text itself).
        Err(_) => SmolStr::from(std::fmt::format(args)),
    })
}

/// How many posts an explanation describes one by one.
const POSTS_SHOWN: usize = 3;

/// How many ids a tally of a duty's subjects names in its text (all are in its `posts`).
const TALLY_SHOWN: usize = 12;

pub(crate) struct Explainer<'a> {
    world: &'a World,
    states: &'a [PolicyState],
    policy: usize,
    now: Timestamp,
    memo: &'a Memo,
}

/// Explanations a replay builds more than once, kept so that they are written once.
///
/// A power's explanation reads its duties (`breached("4.2")`) and other powers
/// (`available("6.1(b)")`), and several powers are explained at the same step or while a
/// duty stands unchanged: a duty's explanation is kept by what it is written from
/// ([`DutyKey`]). A post's line under a duty (its times, labels and deadline) changes only
/// when the post is removed, so it is kept for the whole replay. Instants as written and
/// clauses' paraphrases never change.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    /// Duty explanations, by what they are written from: see [`Explainer::duty`].
    duties: RefCell<Kept<DutyKey, Explanation>>,
    /// Subject lines, by (policy, duty, post, removed by now).
    lines: RefCell<Kept<(usize, usize, usize, bool), SmolStr>>,
    /// Instants as written, by instant.
    instants: RefCell<Kept<Timestamp, SmolStr>>,
    /// Clauses' paraphrases, by (policy, clause id).
    clauses: RefCell<Kept<(usize, SmolStr), Explanation>>,
}

/// What a duty's explanation is written from besides the policy and the scenario: the duty's
/// state (its version), which posts are removed by the instant explained (their lines say so),
/// and that instant itself when the text shows it (a duty with deadlines tallies "at" it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct DutyKey {
    policy: usize,
    duty: usize,
    version: u32,
    removed: usize,
    at: Option<Timestamp>,
}

/// A few kept values by key, searched in order: a step explains a handful of duties and a
/// replay shows a handful of posts, so a list beats hashing.
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

    /// An instant as readers see it, in the scenario's zone: each instant written once per
    /// replay (the notice's, the judged action's and the deadlines' recur).
    fn show(&self, at: Timestamp) -> SmolStr {
        if let Some(text) = self.memo.instants.borrow().get(&at) {
            return text.clone();
        }
        let text = SmolStr::from(show_instant(at, &self.world.scenario.zone));
        self.memo.instants.borrow_mut().insert(at, text.clone());
        text
    }

    /// A clause's paraphrase with its source and mark: written once per replay.
    fn clause_leaf(&self, clause: &modsim_policy::Clause) -> Explanation {
        let found = self
            .memo
            .clauses
            .borrow()
            .0
            .iter()
            .find(|((p, id), _)| *p == self.policy && id == &clause.id)
            .map(|(_, e)| e.clone());
        if let Some(e) = found {
            return e;
        }
        let e = clause_leaf(clause);
        self.memo
            .clauses
            .borrow_mut()
            .insert((self.policy, SmolStr::new(&clause.id)), e.clone());
        e
    }

    fn facts(&self) -> Option<StateFacts<'a>> {
        let bound = self.world.policies.get(self.policy)?;
        let state = self.states.get(self.policy)?;
        Some(StateFacts {
            bound,
            state,
            assumptions: &state.assumptions,
            now: self.now,
            account: None,
        })
    }

    /// The facts as power `i` reads them (`account.*` is the account it is held against).
    fn facts_for(&self, i: usize) -> Option<StateFacts<'a>> {
        self.facts().map(|f| f.for_power(i))
    }

    fn party(&self, role: usize) -> SmolStr {
        self.world
            .policies
            .get(self.policy)
            .and_then(|b| b.parties.get(role).copied().flatten())
            .map_or_else(
                || SmolStr::new_static("(unbound)"),
                |p| SmolStr::new(self.world.scenario.party_id(p)),
            )
    }

    /// Explains power `i` at the explainer's instant: exercisable on `basis`, or not.
    /// Returns the tree and the judgment calls it rests on.
    pub(crate) fn power(
        &self,
        i: usize,
        basis: Option<&Basis>,
    ) -> (Explanation, Vec<AssumptionUse>) {
        let mut used = Vec::new();
        let (Some(bound), Some(facts)) = (self.world.policies.get(self.policy), self.facts_for(i))
        else {
            return (Explanation::default(), used);
        };
        let policy = &bound.policy;
        let Some(power) = policy.powers.get(i) else {
            return (Explanation::default(), used);
        };
        let clause = policy.power_clause(power);
        let holds = facts.holds(&power.condition.cond);
        let standing = if basis.is_some() {
            "exercisable"
        } else {
            "not exercisable"
        };
        let mut children = Vec::with_capacity(8);
        children.push(self.clause_leaf(clause));
        children.push(
            Explanation::leaf(text!(
                "condition `{}` {} at {}",
                power.condition.text,
                if holds { "holds" } else { "does not hold" },
                self.show(self.now)
            ))
            .with(self.cond(&power.condition.cond, &facts, &mut used)),
        );
        children.push(self.notice(i, basis));
        let head = text!(
            "{} {}: {} may {} {}: {standing}",
            clause.id,
            clause.title,
            self.party(power.holder),
            power.action,
            self.party(power.against),
        );
        (
            Explanation::leaf(head).citing(&clause.id).with(children),
            used,
        )
    }

    fn notice(&self, i: usize, basis: Option<&Basis>) -> Explanation {
        let Some(bound) = self.world.policies.get(self.policy) else {
            return Explanation::default();
        };
        let Some(power) = bound.policy.powers.get(i) else {
            return Explanation::default();
        };
        let requirement = match (power.notice, power.cure) {
            (Notice::None, _) => SmolStr::new_static("no notice is required"),
            (Notice::Immediate, None) => SmolStr::new_static("exercisable immediately upon notice"),
            (Notice::Immediate, Some(c)) => text!(
                "exercisable upon notice once the breach stays uncured for {}",
                c.period
            ),
            (Notice::Advance(p), None) => text!("needs {} of advance notice", p.period),
            (Notice::Advance(p), Some(c)) => text!(
                "needs {} of advance notice and a cure period of {}",
                p.period,
                c.period
            ),
        };
        let s = &self.world.scenario;
        let detail = match basis {
            Some(b) => {
                let text = match b.notice.and_then(|n| s.notices.get(n)) {
                    Some(n) => text!("{} — \"{}\"", b.arithmetic, n.summary),
                    None => b.arithmetic.clone(),
                };
                Explanation::leaf(text)
            }
            None => Explanation::leaf(self.notice_lack(i)),
        };
        Explanation::leaf(text!("notice: {requirement}")).with(vec![detail])
    }

    fn notice_lack(&self, i: usize) -> SmolStr {
        let (Some(bound), Some(state)) = (
            self.world.policies.get(self.policy),
            self.states.get(self.policy),
        ) else {
            return SmolStr::default();
        };
        let (Some(power), Some(ps)) = (bound.policy.powers.get(i), state.powers.get(i)) else {
            return SmolStr::default();
        };
        if power.notice == Notice::None {
            return "no notice needed".into();
        }
        match ps.ready.first() {
            None => text!(
                "no notice from {} to {} under this clause in the timeline",
                self.party(power.holder),
                self.party(power.against)
            ),
            Some(r) if r.given > self.now => {
                text!("notice is given only later, at {}", self.show(r.given))
            }
            Some(r) if r.ready > self.now => {
                text!("not before {}: {}", self.show(r.ready), r.arithmetic)
            }
            Some(r) if r.continuous => text!(
                "the condition did not hold without a break from the notice of {} on",
                self.show(r.given)
            ),
            Some(r) => text!("notice given {}", self.show(r.given)),
        }
    }

    /// A one-line reason why power `i` is not exercisable now.
    pub(crate) fn missing(&self, i: usize) -> SmolStr {
        let (Some(bound), Some(facts)) = (self.world.policies.get(self.policy), self.facts_for(i))
        else {
            return SmolStr::default();
        };
        let Some(power) = bound.policy.powers.get(i) else {
            return SmolStr::default();
        };
        if !facts.holds(&power.condition.cond) {
            text!("its condition `{}` does not hold", power.condition.text)
        } else {
            self.notice_lack(i)
        }
    }

    /// Explains why power `i` never became exercisable in the timeline.
    pub(crate) fn never(&self, i: usize, ps: &PowerState) -> Explanation {
        let Some(bound) = self.world.policies.get(self.policy) else {
            return Explanation::default();
        };
        let Some(power) = bound.policy.powers.get(i) else {
            return Explanation::default();
        };
        let clause = bound.policy.power_clause(power);
        let held = match ps.first_held {
            Some(t) if t == Timestamp::MIN => {
                SmolStr::new_static("its condition holds from the start")
            }
            Some(t) => text!("its condition first held at {}", self.show(t)),
            None => text!("its condition `{}` never held", power.condition.text),
        };
        let notices = if power.notice == Notice::None {
            SmolStr::new_static("no notice is needed")
        } else if ps.ready.is_empty() {
            text!(
                "no notice from {} to {} under this clause in the timeline",
                self.party(power.holder),
                self.party(power.against)
            )
        } else {
            let any_ready_with_condition = ps
                .ready
                .iter()
                .map(|r| {
                    text!(
                        "notice of {}: ready {}",
                        self.show(r.given),
                        self.show(r.ready)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            text!(
                "{any_ready_with_condition}; the condition did not hold when the notice allowed it"
            )
        };
        let (explanation, _) = self.power(i, None);
        Explanation::leaf(text!(
            "{} {}: never exercisable in this timeline",
            clause.id,
            clause.title
        ))
        .citing(&clause.id)
        .with(vec![
            Explanation::leaf(held),
            Explanation::leaf(notices),
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
        let Some(bound) = self.world.policies.get(self.policy) else {
            return Vec::new();
        };
        let policy = &bound.policy;
        match c {
            Cond::Const(b) => vec![Explanation::leaf(if *b {
                "always true"
            } else {
                "always false"
            })],
            Cond::Not(inner) => {
                let v = facts.holds(inner);
                vec![
                    Explanation::leaf(text!(
                        "it is not the case that the following {}",
                        if v { "holds (so this fails)" } else { "holds" }
                    ))
                    .with(self.cond(inner, facts, used)),
                ]
            }
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
                let clause = policy.power_clause(other);
                let facts = &facts.for_power(*q);
                let v = facts.holds(&other.condition.cond);
                vec![
                    Explanation::leaf(text!(
                        "the power of {} ({}) {} available: its condition `{}` {}",
                        clause.id,
                        clause.title,
                        if v { "is" } else { "is not" },
                        other.condition.text,
                        if v { "holds" } else { "does not hold" },
                    ))
                    .citing(&clause.id)
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
                let origin = if value == assumption.default {
                    "the policy's default"
                } else {
                    "set for this run with --assume"
                };
                used.push(AssumptionUse {
                    name: assumption.name.clone(),
                    value,
                    default: assumption.default,
                    question: assumption.question.clone(),
                });
                let mut e = Explanation::leaf(text!(
                    "judgment call `{}` is taken as {value} ({origin}): {}",
                    assumption.name,
                    assumption.question
                ));
                if let Some(clause) = &assumption.clause {
                    e = e.citing(clause);
                }
                vec![e]
            }
            Cond::TakenOut(id) => {
                vec![
                    Explanation::leaf(text!(
                        "clause {id} is taken out for this run (`--without` or a reform)"
                    ))
                    .citing(id),
                ]
            }
            other => vec![Explanation::leaf(text!(
                "{} (counts now: {} reports, {} reported prohibited posts up, {} prohibited posts up{})",
                if facts.holds(other) {
                    "the comparison holds"
                } else {
                    "the comparison fails"
                },
                facts.state.reports,
                facts.state.live_reported,
                facts.state.live_prohibited,
                self.more_counts(facts)
            ))],
        }
    }

    /// The scenario facts and account counts a condition may have read, for its explanation.
    fn more_counts(&self, facts: &StateFacts<'_>) -> String {
        let s = &self.world.scenario;
        let mut out = String::new();
        if let Some(a) = facts.account {
            let get = |v: &[i64]| v.get(a).copied().unwrap_or(0);
            out.push_str(&text!(
                "; account of {}: {} posts, {} prohibited, {} prohibited still up",
                s.party_id(a),
                get(&facts.state.account_posts),
                get(&facts.state.account_prohibited),
                get(&facts.state.account_live)
            ));
        }
        for (name, value) in facts.bound.policy.facts.iter().zip(&facts.state.facts) {
            let known = s
                .facts
                .iter()
                .rev()
                .find(|f| f.name == name.name && f.at <= self.now);
            out.push_str(&match known {
                Some(f) => text!(
                    "; fact {} = {value}, known from {} ({})",
                    name.name,
                    self.show(f.at),
                    f.mark
                ),
                None => text!("; fact {} not yet known (0)", name.name),
            });
        }
        out
    }

    /// Explains the state of duty `d` now, down to its posts or demands: written once for each
    /// [`DutyKey`].
    fn duty(&self, d: usize) -> Explanation {
        let s = &self.world.scenario;
        let reads_now = self
            .world
            .policies
            .get(self.policy)
            .and_then(|b| b.policy.duties.get(d))
            // A tally "at" the instant; a demand's line lists the deliveries made by it.
            .is_some_and(|duty| {
                duty.open_ended || !duty.within.period.is_zero() || duty.opens == Trigger::Demanded
            });
        let key = DutyKey {
            policy: self.policy,
            duty: d,
            version: self
                .states
                .get(self.policy)
                .and_then(|state| state.duties.get(d))
                .map_or(0, |ds| ds.version),
            removed: s
                .posts
                .iter()
                .filter(|p| p.removed.is_some_and(|t| t <= self.now))
                .count(),
            at: reads_now.then_some(self.now),
        };
        if let Some(e) = self.memo.duties.borrow().get(&key) {
            // Test builds check that the key holds everything the explanation is written from.
            debug_assert_eq!(*e, self.write_duty(d), "a kept explanation went stale");
            return e.clone();
        }
        let e = self.write_duty(d);
        self.memo.duties.borrow_mut().insert(key, e.clone());
        e
    }

    fn write_duty(&self, d: usize) -> Explanation {
        let (Some(bound), Some(state)) = (
            self.world.policies.get(self.policy),
            self.states.get(self.policy),
        ) else {
            return Explanation::default();
        };
        let policy = &bound.policy;
        let (Some(duty), Some(ds)) = (policy.duties.get(d), state.duties.get(d)) else {
            return Explanation::default();
        };
        let clause = policy.duty_clause(duty);
        let s = &self.world.scenario;
        let reconstructed = s.posts_mark == Mark::Reconstructed;
        let subjects = ds.tally();
        let breached = &subjects.overdue;
        let what = match duty.opens {
            Trigger::Published => SmolStr::new_static("prohibited and still up"),
            Trigger::Reported if duty.within.period.is_zero() && !duty.open_ended => {
                SmolStr::new_static("reported, prohibited and not removed")
            }
            Trigger::Reported => text!(
                "reported, prohibited and not removed within {}",
                duty.within.period
            ),
            Trigger::Demanded => text!(
                "demand{{s}} of `{}` not met within {}",
                duty.deliverable.as_deref().unwrap_or(""),
                duty.within.period
            ),
        };
        let (noun, verb) = match (duty.opens, breached.len()) {
            (Trigger::Demanded, 1) => ("", " is"),
            (Trigger::Demanded, _) => ("", "s are"),
            (_, 1) => (" post", " is"),
            (_, _) => (" posts", " are"),
        };
        let what = what.replace("{s}", if breached.len() == 1 { "" } else { "s" });
        let text = match ds.status {
            DutyStatus::Breached => text!(
                "duty {} ({}), owed by {}, is breached since {}: {}{noun}{} {what}{}",
                clause.id,
                clause.title,
                self.party(duty.holder),
                ds.since.map_or_else(SmolStr::default, |t| self.show(t)),
                breached.len(),
                if duty.opens == Trigger::Demanded {
                    verb
                } else {
                    verb.trim_start_matches('s')
                },
                if reconstructed && duty.opens != Trigger::Demanded {
                    " (post times reconstructed)"
                } else {
                    ""
                }
            ),
            status => text!(
                "duty {} ({}), owed by {}, is {}{}",
                clause.id,
                clause.title,
                self.party(duty.holder),
                status.word(),
                ds.since
                    .map_or_else(SmolStr::default, |t| text!(" since {}", self.show(t)))
            ),
        };
        let mut children = Vec::with_capacity(8);
        children.push(self.clause_leaf(clause));
        // Which prohibitions the breaching posts fall under.
        let mut by_rule: Vec<(u16, usize)> = Vec::new();
        for &p in breached {
            if let Some(rule) = bound.prohibited_by(p as usize) {
                match by_rule.iter_mut().find(|(r, _)| *r == rule) {
                    Some((_, n)) => *n += 1,
                    None => by_rule.push((rule, 1)),
                }
            }
        }
        for (rule, n) in by_rule {
            if let Some(prohibition) = policy.prohibitions.get(rule as usize) {
                let c = policy.clauses.get(prohibition.clause);
                let id = c.map_or("", |c| c.id.as_str());
                children.push(
                    Explanation::leaf(text!(
                        "{n} of them prohibited under {id} ({}): `{}`",
                        c.map_or("", |c| c.title.as_str()),
                        prohibition.condition.text
                    ))
                    .citing(id),
                );
            }
        }
        for &p in breached.iter().take(POSTS_SHOWN) {
            children.push(Explanation::leaf(self.subject_line(d, p as usize)));
        }
        if breached.len() > POSTS_SHOWN {
            children.push(Explanation::leaf(text!(
                "and {} more {}",
                breached.len() - POSTS_SHOWN,
                if duty.opens == Trigger::Demanded {
                    "demands"
                } else {
                    "posts"
                }
            )));
        }
        // A duty with a deadline (or none) per subject: which were met in time, and which not.
        if duty.open_ended || !duty.within.period.is_zero() {
            let limit = if duty.open_ended {
                SmolStr::new_static("no time limit")
            } else {
                text!("{} each", duty.within.period)
            };
            let opened = subjects.in_time.len()
                + subjects.late.len()
                + subjects.overdue.len()
                + subjects.open.len();
            let mut tally = Vec::new();
            for (subjects, words) in [
                (&subjects.in_time, "met in time"),
                (&subjects.late, "met late"),
                (&subjects.overdue, "overdue and not met"),
                (&subjects.open, "still within time, not yet met"),
            ] {
                let ids = self.subject_ids(subjects);
                if ids.is_empty() {
                    continue;
                }
                // The first one's deadline, written out, as an example of the arithmetic.
                let example: Vec<Explanation> = subjects
                    .first()
                    .map(|&first| {
                        Explanation::leaf(text!("e.g. {}", self.subject_line(d, first as usize)))
                    })
                    .into_iter()
                    .collect();
                let shown: Vec<&str> = ids.iter().take(TALLY_SHOWN).map(PostId::as_str).collect();
                let more = if ids.len() > TALLY_SHOWN {
                    text!(", and {} more", ids.len() - TALLY_SHOWN)
                } else {
                    SmolStr::default()
                };
                tally.push(Explanation {
                    text: text!("{} {words}: {}{more}", ids.len(), shown.join(", ")),
                    clause: None,
                    posts: ids.into(),
                    children: example,
                });
            }
            children.push(
                Explanation::leaf(text!(
                    "at {}: {opened} opened ({limit}){}",
                    self.show(self.now),
                    if reconstructed && duty.opens != Trigger::Demanded {
                        " (post times reconstructed)"
                    } else {
                        ""
                    }
                ))
                .with(tally),
            );
        }
        Explanation {
            text,
            clause: Some(SmolStr::new(&clause.id)),
            posts: {
                // Posts only: a breached demand is not a post.
                let mut ids = Vec::with_capacity(breached.len());
                ids.extend(
                    breached
                        .iter()
                        .filter_map(|&p| s.posts.get(p as usize).map(|p| p.id.clone())),
                );
                ids.into()
            },
            children,
        }
    }

    /// The ids of a duty's subjects: post ids, or `demand by apple of 2021-01-08 09:00 PST`.
    fn subject_ids(&self, subjects: &[u32]) -> Vec<PostId> {
        let s = &self.world.scenario;
        let mut ids = Vec::with_capacity(subjects.len());
        ids.extend(subjects.iter().filter_map(|&i| s.subject_id(i as usize)));
        ids
    }

    /// One subject of duty `d` described: a post with its times and deadline, or a demand.
    fn subject_line(&self, d: usize, subject: usize) -> SmolStr {
        let s = &self.world.scenario;
        let Some(post) = s.posts.get(subject) else {
            // A demand's line reads the deliveries made by now: written each time.
            return self.write_subject_line(d, subject);
        };
        let key = (
            self.policy,
            d,
            subject,
            post.removed.is_some_and(|r| r <= self.now),
        );
        if let Some(line) = self.memo.lines.borrow().get(&key) {
            debug_assert_eq!(
                *line,
                self.write_subject_line(d, subject),
                "a kept line went stale"
            );
            return line.clone();
        }
        let line = self.write_subject_line(d, subject);
        self.memo.lines.borrow_mut().insert(key, line.clone());
        line
    }

    fn write_subject_line(&self, d: usize, subject: usize) -> SmolStr {
        use std::fmt::Write as _;
        let s = &self.world.scenario;
        let Some(bound) = self.world.policies.get(self.policy) else {
            return SmolStr::default();
        };
        let policy = &bound.policy;
        let Some(duty) = policy.duties.get(d) else {
            return SmolStr::default();
        };
        let mut line = String::with_capacity(256);
        let due = |line: &mut String, from: Timestamp, what: &str| {
            if duty.open_ended || duty.within.period.is_zero() {
                return;
            }
            let _ = match duty
                .within
                .period
                .add_written(from, &s.zone, policy.holidays)
            {
                Ok((_, text)) => write!(line, "; due: {what} {text}"),
                Err(e) => write!(line, "; due: cannot be computed ({e})"),
            };
        };
        let Some(post) = s.posts.get(subject) else {
            let Some(action) = subject
                .checked_sub(s.posts.len())
                .and_then(|k| s.actions.get(k))
            else {
                return SmolStr::default();
            };
            let _ = write!(
                line,
                "demand by {} of {}: \"{}\"",
                s.party_id(action.actor),
                self.show(action.at),
                action.summary,
            );
            due(&mut line, action.at, "demanded");
            let delivered = s
                .deliveries
                .iter()
                .filter(|x| {
                    x.from == action.against
                        && x.to == action.actor
                        && Some(&x.deliverable) == action.demands.as_ref()
                        && x.at <= self.now
                })
                .map(|x| self.show(x.at))
                .collect::<Vec<_>>();
            if delivered.is_empty() {
                line.push_str("; nothing delivered");
            } else {
                let _ = write!(line, "; delivered {}", delivered.join(", "));
            }
            if action.reconstructed.is_some() {
                line.push_str(" (time reconstructed)");
            }
            return SmolStr::from(line);
        };
        let _ = write!(line, "post {}: {}; labels ", post.id, {
            if post.description.is_empty() {
                "no description"
            } else {
                &post.description
            }
        });
        {
            let labels = bound.post_labels(s, subject);
            for (k, name) in policy.labels.names_of(labels).iter().enumerate() {
                if k > 0 {
                    line.push_str(", ");
                }
                line.push_str(name);
            }
        }
        let _ = write!(line, "; published {}", self.show(post.published));
        if let Some(r) = post.reported {
            let _ = write!(line, ", reported {}", self.show(r));
        }
        match post.removed {
            Some(r) if r <= self.now => {
                let _ = write!(line, ", removed {}", self.show(r));
            }
            _ => line.push_str(", still up"),
        }
        match duty.opens {
            Trigger::Reported => {
                if let Some(r) = post.reported {
                    due(&mut line, r, "reported");
                }
            }
            _ => due(&mut line, post.published, "published"),
        }
        if s.posts_mark == Mark::Reconstructed {
            line.push_str(" (reconstructed)");
        }
        SmolStr::from(line)
    }
}

/// A clause's paraphrase with its source and mark.
fn clause_leaf(clause: &modsim_policy::Clause) -> Explanation {
    Explanation::leaf(text!(
        "{} {}: \"{}\" ({}; {})",
        clause.id,
        clause.title,
        clause.text,
        clause.source,
        clause.mark
    ))
    .citing(&clause.id)
}
