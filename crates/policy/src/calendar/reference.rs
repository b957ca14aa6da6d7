//! The US federal calendar as modsim first wrote it, in code, and a walk day by day: the
//! reference the calendars read from files are held to.

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
