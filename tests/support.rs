//! What the data-driven test harnesses (`tests/cases.rs`, `tests/docs.rs`) share: where the
//! repository is, how to run the built `modsim`, and snapshots compared with `snapbox`.
//!
//! A snapshot that differs fails its test with the diff. `SNAPSHOTS=overwrite` (snapbox's own
//! variable) rewrites every differing snapshot instead; review the diff with `git diff`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use libtest_mimic::Failed;
use snapbox::IntoData;

/// The repository's root folder.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|e| panic!("the repository root: {e}"))
}

/// The built binary, as `cargo test` built it for this test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_modsim")
}

/// Runs `modsim ARGS` in `dir`, without colour whatever the environment says.
pub fn modsim_in(dir: &Path, args: &[String]) -> Result<Output, Failed> {
    Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .map_err(|e| format!("`modsim` did not start: {e}").into())
}

/// Output as text; the program writes only UTF-8.
pub fn text(bytes: &[u8]) -> Result<String, Failed> {
    String::from_utf8(bytes.to_vec()).map_err(|e| format!("output is not UTF-8: {e}").into())
}

/// Compares `actual` with the snapshot at `path`, byte for byte (newlines aside). Fails with
/// the diff, or rewrites the file under `SNAPSHOTS=overwrite`; a missing snapshot is written
/// the same way.
pub fn snapshot(path: &Path, actual: &str) -> Result<(), Failed> {
    let expected = snapbox::Data::read_from(path, None).raw();
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .normalize_paths(false)
        .try_eq(Some(&"the output"), actual.into_data().raw(), expected)
        .map_err(|e| e.to_string().into())
}

/// `path` relative to the repository root, with `/` separators, as a test names it.
pub fn relative(path: &Path) -> String {
    let root = root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The entries of a folder, sorted by name.
pub fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .collect();
    paths.sort();
    paths
}

/// Fails with `message` unless `condition` holds.
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(message().into())
    }
}
