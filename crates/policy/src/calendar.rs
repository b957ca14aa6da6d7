//! Calendars as data: a named set of rest days and holidays, read from a TOML file
//! (`calendars/us-federal.toml`), that business days are counted against.
//!
//! A holiday is a fixed date every year (`month`, `day`, perhaps observed on the nearest
//! weekday), the nth weekday of a month (`month`, `weekday`, `nth`), or a list of `dates` (for
//! movable feasts). A calendar may say which `years` it covers; counting a business day in
//! any other year is an error, never a guess. Each year's holidays and count of business days
//! are built once per calendar, so adding thousands of business days skips whole years.
//!
//! The calendars modsim ships ([`Calendars::shipped`]) are embedded from `calendars/`; a
//! scenario may add its own ([`Calendars::with`]).

use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{FileProblems, Problem, did_you_mean};
use crate::time_error::TimeError;

/// A named calendar of rest days and holidays. Cheap to clone: the definition is shared.
#[derive(Clone)]
pub struct Calendar(Arc<Definition>);

struct Definition {
    name: String,
    title: String,
    source: String,
    provenance: Option<String>,
    /// Rest days, one bit per weekday counted from Monday (bit 0) to Sunday (bit 6).
    rest: u8,
    /// The first and last year the calendar covers, if it covers only some.
    years: Option<(i16, i16)>,
    holidays: Vec<Holiday>,
    /// Years built once, from [`KEPT_FROM`].
    kept: Vec<OnceLock<Year>>,
}

/// The years whose holidays are kept once built; others are built on each use.
const KEPT_FROM: i16 = 1900;
const KEPT_YEARS: usize = 400;

struct Holiday {
    name: String,
    rule: Rule,
    from: Option<i16>,
    until: Option<i16>,
}

enum Rule {
    Fixed {
        month: i8,
        day: i8,
        nearest_weekday: bool,
    },
    Nth {
        month: i8,
        weekday: Weekday,
        nth: i8,
    },
    Dates(Vec<Date>),
}

/// One year of a calendar: the holidays on its dates (by index into the calendar's list),
/// their dates each once, and its number of business days.
struct Year {
    holidays: Vec<(Date, usize)>,
    /// The dates of holidays that fall on days that are not rest days, each once.
    dates: Vec<Date>,
    business_days: u32,
}

impl Calendar {
    /// Reads a calendar file; `name` is how the file is named to the user.
    pub fn parse(file: &str, text: &str) -> Result<Calendar, FileProblems> {
        let raw: RawCalendar = crate::load::shape::read(file, text)?;
        let mut problems = Vec::new();
        let calendar = raw.check(&mut problems);
        if problems.is_empty() {
            Ok(calendar)
        } else {
            Err(FileProblems::new(file, text, problems))
        }
    }

    /// The calendar's name, as policies refer to it.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// What the calendar is, in a line.
    pub fn title(&self) -> &str {
        &self.0.title
    }

    /// Where its days come from.
    pub fn source(&self) -> &str {
        &self.0.source
    }

    /// How its dates were checked, or that they are derived or reconstructed.
    pub fn provenance(&self) -> Option<&str> {
        self.0.provenance.as_deref()
    }

    /// True when `day` is one of the calendar's rest days (Saturday and Sunday, usually).
    pub fn is_rest_day(&self, day: Weekday) -> bool {
        self.0.rest & (1 << day.to_monday_zero_offset()) != 0
    }

    /// The holiday on `date`, if it is one, by name; an error for a year the calendar does
    /// not cover.
    pub fn holiday(&self, date: Date) -> Result<Option<&str>, TimeError> {
        let names = &self.0.holidays;
        self.with_year(date.year(), |year| {
            year.holidays
                .iter()
                .find(|(day, _)| *day == date)
                .and_then(|(_, i)| names.get(*i))
                .map(|h| h.name.as_str())
        })
    }

    /// True on days that are neither rest days nor holidays.
    pub fn is_business_day(&self, date: Date) -> Result<bool, TimeError> {
        Ok(!self.is_rest_day(date.weekday()) && self.holiday(date)?.is_none())
    }

