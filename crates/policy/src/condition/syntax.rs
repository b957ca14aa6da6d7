//! The syntax of conditions: a subset of CEL (the Common Expression Language), read into a
//! tree whose every node keeps its byte span in the condition's text.
//!
//! Supported: `true`, `false`, integers, strings in single or double quotes, lists `[...]`,
//! names, field selection `a.b`, calls `f(x)` and member calls `a.f(x)` (which is how CEL
//! writes its `exists` macro), unary `!` and `-`, `* / %`, `+ -`, `== != < <= > >= in`,
//! `&&`, `||` and parentheses, with CEL's precedence. Not supported (and said so): the
//! conditional `? :`, maps, indexing, floats, bytes.
//!
//! A hand-written Pratt parser rather than a CEL crate: the crates of the field either drop
//! node spans or bring an interpreter with them, and a condition must underline its own
//! mistakes ("unknown clause `6.1(c)`") in the policy file.

use std::ops::Range;

use lex::{Token, TokenKind, lex};

/// Longest condition accepted, in bytes.
pub const MAX_CONDITION_LEN: usize = 8 * 1024;
/// Deepest nesting accepted (parentheses, operators, calls).
pub const MAX_DEPTH: usize = 100;

/// A parsed expression with its span in the condition's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What the expression is.
    pub kind: ExprKind,
    /// Byte range in the condition's text.
    pub span: Range<usize>,
}

/// The forms an expression can take.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A string literal, unescaped.
    Str(String),
    /// A name: `post`, `now`, `params`.
    Ident(String),
    /// `target.field`.
    Select(Box<Expr>, String),
    /// `name(args)` or `target.name(args)`.
    Call {
        /// The receiver of a member call.
        target: Option<Box<Expr>>,
        /// The function's name.
        name: String,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `!x` or `-x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
}

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!`
    Not,
    /// `-`
    Neg,
}

/// Infix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `||`
    Or,
    /// `&&`
    And,
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
    /// `in`
    In,
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

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }

    fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::In => 3,
            BinaryOp::Add | BinaryOp::Sub => 4,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 5,
        }
    }
}

/// A syntax error, located in the condition's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// Where, in the condition's text.
    pub span: Range<usize>,
    /// How to fix it, when there is something to say.
    pub help: Option<String>,
}

impl SyntaxError {
    fn new(message: impl Into<String>, span: Range<usize>) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            span,
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> SyntaxError {
        self.help = Some(help.into());
        self
    }
}

