//! `modsim diff`: a search for the smallest timeline on which two rule sets part ways.
//!
//! Two sides, A and B, each one policy (a policy file, or a policy with reforms applied): two
//! documents, a policy and a reform of it, or a student's encoding and the reference. The search
//! generates candidate timelines from the policies themselves (`generate.rs`), replays each on
//! both sides apart (quietly, without explanations) and compares the outcomes (`pair.rs`): a
//! verdict, its grounds, the earliest instant of an action or a power, a duty's history. The
//! first candidate on which they differ is shrunk (`shrink.rs`) to a smallest timeline that
//! keeps the difference, and replayed once more on both sides with explanations, for the
//! report.
//!
//! It never claims equivalence: when no candidate differs, it says how many it tried.
//!
//! Determinism: candidate `i` depends on the seed and `i` alone; candidates are judged in fixed
//! rounds of [`ROUND`], split into chunks of [`CHUNK`] that run on the rayon pool, and the first
//! difference is the one of lowest index. A round is finished before the next starts, so the
//! difference found, and the count of timelines tried to find it, are the same whatever the
//! number of threads. A search limited by time (`--time`) stops between rounds; the sim crate
//! never reads the clock itself, its caller's `stop` does.

mod generate;
pub mod grade;
mod located;
mod pair;
pub mod scenario_file;
mod shrink;
mod template;
mod timeline;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use modsim_policy::{FileProblems, Overrides, Policy, PolicyDoc};
use rayon::prelude::*;
use serde::Serialize;

use crate::bind::World;
use crate::compare::{Differs, LabelledReport};
use crate::report;
use crate::scenario::{self, Files, Scenario};
use crate::setup::{self, InForce, SetupError};
use generate::{Binding, Catalog, Generator};
use pair::Pair;
use timeline::Timeline;

pub use generate::SMALL;
pub use pair::Class;
pub use timeline::Size;

/// Schema of the diff's JSON.
pub const SCHEMA: &str = "modsim.diff/1";

/// Timelines a search tries unless told otherwise.
pub const DEFAULT_BUDGET: u64 = 100_000;

/// The most timelines one search may try.
pub const MAX_BUDGET: u64 = 1_000_000_000;

/// Candidates judged per round; a search stops (found, out of time) only between rounds.
pub const ROUND: u64 = 4096;

/// Candidates per unit of parallel work.
pub const CHUNK: u64 = 64;

/// The zone of a timeline made without a scenario: the seeds' own.
pub const ZONE: &str = "America/Los_Angeles";

/// The first instant of a timeline made without a scenario: Monday 4 January 2021, 09:00, in
/// [`ZONE`] (the week of the seed's dispute, before a federal holiday and a daylight-saving
/// change that the generator also starts from).
pub const START: &str = "2021-01-04 09:00";

/// One side of a diff: a policy, with reforms applied in order.
#[derive(Clone, Debug)]
pub struct SideSpec {
    /// How the side is named to the reader (its file, or `policy + reform`).
    pub label: String,
    /// The policy file; `None` for the scenario's own (it must put exactly one in force).
    pub policy: Option<String>,
    /// Reform files applied to it, in order.
    pub reforms: Vec<String>,
}

/// What a diff asks for.
#[derive(Clone, Debug)]
pub struct DiffSpec {
    /// Side A, the baseline.
    pub a: SideSpec,
    /// Side B.
    pub b: SideSpec,
    /// A scenario whose timeline and `[model]` the candidates start from.
    pub scenario: Option<String>,
    /// The seed of the candidates' streams.
    pub seed: u64,
}

/// What a search tells its caller as it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The budget: how many timelines it may try.
    Start(u64),
    /// That many more timelines tried.
    Tried(u64),
}

/// Why a search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// A timeline on which the sides differ was found.
    Found,
    /// Every timeline of the budget was tried.
    Budget,
    /// The caller's time ran out.
    Time,
}

/// A side, as the report names it.
#[derive(Clone, Debug, Serialize)]
pub struct SideInfo {
    /// As the reader named it.
    pub label: String,
    /// The policy's id.
    pub policy: String,
    /// Its file.
    pub file: String,
    /// The reforms applied, by id.
    pub reforms: Vec<String>,
}

/// The answer of a diff.
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Side A, the baseline.
    pub a: SideInfo,
    /// Side B.
    pub b: SideInfo,
    /// The scenario the candidates started from, if any.
    pub scenario: Option<String>,
    /// The seed of the candidates.
    pub seed: u64,
    /// How many timelines the search could try.
    pub budget: u64,
    /// How many it tried: up to and including the first that differs, when one does.
    pub tried: u64,
    /// Of those, how many could not be replayed on a side (a deadline in a daylight-saving gap
    /// or fold), and were passed over.
    pub skipped: u64,
    /// Why it ended.
    pub stopped: Stop,
    /// The smallest timeline found on which the sides differ, if one was.
    pub found: Option<Found>,
}

