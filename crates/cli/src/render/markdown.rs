//! The report as Markdown, for notes and hand-outs.

use std::fmt::Write;

use modsim_sim::report::{Report, VerdictReport};

use super::{MATRIX_HEADER, matrix_cells, tally_line, word};
use crate::prose::{self, Prose};

/// The report as Markdown: the verdict matrix first, then each verdict, the earliest
/// instants and the duties. Reconstructed data is flagged as in the text.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let s = &report.scenario;
    let _ = writeln!(out, "# {}\n", md(&s.title));
    let _ = writeln!(out, "Scenario `{}`; times in {}.\n", s.file, s.zone);
    for p in &report.policies {
        let _ = write!(out, "- policy `{}`: {}", p.id, md(&p.title));
        if !p.taken_out.is_empty() {
            let _ = write!(out, " (without {})", p.taken_out.join(", "));
        }
        out.push('\n');
    }
    if s.invented {
        let _ = writeln!(
            out,
            "\n> **Invented data: a teaching scenario.** Its parties, posts and events are invented, not facts of any case."
        );
        for r in &report.provenance.scenario.invented {
            let _ = writeln!(out, "> - {}", md(r));
        }
    }
    if s.reconstructed {
        let prov = &report.provenance;
        let _ = writeln!(
            out,
            "\n> **Reconstructed data.** {} posts are {}; the record does not give them.",
            prov.posts, prov.posts_mark
        );
        for r in &prov.scenario.reconstructed {
            let _ = writeln!(out, "> - {}", md(r));
        }
    }
    let _ = writeln!(out, "\n## Verdict matrix\n");
    let _ = writeln!(out, "| {} |", MATRIX_HEADER.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(MATRIX_HEADER.len()));
    for (row, _) in report
        .matrix
        .iter()
        .zip(&report.verdicts)
        .filter(|(_, v)| v.account.is_none())
    {
        let cells: Vec<String> = matrix_cells(row).iter().map(|c| md(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    verdicts(&mut out, report);
    answers(&mut out, report);
    out
}

/// Each verdict, with its grounds, judgment calls and what was missing.
fn verdicts(out: &mut String, report: &Report) {
    let _ = writeln!(out, "\n## Verdicts\n");
    let prose = Prose::new(report);
    by_account(out, &prose, report);
    for v in report.verdicts.iter().filter(|v| v.account.is_none()) {
        verdict(out, &prose, v);
    }
}

/// The verdicts weighed per account, one line each, by account in the scenario's order of
/// parties (a stable sort keeps each account's verdicts in the timeline's order).
fn by_account(out: &mut String, prose: &Prose<'_>, report: &Report) {
    let mut per_account: Vec<_> = report
        .verdicts
        .iter()
        .filter(|v| v.account.is_some())
        .collect();
    if per_account.is_empty() {
        return;
    }
    let _ = writeln!(out, "### By account\n");
    per_account.sort_by_key(|v| v.account.as_deref().map(|a| report.party_rank(a)));
    for v in per_account {
        let outcome = if v.permitted {
            format!("permitted on {}", v.grounds.join(", "))
        } else {
            let missing: Vec<String> = v.missing.iter().map(|m| prose.missing(m)).collect();
            format!("not permitted ({})", md(&missing.join("; ")))
        };
        let _ = writeln!(
            out,
            "- `{}` {} {} {} at {}: {outcome}",
            v.account.as_deref().unwrap_or(""),
            v.actor,
            v.action,
            v.against,
            v.at_local,
        );
    }
    out.push('\n');
}

/// One verdict under its own heading: what happened, then its grounds, the notice each rests
/// on, its judgment calls, what was missing, its end, and the flips that would permit it.
fn verdict(out: &mut String, prose: &Prose<'_>, v: &VerdictReport) {
    let _ = writeln!(
        out,
        "### {} {} {} at {}: {}\n",
        v.actor,
        v.action,
        v.against,
        v.at_local,
        if v.permitted {
            "permitted"
        } else {
            "not permitted"
        }
    );
    match &v.reconstructed {
        Some(note) => {
            let _ = writeln!(
                out,
                "{} ({}; **reconstructed**: {})\n",
                md(&v.summary),
                v.mark,
                md(note)
            );
        }
        None => {
            let _ = writeln!(out, "{} ({})\n", md(&v.summary), v.mark);
        }
    }
    for g in &v.grounds_in {
        let _ = writeln!(
            out,
            "- ground: `{}` {} ({})",
            g.clause,
            md(&g.title),
            g.policy
        );
    }
    for (clause, basis) in prose::ground_bases(v) {
        let _ = writeln!(
            out,
            "- notice under `{}`: {}",
            clause.id,
            md(&prose.basis(basis, false))
        );
    }
    for a in &v.assumptions {
        let _ = writeln!(
            out,
            "- assuming `{}` = {}: {}",
            a.name,
            a.value,
            md(&a.question)
        );
    }
    for m in &v.missing {
        let _ = writeln!(out, "- missing: {}", md(&prose.missing(m)));
    }
    if let Some(end) = &v.end {
        let _ = writeln!(out, "- {}", md(&prose.ending(end)));
    }
    for f in &v.would_be_permitted_if {
        let _ = writeln!(
            out,
            "- would be permitted on {} with `--assume {}={}`",
            f.grounds.join(", "),
            f.assumption,
            f.value
        );
    }
    out.push('\n');
}

/// The earliest instants and the duties.
fn answers(out: &mut String, report: &Report) {
    let prose = Prose::new(report);
    let _ = writeln!(out, "## Earliest instants\n");
    let _ = writeln!(
        out,
        "| policy | power | holder | action | against | earliest | notice and arithmetic |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for e in &report.earliest {
        let opened = e.accounts.iter().filter(|a| a.at.is_some()).count();
        let _ = writeln!(
            out,
            "| {} | `{}` {} | {} | {} | {} | {}{} | {} |",
            e.policy,
            e.power,
            md(&e.title),
            e.holder,
            e.action,
            e.against,
            e.at_local.as_deref().unwrap_or("never"),
            if e.accounts.is_empty() {
                String::new()
            } else {
                format!(" (first of {opened} of {} accounts)", e.accounts.len())
            },
            md(&e
                .basis
                .as_ref()
                .map_or_else(String::new, |b| prose.basis(b, false)))
        );
    }
    let _ = writeln!(out, "\n## Duties\n");
    for d in &report.duties {
        let _ = write!(
            out,
            "- `{}` {} ({}), owed by {}: {}",
            d.duty,
            md(&d.title),
            d.policy,
            d.holder,
            word(d.last)
        );
        if let Some(t) = tally_line(d) {
            let _ = write!(out, "; {t}");
        }
        out.push('\n');
        // Held by every account: each account's share, as a nested list (the first 40).
        for a in d.accounts.iter().take(40) {
            let _ = writeln!(
                out,
                "  - `{}`: {} met in time, {} late, {} overdue, {} open",
                a.account, a.in_time, a.late, a.overdue, a.open
            );
        }
        if d.accounts.len() > 40 {
            let _ = writeln!(out, "  - … {} more accounts", d.accounts.len() - 40);
        }
        deadlines(out, &prose, d);
    }
}

/// How many instances of each group of a duty's deadlines Markdown writes out.
const DEADLINES_SHOWN: usize = 3;

/// A duty's deadlines, as nested items: each group's shape, its first instances, a count of
/// the rest.
fn deadlines(out: &mut String, prose: &Prose<'_>, d: &modsim_sim::report::DutyReport) {
    let Some(deadlines) = &d.deadlines else {
        return;
    };
    for group in &deadlines.deadlines.groups {
        let _ = writeln!(out, "  - {}", md(&prose.deadline_group(group)));
        for i in group.instances.iter().take(DEADLINES_SHOWN) {
            let _ = writeln!(out, "    - {}", md(&prose.deadline_instance(group, i)));
        }
        if group.instances.len() > DEADLINES_SHOWN {
            let _ = writeln!(
                out,
                "    - … {} more (`--explain {}` writes each out; `--format json` lists them all)",
                group.instances.len() - DEADLINES_SHOWN,
                d.duty
            );
        }
    }
}

/// Text safe inside a Markdown table cell or line.
fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
