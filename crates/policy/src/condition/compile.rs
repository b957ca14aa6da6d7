//! The type checker and compiler from CEL syntax to [`Cond`]: every name resolved, every
//! operand's type checked, label tests folded into bitsets, once per policy load.

use std::ops::Range;

use jiff::SignedDuration;

use super::syntax::{self, BinaryOp, Expr, ExprKind, UnaryOp};
use super::{ArithOp, CmpOp, Cond, Counted, History, Num, PostFlag, StateCount, Text, Time};
use crate::action::Action;
use crate::diagnostic::did_you_mean;
use crate::labels::{LabelSet, LabelTable};
use crate::period::Period;
use crate::vocabulary::Vocabulary;

/// Where a condition stands, which decides what it may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// A prohibition: reads one post, but not `post.prohibited` (that is what it defines).
    Prohibition,
    /// A duty's trigger: reads one post, including `post.prohibited`.
    DutyTrigger,
    /// A power's condition: reads the state (`breached`, `available`, `state.*`).
    Power,
}

impl Scope {
    fn reads_post(self) -> bool {
        matches!(self, Scope::Prohibition | Scope::DutyTrigger)
    }

    fn describe(self) -> &'static str {
        match self {
            Scope::Prohibition => "a prohibition",
            Scope::DutyTrigger => "a duty's trigger",
            Scope::Power => "a power's condition",
        }
    }
}

/// The names a condition may refer to, from its policy.
#[derive(Clone, Copy, Debug)]
pub struct Names<'a> {
    /// The policy's labels.
    pub labels: &'a LabelTable,
    /// Parameters by name, with whether each is an integer (periods cannot be read in a condition).
    pub params: &'a [(&'a str, bool)],
    /// Judgment calls by name.
    pub assumptions: &'a [&'a str],
    /// Every clause id of the policy, for messages.
    pub clauses: &'a [&'a str],
    /// Duties by clause id, with their index, or `None` when taken out.
    pub duties: &'a [(&'a str, Option<usize>)],
    /// Powers by clause id, with their index, or `None` when taken out.
    pub powers: &'a [(&'a str, Option<usize>)],
    /// The scenario facts the policy declares, by name (`facts.NAME`).
    pub facts: &'a [&'a str],
    /// The period parameters, by name with their values, for `.within("NAME")`.
    pub periods: &'a [(&'a str, Period)],
}

/// A condition that does not check, located in its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    /// What is wrong.
    pub message: String,
    /// Where, in the condition's text.
    pub span: Range<usize>,
    /// How to fix it.
    pub help: Option<String>,
}

impl CompileError {
    fn new(message: impl Into<String>, span: Range<usize>) -> CompileError {
        CompileError {
            message: message.into(),
            span,
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> CompileError {
        self.help = Some(help.into());
        self
    }

    fn suggest<'a>(
        self,
        name: &str,
        known: impl IntoIterator<Item = &'a str> + Clone,
    ) -> CompileError {
        match did_you_mean(name, known.clone()) {
            Some(close) => self.help(format!("did you mean `{close}`?")),
            None => {
                let all: Vec<String> = known.into_iter().map(|k| format!("`{k}`")).collect();
                if all.is_empty() {
                    self.help("none is defined in this policy")
                } else {
                    self.help(format!("expected one of {}", all.join(", ")))
                }
            }
        }
    }
}

impl From<syntax::SyntaxError> for CompileError {
    fn from(e: syntax::SyntaxError) -> CompileError {
        CompileError {
            message: e.message,
            span: e.span,
            help: e.help,
        }
    }
}

/// Parses, checks and compiles a condition.
///
/// ```
/// use modsim_policy::condition::{compile, Cond, Names, Scope};
/// use modsim_policy::LabelTable;
/// let mut labels = LabelTable::default();
/// labels.push("incitement", "encourages violence");
/// labels.push("threat", "threatens violence");
/// let names = Names { labels: &labels, params: &[], assumptions: &[], clauses: &[], duties: &[], powers: &[], facts: &[], periods: &[] };
/// let cond = compile(r#""incitement" in post.labels || "threat" in post.labels"#, Scope::Prohibition, &names).unwrap();
/// assert!(matches!(cond, Cond::HasAnyLabel(_)), "two label tests fold into one bitset test");
/// assert!(compile("post.labels", Scope::Prohibition, &names).is_err(), "not a condition");
/// ```
pub fn compile(text: &str, scope: Scope, names: &Names<'_>) -> Result<Cond, CompileError> {
    let expr = syntax::parse(text)?;
    let checker = Checker { scope, names };
    match checker.expr(&expr)? {
        Typed::Bool(cond) => Ok(cond),
        other => Err(CompileError::new(
            format!(
                "a condition must be true or false, but this is {}",
                other.describe()
            ),
            expr.span,
        )
        .help(match scope {
            Scope::Power => "compare it, as in `state.live_reported >= 10`",
            _ => "compare it, as in `post.severity >= 3`",
        })),
    }
}

/// A checked sub-expression and its type.
enum Typed {
    Bool(Cond),
    Num(Num),
    Time(Time),
    Duration(SignedDuration),
    Text(Text),
    Labels,
    TextList(Vec<Box<str>>),
}

impl Typed {
    fn describe(&self) -> &'static str {
        match self {
            Typed::Bool(_) => "a condition (true or false)",
            Typed::Num(_) => "a number",
            Typed::Time(_) => "an instant",
            Typed::Duration(_) => "a duration",
            Typed::Text(_) => "a string",
            Typed::Labels => "the post's labels",
            Typed::TextList(_) => "a list of strings",
        }
    }
}

