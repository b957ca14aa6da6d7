//! Tests of reading and compiling policies: the minimal policy, overrides, located problems,
//! and the limits checked before parsing.

use super::*;
use crate::condition;
use crate::model::*;
use crate::period::Period;

const MINIMAL: &str = r#"
[policy]
id = "tiny"
title = "A tiny policy"
source = "the test"

[roles]
provider = "offers the service"
customer = "uses it"

[labels]
threat = "threatens violence"

[parameters]
cure_period = { value = "30 calendar days", about = "time to cure" }

[assumptions]
risk = { question = "did the provider determine a risk?", default = false }

[[clause]]
id = "1"
title = "No threats"
text = "The customer's content must not threaten violence."
source = "§1"
mark = "record"
prohibits = '"threat" in post.labels'

[[clause]]
id = "2"
title = "Keep it down"
text = "The customer removes prohibited content."
source = "§2"
mark = "record"
duty = { holder = "customer", opens = "reported", met_by = "removed" }

[[clause]]
id = "3"
title = "Suspension"
text = "The provider may suspend upon notice for a breach."
source = "§3"
mark = "inferred"
power = { holder = "provider", action = "suspend", against = "customer", when = 'breached("2") || assumptions.risk', notice = "immediate" }

[[clause]]
id = "4"
title = "Termination for cause"
text = "Either party may terminate if a breach stays uncured."
source = "§4"
mark = "record"
power = { holder = "provider", action = "terminate", against = "customer", when = 'available("3")', notice = "immediate", cure = "cure_period" }
"#;

fn compile(text: &str, overrides: &Overrides) -> Result<Policy, FileProblems> {
    PolicyDoc::parse("tiny.toml", text)?
        .compile(overrides)
        .map(|(p, _)| p)
}

/// Compiles `MINIMAL` with `from` replaced by `to`, and returns its problems' messages
/// with the line and column of each.
fn problems(from: &str, to: &str) -> Vec<String> {
    assert!(MINIMAL.contains(from), "{from}");
    let text = MINIMAL.replacen(from, to, 1);
    let err = compile(&text, &Overrides::default()).unwrap_err();
    err.problems
        .iter()
        .map(|p| match p.line_column() {
            Some((l, c)) => format!("{l}:{c}: {}", p.message),
            None => p.message.clone(),
        })
        .collect()
}

#[test]
fn the_minimal_policy_compiles() {
    let policy = compile(MINIMAL, &Overrides::default()).unwrap();
    assert_eq!(policy.roles.len(), 2);
    assert_eq!(policy.prohibitions.len(), 1);
    assert_eq!(policy.duties.len(), 1);
    assert_eq!(policy.powers.len(), 2);
    assert_eq!(
        policy.powers[1].cure,
        Some(PeriodRef {
            period: Period::CalendarDays(30),
            param: Some(0)
        })
    );
    assert_eq!(policy.powers[0].notice, Notice::Immediate);
    assert!(!policy.assumptions[0].value);
}

#[test]
fn overrides_apply() {
    let overrides = Overrides {
        without: vec!["3".into()],
        set: vec![("cure_period".into(), "10 business days".into())],
        assume: vec![("risk".into(), true)],
    };
    let policy = compile(MINIMAL, &overrides).unwrap();
    assert_eq!(policy.powers.len(), 1, "clause 3 is taken out");
    assert!(policy.clause("3").unwrap().taken_out);
    assert_eq!(
        policy.powers[0].condition.cond,
        condition::Cond::TakenOut("3".into()),
        "a reference to a taken-out power is false"
    );
    assert_eq!(
        policy.parameters[0].value,
        ParamValue::Period(Period::BusinessDays(10))
    );
    assert_eq!(
        policy.parameters[0].default,
        ParamValue::Period(Period::CalendarDays(30))
    );
    assert!(policy.assumptions[0].value);
}

