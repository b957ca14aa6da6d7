//! Sweeps: a grid over parameters (of the scenario's model, of the policies, and judgment
//! calls) times Monte Carlo replicates drawn from the scenario's model.
//!
//! Replicate `r` draws its world from a stream determined by the sweep's seed and `r` alone,
//! the same at every grid point (common random numbers), so comparisons between points are
//! paired. Work units run in parallel, but results are collected in replicate order, so the
//! output is the same bytes whatever the number of threads. A shard `i/n` runs the replicates
//! `[(i-1)·R/n, i·R/n)` of every point and writes its raw tallies; [`Tally::merge`] puts the
//! shards back together into exactly the tallies of the whole run.

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

/// Most grid points (the product of the axes' lengths).
pub const MAX_POINTS: u64 = 10_000;
/// Most replays (grid points × replicates) one sweep, or one shard of it, may run.
pub const MAX_UNITS: u64 = 10_000_000;
/// Most earliest instants one sweep or shard keeps (replays × powers): its tallies' size.
pub const MAX_INSTANTS: u64 = 50_000_000;
/// Most posts one sweep or shard replays in all (replays × posts per world): its time.
pub const MAX_POST_REPLAYS: u64 = 10_000_000_000;

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
///
/// Every limit is checked before any world of the grid is built: the grid's size, the replays,
/// the instants kept and the posts replayed (each [`MAX_POINTS`], ...), and the threads. The
/// worlds are then built a batch of points at a time, so memory holds a few worlds, not the
/// grid's.
pub fn run(
    spec: &SweepSpec,
    files: &dyn Files,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Tally, SetupError> {
    let base = setup::prepare(&spec.base, files)?;
    let world = &base.world;
    let axes = axes(&spec.vary, world).map_err(|p| {
        let name = spec.vary.get(p.axis).map_or("", |(n, _)| n.as_str());
        usage(format!("`--vary {name}`: {}", p.message), p.help)
    })?;
    let deterministic = world.scenario.model.is_none();
    let replicates = if deterministic { 1 } else { spec.replicates };
    let (from, to) = slice(spec, replicates)?;
    let (actions, grounds, powers) = labels(world);
    let units = cost(world, &axes, to - from, powers.len())?;
    let threads = setup::threads(spec.jobs)?;
    check_parameter_values(spec, &axes, files)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| usage(format!("cannot start {threads} threads: {e}"), None))?;
    progress(Progress::Start(units));
    let grid = Grid {
        spec,
        axes: &axes,
        files,
        replicates: (from, to),
        labels: (&actions, &grounds, &powers),
    };
    let points = grid.run(&pool, threads, progress)?;
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
        points,
    })
}

fn usage(message: String, help: Option<String>) -> SetupError {
    SetupError::Usage { message, help }
}

/// The replicates `[from, to)` of the shard `spec` asks for, of `replicates` in all.
fn slice(spec: &SweepSpec, replicates: u32) -> Result<(u32, u32), SetupError> {
    if spec.replicates == 0 {
        return Err(usage(
            "a sweep needs at least one replicate, not `--replicates 0`".into(),
            Some("give `--replicates N` with N ≥ 1 (the default is 1000)".into()),
        ));
    }
    let (index, count) = spec.shard.unwrap_or((1, 1));
    if count == 0 || index == 0 || index > count {
        return Err(usage(
            format!("`--shard {index}/{count}` is not a slice"),
            Some("write `--shard I/N` with 1 ≤ I ≤ N".into()),
        ));
    }
    let end = |i: u32| (u64::from(replicates) * u64::from(i) / u64::from(count)) as u32;
    Ok((end(index - 1), end(index)))
}

