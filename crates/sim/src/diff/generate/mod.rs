//! Candidate timelines, generated from the two policies themselves.
//!
//! A [`Catalog`] is read off both policies once (`catalog.rs`, `opened.rs`): the label sets
//! their prohibitions and triggers test (each prohibited label, every label the policies know,
//! no label), the actions their powers allow (who may do what to whom, a restriction with each
//! length either side allows, the prior action a power asks for), the demands, notices naming
//! posts and actions that open duties, and the deliveries that meet them, the notices the
//! powers need (citing no clause, or one), the periods their clauses count (a deadline, an
//! advance notice, a cure period, a restriction's length, the window an account's history is
//! counted in, each in its calendar), the thresholds their conditions compare counts, facts
//! and histories against (the n-th and (n+1)-th strike), the determinations that date their
//! judgment calls, and the instants worth starting from (a weekday, the Friday before a
//! weekend and before a holiday, the eve of a daylight-saving change, any instant a condition
//! names).
//!
//! Timeline `i` is drawn from a stream fixed by the search's seed and `i` alone, so it is the
//! same whatever the number of threads. Without a scenario, timeline 0 is empty and the next
//! [`SMALL`] hold at most one post, one notice and one action; later ones hold more, among
//! them an account's history (strikes, warnings, prohibited posts) as long as a threshold asks.
//! Events are placed against each other at the boundaries the periods imply: a deadline minus
//! a minute, at it, plus a minute; the first strike of a history at a window's edge from the
//! action judged; a determination a minute before or after an action. With a scenario,
//! timeline 0 is the scenario itself and each later one is a few mutations of it
//! (`mutate.rs`: an event moved to a boundary, removed, added, a post relabelled, a notice's
//! citation or a fact's value changed), some on posts drawn afresh from its `[model]`.

mod catalog;
mod mutate;
mod opened;
#[cfg(test)]
mod tests;

use jiff::{SignedDuration, Timestamp};
use modsim_policy::condition::Counted;
use modsim_policy::{LabelSet, Mark, Period};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub(crate) use catalog::{Binding, Catalog};

use super::timeline::Timeline;
use crate::model::ScenarioModel;
use crate::scenario::{ActionEvent, DeliveryEvent, FactEvent, NoticeEvent, Post, PostId};

/// Timelines `1..SMALL` of a search without a scenario hold at most one post, one notice and
/// one action, so that a difference shown by a few events is found among few.
pub const SMALL: u64 = 512;