#[test]
fn every_problem_is_reported_with_its_place() {
    assert_eq!(
        problems("holder = \"customer\"", "holder = \"custmer\""),
        ["34:19: unknown role `custmer`"]
    );
    assert_eq!(
        problems(
            "'breached(\"2\") || assumptions.risk'",
            "'breached(\"5\") || assumptions.risky'"
        ),
        ["42:91: unknown clause `5`"]
    );
    assert_eq!(
        problems("mark = \"inferred\"", "mark = \"guessed\""),
        ["41:8: unknown mark `guessed`"]
    );
    assert_eq!(
        problems("value = \"30 calendar days\"", "value = \"30 days\""),
        ["15:25: `30 days` does not say which days it counts"]
    );
    assert_eq!(
        problems("id = \"4\"", "id = \"3\""),
        ["45:6: clause `3` is defined twice"]
    );
    assert_eq!(
        problems("when = 'available(\"3\")'", "when = 'available(\"4\")'"),
        ["50:83: powers refer to each other in a cycle: `4`"]
    );
    assert_eq!(
        problems("opens = \"reported\"", "opens = \"reportd\""),
        ["34:39: unknown trigger `reportd`"]
    );
}

#[test]
fn several_problems_come_together() {
    let text = MINIMAL
        .replacen("holder = \"customer\"", "holder = \"nobody\"", 1)
        .replacen("action = \"suspend\"", "action = \"suspnd\"", 1);
    let err = compile(&text, &Overrides::default()).unwrap_err();
    assert_eq!(err.problems.len(), 2, "{:?}", err.problems);
    assert_eq!(
        err.problems[1].help.as_deref(),
        Some("did you mean `suspend`?")
    );
}