/// What the sweep costs, checked against each limit before any of it is spent: the replays.
fn cost(world: &World, axes: &[Axis], per_point: u32, powers: usize) -> Result<u64, SetupError> {
    let points = axes
        .iter()
        .try_fold(1u64, |n, a| n.checked_mul(a.values.len() as u64))
        .filter(|n| *n <= MAX_POINTS)
        .ok_or_else(|| {
            let sizes: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
            let product = axes
                .iter()
                .fold(1u64, |n, a| n.saturating_mul(a.values.len() as u64));
            usage(
                format!(
                    "the grid has {} = {product} points, over the limit of {MAX_POINTS}",
                    sizes.join(" × ")
                ),
                Some("vary fewer names, or give each fewer values".into()),
            )
        })?;
    let units = points * u64::from(per_point);
    let split = || {
        Some("split the sweep with `--shard I/N` (each shard runs its slice of the replicates), or use fewer grid values or replicates".to_owned())
    };
    if units > MAX_UNITS {
        return Err(usage(
            format!("the sweep asks for {units} replays, over the limit of {MAX_UNITS}"),
            split(),
        ));
    }
    let instants = units.saturating_mul(powers as u64);
    if instants > MAX_INSTANTS {
        return Err(usage(
            format!(
                "the sweep would keep {instants} earliest instants ({units} replays × {powers} powers), over the limit of {MAX_INSTANTS}"
            ),
            split(),
        ));
    }
    let posts = posts_per_world(world, axes);
    let post_replays = units.saturating_mul(posts);
    if post_replays > MAX_POST_REPLAYS {
        return Err(usage(
            format!(
                "the sweep would replay {post_replays} posts ({units} replays × up to {posts} posts), over the limit of {MAX_POST_REPLAYS}"
            ),
            split(),
        ));
    }
    Ok(units)
}

/// Every value of a policy parameter's axis compiled once, before the grid's worlds are
/// built, so a bad one is found first, whichever point holds it.
fn check_parameter_values(
    spec: &SweepSpec,
    axes: &[Axis],
    files: &dyn Files,
) -> Result<(), SetupError> {
    for (a, axis) in axes.iter().enumerate() {
        if axis.kind != AxisKind::Parameter {
            continue;
        }
        for value in &axis.values {
            let mut values: Vec<String> = axes
                .iter()
                .map(|x| x.values.first().cloned().unwrap_or_default())
                .collect();
            if let Some(v) = values.get_mut(a) {
                v.clone_from(value);
            }
            point_world(spec, axes, &values, files)?;
        }
    }
    Ok(())
}

/// A sweep's grid, ready to run: what every point needs.
struct Grid<'a> {
    spec: &'a SweepSpec,
    axes: &'a [Axis],
    files: &'a dyn Files,
    /// The replicates `[from, to)` each point runs.
    replicates: (u32, u32),
    /// The actions, their grounds and the powers, as labels.
    labels: (&'a [String], &'a [Vec<String>], &'a [String]),
}

impl Grid<'_> {
    /// Runs every point, a batch of `threads` points at a time: their worlds built in grid
    /// order, their replicates run together in chunks and added to the tallies in replicate
    /// order, so the tallies are the same whatever the threads.
    fn run(
        &self,
        pool: &rayon::ThreadPool,
        threads: usize,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Vec<PointTally>, SetupError> {
        let (actions, grounds, powers) = self.labels;
        let (from, to) = self.replicates;
        // The first replicate, by number, whose replay failed, and why.
        let failed: std::sync::Mutex<Option<(u32, crate::ReplayError)>> =
            std::sync::Mutex::new(None);
        let grid = grid(self.axes);
        let mut tallies: Vec<PointTally> = Vec::with_capacity(grid.len());
        for batch in grid.chunks(threads) {
            let worlds: Vec<(World, Option<ScenarioModel>)> = batch
                .iter()
                .map(|values| {
                    point_world(self.spec, self.axes, values, self.files).map(|(_, w, m)| (w, m))
                })
                .collect::<Result<_, _>>()?;
            let mut batch_tallies: Vec<PointTally> = batch
                .iter()
                .map(|values| PointTally::empty(values, actions, grounds, powers, to - from))
                .collect();
            let mut start = from;
            while start < to {
                let end = to.min(start.saturating_add(CHUNK));
                let work: Vec<(usize, u32)> = (0..worlds.len())
                    .flat_map(|p| (start..end).map(move |r| (p, r)))
                    .collect();
                let results: Vec<Option<Replicate>> = pool.install(|| {
                    work.par_iter()
                        .map(|&(p, r)| {
                            let result = worlds.get(p).and_then(|(world, model)| {
                                let seed = replicate_seed(self.spec.seed, r);
                                replicate(world, model.as_ref(), seed, grounds)
                                    .map_err(|e| {
                                        if let Ok(mut first) = failed.lock()
                                            && first.as_ref().is_none_or(|(at, _)| r < *at)
                                        {
                                            *first = Some((r, e));
                                        }
                                    })
                                    .ok()
                            });
                            progress(Progress::Tick);
                            result
                        })
                        .collect()
                });
                for (&(p, _), result) in work.iter().zip(&results) {
                    if let (Some(t), Some(r)) = (batch_tallies.get_mut(p), result) {
                        t.add(r);
                    }
                }
                start = end;
            }
            tallies.extend(batch_tallies);
        }
        if let Some((r, e)) = failed.into_inner().ok().flatten() {
            return Err(usage(
                format!("replicate {r} of the sweep cannot compute {e}"),
                Some(match e.error {
                    modsim_policy::TimeError::OutOfRange => "shorten the policy's periods or the model's window: deadlines must fall within the range of instants".into(),
                    _ => "the model drew an instant whose deadline the clocks skip or repeat in the scenario's zone: write the policy's periods in hours (`720 hours` for 30 days), which always end at an instant that exists once".into(),
                }),
            ));
        }
        Ok(tallies)
    }
}

