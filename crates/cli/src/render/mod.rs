//! Renderers of a run's report: short coloured text for the terminal, JSON, and Markdown
//! (the verdict matrix, then the verdicts, earliest instants and duties, in [`mod@markdown`]);
//! comparisons ([`compare`]); test results and sweeps ([`batch`]). Sentences come from
//! [`crate::prose`].
//!
//! Text is written with ANSI styles and printed through `anstream`, which drops them when
//! the output is not a terminal or `NO_COLOR` is set.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};
use modsim_sim::report::{EarliestReport, MatrixRow, Report, VerdictReport};
use modsim_sim::{Explanation, Node};

use crate::prose::{self, Prose};

mod accounts;
mod batch;
mod compare;
mod duties;
mod markdown;

use accounts::{by_account, earliest_accounts};

pub use batch::{sweep, test_results};
pub use compare::{comparison, comparison_markdown};
pub use markdown::markdown;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GOOD: Style = AnsiColor::Green.on_default().bold();
const BAD: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default();

/// How many changes of a duty's history the text shows.
const CHANGES_SHOWN: usize = 4;
/// The report for people.
pub fn text(report: &Report, explain: Option<&str>) -> String {
    let mut out = String::new();
    let prose = Prose::new(report);
    header(&mut out, report);
    if is_multi_party(report) && report.verdicts.iter().any(|v| v.account.is_none()) {
        matrix(&mut out, report);
    }
    verdicts(&mut out, &prose, report);
    let width = earliest_section(&mut out, &prose, report);
    duties::duties(&mut out, &prose, report, width);
    explanations(&mut out, &prose, report, explain);
    out
}

/// The scenario, the policies with this run's overrides, and what is reconstructed.
fn header(out: &mut String, report: &Report) {
    let s = &report.scenario;
    let _ = writeln!(
        out,
        "{BOLD}{}{BOLD:#}  {DIM}({}; times in {}){DIM:#}",
        s.title, s.file, s.zone
    );
    for p in &report.policies {
        let _ = write!(out, "policy  {} — {}", p.id, p.title);
        if !p.reforms.is_empty() {
            let _ = write!(out, "  {WARN}reformed: {}{WARN:#}", p.reforms.join(", "));
        }
        if !p.taken_out.is_empty() {
            let _ = write!(out, "  {WARN}without {}{WARN:#}", p.taken_out.join(", "));
        }
        out.push('\n');
        for param in p.parameters.iter().filter(|x| x.value != x.default) {
            let _ = writeln!(
                out,
                "        {WARN}set {} = {} (document: {}){WARN:#}",
                param.name, param.value, param.default
            );
        }
        for a in p.assumptions.iter().filter(|a| a.value != a.default) {
            let _ = writeln!(
                out,
                "        {WARN}assume {} = {} (default: {}){WARN:#}",
                a.name, a.value, a.default
            );
        }
    }
    if s.invented {
        let prov = &report.provenance;
        let _ = writeln!(
            out,
            "{WARN}INVENTED DATA{WARN:#}: a teaching scenario; its parties, posts and events are invented, not facts of any case."
        );
        for r in &prov.scenario.invented {
            let _ = writeln!(out, "  {WARN}·{WARN:#} {r}");
        }
    }
    if s.reconstructed {
        let prov = &report.provenance;
        let _ = writeln!(
            out,
            "{WARN}RECONSTRUCTED DATA{WARN:#}: {} posts ({}) are {}; the record does not give them.",
            prov.posts,
            match (&prov.posts_file, prov.posts) {
                (Some(file), _) => file.as_str(),
                // Posts written as `[[post]]` tables.
                (None, 1..) => "in the scenario file",
                (None, 0) => "no posts file",
            },
            prov.posts_mark
        );
        for r in &prov.scenario.reconstructed {
            let _ = writeln!(out, "  {WARN}·{WARN:#} {r}");
        }
        if let Some(g) = &prov.scenario.generator {
            let _ = writeln!(out, "  {DIM}regenerate: {g}{DIM:#}");
        }
    }
}

