//! A calendar file as written (`RawCalendar`, what serde reads and `modsim schema calendar`
//! describes) and its check into a [`Calendar`]: every problem located, with the fix.

use std::sync::{Arc, OnceLock};

use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use toml::Spanned;

use super::{Calendar, Definition, Holiday, KEPT_YEARS, Rule};
use crate::diagnostic::{Problem, did_you_mean};

pub(super) const WEEKEND: u8 = (1 << 5) | (1 << 6);

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
    pub(super) fn check(self, problems: &mut Vec<Problem>) -> Calendar {
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
                fixed(month, day, self.observed.as_ref(), problems)?
            }
            (Some(month), None, Some(wd), Some(nth), None) => {
                nth_weekday(month, wd, nth, problems)?
            }
            (None, None, None, None, Some(dates)) => listed(dates, years, problems),
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

/// A fixed date every year (`month`, `day`), observed on the day or on the nearest weekday.
fn fixed(
    month: &Spanned<i64>,
    day: &Spanned<i64>,
    observed: Option<&Spanned<String>>,
    problems: &mut Vec<Problem>,
) -> Option<Rule> {
    let nearest_weekday = match observed {
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
    Some(Rule::Fixed {
        month,
        day,
        nearest_weekday,
    })
}

/// The nth weekday of a month (`month`, `weekday`, `nth`; a negative `nth` counts from the end).
fn nth_weekday(
    month: &Spanned<i64>,
    wd: &Spanned<String>,
    nth: &Spanned<i64>,
    problems: &mut Vec<Problem>,
) -> Option<Rule> {
    let month = small(month, 1..=12, "month", problems);
    let nth = if *nth.get_ref() == 0 {
        problems.push(
            Problem::error("`0` is not which weekday of the month", Some(nth.span()))
                .with_help("1 to 5 count from the start of the month, -1 to -5 from its end"),
        );
        None
    } else {
        small(nth, -5..=5, "weekday of the month", problems)
    };
    Some(Rule::Nth {
        month: month?,
        weekday: weekday(wd, problems)?,
        nth: nth?,
    })
}

/// A list of dates (a holiday that moves), each inside the years the calendar covers.
fn listed(
    dates: &[Spanned<String>],
    years: Option<(i16, i16)>,
    problems: &mut Vec<Problem>,
) -> Rule {
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

/// The JSON Schema of a calendar file, for TOML editors; `modsim schema calendar` prints it.
pub fn json_schema() -> schemars::Schema {
    crate::load::shape::schema_for::<RawCalendar>()
}
