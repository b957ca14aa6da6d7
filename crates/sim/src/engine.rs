//! The event engine: replays a scenario's timeline against its policies and finds verdicts,
//! earliest instants and duty histories.
//!
//! The timeline is a merge of sorted streams (publications, reports, removals, notices,
//! notice-period checks, actions) and a priority queue of duty deadlines. Each step updates
//! the duty state it touches incrementally, then re-reads the powers' conditions. Cost:
//! O((events + deadlines) · log) plus the powers re-read per step. No clock, no randomness.
//!
//! Order within one instant: publications, reports, removals, notices, deadlines, checks,
//! then actions. A duty met exactly at its deadline is met; an action taken at the instant of
//! notice is "upon notice".

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use jiff::Timestamp;
use modsim_policy::condition::{Env, Facts, NoState, StateCount};
use modsim_policy::{Cond, Discharge, LabelSet, Notice, Policy, PostView, Trigger};

use crate::explain::{Explainer, Memo};
use crate::outcome::*;
use crate::scenario::Scenario;
use smol_str::SmolStr;

/// A policy bound to a scenario's parties, with the posts seen through its labels.
#[derive(Clone, Debug)]
pub struct Bound {
    /// The compiled policy.
    pub policy: Arc<Policy>,
    /// For each role of the policy, the party bound to it.
    pub parties: Vec<Option<usize>>,
    /// Each scenario label (by number) as a set of the policy's labels: one or none.
    pub translate: Vec<LabelSet>,
    /// How the policy judges each post: one small entry per post, so that a step reads one
    /// place for it.
    pub judged: Vec<Judged>,
    /// Scenario labels the policy does not know.
    pub unknown_labels: Vec<String>,
    /// The posts written from a party's account (their `author` is the party's `account`), as
    /// (post, party), in order of post: few posts are, and the rest need no entry.
    pub accounts: Vec<(u32, u32)>,
    /// The scenario facts the policy declares that the scenario never states.
    pub unknown_facts: Vec<String>,
}

/// How a policy judges one post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judged {
    /// Not at all: the policy sets `content_on` and the post was published on another
    /// party's service.
    Unseen,
    /// No prohibition matches it.
    Allowed,
    /// Prohibition number `.0` is the first that matches it.
    Prohibited(u16),
}

impl Bound {
    /// Whether the policy judges post number `post` at all.
    #[inline]
    pub fn visible(&self, post: usize) -> bool {
        !matches!(self.judged.get(post), None | Some(Judged::Unseen))
    }

    /// The first prohibition that matches post number `post`, if one does.
    #[inline]
    pub fn prohibited_by(&self, post: usize) -> Option<u16> {
        match self.judged.get(post) {
            Some(Judged::Prohibited(rule)) => Some(*rule),
            _ => None,
        }
    }

    /// Post number `post`'s labels in the policy's numbering: none when the policy does not
    /// judge it. Worked out on demand rather than stored, at a few instructions per label.
    pub fn post_labels(&self, scenario: &Scenario, post: usize) -> LabelSet {
        match scenario.posts.get(post) {
            Some(p) if self.visible(post) => translated(&self.translate, p.labels),
            _ => LabelSet::EMPTY,
        }
    }

    /// The party whose account wrote post number `post`, if a party's did.
    pub fn account(&self, post: usize) -> Option<usize> {
        let post = u32::try_from(post).ok()?;
        self.accounts
            .binary_search_by_key(&post, |&(k, _)| k)
            .ok()
            .and_then(|i| self.accounts.get(i))
            .map(|&(_, party)| party as usize)
    }
}

/// Scenario labels as a set of a policy's labels, through the policy's `translate` table.
fn translated(translate: &[LabelSet], labels: LabelSet) -> LabelSet {
    labels
        .indices()
        .filter_map(|i| translate.get(i))
        .fold(LabelSet::EMPTY, |acc, s| acc.union(*s))
}

/// A scenario with its policies compiled and bound: ready to replay.
#[derive(Clone, Debug)]
pub struct World {
    /// The scenario.
    pub scenario: Scenario,
    /// Its policies.
    pub policies: Vec<Bound>,
}

/// An instant the engine could not compute.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {error}")]
pub struct ReplayError {
    /// What was being computed.
    pub what: String,
    /// Why it failed.
    pub error: modsim_policy::TimeError,
}

impl World {
    /// Binds compiled policies to a scenario. Roles are bound by the scenario's `[[policy]]`
    /// entry (by position in `policies`, when it has one), then by its `[roles]` defaults.
    pub fn bind(scenario: Scenario, policies: Vec<Policy>) -> World {
        World::bind_shared(scenario, policies.into_iter().map(Arc::new).collect())
    }

