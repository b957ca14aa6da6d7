//! Conditions: CEL text, checked against what it may refer to and compiled once into a typed
//! tree ([`Cond`]) that evaluates without allocating.
//!
//! Two scopes: a **content** condition (a prohibition, a duty's trigger) reads one post
//! (`post.labels`, `post.reported`...), and a **state** condition (a power's `when`) reads the
//! state of the world (`breached("4.2")`, `available("6.1(b)")`, `state.live_reported`). Both
//! may read `now`, `params.NAME` and `assumptions.NAME`. See `docs/policy-format.md` for the
//! full list.
//!
//! A [`Condition`] keeps both the compiled tree, which the lints and the explanations walk, and
//! its fused form ([`fuse`]), which is what the engine evaluates.

pub mod fuse;
pub mod syntax;

mod compile;
#[cfg(test)]
mod marks;

pub use compile::{CompileError, Names, Scope, compile};
pub use fuse::{Fused, PostTest};

use jiff::{SignedDuration, Timestamp};

use crate::action::Action;
use crate::labels::LabelSet;
use crate::period::Period;

/// A compiled condition, with its text kept for explanations and its fused form for evaluation.
///
/// Build it with [`Condition::new`], which fuses the tree once; evaluate it with
/// [`Condition::eval`]. `cond` is the tree as compiled, for analysis (lints, explanations):
/// changing it afterwards does not change what [`Condition::eval`] evaluates.
#[derive(Clone, Debug)]
pub struct Condition {
    /// The CEL text as written in the policy.
    pub text: String,
    /// The compiled tree, as the text says it (not fused).
    pub cond: Cond,
    /// The evaluation form of `cond`.
    fused: Fused,
    /// `cond` is `prohibited` alone.
    prohibited_only: bool,
}

impl Condition {
    /// A condition from its text and its compiled tree, fused for evaluation.
    pub fn new(text: impl Into<String>, cond: Cond) -> Condition {
        let fused = Fused::new(&cond);
        Condition {
            text: text.into(),
            prohibited_only: cond == Cond::PostFlag(PostFlag::Prohibited),
            cond,
            fused,
        }
    }

    /// Evaluates the condition in its fused form: the same answer as `self.cond.eval(env)`,
    /// except that tests of the post are false without a post (see [`fuse`]). Never allocates.
    #[inline]
    pub fn eval<F: Facts>(&self, env: &Env<'_, F>) -> bool {
        self.fused.eval(env)
    }

    /// The evaluation form.
    pub fn fused(&self) -> &Fused {
        &self.fused
    }

    /// True when the condition is `prohibited` and nothing else (a duty's usual trigger): it
    /// holds exactly for the posts a prohibition matches, and no view of the post is needed.
    #[inline]
    pub fn is_prohibited(&self) -> bool {
        self.prohibited_only
    }
}

/// A compiled boolean expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// `true` or `false`.
    Const(bool),
    /// `!x`
    Not(Box<Cond>),
    /// `a && b && ...`
    All(Box<[Cond]>),
    /// `a || b || ...`
    Any(Box<[Cond]>),
    /// The post carries at least one of these labels.
    HasAnyLabel(LabelSet),
    /// The post carries every one of these labels.
    HasAllLabels(LabelSet),
    /// A yes/no fact of the post.
    PostFlag(PostFlag),
    /// A comparison of numbers.
    CompareNum(CmpOp, Num, Num),
    /// A comparison of instants.
    CompareTime(CmpOp, Time, Time),
    /// `a == b` (true) or `a != b` (false) over strings.
    EqualText(bool, Text, Text),
    /// `x in ["a", "b"]` over strings.
    TextIn(Text, Box<[Box<str>]>),
    /// `breached("ID")`: the duty of clause number `.0` is in breach now.
    Breached(usize),
    /// `available("ID")`: the condition of power number `.0` holds now.
    Available(usize),
    /// `fulfilled("ID")`: the duty of clause number `.0` was opened and every instance met in time.
    Fulfilled(usize),
    /// `assumptions.NAME`: the judgment call number `.0`.
    Assumption(usize),
    /// A reference to a clause that was taken out (`--without`): always false.
    TakenOut(String),
}

