//! What an action, a notice naming posts and a determination change besides duties' usual
//! triggers: accounts' history and its trailing periods, the prior action a power asks for
//! (`after`), the duties an action or a notice opens, and judgment calls dated by the parties
//! who made them.

use std::cmp::Reverse;

use jiff::Timestamp;
use modsim_policy::condition::Counted;

use super::state::Item;
use modsim_policy::Trigger;

use super::duties::{PostOf, Subject};
use super::state::may_determine;
use super::{Replay, ReplayError};
use crate::outcome::Cause;

impl Replay<'_> {
    /// What action `k` changes once judged: the accounts' history, the prior action powers
    /// ask for, the duties it opens. `None` when it changes nothing; otherwise whether every
    /// power must be re-read (a prior action of a power held against one party).
    pub(super) fn acted(&mut self, k: usize, now: Timestamp) -> Result<Option<bool>, ReplayError> {
        let s = &self.world.scenario;
        let Some(action) = s.actions.get(k) else {
            return Ok(None);
        };
        let mut changed = self.demanded(k, now)?;
        let mut force = changed;
        // The history of the parties it concerns.
        for p in 0..self.world.policies.len() {
            for (party, other) in [
                (action.against, action.actor),
                (action.actor, action.against),
            ] {
                if party == other {
                    continue;
                }
                let item = Item::Action(k as u32);
                if self.count(
                    p,
                    Counted::Actions(action.action),
                    (party, other),
                    now,
                    item,
                )? {
                    changed = true;
                }
            }
        }
        // The prior action powers ask for.
        let world = self.world;
        for (p, bound) in world.policies.iter().enumerate() {
            for (i, power) in bound.policy.powers.iter().enumerate() {
                if power.after != Some(action.action)
                    || !bound.covers(s, power.holder, action.actor)
                    || !bound.covers(s, power.against, action.against)
                {
                    continue;
                }
                let per_account = bound.account_side(power).is_some();
                let account = if per_account {
                    if bound.account_side(power) == Some(power.against) {
                        action.against
                    } else {
                        action.actor
                    }
                } else {
                    action.against
                };
                let Some(state) = self.states.get_mut(p) else {
                    continue;
                };
                let Some(slot) = state.instance(i, world.account_slot(account)) else {
                    continue;
                };
                if let Some(ps) = state.powers.get_mut(slot)
                    && ps.prior.is_none()
                {
                    ps.prior = Some(k);
                    changed = true;
                    if per_account {
                        self.dirty_accounts.push(account);
                    } else {
                        force = true;
                    }
                }
            }
        }
        changed |= self.open_acted(k, now)?;
        Ok(changed.then_some(force))
    }

    /// Counts an event of kind `what` concerning `party` under policy `p`, when `other` (the
    /// other side of it) plays a role of the policy; its count leaves a trailing period when the
    /// period ends. True when some count read it.
    pub(super) fn count(
        &mut self,
        p: usize,
        what: Counted,
        (party, other): (usize, usize),
        at: Timestamp,
        item: Item,
    ) -> Result<bool, ReplayError> {
        let world = self.world;
        let s = &world.scenario;
        let Some(bound) = world.policies.get(p) else {
            return Ok(false);
        };
        if !matches!(what, Counted::Posts | Counted::Prohibited) && !bound.binds(s, other) {
            return Ok(false);
        }
        let Some(state) = self.states.get_mut(p) else {
            return Ok(false);
        };
        let mut any = false;
        for (c, counter) in state.counters.iter_mut().enumerate() {
            if counter.history.what != what {
                continue;
            }
            if let Some(n) = counter.counts.get_mut(party) {
                *n += 1;
            }
            if self.explain {
                counter.log.push(super::state::Counted {
                    party: party as u32,
                    at,
                    item,
                });
            }
            any = true;
            if let Some(period) = counter.history.within {
                let end = period
                    .add_to(at, &s.zone, &bound.policy.holidays)
                    .map_err(|error| ReplayError {
                        what: format!(
                            "the end of the {period} in which `account.{}` counts an event of {}",
                            what.name(),
                            modsim_policy::show_instant(at, &s.zone)
                        ),
                        error,
                        from: super::CountedFrom::Elsewhere,
                    })?;
                self.expiries
                    .push(Reverse((end, party as u32, p as u16, c as u16)));
            }
        }
        if any {
            self.dirty_accounts.push(party);
        }
        Ok(any)
    }

    /// An event leaves the trailing period of counter `c` of policy `p`, for `party`.
    pub(super) fn expired(&mut self, p: usize, c: usize, party: usize) {
        if let Some(n) = self
            .states
            .get_mut(p)
            .and_then(|s| s.counters.get_mut(c))
            .and_then(|c| c.counts.get_mut(party))
        {
            *n -= 1;
            self.dirty_accounts.push(party);
        }
    }

    /// Opens the duties action `k` owes (`opens = "acted"`): in every policy whose duty names
    /// its kind of action, is held by its actor and owed to a party of the policy. An instance
    /// opens met when what it asks was delivered already (since the last such action against
    /// the same party). True when any opened.
    fn open_acted(&mut self, k: usize, now: Timestamp) -> Result<bool, ReplayError> {
        let world = self.world;
        let s = &world.scenario;
        let Some(action) = s.actions.get(k) else {
            return Ok(false);
        };
        let subject = s.posts.len() + k;
        let mut any = false;
        for (p, bound) in world.policies.iter().enumerate() {
            for (d, duty) in bound.policy.duties.iter().enumerate() {
                if duty.opens != Trigger::Acted
                    || !duty.on.contains(&action.action)
                    || !bound.covers(s, duty.holder, action.actor)
                    || !bound.binds(s, action.against)
                {
                    continue;
                }
                let met = delivered_before(s, &duty.on, duty.deliverable.as_deref(), k);
                let at = Subject {
                    subject,
                    now,
                    removed: met,
                    rule: None,
                    owed: (Some(action.actor), Some(action.against)),
                };
                let opened = self.open_instance((p, d), bound, at, &Cause::Acted(k), || {
                    format!(
                        "the deadline of `{}` for {} {} {} of {}",
                        bound.policy.duty_clause(duty).id,
                        s.party_id(action.actor),
                        action.action.name(),
                        s.party_id(action.against),
                        modsim_policy::show_instant(now, &s.zone)
                    )
                })?;
                any |= opened;
            }
        }
        Ok(any)
    }

    /// Opens the duties notice `n` opens for the posts it names (`opens = "notified"`): in
    /// every policy whose duty is held by its recipient, when its sender plays a role of the
    /// policy. The period runs from the notice.
    pub(super) fn notified(&mut self, n: usize, now: Timestamp) -> Result<(), ReplayError> {
        let world = self.world;
        let s = &world.scenario;
        let Some(notice) = s.notices.get(n) else {
            return Ok(());
        };
        if notice.posts.is_empty() {
            return Ok(());
        }
        for (p, bound) in world.policies.iter().enumerate() {
            let by = bound.policy.index.opened_by(Trigger::Notified);
            if by.is_empty() || !bound.binds(s, notice.from) {
                continue;
            }
            for id in &notice.posts {
                let Some(&post) = self.post_numbers.get(id) else {
                    continue;
                };
                let post = post as usize;
                let Some(x) = s.posts.get(post) else {
                    continue;
                };
                if !bound.visible(post) {
                    continue;
                }
                let mut post_of = PostOf::new(world, bound, post, now);
                let mut scratch = std::mem::take(&mut self.scratch);
                let mut result = Ok(());
                for d in by.touched_by(bound.post_label_numbers(s, post), &mut scratch) {
                    let Some(duty) = bound.policy.duties.get(d as usize) else {
                        continue;
                    };
                    // Held by every account: the notice opens it for the posts of the account
                    // it is addressed to.
                    let per_account = bound.parties.get(duty.holder).copied().flatten().is_none();
                    if !bound.covers(s, duty.holder, notice.to)
                        || (per_account && bound.account(post) != Some(notice.to))
                    {
                        continue;
                    }
                    let removed = duty.met_by == modsim_policy::Discharge::Removed
                        && x.removed.is_some_and(|t| t <= now);
                    let opened = self.open_for_post(
                        (p, d as usize),
                        duty,
                        &mut post_of,
                        (Some(notice.to), Some(notice.from)),
                        removed,
                        &Cause::Notified(post),
                        || {
                            format!(
                                "the deadline of `{}` for post `{}` from the notice of {}",
                                bound.policy.duty_clause(duty).id,
                                x.id,
                                modsim_policy::show_instant(now, &s.zone)
                            )
                        },
                    );
                    if let Err(e) = opened {
                        result = Err(e);
                        break;
                    }
                }
                self.scratch = scratch;
                result?;
            }
        }
        Ok(())
    }

    /// Determination `i` is made: in every policy that declares its judgment call and lets its
    /// party make it, the call reads as given from now on (for the account it is about, when
    /// it is about one).
    pub(super) fn determined(&mut self, i: usize) {
        let world = self.world;
        let Some(event) = world.scenario.determinations.get(i) else {
            return;
        };
        for (bound, state) in world.policies.iter().zip(self.states.iter_mut()) {
            for (a, dating) in bound.policy.assumptions.iter().zip(state.dating.iter_mut()) {
                if a.name != event.name || !may_determine(bound, a.by, event.by) {
                    continue;
                }
                match event.about {
                    Some(account) => {
                        if !dating.made_for.contains(&account) {
                            dating.made_for.push(account);
                        }
                    }
                    None => dating.made = true,
                }
            }
        }
    }
}

/// Whether what a duty opened by action `k` asks (a delivery of `deliverable` from the actor to
/// the party acted against) was delivered by the action's instant, since the last earlier
/// action of the kinds `on` between the same parties.
fn delivered_before(
    s: &crate::scenario::Scenario,
    on: &[modsim_policy::Action],
    deliverable: Option<&str>,
    k: usize,
) -> bool {
    let (Some(action), Some(deliverable)) = (s.actions.get(k), deliverable) else {
        return false;
    };
    let since = s
        .actions
        .iter()
        .enumerate()
        .filter(|&(j, a)| {
            on.contains(&a.action)
                && a.actor == action.actor
                && a.against == action.against
                && (a.at, j) < (action.at, k)
        })
        .map(|(_, a)| a.at)
        .max();
    s.deliveries.iter().any(|d| {
        d.from == action.actor
            && d.to == action.against
            && d.deliverable == deliverable
            && d.at <= action.at
            && since.is_none_or(|t| d.at > t)
    })
}
