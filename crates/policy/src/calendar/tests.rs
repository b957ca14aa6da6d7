//! Tests of calendars: the shipped files against the reference, files with problems, the arithmetic.

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