/// A yes/no fact of a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostFlag {
    /// It has been reported.
    Reported,
    /// It has been removed.
    Removed,
    /// A prohibition of the policy matches it (duty triggers only).
    Prohibited,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// Compares `a` with `b`.
    #[inline]
    pub fn apply<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        }
    }
}

/// A compiled integer expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Num {
    /// A literal.
    Const(i64),
    /// `post.severity`
    Severity,
    /// `post.reach`
    Reach,
    /// `size(post.labels)`
    LabelCount,
    /// A count from the state.
    State(StateCount),
    /// `params.NAME`, an integer parameter.
    Param(usize),
    /// `facts.NAME`, a scenario fact the policy declares, by index.
    Fact(usize),
    /// An account's history: its posts, prohibited posts, or the actions taken concerning
    /// it, in all or within a trailing period (`account.strikes.within("90 calendar days")`).
    History(History),
    /// `a + b`, `a - b`, `a * b`, `a / b`, `a % b` (saturating; division by zero gives 0).
    Arith(ArithOp, Box<Num>, Box<Num>),
}

/// Counts kept by the engine, readable by a power's condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateCount {
    /// `state.reports`: reports of the scenario's posts made so far.
    Reports,
    /// `state.live_reported`: reported prohibited posts still up.
    LiveReported,
    /// `state.live_prohibited`: prohibited posts still up, reported or not.
    LiveProhibited,
    /// `account.posts`: posts published so far by the account the power is held against.
    AccountPosts,
    /// `account.prohibited`: of those, the ones prohibited under the policy, removed or not.
    AccountProhibited,
    /// `account.live_prohibited`: of those, the ones still up.
    AccountLiveProhibited,
}

impl StateCount {
    /// The names under `state.`.
    pub const NAMES: &'static [&'static str] = &["reports", "live_reported", "live_prohibited"];
    /// The names under `account.`.
    pub const ACCOUNT_NAMES: &'static [&'static str] = &["posts", "prohibited", "live_prohibited"];
}

/// A count of an account's history, read by a power held against (or by) an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct History {
    /// What is counted.
    pub what: Counted,
    /// Only what happened within this trailing period before the instant read (an event at
    /// `t` counts while `now < t + period`: a strike "expires 90 days from the time it was
    /// issued"); `None` for all of the account's history.
    pub within: Option<Period>,
}

/// What an account's history counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Counted {
    /// Its posts (`account.posts`), by publication.
    Posts,
    /// Its posts prohibited under the policy, removed or not (`account.prohibited`).
    Prohibited,
    /// Actions of this kind taken against it, or (an appeal) by it, by or against a party of
    /// the policy (`account.strikes`, `account.warnings`, `account.appeals`).
    Actions(Action),
    /// Deliveries it received from a party of the policy, such as a statement of reasons
    /// (`account.informed`).
    Informed,
}

impl Counted {
    /// Its name under `account.`.
    pub fn name(self) -> &'static str {
        match self {
            Counted::Posts => "posts",
            Counted::Prohibited => "prohibited",
            Counted::Actions(action) => action.history_name().unwrap_or("actions"),
            Counted::Informed => "informed",
        }
    }
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
}

/// A compiled instant expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Time {
    /// `timestamp("...")`
    Const(Timestamp),
    /// `now`: the instant being judged.
    Now,
    /// `post.published`
    Published,
    /// `t + duration("...")` or `t - duration("...")`.
    Shift(Box<Time>, SignedDuration),
}

/// A compiled string expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Text {
    /// A literal.
    Const(Box<str>),
    /// `post.id`
    PostId,
    /// `post.author`
    Author,
}

