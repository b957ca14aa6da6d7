//! The fusion's tests: every fused condition evaluates as the tree it came from, on random
//! posts, and the shapes it fuses into.

use super::*;
use crate::condition::{Names, NoState, Scope, compile};
use crate::labels::LabelTable;

const LABELS: [&str; 6] = ["incitement", "threat", "hate", "spam", "satire", "news"];

/// The instant most conditions below compare with, and instants around it.
const T: &str = "2021-01-06T12:00:00Z";

fn t() -> Timestamp {
    T.parse().unwrap()
}

fn table() -> LabelTable {
    let mut table = LabelTable::default();
    for l in LABELS {
        table.push(l, "");
    }
    table
}

fn set(names: &[&str]) -> LabelSet {
    table().set_of(names.iter().copied()).0
}

fn compile_trigger(text: &str) -> Cond {
    let table = table();
    let names = Names {
        labels: &table,
        params: &[("min_severity", true)],
        assumptions: &["risk"],
        clauses: &[],
        duties: &[],
        powers: &[],
        facts: &[],
        periods: &[],
    };
    compile(text, Scope::DutyTrigger, &names).unwrap_or_else(|e| panic!("{text}: {}", e.message))
}

/// A fixed-seed generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, X>(&mut self, xs: &'a [X]) -> &'a X {
        &xs[self.below(xs.len())]
    }
}

/// Publication instants that sit on, just beside and far from the bounds below.
fn instants() -> Vec<Timestamp> {
    let t = t();
    let nano = SignedDuration::from_nanos(1);
    let hour = SignedDuration::from_hours(1);
    vec![
        t,
        t.checked_sub(nano).unwrap(),
        t.checked_add(nano).unwrap(),
        t.checked_sub(hour).unwrap(),
        t.checked_add(hour).unwrap(),
        t.checked_add(SignedDuration::from_hours(24 * 30)).unwrap(),
        Timestamp::UNIX_EPOCH,
        Timestamp::MIN,
        Timestamp::MAX,
    ]
}

/// A random post: labels, flags, severity, reach and publication drawn from `rng`.
fn post(rng: &mut Rng) -> PostView<'static> {
    let bits = rng.next();
    let labels = (0..LABELS.len())
        .filter(|i| bits >> i & 1 == 1)
        .fold(LabelSet::EMPTY, |s, i| s.union(LabelSet::single(i)));
    PostView {
        id: ["p1", "p2", "p3"][rng.below(3)],
        author: ["u1", "u2", ""][rng.below(3)],
        labels,
        severity: rng.below(7) as i64 - 1,
        reach: rng.below(1000) as i64,
        published: *rng.pick(&instants()),
        reported: bits >> 10 & 1 == 1,
        removed: bits >> 11 & 1 == 1,
        prohibited: bits >> 12 & 1 == 1,
    }
}

