//! The generator's laws that need no policy: the instants a timeline starts from.

#![allow(clippy::unwrap_used, reason = "tests fail by panicking")]

use jiff::tz::TimeZone;
use modsim_policy::Calendar;

use super::catalog::anchors;

/// The anchors a timeline starts from: the start, the Friday after it, the last business
/// day before the next federal holiday, the eves of the next two daylight-saving changes.
#[test]
fn anchors_cross_a_weekend_a_holiday_and_a_dst_change() {
    let zone = TimeZone::get("America/Los_Angeles").unwrap();
    let at = |s: &str| crate::scenario::parse_instant(s, &zone).unwrap();
    let found = anchors(&zone, &[Calendar::default()], at("2021-01-04 09:00"), &[]);
    assert_eq!(
        found,
        [
            at("2021-01-04 09:00"),
            at("2021-01-08 17:00"),
            // Monday 18 January 2021 is Martin Luther King Jr. Day.
            at("2021-01-15 17:00"),
            at("2021-03-13 18:00"),
            at("2021-11-06 18:00"),
        ]
    );
    let utc = TimeZone::UTC;
    assert_eq!(
        anchors(&utc, &[], at("2021-01-04 09:00"), &[]).len(),
        2,
        "no DST in UTC"
    );
}
