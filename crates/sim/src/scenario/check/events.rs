//! Checking a scenario's timeline: each event (notice, action, delivery, fact, determination)
//! by its kind, with the fields its kind does not take refused where they are written.

use std::ops::Range;

use jiff::tz::TimeZone;
use modsim_policy::{Period, Problem, Word};
use toml::Spanned;

use super::{Checker, Common, MAX_EVENTS, Timeline};
use crate::scenario::raw::RawEvent;
use crate::timeline::{
    ActionEvent, DeliveryEvent, DeterminationEvent, EventKind, FactEvent, NoticeEvent, Party,
};

impl Checker {
    /// Every event of the timeline, checked; `None` when there are too many to check.
    pub(super) fn timeline(
        &mut self,
        events: &[RawEvent],
        zone: &TimeZone,
        parties: &[Party],
    ) -> Option<Timeline> {
        if events.len() > MAX_EVENTS {
            self.error(
                Problem::error(
                    format!(
                        "the scenario has {} events, over the limit of {MAX_EVENTS}",
                        events.len()
                    ),
                    events.get(MAX_EVENTS).map(|e| e.kind.span()),
                )
                .with_help("split the timeline into several scenarios (the limit is `MAX_EVENTS` in crates/sim/src/scenario/check.rs)"),
            );
            return None;
        }
        let mut timeline = Timeline::default();
        for event in events {
            self.event(event, zone, parties, &mut timeline);
        }
        // Notices sorted with where each is written.
        let mut notices: Vec<(NoticeEvent, Range<usize>)> = std::mem::take(&mut timeline.notices)
            .into_iter()
            .zip(std::mem::take(&mut timeline.places.notices))
            .collect();
        notices.sort_by_key(|(n, _)| n.at);
        (timeline.notices, timeline.places.notices) = notices.into_iter().unzip();
        timeline.deliveries.sort_by_key(|d| d.at);
        timeline.facts.sort_by_key(|f| f.at);
        timeline.determinations.sort_by_key(|d| d.at);
        Some(timeline)
    }

    fn event(
        &mut self,
        event: &RawEvent,
        zone: &TimeZone,
        parties: &[Party],
        timeline: &mut Timeline,
    ) {
        let at = self.instant(&event.at, zone);
        let mark = self.mark(&event.mark);
        let kind = match Word::check(&event.kind) {
            Ok(kind) => kind,
            Err(problem) => return self.error(problem),
        };
        self.foreign_keys(event, kind);
        let common = match (at, mark) {
            (Some(at), Some(mark)) => Some(Common {
                at,
                mark,
                summary: event.summary.clone(),
                reconstructed: event.reconstructed.clone(),
            }),
            _ => None,
        };
        match kind {
            EventKind::Notice => {
                if let Some(n) = self.notice(event, kind, parties, common) {
                    timeline.notices.push(n);
                    timeline.places.notices.push(event.at.span());
                }
            }
            EventKind::Action => {
                if let Some(a) = self.action(event, kind, parties, common) {
                    timeline.actions.push(a);
                    timeline.places.actions.push(event.at.span());
                }
            }
            EventKind::Delivery => {
                if let Some(d) = self.delivery(event, kind, parties, common) {
                    timeline.deliveries.push(d);
                }
            }
            EventKind::Fact => {
                if let Some(f) = self.fact(event, common) {
                    timeline.facts.push(f);
                }
            }
            EventKind::Determination => {
                if let Some(d) = self.determination(event, kind, parties, common) {
                    timeline.determinations.push(d);
                }
            }
        }
    }

    fn determination(
        &mut self,
        event: &RawEvent,
        kind: EventKind,
        parties: &[Party],
        common: Option<Common>,
    ) -> Option<DeterminationEvent> {
        let by = self.party_field(&event.by, "by", event, kind, parties);
        let named_at = event
            .determines
            .as_ref()
            .map_or_else(|| event.kind.span(), Spanned::span);
        let name = match &event.determines {
            Some(d) => self.name(d, "judgment call"),
            None => {
                self.error(
                    Problem::error(
                        "a `determination` event needs `determines`",
                        Some(event.kind.span()),
                    )
                    .with_help("name the judgment call, as policies declare it: `determines = \"airbnb_confirmed_responsibility\"`"),
                );
                None
            }
        };
        let about = match &event.about {
            Some(a) => Some(self.party(a, parties)?),
            None => None,
        };
        let (by, name, common) = (by?, name?, common?);
        Some(DeterminationEvent {
            at: common.at,
            by,
            name,
            named_at,
            about,
            summary: common.summary,
            mark: common.mark,
            reconstructed: common.reconstructed,
        })
    }

    /// Keys an event has that belong to another kind of event.
    fn foreign_keys(&mut self, event: &RawEvent, kind: EventKind) {
        let present = [
            ("from", event.from.is_some()),
            ("to", event.to.is_some()),
            ("cites", !event.cites.is_empty()),
            ("actor", event.actor.is_some()),
            ("action", event.action.is_some()),
            ("against", event.against.is_some()),
            ("demands", event.demands.is_some()),
            ("deliverable", event.deliverable.is_some()),
            ("fact", event.fact.is_some()),
            ("value", event.value.is_some()),
            ("posts", event.posts.is_some()),
            ("for", event.lasting.is_some()),
            ("by", event.by.is_some()),
            ("determines", event.determines.is_some()),
            ("about", event.about.is_some()),
        ];
        for (key, _) in present
            .into_iter()
            .filter(|(key, present)| *present && !kind.keys().contains(key))
        {
            self.error(
                Problem::error(
                    format!("`{key}` does not apply to a `{}` event", kind.name()),
                    Some(event.kind.span()),
                )
                .with_help("a notice has `from`, `to`, `cites` and `posts`; an action has `actor`, `action`, `against`, `demands` and `for`; a delivery has `from`, `to` and `deliverable`; a fact has `fact` and `value`; a determination has `by`, `determines` and `about`"),
            );
        }
    }