    /// The `n`th business day after `date`.
    ///
    /// Whole years are skipped by their count of business days (each year's calendar built
    /// once), so the walk day by day covers at most the days left in the first year and those
    /// needed in the last.
    pub fn add_business_days(&self, date: Date, n: u32) -> Result<Date, TimeError> {
        let mut left = n;
        let mut day = date;
        let rest = self.business_days_after(date)?;
        if left > rest {
            left -= rest;
            let mut year = date.year();
            loop {
                year = year.checked_add(1).ok_or(TimeError::OutOfRange)?;
                let count = self.with_year(year, |y| y.business_days)?;
                if left <= count {
                    let first = Date::new(year, 1, 1).map_err(|_| TimeError::OutOfRange)?;
                    day = first.yesterday().map_err(|_| TimeError::OutOfRange)?;
                    break;
                }
                left -= count;
            }
        }
        while left > 0 {
            day = day.tomorrow().map_err(|_| TimeError::OutOfRange)?;
            if self.is_business_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// The days strictly after `from` and before `to` that do not count, described:
    /// `Mon 2021-01-18 (Martin Luther King Jr. Day)`.
    pub fn non_business_days_between(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<String>, TimeError> {
        let mut skipped = Vec::new();
        let mut day = from;
        while let Ok(next) = day.tomorrow() {
            if next >= to {
                break;
            }
            day = next;
            let holiday = self.holiday(day)?;
            if self.is_rest_day(day.weekday()) || holiday.is_some() {
                let mut text = day.strftime("%a %Y-%m-%d").to_string();
                if let Some(name) = holiday {
                    text.push_str(&format!(" ({name})"));
                }
                skipped.push(text);
            }
        }
        Ok(skipped)
    }

    /// Business days strictly after `date` and up to the end of its year.
    fn business_days_after(&self, date: Date) -> Result<u32, TimeError> {
        let last = date.last_of_year();
        let days = i32::from(last.day_of_year()) - i32::from(date.day_of_year());
        let working = self.working_days(date.weekday().to_monday_zero_offset() + 1, days);
        let holidays = self.with_year(date.year(), |year| {
            year.dates.iter().filter(|d| **d > date).count()
        })?;
        Ok(working.saturating_sub(u32::try_from(holidays).unwrap_or(u32::MAX)))
    }

    /// Days that are not rest days among `days` consecutive days, the first of which is
    /// `first` days after a Monday (0 for a Monday, 6 for a Sunday, 7 again a Monday).
    fn working_days(&self, first: i8, days: i32) -> u32 {
        if days <= 0 {
            return 0;
        }
        let per_week = 7 - self.0.rest.count_ones() as i32;
        let whole = days / 7 * per_week;
        let part = (0..days % 7)
            .filter(|i| self.0.rest & (1 << ((i32::from(first) + i) % 7)) == 0)
            .count();
        u32::try_from(whole).unwrap_or(0) + u32::try_from(part).unwrap_or(0)
    }

    fn with_year<R>(&self, year: i16, f: impl FnOnce(&Year) -> R) -> Result<R, TimeError> {
        if let Some((first, last)) = self.0.years
            && !(first..=last).contains(&year)
        {
            return Err(TimeError::NotCovered {
                calendar: self.0.name.clone(),
                year,
                first,
                last,
            });
        }
        let kept = usize::try_from(i32::from(year) - i32::from(KEPT_FROM))
            .ok()
            .and_then(|i| self.0.kept.get(i));
        Ok(match kept {
            Some(cell) => f(cell.get_or_init(|| self.build_year(year))),
            None => f(&self.build_year(year)),
        })
    }

    /// The holidays observed on the dates of `year` (a Saturday 1 January of the next year
    /// observed on 31 December of this one included), and its count of business days.
    fn build_year(&self, year: i16) -> Year {
        let mut holidays: Vec<(Date, usize)> = Vec::new();
        for (i, holiday) in self.0.holidays.iter().enumerate() {
            for y in [year.checked_sub(1), Some(year), year.checked_add(1)]
                .into_iter()
                .flatten()
            {
                if holiday.from.is_some_and(|from| y < from)
                    || holiday.until.is_some_and(|until| y > until)
                {
                    continue;
                }
                for date in holiday.dates_in(y) {
                    if date.year() == year {
                        holidays.push((date, i));
                    }
                }
            }
        }
        let mut dates: Vec<Date> = holidays
            .iter()
            .map(|(d, _)| *d)
            .filter(|d| !self.is_rest_day(d.weekday()))
            .collect();
        dates.sort();
        dates.dedup();
        let days = Date::new(year, 1, 1).map_or(0, |first| {
            self.working_days(
                first.weekday().to_monday_zero_offset(),
                i32::from(first.days_in_year()),
            )
        });
        Year {
            holidays,
            business_days: days.saturating_sub(u32::try_from(dates.len()).unwrap_or(u32::MAX)),
            dates,
        }
    }
}

impl Holiday {
    /// The dates this holiday is observed on for `year`'s occurrence (which may fall in the
    /// year before or after, when observed on the nearest weekday).
    fn dates_in(&self, year: i16) -> Vec<Date> {
        match &self.rule {
            Rule::Fixed {
                month,
                day,
                nearest_weekday,
            } => Date::new(year, *month, *day)
                .ok()
                .map(|d| {
                    if *nearest_weekday {
                        nearest_weekday_of(d)
                    } else {
                        d
                    }
                })
                .into_iter()
                .collect(),
            Rule::Nth {
                month,
                weekday,
                nth,
            } => Date::new(year, *month, 1)
                .and_then(|d| d.nth_weekday_of_month(*nth, *weekday))
                .ok()
                .into_iter()
                .collect(),
            Rule::Dates(dates) => dates.iter().filter(|d| d.year() == year).copied().collect(),
        }
    }
}

/// A Saturday's holiday is observed on the Friday before, a Sunday's on the Monday after.
fn nearest_weekday_of(date: Date) -> Date {
    match date.weekday() {
        Weekday::Saturday => date.yesterday().unwrap_or(date),
        Weekday::Sunday => date.tomorrow().unwrap_or(date),
        _ => date,
    }
}

impl fmt::Display for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.name)
    }
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Calendar({})", self.0.name)
    }
}

