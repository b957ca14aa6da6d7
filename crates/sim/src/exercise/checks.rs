//! Checking expectations against a run: a verdict, a power's earliest instant, a duty's state or deadline.

use super::*;

/// No action of the run is `what`: located at it, with the closest action the run has.
pub(super) fn unknown_action<'a>(
    what: &Spanned<String>,
    actions: impl Iterator<Item = &'a str>,
) -> Problem {
    let actions: Vec<&str> = actions.collect();
    let problem = Problem::error(
        format!("no action `{}` in the timeline", what.get_ref()),
        Some(what.span()),
    );
    match did_you_mean(what.get_ref(), actions.iter().copied()) {
        Some(close) => problem.with_help(format!("did you mean `{close}`?")),
        None if actions.is_empty() => problem.with_help("the timeline has no action"),
        None => problem.with_help(format!(
            "the timeline's actions are {}",
            actions
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

pub(super) fn check_one(
    e: &Expectation,
    outcome: &Outcome,
    world: &World,
) -> Result<(String, bool, String), Problem> {
    let zone = &world.scenario.zone;
    if let Some(what) = &e.verdict {
        return check_verdict(e, what, outcome, zone);
    }
    if let Some(power) = &e.earliest {
        return check_at(e, power, false, outcome, zone);
    }
    if let Some(duty) = &e.duty {
        if let Some(due) = &e.due {
            return check_due(duty, due, outcome, world);
        }
        return check_at(e, duty, true, outcome, zone);
    }
    Err(nothing_to_check(None))
}

/// An instant of an expectation, read in the scenario's zone, located where it is written.
pub(super) fn instant(
    text: &Spanned<String>,
    zone: &jiff::tz::TimeZone,
) -> Result<Timestamp, Problem> {
    parse_instant(text.get_ref(), zone)
        .map_err(|(m, h)| Problem::error(m, Some(text.span())).with_help(h))
}

pub(super) fn check_verdict(
    e: &Expectation,
    what_spanned: &Spanned<String>,
    outcome: &Outcome,
    zone: &jiff::tz::TimeZone,
) -> Result<(String, bool, String), Problem> {
    let what = what_spanned.get_ref();
    let words: Vec<&str> = what.split_whitespace().collect();
    let [actor, action, against] = words.as_slice() else {
        return Err(not_a_verdict(what_spanned));
    };
    let at = e.at.as_ref().map(|t| instant(t, zone)).transpose()?;
    let v = outcome
        .verdicts
        .iter()
        .find(|v| {
            v.actor == *actor
                && v.action == *action
                && v.against == *against
                && at.is_none_or(|t| v.at == t)
        })
        .ok_or_else(|| {
            let known: Vec<String> = outcome
                .verdicts
                .iter()
                .map(|v| format!("{} {} {}", v.actor, v.action, v.against))
                .collect();
            match &e.at {
                // The action is there, at another instant.
                Some(at)
                    if known
                        .iter()
                        .any(|k| k.split_whitespace().eq(words.iter().copied())) =>
                {
                    Problem::error(
                        format!("no action `{what}` at that instant in the timeline"),
                        Some(at.span()),
                    )
                }
                _ => unknown_action(what_spanned, known.iter().map(String::as_str)),
            }
        })?;
    let grounds: Vec<String> = v.grounds.iter().map(|g| g.clause.clone()).collect();
    let mut passed = true;
    let mut case = format!("verdict of {what}");
    if let Some(p) = &e.permitted {
        let p = *p.get_ref();
        passed &= v.permitted == p;
        case.push_str(if p { ": permitted" } else { ": not permitted" });
    }
    if let Some(g) = &e.grounds {
        let (mut a, mut b) = (g.get_ref().clone(), grounds.clone());
        a.sort();
        b.sort();
        passed &= a == b;
        case.push_str(&format!(", on exactly {}", g.get_ref().join(", ")));
    }
    if let Some(g) = &e.grounds_include {
        passed &= g.get_ref().iter().all(|x| grounds.contains(x));
        case.push_str(&format!(", on {} among others", g.get_ref().join(", ")));
    }
    if let Some(calls) = &e.assumptions_include {
        passed &= calls
            .get_ref()
            .iter()
            .all(|c| v.assumptions.iter().any(|a| &a.name == c));
        case.push_str(&format!(", resting on {}", calls.get_ref().join(", ")));
    }
    let actual = verdict_text(v, &grounds);
    Ok((case, passed, actual))
}

/// A verdict as an expectation's `actual` shows it: `permitted on 6.1(b) assuming x=true`.
pub(super) fn verdict_text(v: &crate::Verdict, grounds: &[String]) -> String {
    let mut actual = if v.permitted {
        format!("permitted on {}", grounds.join(", "))
    } else {
        "not permitted".into()
    };
    if !v.assumptions.is_empty() {
        let calls: Vec<String> = v
            .assumptions
            .iter()
            .map(|a| format!("{}={}", a.name, a.value))
            .collect();
        actual.push_str(&format!(" assuming {}", calls.join(", ")));
    }
    actual
}

/// An expectation of a power's earliest instant (`earliest`, `at`: an instant or `never`) or
/// of a duty's state at an instant (`duty`, `state`, `at`), one check for both: the clause
/// found among the run's powers or duties, `at` read in the scenario's zone, and what the run
/// gives there compared with what is expected.
pub(super) fn check_at(
    e: &Expectation,
    clause: &Spanned<String>,
    duty: bool,
    outcome: &Outcome,
    zone: &jiff::tz::TimeZone,
) -> Result<(String, bool, String), Problem> {
    let id = clause.get_ref();
    let known: Vec<&str> = if duty {
        outcome
            .duties
            .iter()
            .map(|d| d.duty.clause.as_str())
            .collect()
    } else {
        outcome
            .earliest
            .iter()
            .map(|x| x.power.clause.as_str())
            .collect()
    };
    let index = known.iter().position(|k| k == id).ok_or_else(|| {
        unknown_clause(
            if duty { "duty" } else { "power" },
            clause,
            known.iter().copied(),
        )
    })?;
    let needs = |what: String| Problem::error(what, Some(clause.span()));
    let show =
        |t: Option<Timestamp>| t.map_or_else(|| "never".to_owned(), |t| show_instant(t, zone));
    if !duty {
        let expected = match &e.at {
            None => {
                return Err(needs(format!(
                    "the expectation on `{id}` needs `at` (an instant, or `never`)"
                )));
            }
            Some(t) if t.get_ref() == "never" => None,
            Some(t) => Some(instant(t, zone)?),
        };
        let found = outcome.earliest.get(index).and_then(|x| x.at);
        return Ok((
            format!("earliest {id}: {}", show(expected)),
            found == expected,
            show(found),
        ));
    }
    let (Some(state), Some(at)) = (&e.state, &e.at) else {
        return Err(needs(format!(
            "the expectation on duty `{id}` needs `state` and `at`"
        )));
    };
    let t = instant(at, zone)?;
    let now = outcome
        .duties
        .get(index)
        .into_iter()
        .flat_map(|d| &d.changes)
        .take_while(|c| c.at <= t)
        .last()
        .map_or(DutyStatus::NotTriggered, |c| c.status);
    let word = now.word().replace(' ', "_");
    Ok((
        format!("duty {id} at {}: {}", show(Some(t)), state.get_ref()),
        word == *state.get_ref(),
        word,
    ))
}

/// When the duty's first instance falls due: the instant it opened plus the duty's period,
/// counted as the replay counts it (in the scenario's zone, against the policy's calendar).
pub(super) fn check_due(
    duty: &Spanned<String>,
    due: &Spanned<String>,
    outcome: &Outcome,
    world: &World,
) -> Result<(String, bool, String), Problem> {
    let zone = &world.scenario.zone;
    let history = outcome
        .duties
        .iter()
        .find(|d| &d.duty.clause == duty.get_ref())
        .ok_or_else(|| {
            let known = outcome.duties.iter().map(|d| d.duty.clause.as_str());
            unknown_clause("duty", duty, known)
        })?;
    let expected = instant(due, zone)?;
    let case = format!(
        "duty {} falls due at {}",
        duty.get_ref(),
        show_instant(expected, zone)
    );
    let opened = history
        .changes
        .iter()
        .find(|c| c.status != DutyStatus::NotTriggered)
        .map(|c| c.at);
    let terms = world
        .policies
        .iter()
        .map(|b| &b.policy)
        .filter(|p| p.id == history.duty.policy)
        .find_map(|p| {
            let d = p.duties.iter().find(|d| {
                p.clauses
                    .get(d.clause)
                    .is_some_and(|c| &c.id == duty.get_ref())
            })?;
            Some((d, &p.holidays))
        });
    let (Some(opened), Some((terms, calendar))) = (opened, terms) else {
        return Ok((case, false, "never opened".to_owned()));
    };
    if terms.open_ended {
        return Ok((case, false, "no time limit".to_owned()));
    }
    let at = terms
        .within
        .period
        .add_to(opened, zone, calendar)
        .map_err(|e| Problem::error(format!("the deadline cannot be counted: {e}"), None))?;
    Ok((case, at == expected, show_instant(at, zone)))
}

/// No power or duty of the run has the clause id `clause`: located at it, with the closest.
pub(super) fn unknown_clause<'a>(
    what: &str,
    clause: &Spanned<String>,
    known: impl Iterator<Item = &'a str>,
) -> Problem {
    let known: Vec<&str> = known.collect();
    let problem = Problem::error(
        format!("no {what} `{}` is in force", clause.get_ref()),
        Some(clause.span()),
    );
    match did_you_mean(clause.get_ref(), known.iter().copied()) {
        Some(close) => problem.with_help(format!("did you mean `{close}`?")),
        None if known.is_empty() => {
            problem.with_help(format!("the policies in force have no {what}"))
        }
        None => problem.with_help(format!(
            "the {what} clauses in force are {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
