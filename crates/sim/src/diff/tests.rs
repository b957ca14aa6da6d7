//! Laws of the search on the shipped policies: candidates, classes of difference.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail by panicking"
)]

use super::*;

struct Repo;

impl Files for Repo {
    fn read(&self, path: &str) -> Result<String, String> {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
        std::fs::read_to_string(format!("{root}{path}")).map_err(|e| e.to_string())
    }
}

fn search(a: &str, b: &str, scenario: Option<&str>) -> Search {
    let side = |p: &str| SideSpec {
        label: p.into(),
        policy: Some(p.into()),
        reforms: Vec::new(),
    };
    let spec = DiffSpec {
        a: side(a),
        b: side(b),
        scenario: scenario.map(Into::into),
        seed: 5,
    };
    Search::prepare(&spec, &Repo).unwrap()
}

/// Law: the search's quick class of a difference is the class of the first difference the
/// report lists, on every candidate.
#[test]
fn the_quick_class_is_the_first_differences_class() {
    for (a, b, scenario) in [
        (
            "policies/aws-2021-01.toml",
            "policies/aws-2021-07.toml",
            None,
        ),
        (
            "tests/data/student/apple-72-hour-plan.toml",
            "policies/apple-app-store-2021-01.toml",
            Some("exercises/03-apple-guideline-1-2/scenario.toml"),
        ),
    ] {
        let s = search(a, b, scenario);
        let mut seen = std::collections::HashSet::new();
        for i in 0..600 {
            let [wa, wb] = s.pair.worlds(&s.candidate(i));
            let (Ok(oa), Ok(ob)) = (wa.replay_quiet(), wb.replay_quiet()) else {
                continue;
            };
            let class = s.pair.class(&oa, &ob);
            let first = s.pair.differences(&oa, &ob).first().map(Class::of);
            assert_eq!(class, first, "{a} {b} candidate {i}");
            seen.insert(class);
        }
        assert!(seen.len() >= 2, "{a} {b}: only {seen:?}");
    }
}

/// Law: candidates are valid timelines (no post reported or removed before it is
/// published), events of each kind in time order, post ids distinct.
#[test]
fn candidates_are_valid_timelines() {
    let s = search(
        "policies/aws-2021-01.toml",
        "policies/apple-app-store-2021-01.toml",
        Some("exercises/03-apple-guideline-1-2/scenario.toml"),
    );
    for i in 0..300 {
        let t = s.candidate(i);
        assert!(t.valid(), "candidate {i}");
        assert!(t.notices.is_sorted_by_key(|n| n.at));
        assert!(t.actions.is_sorted_by_key(|a| a.at));
        let ids: std::collections::HashSet<_> = t.posts.iter().map(|p| &p.id).collect();
        assert_eq!(ids.len(), t.posts.len(), "candidate {i}");
    }
}
