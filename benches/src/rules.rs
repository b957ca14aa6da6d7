//! Generated policies of many clauses, for `replay/rules/{10,100,1000}`: the cost per timeline
//! event as the number of clauses grows, on the same scenario, when the clauses added are ones
//! no event of it touches.
//!
//! Every policy declares the same [`DECLARED`] labels `l0` … `l599`. Its first clause is a
//! power (the provider may suspend the customer when `d0` is breached); the next nine are the
//! 10-clause policy's, alternately a prohibition of posts carrying one label (`"lK" in
//! post.labels`) and a duty to remove reported posts carrying it within 24 hours (`where =
//! '"lK" in post.labels'`), on labels `l0` … `l4`. The clauses beyond those are of the same two
//! shapes on labels `l100` and up, which no post carries. The scenario is the seed's parties,
//! notice and suspension with `reports` generated posts, each labelled with one of [`LABELS`]
//! labels `l0` … `l99`: whatever the policy, each event touches the same clauses (the posts
//! of `l0` … `l4` are prohibited and open a duty, the others none), so the work that grows
//! with the clauses is only the work of finding the ones it touches.

use modsim_policy::{LabelSet, Overrides, Policy, PolicyDoc};
use modsim_sim::World;

/// Labels the scenario's posts carry.
pub const LABELS: usize = 100;

/// Labels every generated policy declares: the posts' and 500 more.
pub const DECLARED: usize = 600;

/// The label of the `i`-th clause after the power: the 10-clause policy's nine on `l0` …
/// `l4`, the rest on labels no post carries.
fn label_of(i: usize) -> usize {
    if i < 9 { i / 2 } else { LABELS + (i - 9) / 2 }
}

/// The text of a policy of `clauses` clauses (at least 2).
pub fn policy_text(clauses: usize) -> String {
    text(clauses, DECLARED, label_of)
}

/// The text of a policy of `clauses` clauses over `labels` labels (at least 100), for the run
/// with thousands of labels: the 10-clause policy's nine rules on `l0` … `l4`, the rest on the
/// last labels (`l4999`, `l4998`…), which posts do carry in [`wide_world`].
pub fn wide_policy_text(clauses: usize, labels: usize) -> String {
    text(clauses, labels, |i| {
        if i < 9 {
            i / 2
        } else {
            labels.saturating_sub(1 + (i - 9) / 2)
        }
    })
}

fn text(clauses: usize, declared: usize, label_of: impl Fn(usize) -> usize) -> String {
    let mut text = String::from(
        "[policy]\nid = \"rules\"\ntitle = \"Generated rules\"\nsource = \"benches/src/rules.rs\"\n\n[roles]\nprovider = \"hosts\"\ncustomer = \"is hosted\"\n\n[labels]\n",
    );
    for l in 0..declared {
        text.push_str(&format!("l{l} = \"label {l}\"\n"));
    }
    text.push_str(
        "\n[[clause]]\nid = \"power\"\ntitle = \"Suspension\"\ntext = \"t\"\nsource = \"s\"\nmark = \"reconstructed\"\npower = { holder = \"provider\", action = \"suspend\", against = \"customer\", when = 'breached(\"d0\")', notice = \"immediate\" }\n",
    );
    for i in 0..clauses.saturating_sub(1) {
        let label = label_of(i);
        if i % 2 == 0 {
            text.push_str(&format!(
                "\n[[clause]]\nid = \"p{i}\"\ntitle = \"No l{label}\"\ntext = \"t\"\nsource = \"s\"\nmark = \"reconstructed\"\nprohibits = '\"l{label}\" in post.labels'\n"
            ));
        } else {
            let d = i / 2;
            text.push_str(&format!(
                "\n[[clause]]\nid = \"d{d}\"\ntitle = \"Remove l{label}\"\ntext = \"t\"\nsource = \"s\"\nmark = \"reconstructed\"\nduty = {{ holder = \"customer\", opens = \"reported\", met_by = \"removed\", within = \"24 hours\", where = '\"l{label}\" in post.labels' }}\n"
            ));
        }
    }
    text
}

/// A policy of `clauses` clauses, compiled.
pub fn policy(clauses: usize) -> Policy {
    let text = policy_text(clauses);
    let doc = PolicyDoc::parse("rules.toml", &text).unwrap_or_else(|e| unreachable!("{e:?}"));
    doc.compile(&Overrides::default())
        .unwrap_or_else(|e| unreachable!("{e:?}"))
        .0
}

/// The seed's world under a policy of `clauses` clauses, with `reports` generated posts.
pub fn world(clauses: usize, reports: usize) -> Result<World, modsim_sim::SetupError> {
    let seed = crate::seed()?;
    let mut scenario = seed.world.scenario.clone_without_posts();
    scenario.notices = seed.world.scenario.notices.clone();
    scenario.labels = (0..LABELS).map(|l| format!("l{l}")).collect();
    scenario.posts = crate::scale::posts(reports)
        .into_iter()
        .enumerate()
        .map(|(i, mut post)| {
            post.labels = LabelSet::single(i * 7 % LABELS);
            post
        })
        .collect();
    Ok(World::bind(scenario, vec![policy(clauses)]))
}

/// The seed's world under a policy of `clauses` clauses over `labels` labels, with `reports`
/// generated posts each labelled with one of all `labels` (post `i` with `l(7i mod labels)`):
/// labels past the first 128 on both sides, the posts' and the clauses'.
pub fn wide_world(
    clauses: usize,
    reports: usize,
    labels: usize,
) -> Result<World, modsim_sim::SetupError> {
    let seed = crate::seed()?;
    let text = wide_policy_text(clauses, labels);
    let doc = PolicyDoc::parse("rules.toml", &text).unwrap_or_else(|e| unreachable!("{e:?}"));
    let policy = doc
        .compile(&Overrides::default())
        .unwrap_or_else(|e| unreachable!("{e:?}"))
        .0;
    let mut scenario = seed.world.scenario.clone_without_posts();
    scenario.notices = seed.world.scenario.notices.clone();
    scenario.labels = (0..labels).map(|l| format!("l{l}")).collect();
    scenario.posts = crate::scale::posts(reports)
        .into_iter()
        .enumerate()
        .map(|(i, mut post)| {
            post.labels = LabelSet::single(i * 7 % labels.max(1));
            post
        })
        .collect();
    Ok(World::bind(scenario, vec![policy]))
}

#[cfg(test)]
mod tests {
    /// The policies differ only by clauses no event touches: the 1,000-clause policy's first
    /// duties stand exactly as the 10-clause policy's, and its others never open.
    #[test]
    fn a_rules_world_replays_and_the_added_clauses_touch_nothing() {
        let mut first = None;
        for clauses in [10, 1000] {
            let policy = super::policy(clauses);
            assert_eq!(policy.clauses.len(), clauses);
            let world = super::world(clauses, 500).map_err(|e| e.to_string());
            let world = world.unwrap_or_else(|e| unreachable!("{e}"));
            let outcome = world.replay_quiet().map_err(|e| e.to_string());
            let outcome = outcome.unwrap_or_else(|e| unreachable!("{e}"));
            assert!(outcome.verdicts.first().is_some_and(|v| v.permitted));
            let (touched, rest) = outcome.duties.split_at(4);
            assert!(touched.iter().all(|d| !d.tally.overdue.is_empty()));
            assert!(rest.iter().all(|d| d.changes.is_empty()));
            let tallies: Vec<_> = touched.iter().map(|d| d.tally.clone()).collect();
            match &first {
                None => first = Some(tallies),
                Some(first) => assert_eq!(first, &tallies),
            }
        }
    }
}
