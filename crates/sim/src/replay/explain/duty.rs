//! Explaining a duty: its state at the instant, the prohibitions its overdue posts fall under,
//! its first overdue subjects, and its tally by standing, each subject with its deadline's
//! arithmetic.

use jiff::Timestamp;
use modsim_policy::{Mark, Trigger};
use smol_str::SmolStr;

use super::{DutyKey, Explainer};
use crate::bind::Bound;
use crate::explanation::{
    Arithmetic, Computed, CountedIn, DeadlineInstance, DeadlineShape, Deadlines, Due, DueFrom,
    Explanation, Node, Standing, SubjectKind, SubjectRef, event_id,
};
use crate::replay::state::{DutyState, Instance};

/// How many of a duty's overdue subjects an explanation shows one by one.
const POSTS_SHOWN: usize = 3;

/// How many subjects of each standing a duty's tally names.
const TALLY_SHOWN: usize = 12;

impl Explainer<'_> {
    /// Explains the state of duty `d` now, down to its posts or demands: built once for each
    /// [`DutyKey`].
    pub(super) fn duty(&self, d: usize) -> Explanation {
        let reads_now = self
            .bound()
            .and_then(|b| b.policy.duties.get(d))
            // A tally "at" the instant; a demand's node lists the deliveries made by it.
            .is_some_and(|duty| {
                duty.open_ended || !duty.within.period.is_zero() || duty.opens == Trigger::Demanded
            });
        let key = DutyKey {
            policy: self.policy,
            duty: d,
            version: self
                .state()
                .and_then(|state| state.duties.get(d))
                .map_or(0, |ds| ds.version),
            at: reads_now.then_some(self.now),
        };
        if let Some(e) = self.memo.duties.borrow().get(&key) {
            // Test builds check that the key holds everything the explanation is built from.
            debug_assert_eq!(*e, self.build_duty(d), "a kept explanation went stale");
            return e.clone();
        }
        let e = self.build_duty(d);
        self.memo.duties.borrow_mut().insert(key, e.clone());
        e
    }

    fn build_duty(&self, d: usize) -> Explanation {
        let (Some(bound), Some(state)) = (self.bound(), self.state()) else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let policy = &bound.policy;
        let (Some(duty), Some(ds)) = (policy.duties.get(d), state.duties.get(d)) else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let s = &self.world.scenario;
        let clause = self.key(&policy.duty_clause(duty).id);
        let reconstructed = s.posts_mark == Mark::Reconstructed && concerns_posts(duty.opens);
        let sample = Sample::of(ds, bound);
        let mut children = Vec::with_capacity(8);
        children.push(Explanation::leaf(Node::Clause {
            clause: clause.clone(),
        }));
        // Which prohibitions the overdue posts fall under.
        for (rule, count) in &sample.by_rule {
            let Some(prohibition) = policy.prohibitions.get(*rule as usize) else {
                continue;
            };
            let id = policy
                .clauses
                .get(prohibition.clause)
                .map_or("", |c| c.id.as_str());
            children.push(Explanation::leaf(Node::ProhibitedUnder {
                clause: self.key(id),
                count: *count,
            }));
        }
        for &k in &sample.overdue {
            children.push(self.subject(d, k as usize));
        }
        let overdue = ds.breached();
        if overdue as usize > POSTS_SHOWN {
            children.push(Explanation::leaf(Node::More {
                count: overdue - POSTS_SHOWN as u32,
                of: subject_kind(duty.opens),
            }));
        }
        // A duty with a deadline (or none) per subject: which were met in time, and which not.
        if duty.open_ended || !duty.within.period.is_zero() {
            children.push(self.tally(d, ds, &sample, reconstructed));
        }
        Explanation::leaf(Node::Duty {
            clause,
            holder: self.party(duty.holder),
            status: ds.status,
            since: ds.since,
            overdue,
            reconstructed,
        })
        .with(children)
    }

    /// A duty's subjects now, by how they stand, each standing with its first subject as an
    /// example of the arithmetic.
    fn tally(&self, d: usize, ds: &DutyState, sample: &Sample, reconstructed: bool) -> Explanation {
        let s = &self.world.scenario;
        let duty = self.bound().and_then(|b| b.policy.duties.get(d));
        let opens = duty.map_or(Trigger::Published, |d| d.opens);
        let groups = Standing::ALL
            .iter()
            .zip(&sample.by_standing)
            .filter(|(_, shown)| !shown.is_empty())
            .map(|(&standing, shown)| {
                let example = shown
                    .first()
                    .map(|&k| self.subject(d, k as usize))
                    .into_iter()
                    .collect();
                Explanation::leaf(Node::TallyGroup {
                    standing,
                    count: ds.standing(standing),
                    shown: shown
                        .iter()
                        .filter_map(|&k| subject_ref(s, k as usize, opens))
                        .collect(),
                })
                .with(example)
            })
            .collect();
        Explanation::leaf(Node::Tally {
            at: self.now,
            opened: ds.opened(),
            each: duty
                .filter(|duty| !duty.open_ended)
                .map(|duty| duty.within.period),
            reconstructed,
        })
        .with(groups)
    }

    /// One subject of duty `d`: a post with its times and deadline, or a demand.
    fn subject(&self, d: usize, subject: usize) -> Explanation {
        let s = &self.world.scenario;
        let Some(bound) = self.bound() else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let policy = &bound.policy;
        let Some(duty) = policy.duties.get(d) else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let due = self
            .opened(duty, subject)
            .filter(|_| !duty.within.period.is_zero())
            .and_then(|o| self.due_of(duty, o));
        let Some(post) = s.posts.get(subject) else {
            let k = subject.saturating_sub(s.posts.len());
            if s.actions.get(k).is_none() {
                return Explanation::leaf(Node::Constant { value: false });
            }
            let delivered = self.deliveries_for(duty, k, self.now);
            if duty.opens == Trigger::Acted {
                return Explanation::leaf(Node::Owed {
                    event: event_id("action", k),
                    due,
                    delivered,
                });
            }
            return Explanation::leaf(Node::Demand {
                event: event_id("action", k),
                due,
                delivered,
            });
        };
        let labels = policy
            .labels
            .names_of(&bound.post_labels(s, subject))
            .into_iter()
            .map(SmolStr::new)
            .collect();
        Explanation::leaf(Node::Post {
            post: post.id.clone(),
            labels,
            removed: post.removed.filter(|r| *r <= self.now),
            due,
        })
    }
}

