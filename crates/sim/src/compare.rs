//! Comparing runs: the same scenario under a baseline and alternatives (other policies, or
//! reforms), with the differences first: verdicts that flip, earliest instants that move and
//! by how much, duties whose history changes.

use jiff::tz::TimeZone;
use jiff::{Timestamp, Unit, Zoned};
use modsim_policy::show_instant;
use serde::Serialize;

use crate::bind::World;
use crate::outcome::{EarliestInstant, Outcome};
use crate::report::{self, Report};
use crate::scenario::Files;
use crate::setup::{self, Request, SetupError};

/// Schema of the comparison's JSON.
pub const SCHEMA: &str = "modsim.compare/1";

/// One alternative to the baseline: a label and the run it asks for.
#[derive(Clone, Debug)]
pub struct Alternative {
    /// How the alternative is named to the reader (`reform thirty-days-notice`).
    pub label: String,
    /// The run.
    pub request: Request,
}

/// The baseline and its alternatives, replayed, with their differences.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Every difference, alternative by alternative, most telling first.
    pub differences: Vec<Difference>,
    /// The runs: the baseline first, then each alternative, in order.
    pub runs: Vec<LabelledReport>,
}

/// A run's report, with its label.
#[derive(Clone, Debug, Serialize)]
pub struct LabelledReport {
    /// `baseline`, or the alternative's label.
    pub label: String,
    /// The run's report.
    pub report: Report,
}

/// Replays the baseline and every alternative and lists their differences.
pub fn compare(
    baseline: &Request,
    alternatives: &[Alternative],
    files: &dyn Files,
) -> Result<Comparison, SetupError> {
    let replay = |request: &Request| -> Result<(World, Outcome), SetupError> {
        let prepared = setup::prepare(request, files)?;
        let outcome = prepared.world.replay().map_err(|e| SetupError::Usage {
            message: format!("the replay cannot compute {e}"),
            help: None,
        })?;
        Ok((prepared.world, outcome))
    };
    let (base_world, base) = replay(baseline)?;
    let mut differences_all = Vec::new();
    let mut runs = vec![LabelledReport {
        label: "baseline".into(),
        report: report::build(&base_world, &base),
    }];
    for alt in alternatives {
        let (world, outcome) = replay(&alt.request)?;
        differences_all.extend(differences(&base_world, &base, &outcome, &alt.label));
        runs.push(LabelledReport {
            label: alt.label.clone(),
            report: report::build(&world, &outcome),
        });
    }
    Ok(Comparison {
        schema: SCHEMA,
        differences: differences_all,
        runs,
    })
}

/// One way in which an alternative differs from the baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `verdict`, `earliest_action`, `earliest` or `duty`.
    pub kind: &'static str,
    /// The alternative's label.
    pub alternative: String,
    /// What differs: an action, a power, or a duty.
    pub subject: String,
    /// Its value under the baseline.
    pub baseline: String,
    /// Its value under the alternative.
    pub value: String,
    /// For instants: how far it moved (`+30 days`), or why it appeared or vanished.
    pub change: Option<String>,
}

