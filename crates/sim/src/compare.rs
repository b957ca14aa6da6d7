//! Comparing runs: the same scenario under a baseline and alternatives (other policies, or
//! reforms), with the differences first: verdicts that flip, earliest instants that move,
//! duties whose history changes. Each difference is data ([`Differs`]); renderers say how far
//! an instant moved.

use jiff::Timestamp;
use serde::Serialize;

use crate::bind::World;
use crate::explanation::{EventId, event_id};
use crate::outcome::{ClauseRef, DutyHistory, DutyStatus, EarliestInstant, Outcome};
use crate::report::{self, Report};
use crate::scenario::Files;
use crate::setup::{self, Request, SetupError};

/// Schema of the comparison's JSON.
pub const SCHEMA: &str = "modsim.compare/2";

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
        let outcome = prepared
            .world
            .replay()
            .map_err(|e| SetupError::Files(prepared.world.problems_of(&e)))?;
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
        differences_all.extend(differences(&base, &outcome, &alt.label));
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
    /// The alternative's label.
    pub alternative: String,
    /// What differs, with its value under each.
    #[serde(flatten)]
    pub what: Differs,
}

/// What differs between a baseline and an alternative, with its value under each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Differs {
    /// An action's verdict or grounds.
    Verdict {
        /// The action's event.
        event: EventId,
        /// Who acted.
        actor: String,
        /// What they did.
        action: String,
        /// Against whom.
        against: String,
        /// When.
        at: Timestamp,
        /// Under the baseline.
        baseline: Judged,
        /// Under the alternative.
        alternative: Judged,
    },
    /// The earliest instant of a kind of action, over every power that allows it.
    EarliestAction {
        /// Who may act.
        holder: String,
        /// What they may do.
        action: String,
        /// Against whom.
        against: String,
        /// Under the baseline: when, and on which clause; `None` for never.
        baseline: Option<Opening>,
        /// Under the alternative.
        alternative: Option<Opening>,
    },
    /// One power's earliest instant.
    Earliest {
        /// The power's clause.
        power: ClauseRef,
        /// Who holds it.
        holder: String,
        /// What it allows.
        action: String,
        /// Against whom.
        against: String,
        /// Under the baseline.
        baseline: PowerSide,
        /// Under the alternative.
        alternative: PowerSide,
    },
    /// A duty's history.
    Duty {
        /// The duty's clause.
        duty: ClauseRef,
        /// Who owes it.
        holder: String,
        /// Under the baseline, or `None` when the baseline lacks the duty.
        baseline: Option<DutySide>,
        /// Under the alternative, or `None` when the alternative lacks it.
        alternative: Option<DutySide>,
        /// When the two histories part, when both have it.
        parts_at: Option<Timestamp>,
    },
}

/// How an action was judged under one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Judged {
    /// Whether it was permitted.
    pub permitted: bool,
    /// The clauses it was permitted on.
    pub grounds: Vec<String>,
}

/// When a kind of action first became permitted, and on which clause.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Opening {
    /// When.
    pub at: Timestamp,
    /// The clause.
    pub clause: String,
}

/// A power under one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "case", content = "at", rename_all = "snake_case")]
pub enum PowerSide {
    /// The side lacks the power (taken out, or never in its policy).
    Absent,
    /// Its earliest instant, or `None` for never.
    Earliest(Option<Timestamp>),
}

/// A duty under one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DutySide {
    /// Its state at the end.
    pub last: DutyStatus,
    /// How many times its state changed.
    pub changes: usize,
    /// How many of its subjects were met in time at the end of the timeline.
    pub in_time: usize,
    /// How many were met late.
    pub late: usize,
    /// How many were overdue and not met.
    pub overdue: usize,
    /// How many were still within time, or had no time limit, and were not met.
    pub open: usize,
}

impl DutySide {
    /// The side of `history`.
    pub fn of(history: &DutyHistory) -> DutySide {
        let t = &history.tally;
        DutySide {
            last: history.last,
            changes: history.changes.len(),
            in_time: t.in_time.len(),
            late: t.late.len(),
            overdue: t.overdue.len(),
            open: t.open.len(),
        }
    }
}

/// Lists how `alt` differs from `base`, most telling first: flipped verdicts, then the
/// earliest instant of each kind of action, then each power, then duties.
pub fn differences(base: &Outcome, alt: &Outcome, label: &str) -> Vec<Difference> {
    let mut out = Vec::new();
    out.extend(verdicts(base, alt));
    out.extend(earliest_actions(base, alt));
    out.extend(powers(base, alt));
    out.extend(duties(base, alt));
    out.into_iter()
        .map(|what| Difference {
            alternative: label.to_owned(),
            what,
        })
        .collect()
}

