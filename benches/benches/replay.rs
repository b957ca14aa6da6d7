//! `replay/seed`: the full replay of seeds/parler-aws-2021 with verdicts, earliest instants,
//! duty histories and explanations (rendering excluded); `eval/aup_rule/{modsim,native}`:
//! the AUP's content rule over the seed's 98 posts, compiled against a hand-written closure.
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

criterion_group!(benches, replay, eval);
criterion_main!(benches);
