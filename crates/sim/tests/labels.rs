//! A policy of 5,000 labels (issue 12 item 7: at least 4,096): it loads, lints, and replays a
//! scenario whose posts carry labels far past the first 128, each judged by the clause on its
//! own label.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails by panicking"
)]

use modsim_sim::{Files, Outcome, Request, setup};

/// Labels the policy declares.
const LABELS: usize = 5_000;

/// A policy of `LABELS` labels `l0` … `l4999`: posts carrying `l4999` are prohibited, and the
/// host must remove a reported one within 24 hours; the host may suspend the customer once
/// that duty is breached.
fn policy() -> String {
    let mut text = String::from(
        "[policy]\nid = \"wide\"\ntitle = \"Five thousand labels\"\nsource = \"crates/sim/tests/labels.rs\"\n\n[roles]\nhost = \"hosts\"\ncustomer = \"is hosted\"\n\n[labels]\n",
    );
    for l in 0..LABELS {
        text.push_str(&format!("l{l} = \"label {l}\"\n"));
    }
    text.push_str(
        r#"
[[clause]]
id = "1"
title = "No l4999; reported posts removed within 24 hours"
text = "t"
source = "s"
mark = "invented"
prohibits = '"l4999" in post.labels'
duty = { holder = "customer", opens = "reported", within = "24 hours", met_by = "removed" }

[[clause]]
id = "2"
title = "Suspension on breach"
text = "t"
source = "s"
mark = "invented"
allow = ["power-without-notice"]
power = { holder = "host", action = "suspend", against = "customer", when = 'breached("1")', notice = "none" }
"#,
    );
    text
}

/// A scenario of three posts, labelled as `labels` says, each reported and none removed; the
/// host suspends the customer two days after the reports.
fn scenario(labels: [&str; 3]) -> String {
    let mut text = String::from(
        r#"[scenario]
id = "wide"
title = "Labels past the first 128 (invented for a test)"
zone = "UTC"

[parties]
host = "A host (invented)"
customer = "A customer (invented)"

[roles]
host = "host"
customer = "customer"

[[policy]]
file = "policy.toml"

[posts]
mark = "invented"
"#,
    );
    for (i, label) in labels.iter().enumerate() {
        text.push_str(&format!(
            "\n[[post]]\nid = \"p{i}\"\npublished = \"2024-03-01 10:0{i}\"\nreported = \"2024-03-01 12:00\"\nlabels = [{label}]\n"
        ));
    }
    text.push_str(
        r#"
[[event]]
at = "2024-03-03 12:00"
kind = "action"
actor = "host"
action = "suspend"
against = "customer"
summary = "The host suspends the customer"
mark = "invented"
"#,
    );
    text
}

struct Texts(Vec<(&'static str, String)>);

impl Files for Texts {
    fn read(&self, path: &str) -> Result<String, String> {
        self.0
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| format!("no file `{path}`"))
    }
}

fn replay(labels: [&str; 3]) -> Outcome {
    let files = Texts(vec![
        ("wide/scenario.toml", scenario(labels)),
        ("wide/policy.toml", policy()),
    ]);
    let request = Request {
        scenario: "wide/scenario.toml".to_owned(),
        ..Request::default()
    };
    let prepared = setup::prepare(&request, &files).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(prepared.world.policies[0].policy.labels.len(), LABELS);
    prepared.world.replay().unwrap()
}

/// The post labelled `l4999` is caught by the prohibition on it, and its duty is breached:
/// the suspension is permitted on that ground. Posts whose labels are only near it (`l4998`,
/// `l200` and `l3`) are not.
#[test]
fn a_post_labelled_with_label_4999_is_caught_by_the_prohibition_on_it() {
    let outcome = replay([r#""l3""#, r#""l200", "l4999""#, r#""l4998""#]);
    let verdict = &outcome.verdicts[0];
    assert!(verdict.permitted, "{verdict:?}");
    assert_eq!(verdict.grounds[0].clause, "2");
    let duty = &outcome.duties[0];
    assert_eq!(duty.duty.clause, "1");
    assert_eq!(duty.tally.overdue, [1], "only p1 carries l4999");
    assert!(duty.tally.in_time.is_empty() && duty.tally.open.is_empty());
}

/// Without `l4999` on any post nothing is prohibited, no duty opens, and the suspension is
/// not permitted.
#[test]
fn labels_next_to_4999_are_not_caught() {
    let outcome = replay([r#""l3""#, r#""l200", "l4998""#, r#""l127", "l128""#]);
    assert!(!outcome.verdicts[0].permitted);
    assert!(outcome.duties[0].tally.overdue.is_empty());
}
