//! Writers' editing: an article's YAML source over the API (`GET`, `PUT`, `PATCH` with a
//! JSON Patch), guarded by the file's revision (`ETag`/`If-Match`), checked by `check`
//! before anything is written, written atomically, served at once (the KB is reloaded as
//! `--watch` reloads it), and with `--git-commit` committed in the KB's git repository with
//! the writer's token name as the author. The text editing itself is the engine's
//! (`fixpath::load::edit`); this module adds HTTP, the save lock and git.

use std::path::{Path as FsPath, PathBuf};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fixpath::load::edit::{self, EditError, Problem as Diagnostic};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Identity;
use super::problem::{Problem, ProblemKind};
use super::{Caller, Shared};

/// How writers' saves are handled: `--git-commit`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    /// Commit each save when the KB directory is a git repository.
    pub(crate) git_commit: bool,
}

/// One save at a time: a revision checked and a file written without another in between.
fn save_lock() -> &'static tokio::sync::Mutex<()> {
    static LOCK: std::sync::OnceLock<tokio::sync::Mutex<()>> = std::sync::OnceLock::new();
    LOCK.get_or_init(|| tokio::sync::Mutex::new(()))
}

/// An article's source file: its YAML and revision.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Source {
    /// The revision of the file's text (what `If-Match` names; also the `ETag`).
    pub(crate) revision: String,
    /// The file's YAML, as on disk.
    pub(crate) yaml: String,
}

/// A whole new text for an article (`PUT`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Replacement {
    /// The article's new YAML.
    yaml: String,
}

/// What a save answers.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Saved {
    /// The article.
    article: String,
    /// The new revision (also the `ETag`).
    revision: String,
    /// The warnings `check` still reports (errors refuse the save).
    #[schema(value_type = Vec<super::schema::DiagnosticSchema>)]
    warnings: Vec<Diagnostic>,
    /// The commit made (`--git-commit` in a git repository; left out otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    commit: Option<String>,
}

/// A refused save, as problem+json with what the writer needs to act on it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SaveProblem {
    /// `urn:fixpath:problem:stale-revision`, `urn:fixpath:problem:invalid-article`, ...
    #[serde(rename = "type")]
    kind: String,
    /// The status's short text.
    title: String,
    /// The HTTP status.
    status: u16,
    /// What went wrong, for a person.
    detail: String,
    /// Every problem `check` found (invalid-article), each with line, column and the
    /// JSON pointer of its field (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Option<Vec<super::schema::DiagnosticSchema>>, nullable = false)]
    diagnostics: Vec<Diagnostic>,
    /// The file as it is now (stale-revision): its revision, YAML and JSON document, so the
    /// writer sees both versions (left out otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Current>, nullable = false)]
    current: Option<Box<Current>>,
}

/// The file as it is on disk now.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Current {
    /// Its revision (send it as `If-Match` to edit this version).
    revision: String,
    /// Its YAML.
    yaml: String,
    /// Its YAML as JSON, fields in file order (`null` when the YAML cannot be read).
    #[schema(value_type = super::schema::JsonValueSchema)]
    document: serde_json::Value,
}

impl SaveProblem {
    fn new(kind: ProblemKind, detail: impl Into<String>) -> SaveProblem {
        let status = kind.status();
        SaveProblem {
            kind: kind.urn(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            diagnostics: Vec::new(),
            current: None,
        }
    }
}

impl IntoResponse for SaveProblem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

impl From<Problem> for SaveProblem {
    fn from(problem: Problem) -> SaveProblem {
        SaveProblem {
            kind: problem.kind,
            title: problem.title,
            status: problem.status,
            detail: problem.detail,
            diagnostics: Vec::new(),
            current: None,
        }
    }
}

/// The revision of a file's text: the first 128 bits of its SHA-256, hex.
pub(crate) fn revision(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(text.as_bytes())[..16])
}

/// Where an article's source is: the KB directory (`None` for the embedded KB) and the
/// file's name in it.
pub(crate) struct Located {
    pub(crate) dir: Option<PathBuf>,
    pub(crate) name: String,
}

impl Located {
    /// Reads the file's text now.
    pub(crate) fn read(&self) -> Result<String, SaveProblem> {
        let bytes = match &self.dir {
            Some(dir) => fixpath::load::read_kb_file(dir, &self.name),
            None => fixpath::load::embedded_file(&self.name).ok_or_else(|| "not embedded".into()),
        }
        .map_err(|message| {
            SaveProblem::new(ProblemKind::NotFound, format!("{}: {message}", self.name))
        })?;
        String::from_utf8(bytes).map_err(|_| {
            SaveProblem::new(
                ProblemKind::UnreadableSource,
                format!("{} is not UTF-8 text", self.name),
            )
        })
    }
}

