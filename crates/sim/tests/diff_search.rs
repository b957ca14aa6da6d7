//! The search of `modsim diff` on the shipped policies: what it finds, what it never claims,
//! and that the same seed gives the same answer on any number of threads.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests fail by panicking"
)]

use modsim_sim::Files;
use modsim_sim::compare::Differs;
use modsim_sim::diff::{Class, Diff, DiffSpec, Search, SideSpec, Stop};

/// Files of the repository.
struct Repo;

impl Files for Repo {
    fn read(&self, path: &str) -> Result<String, String> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
        std::fs::read_to_string(format!("{root}{path}")).map_err(|e| e.to_string())
    }
}

fn side(policy: &str, reforms: &[&str]) -> SideSpec {
    SideSpec {
        label: policy.into(),
        policy: Some(policy.into()),
        reforms: reforms.iter().map(|r| (*r).to_owned()).collect(),
    }
}

fn search(a: SideSpec, b: SideSpec, scenario: Option<&str>, seed: u64) -> Search {
    let spec = DiffSpec {
        a,
        b,
        scenario: scenario.map(Into::into),
        seed,
    };
    Search::prepare(&spec, &Repo).unwrap()
}

fn run(search: &Search, budget: u64, jobs: usize) -> Diff {
    search.run(budget, jobs, &|_| {}, &|| false).unwrap()
}

const AWS_01: &str = "policies/aws-2021-01.toml";
const AWS_07: &str = "policies/aws-2021-07.toml";
const APPLE: &str = "policies/apple-app-store-2021-01.toml";
const APPLE_72: &str = "tests/data/student/apple-72-hour-plan.toml";

#[test]
fn the_aws_terms_part_on_a_verdict_within_five_events() {
    let s = search(side(AWS_01, &[]), side(AWS_07, &[]), None, 1);
    let d = run(&s, 10_000, 1);
    assert_eq!(d.stopped, Stop::Found);
    let found = d.found.expect("a difference");
    assert!(found.size.events <= 5, "{:?}", found.size);
    assert!(found.size <= found.found_size);
    let Some(Differs::Verdict {
        baseline,
        alternative,
        ..
    }) = found.differences.first()
    else {
        panic!("a verdict differs first: {:?}", found.differences);
    };
    assert_ne!(baseline.permitted, alternative.permitted);
    // Both sides' reports explain the verdict that differs.
    for run in &found.runs {
        assert!(run.report.verdicts.iter().all(|v| v.explanation.is_some()));
    }
    assert_eq!(found.runs[0].report.policies[0].id, "aws-2021-01");
    assert_eq!(found.runs[1].report.policies[0].id, "aws-2021-07");
}

#[test]
fn a_policy_against_itself_differs_nowhere_and_says_how_many_were_tried() {
    let s = search(side(AWS_01, &[]), side(AWS_01, &[]), None, 3);
    let d = run(&s, 3000, 2);
    assert!(d.found.is_none());
    assert_eq!((d.tried, d.budget, d.stopped), (3000, 3000, Stop::Budget));
}

#[test]
fn a_reform_that_changes_nothing_reachable_differs_nowhere() {
    let reform = "tests/data/ok/diff-unreachable-reform/reword.toml";
    let s = search(side(AWS_01, &[]), side(AWS_01, &[reform]), None, 1);
    let d = run(&s, 3000, 2);
    assert!(d.found.is_none(), "{:?}", d.found.map(|f| f.differences));
    assert_eq!(d.b.reforms, ["reword-7-2-a"]);
}

#[test]
fn a_reform_that_takes_clauses_out_differs() {
    let reform = "policies/reforms/thirty-days-notice.toml";
    let s = search(side(AWS_01, &[]), side(AWS_01, &[reform]), None, 1);
    let found = run(&s, 3000, 1).found.expect("a difference");
    assert_eq!(Class::of(&found.differences[0]), Class::Verdict);
}

#[test]
fn the_72_hour_plan_parts_from_the_reference_on_the_delisting() {
    for scenario in [None, Some("exercises/03-apple-guideline-1-2/scenario.toml")] {
        let s = search(side(APPLE_72, &[]), side(APPLE, &[]), scenario, 1);
        let d = run(&s, 10_000, 2);
        let found = d.found.expect("a difference");
        let verdict = found
            .differences
            .iter()
            .find_map(|d| match d {
                Differs::Verdict {
                    action,
                    baseline,
                    alternative,
                    ..
                } => Some((action.as_str(), baseline.permitted, alternative.permitted)),
                _ => None,
            })
            .expect("a verdict differs");
        // Delisting, 24 hours after a demand no plan answered: permitted under the reference only.
        assert_eq!(verdict, ("delist", false, true), "{scenario:?}");
        assert!(found.size.events <= 3, "{:?}", found.size);
    }
}

/// Law: the search's answer is the same whatever the number of threads.
#[test]
fn the_same_seed_finds_the_same_timeline_on_one_thread_or_two() {
    for (a, b, scenario) in [
        (AWS_01, AWS_07, None),
        (
            APPLE_72,
            APPLE,
            Some("exercises/03-apple-guideline-1-2/scenario.toml"),
        ),
        (AWS_01, AWS_01, None),
    ] {
        for seed in [1, 2, 17] {
            let s = search(side(a, &[]), side(b, &[]), scenario, seed);
            let one = serde_json::to_string(&run(&s, 2 * modsim_sim::diff::ROUND + 5, 1)).unwrap();
            let two = serde_json::to_string(&run(&s, 2 * modsim_sim::diff::ROUND + 5, 2)).unwrap();
            assert_eq!(one, two, "{a} {b} seed {seed}");
        }
    }
}

/// Law: a shrunk timeline still tells the sides apart, and is no bigger than the one found.
#[test]
fn shrinking_keeps_the_difference() {
    for seed in 1..6 {
        let s = search(side(AWS_01, &[]), side(AWS_07, &[]), None, seed);
        let found = run(&s, 10_000, 1).found.expect("a difference");
        assert!(!found.differences.is_empty());
        assert!(found.size <= found.found_size, "seed {seed}");
    }
}

#[test]
fn a_reform_of_another_policy_is_refused() {
    let spec = DiffSpec {
        a: side(APPLE, &[]),
        b: side(APPLE, &["policies/reforms/thirty-days-notice.toml"]),
        scenario: None,
        seed: 1,
    };
    let problems = modsim_policy::FileProblems::from(Search::prepare(&spec, &Repo).unwrap_err());
    assert!(
        problems
            .problems
            .iter()
            .any(|p| p.message.contains("applies to `aws-2021-01`")),
        "{problems:?}"
    );
}
