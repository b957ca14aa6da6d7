//! Limits on what a scenario may hold: each refused with a message that names the limit and
//! how to raise it, and none reached by exhausting the stack.

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails by panicking"
)]

use modsim_sim::scenario::{self, LoadFailure, MAX_EVENTS};
use modsim_sim::{Files, Scenario};

struct NoPosts;

impl Files for NoPosts {
    fn read(&self, path: &str) -> Result<String, String> {
        Err(format!("no file {path}"))
    }
}

const HEADER: &str = "[scenario]\nid = \"s\"\ntitle = \"t\"\nzone = \"UTC\"\n[parties]\nh = \"Host\"\ns = \"Site\"\n";

fn load(text: &str) -> Result<Scenario, LoadFailure> {
    scenario::load("s.toml", text, &NoPosts)
}

fn first_problem(text: &str) -> (String, String) {
    let failure = load(text).expect_err("refused");
    let p = &failure.problems.problems[0];
    (
        p.message.clone(),
        p.help.as_deref().unwrap_or_default().to_owned(),
    )
}

#[test]
fn too_many_events_names_the_limit() {
    let event = "[[event]]\nat = \"2021-01-01T00:00:00Z\"\nkind = \"notice\"\nfrom = \"h\"\nto = \"s\"\nsummary = \"n\"\nmark = \"record\"\n";
    let ok = format!("{HEADER}{}", event.repeat(MAX_EVENTS));
    assert_eq!(load(&ok).expect("at the limit").notices.len(), MAX_EVENTS);
    let over = format!("{HEADER}{}", event.repeat(MAX_EVENTS + 1));
    let (message, help) = first_problem(&over);
    assert!(message.contains("over the limit of 10000"), "{message}");
    assert!(help.contains("MAX_EVENTS"), "{help}");
}

#[test]
fn deep_nesting_in_a_scenario_is_refused_not_overflowed() {
    for deep in [
        format!("{HEADER}x = {}", "[".repeat(1_000_000)),
        format!(
            "{HEADER}[provenance]\nrecord = {}",
            "{ a = ".repeat(500_000)
        ),
    ] {
        let (message, help) = first_problem(&deep);
        assert!(message.contains("nest deeper than"), "{message}");
        assert!(help.contains("MAX_TOML_DEPTH"), "{help}");
    }
}

#[test]
fn an_oversized_scenario_names_the_limit() {
    let big = format!("{HEADER}{}", "#".repeat(scenario::MAX_SCENARIO_BYTES));
    let (message, help) = first_problem(&big);
    assert!(message.contains("over the limit"), "{message}");
    assert!(help.contains("MAX_SCENARIO_BYTES"), "{help}");
}
