//! Tests of the domain lints: each lint on a policy that trips it and one that does not.

use super::*;

const BASE: &str = r#"
[policy]
id = "t"
title = "t"
source = "t"
[roles]
host = "hosts"
site = "is hosted"
[labels]
threat = "threatens violence"
[parameters]
cure = { value = "30 calendar days", about = "cure" }
notice = { value = "30 calendar days", about = "notice" }
[assumptions]
risk = { question = "a risk?", default = false }
[[clause]]
id = "1"
title = "t"
text = "t"
source = "t"
mark = "record"
prohibits = '"threat" in post.labels'
[[clause]]
id = "2"
title = "t"
text = "t"
source = "t"
mark = "record"
duty = { holder = "site", opens = "reported", met_by = "removed" }
[[clause]]
id = "3"
title = "t"
text = "t"
source = "t"
mark = "record"
power = { holder = "host", action = "suspend", against = "site", when = 'breached("2") || assumptions.risk', notice = "immediate" }
[[clause]]
id = "4"
title = "t"
text = "t"
source = "t"
mark = "record"
power = { holder = "host", action = "terminate", against = "site", when = 'available("3")', notice = "notice", cure = "cure" }
"#;

/// The lint ids `check` reports for `BASE` with each `(from, to)` replaced, in order.
fn codes(edits: &[(&str, &str)]) -> Vec<&'static str> {
    let mut text = BASE.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    let doc = PolicyDoc::parse("t.toml", &text).unwrap();
    doc.check()
        .iter()
        .map(|p| {
            assert!(!p.is_error(), "{p:?}");
            assert!(p.span.is_some(), "every lint is located: {p:?}");
            p.code.unwrap()
        })
        .collect()
}

#[test]
fn a_sound_policy_has_no_lint() {
    assert!(codes(&[]).is_empty());
}

/// Per lint: edits of `BASE` that trip it (each trips it once, alone), and edits that come
/// close without tripping it.
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [(&'static str, &'static str)],
);

const CASES: &[Case] = &[
    (
        "unenforced-prohibition",
        &[(
            "opens = \"reported\",",
            "opens = \"reported\", where = 'post.reported',",
        )],
        // A power that counts prohibited posts acts on them.
        &[
            (
                "opens = \"reported\",",
                "opens = \"reported\", where = 'post.reported',",
            ),
            (
                "assumptions.risk'",
                "assumptions.risk || state.live_prohibited > 0'",
            ),
        ],
    ),
    (
        "power-without-notice",
        &[("notice = \"immediate\"", "notice = \"none\"")],
        &[("notice = \"immediate\"", "notice = \"1 calendar days\"")],
    ),
    (
        "cure-outlasts-notice",
        &[(
            "value = \"30 calendar days\", about = \"cure\"",
            "value = \"31 calendar days\", about = \"cure\"",
        )],
        // Twenty business days may or may not outlast thirty calendar days: silent.
        &[(
            "value = \"30 calendar days\", about = \"cure\"",
            "value = \"20 business days\", about = \"cure\"",
        )],
    ),
    (
        "judgment-call-without-default",
        &[("default = false }", "}")],
        &[("default = false }", "default = true }")],
    ),
    (
        "unreachable-power",
        &[(
            "when = 'available(\"3\")'",
            "when = 'available(\"3\") && 1 > 2'",
        )],
        &[(
            "when = 'available(\"3\")'",
            "when = 'available(\"3\") && 1 < 2'",
        )],
    ),
    (
        "conflicting-powers",
        &[
            ("action = \"terminate\"", "action = \"restore\""),
            (
                "when = 'available(\"3\")'",
                "when = 'breached(\"2\") || assumptions.risk'",
            ),
            (
                "notice = \"notice\", cure = \"cure\"",
                "notice = \"immediate\"",
            ),
        ],
        // The same, but with a different notice: they need not fire together.
        &[
            ("action = \"terminate\"", "action = \"restore\""),
            (
                "when = 'available(\"3\")'",
                "when = 'breached(\"2\") || assumptions.risk'",
            ),
        ],
    ),
];

#[test]
fn every_lint_fires_on_its_case_and_not_on_a_near_miss() {
    for lint in LINTS {
        let Some((_, trips, misses)) = CASES.iter().find(|(id, _, _)| *id == lint.id) else {
            panic!("lint `{}` has no case in CASES", lint.id);
        };
        assert_eq!(codes(trips), [lint.id], "{}: {trips:?}", lint.id);
        assert!(!codes(misses).contains(&lint.id), "{}: {misses:?}", lint.id);
    }
    for (id, _, _) in CASES {
        assert!(lint(id).is_some(), "case for no lint `{id}`");
    }
}

#[test]
fn lints_found_together() {
    for (edits, expected) in [
        (
            &[(
                "value = \"30 calendar days\", about = \"cure\"",
                "value = \"800 hours\", about = \"cure\"",
            )][..],
            &["cure-outlasts-notice"][..],
        ),
        (
            &[("breached(\"2\") || assumptions.risk", "!true")],
            &["unreachable-power", "unreachable-power"],
        ),
    ] {
        assert_eq!(codes(edits), expected, "{edits:?}");
    }
}

#[test]
fn an_allowed_lint_is_dropped_and_an_unknown_allow_is_a_warning() {
    let text = BASE.replacen("notice = \"immediate\"", "notice = \"none\"", 1);
    let allowing = |allow: &str| {
        let text = text.replacen(
            "id = \"3\"\n",
            &format!("id = \"3\"\nallow = [\"{allow}\"]\n"),
            1,
        );
        PolicyDoc::parse("t.toml", &text).unwrap().check()
    };
    assert!(allowing("power-without-notice").is_empty());
    let found = allowing("power-without-notise");
    let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "power `3` needs no notice at all",
            "`allow` names no lint `power-without-notise`"
        ]
    );
    assert_eq!(
        found[1].help.as_deref(),
        Some("did you mean `power-without-notice`?")
    );
}

#[test]
fn every_lint_has_an_id_and_a_reason() {
    for l in LINTS {
        assert!(!l.why.is_empty() && !l.finds.is_empty(), "{}", l.id);
        assert_eq!(l.problem(String::new(), None, "").code, Some(l.id));
    }
}
