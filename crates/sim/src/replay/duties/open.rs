//! Opening one duty instance: the subject it opens for and the parties it is owed between
//! ([`Subject`]), what opening it changes beside the duty's state ([`Queue`]), whether a
//! duty's condition holds for a post ([`applies`], with the post's view built once by
//! [`PostOf`]), and what a failing deadline is called.

use std::cmp::Reverse;

use jiff::Timestamp;
use modsim_policy::Trigger;
use modsim_policy::condition::{Env, NoState};

use crate::bind::post_view;
use crate::outcome::Cause;
use crate::replay::ReplayError;
use crate::replay::state::{DutyState, Instance, PolicyState, record};

/// What a deadline for post `x` of duty `d` under `bound` is called, should its arithmetic
/// fail.
pub(super) fn deadline_of_post(
    bound: &crate::bind::Bound,
    d: usize,
    x: &crate::scenario::Post,
) -> String {
    format!(
        "the deadline of `{}` for post `{}`",
        clause_of(bound, d),
        x.id
    )
}

/// The clause id of duty `d` of `bound`'s policy.
fn clause_of(bound: &crate::bind::Bound, d: usize) -> &str {
    bound
        .policy
        .duties
        .get(d)
        .map_or("?", |duty| bound.policy.duty_clause(duty).id.as_str())
}

/// Whether `duty`'s condition holds for the post `post_of` sees, under the parameters and
/// judgment calls of `state`: a duty's usual `prohibited` is read without a view of the post.
pub(super) fn applies(
    state: &PolicyState,
    duty: &modsim_policy::Duty,
    post_of: &mut PostOf<'_>,
) -> bool {
    if duty.condition.is_prohibited() {
        return post_of.bound.prohibited_by(post_of.post).is_some();
    }
    let now = post_of.now;
    let facts = NoState {
        params: &state.params,
        assumptions: &state.assumptions,
    };
    duty.condition.eval(&Env {
        now,
        post: post_of.view(),
        facts: &facts,
    })
}

/// The instance an event opens: its subject (a post, then a demand or an action), when,
/// whether it is met already (its post removed, what it asks delivered), and the prohibition
/// its post falls under (for an explained replay's index).
#[derive(Clone, Copy)]
pub(in crate::replay) struct Subject {
    pub(in crate::replay) subject: usize,
    pub(in crate::replay) now: Timestamp,
    pub(in crate::replay) removed: bool,
    pub(in crate::replay) rule: Option<u16>,
    /// The party that owes it and the party it is owed to, if known: the deadline may be
    /// counted in either's zone (`World::deadline_zone`).
    pub(in crate::replay) owed: (Option<usize>, Option<usize>),
}

/// The parties a post's instance is owed by and to: its `holder`, and for a report, the
/// party on the report's other side (`World::report_counterparty`).
#[inline]
pub(super) fn owed_on(
    world: &crate::bind::World,
    trigger: Trigger,
    holder: Option<usize>,
) -> (Option<usize>, Option<usize>) {
    let counterparty = match trigger {
        Trigger::Reported => world.report_counterparty(holder),
        _ => None,
    };
    (holder, counterparty)
}

/// What opening an instance changes beside the duty's own state: the deadlines' heap and the
/// flag that the powers must be re-read; and the world, whose parties' zones deadlines may be
/// counted in. Borrowed from the replay apart from its policies' states, so that a loop over
/// one policy's duties holds both.
pub(super) struct Queue<'a> {
    pub(super) deadlines: &'a mut std::collections::BinaryHeap<crate::replay::Deadline>,
    pub(super) changed: &'a mut bool,
    pub(super) world: &'a crate::bind::World,
}

impl Queue<'_> {
    /// Opens the instance `at` names of `ds`, the state of duty `d` of policy `p` (bound as
    /// `bound`): met at once when it is met already, pending with its deadline queued, pending
    /// for good with no time limit, or breached at once when the period is zero. False when
    /// it was open already. The change is recorded as caused by `cause`; the deadline is
    /// counted in the zone `World::deadline_zone` gives for the parties `at` owes it between
    /// (the scenario's when none), worked out only for an instance that has a deadline;
    /// `what` names the deadline, should its arithmetic fail.
    #[inline(always)]
    pub(super) fn open(
        &mut self,
        ds: &mut DutyState,
        (p, d): (usize, usize),
        bound: &crate::bind::Bound,
        at: Subject,
        cause: &Cause,
        what: impl FnOnce() -> String,
    ) -> Result<bool, ReplayError> {
        let opening = ds.opening;
        let (state, deadline) = if at.removed {
            (Instance::Fulfilled, false)
        } else {
            (opening.start, opening.deadline)
        };
        if !ds.open(at.subject, || at.rule, state) {
            return Ok(false);
        }
        *self.changed |= record(ds, at.now, cause.clone());
        if deadline {
            let (holder, counterparty) = at.owed;
            let counted_in = bound
                .policy
                .duties
                .get(d)
                .and_then(|duty| self.world.deadline_zone(duty, holder, counterparty));
            let zone = counted_in
                .as_ref()
                .map_or(&self.world.scenario.zone, |c| &c.zone);
            let due = opening
                .within
                .add_to(at.now, zone, &bound.policy.holidays)
                .map_err(|error| ReplayError {
                    what: what(),
                    error,
                    from: crate::replay::CountedFrom::Duty(cause.clone()),
                })?;
            self.deadlines
                .push(Reverse((due, at.subject as u32, p as u16, d as u16)));
        }
        Ok(true)
    }
}

/// A post as the duties opened for it at one instant see it: its view, worked out once, and
/// only when some duty's condition reads more than `prohibited`.
pub(in crate::replay) struct PostOf<'w> {
    world: &'w crate::bind::World,
    pub(in crate::replay) bound: &'w crate::bind::Bound,
    pub(in crate::replay) post: usize,
    pub(in crate::replay) now: Timestamp,
    view: Option<modsim_policy::PostView<'w>>,
}

impl<'w> PostOf<'w> {
    pub(in crate::replay) fn new(
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
    pub(in crate::replay) fn view(&mut self) -> Option<&modsim_policy::PostView<'w>> {
        if self.view.is_none() {
            let x = self.world.scenario.posts.get(self.post)?;
            let labels = self.bound.post_labels(&self.world.scenario, self.post);
            let prohibited = self.bound.prohibited_by(self.post).is_some();
            self.view = Some(post_view(x, labels, self.now, prohibited));
        }
        self.view.as_ref()
    }
}
