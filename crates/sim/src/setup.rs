//! From files to a [`World`] ready to replay: reads the scenario, its posts and its policies
//! (or the ones a run names instead), checks the run's overrides against them, compiles and
//! binds. Every problem of every file comes back together.

use modsim_policy::diagnostic::did_you_mean;
use modsim_policy::{FileProblems, Overrides, PolicyDoc, Problem, ReformDoc};

use crate::bind::World;
use crate::scenario::{self, Files, LoadFailure};

/// What a run asks for.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// The scenario file's name as shown to the user, and the path its files resolve against.
    pub scenario: String,
    /// Policy files to use instead of the scenario's own.
    pub policies: Vec<String>,
    /// Reform files to apply, in order, each to the policy it names (or the only one).
    pub reforms: Vec<String>,
    /// Clauses taken out, parameters set, judgment calls fixed.
    pub overrides: Overrides,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// Problems in files.
    #[error("{} file{} with problems", .0.files.len(), if .0.files.len() == 1 { "" } else { "s" })]
    Files(LoadFailure),
    /// A command-line request that names something no file has.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        help: Option<String>,
    },
}

/// A world ready to replay, with the warnings found on the way.
#[derive(Debug)]
pub struct Prepared {
    /// The world.
    pub world: World,
    /// Warnings, file by file.
    pub warnings: Vec<FileProblems>,
}

/// Reads and checks everything a run needs.
pub fn prepare(request: &Request, files: &dyn Files) -> Result<Prepared, SetupError> {
    let text = files
        .read(&request.scenario)
        .map_err(|e| SetupError::Usage {
            message: format!("cannot read the scenario `{}`: {e}", request.scenario),
            help: Some("name a scenario file, or a folder holding `scenario.toml`".into()),
        })?;
    let mut scenario =
        scenario::load(&request.scenario, &text, files).map_err(SetupError::Files)?;
    let paths: Vec<String> = if request.policies.is_empty() {
        scenario.policies.iter().map(|p| p.file.clone()).collect()
    } else {
        // Policies named on the command line are bound by the scenario's `[roles]` alone:
        // the `[[policy]]` entries' own bindings belong to the files they name.
        scenario.policies.clear();
        request.policies.clone()
    };
    if paths.is_empty() {
        return Err(SetupError::Usage {
            message: format!(
                "the scenario `{}` puts no policy in force",
                request.scenario
            ),
            help: Some("add a `[[policy]]` entry to the scenario, or pass `--policy FILE`".into()),
        });
    }
    let mut failure = LoadFailure { files: Vec::new() };
    let mut docs = Vec::new();
    for path in &paths {
        match files.read(path) {
            Ok(text) => match PolicyDoc::parse(path, &text) {
                Ok(doc) => docs.push(doc),
                Err(p) => failure.files.push(p),
            },
            Err(e) => {
                return Err(SetupError::Usage {
                    message: format!("cannot read the policy `{path}`: {e}"),
                    help: None,
                });
            }
        }
    }
    if !failure.files.is_empty() {
        return Err(SetupError::Files(failure));
    }
    for path in &request.reforms {
        apply_reform(path, files, &mut docs)?;
    }
    check_overrides(&request.overrides, &docs)?;
    let mut policies = Vec::new();
    let mut warnings = Vec::new();
    for doc in &docs {
        match doc.compile(&request.overrides) {
            Ok((policy, found)) => {
                if !found.is_empty() {
                    warnings.push(FileProblems::new(doc.name(), doc.text(), found));
                }
                policies.push(policy);
            }
            Err(p) => failure.files.push(p),
        }
    }
    if !failure.files.is_empty() {
        return Err(SetupError::Files(failure));
    }
    let world = World::bind(scenario, policies);
    for bound in &world.policies {
        if !bound.unknown_labels.is_empty() {
            warnings.push(FileProblems::new(
                &bound.policy.file,
                "",
                vec![Problem::warning(
                    format!(
                        "the scenario's posts carry labels this policy does not know: {}",
                        bound.unknown_labels.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
                    ),
                    None,
                )
                .with_help("posts are judged on the labels the policy knows; declare the others under `[labels]` if they matter")
                .with_code("unknown-scenario-label")],
            ));
        }
        if !bound.unknown_facts.is_empty() {
            warnings.push(FileProblems::new(
                &bound.policy.file,
                "",
                vec![Problem::warning(
                    format!(
                        "the scenario states none of these facts the policy reads: {}",
                        bound.unknown_facts.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ")
                    ),
                    None,
                )
                .with_help("conditions read them as 0; add `kind = \"fact\"` events to the scenario if they matter")],
            ));
        }
        for ((role, party), every) in bound
            .policy
            .roles
            .iter()
            .zip(&bound.parties)
            .zip(&bound.every)
        {
            if party.is_none() && !every {
                warnings.push(FileProblems::new(
                    &bound.policy.file,
                    "",
                    vec![
                        Problem::warning(
                            format!("role `{}` is bound to no party of the scenario", role.name),
                            None,
                        )
                        .with_help("bind it under the scenario's `[roles]`"),
                    ],
                ));
            }
        }
    }
    Ok(Prepared { world, warnings })
}