/// One post as a content condition sees it, at the instant of evaluation.
#[derive(Clone, Debug)]
pub struct PostView<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its author's handle, or empty.
    pub author: &'a str,
    /// Its labels, in the policy's numbering.
    pub labels: LabelSet,
    /// Severity, 0 when not given.
    pub severity: i64,
    /// Reach (views, followers), 0 when not given.
    pub reach: i64,
    /// When it was published.
    pub published: Timestamp,
    /// Reported by now.
    pub reported: bool,
    /// Removed by now.
    pub removed: bool,
    /// Matched by a prohibition of the policy.
    pub prohibited: bool,
}

/// What a condition reads beyond a post: implemented by the engine's state.
pub trait Facts {
    /// The duty of index `duty` is in breach now.
    fn breached(&self, duty: usize) -> bool;
    /// The condition of the power of index `power` holds now.
    fn available(&self, power: usize) -> bool;
    /// The value of judgment call `index`.
    fn assumption(&self, index: usize) -> bool;
    /// The value of integer parameter `index`.
    fn param(&self, index: usize) -> i64;
    /// A count kept by the engine.
    fn count(&self, count: StateCount) -> i64;
    /// The duty of index `duty` was opened and every instance so far was met in time.
    fn fulfilled(&self, _duty: usize) -> bool {
        false
    }
    /// The value now of the scenario fact the policy declares at `index` (0 before it is known).
    fn fact(&self, _index: usize) -> i64 {
        0
    }
    /// A count of the history of the account a power is read for (0 without one).
    fn history(&self, _count: History) -> i64 {
        0
    }
}

/// Facts for content conditions evaluated on their own: no duty, power or count.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoState<'a> {
    /// Judgment calls' values, by index.
    pub assumptions: &'a [bool],
    /// Integer parameters' values, by index.
    pub params: &'a [i64],
}

impl Facts for NoState<'_> {
    fn breached(&self, _: usize) -> bool {
        false
    }
    fn available(&self, _: usize) -> bool {
        false
    }
    fn assumption(&self, index: usize) -> bool {
        self.assumptions.get(index).copied().unwrap_or(false)
    }
    fn param(&self, index: usize) -> i64 {
        self.params.get(index).copied().unwrap_or(0)
    }
    fn count(&self, _: StateCount) -> i64 {
        0
    }
}

/// What an evaluation sees: the instant, the post (for content conditions) and the facts.
#[derive(Clone, Copy, Debug)]
pub struct Env<'a, F: Facts> {
    /// The instant being judged.
    pub now: Timestamp,
    /// The post, for content conditions.
    pub post: Option<&'a PostView<'a>>,
    /// The rest of the world.
    pub facts: &'a F,
}

impl Cond {
    /// Labels one of which a post must carry for the condition to hold, when there are such:
    /// `None` when it may hold for a post of any labels. What [`crate::model::RuleIndex`]
    /// files a rule under.
    pub fn label_guard(&self) -> Option<LabelSet> {
        match self {
            Cond::Const(false) => Some(LabelSet::EMPTY),
            Cond::HasAnyLabel(set) => Some(set.clone()),
            Cond::HasAllLabels(set) => set.indices().next().map(LabelSet::single),
            // Any part's guard is the whole's: the one of fewest labels.
            Cond::All(parts) => parts
                .iter()
                .filter_map(Cond::label_guard)
                .min_by_key(LabelSet::len),
            // Every part needs a label, so the whole needs one of theirs.
            Cond::Any(parts) => parts.iter().try_fold(LabelSet::EMPTY, |guard, part| {
                part.label_guard().map(|g| guard.union(g))
            }),
            _ => None,
        }
    }

