//! Sweeps: a grid over parameters (of the scenario's model, of the policies, and judgment
//! calls) times Monte Carlo replicates drawn from the scenario's model.
//!
//! Replicate `r` draws its world from a stream determined by the sweep's seed and `r` alone,
//! the same at every grid point (common random numbers), so comparisons between points are
//! paired. Work units run in parallel, but results are collected in replicate order, so the
//! output is the same bytes whatever the number of threads. A shard `i/n` runs the replicates
//! `[(i-1)·R/n, i·R/n)` of every point and writes its raw tallies; [`Tally::merge`] puts the
//! shards back together into exactly the tallies of the whole run.

use std::sync::atomic::{AtomicBool, Ordering};

use jiff::Timestamp;
use modsim_policy::{Overrides, rfc3339};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::bind::World;
use crate::model::{self, ScenarioModel};
use crate::scenario::Files;
use crate::setup::{self, Request, SetupError};

/// Schema of a sweep's tallies (a shard file, or the JSON output).
pub const SCHEMA: &str = "modsim.sweep/1";

/// Most work units (grid points × replicates) one sweep may run.
pub const MAX_UNITS: u64 = 100_000_000;

/// What a sweep asks for.
#[derive(Clone, Debug)]
pub struct SweepSpec {
    /// The baseline run: scenario, policies, reforms, overrides.
    pub base: Request,
    /// The axes of the grid: a name and its values, the first axis outermost.
    pub vary: Vec<(String, Vec<String>)>,
    /// Replicates per grid point.
    pub replicates: u32,
    /// The seed of every replicate's stream.
    pub seed: u64,
    /// `(i, n)`: run the `i`th of `n` slices (1-based).
    pub shard: Option<(u32, u32)>,
    /// Threads; 0 for as many as the machine has.
    pub jobs: usize,
}

/// What kind of name an axis varies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AxisKind {
    /// A parameter of the scenario's model.
    Model,
    /// A parameter of a policy.
    Parameter,
    /// A judgment call.
    Assumption,
}

/// One axis of the grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Axis {
    /// The name varied.
    pub name: String,
    /// What it names.
    pub kind: AxisKind,
    /// Its values, in order.
    pub values: Vec<String>,
}

/// The raw tallies of a sweep (or of one shard): what is merged and what every output is
/// computed from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// The scenario's id.
    pub scenario: String,
    /// The grid's axes.
    pub axes: Vec<Axis>,
    /// Replicates per point in the whole sweep.
    pub replicates: u32,
    /// True when the scenario has no model, so every replicate is the same world and one is run.
    pub deterministic: bool,
    /// The seed.
    pub seed: u64,
    /// `[i, n]` for a shard; absent for a whole sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<(u32, u32)>,
    /// The judged actions, as labels.
    pub actions: Vec<String>,
    /// For each action, the clauses of the powers that could permit it.
    pub grounds: Vec<Vec<String>>,
    /// The powers, as `policy clause` labels.
    pub powers: Vec<String>,
    /// The scenario's time zone, to show instants.
    pub zone: String,
    /// One per grid point, in grid order.
    pub points: Vec<PointTally>,
}

/// The tallies of one grid point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointTally {
    /// The value of each axis.
    pub values: Vec<String>,
    /// Replicates run.
    pub n: u32,
    /// For each action: replicates in which it was permitted.
    pub permitted: Vec<u32>,
    /// For each action and each of its grounds: replicates in which that power permitted it.
    pub permitted_on: Vec<Vec<u32>>,
    /// For each power: its earliest instant (Unix seconds) in each replicate, in replicate
    /// order; `null` for never.
    pub earliest: Vec<Vec<Option<i64>>>,
}

/// What a sweep tells its caller as it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The number of replays about to run.
    Start(u64),
    /// One more replay done.
    Tick,
}

