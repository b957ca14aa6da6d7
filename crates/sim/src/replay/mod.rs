//! The replay: one walk over a scenario's timeline, in time order, that updates the replay's
//! state ([`state`]) event by event and judges each action at its instant.
//!
//! The timeline is a merge of sorted streams (publications, reports, removals, notices,
//! facts, deliveries, notice-period checks, actions) and a priority queue of duty deadlines.
//! Each step updates the duty state it touches incrementally ([`duties`]), then re-reads the
//! powers' conditions ([`powers`]); actions are judged by [`judge`], which also gathers the
//! outcome at the end. Cost: O((events + deadlines) · log) plus the powers re-read per step.
//! No clock, no randomness.
//!
//! Order within one instant ([`Phase`]): publications, reports, removals, notices, facts,
//! deliveries, deadlines, checks, then actions. A duty met exactly at its deadline is met; an
//! action taken at the instant of notice is "upon notice".

mod acted;
mod duties;
mod explain;
mod judge;
mod order;
mod powers;
pub(crate) mod state;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use jiff::Timestamp;
use modsim_policy::Cond;

use crate::bind::World;
use crate::outcome::{Outcome, Verdict};
use explain::Memo;
use order::PostOrder;
use state::PolicyState;

/// An instant the engine could not compute.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {error}")]
pub struct ReplayError {
    /// What was being computed.
    pub what: String,
    /// Why it failed.
    pub error: modsim_policy::TimeError,
    /// The event its period was counted from, where the problem is shown.
    pub from: CountedFrom,
}

/// The event a period was counted from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CountedFrom {
    /// The scenario's notice of that index.
    Notice(usize),
    /// The event that opened a duty.
    Duty(crate::outcome::Cause),
    /// An event the scenario's places do not locate (one an account counts).
    Elsewhere,
}

impl World {
    /// Replays the timeline.
    pub fn replay(&self) -> Result<Outcome, ReplayError> {
        Replay::new(self, true)?.run()
    }

    /// Replays the timeline as [`replay`](World::replay) does, and explains the duty of clause
    /// `duty` (if some policy has one) instance by instance: each subject with when it opened,
    /// its deadline's arithmetic, when it was met and how it stands (what `modsim run
    /// --explain CLAUSE` shows for a duty). Built only on request: it names every subject,
    /// and a long period's arithmetic walks its days.
    pub fn replay_explaining(&self, duty: &str) -> Result<Outcome, ReplayError> {
        let mut replay = Replay::new(self, true)?;
        replay.explained_duty = Some(duty.to_owned());
        replay.run()
    }

    /// Replays the timeline for its answers alone: verdicts, grounds, earliest instants and
    /// duty histories, without explanations, the notice arithmetic written out, missing-lists
    /// or flips. What sweeps use.
    pub fn replay_quiet(&self) -> Result<Outcome, ReplayError> {
        Replay::new(self, false)?.run()
    }
}

/// Phases within one instant, in the order they are applied: each is also a source of events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Published,
    Reported,
    Removed,
    Notice,
    Fact,
    Determination,
    Delivery,
    Deadline,
    /// An event leaves the trailing period a history count reads (a strike expires).
    Expiry,
    Check,
    Action,
}

impl Phase {
    /// Every phase, in order (`Phase::ALL[p as usize] == p`).
    const ALL: [Phase; 11] = [
        Phase::Published,
        Phase::Reported,
        Phase::Removed,
        Phase::Notice,
        Phase::Fact,
        Phase::Determination,
        Phase::Delivery,
        Phase::Deadline,
        Phase::Expiry,
        Phase::Check,
        Phase::Action,
    ];
}

/// A history count's event leaving its trailing period: when, the party, the policy and the
/// counter.
type Expiry = Reverse<(Timestamp, u32, u16, u16)>;

/// A pending duty instance's deadline: when, the subject, the policy and the duty.
type Deadline = Reverse<(Timestamp, u32, u16, u16)>;

struct Replay<'w> {
    world: &'w World,
    states: Vec<PolicyState>,
    by_published: PostOrder,
    by_reported: PostOrder,
    by_removed: PostOrder,
    checks: Vec<Timestamp>,
    actions: Vec<usize>,
    deadlines: BinaryHeap<Deadline>,
    /// History counts' events leaving their trailing periods.
    expiries: BinaryHeap<Expiry>,
    /// The accounts whose history changed in this step: their states of the powers held per
    /// account are re-read.
    dirty_accounts: Vec<usize>,
    /// What each power's condition reads, by policy and power.
    reads: Vec<Vec<powers::Reads>>,
    /// Each post's number by its id, when some notice names posts (otherwise empty).
    post_numbers: std::collections::HashMap<crate::scenario::PostId, u32>,
    verdicts: Vec<Verdict>,
    /// The candidate powers of each verdict, by (policy, power).
    pending_candidates: Vec<Vec<(usize, usize)>>,
    /// Build explanations (a replay for readers) or not (a sweep's replicate).
    explain: bool,
    /// The clause id of the duty explained instance by instance, if any.
    explained_duty: Option<String>,
    /// Explanations written once and reused within a step (see [`Memo`]).
    memo: Memo,
    /// Some power's condition reads more than duties' states (counts, facts, the clock), so
    /// the powers are re-read after every step, not only when a duty's state changes.
    always_dirty: bool,
    /// The rules a post touches, when the index has to build the list (reused, not
    /// allocated per event).
    scratch: Vec<u32>,
    /// Some duty's status changed since the powers were last re-read.
    duties_changed: bool,
}

