//! Why an instant could not be computed: a wall-clock time in a gap or fold, a day a month
//! lacks, a year a calendar does not cover. Shared by periods and calendars.

use jiff::civil::Date;

/// Why an instant could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The wall-clock time does not exist in the zone: the clocks skip it.
    #[error(
        "{0} does not exist in the scenario's time zone (the clocks skip it: a daylight-saving gap)"
    )]
    Gap(String),
    /// The wall-clock time happens twice in the zone: the clocks repeat it.
    #[error(
        "{0} happens twice in the scenario's time zone (the clocks repeat it: a daylight-saving fold)"
    )]
    Fold(String),
    /// Past the range of instants.
    #[error("the instant falls outside the range of instants (-9999-01-02 to 9999-12-30 UTC)")]
    OutOfRange,
    /// Business days counted into a year the calendar does not list.
    #[error("calendar `{calendar}` covers {first} to {last}, not {year}")]
    NotCovered {
        /// The calendar's name.
        calendar: String,
        /// The year asked about.
        year: i16,
        /// The first year it covers.
        first: i16,
        /// The last year it covers.
        last: i16,
    },
    /// A month period landed on a day its month lacks, and the clause does not say how to
    /// round: `2021-01-31 + 1 calendar month` would be 31 February.
    #[error(
        "{start} + {months} calendar month{} would be {year:04}-{month:02}-{day:02}, a day that month does not have (say `rounding down` or `rounding up`)",
        if *months == 1 { "" } else { "s" }
    )]
    NoSuchDay {
        /// The date the period runs from.
        start: Date,
        /// How many months.
        months: u32,
        /// The year, month and day it would be.
        year: i16,
        /// The month it would be.
        month: i8,
        /// The day it would be.
        day: i8,
    },
}
