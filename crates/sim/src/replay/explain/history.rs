//! Explaining a count of an account's history: what it counted at the instant, each with
//! when it leaves the trailing period, and what has left it already (a strike that expired).

use modsim_policy::condition::History;
use smol_str::SmolStr;

use super::Explainer;
use crate::explanation::{
    Arithmetic, HISTORY_SHOWN, HistoryItem, HistoryRef, HistoryValue, event_id,
};
use crate::replay::state::{Item, PolicyState};

impl Explainer<'_> {
    /// History count `h` of `party` at the explainer's instant, with what it counted.
    pub(super) fn history(&self, h: History, party: usize, state: &PolicyState) -> HistoryValue {
        let s = &self.world.scenario;
        let holidays = self
            .bound()
            .map(|b| b.policy.holidays.clone())
            .unwrap_or_default();
        let mut counted_items = Vec::new();
        let mut expired = Vec::new();
        let log = state
            .counters
            .iter()
            .find(|c| c.history == h)
            .map_or(&[][..], |c| c.log.as_slice());
        for entry in log
            .iter()
            .filter(|e| e.party as usize == party && e.at <= self.now)
        {
            let until = h
                .within
                .and_then(|period| Arithmetic::of(period, entry.at, &s.zone, &holidays).ok());
            let item = HistoryItem {
                item: match entry.item {
                    Item::Post(k) => HistoryRef::Post(
                        s.posts
                            .get(k as usize)
                            .map(|p| p.id.clone())
                            .unwrap_or_default(),
                    ),
                    Item::Action(k) => HistoryRef::Event(event_id("action", k as usize)),
                    Item::Delivery(k) => HistoryRef::Event(event_id("delivery", k as usize)),
                },
                at: entry.at,
                until,
            };
            let gone = item.until.as_ref().is_some_and(|u| u.end <= self.now);
            if gone {
                expired.push(item);
            } else if counted_items.len() < HISTORY_SHOWN {
                counted_items.push(item);
            }
        }
        // The latest expired ones are the ones that tell.
        let skip = expired.len().saturating_sub(HISTORY_SHOWN);
        expired.drain(..skip);
        HistoryValue {
            party: SmolStr::new(s.party_id(party)),
            counted: SmolStr::new_static(h.what.name()),
            within: h.within,
            value: state.history(h, party),
            counted_items,
            expired,
        }
    }
}
