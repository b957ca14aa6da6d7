//! Periods ("30 calendar days", "24 hours", "2 business days") and the arithmetic that adds
//! them to an instant in a scenario's time zone, written out so a reader can check it.
//!
//! Every period says what kind of time it counts. A bare "30 days" is refused: a contract's
//! "days" may be calendar days or business days, and guessing is how deadlines go wrong.
//!
//! - **Calendar days** keep the wall-clock time in the scenario's zone, so 30 days from
//!   18:00 before a daylight-saving change is 18:00 after it (29 days 23 hours of exact time).
//! - **Hours and minutes** are exact elapsed time.
//! - **Business days** skip Saturdays, Sundays and the holidays of a named calendar, keeping
//!   the wall-clock time: 2 business days from Friday 19:00 is Tuesday 19:00 when Monday is
//!   not a holiday.
//!
//! Arithmetic that lands in a gap or a fold of the zone (a wall-clock time that does not exist
//! or exists twice) is an error, never a guess.

use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::calendar::Calendar;
pub use crate::time_error::TimeError;

/// A span of time of an explicit kind, as written in a policy or scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    /// Calendar days in the scenario's zone; the wall-clock time is kept.
    CalendarDays(u32),
    /// Exact elapsed minutes (hours are written as hours and kept as minutes).
    Minutes(u32),
    /// Business days against a holiday calendar; the wall-clock time is kept.
    BusinessDays(u32),
    /// Weeks of seven calendar days; the wall-clock time is kept.
    Weeks(u32),
    /// Calendar months: the same day of the month `n` months later, at the same wall-clock
    /// time. When that month has no such day (31 January + 1 month), `round` says what to do.
    Months {
        /// How many months.
        n: u32,
        /// What a day the target month lacks becomes.
        round: MonthEnd,
    },
    /// "By the end of the business day": the end of the day the period starts on when that is
    /// a business day, else of the next business day (midnight in the zone, the first instant
    /// of the day after).
    EndOfBusinessDay,
}

/// What a month period does when the target month has no such day (31 January + 1 month), as
/// Catala's date rounding: an error unless the clause says how to round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MonthEnd {
    /// The day does not exist: an error, never a guess (Catala's `AbortOnRound`).
    #[default]
    Refuse,
    /// The last day of the target month: 31 January + 1 month = 28 February (`RoundDown`).
    RoundDown,
    /// The first day of the month after: 31 January + 1 month = 1 March (`RoundUp`).
    RoundUp,
}

/// Longest period accepted, in days or the equivalent: a hundred years.
pub const MAX_PERIOD_DAYS: u32 = 36_500;

/// Why a period could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodSyntaxError {
    /// "30 days": calendar or business days?
    #[error("`{0}` does not say which days it counts")]
    AmbiguousDays(String),
    /// Anything else that is not `<number> <unit>`.
    #[error("`{0}` is not a period")]
    Malformed(String),
    /// Too long to be meant.
    #[error("`{0}` is longer than the 100 years a period may be")]
    TooLong(String),
}

impl PeriodSyntaxError {
    /// The fix to suggest to whoever wrote the period.
    pub fn help(&self) -> &'static str {
        match self {
            Self::AmbiguousDays(_) => {
                "write `calendar days` (wall-clock days in the scenario's zone) or `business days` (skipping weekends and holidays)"
            }
            Self::Malformed(_) => {
                "write a whole number and a unit: `30 calendar days`, `2 business days`, `24 hours`, `90 minutes`, `2 weeks`, `1 calendar month` (with `rounding down` or `rounding up` for a day the month lacks), or `end of the business day`"
            }
            Self::TooLong(_) => "a period is at most 36500 days (876000 hours, 52560000 minutes)",
        }
    }
}

