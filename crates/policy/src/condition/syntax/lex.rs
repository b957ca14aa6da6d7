//! The lexer of conditions: words, numbers, strings and operators, each token with its span.

use super::*;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum TokenKind {
    Int(i64),
    Str(String),
    Ident(String),
    Op(&'static str),
}

impl TokenKind {
    pub(super) fn describe(&self) -> String {
        match self {
            TokenKind::Int(n) => format!("number `{n}`"),
            TokenKind::Str(s) => format!("string `{s:?}`"),
            TokenKind::Ident(name) => format!("name `{name}`"),
            TokenKind::Op(op) => format!("`{op}`"),
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct Token {
    pub(super) kind: TokenKind,
    pub(super) span: Range<usize>,
}

const OPERATORS: &[&str] = &[
    "&&", "||", "==", "!=", "<=", ">=", "<", ">", "!", "-", "+", "*", "/", "%", "(", ")", "[", "]",
    ",", ".",
];

/// The characters still to read, with their byte offsets.
type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

pub(super) fn lex(text: &str) -> Result<Vec<Token>, SyntaxError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        let token = if c.is_whitespace() {
            chars.next();
            continue;
        } else if c.is_ascii_digit() {
            lex_number(text, start, &mut chars)?
        } else if c.is_alphabetic() || c == '_' {
            let end = lex_word(start, &mut chars, char::is_alphanumeric);
            Token {
                kind: TokenKind::Ident(text.get(start..end).unwrap_or_default().to_owned()),
                span: start..end,
            }
        } else if c == '"' || c == '\'' {
            lex_string(text, start, c, &mut chars)?
        } else {
            lex_operator(text, start, c, &mut chars)?
        };
        tokens.push(token);
    }
    Ok(tokens)
}

/// Reads a word's characters (those `inside` accepts, and `_`) from `start`; returns its end.
pub(super) fn lex_word(start: usize, chars: &mut Chars, inside: fn(char) -> bool) -> usize {
    let mut end = start;
    while let Some(&(i, d)) = chars.peek() {
        if !inside(d) && d != '_' {
            break;
        }
        end = i + d.len_utf8();
        chars.next();
    }
    end
}

/// A whole number; letters run into it (`30d`) so that the error names all of them.
pub(super) fn lex_number(
    text: &str,
    start: usize,
    chars: &mut Chars,
) -> Result<Token, SyntaxError> {
    let end = lex_word(start, chars, |d| d.is_ascii_alphanumeric());
    let digits = text.get(start..end).unwrap_or_default();
    let value = digits.parse::<i64>().map_err(|_| {
        SyntaxError::new(
            format!("`{digits}` is not a whole number CEL can hold"),
            start..end,
        )
        .help("numbers are 64-bit integers; floats and units are not supported")
    })?;
    Ok(Token {
        kind: TokenKind::Int(value),
        span: start..end,
    })
}

/// A string quoted with `quote`, its escapes read.
pub(super) fn lex_string(
    text: &str,
    start: usize,
    quote: char,
    chars: &mut Chars,
) -> Result<Token, SyntaxError> {
    chars.next();
    let mut value = String::new();
    let mut closed = None;
    while let Some((i, d)) = chars.next() {
        match d {
            _ if d == quote => {
                closed = Some(i + 1);
                break;
            }
            '\\' => match chars.next() {
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((_, e @ ('\\' | '"' | '\''))) => value.push(e),
                Some((j, e)) => {
                    return Err(SyntaxError::new(
                        format!("unknown escape `\\{e}`"),
                        i..j + e.len_utf8(),
                    )
                    .help("the escapes are `\\\\`, `\\\"`, `\\'`, `\\n` and `\\t`"));
                }
                None => break,
            },
            _ => value.push(d),
        }
    }
    let end = closed.ok_or_else(|| {
        SyntaxError::new("this string is never closed", start..text.len())
            .help(format!("end it with `{quote}`"))
    })?;
    Ok(Token {
        kind: TokenKind::Str(value),
        span: start..end,
    })
}

/// One of the `OPERATORS`, the longest first; any other character is an error that says what
/// CEL writes instead.
pub(super) fn lex_operator(
    text: &str,
    start: usize,
    c: char,
    chars: &mut Chars,
) -> Result<Token, SyntaxError> {
    let rest = text.get(start..).unwrap_or_default();
    let op = OPERATORS
        .iter()
        .find(|op| rest.starts_with(**op))
        .ok_or_else(|| {
            let end = start + c.len_utf8();
            let err = SyntaxError::new(format!("unexpected character `{c}`"), start..end);
            match c {
                '?' | ':' => err.help(
                    "the conditional `a ? b : c` is not supported; write `(a && b) || (!a && c)`",
                ),
                '=' => err.help("compare with `==`"),
                '&' => err.help("`and` is written `&&`"),
                '|' => err.help("`or` is written `||`"),
                _ => err,
            }
        })?;
    for _ in 0..op.chars().count() {
        chars.next();
    }
    Ok(Token {
        kind: TokenKind::Op(op),
        span: start..start + op.len(),
    })
}