/// A timeline on which the sides differ, shrunk, with both sides' reports.
#[derive(Clone, Debug, Serialize)]
pub struct Found {
    /// The number of the first candidate that differed.
    pub candidate: u64,
    /// That candidate's size.
    pub found_size: Size,
    /// The shrunk timeline's size.
    pub size: Size,
    /// Pairs of replays the shrinking took.
    pub shrink_replays: u64,
    /// How the sides differ on the shrunk timeline, most telling first (A is the baseline).
    pub differences: Vec<Differs>,
    /// The shrunk timeline's posts, with their labels (its other events are each report's
    /// `events`).
    pub posts: Vec<PostEntry>,
    /// Each side's report on the shrunk timeline, with explanations: A's, then B's.
    pub runs: Vec<LabelledReport>,
    /// The shrunk timeline's scenario, which `modsim run` replays.
    #[serde(skip)]
    pub scenario: Scenario,
}

/// A post of a shrunk timeline.
#[derive(Clone, Debug, Serialize)]
pub struct PostEntry {
    /// Its id.
    pub id: crate::scenario::PostId,
    /// Its labels.
    pub labels: Vec<String>,
    /// Its author, if it has one.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub author: crate::scenario::PostId,
    /// Its severity, if not 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub severity: i64,
    /// Its reach, if not 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub reach: i64,
    /// When it was published.
    pub published: Timestamp,
    /// When it was reported, if it was.
    pub reported: Option<Timestamp>,
    /// When it was removed, if it was.
    pub removed: Option<Timestamp>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// The outcome of judging candidates `from..to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scan {
    /// The first candidate on which the sides differ, with the class of its most telling
    /// difference.
    pub first: Option<(u64, Class)>,
    /// Candidates passed over (a replay failed) before the first difference, or in all.
    pub skipped: u64,
}

/// A prepared search: both sides compiled and bound, the generator ready.
#[derive(Debug)]
pub struct Search {
    pair: Pair,
    generator: Generator,
    sides: [SideInfo; 2],
    scenario: Option<String>,
    seed: u64,
    /// Timelines start from a scenario's (otherwise they are made up whole).
    from_scenario: bool,
    /// Each side's document, which locates its clauses in its files.
    docs: Vec<PolicyDoc>,
    /// Warnings found compiling the policies, each in its file.
    pub warnings: FileProblems,
}

impl Search {
    /// Reads and compiles both sides (and the scenario), every problem together.
    pub fn prepare(spec: &DiffSpec, files: &dyn Files) -> Result<Search, SetupError> {
        let scenario = match &spec.scenario {
            Some(path) => Some(read_scenario(path, files)?),
            None => None,
        };
        let mut problems = FileProblems::default();
        let mut compiled = Vec::new();
        let mut docs = Vec::new();
        for side in [&spec.a, &spec.b] {
            if let Some((policy, doc)) = compile(side, scenario.as_ref(), files, &mut problems)? {
                compiled.push(Arc::new(policy));
                docs.push(doc);
            }
        }
        if problems.has_errors() {
            return Err(SetupError::Files(problems));
        }
        let warnings = problems;
        let (Some(a), Some(b)) = (compiled.first().cloned(), compiled.get(1).cloned()) else {
            return Err(SetupError::Usage {
                message: "a diff needs two sides".into(),
                help: None,
            });
        };
        let from_scenario = scenario.is_some();
        let (template, base) = match scenario {
            Some(s) => template::of_scenario(s, &a, &b, spec.seed),
            None => (template::made_up(&a, &b, spec.seed)?, None),
        };
        let start = template::start(&template, base.as_ref());
        let pair = Pair::new(template, a, b);
        let catalog = Catalog::new(
            [
                Binding {
                    policy: &pair.sides[0],
                    parties: &pair.parties[0],
                    every: &pair.every[0],
                },
                Binding {
                    policy: &pair.sides[1],
                    parties: &pair.parties[1],
                    every: &pair.every[1],
                },
            ],
            &pair.template.labels,
            &pair.template.parties,
            &pair.template.zone,
            start,
        );
        let info = |side: &SideSpec, policy: &Policy| SideInfo {
            label: side.label.clone(),
            policy: policy.id.clone(),
            file: policy.file.clone(),
            reforms: policy.reforms.clone(),
        };
        Ok(Search {
            sides: [info(&spec.a, &pair.sides[0]), info(&spec.b, &pair.sides[1])],
            generator: Generator::new(catalog, base, spec.seed),
            pair,
            scenario: spec.scenario.clone(),
            seed: spec.seed,
            from_scenario,
            docs,
            warnings,
        })
    }