/// The verdict matrix: each action under its own party's policy.
fn matrix(out: &mut String, report: &Report) {
    let _ = writeln!(
        out,
        "\n{BOLD}Verdict matrix{BOLD:#} {DIM}(each action judged under its own party's policy){DIM:#}"
    );
    // Verdicts weighed per account are listed by account instead.
    let rows: Vec<[String; 8]> = report
        .matrix
        .iter()
        .zip(&report.verdicts)
        .filter(|(_, v)| v.account.is_none())
        .map(|(r, _)| matrix_cells(r))
        .collect();
    let mut widths = MATRIX_HEADER.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut l = String::from(" ");
        for (cell, w) in cells.iter().zip(widths) {
            let pad = w.saturating_sub(cell.chars().count());
            l.push(' ');
            l.push_str(cell);
            l.push_str(&" ".repeat(pad));
            l.push(' ');
        }
        l.trim_end().to_owned()
    };
    if 1 + widths.iter().map(|w| w + 2).sum::<usize>() > WIDTH {
        return matrix_narrow(out, report);
    }
    let _ = writeln!(out, "{}", line(&MATRIX_HEADER.map(str::to_owned)));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row));
    }
}

/// The widest line of text the matrix is drawn in.
const WIDTH: usize = 80;

/// The matrix when its table is wider than [`WIDTH`]: one line per action (verdict, party,
/// action, against, instant), then its grounds, judgment calls and notice, wrapped beneath.
fn matrix_narrow(out: &mut String, report: &Report) {
    let rows: Vec<&MatrixRow> = report
        .matrix
        .iter()
        .zip(&report.verdicts)
        .filter(|(_, v)| v.account.is_none())
        .map(|(r, _)| r)
        .collect();
    let width =
        |f: fn(&MatrixRow) -> &str| rows.iter().map(|r| f(r).chars().count()).max().unwrap_or(0);
    let (party, action, against) = (
        width(|r| &r.actor),
        width(|r| &r.action),
        width(|r| &r.against),
    );
    for r in &rows {
        let cells = matrix_cells(r);
        let [_, _, _, at, _, grounds, assumptions, notice] = &cells;
        let (mark, style) = if r.permitted {
            ("✔", GOOD)
        } else {
            ("✘", BAD)
        };
        let at = at.replace(" (reconstructed)", "*");
        let _ = writeln!(
            out,
            "  {style}{mark}{style:#} {:<party$}  {:<action$}  {:<against$}  {at}",
            r.actor, r.action, r.against
        );
        let mut details = format!("grounds: {grounds}");
        if assumptions != "—" {
            let _ = write!(details, "; assuming {assumptions}");
        }
        let _ = write!(details, "; notice given: {notice}");
        for l in wrapped(&details, WIDTH - 6) {
            let _ = writeln!(out, "      {DIM}{l}{DIM:#}");
        }
    }
    let _ = writeln!(
        out,
        "  {DIM}✔ permitted, ✘ not permitted; * the instant is reconstructed{DIM:#}"
    );
}

