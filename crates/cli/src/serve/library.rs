//! What the server was given, read once at start and held in memory: the scenarios (the
//! embedded seeds, or the folders named on the command line) with every file their runs read,
//! the shipped reforms, the exercises with their hand-outs, and, apart from all of these, the
//! answer keys of `--answers-dir`.
//!
//! A run reads only through [`RunFiles`]: the library's files with the browser's edits laid
//! over them. Nothing else on the disk is reachable from a request, and the answer keys are
//! not in the library at all: only the grader ([`super::grade`]) holds them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use modsim_sim::exercise::Exercise;
use modsim_sim::{Files, Request};
use serde::Serialize;

use crate::files::path_text;
use crate::files::read_text;

/// The files embedded in the binary, by their path in the repository.
const EMBEDDED: &[(&str, &str)] = &[
    (
        "seeds/parler-aws-2021/scenario.toml",
        include_str!("../../../../seeds/parler-aws-2021/scenario.toml"),
    ),
    (
        "seeds/parler-aws-2021/posts.csv",
        include_str!("../../../../seeds/parler-aws-2021/posts.csv"),
    ),
    (
        "seeds/parler-aws-2021-parler-account/scenario.toml",
        include_str!("../../../../seeds/parler-aws-2021-parler-account/scenario.toml"),
    ),
    (
        "seeds/parler-aws-2021-parler-account/posts.csv",
        include_str!("../../../../seeds/parler-aws-2021-parler-account/posts.csv"),
    ),
    (
        "seeds/weekend-2021-01/scenario.toml",
        include_str!("../../../../seeds/weekend-2021-01/scenario.toml"),
    ),
    (
        "seeds/weekend-2021-01/posts.csv",
        include_str!("../../../../seeds/weekend-2021-01/posts.csv"),
    ),
    (
        "policies/airbnb-2021-01.toml",
        include_str!("../../../../policies/airbnb-2021-01.toml"),
    ),
    (
        "policies/apple-app-store-2021-01.toml",
        include_str!("../../../../policies/apple-app-store-2021-01.toml"),
    ),
    (
        "policies/aws-2021-01.toml",
        include_str!("../../../../policies/aws-2021-01.toml"),
    ),
    (
        "policies/aws-2021-07.toml",
        include_str!("../../../../policies/aws-2021-07.toml"),
    ),
    (
        "policies/facebook-2021-01.toml",
        include_str!("../../../../policies/facebook-2021-01.toml"),
    ),
    (
        "policies/google-play-ugc-2021-01.toml",
        include_str!("../../../../policies/google-play-ugc-2021-01.toml"),
    ),
    (
        "policies/parler-guidelines-2021-01.toml",
        include_str!("../../../../policies/parler-guidelines-2021-01.toml"),
    ),
    (
        "policies/twitter-2021-01.toml",
        include_str!("../../../../policies/twitter-2021-01.toml"),
    ),
    (
        "policies/reforms/aws-determined-risk.toml",
        include_str!("../../../../policies/reforms/aws-determined-risk.toml"),
    ),
    (
        "policies/reforms/cure-before-termination.toml",
        include_str!("../../../../policies/reforms/cure-before-termination.toml"),
    ),
    (
        "policies/reforms/takedown-window.toml",
        include_str!("../../../../policies/reforms/takedown-window.toml"),
    ),
    (
        "policies/reforms/thirty-days-notice.toml",
        include_str!("../../../../policies/reforms/thirty-days-notice.toml"),
    ),
];