impl Explainer<'_> {
    /// When and from what duty `duty`'s instance for `subject` opened (by the explainer's
    /// instant), for its deadline: the post's publication or report, the first notice naming
    /// it to the holder, or the action; with the zone its deadline is counted in when it is not
    /// the scenario's (as the replay chose it: [`World::deadline_zone`](crate::bind::World)).
    fn opened(&self, duty: &modsim_policy::Duty, subject: usize) -> Option<Opened> {
        let s = &self.world.scenario;
        let world = self.world;
        let Some(post) = s.posts.get(subject) else {
            let action = s.actions.get(subject.checked_sub(s.posts.len())?)?;
            let (from, holder, counterparty) = if duty.opens == Trigger::Acted {
                (DueFrom::Acted, action.actor, action.against)
            } else {
                (DueFrom::Demanded, action.against, action.actor)
            };
            return Some(Opened {
                from,
                at: action.at,
                counted_in: world.deadline_zone(duty, Some(holder), Some(counterparty)),
            });
        };
        let bound = self.bound()?;
        let holder = bound
            .parties
            .get(duty.holder)
            .copied()
            .flatten()
            .or_else(|| bound.account(subject));
        let (from, at, counterparty) = match duty.opens {
            Trigger::Reported => (
                DueFrom::Reported,
                post.reported?,
                world.report_counterparty(holder),
            ),
            Trigger::Notified => {
                let n = s.notices.iter().find(|n| {
                    n.posts.contains(&post.id)
                        && bound.covers(s, duty.holder, n.to)
                        && bound.binds(s, n.from)
                })?;
                return Some(Opened {
                    from: DueFrom::Notified,
                    at: n.at,
                    counted_in: world.deadline_zone(duty, Some(n.to), Some(n.from)),
                });
            }
            _ => (DueFrom::Published, post.published, None),
        };
        Some(Opened {
            from,
            at,
            counted_in: world.deadline_zone(duty, holder, counterparty),
        })
    }

    /// The arithmetic of `duty`'s deadline for an instance opened so.
    fn due_of(&self, duty: &modsim_policy::Duty, opened: Opened) -> Option<Due> {
        if duty.open_ended {
            return None;
        }
        let bound = self.bound()?;
        Some(Due {
            from: opened.from,
            arithmetic: match Arithmetic::counted(
                duty.within.period,
                opened.at,
                &self.world.scenario.zone,
                opened.counted_in,
                &bound.policy.holidays,
            ) {
                Ok(a) => Computed::Arithmetic(a),
                Err(e) => Computed::Error(SmolStr::from(e.to_string())),
            },
        })
    }

    /// The deliveries by `by` that meet what action `k` demands or owes, for duty `duty`.
    fn deliveries_for(
        &self,
        duty: &modsim_policy::Duty,
        k: usize,
        by: Timestamp,
    ) -> Vec<Timestamp> {
        let s = &self.world.scenario;
        let Some(action) = s.actions.get(k) else {
            return Vec::new();
        };
        s.deliveries
            .iter()
            .filter(|x| {
                let between = if duty.opens == Trigger::Acted {
                    x.from == action.actor
                        && x.to == action.against
                        && Some(&x.deliverable) == duty.deliverable.as_ref()
                } else {
                    x.from == action.against
                        && x.to == action.actor
                        && Some(&x.deliverable) == action.demands.as_ref()
                };
                between && x.at <= by
            })
            .map(|x| x.at)
            .collect()
    }

    /// Duty `d` over the whole timeline (at the explainer's instant, its end): its state, then
    /// each instance opened, with when it opened, when it fell due and the arithmetic, when it
    /// was met and how it stands; past [`INSTANCES_SHOWN`], the rest are counted.
    pub(crate) fn duty_instances(&self, d: usize) -> Explanation {
        let (Some(bound), Some(state)) = (self.bound(), self.state()) else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let policy = &bound.policy;
        let (Some(duty), Some(ds)) = (policy.duties.get(d), state.duties.get(d)) else {
            return Explanation::leaf(Node::Constant { value: false });
        };
        let s = &self.world.scenario;
        let mut children = vec![Explanation::leaf(Node::Clause {
            clause: self.key(&policy.duty_clause(duty).id),
        })];
        let mut shown = 0usize;
        for (subject, instance) in ds.instances.iter().enumerate() {
            let Some(standing) = instance.standing() else {
                continue;
            };
            if shown == INSTANCES_SHOWN {
                break;
            }
            shown += 1;
            let Some(subject_ref) = subject_ref(s, subject, duty.opens) else {
                continue;
            };
            let Some(opening) = self.opened(duty, subject) else {
                continue;
            };
            let opened = opening.at;
            let due = self.due_of(duty, opening);
            let met = match s.posts.get(subject) {
                Some(post) => post
                    .removed
                    .filter(|_| matches!(standing, Standing::InTime | Standing::Late)),
                None => {
                    let k = subject.saturating_sub(s.posts.len());
                    self.deliveries_for(duty, k, self.now)
                        .into_iter()
                        .find(|t| {
                            duty.opens != Trigger::Acted
                                || s.actions.get(k).is_none_or(|a| *t >= a.at)
                        })
                        .filter(|_| matches!(standing, Standing::InTime | Standing::Late))
                }
            };
            children.push(Explanation::leaf(Node::Instance {
                subject: subject_ref,
                opened,
                due,
                met,
                standing,
            }));
        }
        let opened = ds.opened() as usize;
        if opened > shown {
            children.push(Explanation::leaf(Node::More {
                count: u32::try_from(opened - shown).unwrap_or(u32::MAX),
                of: subject_kind(duty.opens),
            }));
        }
        Explanation::leaf(Node::Duty {
            clause: self.key(&policy.duty_clause(duty).id),
            holder: self.party(duty.holder),
            status: ds.status,
            since: ds.since,
            overdue: ds.breached(),
            reconstructed: s.posts_mark == Mark::Reconstructed && concerns_posts(duty.opens),
        })
        .with(children)
    }
}

