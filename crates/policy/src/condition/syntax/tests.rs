//! The parser's tests: what it reads, how it nests, and where its errors point.

use super::*;
use crate::condition::marks;

/// Renders a tree back with explicit parentheses, to check precedence.
fn show(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Ident(name) => name.clone(),
        ExprKind::Select(target, field) => format!("{}.{field}", show(target)),
        ExprKind::Call { target, name, args } => {
            let args: Vec<String> = args.iter().map(show).collect();
            match target {
                Some(t) => format!("{}.{name}({})", show(t), args.join(", ")),
                None => format!("{name}({})", args.join(", ")),
            }
        }
        ExprKind::List(items) => {
            format!(
                "[{}]",
                items.iter().map(show).collect::<Vec<_>>().join(", ")
            )
        }
        ExprKind::Unary(UnaryOp::Not, e) => format!("!{}", show(e)),
        ExprKind::Unary(UnaryOp::Neg, e) => format!("-{}", show(e)),
        ExprKind::Binary(op, a, b) => format!("({} {} {})", show(a), op.symbol(), show(b)),
    }
}

fn check(text: &str, expected: &str) {
    let expr = parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    assert_eq!(show(&expr), expected, "{text}");
    assert_eq!(expr.span.end, text.trim_end().len(), "span of {text}");
}

/// Parses the condition of a marked case (`condition::marks`) and checks that its error
/// is the one marked.
#[track_caller]
fn check_error(case: &str) {
    let text = marks::condition(case);
    let err = parse(&text).unwrap_err();
    marks::check(
        case,
        &marks::marked(&text, &err.span, &err.message, err.help.as_deref()),
    );
}

#[test]
fn precedence_follows_cel() {
    check("a || b && c", "(a || (b && c))");
    check("a && b || c", "((a && b) || c)");
    check("!a && b", "(!a && b)");
    check("1 + 2 * 3 >= 7", "((1 + (2 * 3)) >= 7)");
    check("a - b - c", "((a - b) - c)");
    check("(a || b) && c", "((a || b) && c)");
    check(r#""x" in post.labels"#, r#"("x" in post.labels)"#);
    check(
        r#"post.labels.exists(l, l in ['a', "b",])"#,
        r#"post.labels.exists(l, (l in ["a", "b"]))"#,
    );
    check(
        r#"breached("4.2") || available('6.1(b)')"#,
        r#"(breached("4.2") || available("6.1(b)"))"#,
    );
}

#[test]
fn errors_point_at_the_mistake() {
    check_error(
        r#"
        a &&
            | expected a value, but the condition ends
        "#,
    );
    check_error(
        r#"
        a = b
          ^ unexpected character `=`
        help: compare with `==`
        "#,
    );
    check_error(
        r#"
        a < b < c
              ^ comparisons do not chain: `<` follows another comparison
        help: join the two comparisons with `&&`
        "#,
    );
    check_error(
        r#"
        "open
        ^^^^^ this string is never closed
        help: end it with `"`
        "#,
    );
    check_error(
        r#"
        a b
          ^ unexpected name `b` after the end of the condition
        help: join conditions with `&&` or `||`
        "#,
    );
    check_error(
        r#"
        post.labels[0]
                   ^ indexing with `[...]` is not supported
        help: test membership with `in`, as in `"threat" in post.labels`
        "#,
    );
    check_error(
        r#"
        x ? y : z
          ^ unexpected character `?`
        help: the conditional `a ? b : c` is not supported; write `(a && b) || (!a && c)`
        "#,
    );
    check_error(
        r#"
        99999999999999999999
        ^^^^^^^^^^^^^^^^^^^^ `99999999999999999999` is not a whole number CEL can hold
        help: numbers are 64-bit integers; floats and units are not supported
        "#,
    );
    check_error(
        r#"
        f(a
           | expected `)` to close the arguments, but the condition ends
        "#,
    );
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let deep = format!("{}true{}", "(".repeat(1_000), ")".repeat(1_000));
    let err = parse(&deep).unwrap_err();
    assert!(err.message.contains("nests deeper"), "{}", err.message);
    let negations = format!("{}true", "!".repeat(5_000));
    assert!(
        parse(&negations)
            .unwrap_err()
            .message
            .contains("nests deeper")
    );
}

#[test]
fn long_conditions_are_refused() {
    let long = vec!["true"; 3000].join(" || ");
    assert!(parse(&long).unwrap_err().message.contains("over the limit"));
}