/// The embedded exercises (hand-outs only: the keys are never embedded).
const EMBEDDED_EXERCISES: &[(&str, &str)] = &[
    (
        "exercises/01-suspension-grounds/exercise.toml",
        include_str!("../../../../exercises/01-suspension-grounds/exercise.toml"),
    ),
    (
        "exercises/01-suspension-grounds/handout.md",
        include_str!("../../../../exercises/01-suspension-grounds/handout.md"),
    ),
    (
        "exercises/02-thirty-days-argument/exercise.toml",
        include_str!("../../../../exercises/02-thirty-days-argument/exercise.toml"),
    ),
    (
        "exercises/02-thirty-days-argument/handout.md",
        include_str!("../../../../exercises/02-thirty-days-argument/handout.md"),
    ),
    (
        "exercises/03-apple-guideline-1-2/exercise.toml",
        include_str!("../../../../exercises/03-apple-guideline-1-2/exercise.toml"),
    ),
    (
        "exercises/03-apple-guideline-1-2/handout.md",
        include_str!("../../../../exercises/03-apple-guideline-1-2/handout.md"),
    ),
    (
        "exercises/03-apple-guideline-1-2/scenario.toml",
        include_str!("../../../../exercises/03-apple-guideline-1-2/scenario.toml"),
    ),
    (
        "exercises/04-july-2021-terms/exercise.toml",
        include_str!("../../../../exercises/04-july-2021-terms/exercise.toml"),
    ),
    (
        "exercises/04-july-2021-terms/handout.md",
        include_str!("../../../../exercises/04-july-2021-terms/handout.md"),
    ),
    (
        "exercises/05-moderation-speed/exercise.toml",
        include_str!("../../../../exercises/05-moderation-speed/exercise.toml"),
    ),
    (
        "exercises/05-moderation-speed/handout.md",
        include_str!("../../../../exercises/05-moderation-speed/handout.md"),
    ),
    (
        "exercises/06-reform-for-thirty-days/exercise.toml",
        include_str!("../../../../exercises/06-reform-for-thirty-days/exercise.toml"),
    ),
    (
        "exercises/06-reform-for-thirty-days/handout.md",
        include_str!("../../../../exercises/06-reform-for-thirty-days/handout.md"),
    ),
];

/// The scenarios the binary offers when no folder is named.
const EMBEDDED_SCENARIOS: &[&str] = &[
    "seeds/parler-aws-2021/scenario.toml",
    "seeds/weekend-2021-01/scenario.toml",
    "seeds/parler-aws-2021-parler-account/scenario.toml",
];

/// At most this many files are read from the folders named on the command line.
const MAX_GIVEN_FILES: usize = 2_000;

/// Everything the server serves, read once.
#[derive(Debug, Default)]
pub struct Library {
    /// Every file a run may read, by path.
    files: BTreeMap<String, Arc<str>>,
    /// The scenarios offered, in order.
    pub scenarios: Vec<ScenarioEntry>,
    /// The reforms offered.
    pub reforms: Vec<ReformEntry>,
    /// The exercises offered.
    pub exercises: Vec<ExerciseEntry>,
}

/// A scenario offered to pick.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioEntry {
    /// Its file: the id a request and a shared link name it by.
    pub file: String,
    /// Its own id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What it is about.
    pub about: Option<String>,
    /// Its time zone.
    pub zone: String,
    /// Its parties, `(id, name)`.
    pub parties: Vec<PartyEntry>,
    /// The policy files it puts in force.
    pub policies: Vec<String>,
    /// Its posts file, if any.
    pub posts_file: Option<String>,
    /// How many posts.
    pub posts: usize,
    /// How its posts are known.
    pub posts_mark: String,
    /// Its provenance: facts on the record, reported, inferred, reconstructed.
    pub provenance: ProvenanceEntry,
    /// Whether a sweep can draw worlds from it (it has a `[model]`).
    pub model: Vec<String>,
}

/// A party of a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct PartyEntry {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A scenario's provenance, as its file gives it.
#[derive(Clone, Debug, Serialize)]
pub struct ProvenanceEntry {
    /// On the record.
    pub record: Vec<String>,
    /// Reported by the press.
    pub reported: Vec<String>,
    /// Inferred.
    pub inferred: Vec<String>,
    /// Reconstructed, and how.
    pub reconstructed: Vec<String>,
    /// The command that regenerates the reconstructed data.
    pub generator: Option<String>,
}

