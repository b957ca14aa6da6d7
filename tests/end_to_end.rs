//! End-to-end tests of the `modsim` binary against `seeds/` and `policies/`: named tests
//! that assert, mostly on the JSON output, the answers the issues require.
//!
//! The golden runs and refused inputs under `tests/data/` are `tests/cases.rs`, one test per
//! case; the commands of the docs are `tests/docs.rs`.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of a test fail it by panicking"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

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

fn json(args: &[&str]) -> Value {
    let out = modsim(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

#[test]
fn the_seed_suspension_is_permitted_on_6_1_b_as_the_court_held() {
    let run = json(&["run", "--format", "json"]);
    let verdicts = run["verdicts"].as_array().expect("verdicts");
    assert_eq!(verdicts.len(), 1);
    let suspension = &verdicts[0];
    assert_eq!(suspension["action"], "suspend");
    assert_eq!(suspension["at"], "2021-01-10T23:59:00-08:00");
    assert_eq!(suspension["permitted"], true);
    assert!(
        suspension["grounds"]
            .as_array()
            .expect("grounds")
            .iter()
            .any(|g| g == "6.1(b)")
    );
    assert_eq!(
        suspension["assumptions"].as_array().map(Vec::len),
        Some(0),
        "rests on facts"
    );
    // §7.2(b)(ii) is open no later than the suspension.
    let open = run["earliest"]
        .as_array()
        .expect("earliest")
        .iter()
        .find(|e| e["power"] == "7.2(b)(ii)")
        .expect("7.2(b)(ii)");
    let at = open["at"].as_str().expect("an instant");
    let at: jiff::Timestamp = at.parse().expect("RFC 3339");
    assert!(
        at <= "2021-01-10T23:59:00-08:00"
            .parse::<jiff::Timestamp>()
            .expect("instant")
    );
    assert_eq!(run["scenario"]["reconstructed"], true);
    assert_eq!(run["provenance"]["posts_mark"], "reconstructed");
    assert_eq!(run["provenance"]["posts"], 98);
}

#[test]
fn without_the_immediate_clauses_parler_gets_its_30_days() {
    let run = json(&[
        "run",
        "--format",
        "json",
        "--without",
        "6.1(a)",
        "--without",
        "6.1(b)",
        "--without",
        "7.2(b)(ii)",
    ]);
    assert_eq!(run["verdicts"][0]["permitted"], false);
    let terminations: Vec<&Value> = run["earliest"]
        .as_array()
        .expect("earliest")
        .iter()
        .filter(|e| e["action"] == "terminate")
        .collect();
    let earliest = terminations
        .iter()
        .filter_map(|e| e["at"].as_str())
        .min()
        .expect("a termination");
    assert_eq!(
        earliest, "2021-02-08T18:00:00-08:00",
        "30 calendar days after the notice"
    );
    // The arithmetic, as data: the notice (18:00 PST) + 30 calendar days, in UTC.
    let period = &terminations[0]["basis"]["periods"][0];
    assert_eq!(period["what"], "advance_notice");
    let arithmetic = &period["arithmetic"];
    assert_eq!(arithmetic["start"], "2021-01-10T02:00:00Z");
    assert_eq!(arithmetic["period"], "30 calendar days");
    assert_eq!(arithmetic["end"], "2021-02-09T02:00:00Z");
}

#[test]
fn on_parlers_account_the_suspension_needs_a_judgment_call() {
    let run = json(&[
        "run",
        "seeds/parler-aws-2021-parler-account",
        "--format",
        "json",
    ]);
    let v = &run["verdicts"][0];
    assert_eq!(v["permitted"], false);
    assert!(
        !v["grounds"]
            .as_array()
            .expect("grounds")
            .iter()
            .any(|g| g == "6.1(b)")
    );
    let flip = &v["would_be_permitted_if"][0];
    assert_eq!(flip["assumption"], "aws_determined_risk");
    assert_eq!(flip["value"], true);

    let assumed = json(&[
        "run",
        "seeds/parler-aws-2021-parler-account",
        "--format",
        "json",
        "--assume",
        "aws_determined_risk=true",
    ]);
    let v = &assumed["verdicts"][0];
    assert_eq!(v["permitted"], true);
    assert_eq!(v["grounds"], serde_json::json!(["6.1(a)"]));
    assert_eq!(
        v["assumptions"][0]["name"], "aws_determined_risk",
        "the verdict says which call it rests on"
    );
}

#[test]
fn the_embedded_seed_is_the_committed_seed() {
    let embedded = modsim(&["run", "--format", "json"]);
    let on_disk = modsim(&["run", "seeds/parler-aws-2021", "--format", "json"]);
    assert_eq!(text(&embedded.stdout), text(&on_disk.stdout));
}

#[test]
fn runs_are_byte_identical() {
    let a = modsim(&["run", "--format", "json"]);
    let b = modsim(&["run", "--format", "json"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn the_committed_posts_are_the_generators_output() {
    for (which, file) in [
        ("aws", "seeds/parler-aws-2021/posts.csv"),
        (
            "parler-account",
            "seeds/parler-aws-2021-parler-account/posts.csv",
        ),
    ] {
        let out = modsim(&["reconstruct", which]);
        assert!(out.status.success());
        let committed = std::fs::read_to_string(root().join(file)).expect("committed posts");
        assert_eq!(
            text(&out.stdout),
            committed,
            "{file} is not `modsim reconstruct {which}`'s output"
        );
    }
}

#[test]
fn reconstructed_data_is_labelled_in_the_text_report() {
    let out = text(&modsim(&["run"]).stdout);
    assert!(out.contains("RECONSTRUCTED DATA"), "{out}");
    assert!(
        out.contains("(reconstructed)"),
        "post-level causes are labelled"
    );
}

#[test]
fn written_files_are_whole_or_untouched() {
    let dir = std::env::temp_dir().join(format!("modsim-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let target = dir.join("posts.csv");
    let out = modsim(&[
        "reconstruct",
        "aws",
        "--output",
        target.to_str().expect("path"),
    ]);
    assert!(out.status.success());
    let written = std::fs::read_to_string(&target).expect("written");
    assert!(
        written.ends_with("threat to shoot police officers or officials\n")
            || written.ends_with('\n')
    );
    // Into a folder that does not exist: an error, nothing half-written.
    let missing = dir.join("no/such/folder/posts.csv");
    let out = modsim(&[
        "reconstruct",
        "aws",
        "--output",
        missing.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

// ---------------------------------------------------------------------------------------
// What if: reforms, compare, sweeps (issue 3).

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// The `permitted_share` column of the `permitted_on ... 6.1(b)` rows, by the delay axis value.
fn shares_on_6_1_b(csv: &str) -> Vec<(String, f64)> {
    csv_rows(csv)
        .into_iter()
        .filter(|r| r[4] == "permitted_on" && r[5].ends_with("on 6.1(b)"))
        .map(|r| (r[2].clone(), r[6].parse().expect("a share")))
        .collect()
}

const SWEEP: &[&str] = &[
    "sweep",
    "--vary",
    "removal_probability=1",
    "--vary",
    "removal_delay_median=1h,24h,72h",
    "--replicates",
    "200",
    "--seed",
    "7",
];

/// A duty that differs says, on each side, how many of its subjects stand each way at the
/// end: the same counts as the run's own tally under that side.
#[test]
fn a_compared_duty_counts_its_subjects_as_the_run_tallies_them() {
    let reform = "policies/reforms/takedown-window.toml";
    let c = json(&["compare", "--reform", reform, "--format", "json"]);
    let duty = c["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .find(|d| d["kind"] == "duty")
        .expect("a duty differs");
    assert!(duty["baseline"].is_null(), "{duty}");
    let side = &duty["alternative"];
    let run = json(&["run", "--reform", reform, "--format", "json"]);
    let history = run["duties"]
        .as_array()
        .expect("duties")
        .iter()
        .find(|d| d["duty"] == duty["duty"]["clause"] && d["policy"] == duty["duty"]["policy"])
        .expect("the duty in the run");
    let mut total = 0;
    for standing in ["in_time", "late", "overdue", "open"] {
        let n = history["tally"][standing]
            .as_array()
            .expect("a tally")
            .len();
        assert_eq!(side[standing], n, "{standing}: {side}");
        total += n;
    }
    assert!(total > 0, "{side}");
    assert_eq!(side["last"], history["last"]);
}

#[test]
fn compare_under_parlers_reading_flips_the_suspension_and_moves_termination_to_feb_8() {
    let c = json(&[
        "compare",
        "--reform",
        "policies/reforms/thirty-days-notice.toml",
        "--format",
        "json",
    ]);
    let diffs = c["differences"].as_array().expect("differences");
    let flipped = diffs
        .iter()
        .find(|d| d["kind"] == "verdict")
        .expect("a verdict differs");
    assert_eq!(
        flipped["baseline"],
        serde_json::json!({"permitted": true, "grounds": ["6.1(b)"]})
    );
    assert_eq!(
        flipped["alternative"],
        serde_json::json!({"permitted": false, "grounds": []})
    );
    let termination = diffs
        .iter()
        .find(|d| d["kind"] == "earliest_action" && d["action"] == "terminate")
        .expect("the earliest termination moved");
    // From the notice (18:00 PST, 02:00 UTC) to 30 calendar days after it, on 7.2(a).
    assert_eq!(
        termination["baseline"],
        serde_json::json!({"at": "2021-01-10T02:00:00Z", "clause": "7.2(b)(ii)"})
    );
    assert_eq!(
        termination["alternative"],
        serde_json::json!({"at": "2021-02-09T02:00:00Z", "clause": "7.2(a)"})
    );
    assert_eq!(
        c["runs"].as_array().map(Vec::len),
        Some(2),
        "baseline and the alternative"
    );
}

#[test]
fn a_reform_naming_a_clause_the_policy_lacks_is_located_in_the_reform() {
    let out = modsim(&[
        "run",
        "--reform",
        "tests/data/err/reform-unknown-clause/reform.toml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("╭─[tests/data/err/reform-unknown-clause/reform.toml:5:"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `7.2(b)(ii)`?"), "{stderr}");
}

#[test]
fn the_share_permitted_on_6_1_b_never_falls_as_removal_slows_and_is_low_at_one_hour() {
    let out = modsim(&[SWEEP, &["--format", "csv"]].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shares = shares_on_6_1_b(&text(&out.stdout));
    assert_eq!(
        shares.iter().map(|(d, _)| d.as_str()).collect::<Vec<_>>(),
        ["1h", "24h", "72h"]
    );
    assert!(shares[0].1 < 0.2, "well below 1 at 1h: {shares:?}");
    assert!(
        shares.windows(2).all(|w| w[0].1 <= w[1].1),
        "does not fall as the delay grows: {shares:?}"
    );
    assert!(shares[2].1 > 0.9, "{shares:?}");
}

#[test]
fn a_sweep_is_the_same_bytes_whatever_the_number_of_threads() {
    let one = modsim(&[SWEEP, &["--format", "csv", "--jobs", "1"]].concat());
    let two = modsim(&[SWEEP, &["--format", "csv", "--jobs", "2"]].concat());
    assert!(one.status.success() && two.status.success());
    assert_eq!(text(&one.stdout), text(&two.stdout));
}

#[test]
fn shards_merge_into_exactly_the_whole_sweep() {
    let dir = std::env::temp_dir().join(format!("modsim-shards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let whole = modsim(&[SWEEP, &["--format", "csv"]].concat());
    let mut parts = Vec::new();
    for i in 1..=2 {
        let part = dir.join(format!("part{i}.json"));
        let shard = format!("{i}/2");
        let out = modsim(
            &[
                SWEEP,
                &[
                    "--shard",
                    &shard,
                    "--format",
                    "csv",
                    "--output",
                    part.to_str().expect("path"),
                ],
            ]
            .concat(),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        parts.push(part);
    }
    // The shards remember the sweep's `--format csv`: merge writes the CSV unasked.
    let merged = modsim(&[
        "merge",
        parts[1].to_str().expect("path"),
        parts[0].to_str().expect("path"),
    ]);
    assert!(merged.status.success(), "{}", text(&merged.stderr));
    assert_eq!(text(&merged.stdout), text(&whole.stdout));
    // An explicit `--format` wins.
    let whole_json = modsim(&[SWEEP, &["--format", "json"]].concat());
    let merged_json = modsim(&[
        "merge",
        parts[0].to_str().expect("path"),
        parts[1].to_str().expect("path"),
        "--format",
        "json",
    ]);
    assert!(
        merged_json.status.success(),
        "{}",
        text(&merged_json.stderr)
    );
    assert_eq!(text(&merged_json.stdout), text(&whole_json.stdout));
    // Shards swept for different formats leave the choice to `--format`.
    let json_part = dir.join("part2-json.json");
    let out = modsim(
        &[
            SWEEP,
            &[
                "--shard",
                "2/2",
                "--format",
                "json",
                "--output",
                json_part.to_str().expect("path"),
            ],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mixed = modsim(&[
        "merge",
        parts[0].to_str().expect("path"),
        json_part.to_str().expect("path"),
    ]);
    assert_eq!(mixed.status.code(), Some(2));
    assert!(
        text(&mixed.stderr).contains("different formats"),
        "{}",
        text(&mixed.stderr)
    );
    // A chart is drawn from the whole, not from one shard.
    let chart = modsim(
        &[
            SWEEP,
            &[
                "--shard",
                "1/2",
                "--chart",
                dir.join("c.svg").to_str().expect("path"),
            ],
        ]
        .concat(),
    );
    assert_eq!(chart.status.code(), Some(2));
    assert!(
        text(&chart.stderr).contains("not one shard"),
        "{}",
        text(&chart.stderr)
    );
    assert!(!dir.join("c.svg").exists());
    let incomplete = modsim(&["merge", parts[0].to_str().expect("path")]);
    assert_eq!(
        incomplete.status.code(),
        Some(2),
        "a missing shard is an error"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn a_sweep_draws_its_chart_as_svg() {
    let dir = std::env::temp_dir().join(format!("modsim-chart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let chart = dir.join("chart.svg");
    let out = modsim(&[
        "sweep",
        "--vary",
        "removal_delay_median=1h,24h",
        "--replicates",
        "20",
        "--chart",
        chart.to_str().expect("path"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let svg = std::fs::read_to_string(&chart).expect("chart written");
    assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
    assert!(svg.contains("<polyline"), "a line is drawn");
    assert!(svg.contains("removal_delay_median"), "the axis is named");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

// ---------------------------------------------------------------------------------------
// Every system's policy, the weekend scenario, the July 2021 terms (issue 4).

/// Every node of an explanation tree, depth first.
fn nodes(e: &Value) -> Vec<&Value> {
    let mut out = vec![e];
    for c in e["children"].as_array().into_iter().flatten() {
        out.extend(nodes(c));
    }
    out
}

#[test]
fn every_weekend_action_is_judged_under_its_own_partys_policy() {
    let run = json(&["run", "seeds/weekend-2021-01", "--format", "json"]);
    let own = [
        ("aws", "aws-2021-01"),
        ("apple", "apple-app-store-2021-01"),
        ("google", "google-play-ugc-2021-01"),
        ("twitter", "twitter-2021-01"),
        ("facebook", "facebook-2021-01"),
        ("airbnb", "airbnb-2021-01"),
    ];
    let verdicts = run["verdicts"].as_array().expect("verdicts");
    assert_eq!(verdicts.len(), 7);
    assert_eq!(run["matrix"].as_array().map(Vec::len), Some(7));
    for v in verdicts {
        let actor = v["actor"].as_str().expect("actor");
        let policy = own.iter().find(|(a, _)| *a == actor).expect("a party").1;
        assert_eq!(v["permitted"], true, "{actor} {}", v["action"]);
        let grounds = v["grounds_in"].as_array().expect("grounds");
        assert!(!grounds.is_empty());
        assert!(
            grounds.iter().all(|g| g["policy"] == policy),
            "{actor}: grounds outside its own policy: {grounds:?}"
        );
    }
    let calls = |actor: &str, action: &str| -> Vec<String> {
        verdicts
            .iter()
            .find(|v| v["actor"] == actor && v["action"] == action)
            .expect("verdict")["assumptions"]
            .as_array()
            .expect("assumptions")
            .iter()
            .map(|a| a["name"].as_str().expect("name").to_owned())
            .collect()
    };
    assert_eq!(calls("apple", "delist"), ["apple_found_plan_inadequate"]);
    assert_eq!(calls("google", "delist"), ["google_found_urgent_threat"]);
    assert_eq!(
        calls("twitter", "suspend_account"),
        ["twitter_found_risk_of_incitement"]
    );
    assert!(calls("aws", "suspend").is_empty(), "AWS rests on facts");
    // Notice given: only AWS gave any, 29 h 59 min before its suspension.
    let aws = run["matrix"]
        .as_array()
        .expect("matrix")
        .iter()
        .find(|r| r["actor"] == "aws")
        .expect("aws row");
    assert_eq!(aws["notice_lead_minutes"], 29 * 60 + 59);
    assert_eq!(aws["notice_required"]["notice"]["kind"], "immediate");
}

#[test]
fn apples_removal_without_its_judgment_call_rests_on_the_backlog() {
    let run = json(&[
        "run",
        "seeds/weekend-2021-01",
        "--format",
        "json",
        "--assume",
        "apple_found_plan_inadequate=false",
    ]);
    let apple = |run: &Value| {
        run["verdicts"]
            .as_array()
            .expect("verdicts")
            .iter()
            .find(|v| v["actor"] == "apple" && v["action"] == "delist")
            .expect("apple's removal")
            .clone()
    };
    let v = apple(&run);
    assert_eq!(v["grounds"], serde_json::json!(["1.2 (timely responses)"]));
    let without_backlog = json(&[
        "run",
        "seeds/weekend-2021-01",
        "--format",
        "json",
        "--assume",
        "apple_found_plan_inadequate=false",
        "--set",
        "tolerated_backlog=30000",
    ]);
    let v = apple(&without_backlog);
    assert_eq!(v["permitted"], false);
    assert_eq!(
        v["would_be_permitted_if"][0]["assumption"],
        "apple_found_plan_inadequate"
    );
}

#[test]
fn the_plan_demand_opens_a_duty_per_demand_met_by_delivery() {
    let run = json(&["run", "seeds/weekend-2021-01", "--format", "json"]);
    let duty = |policy: &str, clause: &str| {
        run["duties"]
            .as_array()
            .expect("duties")
            .iter()
            .find(|d| d["policy"] == policy && d["duty"] == clause)
            .expect("duty")
            .clone()
    };
    let apple = duty("apple-app-store-2021-01", "1.2 (plan)");
    assert_eq!(apple["last"], "fulfilled");
    // The demand is met in time: its subject is the demanding action, by event id.
    let demand = apple["tally"]["in_time"][0].as_str().expect("a demand");
    let event = run["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["id"] == demand)
        .expect("the demand's event");
    assert_eq!(event["from"], "apple");
    assert_eq!(event["at"], "2021-01-08T17:00:00Z", "09:00 PST");
    assert_eq!(apple["tally"]["in_time"].as_array().map(Vec::len), Some(1));
    // Google's demand has no deadline and Parler delivered nothing to Google.
    let google = duty("google-play-ugc-2021-01", "UGC (plan)");
    assert_eq!(google["last"], "pending");
    // Parler's own duty under its guidelines never falls due.
    let jury = duty("parler-guidelines-2021-01", "jury");
    assert_eq!(jury["last"], "pending");
    assert_eq!(jury["tally"]["overdue"].as_array().map(Vec::len), Some(0));
}

#[test]
fn twitters_account_level_suspension_needs_its_judgment_call() {
    let run = json(&[
        "run",
        "seeds/weekend-2021-01",
        "--format",
        "json",
        "--assume",
        "twitter_found_risk_of_incitement=false",
    ]);
    let v = run["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .find(|v| v["actor"] == "twitter")
        .expect("twitter")
        .clone();
    assert_eq!(v["against"], "trump");
    assert_eq!(v["permitted"], false);
    let run = json(&["run", "seeds/weekend-2021-01", "--format", "json"]);
    let v = run["verdicts"]
        .as_array()
        .expect("verdicts")
        .iter()
        .find(|v| v["actor"] == "twitter")
        .expect("twitter")
        .clone();
    assert_eq!(v["permitted"], true);
    let account = nodes(&v["explanation"])
        .into_iter()
        .filter(|n| n["kind"] == "comparison")
        .map(|n| n["counts"]["account"].clone())
        .find(|a| a["party"] == "trump")
        .expect("the comparison reads trump's account");
    assert_eq!(account["posts"], 2);
    assert_eq!(account["prohibited"], 2);
}

#[test]
fn under_the_july_2021_terms_the_suspension_counts_business_days_per_post() {
    let run = json(&[
        "run",
        "seeds/parler-aws-2021",
        "--policy",
        "policies/aws-2021-07.toml",
        "--format",
        "json",
    ]);
    let v = &run["verdicts"][0];
    assert_eq!(v["permitted"], true);
    assert_eq!(v["grounds"], serde_json::json!(["1.4 (suspension)"]));
    let all = nodes(&v["explanation"]);
    // The arithmetic is in the tree: a post's deadline, from its report, in business days.
    let dues: Vec<&Value> = all
        .iter()
        .filter(|n| n["kind"] == "post")
        .map(|n| &n["due"])
        .filter(|d| d["from"] == "reported")
        .collect();
    assert!(!dues.is_empty(), "the arithmetic is written out");
    assert!(
        dues.iter()
            .all(|d| d["arithmetic"]["period"] == "2 business days")
    );
    // Fri 2021-01-08 + 2 business days skips the weekend to Tue 2021-01-12.
    assert!(
        dues.iter().any(|d| {
            d["arithmetic"]["calendar"] == "us-federal"
                && d["arithmetic"]["skipped"]
                    == serde_json::json!([{"date": "2021-01-09"}, {"date": "2021-01-10"}])
        }),
        "{dues:#?}"
    );
    let group = |standing: &str| {
        all.iter()
            .find(|n| n["kind"] == "tally_group" && n["standing"] == standing)
            .unwrap_or_else(|| panic!("posts {standing}"))
    };
    // Which posts were removed in time, and which were not.
    for standing in ["in_time", "overdue"] {
        let g = group(standing);
        assert!(g["count"].as_u64().expect("count") > 0);
        assert!(!g["shown"].as_array().expect("shown").is_empty());
    }
}

// ---------------------------------------------------------------------------------------
// Classroom: exercises, keys, grading (issue 7).

#[test]
fn the_exercise_pack_passes_on_the_instructors_keys() {
    let out = modsim(&["test", "exercises", "--answers-dir", "exercises/keys"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let last = stdout.lines().last().expect("a closing line");
    let passed: usize = last
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("N passed");
    assert!(passed >= 6, "{last}");
    assert!(last.ends_with("passed, 0 failed"), "{last}");
    let exercises = std::fs::read_dir(root().join("exercises"))
        .expect("exercises")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("exercise.toml").is_file())
        .count();
    assert!(exercises >= 6, "at least six exercises: {exercises}");
}

#[test]
fn a_wrong_student_policy_fails_with_the_exercises_own_messages() {
    let out = modsim(&[
        "test",
        "exercises/03-apple-guideline-1-2/exercise.toml",
        "--answers",
        "exercises/keys/apple-guideline-1-2.toml",
        "--policy",
        "tests/data/student/apple-late-plan-only.toml",
    ]);
    assert_eq!(out.status.code(), Some(1), "a failed case exits 1");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("FAIL  apple-guideline-1-2  verdict of apple delist parler"),
        "{stdout}"
    );
    assert!(
        stdout.contains("whether the plan was adequate was Apple's finding, not a fact"),
        "the key's own message: {stdout}"
    );
    // The key names its reference: the search against it fails the encoding too.
    assert!(stdout.contains("\n2 passed, 3 failed\n"), "{stdout}");
}

/// Issue 14, item 8: the key passed a plan due within 72 hours, though the hand-out says 24.
#[test]
fn a_plan_due_within_72_hours_fails_the_key_with_its_message() {
    let out = modsim(&[
        "test",
        "exercises/03-apple-guideline-1-2/exercise.toml",
        "--answers",
        "exercises/keys/apple-guideline-1-2.toml",
        "--policy",
        "tests/data/student/apple-72-hour-plan.toml",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "FAIL  apple-guideline-1-2  duty 1.2 (plan) falls due at 2021-01-09 09:00 PST: got 2021-01-11 09:00 PST"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("The plan is due within 24 hours of Apple's demand"),
        "the key's own message: {stdout}"
    );
    // The key names its reference, so the search runs without `--reference` and finds the
    // timeline on which a 72-hour plan and the reference's 24-hour one part.
    assert!(
        stdout.contains(
            "FAIL  apple-guideline-1-2  no timeline tells the encoding from the reference"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("\n3 passed, 2 failed\n"), "{stdout}");
    // The self-checks alone give nothing away: the lenient encoding passes them.
    let out = modsim(&[
        "test",
        "exercises/03-apple-guideline-1-2",
        "--policy",
        "tests/data/student/apple-72-hour-plan.toml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

/// Issue 14, item 8: a typo in a key blamed the exercise file, with no line or suggestion.
#[test]
fn a_typo_in_a_key_is_located_in_the_key_with_a_suggestion() {
    let dir = scratch("key-typo");
    std::fs::write(
        dir.join("key.toml"),
        "[answers]\nexercise = \"apple-guideline-1-2\"\n\n[[expect]]\nearliest = \"1.2 (removl)\"\nat = \"2021-01-09 08:00\"\n",
    )
    .expect("written");
    let out = modsim_in(
        &dir,
        &[
            "test",
            "exercises/03-apple-guideline-1-2/exercise.toml",
            "--answers",
            "key.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    for expected in [
        "no power `1.2 (removl)` is in force",
        "key.toml:5:",
        "did you mean `1.2 (removal)`?",
    ] {
        assert!(stderr.contains(expected), "no `{expected}` in:\n{stderr}");
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn graders_get_one_json_object_per_case() {
    let out = modsim(&[
        "test",
        "exercises/01-suspension-grounds",
        "--answers-dir",
        "exercises/keys",
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["schema"], "modsim.test/1");
    assert_eq!(v["failed"], 0);
    let cases = v["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 4);
    assert!(
        cases
            .iter()
            .all(|c| c["exercise"] == "suspension-grounds" && c["passed"] == true)
    );
}

/// Issue 14, item 8: without the instructor's keys, `modsim test exercises` exited 2 ("states
/// no expected result"). The hand-outs now carry self-checks that give no answer away.
#[test]
fn the_hand_outs_check_themselves_without_giving_answers_away() {
    let out = modsim(&["test", "exercises"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).ends_with("14 passed, 0 failed\n"),
        "{}",
        text(&out.stdout)
    );
    for entry in std::fs::read_dir(root().join("exercises")).expect("exercises") {
        let file = entry.expect("entry").path().join("exercise.toml");
        let Ok(handout) = std::fs::read_to_string(&file) else {
            continue;
        };
        for answer in [
            "permitted",
            "grounds",
            "earliest",
            "share_at",
            "assumptions_include",
        ] {
            assert!(
                !handout.lines().any(|l| l.starts_with(answer)),
                "{}: `{answer}` gives an answer away",
                file.display()
            );
        }
    }
    // A file with no expectation at all still says where the answers go.
    let dir = scratch("bare-handout");
    std::fs::create_dir_all(dir.join("bare")).expect("folder");
    std::fs::write(
        dir.join("bare/exercise.toml"),
        "[exercise]\nid = \"bare\"\ntitle = \"?\"\nscenario = \"../seeds/parler-aws-2021\"\n",
    )
    .expect("written");
    let out = modsim_in(&dir, &["test", "bare/exercise.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--answers-dir"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// A temporary copy of the repository's data (seeds, policies, reforms, exercises), so that
/// commands that write files write there.
fn scratch(name: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("folder");
        for entry in std::fs::read_dir(from)
            .expect("folder")
            .filter_map(Result::ok)
        {
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copied");
            }
        }
    }
    let dir = std::env::temp_dir().join(format!("modsim-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for folder in ["seeds", "policies", "exercises", "schemas"] {
        copy(&root().join(folder), &dir.join(folder));
    }
    dir
}

fn modsim_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modsim"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

#[test]
fn every_subcommands_help_has_examples_that_run_as_written() {
    let dir = scratch("examples");
    let top = text(&modsim(&["--help"]).stdout);
    let subcommands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A description wrapped onto the next line is indented further.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|s| s != "help")
        .collect();
    assert!(subcommands.len() >= 8, "{subcommands:?}");
    for sub in &subcommands {
        let help = text(&modsim(&[sub, "--help"]).stdout);
        // An example, with the lines a trailing `\` continues it onto.
        let mut examples: Vec<String> = Vec::new();
        let mut lines = help.lines();
        while let Some(l) = lines.next() {
            if !l.starts_with("  modsim ") {
                continue;
            }
            let mut example = l.to_owned();
            while example.ends_with('\\') {
                let Some(next) = lines.next() else { break };
                example.push('\n');
                example.push_str(next);
            }
            examples.push(example);
        }
        assert!(!examples.is_empty(), "`modsim {sub} --help` has no example");
        for line in &examples {
            // As a reader would run it: through a shell, with `modsim` being this binary. A
            // trailing `# exit N: why` (a comment to the shell) gives the code it must exit
            // with, as in the docs (`modsim diff` exits 1 when it finds a difference).
            let expected = line
                .rsplit_once("# exit ")
                .and_then(|(_, rest)| rest.split(':').next())
                .map_or(0, |n| n.trim().parse::<i32>().expect("`# exit N`"));
            let command = line
                .trim_start()
                .replacen("modsim", env!("CARGO_BIN_EXE_modsim"), 1);
            let out = Command::new("sh")
                .args(["-c", &command])
                .current_dir(&dir)
                .env("NO_COLOR", "1")
                .output()
                .expect("sh runs");
            assert!(
                out.status.code() == Some(expected),
                "`{line}` exited {:?}: {}",
                out.status.code(),
                text(&out.stderr)
            );
        }
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// Issue 14: `modsim --help` and each subcommand's help fit an 80-column terminal (help
/// that is not written to a terminal is wrapped at 80 columns).
#[test]
fn every_help_fits_80_columns() {
    let top = text(&modsim(&["--help"]).stdout);
    let mut helps = vec![("modsim --help".to_owned(), top.clone())];
    for sub in top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A description wrapped onto the next line is indented further.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
    {
        for flag in ["-h", "--help"] {
            let out = modsim(&[sub, flag]);
            helps.push((format!("modsim {sub} {flag}"), text(&out.stdout)));
        }
    }
    for (command, help) in &helps {
        for line in help.lines() {
            assert!(
                line.chars().count() <= 80,
                "`{command}` has a line of {} columns:\n{line}",
                line.chars().count()
            );
        }
    }
}

#[test]
fn new_files_run_as_they_stand() {
    let dir = scratch("new");
    for args in [
        ["new", "policy", "p"],
        ["new", "scenario", "s"],
        ["new", "exercise", "exercises/07-mine"],
    ] {
        let out = modsim_in(&dir, &args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    assert!(
        modsim_in(&dir, &["run", "--policy", "p.toml"])
            .status
            .success()
    );
    assert!(modsim_in(&dir, &["run", "s"]).status.success());
    let checked = modsim_in(
        &dir,
        &[
            "check",
            "--deny-warnings",
            "p.toml",
            "s",
            "exercises/07-mine",
        ],
    );
    assert!(
        checked.status.success(),
        "new files pass `modsim check`: {}",
        text(&checked.stderr)
    );
    let graded = modsim_in(
        &dir,
        &[
            "test",
            "exercises/07-mine/exercise.toml",
            "--answers",
            "exercises/07-mine/key.toml",
        ],
    );
    assert!(graded.status.success(), "{}", text(&graded.stdout));
    // Nothing a user wrote is overwritten.
    std::fs::write(dir.join("p.toml"), "mine").expect("written");
    let again = modsim_in(&dir, &["new", "policy", "p"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.join("p.toml")).expect("kept"),
        "mine"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// Issue 14, item 3: `--scenario /abs/path` was written as `..//abs/path`, and the default
/// path resolved only from an exercise folder one level below the repository's root.
#[test]
fn a_new_exercise_finds_its_scenario_wherever_it_sits() {
    let dir = scratch("new-exercise");
    let seed = dir.join("seeds/parler-aws-2021");
    let seed = seed.to_str().expect("utf-8 path");
    std::fs::create_dir_all(dir.join("class")).expect("folder");
    let outside = dir.join("outside");
    let outside = outside.to_str().expect("utf-8 path");
    for (cwd, args) in [
        (dir.clone(), vec!["new", "exercise", "deep/er/one"]),
        (dir.clone(), vec!["new", "exercise", outside]),
        (
            dir.join("class"),
            vec!["new", "exercise", "../two", "--scenario", seed],
        ),
        (
            dir.join("class"),
            vec!["new", "exercise", "three", "--scenario", seed],
        ),
    ] {
        let out = modsim_in(&cwd, &args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    for exercise in ["deep/er/one", "outside", "two", "class/three"] {
        let file = format!("{exercise}/exercise.toml");
        let written = std::fs::read_to_string(dir.join(&file)).expect("written");
        assert!(!written.contains("//"), "{file}:\n{written}");
        let id = exercise.rsplit('/').next().expect("a name");
        assert!(written.contains(&format!("id = \"{id}\"")), "{written}");
        assert!(written.starts_with("#:schema "), "{written}");
        let graded = modsim_in(
            &dir,
            &["test", &file, "--answers", &format!("{exercise}/key.toml")],
        );
        assert!(graded.status.success(), "{file}: {}", text(&graded.stdout));
    }
    // Without the seed beside it, the default is refused before anything is written.
    let out = modsim_in(&dir.join("class"), &["new", "exercise", "four"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--scenario"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.join("class/four").exists());
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn the_html_report_is_one_self_contained_page() {
    let out = modsim(&["run", "--format", "html"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.starts_with("<!doctype html>"));
    assert!(
        page.contains("<svg") && page.contains("</svg>"),
        "an inline SVG timeline"
    );
    assert!(
        page.contains("Reconstructed data."),
        "reconstruction is labelled"
    );
    assert!(
        page.contains("6.1(b) (Suspension for breach)"),
        "the verdict cites its clause"
    );
    for external in ["src=\"http", "href=\"http", "<script", "@import", "url("] {
        assert!(
            !page.contains(external),
            "no network, no script: found `{external}`"
        );
    }
}

#[test]
fn the_shipped_policies_and_scenarios_check_clean() {
    let out = modsim(&["check", "policies", "seeds", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("0 errors, 0 warnings"));
}

#[test]
fn warnings_fail_the_check_only_when_denied() {
    let case = "tests/data/ok/check-lints";
    assert_eq!(modsim(&["check", case]).status.code(), Some(0));
    assert_eq!(
        modsim(&["check", case, "--deny-warnings"]).status.code(),
        Some(1)
    );
}

#[test]
fn check_speaks_json_for_editors_and_graders() {
    let out = modsim(&[
        "check",
        "--error-format",
        "json",
        "tests/data/ok/check-lints",
        "tests/data/err/unknown-references",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let doc: Value = serde_json::from_slice(&out.stderr).expect("one JSON document");
    assert_eq!(doc["schema"], "modsim.diagnostics/1");
    assert_eq!(doc["errors"], 6);
    assert_eq!(doc["warnings"], 8);
    let diagnostics = doc["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 14);
    for d in diagnostics {
        assert!(
            d["file"].is_string() && d["line"].is_u64() && d["column"].is_u64(),
            "{d}"
        );
    }
    let lint = diagnostics
        .iter()
        .find(|d| d["code"] == "power-without-notice")
        .expect("a lint");
    assert_eq!(lint["severity"], "warning");
    assert_eq!(
        (lint["line"].as_u64(), lint["column"].as_u64()),
        (Some(42), Some(127))
    );
}

#[test]
fn the_committed_schemas_are_the_commands_output() {
    for kind in [
        "policy", "scenario", "reform", "exercise", "answers", "calendar",
    ] {
        let out = modsim(&["schema", kind]);
        assert!(out.status.success());
        let path = root().join(format!("schemas/{kind}.schema.json"));
        let committed = std::fs::read_to_string(&path).expect("committed schema");
        assert_eq!(
            text(&out.stdout),
            committed,
            "{} is stale: run `modsim schema {kind} > schemas/{kind}.schema.json`",
            path.display()
        );
        let schema: Value = serde_json::from_str(&committed).expect("JSON");
        assert_eq!(
            schema["additionalProperties"], false,
            "unknown keys are flagged"
        );
    }
}

/// Renders the seed's HTML report in headless Chromium and checks a screenshot was drawn.
/// Skips (and says so) where Chromium is absent: `apt-get install chromium` to run it.
#[test]
fn the_html_report_draws_in_chromium() {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(chromium) = chromium else {
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("modsim-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let page = dir.join("seed.html");
    let shot = dir.join("seed.png");
    let out = modsim(&[
        "run",
        "--format",
        "html",
        "--output",
        page.to_str().expect("path"),
    ]);
    assert!(out.status.success());
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", dir.join("profile").display()),
            "--window-size=1200,1400",
            &format!("--screenshot={}", shot.display()),
            &format!("file://{}", page.display()),
        ])
        .output()
        .expect("chromium runs");
    assert!(status.status.success(), "{}", text(&status.stderr));
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
    assert!(
        png.len() > 20_000,
        "a page with a drawing, not a blank: {} bytes",
        png.len()
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn completions_and_plain_output_off_a_terminal() {
    let bash = modsim(&["completions", "bash"]);
    assert!(bash.status.success());
    assert!(text(&bash.stdout).contains("modsim"));
    let run = modsim(&["run"]);
    assert!(
        !run.stdout.contains(&0x1b),
        "no colour codes when not a terminal or with NO_COLOR"
    );
}

#[test]
fn the_shipped_files_name_their_schema() {
    let mut files = Vec::new();
    for (folder, kind, up) in [
        ("policies", "policy", "../"),
        ("policies/reforms", "reform", "../../"),
        ("seeds", "scenario", "../../"),
        ("exercises", "exercise", "../../"),
        ("exercises/keys", "answers", "../../"),
        ("calendars", "calendar", "../"),
    ] {
        for entry in std::fs::read_dir(root().join(folder)).expect("folder") {
            let path = entry.expect("entry").path();
            let file = if path.is_dir() {
                path.join(format!("{kind}.toml"))
            } else {
                path
            };
            if file.extension().is_some_and(|e| e == "toml") && file.is_file() {
                files.push((file, format!("#:schema {up}schemas/{kind}.schema.json")));
            }
        }
    }
    assert!(files.len() >= 3);
    for (file, directive) in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        assert_eq!(
            text.lines().next(),
            Some(directive.as_str()),
            "{}: the first line names the schema for TOML editors",
            file.display()
        );
    }
}

/// A calendar that lists some years only: business days counted into another year stop the
/// run with an error naming the calendar and the year, rather than guessing its holidays.
#[test]
fn business_days_beyond_a_calendars_years_are_an_error() {
    let scenario = "tests/data/ok/calendar-file/scenario.toml";
    let out = modsim(&["run", scenario, "--set", "window=200 business days"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    // The message is wrapped, its lines continued by `│`: read it as one line.
    let said = stderr
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        said.contains("calendar `desk` covers 2021 to 2021, not 2022"),
        "{stderr}"
    );
    assert!(
        said.contains("posts.csv:2:21"),
        "located at the post's time: {stderr}"
    );
    assert!(said.contains("list the missing year"), "{stderr}");
    // Within the year, the desk's own rest days and closure are skipped, and said.
    let out = modsim(&["run", scenario, "--explain"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains(
        "reported 2021-04-29 10:00 +04 + 2 business days = 2021-05-04 10:00 +04 (desk calendar; \
         skipping Fri 2021-04-30, Sat 2021-05-01, Mon 2021-05-03 (Desk closed))"
    ));
}

/// Issue 14, polish: `-v` printed "1 notices, 1 actions".
#[test]
fn verbose_counts_agree_with_their_nouns() {
    let out = modsim(&["run", "-v"]);
    assert!(out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("(98 posts, 1 notice, 1 action")
            && stderr.contains(": 1 prohibition, 2 duties, 5 powers"),
        "{stderr}"
    );
}

/// Issue 12 ("smaller"): verdicts grouped per account were listed by account id, not in the
/// order the scenario declares its parties. The forum's accounts declared carol, alice, bob
/// (`tests/data/ok/accounts-in-party-order`) are listed so in every format.
#[test]
fn accounts_are_listed_in_the_order_the_scenario_declares_them() {
    const SCENARIO: &str = "tests/data/ok/accounts-in-party-order/scenario.toml";
    // The first line of each account's verdicts, in the order they appear.
    let first_of_each = |out: &str, marker: &dyn Fn(&str, &str) -> bool| -> Vec<&'static str> {
        let mut seen: Vec<(usize, &'static str)> = ["carol", "alice", "bob"]
            .into_iter()
            .filter_map(|a| out.lines().position(|l| marker(l, a)).map(|line| (line, a)))
            .collect();
        seen.sort_unstable();
        seen.into_iter().map(|(_, a)| a).collect()
    };
    let run = |format: &str| {
        let out = modsim(&["run", SCENARIO, "--format", format]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let order = ["carol", "alice", "bob"];
    let plain = run("text");
    assert_eq!(
        first_of_each(&plain, &|l, a| l.starts_with(&format!("  {a} "))),
        order,
        "{plain}"
    );
    let md = run("md");
    assert_eq!(
        first_of_each(&md, &|l, a| l.starts_with(&format!("- `{a}` "))),
        order,
        "{md}"
    );
    let html = run("html");
    assert_eq!(
        first_of_each(&html, &|l, a| l.starts_with(&format!(
            "<tr><td>forum</td><td>strike</td><td>{a}</td>"
        ))),
        order,
        "{html}"
    );
    let report = json(&["run", SCENARIO, "--format", "json"]);
    let parties: Vec<&str> = report["scenario"]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(parties, ["forum", "carol", "alice", "bob"]);
    for earliest in report["earliest"].as_array().unwrap() {
        let accounts: Vec<&str> = earliest["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["against"].as_str().unwrap())
            .collect();
        assert_eq!(accounts, order, "{earliest}");
    }
}

/// The weekend's verdict matrix was 195 to 261 columns wide whatever the terminal: a matrix
/// wider than 80 columns is drawn one action per line with its details wrapped beneath.
#[test]
fn the_weekend_matrix_fits_80_columns() {
    let out = modsim(&["run", "seeds/weekend-2021-01"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let matrix: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("Verdict matrix"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(matrix.len() > 7, "{stdout}");
    for line in matrix {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
}
