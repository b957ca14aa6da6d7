//! What one request may ask of the server, so that one student's sweep of a billion replicates
//! or a deliberately huge policy cannot stall the others: the size of a body and of each file
//! in it, how many runs go at once and how long one may wait for its turn, how long a run or a
//! sweep may take, and how large a sweep may be.
//!
//! Every limit is checked before the work it bounds: a body's size as it is read (axum's
//! `DefaultBodyLimit`), the files and the sweep's size before anything is parsed or replayed,
//! the wait for a turn by a semaphore with a time-out. A run that takes too long is answered
//! with an error at [`RUN_TIME`]; its thread keeps its turn until the replay ends, so the number
//! of replays at once never exceeds [`CONCURRENT_RUNS`]. A sweep runs in slices and stops at
//! the first slice that ends past [`SWEEP_TIME`].

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Largest request body, in bytes.
pub const BODY_BYTES: usize = 1024 * 1024;
/// Largest file in a request (an edited policy, reform, scenario or posts file), in bytes.
pub const FILE_BYTES: usize = 256 * 1024;
/// Most files a request may carry.
pub const FILES: usize = 8;
/// Most names in one of a request's lists (reforms, clauses taken out, parameters set, ...).
pub const NAMES: usize = 32;
/// Replays (runs, compares, checks, gradings) at once; the others wait their turn.
pub const CONCURRENT_RUNS: usize = 2;
/// Sweeps at once.
pub const CONCURRENT_SWEEPS: usize = 1;
/// Requests waiting for a turn at once; past it, the server answers "busy" at once.
pub const WAITING: usize = 256;
/// How long a request waits for its turn.
pub const QUEUE_WAIT: Duration = Duration::from_secs(10);
/// How long a run, compare, check or grading may take.
pub const RUN_TIME: Duration = Duration::from_secs(10);
/// The longest a grading's search against a key's reference runs, within [`RUN_TIME`]: it
/// stops between rounds once this has passed (so how many timelines it tries depends on the
/// machine; a counterexample found is the same).
pub const GRADE_SEARCH_TIME: Duration = Duration::from_secs(4);
/// How long a sweep may take.
pub const SWEEP_TIME: Duration = Duration::from_secs(30);
/// Most replicates per grid point of a sweep.
pub const SWEEP_REPLICATES: u32 = 2_000;
/// Most grid points of a sweep.
pub const SWEEP_POINTS: usize = 40;
/// Most replays of a sweep in all (points × replicates).
pub const SWEEP_REPLAYS: u64 = 20_000;
/// Most posts a sweep's model may draw per world.
pub const SWEEP_POSTS: usize = 5_000;
/// Replicates per slice of a sweep: the grain of its progress and of its time limit.
pub const SWEEP_SLICE: u32 = 100;

/// The limits, as the browser is told them.
#[derive(Debug, Serialize)]
pub struct Limits {
    body_bytes: usize,
    file_bytes: usize,
    files: usize,
    run_seconds: u64,
    sweep_seconds: u64,
    sweep_replicates: u32,
    sweep_points: usize,
    sweep_replays: u64,
}

/// The limits in force.
pub fn limits() -> Limits {
    Limits {
        body_bytes: BODY_BYTES,
        file_bytes: FILE_BYTES,
        files: FILES,
        run_seconds: RUN_TIME.as_secs(),
        sweep_seconds: SWEEP_TIME.as_secs(),
        sweep_replicates: SWEEP_REPLICATES,
        sweep_points: SWEEP_POINTS,
        sweep_replays: SWEEP_REPLAYS,
    }
}

/// Turns for the work that replays: runs, and sweeps apart.
#[derive(Debug)]
pub struct Turns {
    runs: std::sync::Arc<Semaphore>,
    sweeps: std::sync::Arc<Semaphore>,
    waiting: AtomicUsize,
}

/// Why no turn was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// Too many requests already wait.
    Full,
    /// The wait ran past [`QUEUE_WAIT`].
    Waited,
}

impl Default for Turns {
    fn default() -> Turns {
        Turns {
            runs: std::sync::Arc::new(Semaphore::new(CONCURRENT_RUNS)),
            sweeps: std::sync::Arc::new(Semaphore::new(CONCURRENT_SWEEPS)),
            waiting: AtomicUsize::new(0),
        }
    }
}

impl Turns {
    /// A turn to replay.
    pub async fn run(&self) -> Result<OwnedSemaphorePermit, Busy> {
        self.take(self.runs.clone()).await
    }

    /// A turn to sweep.
    pub async fn sweep(&self) -> Result<OwnedSemaphorePermit, Busy> {
        self.take(self.sweeps.clone()).await
    }

    async fn take(
        &self,
        semaphore: std::sync::Arc<Semaphore>,
    ) -> Result<OwnedSemaphorePermit, Busy> {
        if let Ok(permit) = semaphore.clone().try_acquire_owned() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= WAITING {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy::Full);
        }
        let got = tokio::time::timeout(QUEUE_WAIT, semaphore.acquire_owned()).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        match got {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(Busy::Waited),
        }
    }
}
