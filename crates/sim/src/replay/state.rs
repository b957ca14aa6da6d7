//! The replay's state: each duty's instances (one per post, then one per demand) and tallies,
//! each power's standing and readiness, and the counts conditions read. Handlers in the
//! sibling modules change it; explanations ([`crate::explain`]) only read it.

use jiff::Timestamp;
use modsim_policy::Cond;
use modsim_policy::condition::{Env, Facts, History, StateCount};

use crate::bind::Bound;
use crate::explanation::Standing;
use crate::outcome::{Cause, DutyChange, DutyStatus, DutyTally};
use crate::scenario::Scenario;

mod history;
mod opening;
mod power;
pub(crate) use history::{Counted, Counter, Dating, Item};
pub(crate) use opening::Opening;
pub(crate) use power::{Basis, PowerState, Readiness, Slot, exercisable, notice_basis};

/// The state of one instance of a duty (one post, or one demand).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Instance {
    Unopened,
    Pending,
    Fulfilled,
    Breached,
    Cured,
}

impl Instance {
    /// How a subject in this state stands, once opened.
    pub(crate) fn standing(self) -> Option<Standing> {
        match self {
            Instance::Unopened => None,
            Instance::Pending => Some(Standing::Open),
            Instance::Fulfilled => Some(Standing::InTime),
            Instance::Breached => Some(Standing::Overdue),
            Instance::Cured => Some(Standing::Late),
        }
    }
}

/// One duty's state during the replay. Instances change only through [`DutyState::open`],
/// [`DutyState::breach`] and [`DutyState::discharge`], which keep the counts.
pub(crate) struct DutyState {
    /// Each subject's instance, by subject number: empty until the first opens (a duty of a
    /// large policy that no event touches costs nothing per subject), then one per subject.
    pub(crate) instances: Vec<Instance>,
    /// How many subjects there are (posts, then actions).
    subjects: usize,
    /// How many instances are in each state, by `Instance as usize`.
    counts: [u32; 5],
    pub(crate) ever_breached: bool,
    pub(crate) status: DutyStatus,
    pub(crate) since: Option<Timestamp>,
    pub(crate) history: Vec<DutyChange>,
    /// Counts every change of an instance (each one is [`record`]ed): explanations of the
    /// duty written at one version hold for all of it.
    pub(crate) version: u32,
    /// Which subjects stand how, kept for explanations only (none in a quiet replay).
    pub(crate) index: Option<Box<SubjectIndex>>,
    /// How an instance opens, worked out once from the duty and the scenario.
    pub(crate) opening: Opening,
}

/// A duty's subjects by standing, as bit sets, and its overdue posts by prohibition: what an
/// explanation names (the first few of each standing, the prohibitions the overdue posts fall
/// under) found without a pass over every subject.
#[derive(Debug, Default)]
pub(crate) struct SubjectIndex {
    /// By `Standing as usize`, the subjects that stand so.
    standing: [Vec<u64>; 4],
    /// Overdue posts, by the prohibition (number) they fall under, in order of rule.
    overdue_by_rule: Vec<(u16, u32)>,
}

impl SubjectIndex {
    fn set(&mut self, standing: Standing, subject: usize, on: bool) {
        let Some(bits) = self.standing.get_mut(standing as usize) else {
            return;
        };
        let (word, bit) = (subject / 64, subject % 64);
        if bits.len() <= word {
            bits.resize(word + 1, 0);
        }
        if let Some(w) = bits.get_mut(word) {
            if on {
                *w |= 1 << bit;
            } else {
                *w &= !(1 << bit);
            }
        }
    }

    /// `subject` (under prohibition `rule`, if any) moved from `from` to `to`.
    fn moved(&mut self, subject: usize, from: Instance, to: Instance, rule: Option<u16>) {
        for (state, on) in [(from, false), (to, true)] {
            if let Some(standing) = state.standing() {
                self.set(standing, subject, on);
            }
            if state == Instance::Breached
                && let Some(rule) = rule
            {
                self.count_rule(rule, if on { 1 } else { -1 });
            }
        }
    }

    fn count_rule(&mut self, rule: u16, by: i32) {
        match self
            .overdue_by_rule
            .binary_search_by_key(&rule, |&(r, _)| r)
        {
            Ok(i) => {
                if let Some((_, n)) = self.overdue_by_rule.get_mut(i) {
                    *n = n.saturating_add_signed(by);
                }
            }
            Err(i) if by > 0 => self.overdue_by_rule.insert(i, (rule, by.unsigned_abs())),
            Err(_) => {}
        }
    }

