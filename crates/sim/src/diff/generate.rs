//! Candidate timelines, generated from the two policies themselves.
//!
//! A [`Catalog`] is read off both policies once: the label sets their prohibitions and
//! triggers test (each prohibited label, every label the policies know, no label), the actions
//! their powers allow (who may do what to whom), the demands that open duties and the
//! deliveries that meet them, the notices the powers need (citing no clause, or one), the
//! periods their clauses count (a deadline, an advance notice, a cure period, each in its
//! calendar), the thresholds their conditions compare counts and facts against, and the
//! instants worth starting from (a weekday, the Friday before a weekend and before a holiday,
//! the eve of a daylight-saving change, any instant a condition names).
//!
//! Timeline `i` is drawn from a stream fixed by the search's seed and `i` alone, so it is the
//! same whatever the number of threads. Without a scenario, timeline 0 is empty and the next
//! [`SMALL`] hold at most one post, one notice and one action; later ones hold more. Events
//! are placed against each other at the boundaries the periods imply: a deadline minus a
//! minute, at it, plus a minute. With a scenario, timeline 0 is the scenario itself and each
//! later one is a few mutations of it (an event moved to a boundary, removed, added, a post
//! relabelled, a notice's citation or a fact's value changed), some on posts drawn afresh from
//! its `[model]`.

use std::sync::Arc;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use modsim_policy::condition::{Num, StateCount, Text, Time};
use modsim_policy::{Calendar, Cond, LabelSet, Mark, Notice, Period, Policy, Trigger};
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::timeline::{Slot, Timeline};
use crate::model::ScenarioModel;
use crate::scenario::{ActionEvent, DeliveryEvent, FactEvent, NoticeEvent, Post, PostId};

/// Timelines `1..SMALL` of a search without a scenario hold at most one post, one notice and
/// one action, so that a difference shown by a few events is found among few.
pub const SMALL: u64 = 512;

/// The most posts a count threshold asks for (`state.reports >= 40` is tried with 39, 40, 41).
const MOST_POSTS: i64 = 60;

/// What the candidates are drawn from.
#[derive(Debug)]
pub(crate) struct Generator {
    catalog: Catalog,
    base: Option<Base>,
    seed: u64,
}

/// A scenario's timeline, which candidates mutate, and its model.
#[derive(Debug)]
pub(crate) struct Base {
    /// The scenario's posts and events.
    pub(crate) timeline: Timeline,
    /// Its `[model]`, and the notice the model's draws move (by index) with its recorded time.
    pub(crate) model: Option<(ScenarioModel, Option<usize>, Timestamp)>,
}

/// What both policies give a generator to draw from.
#[derive(Debug)]
pub(crate) struct Catalog {
    /// Label sets to try on a post, most telling first.
    labels: Vec<LabelSet>,
    /// Actions to judge, as events (their instant set when drawn).
    actions: Vec<ActionEvent>,
    /// Actions that demand a deliverable, with the delivery that meets them.
    demands: Vec<(ActionEvent, DeliveryEvent)>,
    /// Notices to give: from, to, and the clause ids worth citing (none is always tried).
    notices: Vec<(usize, usize, Vec<String>)>,
    /// Periods the clauses count, each with its calendar.
    periods: Vec<(Period, Calendar)>,
    /// Facts the powers read, with the values worth trying.
    facts: Vec<(String, Vec<i64>)>,
    /// Numbers of posts worth trying, from the thresholds counts are compared against.
    counts: Vec<i64>,
    /// Severities and reaches worth trying.
    severities: Vec<i64>,
    reaches: Vec<i64>,
    /// Authors worth trying: none, and the accounts conditions read.
    authors: Vec<PostId>,
    /// Instants a timeline may start from.
    anchors: Vec<Timestamp>,
    /// The zone periods are counted in.
    zone: TimeZone,
}

/// Who holds what, as the template binds each side's roles.
pub(crate) struct Binding<'a> {
    /// The side's policy.
    pub(crate) policy: &'a Arc<Policy>,
    /// The party of each of its roles.
    pub(crate) parties: &'a [Option<usize>],
}

impl Binding<'_> {
    fn party(&self, role: usize) -> Option<usize> {
        self.parties.get(role).copied().flatten()
    }
}