/// Runs a sweep, reporting its progress to `progress`.
pub fn run(
    spec: &SweepSpec,
    files: &dyn Files,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Tally, SetupError> {
    let usage = |message: String, help: Option<String>| SetupError::Usage { message, help };
    let base = setup::prepare(&spec.base, files)?;
    let world = &base.world;
    let axes = classify(&spec.vary, world)?;
    let deterministic = world.scenario.model.is_none();
    if deterministic && axes.iter().any(|a| a.kind == AxisKind::Model) {
        return Err(usage(
            format!(
                "the scenario `{}` has no `[model]` to vary",
                world.scenario.id
            ),
            Some(
                "vary policy parameters or judgment calls, or add a `[model]` to the scenario"
                    .into(),
            ),
        ));
    }
    let replicates = if deterministic {
        1
    } else {
        spec.replicates.max(1)
    };
    let (shard_index, shard_count) = spec.shard.unwrap_or((1, 1));
    if shard_count == 0 || shard_index == 0 || shard_index > shard_count {
        return Err(usage(
            format!("`--shard {shard_index}/{shard_count}` is not a slice"),
            Some("write `--shard I/N` with 1 ≤ I ≤ N".into()),
        ));
    }
    let slice = |i: u32| (u64::from(replicates) * u64::from(i) / u64::from(shard_count)) as u32;
    let (from, to) = (slice(shard_index - 1), slice(shard_index));

    // One prepared world per grid point: policies compiled once per point.
    let grid = grid(&axes);
    let points: Vec<(Vec<String>, World, Option<ScenarioModel>)> = grid
        .iter()
        .map(|values| point_world(spec, &axes, values, files))
        .collect::<Result<_, _>>()?;
    let units = (points.len() as u64).saturating_mul(u64::from(to - from));
    if units > MAX_UNITS {
        return Err(usage(
            format!("the sweep asks for {units} replays, over the limit of {MAX_UNITS}"),
            Some("use fewer grid values or replicates, or split it with `--shard I/N`".into()),
        ));
    }

    let (actions, grounds, powers) = labels(world);
    let threads = if spec.jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        spec.jobs
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| usage(format!("cannot start {threads} threads: {e}"), None))?;
    progress(Progress::Start(units));
    let failed = AtomicBool::new(false);
    let work: Vec<(usize, u32)> = (0..points.len())
        .flat_map(|p| (from..to).map(move |r| (p, r)))
        .collect();
    let results: Vec<Option<Replicate>> = pool.install(|| {
        work.par_iter()
            .map(|&(p, r)| {
                let result = points.get(p).and_then(|(_, world, model)| {
                    replicate(
                        world,
                        model.as_ref(),
                        replicate_seed(spec.seed, r),
                        &grounds,
                    )
                });
                if result.is_none() {
                    failed.store(true, Ordering::Relaxed);
                }
                progress(Progress::Tick);
                result
            })
            .collect()
    });
    if failed.load(Ordering::Relaxed) {
        return Err(usage(
            "a replicate's deadlines could not be computed (a daylight-saving gap or fold)".into(),
            None,
        ));
    }
    let per_point = (to - from) as usize;
    let mut tallies = Vec::with_capacity(points.len());
    for (p, (values, _, _)) in points.iter().enumerate() {
        let mut t = PointTally {
            values: values.clone(),
            n: 0,
            permitted: vec![0; actions.len()],
            permitted_on: grounds.iter().map(|g| vec![0; g.len()]).collect(),
            earliest: vec![Vec::with_capacity(per_point); powers.len()],
        };
        for r in results.iter().skip(p * per_point).take(per_point).flatten() {
            t.n += 1;
            for (a, permitted) in r.permitted.iter().enumerate() {
                if let Some(count) = t.permitted.get_mut(a) {
                    *count += u32::from(*permitted);
                }
            }
            for (a, on) in r.permitted_on.iter().enumerate() {
                for (g, yes) in on.iter().enumerate() {
                    if let Some(count) = t.permitted_on.get_mut(a).and_then(|x| x.get_mut(g)) {
                        *count += u32::from(*yes);
                    }
                }
            }
            for (w, at) in r.earliest.iter().enumerate() {
                if let Some(list) = t.earliest.get_mut(w) {
                    list.push(*at);
                }
            }
        }
        tallies.push(t);
    }
    Ok(Tally {
        schema: SCHEMA.into(),
        scenario: world.scenario.id.clone(),
        axes,
        replicates,
        deterministic,
        seed: spec.seed,
        shard: spec.shard.filter(|(_, n)| *n > 1),
        actions,
        grounds,
        powers,
        zone: world.scenario.zone_name.clone(),
        points: tallies,
    })
}

