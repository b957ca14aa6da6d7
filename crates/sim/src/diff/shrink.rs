//! Shrinking: from the first timeline on which the sides differ to a smallest one on which
//! they still differ, as telling a difference or more (a verdict stays a verdict).
//!
//! Smallest means fewest events, then fewest posts, then round instants. The steps, each kept
//! only when the difference remains: posts taken out in halves, then quarters, down to one at
//! a time; then each action, notice, delivery, fact, determination, removal and report; then
//! simpler values (one label instead of several, a notice that names one post or cites no
//! clause, no author, no severity or reach); repeated while the timeline shrinks. Last, each
//! instant is rounded, to the start of its day or the next day, else to its hour or the next.
//! Every step is tried in a fixed order, one after another, so the result depends on the found
//! timeline alone.

use jiff::{Timestamp, Unit, Zoned, ZonedRound};
use modsim_policy::LabelSet;

use super::pair::{Class, Pair};
use super::timeline::{Slot, Timeline};
use crate::compare::{Differs, PowerSide};
use crate::scenario::{ActionEvent, EVERY_ACCOUNT, PostId};

/// Rounding passes over every instant; each pass rounds what the last made roundable.
const ROUNDING_PASSES: usize = 3;

/// A shrunk timeline, and how many pairs of replays the shrinking took.
#[derive(Debug)]
pub(crate) struct Shrunk {
    pub(crate) timeline: Timeline,
    pub(crate) replays: u64,
}

/// A difference in when an action opens (of a kind, or on one power), made one in a verdict
/// where it can be: the action taken at the instant it opens on one side (the earlier, then
/// the later). Returns
/// the timeline and its class, unchanged when no such action tells the sides apart.
///
/// "What changed" is answered best by a verdict that differs; a timeline in which nobody acts
/// shows only when each side would have let them.
pub(crate) fn promote(
    pair: &Pair,
    actions: &[ActionEvent],
    found: Timeline,
    class: Class,
) -> (Timeline, Class) {
    if class == Class::Verdict {
        return (found, class);
    }
    let [a, b] = pair.worlds(&found);
    let (Ok(oa), Ok(ob)) = (a.replay_quiet(), b.replay_quiet()) else {
        return (found, class);
    };
    let s = &pair.template;
    for d in pair.differences(&oa, &ob) {
        let (holder, action, against, mut instants) = match &d {
            Differs::EarliestAction {
                holder,
                action,
                against,
                baseline,
                alternative,
            } => (
                holder,
                action,
                against,
                [baseline, alternative]
                    .into_iter()
                    .flatten()
                    .map(|o| o.at)
                    .collect::<Vec<_>>(),
            ),
            Differs::Earliest {
                holder,
                action,
                against,
                baseline,
                alternative,
                ..
            } => (
                holder,
                action,
                against,
                [baseline, alternative]
                    .into_iter()
                    .filter_map(|side| match side {
                        PowerSide::Earliest(at) => *at,
                        PowerSide::Absent => None,
                    })
                    .collect::<Vec<_>>(),
            ),
            Differs::Verdict { .. } | Differs::Duty { .. } => continue,
        };
        instants.sort();
        // A side that stands for every account is matched by any account.
        let is = |party: usize, name: &str| {
            s.party_id(party) == name
                || (name == EVERY_ACCOUNT
                    && s.parties.get(party).is_some_and(|p| p.account.is_some()))
        };
        let kinds = actions.iter().filter(|x| {
            is(x.actor, holder)
                && super::generate::action_word(x) == action
                && is(x.against, against)
        });
        for kind in kinds {
            for &at in &instants {
                let mut t = found.clone();
                t.actions.push(ActionEvent { at, ..kind.clone() });
                t.normalize();
                if matches!(pair.judge(&t), Ok(Some(Class::Verdict))) {
                    return (t, Class::Verdict);
                }
            }
        }
    }
    (found, class)
}

/// Shrinks `found`, on which the sides differ with a difference of `class`.
pub(crate) fn shrink(pair: &Pair, found: Timeline, class: Class) -> Shrunk {
    let mut s = Shrinker {
        pair,
        class,
        replays: 0,
    };
    let mut t = found;
    loop {
        let before = t.clone();
        t = s.drop_posts(t);
        t = s.drop_events(t);
        t = s.simplify(t);
        if t == before {
            break;
        }
    }
    t = s.round(t);
    Shrunk {
        timeline: t,
        replays: s.replays,
    }
}

struct Shrinker<'p> {
    pair: &'p Pair,
    class: Class,
    replays: u64,
}

