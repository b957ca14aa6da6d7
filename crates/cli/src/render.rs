//! Renderers of a run's report: short coloured text for the terminal, JSON, and Markdown
//! (the verdict matrix, then the verdicts, earliest instants and duties).
//!
//! Text is written with ANSI styles and printed through `anstream`, which drops them when
//! the output is not a terminal or `NO_COLOR` is set.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};
use modsim_sim::report::{EarliestReport, MatrixRow, Report, VerdictReport};
use modsim_sim::{Explanation, Node};

use crate::prose::{self, Prose};

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
    if s.reconstructed {
        let prov = &report.provenance;
        let _ = writeln!(
            out,
            "{WARN}RECONSTRUCTED DATA{WARN:#}: {} posts ({}) are {}; the record does not give them.",
            prov.posts,
            prov.posts_file.as_deref().unwrap_or("no posts file"),
            prov.posts_mark
        );
        for r in &prov.scenario.reconstructed {
            let _ = writeln!(out, "  {WARN}·{WARN:#} {r}");
        }
        if let Some(g) = &prov.scenario.generator {
            let _ = writeln!(out, "  {DIM}regenerate: {g}{DIM:#}");
        }
    }

    if is_multi_party(report) {
        let _ = writeln!(
            out,
            "\n{BOLD}Verdict matrix{BOLD:#} {DIM}(each action judged under its own party's policy){DIM:#}"
        );
        let rows: Vec<[String; 8]> = report.matrix.iter().map(matrix_cells).collect();
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
        let _ = writeln!(out, "{}", line(&MATRIX_HEADER.map(str::to_owned)));
        for row in &rows {
            let _ = writeln!(out, "{}", line(row));
        }
    }

    let _ = writeln!(out, "\n{BOLD}Verdicts{BOLD:#}");
    if report.verdicts.is_empty() {
        let _ = writeln!(out, "  the timeline records no action to judge");
    }
    let prose = Prose::new(report);
    for v in &report.verdicts {
        verdict(&mut out, &prose, v);
    }

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
        earliest(&mut out, &prose, e, width);
    }

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
    }

    match explain {
        None => {
            let _ = writeln!(
                out,
                "\n{DIM}Why: `modsim run --explain` shows each verdict's derivation; `--explain CLAUSE` a power's.{DIM:#}"
            );
        }
        Some(what) => {
            let _ = writeln!(out, "\n{BOLD}Explanations{BOLD:#}");
            let mut any = false;
            for v in &report.verdicts {
                if (what == "verdicts" || what == v.action)
                    && let Some(e) = &v.explanation
                {
                    tree(&mut out, &prose, e, "", true, true);
                    any = true;
                }
            }
            for e in &report.earliest {
                if what == e.power
                    && let Some(e) = &e.explanation
                {
                    tree(&mut out, &prose, e, "", true, true);
                    any = true;
                }
            }
            if !any {
                let _ = writeln!(
                    out,
                    "  nothing to explain under `{what}`: name a power's clause id or an action"
                );
            }
        }
    }
    out
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
        r.at_local.clone(),
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
        "{} met in time, {} late, {} overdue, {} open",
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
        "  {style}{mark}{style:#}  {} {} {} at {}",
        v.actor, v.action, v.against, v.at_local
    );
    let _ = writeln!(out, "      {DIM}{}{DIM:#}", v.summary);
    if v.permitted {
        let grounds: Vec<String> = v
            .grounds_in
            .iter()
            .map(|g| format!("{} ({})", g.clause, g.title))
            .collect();
        let _ = writeln!(out, "      grounds: {}", grounds.join("; "));
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
    } else {
        for m in &v.missing {
            let _ = writeln!(out, "      missing: {}", prose.missing(m));
        }
        match &v.earliest_permitted {
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
                        row.subject, row.p10, row.p50, row.p90, row.share
                    );
                }
                kind => {
                    let _ = writeln!(
                        out,
                        "  {:<12} {}: {BOLD}{}{BOLD:#} {DIM}[{}, {}]{DIM:#}",
                        kind, row.subject, row.share, row.ci_low, row.ci_high
                    );
                }
            }
        }
    }
    out
}

/// The report as JSON.
pub fn json(report: &Report) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(report).map(|mut s| {
        s.push('\n');
        s
    })
}

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
    for row in &report.matrix {
        let cells: Vec<String> = matrix_cells(row).iter().map(|c| md(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    let _ = writeln!(out, "\n## Verdicts\n");
    let prose = Prose::new(report);
    for v in &report.verdicts {
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
        let _ = writeln!(out, "{} ({})\n", md(&v.summary), v.mark);
        for g in &v.grounds_in {
            let _ = writeln!(
                out,
                "- ground: `{}` {} ({})",
                g.clause,
                md(&g.title),
                g.policy
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
    let _ = writeln!(out, "## Earliest instants\n");
    let _ = writeln!(
        out,
        "| policy | power | holder | action | against | earliest |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for e in &report.earliest {
        let _ = writeln!(
            out,
            "| {} | `{}` {} | {} | {} | {} | {} |",
            e.policy,
            e.power,
            md(&e.title),
            e.holder,
            e.action,
            e.against,
            e.at_local.as_deref().unwrap_or("never")
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
    }
    out
}

/// Text safe inside a Markdown table cell or line.
fn md(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
