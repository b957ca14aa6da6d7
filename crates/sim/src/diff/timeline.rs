//! A candidate timeline: the posts and events a diff puts into its template scenario, kept in
//! the order a scenario keeps them, with its size (events, then posts) and the slots of its
//! instants, which the generator moves and the shrinker rounds.

use jiff::Timestamp;

use crate::scenario::{ActionEvent, DeliveryEvent, FactEvent, NoticeEvent, Post, Scenario};
use crate::timeline::DeterminationEvent;

/// The posts and events of one candidate timeline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Timeline {
    /// The posts.
    pub(crate) posts: Vec<Post>,
    /// The labels the posts' label sets number.
    pub(crate) labels: Vec<String>,
    /// Notices, in time order.
    pub(crate) notices: Vec<NoticeEvent>,
    /// Actions, in time order.
    pub(crate) actions: Vec<ActionEvent>,
    /// Deliveries, in time order.
    pub(crate) deliveries: Vec<DeliveryEvent>,
    /// Facts, in time order.
    pub(crate) facts: Vec<FactEvent>,
    /// Determinations (dated judgment calls), in time order.
    pub(crate) determinations: Vec<DeterminationEvent>,
}

/// How big a timeline is: what the shrinker makes smaller, events first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Size {
    /// Events: each post's publication, report and removal, and every notice, action,
    /// delivery, fact and determination.
    pub events: usize,
    /// Posts.
    pub posts: usize,
}

/// Where an instant of a timeline sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    Published(usize),
    Reported(usize),
    Removed(usize),
    Notice(usize),
    Action(usize),
    Delivery(usize),
    Fact(usize),
    Determination(usize),
}

impl Timeline {
    /// The posts and events of a scenario.
    pub(crate) fn of(s: &Scenario) -> Timeline {
        let mut t = Timeline {
            posts: s.posts.clone(),
            labels: s.labels.clone(),
            notices: s.notices.clone(),
            actions: s.actions.clone(),
            deliveries: s.deliveries.clone(),
            facts: s.facts.clone(),
            determinations: s.determinations.clone(),
        };
        t.normalize();
        t
    }

    /// Puts the posts and events into `s`, which keeps everything else.
    pub(crate) fn fill(&self, s: &mut Scenario) {
        s.posts.clone_from(&self.posts);
        s.labels.clone_from(&self.labels);
        s.notices.clone_from(&self.notices);
        s.actions.clone_from(&self.actions);
        s.deliveries.clone_from(&self.deliveries);
        s.facts.clone_from(&self.facts);
        s.determinations.clone_from(&self.determinations);
    }

    /// Its size.
    pub(crate) fn size(&self) -> Size {
        let post_events: usize = self
            .posts
            .iter()
            .map(|p| 1 + usize::from(p.reported.is_some()) + usize::from(p.removed.is_some()))
            .sum();
        Size {
            events: post_events
                + self.notices.len()
                + self.actions.len()
                + self.deliveries.len()
                + self.facts.len()
                + self.determinations.len(),
            posts: self.posts.len(),
        }
    }

    /// Events of each kind in time order (ties kept as they were), as the replay reads them
    /// and as event ids count them.
    pub(crate) fn normalize(&mut self) {
        self.notices.sort_by_key(|n| n.at);
        self.actions.sort_by_key(|a| a.at);
        self.deliveries.sort_by_key(|d| d.at);
        self.facts.sort_by_key(|f| f.at);
        self.determinations.sort_by_key(|d| d.at);
    }

    /// No post is reported or removed before it is published, as a scenario file requires.
    pub(crate) fn valid(&self) -> bool {
        self.posts.iter().all(|p| {
            p.reported.is_none_or(|t| t >= p.published)
                && p.removed.is_none_or(|t| t >= p.published)
        })
    }

    /// Moves a post's report and removal no earlier than its publication, and takes the posts
    /// the timeline no longer has out of the notices that name them.
    pub(crate) fn repair(&mut self) {
        for p in &mut self.posts {
            if let Some(t) = &mut p.reported {
                *t = (*t).max(p.published);
            }
            if let Some(t) = &mut p.removed {
                *t = (*t).max(p.published);
            }
        }
        self.prune();
    }

    /// Takes the posts the timeline does not have out of the notices that name them.
    pub(crate) fn prune(&mut self) {
        let posts = &self.posts;
        for n in &mut self.notices {
            n.posts.retain(|id| posts.iter().any(|p| p.id == *id));
        }
    }

