//! `replay/seed`: the full replay of seeds/parler-aws-2021 with verdicts, earliest instants,
//! duty histories and explanations (rendering excluded); `eval/aup_rule/{modsim,native}`:
//! the AUP's content rule over the seed's 98 posts, compiled against a hand-written closure;
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
use modsim_policy::LabelSet;
use modsim_policy::condition::{Env, NoState, PostView};

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

fn eval(c: &mut Criterion) {
    let prepared = modsim_bench::seed().expect("the seed loads");
    let bound = &prepared.world.policies[0];
    let rule = &bound.policy.prohibitions[0].condition.cond;
    let posts = &prepared.world.scenario.posts;
    let views: Vec<PostView<'_>> = posts
        .iter()
        .zip(&bound.post_labels)
        .map(|(p, labels)| PostView {
            id: &p.id,
            author: &p.author,
            labels: *labels,
            severity: p.severity,
            reach: p.reach,
            published: p.published,
            reported: true,
            removed: false,
            prohibited: false,
        })
        .collect();
    let now = posts[0].published;
    let facts = NoState::default();
    let mut group = c.benchmark_group("eval/aup_rule");
    group.bench_function("modsim", |b| {
        b.iter(|| {
            let n = black_box(&views)
                .iter()
                .filter(|v| {
                    rule.eval(&Env {
                        now,
                        post: Some(v),
                        facts: &facts,
                    })
                })
                .count();
            assert_eq!(n, 98);
            n
        })
    });
    let wanted = ["incitement", "threat", "hate"]
        .iter()
        .filter_map(|l| bound.policy.labels.index(l))
        .fold(LabelSet::EMPTY, |s, i| s.union(LabelSet::single(i)));
    group.bench_function("native", |b| {
        b.iter(|| {
            let n = black_box(&views)
                .iter()
                .filter(|v| v.labels.intersects(wanted))
                .count();
            assert_eq!(n, 98);
            n
        })
    });
    group.finish();
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

criterion_group!(benches, replay, eval, sweep);
criterion_main!(benches);
