//! The API for ticket systems, under `/api/v1`: JSON in, the engine's views out, errors as
//! `application/problem+json`. The OpenAPI document is generated from these handlers.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use fixpath::render::Format;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::desk::{DetailsRequest, SessionOut, StartRequest, StepRequest, is_session_id};
use super::problem::Problem;
use super::store::{ListFilter, SessionSummary};
use super::{Caller, Shared};

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "fixpath",
        description = "Troubleshooting sessions driven by fixpath's engine: search the KB, read an article, start a session, take steps, read the transcript.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(search, article, start, read, details, step, transcript, list, healthz),
    components(schemas(Problem, StartRequest, StepRequest, DetailsRequest, SessionOut, SessionSummary, SessionList, Health, super::desk::WebhookEvent, super::desk::EventSession)),
    modifiers(&Conventions),
    security(("token" = []))
)]
pub(crate) struct ApiDoc;

/// What every operation shares: the bearer token, the answers any layer may give (401,
/// 403, 408, 413, 414, 429), and the links from a new session to what reads and moves it.
struct Conventions;

impl utoipa::Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::link::LinkBuilder;
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An access token with the integration (or admin) role; none on a loopback server without tokens."))
                    .build(),
            ),
        );
        let problem = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/problem+json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let secured = path.starts_with("/api/");
            for (method, operation) in [
                ("get", &mut item.get),
                ("post", &mut item.post),
                ("patch", &mut item.patch),
            ] {
                let Some(operation) = operation else { continue };
                let responses = &mut operation.responses.responses;
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| problem(description));
                };
                add("408", "The request took too long");
                add("414", "The request target is too long");
                if method != "get" {
                    add("413", "The body is too large");
                }
                if secured {
                    add(
                        "401",
                        "No access token, or one that is not (or no longer) valid",
                    );
                    add("403", "The token's role cannot use this operation");
                    add(
                        "429",
                        "Too many requests for this token: wait `Retry-After` seconds",
                    );
                }
            }
        }
        // A new session links to the operations that read and move it.
        if let Some(RefOr::T(created)) = openapi
            .paths
            .paths
            .get_mut("/api/v1/sessions")
            .and_then(|item| item.post.as_mut())
            .and_then(|op| op.responses.responses.get_mut("201"))
        {
            for operation in ["read", "step", "transcript"] {
                created.links.insert(
                    operation.to_owned(),
                    RefOr::T(
                        LinkBuilder::new()
                            .operation_id(operation)
                            .parameter("id", "$response.body#/id")
                            .build(),
                    ),
                );
            }
        }
    }
}

/// The OpenAPI document, as JSON.
pub(crate) fn document() -> &'static str {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut value = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
        // utoipa 5.5 writes a Link's fields in snake case; OpenAPI spells them in camel case.
        for item in value["paths"]
            .as_object_mut()
            .into_iter()
            .flat_map(|p| p.values_mut())
        {
            for operation in item
                .as_object_mut()
                .into_iter()
                .flat_map(|o| o.values_mut())
            {
                let responses = operation
                    .get_mut("responses")
                    .and_then(|r| r.as_object_mut());
                for response in responses.into_iter().flat_map(|r| r.values_mut()) {
                    let links = response.get_mut("links").and_then(|l| l.as_object_mut());
                    for link in links.into_iter().flat_map(|l| l.values_mut()) {
                        let Some(link) = link.as_object_mut() else {
                            continue;
                        };
                        for (snake, camel) in [
                            ("operation_id", "operationId"),
                            ("operation_ref", "operationRef"),
                            ("request_body", "requestBody"),
                        ] {
                            if let Some(field) = link.remove(snake) {
                                link.insert(camel.to_owned(), field);
                            }
                        }
                    }
                }
            }
        }
        serde_json::to_string_pretty(&value).unwrap_or_default()
    })
}

/// `GET /api/v1/openapi.json`.
pub(crate) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], document()).into_response()
}

fn query_problem(rejection: QueryRejection) -> Problem {
    Problem::bad_request(rejection.body_text())
}

fn json_problem(rejection: JsonRejection) -> Problem {
    let status = rejection.status();
    let status = if status.is_server_error() {
        StatusCode::BAD_REQUEST
    } else {
        status
    };
    Problem::new(status, rejection.body_text())
}

