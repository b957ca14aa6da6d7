//! The peak-memory probe: builds the synthetic scenario of N reports (default 1,000,000) and
//! replays it once, then prints the time taken and the process's peak resident memory
//! (`VmHWM`), so that `/usr/bin/time -v` can confirm it from outside.
//!
//! ```sh
//! cargo build --release -p modsim-bench --bin scale
//! /usr/bin/time -v target/release/scale 1000000
//! target/release/scale 1000000 --explain   # with explanations
//! target/release/scale 300000 --actions 3000 --report   # 3,000 verdicts explained, reported
//! target/release/scale 10000 --rules 1000   # replay/rules/1000's world (modsim_bench::rules)
//! target/release/scale 10000 --rules 1000 --labels 5000   # posts and clauses over 5,000 labels
//! ```
//!
//! `--actions N` judges N suspensions spread over the window instead of the seed's one (each
//! with its explanation), and `--report` also builds the run report and writes it as JSON to
//! nowhere, as `modsim run --format json` would.
//!
//! Bytes per report are given twice: the whole peak over the reports, and the peak above the
//! process's peak once the seed is loaded (its baseline: binary, policy, time zones).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark runner fails loudly"
)]

use std::time::Instant;

fn main() {
    let mut reports = 1_000_000;
    let mut explain = false;
    let mut report = false;
    let mut actions = 0usize;
    let mut rules = None;
    let mut labels = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--explain" => explain = true,
            "--report" => {
                report = true;
                explain = true;
            }
            "--actions" => {
                actions = args
                    .next()
                    .and_then(|n| n.replace('_', "").parse().ok())
                    .expect("--actions N");
                explain = true;
            }
            "--rules" => {
                rules = Some(
                    args.next()
                        .and_then(|n| n.replace('_', "").parse().ok())
                        .expect("--rules N"),
                );
            }
            "--labels" => {
                labels = Some(
                    args.next()
                        .and_then(|n| n.replace('_', "").parse().ok())
                        .expect("--labels N"),
                );
            }
            "-h" | "--help" => {
                println!(
                    "usage: scale [REPORTS] [--explain] [--actions N] [--report] [--rules CLAUSES] [--labels N]"
                );
                return;
            }
            n => match n.replace('_', "").parse() {
                Ok(n) => reports = n,
                Err(_) => {
                    eprintln!("error: unexpected argument `{n}`");
                    std::process::exit(2);
                }
            },
        }
    }
    let seed = modsim_bench::seed().expect("the seed loads");
    drop(seed);
    let baseline = peak_rss();
    let t = Instant::now();
    let world = match (rules, labels) {
        (clauses, Some(labels)) => {
            modsim_bench::rules::wide_world(clauses.unwrap_or(1000), reports, labels)
        }
        (Some(clauses), None) => modsim_bench::rules::world(clauses, reports),
        (None, None) => modsim_bench::scale::world_with_actions(reports, actions),
    }
    .expect("the seed loads");
    let built = t.elapsed();
    let after_build = peak_rss();
    let events = modsim_bench::scale::events(&world);
    let t = Instant::now();
    let outcome = if explain {
        world.replay()
    } else {
        world.replay_quiet()
    }
    .expect("replays");
    let replayed = t.elapsed();
    assert!(outcome.verdicts.last().is_some_and(|v| v.permitted));
    let t = Instant::now();
    let mut json_bytes = 0usize;
    if report {
        let built = modsim_sim::report::build(&world, &outcome);
        let mut sink = Counting(0);
        serde_json::to_writer(&mut sink, &built).expect("serialises");
        json_bytes = sink.0;
    }
    let reported = t.elapsed();
    let peak = peak_rss();
    println!("reports            {reports}");
    println!("events             {events}");
    println!(
        "replay             {}",
        if explain {
            "with explanations"
        } else {
            "quiet"
        }
    );
    println!("actions judged     {}", outcome.verdicts.len());
    println!("build              {:.1} ms", built.as_secs_f64() * 1e3);
    println!("replay             {:.1} ms", replayed.as_secs_f64() * 1e3);
    println!(
        "per event          {:.1} ns",
        replayed.as_nanos() as f64 / events as f64
    );
    if report {
        println!(
            "report             {:.1} ms, {} bytes of JSON",
            reported.as_secs_f64() * 1e3,
            json_bytes
        );
    }
    if let (Some(baseline), Some(after_build), Some(peak)) = (baseline, after_build, peak) {
        let per = |b: u64| b as f64 / reports.max(1) as f64;
        println!("peak RSS baseline  {} KiB", baseline / 1024);
        println!(
            "peak RSS built     {} KiB ({:.0} bytes/report above baseline)",
            after_build / 1024,
            per(after_build - baseline)
        );
        println!(
            "peak RSS replayed  {} KiB ({:.0} bytes/report; {:.0} above baseline)",
            peak / 1024,
            per(peak),
            per(peak - baseline)
        );
    }
    drop(outcome);
}

/// A writer that only counts bytes.
struct Counting(usize);

impl std::io::Write for Counting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The process's peak resident set size in bytes (`VmHWM` of /proc/self/status), on Linux.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
