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
use std::sync::OnceLock;

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

/// A span of time of an explicit kind, as written in a policy or scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    /// Calendar days in the scenario's zone; the wall-clock time is kept.
    CalendarDays(u32),
    /// Exact elapsed minutes (hours are written as hours and kept as minutes).
    Minutes(u32),
    /// Business days against a holiday calendar; the wall-clock time is kept.
    BusinessDays(u32),
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
                "write a whole number and a unit: `30 calendar days`, `2 business days`, `24 hours`, `90 minutes`"
            }
            Self::TooLong(_) => "a period is at most 36500 days (876000 hours, 52560000 minutes)",
        }
    }
}

impl Period {
    /// Reads `"<number> <unit>"`, where the unit is `calendar day(s)`, `business day(s)`,
    /// `hour(s)` or `minute(s)`.
    ///
    /// ```
    /// use modsim_policy::Period;
    /// assert_eq!(Period::parse("30 calendar days"), Ok(Period::CalendarDays(30)));
    /// assert_eq!(Period::parse("24 hours"), Ok(Period::Minutes(24 * 60)));
    /// assert!(Period::parse("30 days").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Period, PeriodSyntaxError> {
        let malformed = || PeriodSyntaxError::Malformed(text.to_owned());
        let trimmed = text.trim();
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
        let period = match unit.as_str() {
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
            Period::CalendarDays(0) | Period::Minutes(0) | Period::BusinessDays(0)
        )
    }

    /// Longer than [`MAX_PERIOD_DAYS`] days (or their minutes): compared exactly, so
    /// `52560001 minutes` is over it.
    fn is_over_the_limit(self) -> bool {
        match self {
            Period::CalendarDays(n) | Period::BusinessDays(n) => n > MAX_PERIOD_DAYS,
            Period::Minutes(m) => u64::from(m) > u64::from(MAX_PERIOD_DAYS) * 24 * 60,
        }
    }

    /// Adds this period to `start`, in `zone`, counting business days against `calendar`.
    pub fn add_to(
        self,
        start: Timestamp,
        zone: &TimeZone,
        calendar: HolidayCalendar,
    ) -> Result<Timestamp, TimeError> {
        match self {
            Period::Minutes(m) => start
                .checked_add(SignedDuration::from_mins(i64::from(m)))
                .map_err(|_| TimeError::OutOfRange),
            Period::CalendarDays(n) => {
                let local = start.to_zoned(zone.clone()).datetime();
                let target = local
                    .checked_add(i64::from(n).days())
                    .map_err(|_| TimeError::OutOfRange)?;
                resolve(zone, target)
            }
            Period::BusinessDays(n) => {
                let local = start.to_zoned(zone.clone()).datetime();
                let date = calendar.add_business_days(local.date(), n)?;
                resolve(zone, date.to_datetime(local.time()))
            }
        }
    }

    /// Adds this period and writes the sum out:
    /// `2021-01-09 18:00 PST + 30 calendar days = 2021-02-08 18:00 PST`.
    pub fn add_written(
        self,
        start: Timestamp,
        zone: &TimeZone,
        calendar: HolidayCalendar,
    ) -> Result<(Timestamp, String), TimeError> {
        let end = self.add_to(start, zone, calendar)?;
        let mut text = format!(
            "{} + {} = {}",
            show_instant(start, zone),
            self,
            show_instant(end, zone)
        );
        if let Period::BusinessDays(_) = self {
            let from = start.to_zoned(zone.clone()).date();
            let to = end.to_zoned(zone.clone()).date();
            let skipped = calendar.non_business_days_between(from, to);
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
        }
    }
}

/// Why an instant could not be computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// The wall-clock time does not exist or exists twice in the zone.
    #[error("{0} is ambiguous in the scenario's time zone (a daylight-saving gap or fold)")]
    Ambiguous(String),
    /// Past the range of instants.
    #[error("the date is out of range")]
    OutOfRange,
}

