//! The peak-memory probe: builds the synthetic scenario of N reports (default 1,000,000) and
//! replays it once, then prints the time taken and the process's peak resident memory
//! (`VmHWM`), so that `/usr/bin/time -v` can confirm it from outside.
//!
//! ```sh
//! cargo build --release -p modsim-bench --bin scale
//! /usr/bin/time -v target/release/scale 1000000
//! target/release/scale 1000000 --explain   # with explanations
//! ```
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
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--explain" => explain = true,
            "-h" | "--help" => {
                println!("usage: scale [REPORTS] [--explain]");
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
    let world = modsim_bench::scale::world(reports).expect("the seed loads");
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
    assert!(outcome.verdicts[0].permitted);
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
    println!("build              {:.1} ms", built.as_secs_f64() * 1e3);
    println!("replay             {:.1} ms", replayed.as_secs_f64() * 1e3);
    println!(
        "per event          {:.1} ns",
        replayed.as_nanos() as f64 / events as f64
    );
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

/// The process's peak resident set size in bytes (`VmHWM` of /proc/self/status), on Linux.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
