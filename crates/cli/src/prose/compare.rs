//! Sentences about a comparison's differences, and how far an instant moved.

use jiff::tz::TimeZone;
use jiff::{Timestamp, Unit, Zoned};
use modsim_sim::compare::{Differs, DutySide, Judged, Opening, PowerSide};

use super::Prose;

/// A difference between a baseline and an alternative, in words.
pub struct DifferenceText {
    /// `verdict`, `earliest_action`, `earliest` or `duty`.
    pub kind: &'static str,
    /// What differs.
    pub subject: String,
    /// Its value under the baseline.
    pub baseline: String,
    /// Its value under the alternative.
    pub value: String,
    /// How it changed: how far an instant moved, or why it appeared or vanished.
    pub change: Option<String>,
}

impl Prose<'_> {
    /// A comparison's difference, in words.
    pub fn difference(&self, d: &Differs) -> DifferenceText {
        match d {
            Differs::Verdict {
                actor,
                action,
                against,
                at,
                baseline,
                alternative,
                ..
            } => self.verdict_difference(
                format!("{actor} {action} {against} at {}", self.at(*at)),
                baseline,
                alternative,
            ),
            Differs::EarliestAction {
                holder,
                action,
                against,
                baseline,
                alternative,
            } => self.earliest_action_difference(
                format!("earliest {action}: {holder} against {against}"),
                baseline.as_ref(),
                alternative.as_ref(),
            ),
            Differs::Earliest {
                power,
                holder,
                action,
                against,
                baseline,
                alternative,
            } => self.power_difference(
                format!(
                    "{} {}: {holder} may {action} {against}",
                    power.clause, power.title
                ),
                baseline,
                alternative,
            ),
            Differs::Duty {
                duty,
                holder,
                baseline,
                alternative,
                parts_at,
            } => {
                let side = |s: &Option<DutySide>, absent: &str| match s {
                    Some(s) => duty_side(s),
                    None => absent.to_owned(),
                };
                DifferenceText {
                    kind: "duty",
                    subject: format!("duty {} {} ({holder})", duty.clause, duty.title),
                    baseline: side(baseline, "not in the baseline"),
                    value: side(alternative, "not in the alternative"),
                    change: parts_at.map(|t| format!("histories part at {}", self.at(t))),
                }
            }
        }
    }

    fn verdict_difference(
        &self,
        subject: String,
        baseline: &Judged,
        alternative: &Judged,
    ) -> DifferenceText {
        let judged = |j: &Judged| {
            if j.permitted {
                format!("permitted on {}", j.grounds.join(", "))
            } else {
                "not permitted".to_owned()
            }
        };
        DifferenceText {
            kind: "verdict",
            subject,
            baseline: judged(baseline),
            value: judged(alternative),
            change: (baseline.permitted != alternative.permitted).then(|| {
                if alternative.permitted {
                    "now permitted"
                } else {
                    "flipped to not permitted"
                }
                .to_owned()
            }),
        }
    }

    fn earliest_action_difference(
        &self,
        subject: String,
        baseline: Option<&Opening>,
        alternative: Option<&Opening>,
    ) -> DifferenceText {
        let opening = |o: Option<&Opening>| match o {
            Some(o) => format!("{} ({})", self.at(o.at), o.clause),
            None => "never".to_owned(),
        };
        DifferenceText {
            kind: "earliest_action",
            subject,
            baseline: opening(baseline),
            value: opening(alternative),
            change: self.moved(baseline.map(|o| o.at), alternative.map(|o| o.at)),
        }
    }

    fn power_difference(
        &self,
        subject: String,
        baseline: &PowerSide,
        alternative: &PowerSide,
    ) -> DifferenceText {
        let at = |t: &Option<Timestamp>| t.map_or_else(|| "never".to_owned(), |t| self.at(t));
        let (baseline, value, change) = match (baseline, alternative) {
            (PowerSide::Absent, PowerSide::Earliest(a)) => (
                "not in the baseline".to_owned(),
                at(a),
                Some("a power the baseline lacks".to_owned()),
            ),
            (PowerSide::Earliest(b), PowerSide::Absent) => (
                at(b),
                "taken out".to_owned(),
                Some("the power is not in the alternative".to_owned()),
            ),
            (PowerSide::Earliest(b), PowerSide::Earliest(a)) => (at(b), at(a), self.moved(*b, *a)),
            (PowerSide::Absent, PowerSide::Absent) => {
                ("absent".to_owned(), "absent".to_owned(), None)
            }
        };
        DifferenceText {
            kind: "earliest",
            subject,
            baseline,
            value,
            change,
        }
    }

    /// How far an instant moved, in calendar days, hours and minutes in the scenario's zone
    /// (`+30 days`), or that it appeared or vanished.
    pub fn moved(&self, from: Option<Timestamp>, to: Option<Timestamp>) -> Option<String> {
        moved(from, to, &self.report.zone)
    }
}

/// How far an instant moved, in calendar days, hours and minutes in `zone`.
fn moved(from: Option<Timestamp>, to: Option<Timestamp>, zone: &TimeZone) -> Option<String> {
    let (f, t) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        (None, Some(_)) => return Some("opens where it never did".into()),
        (Some(_), None) => return Some("never opens".into()),
        (None, None) => return None,
    };
    let (zf, zt): (Zoned, Zoned) = (f.to_zoned(zone.clone()), t.to_zoned(zone.clone()));
    let span = zf.until((Unit::Day, &zt)).ok()?;
    let mut parts = Vec::new();
    for (n, unit) in [
        (span.get_days().abs(), "day"),
        (span.get_hours().abs(), "hour"),
        (span.get_minutes().abs() as i32, "minute"),
    ] {
        if n != 0 {
            parts.push(format!("{n} {unit}{}", if n == 1 { "" } else { "s" }));
        }
    }
    Some(format!(
        "{}{}",
        if t >= f { "+" } else { "-" },
        if parts.is_empty() {
            "0".into()
        } else {
            parts.join(" ")
        }
    ))
}

/// A duty under one side: its state at the end, and how its subjects stand, the standings
/// that hold none left out (`breached: 2 overdue`, `fulfilled: 98 met in time`).
fn duty_side(s: &DutySide) -> String {
    let counts: Vec<String> = [
        (s.in_time, "met in time"),
        (s.late, "late"),
        (s.overdue, "overdue"),
        (s.open, "open"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, standing)| format!("{n} {standing}"))
    .collect();
    if counts.is_empty() {
        s.last.word().to_owned()
    } else {
        format!("{}: {}", s.last.word(), counts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_are_written_in_calendar_terms() {
        let zone = TimeZone::get("America/Los_Angeles").unwrap();
        let a: Timestamp = "2021-01-10T02:00:00Z".parse().unwrap();
        let b: Timestamp = "2021-02-09T02:00:00Z".parse().unwrap();
        assert_eq!(moved(Some(a), Some(b), &zone).as_deref(), Some("+30 days"));
        assert_eq!(moved(Some(b), Some(a), &zone).as_deref(), Some("-30 days"));
        let c: Timestamp = "2021-01-10T05:30:00Z".parse().unwrap();
        assert_eq!(
            moved(Some(a), Some(c), &zone).as_deref(),
            Some("+3 hours 30 minutes")
        );
        assert_eq!(
            moved(None, Some(a), &zone).as_deref(),
            Some("opens where it never did")
        );
        assert_eq!(moved(None, None, &zone), None);
    }
}
