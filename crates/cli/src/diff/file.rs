//! The shrunk timeline written as a scenario file that `modsim run` replays, with a header that
//! says how to replay it under each side and where they part.

use std::path::Path;

use modsim_sim::compare::Differs;
use modsim_sim::diff::{self, Diff, Found};

use crate::files::path_text;
use crate::prose::Prose;

/// The shrunk timeline as a scenario file: `modsim run FILE` replays it under A (its
/// `[[policy]]`), and `modsim run FILE --policy B` (or `--reform R`) under B. Paths in the file
/// are from its folder; written to standard output, from the current folder.
pub(super) fn toml(d: &Diff, found: &Found, output: Option<&Path>) -> String {
    let name = output.map_or_else(|| "FILE.toml".to_owned(), path_text);
    let b = match d.b.reforms.as_slice() {
        [] => format!("--policy {}", d.b.label),
        _ => {
            d.b.label
                .split(" + ")
                .skip(1)
                .map(|r| format!("--reform {r}"))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let mut header = vec![
        format!(
            "A timeline on which {} (A) and {} (B) part, found by `modsim diff` (seed {}) and shrunk.",
            d.a.label, d.b.label, d.seed
        ),
        "Replay it under each side:".to_owned(),
        format!("  modsim run {name}"),
        format!("  modsim run {name} {b}"),
    ];
    if let (Some(a), Some(b)) = (found.runs.first(), found.runs.get(1)) {
        let prose = Prose::new(&a.report);
        header.push("Where they part (A → B):".to_owned());
        for difference in &found.differences {
            if let Differs::Duty { duty: clause, .. } = difference {
                let parts = super::duty::parts(&a.report, &b.report, &clause.clause);
                if !parts.is_empty() {
                    header.push(format!(
                        "  {}:",
                        super::duty::title(&a.report, &b.report, clause)
                    ));
                    for part in parts {
                        header.push(format!(
                            "    {}: {} → {}",
                            part.subject, part.baseline, part.alternative
                        ));
                    }
                    continue;
                }
            }
            let t = prose.difference(difference);
            header.push(format!("  {}: {} → {}", t.subject, t.baseline, t.value));
        }
    }
    let folder = output
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let policy = relative_path(&folder, Path::new(&d.a.label));
    diff::scenario_file::write(&found.scenario, &header, Some(&policy))
}

/// `target` (relative to the current folder, or absolute) as a path from `folder`, with `/`.
fn relative_path(folder: &Path, target: &Path) -> String {
    let here = std::env::current_dir().unwrap_or_default();
    let absolute = |p: &Path| normalized(&here.join(p));
    let (from, to) = (absolute(folder), absolute(target));
    let common = from
        .iter()
        .zip(to.iter())
        .take_while(|(x, y)| x == y)
        .count();
    let mut parts: Vec<String> = from.iter().skip(common).map(|_| "..".to_owned()).collect();
    parts.extend(
        to.iter()
            .skip(common)
            .map(|c| c.to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// A path's components with `.` and `..` resolved.
fn normalized(p: &Path) -> Vec<std::ffi::OsString> {
    let mut out: Vec<std::ffi::OsString> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str().to_owned()),
        }
    }
    out
}
