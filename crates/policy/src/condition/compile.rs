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

    fn call(
        &self,
        target: Option<&Expr>,
        name: &str,
        args: &[Expr],
        span: Range<usize>,
    ) -> Result<Typed, CompileError> {
        if let Some(target) = target {
            return self.member_call(target, name, args, span);
        }
        let one_string = |what: &str| -> Result<(&str, Range<usize>), CompileError> {
            match args {
                [
                    Expr {
                        kind: ExprKind::Str(s),
                        span,
                    },
                ] => Ok((s.as_str(), span.clone())),
                _ => Err(CompileError::new(
                    format!("`{name}` takes one {what} written as a string"),
                    span.clone(),
                )
                .help(format!("for example `{name}(\"{}\")`", example_for(name)))),
            }
        };
        match name {
            "breached" | "available" | "fulfilled" if self.scope != Scope::Power => {
                Err(CompileError::new(
                    format!("`{name}` cannot be used in {}", self.scope.describe()),
                    span,
                )
                .help("only a power's condition reads the state of duties and powers"))
            }
            "breached" => {
                let (id, id_span) = one_string("clause id")?;
                self.clause_ref(id, id_span, self.names.duties, "duty", Cond::Breached)
            }
            "available" => {
                let (id, id_span) = one_string("clause id")?;
                self.clause_ref(id, id_span, self.names.powers, "power", Cond::Available)
            }
            "fulfilled" => {
                let (id, id_span) = one_string("clause id")?;
                self.clause_ref(id, id_span, self.names.duties, "duty", Cond::Fulfilled)
            }
            "duration" => {
                let (text, text_span) = one_string("duration")?;
                parse_duration(text)
                    .map(Typed::Duration)
                    .ok_or_else(|| {
                        CompileError::new(format!("`{text}` is not a CEL duration"), text_span)
                            .help("write hours, minutes and seconds, as in `\"48h\"`, `\"90m\"` or `\"1h30m\"`")
                    })
            }
            "timestamp" => {
                let (text, text_span) = one_string("instant")?;
                crate::period::parse_rfc3339(text)
                    .map(|t| Typed::Time(Time::Const(t)))
                    .map_err(|e| {
                        CompileError::new(e.to_string(), text_span)
                            .help("write it with its offset, as in `\"2021-01-06T12:00:00-08:00\"`")
                    })
            }
            "size" => match args {
                [arg] => match self.expr(arg)? {
                    Typed::Labels => Ok(Typed::Num(Num::LabelCount)),
                    Typed::TextList(items) => Ok(Typed::Num(Num::Const(items.len() as i64))),
                    other => Err(CompileError::new(
                        format!(
                            "`size` needs the post's labels, but this is {}",
                            other.describe()
                        ),
                        arg.span.clone(),
                    )),
                },
                _ => Err(CompileError::new("`size` takes one argument", span)),
            },
            _ => Err(
                CompileError::new(format!("unknown function `{name}`"), span).suggest(
                    name,
                    [
                        "breached",
                        "available",
                        "fulfilled",
                        "duration",
                        "timestamp",
                        "size",
                    ],
                ),
            ),
        }
    }

    /// `COUNT.within("PERIOD")`: an account's count over a trailing period, written out or
    /// named by a period parameter.
    fn within(
        &self,
        receiver: Typed,
        receiver_span: &Range<usize>,
        args: &[Expr],
        span: Range<usize>,
    ) -> Result<Typed, CompileError> {
        let what = match receiver {
            Typed::Num(Num::State(StateCount::AccountPosts)) => Counted::Posts,
            Typed::Num(Num::State(StateCount::AccountProhibited)) => Counted::Prohibited,
            Typed::Num(Num::History(History { what, within: None })) => what,
            Typed::Num(Num::History(History {
                within: Some(_), ..
            })) => {
                return Err(CompileError::new(
                    "this count is already within a period",
                    receiver_span.clone(),
                ));
            }
            Typed::Num(Num::State(StateCount::AccountLiveProhibited)) => {
                return Err(CompileError::new(
                    "`account.live_prohibited` is what is up now, not a history to count within a period",
                    receiver_span.clone(),
                )
                .help("count `account.prohibited.within(\"90 calendar days\")` instead"));
            }
            other => {
                return Err(CompileError::new(
                    format!(
                        "`within` counts an account's history, but this is {}",
                        other.describe()
                    ),
                    receiver_span.clone(),
                )
                .help("for example `account.strikes.within(\"90 calendar days\")`"));
            }
        };
        let [
            Expr {
                kind: ExprKind::Str(text),
                span: text_span,
            },
        ] = args
        else {
            return Err(CompileError::new(
                "`within` takes one period written as a string",
                span,
            )
            .help("for example `account.strikes.within(\"90 calendar days\")`, or a period parameter's name"));
        };
        let period = self.period(text, text_span.clone())?;
        Ok(Typed::Num(Num::History(History {
            what,
            within: Some(period),
        })))
    }

    /// A period written out (`"90 calendar days"`) or a period parameter's name.
    fn period(&self, text: &str, span: Range<usize>) -> Result<Period, CompileError> {
        let trimmed = text.trim();
        if trimmed.starts_with(|c: char| c.is_ascii_digit()) {
            let period = Period::parse(trimmed)
                .map_err(|e| CompileError::new(e.to_string(), span.clone()).help(e.help()))?;
            if period.is_zero() {
                return Err(CompileError::new(
                    format!("`{trimmed}` is no time at all: nothing would count"),
                    span,
                ));
            }
            return Ok(period);
        }
        match self.names.periods.iter().find(|(n, _)| *n == trimmed) {
            Some((_, period)) => Ok(*period),
            None => Err(CompileError::new(
                format!("`{trimmed}` is neither a period nor a period parameter"),
                span,
            )
            .suggest(trimmed, self.names.periods.iter().map(|(n, _)| *n))),
        }
    }

    fn clause_ref(
        &self,
        id: &str,
        id_span: Range<usize>,
        table: &[(&str, Option<usize>)],
        kind: &str,
        make: fn(usize) -> Cond,
    ) -> Result<Typed, CompileError> {
        match table.iter().find(|(c, _)| *c == id) {
            Some((_, Some(index))) => Ok(Typed::Bool(make(*index))),
            Some((_, None)) => Ok(Typed::Bool(Cond::TakenOut(id.to_owned()))),
            None if self.names.clauses.contains(&id) => Err(CompileError::new(
                format!("clause `{id}` is not a {kind}"),
                id_span,
            )
            .suggest(id, table.iter().map(|(c, _)| *c))),
            None => Err(CompileError::new(format!("unknown clause `{id}`"), id_span)
                .suggest(id, table.iter().map(|(c, _)| *c))),
        }
    }

    fn member_call(
        &self,
        target: &Expr,
        name: &str,
        args: &[Expr],
        span: Range<usize>,
    ) -> Result<Typed, CompileError> {
        let receiver = self.expr(target)?;
        if name == "within" {
            return self.within(receiver, &target.span, args, span);
        }
        match (receiver, name) {
            (Typed::Labels, "size") if args.is_empty() => Ok(Typed::Num(Num::LabelCount)),
            (Typed::Labels, "exists") => {
                let [variable, body] = args else {
                    return Err(CompileError::new(
                        "`exists` takes a variable and a condition",
                        span,
                    )
                    .help(
                        "for example `post.labels.exists(l, l in [\"threat\", \"incitement\"])`",
                    ));
                };
                let ExprKind::Ident(var) = &variable.kind else {
                    return Err(CompileError::new(
                        "expected a variable name",
                        variable.span.clone(),
                    ));
                };
                Ok(Typed::Bool(Cond::HasAnyLabel(self.label_body(var, body)?)))
            }
            (Typed::Labels, "all") => Err(CompileError::new(
                "`all` over labels is not supported",
                span,
            )
            .help("test each label with `&&`: `\"a\" in post.labels && \"b\" in post.labels`")),
            (receiver, _) => Err(CompileError::new(
                format!("{} has no method `{name}`", receiver.describe()),
                span,
            )
            .help("the post's labels have `exists(l, ...)` and `size()`")),
        }
    }

    /// The body of `labels.exists(var, body)`: `var == "x"`, `var in [...]`, joined by `||`.
    fn label_body(&self, var: &str, body: &Expr) -> Result<LabelSet, CompileError> {
        let is_var = |e: &Expr| matches!(&e.kind, ExprKind::Ident(n) if n == var);
        match &body.kind {
            ExprKind::Binary(BinaryOp::Or, a, b) => {
                Ok(self.label_body(var, a)?.union(self.label_body(var, b)?))
            }
            ExprKind::Binary(BinaryOp::Eq, a, b) if is_var(a) => {
                self.label_names(std::slice::from_ref(&**b))
            }
            ExprKind::Binary(BinaryOp::In, a, b) if is_var(a) => match &b.kind {
                ExprKind::List(items) => self.label_names(items),
                _ => Err(CompileError::new(
                    "expected a list of labels",
                    b.span.clone(),
                )),
            },
            _ => Err(CompileError::new(
                format!("inside `exists`, test `{var}` against labels"),
                body.span.clone(),
            )
            .help(format!(
                "write `{var} in [\"threat\", \"incitement\"]` or `{var} == \"threat\"`"
            ))),
        }
    }

    fn label_names(&self, items: &[Expr]) -> Result<LabelSet, CompileError> {
        let mut set = LabelSet::EMPTY;
        for item in items {
            let ExprKind::Str(name) = &item.kind else {
                return Err(CompileError::new(
                    "expected a label written as a string",
                    item.span.clone(),
                ));
            };
            set = set.union(self.label(name, item.span.clone())?);
        }
        Ok(set)
    }

    fn label(&self, name: &str, span: Range<usize>) -> Result<LabelSet, CompileError> {
        self.names
            .labels
            .index(name)
            .map(LabelSet::single)
            .ok_or_else(|| {
                CompileError::new(format!("unknown label `{name}`"), span)
                    .suggest(name, self.names.labels.names())
            })
    }

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

    fn membership(&self, a: &Expr, b: &Expr) -> Result<Typed, CompileError> {
        let right = self.expr(b)?;
        match (&a.kind, right) {
            (ExprKind::Str(label), Typed::Labels) => Ok(Typed::Bool(Cond::HasAnyLabel(
                self.label(label, a.span.clone())?,
            ))),
            (_, Typed::Labels) => Err(CompileError::new(
                "only a label written as a string can be tested against the post's labels",
                a.span.clone(),
            )
            .help("for example `\"threat\" in post.labels`")),
            (_, Typed::TextList(items)) => match self.expr(a)? {
                Typed::Text(text) => Ok(Typed::Bool(Cond::TextIn(text, items.into_boxed_slice()))),
                other => Err(CompileError::new(
                    format!(
                        "`in` a list of strings needs a string, but this is {}",
                        other.describe()
                    ),
                    a.span.clone(),
                )),
            },
            (_, other) => Err(CompileError::new(
                format!(
                    "`in` needs the post's labels or a list, but this is {}",
                    other.describe()
                ),
                b.span.clone(),
            )),
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

/// CEL durations: a sequence of `<number><unit>` with units h, m, s, as in `1h30m`.
fn parse_duration(text: &str) -> Option<SignedDuration> {
    let mut total: i64 = 0;
    let mut number = String::new();
    if text.is_empty() {
        return None;
    }
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().ok()?;
        number.clear();
        let seconds = match c {
            'h' => n.checked_mul(3600)?,
            'm' => n.checked_mul(60)?,
            's' => n,
            _ => return None,
        };
        total = total.checked_add(seconds)?;
    }
    if !number.is_empty() {
        return None;
    }
    Some(SignedDuration::from_secs(total))
}

fn example_for(name: &str) -> &'static str {
    match name {
        "breached" | "fulfilled" => "4.2",
        "available" => "6.1(b)",
        "duration" => "48h",
        "timestamp" => "2021-01-06T12:00:00-08:00",
        _ => "...",
    }
}

