//! Hostile inputs (issue 13): what a careless or hostile user gives the program, each with
//! the guard that answers it. Every test runs the built `modsim` as a child under a memory
//! limit (1 GiB of address space, `ulimit -v`) and a timeout, and asserts its exit code (2 for
//! bad input, 0 for a pager cut short), where it says the problem is (the file and its line
//! and column, or the path when the file itself is the problem), and that it did not panic.
//!
//! Large inputs are made in a temporary folder as the test runs (sparse files where size is
//! the point), never committed.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails by panicking"
)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The address space a child may use, in KiB.
const MEMORY_KIB: u64 = 1024 * 1024;
/// How long a child may run.
const TIMEOUT: Duration = Duration::from_secs(20);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A file of the repository, as an absolute path.
fn repo(path: &str) -> String {
    root().join(path).to_str().unwrap().to_owned()
}

/// A fresh temporary folder for one test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("modsim-hostile-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, text).unwrap();
        path
    }

    /// A copy of the seed scenario whose policy is named by its absolute path, with `edit`
    /// applied to the scenario's text.
    fn seed(&self, edit: impl Fn(String) -> String) -> PathBuf {
        let text = fs::read_to_string(repo("seeds/parler-aws-2021/scenario.toml"))
            .unwrap()
            .replace("../../policies/", &format!("{}/", repo("policies")));
        fs::copy(
            repo("seeds/parler-aws-2021/posts.csv"),
            self.path("posts.csv"),
        )
        .unwrap();
        self.write("scenario.toml", edit(text))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// What a child did.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Ran {
    /// Exit 2, no panic, and `place` in its message.
    fn refused(&self, place: &str) -> &Ran {
        assert_eq!(self.code, Some(2), "exit code; stderr:\n{}", self.stderr);
        self.no_panic();
        assert!(
            self.stderr.contains(place),
            "the message names `{place}`:\n{}",
            self.stderr
        );
        self
    }

    /// Exit 2 with the problem underlined at a line and column of `file`.
    fn located_in(&self, file: &str) -> &Ran {
        self.refused(file);
        let marker = format!("[{file}:");
        let at = self
            .stderr
            .find(&marker)
            .unwrap_or_else(|| panic!("no `{marker}LINE:COLUMN]` in:\n{}", self.stderr));
        let rest = &self.stderr[at + marker.len()..];
        let position: String = rest.chars().take_while(|c| *c != ']').collect();
        let parts: Vec<&str> = position.split(':').collect();
        assert!(
            parts.len() == 2 && parts.iter().all(|p| p.parse::<u32>().is_ok()),
            "`{file}:{position}` is not LINE:COLUMN"
        );
        self
    }

    fn says(&self, text: &str) -> &Ran {
        assert!(
            self.stderr.contains(text),
            "stderr says `{text}`:\n{}",
            self.stderr
        );
        self
    }

    fn no_panic(&self) {
        for sign in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
            assert!(!self.stderr.contains(sign), "a panic:\n{}", self.stderr);
        }
    }
}

/// Runs `modsim ARGS` in `dir` under the memory limit and the timeout.
fn modsim_with(dir: &Path, args: &[&str], stdout: Stdio, memory_kib: u64) -> Ran {
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {memory_kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_modsim"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .expect("modsim starts");
    let out = child.stdout.take().map(|mut s| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = s.read_to_string(&mut text);
            text
        })
    });
    let mut err = child.stderr.take().unwrap();
    let err = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = err.read_to_end(&mut text);
        String::from_utf8_lossy(&text).into_owned()
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`modsim {}` ran past {TIMEOUT:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Ran {
        code: status.code(),
        stdout: out.map(|t| t.join().unwrap()).unwrap_or_default(),
        stderr: err.join().unwrap(),
        took: start.elapsed(),
    }
}

fn modsim(dir: &Path, args: &[&str]) -> Ran {
    modsim_with(dir, args, Stdio::piped(), MEMORY_KIB)
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap().success();
    assert!(ok, "mkfifo {}", path.display());
}

