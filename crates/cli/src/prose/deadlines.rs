//! Sentences about a duty's deadlines: one per group (what the period runs from, the period,
//! the zone it is counted in and why, the calendar, how many), and one per instance (its subject
//! and arithmetic, in the group's zone).

use modsim_policy::show_instant;
use modsim_sim::explanation::{DeadlineGroup, DeadlineInstance, DueFrom, ZoneFrom};

use super::Prose;
use super::duty::due_from;
use super::notice::skipped_days;

impl Prose<'_> {
    /// `2 deadlines, each notice + 2 business days, counted in Europe/Paris (the holder's zone),
    /// fr-public-holidays calendar (days skipped in 2 of 2)`
    pub fn deadline_group(&self, group: &DeadlineGroup) -> String {
        let shape = &group.shape;
        let n = group.instances.len();
        let mut text = format!(
            "{n} deadline{}, {} {} + {}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "its" } else { "each" },
            due_from(shape.from),
            shape.period
        );
        match &shape.counted_in {
            Some(c) => {
                let why = match c.because {
                    ZoneFrom::Holder => "the holder's zone",
                    ZoneFrom::Counterparty => "the counterparty's zone, as the clause says",
                    ZoneFrom::Clause => "the zone the clause names",
                };
                text.push_str(&format!(
                    ", counted in {} ({why})",
                    modsim_policy::zone::zone_name(&c.zone)
                ));
            }
            None => text.push_str(&format!(
                ", counted in {} (the scenario's zone)",
                modsim_policy::zone::zone_name(&self.report.zone)
            )),
        }
        if let Some(calendar) = &shape.calendar {
            let skipping = group
                .instances
                .iter()
                .filter(|i| !i.skipped.is_empty())
                .count();
            text.push_str(&format!(
                ", {calendar} calendar (days skipped in {skipping} of {n})"
            ));
        }
        let of_posts = matches!(
            shape.from,
            DueFrom::Published | DueFrom::Reported | DueFrom::Notified
        );
        if of_posts && self.posts_reconstructed() {
            text.push_str(" (reconstructed)");
        }
        text
    }

    /// `p1: 2021-05-22 08:30 CEST + 2 business days = 2021-05-26 08:30 CEST (skipping Sun
    /// 2021-05-23, Mon 2021-05-24 (Whit Monday))`, in the group's zone.
    pub fn deadline_instance(&self, group: &DeadlineGroup, i: &DeadlineInstance) -> String {
        let zone = group
            .shape
            .counted_in
            .as_ref()
            .map_or(&self.report.zone, |c| &c.zone);
        let mut text = format!(
            "{}: {} + {} = {}",
            self.subject(&i.subject),
            show_instant(i.start, zone),
            group.shape.period,
            show_instant(i.end, zone)
        );
        if !i.skipped.is_empty() {
            text.push_str(&format!(
                " (skipping {})",
                skipped_days(&i.skipped, i.skipped_more)
            ));
        }
        text
    }
}
