//! The quick side-by-side runner: the `eval` work of every engine in one process, a few
//! hundred milliseconds each, as a table or, with `--format json`, as nanoseconds per
//! evaluation and the ratios of the peers to modsim and of modsim to the native closure.
//!
//! ```sh
//! cargo run --release -p modsim-bench --bin compare -- --quick [--format json] [--posts N]
//! ```
//!
//! Not a substitute for `cargo bench` (no outlier analysis); the figure per engine is the
//! median over many passes over the batch, each checked against the native count.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark runner fails loudly"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use modsim_bench::eval::{Batch, Engine, Prepared, Rule};

fn main() {
    let mut budget = Duration::from_secs(2);
    let mut json = false;
    let mut posts = 1000;
    let mut passes = None;
    let mut only = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => budget = Duration::from_millis(300),
            "--format" => json = args.next().as_deref() == Some("json"),
            "--posts" => posts = args.next().and_then(|n| n.parse().ok()).unwrap_or(posts),
            "--passes" => passes = args.next().and_then(|n| n.parse().ok()),
            "--engine" => only = args.next(),
            "-h" | "--help" => {
                println!(
                    "usage: compare [--quick] [--format text|json] [--posts N] [--passes N] [--engine NAME]\n\n--quick   300 ms per engine and rule instead of 2 s\n--passes  a fixed number of passes instead of a time budget (for callgrind)\n--engine  run this engine alone, with the native closure"
                );
                return;
            }
            other => {
                eprintln!("error: unexpected argument `{other}`");
                std::process::exit(2);
            }
        }
    }
    let batch = Batch::new(posts);
    let mut rules = serde_json::Map::new();
    if !json {
        println!(
            "{posts} posts per pass, {} ms per engine and rule; median ns per evaluation\n",
            budget.as_millis()
        );
        println!(
            "{:<10} {:<8} {:>12} {:>12} {:>9}",
            "rule", "engine", "ns/eval", "× modsim", "matches"
        );
    }
    for rule in Rule::ALL {
        let want = Prepared::new(Engine::Native, rule, &batch)
            .and_then(|mut p| p.count())
            .expect("the native rule runs");
        let mut ns = serde_json::Map::new();
        let mut modsim = f64::NAN;
        let mut native = f64::NAN;
        for engine in Engine::ALL {
            if only.as_deref().is_some_and(|o| o != engine.name()) && engine != Engine::Native {
                continue;
            }
            let mut prepared = Prepared::new(engine, rule, &batch).expect("the rule compiles");
            let per_eval = measure(&mut prepared, want, budget, passes) / posts as f64;
            match engine {
                Engine::Modsim => modsim = per_eval,
                Engine::Native => native = per_eval,
                _ => {}
            }
            if !json {
                println!(
                    "{:<10} {:<8} {:>12.1} {:>12.2} {:>9}",
                    rule.name(),
                    engine.name(),
                    per_eval,
                    per_eval / modsim,
                    want
                );
            }
            ns.insert(engine.name().into(), round(per_eval).into());
        }
        let ratio = |e: Engine| {
            ns.get(e.name())
                .and_then(|v| v.as_f64())
                .unwrap_or(f64::NAN)
                / modsim
        };
        let ratios = serde_json::json!({
            "cel_over_modsim": round(ratio(Engine::Cel)),
            "cedar_over_modsim": round(ratio(Engine::Cedar)),
            "regorus_over_modsim": round(ratio(Engine::Regorus)),
            "modsim_over_native": round(modsim / native),
        });
        if !json {
            println!(
                "{:<10} ratios: cel/modsim {:.0}, cedar/modsim {:.0}, regorus/modsim {:.0}, modsim/native {:.2}\n",
                rule.name(),
                ratio(Engine::Cel),
                ratio(Engine::Cedar),
                ratio(Engine::Regorus),
                modsim / native
            );
        }
        rules.insert(
            rule.name().into(),
            serde_json::json!({
                "cel": rule.cel(),
                "matches": want,
                "ns_per_eval": ns,
                "ratios": ratios,
            }),
        );
    }
    if json {
        let out = serde_json::json!({
            "posts": posts,
            "budget_ms": budget.as_millis() as u64,
            "rules": rules,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializes")
        );
    }
}

/// The median time of one pass over the batch, in nanoseconds: passes are repeated (after one
/// warm-up pass) until `budget` has elapsed, or `passes` times, each checked against `want`.
fn measure(
    prepared: &mut Prepared<'_>,
    want: usize,
    budget: Duration,
    passes: Option<usize>,
) -> f64 {
    assert_eq!(prepared.count().expect("evaluates"), want);
    let mut times = Vec::new();
    let start = Instant::now();
    while match passes {
        Some(p) => times.len() < p,
        None => start.elapsed() < budget || times.len() < 5,
    } {
        let t = Instant::now();
        let n = black_box(&mut *prepared).count().expect("evaluates");
        times.push(t.elapsed().as_nanos() as f64);
        assert_eq!(n, want);
    }
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