#[cfg(unix)]
fn is_fifo(path: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

// ---------------------------------------------------------------------------------------
// Reading: one bounded reader for every input.

#[test]
fn a_fifo_named_as_an_input_is_refused_without_waiting() {
    let s = Scratch::new("fifo-in");
    let fifo = s.path("policy.toml");
    mkfifo(&fifo);
    for args in [
        &["run", "--policy", "policy.toml"][..],
        &["check", "policy.toml"],
        &["run", "--reform", "policy.toml"],
        &["merge", "policy.toml"],
        &["test", "policy.toml"],
    ] {
        modsim(&s.0, args).refused("`policy.toml`").says("FIFO");
    }
}

#[test]
fn a_device_named_as_an_input_is_refused_by_name() {
    let s = Scratch::new("device");
    modsim(&s.0, &["check", "/dev/zero"])
        .refused("`/dev/zero`")
        .says("character device");
    modsim(&s.0, &["run", "--policy", "/dev/zero"]).refused("`/dev/zero`");
    modsim(&s.0, &["test", "/dev/zero"]).refused("`/dev/zero`");
}

#[test]
fn a_folder_named_as_a_file_is_refused_by_name() {
    let s = Scratch::new("folder");
    fs::create_dir_all(s.path("dir.toml")).unwrap();
    modsim(&s.0, &["run", "--policy", "dir.toml"])
        .refused("`dir.toml`")
        .says("folder");
    modsim(&s.0, &["merge", "dir.toml"]).refused("`dir.toml`");
}

/// A file over the limit is refused before it is read: 513 MiB (sparse) under a 256 MiB
/// memory limit, with a UTF-8 error at its end that must not be looked for.
#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it() {
    let s = Scratch::new("big");
    let path = s.path("big.toml");
    let file = fs::File::create(&path).unwrap();
    file.set_len(513 * 1024 * 1024).unwrap();
    drop(file);
    for args in [&["check", "big.toml"][..], &["run", "--policy", "big.toml"]] {
        let ran = modsim_with(&s.0, args, Stdio::piped(), 256 * 1024);
        ran.refused("`big.toml`").says("over the limit");
        assert!(!ran.stderr.contains("UTF-8"), "{}", ran.stderr);
    }
}

#[test]
fn invalid_utf8_is_located_by_line_and_column_in_run_and_check() {
    let s = Scratch::new("utf8");
    s.write("bad.toml", b"[policy]\nid = \"x\"\ntitle = \"caf\xe9\"\n");
    modsim(&s.0, &["check", "bad.toml"])
        .located_in("bad.toml")
        .says("line 3, column 13");
    modsim(&s.0, &["run", "--policy", "bad.toml"])
        .located_in("bad.toml")
        .says("line 3, column 13");
    s.seed(|t| t);
    let csv = fs::read_to_string(s.path("posts.csv")).unwrap();
    let mut bytes = csv.into_bytes();
    bytes.extend_from_slice(b"r999,2021-01-01 10:00,,,threat,caf\xe9\n");
    s.write("posts.csv", bytes);
    for command in ["run", "check"] {
        modsim(&s.0, &[command, "scenario.toml"]).located_in("posts.csv");
    }
}

#[cfg(unix)]
#[test]
fn folder_walks_do_not_follow_symlinks_into_loops() {
    let s = Scratch::new("loop");
    fs::create_dir_all(s.path("tree/a/b")).unwrap();
    std::os::unix::fs::symlink("../..", s.path("tree/a/b/up")).unwrap();
    std::os::unix::fs::symlink("../a", s.path("tree/a/b/again")).unwrap();
    s.write("tree/a/policy.toml", "[policy]\n");
    modsim(&s.0, &["check", "tree"]).located_in("tree/a/policy.toml");
    modsim(&s.0, &["test", "tree"]).refused("no exercise or test file found");
}

