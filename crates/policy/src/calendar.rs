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

mod file;

pub use file::json_schema;
use file::{RawCalendar, WEEKEND};

/// The US federal calendar as modsim first wrote it, in code, and a walk day by day: the
/// reference the calendars read from files are held to.
#[cfg(test)]
pub(crate) mod reference;

#[cfg(test)]
pub(crate) mod tests;