    /// Evaluates the condition. Never allocates.
    #[inline]
    pub fn eval<F: Facts>(&self, env: &Env<'_, F>) -> bool {
        match self {
            Cond::Const(b) => *b,
            Cond::Not(c) => !c.eval(env),
            Cond::All(cs) => cs.iter().all(|c| c.eval(env)),
            Cond::Any(cs) => cs.iter().any(|c| c.eval(env)),
            Cond::HasAnyLabel(set) => env.post.is_some_and(|p| p.labels.intersects(set)),
            Cond::HasAllLabels(set) => env.post.is_some_and(|p| p.labels.contains_all(set)),
            Cond::PostFlag(flag) => env.post.is_some_and(|p| match flag {
                PostFlag::Reported => p.reported,
                PostFlag::Removed => p.removed,
                PostFlag::Prohibited => p.prohibited,
            }),
            Cond::CompareNum(op, a, b) => op.apply(a.eval(env), b.eval(env)),
            Cond::CompareTime(op, a, b) => op.apply(a.eval(env), b.eval(env)),
            Cond::EqualText(equal, a, b) => (a.eval(env) == b.eval(env)) == *equal,
            Cond::TextIn(a, list) => {
                let a = a.eval(env);
                list.iter().any(|item| &**item == a)
            }
            Cond::Breached(d) => env.facts.breached(*d),
            Cond::Available(p) => env.facts.available(*p),
            Cond::Fulfilled(d) => env.facts.fulfilled(*d),
            Cond::Assumption(a) => env.facts.assumption(*a),
            Cond::TakenOut(_) => false,
        }
    }

    /// True when nothing but a post's labels decides the condition: it reads no other fact of
    /// the post, no state and no clock (its constants and judgment calls aside, which are
    /// fixed for a run). Two posts of the same labels are then judged alike.
    pub fn reads_labels_alone(&self) -> bool {
        let mut alone = true;
        self.visit(&mut |c| {
            alone &= matches!(
                c,
                Cond::Const(_)
                    | Cond::Not(_)
                    | Cond::All(_)
                    | Cond::Any(_)
                    | Cond::HasAnyLabel(_)
                    | Cond::HasAllLabels(_)
                    | Cond::Assumption(_)
                    | Cond::TakenOut(_)
            );
        });
        alone
    }

    /// Calls `f` on this condition and every condition inside it.
    pub fn visit(&self, f: &mut impl FnMut(&Cond)) {
        f(self);
        match self {
            Cond::Not(c) => c.visit(f),
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| c.visit(f)),
            _ => {}
        }
    }
}

impl Num {
    /// Calls `f` on this number and every number inside it.
    pub fn visit(&self, f: &mut impl FnMut(&Num)) {
        f(self);
        if let Num::Arith(_, a, b) = self {
            a.visit(f);
            b.visit(f);
        }
    }

    #[inline]
    fn eval<F: Facts>(&self, env: &Env<'_, F>) -> i64 {
        match self {
            Num::Const(n) => *n,
            Num::Severity => env.post.map_or(0, |p| p.severity),
            Num::Reach => env.post.map_or(0, |p| p.reach),
            Num::LabelCount => env.post.map_or(0, |p| i64::from(p.labels.len())),
            Num::State(count) => env.facts.count(*count),
            Num::Param(i) => env.facts.param(*i),
            Num::Fact(i) => env.facts.fact(*i),
            Num::History(h) => env.facts.history(*h),
            Num::Arith(op, a, b) => {
                let (a, b) = (a.eval(env), b.eval(env));
                match op {
                    ArithOp::Add => a.saturating_add(b),
                    ArithOp::Sub => a.saturating_sub(b),
                    ArithOp::Mul => a.saturating_mul(b),
                    ArithOp::Div => a.checked_div(b).unwrap_or(0),
                    ArithOp::Rem => a.checked_rem(b).unwrap_or(0),
                }
            }
        }
    }
}

impl Time {
    #[inline]
    fn eval<F: Facts>(&self, env: &Env<'_, F>) -> Timestamp {
        match self {
            Time::Const(t) => *t,
            Time::Now => env.now,
            Time::Published => env.post.map_or(env.now, |p| p.published),
            Time::Shift(t, d) => {
                let t = t.eval(env);
                t.checked_add(*d).unwrap_or(t)
            }
        }
    }
}

impl Text {
    #[inline]
    fn eval<'a, F: Facts>(&'a self, env: &Env<'a, F>) -> &'a str {
        match self {
            Text::Const(s) => s,
            Text::PostId => env.post.map_or("", |p| p.id),
            Text::Author => env.post.map_or("", |p| p.author),
        }
    }
}