impl<'w> Replay<'w> {
    fn new(world: &'w World, explain: bool) -> Result<Replay<'w>, ReplayError> {
        let s = &world.scenario;
        let mut actions: Vec<usize> = (0..s.actions.len()).collect();
        actions.sort_by_key(|&i| (s.actions.get(i).map(|a| a.at), i));
        let mut states = Vec::with_capacity(world.policies.len());
        let mut checks = Vec::new();
        for bound in &world.policies {
            let powers = powers::power_states(world, bound, explain, &mut checks)?;
            states.push(PolicyState::new(bound, s, powers, explain));
        }
        let post_numbers = if s.notices.iter().any(|n| !n.posts.is_empty()) {
            s.posts
                .iter()
                .zip(0u32..)
                .map(|(p, k)| (p.id.clone(), k))
                .collect()
        } else {
            std::collections::HashMap::new()
        };
        checks.sort();
        checks.dedup();
        Ok(Replay {
            world,
            states,
            by_published: PostOrder::new(&s.posts, |p| Some(p.published)),
            by_reported: PostOrder::new(&s.posts, |p| p.reported),
            by_removed: PostOrder::new(&s.posts, |p| p.removed),
            checks,
            actions,
            deadlines: BinaryHeap::new(),
            expiries: BinaryHeap::new(),
            dirty_accounts: Vec::new(),
            reads: world
                .policies
                .iter()
                .map(|b| b.policy.powers.iter().map(powers::Reads::of).collect())
                .collect(),
            post_numbers,
            verdicts: Vec::new(),
            pending_candidates: Vec::new(),
            explain,
            explained_duty: None,
            memo: Memo::default(),
            always_dirty: reads_more_than_duties(world),
            scratch: Vec::new(),
            duties_changed: false,
        })
    }

    fn run(mut self) -> Result<Outcome, ReplayError> {
        // Conditions that hold before anything happens (such as `true`) hold from the start.
        self.update_powers(Timestamp::MIN, true, true);
        // One cursor per source of events, and the instant of each source's next event: only
        // the source that was taken moves, and the deadlines' heap is peeked each step.
        let mut sources = Sources::new(&self);
        // Whether the powers' re-reading that is due must also re-read those no condition
        // change touched (see below).
        let mut force = false;
        while let Some((now, phase, i)) = sources.take(&self) {
            match phase {
                Phase::Published => {
                    let post = self.by_published.get(i).unwrap_or(0);
                    self.published(post, now)?;
                }
                Phase::Reported => {
                    let post = self.by_reported.get(i).unwrap_or(0);
                    self.reported(post, now)?;
                }
                Phase::Removed => {
                    let post = self.by_removed.get(i).unwrap_or(0);
                    self.removed(post, now);
                }
                Phase::Notice => self.notified(i, now)?,
                Phase::Check => {}
                Phase::Fact => self.fact(i),
                Phase::Determination => self.determined(i),
                Phase::Delivery => self.delivered(i, now)?,
                Phase::Deadline => {
                    if let Some(Reverse((_, post, policy, duty))) = self.deadlines.pop() {
                        self.deadline(policy as usize, duty as usize, post as usize, now);
                    }
                }
                Phase::Expiry => {
                    if let Some(Reverse((_, party, policy, counter))) = self.expiries.pop() {
                        self.expired(policy as usize, counter as usize, party as usize);
                    }
                }
                Phase::Action => {
                    let action = self.actions.get(i).copied().unwrap_or(0);
                    // Conditions may read `now`: bring the powers up to this instant first.
                    self.refresh(now, false);
                    self.judge(action, now);
                    // An action changes the state after it is judged: it enters the accounts'
                    // history, may be the prior action a power asks for, and may open duties
                    // (a demand, a statement of reasons owed).
                    match self.acted(action, now)? {
                        None => continue,
                        Some(force) => self.refresh(now, force),
                    }
                    continue;
                }
            }
            // A notice, a determination, or the end of a notice or cure period, can make a
            // power exercisable even when no condition changed.
            force |= matches!(phase, Phase::Notice | Phase::Check | Phase::Determination);
            // Events of one source at one instant (deadlines falling together, posts published
            // in the same minute) are applied together before the powers are re-read, so that
            // what a power reads at an instant is never half of that instant's events.
            let again = match phase {
                Phase::Deadline => self.deadlines.peek().map(|Reverse((t, ..))| *t),
                Phase::Expiry => self.expiries.peek().map(|Reverse((t, ..))| *t),
                _ => sources.next(phase),
            } == Some(now);
            if !again {
                self.refresh(now, std::mem::take(&mut force));
            }
        }
        self.finish()
    }

    /// The instant of the `i`-th event of source `phase`, if it has one. Deadlines come from
    /// their heap instead.
    fn next_at(&self, phase: Phase, i: usize) -> Option<Timestamp> {
        let s = &self.world.scenario;
        let post = |order: &PostOrder| order.get(i).and_then(|p| s.posts.get(p));
        match phase {
            Phase::Published => post(&self.by_published).map(|p| p.published),
            Phase::Reported => post(&self.by_reported).and_then(|p| p.reported),
            Phase::Removed => post(&self.by_removed).and_then(|p| p.removed),
            Phase::Notice => s.notices.get(i).map(|n| n.at),
            Phase::Fact => s.facts.get(i).map(|f| f.at),
            Phase::Determination => s.determinations.get(i).map(|d| d.at),
            Phase::Delivery => s.deliveries.get(i).map(|d| d.at),
            Phase::Deadline | Phase::Expiry => None,
            Phase::Check => self.checks.get(i).copied(),
            Phase::Action => self
                .actions
                .get(i)
                .and_then(|&a| s.actions.get(a))
                .map(|a| a.at),
        }
    }
}

/// The sources of events, one per phase: how far each has been read, the instant of its next
/// event, and which still have one (a bit per phase: most are empty or soon exhausted, and the
/// search for the earliest skips them).
struct Sources {
    cursor: [usize; Phase::ALL.len()],
    next: [Option<Timestamp>; Phase::ALL.len()],
    live: u16,
}

impl Sources {
    fn new(replay: &Replay<'_>) -> Sources {
        let next = Phase::ALL.map(|phase| replay.next_at(phase, 0));
        let live = next
            .iter()
            .enumerate()
            .filter(|(_, at)| at.is_some())
            .fold(0, |bits, (k, _)| bits | 1 << k);
        Sources {
            cursor: [0; Phase::ALL.len()],
            next,
            live,
        }
    }

