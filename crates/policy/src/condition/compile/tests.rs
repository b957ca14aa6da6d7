//! The condition compiler's tests: conditions evaluated on posts, clauses resolved, and every
//! refusal located with its help.

use super::calls::parse_duration;
use super::*;
use crate::condition::{Env, NoState, PostView, marks};

fn labels() -> LabelTable {
    let mut t = LabelTable::default();
    for l in ["incitement", "threat", "hate", "spam"] {
        t.push(l, "");
    }
    t
}

fn with_names<R>(f: impl FnOnce(&Names<'_>) -> R) -> R {
    let labels = labels();
    let names = Names {
        labels: &labels,
        params: &[("min_severity", true), ("cure_period", false)],
        assumptions: &["aws_determined_risk"],
        clauses: &["AUP", "4.2", "6.1(b)", "7.2(b)(ii)"],
        duties: &[("4.2", Some(0))],
        powers: &[("6.1(b)", Some(0)), ("7.2(b)(ii)", None)],
        facts: &["unreviewed_reports"],
        periods: &[("cure_period", Period::CalendarDays(30))],
    };
    f(&names)
}

fn post(labels: &[&str], removed: bool) -> (LabelSet, bool) {
    (self::labels().set_of(labels.iter().copied()).0, removed)
}

fn eval(text: &str, labels: &[&str], removed: bool) -> bool {
    let cond = with_names(|n| compile(text, Scope::DutyTrigger, n)).unwrap();
    let (set, removed) = post(labels, removed);
    let view = PostView {
        id: "r001",
        author: "u1",
        labels: set,
        severity: 3,
        reach: 10,
        published: "2021-01-01T00:00:00Z".parse().unwrap(),
        reported: true,
        removed,
        prohibited: true,
    };
    let facts = NoState {
        assumptions: &[true],
        params: &[2, 0],
    };
    cond.eval(&Env {
        now: "2021-01-05T00:00:00Z".parse().unwrap(),
        post: Some(&view),
        facts: &facts,
    })
}

/// Compiles the condition of a marked case (`condition::marks`) in `scope` and checks that
/// its error is the one marked.
#[track_caller]
fn check_error(scope: Scope, case: &str) {
    let text = marks::condition(case);
    let err = with_names(|n| compile(&text, scope, n)).unwrap_err();
    marks::check(
        case,
        &marks::marked(&text, &err.span, &err.message, err.help.as_deref()),
    );
}

#[test]
fn content_conditions_evaluate() {
    assert!(eval(r#""threat" in post.labels"#, &["threat"], false));
    assert!(!eval(r#""threat" in post.labels"#, &["spam"], false));
    assert!(eval(
        r#"post.labels.exists(l, l in ["incitement", "threat"]) && !post.removed"#,
        &["incitement"],
        false
    ));
    assert!(!eval(
        r#"post.labels.exists(l, l in ["incitement", "threat"]) && !post.removed"#,
        &["incitement"],
        true
    ));
    assert!(eval("post.severity >= params.min_severity", &[], false));
    assert!(eval("post.published + duration(\"48h\") < now", &[], false));
    assert!(!eval(
        "post.published > timestamp(\"2021-01-02T00:00:00Z\")",
        &[],
        false
    ));
    assert!(eval(
        "post.author in ['u1', 'u2'] && post.id == 'r001'",
        &[],
        false
    ));
    assert!(eval(
        "post.removed == false && size(post.labels) == 2",
        &["hate", "spam"],
        false
    ));
    assert!(eval("assumptions.aws_determined_risk", &[], false));
    assert!(
        eval("-post.severity < 0 && 7 / 0 == 0", &[], false),
        "division by zero gives 0, no panic"
    );
}

#[test]
fn label_tests_fold_into_one_bitset() {
    let cond = with_names(|n| {
        compile(r#""incitement" in post.labels || "threat" in post.labels || post.labels.exists(l, l == "hate")"#, Scope::Prohibition, n)
    })
    .unwrap();
    assert!(
        matches!(&cond, Cond::HasAnyLabel(set) if set.len() == 3),
        "{cond:?}"
    );
}

/// Which conditions a post's labels alone decide: label tests, joined by logic, beside
/// constants and judgment calls; any other fact of the post, the state or the clock is more.
#[test]
fn some_conditions_read_labels_alone() {
    let reads_alone = |text: &str| {
        with_names(|n| compile(text, Scope::Prohibition, n))
            .unwrap()
            .reads_labels_alone()
    };
    for alone in [
        r#"post.labels.exists(l, l in ["incitement", "threat", "hate"])"#,
        r#""incitement" in post.labels && !("spam" in post.labels)"#,
        r#"("threat" in post.labels || "hate" in post.labels) && assumptions.aws_determined_risk"#,
        "true",
    ] {
        assert!(reads_alone(alone), "{alone}");
    }
    for more in [
        r#""incitement" in post.labels && post.severity > 2"#,
        r#""threat" in post.labels && post.reported"#,
        r#"size(post.labels) > 1"#,
        r#""hate" in post.labels || post.id == "r001""#,
    ] {
        assert!(!reads_alone(more), "{more}");
    }
}

#[test]
fn state_conditions_resolve_clauses() {
    let cond = with_names(|n| {
        compile(
            r#"breached("4.2") || available("7.2(b)(ii)")"#,
            Scope::Power,
            n,
        )
    })
    .unwrap();
    assert_eq!(
        cond,
        Cond::Any(vec![Cond::Breached(0), Cond::TakenOut("7.2(b)(ii)".into())].into_boxed_slice())
    );
}

/// Conditions refused, each with its message underlined where it points and its help.
const ERRORS: &[(Scope, &str)] = &[
    (
        Scope::Prohibition,
        r#"
        "threats" in post.labels
        ^^^^^^^^^ unknown label `threats`
        help: did you mean `threat`?
        "#,
    ),
    (
        Scope::Prohibition,
        r#"
        post.labls
             ^^^^^ a post has no field `labls`
        help: did you mean `labels`?
        "#,
    ),
    (
        Scope::Prohibition,
        r#"
        post.labels
        ^^^^^^^^^^^ a condition must be true or false, but this is the post's labels
        help: compare it, as in `post.severity >= 3`
        "#,
    ),
    (
        Scope::Prohibition,
        r#"
        post.severity && true
        ^^^^^^^^^^^^^ `&&` needs conditions on both sides, but this is a number
        "#,
    ),
    (
        Scope::Power,
        r#"
        breached("4.3")
                 ^^^^^ unknown clause `4.3`
        help: did you mean `4.2`?
        "#,
    ),
    (
        Scope::Power,
        r#"
        breached("6.1(b)")
                 ^^^^^^^^ clause `6.1(b)` is not a duty
        help: expected one of `4.2`
        "#,
    ),
    (
        Scope::Prohibition,
        r#"
        breached("4.2")
        ^^^^^^^^^^^^^^^ `breached` cannot be used in a prohibition
        help: only a power's condition reads the state of duties and powers
        "#,
    ),
    (
        Scope::Power,
        r#"
        post.reported
        ^^^^ `post` cannot be read in a power's condition
        help: a power's condition is about the state of duties and powers: use `breached("ID")`, `available("ID")` or `state.live_reported`
        "#,
    ),
    (
        Scope::Prohibition,
        r#"
        post.prohibited
             ^^^^^^^^^^ `post.prohibited` cannot be read in a prohibition
        help: a prohibition defines what is prohibited; test the post's labels instead
        "#,
    ),
    (
        Scope::Power,
        r#"
        params.cure_period > 3
        ^^^^^^^^^^^^^^^^^^ `params.cure_period` is a period and cannot be read in a condition
        help: periods belong in a power's `notice` or `cure`, or a duty's `within`
        "#,
    ),
    (
        Scope::Power,
        r#"
        assumptions.aws_determined_risks
                    ^^^^^^^^^^^^^^^^^^^^ unknown judgment call `aws_determined_risks`
        help: did you mean `aws_determined_risk`?
        "#,
    ),
    (
        Scope::Power,
        r#"
        state.live
              ^^^^ the state has no count `live`
        help: expected one of `reports`, `live_reported`, `live_prohibited`
        "#,
    ),
    (
        Scope::Prohibition,
        r#"
        post.severity > 'high'
        ^^^^^^^^^^^^^^^^^^^^^^ `>` cannot combine a number with a string
        "#,
    ),
    (
        Scope::Prohibition,
        r#"
        duration('2 days')
                 ^^^^^^^^ `2 days` is not a CEL duration
        help: write hours, minutes and seconds, as in `"48h"`, `"90m"` or `"1h30m"`
        "#,
    ),
    (
        Scope::Prohibition,
        r#"
        pots.labels
        ^^^^ unknown name `pots`
        help: did you mean `post`?
        "#,
    ),
    (
        Scope::Prohibition,
        r#"
        aws_determined_risk
        ^^^^^^^^^^^^^^^^^^^ unknown name `aws_determined_risk`
        help: did you mean `assumptions.aws_determined_risk`?
        "#,
    ),
];

#[test]
fn errors_are_located_and_helpful() {
    for &(scope, case) in ERRORS {
        check_error(scope, case);
    }
}

#[test]
fn cel_durations() {
    assert_eq!(parse_duration("48h"), Some(SignedDuration::from_hours(48)));
    assert_eq!(parse_duration("1h30m"), Some(SignedDuration::from_mins(90)));
    assert_eq!(parse_duration("10s"), Some(SignedDuration::from_secs(10)));
    assert_eq!(parse_duration("2d"), None);
    assert_eq!(parse_duration("12"), None);
    assert_eq!(parse_duration(""), None);
}
