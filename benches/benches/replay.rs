//! `replay/seed`: the full replay of seeds/parler-aws-2021 with verdicts, earliest instants,
//! duty histories and explanations (rendering excluded);
//! `sweep/seed/{1,2}`: replicates of the seed drawn from its model, per second, on 1 and 2 threads.
//! Every benchmark checks its result inside the loop, so it measures real work.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

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

/// `sweep/seed/{1,2}`: Monte Carlo replicates of the seed drawn from its model, replayed
/// without explanations; throughput in replicates per second.
fn sweep(c: &mut Criterion) {
    use modsim_sim::sweep::{SweepSpec, run};
    const REPLICATES: u32 = 400;
    let mut group = c.benchmark_group("sweep/seed");
    group.throughput(criterion::Throughput::Elements(u64::from(REPLICATES)));
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

criterion_group!(benches, replay, sweep);
criterion_main!(benches);