const POST_FIELDS: &[&str] = &[
    "labels",
    "severity",
    "reach",
    "author",
    "id",
    "published",
    "reported",
    "removed",
    "prohibited",
];

struct Checker<'a> {
    scope: Scope,
    names: &'a Names<'a>,
}

impl Checker<'_> {
    fn roots(&self) -> Vec<&'static str> {
        let mut roots = vec!["now", "params", "assumptions"];
        if self.scope.reads_post() {
            roots.insert(0, "post");
        } else {
            roots.extend(["state", "account", "facts"]);
        }
        roots
    }

    fn expr(&self, e: &Expr) -> Result<Typed, CompileError> {
        match &e.kind {
            ExprKind::Bool(b) => Ok(Typed::Bool(Cond::Const(*b))),
            ExprKind::Int(n) => Ok(Typed::Num(Num::Const(*n))),
            ExprKind::Str(s) => Ok(Typed::Text(Text::Const(s.as_str().into()))),
            ExprKind::List(items) => {
                let mut list = Vec::with_capacity(items.len());
                for item in items {
                    match &item.kind {
                        ExprKind::Str(s) => list.push(s.as_str().into()),
                        _ => {
                            return Err(CompileError::new(
                                "a list may hold only strings written out",
                                item.span.clone(),
                            ));
                        }
                    }
                }
                Ok(Typed::TextList(list))
            }
            ExprKind::Ident(name) => self.ident(name, e.span.clone()),
            ExprKind::Select(target, field) => self.select(target, field, e.span.clone()),
            ExprKind::Call { target, name, args } => {
                self.call(target.as_deref(), name, args, e.span.clone())
            }
            ExprKind::Unary(op, operand) => {
                let inner = self.expr(operand)?;
                match (op, inner) {
                    (UnaryOp::Not, Typed::Bool(c)) => Ok(Typed::Bool(match c {
                        Cond::Const(b) => Cond::Const(!b),
                        Cond::Not(inner) => *inner,
                        c => Cond::Not(Box::new(c)),
                    })),
                    (UnaryOp::Neg, Typed::Num(n)) => Ok(Typed::Num(Num::Arith(
                        ArithOp::Sub,
                        Box::new(Num::Const(0)),
                        Box::new(n),
                    ))),
                    (UnaryOp::Not, other) => Err(CompileError::new(
                        format!("`!` needs a condition, but this is {}", other.describe()),
                        operand.span.clone(),
                    )),
                    (UnaryOp::Neg, other) => Err(CompileError::new(
                        format!("`-` needs a number, but this is {}", other.describe()),
                        operand.span.clone(),
                    )),
                }
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b),
        }
    }

    fn ident(&self, name: &str, span: Range<usize>) -> Result<Typed, CompileError> {
        match name {
            "now" => Ok(Typed::Time(Time::Now)),
            "post" if self.scope.reads_post() => Err(CompileError::new(
                "`post` is a record: name one of its fields",
                span,
            )
            .help(format!("for example `post.labels`; the fields are {}", list(POST_FIELDS)))),
            "params" | "assumptions" | "state" | "account" | "facts"
                if self.roots().contains(&name) =>
            {
                Err(
                CompileError::new(format!("`{name}` is a record: name one of its entries"), span)
                    .help(format!("write `{name}.NAME`")),
                )
            }
            "post" => Err(CompileError::new(
                format!("`post` cannot be read in {}", self.scope.describe()),
                span,
            )
            .help("a power's condition is about the state of duties and powers: use `breached(\"ID\")`, `available(\"ID\")` or `state.live_reported`")),
            "state" => Err(CompileError::new(
                format!("`state` cannot be read in {}", self.scope.describe()),
                span,
            )
            .help("content conditions read the post: `post.labels`, `post.reported`")),
            _ => match self.prefixed(name) {
                // `apple_found_plan_inadequate` for `assumptions.apple_found_plan_inadequate`.
                Some(root) => Err(CompileError::new(format!("unknown name `{name}`"), span)
                    .help(format!("did you mean `{root}.{name}`?"))),
                None => Err(CompileError::new(format!("unknown name `{name}`"), span)
                    .suggest(name, self.roots())),
            },
        }
    }

    /// The record that has an entry `name` (a judgment call, a parameter, a fact), when this
    /// scope may read it: what a bare name most likely lacks.
    fn prefixed(&self, name: &str) -> Option<&'static str> {
        let n = &self.names;
        [
            ("assumptions", n.assumptions.contains(&name)),
            ("params", n.params.iter().any(|(p, _)| *p == name)),
            ("facts", n.facts.contains(&name)),
        ]
        .into_iter()
        .find(|(root, has)| *has && self.roots().contains(root))
        .map(|(root, _)| root)
    }

    // Long: a match over the closed vocabulary of roots and their fields (`post.*`, `state.*`,
    // `account.*`, `params`, `facts`), each arm a line or two; split, it would scatter one table.
    fn select(
        &self,
        target: &Expr,
        field: &str,
        span: Range<usize>,
    ) -> Result<Typed, CompileError> {
        let ExprKind::Ident(root) = &target.kind else {
            return Err(CompileError::new(
                format!("`.{field}` cannot be read from this"),
                span,
            ));
        };
        let field_span = span.end.saturating_sub(field.len())..span.end;
        match root.as_str() {
            "post" if self.scope.reads_post() => match field {
                "labels" => Ok(Typed::Labels),
                "severity" => Ok(Typed::Num(Num::Severity)),
                "reach" => Ok(Typed::Num(Num::Reach)),
                "author" => Ok(Typed::Text(Text::Author)),
                "id" => Ok(Typed::Text(Text::PostId)),
                "published" => Ok(Typed::Time(Time::Published)),
                "reported" => Ok(Typed::Bool(Cond::PostFlag(PostFlag::Reported))),
                "removed" => Ok(Typed::Bool(Cond::PostFlag(PostFlag::Removed))),
                "prohibited" if self.scope == Scope::DutyTrigger => {
                    Ok(Typed::Bool(Cond::PostFlag(PostFlag::Prohibited)))
                }
                "prohibited" => Err(CompileError::new(
                    "`post.prohibited` cannot be read in a prohibition",
                    field_span,
                )
                .help("a prohibition defines what is prohibited; test the post's labels instead")),
                _ => Err(
                    CompileError::new(format!("a post has no field `{field}`"), field_span)
                        .suggest(field, POST_FIELDS.iter().copied()),
                ),
            },
            "params" => {
                let names = self.names.params.iter().map(|(n, _)| *n);
                match self.names.params.iter().position(|(n, _)| *n == field) {
                    Some(i) if self.names.params.get(i).is_some_and(|(_, int)| *int) => {
                        Ok(Typed::Num(Num::Param(i)))
                    }
                    Some(_) => Err(CompileError::new(
                        format!("`params.{field}` is a period and cannot be read in a condition"),
                        span,
                    )
                    .help("periods belong in a power's `notice` or `cure`, or a duty's `within`")),
                    None => Err(CompileError::new(
                        format!("unknown parameter `{field}`"),
                        field_span,
                    )
                    .suggest(field, names)),
                }
            }
            "assumptions" => match self.names.assumptions.iter().position(|n| *n == field) {
                Some(i) => Ok(Typed::Bool(Cond::Assumption(i))),
                None => Err(CompileError::new(
                    format!("unknown judgment call `{field}`"),
                    field_span,
                )
                .suggest(field, self.names.assumptions.iter().copied())),
            },
            "state" if self.scope == Scope::Power => match field {
                "reports" => Ok(Typed::Num(Num::State(StateCount::Reports))),
                "live_reported" => Ok(Typed::Num(Num::State(StateCount::LiveReported))),
                "live_prohibited" => Ok(Typed::Num(Num::State(StateCount::LiveProhibited))),
                _ => Err(CompileError::new(
                    format!("the state has no count `{field}`"),
                    field_span,
                )
                .suggest(field, StateCount::NAMES.iter().copied())),
            },
            "account" if self.scope == Scope::Power => match field {
                "posts" => Ok(Typed::Num(Num::State(StateCount::AccountPosts))),
                "prohibited" => Ok(Typed::Num(Num::State(StateCount::AccountProhibited))),
                "live_prohibited" => Ok(Typed::Num(Num::State(StateCount::AccountLiveProhibited))),
                "informed" => Ok(Typed::Num(Num::History(History {
                    what: Counted::Informed,
                    within: None,
                }))),
                _ => match Action::ALL.iter().find(|a| a.history_name() == Some(field)) {
                    Some(&action) => Ok(Typed::Num(Num::History(History {
                        what: Counted::Actions(action),
                        within: None,
                    }))),
                    None => Err(CompileError::new(
                        format!("an account has no count `{field}`"),
                        field_span,
                    )
                    .suggest(field, account_names())),
                },
            },
            "facts" if self.scope == Scope::Power => {
                match self.names.facts.iter().position(|n| *n == field) {
                    Some(i) => Ok(Typed::Num(Num::Fact(i))),
                    None if self.names.facts.is_empty() => Err(CompileError::new(
                        format!("unknown scenario fact `{field}`"),
                        field_span,
                    )
                    .help(format!(
                        "declare it under `[facts]` first, as in `{field} = \"what it counts\"`"
                    ))),
                    None => Err(CompileError::new(
                        format!("unknown scenario fact `{field}`"),
                        field_span,
                    )
                    .suggest(field, self.names.facts.iter().copied())),
                }
            }
            _ => self.ident(root, target.span.clone()),
        }
    }

    // Long: a match over the closed vocabulary of binary operators by the types of their
    // operands, one arm per pairing; split, it would scatter one table.
    fn binary(&self, op: BinaryOp, a: &Expr, b: &Expr) -> Result<Typed, CompileError> {
        if op == BinaryOp::In {
            return self.membership(a, b);
        }
        let left = self.expr(a)?;
        let right = self.expr(b)?;
        let mismatch = |left: &Typed, right: &Typed| {
            CompileError::new(
                format!(
                    "`{}` cannot combine {} with {}",
                    op.symbol(),
                    left.describe(),
                    right.describe()
                ),
                a.span.start..b.span.end,
            )
        };
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let (Typed::Bool(x), Typed::Bool(y)) = (left, right) else {
                    let (bad, span) = match self.expr(a)? {
                        Typed::Bool(_) => (self.expr(b)?, b.span.clone()),
                        other => (other, a.span.clone()),
                    };
                    return Err(CompileError::new(
                        format!(
                            "`{}` needs conditions on both sides, but this is {}",
                            op.symbol(),
                            bad.describe()
                        ),
                        span,
                    ));
                };
                Ok(Typed::Bool(join(op == BinaryOp::And, x, y)))
            }
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => {
                let cmp = match op {
                    BinaryOp::Eq => CmpOp::Eq,
                    BinaryOp::Ne => CmpOp::Ne,
                    BinaryOp::Lt => CmpOp::Lt,
                    BinaryOp::Le => CmpOp::Le,
                    BinaryOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                match (left, right) {
                    (Typed::Num(x), Typed::Num(y)) => Ok(Typed::Bool(Cond::CompareNum(cmp, x, y))),
                    (Typed::Time(x), Typed::Time(y)) => {
                        Ok(Typed::Bool(Cond::CompareTime(cmp, x, y)))
                    }
                    (Typed::Text(x), Typed::Text(y)) if matches!(cmp, CmpOp::Eq | CmpOp::Ne) => {
                        Ok(Typed::Bool(Cond::EqualText(cmp == CmpOp::Eq, x, y)))
                    }
                    (Typed::Bool(x), Typed::Bool(Cond::Const(k)))
                    | (Typed::Bool(Cond::Const(k)), Typed::Bool(x))
                        if matches!(cmp, CmpOp::Eq | CmpOp::Ne) =>
                    {
                        let keep = k == (cmp == CmpOp::Eq);
                        Ok(Typed::Bool(if keep { x } else { Cond::Not(Box::new(x)) }))
                    }
                    (left, right) => Err(mismatch(&left, &right)),
                }
            }
            BinaryOp::Add | BinaryOp::Sub => match (left, right) {
                (Typed::Num(x), Typed::Num(y)) => Ok(Typed::Num(Num::Arith(
                    if op == BinaryOp::Add {
                        ArithOp::Add
                    } else {
                        ArithOp::Sub
                    },
                    Box::new(x),
                    Box::new(y),
                ))),
                (Typed::Time(t), Typed::Duration(d)) => Ok(Typed::Time(Time::Shift(
                    Box::new(t),
                    if op == BinaryOp::Add { d } else { -d },
                ))),
                (Typed::Duration(d), Typed::Time(t)) if op == BinaryOp::Add => {
                    Ok(Typed::Time(Time::Shift(Box::new(t), d)))
                }
                (left, right) => Err(mismatch(&left, &right)),
            },
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => match (left, right) {
                (Typed::Num(x), Typed::Num(y)) => Ok(Typed::Num(Num::Arith(
                    match op {
                        BinaryOp::Mul => ArithOp::Mul,
                        BinaryOp::Div => ArithOp::Div,
                        _ => ArithOp::Rem,
                    },
                    Box::new(x),
                    Box::new(y),
                ))),
                (left, right) => Err(mismatch(&left, &right)),
            },
            BinaryOp::In => Err(CompileError::new("unreachable", a.span.clone())),
        }
    }
}

