//! `diff/search/{1,2}`: the candidate timelines `modsim diff` judges per second for the AWS
//! pair (`policies/aws-2021-01.toml` against `policies/aws-2021-07.toml`), on a rayon pool of
//! 1 and of 2 threads. Each candidate is drawn from the search's stream, put into both sides'
//! worlds (the compiled policies shared, rebound to the candidate's posts), replayed quietly
//! on both sides and compared: the whole per-candidate work of a search. The search itself
//! stops at its first difference (the fifth candidate for this pair), so the benchmark judges
//! a fixed range of candidates without stopping (`Search::count_differing`), and checks inside
//! the loop how many of them differ.

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
use modsim_sim::diff::{DiffSpec, Search, SideSpec};

/// Candidates judged per iteration.
const CANDIDATES: u64 = 20_000;

fn search(c: &mut Criterion) {
    let side = |p: &str| SideSpec {
        label: p.into(),
        policy: Some(p.into()),
        reforms: Vec::new(),
    };
    let spec = DiffSpec {
        a: side("policies/aws-2021-01.toml"),
        b: side("policies/aws-2021-07.toml"),
        scenario: None,
        seed: 1,
    };
    let search = Search::prepare(&spec, &modsim_bench::Repository).expect("the policies load");
    // The count of differing candidates, the same on any number of threads.
    let expected = search.count_differing(0, CANDIDATES);
    assert!(expected.0 > CANDIDATES / 2, "{expected:?}");
    let mut group = c.benchmark_group("diff/search");
    group.throughput(Throughput::Elements(CANDIDATES));
    group.sample_size(10);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool");
        group.bench_function(format!("{threads}"), |b| {
            b.iter(|| {
                let found = pool.install(|| black_box(&search).count_differing(0, CANDIDATES));
                assert_eq!(found, expected);
                found
            })
        });
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
