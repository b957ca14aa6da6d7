//! Test results and sweeps, for people.

use std::fmt::Write;

use super::{BAD, BOLD, DIM, GOOD, WARN};

/// Test results: one line per case, the exercise's message under a failure, and the closing
/// `N passed, N failed`.
pub fn test_results(results: &[modsim_sim::exercise::CaseResult]) -> String {
    let mut out = String::new();
    for r in results {
        if r.passed {
            let _ = writeln!(out, "{GOOD}PASS{GOOD:#}  {}  {}", r.exercise, r.case);
        } else {
            let _ = writeln!(
                out,
                "{BAD}FAIL{BAD:#}  {}  {}: got {}",
                r.exercise, r.case, r.actual
            );
            if let Some(m) = &r.message {
                let _ = writeln!(out, "      {WARN}{m}{WARN:#}");
            }
        }
    }
    let passed = results.iter().filter(|r| r.passed).count();
    let _ = writeln!(out, "{passed} passed, {} failed", results.len() - passed);
    out
}

/// A sweep for people: one block per grid point.
pub fn sweep(t: &modsim_sim::sweep::Tally) -> String {
    let mut out = String::new();
    let points = t.points.len();
    let _ = writeln!(
        out,
        "{BOLD}Sweep of {}{BOLD:#}: {points} grid point{} × {} replicate{}, seed {}",
        t.scenario,
        if points == 1 { "" } else { "s" },
        t.replicates,
        if t.replicates == 1 { "" } else { "s" },
        t.seed
    );
    if t.deterministic {
        let _ = writeln!(
            out,
            "{DIM}the scenario has no model: one world per point{DIM:#}"
        );
    } else {
        let _ = writeln!(
            out,
            "{WARN}worlds drawn from the scenario's model{WARN:#}: its parameters are the reconstruction's stated assumptions, not facts of record"
        );
    }
    let rows = t.rows();
    for (p, point) in t.points.iter().enumerate() {
        let values: Vec<String> = t
            .axes
            .iter()
            .zip(&point.values)
            .map(|(a, v)| format!("{}={v}", a.name))
            .collect();
        let _ = writeln!(
            out,
            "\n{BOLD}point {}{BOLD:#}  {}",
            p + 1,
            if values.is_empty() {
                "(no axis)".into()
            } else {
                values.join(", ")
            }
        );
        for row in rows.iter().filter(|r| r.point == p) {
            match row.kind {
                "earliest" => {
                    let _ = writeln!(
                        out,
                        "  earliest {:<28} p10 {}  p50 {}  p90 {}  {DIM}(never in {}){DIM:#}",
                        t.local(&row.subject),
                        t.local(&row.p10),
                        t.local(&row.p50),
                        t.local(&row.p90),
                        row.never_open_share
                    );
                }
                kind => {
                    let _ = writeln!(
                        out,
                        "  {:<12} {}: {BOLD}{}{BOLD:#} {DIM}[{}, {}]{DIM:#}",
                        kind,
                        t.local(&row.subject),
                        row.permitted_share,
                        row.permitted_ci_low,
                        row.permitted_ci_high
                    );
                }
            }
        }
    }
    out
}