    fn notice(
        &mut self,
        event: &RawEvent,
        kind: EventKind,
        parties: &[Party],
        common: Option<Common>,
    ) -> Option<NoticeEvent> {
        let from = self.party_field(&event.from, "from", event, kind, parties);
        let to = self.party_field(&event.to, "to", event, kind, parties);
        let posts: Vec<crate::timeline::PostId> = match &event.posts {
            Some(posts) => {
                self.named_posts
                    .push((posts.get_ref().clone(), posts.span()));
                posts
                    .get_ref()
                    .iter()
                    .map(crate::timeline::PostId::new)
                    .collect()
            }
            None => Vec::new(),
        };
        let (from, to, common) = (from?, to?, common?);
        Some(NoticeEvent {
            at: common.at,
            from,
            to,
            cites: event.cites.clone(),
            posts,
            summary: common.summary,
            mark: common.mark,
            reconstructed: common.reconstructed,
        })
    }

    fn action(
        &mut self,
        event: &RawEvent,
        kind: EventKind,
        parties: &[Party],
        common: Option<Common>,
    ) -> Option<ActionEvent> {
        let actor = self.party_field(&event.actor, "actor", event, kind, parties);
        let against = self.party_field(&event.against, "against", event, kind, parties);
        let action = match &event.action {
            Some(a) => Word::check(a).map_err(|p| self.error(p)).ok(),
            None => {
                self.error(Problem::error(
                    "an action needs `action`",
                    Some(event.kind.span()),
                ));
                None
            }
        };
        let demands = event
            .demands
            .as_ref()
            .and_then(|d| self.name(d, "deliverable"));
        let lasting = match &event.lasting {
            Some(text) => match Period::parse(text.get_ref()) {
                Ok(p) if !p.is_zero() => Some(Some(p)),
                Ok(_) => {
                    self.error(Problem::error(
                        "a restriction of no time at all restricts nothing",
                        Some(text.span()),
                    ));
                    None
                }
                Err(e) => {
                    self.error(
                        Problem::error(e.to_string(), Some(text.span())).with_help(e.help()),
                    );
                    None
                }
            },
            None => Some(None),
        };
        // Only a restriction lasts: `for` on a warning or a ban would be silently ignored.
        if let (Some(action), Some(text)) = (action, &event.lasting)
            && !action.may_last()
        {
            let takes: Vec<String> = modsim_policy::Action::LASTING
                .iter()
                .map(|a| format!("`{a}`"))
                .collect();
            self.error(
                Problem::error(
                    format!(
                        "`for` gives how long a restriction lasts, but this action is `{action}`"
                    ),
                    Some(text.span()),
                )
                .with_help(format!(
                    "only {} take `for`: take it out, or make the action a restriction",
                    takes.join(", ")
                )),
            );
            return None;
        }
        let (actor, action, against, common, lasting) =
            (actor?, action?, against?, common?, lasting?);
        Some(ActionEvent {
            at: common.at,
            actor,
            action,
            against,
            demands,
            lasting,
            summary: common.summary,
            mark: common.mark,
            reconstructed: common.reconstructed,
        })
    }

    fn delivery(
        &mut self,
        event: &RawEvent,
        kind: EventKind,
        parties: &[Party],
        common: Option<Common>,
    ) -> Option<DeliveryEvent> {
        let from = self.party_field(&event.from, "from", event, kind, parties);
        let to = self.party_field(&event.to, "to", event, kind, parties);
        let deliverable = match &event.deliverable {
            Some(d) => self.name(d, "deliverable"),
            None => {
                self.error(Problem::error(
                    "a `delivery` event needs `deliverable`",
                    Some(event.kind.span()),
                ));
                None
            }
        };
        let (from, to, deliverable, common) = (from?, to?, deliverable?, common?);
        Some(DeliveryEvent {
            at: common.at,
            from,
            to,
            deliverable,
            summary: common.summary,
            mark: common.mark,
            reconstructed: common.reconstructed,
        })
    }

    fn fact(&mut self, event: &RawEvent, common: Option<Common>) -> Option<FactEvent> {
        let name = match &event.fact {
            Some(f) => self.name(f, "fact"),
            None => {
                self.error(Problem::error(
                    "a `fact` event needs `fact`",
                    Some(event.kind.span()),
                ));
                None
            }
        };
        if event.value.is_none() {
            self.error(
                Problem::error("a `fact` event needs `value`", Some(event.kind.span()))
                    .with_help("a whole number, as in `value = 26000`"),
            );
        }
        let (name, value, common) = (name?, event.value?, common?);
        Some(FactEvent {
            at: common.at,
            name,
            value,
            summary: common.summary,
            mark: common.mark,
            reconstructed: common.reconstructed,
        })
    }
}