/// Two calendars are the same when they have the same name: a run's [`Calendars`] holds one
/// calendar per name.
impl PartialEq for Calendar {
    fn eq(&self, other: &Calendar) -> bool {
        self.0.name == other.0.name
    }
}

impl Eq for Calendar {}

impl std::hash::Hash for Calendar {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.name.hash(state);
    }
}

impl Default for Calendar {
    /// `us-federal`, the calendar a policy that names none counts against.
    fn default() -> Calendar {
        Calendars::shipped().default_calendar()
    }
}

/// The calendars a run knows, by name: those modsim ships and any a scenario adds.
#[derive(Clone, Debug)]
pub struct Calendars(Vec<Calendar>);

/// The calendar files modsim ships, by file name.
pub const SHIPPED: [(&str, &str); 3] = [
    (
        "calendars/us-federal.toml",
        include_str!("../../../calendars/us-federal.toml"),
    ),
    (
        "calendars/weekends-only.toml",
        include_str!("../../../calendars/weekends-only.toml"),
    ),
    (
        "calendars/fr-public-holidays.toml",
        include_str!("../../../calendars/fr-public-holidays.toml"),
    ),
];

/// The name of the calendar a policy counts against when it names none.
pub const DEFAULT_CALENDAR: &str = "us-federal";

