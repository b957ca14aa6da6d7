//! Calls in conditions: the functions (`breached`, `available`, `within`, `timestamp`...),
//! the methods on labels (`exists`), and the label names they resolve.

use super::*;

impl Checker<'_> {
    // Long: a match over the closed vocabulary of the functions a condition may call, each arm
    // its arguments' check; split, it would scatter one table.
    pub(super) fn call(
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
    pub(super) fn within(
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
    pub(super) fn period(&self, text: &str, span: Range<usize>) -> Result<Period, CompileError> {
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

    pub(super) fn clause_ref(
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

    pub(super) fn member_call(
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
    pub(super) fn label_body(&self, var: &str, body: &Expr) -> Result<LabelSet, CompileError> {
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

    pub(super) fn label_names(&self, items: &[Expr]) -> Result<LabelSet, CompileError> {
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

    pub(super) fn label(&self, name: &str, span: Range<usize>) -> Result<LabelSet, CompileError> {
        self.names
            .labels
            .index(name)
            .map(LabelSet::single)
            .ok_or_else(|| {
                CompileError::new(format!("unknown label `{name}`"), span)
                    .suggest(name, self.names.labels.names())
            })
    }

    pub(super) fn membership(&self, a: &Expr, b: &Expr) -> Result<Typed, CompileError> {
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

/// CEL durations: a sequence of `<number><unit>` with units h, m, s, as in `1h30m`.
pub(super) fn parse_duration(text: &str) -> Option<SignedDuration> {
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