/// The most posts a count threshold asks for (`state.reports >= 40` is tried with 39, 40, 41).
pub(super) const MOST_POSTS: i64 = 60;

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

    /// A timeline drawn from the catalog alone: posts, a demand, notices, facts, an account's
    /// history, actions, determinations and deliveries, each placed against what came before.
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
        self.fresh_posts(rng, small, anchor, &mut t, &mut refs);
        self.fresh_demand(rng, anchor, &mut t, &mut refs);
        self.fresh_notices(rng, small, anchor, &mut t, &mut refs);
        for (name, values) in &c.facts {
            if rng.random_bool(if small { 0.3 } else { 0.5 }) {
                let at = plus_minutes(anchor, 60 * rng.random_range(0..=24));
                let value = pick(rng, values).copied().unwrap_or(0);
                t.facts.push(fact(name, value, at));
                refs.push(at);
            }
        }
        let ladder = if !small && !c.histories.is_empty() && rng.random_bool(0.4) {
            self.history(rng, anchor, &mut t)
        } else {
            None
        };
        let actions = if small {
            1
        } else {
            *pick(rng, &[0usize, 1, 1, 1, 2]).unwrap_or(&1)
        };
        for _ in 0..actions {
            let (from, templates) = match &ladder {
                // After a history, the action judged concerns its account, counted from the
                // history's first event (a window's edge from the first strike).
                Some((first, account)) => (
                    *first,
                    c.actions
                        .iter()
                        .filter(|a| a.against == *account || a.actor == *account)
                        .collect::<Vec<_>>(),
                ),
                None => (
                    pick(rng, &refs).copied().unwrap_or(anchor),
                    c.actions.iter().collect(),
                ),
            };
            let at = self.after(rng, from);
            if let Some(action) = pick(rng, &templates).copied() {
                self.act(rng, &mut t, action, at);
            }
        }
        if !c.determinations.is_empty() {
            self.fresh_determination(rng, anchor, &mut t);
        }
        if !c.deliveries.is_empty() && rng.random_bool(0.5) {
            self.fresh_delivery(rng, anchor, &mut t);
        }
        t
    }

    /// Posts: a few, or as many as a count threshold asks for.
    fn fresh_posts(
        &self,
        rng: &mut ChaCha8Rng,
        small: bool,
        anchor: Timestamp,
        t: &mut Timeline,
        refs: &mut Vec<Timestamp>,
    ) {
        let c = &self.catalog;
        let by_count = !small && !c.counts.is_empty() && rng.random_bool(0.15);
        let n = if by_count {
            pick(rng, &c.counts).copied().unwrap_or(1).max(0) as usize
        } else if small {
            rng.random_range(0..=1)
        } else {
            *pick(rng, &[0usize, 1, 1, 1, 2, 2, 3]).unwrap_or(&1)
        };
        let shared = pick(rng, &c.labels).copied().unwrap_or(LabelSet::EMPTY);
        for k in 0..n {
            let published = if by_count {
                plus_minutes(anchor, k as i64)
            } else if k == 0 {
                anchor
            } else {
                plus_minutes(anchor, 60 * rng.random_range(0..=12))
            };
            let labels = if by_count {
                shared
            } else {
                pick(rng, &c.labels).copied().unwrap_or(LabelSet::EMPTY)
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
    }

    /// A demand, perhaps met.
    fn fresh_demand(
        &self,
        rng: &mut ChaCha8Rng,
        anchor: Timestamp,
        t: &mut Timeline,
        refs: &mut Vec<Timestamp>,
    ) {
        let c = &self.catalog;
        if c.demands.is_empty() || !rng.random_bool(0.5) {
            return;
        }
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

    /// Notices: citing clauses, and (when a duty opens on one) one naming posts.
    fn fresh_notices(
        &self,
        rng: &mut ChaCha8Rng,
        small: bool,
        anchor: Timestamp,
        t: &mut Timeline,
        refs: &mut Vec<Timestamp>,
    ) {
        let notices = if small {
            rng.random_range(0..=1)
        } else {
            rng.random_range(0..=2)
        };
        for _ in 0..notices {
            let from = pick(rng, refs).copied().unwrap_or(anchor);
            let at = self.after(rng, from);
            if let Some(notice) = self.notice(rng, at) {
                refs.push(at);
                t.notices.push(notice);
            }
        }
        if !self.catalog.post_notices.is_empty() && !t.posts.is_empty() && rng.random_bool(0.6) {
            let Some(&(from, to)) = pick(rng, &self.catalog.post_notices) else {
                return;
            };
            let posts: Vec<PostId> = if rng.random_bool(0.5) {
                t.posts.iter().map(|p| p.id.clone()).collect()
            } else {
                pick(rng, &t.posts)
                    .map(|p| p.id.clone())
                    .into_iter()
                    .collect()
            };
            let latest = t
                .posts
                .iter()
                .filter(|p| posts.contains(&p.id))
                .map(|p| p.reported.unwrap_or(p.published))
                .max()
                .unwrap_or(anchor);
            let at = self.after(rng, latest);
            refs.push(at);
            t.notices.push(NoticeEvent {
                at,
                from,
                to,
                cites: Vec::new(),
                summary: format!(
                    "a notice naming post{} {}, made up by modsim diff",
                    if posts.len() == 1 { "" } else { "s" },
                    posts.join(", ")
                ),
                posts,
                mark: Mark::Reconstructed,
                reconstructed: None,
            });
        }
    }

    /// An account's history, as long as a threshold asks (the n-th and (n+1)-th strike, or
    /// prohibited post): `n` actions against (or, an appeal, by) one account, or `n` posts by
    /// it, or `n` deliveries to it, the first at `anchor` and the others a minute, an hour, a
    /// day or a week apart. Returns the first instant and the account.
    fn history(
        &self,
        rng: &mut ChaCha8Rng,
        anchor: Timestamp,
        t: &mut Timeline,
    ) -> Option<(Timestamp, usize)> {
        let c = &self.catalog;
        let (what, counts) = pick(rng, &c.histories)?;
        let n = pick(rng, counts).copied().unwrap_or(1).max(1);
        let gap = *pick(rng, &[1i64, 60, 24 * 60, 7 * 24 * 60])?;
        let at = |k: i64| plus_minutes(anchor, k * gap);
        let account = match what {
            Counted::Actions(action) => {
                let templates: Vec<&ActionEvent> =
                    c.actions.iter().filter(|a| a.action == *action).collect();
                let template = *pick(rng, &templates)?;
                for k in 0..n {
                    self.act(rng, t, template, at(k));
                }
                if *action == modsim_policy::Action::Appeal {
                    template.actor
                } else {
                    template.against
                }
            }
            Counted::Informed => {
                let template = pick(rng, &c.deliveries)?;
                for k in 0..n {
                    t.deliveries.push(DeliveryEvent {
                        at: at(k),
                        ..template.clone()
                    });
                }
                template.to
            }
            Counted::Posts | Counted::Prohibited => {
                let (party, handle) = pick(rng, &c.accounts)?;
                let labels = if *what == Counted::Prohibited {
                    c.labels.first().copied().unwrap_or(LabelSet::EMPTY)
                } else {
                    pick(rng, &c.labels).copied().unwrap_or(LabelSet::EMPTY)
                };
                for k in 0..n {
                    let mut post = self.post(rng, &t.posts, at(k), labels);
                    post.author = handle.clone();
                    t.posts.push(post);
                }
                *party
            }
        };
        Some((anchor, account))
    }

    /// Takes action `template` at `at`: a restriction for a length either side allows (or with
    /// no end), after the prior action its power asks for, sometimes.
    fn act(&self, rng: &mut ChaCha8Rng, t: &mut Timeline, template: &ActionEvent, at: Timestamp) {
        let c = &self.catalog;
        let mut action = ActionEvent {
            at,
            ..template.clone()
        };
        if template.lasting.is_some() {
            let lengths: Vec<Period> = c
                .lastings
                .iter()
                .filter(|(a, _)| *a == template.action)
                .map(|(_, p)| *p)
                .collect();
            action.lasting = match pick(rng, &lengths) {
                Some(p) if rng.random_bool(0.9) => Some(*p),
                _ => None,
            };
        }
        let prior = c
            .priors
            .iter()
            .find(|(main, _)| *main == template.action)
            .map(|(_, prior)| *prior);
        if let Some(prior) = prior
            && rng.random_bool(0.5)
            && let Some(before) = c.actions.iter().find(|a| {
                a.action == prior && a.actor == template.actor && a.against == template.against
            })
        {
            let when = if rng.random_bool(0.5) {
                self.before(rng, at)
            } else {
                plus_minutes(at, -1)
            };
            t.actions.push(ActionEvent {
                at: when,
                ..before.clone()
            });
        }
        t.actions.push(action);
    }

    /// A determination a minute before an action, at it, or a minute after (or some hours
    /// around it), dating a judgment call its power rests on.
    fn fresh_determination(&self, rng: &mut ChaCha8Rng, anchor: Timestamp, t: &mut Timeline) {
        let c = &self.catalog;
        if !rng.random_bool(0.5) {
            return;
        }
        let Some(template) = pick(rng, &c.determinations) else {
            return;
        };
        let near = pick(rng, &t.actions).map_or(anchor, |a| a.at);
        let at = if rng.random_bool(0.7) {
            plus_minutes(near, rng.random_range(-1..=1))
        } else {
            self.shifted(rng, near)
        };
        t.determinations.push(crate::timeline::DeterminationEvent {
            at,
            ..template.clone()
        });
    }

    /// A delivery that meets a duty an action or a notice opened: around the action against
    /// its recipient (a minute before, at, a minute after, or at a period's end), or after the
    /// notice its recipient gave.
    fn fresh_delivery(&self, rng: &mut ChaCha8Rng, anchor: Timestamp, t: &mut Timeline) {
        let Some(template) = pick(rng, &self.catalog.deliveries) else {
            return;
        };
        let acted = t
            .actions
            .iter()
            .filter(|a| a.against == template.to)
            .map(|a| a.at);
        let notified = t
            .notices
            .iter()
            .filter(|n| n.from == template.to)
            .map(|n| n.at);
        let related: Vec<Timestamp> = acted.chain(notified).collect();
        let near = pick(rng, &related).copied().unwrap_or(anchor);
        let at = if rng.random_bool(0.6) {
            plus_minutes(near, rng.random_range(-1..=1))
        } else {
            self.after(rng, near)
        };
        t.deliveries.push(DeliveryEvent {
            at,
            ..template.clone()
        });
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
