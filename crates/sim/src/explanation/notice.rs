//! Time in explanations: deadlines and their arithmetic, the notices powers rest on and what
//! they lack, and what a power lacked when an action was judged.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use modsim_policy::{Calendar, Notice, Period, TimeError};
use serde::{Serialize, Serializer};
use smol_str::SmolStr;

use super::{ClauseKey, EventId, period_text_or_none};

/// When a duty falls due for one subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Due {
    /// What the period runs from.
    pub from: DueFrom,
    /// The arithmetic, or why it cannot be done.
    #[serde(flatten)]
    pub arithmetic: Computed,
}

/// What a duty's period runs from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueFrom {
    /// The post's publication.
    Published,
    /// The post's report.
    Reported,
    /// The demand.
    Demanded,
    /// A notice that named the post.
    Notified,
    /// The action that owes it.
    Acted,
}

/// Arithmetic that was done, or could not be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Computed {
    /// Done.
    Arithmetic(Arithmetic),
    /// Not possible: why.
    Error(SmolStr),
}

/// A period added to an instant, written out: `notice 2021-01-09 18:00 PST + 30 calendar days
/// = 2021-02-08 18:00 PST`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Arithmetic {
    /// The instant it runs from.
    pub start: Timestamp,
    /// The period.
    #[serde(serialize_with = "period_text")]
    pub period: Period,
    /// Where it ends.
    pub end: Timestamp,
    /// The calendar business days are counted against (business-day periods only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "calendar_name"
    )]
    pub calendar: Option<Calendar>,
    /// The days between start and end that do not count, the first [`SKIPPED_SHOWN`] of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedDay>,
    /// How many more days do not count.
    #[serde(skip_serializing_if = "is_zero")]
    pub skipped_more: u32,
    /// The zone the days were counted in, and why, when it is not the scenario's (a party's
    /// own zone, or one the clause names); absent, the scenario's zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counted_in: Option<CountedIn>,
}

/// The zone a deadline was counted in, other than the scenario's, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountedIn {
    /// The zone, by its IANA name.
    #[serde(serialize_with = "zone_name")]
    pub zone: TimeZone,
    /// Why that zone.
    pub because: ZoneFrom,
}

/// Why a deadline was counted in the zone it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneFrom {
    /// The duty's holder sits there (the default).
    Holder,
    /// The clause counts in the zone of the party the duty is owed to (`zone = "counterparty"`).
    Counterparty,
    /// The clause names the zone (`zone = "Europe/Paris"`).
    Clause,
}

fn zone_name<S: Serializer>(zone: &TimeZone, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&modsim_policy::zone::zone_name(zone))
}

impl Arithmetic {
    /// `period` added to `start` in `place`'s zone (the scenario's when it names none),
    /// counting business days against `calendar`.
    pub fn counted(
        period: Period,
        start: Timestamp,
        scenario_zone: &TimeZone,
        place: Option<CountedIn>,
        calendar: &Calendar,
    ) -> Result<Arithmetic, TimeError> {
        let zone = place.as_ref().map_or(scenario_zone, |p| &p.zone);
        let mut arithmetic = Arithmetic::of(period, start, zone, calendar)?;
        arithmetic.counted_in = place;
        Ok(arithmetic)
    }

    /// `period` added to `start` in `zone`, counting business days against `calendar`.
    pub fn of(
        period: Period,
        start: Timestamp,
        zone: &TimeZone,
        calendar: &Calendar,
    ) -> Result<Arithmetic, TimeError> {
        let end = period.add_to(start, zone, calendar)?;
        let business = period.counts_business_days();
        let mut skipped = Vec::new();
        let mut skipped_more = 0u32;
        if business {
            let to = end.to_zoned(zone.clone()).date();
            let from = start.to_zoned(zone.clone()).date();
            let mut day = from;
            while let Ok(next) = day.tomorrow() {
                if next >= to {
                    break;
                }
                day = next;
                if calendar.is_business_day(day)? {
                    continue;
                }
                if skipped.len() < SKIPPED_SHOWN {
                    skipped.push(SkippedDay {
                        date: day,
                        holiday: calendar.holiday(day)?.map(SmolStr::new),
                    });
                    continue;
                }
                // The rest are counted, not walked: n business days end on the nth, so the
                // days strictly between are n - 1 business days and the rest skipped (a
                // century of business days is a few hundred thousand days to walk).
                if let Period::BusinessDays(n) = period
                    && let Ok(span) = to.since(from)
                {
                    let between = i64::from(span.get_days()) - 1;
                    let shown = i64::try_from(skipped.len()).unwrap_or(i64::MAX);
                    let more = between - (i64::from(n) - 1) - shown;
                    skipped_more = u32::try_from(more.max(0)).unwrap_or(u32::MAX);
                    break;
                }
                skipped_more = skipped_more.saturating_add(1);
            }
        }
        Ok(Arithmetic {
            start,
            period,
            end,
            calendar: business.then(|| calendar.clone()),
            skipped,
            skipped_more,
            counted_in: None,
        })
    }
}

/// How many skipped days an [`Arithmetic`] names.
pub const SKIPPED_SHOWN: usize = 64;

/// A day that does not count as a business day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedDay {
    /// The day.
    pub date: Date,
    /// The holiday's name, when it is one (otherwise a rest day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holiday: Option<SmolStr>,
}