    /// Binds policies that other worlds share (a sweep's replicates): nothing is recompiled
    /// or copied.
    pub fn bind_shared(scenario: Scenario, policies: Vec<Arc<Policy>>) -> World {
        let bound = policies
            .into_iter()
            .enumerate()
            .map(|(i, policy)| {
                let own = scenario
                    .policies
                    .get(i)
                    .map(|p| p.roles.as_slice())
                    .unwrap_or(&[]);
                let parties: Vec<Option<usize>> = policy
                    .roles
                    .iter()
                    .map(|role| {
                        own.iter()
                            .chain(&scenario.roles)
                            .find(|(r, _)| *r == role.name)
                            .map(|(_, party)| *party)
                    })
                    .collect();
                // Scenario label number → policy label set.
                let mut unknown = Vec::new();
                let translate: Vec<LabelSet> = scenario
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(n, name)| match policy.labels.index(name) {
                        Some(i) => LabelSet::single(i),
                        None => {
                            unknown.push((n, name.clone()));
                            LabelSet::EMPTY
                        }
                    })
                    .collect();
                let host = policy
                    .content_on
                    .and_then(|role| parties.get(role).copied().flatten());
                let visible: Vec<bool> = scenario
                    .posts
                    .iter()
                    .map(|post| {
                        policy.content_on.is_none()
                            || post.platform.is_none()
                            || (host.is_some() && post.platform.map(|x| x as usize) == host)
                    })
                    .collect();
                // Only the labels of the posts the policy judges matter to it.
                let unknown_labels: Vec<String> = unknown
                    .into_iter()
                    .filter(|(n, _)| {
                        scenario
                            .posts
                            .iter()
                            .zip(&visible)
                            .any(|(post, seen)| *seen && post.labels.indices().any(|i| i == *n))
                    })
                    .map(|(_, name)| name)
                    .collect();
                let accounts = scenario
                    .posts
                    .iter()
                    .zip(0u32..)
                    .filter(|(post, _)| !post.author.is_empty())
                    .filter_map(|(post, k)| {
                        let party = scenario.parties.iter().position(|party| {
                            party.account.as_deref() == Some(post.author.as_str())
                        })?;
                        Some((k, u32::try_from(party).ok()?))
                    })
                    .collect();
                let unknown_facts = policy
                    .facts
                    .iter()
                    .filter(|f| !scenario.facts.iter().any(|e| e.name == f.name))
                    .map(|f| f.name.clone())
                    .collect();
                let (params, assumptions) = (policy.param_values(), policy.assumption_values());
                let facts = NoState {
                    params: &params,
                    assumptions: &assumptions,
                };
                let judged = scenario
                    .posts
                    .iter()
                    .zip(&visible)
                    .map(|(post, seen)| {
                        if !seen {
                            return Judged::Unseen;
                        }
                        let view = post_view(
                            post,
                            translated(&translate, post.labels),
                            post.published,
                            false,
                        );
                        let env = Env {
                            now: post.published,
                            post: Some(&view),
                            facts: &facts,
                        };
                        policy
                            .prohibitions
                            .iter()
                            .position(|p| p.condition.eval(&env))
                            .map_or(Judged::Allowed, |i| Judged::Prohibited(i as u16))
                    })
                    .collect();
                Bound {
                    policy,
                    parties,
                    translate,
                    judged,
                    unknown_labels,
                    accounts,
                    unknown_facts,
                }
            })
            .collect();
        World {
            scenario,
            policies: bound,
        }
    }

    /// Replays the timeline.
    pub fn replay(&self) -> Result<Outcome, ReplayError> {
        Replay::new(self, true)?.run()
    }

    /// Replays the timeline for its answers alone: verdicts, grounds, earliest instants and
    /// duty histories, without explanations, the notice arithmetic written out, missing-lists
    /// or flips. What sweeps use.
    pub fn replay_quiet(&self) -> Result<Outcome, ReplayError> {
        Replay::new(self, false)?.run()
    }

    /// This world with other posts and notice time, as drawn from the scenario's model: the
    /// same compiled policies, rebound to the new posts.
    pub fn redrawn(
        &self,
        posts: Vec<crate::scenario::Post>,
        labels: Vec<String>,
        notice: Option<(usize, Timestamp)>,
    ) -> World {
        let mut scenario = self.scenario.clone_without_posts();
        scenario.posts = posts;
        scenario.labels = labels;
        scenario.notices = self.scenario.notices.clone();
        if let Some((n, at)) = notice
            && let Some(slot) = scenario.notices.get_mut(n)
        {
            slot.at = at;
        }
        scenario.notices.sort_by_key(|n| n.at);
        World::bind_shared(
            scenario,
            self.policies
                .iter()
                .map(|b| Arc::clone(&b.policy))
                .collect(),
        )
    }
}

/// A post as conditions see it at `now`.
pub(crate) fn post_view(
    post: &crate::scenario::Post,
    labels: LabelSet,
    now: Timestamp,
    prohibited: bool,
) -> PostView<'_> {
    PostView {
        id: &post.id,
        author: &post.author,
        labels,
        severity: post.severity,
        reach: post.reach,
        published: post.published,
        reported: post.reported.is_some_and(|t| t <= now),
        removed: post.removed.is_some_and(|t| t <= now),
        prohibited,
    }
}

// ---------------------------------------------------------------------------------------
// The replay's state.

/// The state of one instance of a duty (one post).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Instance {
    Unopened,
    Pending,
    Fulfilled,
    Breached,
    Cured,
}

