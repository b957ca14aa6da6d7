//! Candidates made from a scenario's timeline: a few mutations of it (an event moved to a
//! boundary, removed, added, a post relabelled, a notice's citation or a fact's value
//! changed), some on posts drawn afresh from its `[model]`.

use jiff::Timestamp;
use modsim_policy::LabelSet;
use rand::{Rng, RngExt};
use rand_chacha::ChaCha8Rng;

use super::{Base, Generator, fact, pick, plus_minutes};
use crate::diff::timeline::{Slot, Timeline};
use crate::scenario::{ActionEvent, DeliveryEvent};

impl Generator {
    /// A few mutations of the base timeline, perhaps on posts drawn afresh from its model.
    pub(super) fn mutated(&self, base: &Base, rng: &mut ChaCha8Rng) -> Timeline {
        let mut t = base.timeline.clone();
        if let Some((model, notice, recorded)) = &base.model
            && rng.random_bool(0.25)
        {
            let (posts, notice_at) = model.draw(rng.next_u64(), *recorded, &mut t.labels);
            t.posts = posts;
            if let Some(n) = notice.and_then(|n| t.notices.get_mut(n)) {
                n.at = notice_at;
            }
        }
        for _ in 0..rng.random_range(1..=3) {
            match rng.random_range(0..7) {
                0..=2 => self.move_one(&mut t, rng),
                3 => remove_one(&mut t, rng),
                4 => self.add_one(&mut t, rng),
                5 => {
                    let labels = pick(rng, &self.catalog.labels).copied();
                    let k = rng.random_range(0..t.posts.len().max(1));
                    if let (Some(p), Some(labels)) = (t.posts.get_mut(k), labels) {
                        p.labels = labels;
                    }
                }
                _ => self.retouch(&mut t, rng),
            }
            t.repair();
        }
        t
    }

    /// Moves one event to a boundary of another it bears on: a report after its post's
    /// publication, a removal after its report, a delivery after its demand, an action after
    /// any event, a notice before an action.
    fn move_one(&self, t: &mut Timeline, rng: &mut ChaCha8Rng) {
        let demands: Vec<usize> = (0..t.actions.len())
            .filter(|&k| t.actions.get(k).is_some_and(|a| a.demands.is_some()))
            .collect();
        let Some(&kind) = pick(rng, &movable(t)) else {
            return;
        };
        let any = t.slots();
        let any_at = |rng: &mut ChaCha8Rng| pick(rng, &any).map(|(_, at)| *at);
        match kind {
            Moved::Published | Moved::Reported | Moved::Removed => self.move_post(t, rng, kind),
            Moved::Notice => {
                let k = rng.random_range(0..t.notices.len());
                let action = pick(rng, &t.actions).map(|a| a.at);
                let at = match action {
                    Some(a) if rng.random_bool(0.6) => self.before(rng, a),
                    _ => match any_at(rng) {
                        Some(from) => self.after(rng, from),
                        None => return,
                    },
                };
                t.set(Slot::Notice(k), at);
            }
            Moved::Action => {
                let k = rng.random_range(0..t.actions.len());
                if let Some(from) = any_at(rng) {
                    let at = self.after(rng, from);
                    t.set(Slot::Action(k), at);
                }
            }
            Moved::Delivery => {
                let k = rng.random_range(0..t.deliveries.len());
                let from = pick(rng, &demands)
                    .and_then(|&d| t.actions.get(d))
                    .map(|a| a.at)
                    .or_else(|| any_at(rng));
                if let Some(from) = from {
                    let at = self.after(rng, from);
                    t.set(Slot::Delivery(k), at);
                }
            }
            Moved::Fact => {
                let k = rng.random_range(0..t.facts.len());
                if let Some(from) = any_at(rng) {
                    let at = self.shifted(rng, from);
                    t.set(Slot::Fact(k), at);
                }
            }
            Moved::Determination => {
                // A minute before an action, at it, or a minute after.
                let k = rng.random_range(0..t.determinations.len());
                if let Some(a) = pick(rng, &t.actions).map(|a| a.at) {
                    let at = plus_minutes(a, rng.random_range(-1..=1));
                    t.set(Slot::Determination(k), at);
                }
            }
        }
    }

    /// Moves a post's publication around it, its report after its publication, or its
    /// removal after its report or publication.
    fn move_post(&self, t: &mut Timeline, rng: &mut ChaCha8Rng, kind: Moved) {
        let k = rng.random_range(0..t.posts.len());
        let Some(p) = t.posts.get(k) else { return };
        let (slot, at) = match kind {
            Moved::Published => (Slot::Published(k), self.shifted(rng, p.published)),
            Moved::Reported => (Slot::Reported(k), self.after(rng, p.published)),
            _ => {
                let from = if rng.random_bool(0.5) {
                    p.reported.unwrap_or(p.published)
                } else {
                    p.published
                };
                (Slot::Removed(k), self.after(rng, from))
            }
        };
        t.set(slot, at);
    }