#[test]
fn toml_errors_are_located() {
    let err = compile("[policy]\nid = \"x\"\ntitle = \n", &Overrides::default()).unwrap_err();
    let p = &err.problems[0];
    assert_eq!(p.line_column().unwrap().0, 3);
    let err = compile(
        &MINIMAL.replacen("title = \"No threats\"", "titel = \"No threats\"", 1),
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(
        err.problems[0].message.contains("unknown field `titel`"),
        "{}",
        err.problems[0].message
    );
}

#[test]
fn bad_overrides_are_reported() {
    let overrides = Overrides {
        set: vec![("cure_period".into(), "12".into())],
        ..Overrides::default()
    };
    let err = compile(MINIMAL, &overrides).unwrap_err();
    assert!(
        err.problems[0].message.contains("wrong kind of value"),
        "{:?}",
        err.problems
    );
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    for deep in [
        format!("[policy]\nx = {}", "[".repeat(200_000)),
        format!("[policy]\nx = {}", "{ a = ".repeat(100_000)),
        format!("x = [\n{}", "[\n".repeat(100)),
    ] {
        let err = PolicyDoc::parse("deep.toml", &deep).unwrap_err();
        assert!(
            err.problems[0]
                .message
                .contains(&format!("deeper than {MAX_TOML_DEPTH} levels")),
            "{:?}",
            err.problems
        );
        assert!(
            err.problems[0]
                .help
                .as_deref()
                .unwrap()
                .contains("MAX_TOML_DEPTH")
        );
    }
}

#[test]
fn nesting_ignores_brackets_in_strings_comments_and_headers() {
    let text = format!(
        "# {open}\n[policy]\n[[clause]]\na = \"{open}\"\nb = '{open}'\nc = \"\"\"\n{open}\"\"\"\nd = [[1], [2]]\n",
        open = "[".repeat(100)
    );
    assert!(check_nesting(&text).is_ok());
}

#[test]
fn an_oversized_file_names_the_limit() {
    let big = "#".repeat(MAX_POLICY_BYTES + 1);
    let err = PolicyDoc::parse("big.toml", &big).unwrap_err();
    assert!(err.problems[0].message.contains("over the limit"));
    assert!(
        err.problems[0]
            .help
            .as_deref()
            .unwrap()
            .contains("MAX_POLICY_BYTES")
    );
}

#[test]
fn dotted_keys_and_headers_of_too_many_parts_are_refused_located() {
    let long = vec!["a"; MAX_KEY_PARTS + 20].join(".");
    for (text, at) in [
        (format!("[policy]\n{long} = 1\n"), 9),
        (format!("[policy]\n  {long} = 1\n"), 11),
        (format!("[policy]\n[{long}]\n"), 9),
        (format!("[policy]\nx = {{ y = 1, {long} = 1 }}\n"), 22),
        (format!("[policy]\nx = [{{ {long} = 1 }}]\n"), 16),
    ] {
        let err = check_nesting(&text).unwrap_err();
        assert!(err.message.contains("more than 64 parts"), "{text}");
        assert_eq!(err.span.as_ref().unwrap().start, at, "{text}");
        assert!(err.help.as_deref().unwrap().contains("MAX_KEY_PARTS"));
    }
    let fine = vec!["a"; MAX_KEY_PARTS].join(".");
    for text in [
        format!("[policy]\n{fine} = 1.5\nx = [1.5, 2.5, \"a.b.c\"]\n"),
        format!("[{fine}]\nx = \"{long}\"\ny = 2021-01-01T00:00:00.5Z\n"),
        format!("[\"{long}\"]\n# {long}\n'{long}' = 1\n"),
        format!("x = [\n  1.5,\n  {{ a.b = 1 }},\n]\n{fine} = 1\n"),
    ] {
        assert!(check_nesting(&text).is_ok(), "{text}");
    }
}

/// A policy declaring one label more than `MAX_LABELS` is refused at that label, located, with
/// the limit's name in the help (issue 12 item 7: not a bare "more than 128 labels").
#[test]
fn one_label_over_the_limit_is_refused_where_it_is_declared() {
    let labels: String = (0..=crate::labels::MAX_LABELS)
        .map(|i| format!("l{i} = \"label {i}\"\n"))
        .collect();
    let text = MINIMAL.replacen("[labels]\n", &format!("[labels]\n{labels}"), 1);
    let err = compile(&text, &Overrides::default()).unwrap_err();
    let over = format!("l{}", crate::labels::MAX_LABELS);
    let problem = err
        .problems
        .iter()
        .find(|p| p.message.contains("labels a policy may declare"))
        .expect("the limit is reported");
    assert_eq!(
        problem.message,
        format!("label `{over}` is one more than the 128 labels a policy may declare")
    );
    let (line, column) = problem.line_column().expect("located");
    let at = text.lines().nth(line - 1).unwrap();
    assert!(at.starts_with(&over), "line {line}: {at}");
    assert_eq!(column, 1);
    assert!(problem.help.as_deref().unwrap().contains("MAX_LABELS"));
}

/// A clause title or text that states a parameter's value writes `{NAME}`, so it follows
/// `--set` and reforms: `--set 'cure_period=10 business days'` used to leave the title of
/// §7.2(b)(i) reading "after 30 days uncured".
mod stated_parameters {
    use super::*;
    use crate::reform::ReformDoc;

    const AWS: &str = include_str!("../../../../policies/aws-2021-01.toml");

    fn clause(policy: &Policy, id: &str) -> (String, String) {
        let c = policy.clause(id).unwrap();
        (c.title.clone(), c.text.clone())
    }

    #[test]
    fn a_title_follows_set() {
        let doc = PolicyDoc::parse("aws.toml", AWS).unwrap();
        let (policy, _) = doc.compile(&Overrides::default()).unwrap();
        let (title, text) = clause(&policy, "7.2(b)(i)");
        // The document's words while the value is the document's.
        assert_eq!(title, "Termination for cause after 30 days uncured");
        assert!(text.contains("uncured for 30 days from"), "{text}");
        let set = Overrides {
            set: vec![("cure_period".into(), "10 business days".into())],
            ..Overrides::default()
        };
        let (policy, _) = doc.compile(&set).unwrap();
        let (title, text) = clause(&policy, "7.2(b)(i)");
        // The value in force, bracketed as an alteration of the document's words.
        assert_eq!(
            title,
            "Termination for cause after [10 business days] uncured"
        );
        assert!(
            text.contains("uncured for [10 business days] from"),
            "{text}"
        );
    }

    #[test]
    fn a_title_follows_a_reform() {
        let reform = ReformDoc::parse(
            "r.toml",
            "[reform]\nid = \"r\"\ntitle = \"t\"\napplies_to = \"aws-2021-01\"\n[parameters]\ncure_period = \"60 calendar days\"\n",
        )
        .unwrap();
        let doc = PolicyDoc::parse("aws.toml", AWS)
            .unwrap()
            .with_reform(&reform)
            .unwrap();
        let (policy, _) = doc.compile(&Overrides::default()).unwrap();
        let (title, _) = clause(&policy, "7.2(b)(i)");
        assert_eq!(
            title,
            "Termination for cause after [60 calendar days] uncured"
        );
    }

    #[test]
    fn an_unknown_placeholder_is_located_with_did_you_mean() {
        let text = AWS.replace(
            "after {cure_period|30 days} uncured",
            "after {cure_perod} uncured",
        );
        let doc = PolicyDoc::parse("aws.toml", &text).unwrap();
        let err = doc.compile(&Overrides::default()).unwrap_err();
        let problem = &err.problems[0];
        assert_eq!(
            problem.message,
            "the title names `{cure_perod}`, and there is no parameter `cure_perod`"
        );
        assert_eq!(problem.help.as_deref(), Some("did you mean `cure_period`?"));
        let span = problem.span.clone().unwrap();
        assert_eq!(&text[span], "{cure_perod}");
        // Other braces are text, and `{{` is a brace.
        let text = AWS.replace(
            "after {cure_period|30 days} uncured",
            "after {{cure_period}} {a b} {cure_period}",
        );
        let (policy, _) = PolicyDoc::parse("aws.toml", &text)
            .unwrap()
            .compile(&Overrides::default())
            .unwrap();
        assert_eq!(
            clause(&policy, "7.2(b)(i)").0,
            "Termination for cause after {cure_period} {a b} 30 calendar days"
        );
    }

    fn without_placeholders(text: &str) -> String {
        let mut out = String::new();
        let mut depth = 0;
        for c in text.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    }

    /// No shipped clause states, in its title or text, the value of a parameter its duty or
    /// power reads ("30 days", "2 business days", "24 hours", "90-day"): it writes `{NAME}`.
    #[test]
    fn no_shipped_clause_states_a_parameters_value() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = PolicyDoc::parse("p.toml", &text).unwrap();
            for c in &doc.raw.clause {
                let c = c.get_ref();
                let rules = format!("{:?} {:?}", c.duty, c.power);
                for (name, param) in &doc.raw.parameters.0 {
                    let RawValue::Text(value) = param.value.get_ref() else {
                        continue;
                    };
                    if !rules.contains(&format!("\"{}\"", name.get_ref()))
                        && !rules.contains(&format!("\\\"{}\\\"", name.get_ref()))
                    {
                        continue;
                    }
                    let words: Vec<&str> = value.split_whitespace().collect();
                    let (Some(n), Some(unit)) = (words.first(), words.last()) else {
                        continue;
                    };
                    let singular = unit.trim_end_matches('s');
                    for written in [c.title.get_ref(), c.text.get_ref()] {
                        // What a placeholder holds is the document's words for the value.
                        let written = &without_placeholders(written);
                        let stated = [
                            format!("{n} {unit}"),
                            format!("{n}-{singular}"),
                            value.clone(),
                        ];
                        assert!(
                            !stated.iter().any(|s| written.contains(s.as_str())),
                            "{path:?} clause {}: `{written}` states `{name}` ({value}); write `{{{name}}}`",
                            c.id.get_ref(),
                            name = name.get_ref()
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked >= 8, "only {checked} clause parameters checked");
    }
}
