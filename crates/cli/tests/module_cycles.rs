//! No module of a crate imports, through a chain of others, a module that imports it back.
//!
//! Each `.rs` file under `crates/*/src` is a module (`lib.rs`/`main.rs` the root, `a/mod.rs`
//! and `a.rs` the module `a`, `a/b.rs` the module `a::b`). Every `crate::…` path it writes
//! (in `use` trees, with their `{…}` groups, and in expressions) is an edge to the longest
//! module that path names; a path to an item the root re-exports (`crate::Problem`) is an
//! edge to the module it comes from. Comments and a file's `#[cfg(test)] mod tests` are left
//! out: a test may read whatever it checks. The test fails on any cycle.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "helpers of a test fail it by panicking"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[test]
fn no_module_imports_itself_through_others() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found: Vec<(String, Vec<String>)> = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&crates)
        .expect("crates/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("src").is_dir())
        .collect();
    names.sort();
    for dir in names {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        for cycle in cycles(&graph(&dir.join("src"))) {
            found.push((name.clone(), cycle));
        }
    }
    assert!(
        found.is_empty(),
        "modules that import themselves through others, by crate: {found:?}"
    );
}

#[test]
fn paths_are_read_from_use_trees_and_expressions() {
    let text = "use crate::{a::{self, B}, b::c::D};\n// crate::commented\nfn f() { crate::e::F { x: 1 }; }\n/// [`crate::doc`]\n#[cfg(test)]\nmod tests {\n    use crate::t;\n}\n";
    let paths = crate_paths(text);
    assert_eq!(
        paths,
        [
            vec!["a", "self"],
            vec!["a", "B"],
            vec!["b", "c", "D"],
            vec!["e", "F"],
        ]
    );
    let modules: BTreeSet<String> = ["", "a", "b", "b::c", "e"].map(String::from).into();
    assert_eq!(
        resolve(&modules, &BTreeMap::new(), &["b", "c", "D"]),
        "b::c"
    );
    let reexports = BTreeMap::from([("Problem".to_owned(), "diagnostic".to_owned())]);
    assert_eq!(resolve(&modules, &reexports, &["Problem"]), "diagnostic");
}

#[test]
fn a_cycle_is_found_and_a_chain_is_not() {
    let edges = |pairs: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in pairs {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    assert_eq!(
        cycles(&edges(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])),
        [vec!["a", "b", "c"]]
    );
    assert!(cycles(&edges(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
}

/// The modules of the crate at `src` and the modules each imports.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    walk(src, &mut files);
    let module = |path: &Path| -> String {
        let rel = path.strip_prefix(src).expect("under src");
        let mut parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
            .collect();
        if matches!(
            parts.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            parts.pop();
        }
        parts.join("::")
    };
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|f| (module(f), std::fs::read_to_string(f).expect("source")))
        .collect();
    let modules: BTreeSet<String> = texts.iter().map(|(m, _)| m.clone()).collect();
    let reexports = texts
        .iter()
        .find(|(m, _)| m.is_empty())
        .map(|(_, root)| root_reexports(root, &modules))
        .unwrap_or_default();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, text) in &texts {
        let targets = graph.entry(from.clone()).or_default();
        for path in crate_paths(text) {
            let to = resolve(&modules, &reexports, &path);
            if &to != from {
                targets.insert(to);
            }
        }
    }
    graph
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a path after `crate::` names: its longest prefix that is a module, or, for an
/// item of the root, the module the root re-exports it from.
fn resolve(
    modules: &BTreeSet<String>,
    reexports: &BTreeMap<String, String>,
    path: &[impl AsRef<str>],
) -> String {
    let parts: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
    for n in (1..=parts.len()).rev() {
        let candidate = parts[..n].join("::");
        if modules.contains(&candidate) {
            return candidate;
        }
    }
    parts
        .first()
        .and_then(|item| reexports.get(*item))
        .cloned()
        .unwrap_or_default()
}

/// Items the root re-exports (`pub use module::{A, B};`), each with the module it comes from.
fn root_reexports(root: &str, modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let code = code_of(root);
    let mut rest = code.as_str();
    while let Some(at) = rest.find("pub use ") {
        let after = &rest[at + "pub use ".len()..];
        let end = after.find(';').unwrap_or(after.len());
        let mut trees = Vec::new();
        use_tree(&after[..end], &mut Vec::new(), &mut trees);
        for path in trees {
            let module = (1..path.len())
                .rev()
                .map(|n| path[..n].join("::"))
                .find(|m| modules.contains(m));
            if let (Some(module), Some(item)) = (module, path.last()) {
                out.insert(item.clone(), module);
            }
        }
        rest = &after[end..];
    }
    out
}

/// Every path written after `crate::` in `text`, as its segments, comments and the test
/// module left out.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let code = code_of(text);
    let mut out = Vec::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        let after = &rest[at + "crate::".len()..];
        // `$crate::` (a macro's) is the root of whichever crate uses the macro: left out.
        if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$')) {
            let mut trees = Vec::new();
            use_tree(after, &mut Vec::new(), &mut trees);
            out.extend(trees);
        }
        rest = after;
    }
    out
}

/// The text without comments and without a `#[cfg(test)] mod tests`.
fn code_of(text: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    let mut iter = text.lines().peekable();
    while let Some(line) = iter.next() {
        if line.trim() == "#[cfg(test)]"
            && iter
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        lines.push(line.split("//").next().unwrap_or(""));
    }
    lines.join("\n")
}

/// Reads a use tree (or an expression's path) at the start of `text` into `out`, each path
/// prefixed by `prefix`.
fn use_tree(text: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let text_start = text.len() - text.trim_start().len();
    let mut at = text_start;
    let rest = &text[at..];
    if let Some(group) = rest.strip_prefix('{') {
        at += 1;
        let mut consumed = 0;
        loop {
            let inner = &group[consumed..];
            let trimmed = inner.trim_start();
            consumed += inner.len() - trimmed.len();
            if trimmed.starts_with('}') || trimmed.is_empty() {
                return at + consumed + 1;
            }
            consumed += use_tree(&group[consumed..], prefix, out);
            let inner = &group[consumed..];
            let trimmed = inner.trim_start();
            consumed += inner.len() - trimmed.len();
            if trimmed.starts_with(',') {
                consumed += 1;
            }
        }
    }
    let ident: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '*')
        .collect();
    if ident.is_empty() {
        if !prefix.is_empty() {
            out.push(prefix.clone());
        }
        return at.max(1);
    }
    at += ident.len();
    prefix.push(ident);
    let after = &text[at..];
    if let Some(next) = after.strip_prefix("::") {
        at += 2 + use_tree(next, prefix, out);
    } else {
        out.push(prefix.clone());
    }
    prefix.pop();
    at
}

/// The cycles of `graph`: each strongly connected set of two or more modules, sorted.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reaches = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(m) = stack.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reaches(m))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for (m, from_m) in &reach {
        let set: Vec<String> = graph
            .keys()
            .filter(|n| *n == *m || (from_m.contains(*n) && reach[n].contains(*m)))
            .cloned()
            .collect();
        if set.len() > 1 && !out.contains(&set) {
            out.push(set);
        }
    }
    out
}