    /// Every instant of the timeline, by slot.
    pub(crate) fn slots(&self) -> Vec<(Slot, Timestamp)> {
        let mut out = Vec::new();
        for (k, p) in self.posts.iter().enumerate() {
            out.push((Slot::Published(k), p.published));
            if let Some(t) = p.reported {
                out.push((Slot::Reported(k), t));
            }
            if let Some(t) = p.removed {
                out.push((Slot::Removed(k), t));
            }
        }
        out.extend(
            self.notices
                .iter()
                .enumerate()
                .map(|(k, n)| (Slot::Notice(k), n.at)),
        );
        out.extend(
            self.actions
                .iter()
                .enumerate()
                .map(|(k, a)| (Slot::Action(k), a.at)),
        );
        out.extend(
            self.deliveries
                .iter()
                .enumerate()
                .map(|(k, d)| (Slot::Delivery(k), d.at)),
        );
        out.extend(
            self.facts
                .iter()
                .enumerate()
                .map(|(k, f)| (Slot::Fact(k), f.at)),
        );
        out.extend(
            self.determinations
                .iter()
                .enumerate()
                .map(|(k, d)| (Slot::Determination(k), d.at)),
        );
        out
    }

    /// The instant in `slot`, if the slot is there.
    pub(crate) fn at(&self, slot: Slot) -> Option<Timestamp> {
        match slot {
            Slot::Published(k) => self.posts.get(k).map(|p| p.published),
            Slot::Reported(k) => self.posts.get(k).and_then(|p| p.reported),
            Slot::Removed(k) => self.posts.get(k).and_then(|p| p.removed),
            Slot::Notice(k) => self.notices.get(k).map(|n| n.at),
            Slot::Action(k) => self.actions.get(k).map(|a| a.at),
            Slot::Delivery(k) => self.deliveries.get(k).map(|d| d.at),
            Slot::Fact(k) => self.facts.get(k).map(|f| f.at),
            Slot::Determination(k) => self.determinations.get(k).map(|d| d.at),
        }
    }

    /// Sets the instant in `slot` (a report or removal that the post lacks is added).
    pub(crate) fn set(&mut self, slot: Slot, at: Timestamp) {
        match slot {
            Slot::Published(k) => {
                if let Some(p) = self.posts.get_mut(k) {
                    p.published = at;
                }
            }
            Slot::Reported(k) => {
                if let Some(p) = self.posts.get_mut(k) {
                    p.reported = Some(at);
                }
            }
            Slot::Removed(k) => {
                if let Some(p) = self.posts.get_mut(k) {
                    p.removed = Some(at);
                }
            }
            Slot::Notice(k) => {
                if let Some(n) = self.notices.get_mut(k) {
                    n.at = at;
                }
            }
            Slot::Action(k) => {
                if let Some(a) = self.actions.get_mut(k) {
                    a.at = at;
                }
            }
            Slot::Delivery(k) => {
                if let Some(d) = self.deliveries.get_mut(k) {
                    d.at = at;
                }
            }
            Slot::Fact(k) => {
                if let Some(f) = self.facts.get_mut(k) {
                    f.at = at;
                }
            }
            Slot::Determination(k) => {
                if let Some(d) = self.determinations.get_mut(k) {
                    d.at = at;
                }
            }
        }
    }

    /// This timeline without the event in `slot`: a publication takes its post with it.
    pub(crate) fn without(&self, slot: Slot) -> Timeline {
        let mut t = self.clone();
        match slot {
            Slot::Published(k) => {
                remove_at(&mut t.posts, k);
                t.prune();
            }
            Slot::Reported(k) => {
                if let Some(p) = t.posts.get_mut(k) {
                    p.reported = None;
                }
            }
            Slot::Removed(k) => {
                if let Some(p) = t.posts.get_mut(k) {
                    p.removed = None;
                }
            }
            Slot::Notice(k) => remove_at(&mut t.notices, k),
            Slot::Action(k) => remove_at(&mut t.actions, k),
            Slot::Delivery(k) => remove_at(&mut t.deliveries, k),
            Slot::Fact(k) => remove_at(&mut t.facts, k),
            Slot::Determination(k) => remove_at(&mut t.determinations, k),
        }
        t
    }
}

/// Removes element `k` of `v`, if there is one.
fn remove_at<T>(v: &mut Vec<T>, k: usize) {
    if k < v.len() {
        v.remove(k);
    }
}
