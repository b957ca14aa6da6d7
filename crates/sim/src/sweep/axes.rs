//! The grid: each axis of `--vary` named and typed (model parameter, policy parameter, judgment call), the points, and the world of each point.

use super::*;
use modsim_policy::ParamValue;

/// Why an axis of a sweep cannot be varied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AxisProblem {
    /// The axis, by its place in the list given.
    pub axis: usize,
    /// What is wrong, without the name (the caller says where the axis came from).
    pub message: String,
    /// The fix.
    pub help: Option<String>,
}

/// Decides what each varied name is (a model parameter, a policy parameter, or a judgment
/// call) and reads the values that need no policy compiled: a name given twice, a value
/// listed twice, a model value out of its range, or a judgment call's value that is not
/// `true` or `false` is refused here, before any world is built.
pub fn axes(vary: &[(String, Vec<String>)], world: &World) -> Result<Vec<Axis>, AxisProblem> {
    let mut axes: Vec<Axis> = Vec::new();
    for (i, (name, values)) in vary.iter().enumerate() {
        let problem = |(message, help): (String, Option<String>)| AxisProblem {
            axis: i,
            message,
            help,
        };
        if axes.iter().any(|a| &a.name == name) {
            return Err(problem((
                "the name is varied twice".into(),
                Some(format!(
                    "give each name once, with all its values: `--vary {name}=V1,V2,...`"
                )),
            )));
        }
        let kind = axis_kind(name, world).map_err(problem)?;
        if values.is_empty() {
            return Err(problem(("it has no values".into(), None)));
        }
        for (k, value) in values.iter().enumerate() {
            if values.get(..k).is_some_and(|before| before.contains(value)) {
                return Err(problem((
                    format!("the value `{value}` is listed twice"),
                    Some("list each value once".into()),
                )));
            }
            match kind {
                AxisKind::Model => {
                    if let Some(m) = &world.scenario.model {
                        m.clone()
                            .set(name, value)
                            .map_err(|message| problem((message, None)))?;
                    }
                }
                AxisKind::Assumption if !matches!(value.as_str(), "true" | "false") => {
                    return Err(problem((
                        format!("`{value}` is not `true` or `false`"),
                        None,
                    )));
                }
                AxisKind::Parameter => parameter_value(name, value, world).map_err(problem)?,
                AxisKind::Assumption => {}
            }
        }
        axes.push(Axis {
            name: name.clone(),
            kind,
            values: values.clone(),
        });
    }
    Ok(axes)
}

/// What `name` names in `world`: a model parameter, a policy parameter or a judgment call;
/// or why it cannot be varied, and the fix.
/// Refuses a value of a varied policy parameter that is not of the parameter's kind (a
/// period for a period), so the problem names `--vary` rather than the `--set` it becomes.
fn parameter_value(name: &str, value: &str, world: &World) -> Result<(), (String, Option<String>)> {
    let default = world
        .policies
        .iter()
        .flat_map(|b| &b.policy.parameters)
        .find(|p| p.name == name)
        .map(|p| p.default);
    match (default, ParamValue::parse(value)) {
        (None, _) => Ok(()),
        (Some(default), Ok(v)) if v.same_kind(default) => Ok(()),
        (Some(default), Ok(_)) => Err((
            format!("`{value}` is not {}", default.kind()),
            Some(format!(
                "`{name}` is {}, such as `{default}`",
                default.kind()
            )),
        )),
        (Some(_), Err(help)) => Err((format!("`{value}` is not a value"), Some(help))),
    }
}