impl Generator {
    /// A generator of candidates for `sides`, mutating `base` when there is one.
    pub(crate) fn new(catalog: Catalog, base: Option<Base>, seed: u64) -> Generator {
        Generator {
            catalog,
            base,
            seed,
        }
    }

    /// The actions a candidate may judge.
    pub(crate) fn actions(&self) -> &[ActionEvent] {
        &self.catalog.actions
    }

    /// Candidate timeline number `index`: the same for a seed and an index, always.
    pub(crate) fn candidate(&self, index: u64, labels: &[String]) -> Timeline {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(index);
        let mut t = match &self.base {
            None if index == 0 => Timeline {
                labels: labels.to_vec(),
                ..Timeline::default()
            },
            None => self.fresh(&mut rng, index < SMALL, labels),
            Some(base) if index == 0 => base.timeline.clone(),
            Some(base) => self.mutated(base, &mut rng),
        };
        t.repair();
        t.normalize();
        t
    }

    /// A timeline drawn from the catalog alone.
    fn fresh(&self, rng: &mut ChaCha8Rng, small: bool, labels: &[String]) -> Timeline {
        let c = &self.catalog;
        let mut t = Timeline {
            labels: labels.to_vec(),
            ..Timeline::default()
        };
        let anchor = pick(rng, &c.anchors)
            .copied()
            .unwrap_or(Timestamp::UNIX_EPOCH);
        let mut refs = vec![anchor];
        // Posts: a few, or as many as a count threshold asks for.
        let by_count = !small && !c.counts.is_empty() && rng.random_bool(0.15);
        let n = if by_count {
            pick(rng, &c.counts).copied().unwrap_or(1).max(0) as usize
        } else if small {
            rng.random_range(0..=1)
        } else {
            *pick(rng, &[0usize, 1, 1, 1, 2, 2, 3]).unwrap_or(&1)
        };
        let shared = pick(rng, &c.labels).cloned().unwrap_or(LabelSet::EMPTY);
        for k in 0..n {
            let published = if by_count {
                plus_minutes(anchor, k as i64)
            } else if k == 0 {
                anchor
            } else {
                plus_minutes(anchor, 60 * rng.random_range(0..=12))
            };
            let labels = if by_count {
                shared.clone()
            } else {
                pick(rng, &c.labels).cloned().unwrap_or(LabelSet::EMPTY)
            };
            let mut post = self.post(rng, &t.posts, published, labels);
            if by_count || rng.random_bool(0.7) {
                post.reported = Some(self.after(rng, published));
            }
            if rng.random_bool(if by_count { 0.2 } else { 0.4 }) {
                let from = post.reported.unwrap_or(published);
                post.removed = Some(self.after(rng, from));
            }
            refs.extend([Some(post.published), post.reported].into_iter().flatten());
            t.posts.push(post);
        }
        // A demand, perhaps met.
        if !c.demands.is_empty() && rng.random_bool(0.5) {
            let at = plus_minutes(anchor, 60 * rng.random_range(0..=6));
            if let Some((demand, delivery)) = pick(rng, &c.demands) {
                t.actions.push(ActionEvent {
                    at,
                    ..demand.clone()
                });
                refs.push(at);
                if rng.random_bool(0.5) {
                    t.deliveries.push(DeliveryEvent {
                        at: self.after(rng, at),
                        ..delivery.clone()
                    });
                }
            }
        }
        let notices = if small {
            rng.random_range(0..=1)
        } else {
            rng.random_range(0..=2)
        };
        for _ in 0..notices {
            let from = pick(rng, &refs).copied().unwrap_or(anchor);
            let at = self.after(rng, from);
            if let Some(notice) = self.notice(rng, at) {
                refs.push(at);
                t.notices.push(notice);
            }
        }
        for (name, values) in &c.facts {
            if rng.random_bool(if small { 0.3 } else { 0.5 }) {
                let at = plus_minutes(anchor, 60 * rng.random_range(0..=24));
                let value = pick(rng, values).copied().unwrap_or(0);
                t.facts.push(fact(name, value, at));
                refs.push(at);
            }
        }
        let actions = if small {
            1
        } else {
            *pick(rng, &[0usize, 1, 1, 1, 2]).unwrap_or(&1)
        };
        for _ in 0..actions {
            let from = pick(rng, &refs).copied().unwrap_or(anchor);
            let at = self.after(rng, from);
            if let Some(action) = pick(rng, &c.actions) {
                t.actions.push(ActionEvent {
                    at,
                    ..action.clone()
                });
            }
        }
        t
    }