/// Search parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchParams {
    /// An error code, a pasted message or a few words.
    #[param(max_length = 2000)]
    q: String,
    /// How many results (1–50, default 10).
    #[serde(default)]
    #[param(minimum = 1, maximum = 50)]
    limit: Option<usize>,
}

/// Most results a search returns.
pub(crate) const MAX_RESULTS: usize = 50;

/// Searches the KB, as `fixpath search --format json`.
#[utoipa::path(get, path = "/api/v1/search", params(SearchParams),
    responses(
        (status = 200, description = "The query and its ranked results (the engine's search view)", body = Object),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn search(
    State(shared): State<Shared>,
    _caller: Caller,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(params) = params.map_err(query_problem)?;
    if params.q.chars().count() > super::desk::MAX_TEXT {
        return Err(Problem::bad_request("the query is too long"));
    }
    let limit = params.limit.unwrap_or(10);
    if !(1..=MAX_RESULTS).contains(&limit) {
        return Err(Problem::bad_request(format!(
            "limit must be from 1 to {MAX_RESULTS}"
        )));
    }
    let library = shared.desk.library();
    let results = library
        .catalog()
        .search(&params.q, limit)
        .map_err(|e| Problem::bad_request(e.to_string()))?;
    let view = fixpath::search::SearchView {
        query: &params.q,
        results: &results,
    };
    Ok(json_response(&view))
}

/// Serialises a view as the body of a 200.
pub(crate) fn json_response(view: &impl Serialize) -> Response {
    match serde_json::to_vec(view) {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(error) => Problem::internal(error).into_response(),
    }
}

/// How to return an article.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArticleParams {
    /// `json` (the article as data, default), `markdown` or `html`.
    #[serde(default)]
    #[param(value_type = Option<String>, pattern = "^(json|markdown|md|html)$")]
    format: Option<String>,
}

