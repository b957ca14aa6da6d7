//! Regression tests, each named after what broke. All were found by the review of the first
//! replay (issue 2, a reviewer's run of small scenarios against the built binary).

#![allow(
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a test fails by panicking"
)]

use modsim_sim::{Files, Outcome, Request, SetupError, setup};

struct Strings(Vec<(&'static str, String)>);

impl Files for Strings {
    fn read(&self, path: &str) -> Result<String, String> {
        self.0
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| format!("no file {path}"))
    }
}

const POLICY: &str = r#"
[policy]
id = "p"
title = "test"
source = "test"
[roles]
host = "hosts"
site = "is hosted"
[labels]
threat = "threatens"
[[clause]]
id = "1"
title = "no threats"
text = "no threats"
source = "§1"
mark = "record"
prohibits = '"threat" in post.labels'
[[clause]]
id = "2"
title = "the power under test"
text = "a power"
source = "§2"
mark = "record"
power = { holder = "host", action = "suspend", against = "site", when = 'WHEN', notice = "immediate" }
"#;

fn scenario() -> String {
    r#"
[scenario]
id = "s"
title = "test"
zone = "UTC"
[parties]
h = "Host"
s = "Site"
[roles]
host = "h"
site = "s"
[[policy]]
file = "p.toml"
[posts]
file = "posts.csv"
mark = "record"
[[event]]
at = "2021-01-01T00:00:00Z"
kind = "notice"
from = "h"
to = "s"
summary = "notice"
mark = "record"
[[event]]
at = "2021-01-11T00:00:00Z"
kind = "action"
actor = "h"
action = "suspend"
against = "s"
summary = "suspension"
mark = "record"
"#
    .to_owned()
}

fn run(when: &str, posts: &str) -> Result<Outcome, SetupError> {
    let files = Strings(vec![
        ("s.toml", scenario()),
        ("p.toml", POLICY.replace("WHEN", when)),
        ("posts.csv", posts.to_owned()),
    ]);
    let request = Request {
        scenario: "s.toml".into(),
        ..Request::default()
    };
    Ok(setup::prepare(&request, &files)?
        .world
        .replay()
        .expect("replays"))
}

const SAME_INSTANT: &str =
    "id,published,removed,labels\nx1,2021-01-05T00:00:00Z,2021-01-05T00:00:00Z,threat\n";

#[test]
fn r_live_counts_never_go_below_zero_when_a_post_is_removed_as_it_is_published() {
    let outcome = run("state.live_prohibited < 0", SAME_INSTANT).expect("runs");
    assert!(!outcome.verdicts[0].permitted);
    assert!(
        outcome.earliest[0].at.is_none(),
        "the count never went negative"
    );
    let outcome = run("state.live_prohibited == 0", SAME_INSTANT).expect("runs");
    assert!(outcome.verdicts[0].permitted);
}

#[test]
fn r_conditions_on_now_are_read_at_the_action() {
    let posts = "id,published,labels\nx1,2021-01-05T00:00:00Z,threat\n";
    let outcome = run(r#"now >= timestamp("2021-01-10T00:00:00Z")"#, posts).expect("runs");
    assert!(
        outcome.verdicts[0].permitted,
        "{:?}",
        outcome.verdicts[0].missing
    );
}

#[test]
fn r_duplicate_post_ids_are_errors_even_when_not_adjacent() {
    let posts = "id,published,labels\nx1,2021-01-05T00:00:00Z,threat\nx2,2021-01-05T00:00:00Z,threat\nx1,2021-01-06T00:00:00Z,threat\n";
    let Err(SetupError::Files(failure)) = run("true", posts) else {
        panic!("duplicates accepted")
    };
    assert!(failure.problems[0].message.contains("`x1` appears twice"));
}

#[test]
fn r_a_missing_verdict_lists_nothing_when_permitted() {
    let posts = "id,published,labels\nx1,2021-01-05T00:00:00Z,threat\n";
    let outcome = run("true", posts).expect("runs");
    assert!(outcome.verdicts[0].permitted);
    assert!(outcome.verdicts[0].missing.is_empty());
}

#[test]
fn r_a_negated_judgment_call_is_named_in_the_verdict() {
    let policy_with_call = |when: &str| {
        POLICY.replace("WHEN", when).replace(
            "[labels]",
            "[assumptions]\nrisk = { question = \"risk?\", default = false }\n[labels]",
        )
    };
    let files = Strings(vec![
        ("s.toml", scenario()),
        ("p.toml", policy_with_call("!assumptions.risk")),
        ("posts.csv", "id,published\n".to_owned()),
    ]);
    let request = Request {
        scenario: "s.toml".into(),
        ..Request::default()
    };
    let outcome = setup::prepare(&request, &files)
        .expect("prepares")
        .world
        .replay()
        .expect("replays");
    assert!(outcome.verdicts[0].permitted);
    assert_eq!(outcome.verdicts[0].assumptions[0].name, "risk");
    assert!(!outcome.verdicts[0].assumptions[0].value);
}
