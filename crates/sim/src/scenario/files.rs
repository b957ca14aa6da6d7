//! Where a scenario's files come from ([`Files`]), and how the paths written in it resolve.

/// Where a scenario's files come from.
pub trait Files {
    /// The text of the file at `path` (relative to the working directory, or to the bundle).
    fn read(&self, path: &str) -> Result<String, String>;
}

/// Joins a relative path to the folder of `base`, resolving `.` and `..`, with `/`.
pub fn resolve_path(base: &str, relative: &str) -> String {
    if relative.starts_with('/') {
        return relative.to_owned();
    }
    let mut parts: Vec<&str> = base.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| !p.is_empty() && *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_the_scenario() {
        assert_eq!(
            resolve_path("seeds/x/scenario.toml", "../../policies/a.toml"),
            "policies/a.toml"
        );
        assert_eq!(resolve_path("scenario.toml", "posts.csv"), "posts.csv");
        assert_eq!(resolve_path("scenario.toml", "../p.toml"), "../p.toml");
        assert_eq!(resolve_path("/abs/s.toml", "./p.csv"), "/abs/p.csv");
    }
}