/// A reform offered.
#[derive(Clone, Debug, Serialize)]
pub struct ReformEntry {
    /// Its file.
    pub file: String,
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The policy it applies to.
    pub applies_to: Option<String>,
}

/// An exercise offered.
#[derive(Clone, Debug, Serialize)]
pub struct ExerciseEntry {
    /// Its file.
    pub file: String,
    /// Its id (its key is `ID.toml` in `--answers-dir`).
    pub id: String,
    /// Its title: the question.
    pub title: String,
    /// The hand-out, as Markdown (rendered by the API).
    #[serde(skip)]
    pub handout: Option<String>,
    /// The scenario it runs.
    pub scenario: String,
    /// What the student hands in: `policy` (in place of the scenario's), `reform` (in place
    /// of the exercise's), or `none` (the exercise is answered by reading its run).
    pub work: &'static str,
    /// For a reform: the exercise's own reform, whose `applies_to` the starting file copies.
    pub start: Option<String>,
    /// The exercise as parsed.
    #[serde(skip)]
    pub exercise: Option<Exercise>,
}

impl Library {
    /// The embedded seeds, policies, reforms and exercises.
    pub fn embedded() -> Library {
        let mut library = Library::default();
        for (path, text) in EMBEDDED.iter().chain(EMBEDDED_EXERCISES) {
            library.files.insert((*path).to_owned(), Arc::from(*text));
        }
        library
    }

    /// Builds the library from the command line: the folders or files named (or the embedded
    /// seeds), every file their runs read, the reforms found, the exercises.
    pub fn load(given: &[PathBuf], exercises: Option<&Path>) -> Result<Library, String> {
        let mut library = Library::embedded();
        let mut scenarios: Vec<String> = Vec::new();
        if given.is_empty() {
            scenarios.extend(EMBEDDED_SCENARIOS.iter().map(|s| (*s).to_owned()));
        } else {
            for path in given {
                library.read_given(path, &mut scenarios)?;
            }
            if scenarios.is_empty() {
                return Err(
                    "no scenario found in the paths given (a `scenario.toml`, or a folder holding one)"
                        .into(),
                );
            }
        }
        for file in &scenarios {
            library.pull_in_scenario(file)?;
        }
        if let Some(dir) = exercises {
            library.files.retain(|p, _| !p.starts_with("exercises/"));
            library.read_exercises(dir)?;
        }
        library.index_reforms();
        library.index_exercises();
        Ok(library)
    }

    /// Reads a file or folder named on the command line; scenario files found go to `found`.
    fn read_given(&mut self, path: &Path, found: &mut Vec<String>) -> Result<(), String> {
        let mut paths = Vec::new();
        if path.is_dir() {
            walk(path, &mut paths);
        } else {
            paths.push(path.to_path_buf());
        }
        if paths.len() > MAX_GIVEN_FILES {
            return Err(format!(
                "`{}` holds {} files, over the limit of {MAX_GIVEN_FILES}",
                path.display(),
                paths.len()
            ));
        }
        for p in paths {
            let name = path_text(&p);
            let text = read_text(&p).map_err(|e| format!("cannot read `{name}`: {e}"))?;
            let kind = crate::check::FileKind::detect(&text).filter(|_| name.ends_with(".toml"));
            match kind {
                // Answers are never in the library, and exercises come by `--exercises`.
                Some(crate::check::FileKind::Answers | crate::check::FileKind::Exercise) => {
                    continue;
                }
                Some(crate::check::FileKind::Scenario) => found.push(name.clone()),
                _ => {}
            }
            self.files.insert(name, Arc::from(text));
        }
        Ok(())
    }