    /// The first `n` subjects that stand as `standing`, in the scenario's order.
    pub(crate) fn first(&self, standing: Standing, n: usize) -> Vec<u32> {
        let mut out = Vec::with_capacity(n);
        let Some(bits) = self.standing.get(standing as usize) else {
            return out;
        };
        for (w, &word) in bits.iter().enumerate() {
            let mut word = word;
            while word != 0 && out.len() < n {
                let bit = word.trailing_zeros() as usize;
                out.push((w * 64 + bit) as u32);
                word &= word - 1;
            }
            if out.len() >= n {
                break;
            }
        }
        out
    }

    /// The overdue posts by the prohibition they fall under, as (rule, count), in rule order.
    pub(crate) fn overdue_by_rule(&self) -> impl Iterator<Item = (u16, u32)> + '_ {
        self.overdue_by_rule.iter().copied().filter(|&(_, n)| n > 0)
    }
}

impl DutyState {
    /// A duty not yet triggered, with room for `subjects` instances, opening as `opening`.
    pub(crate) fn new(subjects: usize, opening: Opening) -> DutyState {
        DutyState {
            instances: Vec::new(),
            subjects,
            // `Instance::Unopened` is the first state.
            counts: [u32::try_from(subjects).unwrap_or(u32::MAX), 0, 0, 0, 0],
            ever_breached: false,
            status: DutyStatus::NotTriggered,
            since: None,
            history: Vec::new(),
            version: 0,
            index: None,
            opening,
        }
    }

    /// The same, keeping a [`SubjectIndex`] for explanations.
    pub(crate) fn indexed(subjects: usize, opening: Opening) -> DutyState {
        DutyState {
            index: Some(Box::default()),
            ..DutyState::new(subjects, opening)
        }
    }

    /// How many instances are in `state`.
    pub(crate) fn count(&self, state: Instance) -> u32 {
        self.counts.get(state as usize).copied().unwrap_or(0)
    }

    /// How many instances are in breach now.
    pub(crate) fn breached(&self) -> u32 {
        self.count(Instance::Breached)
    }

    /// How many instances were opened.
    pub(crate) fn opened(&self) -> u32 {
        self.counts.iter().skip(1).sum()
    }

    /// How many subjects stand as `standing` now.
    pub(crate) fn standing(&self, standing: Standing) -> u32 {
        self.count(match standing {
            Standing::InTime => Instance::Fulfilled,
            Standing::Late => Instance::Cured,
            Standing::Overdue => Instance::Breached,
            Standing::Open => Instance::Pending,
        })
    }

    /// Moves `subject` from `from` to `to`, keeping the counts and (in an explained replay) the
    /// index, for which `rule` tells the prohibition the subject falls under: asked only then.
    #[inline(always)]
    fn shift(
        &mut self,
        subject: usize,
        rule: impl FnOnce() -> Option<u16>,
        from: Instance,
        to: Instance,
    ) -> bool {
        if self.instances.is_empty() && from == Instance::Unopened {
            self.instances = vec![Instance::Unopened; self.subjects];
        }
        let Some(instance) = self.instances.get_mut(subject) else {
            return false;
        };
        if *instance != from {
            return false;
        }
        *instance = to;
        if let Some(n) = self.counts.get_mut(from as usize) {
            *n -= 1;
        }
        if let Some(n) = self.counts.get_mut(to as usize) {
            *n += 1;
        }
        if to == Instance::Breached {
            self.ever_breached = true;
        }
        if let Some(index) = &mut self.index {
            index.moved(subject, from, to, rule());
        }
        true
    }

    /// Opens the instance of `subject` in `state` (pending, met, or breached at once). False
    /// when it was open already.
    #[inline(always)]
    pub(crate) fn open(
        &mut self,
        subject: usize,
        rule: impl FnOnce() -> Option<u16>,
        state: Instance,
    ) -> bool {
        self.shift(subject, rule, Instance::Unopened, state)
    }

    /// The deadline of a pending `subject` passes. True when it was pending.
    #[inline]
    pub(crate) fn breach(&mut self, subject: usize, rule: impl FnOnce() -> Option<u16>) -> bool {
        self.shift(subject, rule, Instance::Pending, Instance::Breached)
    }

    /// Every subject by how it stands: one pass over the instances.
    pub(crate) fn tally(&self) -> DutyTally {
        let with = |state: Instance| Vec::with_capacity(self.count(state) as usize);
        let mut tally = DutyTally {
            in_time: with(Instance::Fulfilled),
            late: with(Instance::Cured),
            overdue: with(Instance::Breached),
            open: with(Instance::Pending),
        };
        for (i, k) in self.instances.iter().zip(0u32..) {
            match i {
                Instance::Unopened => {}
                Instance::Fulfilled => tally.in_time.push(k),
                Instance::Cured => tally.late.push(k),
                Instance::Breached => tally.overdue.push(k),
                Instance::Pending => tally.open.push(k),
            }
        }
        tally
    }