/// `text` in lines of at most `width` characters, broken at spaces (a longer word stands
/// on a line of its own).
fn wrapped(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Each verdict: those weighed per account one line each, grouped by account, after the
/// others.
fn verdicts(out: &mut String, prose: &Prose<'_>, report: &Report) {
    let _ = writeln!(out, "\n{BOLD}Verdicts{BOLD:#}");
    if report.verdicts.is_empty() {
        let _ = writeln!(out, "  the timeline records no action to judge");
    }
    for v in report.verdicts.iter().filter(|v| v.account.is_none()) {
        verdict(out, prose, v);
    }
    by_account(out, prose, report);
}

/// Each power's earliest instant; returns the width of the clause column.
fn earliest_section(out: &mut String, prose: &Prose<'_>, report: &Report) -> usize {
    let _ = writeln!(
        out,
        "\n{BOLD}Earliest instants{BOLD:#} {DIM}(when each power could first be exercised, given the notices in the timeline){DIM:#}"
    );
    let width = report
        .earliest
        .iter()
        .map(|e| e.power.len())
        .max()
        .unwrap_or(0);
    for e in &report.earliest {
        earliest(out, prose, e, width);
        if !e.accounts.is_empty() {
            earliest_accounts(out, e, width);
        }
    }

    width
}

/// The explanations asked for with `--explain`, or how to ask for them.
fn explanations(out: &mut String, prose: &Prose<'_>, report: &Report, explain: Option<&str>) {
    match explain {
        None => {
            let _ = writeln!(
                out,
                "\n{DIM}Why: `modsim run --explain` shows each verdict's derivation; `--explain CLAUSE` a power's or a duty's; `--explain ACCOUNT` one account's.{DIM:#}"
            );
        }
        Some(what) => {
            let _ = writeln!(out, "\n{BOLD}Explanations{BOLD:#}");
            let mut any = false;
            for v in &report.verdicts {
                if (what == "verdicts" || what == v.action || v.account.as_deref() == Some(what))
                    && let Some(e) = &v.explanation
                {
                    tree(out, prose, e, "", true, true);
                    any = true;
                }
            }
            for e in &report.earliest {
                if what == e.power
                    && let Some(e) = &e.explanation
                {
                    tree(out, prose, e, "", true, true);
                    any = true;
                }
                for a in &e.accounts {
                    if (a.against == what || a.holder == what)
                        && let Some(e) = &a.explanation
                    {
                        tree(out, prose, e, "", true, true);
                        any = true;
                    }
                }
            }
            for d in &report.duties {
                if what == d.duty
                    && let Some(e) = &d.explanation
                {
                    tree(out, prose, e, "", true, true);
                    any = true;
                }
            }
            if !any {
                let _ = writeln!(
                    out,
                    "  nothing to explain under `{what}`: name a power's or a duty's clause id, an action, or an account"
                );
            }
        }
    }
}

const MATRIX_HEADER: [&str; 8] = [
    "party",
    "action",
    "against",
    "at",
    "verdict",
    "grounds",
    "assumptions",
    "notice given",
];

/// A report with actions by more than one party, or under more than one policy.
fn is_multi_party(report: &Report) -> bool {
    let first = report.matrix.first().map(|r| r.actor.as_str());
    report.policies.len() > 1
        || report
            .matrix
            .iter()
            .any(|r| Some(r.actor.as_str()) != first)
}

fn matrix_cells(r: &MatrixRow) -> [String; 8] {
    let or_dash = |v: &[String]| {
        if v.is_empty() {
            "—".to_owned()
        } else {
            v.join(", ")
        }
    };
    let notice = match (&r.notice_given_local, r.notice_lead_minutes) {
        (Some(at), Some(lead)) => format!("{at} ({} before)", lead_text(lead)),
        _ => "none".to_owned(),
    };
    let notice = match &r.notice_required {
        Some(req) => format!("{notice}; required: {}", prose::notice_required(req)),
        None => notice,
    };
    [
        r.actor.clone(),
        r.action.clone(),
        r.against.clone(),
        if r.reconstructed {
            format!("{} (reconstructed)", r.at_local)
        } else {
            r.at_local.clone()
        },
        if r.permitted {
            "PERMITTED".to_owned()
        } else {
            "NOT PERMITTED".to_owned()
        },
        if r.grounds.is_empty() {
            "—".to_owned()
        } else {
            format!("{} {}", r.policies.join(", "), r.grounds.join(", "))
        },
        or_dash(&r.assumptions),
        notice,
    ]
}

/// A duty's subjects at the end, counted, when it has deadlines (or none) per subject.
fn tally_line(d: &modsim_sim::report::DutyReport) -> Option<String> {
    let t = &d.tally;
    let total = t.in_time.len() + t.late.len() + t.overdue.len() + t.open.len();
    if total == 0 || (t.open.is_empty() && t.in_time.is_empty()) {
        return None;
    }
    Some(format!(
        "once every deadline has passed: {} met in time, {} late, {} overdue, {} open",
        t.in_time.len(),
        t.late.len(),
        t.overdue.len(),
        t.open.len()
    ))
}

fn word(state: modsim_sim::DutyStatus) -> &'static str {
    state.word()
}

