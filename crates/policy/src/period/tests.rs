//! Tests of periods: reading, writing, and adding them across weekends, holidays and daylight saving.

use super::*;
use crate::calendar::reference;
use crate::calendar::tests::us;

fn la() -> TimeZone {
    TimeZone::get("America/Los_Angeles").unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn check_add(start: &str, period: &str, expected: &str) {
    let (end, written) = Period::parse(period)
        .unwrap()
        .add_written(at(start), &la(), &us())
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
        .add_to(start, &la(), &us())
        .unwrap();
    assert_eq!(show_instant(end, &la()), "2021-03-31 18:00 PDT");
    assert_eq!(
        end.duration_since(start),
        SignedDuration::from_hours(30 * 24 - 1)
    );
    // Exact hours do not: 720 hours later is 19:00 PDT.
    let exact = Period::Minutes(720 * 60)
        .add_to(start, &la(), &us())
        .unwrap();
    assert_eq!(show_instant(exact, &la()), "2021-03-31 19:00 PDT");
}

#[test]
fn landing_in_a_dst_gap_is_an_error() {
    // 2021-03-13 02:30 PST + 1 calendar day = 2021-03-14 02:30, which does not exist.
    let start = at("2021-03-13T10:30:00Z");
    let err = Period::CalendarDays(1)
        .add_to(start, &la(), &us())
        .unwrap_err();
    assert_eq!(err, TimeError::Gap("2021-03-14 02:30".into()));
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

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    /// Law: a business-day period added to an instant in a zone with daylight saving
    /// gives the instant (or the gap or fold error) the walk day by day gives.
    #[test]
    fn business_day_periods_agree_with_the_walk_across_dst(
        start in 1_500_000_000i64..1_800_000_000,
        n in 0u32..400,
    ) {
        let zone = la();
        let at = Timestamp::from_second(start).unwrap();
        let local = at.to_zoned(zone.clone()).datetime();
        let walked = reference::add_business_days(reference::Kind::UsFederal, local.date(), n)
            .and_then(|d| resolve(&zone, d.to_datetime(local.time())));
        proptest::prop_assert_eq!(
            Period::BusinessDays(n).add_to(at, &zone, &us()),
            walked
        );
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
        ("2 weeks", Period::Weeks(2)),
        ("1 calendar week", Period::Weeks(1)),
        (
            "6 months",
            Period::Months {
                n: 6,
                round: MonthEnd::Refuse,
            },
        ),
        (
            "1 calendar month rounding down",
            Period::Months {
                n: 1,
                round: MonthEnd::RoundDown,
            },
        ),
        (
            "3 calendar months  rounding up",
            Period::Months {
                n: 3,
                round: MonthEnd::RoundUp,
            },
        ),
        ("end of the business day", Period::EndOfBusinessDay),
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
        Period::parse("2 weeks rounding down"),
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
        ("5214 weeks", true),
        ("5215 weeks", false),
        ("1200 calendar months", true),
        ("1201 calendar months", false),
    ] {
        assert_eq!(Period::parse(text).is_ok(), allowed, "{text}");
    }
}
