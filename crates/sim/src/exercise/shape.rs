//! What an expectation can say without a run: exactly one kind, the keys that go with it, a known duty state, shares between 0 and 1.

use super::*;

/// What an expectation checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Verdict,
    Earliest,
    Duty,
}

/// The problems of one expectation that need no run: its kind, the keys that go with it,
/// the state of a duty, the bounds of a share.
pub(super) fn shape(e: &Spanned<Expectation>) -> Vec<Problem> {
    let table = e.span();
    let e = e.get_ref();
    let kind = match kind(e, &table) {
        Ok(kind) => kind,
        Err(problem) => return vec![problem],
    };
    let mut problems = misplaced(e, kind);
    match kind {
        Kind::Verdict => {
            if let Some(v) = &e.verdict
                && v.get_ref().split_whitespace().count() != 3
            {
                problems.push(not_a_verdict(v));
            }
        }
        Kind::Earliest if e.at.is_none() => problems.push(Problem::error(
            "an expected earliest instant needs `at` (an instant, or `never`)",
            Some(table.clone()),
        )),
        Kind::Duty if e.due.is_none() && (e.state.is_none() || e.at.is_none()) => {
            problems.push(
                Problem::error(
                    "an expected duty state needs `state` and `at`",
                    Some(table.clone()),
                )
                .with_help("or `due`, the instant its first instance falls due"),
            );
        }
        Kind::Duty if e.due.is_some() && (e.state.is_some() || e.at.is_some()) => problems.push(
            Problem::error(
                "`due` and a state at an instant in one `[[expect]]`: each checks one thing",
                Some(table.clone()),
            )
            .with_help("split it into two `[[expect]]` tables"),
        ),
        Kind::Earliest | Kind::Duty => {}
    }
    if let Some(state) = &e.state
        && !STATES.contains(&state.get_ref().as_str())
    {
        let help = match did_you_mean(state.get_ref(), STATES.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "the states are {}",
                STATES
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        problems.push(
            Problem::error(
                format!("unknown duty state `{}`", state.get_ref()),
                Some(state.span()),
            )
            .with_help(help),
        );
    }
    if e.sweep.is_some() {
        problems.extend(share_problems(e, &table));
    }
    problems
}

/// The one thing an expectation checks: a verdict, an earliest instant or a duty's state.
pub(super) fn kind(e: &Expectation, table: &Range<usize>) -> Result<Kind, Problem> {
    let kinds: Vec<(Kind, &str, Range<usize>)> = [
        (
            Kind::Verdict,
            "verdict",
            e.verdict.as_ref().map(Spanned::span),
        ),
        (
            Kind::Earliest,
            "earliest",
            e.earliest.as_ref().map(Spanned::span),
        ),
        (Kind::Duty, "duty", e.duty.as_ref().map(Spanned::span)),
    ]
    .into_iter()
    .filter_map(|(k, name, span)| Some((k, name, span?)))
    .collect();
    match kinds.as_slice() {
        [] => Err(nothing_to_check(Some(table.clone()))),
        [(kind, _, _)] => Ok(*kind),
        [(_, first, _), (_, second, span), ..] => Err(Problem::error(
            format!("`{first}` and `{second}` in one `[[expect]]`: each checks one thing"),
            Some(span.clone()),
        )
        .with_help("split it into two `[[expect]]` tables")),
    }
}

pub(super) fn nothing_to_check(span: Option<Range<usize>>) -> Problem {
    Problem::error("an `[[expect]]` names nothing to check", span).with_help(
        "give it `verdict = \"ACTOR ACTION AGAINST\"`, `earliest = \"CLAUSE\"` or `duty = \"CLAUSE\"`",
    )
}

pub(super) fn not_a_verdict(v: &Spanned<String>) -> Problem {
    Problem::error(
        format!(
            "`verdict = \"{}\"` must be `ACTOR ACTION AGAINST`",
            v.get_ref()
        ),
        Some(v.span()),
    )
    .with_help("for example `verdict = \"aws suspend parler\"`")
}

/// Keys that belong to another kind, to a sweep only, or not to a sweep: each would be
/// silently ignored.
pub(super) fn misplaced(e: &Expectation, kind: Kind) -> Vec<Problem> {
    let sweep = e.sweep.is_some();
    let verdict = kind == Kind::Verdict;
    let groups = [
        (
            "a `verdict` without `sweep`",
            verdict && !sweep,
            vec![
                ("permitted", span_of(&e.permitted)),
                ("grounds", span_of(&e.grounds)),
                ("grounds_include", span_of(&e.grounds_include)),
                ("assumptions_include", span_of(&e.assumptions_include)),
            ],
        ),
        ("a `verdict`", verdict, vec![("sweep", span_of(&e.sweep))]),
        (
            "a verdict, an earliest instant or a duty, not a sweep",
            !sweep,
            vec![("at", span_of(&e.at))],
        ),
        (
            "a `duty`",
            kind == Kind::Duty,
            vec![("state", span_of(&e.state)), ("due", span_of(&e.due))],
        ),
        (
            "a `sweep`",
            sweep,
            vec![
                ("replicates", span_of(&e.replicates)),
                ("seed", span_of(&e.seed)),
                ("on", span_of(&e.on)),
                ("share_at_least", span_of(&e.share_at_least)),
                ("share_at_most", span_of(&e.share_at_most)),
            ],
        ),
    ];
    groups
        .into_iter()
        .filter(|(_, belongs, _)| !belongs)
        .flat_map(|(with, _, keys)| {
            keys.into_iter().filter_map(move |(key, span)| {
                let span = span?;
                Some(
                    Problem::error(
                        format!("`{key}` is not read here: it goes with {with}"),
                        Some(span),
                    )
                    .with_help("take it out, or move it to the `[[expect]]` it belongs to"),
                )
            })
        })
        .collect()
}

pub(super) fn span_of<T>(value: &Option<Spanned<T>>) -> Option<Range<usize>> {
    value.as_ref().map(Spanned::span)
}

/// The bounds of a sweep expectation: at least one, each a share, one some share meets; and
/// at least one replicate.
pub(super) fn share_problems(e: &Expectation, table: &Range<usize>) -> Vec<Problem> {
    let mut problems = Vec::new();
    if e.share_at_least.is_none() && e.share_at_most.is_none() {
        problems.push(
            Problem::error(
                "a sweep expectation needs `share_at_least` or `share_at_most`",
                Some(table.clone()),
            )
            .with_help("without a bound every share passes"),
        );
    }
    for bound in [&e.share_at_least, &e.share_at_most].into_iter().flatten() {
        let x = *bound.get_ref();
        if !(0.0..=1.0).contains(&x) {
            problems.push(
                Problem::error(
                    format!("a share is between 0 and 1, not {x}"),
                    Some(bound.span()),
                )
                .with_help("write the share as a fraction: `0.8` for 80%"),
            );
        }
    }
    if let (Some(low), Some(high)) = (&e.share_at_least, &e.share_at_most)
        && low.get_ref() > high.get_ref()
    {
        problems.push(Problem::error(
            format!(
                "`share_at_least = {}` is above `share_at_most = {}`: no share passes",
                low.get_ref(),
                high.get_ref()
            ),
            Some(low.span()),
        ));
    }
    if let Some(r) = &e.replicates
        && *r.get_ref() == 0
    {
        problems.push(Problem::error(
            "a sweep needs at least one replicate",
            Some(r.span()),
        ));
    }
    problems
}
