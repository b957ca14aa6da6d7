//! Tests of exercises and keys: reading, checking expectations against runs.

use super::*;

/// Each key, with the message of the error it must give and the text it must underline.
/// Regressions (issue 13): these were read as failed cases, or silently dropped a key.
#[test]
fn expectations_that_cannot_be_right_are_errors_located_in_the_key() {
    for (expect, message, underlined) in [
        (
            "duty = \"4.2\"\nstate = \"angry\"\nat = \"2021-01-10 23:59\"",
            "unknown duty state `angry`",
            "\"angry\"",
        ),
        (
            "verdict = \"aws suspend parler\"\nduty = \"4.2\"",
            "`verdict` and `duty` in one `[[expect]]`",
            "\"4.2\"",
        ),
        (
            "verdict = \"aws suspend parler\"\nsweep = { count = \"5\" }\nshare_at_least = 1.5",
            "a share is between 0 and 1, not 1.5",
            "1.5",
        ),
        (
            "verdict = \"aws suspend parler\"\nsweep = { count = \"5\" }\nshare_at_least = 0.6\nshare_at_most = 0.4",
            "no share passes",
            "0.6",
        ),
        (
            "verdict = \"aws suspend parler\"\nsweep = { count = \"5\" }",
            "needs `share_at_least` or `share_at_most`",
            "",
        ),
        (
            "verdict = \"aws suspend parler\"\nsweep = { count = \"5\" }\npermitted = true\nshare_at_most = 1",
            "`permitted` is not read here",
            "true",
        ),
        (
            "earliest = \"7.2(a)\"\nat = \"never\"\nstate = \"pending\"",
            "`state` is not read here",
            "\"pending\"",
        ),
        (
            "verdict = \"aws suspend\"",
            "must be `ACTOR ACTION AGAINST`",
            "\"aws suspend\"",
        ),
        ("message = \"x\"", "names nothing to check", ""),
        ("earliest = \"7.2(a)\"", "needs `at`", ""),
        (
            "duty = \"1.2 (plan)\"\ndue = \"2021-01-09 09:00\"\nstate = \"pending\"\nat = \"2021-01-08 10:00\"",
            "`due` and a state at an instant in one `[[expect]]`",
            "",
        ),
        (
            "earliest = \"7.2(a)\"\nat = \"never\"\ndue = \"2021-01-09 09:00\"",
            "`due` is not read here",
            "\"2021-01-09 09:00\"",
        ),
    ] {
        let text = format!("[answers]\nexercise = \"x\"\n\n[[expect]]\n{expect}\n");
        let problems = Exercise::answers("key.toml", &text).unwrap_err();
        let problem = problems
            .problems
            .iter()
            .find(|p| p.message.contains(message))
            .unwrap_or_else(|| panic!("{message}: {:?}", problems.problems));
        let span = problem.span.clone().expect("located");
        assert!(
            text[span.clone()].contains(underlined),
            "{message}: underlines {:?}",
            &text[span]
        );
    }
}

#[test]
fn a_key_names_the_exercise_it_is_for() {
    let key = Exercise::answers(
        "key.toml",
        "[answers]\nexercise = \"other\"\nnotes = \"for me\"\n\n[[expect]]\nearliest = \"7.2(a)\"\nat = \"never\"\n",
    )
    .unwrap();
    assert_eq!(
        key.exercise.as_ref().map(|e| e.get_ref().as_str()),
        Some("other")
    );
    assert!(Exercise::answers("key.toml", "[answers]\nexrecise = \"x\"\n").is_err());
    let exercise = Exercise::parse(
        "ex/exercise.toml",
        "[exercise]\nid = \"mine\"\ntitle = \"t\"\nscenario = \"s\"\n",
    )
    .unwrap();
    struct NoFiles;
    impl Files for NoFiles {
        fn read(&self, path: &str) -> Result<String, String> {
            Err(format!("no file {path}"))
        }
    }
    let Err(SetupError::Files(failure)) = exercise.check(&key, &[], &NoFiles) else {
        panic!("a key for another exercise is refused before any file is read");
    };
    assert!(
        failure.problems[0]
            .message
            .contains("this key is for the exercise `other`, not `mine`")
    );
    for id in ["", "../x", ".hidden"] {
        let text = format!("[exercise]\nid = \"{id}\"\ntitle = \"t\"\nscenario = \"s\"\n");
        assert!(Exercise::parse("e.toml", &text).is_err(), "{id:?}");
    }
}