/// Conditions written in CEL: comparisons of `post.published` by every operator and on both
/// sides, negations, nested `&&` and `||`, severity, text, judgment calls, parameters.
const TEXTS: &[&str] = &[
    r#"post.labels.exists(l, l in ["incitement", "threat"]) && !post.removed && post.reported && post.published > timestamp("2021-01-06T12:00:00Z")"#,
    r#""incitement" in post.labels"#,
    r#""incitement" in post.labels && "threat" in post.labels"#,
    r#"post.labels.exists(l, l in ["incitement", "threat"]) && post.labels.exists(l, l in ["hate", "spam"])"#,
    r#"post.labels.exists(l, l in ["incitement", "threat"]) && post.labels.exists(l, l in ["hate", "spam"]) && post.labels.exists(l, l == "satire" || l == "news")"#,
    r#"post.labels.exists(l, l in ["incitement", "threat"]) && "hate" in post.labels && !post.prohibited"#,
    r#"post.published > timestamp("2021-01-06T12:00:00Z") && post.reported"#,
    r#"post.published >= timestamp("2021-01-06T12:00:00Z") && post.reported"#,
    r#"post.published < timestamp("2021-01-06T12:00:00Z") && post.reported"#,
    r#"post.published <= timestamp("2021-01-06T12:00:00Z") && post.reported"#,
    r#"post.published == timestamp("2021-01-06T12:00:00Z") && post.reported"#,
    r#"post.published != timestamp("2021-01-06T12:00:00Z") && post.reported"#,
    r#"timestamp("2021-01-06T12:00:00Z") < post.published && !post.removed"#,
    r#"timestamp("2021-01-06T12:00:00Z") <= post.published && !post.removed"#,
    r#"timestamp("2021-01-06T12:00:00Z") > post.published && !post.removed"#,
    r#"timestamp("2021-01-06T12:00:00Z") >= post.published && !post.removed"#,
    r#"timestamp("2021-01-06T12:00:00Z") == post.published && !post.removed"#,
    r#"timestamp("2021-01-06T12:00:00Z") != post.published && !post.removed"#,
    r#"post.published >= timestamp("2021-01-06T11:00:00Z") && post.published < timestamp("2021-01-06T13:00:00Z") && post.published != timestamp("2021-01-06T12:00:00Z")"#,
    r#"post.published > timestamp("2021-01-06T12:00:00Z") && post.published < timestamp("2021-01-06T12:00:00Z")"#,
    r#"post.published >= timestamp("2021-01-06T12:00:00Z") && post.published <= timestamp("2021-01-06T12:00:00Z")"#,
    r#"post.published > timestamp("2021-01-06T11:59:59.999999999Z") && post.published < timestamp("2021-01-06T12:00:00.000000001Z")"#,
    r#"post.published + duration("1h") > timestamp("2021-01-06T12:00:00Z") && post.reported"#,
    r#"post.published + duration("48h") < now && !post.removed"#,
    r#"now > post.published && post.reported"#,
    "post.reported && !post.reported",
    "post.reported && post.removed && post.prohibited",
    "!post.reported && !post.removed && !post.prohibited",
    "!(post.reported && post.removed)",
    "!(post.reported || post.removed) && post.prohibited",
    r#"!("incitement" in post.labels) && post.reported"#,
    r#"!("incitement" in post.labels && post.reported)"#,
    r#"(post.reported || post.removed) && ("hate" in post.labels || "spam" in post.labels)"#,
    r#"post.reported && ((post.removed && "hate" in post.labels) || (post.prohibited && !("spam" in post.labels)))"#,
    r#""hate" in post.labels || post.reported || "spam" in post.labels || (post.removed && "news" in post.labels)"#,
    "post.severity >= 3 && post.reported",
    "post.severity >= params.min_severity && !post.removed",
    "post.severity + 1 > 3 && post.severity < 5 && post.prohibited",
    r#""threat" in post.labels && post.severity * 2 >= post.reach % 7"#,
    "size(post.labels) >= 2 && post.reported",
    r#"post.author == "u1" && post.reported"#,
    r#"post.id in ["p1", "p2"] && !post.removed && post.published < timestamp("2021-01-06T13:00:00Z")"#,
    r#"post.author != "u2" || "incitement" in post.labels"#,
    r#"assumptions.risk && post.reported && "threat" in post.labels"#,
    r#"!assumptions.risk || (post.removed && post.published >= timestamp("2021-01-06T12:00:00Z"))"#,
    "true && post.reported",
    "false || post.removed",
    "post.reported == true && post.removed == false",
    "true",
    "false",
];