/// The file an article id names in the KB serving.
pub(crate) fn locate(shared: &Shared, id: &str) -> Result<Located, SaveProblem> {
    let library = shared.desk.library();
    let found = library
        .catalog()
        .find(id)
        .map_err(|error| SaveProblem::new(ProblemKind::BadRequest, error.to_string()))?
        .into_iter()
        .find(|located| located.id == id)
        .ok_or_else(|| {
            SaveProblem::new(
                ProblemKind::UnknownArticle,
                format!("no article has the id `{id}`"),
            )
        })?;
    Ok(Located {
        dir: library.dir.clone(),
        name: found.file,
    })
}

fn with_etag(mut response: Response, revision: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(&format!("\"{revision}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// An article's YAML source and its revision.
#[utoipa::path(get, path = "/api/v1/articles/{id}/source",
    params(("id" = String, Path, description = "The article id")),
    responses(
        (status = 200, description = "The source, with its revision as the ETag", body = Source,
            headers(("ETag" = String, description = "The revision, quoted"))),
        (status = 400, description = "An id that cannot name an article", body = SaveProblem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = SaveProblem, content_type = "application/problem+json"),
        (status = 409, description = "The article's file is not UTF-8 text", body = SaveProblem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn source(
    State(shared): State<Shared>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, SaveProblem> {
    let located = locate(&shared, &id)?;
    let yaml = located.read()?;
    let revision = revision(&yaml);
    let response = super::api::json_response(&Source {
        revision: revision.clone(),
        yaml,
    });
    Ok(with_etag(response, &revision))
}

/// Replaces an article's YAML whole, when `If-Match` names its revision and `check` finds
/// no error in the new text.
#[utoipa::path(put, path = "/api/v1/articles/{id}/source", request_body = Replacement,
    params(("id" = String, Path, description = "The article id"),
        ("If-Match" = String, Header, description = "The revision the edit was made on (the ETag)")),
    responses(
        (status = 200, description = "Saved and served", body = Saved,
            headers(("ETag" = String, description = "The new revision, quoted"))),
        (status = 400, description = "The body is not `{\"yaml\": ...}`, or an id that cannot name an article", body = SaveProblem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = SaveProblem, content_type = "application/problem+json"),
        (status = 409, description = "The KB cannot be edited (the embedded KB), or the article's file is not UTF-8 text", body = SaveProblem, content_type = "application/problem+json"),
        (status = 412, description = "The file changed since that revision: the current version is in `current`", body = SaveProblem, content_type = "application/problem+json"),
        (status = 422, description = "`check` refuses the new text: `diagnostics` has each problem's line, column and JSON pointer", body = SaveProblem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = SaveProblem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn replace(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SaveProblem> {
    guard_browser(&headers, &identity)?;
    // An object only, as every JSON body of the API (`JsonObject`).
    let replacement: Replacement = serde_json::from_slice(&body)
        .map_err(|error| error.to_string())
        .and_then(|value| super::api::object_from_value(value).map_err(|problem| problem.detail))
        .map_err(|why| {
            SaveProblem::new(
                ProblemKind::BadRequest,
                format!("the body is not {{\"yaml\": ...}}: {why}"),
            )
        })?;
    save(&shared, &identity, &id, &headers, |_| Ok(replacement.yaml)).await
}

/// Edits an article in place with a JSON Patch (RFC 6902) over its JSON document: only the
/// changed fields' lines change in the file.
#[utoipa::path(patch, path = "/api/v1/articles/{id}/source",
    request_body(content = Vec<super::schema::PatchOperationSchema>, content_type = "application/json-patch+json",
        description = "A JSON Patch over the article's document (the YAML as JSON)"),
    params(("id" = String, Path, description = "The article id"),
        ("If-Match" = String, Header, description = "The revision the edit was made on (the ETag)")),
    responses(
        (status = 200, description = "Saved and served", body = Saved,
            headers(("ETag" = String, description = "The new revision, quoted"))),
        (status = 400, description = "The body is not a JSON Patch, or an id that cannot name an article", body = SaveProblem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = SaveProblem, content_type = "application/problem+json"),
        (status = 409, description = "The KB cannot be edited, the patch does not apply, or the article's file cannot be edited in place", body = SaveProblem, content_type = "application/problem+json"),
        (status = 412, description = "The file changed since that revision: the current version is in `current`", body = SaveProblem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json-patch+json", body = SaveProblem, content_type = "application/problem+json"),
        (status = 422, description = "`check` refuses the edited article: `diagnostics` has each problem's line, column and JSON pointer", body = SaveProblem, content_type = "application/problem+json"),
        (status = 428, description = "No If-Match", body = SaveProblem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn patch(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SaveProblem> {
    guard_browser(&headers, &identity)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("application/json-patch+json") {
        return Err(SaveProblem::new(
            ProblemKind::UnsupportedMediaType,
            "send a JSON Patch as application/json-patch+json",
        ));
    }
    let operations: json_patch::Patch = serde_json::from_slice(&body).map_err(|error| {
        SaveProblem::new(
            ProblemKind::BadRequest,
            format!("the body is not a JSON Patch: {error}"),
        )
    })?;
    save(&shared, &identity, &id, &headers, move |text| {
        edit::apply(text, &operations).map_err(|error| match error {
            EditError::Patch { .. } | EditError::WholeDocument => {
                SaveProblem::new(ProblemKind::PatchDoesNotApply, error.to_string())
            }
            EditError::Unreadable { .. } => SaveProblem::new(
                ProblemKind::UnreadableSource,
                format!("{error}; replace the whole text instead (PUT)"),
            ),
            _ => SaveProblem::new(ProblemKind::UnfaithfulEdit, error.to_string()),
        })
    })
    .await
}

/// A browser signed in with a cookie (no bearer token) must send the page's CSRF token
/// in `X-CSRF-Token`.
pub(crate) fn guard_browser(headers: &HeaderMap, identity: &Identity) -> Result<(), SaveProblem> {
    if headers.contains_key(header::AUTHORIZATION) {
        return Ok(());
    }
    let given = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    super::ui::check_csrf(headers, identity, given)
        .map_err(|problem| SaveProblem::new(ProblemKind::Forbidden, problem.detail))
}

fn if_match(headers: &HeaderMap) -> Result<String, SaveProblem> {
    let value = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            SaveProblem::new(
                ProblemKind::RevisionRequired,
                "send If-Match with the revision the edit was made on (the ETag of GET .../source)",
            )
        })?;
    Ok(value
        .trim()
        .trim_start_matches("W/")
        .trim_matches('"')
        .to_owned())
}

/// The save: revision checked, the new text made, checked, written, served and committed.
async fn save(
    shared: &Shared,
    identity: &Identity,
    id: &str,
    headers: &HeaderMap,
    make: impl FnOnce(&str) -> Result<String, SaveProblem>,
) -> Result<Response, SaveProblem> {
    let started = std::time::Instant::now();
    let expected = if_match(headers)?;
    let located = locate(shared, id)?;
    let Some(dir) = located.dir.clone() else {
        return Err(SaveProblem::new(
            ProblemKind::ReadOnlyKb,
            "the embedded KB cannot be edited: serve a KB directory (--kb DIR)",
        ));
    };
    let _guard = save_lock().lock().await;
    let text = located.read()?;
    let current = revision(&text);
    if current != expected {
        let mut problem = SaveProblem::new(
            ProblemKind::StaleRevision,
            format!(
                "{} changed since revision {expected} (it is at {current} now): review the current version and edit it again",
                located.name
            ),
        );
        problem.current = Some(Box::new(Current {
            document: edit::document(&text).unwrap_or(serde_json::Value::Null),
            revision: current,
            yaml: text,
        }));
        return Err(problem);
    }
    let new_text = make(&text)?;
    let library = shared.desk.library();
    let name = located.name.clone();
    let checked_text = new_text.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let catalog = library.catalog();
        edit::check_source(&name, &checked_text, |other| {
            catalog
                .find(other)
                .is_ok_and(|found| found.iter().any(|l| l.id == other))
        })
    })
    .await
    .map_err(|error| SaveProblem::from(Problem::internal(error)))?;
    let (article, diagnostics) = checked;
    if edit::has_errors(&diagnostics) {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == fixpath::Severity::Error)
            .count();
        let mut problem = SaveProblem::new(
            ProblemKind::InvalidArticle,
            format!(
                "`check` finds {errors} {} in the edited article: nothing was written",
                if errors == 1 { "error" } else { "errors" }
            ),
        );
        problem.diagnostics = diagnostics;
        return Err(problem);
    }
    if article.as_ref().is_some_and(|a| a.id.as_str() != id) {
        let mut problem = SaveProblem::new(
            ProblemKind::InvalidArticle,
            format!(
                "the article's id is `{id}`: sessions and links name it, so it cannot change here"
            ),
        );
        problem.diagnostics = diagnostics
            .into_iter()
            .chain(std::iter::once(Diagnostic {
                severity: fixpath::Severity::Error,
                code: "schema",
                message: "the id cannot change".to_owned(),
                line: 0,
                column: 0,
                pointer: "/id".to_owned(),
            }))
            .collect();
        return Err(problem);
    }
    let path = dir.join(&located.name);
    let written = new_text.clone();
    let write_path = path.clone();
    tokio::task::spawn_blocking(move || edit::write_atomically(&write_path, &written))
        .await
        .map_err(|error| SaveProblem::from(Problem::internal(error)))?
        .map_err(|error| {
            SaveProblem::from(Problem::internal(format!(
                "cannot write {}: {error}",
                path.display()
            )))
        })?;
    let new_revision = revision(&new_text);
    // Served at once, as --watch would serve it (a watcher's own reload then finds nothing new).
    let state = shared.clone();
    let no_learned = shared.desk.library().no_learned;
    let reload_dir = dir.clone();
    let cache = fixpath::search::store::default_cache_dir();
    let reloaded = tokio::task::spawn_blocking(move || {
        super::watch::reload(&state, reload_dir, &cache, no_learned)
    })
    .await;
    if let Ok(Err(error)) | Err(error) = reloaded.map_err(anyhow::Error::from) {
        eprintln!(
            "warning: saved {} but cannot reload the KB: {error:#}",
            located.name
        );
    }
    let commit = if shared.editor.git_commit {
        let (dir, name, author) = (dir.clone(), located.name.clone(), identity.name.clone());
        let message = format!("{id}: edited in fixpath serve");
        tokio::task::spawn_blocking(move || git_commit(&dir, &name, &author, &message))
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    let warnings = diagnostics;
    let response = super::api::json_response(&Saved {
        article: id.to_owned(),
        revision: new_revision.clone(),
        warnings,
        commit,
    });
    let mut response = with_etag(response, &new_revision);
    if let Ok(value) = HeaderValue::from_str(&format!(
        "app;dur={:.2}",
        started.elapsed().as_secs_f64() * 1000.0
    )) {
        response.headers_mut().insert("server-timing", value);
    }
    Ok(response)
}

/// Commits one file of the KB's git repository with `author` as its author; the commit's
/// id, or `None` when the directory is not a git repository (or git fails, which is logged).
pub(crate) fn git_commit(dir: &FsPath, file: &str, author: &str, message: &str) -> Option<String> {
    use std::process::Command;
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
    };
    let inside = git(&["rev-parse", "--is-inside-work-tree"]).ok()?;
    if !inside.status.success() {
        return None;
    }
    let email: String = author
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let author_line = format!("{author} <{email}@fixpath.invalid>");
    // The committer is the server's git identity, or fixpath's when it has none.
    let has_identity = git(&["config", "user.email"]).is_ok_and(|o| o.status.success());
    let mut commit: Vec<&str> = Vec::new();
    if !has_identity {
        commit.extend([
            "-c",
            "user.name=fixpath serve",
            "-c",
            "user.email=fixpath@fixpath.invalid",
        ]);
    }
    commit.extend([
        "commit",
        "--quiet",
        "--author",
        &author_line,
        "-m",
        message,
        "--",
        file,
    ]);
    let steps: [&[&str]; 2] = [&["add", "--", file], &commit];
    for step in steps {
        match git(step) {
            Ok(output) if output.status.success() => {}
            Ok(output) => {
                eprintln!(
                    "warning: git {} failed: {}",
                    step.join(" "),
                    String::from_utf8_lossy(&output.stderr).trim()
                );
                return None;
            }
            Err(error) => {
                eprintln!("warning: cannot run git: {error}");
                return None;
            }
        }
    }
    let head = git(&["rev-parse", "HEAD"]).ok()?;
    Some(String::from_utf8_lossy(&head.stdout).trim().to_owned())
}

/// The writers' routes (the role is checked around them in the route table).
pub(crate) fn routes() -> axum::Router<Shared> {
    use axum::routing::get;
    axum::Router::new().route(
        "/api/v1/articles/{id}/source",
        get(source).put(replace).patch(patch),
    )
}
