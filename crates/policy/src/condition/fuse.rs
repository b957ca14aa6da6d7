//! Fusion: a compiled [`Cond`] turned into the form the engine evaluates, [`Fused`].
//!
//! [`Cond`] stays the tree the policy's text says, because the lints and the explanations walk
//! it part by part. Evaluation wants something flatter: a content rule such as
//!
//! ```text
//! post.labels.exists(l, l in ["incitement", "threat"]) && !post.removed && post.reported
//!     && post.published > timestamp("2020-12-15T00:00:00Z")
//! ```
//!
//! compiles to `All[HasAnyLabel, Not(PostFlag), PostFlag, CompareTime]`, four boxed nodes walked
//! by a recursive `match`, each looking the post up again. Fusion rewrites it once, at load:
//!
//! - nested `All`s (and nested `Any`s) are flattened into their parent;
//! - inside an `All`, the leaves that read only the post are gathered into one [`PostTest`]: label
//!   tests (`HasAllLabels` merged, a one-label `HasAnyLabel` read as `HasAllLabels`, one set of
//!   several labels kept as "at least one of"), flags (`post.reported`, `!post.removed`...) as the
//!   bits that must be set and the bits that must be clear, and comparisons of `post.published`
//!   with a constant instant as an inclusive range. Timestamps have nanosecond precision, so
//!   `> t` is exactly `>= t + 1ns` and `< t` is `<= t - 1ns` (an inclusive range needs no
//!   "unbounded" case: it is `Timestamp::MIN..=Timestamp::MAX`). `!=` and comparisons with
//!   anything but a constant are left as they are. A second set of several labels cannot join
//!   the first (that would be an "or" inside the "and"), so it becomes a [`PostTest`] of its own,
//!   a separate part of the `All`;
//! - inside an `Any`, the `HasAnyLabel` tests are merged into one set;
//! - a label test on its own (`"threat" in post.labels`, the whole of most prohibitions) is
//!   [`Fused::AnyLabel`], one bit test; any other test of the post on its own (`!post.removed`)
//!   is a [`PostTest`].
//!
//! The compound rule above fuses to a single [`PostTest`]: a few bit tests and two timestamp
//! comparisons, behind one check that there is a post.
//!
//! A [`PostTest`] is **false when there is no post**, where the leaves it replaces would each
//! have read a missing post their own way (`!post.removed` as true, say). That never shows:
//! leaves about the post compile only in content scopes (a prohibition, a duty's trigger), and
//! content conditions are always evaluated with a post. Every other evaluation gives what the
//! unfused tree gives; the tests below check that over many posts and conditions.

use jiff::{SignedDuration, Timestamp};

use super::{CmpOp, Cond, Env, Facts, PostFlag, PostView, Time};
use crate::labels::LabelSet;

/// A condition in the form the engine evaluates: [`Cond`] with the tests of the post inside each
/// `All` fused into one [`PostTest`]. Built by [`Fused::new`]; evaluates without allocating.
///
/// `repr(u8)`: a plain tag byte, read in one instruction. Without it the tag is folded into the
/// spare values of [`Cond`]'s own tags, and telling the variants apart costs a dozen
/// instructions per evaluation.
#[derive(Clone, Debug, PartialEq)]
#[repr(u8)]
pub enum Fused {
    /// The post carries at least one of these labels (false without a post): a label test on
    /// its own, the whole of most prohibitions, kept to the one bit test it needs.
    AnyLabel(LabelSet),
    /// Tests of the post, all of which must hold (false without a post).
    Post(PostTest),
    /// Every part holds.
    All(Box<[Fused]>),
    /// At least one part holds.
    Any(Box<[Fused]>),
    /// The part does not hold.
    Not(Box<Fused>),
    /// Any other condition, evaluated as compiled.
    Leaf(Cond),
}

