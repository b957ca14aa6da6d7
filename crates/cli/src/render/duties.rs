//! Text for the duties: each duty's state, its tally, each account's share, its changes, and
//! its deadlines (each group's shape once, the first instances written out, the rest counted).

use std::fmt::Write;

use modsim_sim::report::Report;

use super::{BOLD, CHANGES_SHOWN, DIM, accounts, tally_line, word};
use crate::prose::Prose;

/// Each duty's state, tally and first changes.
pub(super) fn duties(out: &mut String, prose: &Prose<'_>, report: &Report, width: usize) {
    let _ = writeln!(out, "\n{BOLD}Duties{BOLD:#}");
    for d in &report.duties {
        let _ = writeln!(
            out,
            "  {:<w$}  {} — owed by {}: {}",
            d.duty,
            d.title,
            d.holder,
            word(d.last),
            w = width
        );
        if let Some(t) = tally_line(d) {
            let _ = writeln!(out, "  {:<w$}    {t}", "", w = width);
        }
        accounts::duty_accounts(out, d, width);
        for c in d.history.iter().take(CHANGES_SHOWN) {
            let _ = writeln!(
                out,
                "  {:<w$}    {DIM}{}{DIM:#}  {:<9} {}",
                "",
                c.at_local,
                word(c.state),
                prose.cause(&c.cause),
                w = width
            );
        }
        if d.history.len() > CHANGES_SHOWN {
            let _ = writeln!(
                out,
                "  {:<w$}    {DIM}… {} more changes (--format json lists them all){DIM:#}",
                "",
                d.history.len() - CHANGES_SHOWN,
                w = width
            );
        }
        deadlines(out, prose, d, width);
    }
}

/// How many instances of each group of a duty's deadlines the text writes out.
const DEADLINES_SHOWN: usize = 3;

/// A duty's deadlines: each group's shape once, its first instances written out, the rest
/// counted.
fn deadlines(
    out: &mut String,
    prose: &Prose<'_>,
    d: &modsim_sim::report::DutyReport,
    width: usize,
) {
    let Some(deadlines) = &d.deadlines else {
        return;
    };
    for group in &deadlines.deadlines.groups {
        let _ = writeln!(
            out,
            "  {:<w$}    {}",
            "",
            prose.deadline_group(group),
            w = width
        );
        for i in group.instances.iter().take(DEADLINES_SHOWN) {
            let _ = writeln!(
                out,
                "  {:<w$}      {DIM}{}{DIM:#}",
                "",
                prose.deadline_instance(group, i),
                w = width
            );
        }
        if group.instances.len() > DEADLINES_SHOWN {
            let _ = writeln!(
                out,
                "  {:<w$}      {DIM}… {} more (`--explain {}` writes each out; --format json lists them all){DIM:#}",
                "",
                group.instances.len() - DEADLINES_SHOWN,
                d.duty,
                w = width
            );
        }
    }
}
