//! The HTTP API: the routes, what each request may carry, and how each is answered.
//!
//! | route | answers |
//! |---|---|
//! | `GET /`, `GET /assets/NAME` | the embedded front end |
//! | `GET /api/library` | the scenarios, reforms and exercises offered, and the limits |
//! | `GET /api/file?path=P` | the text of a scenario, policy, reform or posts file of the library |
//! | `POST /api/check` | the problems of a run's files, located (for the editor) |
//! | `POST /api/run` | a run's report with prose and timeline, or its problems |
//! | `POST /api/compare` | the run without its reforms against the run with each reform |
//! | `POST /api/sweep` | a sweep, as lines of JSON: progress, then the result |
//! | `GET /api/exercise/ID` | an exercise's hand-out (HTML) and the file the work starts from |
//! | `POST /api/exercise/ID/check` | the student's work graded against the key, on the server |
//!
//! Every answer is JSON (or the front end's files); every refusal is a [`ProblemsView`] with
//! the CLI's wording, and the status says which: 400 bad input, 404 unknown, 413 too large,
//! 503 busy or too long.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use modsim_policy::Overrides;
use modsim_sim::compare::Alternative;
use modsim_sim::{Request, SetupError};
use serde::Deserialize;
use serde_json::Value;

use super::assets;
use super::grade::Keys;
use super::library::{Library, RunFiles};
use super::limits::{self, Busy, Turns};
use super::views::{self, ProblemsView};

mod exercise;
mod sweep;

use exercise::{exercise, grade_work};
use sweep::sweep;

/// What every handler shares.
pub struct App {
    /// What the server was given.
    pub library: Library,
    /// The answer keys, apart.
    pub keys: Keys,
    /// Turns to replay.
    pub turns: Turns,
}

/// The routes.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/assets/{name}", get(asset))
        .route("/api/library", get(library))
        .route("/api/file", get(file))
        .route("/api/check", post(check))
        .route("/api/run", post(run))
        .route("/api/compare", post(compare))
        .route("/api/sweep", post(sweep))
        .route("/api/exercise/{id}", get(exercise))
        .route("/api/exercise/{id}/check", post(grade_work))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limits::BODY_BYTES))
        .with_state(app)
}

/// A refusal: a status and the problems.
struct Refusal(StatusCode, ProblemsView);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        json(self.0, &self.1)
    }
}

impl Refusal {
    fn bad(message: impl Into<String>, help: impl Into<Option<String>>) -> Refusal {
        Refusal(StatusCode::BAD_REQUEST, views::usage(message, help.into()))
    }

    fn from_setup(e: SetupError) -> Refusal {
        match e {
            SetupError::Files(f) => Refusal(StatusCode::BAD_REQUEST, views::problems(&f)),
            SetupError::Usage { message, help } => Refusal::bad(message, help),
        }
    }

    fn busy(b: Busy) -> Refusal {
        let message = match b {
            Busy::Full => "the server is busy: too many requests are waiting".to_owned(),
            Busy::Waited => format!(
                "the server is busy: no turn came within {} seconds",
                limits::QUEUE_WAIT.as_secs()
            ),
        };
        Refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            views::usage(message, Some("try again in a moment".into())),
        )
    }
}

