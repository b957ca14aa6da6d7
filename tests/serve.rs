//! `modsim serve` over HTTP on the loopback: what it answers, what it refuses and how, that no
//! answer to any request holds the text of an answer key, and a load of honest and hostile
//! clients at once (the figures of BENCHMARKS.md come from `load_on_the_loopback`, run in a
//! release build).
//!
//! The browser's own tests are `tests/browser/` (headless Chromium, run by `.ci/run`).

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    reason = "helpers of a test fail it by panicking"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A server on a free loopback port, stopped when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_modsim"))
            .arg("serve")
            .args(["--port", "0"])
            .args(args)
            .current_dir(root())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server says where it is");
        let address = line
            .trim()
            .strip_prefix("http://")
            .and_then(|a| a.strip_suffix('/'))
            .unwrap_or_else(|| panic!("not an address: {line:?}"))
            .to_owned();
        Server { child, address }
    }

    /// The server's peak resident memory, in KiB (Linux).
    fn peak_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer: status, content type and body.
#[derive(Debug)]
struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One connection, kept alive across requests.
struct Client {
    stream: BufReader<TcpStream>,
}

impl Client {
    fn new(address: &str) -> Client {
        let stream = TcpStream::connect(address).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        stream.set_nodelay(true).expect("nodelay");
        Client {
            stream: BufReader::new(stream),
        }
    }

    fn request(&mut self, method: &str, path: &str, body: &[u8]) -> Answer {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let s = self.stream.get_mut();
        s.write_all(head.as_bytes()).expect("writes");
        // A body the server refuses early may be cut short: the answer is what counts.
        let _ = s.write_all(body);
        self.answer()
    }

    fn answer(&mut self) -> Answer {
        let mut status_line = String::new();
        self.stream.read_line(&mut status_line).expect("status");
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {status_line:?}"));
        let (mut length, mut chunked) = (None, false);
        loop {
            let mut line = String::new();
            self.stream.read_line(&mut line).expect("header");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').expect("a header");
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.contains("chunked"),
                _ => {}
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                let mut size = String::new();
                self.stream.read_line(&mut size).expect("chunk size");
                let n = usize::from_str_radix(size.trim(), 16).expect("hex size");
                let mut chunk = vec![0; n + 2];
                self.stream.read_exact(&mut chunk).expect("chunk");
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        } else {
            let mut b = vec![0; length.unwrap_or(0)];
            self.stream.read_exact(&mut b).expect("body");
            body = b;
        }
        Answer {
            status,
            body: String::from_utf8(body).expect("UTF-8"),
        }
    }
}

fn get(server: &Server, path: &str) -> Answer {
    Client::new(&server.address).request("GET", path, b"")
}

fn post(server: &Server, path: &str, body: &Value) -> Answer {
    Client::new(&server.address).request("POST", path, body.to_string().as_bytes())
}

const SEED: &str = "seeds/parler-aws-2021/scenario.toml";

fn seed_run() -> Value {
    json!({ "scenario": SEED })
}

