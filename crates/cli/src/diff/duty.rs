//! Where two sides part on a duty, said plainly: which duty and who owes it, then each subject
//! (a post, a demand) on which they part, with how it stands on each side (met in time, met
//! late, overdue and not met, still open, not owed) and when (when it was owed from, when it
//! fell due, when it was met).

use modsim_sim::report::{CauseReport, DutyReport, Report};

/// One subject of a duty on which the sides part.
pub(super) struct Part {
    /// `post p1 (owed from its report at …)`.
    pub(super) subject: String,
    /// How it stands under A.
    pub(super) baseline: String,
    /// How it stands under B.
    pub(super) alternative: String,
}

/// `duty 1.2 (plan) Remove … — owed by forum`: the duty's clause, title and holder, as A's
/// report has it (else B's).
pub(super) fn title(a: &Report, b: &Report, clause: &modsim_sim::outcome::ClauseRef) -> String {
    let holder = duty(a, &clause.clause)
        .or_else(|| duty(b, &clause.clause))
        .map_or_else(String::new, |r| format!(" — owed by {}", r.holder));
    format!("duty {} {}{holder}", clause.clause, clause.title)
}

/// The subjects of duty `clause` on which A and B part, in the order A's tallies (then B's)
/// name them.
pub(super) fn parts(a: &Report, b: &Report, clause: &str) -> Vec<Part> {
    let (da, db) = (duty(a, clause), duty(b, clause));
    let mut subjects: Vec<&str> = Vec::new();
    for r in [da, db].into_iter().flatten() {
        let t = &r.tally;
        for s in t
            .in_time
            .iter()
            .chain(&t.late)
            .chain(&t.overdue)
            .chain(&t.open)
        {
            if !subjects.contains(&s.as_str()) {
                subjects.push(s);
            }
        }
    }
    subjects
        .into_iter()
        .filter_map(|s| {
            let (x, y) = (standing(da, s), standing(db, s));
            (x != y).then(|| Part {
                subject: subject(a, da.or(db), s),
                baseline: x,
                alternative: y,
            })
        })
        .collect()
}

/// The report's history of duty `clause`.
fn duty<'r>(report: &'r Report, clause: &str) -> Option<&'r DutyReport> {
    report.duties.iter().find(|r| r.duty == clause)
}

/// A subject as the reader knows it: `post p1`, with what it was owed from.
fn subject(report: &Report, duty: Option<&DutyReport>, s: &str) -> String {
    let is_post = report.posts.iter().any(|p| p.id == s)
        || duty.is_some_and(|d| d.history.iter().any(|c| c.post.as_deref() == Some(s)));
    let name = if is_post {
        format!("post {s}")
    } else {
        s.to_owned()
    };
    let opened = duty.and_then(|d| {
        d.history
            .iter()
            .filter(|c| c.post.as_deref() == Some(s))
            .find_map(|c| {
                let how = match c.cause {
                    CauseReport::Published { .. } => "its publication",
                    CauseReport::Reported { .. } => "its report",
                    CauseReport::Notified { .. } => "the notice naming it",
                    _ => return None,
                };
                Some(format!("{how} at {}", c.at_local))
            })
    });
    match opened {
        Some(from) => format!("{name} (owed from {from})"),
        None => name,
    }
}

/// How subject `s` stands under a duty's history: met in time, met late, overdue, open, or not
/// owed, with when it fell due and when it was met.
fn standing(duty: Option<&DutyReport>, s: &str) -> String {
    let Some(d) = duty else {
        return "not a duty of this side".into();
    };
    let at = |is: fn(&CauseReport) -> bool| {
        d.history
            .iter()
            .find(|c| c.post.as_deref() == Some(s) && is(&c.cause))
            .map(|c| c.at_local.clone())
    };
    let due = at(|c| {
        matches!(
            c,
            CauseReport::Deadline { .. }
                | CauseReport::DemandDeadline { .. }
                | CauseReport::ActedDeadline { .. }
        )
    });
    let met = at(|c| {
        matches!(
            c,
            CauseReport::Removed { .. } | CauseReport::Delivered { .. }
        )
    });
    let within = |l: &[modsim_sim::scenario::PostId]| l.iter().any(|p| p == s);
    let t = &d.tally;
    let when = |what: &str, at: Option<String>| match at {
        Some(at) => format!("{what} {at}"),
        None => String::new(),
    };
    if within(&t.in_time) {
        format!("met in time{}", when(", at", met))
    } else if within(&t.late) {
        let mut out = format!("met late{}", when(", at", met));
        if let Some(due) = due {
            out.push_str(&format!(" (overdue from {due})"));
        }
        out
    } else if within(&t.overdue) {
        format!("overdue{}, not met", when(" from", due))
    } else if within(&t.open) {
        "pending: not met, and not overdue".into()
    } else {
        "not owed".into()
    }
}
