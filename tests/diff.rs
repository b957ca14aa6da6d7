//! `modsim diff` and `modsim test --reference` end to end: what issue 16 asks them to show, on
//! the shipped policies and exercise 3. The runs that find nothing are also golden cases
//! (`tests/data/ok/diff-*`); these are the ones that exit 1, and the replays of what they write.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of a test fail it by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const AWS_01: &str = "policies/aws-2021-01.toml";
const AWS_07: &str = "policies/aws-2021-07.toml";
const APPLE: &str = "policies/apple-app-store-2021-01.toml";
const APPLE_72: &str = "tests/data/student/apple-72-hour-plan.toml";
const EXERCISE_3: &str = "exercises/03-apple-guideline-1-2/exercise.toml";
const KEY_3: &str = "exercises/keys/apple-guideline-1-2.toml";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn modsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modsim"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Runs `modsim ARGS`, checks its exit code, and reads its JSON.
fn json(args: &[&str], code: i32) -> Value {
    let out = modsim(args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// A fresh folder under the target directory, for files a test writes.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("diff-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// (permitted, sorted grounds) of each verdict of a report.
fn verdicts(report: &Value) -> Vec<(bool, Vec<String>)> {
    report["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .map(|v| {
            let mut grounds: Vec<String> = v["grounds"]
                .as_array()
                .expect("grounds")
                .iter()
                .map(|g| g.as_str().expect("a clause id").to_owned())
                .collect();
            grounds.sort();
            (v["permitted"].as_bool().expect("permitted"), grounds)
        })
        .collect()
}

#[test]
fn the_aws_terms_part_on_at_most_five_events_with_both_explanations() {
    let out = modsim(&["diff", AWS_01, AWS_07]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    for part in [
        "They part",
        "The timeline",
        "Where they part (A → B)",
        "verdict ",
        "Under A: policies/aws-2021-01.toml",
        "Under B: policies/aws-2021-07.toml",
        "6.1(b) Suspension for breach",
        "1.4 (suspension)",
    ] {
        assert!(shown.contains(part), "no `{part}` in:\n{shown}");
    }
    let d = json(&["diff", AWS_01, AWS_07, "--format", "json"], 1);
    assert_eq!(d["schema"], "modsim.diff/1");
    assert_eq!(d["stopped"], "found");
    let found = &d["found"];
    assert!(
        found["size"]["events"].as_u64().expect("events") <= 5,
        "{found}"
    );
    assert_eq!(found["differences"][0]["kind"], "verdict");
    let runs = found["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 2);
    for run in runs {
        for v in run["report"]["verdicts"].as_array().expect("verdicts") {
            assert!(v["explanation"].is_object(), "{v}");
        }
    }
    assert_ne!(verdicts(&runs[0]["report"]), verdicts(&runs[1]["report"]));
}

#[test]
fn the_72_hour_plan_is_told_from_the_reference_by_a_delisting_24_hours_after_a_demand() {
    let d = json(
        &[
            "diff",
            APPLE_72,
            APPLE,
            "--scenario",
            "exercises/03-apple-guideline-1-2",
            "--format",
            "json",
        ],
        1,
    );
    // Found among the first few timelines: the search's budget is far from spent.
    assert!(d["tried"].as_u64().expect("tried") < 100, "{}", d["tried"]);
    let first = &d["found"]["differences"][0];
    assert_eq!(first["kind"], "verdict");
    assert_eq!(first["action"], "delist");
    assert_eq!(first["baseline"]["permitted"], false);
    assert_eq!(first["alternative"]["permitted"], true);
}

#[test]
fn grading_against_the_reference_fails_the_72_hour_plan_with_its_counterexample() {
    let args = [
        "test",
        EXERCISE_3,
        "--answers",
        KEY_3,
        "--policy",
        APPLE_72,
        "--reference",
        APPLE,
    ];
    let out = modsim(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    // The key's deadline (`due`) and the search both catch the mistake.
    assert!(shown.contains("3 passed, 2 failed"), "{shown}");
    assert!(
        shown.contains(
            "FAIL  apple-guideline-1-2  no timeline tells the encoding from the reference"
        ),
        "{shown}"
    );
    for part in [
        "Counterexample for apple-guideline-1-2",
        "Under A: the encoding",
        "Under B: the reference",
    ] {
        assert!(shown.contains(part), "no `{part}` in:\n{shown}");
    }
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let report = json(&json_args, 1);
    let case = &report["cases"][4];
    assert_eq!(case["passed"], false);
    assert_eq!(
        case["counterexample"]["found"]["differences"][0]["kind"],
        "verdict"
    );
    // The reference against itself passes.
    let out = modsim(&[
        "test",
        EXERCISE_3,
        "--answers",
        KEY_3,
        "--policy",
        APPLE,
        "--reference",
        APPLE,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("5 passed, 0 failed"));
}

/// The shrunk timeline, written as a scenario, replays to the diff's two verdicts: under A with
/// `modsim run FILE`, under B with `--policy B` or `--reform R`.
#[test]
fn the_timeline_written_as_toml_replays_to_the_same_two_verdicts() {
    let dir = scratch("toml");
    for (name, a, b, scenario) in [
        ("aws", AWS_01, AWS_07, None),
        (
            "reform",
            AWS_01,
            "policies/reforms/takedown-window.toml",
            None,
        ),
        (
            "apple",
            APPLE_72,
            APPLE,
            Some("exercises/03-apple-guideline-1-2"),
        ),
    ] {
        replays_to_the_same_two_verdicts(&dir, name, a, b, scenario);
    }
}

/// Searches `a` against `b` (a policy, or a reform of `a`), writes the shrunk timeline as a
/// scenario, and checks that it replays under each side to the diff's verdicts, which differ,
/// and passes `modsim check`. Returns the diff's JSON.
fn replays_to_the_same_two_verdicts(
    dir: &Path,
    name: &str,
    a: &str,
    b: &str,
    scenario: Option<&str>,
) -> Value {
    let flag = if b.contains("reforms/") || b.starts_with("tests/data/diff/") {
        "--reform"
    } else {
        "--policy"
    };
    let file = dir.join(format!("{name}.toml"));
    let file = file.to_str().expect("a UTF-8 path");
    let mut args = vec!["diff", a, b, "--format", "toml", "--output", file];
    if let Some(s) = scenario {
        args.extend(["--scenario", s]);
    }
    let out = modsim(&args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    args.truncate(3);
    args.extend(["--format", "json"]);
    if let Some(s) = scenario {
        args.extend(["--scenario", s]);
    }
    let d = json(&args, 1);
    let runs = &d["found"]["runs"];
    let under_a = json(&["run", file, "--format", "json"], 0);
    let under_b = json(&["run", file, flag, b, "--format", "json"], 0);
    assert_eq!(
        verdicts(&under_a),
        verdicts(&runs[0]["report"]),
        "{name}: A"
    );
    assert_eq!(
        verdicts(&under_b),
        verdicts(&runs[1]["report"]),
        "{name}: B"
    );
    assert_ne!(verdicts(&under_a), verdicts(&under_b), "{name}");
    // The file passes `modsim check`, and says the search made it up or changed it.
    let checked = modsim(&["check", file]);
    assert!(checked.status.success(), "{}", text(&checked.stderr));
    let written = std::fs::read_to_string(file).expect("the file written");
    assert!(
        written.contains("reconstructed = [") && written.contains("by `modsim diff`"),
        "{written}"
    );
    d
}

const YOUTUBE: &str = "policies/youtube-strikes-2024.toml";
const DSA: &str = "policies/dsa-2024.toml";

/// The kinds of the events of a diff's shrunk timeline, in order (from A's report).
fn event_kinds(d: &Value) -> Vec<String> {
    d["found"]["runs"][0]["report"]["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            let kind = e["kind"].as_str().expect("a kind");
            match e["action"].as_str() {
                Some(action) => format!("{kind} {action}"),
                None => kind.to_owned(),
            }
        })
        .collect()
}

/// Issue 12's event kinds, made up from the policies: strikes within a window shorter by a
/// reform, prohibited posts by an account before a suspension without its prior warning, and
/// an action before the determination its power rests on. Each found difference is a verdict,
/// shrunk, and replays from its TOML to the same two verdicts.
#[test]
fn strikes_windows_warnings_and_determinations_are_generated_and_shrunk() {
    let dir = scratch("enforcement");
    // YouTube, strikes counted for 60 days instead of 90: a strike counted under one window
    // and expired under the other.
    let d = replays_to_the_same_two_verdicts(
        &dir,
        "youtube-60",
        YOUTUBE,
        "tests/data/diff/youtube-60-day-window.toml",
        None,
    );
    let kinds = event_kinds(&d);
    assert!(kinds.iter().any(|k| k == "action strike"), "{kinds:?}");
    assert_eq!(d["found"]["differences"][0]["kind"], "verdict", "{d}");
    assert!(d["found"]["size"]["events"].as_u64().expect("events") <= 4);
    // The DSA without Art. 23's prior warning: a suspension of an account that has posted
    // illegal content often enough, and was never warned.
    let d = replays_to_the_same_two_verdicts(
        &dir,
        "dsa",
        DSA,
        "tests/data/diff/dsa-no-prior-warning.toml",
        None,
    );
    let first = &d["found"]["differences"][0];
    assert_eq!(first["kind"], "verdict", "{d}");
    assert_eq!(first["action"], "suspend_account");
    assert_eq!(first["baseline"]["permitted"], false);
    assert_eq!(first["alternative"]["permitted"], true);
    assert!(!event_kinds(&d).iter().any(|k| k == "action warn"));
    let posts = d["found"]["posts"].as_array().expect("posts");
    assert_eq!(posts.len(), 3, "the frequency threshold: {posts:?}");
    assert!(posts.iter().all(|p| p["author"] == posts[0]["author"]));
    // Termination for severe abuse resting on YouTube's dated determination, against one
    // resting on none: a termination before the determination.
    let d = replays_to_the_same_two_verdicts(
        &dir,
        "determination",
        YOUTUBE,
        "tests/data/diff/youtube-severe-abuse-undated.toml",
        None,
    );
    assert_eq!(
        event_kinds(&d),
        ["action terminate", "determination"],
        "{d}"
    );
    assert_eq!(d["found"]["differences"][0]["baseline"]["permitted"], false);
}

/// A policy of accounts, strikes and dated determinations against itself: nothing found.
#[test]
fn the_youtube_strikes_against_themselves_differ_nowhere() {
    let d = json(
        &[
            "diff", YOUTUBE, YOUTUBE, "--budget", "5000", "--format", "json",
        ],
        0,
    );
    assert!(d["found"].is_null());
    assert_eq!(d["tried"], 5000);
}

#[test]
fn the_answer_is_the_same_bytes_whatever_jobs_is() {
    for (a, b) in [(AWS_01, AWS_07), (AWS_07, AWS_07)] {
        let run = |jobs: &str| {
            let out = modsim(&[
                "diff", a, b, "--format", "json", "--budget", "9000", "--jobs", jobs, "--seed", "4",
            ]);
            out.stdout
        };
        assert_eq!(run("1"), run("2"), "{a} {b}");
    }
}

#[test]
fn a_search_limited_by_time_says_how_many_it_tried() {
    let d = json(
        &["diff", AWS_07, AWS_07, "--time", "0.3", "--format", "json"],
        0,
    );
    assert!(d["found"].is_null());
    assert!(d["tried"].as_u64().expect("tried") >= diff_round(), "{d}");
    assert!(
        matches!(d["stopped"].as_str(), Some("time" | "budget")),
        "{d}"
    );
    let out = modsim(&["diff", AWS_07, AWS_07, "--time", "0.3"]);
    assert!(text(&out.stdout).contains("no difference found in "));
}

/// Candidates judged per round: a search always finishes its first round.
fn diff_round() -> u64 {
    4096
}

/// Where two sides part on a duty is said plainly: the duty and who owes it, the post, how it
/// stands on each side (overdue, met late, met in time) and from when.
#[test]
fn a_duty_difference_names_the_post_and_how_it_stands_on_each_side() {
    let out = modsim(&[
        "diff",
        "seeds/forum-three-strikes/policy.toml",
        "tests/data/diff/forum-48-hours.toml",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    let part = shown
        .split("Where they part (A → B)")
        .nth(1)
        .and_then(|rest| rest.split("Under A").next())
        .expect("a section on where they part");
    assert!(
        part.contains("duty 1 No abuse; reported abuse removed within 24 hours — owed by forum"),
        "{part}"
    );
    let lines: Vec<&str> = part.lines().map(str::trim).collect();
    let post = lines
        .iter()
        .position(|l| l.starts_with("post p1 (owed from its report at "))
        .expect("the post on which they part");
    let (a, b) = (lines[post + 1], lines[post + 2]);
    assert!(a.starts_with("A: ") && b.starts_with("B: "), "{part}");
    // Each side says how the post stands and from when; the deadlines differ by a day.
    for side in [a, b] {
        assert!(
            ["overdue from", "met late", "met in time"]
                .iter()
                .any(|s| side.contains(s)),
            "{side}"
        );
    }
    assert_ne!(a[3..], b[3..], "{part}");
    assert!(!part.contains("after 2 changes"), "{part}");
}
