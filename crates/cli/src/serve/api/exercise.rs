//! `GET /api/exercise/ID` and `POST /api/exercise/ID/check`: an exercise's hand-out and the
//! student's work graded on the server, against a key the browser never sees.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{App, Refusal, body, in_turn, json, not_found};
use crate::serve::grade;
use crate::serve::limits;
use crate::serve::views;

/// An exercise: its question, the hand-out as HTML, the file the work starts from.
pub(super) async fn exercise(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let Some(entry) = app.library.exercise(&id) else {
        return unknown_exercise(&app, &id).into_response();
    };
    let handout = entry.handout.as_deref().map(markdown).unwrap_or_default();
    json(
        StatusCode::OK,
        &serde_json::json!({
            "id": entry.id,
            "title": entry.title,
            "scenario": entry.scenario,
            "work": entry.work,
            "handout": handout,
            "starter": grade::starter(entry, &app.library),
            "graded": app.keys.has(&entry.id) || entry.exercise.as_ref().is_some_and(|x| !x.expect.is_empty()),
        }),
    )
}

fn unknown_exercise(app: &App, id: &str) -> Refusal {
    let ids: Vec<&str> = app
        .library
        .exercises
        .iter()
        .map(|e| e.id.as_str())
        .collect();
    Refusal(
        StatusCode::NOT_FOUND,
        views::usage(
            format!("no exercise `{id}`"),
            modsim_policy::diagnostic::did_you_mean(id, ids.iter().copied())
                .map(|n| format!("did you mean `{n}`?")),
        ),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkBody {
    #[serde(default)]
    work: String,
}

/// The student's work, graded on the server.
pub(super) async fn grade_work(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    bytes: Result<Bytes, BytesRejection>,
) -> Response {
    let body: WorkBody = match body(bytes) {
        Ok(b) => b,
        Err(r) => return r.into_response(),
    };
    if body.work.len() > limits::FILE_BYTES {
        return Refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            views::usage(
                format!(
                    "the work is {} bytes, over the limit of {} bytes for a file",
                    body.work.len(),
                    limits::FILE_BYTES
                ),
                None,
            ),
        )
        .into_response();
    }
    if app.library.exercise(&id).is_none() {
        return unknown_exercise(&app, &id).into_response();
    }
    let result = in_turn(&app, move |app| {
        app.library
            .exercise(&id)
            .map(|entry| grade::grade(&app.library, &app.keys, entry, &body.work))
    })
    .await;
    match result {
        Ok(Some(graded)) => json(StatusCode::OK, &graded),
        Ok(None) => not_found().await,
        Err(r) => r.into_response(),
    }
}

/// A hand-out's Markdown as HTML, with any HTML in it shown as text.
fn markdown(text: &str) -> String {
    use pulldown_cmark::{Event, Parser, html};
    let events = Parser::new(text).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}