fn resolve(zone: &TimeZone, local: DateTime) -> Result<Timestamp, TimeError> {
    zone.to_ambiguous_timestamp(local)
        .unambiguous()
        .map_err(|_| TimeError::Ambiguous(local.strftime("%Y-%m-%d %H:%M").to_string()))
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

crate::vocabulary! {
    /// A named calendar of non-business days.
    #[derive(Default)]
    pub enum HolidayCalendar: "holiday calendar" {
        /// US federal holidays (5 U.S.C. § 6103), observed on the Friday before when they fall
        /// on a Saturday and the Monday after when on a Sunday. Juneteenth counts from 2021.
        #[default]
        UsFederal = "us-federal",
        /// Weekends only.
        WeekendsOnly = "weekends-only",
    }
}

impl HolidayCalendar {
    /// The holiday on `date`, if it is one, by name.
    pub fn holiday(self, date: Date) -> Option<&'static str> {
        match self {
            HolidayCalendar::WeekendsOnly => None,
            HolidayCalendar::UsFederal => with_us_federal_year(date.year(), |year| {
                year.holidays
                    .iter()
                    .find(|(observed, _)| *observed == date)
                    .map(|(_, name)| *name)
            }),
        }
    }

    /// True on weekdays that are not holidays.
    pub fn is_business_day(self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && self.holiday(date).is_none()
    }

    /// The `n`th business day after `date`.
    ///
    /// Whole years are skipped by their count of business days (weekdays less the holidays
    /// observed on them, each year's calendar built once), so the walk day by day covers at
    /// most the days left in the first year and those needed in the last.
    pub fn add_business_days(self, date: Date, n: u32) -> Result<Date, TimeError> {
        let mut left = n;
        let mut day = date;
        let rest = self.business_days_after(date);
        if left > rest {
            left -= rest;
            let mut year = date.year();
            loop {
                year = year.checked_add(1).ok_or(TimeError::OutOfRange)?;
                let first = Date::new(year, 1, 1).map_err(|_| TimeError::OutOfRange)?;
                let count = self.business_days_in(year, first);
                if left <= count {
                    day = first.yesterday().map_err(|_| TimeError::OutOfRange)?;
                    break;
                }
                left -= count;
            }
        }
        while left > 0 {
            day = day.tomorrow().map_err(|_| TimeError::OutOfRange)?;
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// Business days strictly after `date` and up to the end of its year.
    fn business_days_after(self, date: Date) -> u32 {
        let last = date.last_of_year();
        let days = i32::from(last.day_of_year()) - i32::from(date.day_of_year());
        let weekdays = weekdays(date.weekday().to_monday_zero_offset() + 1, days);
        let holidays = match self {
            HolidayCalendar::WeekendsOnly => 0,
            HolidayCalendar::UsFederal => with_us_federal_year(date.year(), |year| {
                year.dates.iter().filter(|d| **d > date).count()
            }),
        };
        weekdays.saturating_sub(u32::try_from(holidays).unwrap_or(u32::MAX))
    }

    /// Business days of `year`, whose first day is `first`.
    fn business_days_in(self, year: i16, first: Date) -> u32 {
        match self {
            HolidayCalendar::WeekendsOnly => weekdays(
                first.weekday().to_monday_zero_offset(),
                i32::from(first.days_in_year()),
            ),
            HolidayCalendar::UsFederal => with_us_federal_year(year, |y| y.business_days),
        }
    }

    /// The days strictly after `from` and before `to` that do not count, described:
    /// `Mon 2021-01-18 (Martin Luther King Jr. Day)`.
    pub fn non_business_days_between(self, from: Date, to: Date) -> Vec<String> {
        let mut skipped = Vec::new();
        let mut day = from;
        while let Ok(next) = day.tomorrow() {
            if next >= to {
                break;
            }
            day = next;
            let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
            let holiday = self.holiday(day);
            if weekend || holiday.is_some() {
                let mut text = day.strftime("%a %Y-%m-%d").to_string();
                if let Some(name) = holiday {
                    text.push_str(&format!(" ({name})"));
                }
                skipped.push(text);
            }
        }
        skipped
    }
}

/// Weekdays among `days` consecutive days, the first of which is `first` days after a Monday
/// (0 for a Monday, 6 for a Sunday, 7 again a Monday).
fn weekdays(first: i8, days: i32) -> u32 {
    if days <= 0 {
        return 0;
    }
    let whole = days / 7 * 5;
    let part = (0..days % 7)
        .filter(|i| (i32::from(first) + i) % 7 < 5)
        .count();
    u32::try_from(whole).unwrap_or(0) + u32::try_from(part).unwrap_or(0)
}

/// One year of the US federal calendar: the holidays observed on its dates (a Saturday
/// 1 January of the next year is observed on 31 December of this one), in the order
/// [`HolidayCalendar::holiday`] looks them up, and its number of business days.
#[derive(Clone, Debug)]
struct FederalYear {
    holidays: Vec<(Date, &'static str)>,
    /// The dates of the holidays, each once.
    dates: Vec<Date>,
    business_days: u32,
}

impl FederalYear {
    fn new(year: i16) -> FederalYear {
        let holidays: Vec<(Date, &'static str)> = us_federal_holidays(year)
            .into_iter()
            .chain(
                year.checked_add(1)
                    .map(us_federal_holidays)
                    .unwrap_or_default(),
            )
            .filter(|(d, _)| d.year() == year)
            .collect();
        // Observed holidays always fall on weekdays; two on one date count once.
        let mut dates: Vec<Date> = holidays.iter().map(|(d, _)| *d).collect();
        dates.sort();
        dates.dedup();
        let days = Date::new(year, 1, 1).map_or(0, |first| {
            weekdays(
                first.weekday().to_monday_zero_offset(),
                i32::from(first.days_in_year()),
            )
        });
        FederalYear {
            holidays,
            business_days: days.saturating_sub(u32::try_from(dates.len()).unwrap_or(u32::MAX)),
            dates,
        }
    }
}

/// The years whose federal calendar is kept once built; others are built on each use.
const KEPT_FROM: i16 = 1900;
const KEPT_YEARS: usize = 400;
static US_FEDERAL: [OnceLock<FederalYear>; KEPT_YEARS] = [const { OnceLock::new() }; KEPT_YEARS];

fn with_us_federal_year<R>(year: i16, f: impl FnOnce(&FederalYear) -> R) -> R {
    let kept = usize::try_from(i32::from(year) - i32::from(KEPT_FROM))
        .ok()
        .and_then(|i| US_FEDERAL.get(i));
    match kept {
        Some(cell) => f(cell.get_or_init(|| FederalYear::new(year))),
        None => f(&FederalYear::new(year)),
    }
}

impl fmt::Display for HolidayCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The observed US federal holidays of `year`.
fn us_federal_holidays(year: i16) -> Vec<(Date, &'static str)> {
    let fixed = |month: i8, day: i8, name: &'static str| {
        Date::new(year, month, day)
            .ok()
            .map(|d| (observed(d), name))
    };
    let nth = |month: i8, nth: i8, weekday: Weekday, name: &'static str| {
        Date::new(year, month, 1)
            .and_then(|d| d.nth_weekday_of_month(nth, weekday))
            .ok()
            .map(|d| (d, name))
    };
    let mut days = vec![
        fixed(1, 1, "New Year's Day"),
        nth(1, 3, Weekday::Monday, "Martin Luther King Jr. Day"),
        nth(2, 3, Weekday::Monday, "Washington's Birthday"),
        nth(5, -1, Weekday::Monday, "Memorial Day"),
        fixed(7, 4, "Independence Day"),
        nth(9, 1, Weekday::Monday, "Labor Day"),
        nth(10, 2, Weekday::Monday, "Columbus Day"),
        fixed(11, 11, "Veterans Day"),
        nth(11, 4, Weekday::Thursday, "Thanksgiving Day"),
        fixed(12, 25, "Christmas Day"),
    ];
    if year >= 2021 {
        days.push(fixed(6, 19, "Juneteenth National Independence Day"));
    }
    days.into_iter().flatten().collect()
}

fn observed(date: Date) -> Date {
    match date.weekday() {
        Weekday::Saturday => date.yesterday().unwrap_or(date),
        Weekday::Sunday => date.tomorrow().unwrap_or(date),
        _ => date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn la() -> TimeZone {
        TimeZone::get("America/Los_Angeles").unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn check_add(start: &str, period: &str, expected: &str) {
        let (end, written) = Period::parse(period)
            .unwrap()
            .add_written(at(start), &la(), HolidayCalendar::UsFederal)
            .unwrap();
        assert_eq!(written, expected, "start {start} + {period}");
        assert!(end > at(start));
    }

    /// `show_instant` writes what jiff's `strftime("%Y-%m-%d %H:%M %Z")` writes, in every kind
    /// of zone (named with daylight saving, UTC, a fixed offset, a half-hour offset), on both
    /// sides of a DST change and at the edges of the year range.
    #[test]
    fn show_instant_matches_strftime() {
        let zones = [
            la(),
            TimeZone::UTC,
            TimeZone::fixed(jiff::tz::offset(-5)),
            TimeZone::get("Asia/Kolkata").unwrap(),
            TimeZone::get("Europe/Berlin").unwrap(),
        ];
        let instants = [
            "2021-01-10T02:00:00Z",
            "2021-03-14T09:59:59Z",
            "2021-03-14T10:00:00Z",
            "2021-11-07T08:30:00Z",
            "0000-01-01T12:00:00Z",
            "9999-12-30T12:00:00Z",
            "-000001-06-01T00:00:00Z",
        ];
        for zone in &zones {
            for text in instants {
                let t = at(text);
                let slow = t
                    .to_zoned(zone.clone())
                    .strftime("%Y-%m-%d %H:%M %Z")
                    .to_string();
                assert_eq!(show_instant(t, zone), slow, "{text} in {zone:?}");
            }
        }
    }

    #[test]
    fn thirty_calendar_days_from_the_aws_notice() {
        check_add(
            "2021-01-10T02:00:00Z",
            "30 calendar days",
            "2021-01-09 18:00 PST + 30 calendar days = 2021-02-08 18:00 PST",
        );
    }

    /// Law: calendar days keep the wall-clock time across a daylight-saving change, so the
    /// exact elapsed time is an hour short of 30 × 24 hours in spring.
    #[test]
    fn calendar_days_keep_wall_clock_across_dst() {
        // 2021-03-01 18:00 PST; DST began 2021-03-14.
        let start = at("2021-03-02T02:00:00Z");
        let end = Period::CalendarDays(30)
            .add_to(start, &la(), HolidayCalendar::UsFederal)
            .unwrap();
        assert_eq!(show_instant(end, &la()), "2021-03-31 18:00 PDT");
        assert_eq!(
            end.duration_since(start),
            SignedDuration::from_hours(30 * 24 - 1)
        );
        // Exact hours do not: 720 hours later is 19:00 PDT.
        let exact = Period::Minutes(720 * 60)
            .add_to(start, &la(), HolidayCalendar::UsFederal)
            .unwrap();
        assert_eq!(show_instant(exact, &la()), "2021-03-31 19:00 PDT");
    }

    #[test]
    fn landing_in_a_dst_gap_is_an_error() {
        // 2021-03-13 02:30 PST + 1 calendar day = 2021-03-14 02:30, which does not exist.
        let start = at("2021-03-13T10:30:00Z");
        let err = Period::CalendarDays(1)
            .add_to(start, &la(), HolidayCalendar::UsFederal)
            .unwrap_err();
        assert_eq!(err, TimeError::Ambiguous("2021-03-14 02:30".into()));
    }

    #[test]
    fn business_days_skip_a_federal_holiday() {
        // Fri 2021-01-15 19:00 PST + 2 business days: Mon 18th is MLK Day, so Tue and Wed.
        check_add(
            "2021-01-16T03:00:00Z",
            "2 business days",
            "2021-01-15 19:00 PST + 2 business days = 2021-01-20 19:00 PST \
             (us-federal calendar; skipping Sat 2021-01-16, Sun 2021-01-17, \
             Mon 2021-01-18 (Martin Luther King Jr. Day))",
        );
    }

    #[test]
    fn business_days_from_a_saturday_notice() {
        // Sat 2021-01-09 18:00 PST + 2 business days = Tue 2021-01-12 18:00 PST.
        check_add(
            "2021-01-10T02:00:00Z",
            "2 business days",
            "2021-01-09 18:00 PST + 2 business days = 2021-01-12 18:00 PST \
             (us-federal calendar; skipping Sun 2021-01-10)",
        );
    }

    #[test]
    fn federal_holidays_observed_on_weekdays() {
        let cal = HolidayCalendar::UsFederal;
        // 2022-01-01 is a Saturday: observed Friday 2021-12-31.
        assert_eq!(cal.holiday(date(2021, 12, 31)), Some("New Year's Day"));
        // 2021-07-04 is a Sunday: observed Monday 2021-07-05.
        assert_eq!(cal.holiday(date(2021, 7, 5)), Some("Independence Day"));
        assert_eq!(cal.holiday(date(2020, 11, 26)), Some("Thanksgiving Day"));
        assert_eq!(
            cal.holiday(date(2021, 1, 20)),
            None,
            "inauguration day is not federal-wide"
        );
        assert!(!cal.is_business_day(date(2021, 1, 18)));
        assert!(cal.is_business_day(date(2021, 1, 19)));
    }

    /// The calendar as it was first written: every day walked, each day's holidays built
    /// from its year's and the next year's lists. The law below holds the fast one to it.
    mod walked {
        use super::super::*;

        pub fn holiday(cal: HolidayCalendar, date: Date) -> Option<&'static str> {
            match cal {
                HolidayCalendar::WeekendsOnly => None,
                HolidayCalendar::UsFederal => [date.year(), date.year().saturating_add(1)]
                    .into_iter()
                    .flat_map(us_federal_holidays)
                    .find(|(observed, _)| *observed == date)
                    .map(|(_, name)| name),
            }
        }

        pub fn add_business_days(
            cal: HolidayCalendar,
            date: Date,
            n: u32,
        ) -> Result<Date, TimeError> {
            let mut day = date;
            let mut counted = 0;
            while counted < n {
                day = day.tomorrow().map_err(|_| TimeError::OutOfRange)?;
                if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
                    && holiday(cal, day).is_none()
                {
                    counted += 1;
                }
            }
            Ok(day)
        }
    }

    fn calendars() -> impl proptest::strategy::Strategy<Value = HolidayCalendar> {
        proptest::prop_oneof![
            4 => proptest::strategy::Just(HolidayCalendar::UsFederal),
            1 => proptest::strategy::Just(HolidayCalendar::WeekendsOnly),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

        /// Law: business days counted a year at a time land on the day the walk day by day
        /// lands on, from any start (weekends, holidays, the end of a year) and for any count.
        #[test]
        fn business_days_skip_years_as_the_walk_does(
            cal in calendars(),
            start in -3000i32..50_000,
            n in proptest::prop_oneof![0u32..15, 0u32..400, 200u32..3000],
        ) {
            let date = jiff::civil::date(1960, 1, 1).checked_add(start.days()).unwrap();
            proptest::prop_assert_eq!(
                cal.add_business_days(date, n),
                walked::add_business_days(cal, date, n)
            );
            proptest::prop_assert_eq!(cal.holiday(date), walked::holiday(cal, date));
        }

        /// Law: a business-day period added to an instant in a zone with daylight saving
        /// gives the instant (or the gap or fold error) the walk gives.
        #[test]
        fn business_day_periods_agree_with_the_walk_across_dst(
            start in 1_500_000_000i64..1_800_000_000,
            n in 0u32..400,
        ) {
            let zone = la();
            let at = Timestamp::from_second(start).unwrap();
            let local = at.to_zoned(zone.clone()).datetime();
            let walked = walked::add_business_days(HolidayCalendar::UsFederal, local.date(), n)
                .and_then(|d| resolve(&zone, d.to_datetime(local.time())));
            proptest::prop_assert_eq!(
                Period::BusinessDays(n).add_to(at, &zone, HolidayCalendar::UsFederal),
                walked
            );
        }
    }

    #[test]
    fn business_days_at_the_edges_of_the_calendar() {
        for cal in [HolidayCalendar::UsFederal, HolidayCalendar::WeekendsOnly] {
            for (start, n) in [
                (date(9999, 12, 1), 10),
                (date(9999, 12, 1), 30),
                (date(9998, 12, 30), 260),
                (date(-9999, 1, 1), 36_500),
                (date(2021, 12, 31), 1),
                (date(2021, 12, 30), 1),
                (date(2022, 12, 30), 1),
                (date(1950, 6, 1), 36_500),
                (date(2021, 1, 9), 36_500),
            ] {
                assert_eq!(
                    cal.add_business_days(start, n),
                    walked::add_business_days(cal, start, n),
                    "{cal} {start} + {n}"
                );
            }
        }
    }

    #[test]
    fn offsets_beyond_any_place_are_refused() {
        for (text, ok) in [
            ("2021-01-10T02:00:00Z", true),
            ("2021-01-10T02:00:00+14:00", true),
            ("2021-01-10T02:00:00-12:00", true),
            ("2021-01-10T02:00:00-14:00", true),
            ("2021-01-10T02:00:00+14:01", false),
            ("2021-01-10T02:00:00+25:00", false),
            ("2021-01-10T02:00:00-25:59", false),
            ("2021-01-10 02:00", false),
        ] {
            assert_eq!(parse_rfc3339(text).is_ok(), ok, "{text}");
        }
        assert_eq!(
            parse_rfc3339("2021-01-10T02:00:00+25:00")
                .unwrap_err()
                .to_string(),
            "`2021-01-10T02:00:00+25:00` has the offset `+25:00`, beyond the ±14:00 of any place on Earth"
        );
    }

    #[test]
    fn periods_read_and_written() {
        for (text, period) in [
            ("30 calendar days", Period::CalendarDays(30)),
            ("1 calendar day", Period::CalendarDays(1)),
            ("2  business   days", Period::BusinessDays(2)),
            ("24 hours", Period::Minutes(1440)),
            ("90 minutes", Period::Minutes(90)),
        ] {
            assert_eq!(Period::parse(text), Ok(period), "{text}");
            assert_eq!(
                Period::parse(&period.to_string()),
                Ok(period),
                "round trip of {text}"
            );
        }
        assert!(matches!(
            Period::parse("30 days"),
            Err(PeriodSyntaxError::AmbiguousDays(_))
        ));
        assert!(matches!(
            Period::parse("thirty calendar days"),
            Err(PeriodSyntaxError::Malformed(_))
        ));
        assert!(matches!(
            Period::parse("-1 hours"),
            Err(PeriodSyntaxError::Malformed(_))
        ));
        assert!(matches!(
            Period::parse("99999 calendar days"),
            Err(PeriodSyntaxError::TooLong(_))
        ));
        // The limit, exactly, in every unit.
        for (text, allowed) in [
            ("36500 calendar days", true),
            ("36501 calendar days", false),
            ("36500 business days", true),
            ("36501 business days", false),
            ("876000 hours", true),
            ("876001 hours", false),
            ("52560000 minutes", true),
            ("52560001 minutes", false),
        ] {
            assert_eq!(Period::parse(text).is_ok(), allowed, "{text}");
        }
    }
}