fn list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
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
            Cond::Any(
                vec![Cond::Breached(0), Cond::TakenOut("7.2(b)(ii)".into())].into_boxed_slice()
            )
        );
    }

    #[test]
    fn errors_are_located_and_helpful() {
        check_error(
            Scope::Prohibition,
            r#"
            "threats" in post.labels
            ^^^^^^^^^ unknown label `threats`
            help: did you mean `threat`?
            "#,
        );
        check_error(
            Scope::Prohibition,
            r#"
            post.labls
                 ^^^^^ a post has no field `labls`
            help: did you mean `labels`?
            "#,
        );
        check_error(
            Scope::Prohibition,
            r#"
            post.labels
            ^^^^^^^^^^^ a condition must be true or false, but this is the post's labels
            help: compare it, as in `post.severity >= 3`
            "#,
        );
        check_error(
            Scope::Prohibition,
            r#"
            post.severity && true
            ^^^^^^^^^^^^^ `&&` needs conditions on both sides, but this is a number
            "#,
        );
        check_error(
            Scope::Power,
            r#"
            breached("4.3")
                     ^^^^^ unknown clause `4.3`
            help: did you mean `4.2`?
            "#,
        );
        check_error(
            Scope::Power,
            r#"
            breached("6.1(b)")
                     ^^^^^^^^ clause `6.1(b)` is not a duty
            help: expected one of `4.2`
            "#,
        );
        check_error(
            Scope::Prohibition,
            r#"
            breached("4.2")
            ^^^^^^^^^^^^^^^ `breached` cannot be used in a prohibition
            help: only a power's condition reads the state of duties and powers
            "#,
        );
        check_error(
            Scope::Power,
            r#"
            post.reported
            ^^^^ `post` cannot be read in a power's condition
            help: a power's condition is about the state of duties and powers: use `breached("ID")`, `available("ID")` or `state.live_reported`
            "#,
        );
        check_error(
            Scope::Prohibition,
            r#"
            post.prohibited
                 ^^^^^^^^^^ `post.prohibited` cannot be read in a prohibition
            help: a prohibition defines what is prohibited; test the post's labels instead
            "#,
        );
        check_error(
            Scope::Power,
            r#"
            params.cure_period > 3
            ^^^^^^^^^^^^^^^^^^ `params.cure_period` is a period and cannot be read in a condition
            help: periods belong in a power's `notice` or `cure`, or a duty's `within`
            "#,
        );
        check_error(
            Scope::Power,
            r#"
            assumptions.aws_determined_risks
                        ^^^^^^^^^^^^^^^^^^^^ unknown judgment call `aws_determined_risks`
            help: did you mean `aws_determined_risk`?
            "#,
        );
        check_error(
            Scope::Power,
            r#"
            state.live
                  ^^^^ the state has no count `live`
            help: expected one of `reports`, `live_reported`, `live_prohibited`
            "#,
        );
        check_error(
            Scope::Prohibition,
            r#"
            post.severity > 'high'
            ^^^^^^^^^^^^^^^^^^^^^^ `>` cannot combine a number with a string
            "#,
        );
        check_error(
            Scope::Prohibition,
            r#"
            duration('2 days')
                     ^^^^^^^^ `2 days` is not a CEL duration
            help: write hours, minutes and seconds, as in `"48h"`, `"90m"` or `"1h30m"`
            "#,
        );
        check_error(
            Scope::Prohibition,
            r#"
            pots.labels
            ^^^^ unknown name `pots`
            help: did you mean `post`?
            "#,
        );
        check_error(
            Scope::Prohibition,
            r#"
            aws_determined_risk
            ^^^^^^^^^^^^^^^^^^^ unknown name `aws_determined_risk`
            help: did you mean `assumptions.aws_determined_risk`?
            "#,
        );
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
}
