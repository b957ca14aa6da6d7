//! Lints that need a scenario: what binding a policy to a scenario's parties and posts finds
//! (labels the policy does not know, facts the scenario never states, roles bound to no
//! party). They are entries of a registry ([`LINTS`]) in the shape of the policy's own
//! ([`Lint`]), and each finding is located in the file to blame from the spans the scenario
//! kept when it was read ([`Places`](crate::scenario::Places)), never by searching its text.

use miette::Severity;
use modsim_policy::diagnostic::did_you_mean;
use modsim_policy::load::lint::{Lint, Stage};
use modsim_policy::{FileProblems, PolicyDoc, Problem};

use crate::bind::{Bound, World};
use crate::scenario::Scenario;

/// What a scenario lint reads: one policy as bound to the scenario.
#[derive(Clone, Copy, Debug)]
pub struct Binding<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The policy, bound.
    pub bound: &'a Bound,
    /// Every policy in force, bound (this one among them).
    pub policies: &'a [Bound],
    /// The policy's document, for where it declares things.
    pub doc: &'a PolicyDoc,
    /// Its place among the policies in force: the scenario's `[[policy]]` entry, when the
    /// scenario named it.
    pub index: usize,
}

/// A scenario lint's function: it pushes what it finds, each placed in its file.
pub type ScenarioCheck = fn(&Binding<'_>, &mut Vec<Problem>);

/// A lint that needs the scenario.
pub type ScenarioLint = Lint<ScenarioCheck>;

/// A label on the posts that a policy in force does not declare.
pub const UNKNOWN_SCENARIO_LABEL: ScenarioLint = Lint {
    id: "unknown-scenario-label",
    level: Severity::Warning,
    stage: Stage::Bind,
    finds: "a label on a scenario's post that a policy in force does not declare, located where it first stands in the posts file, with \"did you mean\"",
    why: "the policy ignores labels it does not declare, so posts carrying only such labels are never prohibited under it",
    check: unknown_labels,
};

/// A fact a policy reads that the scenario never states.
pub const UNSTATED_FACT: ScenarioLint = Lint {
    id: "unstated-fact",
    level: Severity::Warning,
    stage: Stage::Bind,
    finds: "a fact a policy declares under `[facts]` that no `kind = \"fact\"` event of the scenario states, located in the policy",
    why: "conditions read a fact the scenario never states as 0, so whatever rests on it is judged as if the count were zero",
    check: unstated_facts,
};

/// A role of a policy that no party of the scenario plays.
pub const UNBOUND_ROLE: ScenarioLint = Lint {
    id: "unbound-role",
    level: Severity::Warning,
    stage: Stage::Bind,
    finds: "a role of a policy in force that the scenario binds to no party, located at the scenario's `[[policy]]` entry or `[roles]`",
    why: "duties held by the role are never owed and its powers never held, so the policy's verdicts leave it out",
    check: unbound_roles,
};

/// A determination of a judgment call that no policy in force declares.
pub const UNDECLARED_DETERMINATION: ScenarioLint = Lint {
    id: "undeclared-determination",
    level: Severity::Warning,
    stage: Stage::Bind,
    finds: "a scenario's `kind = \"determination\"` event naming a judgment call that no policy in force declares, located at its `determines`, with \"did you mean\"",
    why: "a determination dates only the judgment call it names: one no policy declares dates nothing, so the powers resting on the call meant hold from the start",
    check: undeclared_determinations,
};

/// Every lint that needs a scenario, in the order of `docs/lints.md`.
pub const LINTS: &[ScenarioLint] = &[
    UNKNOWN_SCENARIO_LABEL,
    UNSTATED_FACT,
    UNBOUND_ROLE,
    UNDECLARED_DETERMINATION,
];

/// What the scenario lints find in `world`, whose policies were compiled from `docs` (in
/// the same order).
pub fn check(world: &World, docs: &[PolicyDoc]) -> FileProblems {
    let mut found = Vec::new();
    for (index, (bound, doc)) in world.policies.iter().zip(docs).enumerate() {
        let binding = Binding {
            scenario: &world.scenario,
            bound,
            policies: &world.policies,
            doc,
            index,
        };
        for lint in LINTS {
            (lint.check)(&binding, &mut found);
        }
    }
    FileProblems { problems: found }
}

fn unknown_labels(b: &Binding<'_>, out: &mut Vec<Problem>) {
    let (policy, places) = (&b.bound.policy, &b.scenario.places);
    let known: Vec<&str> = policy.labels.names().collect();
    for label in &b.bound.unknown_labels {
        let fix = match did_you_mean(label, known.iter().copied()) {
            Some(close) => format!(
                "did you mean `{close}`? Otherwise declare `{label}` under `[labels]` in `{}`",
                policy.file
            ),
            None => format!(
                "declare `{label}` under `[labels]` in `{}` if it matters",
                policy.file
            ),
        };
        let problem = UNKNOWN_SCENARIO_LABEL.problem(
            format!("label `{label}` is not known to the policy `{}`", policy.id),
            places.label(label),
            &fix,
        );
        out.push(match &places.posts {
            Some(posts) => problem.in_file(posts),
            None => problem.in_file(&b.doc.source()),
        });
    }
}

fn unstated_facts(b: &Binding<'_>, out: &mut Vec<Problem>) {
    let source = b.doc.source();
    for fact in &b.bound.unknown_facts {
        out.push(
            UNSTATED_FACT
                .problem(
                    format!(
                        "the scenario `{}` states no fact `{fact}`, which this policy reads",
                        b.scenario.file
                    ),
                    b.doc.fact_span(fact),
                    "add a `kind = \"fact\"` event to the scenario if it matters",
                )
                .in_file(&source),
        );
    }
}

fn unbound_roles(b: &Binding<'_>, out: &mut Vec<Problem>) {
    let (policy, places) = (&b.bound.policy, &b.scenario.places);
    // The `[[policy]]` entry that put this policy in force, when the scenario named it.
    let entry = match b.scenario.policies.is_empty() {
        true => None,
        false => places.policies.get(b.index).cloned(),
    };
    for ((role, party), every) in policy
        .roles
        .iter()
        .zip(&b.bound.parties)
        .zip(&b.bound.every)
    {
        // A role bound to `"every account"` stands for every account, not for one party.
        if party.is_some() || *every {
            continue;
        }
        let problem = UNBOUND_ROLE.problem(
            format!(
                "role `{}` of the policy `{}` is bound to no party of the scenario",
                role.name, policy.id
            ),
            entry.clone().or_else(|| places.roles.clone()),
            &format!(
                "bind it under the scenario's `[roles]`, as `{} = \"PARTY\"`",
                role.name
            ),
        );
        out.push(match &places.scenario {
            Some(scenario) => problem.in_file(scenario),
            None => problem,
        });
    }
}

fn undeclared_determinations(b: &Binding<'_>, out: &mut Vec<Problem>) {
    // Judged against every policy at once: once, with the first.
    if b.index != 0 {
        return;
    }
    let declared: Vec<&str> = b
        .policies
        .iter()
        .flat_map(|p| p.policy.assumptions.iter().map(|a| a.name.as_str()))
        .collect();
    for d in &b.scenario.determinations {
        if declared.contains(&d.name.as_str()) {
            continue;
        }
        let fix = match did_you_mean(&d.name, declared.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => "name a judgment call a policy in force declares under `[assumptions]`".into(),
        };
        let problem = UNDECLARED_DETERMINATION.problem(
            format!(
                "the determination of `{}` names a judgment call no policy in force declares",
                d.name
            ),
            Some(d.named_at.clone()),
            &fix,
        );
        out.push(match &b.scenario.places.scenario {
            Some(scenario) => problem.in_file(scenario),
            None => problem,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Files;
    use crate::setup::{Request, prepare};

    const POLICY: &str = r#"
[policy]
id = "p"
title = "t"
source = "t"
[roles]
host = "hosts"
site = "is hosted"
[labels]
threat = "threatens violence"
[facts]
backlog = "reports not yet reviewed"
[parameters]
tolerated = { value = 10, about = "a backlog tolerated" }
[[clause]]
id = "1"
title = "t"
text = "t"
source = "t"
mark = "record"
prohibits = '"threat" in post.labels'
[[clause]]
id = "2"
title = "t"
text = "t"
source = "t"
mark = "record"
duty = { holder = "site", opens = "reported", met_by = "removed" }
[[clause]]
id = "3"
title = "t"
text = "t"
source = "t"
mark = "record"
power = { holder = "host", action = "suspend", against = "site", when = 'breached("2") || facts.backlog > params.tolerated', notice = "immediate" }
[[clause]]
id = "4"
title = "t"
text = "t"
source = "t"
mark = "record"
power = { holder = "host", action = "warn", against = "site", when = "assumptions.risk", notice = "immediate" }
[assumptions.risk]
question = "q"
default = true
clause = "4"
"#;

    const SCENARIO: &str = r#"
[scenario]
id = "s"
title = "t"
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
reported_by = "h"
reported_to = "s"
mark = "reconstructed"
[[event]]
at = "2021-01-02T00:00:00Z"
kind = "fact"
fact = "backlog"
value = 3
summary = "a backlog"
mark = "record"
[[event]]
at = "2021-01-03T00:00:00Z"
kind = "action"
actor = "h"
action = "suspend"
against = "s"
summary = "suspension"
mark = "record"
[[event]]
at = "2021-01-02T12:00:00Z"
kind = "determination"
by = "h"
determines = "risk"
summary = "the host determines a risk"
mark = "record"
"#;

    const POSTS: &str =
        "id,published,reported,labels\np12,2021-01-01T00:00:00Z,2021-01-01T01:00:00Z,threat\n";

    struct Texts(String, String);

    impl Files for Texts {
        fn read(&self, path: &str) -> Result<String, String> {
            match path {
                "s.toml" => Ok(self.0.clone()),
                "posts.csv" => Ok(self.1.clone()),
                "p.toml" => Ok(POLICY.to_owned()),
                _ => Err("no such file".into()),
            }
        }
    }

    /// The binding warnings of the scenario with `edits`, as `file:line:column: [code] message`.
    fn found(edits: &[(&str, &str)]) -> Vec<String> {
        let (mut scenario, mut posts) = (SCENARIO.to_owned(), POSTS.to_owned());
        for (from, to) in edits {
            if scenario.contains(from) {
                scenario = scenario.replacen(from, to, 1);
            } else {
                assert!(posts.contains(from), "{from}");
                posts = posts.replacen(from, to, 1);
            }
        }
        let request = Request {
            scenario: "s.toml".into(),
            ..Request::default()
        };
        let prepared = prepare(&request, &Texts(scenario, posts)).unwrap();
        prepared
            .warnings
            .problems
            .iter()
            .map(|p| {
                let (line, column) = p.line_column().expect("located");
                format!(
                    "{}:{line}:{column}: [{}] {}",
                    p.file().unwrap(),
                    p.code.unwrap_or("-"),
                    p.message
                )
            })
            .collect()
    }

    /// Per lint: edits that trip it once, and what it says, and edits that come close.
    type Case = (
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static str,
        &'static [(&'static str, &'static str)],
    );

    const CASES: &[Case] = &[
        (
            "undeclared-determination",
            &[("determines = \"risk\"", "determines = \"rsik\"")],
            "s.toml:38:14: [undeclared-determination] the determination of `rsik` names a judgment call no policy in force declares",
            // Another party's determination of a declared call is no concern of this lint.
            &[("by = \"h\"\ndetermines", "by = \"s\"\ndetermines")],
        ),
        (
            "unknown-scenario-label",
            &[(",threat\n", ",threat;thret\n")],
            "posts.csv:2:54: [unknown-scenario-label] label `thret` is not known to the policy `p`",
            &[(",threat\n", ",threat;threat\n")],
        ),
        (
            "unstated-fact",
            &[("fact = \"backlog\"", "fact = \"backlg\"")],
            "p.toml:12:1: [unstated-fact] the scenario `s.toml` states no fact `backlog`, which this policy reads",
            // A fact stated as 0 is stated.
            &[("value = 3", "value = 0")],
        ),
        (
            "unbound-role",
            &[("site = \"s\"\n", "")],
            "s.toml:12:8: [unbound-role] role `site` of the policy `p` is bound to no party of the scenario",
            &[(
                "[roles]\nhost = \"h\"\n",
                "[roles]\nhost = \"h\"\n# site below\n",
            )],
        ),
    ];

    #[test]
    fn a_sound_binding_has_no_warning() {
        assert_eq!(found(&[]), Vec::<String>::new());
    }

    #[test]
    fn every_scenario_lint_fires_on_its_case_and_not_on_a_near_miss() {
        for lint in LINTS {
            let Some((_, trips, says, misses)) = CASES.iter().find(|c| c.0 == lint.id) else {
                panic!("lint `{}` has no case in CASES", lint.id);
            };
            assert_eq!(found(trips), [*says], "{}", lint.id);
            assert_eq!(found(misses), Vec::<String>::new(), "{}", lint.id);
        }
        for case in CASES {
            assert!(
                LINTS.iter().any(|l| l.id == case.0),
                "case for no lint `{}`",
                case.0
            );
        }
    }

    #[test]
    fn a_label_is_located_where_it_first_stands_not_where_its_letters_do() {
        // Found in review: the label was found again by searching the posts file's text.
        let posts = (
            ",threat\n",
            ",threat\np2,2021-01-01T00:00:00Z,,thr; threats\np3,2021-01-01T00:00:00Z,,thr\n",
        );
        assert_eq!(
            found(&[posts]),
            [
                "posts.csv:3:26: [unknown-scenario-label] label `thr` is not known to the policy `p`",
                "posts.csv:3:31: [unknown-scenario-label] label `threats` is not known to the policy `p`",
            ]
        );
    }
}