#[test]
fn a_run_answers_as_the_cli_does() {
    let server = Server::start(&[]);
    let run = post(&server, "/api/run", &seed_run());
    assert_eq!(run.status, 200, "{}", run.body);
    let view = run.json();
    assert_eq!(view["schema"], "modsim.run/2");
    assert_eq!(view["verdicts"][0]["permitted"], true);
    assert_eq!(view["verdicts"][0]["grounds"], json!(["6.1(b)"]));
    // Every explanation step carries its sentence, written by the CLI's prose.
    let tree = &view["verdicts"][0]["explanation"];
    assert_eq!(
        tree["text"],
        "aws suspend parler at 2021-01-10 23:59 PST: PERMITTED"
    );
    // The same report as `modsim run --format json`, less the API's additions.
    let cli = Command::new(env!("CARGO_BIN_EXE_modsim"))
        .args(["run", "--format", "json"])
        .current_dir(root())
        .output()
        .expect("runs");
    let cli: Value = serde_json::from_slice(&cli.stdout).expect("JSON");
    for field in [
        "scenario",
        "policies",
        "matrix",
        "events",
        "posts",
        "provenance",
    ] {
        assert_eq!(view[field], cli[field], "{field}");
    }
    assert_eq!(
        view["earliest"][4]["at_local"],
        cli["earliest"][4]["at_local"]
    );
    // The timeline: one lane per party, every mark with a tooltip and what it opens.
    let timeline = &view["timeline"];
    let lanes: Vec<&str> = timeline["lanes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["party"].as_str().unwrap())
        .collect();
    assert_eq!(lanes, ["aws", "parler"]);
    for mark in timeline["marks"].as_array().unwrap() {
        assert!(mark["tooltip"].as_str().unwrap().len() > 10, "{mark}");
        assert!(mark["opens"]["kind"].is_string());
    }
    let notice = timeline["marks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "notice")
        .expect("the notice");
    assert_eq!(notice["reconstructed"], true, "its minute is reconstructed");
}

#[test]
fn a_bad_policy_gets_the_located_messages_of_modsim_check() {
    let server = Server::start(&[]);
    let policy = std::fs::read_to_string(root().join("policies/aws-2021-01.toml")).unwrap();
    let broken = policy.replace(
        "breached(\"4.2\") || breached(\"4.5\")",
        "breached(\"4.3\") || breached(\"4.5\")",
    );
    assert_ne!(broken, policy);
    let edits = json!({ "scenario": SEED, "edits": { "policies/aws-2021-01.toml": broken } });
    let run = post(&server, "/api/run", &edits);
    assert_eq!(run.status, 400);
    let checked = post(&server, "/api/check", &edits);
    assert_eq!(checked.status, 200);
    // The CLI on the same text, under the same name.
    let dir = std::env::temp_dir().join(format!("modsim-serve-check-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::write(dir.join("policies/aws-2021-01.toml"), &broken).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_modsim"))
        .args([
            "check",
            "policies/aws-2021-01.toml",
            "--error-format",
            "json",
        ])
        .current_dir(&dir)
        .output()
        .expect("runs");
    let _ = std::fs::remove_dir_all(&dir);
    let cli: Value = serde_json::from_slice(&out.stderr).expect("JSON diagnostics");
    let located = |problems: &Value| -> Vec<String> {
        let mut v: Vec<String> = problems
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["severity"] == "error")
            .map(|p| format!("{}:{}: {}", p["line"], p["column"], p["message"]))
            .collect();
        v.sort();
        v
    };
    let cli_errors = located(&cli["diagnostics"]);
    assert!(!cli_errors.is_empty(), "{cli_errors:?}");
    for answer in [&run, &checked] {
        let view = answer.json();
        assert_eq!(located(&view["problems"]), cli_errors);
        for p in view["problems"].as_array().unwrap() {
            assert_eq!(p["file"], "policies/aws-2021-01.toml");
        }
        // With the CLI's rendering: the excerpt and the underline, and a did-you-mean.
        let rendered = view["rendered"][0].as_str().unwrap();
        assert!(
            rendered.contains("policies/aws-2021-01.toml:"),
            "{rendered}"
        );
        assert!(rendered.contains("did you mean `4.2`?"), "{rendered}");
    }
}

#[test]
fn requests_beyond_the_limits_are_refused_before_any_work() {
    let server = Server::start(&[]);
    // An oversized body.
    let huge = "x".repeat(2 * 1024 * 1024);
    let body = json!({ "scenario": SEED, "edits": { "scratch/big.toml": huge } });
    let answer = post(&server, "/api/run", &body);
    assert_eq!(answer.status, 413, "{}", answer.body);
    assert!(
        answer.json()["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("over the limit of 1048576 bytes")
    );
    // A file over its own limit, in a body under the body's.
    let big = "# x\n".repeat(80_000);
    let answer = post(
        &server,
        "/api/run",
        &json!({ "scenario": SEED, "edits": { "policies/aws-2021-01.toml": big } }),
    );
    assert_eq!(answer.status, 413);
    // A sweep of a billion replicates, and one of too many points.
    let sweep = |vary: Value, replicates: u64| {
        post(
            &server,
            "/api/sweep",
            &json!({ "run": seed_run(), "vary": vary, "replicates": replicates }),
        )
    };
    let answer = sweep(json!([["removal_probability", ["1"]]]), 1_000_000_000);
    assert_eq!(answer.status, 400);
    assert!(
        answer.body.contains("outside the server's limit"),
        "{}",
        answer.body
    );
    let many: Vec<String> = (1..=50).map(|h| format!("{h}h")).collect();
    let answer = sweep(json!([["removal_delay_median", many]]), 100);
    assert_eq!(answer.status, 400);
    assert!(answer.body.contains("50 points"), "{}", answer.body);
    let answer = sweep(json!([["count", ["100000000"]]]), 10);
    assert_eq!(answer.status, 400);
    // Files the server was not given: a path on the disk, a new file outside `scratch/`.
    let answer = post(
        &server,
        "/api/run",
        &json!({ "scenario": SEED, "policies": ["/etc/passwd"] }),
    );
    assert_eq!(answer.status, 400);
    let answer = post(
        &server,
        "/api/run",
        &json!({ "scenario": SEED, "edits": { "../outside.toml": "x" } }),
    );
    assert_eq!(answer.status, 400);
    // A scenario that names a file on the disk gets the CLI's located message, not the file.
    let scenario = std::fs::read_to_string(root().join(SEED))
        .unwrap()
        .replace("file = \"posts.csv\"", "file = \"/etc/hostname\"");
    let answer = post(
        &server,
        "/api/run",
        &json!({ "scenario": SEED, "edits": { SEED: scenario } }),
    );
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(
        answer.body.contains("was not given this file"),
        "{}",
        answer.body
    );
    // A scenario it does not offer: did you mean.
    let answer = post(
        &server,
        "/api/run",
        &json!({ "scenario": "seeds/parler-aws-2012/scenario.toml" }),
    );
    assert_eq!(answer.status, 400);
    assert!(
        answer
            .body
            .contains("did you mean `seeds/parler-aws-2021/scenario.toml`?")
    );
    // Not JSON, and JSON of another shape.
    let answer = Client::new(&server.address).request("POST", "/api/run", b"{not json");
    assert_eq!(answer.status, 400);
    let answer = post(
        &server,
        "/api/run",
        &json!({ "scenario": SEED, "extra": 1 }),
    );
    assert_eq!(answer.status, 400);
    // And the server still answers.
    assert_eq!(post(&server, "/api/run", &seed_run()).status, 200);
}

#[test]
fn a_sweep_streams_its_progress_then_the_result() {
    let server = Server::start(&[]);
    let answer = post(
        &server,
        "/api/sweep",
        &json!({
            "run": seed_run(),
            "vary": [["removal_probability", ["1"]], ["removal_delay_median", ["1h", "72h"]]],
            "replicates": 200,
            "seed": 7
        }),
    );
    assert_eq!(answer.status, 200);
    let lines: Vec<Value> = answer
        .body
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines[0], json!({ "progress": 0, "total": 400 }));
    assert!(lines.len() >= 4, "progress after each slice");
    let result = &lines.last().unwrap()["result"];
    // The same shares as `modsim sweep` with the same seed: slices merge exactly.
    let cli = Command::new(env!("CARGO_BIN_EXE_modsim"))
        .args([
            "sweep",
            "--vary",
            "removal_probability=1",
            "--vary",
            "removal_delay_median=1h,72h",
            "--replicates",
            "200",
            "--seed",
            "7",
            "--format",
            "json",
        ])
        .current_dir(root())
        .output()
        .expect("runs");
    let cli: Value = serde_json::from_slice(&cli.stdout).expect("JSON");
    assert_eq!(result["rows"], cli["rows"]);
}

/// Every answer key's text, and each of its lines that states an answer (not its messages,
/// which a student who misses a result is shown, nor the questions the hand-outs ask).
fn key_texts() -> Vec<(String, String, Vec<String>)> {
    let dir = root().join("exercises/keys");
    let mut keys = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let answers: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| {
                [
                    "permitted",
                    "grounds",
                    "assumptions_include",
                    "at ",
                    "at=",
                    "state",
                    "share_",
                    "on ",
                    "reference",
                ]
                .iter()
                .any(|k| l.starts_with(k))
            })
            .map(str::to_owned)
            .collect();
        keys.push((path.display().to_string(), text, answers));
    }
    assert_eq!(keys.len(), 9);
    keys
}