/// Conditions built by hand, in shapes the compiler does not produce: `HasAllLabels`, nested
/// `All`s and `Any`s, unmerged label sets, an empty label set, double negation, bounds at the
/// ends of time.
fn built() -> Vec<Cond> {
    let flag = |f| Cond::PostFlag(f);
    let not = |c| Cond::Not(Box::new(c));
    let all = |cs: Vec<Cond>| Cond::All(cs.into_boxed_slice());
    let any = |cs: Vec<Cond>| Cond::Any(cs.into_boxed_slice());
    let time = |op, t| Cond::CompareTime(op, Time::Published, Time::Const(t));
    let reported = flag(PostFlag::Reported);
    let removed = flag(PostFlag::Removed);
    let mut out = vec![
        all(vec![
            Cond::HasAllLabels(set(&["incitement", "threat"])),
            Cond::HasAllLabels(set(&["hate"])),
            reported.clone(),
        ]),
        all(vec![
            Cond::HasAllLabels(set(&["incitement"])),
            Cond::HasAnyLabel(set(&["hate", "spam"])),
        ]),
        all(vec![
            all(vec![reported.clone(), all(vec![not(removed.clone())])]),
            any(vec![
                any(vec![Cond::HasAnyLabel(set(&["hate"]))]),
                removed.clone(),
            ]),
            time(CmpOp::Ge, t()),
        ]),
        any(vec![
            Cond::HasAnyLabel(set(&["hate"])),
            any(vec![reported.clone(), Cond::HasAnyLabel(set(&["spam"]))]),
            Cond::HasAnyLabel(set(&["news"])),
        ]),
        all(vec![Cond::HasAnyLabel(LabelSet::EMPTY), reported.clone()]),
        any(vec![Cond::HasAnyLabel(LabelSet::EMPTY), reported.clone()]),
        all(vec![Cond::HasAllLabels(LabelSet::EMPTY), removed.clone()]),
        all(vec![]),
        any(vec![]),
        all(vec![all(vec![]), reported.clone()]),
        not(not(all(vec![reported.clone(), removed.clone()]))),
        not(all(vec![reported.clone(), not(removed.clone())])),
        all(vec![time(CmpOp::Gt, Timestamp::MAX), reported.clone()]),
        all(vec![time(CmpOp::Lt, Timestamp::MIN), reported.clone()]),
        all(vec![time(CmpOp::Ge, Timestamp::MIN), reported.clone()]),
        all(vec![time(CmpOp::Le, Timestamp::MAX), reported.clone()]),
        all(vec![time(CmpOp::Eq, Timestamp::MIN), reported.clone()]),
        all(vec![time(CmpOp::Eq, Timestamp::MAX)]),
        all(vec![
            time(CmpOp::Gt, Timestamp::MIN),
            time(CmpOp::Lt, Timestamp::MAX),
        ]),
        all(vec![
            Cond::CompareTime(CmpOp::Lt, Time::Const(Timestamp::MAX), Time::Published),
            Cond::CompareTime(CmpOp::Gt, Time::Const(Timestamp::MIN), Time::Published),
        ]),
        time(CmpOp::Ge, t()),
        not(time(CmpOp::Lt, t())),
        Cond::HasAllLabels(set(&["spam", "news"])),
        not(reported.clone()),
        reported.clone(),
    ];
    out.extend(TEXTS.iter().map(|text| compile_trigger(text)));
    out
}

/// Leaves for random trees: every kind the fusion gathers, and some it leaves alone.
fn leaves() -> Vec<Cond> {
    let mut leaves = vec![
        Cond::HasAllLabels(set(&["incitement", "hate"])),
        Cond::HasAllLabels(LabelSet::EMPTY),
        Cond::HasAnyLabel(LabelSet::EMPTY),
        Cond::Const(true),
        Cond::Const(false),
        Cond::Assumption(0),
    ];
    for names in [
        &["incitement"][..],
        &["threat", "hate"],
        &["spam", "news", "satire"],
    ] {
        leaves.push(Cond::HasAnyLabel(set(names)));
    }
    for flag in [PostFlag::Reported, PostFlag::Removed, PostFlag::Prohibited] {
        leaves.push(Cond::PostFlag(flag));
        leaves.push(Cond::Not(Box::new(Cond::PostFlag(flag))));
    }
    let ops = [
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ];
    for op in ops {
        for at in [t(), Timestamp::MIN, Timestamp::MAX] {
            leaves.push(Cond::CompareTime(op, Time::Published, Time::Const(at)));
            leaves.push(Cond::CompareTime(op, Time::Const(at), Time::Published));
        }
        leaves.push(Cond::CompareNum(
            op,
            super::super::Num::Severity,
            super::super::Num::Const(3),
        ));
    }
    leaves
}

/// A random tree of `All`, `Any` and `Not` over `leaves`, at most `depth` deep.
fn tree(rng: &mut Rng, leaves: &[Cond], depth: usize) -> Cond {
    if depth == 0 || rng.below(4) == 0 {
        return rng.pick(leaves).clone();
    }
    let n = rng.below(5);
    let parts: Box<[Cond]> = (0..n).map(|_| tree(rng, leaves, depth - 1)).collect();
    match rng.below(5) {
        0 => Cond::Not(Box::new(tree(rng, leaves, depth - 1))),
        1 | 2 => Cond::All(parts),
        _ => Cond::Any(parts),
    }
}

fn check(cond: &Cond, post: &PostView<'_>, now: Timestamp) {
    let facts = NoState {
        assumptions: &[post.severity % 2 == 0],
        params: &[3],
    };
    let env = Env {
        now,
        post: Some(post),
        facts: &facts,
    };
    let fused = Fused::new(cond);
    assert_eq!(
        fused.eval(&env),
        cond.eval(&env),
        "{cond:?}\nfused: {fused:?}\npost: {post:?}\nnow: {now}"
    );
}