/// Parses a condition.
///
/// ```
/// use modsim_policy::condition::syntax::{parse, ExprKind};
/// let expr = parse(r#""threat" in post.labels && !post.removed"#).unwrap();
/// assert!(matches!(expr.kind, ExprKind::Binary(..)));
/// assert!(parse("post.labels ==").is_err());
/// ```
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    if text.len() > MAX_CONDITION_LEN {
        return Err(SyntaxError::new(
            format!("the condition is {} bytes long, over the limit of {MAX_CONDITION_LEN}", text.len()),
            0..0,
        )
        .help("split the rule into clauses, or name a part of it as a separate power and refer to it with `available(...)` (the limit is `MAX_CONDITION_LEN` in crates/policy/src/condition/syntax.rs)"));
    }
    let tokens = lex(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        end: text.len(),
    };
    let expr = parser.expr(0)?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => Err(SyntaxError::new(
            format!(
                "unexpected {} after the end of the condition",
                token.kind.describe()
            ),
            token.span.clone(),
        )
        .help("join conditions with `&&` or `||`")),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Token { kind: TokenKind::Op(o), .. }) if *o == op)
    }

    fn expect_op(&mut self, op: &'static str, context: &str) -> Result<Range<usize>, SyntaxError> {
        match self.next() {
            Some(Token {
                kind: TokenKind::Op(o),
                span,
            }) if o == op => Ok(span),
            Some(token) => Err(SyntaxError::new(
                format!("expected `{op}` {context}, found {}", token.kind.describe()),
                token.span,
            )),
            None => Err(SyntaxError::new(
                format!("expected `{op}` {context}, but the condition ends"),
                self.end..self.end,
            )),
        }
    }

    fn enter(&mut self, span: Range<usize>) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError::new(
                format!("the condition nests deeper than {MAX_DEPTH} levels"),
                span,
            )
            .help(
                "split it: name a part as a separate power and refer to it with `available(...)` (the limit is `MAX_DEPTH` in crates/policy/src/condition/syntax.rs)",
            ));
        }
        Ok(())
    }

    fn binary_op(&self) -> Option<BinaryOp> {
        Some(match &self.peek()?.kind {
            TokenKind::Op("||") => BinaryOp::Or,
            TokenKind::Op("&&") => BinaryOp::And,
            TokenKind::Op("==") => BinaryOp::Eq,
            TokenKind::Op("!=") => BinaryOp::Ne,
            TokenKind::Op("<") => BinaryOp::Lt,
            TokenKind::Op("<=") => BinaryOp::Le,
            TokenKind::Op(">") => BinaryOp::Gt,
            TokenKind::Op(">=") => BinaryOp::Ge,
            TokenKind::Op("+") => BinaryOp::Add,
            TokenKind::Op("-") => BinaryOp::Sub,
            TokenKind::Op("*") => BinaryOp::Mul,
            TokenKind::Op("/") => BinaryOp::Div,
            TokenKind::Op("%") => BinaryOp::Rem,
            TokenKind::Ident(word) if word == "in" => BinaryOp::In,
            _ => return None,
        })
    }

    fn expr(&mut self, min_precedence: u8) -> Result<Expr, SyntaxError> {
        let start = self.peek().map_or(self.end, |t| t.span.start);
        self.enter(start..start + 1)?;
        let mut left = self.unary()?;
        while let Some(op) = self.binary_op() {
            let precedence = op.precedence();
            if precedence <= min_precedence {
                break;
            }
            self.next();
            // Relations do not chain in CEL: `a < b < c` is an error.
            let right = self.expr(precedence)?;
            if precedence == 3
                && let Some(next) = self.binary_op().filter(|o| o.precedence() == 3)
            {
                let span = self.peek().map_or(self.end..self.end, |t| t.span.clone());
                return Err(SyntaxError::new(
                    format!(
                        "comparisons do not chain: `{}` follows another comparison",
                        next.symbol()
                    ),
                    span,
                )
                .help("join the two comparisons with `&&`"));
            }
            let span = left.span.start..right.span.end;
            left = Expr {
                kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                span,
            };
        }
        self.depth -= 1;
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        let op = match self.peek() {
            Some(Token {
                kind: TokenKind::Op("!"),
                span,
            }) => Some((UnaryOp::Not, span.clone())),
            Some(Token {
                kind: TokenKind::Op("-"),
                span,
            }) => Some((UnaryOp::Neg, span.clone())),
            _ => None,
        };
        if let Some((op, span)) = op {
            self.next();
            self.enter(span.clone())?;
            let operand = self.unary()?;
            self.depth -= 1;
            let full = span.start..operand.span.end;
            return Ok(Expr {
                kind: ExprKind::Unary(op, Box::new(operand)),
                span: full,
            });
        }
        self.member()
    }

    fn member(&mut self) -> Result<Expr, SyntaxError> {
        let mut expr = self.primary()?;
        while self.at_op(".") {
            self.next();
            let (name, name_span) = match self.next() {
                Some(Token {
                    kind: TokenKind::Ident(name),
                    span,
                }) => (name, span),
                Some(token) => {
                    return Err(SyntaxError::new(
                        format!(
                            "expected a field name after `.`, found {}",
                            token.kind.describe()
                        ),
                        token.span,
                    ));
                }
                None => {
                    return Err(SyntaxError::new(
                        "expected a field name after `.`, but the condition ends",
                        self.end..self.end,
                    ));
                }
            };
            if self.at_op("(") {
                let (args, close) = self.arguments()?;
                let span = expr.span.start..close.end;
                expr = Expr {
                    kind: ExprKind::Call {
                        target: Some(Box::new(expr)),
                        name,
                        args,
                    },
                    span,
                };
            } else {
                let span = expr.span.start..name_span.end;
                expr = Expr {
                    kind: ExprKind::Select(Box::new(expr), name),
                    span,
                };
            }
        }
        if self.at_op("[") {
            let span = self.peek().map_or(self.end..self.end, |t| t.span.clone());
            return Err(
                SyntaxError::new("indexing with `[...]` is not supported", span)
                    .help("test membership with `in`, as in `\"threat\" in post.labels`"),
            );
        }
        Ok(expr)
    }

    fn arguments(&mut self) -> Result<(Vec<Expr>, Range<usize>), SyntaxError> {
        self.expect_op("(", "to open the arguments")?;
        let mut args = Vec::new();
        if !self.at_op(")") {
            loop {
                args.push(self.expr(0)?);
                if self.at_op(",") {
                    self.next();
                    continue;
                }
                break;
            }
        }
        let close = self.expect_op(")", "to close the arguments")?;
        Ok((args, close))
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        let token = self.next().ok_or_else(|| {
            SyntaxError::new(
                "expected a value, but the condition ends",
                self.end..self.end,
            )
        })?;
        let span = token.span.clone();
        let kind = match token.kind {
            TokenKind::Int(n) => ExprKind::Int(n),
            TokenKind::Str(s) => ExprKind::Str(s),
            TokenKind::Ident(word) => match word.as_str() {
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                "null" => {
                    return Err(SyntaxError::new("`null` is not supported", span)
                        .help("test a flag instead, such as `post.removed` or `!post.reported`"));
                }
                _ if self.at_op("(") => {
                    let (args, close) = self.arguments()?;
                    return Ok(Expr {
                        kind: ExprKind::Call {
                            target: None,
                            name: word,
                            args,
                        },
                        span: span.start..close.end,
                    });
                }
                _ => ExprKind::Ident(word),
            },
            TokenKind::Op("(") => {
                self.enter(span.clone())?;
                let inner = self.expr(0)?;
                let close = self.expect_op(")", "to close `(`")?;
                self.depth -= 1;
                return Ok(Expr {
                    kind: inner.kind,
                    span: span.start..close.end,
                });
            }
            TokenKind::Op("[") => {
                let mut items = Vec::new();
                if !self.at_op("]") {
                    loop {
                        items.push(self.expr(0)?);
                        if self.at_op(",") {
                            self.next();
                            if self.at_op("]") {
                                break;
                            }
                            continue;
                        }
                        break;
                    }
                }
                let close = self.expect_op("]", "to close the list")?;
                return Ok(Expr {
                    kind: ExprKind::List(items),
                    span: span.start..close.end,
                });
            }
            other => {
                return Err(SyntaxError::new(
                    format!("expected a value, found {}", other.describe()),
                    span,
                ));
            }
        };
        Ok(Expr { kind, span })
    }
}

mod lex;
#[cfg(test)]
mod tests;
