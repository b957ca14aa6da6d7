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
            Self::TooLong(_) => "a period is at most 36500 calendar days",
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
        if period.rough_days() > MAX_PERIOD_DAYS {
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

    fn rough_days(self) -> u32 {
        match self {
            Period::CalendarDays(n) | Period::BusinessDays(n) => n,
            Period::Minutes(m) => m / (24 * 60),
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
            HolidayCalendar::UsFederal => {
                // A Saturday 1 January of next year is observed on 31 December of this one.
                [date.year(), date.year().saturating_add(1)]
                    .into_iter()
                    .flat_map(us_federal_holidays)
                    .find(|(observed, _)| *observed == date)
                    .map(|(_, name)| name)
            }
        }
    }

    /// True on weekdays that are not holidays.
    pub fn is_business_day(self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && self.holiday(date).is_none()
    }

    /// The `n`th business day after `date`.
    pub fn add_business_days(self, date: Date, n: u32) -> Result<Date, TimeError> {
        let mut day = date;
        let mut counted = 0;
        while counted < n {
            day = day.tomorrow().map_err(|_| TimeError::OutOfRange)?;
            if self.is_business_day(day) {
                counted += 1;
            }
        }
        Ok(day)
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
            if !self.is_business_day(day) {
                let mut text = day.strftime("%a %Y-%m-%d").to_string();
                if let Some(name) = self.holiday(day) {
                    text.push_str(&format!(" ({name})"));
                }
                skipped.push(text);
            }
        }
        skipped
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
    }
}
