//! The answer of `modsim diff` for people: the sides, then nothing found (never a claim that
//! they agree), or the shrunk timeline event by event, where the sides part, and each side's
//! explanations of it.

use std::fmt::Write as _;

use modsim_sim::Explanation;
use modsim_sim::compare::Differs;
use modsim_sim::diff::{Diff, Found, PostEntry, Stop};
use modsim_sim::report::{EventKind, EventReport, Report};

use super::{BAD, BOLD, DIM, GOOD, WARN, duty};
use crate::prose::Prose;
use crate::render;

/// The answer for people.
pub fn text(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{BOLD}modsim diff{BOLD:#}");
    for (name, side) in [("A", &d.a), ("B", &d.b)] {
        let _ = write!(out, "  {name}: {} ({}", side.label, side.policy);
        if !side.reforms.is_empty() {
            let _ = write!(out, ", reformed by {}", side.reforms.join(", "));
        }
        let _ = writeln!(out, ")");
    }
    if let Some(s) = &d.scenario {
        let _ = writeln!(out, "  starting from the timeline of {s}");
    }
    match &d.found {
        None => {
            let _ = writeln!(out, "\n{}", not_found(d));
            let _ = writeln!(
                out,
                "{DIM}This is no proof that they agree: none of the timelines tried tells them apart.{DIM:#}"
            );
        }
        Some(found) => found_text(&mut out, d, found),
    }
    out
}

/// "no difference found in N timelines (budget …)".
fn not_found(d: &Diff) -> String {
    let mut s = format!(
        "no difference found in {} timeline{} (budget {}, seed {}",
        d.tried,
        if d.tried == 1 { "" } else { "s" },
        d.budget,
        d.seed
    );
    if d.stopped == Stop::Time {
        s.push_str("; the time given ran out first");
    }
    if d.skipped > 0 {
        let _ = write!(
            s,
            "; {} could not be replayed, a deadline falling in a daylight-saving gap or fold",
            d.skipped
        );
    }
    s.push(')');
    s
}

fn found_text(out: &mut String, d: &Diff, found: &Found) {
    let (Some(a), Some(b)) = (found.runs.first(), found.runs.get(1)) else {
        return;
    };
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        out,
        "\n{BAD}They part{BAD:#} on timeline {} of the search (seed {}), shrunk from {} ({}) to {} ({}).",
        found.candidate + 1,
        d.seed,
        plural(found.found_size.events, "event"),
        plural(found.found_size.posts, "post"),
        plural(found.size.events, "event"),
        plural(found.size.posts, "post"),
    );
    timeline(out, &a.report, found);
    let _ = writeln!(out, "\n{BOLD}Where they part{BOLD:#} {DIM}(A → B){DIM:#}");
    for difference in &found.differences {
        where_they_part(out, &a.report, &b.report, difference);
    }
    for (name, run) in [("A", a), ("B", b)] {
        let _ = writeln!(out, "\n{BOLD}Under {name}{BOLD:#}: {}", run.label);
        explanations(out, &run.report, &found.differences);
    }
}

/// One difference: what differs, and its value under A and under B. A duty's is said subject
/// by subject (which post, met in time, late or overdue on each side, and when).
fn where_they_part(out: &mut String, a: &Report, b: &Report, difference: &Differs) {
    let t = Prose::new(a).difference(difference);
    let (mark, style) = match t.kind {
        "verdict" => ("verdict ", BAD),
        "earliest_action" => ("earliest", BOLD),
        "earliest" => ("power   ", DIM),
        _ => ("duty    ", DIM),
    };
    if let Differs::Duty { duty: clause, .. } = difference {
        let parts = duty::parts(a, b, &clause.clause);
        if !parts.is_empty() {
            let _ = writeln!(
                out,
                "  {style}{mark}{style:#}  {}",
                duty::title(a, b, clause)
            );
            for part in parts {
                let _ = writeln!(out, "            {}:", part.subject);
                let _ = writeln!(out, "              A: {}", part.baseline);
                let _ = writeln!(out, "              B: {}", part.alternative);
            }
            return;
        }
    }
    let _ = writeln!(out, "  {style}{mark}{style:#}  {}", t.subject);
    let _ = write!(out, "            {} → {}", t.baseline, t.value);
    if let Some(change) = &t.change {
        let _ = write!(out, "  {WARN}({change}){WARN:#}");
    }
    out.push('\n');
}