fn json(status: StatusCode, value: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            bytes,
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn index() -> Response {
    page_response("text/html; charset=utf-8", assets::INDEX)
}

async fn asset(Path(name): Path<String>) -> Response {
    match assets::find(&name) {
        Some(a) => page_response(a.content_type, a.text),
        None => not_found().await,
    }
}

fn page_response(content_type: &'static str, text: &'static str) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        text,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(assets::CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn not_found() -> Response {
    Refusal(
        StatusCode::NOT_FOUND,
        views::usage("no such page", Some("the pages are under `/`".into())),
    )
    .into_response()
}

async fn library(State(app): State<Arc<App>>) -> Response {
    let l = &app.library;
    let exercises: Vec<Value> = l
        .exercises
        .iter()
        .map(|e| {
            serde_json::json!({
                "id": e.id, "title": e.title, "file": e.file, "scenario": e.scenario,
                "work": e.work, "graded": app.keys.has(&e.id) || e.exercise.as_ref().is_some_and(|x| !x.expect.is_empty()),
            })
        })
        .collect();
    json(
        StatusCode::OK,
        &serde_json::json!({
            "scenarios": l.scenarios,
            "reforms": l.reforms,
            "exercises": exercises,
            "limits": limits::limits(),
            "version": env!("CARGO_PKG_VERSION"),
        }),
    )
}

#[derive(Deserialize)]
struct FileQuery {
    path: String,
}

/// The text of a library file a browser may edit: a scenario, policy, reform or posts file.
async fn file(State(app): State<Arc<App>>, Query(q): Query<FileQuery>) -> Response {
    let text = app.library.text(&q.path).filter(|t| {
        let kind = crate::check::FileKind::detect(t);
        (q.path.ends_with(".toml")
            && matches!(
                kind,
                Some(
                    crate::check::FileKind::Policy
                        | crate::check::FileKind::Scenario
                        | crate::check::FileKind::Reform
                )
            ))
            || q.path.ends_with(".csv")
    });
    match text {
        Some(text) => json(
            StatusCode::OK,
            &serde_json::json!({ "path": q.path, "text": &**text }),
        ),
        None => Refusal(
            StatusCode::NOT_FOUND,
            views::usage(
                format!("the server holds no file `{}` to edit", q.path),
                Some("open a scenario, policy or reform from the library".into()),
            ),
        )
        .into_response(),
    }
}

/// What a run asks for: a scenario of the library, edited files, and what it is judged under.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunBody {
    scenario: String,
    #[serde(default)]
    edits: BTreeMap<String, String>,
    #[serde(default)]
    policies: Vec<String>,
    #[serde(default)]
    reforms: Vec<String>,
    #[serde(default)]
    without: Vec<String>,
    #[serde(default)]
    set: BTreeMap<String, String>,
    #[serde(default)]
    assume: BTreeMap<String, bool>,
}

/// A body read within the limit, as JSON of `T`.
fn body<T: serde::de::DeserializeOwned>(
    bytes: Result<Bytes, BytesRejection>,
) -> Result<T, Refusal> {
    let bytes = bytes.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                views::usage(
                    format!(
                        "the request is over the limit of {} bytes",
                        limits::BODY_BYTES
                    ),
                    Some(format!(
                        "each file may have at most {} bytes",
                        limits::FILE_BYTES
                    )),
                ),
            )
        } else {
            Refusal::bad(format!("the request cannot be read: {e}"), None)
        }
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Refusal::bad(format!("the request is not what the API reads: {e}"), None))
}

impl RunBody {
    /// Checks the body against the limits and the library, and makes it a request.
    fn request(&self, library: &Library) -> Result<Request, Refusal> {
        self.check_edits(library)?;
        let lists = [
            self.policies.len(),
            self.reforms.len(),
            self.without.len(),
            self.set.len(),
            self.assume.len(),
        ];
        if lists.iter().any(|n| *n > limits::NAMES) {
            return Err(Refusal::bad(
                format!(
                    "a list of the request is over the limit of {} names",
                    limits::NAMES
                ),
                None,
            ));
        }
        let known = |p: &String| library.has(p) || self.edits.contains_key(p);
        if !known(&self.scenario) || library.scenario(&self.scenario).is_none() {
            let names: Vec<&str> = library.scenarios.iter().map(|s| s.file.as_str()).collect();
            let help =
                modsim_policy::diagnostic::did_you_mean(&self.scenario, names.iter().copied())
                    .map_or_else(
                        || format!("the scenarios are {}", names.join(", ")),
                        |n| format!("did you mean `{n}`?"),
                    );
            return Err(Refusal::bad(
                format!("the server offers no scenario `{}`", self.scenario),
                Some(help),
            ));
        }
        for p in self.policies.iter().chain(&self.reforms) {
            if !known(p) {
                return Err(Refusal::bad(
                    format!("the server holds no file `{p}`"),
                    Some("name a policy or reform of the library, or send it under `edits`".into()),
                ));
            }
        }
        Ok(Request {
            scenario: self.scenario.clone(),
            policies: self.policies.clone(),
            reforms: self.reforms.clone(),
            overrides: Overrides {
                without: self.without.clone(),
                set: self
                    .set
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                assume: self.assume.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            },
        })
    }
}

impl RunBody {
    /// The edited files: few enough, each small enough, each a library file or a new one.
    fn check_edits(&self, library: &Library) -> Result<(), Refusal> {
        if self.edits.len() > limits::FILES {
            return Err(Refusal::bad(
                format!(
                    "the request carries {} files, over the limit of {}",
                    self.edits.len(),
                    limits::FILES
                ),
                None,
            ));
        }
        for (path, text) in &self.edits {
            if text.len() > limits::FILE_BYTES {
                return Err(Refusal(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    views::usage(
                        format!(
                            "`{path}` is {} bytes, over the limit of {} bytes for a file",
                            text.len(),
                            limits::FILE_BYTES
                        ),
                        None,
                    ),
                ));
            }
            if !library.has(path) && !scratch(path) {
                return Err(Refusal::bad(
                    format!("`{path}` is neither a file of the library nor a new file"),
                    Some("a new file's path is `scratch/NAME.toml`".into()),
                ));
            }
        }
        Ok(())
    }
}

/// Whether `path` names a new file of the browser's: `scratch/NAME.toml` or `.csv`.
fn scratch(path: &str) -> bool {
    let Some(name) = path.strip_prefix("scratch/") else {
        return false;
    };
    (name.ends_with(".toml") || name.ends_with(".csv"))
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !name.starts_with('.')
}