/// The seed of replicate `r`'s world: the same at every grid point.
pub fn replicate_seed(seed: u64, r: u32) -> u64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(u64::from(r));
    rng.next_u64()
}

struct Replicate {
    permitted: Vec<bool>,
    permitted_on: Vec<Vec<bool>>,
    earliest: Vec<Option<i64>>,
}

fn replicate(
    world: &World,
    model: Option<&ScenarioModel>,
    seed: u64,
    grounds: &[Vec<String>],
) -> Option<Replicate> {
    let outcome = match model {
        Some(m) => {
            let s = &world.scenario;
            let notice = s.notices.iter().position(|n| {
                s.reported_by.is_none_or(|b| n.from == b) && s.reported_to.is_none_or(|t| n.to == t)
            });
            let recorded = notice
                .and_then(|n| s.notices.get(n))
                .map_or(m.reports.cutoff, |n| n.at);
            let mut labels = s.labels.clone();
            let (posts, notice_at) = m.draw(seed, recorded, &mut labels);
            world
                .redrawn(posts, labels, notice.map(|n| (n, notice_at)))
                .replay_quiet()
                .ok()?
        }
        None => world.replay_quiet().ok()?,
    };
    Some(Replicate {
        permitted: outcome.verdicts.iter().map(|v| v.permitted).collect(),
        permitted_on: outcome
            .verdicts
            .iter()
            .zip(grounds)
            .map(|(v, gs)| {
                gs.iter()
                    .map(|g| v.grounds.iter().any(|x| &x.clause == g))
                    .collect()
            })
            .collect(),
        earliest: outcome
            .earliest
            .iter()
            .map(|e| e.at.map(|t| t.as_second()))
            .collect(),
    })
}

