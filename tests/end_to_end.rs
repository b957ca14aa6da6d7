//! End-to-end tests of the `modsim` binary against `seeds/` and `policies/`.
//!
//! Golden outputs live in `tests/data/ok/NAME/` (arguments in `args`, one per line; the
//! expected standard output in `stdout`) and `tests/data/err/NAME/` (expected standard error
//! in `stderr`, exit code 2). Rewrite them with `UPDATE_GOLDEN=1 cargo test --workspace` and
//! review the diff: never by hand.
//!
//! The named tests below assert, on the JSON output, the answers the issues require.

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

/// Compares `actual` with the golden file, or rewrites it under `UPDATE_GOLDEN=1`.
fn check_golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).expect("golden written");
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(e, a)| e != a)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output, first at line {}:\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_GOLDEN=1 rewrites it; review the diff)",
            path.display(),
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            actual.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

fn cases(kind: &str) -> Vec<(String, PathBuf, Vec<String>)> {
    let dir = root().join("tests/data").join(kind);
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("case folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("args").is_file())
        .map(|p| {
            let args = std::fs::read_to_string(p.join("args")).expect("args");
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, p, args.lines().map(str::to_owned).collect())
        })
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases under {}", dir.display());
    cases
}

#[test]
fn golden_runs() {
    for (name, dir, args) in cases("ok") {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = modsim(&args);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        check_golden(&dir.join("stdout"), &text(&out.stdout));
        if args.first() == Some(&"check") {
            // What `check` finds is its standard error: snapshot it too.
            check_golden(&dir.join("stderr"), &text(&out.stderr));
        }
    }
}

#[test]
fn golden_errors_are_located_and_exit_2() {
    for (name, dir, args) in cases("err") {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = modsim(&args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: nothing on stdout");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        check_golden(&dir.join("stderr"), &stderr);
    }
}

#[test]
fn file_errors_name_file_line_and_column_and_underline() {
    for (case, located) in [
        ("toml-syntax", "tests/data/err/toml-syntax/policy.toml:"),
        (
            "unknown-clause",
            "tests/data/err/unknown-clause/policy.toml:75:",
        ),
        ("wrong-type", "tests/data/err/wrong-type/policy.toml:41:"),
        ("dst-gap", "tests/data/err/dst-gap/scenario.toml:31:"),
        ("bad-posts", "tests/data/err/bad-posts/posts.csv:3:"),
    ] {
        let stderr =
            std::fs::read_to_string(root().join("tests/data/err").join(case).join("stderr"))
                .expect("golden");
        assert!(
            stderr.contains(&format!("╭─[{located}")),
            "{case}: no `{located}` in\n{stderr}"
        );
        assert!(stderr.contains('─'), "{case}: the value is underlined");
    }
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
    let arithmetic = terminations[0]["arithmetic"].as_str().expect("arithmetic");
    assert!(
        arithmetic.contains("2021-01-09 18:00 PST + 30 calendar days = 2021-02-08 18:00 PST"),
        "{arithmetic}"
    );
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

/// Every broken input under `tests/data/err/`, checked folder by folder and file by file:
/// exit 2, a message that names the place, and no panic.
#[test]
fn every_broken_input_is_refused_with_a_located_message() {
    let err = root().join("tests/data/err");
    let mut checked = 0;
    for (name, dir, _) in cases("err") {
        let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("case folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        inputs.sort();
        if inputs.is_empty() {
            continue; // a case of the command line alone
        }
        let relative = |p: &Path| {
            p.strip_prefix(root())
                .expect("under the root")
                .to_string_lossy()
                .into_owned()
        };
        let folder = relative(&dir);
        for target in std::iter::once(folder.clone()).chain(inputs.iter().map(|p| relative(p))) {
            let out = modsim(&["check", &target]);
            let stderr = text(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{name}: `check {target}`: {stderr}"
            );
            assert!(!stderr.contains("panicked"), "{name}: {stderr}");
            let located = stderr.contains(&format!("╭─[{folder}/"))
                || (stderr.contains("(line ") && stderr.contains(", column "))
                || stderr.contains("cannot read");
            assert!(
                located,
                "{name}: `check {target}` names no place:\n{stderr}"
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 20,
        "only {checked} inputs under {}",
        err.display()
    );
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
    for kind in ["policy", "scenario"] {
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

#[test]
fn the_shipped_files_name_their_schema() {
    let mut files = Vec::new();
    for (folder, kind, up) in [
        ("policies", "policy", "../"),
        ("seeds", "scenario", "../../"),
    ] {
        for entry in std::fs::read_dir(root().join(folder)).expect("folder") {
            let path = entry.expect("entry").path();
            let file = if path.is_dir() {
                path.join("scenario.toml")
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