impl Period {
    /// Reads `"<number> <unit>"`, where the unit is `calendar day(s)`, `business day(s)`,
    /// `hour(s)`, `minute(s)`, `week(s)` or `calendar month(s)` (a month period may end in
    /// `rounding down` or `rounding up`), or `end of the business day`.
    ///
    /// ```
    /// use modsim_policy::{MonthEnd, Period};
    /// assert_eq!(Period::parse("30 calendar days"), Ok(Period::CalendarDays(30)));
    /// assert_eq!(Period::parse("24 hours"), Ok(Period::Minutes(24 * 60)));
    /// assert_eq!(
    ///     Period::parse("1 calendar month rounding down"),
    ///     Ok(Period::Months { n: 1, round: MonthEnd::RoundDown })
    /// );
    /// assert!(Period::parse("30 days").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Period, PeriodSyntaxError> {
        let malformed = || PeriodSyntaxError::Malformed(text.to_owned());
        let trimmed = text.trim();
        let words = trimmed.split_whitespace().collect::<Vec<_>>().join(" ");
        if matches!(
            words.as_str(),
            "end of the business day" | "end of business day"
        ) {
            return Ok(Period::EndOfBusinessDay);
        }
        let (number, unit) = trimmed
            .split_once(char::is_whitespace)
            .ok_or_else(malformed)?;
        let n: u32 = number.parse().map_err(|_| {
            // All digits, but beyond 32 bits: far longer than any period may be.
            if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) {
                PeriodSyntaxError::TooLong(text.to_owned())
            } else {
                malformed()
            }
        })?;
        let unit = unit.split_whitespace().collect::<Vec<_>>().join(" ");
        let (unit, round) = match unit.strip_suffix(" rounding down") {
            Some(unit) => (unit, MonthEnd::RoundDown),
            None => match unit.strip_suffix(" rounding up") {
                Some(unit) => (unit, MonthEnd::RoundUp),
                None => (unit.as_str(), MonthEnd::Refuse),
            },
        };
        let month = matches!(
            unit,
            "month" | "months" | "calendar month" | "calendar months"
        );
        if round != MonthEnd::Refuse && !month {
            return Err(malformed());
        }
        let period = match unit {
            _ if month => Period::Months { n, round },
            "week" | "weeks" | "calendar week" | "calendar weeks" => Period::Weeks(n),
            "calendar day" | "calendar days" => Period::CalendarDays(n),
            "business day" | "business days" => Period::BusinessDays(n),
            "hour" | "hours" => Period::Minutes(n.checked_mul(60).ok_or_else(malformed)?),
            "minute" | "minutes" => Period::Minutes(n),
            "day" | "days" => return Err(PeriodSyntaxError::AmbiguousDays(text.to_owned())),
            _ => return Err(malformed()),
        };
        if period.is_over_the_limit() {
            return Err(PeriodSyntaxError::TooLong(text.to_owned()));
        }
        Ok(period)
    }

    /// True for a period of no time at all ("0 hours").
    pub fn is_zero(self) -> bool {
        matches!(
            self,
            Period::CalendarDays(0)
                | Period::Minutes(0)
                | Period::BusinessDays(0)
                | Period::Weeks(0)
                | Period::Months { n: 0, .. }
        )
    }

    /// True for periods that skip the days a calendar does not count.
    pub fn counts_business_days(self) -> bool {
        matches!(self, Period::BusinessDays(_) | Period::EndOfBusinessDay)
    }

    /// Longer than [`MAX_PERIOD_DAYS`] days (or their minutes): compared exactly, so
    /// `52560001 minutes` is over it.
    fn is_over_the_limit(self) -> bool {
        match self {
            Period::CalendarDays(n) | Period::BusinessDays(n) => n > MAX_PERIOD_DAYS,
            Period::Minutes(m) => u64::from(m) > u64::from(MAX_PERIOD_DAYS) * 24 * 60,
            Period::Weeks(n) => u64::from(n) * 7 > u64::from(MAX_PERIOD_DAYS),
            // 36500 days are 1200 months less a few days: a hundred years, either way.
            Period::Months { n, .. } => n > MAX_PERIOD_DAYS / 365 * 12,
            Period::EndOfBusinessDay => false,
        }
    }

    /// Adds this period to `start`, in `zone`, counting business days against `calendar`.
    pub fn add_to(
        self,
        start: Timestamp,
        zone: &TimeZone,
        calendar: &Calendar,
    ) -> Result<Timestamp, TimeError> {
        match self {
            Period::Minutes(m) => start
                .checked_add(SignedDuration::from_mins(i64::from(m)))
                .map_err(|_| TimeError::OutOfRange),
            Period::CalendarDays(n) => add_days(start, zone, i64::from(n)),
            Period::Weeks(n) => add_days(start, zone, i64::from(n) * 7),
            Period::Months { n, round } => {
                let local = start.to_zoned(zone.clone()).datetime();
                let date = add_months(local.date(), n, round)?;
                resolve(zone, date.to_datetime(local.time()))
            }
            Period::BusinessDays(n) => {
                let local = start.to_zoned(zone.clone()).datetime();
                let date = calendar.add_business_days(local.date(), n)?;
                resolve(zone, date.to_datetime(local.time()))
            }
            Period::EndOfBusinessDay => {
                let day = start.to_zoned(zone.clone()).date();
                let last = if calendar.is_business_day(day)? {
                    day
                } else {
                    calendar.add_business_days(day, 1)?
                };
                let next = last.tomorrow().map_err(|_| TimeError::OutOfRange)?;
                resolve(zone, next.to_datetime(jiff::civil::Time::midnight()))
            }
        }
    }

    /// Adds this period and writes the sum out:
    /// `2021-01-09 18:00 PST + 30 calendar days = 2021-02-08 18:00 PST`.
    pub fn add_written(
        self,
        start: Timestamp,
        zone: &TimeZone,
        calendar: &Calendar,
    ) -> Result<(Timestamp, String), TimeError> {
        let end = self.add_to(start, zone, calendar)?;
        let mut text = format!(
            "{} + {} = {}",
            show_instant(start, zone),
            self,
            show_instant(end, zone)
        );
        if self.counts_business_days() {
            let from = start.to_zoned(zone.clone()).date();
            let to = end.to_zoned(zone.clone()).date();
            let skipped = calendar.non_business_days_between(from, to)?;
            if !skipped.is_empty() {
                text.push_str(&format!(
                    " ({} calendar; skipping {})",
                    calendar,
                    skipped.join(", ")
                ));
            }
        }
        Ok((end, text))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: u32| if n == 1 { "" } else { "s" };
        match *self {
            Period::CalendarDays(n) => write!(f, "{n} calendar day{}", plural(n)),
            Period::BusinessDays(n) => write!(f, "{n} business day{}", plural(n)),
            Period::Minutes(m) if m % 60 == 0 => write!(f, "{} hour{}", m / 60, plural(m / 60)),
            Period::Minutes(m) => write!(f, "{m} minute{}", plural(m)),
            Period::Weeks(n) => write!(f, "{n} week{}", plural(n)),
            Period::Months { n, round } => {
                write!(f, "{n} calendar month{}", plural(n))?;
                match round {
                    MonthEnd::Refuse => Ok(()),
                    MonthEnd::RoundDown => f.write_str(" rounding down"),
                    MonthEnd::RoundUp => f.write_str(" rounding up"),
                }
            }
            Period::EndOfBusinessDay => f.write_str("end of the business day"),
        }
    }
}

