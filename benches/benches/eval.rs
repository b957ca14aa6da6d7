//! `eval/<rule>/<engine>`: a content rule over a batch of posts, in modsim's compiled form,
//! as a hand-written closure, and in CEL (`cel`), Cedar (`cedar-policy`) and Rego
//! (`regorus`); `eval/aup_rule/{modsim,native}`: the AWS policy's own content rule over the
//! seed's 98 posts. Throughput is in evaluations (posts); every benchmark checks its count of
//! matching posts inside the loop, so it measures real work.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a benchmark fails loudly"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use modsim_bench::eval::{Batch, Engine, Prepared, Rule};
use modsim_policy::LabelSet;
use modsim_policy::condition::{Env, NoState, PostView};

/// Posts in the batch.
const POSTS: usize = 1000;

fn engines(c: &mut Criterion) {
    let batch = Batch::new(POSTS);
    for rule in Rule::ALL {
        let want = Prepared::new(Engine::Native, rule, &batch)
            .and_then(|mut p| p.count())
            .expect("the native rule runs");
        let mut group = c.benchmark_group(format!("eval/{}", rule.name()));
        group.throughput(Throughput::Elements(POSTS as u64));
        for engine in Engine::ALL {
            let mut prepared = Prepared::new(engine, rule, &batch).expect("the rule compiles");
            group.bench_function(engine.name(), |b| {
                b.iter(|| {
                    let n = black_box(&mut prepared).count().expect("evaluates");
                    assert_eq!(n, want);
                    n
                })
            });
        }
        group.finish();
    }
}

fn aup_rule(c: &mut Criterion) {
    let prepared = modsim_bench::seed().expect("the seed loads");
    let bound = &prepared.world.policies[0];
    let rule = &bound.policy.prohibitions[0].condition;
    let posts = &prepared.world.scenario.posts;
    let views: Vec<PostView<'_>> = posts
        .iter()
        .enumerate()
        .map(|(i, p)| PostView {
            id: &p.id,
            author: &p.author,
            labels: bound.post_labels(&prepared.world.scenario, i),
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
    group.throughput(Throughput::Elements(views.len() as u64));
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
                .filter(|v| v.labels.intersects(&wanted))
                .count();
            assert_eq!(n, 98);
            n
        })
    });
    group.finish();
}

criterion_group!(benches, engines, aup_rule);
criterion_main!(benches);