/// How long before an action its notice was given: `29 h 59 min`, `0 min`.
fn lead_text(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn verdict(out: &mut String, prose: &Prose<'_>, v: &VerdictReport) {
    let (mark, style) = if v.permitted {
        ("✔ PERMITTED", GOOD)
    } else {
        ("✘ NOT PERMITTED", BAD)
    };
    let _ = writeln!(
        out,
        "  {style}{mark}{style:#}  {} {} {} at {}{}",
        v.actor,
        v.action,
        v.against,
        v.at_local,
        if v.reconstructed.is_some() {
            " (reconstructed)"
        } else {
            ""
        }
    );
    let _ = writeln!(out, "      {DIM}{}{DIM:#}", v.summary);
    if let Some(note) = &v.reconstructed {
        let _ = writeln!(out, "      {WARN}reconstructed:{WARN:#} {note}");
    }
    if v.permitted {
        let grounds: Vec<String> = v
            .grounds_in
            .iter()
            .map(|g| format!("{} ({})", g.clause, g.title))
            .collect();
        let _ = writeln!(out, "      grounds: {}", grounds.join("; "));
        for (clause, basis) in prose::ground_bases(v) {
            let _ = writeln!(
                out,
                "      notice under {}: {}",
                clause.id,
                prose.basis(basis, false)
            );
        }
        if v.assumptions.is_empty() {
            let _ = writeln!(
                out,
                "      rests on the facts of the timeline, no judgment call"
            );
        }
        for a in &v.assumptions {
            let _ = writeln!(
                out,
                "      {WARN}assuming{WARN:#} {} = {}: {}",
                a.name, a.value, a.question
            );
        }
        if let Some(end) = &v.end {
            let _ = writeln!(out, "      {}", prose.ending(end));
        }
    } else {
        for m in &v.missing {
            let _ = writeln!(out, "      missing: {}", prose.missing(m));
        }
        if let Some(end) = &v.end {
            let _ = writeln!(out, "      {}", prose.ending(end));
        }
        match &v.earliest_permitted_local {
            Some(t) => {
                let _ = writeln!(out, "      earliest permitted: {t}");
            }
            None => {
                let _ = writeln!(out, "      earliest permitted: never, in this timeline");
            }
        }
        for f in &v.would_be_permitted_if {
            let _ = writeln!(
                out,
                "      {WARN}would be permitted{WARN:#} on {} if `--assume {}={}`",
                f.grounds.join(", "),
                f.assumption,
                f.value
            );
        }
    }
}

fn earliest(out: &mut String, prose: &Prose<'_>, e: &EarliestReport, width: usize) {
    let when = e.at_local.clone().unwrap_or_else(|| "never".into());
    let _ = write!(
        out,
        "  {:<width$}  {} may {} {}: {BOLD}{when}{BOLD:#}  {DIM}({}){DIM:#}",
        e.power, e.holder, e.action, e.against, e.title
    );
    if let Some(b) = &e.basis {
        let _ = write!(
            out,
            "\n  {:<width$}    {DIM}{}{DIM:#}",
            "",
            prose.basis(b, false)
        );
    }
    out.push('\n');
}

/// Draws an explanation as a tree.
pub fn tree(
    out: &mut String,
    prose: &Prose<'_>,
    e: &Explanation,
    prefix: &str,
    last: bool,
    root: bool,
) {
    tree_under(out, prose, e, prefix, last, root, false);
}

fn tree_under(
    out: &mut String,
    prose: &Prose<'_>,
    e: &Explanation,
    prefix: &str,
    last: bool,
    root: bool,
    example: bool,
) {
    let (branch, next) = if root {
        ("", String::new())
    } else if last {
        ("└─ ", format!("{prefix}   "))
    } else {
        ("├─ ", format!("{prefix}│  "))
    };
    let _ = writeln!(out, "{prefix}{branch}{}", prose.step(&e.node, example));
    let n = e.children.len();
    let tally = matches!(e.node, Node::TallyGroup { .. });
    for (i, child) in e.children.iter().enumerate() {
        tree_under(
            out,
            prose,
            child,
            if root { "" } else { &next },
            i + 1 == n,
            false,
            tally,
        );
    }
    if root {
        out.push('\n');
    }
}

/// The report as JSON.
pub fn json(report: &Report) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(report).map(|mut s| {
        s.push('\n');
        s
    })
}