/// The most posts a world of the grid holds: the model's count (the largest a `count` axis
/// gives), or the scenario's posts.
fn posts_per_world(world: &World, axes: &[Axis]) -> u64 {
    let Some(model) = &world.scenario.model else {
        return world.scenario.posts.len() as u64;
    };
    let varied = axes
        .iter()
        .filter(|a| a.kind == AxisKind::Model && a.name == "count")
        .flat_map(|a| &a.values)
        .filter_map(|v| v.trim().parse::<u64>().ok())
        .max();
    varied.unwrap_or(model.reports.count as u64)
}

/// Replicates per point run together, then added to their point's tally in order.
const CHUNK: u32 = 1024;

impl PointTally {
    fn empty(
        values: &[String],
        actions: &[String],
        grounds: &[Vec<String>],
        powers: &[String],
        replicates: u32,
    ) -> PointTally {
        PointTally {
            values: values.to_vec(),
            n: 0,
            permitted: vec![0; actions.len()],
            permitted_on: grounds.iter().map(|g| vec![0; g.len()]).collect(),
            earliest: vec![Vec::with_capacity(replicates as usize); powers.len()],
        }
    }

    /// Adds the next replicate.
    fn add(&mut self, r: &Replicate) {
        self.n += 1;
        for (a, permitted) in r.permitted.iter().enumerate() {
            if let Some(count) = self.permitted.get_mut(a) {
                *count += u32::from(*permitted);
            }
        }
        for (a, on) in r.permitted_on.iter().enumerate() {
            for (g, yes) in on.iter().enumerate() {
                if let Some(count) = self.permitted_on.get_mut(a).and_then(|x| x.get_mut(g)) {
                    *count += u32::from(*yes);
                }
            }
        }
        for (w, at) in r.earliest.iter().enumerate() {
            if let Some(list) = self.earliest.get_mut(w) {
                list.push(*at);
            }
        }
    }
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
) -> Result<Replicate, crate::ReplayError> {
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
                .replay_quiet()?
        }
        None => world.replay_quiet()?,
    };
    Ok(Replicate {
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
                AxisKind::Assumption | AxisKind::Parameter => {}
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
fn axis_kind(name: &str, world: &World) -> Result<AxisKind, (String, Option<String>)> {
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
    /// Checks a tally read from a file before it is trusted: its schema and zone, its shard's
    /// place, its grid (the points of its axes, in order, within [`MAX_POINTS`]), and counts
    /// that fit it (each point ran its slice of the replicates; no count exceeds its runs; an
    /// earliest instant per power and run). A tampered or truncated file is refused, saying
    /// what does not fit.
    pub fn validate(&self) -> Result<(), String> {
        if self.schema != SCHEMA {
            return Err(format!("its schema is `{}`, not `{SCHEMA}`", self.schema));
        }
        if jiff::tz::TimeZone::get(&self.zone).is_err() {
            return Err(format!("its zone `{}` is not a known time zone", self.zone));
        }
        if self.replicates == 0 || (self.deterministic && self.replicates != 1) {
            return Err(format!(
                "it claims {} replicates{}",
                self.replicates,
                if self.deterministic {
                    " of a scenario without a model, which runs one"
                } else {
                    ""
                }
            ));
        }
        let (i, n) = self.shard.unwrap_or((1, 1));
        if i == 0 || n == 0 || i > n {
            return Err(format!("its shard `{i}/{n}` is not a slice: 1 ≤ I ≤ N"));
        }
        if self.grounds.len() != self.actions.len() {
            return Err("its grounds do not match its actions".into());
        }
        for (k, axis) in self.axes.iter().enumerate() {
            if axis.values.is_empty() {
                return Err(format!("its axis `{}` has no values", axis.name));
            }
            if self.axes.iter().take(k).any(|a| a.name == axis.name) {
                return Err(format!("its axis `{}` is given twice", axis.name));
            }
        }
        let points = self
            .axes
            .iter()
            .try_fold(1u64, |p, a| p.checked_mul(a.values.len() as u64))
            .filter(|p| *p <= MAX_POINTS)
            .ok_or_else(|| format!("its grid is over the limit of {MAX_POINTS} points"))?;
        if self.points.len() as u64 != points {
            return Err(format!(
                "it has {} points, but its axes make {points}",
                self.points.len()
            ));
        }
        let slice = |k: u32| u64::from(self.replicates) * u64::from(k) / u64::from(n);
        let runs = slice(i) - slice(i - 1);
        for (k, (point, values)) in self.points.iter().zip(grid(&self.axes)).enumerate() {
            self.validate_point(k + 1, point, &values, runs)?;
        }
        Ok(())
    }

    /// Checks the point numbered `at` (from 1), which ran `runs` replicates and stands at
    /// `values` of the grid.
    fn validate_point(
        &self,
        at: usize,
        point: &PointTally,
        values: &[String],
        runs: u64,
    ) -> Result<(), String> {
        if point.values != values {
            return Err(format!(
                "point {at} has the values {:?}, but the grid's point {at} is {values:?}",
                point.values
            ));
        }
        if u64::from(point.n) != runs {
            return Err(format!(
                "point {at} ran {} replicates, but its slice of {} is {runs}",
                point.n, self.replicates
            ));
        }
        let shaped = point.permitted.len() == self.actions.len()
            && point.permitted_on.len() == self.grounds.len()
            && point
                .permitted_on
                .iter()
                .zip(&self.grounds)
                .all(|(counts, grounds)| counts.len() == grounds.len())
            && point.earliest.len() == self.powers.len();
        if !shaped {
            return Err(format!(
                "point {at}'s counts do not match its actions, grounds and powers"
            ));
        }
        if point
            .permitted
            .iter()
            .chain(point.permitted_on.iter().flatten())
            .any(|count| *count > point.n)
        {
            return Err(format!(
                "point {at} counts more permitted replicates than the {} it ran",
                point.n
            ));
        }
        if point.earliest.iter().any(|e| e.len() as u64 != runs) {
            return Err(format!(
                "point {at} does not keep one earliest instant per power and replicate"
            ));
        }
        Ok(())
    }

    /// Puts shards, each named by its file, back together into the tallies of the whole
    /// sweep: every shard of one sweep, once each, each valid ([`Tally::validate`]).
    pub fn merge(shards: Vec<(String, Tally)>) -> Result<Tally, String> {
        for (name, shard) in &shards {
            shard.validate().map_err(|e| {
                format!("`{name}` is not a shard of a sweep as modsim writes it: {e}")
            })?;
        }
        let mut shards = shards;
        shards.sort_by_key(|(_, t)| t.shard.map_or(1, |(i, _)| i));
        let Some((first_name, first)) = shards.first() else {
            return Err("no shard to merge".into());
        };
        for (name, t) in &shards {
            let differs = [
                ("scenario", t.scenario != first.scenario),
                ("grid", t.axes != first.axes),
                ("replicates", t.replicates != first.replicates),
                ("model", t.deterministic != first.deterministic),
                ("seed", t.seed != first.seed),
                (
                    "actions",
                    t.actions != first.actions || t.grounds != first.grounds,
                ),
                ("powers", t.powers != first.powers),
                ("zone", t.zone != first.zone),
            ];
            if let Some((what, _)) = differs.iter().find(|(_, d)| *d) {
                return Err(format!(
                    "`{name}` is of another sweep than `{first_name}`: its {what} differs"
                ));
            }
        }
        let count = first.shard.map_or(1, |(_, n)| n);
        let given: Vec<String> = shards
            .iter()
            .map(|(_, t)| {
                t.shard
                    .map_or_else(|| "whole".into(), |(i, n)| format!("{i}/{n}"))
            })
            .collect();
        let complete = shards.len() as u64 == u64::from(count)
            && shards.iter().enumerate().all(|(k, (_, t))| {
                t.shard.map_or(1, |(i, _)| i) as usize == k + 1
                    && t.shard.map_or(1, |(_, n)| n) == count
            });
        if !complete {
            return Err(format!(
                "expected shards 1 to {count} of {count}, once each; got {}",
                given.join(", ")
            ));
        }
        let mut whole = first.clone();
        whole.shard = None;
        let overflow = || "the shards' counts overflow".to_owned();
        for (_, shard) in shards.iter().skip(1) {
            for (w, s) in whole.points.iter_mut().zip(&shard.points) {
                w.n = w.n.checked_add(s.n).ok_or_else(overflow)?;
                for (a, b) in w.permitted.iter_mut().zip(&s.permitted) {
                    *a = a.checked_add(*b).ok_or_else(overflow)?;
                }
                for (a, b) in w.permitted_on.iter_mut().zip(&s.permitted_on) {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x = x.checked_add(*y).ok_or_else(overflow)?;
                    }
                }
                for (a, b) in w.earliest.iter_mut().zip(&s.earliest) {
                    a.extend(b.iter().copied());
                }
            }
        }
        whole
            .validate()
            .map_err(|e| format!("the merged shards do not make a whole sweep: {e}"))?;
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

    /// A shard of a sweep over two points, 10 replicates in 2 shards, one action with one
    /// ground, one power.
    fn shard(i: u32) -> (String, Tally) {
        let point = |value: &str| PointTally {
            values: vec![value.into()],
            n: 5,
            permitted: vec![3],
            permitted_on: vec![vec![2]],
            earliest: vec![vec![Some(1_610_244_000), None, None, Some(0), None]],
        };
        let tally = Tally {
            schema: SCHEMA.into(),
            scenario: "s".into(),
            axes: vec![Axis {
                name: "removal_delay_median".into(),
                kind: AxisKind::Model,
                values: vec!["1h".into(), "24h".into()],
            }],
            replicates: 10,
            deterministic: false,
            seed: 7,
            shard: Some((i, 2)),
            actions: vec!["aws suspend parler at 2021-01-10T23:59:00-08:00".into()],
            grounds: vec![vec!["6.1(b)".into()]],
            powers: vec!["aws 6.1(b)".into()],
            zone: "America/Los_Angeles".into(),
            points: vec![point("1h"), point("24h")],
        };
        (format!("part{i}.json"), tally)
    }

    #[test]
    fn shards_merge_into_the_whole() {
        let whole = Tally::merge(vec![shard(2), shard(1)]).unwrap();
        assert_eq!(whole.shard, None);
        assert_eq!(whole.points[0].n, 10);
        assert_eq!(whole.points[1].permitted, [6]);
        assert_eq!(whole.points[0].earliest[0].len(), 10);
    }

    /// Regression (issue 13): `merge` trusted its inputs, so a shard count of `u32::MAX`
    /// aborted, counts near `u32::MAX` wrapped, `permitted` above `n` gave shares over 1 and
    /// a shard with fewer points was zipped short.
    #[test]
    fn tampered_or_mismatched_shards_are_refused() {
        type Tamper = fn(&mut Tally);
        let cases: &[(&str, Tamper)] = &[
            ("not a slice", |t| t.shard = Some((3, 2))),
            ("its slice of 10 is 0", |t| t.shard = Some((1, u32::MAX))),
            ("more permitted", |t| t.points[0].permitted[0] = u32::MAX),
            ("more permitted", |t| t.points[1].permitted_on[0][0] = 6),
            ("its axes make 2", |t| {
                t.points.pop();
            }),
            ("ran 4 replicates", |t| t.points[0].n = 4),
            ("one earliest instant", |t| {
                t.points[0].earliest[0].pop();
            }),
            ("do not match", |t| t.points[0].permitted.push(0)),
            ("the grid's point 2", |t| {
                t.points[1].values[0] = "72h".into()
            }),
            ("schema", |t| t.schema = "modsim.sweep/9".into()),
            ("zone", |t| t.zone = "Mars/Olympus".into()),
            ("given twice", |t| {
                let axis = t.axes[0].clone();
                t.axes.push(axis);
            }),
        ];
        for (expected, tamper) in cases {
            let (name, mut bad) = shard(1);
            tamper(&mut bad);
            let err = Tally::merge(vec![(name, bad), shard(2)]).unwrap_err();
            assert!(err.contains(expected), "{expected}: {err}");
        }
        let (name, mut other) = shard(2);
        other.seed = 8;
        let err = Tally::merge(vec![shard(1), (name, other)]).unwrap_err();
        assert!(err.contains("its seed differs"), "{err}");
        let err = Tally::merge(vec![shard(1)]).unwrap_err();
        assert!(err.contains("expected shards 1 to 2"), "{err}");
        let err = Tally::merge(vec![shard(1), shard(1)]).unwrap_err();
        assert!(err.contains("once each"), "{err}");
    }

    #[test]
    fn replicate_seeds_differ_and_repeat() {
        assert_eq!(replicate_seed(7, 3), replicate_seed(7, 3));
        assert_ne!(replicate_seed(7, 3), replicate_seed(7, 4));
        assert_ne!(replicate_seed(7, 3), replicate_seed(8, 3));
    }
}