impl Calendars {
    /// The calendars of `calendars/`, read once per process.
    pub fn shipped() -> &'static Calendars {
        static SHIPPED_CALENDARS: OnceLock<Calendars> = OnceLock::new();
        SHIPPED_CALENDARS.get_or_init(|| {
            // A shipped file that does not read is caught by the tests of this module.
            Calendars(
                SHIPPED
                    .iter()
                    .filter_map(|(file, text)| Calendar::parse(file, text).ok())
                    .collect(),
            )
        })
    }

    /// These calendars and `more`; one of `more` named as one of these replaces it.
    #[must_use]
    pub fn with(&self, more: impl IntoIterator<Item = Calendar>) -> Calendars {
        let mut all = self.0.clone();
        for calendar in more {
            all.retain(|c| c.name() != calendar.name());
            all.push(calendar);
        }
        Calendars(all)
    }

    /// The calendar named `name`.
    pub fn get(&self, name: &str) -> Option<&Calendar> {
        self.0.iter().find(|c| c.name() == name)
    }

    /// Every calendar's name.
    pub fn names(&self) -> impl Iterator<Item = &str> + Clone {
        self.0.iter().map(Calendar::name)
    }

    /// The calendar named `name`, or a problem at `span` naming the known ones.
    pub fn find(&self, name: &str, span: Range<usize>) -> Result<Calendar, Problem> {
        self.get(name).cloned().ok_or_else(|| {
            let known = self.names().map(|n| format!("`{n}`")).collect::<Vec<_>>();
            let mut problem = Problem::error(format!("unknown calendar `{name}`"), Some(span));
            problem = match did_you_mean(name, self.names()) {
                Some(close) => problem.with_help(format!("did you mean `{close}`?")),
                None => problem.with_help(format!(
                    "the calendars are {}; a scenario adds its own with `calendars = [\"FILE.toml\"]`",
                    known.join(", ")
                )),
            };
            problem
        })
    }

    fn default_calendar(&self) -> Calendar {
        match self.get(DEFAULT_CALENDAR) {
            Some(c) => c.clone(),
            // Unreachable while `calendars/us-federal.toml` reads (a test holds it): an empty
            // calendar of weekends is the least surprising stand-in.
            None => Calendar(Arc::new(Definition {
                name: DEFAULT_CALENDAR.to_owned(),
                title: String::new(),
                source: String::new(),
                provenance: None,
                rest: WEEKEND,
                years: None,
                holidays: Vec::new(),
                kept: Vec::new(),
            })),
        }
    }
}

const WEEKEND: u8 = (1 << 5) | (1 << 6);

/// A modsim calendar: rest days and holidays that business days skip. See
/// docs/policy-format.md, "Calendars".
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Calendar", title = "modsim calendar")]
pub(crate) struct RawCalendar {
    /// The calendar's name and what it is.
    calendar: RawHeader,
    /// Its holidays.
    #[serde(default)]
    holiday: Vec<RawHoliday>,
}

/// The `[calendar]` table.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    /// The name policies refer to it by (`holidays = "NAME"`).
    #[schemars(with = "String")]
    name: Spanned<String>,
    /// What it is, in a line.
    title: String,
    /// Where its days come from (a statute, an official list).
    source: String,
    /// How the dates were checked, or that they are reconstructed.
    #[serde(default)]
    provenance: Option<String>,
    /// The days of the week that are not business days; default Saturday and Sunday.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    rest_days: Option<Vec<Spanned<String>>>,
    /// The first and last year the calendar covers (both included), when it covers only
    /// some: counting a business day outside them is an error.
    #[serde(default)]
    #[schemars(with = "Option<[i16; 2]>")]
    years: Option<Spanned<Vec<i16>>>,
}

/// One `[[holiday]]`: a fixed date (`month`, `day`), an nth weekday (`month`, `weekday`,
/// `nth`), or a list of `dates`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    /// The holiday's name, as explanations show it.
    #[schemars(with = "String")]
    name: Spanned<String>,
    /// The month (1 to 12), for a fixed date or an nth weekday.
    #[serde(default)]
    #[schemars(with = "Option<i8>")]
    month: Option<Spanned<i64>>,
    /// The day of the month, for a fixed date.
    #[serde(default)]
    #[schemars(with = "Option<i8>")]
    day: Option<Spanned<i64>>,
    /// `nearest-weekday` (a Saturday's holiday observed on the Friday, a Sunday's on the
    /// Monday) or `on-the-day` (the default), for a fixed date.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    observed: Option<Spanned<String>>,
    /// The weekday, for an nth weekday (`monday` ... `sunday`).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    weekday: Option<Spanned<String>>,
    /// Which one: 1 to 5 from the start of the month, -1 to -5 from its end.
    #[serde(default)]
    #[schemars(with = "Option<i8>")]
    nth: Option<Spanned<i64>>,
    /// The dates, `YYYY-MM-DD`, for a holiday that moves (Easter Monday).
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    dates: Option<Vec<Spanned<String>>>,
    /// The first year it is kept.
    #[serde(default)]
    from: Option<i16>,
    /// The last year it is kept.
    #[serde(default)]
    until: Option<i16>,
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