fn verdicts(base: &Outcome, alt: &Outcome) -> Vec<Differs> {
    let judged = |v: &crate::outcome::Verdict| Judged {
        permitted: v.permitted,
        grounds: v.grounds.iter().map(|g| g.clause.clone()).collect(),
    };
    base.verdicts
        .iter()
        .zip(&alt.verdicts)
        .filter_map(|(b, a)| {
            let (baseline, alternative) = (judged(b), judged(a));
            (baseline != alternative).then(|| Differs::Verdict {
                event: event_id("action", b.action_index),
                actor: b.actor.clone(),
                action: b.action.clone(),
                against: b.against.clone(),
                at: b.at,
                baseline,
                alternative,
            })
        })
        .collect()
}

fn earliest_actions(base: &Outcome, alt: &Outcome) -> Vec<Differs> {
    let mut kinds: Vec<(String, String, String)> = Vec::new();
    for e in base.earliest.iter().chain(&alt.earliest) {
        let key = (e.holder.clone(), e.action.clone(), e.against.clone());
        if !kinds.contains(&key) {
            kinds.push(key);
        }
    }
    let mut out = Vec::new();
    for (holder, action, against) in kinds {
        let first = |o: &Outcome| {
            o.earliest
                .iter()
                .filter(|e| e.holder == holder && e.action == action && e.against == against)
                .filter_map(|e| {
                    e.at.map(|at| Opening {
                        at,
                        clause: e.power.clause.clone(),
                    })
                })
                .min()
        };
        let (baseline, alternative) = (first(base), first(alt));
        if baseline.as_ref().map(|o| o.at) != alternative.as_ref().map(|o| o.at) {
            out.push(Differs::EarliestAction {
                holder,
                action,
                against,
                baseline,
                alternative,
            });
        }
    }
    out
}

fn powers(base: &Outcome, alt: &Outcome) -> Vec<Differs> {
    fn find<'o>(o: &'o Outcome, e: &EarliestInstant) -> Option<&'o EarliestInstant> {
        o.earliest
            .iter()
            .find(|x| x.power.policy == e.power.policy && x.power.clause == e.power.clause)
    }
    let side = |e: Option<&EarliestInstant>| match e {
        Some(e) => PowerSide::Earliest(e.at),
        None => PowerSide::Absent,
    };
    let differs =
        |e: &EarliestInstant, baseline: PowerSide, alternative: PowerSide| Differs::Earliest {
            power: e.power.clone(),
            holder: e.holder.clone(),
            action: e.action.clone(),
            against: e.against.clone(),
            baseline,
            alternative,
        };
    let mut out = Vec::new();
    for b in &base.earliest {
        let a = side(find(alt, b));
        if a != PowerSide::Earliest(b.at) {
            out.push(differs(b, PowerSide::Earliest(b.at), a));
        }
    }
    for a in alt.earliest.iter().filter(|a| find(base, a).is_none()) {
        out.push(differs(a, PowerSide::Absent, PowerSide::Earliest(a.at)));
    }
    out
}

fn duties(base: &Outcome, alt: &Outcome) -> Vec<Differs> {
    let same = |x: &DutyHistory, y: &DutyHistory| {
        x.duty.policy == y.duty.policy && x.duty.clause == y.duty.clause
    };
    let side = DutySide::of;
    let mut out = Vec::new();
    for b in &base.duties {
        let a = alt.duties.iter().find(|a| same(a, b));
        if a.is_some_and(|a| a.changes == b.changes) {
            continue;
        }
        let parts_at = a.and_then(|a| {
            let first = b
                .changes
                .iter()
                .zip(&a.changes)
                .position(|(x, y)| x != y)
                .unwrap_or(b.changes.len().min(a.changes.len()));
            b.changes.get(first).or(a.changes.get(first)).map(|c| c.at)
        });
        out.push(Differs::Duty {
            duty: b.duty.clone(),
            holder: b.holder.clone(),
            baseline: Some(side(b)),
            alternative: a.map(side),
            parts_at,
        });
    }
    for a in alt
        .duties
        .iter()
        .filter(|a| !base.duties.iter().any(|b| same(a, b)))
    {
        out.push(Differs::Duty {
            duty: a.duty.clone(),
            holder: a.holder.clone(),
            baseline: None,
            alternative: Some(side(a)),
            parts_at: None,
        });
    }
    out
}