    /// Candidate timeline number `index`.
    fn candidate(&self, index: u64) -> Timeline {
        self.generator.candidate(index, &self.pair.template.labels)
    }

    /// Judges candidates `from..to` on the current rayon pool, in chunks of [`CHUNK`]: the
    /// first on which the sides differ, by index, whatever the number of threads.
    pub fn scan(&self, from: u64, to: u64) -> Scan {
        let chunks: Vec<(u64, u64)> = (from..to)
            .step_by(CHUNK as usize)
            .map(|s| (s, (s + CHUNK).min(to)))
            .collect();
        // The lowest difference found so far: chunks wholly after it need not finish.
        let best = AtomicU64::new(u64::MAX);
        let results: Vec<Scan> = chunks
            .par_iter()
            .map(|&(start, end)| {
                let mut skipped = 0;
                for i in start..end {
                    if i > best.load(Ordering::Relaxed) {
                        break;
                    }
                    match self.pair.judge(&self.candidate(i)) {
                        Ok(Some(class)) => {
                            best.fetch_min(i, Ordering::Relaxed);
                            return Scan {
                                first: Some((i, class)),
                                skipped,
                            };
                        }
                        Ok(None) => {}
                        Err(_) => skipped += 1,
                    }
                }
                Scan {
                    first: None,
                    skipped,
                }
            })
            .collect();
        // Chunks are in order: the first that found a difference holds the lowest, and the
        // chunks before it ran whole.
        let mut total = Scan {
            first: None,
            skipped: 0,
        };
        for r in results {
            total.skipped += r.skipped;
            if r.first.is_some() {
                total.first = r.first;
                break;
            }
        }
        total
    }

    /// How many of candidates `from..to` the sides differ on, and how many were passed over:
    /// every candidate judged, none skipped for having found one (what a benchmark measures).
    pub fn count_differing(&self, from: u64, to: u64) -> (u64, u64) {
        (from..to)
            .into_par_iter()
            .map(|i| match self.pair.judge(&self.candidate(i)) {
                Ok(Some(_)) => (1, 0),
                Ok(None) => (0, 0),
                Err(_) => (0, 1),
            })
            .reduce(|| (0, 0), |x, y| (x.0 + y.0, x.1 + y.1))
    }

    /// Searches up to `budget` timelines on `jobs` threads (0: one per core), asking `stop`
    /// between rounds whether to go on, then shrinks and explains the first difference.
    pub fn run(
        &self,
        budget: u64,
        jobs: usize,
        progress: &(dyn Fn(Progress) + Sync),
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Diff, SetupError> {
        let usage = |message: String| SetupError::Usage {
            message,
            help: None,
        };
        if budget == 0 || budget > MAX_BUDGET {
            return Err(SetupError::Usage {
                message: format!("a budget of {budget} timelines"),
                help: Some(format!("try between 1 and {MAX_BUDGET} timelines")),
            });
        }
        let threads = setup::threads(jobs)?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| usage(format!("cannot start {threads} threads: {e}")))?;
        progress(Progress::Start(budget));
        let (mut from, mut skipped, mut stopped, mut first) = (0, 0, Stop::Budget, None);
        while from < budget {
            if from > 0 && stop() {
                stopped = Stop::Time;
                break;
            }
            let to = (from + ROUND).min(budget);
            let scan = pool.install(|| self.scan(from, to));
            skipped += scan.skipped;
            if let Some((i, class)) = scan.first {
                progress(Progress::Tried(i + 1 - from));
                first = Some((i, class));
                from = i + 1;
                stopped = Stop::Found;
                break;
            }
            progress(Progress::Tried(to - from));
            from = to;
        }
        let found = match first {
            Some((i, class)) => Some(self.explain(i, class)?),
            None => None,
        };
        let [a, b] = self.sides.clone();
        Ok(Diff {
            schema: SCHEMA,
            a,
            b,
            scenario: self.scenario.clone(),
            seed: self.seed,
            budget,
            tried: from,
            skipped,
            stopped,
            found,
        })
    }

