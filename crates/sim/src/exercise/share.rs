//! Expectations of a share of worlds: one sweep point run and the share of permitted replicates checked against its bounds.

use super::*;

/// A share of permitted replicates at one sweep point.
pub(super) fn check_share(
    e: &Expectation,
    point: &Spanned<toml::Table>,
    request: &Request,
    world: &World,
    files: &dyn Files,
) -> Result<Result<(String, bool, String), Problem>, SetupError> {
    let Some(what) = &e.verdict else {
        return Ok(Err(Problem::error(
            "a `sweep` expectation needs `verdict = \"ACTOR ACTION AGAINST\"`",
            Some(point.span()),
        )));
    };
    let vary = match sweep_point(point, world) {
        Ok(vary) => vary,
        Err(problem) => return Ok(Err(problem)),
    };
    let spec = crate::sweep::SweepSpec {
        base: request.clone(),
        vary: vary.clone(),
        replicates: e.replicates.as_ref().map_or(200, |r| *r.get_ref()),
        seed: e.seed.as_ref().map_or(1, |s| *s.get_ref()),
        shard: None,
        jobs: 0,
    };
    let tally = crate::sweep::run(&spec, files, &|_| {})?;
    let (n, share) = match share(e, what, &tally) {
        Ok(found) => found,
        Err(problem) => return Ok(Err(problem)),
    };
    let (low, high) = (
        e.share_at_least.as_ref().map_or(0.0, |x| *x.get_ref()),
        e.share_at_most.as_ref().map_or(1.0, |x| *x.get_ref()),
    );
    let at: Vec<String> = vary
        .iter()
        .map(|(k, v)| format!("{k}={}", v.join("")))
        .collect();
    let on =
        e.on.as_ref()
            .map(|c| format!(" on {}", c.get_ref()))
            .unwrap_or_default();
    Ok(Ok((
        format!(
            "share of {n} worlds where {} is permitted{on} at {}: between {low} and {high}",
            what.get_ref(),
            at.join(", ")
        ),
        (low..=high).contains(&share),
        format!("{share:.4}"),
    )))
}

/// A sweep point's names and values as the axes of a one-point sweep, read against the run
/// (`world`) before the sweep is, and located at the `sweep` table when one is wrong.
pub(super) fn sweep_point(
    point: &Spanned<toml::Table>,
    world: &World,
) -> Result<Vec<(String, Vec<String>)>, Problem> {
    let mut vary: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in point.get_ref() {
        let value = match v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(x) => x.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => {
                return Err(Problem::error(
                    format!("`sweep.{k}` must be a string, a number or true or false"),
                    Some(point.span()),
                ));
            }
        };
        vary.push((k.clone(), vec![value]));
    }
    if let Err(p) = crate::sweep::axes(&vary, world) {
        let name = vary.get(p.axis).map_or("", |(n, _)| n.as_str());
        let mut problem =
            Problem::error(format!("`sweep.{name}`: {}", p.message), Some(point.span()));
        if let Some(help) = p.help {
            problem = problem.with_help(help);
        }
        return Err(problem);
    }
    Ok(vary)
}

/// The replicates of the sweep's one point, and the share of them in which `what` is
/// permitted (on the clause of `on`, when given).
pub(super) fn share(
    e: &Expectation,
    what: &Spanned<String>,
    tally: &crate::sweep::Tally,
) -> Result<(u32, f64), Problem> {
    let words = what
        .get_ref()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let prefix = format!("{words} at ");
    let Some(a) = tally.actions.iter().position(|l| l.starts_with(&prefix)) else {
        let actions = tally
            .actions
            .iter()
            .map(|l| l.split(" at ").next().unwrap_or(l));
        return Err(unknown_action(what, actions));
    };
    let Some(point) = tally.points.first() else {
        return Err(Problem::error("the sweep has no point", Some(what.span())));
    };
    let k = match &e.on {
        Some(clause) => {
            let grounds = tally.grounds.get(a);
            let g = grounds.and_then(|gs| gs.iter().position(|g| g == clause.get_ref()));
            let Some(g) = g else {
                let known = grounds.into_iter().flatten().map(String::as_str);
                let mut problem = Problem::error(
                    format!(
                        "no power `{}` could permit `{}`",
                        clause.get_ref(),
                        what.get_ref()
                    ),
                    Some(clause.span()),
                );
                if let Some(close) = did_you_mean(clause.get_ref(), known) {
                    problem = problem.with_help(format!("did you mean `{close}`?"));
                }
                return Err(problem);
            };
            point
                .permitted_on
                .get(a)
                .and_then(|x| x.get(g))
                .copied()
                .unwrap_or(0)
        }
        None => point.permitted.get(a).copied().unwrap_or(0),
    };
    let share = if point.n == 0 {
        0.0
    } else {
        f64::from(k) / f64::from(point.n)
    };
    Ok((point.n, share))
}
