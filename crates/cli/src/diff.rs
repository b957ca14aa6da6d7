//! `modsim diff`: two policies (or a policy and a reform of it) searched for the smallest
//! timeline on which they part ways; the answer as text (the timeline, where the sides part,
//! and both sides' explanations, written by [`crate::prose`]), as JSON (`modsim.diff/1`), or
//! as a scenario file that `modsim run` replays.
//!
//! Exit codes: 0 no difference found; 1 a difference found; 2 bad input or usage.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anstyle::{AnsiColor, Style};
use modsim_sim::Explanation;
use modsim_sim::SetupError;
use modsim_sim::compare::Differs;
use modsim_sim::diff::grade::{self, Reference};
use modsim_sim::diff::{self, Diff, DiffSpec, Found, Progress, Search, SideSpec, Stop};
use modsim_sim::report::{EventKind, Report};

use crate::args::{DiffArgs, DiffFormat, ErrorFormat};
use crate::diagnostics;
use crate::files::{self, DiskOrSeed, path_text};
use crate::output;
use crate::prose::Prose;
use crate::render;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GOOD: Style = AnsiColor::Green.on_default().bold();
const BAD: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default();

/// Exit code: a difference was found.
const FOUND: u8 = 1;
/// Exit code: bad input or usage.
const BAD_INPUT: u8 = 2;

