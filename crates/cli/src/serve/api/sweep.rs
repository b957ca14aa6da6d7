//! `POST /api/sweep`: a sweep cut into slices that take their turns one after the other, its
//! progress streamed as lines of JSON, the merged tally last.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use modsim_sim::{Request, SetupError};
use serde::Deserialize;
use serde_json::Value;

use super::{App, Refusal, RunBody, body};
use crate::serve::library::RunFiles;
use crate::serve::limits;
use crate::serve::views::{self, ProblemsView};

/// A sweep: a run's request, the axes and the replicates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepBody {
    run: RunBody,
    vary: Vec<(String, Vec<String>)>,
    replicates: u32,
    #[serde(default = "one")]
    seed: u64,
}

fn one() -> u64 {
    1
}

impl SweepBody {
    /// Checks the sweep's size before anything is read.
    fn within_limits(&self) -> Result<(), Refusal> {
        if self.replicates == 0 || self.replicates > limits::SWEEP_REPLICATES {
            return Err(Refusal::bad(
                format!(
                    "{} replicates is outside the server's limit of 1 to {}",
                    self.replicates,
                    limits::SWEEP_REPLICATES
                ),
                Some("run a larger sweep with `modsim sweep` on your own machine".into()),
            ));
        }
        if self.vary.len() > 4 {
            return Err(Refusal::bad("a sweep varies at most 4 names here", None));
        }
        let mut points: usize = 1;
        for (name, values) in &self.vary {
            if values.is_empty() {
                return Err(Refusal::bad(format!("`{name}` is given no value"), None));
            }
            points = points.saturating_mul(values.len());
            if name == "count" {
                for v in values {
                    if v.trim()
                        .parse::<usize>()
                        .map_or(true, |n| n > limits::SWEEP_POSTS)
                    {
                        return Err(Refusal::bad(
                            format!(
                                "`count={v}`: a sweep here draws at most {} posts per world",
                                limits::SWEEP_POSTS
                            ),
                            None,
                        ));
                    }
                }
            }
        }
        if points > limits::SWEEP_POINTS {
            return Err(Refusal::bad(
                format!(
                    "the grid has {points} points, over the server's limit of {}",
                    limits::SWEEP_POINTS
                ),
                Some("run a larger sweep with `modsim sweep` on your own machine".into()),
            ));
        }
        let replays = points as u64 * u64::from(self.replicates);
        if replays > limits::SWEEP_REPLAYS {
            return Err(Refusal::bad(
                format!(
                    "the sweep would replay {replays} worlds ({points} points × {} replicates), over the server's limit of {}",
                    self.replicates,
                    limits::SWEEP_REPLAYS
                ),
                Some(
                    "fewer replicates or fewer values; or `modsim sweep` on your own machine"
                        .into(),
                ),
            ));
        }
        Ok(())
    }
}

/// A sweep, answered as lines of JSON: `{"progress": done, "total": n}` as it runs, then
/// `{"result": {"tally", "rows"}}` or `{"problems": ...}`.
pub(super) async fn sweep(
    State(app): State<Arc<App>>,
    bytes: Result<Bytes, BytesRejection>,
) -> Response {
    let body: SweepBody = match body(bytes) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    if let Err(r) = body.within_limits() {
        return r.into_response();
    }
    let request = match body.run.request(&app.library) {
        Ok(r) => r,
        Err(r) => return r.into_response(),
    };
    let permit = match app.turns.sweep().await {
        Ok(p) => p,
        Err(b) => return Refusal::busy(b).into_response(),
    };
    let (lines, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(64);
    let shared = Arc::clone(&app);
    tokio::task::spawn_blocking(move || {
        let _turn = permit;
        let send = |v: Value| {
            let mut line = v.to_string();
            line.push('\n');
            let _ = lines.blocking_send(Ok(Bytes::from(line)));
        };
        match sweep_in_slices(&shared, &body, request, &send) {
            Ok(v) => send(serde_json::json!({ "result": v })),
            Err(problems) => send(serde_json::json!({ "problems": problems })),
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(receiver);
    (
        [(header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Runs the sweep slice by slice (shards of the replicates, which merge exactly into the
/// whole), telling progress after each, and stops past the time limit.
fn sweep_in_slices(
    app: &App,
    body: &SweepBody,
    base: Request,
    send: &dyn Fn(Value),
) -> Result<Value, ProblemsView> {
    let files = RunFiles {
        library: &app.library,
        edits: &body.run.edits,
    };
    // The model's own size, as edited, before any world is drawn.
    let prepared = modsim_sim::prepare(&base, &files).map_err(|e| match e {
        SetupError::Files(f) => views::problems(&f),
        SetupError::Usage { message, help } => views::usage(message, help),
    })?;
    if let Some(model) = &prepared.world.scenario.model
        && model.reports.count > limits::SWEEP_POSTS
    {
        return Err(views::usage(
            format!(
                "the scenario's model draws {} posts per world, over the server's limit of {}",
                model.reports.count,
                limits::SWEEP_POSTS
            ),
            None,
        ));
    }
    drop(prepared);
    let slices = body.replicates.div_ceil(limits::SWEEP_SLICE).max(1);
    let started = Instant::now();
    let mut tallies = Vec::new();
    let total = u64::from(body.replicates)
        * body
            .vary
            .iter()
            .map(|(_, v)| v.len() as u64)
            .product::<u64>();
    send(serde_json::json!({ "progress": 0, "total": total }));
    let done = std::sync::atomic::AtomicU64::new(0);
    for i in 1..=slices {
        if started.elapsed() > limits::SWEEP_TIME {
            return Err(views::usage(
                format!(
                    "the sweep ran past the server's limit of {} seconds",
                    limits::SWEEP_TIME.as_secs()
                ),
                Some(
                    "fewer replicates or fewer values; or `modsim sweep` on your own machine"
                        .into(),
                ),
            ));
        }
        let spec = modsim_sim::sweep::SweepSpec {
            base: base.clone(),
            vary: body.vary.clone(),
            replicates: body.replicates,
            seed: body.seed,
            shard: Some((i, slices)),
            jobs: 1,
        };
        let tally = modsim_sim::sweep::run(&spec, &files, &|p| {
            if matches!(p, modsim_sim::sweep::Progress::Tick) {
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        })
        .map_err(|e| match e {
            SetupError::Files(f) => views::problems(&f),
            SetupError::Usage { message, help } => views::usage(message, help),
        })?;
        tallies.push((format!("slice {} of {slices}", i + 1), tally));
        send(serde_json::json!({
            "progress": done.load(std::sync::atomic::Ordering::Relaxed),
            "total": total
        }));
    }
    let tally = modsim_sim::sweep::Tally::merge(tallies).map_err(|e| views::usage(e, None))?;
    Ok(serde_json::json!({ "tally": tally, "rows": tally.rows() }))
}
