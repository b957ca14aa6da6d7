//! Events that change duties and counts: publications, reports, removals, deadlines, facts,
//! demands and deliveries.

use jiff::Timestamp;
use modsim_policy::{Discharge, Trigger};

use modsim_policy::condition::Counted;
use modsim_policy::index::Touched;

use super::state::{Item, bump, record};
use super::{Replay, ReplayError};
use crate::bind::Judged;
use crate::outcome::Cause;

mod open;
pub(super) use open::{PostOf, Subject};
use open::{Queue, applies, deadline_of_post, owed_on};

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
            for d in by.touched_by(bound.post_label_numbers(s, post), &mut self.scratch) {
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
    #[inline(always)]
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
        if !by.reads_labels() {
            // No duty of the trigger needs a label: the list is the index's own.
            return self.open_listed(
                p,
                trigger,
                post,
                now,
                Touched::listed(by.unguarded()),
                &cause,
            );
        }
        // The list is built in the scratch list, taken out of `self` while the duties open.
        let mut scratch = std::mem::take(&mut self.scratch);
        let listed = by.touched_by(
            bound.post_label_numbers(&world.scenario, post),
            &mut scratch,
        );
        let result = self.open_listed(p, trigger, post, now, listed, &cause);
        self.scratch = scratch;
        result
    }

    /// Opens the duties numbered `duties` (those `trigger` opens that the post can touch) of
    /// policy `p` for post number `post` at `now`, owed by their holders. Each duty's
    /// [`Opening`](super::state::Opening) says, without reading the duty, whether its condition is `prohibited`
    /// alone and who owes it: a duty's usual condition needs no view of the post. From the
    /// first duty whose condition does, [`Replay::open_viewing`] opens the rest.
    #[inline(always)]
    fn open_listed(
        &mut self,
        p: usize,
        trigger: Trigger,
        post: usize,
        now: Timestamp,
        duties: Touched<'_>,
        cause: &Cause,
    ) -> Result<(), ReplayError> {
        let world = self.world;
        let s = &world.scenario;
        let (Some(bound), Some(x)) = (world.policies.get(p), s.posts.get(post)) else {
            return Ok(());
        };
        let rule = match bound.judged.get(post) {
            None | Some(Judged::Unseen) => return Ok(()),
            Some(Judged::Allowed) => None,
            Some(Judged::Prohibited(rule)) => Some(*rule),
        };
        let at = Subject {
            subject: post,
            now,
            removed: x.removed.is_some_and(|t| t <= now),
            rule,
            owed: (None, None),
        };
        let reported = trigger == Trigger::Reported;
        // The duties whose condition is `prohibited` alone open here; from the first whose
        // condition reads more, `open_viewing` opens the rest.
        let mut rest = None;
        if let Some(state) = self.states.get_mut(p) {
            let mut duties = duties;
            loop {
                let from_here = duties.clone();
                let Some(d) = duties.next() else {
                    break;
                };
                let d = d as usize;
                let Some(ds) = state.duties.get_mut(d) else {
                    continue;
                };
                let opening = ds.opening;
                if !opening.prohibited_only {
                    rest = Some(from_here);
                    break;
                }
                if at.rule.is_none() {
                    continue;
                }
                let Some(holder) = opening.holder(bound, s, post, reported) else {
                    continue;
                };
                let at = Subject {
                    owed: owed_on(world, trigger, holder),
                    ..at
                };
                let mut queue = Queue {
                    deadlines: &mut self.deadlines,
                    changed: &mut self.duties_changed,
                    world,
                };
                queue.open(ds, (p, d), bound, at, cause, || {
                    deadline_of_post(bound, d, x)
                })?;
            }
        }
        match rest {
            Some(rest) => self.open_viewing(p, trigger, at, rest, cause),
            None => Ok(()),
        }
    }

    /// Opens, as [`Replay::open_listed`] does, the duties numbered `duties` of policy `p` for
    /// the post and instant `at` names, reading the post (its view built once) for the duties
    /// whose condition reads more than `prohibited`.
    #[inline(never)]
    fn open_viewing(
        &mut self,
        p: usize,
        trigger: Trigger,
        at: Subject,
        duties: Touched<'_>,
        cause: &Cause,
    ) -> Result<(), ReplayError> {
        let world = self.world;
        let s = &world.scenario;
        let (Some(bound), Some(x)) = (world.policies.get(p), s.posts.get(at.subject)) else {
            return Ok(());
        };
        let mut post_of = PostOf::new(world, bound, at.subject, at.now);
        let reported = trigger == Trigger::Reported;
        for d in duties {
            let d = d as usize;
            let (Some(state), Some(duty)) = (self.states.get_mut(p), bound.policy.duties.get(d))
            else {
                continue;
            };
            let Some(opening) = state.duties.get(d).map(|ds| ds.opening) else {
                continue;
            };
            let Some(holder) = opening.holder(bound, s, at.subject, reported) else {
                continue;
            };
            if !applies(state, duty, &mut post_of) {
                continue;
            }
            let Some(ds) = state.duties.get_mut(d) else {
                continue;
            };
            let at = Subject {
                owed: owed_on(world, trigger, holder),
                ..at
            };
            let mut queue = Queue {
                deadlines: &mut self.deadlines,
                changed: &mut self.duties_changed,
                world,
            };
            queue.open(ds, (p, d), bound, at, cause, || {
                deadline_of_post(bound, d, x)
            })?;
        }
        Ok(())
    }

    /// Opens duty `d` of policy `p` for the post `post_of` sees, when its condition holds for
    /// it: how a notice naming the post opens one, owed by and to `owed` (whose zones its
    /// deadline may be counted in). True when it opened.
    #[expect(
        clippy::too_many_arguments,
        reason = "a notice's loop passes what it has looked up"
    )]
    pub(super) fn open_for_post(
        &mut self,
        (p, d): (usize, usize),
        duty: &modsim_policy::Duty,
        post_of: &mut PostOf<'_>,
        owed: (Option<usize>, Option<usize>),
        removed: bool,
        cause: &Cause,
        what: impl FnOnce() -> String,
    ) -> Result<bool, ReplayError> {
        if !self
            .states
            .get(p)
            .is_some_and(|state| applies(state, duty, post_of))
        {
            return Ok(false);
        }
        let bound = post_of.bound;
        let at = Subject {
            subject: post_of.post,
            now: post_of.now,
            removed,
            rule: bound.prohibited_by(post_of.post),
            owed,
        };
        self.open_instance((p, d), bound, at, cause, what)
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
                let at = Subject {
                    subject: instance_index,
                    now,
                    removed: false,
                    rule: None,
                    owed: (Some(action.against), Some(action.actor)),
                };
                let opened =
                    self.open_instance((p, d), bound, at, &Cause::Demanded(action_index), || {
                        format!(
                            "the deadline of `{}` for the demand of {}",
                            bound.policy.duty_clause(duty).id,
                            modsim_policy::show_instant(now, &s.zone)
                        )
                    })?;
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

    /// Opens duty `d` of policy `p` (bound as `bound`) for the subject `at` names (see
    /// [`Queue::open`]). False when it was open already.
    #[inline]
    pub(super) fn open_instance(
        &mut self,
        (p, d): (usize, usize),
        bound: &crate::bind::Bound,
        at: Subject,
        cause: &Cause,
        what: impl FnOnce() -> String,
    ) -> Result<bool, ReplayError> {
        let Some(ds) = self.states.get_mut(p).and_then(|s| s.duties.get_mut(d)) else {
            return Ok(false);
        };
        let mut queue = Queue {
            deadlines: &mut self.deadlines,
            changed: &mut self.duties_changed,
            world: self.world,
        };
        queue.open(ds, (p, d), bound, at, cause, what)
    }
}