/// A conjunction of tests of one post, evaluated as a few bit tests and two comparisons.
///
/// It holds for a post whose labels include every label of `all` and at least one of `any` (when
/// set), whose flags include `set` and exclude `clear`, and which was published within
/// `earliest..=latest`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostTest {
    /// Labels the post must all carry.
    pub all: LabelSet,
    /// Labels the post must carry at least one of; `None` for no such test.
    pub any: Option<LabelSet>,
    /// Flags (see [`PostTest::flags`]) that must be set.
    pub set: u8,
    /// Flags that must be clear.
    pub clear: u8,
    /// The earliest publication instant allowed (inclusive).
    pub earliest: Timestamp,
    /// The latest publication instant allowed (inclusive).
    pub latest: Timestamp,
}

impl PostTest {
    /// The test every post passes.
    pub const TRUE: PostTest = PostTest {
        all: LabelSet::EMPTY,
        any: None,
        set: 0,
        clear: 0,
        earliest: Timestamp::MIN,
        latest: Timestamp::MAX,
    };

    /// The bit of a flag in [`PostTest::flags`].
    pub fn bit(flag: PostFlag) -> u8 {
        match flag {
            PostFlag::Reported => 1,
            PostFlag::Removed => 2,
            PostFlag::Prohibited => 4,
        }
    }

    /// The post's flags as bits: reported 1, removed 2, prohibited 4.
    #[inline]
    pub fn flags(post: &PostView<'_>) -> u8 {
        u8::from(post.reported) | u8::from(post.removed) << 1 | u8::from(post.prohibited) << 2
    }

    /// True when the post passes every test.
    #[inline]
    pub fn holds(&self, post: &PostView<'_>) -> bool {
        // The label tests first: they are the ones most posts fail.
        let flags = PostTest::flags(post);
        self.any
            .as_ref()
            .is_none_or(|any| post.labels.intersects(any))
            && post.labels.contains_all(&self.all)
            && flags & self.set == self.set
            && flags & self.clear == 0
            && self.earliest <= post.published
            && post.published <= self.latest
    }

    /// Adds `cond` to the tests when it reads only the post and fits; false (and the test
    /// unchanged) when it does not.
    fn absorb(&mut self, cond: &Cond) -> bool {
        match cond {
            Cond::HasAllLabels(set) => self.all.union_with(set),
            Cond::HasAnyLabel(set) if set.len() == 1 => self.all.union_with(set),
            Cond::HasAnyLabel(set) if self.any.is_none() => self.any = Some(set.clone()),
            Cond::PostFlag(flag) => self.set |= PostTest::bit(*flag),
            Cond::Not(inner) => match &**inner {
                Cond::PostFlag(flag) => self.clear |= PostTest::bit(*flag),
                _ => return false,
            },
            Cond::CompareTime(op, Time::Published, Time::Const(t)) => return self.bound(*op, *t),
            Cond::CompareTime(op, Time::Const(t), Time::Published) => {
                return self.bound(op.mirrored(), *t);
            }
            _ => return false,
        }
        true
    }

    /// Narrows the publication range by `published op t`; false for `!=`, which is no range.
    fn bound(&mut self, op: CmpOp, t: Timestamp) -> bool {
        let nano = SignedDuration::from_nanos(1);
        // `None`: no instant is on that side of `t` (`> Timestamp::MAX`, `< Timestamp::MIN`).
        let (earliest, latest) = match op {
            CmpOp::Gt => (t.checked_add(nano).ok(), Some(Timestamp::MAX)),
            CmpOp::Ge => (Some(t), Some(Timestamp::MAX)),
            CmpOp::Lt => (Some(Timestamp::MIN), t.checked_sub(nano).ok()),
            CmpOp::Le => (Some(Timestamp::MIN), Some(t)),
            CmpOp::Eq => (Some(t), Some(t)),
            CmpOp::Ne => return false,
        };
        match (earliest, latest) {
            (Some(earliest), Some(latest)) => {
                self.earliest = self.earliest.max(earliest);
                self.latest = self.latest.min(latest);
            }
            _ => {
                // An empty range: no post passes.
                self.earliest = Timestamp::MAX;
                self.latest = Timestamp::MIN;
            }
        }
        true
    }
}

impl CmpOp {
    /// The operator with its operands swapped: `a < b` is `b > a`.
    fn mirrored(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            CmpOp::Eq => CmpOp::Eq,
            CmpOp::Ne => CmpOp::Ne,
        }
    }
}