/// Decides what each varied name is: a model parameter, a policy parameter, or a judgment call.
fn classify(vary: &[(String, Vec<String>)], world: &World) -> Result<Vec<Axis>, SetupError> {
    let mut axes = Vec::new();
    for (name, values) in vary {
        let in_model = world.scenario.model.is_some() && model::PARAMETERS.contains(&name.as_str());
        let in_policy = world
            .policies
            .iter()
            .any(|b| b.policy.parameters.iter().any(|p| &p.name == name));
        let is_call = world
            .policies
            .iter()
            .any(|b| b.policy.assumptions.iter().any(|a| &a.name == name));
        let kind = match (in_model, in_policy, is_call) {
            (true, false, false) => AxisKind::Model,
            (false, true, false) => AxisKind::Parameter,
            (false, false, true) => AxisKind::Assumption,
            (false, false, false) => {
                let mut known: Vec<&str> = Vec::new();
                if world.scenario.model.is_some() {
                    known.extend(model::PARAMETERS);
                }
                for b in &world.policies {
                    known.extend(b.policy.parameters.iter().map(|p| p.name.as_str()));
                    known.extend(b.policy.assumptions.iter().map(|a| a.name.as_str()));
                }
                return Err(SetupError::Usage {
                    message: format!("`--vary {name}`: nothing of that name can be varied"),
                    help: Some(
                        match modsim_policy::diagnostic::did_you_mean(name, known.iter().copied()) {
                            Some(close) => format!("did you mean `{close}`?"),
                            None => format!(
                                "the names are {}",
                                known
                                    .iter()
                                    .map(|k| format!("`{k}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        },
                    ),
                });
            }
            _ => {
                return Err(SetupError::Usage {
                    message: format!("`--vary {name}`: the name is both a model and a policy name"),
                    help: Some("rename one of them".into()),
                });
            }
        };
        if values.is_empty() {
            return Err(SetupError::Usage {
                message: format!("`--vary {name}` has no values"),
                help: None,
            });
        }
        axes.push(Axis {
            name: name.clone(),
            kind,
            values: values.clone(),
        });
    }
    Ok(axes)
}

/// Every combination of the axes' values, the first axis outermost.
fn grid(axes: &[Axis]) -> Vec<Vec<String>> {
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

fn point_world(
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

fn labels(world: &World) -> (Vec<String>, Vec<Vec<String>>, Vec<String>) {
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

impl Tally {
    /// Puts shards back together, in shard order, into the tallies of the whole sweep.
    pub fn merge(mut shards: Vec<Tally>) -> Result<Tally, String> {
        shards.sort_by_key(|t| t.shard.map_or(0, |(i, _)| i));
        let Some(first) = shards.first() else {
            return Err("no shard to merge".into());
        };
        let count = first.shard.map_or(1, |(_, n)| n);
        let same = |t: &Tally| {
            t.scenario == first.scenario
                && t.axes == first.axes
                && t.replicates == first.replicates
                && t.seed == first.seed
                && t.actions == first.actions
                && t.powers == first.powers
        };
        if let Some(odd) = shards.iter().find(|t| !same(t)) {
            return Err(format!(
                "shard {} is of another sweep (scenario, grid, replicates, seed or policies differ)",
                odd.shard.map_or(1, |(i, _)| i)
            ));
        }
        let indices: Vec<u32> = shards
            .iter()
            .map(|t| t.shard.map_or(1, |(i, _)| i))
            .collect();
        if indices != (1..=count).collect::<Vec<_>>()
            || shards
                .iter()
                .any(|t| t.shard.map_or(1, |(_, n)| n) != count)
        {
            return Err(format!(
                "expected shards 1 to {count}, once each; got {indices:?}"
            ));
        }
        let mut whole = first.clone();
        whole.shard = None;
        for shard in shards.iter().skip(1) {
            for (w, s) in whole.points.iter_mut().zip(&shard.points) {
                w.n += s.n;
                for (a, b) in w.permitted.iter_mut().zip(&s.permitted) {
                    *a += b;
                }
                for (a, b) in w.permitted_on.iter_mut().zip(&s.permitted_on) {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x += y;
                    }
                }
                for (a, b) in w.earliest.iter_mut().zip(&s.earliest) {
                    a.extend(b.iter().copied());
                }
            }
        }
        Ok(whole)
    }

    /// The statistics of every point, as rows: what the text, CSV and JSON outputs show.
    pub fn rows(&self) -> Vec<Row> {
        let zone = jiff::tz::TimeZone::get(&self.zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let show = |secs: Option<i64>| match secs.and_then(|s| Timestamp::from_second(s).ok()) {
            Some(t) => rfc3339(t, &zone),
            None => "never".to_owned(),
        };
        let mut rows = Vec::new();
        for (p, point) in self.points.iter().enumerate() {
            for (a, action) in self.actions.iter().enumerate() {
                let k = point.permitted.get(a).copied().unwrap_or(0);
                rows.push(Row::share(p, point, "permitted", action.clone(), k));
                for (g, ground) in self.grounds.get(a).into_iter().flatten().enumerate() {
                    let k = point
                        .permitted_on
                        .get(a)
                        .and_then(|x| x.get(g))
                        .copied()
                        .unwrap_or(0);
                    rows.push(Row::share(
                        p,
                        point,
                        "permitted_on",
                        format!("{action} on {ground}"),
                        k,
                    ));
                }
            }
            for (w, power) in self.powers.iter().enumerate() {
                let mut values: Vec<Option<i64>> =
                    point.earliest.get(w).cloned().unwrap_or_default();
                // Never sorts last: a quantile that falls among the nevers is never.
                values.sort_by_key(|v| (v.is_none(), *v));
                let q = |f: f64| -> String {
                    if values.is_empty() {
                        return String::new();
                    }
                    let rank = ((f * values.len() as f64).ceil() as usize).clamp(1, values.len());
                    show(values.get(rank - 1).copied().flatten())
                };
                let never = values.iter().filter(|v| v.is_none()).count();
                rows.push(Row {
                    point: p,
                    values: point.values.clone(),
                    n: point.n,
                    kind: "earliest",
                    subject: power.clone(),
                    share: share(never as u32, point.n),
                    ci_low: String::new(),
                    ci_high: String::new(),
                    p10: q(0.1),
                    p50: q(0.5),
                    p90: q(0.9),
                });
            }
        }
        rows
    }

    /// The rows as CSV: `point`, one column per axis, `replicates`, `kind`, `subject`,
    /// `share` (of permitted replicates, or for `earliest` of replicates where it never
    /// opens), its 95% Wilson interval, and the quantiles of earliest instants.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["point".to_owned()];
        header.extend(self.axes.iter().map(|a| a.name.clone()));
        header.extend(
            [
                "replicates",
                "kind",
                "subject",
                "share",
                "ci_low",
                "ci_high",
                "p10",
                "p50",
                "p90",
            ]
            .map(str::to_owned),
        );
        w.write_record(&header)?;
        for row in self.rows() {
            let mut record = vec![(row.point + 1).to_string()];
            record.extend(row.values.iter().cloned());
            record.extend([
                row.n.to_string(),
                row.kind.to_owned(),
                row.subject,
                row.share,
                row.ci_low,
                row.ci_high,
                row.p10,
                row.p50,
                row.p90,
            ]);
            w.write_record(&record)?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// One statistic of one grid point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The point's index in the grid.
    pub point: usize,
    /// The axes' values at the point.
    pub values: Vec<String>,
    /// Replicates.
    pub n: u32,
    /// `permitted`, `permitted_on` or `earliest`.
    pub kind: &'static str,
    /// The action, action on a ground, or power.
    pub subject: String,
    /// Share of replicates: permitted, or (for `earliest`) never open; four decimals.
    pub share: String,
    /// 95% Wilson interval, low end.
    pub ci_low: String,
    /// 95% Wilson interval, high end.
    pub ci_high: String,
    /// 10th percentile of the earliest instant.
    pub p10: String,
    /// Median.
    pub p50: String,
    /// 90th percentile.
    pub p90: String,
}

impl Row {
    fn share(p: usize, point: &PointTally, kind: &'static str, subject: String, k: u32) -> Row {
        let (low, high) = wilson(k, point.n);
        Row {
            point: p,
            values: point.values.clone(),
            n: point.n,
            kind,
            subject,
            share: share(k, point.n),
            ci_low: format!("{low:.4}"),
            ci_high: format!("{high:.4}"),
            p10: String::new(),
            p50: String::new(),
            p90: String::new(),
        }
    }
}

fn share(k: u32, n: u32) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("{:.4}", f64::from(k) / f64::from(n))
    }
}

/// The 95% Wilson score interval of `k` successes in `n` trials.
pub fn wilson(k: u32, n: u32) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054_f64;
    let (n, p) = (f64::from(n), f64::from(k) / f64::from(n));
    let denominator = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / denominator;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_intervals() {
        let (lo, hi) = wilson(50, 100);
        assert!(
            (lo - 0.4038).abs() < 1e-4 && (hi - 0.5962).abs() < 1e-4,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson(0, 20);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.1 && hi < 0.2);
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }

    #[test]
    fn the_grid_is_the_product_first_axis_outermost() {
        let axes = vec![
            Axis {
                name: "a".into(),
                kind: AxisKind::Model,
                values: vec!["1".into(), "2".into()],
            },
            Axis {
                name: "b".into(),
                kind: AxisKind::Model,
                values: vec!["x".into(), "y".into(), "z".into()],
            },
        ];
        let g = grid(&axes);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], ["1", "x"]);
        assert_eq!(g[2], ["1", "z"]);
        assert_eq!(g[3], ["2", "x"]);
    }

    #[test]
    fn replicate_seeds_differ_and_repeat() {
        assert_eq!(replicate_seed(7, 3), replicate_seed(7, 3));
        assert_ne!(replicate_seed(7, 3), replicate_seed(7, 4));
        assert_ne!(replicate_seed(7, 3), replicate_seed(8, 3));
    }
}