/// The notice a power rests on at an instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "case", rename_all = "snake_case")]
pub enum Basis {
    /// The power needs no notice.
    NoNoticeNeeded,
    /// A notice, with the periods that ran from it.
    Notice(NoticeArithmetic),
}

/// A notice that makes a power ready, and the periods that run from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoticeArithmetic {
    /// The notice.
    pub notice: EventId,
    /// When it was given.
    pub given: Timestamp,
    /// When it makes the power ready.
    pub ready: Timestamp,
    /// The advance notice and cure period that run from it, in that order (none for a power
    /// exercisable immediately upon notice).
    pub periods: Vec<NoticePeriod>,
}

/// A period that runs from a notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoticePeriod {
    /// Which.
    pub what: NoticePeriodKind,
    /// Its arithmetic.
    pub arithmetic: Arithmetic,
}

/// An advance-notice period or a cure period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticePeriodKind {
    /// The power takes effect no sooner than this after notice.
    AdvanceNotice,
    /// The breach must stay uncured this long after notice.
    CurePeriod,
}

/// Why the notice does not allow a power at an instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "case", rename_all = "snake_case")]
pub enum Lack {
    /// Nothing: it needs no notice (its condition is what fails).
    NoNoticeNeeded,
    /// No notice from the holder to the party under this clause.
    NoNotice {
        /// The holder.
        from: SmolStr,
        /// The party it is held against.
        to: SmolStr,
    },
    /// The first notice is given only later.
    Later {
        /// The notice.
        notice: EventId,
        /// When it is given.
        given: Timestamp,
    },
    /// The periods that run from the notice have not ended.
    NotBefore(NoticeArithmetic),
    /// A cure period: the condition did not hold without a break from the notice on.
    Broken {
        /// The notice.
        notice: EventId,
        /// When it was given.
        given: Timestamp,
    },
    /// The notice was given (its condition is what fails).
    Given {
        /// The notice.
        notice: EventId,
        /// When it was given.
        given: Timestamp,
    },
}

/// What a power lacked when an action was judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The power's clause, when there was a candidate power.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clause: Option<ClauseKey>,
    /// What it lacked.
    pub reason: Reason,
}

/// What a power lacked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "case", rename_all = "snake_case")]
pub enum Reason {
    /// Its condition did not hold (the report holds the condition's text).
    ConditionFails,
    /// The notice did not allow it yet.
    Notice {
        /// Why.
        lack: Lack,
    },
    /// Its condition held, but the prior action it asks for (`after`) was not taken.
    NoPrior {
        /// The action asked for first.
        action: SmolStr,
    },
    /// No clause in force gave the actor such a power against that party.
    NoPower {
        /// Who acted.
        actor: SmolStr,
        /// What they did.
        action: SmolStr,
        /// Against whom.
        against: SmolStr,
    },
}

/// The notice a power requires, and any cure period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NoticeTerms {
    /// The notice.
    pub notice: NoticeKind,
    /// How long the breach must stay uncured after notice.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "period_text_or_none"
    )]
    pub cure: Option<Period>,
}

impl NoticeTerms {
    /// A power's notice terms.
    pub fn of(power: &modsim_policy::Power) -> NoticeTerms {
        NoticeTerms {
            notice: match power.notice {
                Notice::None => NoticeKind::None,
                Notice::Immediate => NoticeKind::Immediate,
                Notice::Advance(p) => NoticeKind::Advance(p.period),
            },
            cure: power.cure.map(|c| c.period),
        }
    }
}

/// The kind of notice a power requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "period", rename_all = "snake_case")]
pub enum NoticeKind {
    /// None.
    None,
    /// Immediately upon notice.
    Immediate,
    /// Advance notice of this period.
    Advance(#[serde(serialize_with = "period_text")] Period),
}

fn period_text<S: Serializer>(period: &Period, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(period)
}

fn calendar_name<S: Serializer>(calendar: &Option<Calendar>, s: S) -> Result<S::Ok, S::Error> {
    match calendar {
        Some(c) => s.collect_str(c),
        None => s.serialize_none(),
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The days skipped past the first [`SKIPPED_SHOWN`] are counted, not walked: the count
    /// agrees with the walk day by day, for periods short and long.
    #[test]
    fn skipped_days_past_those_shown_are_counted_as_the_walk_counts() {
        let zone = TimeZone::get("America/Los_Angeles").unwrap();
        let calendar = modsim_policy::Calendars::shipped()
            .get("us-federal")
            .unwrap()
            .clone();
        let start: Timestamp = "2021-01-16T03:00:00Z".parse().unwrap();
        for n in [1, 2, 10, 100, 250, 1000, 5000] {
            let a = Arithmetic::of(Period::BusinessDays(n), start, &zone, &calendar).unwrap();
            let (from, to) = (
                start.to_zoned(zone.clone()).date(),
                a.end.to_zoned(zone.clone()).date(),
            );
            let mut walked = 0u32;
            let mut day = from.tomorrow().unwrap();
            while day < to {
                walked += u32::from(!calendar.is_business_day(day).unwrap());
                day = day.tomorrow().unwrap();
            }
            let shown = u32::try_from(a.skipped.len()).unwrap();
            assert_eq!(shown + a.skipped_more, walked, "{n} business days");
            assert_eq!(shown, walked.min(SKIPPED_SHOWN as u32), "{n} business days");
        }
    }
}