impl Fused {
    /// Fuses a compiled condition.
    pub fn new(cond: &Cond) -> Fused {
        let mut test = PostTest::TRUE;
        match cond {
            Cond::All(parts) => Fused::all(parts),
            Cond::Any(parts) => Fused::any(parts),
            Cond::HasAnyLabel(set) => Fused::AnyLabel(set.clone()),
            // Any other test of the post on its own (`!post.removed`) is a `PostTest` too.
            _ if test.absorb(cond) => Fused::Post(test),
            Cond::Not(inner) => match Fused::new(inner) {
                Fused::Leaf(_) => Fused::Leaf(cond.clone()),
                fused => Fused::Not(Box::new(fused)),
            },
            _ => Fused::Leaf(cond.clone()),
        }
    }

    /// `a && b && ...`: flattened, the tests of the post gathered into one [`PostTest`] first.
    fn all(parts: &[Cond]) -> Fused {
        let mut flat = Vec::new();
        flatten(parts, true, &mut flat);
        let mut test = PostTest::TRUE;
        let mut gathered = false;
        let mut rest = Vec::new();
        for part in flat {
            if test.absorb(part) {
                gathered = true;
            } else {
                rest.push(Fused::new(part));
            }
        }
        if gathered {
            rest.insert(0, Fused::Post(test));
        }
        Fused::join(rest, true)
    }

    /// `a || b || ...`: flattened, the `HasAnyLabel` tests merged into one.
    fn any(parts: &[Cond]) -> Fused {
        let mut flat = Vec::new();
        flatten(parts, false, &mut flat);
        let mut labels: Option<LabelSet> = None;
        let mut rest = Vec::new();
        for part in flat {
            match part {
                Cond::HasAnyLabel(set) => labels.get_or_insert_default().union_with(set),
                _ => rest.push(Fused::new(part)),
            }
        }
        if let Some(set) = labels {
            rest.insert(0, Fused::AnyLabel(set));
        }
        Fused::join(rest, false)
    }

    /// One part alone, or all of them under `All` (`all`) or `Any`.
    fn join(mut parts: Vec<Fused>, all: bool) -> Fused {
        if parts.len() == 1
            && let Some(only) = parts.pop()
        {
            return only;
        }
        let parts = parts.into_boxed_slice();
        if all {
            Fused::All(parts)
        } else {
            Fused::Any(parts)
        }
    }

    /// Evaluates the condition. Never allocates.
    ///
    /// Not recursive itself, so that a [`PostTest`] (the whole of most content rules) is
    /// evaluated inline in the caller; `All`, `Any` and `Not` go through a function of their own.
    #[inline]
    pub fn eval<F: Facts>(&self, env: &Env<'_, F>) -> bool {
        match self {
            Fused::AnyLabel(set) => env.post.is_some_and(|post| post.labels.intersects(set)),
            Fused::Post(test) => env.post.is_some_and(|post| test.holds(post)),
            Fused::Leaf(cond) => cond.eval(env),
            Fused::All(_) | Fused::Any(_) | Fused::Not(_) => self.eval_parts(env),
        }
    }

    /// Evaluates `All`, `Any` and `Not`, their parts through [`Fused::eval`].
    fn eval_parts<F: Facts>(&self, env: &Env<'_, F>) -> bool {
        match self {
            Fused::All(parts) => parts.iter().all(|p| p.eval(env)),
            Fused::Any(parts) => parts.iter().any(|p| p.eval(env)),
            Fused::Not(part) => !part.eval(env),
            Fused::AnyLabel(_) | Fused::Post(_) | Fused::Leaf(_) => self.eval(env),
        }
    }
}

/// The parts of an `All` (`all`) or an `Any`, with the parts of the same kind nested in them
/// brought up to their level.
fn flatten<'c>(parts: &'c [Cond], all: bool, out: &mut Vec<&'c Cond>) {
    for part in parts {
        match (all, part) {
            (true, Cond::All(inner)) | (false, Cond::Any(inner)) => flatten(inner, all, out),
            _ => out.push(part),
        }
    }
}

#[cfg(test)]
mod tests {
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
        compile(text, Scope::DutyTrigger, &names)
            .unwrap_or_else(|e| panic!("{text}: {}", e.message))
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
}