impl Explainer<'_> {
    /// Every instance of duty `d` opened by the explainer's instant, with its deadline's
    /// arithmetic, grouped by shape; `None` for a duty with no time limit or due at once
    /// (there is no arithmetic to show).
    pub(crate) fn deadlines(&self, d: usize) -> Option<Deadlines> {
        let (bound, state) = (self.bound()?, self.state()?);
        let (duty, ds) = (bound.policy.duties.get(d)?, state.duties.get(d)?);
        if duty.open_ended || duty.within.period.is_zero() {
            return None;
        }
        let s = &self.world.scenario;
        let mut deadlines = Deadlines::default();
        for (subject, instance) in ds.instances.iter().enumerate() {
            if instance.standing().is_none() {
                continue;
            }
            let (Some(subject_ref), Some(opened)) = (
                subject_ref(s, subject, duty.opens),
                self.opened(duty, subject),
            ) else {
                continue;
            };
            // The replay did this arithmetic when the instance opened, so it cannot fail here.
            let Ok(a) = Arithmetic::counted(
                duty.within.period,
                opened.at,
                &s.zone,
                opened.counted_in,
                &bound.policy.holidays,
            ) else {
                continue;
            };
            deadlines.push(
                DeadlineShape {
                    from: opened.from,
                    period: a.period,
                    counted_in: a.counted_in,
                    calendar: a.calendar,
                },
                DeadlineInstance {
                    subject: subject_ref,
                    start: a.start,
                    end: a.end,
                    skipped: a.skipped,
                    skipped_more: a.skipped_more,
                },
            );
        }
        Some(deadlines)
    }
}

