//! Events that change duties and counts: publications, reports, removals, deadlines, facts,
//! demands and deliveries.

use std::cmp::Reverse;

use jiff::Timestamp;
use modsim_policy::condition::{Env, NoState};
use modsim_policy::{Discharge, Trigger};

use modsim_policy::condition::Counted;

use super::state::{Instance, Item, bump, record};
use super::{Replay, ReplayError};
use crate::bind::post_view;
use crate::outcome::Cause;

impl Replay<'_> {
    pub(super) fn published(&mut self, post: usize, now: Timestamp) -> Result<(), ReplayError> {
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
            if let Some(a) = bound.account(post) {
                self.dirty_accounts.push(a);
                if self.states.get(p).is_some_and(|s| !s.counters.is_empty()) {
                    let item = Item::Post(post as u32);
                    self.count(p, Counted::Posts, (a, a), now, item)?;
                    if prohibited {
                        self.count(p, Counted::Prohibited, (a, a), now, item)?;
                    }
                }
            }
            self.open_duties(p, Trigger::Published, post, now, Cause::Published(post))?;
        }
        Ok(())
    }

    pub(super) fn reported(&mut self, post: usize, now: Timestamp) -> Result<(), ReplayError> {
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

    pub(super) fn removed(&mut self, post: usize, now: Timestamp) {
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
                    self.dirty_accounts.push(a);
                }
            }
            // Only the duties the post can have opened: those filed under none of the labels
            // or one of its own.
            let by = bound.policy.index.met_by_removal();
            for &d in by.touched_by(bound.post_label_numbers(s, post), &mut self.scratch) {
                if let Some(ds) = state.duties.get_mut(d as usize)
                    && ds.discharge(post, || bound.prohibited_by(post))
                {
                    self.duties_changed |= record(ds, now, Cause::Removed(post));
                }
            }
        }
    }

    pub(super) fn deadline(&mut self, policy: usize, duty: usize, post: usize, now: Timestamp) {
        let Some(ds) = self
            .states
            .get_mut(policy)
            .and_then(|s| s.duties.get_mut(duty))
        else {
            return;
        };
        let posts = self.world.scenario.posts.len();
        let world = self.world;
        let rule = || {
            world
                .policies
                .get(policy)
                .and_then(|b| b.prohibited_by(post))
        };
        let acted = world
            .policies
            .get(policy)
            .and_then(|b| b.policy.duties.get(duty))
            .is_some_and(|d| d.opens == Trigger::Acted);
        if ds.breach(post, rule) {
            let cause = match post.checked_sub(posts) {
                Some(action) if acted => Cause::ActedDeadline(action),
                Some(demand) => Cause::DemandDeadline(demand),
                None => Cause::Deadline(post),
            };
            self.duties_changed |= record(ds, now, cause);
        }
    }

    /// Opens the duties `trigger` opens for post number `post` under policy `p`: those the
    /// policy's [`RuleIndex`](modsim_policy::model::RuleIndex) files under no label or one of
    /// the post's, not every duty of the policy.
    pub(super) fn open_duties(
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
        let by = bound.policy.index.opened_by(trigger);
        if by.is_empty() || !bound.visible(post) {
            return Ok(());
        }
        let mut post_of = PostOf::new(world, bound, post, now);
        if !by.reads_labels() {
            // No duty of the trigger needs a label: the list is the index's own.
            return self.open_listed(p, trigger, &mut post_of, by.unguarded(), &cause);
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        let listed = by.touched_by(
            bound.post_label_numbers(&world.scenario, post),
            &mut scratch,
        );
        let result = self.open_listed(p, trigger, &mut post_of, listed, &cause);
        self.scratch = scratch;
        result
    }

    /// Opens the duties numbered `duties` (those `trigger` opens that the post can touch) of
    /// policy `p` for the post `post_of` sees, owed by their holders.
    fn open_listed(
        &mut self,
        p: usize,
        trigger: Trigger,
        post_of: &mut PostOf<'_>,
        duties: &[u32],
        cause: &Cause,
    ) -> Result<(), ReplayError> {
        let world = self.world;
        let (Some(bound), Some(x)) = (
            world.policies.get(p),
            world.scenario.posts.get(post_of.post),
        ) else {
            return Ok(());
        };
        let (post, now) = (post_of.post, post_of.now);
        let removed = x.removed.is_some_and(|t| t <= now);
        let s = &world.scenario;
        // A report opens a duty only for the parties it was made by and to, when the scenario
        // says who they were.
        let reporters = [s.reported_by, s.reported_to];
        let reported_between =
            trigger == Trigger::Reported && (s.reported_by.is_some() || s.reported_to.is_some());
        for &d in duties {
            let Some(duty) = bound.policy.duties.get(d as usize) else {
                continue;
            };
            // A duty held by every account is owed, for each post, by the account that wrote
            // it: a post from no account opens none.
            let holder = match bound.parties.get(duty.holder).copied().flatten() {
                Some(holder) => Some(holder),
                None if bound.every.get(duty.holder).copied().unwrap_or(false) => {
                    match bound.account(post) {
                        Some(author) => Some(author),
                        None => continue,
                    }
                }
                None => None,
            };
            if reported_between
                && let Some(holder) = holder
                && !reporters.contains(&Some(holder))
            {
                continue;
            }
            let counterparty = match trigger {
                Trigger::Reported => world.report_counterparty(holder),
                _ => None,
            };
            let counted_in = world.deadline_zone(duty, holder, counterparty);
            self.open_for_post(
                (p, d as usize),
                duty,
                post_of,
                counted_in,
                removed,
                cause,
                || {
                    format!(
                        "the deadline of `{}` for post `{}`",
                        bound.policy.duty_clause(duty).id,
                        x.id
                    )
                },
            )?;
        }
        Ok(())
    }

    /// Opens duty `d` of policy `p` for the post `post_of` sees, when its condition holds for
    /// it (a duty's usual `prohibited` without a view of the post): how every trigger that
    /// opens a duty per post (publication, report, a notice naming it) opens one. True when
    /// it opened.
    #[expect(
        clippy::too_many_arguments,
        reason = "the hot path passes what it has looked up"
    )]
    pub(super) fn open_for_post(
        &mut self,
        (p, d): (usize, usize),
        duty: &modsim_policy::Duty,
        post_of: &mut PostOf<'_>,
        counted_in: Option<crate::explanation::CountedIn>,
        removed: bool,
        cause: &Cause,
        what: impl FnOnce() -> String,
    ) -> Result<bool, ReplayError> {
        let bound = post_of.bound;
        let (post, now) = (post_of.post, post_of.now);
        let rule = bound.prohibited_by(post);
        let applies = if duty.condition.is_prohibited() {
            rule.is_some()
        } else {
            let view = post_of.view();
            self.states.get(p).is_some_and(|state| {
                let facts = NoState {
                    params: &state.params,
                    assumptions: &state.assumptions,
                };
                duty.condition.eval(&Env {
                    now,
                    post: view,
                    facts: &facts,
                })
            })
        };
        if !applies {
            return Ok(false);
        }
        self.open_instance(
            (p, d),
            duty,
            (&bound.policy.holidays, counted_in),
            post,
            now,
            removed,
            rule,
            cause,
            what,
        )
    }

    /// A scenario fact becomes known: every policy that declares it reads the new value.
    pub(super) fn fact(&mut self, index: usize) {
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
    pub(super) fn demanded(
        &mut self,
        action_index: usize,
        now: Timestamp,
    ) -> Result<bool, ReplayError> {
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
                let opened = self.open_instance(
                    (p, d),
                    duty,
                    (
                        &bound.policy.holidays,
                        world.deadline_zone(duty, Some(action.against), Some(action.actor)),
                    ),
                    instance_index,
                    now,
                    false,
                    None,
                    &Cause::Demanded(action_index),
                    || {
                        format!(
                            "the deadline of `{}` for the demand of {}",
                            bound.policy.duty_clause(duty).id,
                            modsim_policy::show_instant(now, &s.zone)
                        )
                    },
                )?;
                if !opened {
                    continue;
                }
                any = true;
            }
        }
        Ok(any)
    }

    /// A delivery meets every open demand of its deliverable made by its recipient of its
    /// sender, and every open duty of its sender to deliver it that an action against its
    /// recipient owes; it enters the recipient's history (`account.informed`).
    pub(super) fn delivered(&mut self, index: usize, now: Timestamp) -> Result<(), ReplayError> {
        let world = self.world;
        let s = &world.scenario;
        let Some(delivery) = s.deliveries.get(index) else {
            return Ok(());
        };
        let mut changed = false;
        for (bound, state) in world.policies.iter().zip(self.states.iter_mut()) {
            for (duty, ds) in bound.policy.duties.iter().zip(state.duties.iter_mut()) {
                if duty.met_by != Discharge::Delivered
                    || duty.deliverable.as_deref() != Some(delivery.deliverable.as_str())
                {
                    continue;
                }
                if duty.opens == Trigger::Notified {
                    // A decision delivered to a notice's sender meets every item it named.
                    for notice in s
                        .notices
                        .iter()
                        .filter(|n| n.from == delivery.to && n.to == delivery.from && n.at <= now)
                    {
                        for id in &notice.posts {
                            if let Some(&post) = self.post_numbers.get(id)
                                && ds
                                    .discharge(post as usize, || bound.prohibited_by(post as usize))
                            {
                                changed |= record(ds, now, Cause::Delivered(index));
                            }
                        }
                    }
                    continue;
                }
                for (k, action) in s.actions.iter().enumerate() {
                    let owed = match duty.opens {
                        Trigger::Demanded => {
                            action.demands.as_deref() == Some(delivery.deliverable.as_str())
                                && action.actor == delivery.to
                                && action.against == delivery.from
                        }
                        Trigger::Acted => {
                            duty.on.contains(&action.action)
                                && action.actor == delivery.from
                                && action.against == delivery.to
                        }
                        _ => false,
                    };
                    if owed && ds.discharge(s.posts.len() + k, || None) {
                        changed |= record(ds, now, Cause::Delivered(index));
                    }
                }
            }
        }
        self.duties_changed |= changed;
        for p in 0..world.policies.len() {
            let item = Item::Delivery(index as u32);
            self.count(
                p,
                Counted::Informed,
                (delivery.to, delivery.from),
                now,
                item,
            )?;
        }
        Ok(())
    }

    /// Opens `duty`, duty `d` of policy `p`, for `subject` at `now`: met at once when the post
    /// is already `removed`, pending with its deadline queued, pending for good with no time
    /// limit, or breached at once when the period is zero. False when it was open already.
    /// The change is recorded as caused by `cause`; the deadline is counted in `counted_in`'s
    /// zone (the scenario's when `None`); `what` names the deadline, should its arithmetic fail.
    #[inline]
    #[expect(
        clippy::too_many_arguments,
        reason = "the hot path passes what it has looked up"
    )]
    pub(super) fn open_instance(
        &mut self,
        (p, d): (usize, usize),
        duty: &modsim_policy::Duty,
        (calendar, counted_in): (
            &modsim_policy::Calendar,
            Option<crate::explanation::CountedIn>,
        ),
        subject: usize,
        now: Timestamp,
        removed: bool,
        rule: Option<u16>,
        cause: &Cause,
        what: impl FnOnce() -> String,
    ) -> Result<bool, ReplayError> {
        let Some(ds) = self.states.get_mut(p).and_then(|s| s.duties.get_mut(d)) else {
            return Ok(false);
        };
        let (state, deadline) = if removed {
            (Instance::Fulfilled, false)
        } else if duty.open_ended {
            (Instance::Pending, false)
        } else if duty.within.period.is_zero() {
            (Instance::Breached, false)
        } else {
            (Instance::Pending, true)
        };
        if !ds.open(subject, || rule, state) {
            return Ok(false);
        }
        self.duties_changed |= record(ds, now, cause.clone());
        if deadline {
            let due = duty
                .within
                .period
                .add_to(
                    now,
                    counted_in
                        .as_ref()
                        .map_or(&self.world.scenario.zone, |c| &c.zone),
                    calendar,
                )
                .map_err(|error| ReplayError {
                    what: what(),
                    error,
                    from: super::CountedFrom::Duty(cause.clone()),
                })?;
            self.deadlines
                .push(Reverse((due, subject as u32, p as u16, d as u16)));
        }
        Ok(true)
    }
}

/// A post as the duties opened for it at one instant see it: its view, worked out once, and
/// only when some duty's condition reads more than `prohibited`.
pub(super) struct PostOf<'w> {
    world: &'w crate::bind::World,
    pub(super) bound: &'w crate::bind::Bound,
    pub(super) post: usize,
    pub(super) now: Timestamp,
    view: Option<modsim_policy::PostView<'w>>,
}

impl<'w> PostOf<'w> {
    pub(super) fn new(
        world: &'w crate::bind::World,
        bound: &'w crate::bind::Bound,
        post: usize,
        now: Timestamp,
    ) -> PostOf<'w> {
        PostOf {
            world,
            bound,
            post,
            now,
            view: None,
        }
    }

    /// The post as conditions see it.
    fn view(&mut self) -> Option<&modsim_policy::PostView<'w>> {
        if self.view.is_none() {
            let x = self.world.scenario.posts.get(self.post)?;
            let labels = self.bound.post_labels(&self.world.scenario, self.post);
            let prohibited = self.bound.prohibited_by(self.post).is_some();
            self.view = Some(post_view(x, labels, self.now, prohibited));
        }
        self.view.as_ref()
    }
}