    /// Adds one event drawn from the catalog, placed against the timeline's own.
    fn add_one(&self, t: &mut Timeline, rng: &mut ChaCha8Rng) {
        let c = &self.catalog;
        let slots = t.slots();
        let from = pick(rng, &slots)
            .map(|(_, at)| *at)
            .or_else(|| pick(rng, &c.anchors).copied())
            .unwrap_or(Timestamp::UNIX_EPOCH);
        // A determination only where the policies rest a power on a dated judgment call.
        let kinds = if c.determinations.is_empty() { 5 } else { 6 };
        match rng.random_range(0..kinds) {
            5 => {
                if let Some(d) = pick(rng, &c.determinations) {
                    t.determinations.push(crate::timeline::DeterminationEvent {
                        at: plus_minutes(from, rng.random_range(-1..=1)),
                        ..d.clone()
                    });
                }
            }
            0 => {
                let labels = pick(rng, &c.labels).copied().unwrap_or(LabelSet::EMPTY);
                let published = self.shifted(rng, from);
                let mut post = self.post(rng, &t.posts, published, labels);
                if rng.random_bool(0.7) {
                    post.reported = Some(self.after(rng, published));
                }
                t.posts.push(post);
            }
            1 => {
                let at = self.shifted(rng, from);
                if let Some(n) = self.notice(rng, at) {
                    t.notices.push(n);
                }
            }
            2 => {
                if let Some((demand, delivery)) = pick(rng, &c.demands) {
                    let at = self.shifted(rng, from);
                    t.actions.push(ActionEvent {
                        at,
                        ..demand.clone()
                    });
                    if rng.random_bool(0.5) {
                        t.deliveries.push(DeliveryEvent {
                            at: self.after(rng, at),
                            ..delivery.clone()
                        });
                    }
                }
            }
            3 => {
                if let Some((name, values)) = pick(rng, &c.facts) {
                    let value = pick(rng, values).copied().unwrap_or(0);
                    t.facts.push(fact(name, value, self.shifted(rng, from)));
                }
            }
            _ => {
                if let Some(action) = pick(rng, &c.actions) {
                    let at = self.after(rng, from);
                    self.act(rng, t, action, at);
                }
            }
        }
    }

    /// Changes what a notice cites, or a fact's value.
    fn retouch(&self, t: &mut Timeline, rng: &mut ChaCha8Rng) {
        if rng.random_bool(0.5) && !t.notices.is_empty() {
            let k = rng.random_range(0..t.notices.len());
            if let Some(n) = t.notices.get_mut(k) {
                let cites = self
                    .catalog
                    .notices
                    .iter()
                    .find(|(from, to, _)| *from == n.from && *to == n.to)
                    .map(|(_, _, c)| c.as_slice())
                    .unwrap_or(&[]);
                n.cites = match pick(rng, cites) {
                    Some(c) if rng.random_bool(0.7) => vec![c.clone()],
                    _ => Vec::new(),
                };
            }
        } else if !t.facts.is_empty() {
            let k = rng.random_range(0..t.facts.len());
            if let Some(f) = t.facts.get_mut(k) {
                let values = self
                    .catalog
                    .facts
                    .iter()
                    .find(|(name, _)| *name == f.name)
                    .map(|(_, v)| v.as_slice())
                    .unwrap_or(&[]);
                if let Some(&v) = pick(rng, values) {
                    f.value = v;
                }
            }
        }
    }
}

/// The kinds of event the timeline has to move.
fn movable(t: &Timeline) -> Vec<Moved> {
    let mut kinds = Vec::new();
    if !t.posts.is_empty() {
        kinds.extend([Moved::Published, Moved::Reported, Moved::Removed]);
    }
    for (kind, present) in [
        (Moved::Notice, !t.notices.is_empty()),
        (Moved::Action, !t.actions.is_empty()),
        (Moved::Delivery, !t.deliveries.is_empty()),
        (Moved::Fact, !t.facts.is_empty()),
        (Moved::Determination, !t.determinations.is_empty()),
    ] {
        if present {
            kinds.push(kind);
        }
    }
    kinds
}

/// The kinds of event [`Generator::move_one`] moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Moved {
    Published,
    Reported,
    Removed,
    Notice,
    Action,
    Delivery,
    Fact,
    Determination,
}

/// Removes one event: a post with all its events, a post's report or removal, a notice, an
/// action, a delivery, a fact or a determination.
fn remove_one(t: &mut Timeline, rng: &mut ChaCha8Rng) {
    let slots = t.slots();
    // Each kind of event as likely as any other, however many posts there are.
    let kinds: [fn(&Slot) -> bool; 8] = [
        |s| matches!(s, Slot::Published(_)),
        |s| matches!(s, Slot::Reported(_)),
        |s| matches!(s, Slot::Removed(_)),
        |s| matches!(s, Slot::Notice(_)),
        |s| matches!(s, Slot::Action(_)),
        |s| matches!(s, Slot::Delivery(_)),
        |s| matches!(s, Slot::Fact(_)),
        |s| matches!(s, Slot::Determination(_)),
    ];
    let present: Vec<&fn(&Slot) -> bool> = kinds
        .iter()
        .filter(|k| slots.iter().any(|(s, _)| k(s)))
        .collect();
    let Some(kind) = pick(rng, &present) else {
        return;
    };
    let of_kind: Vec<Slot> = slots.iter().map(|(s, _)| *s).filter(|s| kind(s)).collect();
    if let Some(&slot) = pick(rng, &of_kind) {
        *t = t.without(slot);
    }
}
