//! Generated policies of many clauses, for `replay/rules/{10,100,1000}`: the cost per timeline
//! event as the number of clauses grows, on the same scenario.
//!
//! A policy of `n` clauses declares 100 labels `l0` … `l99`; half its clauses prohibit posts
//! carrying one label each (`"lK" in post.labels`), the other half are duties to remove
//! reported posts carrying one label within 24 hours (`where = '"lK" in post.labels'`), and
//! one power lets the provider suspend the customer when the first duty is breached. The
//! scenario is the seed's parties, notice and suspension with `reports` generated posts, each
//! labelled with one of the 100 labels.

use modsim_policy::{LabelSet, Overrides, Policy, PolicyDoc};
use modsim_sim::World;

/// Labels the generated policies declare.
pub const LABELS: usize = 100;

/// The text of a policy of `clauses` clauses (at least 2).
pub fn policy_text(clauses: usize) -> String {
    let mut text = String::from(
        "[policy]\nid = \"rules\"\ntitle = \"Generated rules\"\nsource = \"benches/src/rules.rs\"\n\n[roles]\nprovider = \"hosts\"\ncustomer = \"is hosted\"\n\n[labels]\n",
    );
    for l in 0..LABELS {
        text.push_str(&format!("l{l} = \"label {l}\"\n"));
    }
    text.push_str(
        "\n[[clause]]\nid = \"power\"\ntitle = \"Suspension\"\ntext = \"t\"\nsource = \"s\"\nmark = \"reconstructed\"\npower = { holder = \"provider\", action = \"suspend\", against = \"customer\", when = 'breached(\"d0\")', notice = \"immediate\" }\n",
    );
    for i in 0..clauses.saturating_sub(1) {
        let label = i / 2 % LABELS;
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_rules_world_replays_and_its_policy_has_the_clauses_asked_for() {
        for clauses in [10, 1000] {
            let policy = super::policy(clauses);
            assert_eq!(policy.clauses.len(), clauses);
            let world = super::world(clauses, 500).map_err(|e| e.to_string());
            let world = world.unwrap_or_else(|e| unreachable!("{e}"));
            let outcome = world.replay_quiet().map_err(|e| e.to_string());
            assert!(outcome.is_ok_and(|o| o.verdicts.first().is_some_and(|v| v.permitted)));
        }
    }
}