fn weekday(word: &Spanned<String>, problems: &mut Vec<Problem>) -> Option<Weekday> {
    let found = WEEKDAYS.iter().find(|(n, _)| *n == word.get_ref().as_str());
    if found.is_none() {
        let mut problem = Problem::error(
            format!("`{}` is not a day of the week", word.get_ref()),
            Some(word.span()),
        );
        problem = match did_you_mean(word.get_ref(), WEEKDAYS.iter().map(|(n, _)| *n)) {
            Some(close) => problem.with_help(format!("did you mean `{close}`?")),
            None => problem.with_help("write `monday`, `tuesday`, ... or `sunday`"),
        };
        problems.push(problem);
    }
    found.map(|(_, d)| *d)
}

fn small(
    value: &Spanned<i64>,
    range: std::ops::RangeInclusive<i64>,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<i8> {
    let v = *value.get_ref();
    if range.contains(&v) {
        i8::try_from(v).ok()
    } else {
        problems.push(
            Problem::error(format!("`{v}` is not a {what}"), Some(value.span())).with_help(
                format!("a {what} is from {} to {}", range.start(), range.end()),
            ),
        );
        None
    }
}

impl RawCalendar {
    fn check(self, problems: &mut Vec<Problem>) -> Calendar {
        let header = self.calendar;
        let name = header.name.get_ref().trim().to_owned();
        if name.is_empty() {
            problems.push(Problem::error(
                "the calendar's `name` is empty",
                Some(header.name.span()),
            ));
        }
        let rest = match &header.rest_days {
            None => WEEKEND,
            Some(days) => days
                .iter()
                .filter_map(|d| weekday(d, problems))
                .fold(0u8, |acc, d| acc | (1 << d.to_monday_zero_offset())),
        };
        if rest == 0x7f
            && let Some(days) = &header.rest_days
            && let (Some(first), Some(last)) = (days.first(), days.last())
        {
            problems.push(
                Problem::error(
                    "every day of the week is a rest day",
                    Some(first.span().start..last.span().end),
                )
                .with_help("a calendar needs at least one day of the week that counts"),
            );
        }
        let years = header
            .years
            .as_ref()
            .and_then(|y| match y.get_ref().as_slice() {
                [first, last] if first <= last => Some((*first, *last)),
                _ => {
                    problems.push(
                        Problem::error("`years` is not a first and last year", Some(y.span()))
                            .with_help(
                                "write the first and last year covered: `years = [2021, 2026]`",
                            ),
                    );
                    None
                }
            });
        let holidays = self
            .holiday
            .into_iter()
            .filter_map(|h| h.check(years, problems))
            .collect();
        Calendar(Arc::new(Definition {
            name,
            title: header.title,
            source: header.source,
            provenance: header.provenance,
            rest,
            years,
            holidays,
            kept: (0..KEPT_YEARS).map(|_| OnceLock::new()).collect(),
        }))
    }
}

impl RawHoliday {
    fn check(self, years: Option<(i16, i16)>, problems: &mut Vec<Problem>) -> Option<Holiday> {
        let span = self.name.span();
        let shape = (
            self.month.as_ref(),
            self.day.as_ref(),
            self.weekday.as_ref(),
            self.nth.as_ref(),
            self.dates.as_ref(),
        );
        let rule = match shape {
            (Some(month), Some(day), None, None, None) => {
                let nearest_weekday = match &self.observed {
                    None => false,
                    Some(o) => match o.get_ref().as_str() {
                        "nearest-weekday" => true,
                        "on-the-day" => false,
                        other => {
                            problems.push(
                                Problem::error(
                                    format!("`{other}` is not a way to observe a holiday"),
                                    Some(o.span()),
                                )
                                .with_help("write `on-the-day` or `nearest-weekday`"),
                            );
                            false
                        }
                    },
                };
                let month = small(month, 1..=12, "month", problems)?;
                let day = small(day, 1..=31, "day of the month", problems)?;
                Rule::Fixed {
                    month,
                    day,
                    nearest_weekday,
                }
            }
            (Some(month), None, Some(wd), Some(nth), None) => {
                let month = small(month, 1..=12, "month", problems);
                let nth_value = *nth.get_ref();
                let nth = if nth_value == 0 {
                    problems.push(
                        Problem::error("`0` is not which weekday of the month", Some(nth.span()))
                            .with_help(
                                "1 to 5 count from the start of the month, -1 to -5 from its end",
                            ),
                    );
                    None
                } else {
                    small(nth, -5..=5, "weekday of the month", problems)
                };
                Rule::Nth {
                    month: month?,
                    weekday: weekday(wd, problems)?,
                    nth: nth?,
                }
            }
            (None, None, None, None, Some(dates)) => {
                let mut parsed = Vec::new();
                for text in dates {
                    match text.get_ref().parse::<Date>() {
                        Ok(date) => {
                            if let Some((first, last)) = years
                                && !(first..=last).contains(&date.year())
                            {
                                problems.push(
                                    Problem::error(
                                        format!(
                                            "`{date}` is outside the years {first} to {last} the calendar covers"
                                        ),
                                        Some(text.span()),
                                    )
                                    .with_help("widen `years`, or take the date out"),
                                );
                            }
                            parsed.push(date);
                        }
                        Err(_) => problems.push(
                            Problem::error(
                                format!("`{}` is not a date", text.get_ref()),
                                Some(text.span()),
                            )
                            .with_help("write dates as `YYYY-MM-DD`"),
                        ),
                    }
                }
                Rule::Dates(parsed)
            }
            _ => {
                problems.push(
                    Problem::error(
                        format!("holiday `{}` does not say when it falls", self.name.get_ref()),
                        Some(span),
                    )
                    .with_help(
                        "give `month` and `day` (a fixed date), `month`, `weekday` and `nth` (the nth weekday of a month), or `dates` (a list)",
                    ),
                );
                return None;
            }
        };
        Some(Holiday {
            name: self.name.into_inner(),
            rule,
            from: self.from,
            until: self.until,
        })
    }
}

/// The JSON Schema of a calendar file, for TOML editors; `modsim schema calendar` prints it.
pub fn json_schema() -> schemars::Schema {
    crate::load::shape::schema_for::<RawCalendar>()
}

/// The US federal calendar as modsim first wrote it, in code, and a walk day by day: the
/// reference the calendars read from files are held to.
#[cfg(test)]
pub(crate) mod reference {
    use jiff::civil::{Date, Weekday};

    use crate::time_error::TimeError;

    /// The calendars the reference knows.
    #[derive(Clone, Copy, Debug)]
    pub enum Kind {
        UsFederal,
        WeekendsOnly,
    }

    pub fn holiday(kind: Kind, date: Date) -> Option<&'static str> {
        match kind {
            Kind::WeekendsOnly => None,
            Kind::UsFederal => [date.year(), date.year().saturating_add(1)]
                .into_iter()
                .flat_map(us_federal_holidays)
                .find(|(observed, _)| *observed == date)
                .map(|(_, name)| name),
        }
    }

    pub fn add_business_days(kind: Kind, date: Date, n: u32) -> Result<Date, TimeError> {
        let mut day = date;
        let mut counted = 0;
        while counted < n {
            day = day.tomorrow().map_err(|_| TimeError::OutOfRange)?;
            if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
                && holiday(kind, day).is_none()
            {
                counted += 1;
            }
        }
        Ok(day)
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
}

#[cfg(test)]
pub(crate) mod tests {
    use super::reference::Kind;
    use super::*;
    use jiff::ToSpan;
    use jiff::civil::date;

    pub(crate) fn us() -> Calendar {
        Calendars::shipped().get("us-federal").unwrap().clone()
    }

    fn shipped(kind: Kind) -> Calendar {
        let name = match kind {
            Kind::UsFederal => "us-federal",
            Kind::WeekendsOnly => "weekends-only",
        };
        Calendars::shipped().get(name).unwrap().clone()
    }

    #[test]
    fn every_shipped_calendar_reads() {
        for (file, text) in SHIPPED {
            if let Err(problems) = Calendar::parse(file, text) {
                panic!("{file}: {problems:?}");
            }
        }
        assert_eq!(Calendars::shipped().names().count(), SHIPPED.len());
        assert_eq!(Calendar::default().name(), "us-federal");
    }

    #[test]
    fn federal_holidays_observed_on_weekdays() {
        let cal = us();
        // 2022-01-01 is a Saturday: observed Friday 2021-12-31.
        assert_eq!(cal.holiday(date(2021, 12, 31)), Ok(Some("New Year's Day")));
        // 2021-07-04 is a Sunday: observed Monday 2021-07-05.
        assert_eq!(cal.holiday(date(2021, 7, 5)), Ok(Some("Independence Day")));
        assert_eq!(
            cal.holiday(date(2020, 11, 26)),
            Ok(Some("Thanksgiving Day"))
        );
        assert_eq!(
            cal.holiday(date(2021, 1, 20)),
            Ok(None),
            "inauguration day is not federal-wide"
        );
        assert_eq!(cal.is_business_day(date(2021, 1, 18)), Ok(false));
        assert_eq!(cal.is_business_day(date(2021, 1, 19)), Ok(true));
    }

    fn kinds() -> impl proptest::strategy::Strategy<Value = Kind> {
        proptest::prop_oneof![
            4 => proptest::strategy::Just(Kind::UsFederal),
            1 => proptest::strategy::Just(Kind::WeekendsOnly),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

        /// Law: the calendars read from `calendars/us-federal.toml` and `weekends-only.toml`
        /// give the days the built-in calendar gave, and business days counted a year at a
        /// time land on the day the walk day by day lands on, from any start (weekends,
        /// holidays, the end of a year) and for any count.
        #[test]
        fn business_days_skip_years_as_the_walk_does(
            kind in kinds(),
            start in -3000i32..50_000,
            n in proptest::prop_oneof![0u32..15, 0u32..400, 200u32..3000],
        ) {
            let day = date(1960, 1, 1).checked_add(start.days()).unwrap();
            let cal = shipped(kind);
            proptest::prop_assert_eq!(
                cal.add_business_days(day, n),
                reference::add_business_days(kind, day, n)
            );
            proptest::prop_assert_eq!(cal.holiday(day).unwrap(), reference::holiday(kind, day));
        }
    }

    #[test]
    fn business_days_at_the_edges_of_the_calendar() {
        for kind in [Kind::UsFederal, Kind::WeekendsOnly] {
            let cal = shipped(kind);
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
                    reference::add_business_days(kind, start, n),
                    "{cal} {start} + {n}"
                );
            }
        }
    }

    /// Easter Sunday by the anonymous Gregorian computus (Meeus/Jones/Butcher).
    fn easter(year: i16) -> Date {
        let y = i32::from(year);
        let (a, b, c) = (y % 19, y / 100, y % 100);
        let (d, e) = (b / 4, b % 4);
        let f = (b + 8) / 25;
        let g = (b - f + 1) / 3;
        let h = (19 * a + b - d - g + 15) % 30;
        let (i, k) = (c / 4, c % 4);
        let l = (32 + 2 * e + 2 * i - h - k) % 7;
        let m = (a + 11 * h + 22 * l) / 451;
        let month = (h + l - 7 * m + 114) / 31;
        let day = (h + l - 7 * m + 114) % 31 + 1;
        date(year, month as i8, day as i8)
    }

    /// The French calendar's movable days are Easter + 1, + 39 and + 50 days, for each year it
    /// covers; its fixed days are the statute's eleven; years it does not cover are refused.
    #[test]
    fn the_french_calendar_checked_against_the_computus() {
        let cal = Calendars::shipped()
            .get("fr-public-holidays")
            .unwrap()
            .clone();
        assert_eq!(easter(2024), date(2024, 3, 31));
        for year in 2021..=2026 {
            let e = easter(year);
            for (offset, name) in [
                (1, "Lundi de Pâques (Easter Monday)"),
                (39, "Ascension"),
                (50, "Lundi de Pentecôte (Whit Monday)"),
            ] {
                let day = e.checked_add(offset.days()).unwrap();
                assert_eq!(cal.holiday(day), Ok(Some(name)), "{year}: {name}");
            }
            let mut count = 0;
            let mut day = date(year, 1, 1);
            while day.year() == year {
                if cal.holiday(day).unwrap().is_some() {
                    count += 1;
                }
                day = day.tomorrow().unwrap();
            }
            assert_eq!(count, 11, "{year} has the statute's eleven days");
        }
        // 1 May 2021 is a Saturday: not moved.
        assert_eq!(cal.holiday(date(2021, 5, 3)), Ok(None));
        // Thu 2021-05-13 (Ascension) 12:00 + 1 business day = Fri 14 May.
        assert_eq!(
            cal.add_business_days(date(2021, 5, 12), 1),
            Ok(date(2021, 5, 14))
        );
        assert_eq!(
            cal.add_business_days(date(2026, 12, 30), 5)
                .unwrap_err()
                .to_string(),
            "calendar `fr-public-holidays` covers 2021 to 2026, not 2027"
        );
        assert!(cal.holiday(date(2020, 12, 31)).is_err());
    }

    fn problems(text: &str) -> Vec<String> {
        match Calendar::parse("c.toml", text) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .by_file()
                .into_iter()
                .flat_map(|(_, ps)| ps.into_iter().map(|p| p.to_string()))
                .collect(),
        }
    }

    #[test]
    fn bad_calendars_are_refused_located() {
        let head = "[calendar]\nname = \"c\"\ntitle = \"t\"\nsource = \"s\"\n";
        for (body, expected) in [
            (
                "[[holiday]]\nname = \"x\"\nmonth = 13\nday = 1\n",
                "`13` is not a month",
            ),
            (
                "[[holiday]]\nname = \"x\"\nmonth = 1\n",
                "holiday `x` does not say when it falls",
            ),
            (
                "[[holiday]]\nname = \"x\"\nmonth = 1\nweekday = \"mondy\"\nnth = 1\n",
                "`mondy` is not a day of the week",
            ),
            (
                "[[holiday]]\nname = \"x\"\nmonth = 1\nweekday = \"monday\"\nnth = 0\n",
                "`0` is not which weekday of the month",
            ),
            (
                "[[holiday]]\nname = \"x\"\ndates = [\"2021-02-30\"]\n",
                "`2021-02-30` is not a date",
            ),
        ] {
            let got = problems(&format!("{head}{body}"));
            assert_eq!(got, [expected], "{body}");
        }
        let got = problems(&format!(
            "{}years = [2021, 2022]\n[[holiday]]\nname = \"x\"\ndates = [\"2023-01-02\"]\n",
            head
        ));
        assert_eq!(
            got,
            ["`2023-01-02` is outside the years 2021 to 2022 the calendar covers"]
        );
        let every = "rest_days = [\"monday\", \"tuesday\", \"wednesday\", \"thursday\", \"friday\", \"saturday\", \"sunday\"]\n";
        assert_eq!(
            problems(&format!("{head}{every}")),
            ["every day of the week is a rest day"]
        );
    }

    #[test]
    fn unknown_calendars_suggest_a_name() {
        let p = Calendars::shipped().find("us-federl", 0..9).unwrap_err();
        assert_eq!(p.to_string(), "unknown calendar `us-federl`");
        assert_eq!(p.help.as_deref(), Some("did you mean `us-federal`?"));
    }

    /// A scenario's calendar with a shipped name replaces it.
    #[test]
    fn added_calendars_replace_by_name() {
        let text = "[calendar]\nname = \"us-federal\"\ntitle = \"t\"\nsource = \"s\"\nrest_days = [\"friday\", \"saturday\"]\n";
        let mine = Calendar::parse("mine.toml", text).unwrap();
        let all = Calendars::shipped().with([mine]);
        let cal = all.get("us-federal").unwrap();
        assert_eq!(cal.is_business_day(date(2021, 1, 10)), Ok(true), "a Sunday");
        assert_eq!(all.names().count(), Calendars::shipped().names().count());
    }
}