    /// Shrinks candidate `index`, on which the sides differ with `class`, and replays the
    /// shrunk timeline on both sides with explanations.
    fn explain(&self, index: u64, class: Class) -> Result<Found, SetupError> {
        let found = self.candidate(index);
        let found_size = found.size();
        let (found, class) = shrink::promote(&self.pair, self.generator.actions(), found, class);
        let shrunk = shrink::shrink(&self.pair, found, class);
        let mut timeline = shrunk.timeline;
        if !self.from_scenario {
            // Made-up posts are named p1, p2, ... in order of publication, unless a condition
            // reads a post's id and the names matter.
            let renamed = renumbered(&timeline);
            if matches!(self.pair.judge(&renamed), Ok(Some(c)) if c <= class) {
                timeline = renamed;
            }
        }
        let [wa, wb] = self.pair.worlds(&timeline);
        let replay = |side: usize, w: &World| {
            w.replay()
                .map_err(|e| located::replay_error(self, side, &e, &timeline))
        };
        let (oa, ob) = (replay(0, &wa)?, replay(1, &wb)?);
        let differences = self.pair.differences(&oa, &ob);
        let [sa, sb] = &self.sides;
        let posts = timeline
            .posts
            .iter()
            .map(|p| PostEntry {
                id: p.id.clone(),
                labels: p
                    .labels
                    .indices()
                    .filter_map(|i| timeline.labels.get(i).cloned())
                    .collect(),
                author: p.author.clone(),
                severity: p.severity,
                reach: p.reach,
                published: p.published,
                reported: p.reported,
                removed: p.removed,
            })
            .collect();
        Ok(Found {
            candidate: index,
            found_size,
            size: timeline.size(),
            shrink_replays: shrunk.replays,
            differences,
            posts,
            runs: vec![
                LabelledReport {
                    label: sa.label.clone(),
                    report: report::build(&wa, &oa),
                },
                LabelledReport {
                    label: sb.label.clone(),
                    report: report::build(&wb, &ob),
                },
            ],
            scenario: wa.scenario,
        })
    }
}

/// The timeline with its posts named p1, p2, ... in order of publication.
fn renumbered(t: &Timeline) -> Timeline {
    let mut t = t.clone();
    t.posts.sort_by_key(|p| p.published);
    let mut names = Vec::with_capacity(t.posts.len());
    for (k, p) in t.posts.iter_mut().enumerate() {
        let new = smol_str::format_smolstr!("p{}", k + 1);
        names.push((std::mem::replace(&mut p.id, new.clone()), new));
    }
    for n in &mut t.notices {
        for id in &mut n.posts {
            if let Some((_, new)) = names.iter().find(|(old, _)| old == id) {
                *id = new.clone();
            }
        }
    }
    t
}

/// Reads a scenario whose timeline the candidates start from.
fn read_scenario(path: &str, files: &dyn Files) -> Result<Scenario, SetupError> {
    let text = files.read(path).map_err(|e| SetupError::Usage {
        message: format!("cannot read the scenario `{path}`: {e}"),
        help: Some("name a scenario file, or a folder holding `scenario.toml`".into()),
    })?;
    scenario::load(path, &text, files).map_err(|failure| SetupError::Files(failure.problems))
}

/// Reads, reforms and compiles one side (its policy file, or the scenario's only policy) as a
/// run does, its problems added to `problems`: the policy, with the document it was compiled
/// from (which locates its clauses); `None` when it has errors.
fn compile(
    side: &SideSpec,
    scenario: Option<&Scenario>,
    files: &dyn Files,
    problems: &mut FileProblems,
) -> Result<Option<(Policy, PolicyDoc)>, SetupError> {
    let in_force = match (&side.policy, scenario) {
        (Some(p), _) => InForce::CommandLine(vec![p.clone()]),
        (None, Some(s)) if s.policies.len() == 1 => InForce::Scenario(
            s.policies.iter().map(|p| p.file.clone()).collect(),
            s.places.clone(),
        ),
        (None, _) => {
            return Err(SetupError::Usage {
                message: format!(
                    "side `{}` is the scenario's own policy, but the scenario puts {} in force",
                    side.label,
                    scenario.map_or(0, |s| s.policies.len())
                ),
                help: Some("name the policy of each side".into()),
            });
        }
    };
    let (docs, all_read) = setup::policies(&in_force, &side.reforms, files, problems);
    if !all_read {
        return Ok(None);
    }
    let mut compiled = None;
    for doc in &docs {
        match doc.compile(&Overrides::default()) {
            Ok((policy, found)) => {
                problems.extend(found);
                compiled = Some((policy, doc.clone()));
            }
            Err(found) => problems.append(found),
        }
    }
    Ok(compiled)
}

#[cfg(test)]
mod tests;