    /// Reads from disk, once, every file a scenario's run reads that the library lacks, and
    /// describes the scenario.
    fn pull_in_scenario(&mut self, file: &str) -> Result<(), String> {
        let recorder = Recorder {
            library: self,
            read: Mutex::new(BTreeMap::new()),
        };
        let request = Request {
            scenario: file.to_owned(),
            ..Request::default()
        };
        let prepared = modsim_sim::prepare(&request, &recorder);
        let read = recorder.read.into_inner().unwrap_or_default();
        self.files.extend(read);
        let prepared = prepared.map_err(|e| match e {
            modsim_sim::SetupError::Files(f) => crate::diagnostics::human(&f),
            modsim_sim::SetupError::Usage { message, .. } => message,
        })?;
        let s = &prepared.world.scenario;
        let p = &s.provenance;
        self.scenarios.push(ScenarioEntry {
            file: file.to_owned(),
            id: s.id.clone(),
            title: s.title.clone(),
            about: s.about.clone(),
            zone: s.zone_name.clone(),
            parties: s
                .parties
                .iter()
                .map(|p| PartyEntry {
                    id: p.id.clone(),
                    name: p.name.clone(),
                })
                .collect(),
            policies: prepared
                .world
                .policies
                .iter()
                .map(|b| b.policy.file.clone())
                .collect(),
            posts_file: s.posts_file.clone(),
            posts: s.posts.len(),
            posts_mark: s.posts_mark.to_string(),
            provenance: ProvenanceEntry {
                record: p.record.clone(),
                reported: p.reported.clone(),
                inferred: p.inferred.clone(),
                reconstructed: p.reconstructed.clone(),
                generator: p.generator.clone(),
            },
            model: if s.model.is_some() {
                modsim_sim::model::PARAMETERS
                    .iter()
                    .map(|p| (*p).to_owned())
                    .collect()
            } else {
                Vec::new()
            },
        });
        Ok(())
    }

    /// Reads the exercises of `--exercises DIR`: each `exercise.toml`, its hand-out, and the
    /// files its run reads.
    fn read_exercises(&mut self, dir: &Path) -> Result<(), String> {
        let mut paths = Vec::new();
        walk(dir, &mut paths);
        let mut any = false;
        for p in paths {
            let Some(name) = p.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                continue;
            };
            if name != "exercise.toml" && name != "handout.md" {
                continue;
            }
            let file = path_text(&p);
            let text = read_text(&p).map_err(|e| format!("cannot read `{file}`: {e}"))?;
            any |= name == "exercise.toml";
            self.files.insert(file, Arc::from(text));
        }
        if !any {
            return Err(format!(
                "the folder `{}` holds no `exercise.toml`",
                dir.display()
            ));
        }
        let files: Vec<String> = self
            .files
            .keys()
            .filter(|k| k.ends_with("/exercise.toml"))
            .cloned()
            .collect();
        for file in files {
            let Some(text) = self.files.get(&file).cloned() else {
                continue;
            };
            let exercise =
                Exercise::parse(&file, &text).map_err(|p| crate::diagnostics::human(&p))?;
            let recorder = Recorder {
                library: self,
                read: Mutex::new(BTreeMap::new()),
            };
            let _ = modsim_sim::prepare(&scenario_request(&exercise.request), &recorder);
            let read = recorder.read.into_inner().unwrap_or_default();
            self.files.extend(read);
        }
        Ok(())
    }

    fn index_reforms(&mut self) {
        for (file, text) in &self.files {
            if !file.ends_with(".toml")
                || crate::check::FileKind::detect(text) != Some(crate::check::FileKind::Reform)
            {
                continue;
            }
            if let Ok(doc) = modsim_policy::ReformDoc::parse(file, text) {
                self.reforms.push(ReformEntry {
                    file: file.clone(),
                    id: doc.id().to_owned(),
                    title: doc.title().to_owned(),
                    applies_to: doc.applies_to().map(str::to_owned),
                });
            }
        }
    }

    fn index_exercises(&mut self) {
        for (file, text) in &self.files {
            if !file.ends_with("/exercise.toml") {
                continue;
            }
            let Ok(exercise) = Exercise::parse(file, text) else {
                continue;
            };
            let handout = file
                .strip_suffix("exercise.toml")
                .map(|dir| format!("{dir}handout.md"))
                .and_then(|h| self.files.get(&h))
                .map(|t| t.to_string());
            let request = scenario_request(&exercise.request);
            // What the student hands in, as the exercise file's own grading command says
            // (`modsim test ... --reform your-reform.toml` or `--policy your-policy.toml`).
            let work = if text.contains("--reform") {
                "reform"
            } else if text.contains("--policy") {
                "policy"
            } else {
                "none"
            };
            let start = match work {
                "reform" => exercise.request.reforms.first().cloned(),
                _ => None,
            };
            self.exercises.push(ExerciseEntry {
                file: file.clone(),
                id: exercise.id.clone(),
                title: exercise.title.clone(),
                handout,
                scenario: request.scenario.clone(),
                work,
                start,
                exercise: Some(exercise),
            });
        }
    }

    /// The text of a library file.
    pub fn text(&self, path: &str) -> Option<&Arc<str>> {
        self.files.get(path)
    }

    /// Whether the library holds this file.
    pub fn has(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// The exercise with this id.
    pub fn exercise(&self, id: &str) -> Option<&ExerciseEntry> {
        self.exercises.iter().find(|e| e.id == id)
    }

    /// The scenario with this file.
    pub fn scenario(&self, file: &str) -> Option<&ScenarioEntry> {
        self.scenarios.iter().find(|s| s.file == file)
    }
}