pub(super) fn axis_kind(name: &str, world: &World) -> Result<AxisKind, (String, Option<String>)> {
    let has_model = world.scenario.model.is_some();
    let in_model = model::PARAMETERS.contains(&name);
    let in_policy = world
        .policies
        .iter()
        .any(|b| b.policy.parameters.iter().any(|p| p.name == name));
    let is_call = world
        .policies
        .iter()
        .any(|b| b.policy.assumptions.iter().any(|a| a.name == name));
    match (has_model && in_model, in_policy, is_call) {
        (true, false, false) => Ok(AxisKind::Model),
        (false, true, false) => Ok(AxisKind::Parameter),
        (false, false, true) => Ok(AxisKind::Assumption),
        (false, false, false) if in_model => Err((
            format!(
                "the scenario `{}` has no `[model]` to vary",
                world.scenario.id
            ),
            Some(
                "vary policy parameters or judgment calls, or add a `[model]` to the scenario"
                    .into(),
            ),
        )),
        (false, false, false) => {
            let mut known: Vec<&str> = Vec::new();
            if has_model {
                known.extend(model::PARAMETERS);
            }
            for b in &world.policies {
                known.extend(b.policy.parameters.iter().map(|p| p.name.as_str()));
                known.extend(b.policy.assumptions.iter().map(|a| a.name.as_str()));
            }
            let help = match modsim_policy::diagnostic::did_you_mean(name, known.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None if known.is_empty() => {
                    "the scenario has no `[model]` and its policies no parameters or judgment calls"
                        .into()
                }
                None => format!(
                    "the names are {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            Err(("nothing of that name can be varied".into(), Some(help)))
        }
        _ => Err((
            "the name is both a model and a policy name".into(),
            Some("rename one of them".into()),
        )),
    }
}

/// Every combination of the axes' values, the first axis outermost.
pub(super) fn grid(axes: &[Axis]) -> Vec<Vec<String>> {
    let mut points = vec![Vec::new()];
    for axis in axes {
        points = points
            .into_iter()
            .flat_map(|p| {
                axis.values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(v.clone());
                    q
                })
            })
            .collect();
    }
    points
}

pub(super) fn point_world(
    spec: &SweepSpec,
    axes: &[Axis],
    values: &[String],
    files: &dyn Files,
) -> Result<(Vec<String>, World, Option<ScenarioModel>), SetupError> {
    let mut overrides: Overrides = spec.base.overrides.clone();
    for (axis, value) in axes.iter().zip(values) {
        match axis.kind {
            AxisKind::Parameter => overrides.set.push((axis.name.clone(), value.clone())),
            AxisKind::Assumption => {
                let v = match value.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(SetupError::Usage {
                            message: format!(
                                "`--vary {}`: `{value}` is not `true` or `false`",
                                axis.name
                            ),
                            help: None,
                        });
                    }
                };
                overrides.assume.push((axis.name.clone(), v));
            }
            AxisKind::Model => {}
        }
    }
    let request = Request {
        overrides,
        ..spec.base.clone()
    };
    let world = setup::prepare(&request, files)?.world;
    let mut model = world.scenario.model.clone();
    if let Some(m) = model.as_mut() {
        for (axis, value) in axes
            .iter()
            .zip(values)
            .filter(|(a, _)| a.kind == AxisKind::Model)
        {
            m.set(&axis.name, value)
                .map_err(|message| SetupError::Usage {
                    message: format!("`--vary {}`: {message}", axis.name),
                    help: None,
                })?;
        }
    }
    Ok((values.to_vec(), world, model))
}

pub(super) fn labels(world: &World) -> (Vec<String>, Vec<Vec<String>>, Vec<String>) {
    let s = &world.scenario;
    let mut actions: Vec<&crate::scenario::ActionEvent> = s.actions.iter().collect();
    actions.sort_by_key(|a| a.at);
    let action_labels = actions
        .iter()
        .map(|a| {
            format!(
                "{} {} {} at {}",
                s.party_id(a.actor),
                a.action,
                s.party_id(a.against),
                rfc3339(a.at, &s.zone)
            )
        })
        .collect();
    let grounds = actions
        .iter()
        .map(|a| {
            world
                .policies
                .iter()
                .flat_map(|b| {
                    b.policy
                        .powers
                        .iter()
                        .filter(move |w| {
                            b.parties.get(w.holder).copied().flatten() == Some(a.actor)
                                && b.parties.get(w.against).copied().flatten() == Some(a.against)
                                && w.action == a.action
                        })
                        .map(move |w| b.policy.power_clause(w).id.clone())
                })
                .collect()
        })
        .collect();
    let powers = world
        .policies
        .iter()
        .flat_map(|b| {
            b.policy
                .powers
                .iter()
                .map(move |w| format!("{} {}", b.policy.id, b.policy.power_clause(w).id))
        })
        .collect();
    (action_labels, grounds, powers)
}