/// One article: as data (the KB format), or rendered as Markdown or HTML.
#[utoipa::path(get, path = "/api/v1/articles/{id}",
    params(("id" = String, Path, description = "The article id or an error code"), ArticleParams),
    responses(
        (status = 200, description = "The article", content((Object = "application/json"), (String = "text/markdown"), (String = "text/html"))),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn article(
    State(shared): State<Shared>,
    _caller: Caller,
    Path(id): Path<String>,
    params: Result<Query<ArticleParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(params) = params.map_err(query_problem)?;
    let library = shared.desk.library();
    let found = crate::kb::choose_id(library.catalog(), false, &id)
        .map_err(|e| Problem::not_found(e.to_string()))?;
    let prepared = library.article(&found)?;
    let (format, content_type) = match params.format.as_deref().unwrap_or("json") {
        "json" => return Ok(json_response(&prepared.text)),
        "markdown" | "md" => (Format::Markdown, "text/markdown; charset=utf-8"),
        "html" => (Format::Html, "text/html; charset=utf-8"),
        other => {
            return Err(Problem::bad_request(format!(
                "format `{other}` is not json, markdown or html"
            )));
        }
    };
    let article = match format {
        Format::Html => &prepared.page,
        _ => &prepared.text,
    };
    let body = shared
        .desk
        .renderer
        .render_article(article, format, None)
        .map_err(Problem::internal)?;
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

/// Starts a session: in a named article or from the problem's text, with the facts the
/// ticket already has. Stored before the answer is sent.
#[utoipa::path(post, path = "/api/v1/sessions", request_body = StartRequest,
    responses(
        (status = 201, description = "The session, with its first step", body = SessionOut),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a session that can start (facts that do not fit, an ambiguous problem)", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn start(
    State(shared): State<Shared>,
    caller: Caller,
    request: Result<Json<StartRequest>, JsonRejection>,
) -> Result<Response, Problem> {
    let Json(request) = request.map_err(json_problem)?;
    let stored = shared.desk.start(request, &caller.0.name).await?;
    let out = shared.desk.out(&stored, true)?;
    let mut response = json_response(&out);
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(location) = format!("/api/v1/sessions/{}", stored.id).parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Reads a session: its state, the next step, the transcript so far.
#[utoipa::path(get, path = "/api/v1/sessions/{id}",
    params(("id" = String, Path, description = "The session id"), ViewParams),
    responses(
        (status = 200, description = "The session", body = SessionOut),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Its article changed since", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn read(
    State(shared): State<Shared>,
    _caller: Caller,
    Path(id): Path<String>,
    params: Result<Query<ViewParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(params) = params.map_err(query_problem)?;
    let whole = params.whole()?;
    let stored = shared.desk.stored(&id).await?;
    Ok(json_response(&shared.desk.out(&stored, whole)?))
}

/// Changes a session's ticket reference or notes: not a move (the steps stay), allowed
/// open or ended (the notes of an escalated session are for level 2).
#[utoipa::path(patch, path = "/api/v1/sessions/{id}", request_body = DetailsRequest,
    params(("id" = String, Path, description = "The session id")),
    responses(
        (status = 200, description = "The session after the change", body = SessionOut),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Nothing to change, an unknown field, or a text too long", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn details(
    State(shared): State<Shared>,
    _caller: Caller,
    Path(id): Path<String>,
    request: Result<Json<DetailsRequest>, JsonRejection>,
) -> Result<Response, Problem> {
    if !is_session_id(&id) {
        return Err(Problem::not_found("no session has this id"));
    }
    let Json(request) = request.map_err(json_problem)?;
    let stored = shared.desk.details(&id, &request).await?;
    Ok(json_response(&shared.desk.out(&stored, false)?))
}

/// How much of a session to return.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ViewParams {
    /// `full` (default: with the transcript and the stored state) or `live` (the next
    /// step and the ranked causes only: a few KB however long the session).
    #[serde(default)]
    #[param(value_type = Option<String>, pattern = "^(full|live)$")]
    view: Option<String>,
}

impl ViewParams {
    /// True for the whole session, false for the live view alone.
    fn whole(&self) -> Result<bool, Problem> {
        match self.view.as_deref() {
            None | Some("full") => Ok(true),
            Some("live") => Ok(false),
            Some(_) => Err(Problem::bad_request("view is `full` or `live`")),
        }
    }
}

/// Takes a step: an answer (or `null`, don't know), back, a fix's outcome, going on in a
/// linked article, or ending. Stored before the answer is sent.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/steps", request_body = StepRequest,
    params(("id" = String, Path, description = "The session id"), ViewParams),
    responses(
        (status = 200, description = "The session after the step", body = SessionOut),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The session ended or moved on (expect_steps), or its article changed", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a step this session can take", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn step(
    State(shared): State<Shared>,
    caller: Caller,
    Path(id): Path<String>,
    params: Result<Query<ViewParams>, QueryRejection>,
    request: Result<Json<StepRequest>, JsonRejection>,
) -> Result<Response, Problem> {
    if !is_session_id(&id) {
        return Err(Problem::not_found("no session has this id"));
    }
    let Query(params) = params.map_err(query_problem)?;
    let whole = params.whole()?;
    let Json(request) = request.map_err(json_problem)?;
    let stored = shared.desk.step(&id, &request, &caller.0.name).await?;
    Ok(json_response(&shared.desk.out(&stored, whole)?))
}

/// How to return a transcript.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct TranscriptParams {
    /// `markdown` (default: to paste into the ticket), `text` (plain text, no Markdown
    /// marks) or `json`.
    #[serde(default)]
    #[param(value_type = Option<String>, pattern = "^(markdown|md|text|txt|json)$")]
    format: Option<String>,
}

/// A session's transcript: Markdown to paste into the ticket, plain text, or JSON. Its
/// head names the session (URL and id), the ticket, the problem, the agent, the start,
/// end and duration, and the outcome; `Content-Disposition` names it after the ticket
/// reference (or the session id).
#[utoipa::path(get, path = "/api/v1/sessions/{id}/transcript",
    params(("id" = String, Path, description = "The session id"), TranscriptParams),
    responses(
        (status = 200, description = "The transcript", content((String = "text/markdown"), (String = "text/plain"), (Object = "application/json"))),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Its article changed since", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn transcript(
    State(shared): State<Shared>,
    _caller: Caller,
    Path(id): Path<String>,
    params: Result<Query<TranscriptParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(params) = params.map_err(query_problem)?;
    let stored = shared.desk.stored(&id).await?;
    transcript_response(
        &shared,
        &stored,
        params.format.as_deref().unwrap_or("markdown"),
        false,
    )
}

/// The file name a transcript downloads as: the ticket reference (letters, digits, `.`,
/// `_` and `-` kept, anything else as `-`), else the session id's first 8 digits.
pub(crate) fn transcript_file_name(
    stored: &super::store::StoredSession,
    extension: &str,
) -> String {
    let from_reference = stored.reference.as_deref().map(|reference| {
        let cleaned: String = reference
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .take(64)
            .collect();
        cleaned.trim_matches(['-', '.']).to_owned()
    });
    let stem = match from_reference {
        Some(stem) if !stem.is_empty() => stem,
        _ => format!("session-{}", &stored.id[..stored.id.len().min(8)]),
    };
    format!("{stem}-transcript.{extension}")
}

/// The transcript of a stored session in a format (shared with the pages' download links).
pub(crate) fn transcript_response(
    shared: &Shared,
    stored: &super::store::StoredSession,
    format: &str,
    download: bool,
) -> Result<Response, Problem> {
    let state = super::desk::parse_state(&stored.state)?;
    let transcript = shared
        .desk
        .transcript(&shared.desk.library(), stored, &state)?;
    let (mut response, extension) = match format {
        "markdown" | "md" => (
            (
                [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
                transcript.markdown.clone(),
            )
                .into_response(),
            "md",
        ),
        "text" | "txt" => (
            (
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                transcript.text(),
            )
                .into_response(),
            "txt",
        ),
        "json" => (json_response(&transcript.value), "json"),
        other => {
            return Err(Problem::bad_request(format!(
                "format `{other}` is not markdown, text or json"
            )));
        }
    };
    let disposition = format!(
        "{}; filename=\"{}\"",
        if download { "attachment" } else { "inline" },
        transcript_file_name(stored, extension)
    );
    if let Ok(value) = disposition.parse() {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// Which sessions to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListParams {
    /// `open`, `fixed`, `escalated`, `abandoned`, …
    #[serde(default)]
    status: Option<String>,
    /// Sessions in this article (begun or now).
    #[serde(default)]
    article: Option<String>,
    /// The ticket's reference.
    #[serde(default)]
    reference: Option<String>,
    /// Only sessions last moved before this time (ms): the `next` of the previous page.
    #[serde(default)]
    before: Option<i64>,
    /// How many (1–200, default 50).
    #[serde(default)]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

/// A page of sessions.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionList {
    /// The sessions, most recently moved first.
    sessions: Vec<SessionSummary>,
    /// The `before` of the next page, when there may be one.
    next: Option<i64>,
}

/// Lists sessions, most recently moved first.
#[utoipa::path(get, path = "/api/v1/sessions", params(ListParams),
    responses(
        (status = 200, description = "A page of sessions", body = SessionList),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn list(
    State(shared): State<Shared>,
    _caller: Caller,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(params) = params.map_err(query_problem)?;
    if params.limit.is_some_and(|l| !(1..=200).contains(&l)) {
        return Err(Problem::bad_request("limit must be from 1 to 200"));
    }
    let filter = ListFilter {
        status: params.status,
        article: params.article,
        reference: params.reference,
        before: params.before,
        limit: params.limit.unwrap_or(50),
    };
    let sessions = shared.desk.store.list(&filter).await?;
    let next = (sessions.len() as i64 == filter.limit)
        .then(|| sessions.last().map(|s| s.updated_at))
        .flatten();
    Ok(json_response(&SessionList { sessions, next }))
}

/// What `/healthz` says.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Health {
    /// `ok`, or `degraded` when the store does not answer.
    status: &'static str,
    /// Articles in the KB serving.
    articles: u64,
    /// True when the KB on disk has errors and the last good version serves.
    kb_errors: bool,
    /// `sqlite` or `postgres`.
    store: &'static str,
    /// Webhook deliveries not yet made (a receiver down shows here).
    pending_webhooks: i64,
}

/// For load balancers: 200 when the KB is loaded and the store answers, else 503.
#[utoipa::path(get, path = "/healthz", security(()),
    responses(
        (status = 200, description = "Serving", body = Health),
        (status = 503, description = "The store does not answer", body = Health),
    ))]
pub(crate) async fn healthz(State(shared): State<Shared>) -> Response {
    let library = shared.desk.library();
    let pending = shared.desk.store.pending_deliveries().await;
    let up = pending.is_ok();
    let health = Health {
        status: if up { "ok" } else { "degraded" },
        articles: library.catalog().len(),
        kb_errors: shared.pending.load().is_some(),
        store: match shared.desk.store.backend() {
            super::store::Backend::Sqlite => "sqlite",
            super::store::Backend::Postgres => "postgres",
        },
        pending_webhooks: pending.unwrap_or(0),
    };
    let mut response = json_response(&health);
    if !up {
        *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    }
    response
}