    /// A few mutations of the base timeline, perhaps on posts drawn afresh from its model.
    fn mutated(&self, base: &Base, rng: &mut ChaCha8Rng) -> Timeline {
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
                    let labels = pick(rng, &self.catalog.labels).cloned();
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
        let posts = t.posts.len();
        let demands: Vec<usize> = (0..t.actions.len())
            .filter(|&k| t.actions.get(k).is_some_and(|a| a.demands.is_some()))
            .collect();
        let mut kinds = Vec::new();
        if posts > 0 {
            kinds.extend([Moved::Published, Moved::Reported, Moved::Removed]);
        }
        for (kind, present) in [
            (Moved::Notice, !t.notices.is_empty()),
            (Moved::Action, !t.actions.is_empty()),
            (Moved::Delivery, !t.deliveries.is_empty()),
            (Moved::Fact, !t.facts.is_empty()),
        ] {
            if present {
                kinds.push(kind);
            }
        }
        let Some(&kind) = pick(rng, &kinds) else {
            return;
        };
        let any = t.slots();
        let any_at = |rng: &mut ChaCha8Rng| pick(rng, &any).map(|(_, at)| *at);
        match kind {
            Moved::Published | Moved::Reported | Moved::Removed => {
                let k = rng.random_range(0..posts);
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
        }
    }

    /// Adds one event drawn from the catalog, placed against the timeline's own.
    fn add_one(&self, t: &mut Timeline, rng: &mut ChaCha8Rng) {
        let c = &self.catalog;
        let slots = t.slots();
        let from = pick(rng, &slots)
            .map(|(_, at)| *at)
            .or_else(|| pick(rng, &c.anchors).copied())
            .unwrap_or(Timestamp::UNIX_EPOCH);
        match rng.random_range(0..5) {
            0 => {
                let labels = pick(rng, &c.labels).cloned().unwrap_or(LabelSet::EMPTY);
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
                    t.actions.push(ActionEvent {
                        at: self.after(rng, from),
                        ..action.clone()
                    });
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

    /// A new post, with an id none of `posts` has (`p1`, `p2`, ...).
    fn post(
        &self,
        rng: &mut ChaCha8Rng,
        posts: &[Post],
        published: Timestamp,
        labels: LabelSet,
    ) -> Post {
        let c = &self.catalog;
        Post {
            id: unused_id(posts),
            author: pick(rng, &c.authors).cloned().unwrap_or_default(),
            published,
            reported: None,
            removed: None,
            labels,
            severity: pick(rng, &c.severities).copied().unwrap_or(0),
            reach: pick(rng, &c.reaches).copied().unwrap_or(0),
            description: "a post made up by modsim diff".into(),
            platform: None,
        }
    }

    /// A notice at `at`, from a holder of a power to the party it is held against, citing no
    /// clause or one of that pair's powers.
    fn notice(&self, rng: &mut ChaCha8Rng, at: Timestamp) -> Option<NoticeEvent> {
        let (from, to, cites) = pick(rng, &self.catalog.notices)?;
        let cites = match pick(rng, cites) {
            Some(c) if rng.random_bool(0.5) => vec![c.clone()],
            _ => Vec::new(),
        };
        Some(NoticeEvent {
            at,
            from: *from,
            to: *to,
            summary: if cites.is_empty() {
                "a notice citing no clause, made up by modsim diff".into()
            } else {
                format!(
                    "a notice citing {}, made up by modsim diff",
                    cites.join(", ")
                )
            },
            cites,
            posts: Vec::new(),
            mark: Mark::Reconstructed,
            reconstructed: None,
        })
    }

    /// An instant at or after `from`: at it, at the end of a period the clauses count from it
    /// (a minute before, at, a minute after), or some hours or minutes later.
    fn after(&self, rng: &mut ChaCha8Rng, from: Timestamp) -> Timestamp {
        match rng.random_range(0..10) {
            0 => from,
            1..=5 => match self.period_end(rng, from) {
                Some(end) => plus_minutes(end, rng.random_range(-1..=1)),
                None => plus_minutes(from, 60 * rng.random_range(1..=72)),
            },
            6 | 7 => plus_minutes(from, 60 * rng.random_range(1..=72)),
            _ => plus_minutes(from, rng.random_range(1..=600)),
        }
        .max(from)
    }

    /// An instant before `to`: a period the clauses count before it (give or take a minute),
    /// or some hours before.
    fn before(&self, rng: &mut ChaCha8Rng, to: Timestamp) -> Timestamp {
        let c = &self.catalog;
        if rng.random_bool(0.6)
            && let Some((period, calendar)) = pick(rng, &c.periods)
        {
            // The instant from which the period ends at `to`, found by stepping back a day at
            // a time: periods in minutes are exact, the others end at the same wall-clock time.
            if let Period::Minutes(m) = period {
                return plus_minutes(to, -i64::from(*m) + rng.random_range(-1..=1));
            }
            let mut from = to;
            for _ in 0..400 {
                from = plus_minutes(from, -24 * 60);
                match period.add_to(from, &c.zone, calendar) {
                    Ok(end) if end <= to => {
                        return plus_minutes(from, rng.random_range(-1..=1));
                    }
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }
        plus_minutes(to, -60 * rng.random_range(1..=72))
    }

    /// An instant around `from`, before or after it.
    fn shifted(&self, rng: &mut ChaCha8Rng, from: Timestamp) -> Timestamp {
        if rng.random_bool(0.5) {
            self.after(rng, from)
        } else {
            self.before(rng, from)
        }
    }

    /// The end of a period of the catalog counted from `from`.
    fn period_end(&self, rng: &mut ChaCha8Rng, from: Timestamp) -> Option<Timestamp> {
        let c = &self.catalog;
        let (period, calendar) = pick(rng, &c.periods)?;
        period.add_to(from, &c.zone, calendar).ok()
    }
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
}

/// Removes one event: a post with all its events, a post's report or removal, a notice, an
/// action, a delivery or a fact.
fn remove_one(t: &mut Timeline, rng: &mut ChaCha8Rng) {
    let slots = t.slots();
    // Each kind of event as likely as any other, however many posts there are.
    let kinds: [fn(&Slot) -> bool; 7] = [
        |s| matches!(s, Slot::Published(_)),
        |s| matches!(s, Slot::Reported(_)),
        |s| matches!(s, Slot::Removed(_)),
        |s| matches!(s, Slot::Notice(_)),
        |s| matches!(s, Slot::Action(_)),
        |s| matches!(s, Slot::Delivery(_)),
        |s| matches!(s, Slot::Fact(_)),
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

/// The action of an action event, as outcomes name it.
pub(crate) fn action_word(a: &ActionEvent) -> &'static str {
    a.action.name()
}

/// The first of `p1`, `p2`, ... that no post of `posts` has.
pub(crate) fn unused_id(posts: &[Post]) -> PostId {
    (1..)
        .map(|n| smol_str::format_smolstr!("p{n}"))
        .find(|id| !posts.iter().any(|p| p.id == *id))
        .unwrap_or_default()
}

fn fact(name: &str, value: i64, at: Timestamp) -> FactEvent {
    FactEvent {
        at,
        name: name.to_owned(),
        value,
        summary: format!("`{name}` is {value}, made up by modsim diff"),
        mark: Mark::Reconstructed,
        reconstructed: None,
    }
}

/// An element of `items`, uniformly.
fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        return None;
    }
    items.get(rng.random_range(0..items.len()))
}

fn plus_minutes(t: Timestamp, minutes: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_mins(minutes))
        .unwrap_or(t)
}

impl Catalog {
    /// What both sides give: their labels (numbered as `labels` names them), actions, demands,
    /// notices, periods, thresholds, and the instants to start from (`start` first).
    pub(crate) fn new(
        sides: [Binding<'_>; 2],
        labels: &[String],
        parties: &[crate::scenario::Party],
        zone: &TimeZone,
        start: Timestamp,
    ) -> Catalog {
        let mut c = Catalog {
            labels: Vec::new(),
            actions: Vec::new(),
            demands: Vec::new(),
            notices: Vec::new(),
            periods: Vec::new(),
            facts: Vec::new(),
            counts: Vec::new(),
            severities: Vec::new(),
            reaches: Vec::new(),
            authors: Vec::new(),
            anchors: Vec::new(),
            zone: zone.clone(),
        };
        let mut notes = Vec::new();
        for side in &sides {
            c.read_labels(side.policy, labels);
            c.read_powers(side);
            c.read_duties(side);
            c.read_thresholds(side.policy, &mut notes);
        }
        // Labels no prohibition tests come after the ones that do, then no label at all.
        for side in &sides {
            for name in side.policy.labels.names() {
                if let Some(i) = labels.iter().position(|l| l == name) {
                    push_new(&mut c.labels, LabelSet::single(i));
                }
            }
        }
        push_new(&mut c.labels, LabelSet::EMPTY);
        c.authors.insert(0, PostId::default());
        for p in parties {
            if let Some(account) = &p.account {
                push_new(&mut c.authors, PostId::from(account.as_str()));
            }
        }
        if c.severities.is_empty() {
            c.severities.push(0);
        }
        if c.reaches.is_empty() {
            c.reaches.push(0);
        }
        let calendars: Vec<Calendar> = sides.iter().map(|s| s.policy.holidays.clone()).collect();
        c.anchors = anchors(zone, &calendars, start, &notes);
        c
    }

    fn read_labels(&mut self, policy: &Policy, labels: &[String]) {
        let conditions = policy
            .prohibitions
            .iter()
            .map(|p| &p.condition.cond)
            .chain(policy.duties.iter().map(|d| &d.condition.cond));
        for cond in conditions {
            cond.visit(&mut |c| match c {
                Cond::HasAnyLabel(set) => {
                    for name in policy.labels.names_of(set) {
                        if let Some(i) = labels.iter().position(|l| l == name) {
                            push_new(&mut self.labels, LabelSet::single(i));
                        }
                    }
                }
                Cond::HasAllLabels(set) => {
                    let all = policy
                        .labels
                        .names_of(set)
                        .into_iter()
                        .filter_map(|name| labels.iter().position(|l| l == name))
                        .fold(LabelSet::EMPTY, |acc, i| acc.union(LabelSet::single(i)));
                    push_new(&mut self.labels, all);
                }
                Cond::CompareNum(_, a, b) => {
                    for (read, other) in [(a, b), (b, a)] {
                        let target = match read {
                            Num::Severity => &mut self.severities,
                            Num::Reach => &mut self.reaches,
                            _ => continue,
                        };
                        if let Some(v) = constant(other, policy) {
                            for x in [v - 1, v, v + 1] {
                                push_new(target, x.max(0));
                            }
                        }
                    }
                }
                Cond::EqualText(_, a, b) => {
                    for (read, other) in [(a, b), (b, a)] {
                        if let (Text::Author, Text::Const(s)) = (read, other) {
                            push_new(&mut self.authors, PostId::from(&**s));
                        }
                    }
                }
                Cond::TextIn(Text::Author, list) => {
                    for s in list.iter() {
                        push_new(&mut self.authors, PostId::from(&**s));
                    }
                }
                _ => {}
            });
        }
    }

    fn read_powers(&mut self, side: &Binding<'_>) {
        let policy = side.policy;
        for power in &policy.powers {
            let (Some(holder), Some(against)) =
                (side.party(power.holder), side.party(power.against))
            else {
                continue;
            };
            let action = ActionEvent {
                at: Timestamp::UNIX_EPOCH,
                actor: holder,
                action: power.action,
                against,
                demands: None,
                lasting: None,
                summary: "an action made up by modsim diff".into(),
                mark: Mark::Reconstructed,
                reconstructed: None,
            };
            if !self.actions.iter().any(|a| {
                a.actor == action.actor && a.action == action.action && a.against == action.against
            }) {
                self.actions.push(action);
            }
            let clause = policy.power_clause(power).id.clone();
            match self
                .notices
                .iter_mut()
                .find(|(f, t, _)| *f == holder && *t == against)
            {
                Some((_, _, cites)) => push_new(cites, clause),
                None => self.notices.push((holder, against, vec![clause])),
            }
            let periods = [
                match power.notice {
                    Notice::Advance(p) => Some(p.period),
                    _ => None,
                },
                power.cure.map(|c| c.period),
            ];
            for period in periods.into_iter().flatten() {
                push_new(&mut self.periods, (period, policy.holidays.clone()));
            }
        }
    }

    fn read_duties(&mut self, side: &Binding<'_>) {
        let policy = side.policy;
        for duty in &policy.duties {
            if !duty.open_ended && !duty.within.period.is_zero() {
                push_new(
                    &mut self.periods,
                    (duty.within.period, policy.holidays.clone()),
                );
            }
            let (Trigger::Demanded, Some(deliverable), Some(holder)) =
                (duty.opens, &duty.deliverable, side.party(duty.holder))
            else {
                continue;
            };
            // The demand comes from a party the policy binds, by an action of a power held
            // against the duty's holder (a demand for a plan), or else any power's.
            let against_holder = |p: &&modsim_policy::Power| side.party(p.against) == Some(holder);
            let power = policy
                .powers
                .iter()
                .filter(against_holder)
                .find(|p| side.party(p.holder).is_some())
                .or_else(|| {
                    policy
                        .powers
                        .iter()
                        .find(|p| side.party(p.holder).is_some())
                });
            let Some(power) = power else { continue };
            let Some(actor) = side.party(power.holder).filter(|&a| a != holder) else {
                continue;
            };
            if self.demands.iter().any(|(a, d)| {
                a.actor == actor && a.against == holder && d.deliverable == *deliverable
            }) {
                continue;
            }
            self.demands.push((
                ActionEvent {
                    at: Timestamp::UNIX_EPOCH,
                    actor,
                    action: power.action,
                    against: holder,
                    demands: Some(deliverable.clone()),
                    lasting: None,
                    summary: format!("a demand for `{deliverable}`, made up by modsim diff"),
                    mark: Mark::Reconstructed,
                    reconstructed: None,
                },
                DeliveryEvent {
                    at: Timestamp::UNIX_EPOCH,
                    from: holder,
                    to: actor,
                    deliverable: deliverable.clone(),
                    summary: format!("`{deliverable}` delivered, made up by modsim diff"),
                    mark: Mark::Reconstructed,
                    reconstructed: None,
                },
            ));
        }
    }

    /// The thresholds powers compare counts and facts against, and the instants conditions
    /// name.
    fn read_thresholds(&mut self, policy: &Policy, notes: &mut Vec<Timestamp>) {
        for name in &policy.facts {
            if !self.facts.iter().any(|(n, _)| *n == name.name) {
                self.facts.push((name.name.clone(), vec![0, 1]));
            }
        }
        let conditions = policy
            .powers
            .iter()
            .map(|p| &p.condition.cond)
            .chain(policy.prohibitions.iter().map(|p| &p.condition.cond))
            .chain(policy.duties.iter().map(|d| &d.condition.cond));
        for cond in conditions {
            cond.visit(&mut |c| match c {
                Cond::CompareNum(_, a, b) => {
                    for (read, other) in [(a, b), (b, a)] {
                        let Some(v) = constant(other, policy) else {
                            continue;
                        };
                        let around = [v - 1, v, v + 1];
                        match read {
                            Num::Fact(i) => {
                                let name = policy.facts.get(*i).map(|f| f.name.as_str());
                                if let Some((_, values)) = self
                                    .facts
                                    .iter_mut()
                                    .find(|(n, _)| Some(n.as_str()) == name)
                                {
                                    for x in around {
                                        push_new(values, x.max(0));
                                    }
                                }
                            }
                            Num::State(
                                StateCount::Reports
                                | StateCount::LiveReported
                                | StateCount::LiveProhibited
                                | StateCount::AccountPosts
                                | StateCount::AccountProhibited
                                | StateCount::AccountLiveProhibited,
                            ) => {
                                for x in around {
                                    if (1..=MOST_POSTS).contains(&x) {
                                        push_new(&mut self.counts, x);
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Cond::CompareTime(_, a, b) => {
                    for t in [a, b] {
                        if let Some(at) = instant(t) {
                            for m in [-1, 0, 1] {
                                notes.push(plus_minutes(at, m));
                            }
                        }
                    }
                }
                _ => {}
            });
        }
    }
}

/// The value of a number a condition compares against, when it is fixed: a literal, an integer
/// parameter, or arithmetic of those.
fn constant(n: &Num, policy: &Policy) -> Option<i64> {
    match n {
        Num::Const(v) => Some(*v),
        Num::Param(i) => policy.param_values().get(*i).copied(),
        Num::Arith(op, a, b) => {
            let (a, b) = (constant(a, policy)?, constant(b, policy)?);
            Some(match op {
                modsim_policy::condition::ArithOp::Add => a.saturating_add(b),
                modsim_policy::condition::ArithOp::Sub => a.saturating_sub(b),
                modsim_policy::condition::ArithOp::Mul => a.saturating_mul(b),
                modsim_policy::condition::ArithOp::Div => a.checked_div(b).unwrap_or(0),
                modsim_policy::condition::ArithOp::Rem => a.checked_rem(b).unwrap_or(0),
            })
        }
        _ => None,
    }
}

/// The instant a time expression names, when it is fixed.
fn instant(t: &Time) -> Option<Timestamp> {
    match t {
        Time::Const(at) => Some(*at),
        Time::Shift(inner, by) => instant(inner)?.checked_add(*by).ok(),
        _ => None,
    }
}

/// The instants a timeline may start from, `start` first: the next Friday at 17:00 (a weekend
/// follows), the eve of the next holiday of each calendar at 17:00, the eve of the next two
/// daylight-saving changes at 18:00, and the instants conditions name.
fn anchors(
    zone: &TimeZone,
    calendars: &[Calendar],
    start: Timestamp,
    notes: &[Timestamp],
) -> Vec<Timestamp> {
    let mut out = vec![start];
    let day = start.to_zoned(zone.clone()).date();
    let at = |date: Date, hour: i8| {
        date.at(hour, 0, 0, 0)
            .to_zoned(zone.clone())
            .ok()
            .map(|z| z.timestamp())
    };
    let days = |n: i64| (0..n).filter_map(move |k| day.checked_add(k.days()).ok());
    if let Some(friday) = days(7).find(|d| d.weekday() == Weekday::Friday) {
        out.extend(at(friday, 17));
    }
    for calendar in calendars {
        let holiday = days(400).find(|d| {
            matches!(calendar.holiday(*d), Ok(Some(_)))
                && !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
        });
        if let Some(eve) = holiday.and_then(|d| d.yesterday().ok()) {
            // The last business day before a holiday weekend, when the holiday is a Monday.
            let eve = if eve.weekday() == Weekday::Sunday {
                eve.checked_sub(2.days()).unwrap_or(eve)
            } else {
                eve
            };
            if let Some(t) = at(eve, 17)
                && !out.contains(&t)
            {
                out.push(t);
            }
        }
    }
    for transition in zone.following(start).take(2) {
        let date = transition.timestamp().to_zoned(zone.clone()).date();
        if let Some(t) = date.yesterday().ok().and_then(|d| at(d, 18)) {
            out.push(t);
        }
    }
    for t in notes {
        if !out.contains(t) {
            out.push(*t);
        }
    }
    out
}

fn push_new<T: PartialEq>(items: &mut Vec<T>, item: T) {
    if !items.contains(&item) {
        items.push(item);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

    use super::*;

    /// The anchors a timeline starts from: the start, the Friday after it, the last business
    /// day before the next federal holiday, the eves of the next two daylight-saving changes.
    #[test]
    fn anchors_cross_a_weekend_a_holiday_and_a_dst_change() {
        let zone = TimeZone::get("America/Los_Angeles").unwrap();
        let at = |s: &str| crate::scenario::parse_instant(s, &zone).unwrap();
        let found = anchors(&zone, &[Calendar::default()], at("2021-01-04 09:00"), &[]);
        assert_eq!(
            found,
            [
                at("2021-01-04 09:00"),
                at("2021-01-08 17:00"),
                // Monday 18 January 2021 is Martin Luther King Jr. Day.
                at("2021-01-15 17:00"),
                at("2021-03-13 18:00"),
                at("2021-11-06 18:00"),
            ]
        );
        let utc = TimeZone::UTC;
        assert_eq!(
            anchors(&utc, &[], at("2021-01-04 09:00"), &[]).len(),
            2,
            "no DST in UTC"
        );
    }
}