#[test]
fn no_answer_of_the_server_holds_the_text_of_an_answer_key() {
    let server = Server::start(&["--answers-dir", "exercises/keys"]);
    let library = get(&server, "/api/library").json();
    let mut answers: Vec<(String, Answer)> = Vec::new();
    let mut ask = |what: String, a: Answer| answers.push((what, a));
    for path in [
        "/",
        "/api/library",
        "/assets/app.js",
        "/assets/views.js",
        "/assets/editor.js",
        "/assets/timeline.js",
        "/assets/style.css",
        "/nothing",
    ] {
        ask(path.to_owned(), get(&server, path));
    }
    // Every file the browser could ask for, the keys' among them, and ways round the library.
    let mut paths: Vec<String> = std::fs::read_dir(root().join("exercises/keys"))
        .unwrap()
        .map(|e| {
            format!(
                "exercises/keys/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    paths.extend(
        [
            "policies/aws-2021-01.toml",
            "policies/reforms/thirty-days-notice.toml",
            SEED,
            "seeds/parler-aws-2021/posts.csv",
            "exercises/03-apple-guideline-1-2/exercise.toml",
            "../exercises/keys/apple-guideline-1-2.toml",
            "exercises/03-apple-guideline-1-2/../keys/apple-guideline-1-2.toml",
            "/work/main/exercises/keys/apple-guideline-1-2.toml",
        ]
        .map(str::to_owned),
    );
    for path in &paths {
        ask(
            path.clone(),
            get(&server, &format!("/api/file?path={path}")),
        );
        // As a policy, a reform or the scenario of a run: the CLI's messages, never the file.
        for field in ["policies", "reforms"] {
            ask(
                format!("{field} {path}"),
                post(
                    &server,
                    "/api/run",
                    &json!({ "scenario": SEED, field: [path] }),
                ),
            );
        }
        ask(
            format!("scenario {path}"),
            post(&server, "/api/run", &json!({ "scenario": path })),
        );
    }
    // Every exercise: its page, and its check with no work, with garbage, with a wrong answer,
    // and (for exercise 3) with the right one.
    let template = get(&server, "/api/exercise/apple-guideline-1-2").json()["starter"]
        .as_str()
        .expect("a starting policy")
        .to_owned();
    let right =
        std::fs::read_to_string(root().join("policies/apple-app-store-2021-01.toml")).unwrap();
    let reform =
        std::fs::read_to_string(root().join("policies/reforms/cure-before-termination.toml"))
            .unwrap();
    for e in library["exercises"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        ask(
            format!("exercise {id}"),
            get(&server, &format!("/api/exercise/{id}")),
        );
        for work in [
            "",
            "not toml [",
            template.as_str(),
            right.as_str(),
            reform.as_str(),
        ] {
            ask(
                format!("check {id}"),
                post(
                    &server,
                    &format!("/api/exercise/{id}/check"),
                    &json!({ "work": work }),
                ),
            );
        }
    }
    ask(
        "unknown exercise".into(),
        get(&server, "/api/exercise/apple-guideline-1-3"),
    );
    // The answers came: graded, with messages.
    let graded = post(
        &server,
        "/api/exercise/apple-guideline-1-2/check",
        &json!({ "work": template }),
    )
    .json();
    assert_eq!(graded["outcome"], "results", "{graded}");
    // The four expected results, and the search against the key's reference.
    assert_eq!(graded["failed"], 5);
    assert!(
        graded["cases"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1.2 (demand)")
    );
    assert!(answers.len() > 100, "{} requests", answers.len());
    for (key, text, lines) in key_texts() {
        for (what, answer) in &answers {
            assert!(
                !answer.body.contains(text.trim()),
                "{what} holds the whole of {key}"
            );
            for line in &lines {
                assert!(
                    !answer.body.contains(line.as_str()),
                    "{what} holds `{line}` of {key}: {}",
                    answer.body
                );
            }
            assert!(
                !answer.body.contains("[answers]"),
                "{what} holds a key's table"
            );
        }
    }
}

/// Exercise 3's key names its reference: "Check my answer" fails the 72-hour plan with the
/// smallest timeline on which it and the reference part, both explanations shown, and no text
/// of the key in the answer; the reference itself passes the search.
#[test]
fn grading_against_the_keys_reference_fails_the_72_hour_plan_with_a_counterexample() {
    let server = Server::start(&["--answers-dir", "exercises/keys"]);
    let check = |work: &str| {
        let answer = post(
            &server,
            "/api/exercise/apple-guideline-1-2/check",
            &json!({ "work": work }),
        );
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer
    };
    let wrong =
        std::fs::read_to_string(root().join("tests/data/student/apple-72-hour-plan.toml")).unwrap();
    let answer = check(&wrong);
    let graded = answer.json();
    assert_eq!(graded["outcome"], "results", "{graded}");
    let cases = graded["cases"].as_array().unwrap();
    let searched = cases.last().unwrap();
    assert_eq!(
        searched["case"],
        "a search for a timeline on which your work and the reference part"
    );
    assert_eq!(searched["passed"], false, "{graded}");
    // The key's deadline fails too: 4 expected results and the search, 2 failed.
    assert_eq!(
        (graded["passed"].as_u64(), graded["failed"].as_u64()),
        (Some(3), Some(2))
    );
    let found = &graded["counterexample"];
    assert!(found["events"].as_u64().unwrap() <= 5, "{found}");
    assert!(
        found["differences"][0].as_str().unwrap().contains("delist"),
        "{found}"
    );
    let text = found["text"].as_str().unwrap();
    for part in [
        "They part",
        "The timeline",
        "Where they part (A → B)",
        "Under A: your work",
        "Under B: the reference",
        "✘ NOT PERMITTED",
        "✔ PERMITTED",
    ] {
        assert!(
            text.contains(part),
            "no `{part}` in:
{text}"
        );
    }
    assert!(!text.contains('\u{1b}'), "no terminal styles: {text}");
    for (key, whole, lines) in key_texts() {
        assert!(!answer.body.contains(whole.trim()), "the whole of {key}");
        for line in &lines {
            assert!(!answer.body.contains(line.as_str()), "`{line}` of {key}");
        }
        assert!(!answer.body.contains("[answers]"));
    }
    assert!(!answer.body.contains("../../policies/"), "{}", answer.body);
    // The reference itself: no timeline found, and no counterexample.
    let right =
        std::fs::read_to_string(root().join("policies/apple-app-store-2021-01.toml")).unwrap();
    let graded = check(&right).json();
    assert_eq!(graded["failed"], 0, "{graded}");
    assert!(graded.get("counterexample").is_none(), "{graded}");
    let searched = graded["cases"].as_array().unwrap().last().unwrap().clone();
    assert!(
        searched["actual"].as_str().unwrap().starts_with("none of "),
        "{searched}"
    );
}

/// A request that may be cut short: its status, if one came.
fn hostile_request(address: &str, body: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .ok()?;
    let head = format!(
        "POST /api/sweep HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace().nth(1)?.parse().ok()
}

/// 30 honest clients replay the seed while a hostile one sends oversized bodies and huge
/// sweeps; the honest clients' latencies and the server's peak memory are printed. In a
/// release build these are the figures of BENCHMARKS.md:
///
/// `MODSIM_LOAD_REQUESTS=200 cargo test --release -p modsim-cli --test serve load_on_the_loopback -- --nocapture`
///
/// (each honest client sends `MODSIM_LOAD_REQUESTS` requests, 20 by default).
#[test]
fn load_on_the_loopback() {
    const CLIENTS: usize = 30;
    let requests: usize = std::env::var("MODSIM_LOAD_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let server = Server::start(&[]);
    let address = server.address.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let hostile = {
        let address = address.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let (mut refused, mut sent) = (0, 0);
            let huge = json!({ "scenario": SEED, "edits": { "scratch/big.toml": "x".repeat(4 * 1024 * 1024) } }).to_string();
            let sweep = json!({ "run": seed_run(), "vary": [["removal_delay_median", ["1h", "2h"]]], "replicates": 1_000_000_000u64 }).to_string();
            let within = json!({ "run": seed_run(), "vary": [["removal_delay_median", ["1h", "24h"]]], "replicates": 2000 }).to_string();
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                for body in [&huge, &sweep, &within] {
                    sent += 1;
                    match hostile_request(&address, body.as_bytes()) {
                        Some(200) => {}
                        _ => refused += 1,
                    }
                }
            }
            (refused, sent)
        })
    };
    let started = Instant::now();
    let honest: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let address = address.clone();
            std::thread::spawn(move || {
                let body = seed_run().to_string();
                let mut client = Client::new(&address);
                let mut times = Vec::new();
                let mut errors = 0;
                for _ in 0..requests {
                    let t = Instant::now();
                    let a = client.request("POST", "/api/run", body.as_bytes());
                    times.push(t.elapsed());
                    if a.status != 200 || !a.body.contains("\"permitted\":true") {
                        errors += 1;
                    }
                }
                (times, errors)
            })
        })
        .collect();
    let mut times = Vec::new();
    let mut errors = 0;
    for h in honest {
        let (t, e) = h.join().expect("an honest client");
        times.extend(t);
        errors += e;
    }
    let wall = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let (refused, sent) = hostile.join().expect("the hostile client");
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    let peak = server.peak_kib().unwrap_or(0);
    println!(
        "{} honest requests by {CLIENTS} clients in {wall:.2?}: p50 {:.1?}, p99 {:.1?}, max {:.1?}; {errors} errors; hostile requests: {sent}, {refused} refused (the others sweeps within the limits); server peak memory {:.1} MiB",
        times.len(),
        at(0.50),
        at(0.99),
        times.last().unwrap(),
        peak as f64 / 1024.0
    );
    assert_eq!(errors, 0, "every honest request answered in full");
    assert!(refused >= 2, "the hostile client was refused");
}