/// `n` calendar days after `start`, keeping the wall-clock time in `zone`.
fn add_days(start: Timestamp, zone: &TimeZone, n: i64) -> Result<Timestamp, TimeError> {
    let local = start.to_zoned(zone.clone()).datetime();
    let target = local
        .checked_add(n.days())
        .map_err(|_| TimeError::OutOfRange)?;
    resolve(zone, target)
}

/// The same day of the month `n` months after `date`, rounded as `round` says when that month
/// lacks the day.
fn add_months(date: Date, n: u32, round: MonthEnd) -> Result<Date, TimeError> {
    let index = i64::from(date.year()) * 12 + i64::from(date.month() - 1) + i64::from(n);
    let year = i16::try_from(index.div_euclid(12)).map_err(|_| TimeError::OutOfRange)?;
    let month = i8::try_from(index.rem_euclid(12) + 1).map_err(|_| TimeError::OutOfRange)?;
    let first = Date::new(year, month, 1).map_err(|_| TimeError::OutOfRange)?;
    if date.day() <= first.days_in_month() {
        return Date::new(year, month, date.day()).map_err(|_| TimeError::OutOfRange);
    }
    match round {
        MonthEnd::Refuse => Err(TimeError::NoSuchDay {
            start: date,
            months: n,
            year,
            month,
            day: date.day(),
        }),
        MonthEnd::RoundDown => Ok(first.last_of_month()),
        MonthEnd::RoundUp => first
            .last_of_month()
            .tomorrow()
            .map_err(|_| TimeError::OutOfRange),
    }
}