// ---------------------------------------------------------------------------------------
// Writing: never a panic; a closed pipe is a quiet success; --output never replaces a device.

/// Every command that prints, with the files it needs.
fn printing_commands(s: &Scratch) -> Vec<Vec<String>> {
    let shards: Vec<String> = (1..=2)
        .map(|i| {
            let shard = s.path(&format!("part{i}.json"));
            let ran = modsim(
                &s.0,
                &[
                    "sweep",
                    "--vary",
                    "removal_delay_median=1h,24h",
                    "--replicates",
                    "4",
                    "--output",
                    shard.to_str().unwrap(),
                    "--shard",
                    &format!("{i}/2"),
                ],
            );
            assert_eq!(ran.code, Some(0), "{}", ran.stderr);
            shard.to_str().unwrap().to_owned()
        })
        .collect();
    let exercise = repo("exercises/01-suspension-grounds/exercise.toml");
    let key = repo("exercises/keys/suspension-grounds.toml");
    let reform = repo("policies/reforms/thirty-days-notice.toml");
    [
        vec!["completions", "fish"],
        vec!["schema", "policy"],
        vec!["run"],
        vec!["run", "--format", "json"],
        vec!["reconstruct", "aws"],
        vec!["compare", "--reform", &reform],
        vec!["test", &exercise, "--answers", &key],
        vec![
            "sweep",
            "--replicates",
            "3",
            "--vary",
            "removal_delay_median=1h",
        ],
        vec!["merge", &shards[0], &shards[1]],
        vec!["--help"],
    ]
    .into_iter()
    .map(|a| a.into_iter().map(str::to_owned).collect())
    .collect()
}

#[test]
fn a_closed_pipe_on_standard_output_ends_quietly_with_success() {
    let s = Scratch::new("pipe");
    for args in printing_commands(&s) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // The reading end is closed before the program writes: `modsim ... | true`.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let ran = modsim_with(&s.0, &args, Stdio::from(writer), MEMORY_KIB);
        ran.no_panic();
        assert_eq!(ran.code, Some(0), "{args:?}: {}", ran.stderr);
        assert_eq!(ran.stderr, "", "{args:?}: quietly");
    }
}

#[test]
fn a_failed_write_to_standard_output_is_exit_2_with_a_message() {
    let s = Scratch::new("full");
    for args in printing_commands(&s) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        modsim_with(&s.0, &args, Stdio::from(full), MEMORY_KIB)
            .refused("standard output")
            .says("No space left on device");
    }
}

