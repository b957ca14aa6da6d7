//! What the catalog reads of the duties that events other than posts open, and of accounts'
//! histories: notices naming posts (`opens = "notified"`), actions that open duties
//! (`opens = "acted"`, a statement of reasons), the deliveries that meet them, the counts of an
//! account's history the powers compare (the n-th and (n+1)-th strike), the windows they count
//! within, and the determinations that date judgment calls.

use jiff::Timestamp;
use modsim_policy::condition::Num;
use modsim_policy::{Cond, Duty, Mark, Trigger};

use super::MOST_POSTS;
use super::catalog::{Binding, Catalog, constant, push_new};
use crate::scenario::DeliveryEvent;
use crate::timeline::DeterminationEvent;

impl Catalog {
    /// A duty opened by a notice naming posts, or by an action: the notices and actions that
    /// open it, and the deliveries that meet it.
    pub(super) fn read_opened(&mut self, side: &Binding<'_>, duty: &Duty, parties: usize) {
        let holders = side.parties_of(duty.holder, &self.accounts);
        // Who is owed a delivery: the sender of the notice, or the party acted against.
        let mut owed = Vec::new();
        match duty.opens {
            Trigger::Notified => {
                for &to in &holders {
                    for from in (0..parties).filter(|&p| p != to) {
                        push_new(&mut self.post_notices, (from, to));
                        push_new(&mut owed, (to, from));
                    }
                }
            }
            Trigger::Acted => {
                // Against accounts, when the scenario has them; else against any other party.
                for &actor in &holders {
                    let against: Vec<usize> = if self.accounts.is_empty() {
                        (0..parties).filter(|&p| p != actor).collect()
                    } else {
                        self.accounts.iter().map(|(p, _)| *p).collect()
                    };
                    for other in against.into_iter().filter(|&p| p != actor) {
                        for &action in &duty.on {
                            self.add_action(actor, action, other, None);
                        }
                        push_new(&mut owed, (actor, other));
                    }
                }
            }
            _ => {}
        }
        let Some(deliverable) = &duty.deliverable else {
            return;
        };
        for (from, to) in owed {
            if self
                .deliveries
                .iter()
                .any(|d| d.from == from && d.to == to && d.deliverable == *deliverable)
            {
                continue;
            }
            self.deliveries.push(DeliveryEvent {
                at: Timestamp::UNIX_EPOCH,
                from,
                to,
                deliverable: deliverable.clone(),
                summary: format!("`{deliverable}` delivered, made up by modsim diff"),
                mark: Mark::Reconstructed,
                reconstructed: None,
            });
        }
    }

    /// The counts of an account's history that `read` holds, compared with `other`: each
    /// threshold, one less and one more (at least one and two of each count read), and the
    /// window each is counted within, as a period.
    pub(super) fn read_history(&mut self, read: &Num, other: &Num, side: &Binding<'_>) {
        let policy = side.policy;
        let threshold = constant(other, policy);
        read.visit(&mut |n| {
            let Num::History(h) = n else { return };
            if let Some(within) = h.within {
                push_new(&mut self.periods, (within, policy.holidays.clone()));
            }
            let counts = match self.histories.iter_mut().find(|(c, _)| *c == h.what) {
                Some((_, counts)) => counts,
                None => {
                    self.histories.push((h.what, vec![1, 2]));
                    match self.histories.last_mut() {
                        Some((_, counts)) => counts,
                        None => return,
                    }
                }
            };
            if let Some(v) = threshold {
                for x in [v - 1, v, v + 1] {
                    if (1..=MOST_POSTS).contains(&x) {
                        push_new(counts, x);
                    }
                }
            }
        });
    }

    /// The determinations that date each judgment call a power rests on: by the party that
    /// makes it (its `by`, else the holder of a power resting on it), about each account the
    /// power is held against, or about no one when it is held against one party.
    pub(super) fn read_determinations(&mut self, side: &Binding<'_>) {
        let policy = side.policy;
        for (i, assumption) in policy.assumptions.iter().enumerate() {
            for power in &policy.powers {
                let mut rests = false;
                power.condition.cond.visit(&mut |c| {
                    rests |= matches!(c, Cond::Assumption(k) if *k == i);
                });
                if !rests {
                    continue;
                }
                let by = side.parties_of(assumption.by.unwrap_or(power.holder), &self.accounts);
                let every = side.every.get(power.against).copied().unwrap_or(false);
                let about: Vec<Option<usize>> = if every {
                    self.accounts.iter().map(|(p, _)| Some(*p)).collect()
                } else {
                    vec![None]
                };
                for &party in &by {
                    for &account in &about {
                        let name = &assumption.name;
                        if self
                            .determinations
                            .iter()
                            .any(|d| d.by == party && d.name == *name && d.about == account)
                        {
                            continue;
                        }
                        self.determinations.push(DeterminationEvent {
                            at: Timestamp::UNIX_EPOCH,
                            by: party,
                            name: name.clone(),
                            named_at: 0..0,
                            about: account,
                            summary: format!(
                                "the judgment call `{name}` made, made up by modsim diff"
                            ),
                            mark: Mark::Reconstructed,
                            reconstructed: None,
                        });
                    }
                }
            }
        }
    }
}