/// Runs `modsim diff`; `quiet`: no warnings, no progress bar.
pub fn command(a: &DiffArgs, quiet: bool) -> ExitCode {
    match diff(a, quiet) {
        Ok(true) => ExitCode::from(FOUND),
        Ok(false) => ExitCode::SUCCESS,
        Err(e) => {
            output::eprint(&failure(e, a.error_format));
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Searches, writes the answer; true when a difference was found.
fn diff(a: &DiffArgs, quiet: bool) -> Result<bool, SetupError> {
    let first = path_text(&a.a);
    let second = path_text(&a.b);
    if is_reform(&a.a) {
        return Err(usage(
            format!("`{first}` is a reform: the first side is a policy"),
            Some(format!(
                "name the policy it reforms first: `modsim diff POLICY {first}`"
            )),
        ));
    }
    let b = if is_reform(&a.b) {
        SideSpec {
            label: format!("{first} + {second}"),
            policy: Some(first.clone()),
            reforms: vec![second],
        }
    } else {
        SideSpec {
            label: second.clone(),
            policy: Some(second),
            reforms: Vec::new(),
        }
    };
    let scenario = match &a.scenario {
        Some(path) => Some(scenario_file(path)?),
        None => None,
    };
    let spec = DiffSpec {
        a: SideSpec {
            label: first.clone(),
            policy: Some(first),
            reforms: Vec::new(),
        },
        b,
        scenario,
        seed: a.seed,
    };
    let budget = match (a.budget, a.time) {
        (Some(n), _) => n,
        (None, Some(_)) => diff::MAX_BUDGET,
        (None, None) => diff::DEFAULT_BUDGET,
    };
    let deadline = match a.time {
        Some(seconds) if seconds.is_finite() && seconds > 0.0 => {
            Some(Instant::now() + Duration::from_secs_f64(seconds.min(1e9)))
        }
        Some(seconds) => {
            return Err(usage(
                format!("`--time {seconds}` is not a number of seconds"),
                Some("give a positive number, such as `--time 10`".into()),
            ));
        }
        None => None,
    };
    let files = DiskOrSeed { embedded: false };
    let search = Search::prepare(&spec, &files)?;
    if !quiet && !search.warnings.is_empty() {
        match a.error_format {
            ErrorFormat::Human => output::eprint(&diagnostics::human(&search.warnings)),
            ErrorFormat::Json => output::eprint(&diagnostics::json(&search.warnings)),
        }
    }
    let bar = if quiet || !std::io::stderr().is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        progress_bar()
    };
    let result = search.run(
        budget,
        a.jobs,
        &|p| match p {
            Progress::Start(n) => bar.set_length(n),
            Progress::Tried(n) => bar.inc(n),
        },
        &|| deadline.is_some_and(|d| Instant::now() >= d),
    )?;
    bar.finish_and_clear();
    let text = match a.format {
        DiffFormat::Text => text(&result),
        DiffFormat::Json => {
            let mut t =
                serde_json::to_string_pretty(&result).map_err(|e| usage(e.to_string(), None))?;
            t.push('\n');
            t
        }
        DiffFormat::Toml => match &result.found {
            Some(found) => toml(&result, found, a.output.as_deref()),
            None => {
                // Nothing to replay: the answer goes to standard error, and no file is written.
                output::eprint(&text(&result));
                return Ok(false);
            }
        },
    };
    match &a.output {
        Some(path) => output::write_file(path, &text).map_err(|e| usage(e, None))?,
        None => output::print(&text, true).map_err(|e| usage(e, None))?,
    }
    Ok(result.found.is_some())
}

/// The case of `modsim test --reference`: a search between the exercise's run with the
/// student's `policies` and the reference, and its diff.
pub fn against_reference(
    exercise: &modsim_sim::exercise::Exercise,
    policies: &[String],
    reference: &Path,
) -> Result<(modsim_sim::exercise::CaseResult, Diff), SetupError> {
    let file = path_text(reference);
    let reference = if is_reform(reference) {
        Reference::Reform(file)
    } else {
        Reference::Policy(file)
    };
    let files = DiskOrSeed { embedded: false };
    grade::against_reference(exercise, policies, &reference, &files)
}

/// Each counterexample the searches of `modsim test --reference` found, after the results:
/// the timeline, where the encoding and the reference part, and both explanations.
pub fn counterexamples(
    results: &[modsim_sim::exercise::CaseResult],
    searched: &[(usize, Diff)],
) -> String {
    let mut out = String::new();
    for (k, d) in searched {
        let (Some(case), Some(_)) = (results.get(*k), &d.found) else {
            continue;
        };
        let _ = writeln!(
            out,
            "\n{BOLD}Counterexample{BOLD:#} for {}: the encoding (A) against {} (B)",
            case.exercise, d.b.label
        );
        out.push_str(&text(d));
    }
    out
}

/// The cases as JSON, each search's case with its diff under `counterexample`.
pub fn cases_json(
    results: &[modsim_sim::exercise::CaseResult],
    searched: &[(usize, Diff)],
) -> serde_json::Value {
    let cases = results
        .iter()
        .enumerate()
        .map(|(k, case)| {
            let mut value = serde_json::to_value(case).unwrap_or(serde_json::Value::Null);
            if let Some((_, d)) = searched.iter().find(|(at, _)| *at == k)
                && let serde_json::Value::Object(map) = &mut value
            {
                map.insert(
                    "counterexample".into(),
                    serde_json::to_value(d).unwrap_or(serde_json::Value::Null),
                );
            }
            value
        })
        .collect();
    serde_json::Value::Array(cases)
}

/// Whether a file is a reform: a TOML document with a `[reform]` table. Anything else is read
/// as a policy, whose reader reports what is wrong with it.
fn is_reform(path: &Path) -> bool {
    files::read_text(path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .is_some_and(|t| t.contains_key("reform"))
}

/// A scenario argument: a file, or a folder holding `scenario.toml`.
fn scenario_file(path: &Path) -> Result<String, SetupError> {
    if path.is_dir() {
        let inside = path.join("scenario.toml");
        if inside.is_file() {
            return Ok(path_text(&inside));
        }
        return Err(usage(
            format!("the folder `{}` holds no `scenario.toml`", path.display()),
            Some("name the scenario file itself".into()),
        ));
    }
    Ok(path_text(path))
}

fn usage(message: impl Into<String>, help: Option<String>) -> SetupError {
    SetupError::Usage {
        message: message.into(),
        help,
    }
}

/// A failure, written as the other commands write theirs: every problem, a usage error as a
/// problem of the command line.
fn failure(e: SetupError, format: ErrorFormat) -> String {
    let problems = modsim_policy::FileProblems::from(e);
    match format {
        ErrorFormat::Human => diagnostics::human(&problems),
        ErrorFormat::Json => diagnostics::json(&problems),
    }
}

/// A progress bar on standard error.
fn progress_bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {bar:40} {pos}/{len} timelines ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}

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
    let prose = Prose::new(&a.report);
    let _ = writeln!(out, "\n{BOLD}Where they part{BOLD:#} {DIM}(A → B){DIM:#}");
    for difference in &found.differences {
        let t = prose.difference(difference);
        let (mark, style) = match t.kind {
            "verdict" => ("verdict ", BAD),
            "earliest_action" => ("earliest", BOLD),
            "earliest" => ("power   ", DIM),
            _ => ("duty    ", DIM),
        };
        let _ = writeln!(out, "  {style}{mark}{style:#}  {}", t.subject);
        let _ = write!(out, "            {} → {}", t.baseline, t.value);
        if let Some(change) = &t.change {
            let _ = write!(out, "  {WARN}({change}){WARN:#}");
        }
        out.push('\n');
    }
    for (name, run) in [("A", a), ("B", b)] {
        let _ = writeln!(out, "\n{BOLD}Under {name}{BOLD:#}: {}", run.label);
        explanations(out, &run.report, &found.differences);
    }
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
        let labels = if p.labels.is_empty() {
            "no label".to_owned()
        } else {
            format!("labelled {}", p.labels.join(", "))
        };
        let mut about = labels;
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
    for e in &report.events {
        let (from, to) = (
            e.from.as_deref().unwrap_or(""),
            e.to.as_deref().unwrap_or(""),
        );
        let (order, line) = match &e.kind {
            EventKind::Notice { cites } => (
                3,
                format!(
                    "{from} gives {to} notice, citing {}",
                    if cites.is_empty() {
                        "no clause".to_owned()
                    } else {
                        cites.join(", ")
                    }
                ),
            ),
            EventKind::Fact { name, value } => (4, format!("fact `{name}` is {value}")),
            EventKind::Delivery { deliverable } => {
                (5, format!("{from} delivers `{deliverable}` to {to}"))
            }
            EventKind::Action { action, demands } => (
                7,
                match demands {
                    Some(d) => format!("{from} {action} {to}, demanding `{d}`"),
                    None => format!("{from} {action} {to}"),
                },
            ),
        };
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

/// One side's explanations of where the sides part: each differing verdict's derivation; else
/// the derivations of the earliest instants that differ; else the differing duties' histories.
fn explanations(out: &mut String, report: &Report, differences: &[Differs]) {
    let prose = Prose::new(report);
    let verdicts: Vec<&str> = differences
        .iter()
        .filter_map(|d| match d {
            Differs::Verdict { event, .. } => Some(event.as_str()),
            _ => None,
        })
        .collect();
    if !verdicts.is_empty() {
        for v in report
            .verdicts
            .iter()
            .filter(|v| verdicts.contains(&v.event.as_str()))
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
                        tree(out, &prose, Some(child));
                    }
                }
                None => tree(out, &prose, None),
            }
        }
        return;
    }
    let mut any = false;
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
        for e in shown {
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
            tree(out, &prose, e.explanation.as_ref());
            any = true;
        }
        if any {
            return;
        }
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

