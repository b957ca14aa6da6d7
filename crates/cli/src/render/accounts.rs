//! Text for the verdicts and earliest instants of powers held against (or by) every account:
//! a count first, then one line per verdict grouped by account, and per power the accounts it
//! opened for; the details are on request (`--explain ACCOUNT`).

use std::fmt::Write;

use modsim_sim::report::{DutyReport, EarliestReport, Report, VerdictReport};

use super::{BAD, DIM, GOOD, WARN};
use crate::prose::Prose;

/// How many accounts' verdicts, and how many accounts of a power held against every account,
/// the text shows one by one before summing up the rest.
const ACCOUNTS_SHOWN: usize = 40;

/// The verdicts weighed per account: a count first, then one line each, grouped by account
/// (accounts in the order the scenario declares them), up to [`ACCOUNTS_SHOWN`] accounts.
pub(super) fn by_account(out: &mut String, prose: &Prose<'_>, report: &Report) {
    let mut accounts: Vec<&str> = Vec::new();
    for v in &report.verdicts {
        if let Some(a) = v.account.as_deref()
            && !accounts.contains(&a)
        {
            accounts.push(a);
        }
    }
    if accounts.is_empty() {
        return;
    }
    accounts.sort_by_key(|a| report.party_rank(a));
    let of: Vec<&VerdictReport> = report
        .verdicts
        .iter()
        .filter(|v| v.account.is_some())
        .collect();
    let permitted = of.iter().filter(|v| v.permitted).count();
    let _ = writeln!(
        out,
        "  {} on {} account{}: {permitted} permitted, {} not permitted  {DIM}(`--explain ACCOUNT` for one account's derivations){DIM:#}",
        plural(of.len(), "verdict"),
        accounts.len(),
        if accounts.len() == 1 { "" } else { "s" },
        of.len() - permitted
    );
    let width = accounts
        .iter()
        .take(ACCOUNTS_SHOWN)
        .map(|a| a.chars().count())
        .max()
        .unwrap_or(0);
    for account in accounts.iter().take(ACCOUNTS_SHOWN) {
        for v in of.iter().filter(|v| v.account.as_deref() == Some(*account)) {
            let _ = writeln!(
                out,
                "  {account:<width$}  {}  {} {} {}  {}",
                v.at_local,
                v.actor,
                v.action,
                v.against,
                account_verdict(prose, v)
            );
        }
    }
    if accounts.len() > ACCOUNTS_SHOWN {
        let _ = writeln!(
            out,
            "  {DIM}… {} more accounts (--format json lists every verdict){DIM:#}",
            accounts.len() - ACCOUNTS_SHOWN
        );
    }
}

/// A verdict weighed per account, in one line: permitted on which clause, or what was missing.
fn account_verdict(prose: &Prose<'_>, v: &VerdictReport) -> String {
    let mut line = if v.permitted {
        let grounds: Vec<String> = v
            .grounds_in
            .iter()
            .map(|g| format!("{} ({})", g.clause, g.title))
            .collect();
        let mut line = format!("{GOOD}✔ permitted{GOOD:#} on {}", grounds.join("; "));
        for a in &v.assumptions {
            line.push_str(&format!(
                ", {WARN}assuming{WARN:#} {} = {}",
                a.name, a.value
            ));
        }
        line
    } else {
        let missing: Vec<String> = v.missing.iter().map(|m| prose.missing(m)).collect();
        format!("{BAD}✘ not permitted{BAD:#}: {}", missing.join("; "))
    };
    if let Some(end) = v.end.as_ref().filter(|_| v.permitted) {
        line.push_str(&format!(
            "; {}",
            if end.permitted {
                "within its length at its end"
            } else {
                "NOT PERMITTED at its end"
            }
        ));
    }
    line
}

/// `3 verdicts`, `1 verdict`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The accounts of a power held against (or by) every account: those it opened for, with when,
/// then those it never did.
pub(super) fn earliest_accounts(out: &mut String, e: &EarliestReport, width: usize) {
    let opened: Vec<&EarliestReport> = e.accounts.iter().filter(|a| a.at.is_some()).collect();
    let side = |a: &EarliestReport| {
        if e.against == modsim_sim::scenario::EVERY_ACCOUNT {
            a.against.clone()
        } else {
            a.holder.clone()
        }
    };
    let _ = writeln!(
        out,
        "  {:<width$}    {} of {} accounts at some point",
        "",
        opened.len(),
        e.accounts.len()
    );
    for a in opened.iter().take(ACCOUNTS_SHOWN) {
        let _ = writeln!(
            out,
            "  {:<width$}      {}: {}",
            "",
            side(a),
            a.at_local.as_deref().unwrap_or("")
        );
    }
    if opened.len() > ACCOUNTS_SHOWN {
        let _ = writeln!(
            out,
            "  {:<width$}      {DIM}… and {} more{DIM:#}",
            "",
            opened.len() - ACCOUNTS_SHOWN
        );
    }
    let never: Vec<String> = e
        .accounts
        .iter()
        .filter(|a| a.at.is_none())
        .map(side)
        .collect();
    if !never.is_empty() {
        let shown: Vec<&str> = never
            .iter()
            .take(ACCOUNTS_SHOWN)
            .map(String::as_str)
            .collect();
        let _ = writeln!(
            out,
            "  {:<width$}      never: {}{}",
            "",
            shown.join(", "),
            if never.len() > ACCOUNTS_SHOWN {
                format!(", and {} more", never.len() - ACCOUNTS_SHOWN)
            } else {
                String::new()
            }
        );
    }
}

/// A duty held by every account: each account's share of its tally, one line per account that
/// owes something, up to [`ACCOUNTS_SHOWN`] (the ids are in `--format json`'s `tally`).
pub(super) fn duty_accounts(out: &mut String, d: &DutyReport, width: usize) {
    if d.accounts.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "  {:<width$}    owed by each account: {} owe{} something",
        "",
        plural(d.accounts.len(), "account"),
        if d.accounts.len() == 1 { "s" } else { "" }
    );
    let name = d
        .accounts
        .iter()
        .take(ACCOUNTS_SHOWN)
        .map(|a| a.account.chars().count())
        .max()
        .unwrap_or(0);
    for a in d.accounts.iter().take(ACCOUNTS_SHOWN) {
        let _ = writeln!(
            out,
            "  {:<width$}      {:<name$}  {} met in time, {} late, {} overdue, {} open",
            "", a.account, a.in_time, a.late, a.overdue, a.open
        );
    }
    if d.accounts.len() > ACCOUNTS_SHOWN {
        let _ = writeln!(
            out,
            "  {:<width$}      {DIM}… {} more accounts (--format json lists them all){DIM:#}",
            "",
            d.accounts.len() - ACCOUNTS_SHOWN
        );
    }
}
