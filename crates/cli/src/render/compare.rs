//! Comparisons for people and for hand-outs: the alternatives, then the differences.

use std::fmt::Write;

use super::{BAD, BOLD, DIM, WARN};
use crate::prose::Prose;

/// A comparison for people: the alternatives, then the differences.
pub fn comparison(c: &modsim_sim::compare::Comparison) -> String {
    let mut out = String::new();
    let Some(base) = c.runs.first() else {
        return out;
    };
    let s = &base.report.scenario;
    let _ = writeln!(
        out,
        "{BOLD}{}{BOLD:#}  {DIM}({}; times in {}){DIM:#}",
        s.title, s.file, s.zone
    );
    if s.reconstructed {
        let _ = writeln!(
            out,
            "{WARN}RECONSTRUCTED DATA{WARN:#}: the scenario's posts are reconstructed (`modsim run` shows their provenance)."
        );
    }
    let policies = |r: &modsim_sim::Report| {
        r.policies
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(out, "baseline: {}", policies(&base.report));
    let prose = Prose::new(&base.report);
    for run in c.runs.iter().skip(1) {
        let mine: Vec<_> = c
            .differences
            .iter()
            .filter(|d| d.alternative == run.label)
            .collect();
        let _ = writeln!(
            out,
            "\n{BOLD}{}{BOLD:#}: {} difference{}",
            run.label,
            mine.len(),
            if mine.len() == 1 { "" } else { "s" }
        );
        for d in mine {
            let d = prose.difference(&d.what);
            let (mark, style) = match d.kind {
                "verdict" => ("verdict ", BAD),
                "earliest_action" => ("earliest", BOLD),
                "earliest" => ("power   ", DIM),
                _ => ("duty    ", DIM),
            };
            let _ = writeln!(out, "  {style}{mark}{style:#}  {}", d.subject);
            let _ = write!(out, "            {} → {}", d.baseline, d.value);
            if let Some(change) = &d.change {
                let _ = write!(out, "  {WARN}({change}){WARN:#}");
            }
            out.push('\n');
        }
    }
    out
}

/// A comparison as Markdown, for hand-outs: one table of differences per alternative.
pub fn comparison_markdown(c: &modsim_sim::compare::Comparison) -> String {
    let mut out = String::new();
    let Some(base) = c.runs.first() else {
        return out;
    };
    let s = &base.report.scenario;
    let _ = writeln!(out, "# {}: compared\n", s.title);
    if s.reconstructed {
        let _ = writeln!(
            out,
            "> **Reconstructed data.** The scenario's posts are reconstructed; see its provenance.\n"
        );
    }
    let cell = |t: &str| t.replace('|', "\\|");
    let prose = Prose::new(&base.report);
    for run in c.runs.iter().skip(1) {
        let _ = writeln!(out, "## {}\n", cell(&run.label));
        let mine: Vec<_> = c
            .differences
            .iter()
            .filter(|d| d.alternative == run.label)
            .collect();
        if mine.is_empty() {
            let _ = writeln!(out, "No difference from the baseline.\n");
            continue;
        }
        let _ = writeln!(out, "| kind | subject | baseline | alternative | change |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for d in mine {
            let d = prose.difference(&d.what);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                d.kind,
                cell(&d.subject),
                cell(&d.baseline),
                cell(&d.value),
                cell(d.change.as_deref().unwrap_or(""))
            );
        }
        out.push('\n');
    }
    out
}
