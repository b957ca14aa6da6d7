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
mod tests;