/// An exercise's request with its scenario named by its file (`DIR/scenario.toml`).
pub fn scenario_request(request: &Request) -> Request {
    let mut request = request.clone();
    if !request.scenario.ends_with(".toml") {
        request.scenario = format!("{}/scenario.toml", request.scenario.trim_end_matches('/'));
    }
    request
}

/// The files of a run: the library's, with the browser's edits over them.
pub struct RunFiles<'a> {
    /// The library.
    pub library: &'a Library,
    /// Edited texts, by path: a library file's new text, or a new file of the browser's.
    pub edits: &'a BTreeMap<String, String>,
}

impl Files for RunFiles<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        if let Some(text) = self.edits.get(path) {
            return Ok(text.clone());
        }
        match self.library.files.get(path) {
            Some(text) => Ok(text.to_string()),
            None => Err("the server was not given this file (it serves only the scenarios, policies, reforms and exercises it was started with)".into()),
        }
    }
}

/// Reads from the library, and else from disk, recording what it read from disk.
struct Recorder<'a> {
    library: &'a Library,
    read: Mutex<BTreeMap<String, Arc<str>>>,
}

impl Files for Recorder<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        if let Some(text) = self.library.files.get(path) {
            return Ok(text.to_string());
        }
        let text = read_text(Path::new(path)).map_err(|e| e.to_string())?;
        if crate::check::FileKind::detect(&text) == Some(crate::check::FileKind::Answers) {
            return Err("it is an answers file, which the server never serves".into());
        }
        if let Ok(mut read) = self.read.lock() {
            read.insert(path.to_owned(), Arc::from(text.as_str()));
        }
        Ok(text)
    }
}

/// `.toml`, `.csv` and `.md` files under `dir`, sorted, skipping hidden folders, `target` and
/// any `keys` folder (answer keys are never served). The walk is the CLI's: a link back up the
/// tree ends it instead of looping. A folder that cannot be listed gives nothing.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let wanted =
        |name: &str| name.ends_with(".toml") || name.ends_with(".csv") || name.ends_with(".md");
    let Ok(found) = crate::files::walk(dir, &wanted) else {
        return;
    };
    out.extend(found.into_iter().filter(|path| {
        !path
            .strip_prefix(dir)
            .unwrap_or(path)
            .components()
            .any(|c| c.as_os_str() == "keys")
    }));
}
