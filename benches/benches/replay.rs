//! `replay/seed`: the full replay of seeds/parler-aws-2021 with verdicts, earliest instants,
//! duty histories and explanations (rendering excluded); `replay/scale/<n>/{quiet,explain}`:
//! synthetic scenarios of 1k to 1m reports under the AWS policy, replayed without
//! explanations (as sweeps do) and, up to 10k, with them, throughput in timeline events;
//! `sweep/seed/{1,2}`: replicates of the seed drawn from its model, per second, on 1 and 2
//! threads; `replay/rules/{10,100,1000}`: the same 10k generated reports under generated
//! policies of 10, 100 and 1,000 clauses (`modsim_bench::rules`), quiet, throughput in timeline
//! events. Every benchmark checks its result inside the loop, so it measures real work.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark fails loudly"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

fn replay(c: &mut Criterion) {
    let prepared = modsim_bench::seed().expect("the seed loads");
    c.bench_function("replay/seed", |b| {
        b.iter(|| {
            let outcome = black_box(&prepared.world).replay().expect("replays");
            assert!(outcome.verdicts[0].permitted);
            outcome
        })
    });
}

/// `replay/scale/<n>/quiet` for 1k to 1m reports, and `replay/scale/<n>/explain` up to 10k.
fn scale(c: &mut Criterion) {
    for (name, reports) in [
        ("1k", 1_000),
        ("10k", 10_000),
        ("100k", 100_000),
        ("1m", 1_000_000),
    ] {
        let world = modsim_bench::scale::world(reports).expect("the seed loads");
        let mut group = c.benchmark_group(format!("replay/scale/{name}"));
        group.throughput(Throughput::Elements(modsim_bench::scale::events(&world)));
        if reports >= 100_000 {
            group.sample_size(10);
            group.sampling_mode(SamplingMode::Flat);
            group.warm_up_time(Duration::from_secs(1));
        }
        group.bench_function("quiet", |b| {
            b.iter(|| {
                let outcome = black_box(&world).replay_quiet().expect("replays");
                assert!(outcome.verdicts[0].permitted);
                outcome
            })
        });
        if reports <= 10_000 {
            group.bench_function("explain", |b| {
                b.iter(|| {
                    let outcome = black_box(&world).replay().expect("replays");
                    assert!(outcome.verdicts[0].permitted);
                    outcome
                })
            });
        }
        group.finish();
    }
}

/// `replay/rules/{10,100,1000}`: one scenario of 10k reports, under policies of 10 to 1,000
/// clauses; the per-event cost should not grow with clauses an event cannot touch.
fn rules(c: &mut Criterion) {
    let mut group = c.benchmark_group("replay/rules");
    for clauses in [10, 100, 1000] {
        let world = modsim_bench::rules::world(clauses, 10_000).expect("the seed loads");
        group.throughput(Throughput::Elements(modsim_bench::scale::events(&world)));
        group.bench_function(format!("{clauses}"), |b| {
            b.iter(|| {
                let outcome = black_box(&world).replay_quiet().expect("replays");
                assert!(outcome.verdicts[0].permitted);
                outcome
            })
        });
    }
    group.finish();
}

/// `sweep/seed/{1,2}`: Monte Carlo replicates of the seed drawn from its model, replayed
/// without explanations; throughput in replicates per second.
fn sweep(c: &mut Criterion) {
    use modsim_sim::sweep::{SweepSpec, run};
    const REPLICATES: u32 = 400;
    let mut group = c.benchmark_group("sweep/seed");
    group.throughput(Throughput::Elements(u64::from(REPLICATES)));
    group.sample_size(10);
    for jobs in [1, 2] {
        let spec = SweepSpec {
            base: modsim_sim::Request {
                scenario: "seeds/parler-aws-2021/scenario.toml".into(),
                ..Default::default()
            },
            vary: vec![],
            replicates: REPLICATES,
            seed: 7,
            shard: None,
            jobs,
        };
        group.bench_function(format!("{jobs}"), |b| {
            b.iter(|| {
                let tally = run(&spec, &modsim_bench::Repository, &|_| {}).expect("sweeps");
                assert_eq!(tally.points[0].n, REPLICATES);
                tally
            })
        });
    }
    group.finish();
}

criterion_group!(benches, replay, scale, rules, sweep);
criterion_main!(benches);
