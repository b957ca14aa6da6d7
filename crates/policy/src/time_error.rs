//! Why an instant could not be computed: a wall-clock time in a gap or fold, a day a month
//! lacks, a year a calendar does not cover. Shared by periods and calendars.

use jiff::civil::Date;

/// Why an instant could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The wall-clock time does not exist or exists twice in the zone.
    #[error("{0} is ambiguous in the scenario's time zone (a daylight-saving gap or fold)")]
    Ambiguous(String),
    /// Past the range of instants.
    #[error("the date is out of range")]
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