/// As root, `--output /dev/null` replaced the system's `/dev/null` with a regular file. The
/// device is reached here through a link in a scratch folder, so a failure replaces the link,
/// not the device.
#[cfg(unix)]
#[test]
fn output_writes_through_a_device_and_never_replaces_it() {
    use std::os::unix::fs::FileTypeExt;
    let s = Scratch::new("device-out");
    std::os::unix::fs::symlink("/dev/null", s.path("null")).unwrap();
    let ran = modsim(&s.0, &["run", "--output", "null"]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        fs::symlink_metadata(s.path("null"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    std::os::unix::fs::symlink("/dev/full", s.path("full")).unwrap();
    modsim(&s.0, &["run", "--output", "full"])
        .refused("`full`")
        .says("No space left on device");
    assert!(
        fs::symlink_metadata(s.path("full"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn output_to_a_fifo_nobody_reads_is_refused_without_waiting() {
    let s = Scratch::new("fifo-out");
    mkfifo(&s.path("out"));
    modsim(&s.0, &["run", "--output", "out"])
        .refused("`out`")
        .says("FIFO");
    assert!(is_fifo(&s.path("out")), "the FIFO is still a FIFO");
}

#[test]
fn output_to_a_folder_is_refused_and_the_chart_not_written() {
    let s = Scratch::new("folder-out");
    fs::create_dir_all(s.path("out")).unwrap();
    modsim(&s.0, &["run", "--output", "out"])
        .refused("`out`")
        .says("folder");
    modsim(
        &s.0,
        &[
            "sweep",
            "--replicates",
            "3",
            "--vary",
            "removal_delay_median=1h,24h",
            "--chart",
            "chart.svg",
            "--output",
            "out",
        ],
    )
    .refused("`out`");
    assert!(!s.path("chart.svg").exists(), "no chart of a failed sweep");
}

// ---------------------------------------------------------------------------------------
// The embedded seed.

#[test]
fn a_policy_named_on_disk_is_read_from_disk_not_the_embedded_copy() {
    let s = Scratch::new("edited-seed");
    let text = fs::read_to_string(repo("policies/aws-2021-01.toml"))
        .unwrap()
        .replacen("30 calendar days", "30 days", 1);
    s.write("policies/aws-2021-01.toml", text);
    modsim(&s.0, &["run", "--policy", "policies/aws-2021-01.toml"])
        .located_in("policies/aws-2021-01.toml")
        .says("does not say which days it counts");
}

// ---------------------------------------------------------------------------------------
// Limits on the combined cost, checked before the work.

#[test]
fn a_model_count_over_the_limit_is_refused_before_any_allocation() {
    let s = Scratch::new("count");
    s.seed(|t| t.replace("count = 98", "count = 1000000000"));
    modsim(&s.0, &["check", "scenario.toml"])
        .located_in("scenario.toml")
        .says("over the limit of 1000000 reports");
    modsim(&s.0, &["sweep", "scenario.toml", "--replicates", "2"]).located_in("scenario.toml");
    modsim(
        &s.0,
        &["sweep", "--vary", "count=4294967296", "--replicates", "2"],
    )
    .refused("`--vary count`")
    .says("over the limit");
}

#[test]
fn a_sweep_grid_over_the_limit_is_refused_before_any_world_is_built() {
    let s = Scratch::new("grid");
    let values: Vec<String> = (1..=300).map(|i| format!("{i}h")).collect();
    let values = values.join(",");
    let ran = modsim(
        &s.0,
        &[
            "sweep",
            "--vary",
            &format!("removal_delay_median={values}"),
            "--vary",
            &format!("publish_lag_median={values}"),
            "--vary",
            &format!("notice_window={values}"),
        ],
    );
    ran.refused("300 × 300 × 300").says("over the limit");
    assert!(ran.took < Duration::from_secs(5), "took {:?}", ran.took);
    modsim(
        &s.0,
        &[
            "sweep",
            "--vary",
            "removal_delay_median=1h,2h",
            "--replicates",
            "4294967295",
        ],
    )
    .refused("replays")
    .says("--shard");
}

#[test]
fn an_axis_varied_twice_is_refused() {
    let s = Scratch::new("twice");
    modsim(
        &s.0,
        &[
            "sweep",
            "--vary",
            "count=5,6",
            "--vary",
            "count=7",
            "--replicates",
            "2",
        ],
    )
    .refused("`--vary count`")
    .says("varied twice");
}

#[test]
fn threads_are_bounded_by_the_machine() {
    let s = Scratch::new("jobs");
    let aws = ["policies/aws-2021-01.toml", "policies/aws-2021-07.toml"].map(repo);
    for jobs in ["100000", "18446744073709551615"] {
        let sweep = modsim(&s.0, &["sweep", "--replicates", "2", "--jobs", jobs]);
        let diff = modsim(
            &s.0,
            &["diff", &aws[0], &aws[1], "--budget", "10", "--jobs", jobs],
        );
        for ran in [sweep, diff] {
            ran.refused(&format!("`--jobs {jobs}`"));
            assert!(ran.took < Duration::from_secs(5), "took {:?}", ran.took);
        }
    }
}

#[test]
fn zero_replicates_are_refused() {
    let s = Scratch::new("zero");
    modsim(&s.0, &["sweep", "--replicates", "0"]).refused("--replicates");
}

#[test]
fn model_values_that_are_not_finite_are_refused() {
    let s = Scratch::new("nan");
    for value in ["NaN", "inf", "-1", "0"] {
        modsim(
            &s.0,
            &[
                "sweep",
                "--vary",
                &format!("growth={value}"),
                "--replicates",
                "2",
            ],
        )
        .refused("`--vary growth`");
    }
    s.seed(|t| t.replace("growth = 6.0", "growth = nan"));
    modsim(&s.0, &["check", "scenario.toml"]).located_in("scenario.toml");
}

#[test]
fn a_chart_without_an_axis_is_refused() {
    let s = Scratch::new("chart");
    modsim(&s.0, &["sweep", "--replicates", "2", "--chart", "c.svg"]).refused("--chart");
    assert!(!s.path("c.svg").exists());
}

#[test]
fn a_period_over_the_century_limit_is_refused_located() {
    let s = Scratch::new("period");
    let text = fs::read_to_string(repo("policies/aws-2021-01.toml"))
        .unwrap()
        .replacen("30 calendar days", "52560001 minutes", 1);
    s.write("policy.toml", text);
    modsim(&s.0, &["check", "policy.toml"])
        .located_in("policy.toml")
        .says("100 years");
}

#[test]
fn an_offset_beyond_any_place_is_refused_located() {
    let s = Scratch::new("offset");
    s.seed(|t| {
        t.replace(
            "at = \"2021-01-09 18:00\"",
            "at = \"2021-01-09T18:00:00+25:00\"",
        )
    });
    modsim(&s.0, &["check", "scenario.toml"])
        .located_in("scenario.toml")
        .says("+25:00");
}

/// Each tampered shard, with what its refusal says.
#[test]
fn merge_refuses_tampered_and_mismatched_shards() {
    let s = Scratch::new("merge");
    let mut parts = Vec::new();
    for i in 1..=2 {
        let part = format!("part{i}.json");
        let ran = modsim(
            &s.0,
            &[
                "sweep",
                "--vary",
                "removal_delay_median=1h,24h",
                "--replicates",
                "6",
                "--shard",
                &format!("{i}/2"),
                "--output",
                &part,
            ],
        );
        assert_eq!(ran.code, Some(0), "{}", ran.stderr);
        parts.push(
            serde_json::from_str::<serde_json::Value>(&fs::read_to_string(s.path(&part)).unwrap())
                .unwrap(),
        );
    }
    type Tamper = fn(&mut serde_json::Value);
    let cases: &[(&str, Tamper)] = &[
        ("its slice of 6 is 0", |t| {
            t["shard"] = serde_json::json!([1, 4294967295u64])
        }),
        ("more permitted", |t| {
            t["points"][0]["permitted"][0] = serde_json::json!(4294967295u64)
        }),
        ("more permitted", |t| {
            let n = t["points"][0]["n"].as_u64().unwrap();
            t["points"][0]["permitted"][0] = serde_json::json!(n + 1)
        }),
        ("its axes make 2", |t| {
            t["points"].as_array_mut().unwrap().pop();
        }),
        ("its seed differs", |t| t["seed"] = serde_json::json!(99)),
        ("not a sweep shard", |t| {
            t["points"] = serde_json::json!("x")
        }),
    ];
    for (says, tamper) in cases {
        let mut bad = parts[0].clone();
        tamper(&mut bad);
        s.write("bad.json", serde_json::to_string(&bad).unwrap());
        s.write("part2.json", serde_json::to_string(&parts[1]).unwrap());
        modsim(&s.0, &["merge", "bad.json", "part2.json"])
            .refused(".json`")
            .says(says);
    }
}

/// `within = "36500 business days"` (the documented maximum) over 3,000 posts took 26 s:
/// each deadline walked every day and rebuilt two years of holidays per day.
#[test]
fn business_days_over_a_century_take_well_under_a_second() {
    let s = Scratch::new("business-days");
    s.seed(|t| t);
    let csv = fs::read_to_string(s.path("posts.csv")).unwrap();
    let mut lines = csv.lines().filter(|l| !l.starts_with('#'));
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut out = format!("{header}\n");
    for i in 0..3000 {
        let row = rows[i % rows.len()];
        let rest = row.split_once(',').unwrap().1;
        out.push_str(&format!("p{i},{rest}\n"));
    }
    s.write("posts.csv", out);
    let ran = modsim(
        &s.0,
        &[
            "run",
            "scenario.toml",
            "--policy",
            &repo("policies/aws-2021-07.toml"),
            "--set",
            "removal_period=36500 business days",
            "-q",
        ],
    );
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(ran.stdout.contains("suspend"), "{}", ran.stdout);
    // Well under a second in a release build; a debug build is given ten.
    assert!(ran.took < Duration::from_secs(10), "took {:?}", ran.took);
}

// ---------------------------------------------------------------------------------------
// Grading that cannot be fooled.

fn grade(s: &Scratch, key: &str) -> Ran {
    s.write("key.toml", key);
    modsim(
        &s.0,
        &[
            "test",
            &repo("exercises/01-suspension-grounds/exercise.toml"),
            "--answers",
            "key.toml",
        ],
    )
}

fn key(expect: &str) -> String {
    format!("[answers]\nexercise = \"suspension-grounds\"\n\n[[expect]]\n{expect}\n")
}

#[test]
fn a_key_written_for_another_exercise_is_refused() {
    let s = Scratch::new("other-key");
    let other = fs::read_to_string(repo("exercises/keys/thirty-days-argument.toml")).unwrap();
    grade(&s, &other)
        .located_in("key.toml")
        .says("this key is for the exercise `thirty-days-argument`");
}

#[test]
fn an_unknown_duty_state_is_an_error_not_a_fail() {
    let s = Scratch::new("state");
    grade(
        &s,
        &key("duty = \"4.2\"\nstate = \"angry\"\nat = \"2021-01-10 23:59\""),
    )
    .located_in("key.toml")
    .says("unknown duty state `angry`");
}

#[test]
fn a_verdict_and_a_duty_in_one_expectation_are_refused() {
    let s = Scratch::new("mixed");
    grade(
        &s,
        &key("verdict = \"aws suspend parler\"\nduty = \"4.2\"\npermitted = true"),
    )
    .located_in("key.toml")
    .says("in one `[[expect]]`");
}

#[test]
fn impossible_share_bounds_are_refused() {
    let s = Scratch::new("share");
    grade(
        &s,
        &key("verdict = \"aws suspend parler\"\nsweep = { removal_probability = \"1\" }\nshare_at_least = 1.5"),
    )
    .located_in("key.toml")
    .says("between 0 and 1");
}

#[test]
fn an_unknown_action_in_an_expectation_is_located() {
    let s = Scratch::new("action");
    grade(&s, &key("verdict = \"aws nuke parler\"\npermitted = true"))
        .located_in("key.toml")
        .says("no action `aws nuke parler`");
}

#[test]
fn an_unknown_sweep_name_in_an_expectation_is_located_not_blamed_on_a_flag() {
    let s = Scratch::new("sweep-name");
    let ran = grade(
        &s,
        &key(
            "verdict = \"aws suspend parler\"\nsweep = { removal_speed = \"1\" }\nshare_at_least = 0.5",
        ),
    );
    ran.located_in("key.toml").says("`sweep.removal_speed`");
    assert!(!ran.stderr.contains("--vary"), "{}", ran.stderr);
}

// ---------------------------------------------------------------------------------------
// Quiet acceptance.

#[test]
fn a_reform_with_an_empty_id_is_refused() {
    let s = Scratch::new("reform-id");
    s.write(
        "reform.toml",
        "[reform]\nid = \"\"\ntitle = \"nothing\"\napplies_to = \"aws-2021-01\"\n",
    );
    modsim(&s.0, &["run", "--reform", "reform.toml"])
        .located_in("reform.toml")
        .says("`id` is empty");
}

/// A policy that declares one label more than the limit: located at that label's declaration,
/// whatever the limit is.
#[test]
fn a_label_past_the_limit_is_located_at_its_declaration() {
    let s = Scratch::new("labels");
    let most = modsim_policy::labels::MAX_LABELS;
    let labels: String = (0..=most)
        .map(|i| format!("label_{i} = \"label number {i}\"\n"))
        .collect();
    let policy = fs::read_to_string(repo("policies/aws-2021-01.toml")).unwrap();
    let at = policy.find("[labels]\n").unwrap() + "[labels]\n".len();
    let line = policy[..at].lines().count() + 1 + most;
    s.write(
        "policy.toml",
        format!("{}{labels}{}", &policy[..at], &policy[at..]),
    );
    for args in [
        &["check", "policy.toml"][..],
        &["run", "--policy", "policy.toml"],
    ] {
        modsim(&s.0, args)
            .located_in("policy.toml")
            .says(&format!(
                "one more than the {most} labels a policy may declare"
            ))
            .says(&format!("[policy.toml:{line}:1]"))
            .says("MAX_LABELS");
    }
}

// ---------------------------------------------------------------------------------------
// Row order: the posts file's rows may come in any order.

/// The same posts in other row orders (reversed, and interleaved from both ends) give the
/// same bytes in every format: tallies, example posts and a post's labels follow time order,
/// then id, not the file.
#[test]
fn output_does_not_depend_on_the_order_of_the_posts_rows() {
    let s = Scratch::new("row-order");
    s.seed(|t| t);
    let csv = fs::read_to_string(s.path("posts.csv")).unwrap();
    let (head, rows): (Vec<&str>, Vec<&str>) = {
        let lines: Vec<&str> = csv.lines().collect();
        let header = lines.iter().position(|l| !l.starts_with('#')).unwrap();
        (lines[..=header].to_vec(), lines[header + 1..].to_vec())
    };
    assert!(rows.len() > 50, "the seed's rows");
    let reversed: Vec<&str> = rows.iter().rev().copied().collect();
    let interleaved: Vec<&str> = (0..rows.len())
        .map(|i| {
            if i % 2 == 0 {
                rows[i / 2]
            } else {
                rows[rows.len() - 1 - i / 2]
            }
        })
        .collect();
    let july = repo("policies/aws-2021-07.toml");
    let outputs = |s: &Scratch| -> Vec<String> {
        [
            &["run", "scenario.toml"][..],
            &["run", "scenario.toml", "--format", "json"],
            &["run", "scenario.toml", "--format", "md"],
            &["run", "scenario.toml", "--explain", "7.2(b)(ii)"],
            &["compare", "scenario.toml", "--policy", &july],
        ]
        .iter()
        .map(|args| {
            let ran = modsim(&s.0, args);
            assert_eq!(ran.code, Some(0), "{args:?}: {}", ran.stderr);
            ran.stdout
        })
        .collect()
    };
    let before = outputs(&s);
    for order in [reversed, interleaved] {
        let text: Vec<&str> = head.iter().copied().chain(order).collect();
        s.write("posts.csv", text.join("\n") + "\n");
        assert_eq!(outputs(&s), before, "the same posts in another order");
    }
}

/// `modsim check` finds in an exercise's own expectations what `modsim test` would refuse: a
/// sweep's axis the scenario does not have, and an unknown action.
#[test]
fn check_finds_the_names_an_exercise_expects_that_test_would_refuse() {
    let s = Scratch::new("check-exercise");
    s.write(
        "exercise.toml",
        format!(
            "[exercise]\nid = \"t\"\ntitle = \"t\"\nscenario = \"{}\"\n\n[[expect]]\nverdict = \"aws suspend parler\"\nsweep = {{ removl_probability = \"0.5\" }}\nshare_at_least = 0.5\n",
            repo("seeds/parler-aws-2021")
        ),
    );
    for command in ["test", "check"] {
        modsim(&s.0, &[command, "exercise.toml"])
            .located_in("exercise.toml")
            .says("`sweep.removl_probability`")
            .says("did you mean `removal_probability`?");
    }
}

#[test]
fn a_problem_on_a_very_long_line_shows_a_window_of_it() {
    let s = Scratch::new("long-lines");
    let string = format!("a = \"{}\"\nb = \n", "x".repeat(5_000_000));
    let nested = format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    for (name, text, at) in [
        ("string.toml", string, "string.toml:2:5]"),
        ("nested.toml", nested, "nested.toml:1:37]"),
    ] {
        let file = s.write(name, text);
        let ran = modsim(&s.0, &["check", file.to_str().unwrap()]);
        ran.refused(at);
        assert!(
            ran.stderr.len() < 2_000,
            "{} bytes:\n{}",
            ran.stderr.len(),
            ran.stderr
        );
    }
}

#[test]
fn a_varied_value_of_the_wrong_kind_is_blamed_on_vary() {
    let s = Scratch::new("vary-kind");
    for value in ["cure_period=30", "cure_period=3 dayz"] {
        let ran = modsim(&s.0, &["sweep", "--vary", value, "--replicates", "2"]);
        ran.refused("`--vary cure_period`");
        assert!(!ran.stderr.contains("--set"), "{}", ran.stderr);
    }
}

/// A posts file of many labels the policy does not declare warns once per label, but shows
/// at most 20 warnings of one lint and counts the rest; the count line counts them all.
#[test]
fn many_warnings_of_one_lint_are_counted_past_twenty() {
    let s = Scratch::new("many-labels");
    let mut posts = String::from("id,published,labels\n");
    for i in 0..30 {
        posts.push_str(&format!("p{i},2021-01-01 10:00,undeclared{i}\n"));
    }
    s.write("posts.csv", posts);
    let scenario = s.write(
        "scenario.toml",
        format!(
            "[scenario]\nid = \"many-labels\"\ntitle = \"Many undeclared labels (invented)\"\nzone = \"UTC\"\n\n[parties]\nhost = \"Host\"\n\n[[policy]]\nfile = \"{}\"\n\n[posts]\nfile = \"posts.csv\"\nmark = \"invented\"\n",
            repo("policies/azure-2018.toml")
        ),
    );
    let ran = modsim(&s.0, &["check", scenario.to_str().unwrap()]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    ran.no_panic();
    let shown = ran.stderr.matches("is not known to the policy").count();
    assert_eq!(shown, 20, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("… and 10 more `unknown-scenario-label` warnings in `"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stderr.contains("posts.csv`: 30 warnings"),
        "{}",
        ran.stderr
    );
}

/// Labels past the most a scenario may number are refused once, at the first of them, located
/// in its row; the many after it are not each located and reported.
#[test]
fn labels_past_the_limit_are_refused_once() {
    let s = Scratch::new("label-limit");
    let first: Vec<String> = (0..16_384).map(|i| format!("a{i}")).collect();
    let more: Vec<String> = (0..5_000).map(|i| format!("b{i}")).collect();
    s.write(
        "posts.csv",
        format!(
            "id,published,labels\np0,2021-01-01 10:00,{}\np1,2021-01-01 11:00,{}\n",
            first.join(";"),
            more.join(";")
        ),
    );
    let scenario = s.write(
        "scenario.toml",
        format!(
            "[scenario]\nid = \"label-limit\"\ntitle = \"Too many labels (invented)\"\nzone = \"UTC\"\n\n[parties]\nhost = \"Host\"\n\n[[policy]]\nfile = \"{}\"\n\n[posts]\nfile = \"posts.csv\"\nmark = \"invented\"\n",
            repo("policies/azure-2018.toml")
        ),
    );
    let ran = modsim(&s.0, &["check", scenario.to_str().unwrap()]);
    ran.refused("posts.csv:3:21]");
    assert_eq!(
        ran.stderr
            .matches("more than 16384 distinct labels")
            .count(),
        1,
        "{}",
        ran.stderr
    );
}