/// Lists how `alt` differs from `base`, most telling first: flipped verdicts, then the
/// earliest instant of each kind of action, then each power, then duties.
pub fn differences(
    base_world: &World,
    base: &Outcome,
    alt: &Outcome,
    label: &str,
) -> Vec<Difference> {
    let zone = &base_world.scenario.zone;
    let mut out = Vec::new();
    let verdict = |permitted: bool, grounds: &[crate::outcome::ClauseRef]| {
        if permitted {
            format!(
                "permitted on {}",
                grounds
                    .iter()
                    .map(|g| g.clause.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            "not permitted".to_owned()
        }
    };
    for (b, a) in base.verdicts.iter().zip(&alt.verdicts) {
        let (bv, av) = (
            verdict(b.permitted, &b.grounds),
            verdict(a.permitted, &a.grounds),
        );
        if bv != av {
            out.push(Difference {
                kind: "verdict",
                alternative: label.to_owned(),
                subject: format!(
                    "{} {} {} at {}",
                    b.actor,
                    b.action,
                    b.against,
                    show_instant(b.at, zone)
                ),
                baseline: bv,
                value: av,
                change: (b.permitted != a.permitted).then(|| {
                    if a.permitted {
                        "now permitted"
                    } else {
                        "flipped to not permitted"
                    }
                    .to_owned()
                }),
            });
        }
    }
    // The earliest instant of each kind of action, over every power that allows it.
    let mut kinds: Vec<(String, String, String)> = Vec::new();
    for e in base.earliest.iter().chain(&alt.earliest) {
        let key = (e.holder.clone(), e.action.clone(), e.against.clone());
        if !kinds.contains(&key) {
            kinds.push(key);
        }
    }
    for (holder, action, against) in &kinds {
        let first = |o: &Outcome| {
            o.earliest
                .iter()
                .filter(|e| &e.holder == holder && &e.action == action && &e.against == against)
                .filter_map(|e| e.at.map(|t| (t, e.power.clause.clone())))
                .min()
        };
        let (b, a) = (first(base), first(alt));
        if b.as_ref().map(|x| x.0) != a.as_ref().map(|x| x.0) {
            out.push(Difference {
                kind: "earliest_action",
                alternative: label.to_owned(),
                subject: format!("earliest {action}: {holder} against {against}"),
                baseline: show_at(
                    b.as_ref().map(|x| x.0),
                    b.as_ref().map(|x| x.1.as_str()),
                    zone,
                ),
                value: show_at(
                    a.as_ref().map(|x| x.0),
                    a.as_ref().map(|x| x.1.as_str()),
                    zone,
                ),
                change: moved(b.map(|x| x.0), a.map(|x| x.0), zone),
            });
        }
    }
    fn find<'o>(o: &'o Outcome, e: &EarliestInstant) -> Option<&'o EarliestInstant> {
        o.earliest
            .iter()
            .find(|x| x.power.policy == e.power.policy && x.power.clause == e.power.clause)
    }
    for b in &base.earliest {
        let a = find(alt, b);
        let a_at = a.as_ref().and_then(|a| a.at);
        if a.is_none() || a_at != b.at {
            out.push(Difference {
                kind: "earliest",
                alternative: label.to_owned(),
                subject: format!(
                    "{} {}: {} may {} {}",
                    b.power.clause, b.power.title, b.holder, b.action, b.against
                ),
                baseline: show_at(b.at, None, zone),
                value: if a.is_none() {
                    "taken out".into()
                } else {
                    show_at(a_at, None, zone)
                },
                change: if a.is_none() {
                    Some("the power is not in the alternative".into())
                } else {
                    moved(b.at, a_at, zone)
                },
            });
        }
    }
    for a in alt.earliest.iter().filter(|a| find(base, a).is_none()) {
        out.push(Difference {
            kind: "earliest",
            alternative: label.to_owned(),
            subject: format!(
                "{} {}: {} may {} {}",
                a.power.clause, a.power.title, a.holder, a.action, a.against
            ),
            baseline: "not in the baseline".into(),
            value: show_at(a.at, None, zone),
            change: Some("a power the baseline lacks".into()),
        });
    }
    for b in &base.duties {
        let a = alt
            .duties
            .iter()
            .find(|d| d.duty.policy == b.duty.policy && d.duty.clause == b.duty.clause);
        let summary = |d: &crate::outcome::DutyHistory| {
            format!(
                "{} after {} change{}",
                d.last.word(),
                d.changes.len(),
                if d.changes.len() == 1 { "" } else { "s" }
            )
        };
        match a {
            Some(a) if a.changes == b.changes => {}
            Some(a) => {
                let first = b
                    .changes
                    .iter()
                    .zip(&a.changes)
                    .position(|(x, y)| x != y)
                    .unwrap_or(b.changes.len().min(a.changes.len()));
                let at = b
                    .changes
                    .get(first)
                    .or(a.changes.get(first))
                    .map(|c| show_instant(c.at, zone));
                out.push(Difference {
                    kind: "duty",
                    alternative: label.to_owned(),
                    subject: format!("duty {} {} ({})", b.duty.clause, b.title, b.holder),
                    baseline: summary(b),
                    value: summary(a),
                    change: at.map(|t| format!("histories part at {t}")),
                });
            }
            None => out.push(Difference {
                kind: "duty",
                alternative: label.to_owned(),
                subject: format!("duty {} {} ({})", b.duty.clause, b.title, b.holder),
                baseline: summary(b),
                value: "not in the alternative".into(),
                change: None,
            }),
        }
    }
    for a in alt.duties.iter().filter(|a| {
        !base
            .duties
            .iter()
            .any(|d| d.duty.policy == a.duty.policy && d.duty.clause == a.duty.clause)
    }) {
        out.push(Difference {
            kind: "duty",
            alternative: label.to_owned(),
            subject: format!("duty {} {} ({})", a.duty.clause, a.title, a.holder),
            baseline: "not in the baseline".into(),
            value: format!("{} after {} changes", a.last.word(), a.changes.len()),
            change: None,
        });
    }
    out
}

fn show_at(at: Option<Timestamp>, clause: Option<&str>, zone: &TimeZone) -> String {
    match (at, clause) {
        (Some(t), Some(c)) => format!("{} ({c})", show_instant(t, zone)),
        (Some(t), None) => show_instant(t, zone),
        (None, _) => "never".into(),
    }
}

/// How far an instant moved, in calendar days and hours in the scenario's zone.
pub fn moved(from: Option<Timestamp>, to: Option<Timestamp>, zone: &TimeZone) -> Option<String> {
    match (from, to) {
        (Some(f), Some(t)) => {
            let (zf, zt): (Zoned, Zoned) = (f.to_zoned(zone.clone()), t.to_zoned(zone.clone()));
            let span = zf.until((Unit::Day, &zt)).ok()?;
            let sign = if t >= f { "+" } else { "-" };
            let (days, hours, minutes) = (
                span.get_days().abs(),
                span.get_hours().abs(),
                span.get_minutes().abs(),
            );
            let mut parts = Vec::new();
            if days != 0 {
                parts.push(format!("{days} day{}", if days == 1 { "" } else { "s" }));
            }
            if hours != 0 {
                parts.push(format!("{hours} hour{}", if hours == 1 { "" } else { "s" }));
            }
            if minutes != 0 {
                parts.push(format!(
                    "{minutes} minute{}",
                    if minutes == 1 { "" } else { "s" }
                ));
            }
            Some(format!(
                "{sign}{}",
                if parts.is_empty() {
                    "0".into()
                } else {
                    parts.join(" ")
                }
            ))
        }
        (None, Some(_)) => Some("opens where it never did".into()),
        (Some(_), None) => Some("never opens".into()),
        (None, None) => None,
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