/// Applies the reform at `path` to the policy it names, or to the only policy in force.
fn apply_reform(path: &str, files: &dyn Files, docs: &mut [PolicyDoc]) -> Result<(), SetupError> {
    let text = files.read(path).map_err(|e| SetupError::Usage {
        message: format!("cannot read the reform `{path}`: {e}"),
        help: None,
    })?;
    let reform = ReformDoc::parse(path, &text)
        .map_err(|p| SetupError::Files(LoadFailure { files: vec![p] }))?;
    let target = match reform.applies_to() {
        Some(id) => docs
            .iter()
            .position(|d| d.id() == id)
            .ok_or_else(|| SetupError::Usage {
                message: format!("the reform `{path}` applies to `{id}`, which is not in force"),
                help: Some(format!(
                    "the policies in force are {}",
                    docs.iter()
                        .map(|d| format!("`{}`", d.id()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            })?,
        None if docs.len() == 1 => 0,
        None => {
            return Err(SetupError::Usage {
                message: format!("the reform `{path}` does not say which policy it applies to"),
                help: Some("add `applies_to = \"POLICY-ID\"` under `[reform]`".into()),
            });
        }
    };
    if let Some(doc) = docs.get_mut(target) {
        *doc = doc
            .with_reform(&reform)
            .map_err(|p| SetupError::Files(LoadFailure { files: vec![p] }))?;
    }
    Ok(())
}

/// Every `--without`, `--set` and `--assume` must name something some policy has.
fn check_overrides(overrides: &Overrides, docs: &[PolicyDoc]) -> Result<(), SetupError> {
    let unknown = |what: &str, flag: &str, name: &str, known: Vec<&str>| SetupError::Usage {
        message: format!("`{flag} {name}`: no policy in force has a {what} `{name}`"),
        help: Some(match did_you_mean(name, known.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "the {what}s are {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    };
    for id in &overrides.without {
        if !docs.iter().any(|d| d.has_clause(id)) {
            return Err(unknown(
                "clause",
                "--without",
                id,
                docs.iter().flat_map(|d| d.clause_ids()).collect(),
            ));
        }
    }
    for (name, _) in &overrides.set {
        if !docs.iter().any(|d| d.has_parameter(name)) {
            return Err(unknown(
                "parameter",
                "--set",
                name,
                docs.iter().flat_map(|d| d.parameter_names()).collect(),
            ));
        }
    }
    for (name, _) in &overrides.assume {
        if !docs.iter().any(|d| d.has_assumption(name)) {
            return Err(unknown(
                "judgment call",
                "--assume",
                name,
                docs.iter().flat_map(|d| d.assumption_names()).collect(),
            ));
        }
    }
    Ok(())
}