/// The fused form answers as the compiled tree does, over the conditions above and
/// random posts.
#[test]
fn fused_evaluates_as_compiled() {
    let mut rng = Rng(0x6675_7365);
    let conds = built();
    let instants = instants();
    for _ in 0..2000 {
        let post = post(&mut rng);
        let now = *rng.pick(&instants);
        for cond in &conds {
            check(cond, &post, now);
        }
    }
}

/// The same over random trees of the leaves the fusion gathers and some it leaves alone.
#[test]
fn fused_random_trees_evaluate_as_compiled() {
    let mut rng = Rng(0x7472_6565);
    let leaves = leaves();
    let instants = instants();
    for _ in 0..3000 {
        let cond = tree(&mut rng, &leaves, 4);
        for _ in 0..40 {
            let post = post(&mut rng);
            check(&cond, &post, *rng.pick(&instants));
        }
    }
}

/// The benchmark's compound rule becomes one test of the post.
#[test]
fn compound_rule_is_one_post_test() {
    let cond = compile_trigger(TEXTS[0]);
    let after = t().checked_add(SignedDuration::from_nanos(1)).unwrap();
    assert_eq!(
        Fused::new(&cond),
        Fused::Post(PostTest {
            all: LabelSet::EMPTY,
            any: Some(set(&["incitement", "threat"])),
            set: PostTest::bit(PostFlag::Reported),
            clear: PostTest::bit(PostFlag::Removed),
            earliest: after,
            latest: Timestamp::MAX,
        })
    );
}

#[test]
fn shapes() {
    // A label test alone is one bit test; a flag alone is a `PostTest`.
    assert_eq!(
        Fused::new(&compile_trigger(r#""hate" in post.labels"#)),
        Fused::AnyLabel(set(&["hate"]))
    );
    assert_eq!(
        Fused::new(&compile_trigger("!post.removed")),
        Fused::Post(PostTest {
            clear: PostTest::bit(PostFlag::Removed),
            ..PostTest::TRUE
        })
    );
    // A second set of several labels stays apart: "one of these and one of those".
    let two = compile_trigger(
        r#"post.labels.exists(l, l in ["incitement", "threat"]) && post.labels.exists(l, l in ["hate", "spam"]) && post.reported"#,
    );
    let Fused::All(parts) = Fused::new(&two) else {
        panic!("{two:?}");
    };
    assert!(matches!(
        &*parts,
        [
            Fused::Post(PostTest {
                any: Some(_),
                set: 1,
                ..
            }),
            Fused::AnyLabel(_)
        ]
    ));
    // `!=` and comparisons with `now` are left as compiled; the rest is gathered first.
    let ne = compile_trigger(
        r#"post.published != timestamp("2021-01-06T12:00:00Z") && now > post.published && !post.removed"#,
    );
    let Fused::All(parts) = Fused::new(&ne) else {
        panic!("{ne:?}");
    };
    assert!(matches!(
        &*parts,
        [
            Fused::Post(PostTest { clear: 2, .. }),
            Fused::Leaf(Cond::CompareTime(CmpOp::Ne, ..)),
            Fused::Leaf(Cond::CompareTime(CmpOp::Gt, Time::Now, Time::Published)),
        ]
    ));
    // Under `||`, label tests merge into one set.
    let any = Cond::Any(Box::new([
        Cond::HasAnyLabel(set(&["hate"])),
        Cond::Any(Box::new([
            Cond::PostFlag(PostFlag::Reported),
            Cond::HasAnyLabel(set(&["spam"])),
        ])),
    ]));
    assert_eq!(
        Fused::new(&any),
        Fused::Any(Box::new([
            Fused::AnyLabel(set(&["hate", "spam"])),
            Fused::Post(PostTest {
                set: 1,
                ..PostTest::TRUE
            }),
        ]))
    );
    // Conditions of the state have nothing to fuse.
    assert_eq!(
        Fused::new(&Cond::Breached(0)),
        Fused::Leaf(Cond::Breached(0))
    );
}

/// A test of the post is false without a post; the rest of a condition still evaluates.
#[test]
fn without_a_post() {
    let facts = NoState {
        assumptions: &[true],
        params: &[],
    };
    let env = Env {
        now: t(),
        post: None,
        facts: &facts,
    };
    let not_removed = compile_trigger("!post.removed");
    assert!(
        not_removed.eval(&env),
        "the compiled leaf reads no post as not removed"
    );
    assert!(!Fused::new(&not_removed).eval(&env));
    let risk = Cond::Any(Box::new([
        Cond::Assumption(0),
        Cond::PostFlag(PostFlag::Reported),
    ]));
    assert!(Fused::new(&risk).eval(&env));
}
