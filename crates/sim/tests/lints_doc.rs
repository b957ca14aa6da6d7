//! `docs/lints.md` is written from the lint registries (the policy's and the scenario's), so
//! it cannot drift from the lints' own text: this test fails when the committed file differs
//! from the one generated, and rewrites it under `UPDATE_GOLDEN=1` (review the diff).

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "helpers of a test fail it by panicking"
)]

use std::path::Path;

use modsim_policy::load::lint::{self as policy_lint, Lint};

const HEAD: &str = "# Lints

<!-- Written from the lint registries by `crates/sim/tests/lints_doc.rs`: edit the lints'
own text (`crates/policy/src/load/lint.rs`, `crates/sim/src/lint.rs`), then run
`UPDATE_GOLDEN=1 cargo test -p modsim-sim --test lints_doc`. -->

`modsim check` reports, besides errors, **warnings**: rule sets that are valid and compile, but
read as nonsense as a contract, or that a scenario binds in a way the policy does not expect.
Each has an id, shown above the warning and as `code` in the JSON form, and says why it matters
in its help. Warnings never stop `check` (exit 0) unless `--deny-warnings` is given (exit 1).
`modsim run` prints the warnings found when compiling a policy and when binding it to the
scenario (the column \"reported by\").

A clause can acknowledge a lint it trips on purpose: `allow = [\"power-without-notice\"]` on a
clause whose document really does let a party act without notice (an app store's removal, a
platform's account suspension). Its warnings of that lint are dropped; an `allow` that names no
lint is itself a warning. The shipped policies use it only there, with a comment saying why.

`modsim check` reads policies, scenarios, reforms (compiled together with the policy they apply
to, found beside them or in `policies/`), exercises (with the scenario they name) and answer
keys, telling them apart by their top-level table, and reports every problem of every file
together.

Every lint is cheap and decidable: it reads the compiled policy (and, for the lints of a
scenario, the policy as bound to the scenario's parties and posts), never runs a replay, and
stays silent when it cannot tell. Each is one entry of a registry: `LINTS` in
`crates/policy/src/load/lint.rs` for a policy alone, `LINTS` in `crates/sim/src/lint.rs` for
the lints that need a scenario.
";

const TAIL: &str = "
Periods of different kinds are compared only when the answer is certain whatever the start:
a calendar day is 23 to 25 hours, and N business days last N to 3N + 4 calendar days.

Powers that refer to each other in a cycle (`available(\"4\")` in 3 and `available(\"3\")` in 4)
are not a warning but an **error** (`power-cycle`): the replay could not decide either.
";

fn rows<C>(title: &str, lints: &[Lint<C>]) -> String {
    let mut out = format!(
        "\n## {title}\n\n| id | level | reported by | finds | why it matters |\n|---|---|---|---|---|\n"
    );
    for lint in lints {
        let level = match lint.level {
            miette::Severity::Error => "error",
            miette::Severity::Warning => "warning",
            miette::Severity::Advice => "advice",
        };
        out.push_str(&format!(
            "| `{}` | {level} | {} | {} | {} |\n",
            lint.id,
            lint.stage.commands(),
            lint.finds.replace('|', "\\|"),
            lint.why.replace('|', "\\|"),
        ));
    }
    out
}

fn generated() -> String {
    let mut out = HEAD.to_owned();
    out.push_str(&rows("Lints of a policy", policy_lint::LINTS));
    out.push_str(&rows("Lints that need a scenario", modsim_sim::lint::LINTS));
    out.push_str(TAIL);
    out
}

#[test]
fn docs_lints_md_is_written_from_the_registries() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/lints.md");
    let generated = generated();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &generated).expect("docs/lints.md written");
        return;
    }
    let committed = std::fs::read_to_string(&path).expect("docs/lints.md");
    assert!(
        committed == generated,
        "docs/lints.md differs from the lint registries: run `UPDATE_GOLDEN=1 cargo test -p modsim-sim --test lints_doc` and review the diff"
    );
}

#[test]
fn lint_ids_are_unique_across_the_registries() {
    let mut ids: Vec<&str> = policy_lint::LINTS.iter().map(|l| l.id).collect();
    ids.extend(modsim_sim::lint::LINTS.iter().map(|l| l.id));
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
}