/// The instant a wall-clock time in `zone` names, when it names exactly one.
pub fn resolve(zone: &TimeZone, local: DateTime) -> Result<Timestamp, TimeError> {
    let ambiguous = zone.to_ambiguous_timestamp(local);
    let text = || local.strftime("%Y-%m-%d %H:%M").to_string();
    match ambiguous.offset() {
        jiff::tz::AmbiguousOffset::Gap { .. } => Err(TimeError::Gap(text())),
        jiff::tz::AmbiguousOffset::Fold { .. } => Err(TimeError::Fold(text())),
        jiff::tz::AmbiguousOffset::Unambiguous { .. } => {
            ambiguous.unambiguous().map_err(|_| TimeError::OutOfRange)
        }
    }
}

/// An instant as a reader sees it: `2021-01-10 23:59 PST`.
///
/// The same text as jiff's `strftime("%Y-%m-%d %H:%M %Z")` (a test holds them equal), written
/// digit by digit: explanations show hundreds of instants per replay.
pub fn show_instant(at: Timestamp, zone: &TimeZone) -> String {
    let info = zone.to_offset_info(at);
    let local = info.offset().to_datetime(at);
    let Ok(year) = u16::try_from(local.year()) else {
        return at
            .to_zoned(zone.clone())
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string();
    };
    let abbreviation = info.abbreviation();
    let mut out = String::with_capacity(17 + abbreviation.len());
    push_digits(&mut out, year, 4);
    for (separator, part) in [
        ('-', local.month()),
        ('-', local.day()),
        (' ', local.hour()),
        (':', local.minute()),
    ] {
        out.push(separator);
        // Months, days, hours and minutes are never negative.
        push_digits(&mut out, u16::from(part.unsigned_abs()), 2);
    }
    out.push(' ');
    out.push_str(abbreviation);
    out
}

/// Writes the last `width` decimal digits of `n`, zero-padded.
fn push_digits(out: &mut String, n: u16, width: u32) {
    for place in (0..width).rev() {
        let digit = (n / 10u16.pow(place)) % 10;
        out.push(char::from(b'0' + (digit as u8)));
    }
}

/// An instant as machines read it: RFC 3339 with the zone's offset, `2021-01-10T23:59:00-08:00`.
pub fn rfc3339(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned(zone.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Largest offset from UTC an instant may be written with, in hours: no place on Earth is
/// further than 14 hours from UTC (the parser alone would take up to ±25:59).
pub const MAX_OFFSET_HOURS: i32 = 14;

/// Why an RFC 3339 instant could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InstantError {
    /// Not an instant at all.
    #[error("`{0}` is not an RFC 3339 instant")]
    Malformed(String),
    /// An offset no place uses.
    #[error("`{text}` has the offset `{offset}`, beyond the ±14:00 of any place on Earth")]
    Offset {
        /// The instant as written.
        text: String,
        /// Its offset.
        offset: String,
    },
}

/// Reads an RFC 3339 instant, `2021-01-09T18:00:00-08:00` or `2021-01-10T02:00:00Z`, refusing
/// an offset beyond ±[`MAX_OFFSET_HOURS`] hours.
///
/// ```
/// use modsim_policy::period::parse_rfc3339;
/// assert!(parse_rfc3339("2021-01-09T18:00:00-08:00").is_ok());
/// assert!(parse_rfc3339("2021-01-09T18:00:00+25:00").is_err());
/// ```
pub fn parse_rfc3339(text: &str) -> Result<Timestamp, InstantError> {
    let at: Timestamp = text
        .parse()
        .map_err(|_| InstantError::Malformed(text.to_owned()))?;
    if let Ok(pieces) = jiff::fmt::temporal::Pieces::parse(text)
        && let Some(jiff::fmt::temporal::PiecesOffset::Numeric(numeric)) = pieces.offset()
    {
        let seconds = numeric.offset().seconds();
        if seconds.unsigned_abs() > MAX_OFFSET_HOURS.unsigned_abs() * 3600 {
            let sign = if seconds < 0 { '-' } else { '+' };
            let (h, m) = (
                seconds.unsigned_abs() / 3600,
                seconds.unsigned_abs() % 3600 / 60,
            );
            return Err(InstantError::Offset {
                text: text.to_owned(),
                offset: format!("{sign}{h:02}:{m:02}"),
            });
        }
    }
    Ok(at)
}

#[cfg(test)]
mod tests;
