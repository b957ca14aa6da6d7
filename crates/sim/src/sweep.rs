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

mod axes;
mod tally;

use axes::*;
pub use axes::{AxisProblem, axes};
pub use tally::{Row, wilson};

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
    let (scenario, zone) = (world.scenario.id.clone(), world.scenario.zone_name.clone());
    let grid = Grid {
        spec,
        axes: &axes,
        files,
        replicates: (from, to),
        labels: (&actions, &grounds, &powers),
    };
    // Without an axis the grid's one point is the base world itself: not prepared again.
    let base = axes.is_empty().then_some(base.world);
    let points = grid.run(&pool, threads, base, progress)?;
    Ok(Tally {
        schema: SCHEMA.into(),
        scenario,
        axes,
        replicates,
        deterministic,
        seed: spec.seed,
        shard: spec.shard.filter(|(_, n)| *n > 1),
        actions,
        grounds,
        powers,
        zone,
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
    /// order (but for the one point of a grid without axes, whose world is `base`, the sweep's
    /// own), their replicates run together in chunks and added to the tallies in replicate
    /// order, so the tallies are the same whatever the threads.
    fn run(
        &self,
        pool: &rayon::ThreadPool,
        threads: usize,
        mut base: Option<World>,
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
                .map(|values| match base.take() {
                    Some(world) if values.is_empty() => {
                        let model = world.scenario.model.clone();
                        Ok((world, model))
                    }
                    _ => point_world(self.spec, self.axes, values, self.files)
                        .map(|(_, w, m)| (w, m)),
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

#[cfg(test)]
mod tests;