/// When and from what a duty's instance opened, and where its deadline is counted.
struct Opened {
    from: DueFrom,
    at: Timestamp,
    counted_in: Option<CountedIn>,
}

/// How many instances a duty's own explanation lists one by one.
pub(crate) const INSTANCES_SHOWN: usize = 1_000;

/// Whether a duty opened so concerns posts (rather than demands or actions).
fn concerns_posts(opens: Trigger) -> bool {
    !matches!(opens, Trigger::Demanded | Trigger::Acted)
}

/// What a duty opened so has as subjects.
fn subject_kind(opens: Trigger) -> SubjectKind {
    match opens {
        Trigger::Demanded => SubjectKind::Demands,
        Trigger::Acted => SubjectKind::Actions,
        _ => SubjectKind::Posts,
    }
}

/// A duty's subject by id: a post's, a demand's event, or an action's.
fn subject_ref(
    s: &crate::scenario::Scenario,
    subject: usize,
    opens: Trigger,
) -> Option<SubjectRef> {
    match s.posts.get(subject) {
        Some(post) => Some(SubjectRef::Post(post.id.clone())),
        None => {
            let k = subject.checked_sub(s.posts.len())?;
            s.actions.get(k)?;
            Some(if opens == Trigger::Acted {
                SubjectRef::Action(event_id("action", k))
            } else {
                SubjectRef::Demand(event_id("action", k))
            })
        }
    }
}

/// What a duty's explanation shows of its subjects: the first overdue ones, the prohibitions
/// the overdue posts fall under, and the first few of each standing, read off the duty's
/// [`SubjectIndex`](crate::replay::state::SubjectIndex) (or, without one, off its instances).
#[derive(Debug, PartialEq, Eq)]
struct Sample {
    overdue: Vec<u32>,
    by_rule: Vec<(u16, u32)>,
    by_standing: [Vec<u32>; 4],
}

impl Sample {
    fn of(ds: &DutyState, bound: &Bound) -> Sample {
        match &ds.index {
            Some(index) => {
                let sample = Sample {
                    overdue: index.first(Standing::Overdue, POSTS_SHOWN),
                    by_rule: index.overdue_by_rule().collect(),
                    by_standing: Standing::ALL.map(|s| index.first(s, TALLY_SHOWN)),
                };
                // Test builds check the index against a pass over every subject.
                debug_assert_eq!(sample, Sample::scanned(ds, bound), "the index went stale");
                sample
            }
            None => Sample::scanned(ds, bound),
        }
    }

    /// The same, from one pass over every subject.
    fn scanned(ds: &DutyState, bound: &Bound) -> Sample {
        let mut sample = Sample {
            overdue: Vec::with_capacity(POSTS_SHOWN),
            by_rule: Vec::new(),
            by_standing: Default::default(),
        };
        for (instance, k) in ds.instances.iter().zip(0u32..) {
            let Some(standing) = instance.standing() else {
                continue;
            };
            if let Some(shown) = sample.by_standing.get_mut(standing as usize)
                && shown.len() < TALLY_SHOWN
            {
                shown.push(k);
            }
            if *instance != Instance::Breached {
                continue;
            }
            if sample.overdue.len() < POSTS_SHOWN {
                sample.overdue.push(k);
            }
            if let Some(rule) = bound.prohibited_by(k as usize) {
                match sample.by_rule.binary_search_by_key(&rule, |&(r, _)| r) {
                    Ok(i) => {
                        if let Some((_, n)) = sample.by_rule.get_mut(i) {
                            *n += 1;
                        }
                    }
                    Err(i) => sample.by_rule.insert(i, (rule, 1)),
                }
            }
        }
        sample
    }
}