/// Every count an account has in conditions, for suggestions.
fn account_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = StateCount::ACCOUNT_NAMES.to_vec();
    names.push("informed");
    names.extend(Action::ALL.iter().filter_map(|a| a.history_name()));
    names
}

/// `x && y` or `x || y`, flattened, with label tests under `||` merged into one bitset.
fn join(all: bool, x: Cond, y: Cond) -> Cond {
    let mut parts: Vec<Cond> = Vec::new();
    for c in [x, y] {
        match (all, c) {
            (true, Cond::All(cs)) | (false, Cond::Any(cs)) => parts.extend(cs.into_vec()),
            (_, c) => parts.push(c),
        }
    }
    if !all {
        let mut merged: Vec<Cond> = Vec::with_capacity(parts.len());
        for c in parts {
            if let Cond::HasAnyLabel(set) = &c
                && let Some(Cond::HasAnyLabel(existing)) = merged
                    .iter_mut()
                    .find(|m| matches!(m, Cond::HasAnyLabel(_)))
            {
                existing.union_with(set);
                continue;
            }
            merged.push(c);
        }
        parts = merged;
    }
    if parts.len() == 1
        && let Some(only) = parts.pop()
    {
        return only;
    }
    let parts = parts.into_boxed_slice();
    if all {
        Cond::All(parts)
    } else {
        Cond::Any(parts)
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

mod calls;
#[cfg(test)]
mod tests;
