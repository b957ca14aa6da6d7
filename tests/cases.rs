//! Golden runs and refused inputs, one test per case, found by listing `tests/data/`.
//!
//! Adding a case is adding a file or a folder; nothing here changes:
//!
//! - `tests/data/err/NAME.toml`: an input that `modsim check tests/data/err/NAME.toml` must
//!   refuse (exit 2, nothing on standard output, every problem located). Its rendered
//!   diagnostics are the snapshot `tests/data/err/NAME.stderr` beside it.
//! - `tests/data/err/NAME/`: a case that needs arguments or several files. `args` holds the
//!   command line, one argument per line, run from the repository root; the run must exit 2
//!   with nothing on standard output, and its standard error is the snapshot `stderr`. Each
//!   `.toml` input of the folder, and the folder itself, must also be refused by `modsim check`
//!   with a located message.
//! - `tests/data/ok/NAME/`: a golden run. `args` as above; the run must exit 0, its standard
//!   output is the snapshot `stdout`, and its standard error the snapshot `stderr` when it
//!   writes any (or the file exists).
//!
//! Each case is its own test, named `err::NAME` or `ok::NAME`, so `cargo test --test cases
//! unknown-clause` runs one. A snapshot that differs fails with the diff; write the new
//! snapshots with `SNAPSHOTS=overwrite cargo test --test cases` (a new case's snapshot is
//! written the same way) and review them with `git diff` before committing.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test harness fails by panicking"
)]

#[allow(dead_code, reason = "each harness uses part of the shared helpers")]
mod support;

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use support::{ensure, entries, modsim_in, relative, root, snapshot, text};

fn main() {
    let args = Arguments::from_args();
    let data = root().join("tests/data");
    let mut trials = Vec::new();
    for path in entries(&data.join("err")) {
        trials.extend(err_case(path));
    }
    for path in entries(&data.join("ok")) {
        trials.extend(ok_case(path));
    }
    assert!(
        trials.len() >= 40,
        "only {} cases under tests/data",
        trials.len()
    );
    libtest_mimic::run(&args, trials).exit();
}

/// The test of one entry of `tests/data/err`, or none for a snapshot file.
fn err_case(path: PathBuf) -> Option<Trial> {
    let name = file_name(&path);
    if path.is_dir() {
        return Some(Trial::test(format!("err::{name}"), move || {
            refused_folder(&path)
        }));
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("stderr") => None,
        Some("toml") => {
            let stem = name.trim_end_matches(".toml").to_owned();
            Some(Trial::test(format!("err::{stem}"), move || {
                refused_file(&path)
            }))
        }
        _ => Some(stray(path)),
    }
}

/// The test of one entry of `tests/data/ok`.
fn ok_case(path: PathBuf) -> Option<Trial> {
    if !path.is_dir() {
        return Some(stray(path));
    }
    Some(Trial::test(
        format!("ok::{}", file_name(&path)),
        move || golden_run(&path),
    ))
}

/// A file that is no case and no snapshot: a test that fails and says what a case is.
fn stray(path: PathBuf) -> Trial {
    Trial::test(format!("stray::{}", relative(&path)), move || {
        Err(format!(
            "{} is neither a case nor a snapshot: see the doc comment of tests/cases.rs",
            relative(&path)
        )
        .into())
    })
}

/// `tests/data/err/NAME.toml`: `modsim check` refuses it, located, as its snapshot says.
fn refused_file(path: &Path) -> Result<(), Failed> {
    let input = relative(path);
    let stderr = refused(&["check".to_owned(), input.clone()], &input)?;
    ensure(located(&stderr, &format!("{input}:")), || {
        format!("`modsim check {input}` names no place:\n{stderr}")
    })?;
    snapshot(&path.with_extension("stderr"), &stderr)
}

/// `tests/data/err/NAME/`: its command is refused as its snapshot says, and `check` refuses
/// each of its inputs with a located message.
fn refused_folder(dir: &Path) -> Result<(), Failed> {
    let args = read_args(dir)?;
    let stderr = refused(&args, &relative(dir))?;
    snapshot(&dir.join("stderr"), &stderr)?;

    let folder = relative(dir);
    let inputs: Vec<String> = entries(dir)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| relative(p))
        .collect();
    if inputs.is_empty() {
        return Ok(()); // a case of the command line alone
    }
    for target in std::iter::once(folder.clone()).chain(inputs) {
        let stderr = refused(&["check".to_owned(), target.clone()], &folder)?;
        ensure(located(&stderr, &format!("{folder}/")), || {
            format!("`modsim check {target}` names no place:\n{stderr}")
        })?;
    }
    Ok(())
}

/// `tests/data/ok/NAME/`: the run succeeds and prints its snapshots.
fn golden_run(dir: &Path) -> Result<(), Failed> {
    let args = read_args(dir)?;
    let out = modsim_in(&root(), &args)?;
    let stdout = text(&out.stdout)?;
    let stderr = text(&out.stderr)?;
    ensure(out.status.code() == Some(0), || {
        format!(
            "`modsim {}` exited {:?}:\n{stderr}",
            args.join(" "),
            out.status.code()
        )
    })?;
    snapshot(&dir.join("stdout"), &stdout)?;
    let stderr_snapshot = dir.join("stderr");
    if !stderr.is_empty() || stderr_snapshot.exists() {
        snapshot(&stderr_snapshot, &stderr)?;
    }
    Ok(())
}

/// Runs `modsim ARGS` from the root and checks it was refused as bad input: exit 2, nothing
/// on standard output, no panic. Returns its standard error.
fn refused(args: &[String], case: &str) -> Result<String, Failed> {
    let out = modsim_in(&root(), args)?;
    let stderr = text(&out.stderr)?;
    let command = format!("`modsim {}`", args.join(" "));
    ensure(!stderr.contains("panicked"), || {
        format!("{case}: {command} panicked:\n{stderr}")
    })?;
    ensure(out.status.code() == Some(2), || {
        format!(
            "{case}: {command} exited {:?}, not 2:\n{stderr}",
            out.status.code()
        )
    })?;
    ensure(out.stdout.is_empty(), || {
        format!(
            "{case}: {command} wrote to standard output:\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })?;
    Ok(stderr)
}

/// Whether diagnostics name a place: an excerpt of a file under `under`, a line and column,
/// or a file that cannot be read.
fn located(stderr: &str, under: &str) -> bool {
    stderr.contains(&format!("╭─[{under}"))
        || (stderr.contains("(line ") && stderr.contains(", column "))
        || stderr.contains("cannot read")
}

/// The command line of a case folder: `args`, one argument per line.
fn read_args(dir: &Path) -> Result<Vec<String>, Failed> {
    let path = dir.join("args");
    let args = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e} (a case folder holds its command line in `args`)",
            relative(&path)
        )
    })?;
    Ok(args.lines().map(str::to_owned).collect())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