    /// Meets the instance of `subject`: a pending one is fulfilled, a breached one cured.
    /// True when it changed.
    #[inline]
    pub(crate) fn discharge(&mut self, subject: usize, rule: impl Fn() -> Option<u16>) -> bool {
        self.shift(subject, &rule, Instance::Pending, Instance::Fulfilled)
            || self.shift(subject, &rule, Instance::Breached, Instance::Cured)
    }

    #[inline(always)]
    fn status_now(&self) -> DutyStatus {
        if self.breached() > 0 {
            DutyStatus::Breached
        } else if self.count(Instance::Pending) > 0 {
            DutyStatus::Pending
        } else if self.ever_breached {
            DutyStatus::Cured
        } else if self.opened() > 0 {
            DutyStatus::Fulfilled
        } else {
            DutyStatus::NotTriggered
        }
    }
}

/// One policy's state during the replay.
pub(crate) struct PolicyState {
    pub(crate) duties: Vec<DutyState>,
    /// Every power's states: one per power, or one per account for a power held against (or
    /// by) every account; [`PolicyState::slots`] says where each power's are.
    pub(crate) powers: Vec<PowerState>,
    /// Per power, where its states are.
    pub(crate) slots: Vec<Slot>,
    /// The history counts the powers' conditions read.
    pub(crate) counters: Vec<Counter>,
    /// Per judgment call, whether it is dated and determined by now.
    pub(crate) dating: Vec<Dating>,
    pub(crate) params: Vec<i64>,
    pub(crate) assumptions: Vec<bool>,
    pub(crate) reports: i64,
    pub(crate) live_reported: i64,
    pub(crate) live_prohibited: i64,
    /// The value now of each scenario fact the policy declares.
    pub(crate) facts: Vec<i64>,
    /// Per party: posts its account published so far, of them prohibited, of them still up.
    pub(crate) account_posts: Vec<i64>,
    pub(crate) account_prohibited: Vec<i64>,
    pub(crate) account_live: Vec<i64>,
}

impl PolicyState {
    /// The state of `bound` before anything happens, with its powers' states.
    /// Explained replays keep each duty's [`SubjectIndex`] (`indexed`).
    pub(crate) fn new(
        bound: &Bound,
        s: &Scenario,
        (powers, slots): (Vec<PowerState>, Vec<Slot>),
        indexed: bool,
    ) -> PolicyState {
        let policy = &bound.policy;
        let mut histories: Vec<History> = Vec::new();
        for power in &policy.powers {
            power.condition.cond.visit(&mut |c| {
                if let Cond::CompareNum(_, a, b) = c {
                    for n in [a, b] {
                        n.visit(&mut |n| {
                            if let modsim_policy::condition::Num::History(h) = n
                                && !histories.contains(h)
                            {
                                histories.push(*h);
                            }
                        });
                    }
                }
            });
        }
        let dating = policy
            .assumptions
            .iter()
            .map(|a| Dating {
                dated: s
                    .determinations
                    .iter()
                    .any(|d| d.name == a.name && may_determine(bound, a.by, d.by)),
                ..Dating::default()
            })
            .collect();
        // One instance per post, then one per action (a demand opens its own).
        let subjects = s.posts.len() + s.actions.len();
        PolicyState {
            duties: policy
                .duties
                .iter()
                .map(|duty| {
                    let opening = Opening::of(duty, bound, s);
                    if indexed {
                        DutyState::indexed(subjects, opening)
                    } else {
                        DutyState::new(subjects, opening)
                    }
                })
                .collect(),
            powers,
            slots,
            counters: histories
                .into_iter()
                .map(|history| Counter {
                    history,
                    counts: vec![0; s.parties.len()],
                    log: Vec::new(),
                })
                .collect(),
            dating,
            params: policy.param_values(),
            assumptions: policy.assumption_values(),
            reports: 0,
            live_reported: 0,
            live_prohibited: 0,
            facts: vec![0; policy.facts.len()],
            account_posts: vec![0; s.parties.len()],
            account_prohibited: vec![0; s.parties.len()],
            account_live: vec![0; s.parties.len()],
        }
    }
}

impl PolicyState {
    /// The place of power `power`'s state for the account at `account_slot` among the world's
    /// accounts (ignored unless the power is held per account).
    pub(crate) fn instance(&self, power: usize, account_slot: Option<usize>) -> Option<usize> {
        let slot = self.slots.get(power)?;
        let k = if slot.per_account {
            slot.start + account_slot?
        } else {
            slot.start
        };
        self.powers.get(k).filter(|ps| ps.power == power).map(|_| k)
    }

    /// The history count `history` of party `party` now.
    pub(crate) fn history(&self, history: History, party: usize) -> i64 {
        self.counters
            .iter()
            .find(|c| c.history == history)
            .and_then(|c| c.counts.get(party).copied())
            .unwrap_or(0)
    }
}