pub(crate) struct DutyState {
    pub(crate) instances: Vec<Instance>,
    pub(crate) opened: u32,
    pub(crate) pending: u32,
    pub(crate) breached: u32,
    pub(crate) ever_breached: bool,
    pub(crate) status: DutyStatus,
    pub(crate) since: Option<Timestamp>,
    pub(crate) history: Vec<DutyChange>,
    /// The state changed since the powers were last re-read.
    pub(crate) status_changed: bool,
    /// Counts every change of an instance (each one is [`record`]ed): explanations of the
    /// duty written at one version hold for all of it.
    pub(crate) version: u32,
}

impl DutyState {
    /// Every subject by how it stands: two passes over the instances, whatever the states.
    pub(crate) fn tally(&self) -> DutyTally {
        let mut counts = [0usize; 5];
        for i in &self.instances {
            if let Some(n) = counts.get_mut(*i as usize) {
                *n += 1;
            }
        }
        let count = |state: Instance| counts.get(state as usize).copied().unwrap_or(0);
        let mut tally = DutyTally {
            in_time: Vec::with_capacity(count(Instance::Fulfilled)),
            late: Vec::with_capacity(count(Instance::Cured)),
            overdue: Vec::with_capacity(count(Instance::Breached)),
            open: Vec::with_capacity(count(Instance::Pending)),
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
    fn discharge(&mut self, subject: usize) -> bool {
        let Some(instance) = self.instances.get_mut(subject) else {
            return false;
        };
        match *instance {
            Instance::Pending => {
                *instance = Instance::Fulfilled;
                self.pending -= 1;
            }
            Instance::Breached => {
                *instance = Instance::Cured;
                self.breached -= 1;
            }
            _ => return false,
        }
        true
    }

    fn status_now(&self) -> DutyStatus {
        if self.breached > 0 {
            DutyStatus::Breached
        } else if self.pending > 0 {
            DutyStatus::Pending
        } else if self.ever_breached {
            DutyStatus::Cured
        } else if self.opened > 0 {
            DutyStatus::Fulfilled
        } else {
            DutyStatus::NotTriggered
        }
    }
}

pub(crate) struct PowerState {
    pub(crate) holds: bool,
    pub(crate) holds_since: Option<Timestamp>,
    pub(crate) first_held: Option<Timestamp>,
    /// For each notice that counts for this power, when it makes the power ready.
    pub(crate) ready: Vec<Readiness>,
    pub(crate) earliest: Option<EarliestInstant>,
}

pub(crate) struct PolicyState {
    pub(crate) duties: Vec<DutyState>,
    pub(crate) powers: Vec<PowerState>,
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

/// What conditions read during the replay: one policy's state, with its judgment calls
/// (possibly read the other way, to find what would flip a verdict).
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
        self.state.duties.get(duty).is_some_and(|d| d.breached > 0)
    }
    fn fulfilled(&self, duty: usize) -> bool {
        self.state
            .duties
            .get(duty)
            .is_some_and(|d| d.opened > 0 && d.breached == 0 && d.pending == 0 && !d.ever_breached)
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
    pub(crate) fn for_power(&self, power: usize) -> StateFacts<'a> {
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

/// Phases within one instant, in the order they are applied: each is also a source of events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Published,
    Reported,
    Removed,
    Notice,
    Fact,
    Delivery,
    Deadline,
    Check,
    Action,
}

impl Phase {
    /// Every phase, in order (`Phase::ALL[p as usize] == p`).
    const ALL: [Phase; 9] = [
        Phase::Published,
        Phase::Reported,
        Phase::Removed,
        Phase::Notice,
        Phase::Fact,
        Phase::Delivery,
        Phase::Deadline,
        Phase::Check,
        Phase::Action,
    ];
}

struct Replay<'w> {
    world: &'w World,
    states: Vec<PolicyState>,
    by_published: PostOrder,
    by_reported: PostOrder,
    by_removed: PostOrder,
    checks: Vec<Timestamp>,
    actions: Vec<usize>,
    deadlines: BinaryHeap<Reverse<(Timestamp, u32, u16, u16)>>,
    verdicts: Vec<Verdict>,
    /// The candidate powers of each verdict, by (policy, power).
    pending_candidates: Vec<Vec<(usize, usize)>>,
    /// Build explanations (a replay for readers) or not (a sweep's replicate).
    explain: bool,
    /// Explanations written once and reused within a step (see [`Memo`]).
    memo: Memo,
    /// Some power's condition reads more than duties' states (counts, facts, the clock), so
    /// the powers are re-read after every step, not only when a duty's state changes.
    always_dirty: bool,
}

impl<'w> Replay<'w> {
    fn new(world: &'w World, explain: bool) -> Result<Replay<'w>, ReplayError> {
        let always_dirty = world.policies.iter().any(|b| {
            b.policy.powers.iter().any(|p| {
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
        });
        let s = &world.scenario;
        let by_published = PostOrder::new(&s.posts, |p| Some(p.published));
        let by_reported = PostOrder::new(&s.posts, |p| p.reported);
        let by_removed = PostOrder::new(&s.posts, |p| p.removed);
        let mut actions: Vec<usize> = (0..s.actions.len()).collect();
        actions.sort_by_key(|&i| (s.actions.get(i).map(|a| a.at), i));

        let mut states = Vec::with_capacity(world.policies.len());
        let mut checks = Vec::new();
        for bound in &world.policies {
            let policy = &bound.policy;
            let mut powers = Vec::with_capacity(policy.powers.len());
            for power in &policy.powers {
                let clause = &policy.power_clause(power).id;
                let holder = bound.parties.get(power.holder).copied().flatten();
                let against = bound.parties.get(power.against).copied().flatten();
                let mut ready = Vec::new();
                for (n, notice) in s.notices.iter().enumerate() {
                    if Some(notice.from) != holder
                        || Some(notice.to) != against
                        || !notice.covers(clause)
                    {
                        continue;
                    }
                    let mut at = notice.at;
                    let mut written = Vec::new();
                    let periods = [
                        match power.notice {
                            Notice::Advance(p) => Some((p.period, "advance notice")),
                            _ => None,
                        },
                        power.cure.map(|c| (c.period, "cure period")),
                    ];
                    for (period, what) in periods.into_iter().flatten() {
                        let failed = |error| ReplayError {
                            what: format!("the {what} of `{clause}` from the notice"),
                            error,
                        };
                        // The arithmetic is written out for readers only.
                        let end = if explain {
                            let (end, text) = period
                                .add_written(notice.at, &s.zone, policy.holidays)
                                .map_err(failed)?;
                            written.push(format!("{what}: notice {text}"));
                            end
                        } else {
                            period
                                .add_to(notice.at, &s.zone, policy.holidays)
                                .map_err(failed)?
                        };
                        at = at.max(end);
                    }
                    if at > notice.at {
                        checks.push(at);
                    }
                    let mut arithmetic = if !explain {
                        String::new()
                    } else if written.is_empty() {
                        format!(
                            "immediately upon notice: notice given {}",
                            modsim_policy::show_instant(notice.at, &s.zone)
                        )
                    } else {
                        written.join("; ")
                    };
                    if explain && notice.reconstructed.is_some() {
                        arithmetic.push_str(" (the notice's time is reconstructed)");
                    }
                    ready.push(Readiness {
                        notice: n,
                        given: notice.at,
                        ready: at,
                        arithmetic: SmolStr::from(arithmetic),
                        continuous: power.cure.is_some(),
                    });
                }
                powers.push(PowerState {
                    holds: false,
                    holds_since: None,
                    first_held: None,
                    ready,
                    earliest: None,
                });
            }
            let duties = policy
                .duties
                .iter()
                .map(|_| DutyState {
                    // One instance per post, then one per action (a demand opens its own).
                    instances: vec![Instance::Unopened; s.posts.len() + s.actions.len()],
                    opened: 0,
                    pending: 0,
                    breached: 0,
                    ever_breached: false,
                    status: DutyStatus::NotTriggered,
                    since: None,
                    history: Vec::new(),
                    status_changed: false,
                    version: 0,
                })
                .collect();
            states.push(PolicyState {
                duties,
                powers,
                params: policy.param_values(),
                assumptions: policy.assumption_values(),
                reports: 0,
                live_reported: 0,
                live_prohibited: 0,
                facts: vec![0; policy.facts.len()],
                account_posts: vec![0; s.parties.len()],
                account_prohibited: vec![0; s.parties.len()],
                account_live: vec![0; s.parties.len()],
            });
        }
        checks.sort();
        checks.dedup();
        Ok(Replay {
            world,
            states,
            by_published,
            by_reported,
            by_removed,
            checks,
            actions,
            deadlines: BinaryHeap::new(),
            verdicts: Vec::new(),
            pending_candidates: Vec::new(),
            explain,
            memo: Memo::default(),
            always_dirty,
        })
    }

    fn run(mut self) -> Result<Outcome, ReplayError> {
        // Conditions that hold before anything happens (such as `true`) hold from the start.
        self.update_powers(Timestamp::MIN);
        // One cursor per source of events, and the instant of each source's next event: only
        // the source that was taken moves, and the deadlines' heap is peeked each step.
        let mut cursor = [0usize; Phase::ALL.len()];
        let mut next = Phase::ALL.map(|phase| self.next_at(phase, 0));
        loop {
            if let Some(slot) = next.get_mut(Phase::Deadline as usize) {
                *slot = self.deadlines.peek().map(|Reverse((t, ..))| *t);
            }
            // The earliest event; at the same instant, the earlier phase.
            let mut earliest: Option<(Timestamp, Phase)> = None;
            for (phase, at) in Phase::ALL.into_iter().zip(next) {
                if let Some(at) = at
                    && earliest.is_none_or(|(t, _)| at < t)
                {
                    earliest = Some((at, phase));
                }
            }
            let Some((now, phase)) = earliest else {
                break;
            };
            let i = cursor.get(phase as usize).copied().unwrap_or(0);
            if let Some(c) = cursor.get_mut(phase as usize) {
                *c += 1;
            }
            if let Some(slot) = next.get_mut(phase as usize) {
                *slot = self.next_at(phase, i + 1);
            }
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
                Phase::Notice | Phase::Check => {}
                Phase::Fact => self.fact(i),
                Phase::Delivery => self.delivered(i, now),
                Phase::Deadline => {
                    if let Some(Reverse((_, post, policy, duty))) = self.deadlines.pop() {
                        self.deadline(policy as usize, duty as usize, post as usize, now);
                    }
                }
                Phase::Action => {
                    let action = self.actions.get(i).copied().unwrap_or(0);
                    // Conditions may read `now`: bring the powers up to this instant first.
                    self.refresh(now, false);
                    self.judge(action, now);
                    // A demand changes the state after it is judged: it opens duties.
                    if !self.demanded(action, now)? {
                        continue;
                    }
                }
            }
            // A notice, or the end of a notice or cure period, can make a power exercisable
            // even when no condition changed.
            self.refresh(now, matches!(phase, Phase::Notice | Phase::Check));
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
            Phase::Delivery => s.deliveries.get(i).map(|d| d.at),
            Phase::Deadline => None,
            Phase::Check => self.checks.get(i).copied(),
            Phase::Action => self
                .actions
                .get(i)
                .and_then(|&a| s.actions.get(a))
                .map(|a| a.at),
        }
    }

    fn published(&mut self, post: usize, now: Timestamp) -> Result<(), ReplayError> {
        for (p, bound) in self.world.policies.iter().enumerate() {
            if !bound.visible(post) {
                continue;
            }
            let prohibited = bound.prohibited_by(post).is_some();
            let removed_already = self
                .world
                .scenario
                .posts
                .get(post)
                .and_then(|x| x.removed)
                .is_some_and(|r| r < now); // a removal at this instant comes after, and takes it back
            if let Some(state) = self.states.get_mut(p) {
                if prohibited && !removed_already {
                    state.live_prohibited += 1;
                }
                if let Some(a) = bound.account(post) {
                    bump(&mut state.account_posts, a, 1);
                    if prohibited {
                        bump(&mut state.account_prohibited, a, 1);
                        if !removed_already {
                            bump(&mut state.account_live, a, 1);
                        }
                    }
                }
            }
            self.open_duties(p, Trigger::Published, post, now, Cause::Published(post))?;
        }
        Ok(())
    }

    fn reported(&mut self, post: usize, now: Timestamp) -> Result<(), ReplayError> {
        let removed = self
            .world
            .scenario
            .posts
            .get(post)
            .and_then(|x| x.removed)
            .is_some_and(|r| r < now); // likewise
        for (p, bound) in self.world.policies.iter().enumerate() {
            if !bound.visible(post) {
                continue;
            }
            let prohibited = bound.prohibited_by(post).is_some();
            if let Some(state) = self.states.get_mut(p) {
                state.reports += 1;
                if prohibited && !removed {
                    state.live_reported += 1;
                }
            }
            self.open_duties(p, Trigger::Reported, post, now, Cause::Reported(post))?;
        }
        Ok(())
    }

    fn removed(&mut self, post: usize, now: Timestamp) {
        let s = &self.world.scenario;
        let Some(x) = s.posts.get(post) else { return };
        let was_reported = x.reported.is_some_and(|r| r <= now);
        for (p, bound) in self.world.policies.iter().enumerate() {
            if !bound.visible(post) {
                continue;
            }
            let prohibited = bound.prohibited_by(post).is_some();
            let Some(state) = self.states.get_mut(p) else {
                continue;
            };
            if prohibited {
                state.live_prohibited -= 1;
                if was_reported {
                    state.live_reported -= 1;
                }
                if let Some(a) = bound.account(post) {
                    bump(&mut state.account_live, a, -1);
                }
            }
            for (d, duty) in bound.policy.duties.iter().enumerate() {
                if duty.met_by != Discharge::Removed {
                    continue;
                }
                if let Some(ds) = state.duties.get_mut(d)
                    && ds.discharge(post)
                {
                    record(ds, now, Cause::Removed(post));
                }
            }
        }
    }

    fn deadline(&mut self, policy: usize, duty: usize, post: usize, now: Timestamp) {
        let Some(ds) = self
            .states
            .get_mut(policy)
            .and_then(|s| s.duties.get_mut(duty))
        else {
            return;
        };
        let posts = self.world.scenario.posts.len();
        if let Some(instance @ Instance::Pending) = ds.instances.get_mut(post) {
            *instance = Instance::Breached;
            ds.pending -= 1;
            ds.breached += 1;
            ds.ever_breached = true;
            let cause = match post.checked_sub(posts) {
                Some(demand) => Cause::DemandDeadline(demand),
                None => Cause::Deadline(post),
            };
            record(ds, now, cause);
        }
    }

    fn open_duties(
        &mut self,
        p: usize,
        trigger: Trigger,
        post: usize,
        now: Timestamp,
        cause: Cause,
    ) -> Result<(), ReplayError> {
        let world = self.world;
        let Some(bound) = world.policies.get(p) else {
            return Ok(());
        };
        let Some(x) = world.scenario.posts.get(post) else {
            return Ok(());
        };
        if !bound.visible(post) {
            return Ok(());
        }
        let prohibited = bound.prohibited_by(post).is_some();
        let removed = x.removed.is_some_and(|t| t <= now);
        // The post as conditions see it: built only for a trigger that reads more than
        // `prohibited`, and then once.
        let mut view = None;
        for (d, duty) in bound.policy.duties.iter().enumerate() {
            if duty.opens != trigger {
                continue;
            }
            let applies = if duty.condition.is_prohibited() {
                prohibited
            } else {
                let view = view.get_or_insert_with(|| {
                    post_view(x, bound.post_labels(&world.scenario, post), now, prohibited)
                });
                self.states.get(p).is_some_and(|state| {
                    let facts = NoState {
                        params: &state.params,
                        assumptions: &state.assumptions,
                    };
                    duty.condition.eval(&Env {
                        now,
                        post: Some(view),
                        facts: &facts,
                    })
                })
            };
            if !applies {
                continue;
            }
            let Some(ds) = self.states.get_mut(p).and_then(|s| s.duties.get_mut(d)) else {
                continue;
            };
            let Some(instance) = ds.instances.get_mut(post) else {
                continue;
            };
            if *instance != Instance::Unopened {
                continue;
            }
            ds.opened += 1;
            if removed {
                *instance = Instance::Fulfilled;
            } else if duty.open_ended {
                *instance = Instance::Pending;
                ds.pending += 1;
            } else if duty.within.period.is_zero() {
                *instance = Instance::Breached;
                ds.breached += 1;
                ds.ever_breached = true;
            } else {
                *instance = Instance::Pending;
                ds.pending += 1;
                let due = duty
                    .within
                    .period
                    .add_to(now, &world.scenario.zone, bound.policy.holidays)
                    .map_err(|error| ReplayError {
                        what: format!(
                            "the deadline of `{}` for post `{}`",
                            bound.policy.duty_clause(duty).id,
                            x.id
                        ),
                        error,
                    })?;
                self.deadlines
                    .push(Reverse((due, post as u32, p as u16, d as u16)));
            }
            record(ds, now, cause.clone());
        }
        Ok(())
    }

    /// A scenario fact becomes known: every policy that declares it reads the new value.
    fn fact(&mut self, index: usize) {
        let Some(event) = self.world.scenario.facts.get(index) else {
            return;
        };
        for (bound, state) in self.world.policies.iter().zip(self.states.iter_mut()) {
            for (name, value) in bound.policy.facts.iter().zip(state.facts.iter_mut()) {
                if name.name == event.name {
                    *value = event.value;
                }
            }
        }
    }

    /// Opens the duties a demand creates: in every policy that binds the demanding party,
    /// each duty opened by a demand of this deliverable and owed by the party demanded of.
    /// Returns whether any opened.
    fn demanded(&mut self, action_index: usize, now: Timestamp) -> Result<bool, ReplayError> {
        let world = self.world;
        let s = &world.scenario;
        let Some(action) = s.actions.get(action_index) else {
            return Ok(false);
        };
        let Some(deliverable) = &action.demands else {
            return Ok(false);
        };
        let instance_index = s.posts.len() + action_index;
        let mut any = false;
        for (p, bound) in world.policies.iter().enumerate() {
            if !bound.parties.contains(&Some(action.actor)) {
                continue;
            }
            for (d, duty) in bound.policy.duties.iter().enumerate() {
                if duty.opens != Trigger::Demanded
                    || duty.deliverable.as_deref() != Some(deliverable.as_str())
                    || bound.parties.get(duty.holder).copied().flatten() != Some(action.against)
                {
                    continue;
                }
                let Some(ds) = self.states.get_mut(p).and_then(|s| s.duties.get_mut(d)) else {
                    continue;
                };
                let Some(instance) = ds.instances.get_mut(instance_index) else {
                    continue;
                };
                ds.opened += 1;
                if duty.open_ended {
                    *instance = Instance::Pending;
                    ds.pending += 1;
                } else if duty.within.period.is_zero() {
                    *instance = Instance::Breached;
                    ds.breached += 1;
                    ds.ever_breached = true;
                } else {
                    *instance = Instance::Pending;
                    ds.pending += 1;
                    let due = duty
                        .within
                        .period
                        .add_to(now, &s.zone, bound.policy.holidays)
                        .map_err(|error| ReplayError {
                            what: format!(
                                "the deadline of `{}` for the demand of {}",
                                bound.policy.duty_clause(duty).id,
                                modsim_policy::show_instant(now, &s.zone)
                            ),
                            error,
                        })?;
                    self.deadlines
                        .push(Reverse((due, instance_index as u32, p as u16, d as u16)));
                }
                record(ds, now, Cause::Demanded(action_index));
                any = true;
            }
        }
        Ok(any)
    }

    /// A delivery meets every open demand of its deliverable made by its recipient of its sender.
    fn delivered(&mut self, index: usize, now: Timestamp) {
        let world = self.world;
        let s = &world.scenario;
        let Some(delivery) = s.deliveries.get(index) else {
            return;
        };
        for (bound, state) in world.policies.iter().zip(self.states.iter_mut()) {
            for (duty, ds) in bound.policy.duties.iter().zip(state.duties.iter_mut()) {
                if duty.met_by != Discharge::Delivered
                    || duty.deliverable.as_deref() != Some(delivery.deliverable.as_str())
                {
                    continue;
                }
                for (k, action) in s.actions.iter().enumerate() {
                    if action.demands.as_deref() != Some(delivery.deliverable.as_str())
                        || action.actor != delivery.to
                        || action.against != delivery.from
                    {
                        continue;
                    }
                    if ds.discharge(s.posts.len() + k) {
                        record(ds, now, Cause::Delivered(index));
                    }
                }
            }
        }
    }

    /// Re-reads the powers when something they read may have changed: a duty's state, or
    /// anything at all when a condition reads more than that (`always_dirty`).
    fn refresh(&mut self, now: Timestamp, force: bool) {
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
    fn update_powers(&mut self, now: Timestamp) {
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

    fn earliest_instant(
        &self,
        p: usize,
        i: usize,
        now: Timestamp,
        basis: Basis,
    ) -> EarliestInstant {
        let explanation = if self.explain {
            Explainer::new(self.world, &self.states, p, now, &self.memo)
                .power(i, Some(&basis))
                .0
        } else {
            Explanation::default()
        };
        let ps = self.states.get(p).and_then(|s| s.powers.get(i));
        let mut e = self.blank_earliest(p, i);
        e.at = Some(now);
        e.condition_first_held = ps.and_then(|ps| ps.first_held);
        e.notice = basis
            .notice
            .and_then(|n| self.world.scenario.notices.get(n))
            .map(|n| n.at);
        e.arithmetic = Some(basis.arithmetic.to_string()).filter(|a| !a.is_empty());
        e.explanation = explanation;
        e
    }

    fn blank_earliest(&self, p: usize, i: usize) -> EarliestInstant {
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
            arithmetic: None,
            explanation: Explanation::default(),
        }
    }

    fn judge(&mut self, action_index: usize, now: Timestamp) {
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
            action: action.action.to_string(),
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

    fn finish(mut self) -> Result<Outcome, ReplayError> {
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

/// The posts that have an instant under some key (publication, report, removal), in order of
/// that instant, ties in the posts' order.
#[derive(Debug)]
enum PostOrder {
    /// Every post, in the posts' own order: posts files are usually written in order of time,
    /// and then no index is kept at all.
    AsWritten(usize),
    /// Post numbers, in order.
    Sorted(Vec<u32>),
}

impl PostOrder {
    /// Orders `posts` by `key`, leaving out the posts without an instant.
    fn new(
        posts: &[crate::scenario::Post],
        key: impl Fn(&crate::scenario::Post) -> Option<Timestamp>,
    ) -> PostOrder {
        let mut last = None;
        let in_order = posts.iter().all(|p| match key(p) {
            Some(t) => last.replace(t).is_none_or(|before| before <= t),
            None => false,
        });
        if in_order {
            return PostOrder::AsWritten(posts.len());
        }
        PostOrder::Sorted(sorted_by(posts, key))
    }

    /// The number of the `i`-th post in order.
    fn get(&self, i: usize) -> Option<usize> {
        match self {
            PostOrder::AsWritten(n) => (i < *n).then_some(i),
            PostOrder::Sorted(ix) => ix.get(i).map(|&p| p as usize),
        }
    }
}

/// The numbers of the posts that have an instant under `key`, sorted by it.
///
/// When every instant is a whole second and they span less than 2³² seconds (136 years), each
/// post's key packs into one `u64` (seconds from the earliest, then the post's number) and the
/// sort runs over those: no indirection into the posts, which at a million posts is most of
/// the cost. Otherwise the post numbers are sorted by looking their instants up.
fn sorted_by(
    posts: &[crate::scenario::Post],
    key: impl Fn(&crate::scenario::Post) -> Option<Timestamp>,
) -> Vec<u32> {
    let keyed = || {
        posts
            .iter()
            .zip(0u32..)
            .filter_map(|(p, i)| Some((key(p)?, i)))
    };
    // One pass: how many, the earliest and latest second, and whether all are whole seconds.
    let (count, earliest, latest, whole) = keyed().fold(
        (0usize, i64::MAX, i64::MIN, true),
        |(n, lo, hi, whole), (t, _)| {
            let second = t.as_second();
            (
                n + 1,
                lo.min(second),
                hi.max(second),
                whole && t.subsec_nanosecond() == 0,
            )
        },
    );
    let span = latest.saturating_sub(earliest);
    if whole && count > 0 && u32::try_from(span).is_ok() {
        let mut packed: Vec<u64> = Vec::with_capacity(count);
        packed.extend(
            keyed().map(|(t, i)| {
                ((t.as_second().saturating_sub(earliest) as u64) << 32) | u64::from(i)
            }),
        );
        packed.sort_unstable();
        let mut ix = Vec::with_capacity(count);
        // The low half of each key is the post's number.
        ix.extend(packed.iter().map(|&k| k as u32));
        return ix;
    }
    let mut ix: Vec<u32> = Vec::with_capacity(count);
    ix.extend(keyed().map(|(_, i)| i));
    let at = |i: u32| posts.get(i as usize).and_then(&key);
    // Keys are unique with the number, so an unstable sort gives the one order.
    ix.sort_unstable_by_key(|&i| (at(i), i));
    ix
}

/// A notice that counts for a power, and when it makes the power ready.
#[derive(Clone, Debug)]
pub(crate) struct Readiness {
    /// Index of the notice in the scenario.
    pub(crate) notice: usize,
    /// When it was given.
    pub(crate) given: Timestamp,
    /// When the power may be exercised on it: after any advance notice and cure period.
    pub(crate) ready: Timestamp,
    /// The arithmetic, written out (empty in a quiet replay).
    pub(crate) arithmetic: SmolStr,
    /// The condition must hold without a break from the notice on (a cure period).
    pub(crate) continuous: bool,
}

/// Why a power is exercisable now: the notice it rests on, and the arithmetic.
#[derive(Clone, Debug)]
pub(crate) struct Basis {
    pub(crate) notice: Option<usize>,
    pub(crate) arithmetic: SmolStr,
}

/// The basis on which a power is exercisable at `now`, if it is.
pub(crate) fn exercisable(
    notice: Option<Notice>,
    ps: &PowerState,
    now: Timestamp,
) -> Option<Basis> {
    if !ps.holds {
        return None;
    }
    notice_basis(notice?, ps, now, ps.holds_since)
}

/// The notice that satisfies a power's notice and cure requirements at `now`, given that its
/// condition has held without a break since `holds_since`.
pub(crate) fn notice_basis(
    notice: Notice,
    ps: &PowerState,
    now: Timestamp,
    holds_since: Option<Timestamp>,
) -> Option<Basis> {
    if notice == Notice::None {
        return Some(Basis {
            notice: None,
            arithmetic: SmolStr::new_static("no notice needed"),
        });
    }
    ps.ready
        .iter()
        .find(|r| r.ready <= now && (!r.continuous || holds_since.is_some_and(|s| s <= r.given)))
        .map(|r| Basis {
            notice: Some(r.notice),
            arithmetic: r.arithmetic.clone(),
        })
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

/// Adds `by` to a party's count.
fn bump(counts: &mut [i64], party: usize, by: i64) {
    if let Some(n) = counts.get_mut(party) {
        *n += by;
    }
}

/// Records a duty's change of state, if its state changed.
fn record(ds: &mut DutyState, now: Timestamp, cause: Cause) {
    ds.version = ds.version.wrapping_add(1);
    let status = ds.status_now();
    if status != ds.status {
        ds.status = status;
        ds.status_changed = true;
        ds.since = Some(now);
        ds.history.push(DutyChange {
            at: now,
            status,
            cause,
            open_breaches: ds.breached,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Post, PostId};

    fn post(id: usize, published: Timestamp, removed: Option<Timestamp>) -> Post {
        Post {
            id: PostId::from(format!("p{id}")),
            author: PostId::default(),
            published,
            reported: None,
            removed,
            labels: LabelSet::EMPTY,
            severity: 0,
            reach: 0,
            description: Box::default(),
            platform: None,
        }
    }

    /// The order every path must give: by instant, ties in the posts' order.
    fn expected(posts: &[Post], key: fn(&Post) -> Option<Timestamp>) -> Vec<usize> {
        let mut ix: Vec<usize> = (0..posts.len())
            .filter(|&i| key(&posts[i]).is_some())
            .collect();
        ix.sort_by_key(|&i| key(&posts[i]));
        ix
    }

    fn order(posts: &[Post], key: fn(&Post) -> Option<Timestamp>) -> Vec<usize> {
        let order = PostOrder::new(posts, key);
        (0..).map_while(|i| order.get(i)).collect()
    }

    /// Law: whichever way the posts are ordered (as written, packed keys, looked-up keys), the
    /// order is by instant with ties in the posts' order, and posts without the instant are
    /// left out.
    #[test]
    fn post_orders_are_by_instant_then_by_post() {
        let t = |s: i64, ns: i32| Timestamp::new(1_610_000_000 + s, ns).unwrap();
        let mut state = 7u64;
        let mut next = move |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % n
        };
        for nanos in [false, true] {
            for len in [0, 1, 2, 17, 300] {
                let posts: Vec<Post> = (0..len)
                    .map(|i| {
                        let ns = if nanos { next(3) as i32 } else { 0 };
                        let published = t(next(50) as i64 * 60, ns);
                        let removed = (next(3) == 0).then(|| t(next(40) as i64 * 60 + 3600, 0));
                        post(i, published, removed)
                    })
                    .collect();
                for key in [
                    (|p: &Post| Some(p.published)) as fn(&Post) -> Option<Timestamp>,
                    |p: &Post| p.removed,
                ] {
                    assert_eq!(order(&posts, key), expected(&posts, key), "len {len}");
                }
                let mut sorted = posts.clone();
                sorted.sort_by_key(|p| p.published);
                let published = |p: &Post| Some(p.published);
                assert!(matches!(
                    PostOrder::new(&sorted, published),
                    PostOrder::AsWritten(_)
                ));
                assert_eq!(order(&sorted, published), (0..len).collect::<Vec<_>>());
            }
        }
    }

    /// Instants more than 2³² seconds apart take the looked-up path, in the same order.
    #[test]
    fn far_apart_instants_are_ordered_too() {
        let posts = vec![
            post(0, Timestamp::from_second(5_000_000_000).unwrap(), None),
            post(1, Timestamp::from_second(-5_000_000_000).unwrap(), None),
            post(2, Timestamp::from_second(0).unwrap(), None),
        ];
        let published = |p: &Post| Some(p.published);
        assert_eq!(order(&posts, published), vec![1, 2, 0]);
    }
}