/// The shrunk timeline as a scenario file: `modsim run FILE` replays it under A (its
/// `[[policy]]`), and `modsim run FILE --policy B` (or `--reform R`) under B. Paths in the file
/// are from its folder; written to standard output, from the current folder.
fn toml(d: &Diff, found: &Found, output: Option<&Path>) -> String {
    let name = output.map_or_else(|| "FILE.toml".to_owned(), path_text);
    let b = match d.b.reforms.as_slice() {
        [] => format!("--policy {}", d.b.label),
        _ => {
            d.b.label
                .split(" + ")
                .skip(1)
                .map(|r| format!("--reform {r}"))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let mut header = vec![
        format!(
            "A timeline on which {} (A) and {} (B) part, found by `modsim diff` (seed {}) and shrunk.",
            d.a.label, d.b.label, d.seed
        ),
        "Replay it under each side:".to_owned(),
        format!("  modsim run {name}"),
        format!("  modsim run {name} {b}"),
    ];
    let prose = found.runs.first().map(|r| Prose::new(&r.report));
    if let Some(prose) = &prose {
        header.push("Where they part (A → B):".to_owned());
        for difference in &found.differences {
            let t = prose.difference(difference);
            header.push(format!("  {}: {} → {}", t.subject, t.baseline, t.value));
        }
    }
    let folder = output
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let policy = relative_path(&folder, Path::new(&d.a.label));
    diff::scenario_file::write(&found.scenario, &header, Some(&policy))
}

/// `target` (relative to the current folder, or absolute) as a path from `folder`, with `/`.
fn relative_path(folder: &Path, target: &Path) -> String {
    let here = std::env::current_dir().unwrap_or_default();
    let absolute = |p: &Path| normalized(&here.join(p));
    let (from, to) = (absolute(folder), absolute(target));
    let common = from
        .iter()
        .zip(to.iter())
        .take_while(|(x, y)| x == y)
        .count();
    let mut parts: Vec<String> = from.iter().skip(common).map(|_| "..".to_owned()).collect();
    parts.extend(
        to.iter()
            .skip(common)
            .map(|c| c.to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// A path's components with `.` and `..` resolved.
fn normalized(p: &Path) -> Vec<std::ffi::OsString> {
    let mut out: Vec<std::ffi::OsString> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str().to_owned()),
        }
    }
    out
}