/// The shrunk timeline, event by event, in the order the replay takes them.
fn timeline(out: &mut String, report: &Report, found: &Found) {
    let prose = Prose::new(report);
    let _ = write!(
        out,
        "\n{BOLD}The timeline{BOLD:#} {DIM}(times in {}",
        report.scenario.zone
    );
    if report.scenario.reconstructed {
        out.push_str("; made up or changed by the search, not on the record");
    }
    let _ = writeln!(out, "){DIM:#}");
    // (instant, order within the instant, line): the replay's order of phases.
    let mut lines: Vec<(jiff::Timestamp, u8, String)> = Vec::new();
    for p in &found.posts {
        post_lines(&mut lines, p);
    }
    for e in &report.events {
        let (order, line) = event_line(e);
        lines.push((e.at, order, format!("{line}  {DIM}[{}]{DIM:#}", e.id)));
    }
    lines.sort_by_key(|(at, order, _)| (*at, *order));
    if lines.is_empty() {
        let _ = writeln!(out, "  nothing happens at all");
    }
    for (at, _, line) in lines {
        let _ = writeln!(out, "  {}  {line}", prose.at(at));
    }
}

/// A post's publication (with its labels, author, severity and reach), report and removal.
fn post_lines(lines: &mut Vec<(jiff::Timestamp, u8, String)>, p: &PostEntry) {
    let mut about = if p.labels.is_empty() {
        "no label".to_owned()
    } else {
        format!("labelled {}", p.labels.join(", "))
    };
    if !p.author.is_empty() {
        let _ = write!(about, ", by {}", p.author);
    }
    if p.severity != 0 {
        let _ = write!(about, ", severity {}", p.severity);
    }
    if p.reach != 0 {
        let _ = write!(about, ", reach {}", p.reach);
    }
    lines.push((p.published, 0, format!("post {} published ({about})", p.id)));
    if let Some(t) = p.reported {
        lines.push((t, 1, format!("post {} reported", p.id)));
    }
    if let Some(t) = p.removed {
        lines.push((t, 2, format!("post {} removed", p.id)));
    }
}

/// An event's line, with its order within an instant (the replay's: notices, facts,
/// determinations, deliveries, actions).
fn event_line(e: &EventReport) -> (u8, String) {
    let (from, to) = (
        e.from.as_deref().unwrap_or(""),
        e.to.as_deref().unwrap_or(""),
    );
    match &e.kind {
        EventKind::Notice { cites, posts } => (
            3,
            format!(
                "{from} gives {to} notice, citing {}{}",
                if cites.is_empty() {
                    "no clause".to_owned()
                } else {
                    cites.join(", ")
                },
                if posts.is_empty() {
                    String::new()
                } else {
                    format!(", naming posts {}", posts.join(", "))
                }
            ),
        ),
        EventKind::Fact { name, value } => (4, format!("fact `{name}` is {value}")),
        EventKind::Determination { name } => (
            5,
            match &e.to {
                Some(about) => format!("{from} makes its judgment call `{name}` about {about}"),
                None => format!("{from} makes its judgment call `{name}`"),
            },
        ),
        EventKind::Delivery { deliverable } => {
            (6, format!("{from} delivers `{deliverable}` to {to}"))
        }
        EventKind::Action {
            action,
            demands,
            lasting,
        } => (
            7,
            match (demands, lasting) {
                (Some(d), _) => format!("{from} {action} {to}, demanding `{d}`"),
                (None, Some(period)) => format!("{from} {action} {to} for {period}"),
                (None, None) => format!("{from} {action} {to}"),
            },
        ),
    }
}