/// Whether party `party` may make the judgment call that role `by` makes (any party when the
/// policy names no role).
pub(crate) fn may_determine(bound: &Bound, by: Option<usize>, party: usize) -> bool {
    match by {
        None => true,
        Some(role) => match bound.parties.get(role).copied().flatten() {
            Some(bound_party) => bound_party == party,
            None => bound.every.get(role).copied().unwrap_or(false),
        },
    }
}

/// What conditions read during the replay: one policy's state, with its judgment calls
/// (possibly read the other way, to find what would flip a verdict).
#[derive(Clone, Copy)]
pub(crate) struct StateFacts<'a> {
    pub(crate) bound: &'a Bound,
    pub(crate) state: &'a PolicyState,
    pub(crate) assumptions: &'a [bool],
    pub(crate) now: Timestamp,
    /// The party the power being read is held against, for `account.*`.
    pub(crate) account: Option<usize>,
}

impl Facts for StateFacts<'_> {
    fn breached(&self, duty: usize) -> bool {
        self.state
            .duties
            .get(duty)
            .is_some_and(|d| d.breached() > 0)
    }
    fn fulfilled(&self, duty: usize) -> bool {
        self.state
            .duties
            .get(duty)
            .is_some_and(|d| d.status_now() == DutyStatus::Fulfilled)
    }
    fn fact(&self, index: usize) -> i64 {
        self.state.facts.get(index).copied().unwrap_or(0)
    }
    fn available(&self, power: usize) -> bool {
        self.bound.policy.powers.get(power).is_some_and(|p| {
            let facts = self.for_power(power);
            p.condition.eval(&Env {
                now: self.now,
                post: None,
                facts: &facts,
            })
        })
    }
    fn assumption(&self, index: usize) -> bool {
        self.assumptions.get(index).copied().unwrap_or(false)
            && self
                .state
                .dating
                .get(index)
                .is_none_or(|d| d.allows(self.account))
    }
    fn history(&self, history: History) -> i64 {
        self.account.map_or(0, |a| self.state.history(history, a))
    }
    fn param(&self, index: usize) -> i64 {
        self.state.params.get(index).copied().unwrap_or(0)
    }
    fn count(&self, count: StateCount) -> i64 {
        match count {
            StateCount::Reports => self.state.reports,
            StateCount::LiveReported => self.state.live_reported,
            StateCount::LiveProhibited => self.state.live_prohibited,
            StateCount::AccountPosts => self.per_account(&self.state.account_posts),
            StateCount::AccountProhibited => self.per_account(&self.state.account_prohibited),
            StateCount::AccountLiveProhibited => self.per_account(&self.state.account_live),
        }
    }
}

impl<'a> StateFacts<'a> {
    /// The same facts, read for power `power`: `account.*` is the account it is held against.
    /// A power held against (or by) every account is read for the account already read (as
    /// `available("X")` reads another power for the same account).
    pub(crate) fn for_power(&self, power: usize) -> StateFacts<'a> {
        if self.state.slots.get(power).is_some_and(|s| s.per_account) {
            return *self;
        }
        StateFacts {
            account: self
                .bound
                .policy
                .powers
                .get(power)
                .and_then(|p| self.bound.parties.get(p.against).copied().flatten()),
            ..*self
        }
    }

    /// The same facts, read for one power's state: for its account, or the party its power is
    /// held against.
    pub(crate) fn for_instance(&self, ps: &PowerState) -> StateFacts<'a> {
        match ps.account {
            Some(account) => StateFacts {
                account: Some(account),
                ..*self
            },
            None => StateFacts {
                account: None,
                ..*self
            }
            .for_power(ps.power),
        }
    }

    fn per_account(&self, counts: &[i64]) -> i64 {
        self.account
            .and_then(|a| counts.get(a).copied())
            .unwrap_or(0)
    }

    pub(crate) fn holds(&self, cond: &Cond) -> bool {
        cond.eval(&Env {
            now: self.now,
            post: None,
            facts: self,
        })
    }
}

/// Adds `by` to a party's count.
pub(crate) fn bump(counts: &mut [i64], party: usize, by: i64) {
    if let Some(n) = counts.get_mut(party) {
        *n += by;
    }
}

/// Records a duty's change of state, if its state changed; true when it did (the powers that
/// read duties are then re-read).
#[inline(always)]
#[must_use]
pub(crate) fn record(ds: &mut DutyState, now: Timestamp, cause: Cause) -> bool {
    ds.version = ds.version.wrapping_add(1);
    let status = ds.status_now();
    if status == ds.status {
        return false;
    }
    ds.status = status;
    ds.since = Some(now);
    ds.history.push(DutyChange {
        at: now,
        status,
        cause,
        open_breaches: ds.breached(),
    });
    true
}
