//! The condition compiler on arbitrary text, in every scope, against a small fixed set of
//! names; what compiles is also evaluated, compiled and fused, and the two forms must agree.
//! Never a panic.
#![no_main]

use jiff::Timestamp;
use libfuzzer_sys::fuzz_target;
use modsim_policy::condition::{Fused, NoState};
use modsim_policy::condition::{Names, Scope, compile};
use modsim_policy::{Cond, Env, LabelSet, LabelTable, PostView};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut labels = LabelTable::default();
    let _ = labels.push("incitement", "encourages violence");
    let _ = labels.push("threat", "threatens violence");
    let names = Names {
        labels: &labels,
        params: &[("threshold", true), ("cure_period", false)],
        assumptions: &["risk"],
        clauses: &["1", "2", "3"],
        duties: &[("2", Some(0))],
        powers: &[("3", Some(0)), ("1", None)],
        facts: &["backlog"],
        periods: &[("cure_period", modsim_policy::Period::CalendarDays(30))],
    };
    for scope in [Scope::Prohibition, Scope::DutyTrigger, Scope::Power] {
        if let Ok(cond) = compile(text, scope, &names) {
            evaluate(&cond);
        }
    }
});

/// Evaluates at a few instants, on a post with and without labels: the arithmetic of
/// numbers and instants must not overflow into a panic either, and the fused form the engine
/// evaluates must give the compiled tree's answer.
fn evaluate(cond: &Cond) {
    let fused = Fused::new(cond);
    let facts = NoState {
        assumptions: &[true],
        params: &[i64::MAX, 0],
    };
    for (now, labels) in [
        (Timestamp::MIN, LabelSet::default()),
        (Timestamp::UNIX_EPOCH, LabelSet::default()),
        (
            Timestamp::MAX,
            LabelSet::single(0).union(LabelSet::single(1)),
        ),
    ] {
        let post = PostView {
            id: "p",
            author: "a",
            labels,
            severity: i64::MIN,
            reach: i64::MAX,
            published: now,
            reported: true,
            removed: false,
            prohibited: true,
        };
        let env = Env {
            now,
            post: Some(&post),
            facts: &facts,
        };
        assert_eq!(fused.eval(&env), cond.eval(&env), "{cond:?} fused as {fused:?}");
    }
}