/// One side's explanations of where the sides part: each differing verdict's derivation; else
/// the derivations of the earliest instants that differ; else the differing duties' histories.
fn explanations(out: &mut String, report: &Report, differences: &[Differs]) {
    let prose = Prose::new(report);
    if verdicts(out, &prose, report, differences) || earliest(out, &prose, report, differences) {
        return;
    }
    for d in differences {
        let Differs::Duty { duty, .. } = d else {
            continue;
        };
        for r in report.duties.iter().filter(|r| r.duty == duty.clause) {
            let _ = writeln!(
                out,
                "  {BOLD}{}{BOLD:#} {} — owed by {}: {}",
                r.duty,
                r.title,
                r.holder,
                r.last.word()
            );
            for c in &r.history {
                let _ = writeln!(
                    out,
                    "      {DIM}{}{DIM:#}  {:<9} {}",
                    c.at_local,
                    c.state.word(),
                    prose.cause(&c.cause)
                );
            }
        }
    }
}

/// The derivations of the verdicts that differ; false when none does.
fn verdicts(out: &mut String, prose: &Prose<'_>, report: &Report, differences: &[Differs]) -> bool {
    let events: Vec<&str> = differences
        .iter()
        .filter_map(|d| match d {
            Differs::Verdict { event, .. } => Some(event.as_str()),
            _ => None,
        })
        .collect();
    if events.is_empty() {
        return false;
    }
    for v in report
        .verdicts
        .iter()
        .filter(|v| events.contains(&v.event.as_str()))
    {
        let (mark, style) = if v.permitted {
            ("✔ PERMITTED", GOOD)
        } else {
            ("✘ NOT PERMITTED", BAD)
        };
        let _ = writeln!(
            out,
            "  {style}{mark}{style:#}  {} {} {} at {}",
            v.actor, v.action, v.against, v.at_local
        );
        // The tree's root restates the verdict: its steps are what explain it.
        match &v.explanation {
            Some(e) => {
                for child in &e.children {
                    tree(out, prose, Some(child));
                }
            }
            None => tree(out, prose, None),
        }
    }
    true
}

/// The derivations of the first earliest instants that differ (each account's, for a power
/// held against every account); false when none does.
fn earliest(out: &mut String, prose: &Prose<'_>, report: &Report, differences: &[Differs]) -> bool {
    for d in differences {
        let shown: Vec<_> = match d {
            Differs::EarliestAction {
                holder,
                action,
                against,
                ..
            } => report
                .earliest
                .iter()
                .filter(|e| &e.holder == holder && &e.action == action && &e.against == against)
                .collect(),
            Differs::Earliest { power, .. } => report
                .earliest
                .iter()
                .filter(|e| e.power == power.clause)
                .collect(),
            _ => continue,
        };
        let shown: Vec<_> = shown
            .into_iter()
            .flat_map(|e| {
                if e.explanation.is_none() && !e.accounts.is_empty() {
                    e.accounts.iter().collect()
                } else {
                    vec![e]
                }
            })
            .collect();
        for e in &shown {
            let _ = writeln!(
                out,
                "  {BOLD}{}{BOLD:#} {}: {} may {} {} from {}",
                e.power,
                e.title,
                e.holder,
                e.action,
                e.against,
                e.at_local.as_deref().unwrap_or("never")
            );
            tree(out, prose, e.explanation.as_ref());
        }
        if !shown.is_empty() {
            return true;
        }
    }
    false
}

fn tree(out: &mut String, prose: &Prose<'_>, e: Option<&Explanation>) {
    match e {
        Some(e) => {
            let mut t = String::new();
            render::tree(&mut t, prose, e, "", true, true);
            for line in t.lines().filter(|l| !l.trim().is_empty()) {
                let _ = writeln!(out, "    {line}");
            }
        }
        None => {
            let _ = writeln!(out, "    (no explanation)");
        }
    }
}