/// Runs `work` on a blocking thread in its turn, within [`limits::RUN_TIME`].
async fn in_turn<T: Send + 'static>(
    app: &Arc<App>,
    work: impl FnOnce(&App) -> T + Send + 'static,
) -> Result<T, Refusal> {
    let permit = app.turns.run().await.map_err(Refusal::busy)?;
    let shared = Arc::clone(app);
    let task = tokio::task::spawn_blocking(move || {
        let _turn = permit;
        work(&shared)
    });
    match tokio::time::timeout(limits::RUN_TIME, task).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(Refusal(
            StatusCode::INTERNAL_SERVER_ERROR,
            views::usage(format!("the run failed: {e}"), None),
        )),
        Err(_) => Err(Refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            views::usage(
                format!(
                    "the run took longer than the limit of {} seconds",
                    limits::RUN_TIME.as_secs()
                ),
                Some("make the scenario or the policy smaller".into()),
            ),
        )),
    }
}

/// The problems of a run's files: what `prepare` finds in every file (errors and the lints
/// compiling finds), and the lints of each edited policy; the answer is always 200.
async fn check(State(app): State<Arc<App>>, bytes: Result<Bytes, BytesRejection>) -> Response {
    let body: RunBody = match body(bytes) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let request = match body.request(&app.library) {
        Ok(r) => r,
        Err(r) => return json(StatusCode::OK, &r.1),
    };
    let result = in_turn(&app, move |app| {
        let files = RunFiles {
            library: &app.library,
            edits: &body.edits,
        };
        let mut found = match modsim_sim::prepare(&request, &files) {
            Ok(prepared) => prepared.warnings,
            Err(SetupError::Files(f)) => f,
            Err(SetupError::Usage { message, help }) => return views::usage(message, help),
        };
        for (path, text) in &body.edits {
            if crate::check::FileKind::detect(text) != Some(crate::check::FileKind::Policy) {
                continue;
            }
            if let Ok(doc) = modsim_policy::PolicyDoc::parse(path, text) {
                let source = modsim_policy::diagnostic::Source::new(path, text.as_str());
                for p in doc.check() {
                    let p = p.in_file(&source);
                    if !found.problems.contains(&p) {
                        found.push(p);
                    }
                }
            }
        }
        views::problems(&found)
    })
    .await;
    match result {
        Ok(view) => json(StatusCode::OK, &view),
        Err(r) => r.into_response(),
    }
}

async fn run(State(app): State<Arc<App>>, bytes: Result<Bytes, BytesRejection>) -> Response {
    let body: RunBody = match body(bytes) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let request = match body.request(&app.library) {
        Ok(r) => r,
        Err(r) => return r.into_response(),
    };
    let result = in_turn(&app, move |app| {
        let files = RunFiles {
            library: &app.library,
            edits: &body.edits,
        };
        let prepared = modsim_sim::prepare(&request, &files).map_err(Refusal::from_setup)?;
        let outcome = prepared
            .world
            .replay()
            .map_err(|e| Refusal::from_setup(SetupError::Files(prepared.world.problems_of(&e))))?;
        let report = modsim_sim::report::build(&prepared.world, &outcome);
        let mut view = views::run(&report, app.library.scenario(&request.scenario));
        if let Value::Object(map) = &mut view {
            map.insert(
                "warnings".into(),
                serde_json::to_value(views::problems(&prepared.warnings)).unwrap_or(Value::Null),
            );
        }
        Ok::<Value, Refusal>(view)
    })
    .await;
    match result {
        Ok(Ok(view)) => json(StatusCode::OK, &view),
        Ok(Err(r)) | Err(r) => r.into_response(),
    }
}

/// The run without its reforms (the baseline) against the run with each reform alone.
async fn compare(State(app): State<Arc<App>>, bytes: Result<Bytes, BytesRejection>) -> Response {
    let body: RunBody = match body(bytes) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    let request = match body.request(&app.library) {
        Ok(r) => r,
        Err(r) => return r.into_response(),
    };
    if request.reforms.is_empty() {
        return Refusal::bad(
            "nothing to compare the baseline with",
            Some("choose a reform to compare".to_owned()),
        )
        .into_response();
    }
    let result = in_turn(&app, move |app| {
        let files = RunFiles {
            library: &app.library,
            edits: &body.edits,
        };
        let baseline = Request {
            reforms: Vec::new(),
            ..request.clone()
        };
        let alternatives: Vec<Alternative> = request
            .reforms
            .iter()
            .map(|r| Alternative {
                label: format!("reform {r}"),
                request: Request {
                    reforms: vec![r.clone()],
                    ..baseline.clone()
                },
            })
            .collect();
        let c = modsim_sim::compare::compare(&baseline, &alternatives, &files)
            .map_err(Refusal::from_setup)?;
        Ok::<Value, Refusal>(views::comparison(
            &c,
            app.library.scenario(&request.scenario),
        ))
    })
    .await;
    match result {
        Ok(Ok(view)) => json(StatusCode::OK, &view),
        Ok(Err(r)) | Err(r) => r.into_response(),
    }
}