    /// Sets the instant of the next event of a source kept as a heap (deadlines, expiries).
    #[inline]
    fn set(&mut self, phase: Phase, at: Option<Timestamp>) {
        let k = phase as usize;
        if let Some(slot) = self.next.get_mut(k) {
            *slot = at;
        }
        self.live = self.live & !(1 << k) | u16::from(at.is_some()) << k;
    }

    /// The instant of the next event of `phase`'s source.
    #[inline]
    fn next(&self, phase: Phase) -> Option<Timestamp> {
        self.next.get(phase as usize).copied().flatten()
    }

    /// Takes the earliest event (at one instant, the one of the earlier phase): its instant,
    /// phase and place in its source, which moves on. The heaps (deadlines, expiries) are
    /// read afresh, as the last step may have pushed onto them.
    #[inline]
    fn take(&mut self, replay: &Replay<'_>) -> Option<(Timestamp, Phase, usize)> {
        self.set(
            Phase::Deadline,
            replay.deadlines.peek().map(|Reverse((t, ..))| *t),
        );
        self.set(
            Phase::Expiry,
            replay.expiries.peek().map(|Reverse((t, ..))| *t),
        );
        let mut earliest: Option<(Timestamp, usize)> = None;
        let mut rest = self.live;
        while rest != 0 {
            let k = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            if let Some(Some(at)) = self.next.get(k)
                && earliest.is_none_or(|(t, _)| *at < t)
            {
                earliest = Some((*at, k));
            }
        }
        let (now, k) = earliest?;
        let phase = Phase::ALL.get(k).copied()?;
        let i = self.cursor.get(k).copied().unwrap_or(0);
        if let Some(c) = self.cursor.get_mut(k) {
            *c += 1;
        }
        if let Some(slot) = self.next.get_mut(k) {
            *slot = replay.next_at(phase, i + 1);
            if slot.is_none() {
                self.live &= !(1 << k);
            }
        }
        Some((now, phase, i))
    }
}

/// Whether some power held against one party reads more than duties' states (counts, facts,
/// the clock), so that those powers must be re-read after every step. (Powers held per account
/// are re-read by what they read: see [`powers::Reads`].)
fn reads_more_than_duties(world: &World) -> bool {
    world.policies.iter().any(|b| {
        b.policy
            .powers
            .iter()
            .filter(|p| b.account_side(p).is_none())
            .any(|p| {
                let mut only_duty_state = true;
                p.condition.cond.visit(&mut |c| {
                    only_duty_state &= matches!(
                        c,
                        Cond::Const(_)
                            | Cond::Not(_)
                            | Cond::All(_)
                            | Cond::Any(_)
                            | Cond::Breached(_)
                            | Cond::Fulfilled(_)
                            | Cond::Available(_)
                            | Cond::Assumption(_)
                            | Cond::TakenOut(_)
                    );
                });
                !only_duty_state
            })
    })
}