impl Shrinker<'_> {
    /// Whether the sides still differ on `t`, as tellingly.
    fn keeps(&mut self, t: &Timeline) -> bool {
        if !t.valid() {
            return false;
        }
        self.replays += 1;
        matches!(self.pair.judge(t), Ok(Some(c)) if c <= self.class)
    }

    /// Takes posts out, in chunks halving from half of them to one.
    fn drop_posts(&mut self, mut t: Timeline) -> Timeline {
        let mut chunk = t.posts.len().div_ceil(2).max(1);
        loop {
            let mut start = 0;
            while start < t.posts.len() {
                let end = (start + chunk).min(t.posts.len());
                let mut candidate = t.clone();
                candidate.posts.drain(start..end);
                candidate.prune();
                if self.keeps(&candidate) {
                    t = candidate;
                } else {
                    start = end;
                }
            }
            if chunk == 1 {
                return t;
            }
            chunk = chunk.div_ceil(2);
        }
    }

    /// Takes out each event that the difference does not need: actions, notices, deliveries
    /// and facts, then posts' removals and reports.
    fn drop_events(&mut self, mut t: Timeline) -> Timeline {
        let order = |s: &Slot| match s {
            Slot::Action(_) => 0,
            Slot::Notice(_) => 1,
            Slot::Delivery(_) => 2,
            Slot::Fact(_) | Slot::Determination(_) => 3,
            Slot::Removed(_) => 4,
            Slot::Reported(_) => 5,
            Slot::Published(_) => 6,
        };
        'again: loop {
            let mut slots: Vec<Slot> = t.slots().into_iter().map(|(s, _)| s).collect();
            slots.sort_by_key(order);
            for slot in slots {
                if matches!(slot, Slot::Published(_)) {
                    continue;
                }
                let candidate = t.without(slot);
                if self.keeps(&candidate) {
                    t = candidate;
                    continue 'again;
                }
            }
            return t;
        }
    }

    /// Simpler values: one label where a post has several, no citation, no author, severity
    /// or reach.
    fn simplify(&mut self, mut t: Timeline) -> Timeline {
        for k in 0..t.posts.len() {
            let Some(labels) = t.posts.get(k).map(|p| p.labels) else {
                continue;
            };
            if labels.len() > 1 {
                for i in labels.indices() {
                    let mut candidate = t.clone();
                    if let Some(p) = candidate.posts.get_mut(k) {
                        p.labels = LabelSet::single(i);
                    }
                    if self.keeps(&candidate) {
                        t = candidate;
                        break;
                    }
                }
            }
            let plain =
                |p: &crate::scenario::Post| p.author.is_empty() && p.severity == 0 && p.reach == 0;
            if t.posts.get(k).is_some_and(|p| !plain(p)) {
                let mut candidate = t.clone();
                if let Some(p) = candidate.posts.get_mut(k) {
                    p.author = PostId::default();
                    p.severity = 0;
                    p.reach = 0;
                }
                if self.keeps(&candidate) {
                    t = candidate;
                }
            }
        }
        for k in 0..t.notices.len() {
            // A notice naming one post rather than several.
            let named = t
                .notices
                .get(k)
                .map(|n| n.posts.clone())
                .unwrap_or_default();
            if named.len() > 1 {
                for id in named {
                    let mut candidate = t.clone();
                    if let Some(n) = candidate.notices.get_mut(k) {
                        n.posts = vec![id];
                    }
                    if self.keeps(&candidate) {
                        t = candidate;
                        break;
                    }
                }
            }
            if t.notices.get(k).is_some_and(|n| !n.cites.is_empty()) {
                let mut candidate = t.clone();
                if let Some(n) = candidate.notices.get_mut(k) {
                    n.cites.clear();
                }
                if self.keeps(&candidate) {
                    t = candidate;
                }
            }
        }
        t
    }

    /// Rounds each instant: to the start of its day or of the next, else to its hour or the
    /// next, in the scenario's zone.
    fn round(&mut self, mut t: Timeline) -> Timeline {
        let zone = self.pair.template.zone.clone();
        for _ in 0..ROUNDING_PASSES {
            let mut changed = false;
            for (slot, _) in t.slots() {
                let Some(at) = t.at(slot) else { continue };
                for target in rounder(at, &zone) {
                    let mut candidate = t.clone();
                    candidate.set(slot, target);
                    candidate.normalize();
                    if self.keeps(&candidate) {
                        t = candidate;
                        changed = true;
                        break;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        t
    }
}

/// Rounder instants near `at`, roundest first: the start of its day, of the next day, its hour,
/// the next hour. An instant already as round as a target is not moved to it.
fn rounder(at: Timestamp, zone: &jiff::tz::TimeZone) -> Vec<Timestamp> {
    let z = at.to_zoned(zone.clone());
    let mut out = Vec::new();
    let day = z.start_of_day().ok();
    if day.as_ref().is_some_and(|d| d.timestamp() == at) {
        return out;
    }
    out.extend(day.as_ref().map(Zoned::timestamp));
    out.extend(
        z.tomorrow()
            .ok()
            .and_then(|d| d.start_of_day().ok())
            .map(|d| d.timestamp()),
    );
    let hour = |mode| {
        z.round(ZonedRound::new().smallest(Unit::Hour).mode(mode))
            .ok()
            .map(|h| h.timestamp())
    };
    let (floor, ceil) = (hour(jiff::RoundMode::Floor), hour(jiff::RoundMode::Ceil));
    if floor == Some(at) {
        return out;
    }
    out.extend(floor);
    out.extend(ceil.filter(|c| Some(*c) != floor));
    out
}
