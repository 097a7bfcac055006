//! The API for ticket systems, under `/api/v1`: JSON in, the engine's views out, errors as
//! `application/problem+json`. The OpenAPI document is generated from these handlers.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use fixpath::render::Format;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use super::desk::{DetailsRequest, SessionOut, StartRequest, StepRequest, is_session_id};
use super::problem::{Problem, ProblemKind};
use super::store::{Claim, Cursor, ListFilter, SessionSummary};
use super::{Caller, Shared};

/// The OpenAPI document of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "fixpath",
        description = "Troubleshooting sessions driven by fixpath's engine: search the KB, read an article, start a session, take steps, read the transcript.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(search, article, start, read, details, step, transcript, list, stats, healthz, super::editor::source, super::editor::replace, super::editor::patch),
    components(schemas(Problem, StartRequest, StepRequest, DetailsRequest, SessionOut, SessionSummary, SessionList, Stats, Health, super::desk::WebhookEvent, super::desk::EventSession, super::desk::EventNode, super::desk::EventStep, super::editor::Source, super::editor::Replacement, super::editor::Saved, super::editor::SaveProblem, super::editor::Current)),
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
                ("put", &mut item.put),
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
                    add(
                        "503",
                        "The session store does not answer: try again after `Retry-After` seconds",
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
        // A start names an article (with the problem's text or without), or the problem alone.
        if let Some(start) = value.pointer_mut("/components/schemas/StartRequest") {
            start["oneOf"] = serde_json::json!([
                {"required": ["article"], "properties": {"article": {"type": "string"}}},
                {
                    "required": ["problem"],
                    "properties": {"problem": {"type": "string"}},
                    "not": {"required": ["article"], "properties": {"article": {"type": "string"}}}
                },
            ]);
        }
        // An article as data is the KB format: the schema `fixpath schema` prints, its
        // definitions hoisted among the components (as `Kb…`).
        let mut article = serde_json::to_value(schemars::schema_for!(fixpath::model::Article))
            .unwrap_or_default();
        let definitions = article
            .as_object_mut()
            .and_then(|a| a.remove("$defs"))
            .unwrap_or_default();
        if let Some(object) = article.as_object_mut() {
            object.remove("$schema");
        }
        let mut kb_schemas = vec![("KbArticle".to_owned(), article)];
        if let serde_json::Value::Object(definitions) = definitions {
            kb_schemas.extend(
                definitions
                    .into_iter()
                    .map(|(name, s)| (format!("Kb{name}"), s)),
            );
        }
        for (name, mut schema) in kb_schemas {
            rewrite_refs(&mut schema);
            value["components"]["schemas"][name] = schema;
        }
        if let Some(content) = value.pointer_mut(
            "/paths/~1api~1v1~1articles~1{id}/get/responses/200/content/application~1json/schema",
        ) {
            *content = serde_json::json!({"$ref": "#/components/schemas/KbArticle"});
        }
        // A problem's `type` is one of the URNs of `ProblemKind`.
        if let Some(kind) = value.pointer_mut("/components/schemas/Problem/properties/type") {
            kind["enum"] = super::problem::ProblemKind::ALL
                .iter()
                .map(|k| serde_json::Value::String(k.urn()))
                .collect();
        }
        serde_json::to_string_pretty(&value).unwrap_or_default()
    })
}

/// Points a schemars `$ref` (`#/$defs/X`) at the component it became (`KbX`).
fn rewrite_refs(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(target)) = map.get_mut("$ref")
                && let Some(name) = target.strip_prefix("#/$defs/")
            {
                *target = format!("#/components/schemas/Kb{name}");
            }
            map.values_mut().for_each(rewrite_refs);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
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

/// A JSON request body that must be an object. serde reads a struct from an array as well
/// (`["a", "b"]` as its fields in order), which no request of the document is: such a body
/// is refused (422) instead of taken field by field.
#[derive(Debug)]
pub(crate) struct JsonObject<T>(pub(crate) T);

impl<T, S> axum::extract::FromRequest<S> for JsonObject<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Problem> {
        let Json(value) = Json::<serde_json::Value>::from_request(request, state)
            .await
            .map_err(json_problem)?;
        object_from_value(value).map(JsonObject)
    }
}

/// Reads a request from a JSON value that must be an object (see [`JsonObject`]).
pub(crate) fn object_from_value<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, Problem> {
    if !value.is_object() {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the body is not a JSON object",
        ));
    }
    serde_json::from_value(value).map_err(|error| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Failed to deserialize the JSON body into the target type: {error}"),
        )
    })
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
        (status = 200, description = "The query and its ranked results (the engine's search view)", body = super::schema::SearchSchema),
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
        (status = 200, description = "The article (as data: the KB format, `KbArticle`)", content((Object = "application/json"), (String = "text/markdown"), (String = "text/html"))),
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
        .map_err(|e| Problem::of(ProblemKind::UnknownArticle, e.to_string()))?;
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
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key with the same body gets the first answer again for 24 hours (`Idempotent-Replayed: true`); with another body, 422 `urn:fixpath:problem:idempotency-key-reused`.", max_length = 255)),
    responses(
        (status = 201, description = "The session, with its first step", body = SessionOut),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A request with this Idempotency-Key is being answered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a session that can start (facts that do not fit, an ambiguous problem), or an Idempotency-Key used with another body", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn start(
    State(shared): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    request: Result<JsonObject<StartRequest>, Problem>,
) -> Result<Response, Problem> {
    let JsonObject(request) = request?;
    for (name, text) in [("article", &request.article), ("problem", &request.problem)] {
        if text.as_ref().is_some_and(|t| t.trim().is_empty()) {
            return Err(Problem::bad_request(format!("{name} is empty")));
        }
    }
    let fingerprint = fingerprint("start", &request)?;
    let mut response = idempotent(&shared, &caller, &headers, &fingerprint, async {
        let stored = shared.desk.start(request, &caller.0.name).await?;
        let out = shared.desk.out(&stored, true)?;
        Ok((
            StatusCode::CREATED,
            serde_json::to_string(&out).map_err(Problem::internal)?,
        ))
    })
    .await?;
    let id = response
        .headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(location) = id.and_then(|id| format!("/api/v1/sessions/{id}").parse().ok()) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// How long an `Idempotency-Key`'s answer is kept (ms): 24 hours.
const IDEMPOTENCY_KEEP_MS: i64 = 24 * 3600 * 1000;
/// The longest `Idempotency-Key` taken.
const MAX_IDEMPOTENCY_KEY: usize = 255;
/// A header naming the session an answer is about (for `Location`).
const SESSION_HEADER: &str = "x-fixpath-session";

/// What makes two requests the same for an idempotency key: the operation and the body.
fn fingerprint(operation: &str, request: &impl Serialize) -> Result<String, Problem> {
    use sha2::Digest as _;
    let body = serde_json::to_vec(request).map_err(Problem::internal)?;
    let mut hash = sha2::Sha256::new();
    hash.update(operation.as_bytes());
    hash.update([0]);
    hash.update(&body);
    Ok(hex::encode(hash.finalize()))
}

/// Answers a request once per `Idempotency-Key` (when it has one): the first answer (a
/// success) is kept 24 hours and given again to the same request with the same key
/// (`Idempotent-Replayed: true`); the key with another request is 422; while the first is
/// being answered, 409. A failure lets the key go, so the request can be sent again.
async fn idempotent(
    shared: &Shared,
    caller: &Caller,
    headers: &HeaderMap,
    fingerprint: &str,
    work: impl std::future::Future<Output = Result<(StatusCode, String), Problem>>,
) -> Result<Response, Problem> {
    let answer = |status: StatusCode, body: String, replayed: bool| {
        let session = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["id"].as_str().map(str::to_owned));
        let mut response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
        *response.status_mut() = status;
        if let Some(value) = session.and_then(|id| HeaderValue::from_str(&id).ok()) {
            response.headers_mut().insert(SESSION_HEADER, value);
        }
        if replayed {
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        response
    };
    let Some(key) = headers.get("idempotency-key") else {
        let (status, body) = work.await?;
        return Ok(answer(status, body, false));
    };
    let key = key
        .to_str()
        .ok()
        .filter(|k| !k.is_empty() && k.len() <= MAX_IDEMPOTENCY_KEY)
        .ok_or_else(|| {
            Problem::bad_request(format!(
                "Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters"
            ))
        })?;
    let store = &shared.desk.store;
    let now = fixpath::session::Timestamp::now().0;
    let caller = &caller.0.name;
    match store
        .claim_key(caller, key, fingerprint, now, IDEMPOTENCY_KEEP_MS)
        .await?
    {
        Claim::Fresh => {}
        Claim::Answered { status, body } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            return Ok(answer(status, body, true));
        }
        Claim::InProgress => {
            return Err(Problem::of(
                ProblemKind::IdempotencyKeyInUse,
                "a request with this Idempotency-Key is being answered; try again in a moment",
            ));
        }
        Claim::OtherRequest => {
            return Err(Problem::of(
                ProblemKind::IdempotencyKeyReused,
                "this Idempotency-Key was used with another request: use a new key for a new request",
            ));
        }
    }
    match work.await {
        Ok((status, body)) => {
            store
                .settle_key(caller, key, Some((status.as_u16(), &body)))
                .await?;
            Ok(answer(status, body, false))
        }
        Err(problem) => {
            store.settle_key(caller, key, None).await?;
            Err(problem)
        }
    }
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
        (status = 422, description = "Nothing to change, a body that is not an object, an unknown field, or a text too long", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn details(
    State(shared): State<Shared>,
    _caller: Caller,
    Path(id): Path<String>,
    request: Result<JsonObject<DetailsRequest>, Problem>,
) -> Result<Response, Problem> {
    if !is_session_id(&id) {
        return Err(Problem::unknown_session());
    }
    let JsonObject(request) = request?;
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
    params(("id" = String, Path, description = "The session id"), ViewParams,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key with the same step gets the first answer again for 24 hours; with another step, 422.", max_length = 255)),
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
    headers: HeaderMap,
    Path(id): Path<String>,
    params: Result<Query<ViewParams>, QueryRejection>,
    request: Result<JsonObject<StepRequest>, Problem>,
) -> Result<Response, Problem> {
    if !is_session_id(&id) {
        return Err(Problem::unknown_session());
    }
    let Query(params) = params.map_err(query_problem)?;
    let whole = params.whole()?;
    let JsonObject(request) = request?;
    let fingerprint = fingerprint(&format!("step {id} {whole}"), &request)?;
    idempotent(&shared, &caller, &headers, &fingerprint, async {
        let stored = shared.desk.step(&id, &request, &caller.0.name).await?;
        let out = shared.desk.out(&stored, whole)?;
        Ok((
            StatusCode::OK,
            serde_json::to_string(&out).map_err(Problem::internal)?,
        ))
    })
    .await
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
        (status = 200, description = "The transcript", content((String = "text/markdown"), (String = "text/plain"), (super::schema::TranscriptSchema = "application/json"))),
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

/// Which sessions to list. Every filter is optional; a value the server does not know is
/// refused (400, `urn:fixpath:problem:invalid-filter`), never answered with an empty list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListParams {
    /// `open`, `ended` (any outcome), or an outcome.
    #[serde(default)]
    #[param(value_type = Option<String>, pattern = "^(open|ended|fixed|escalated|incomplete|interrupted|continued|abandoned)$")]
    status: Option<String>,
    /// Ended sessions with this outcome.
    #[serde(default)]
    #[param(value_type = Option<String>, pattern = "^(fixed|escalated|incomplete|interrupted|continued|abandoned)$")]
    outcome: Option<String>,
    /// Sessions in this article (begun or now): an id or an error code, as start takes.
    #[serde(default)]
    #[param(max_length = 200)]
    article: Option<String>,
    /// The ticket's reference.
    #[serde(default)]
    #[param(max_length = 1000)]
    reference: Option<String>,
    /// Sessions begun by this token (its name; `local` on a server without tokens).
    #[serde(default)]
    #[param(max_length = 200)]
    created_by: Option<String>,
    /// Sessions that moved at or after this time (ms since the Unix epoch): what changed
    /// since the last sync.
    #[serde(default)]
    updated_since: Option<i64>,
    /// Sessions that last moved before this time (ms since the Unix epoch).
    #[serde(default)]
    before: Option<i64>,
    /// The `next` of the previous page: the page after it.
    #[serde(default)]
    #[param(max_length = 200)]
    cursor: Option<String>,
    /// How many (1–200, default 50).
    #[serde(default)]
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

/// How a session can end, as the list's `status` and `outcome` filters name it.
const OUTCOMES: &[&str] = &[
    "fixed",
    "escalated",
    "incomplete",
    "interrupted",
    "continued",
    "abandoned",
];

/// A page of sessions.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionList {
    /// The sessions, most recently moved first (ties by id).
    sessions: Vec<SessionSummary>,
    /// The `cursor` of the next page, when there may be one (opaque: send it back as is).
    next: Option<String>,
}

/// Lists sessions, most recently moved first, a page at a time: a page never skips nor
/// repeats a session, however many moved in the same millisecond.
#[utoipa::path(get, path = "/api/v1/sessions", params(ListParams),
    responses(
        (status = 200, description = "A page of sessions", body = SessionList),
        (status = 400, description = "Bad parameters, or a filter value the server does not know", body = Problem, content_type = "application/problem+json"),
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
    let filter = list_filter(&shared, params)?;
    let sessions = shared.desk.store.list(&filter).await?;
    let next = (sessions.len() as i64 == filter.limit)
        .then(|| {
            sessions.last().map(|s| {
                Cursor {
                    updated_at: s.updated_at,
                    id: s.id.clone(),
                }
                .encode()
            })
        })
        .flatten();
    Ok(json_response(&SessionList { sessions, next }))
}

/// The store's filter for the list's parameters; 400 for a value it does not know.
fn list_filter(shared: &Shared, params: ListParams) -> Result<ListFilter, Problem> {
    for (name, text, most) in [
        ("article", &params.article, 200),
        ("reference", &params.reference, 1000),
        ("created_by", &params.created_by, 200),
        ("cursor", &params.cursor, 200),
    ] {
        if text.as_ref().is_some_and(|t| t.chars().count() > most) {
            return Err(Problem::bad_request(format!(
                "{name} is longer than {most} characters"
            )));
        }
    }
    let mut filter = ListFilter {
        reference: params.reference,
        created_by: params.created_by,
        before: params.before,
        updated_since: params.updated_since,
        limit: params.limit.unwrap_or(50),
        ..ListFilter::default()
    };
    match params.status.as_deref().map(str::to_lowercase).as_deref() {
        None => {}
        Some("ended") => filter.ended = true,
        Some(status) if status == "open" || OUTCOMES.contains(&status) => {
            filter.status = Some(status.to_owned());
        }
        Some(other) => {
            return Err(Problem::invalid_filter(format!(
                "status `{other}` is not open, ended or an outcome ({})",
                OUTCOMES.join(", ")
            )));
        }
    }
    if let Some(outcome) = params.outcome.as_deref().map(str::to_lowercase) {
        if !OUTCOMES.contains(&outcome.as_str()) {
            return Err(Problem::invalid_filter(format!(
                "outcome `{outcome}` is not one of {}",
                OUTCOMES.join(", ")
            )));
        }
        if filter.status.as_ref().is_some_and(|s| *s != outcome) {
            return Err(Problem::invalid_filter(format!(
                "status and outcome disagree (`{}`, `{outcome}`)",
                filter.status.as_deref().unwrap_or_default()
            )));
        }
        filter.status = Some(outcome);
        filter.ended = false;
    }
    if let Some(article) = params.article {
        let library = shared.desk.library();
        let id = crate::kb::choose_id(library.catalog(), false, &article)
            .map_err(|e| Problem::invalid_filter(format!("article: {e}")))?;
        filter.article = Some(id);
    }
    if let Some(cursor) = params.cursor {
        filter.after = Some(Cursor::decode(&cursor).ok_or_else(|| {
            Problem::invalid_filter("cursor is not one this server gave: send back a page's `next`")
        })?);
    }
    Ok(filter)
}

/// Which sessions the statistics count.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatsParams {
    /// Only sessions begun on or after this day (`YYYY-MM-DD`, UTC).
    #[serde(default)]
    #[param(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    since: Option<String>,
    /// One article (its id).
    #[serde(default)]
    #[param(max_length = 200)]
    article: Option<String>,
}

/// What the ended sessions say about each article: the JSON of `fixpath stats --format json`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Stats {
    /// Articles with sessions, most sessions first.
    #[schema(value_type = Vec<ArticleStatsSchema>)]
    articles: Vec<fixpath::learn::ArticleStats>,
    /// Articles by escalations, most first (`[article, escalations]`): the KB's gaps.
    most_escalated: Vec<(String, u32)>,
}

/// One article's figures (the engine's `learn::ArticleStats`).
#[derive(ToSchema)]
#[schema(as = ArticleStats)]
#[allow(dead_code, reason = "the schema of a type the engine serialises")]
pub(crate) struct ArticleStatsSchema {
    /// The article id.
    article: String,
    /// Sessions (parts of sessions in this article).
    sessions: u32,
    /// Ended with a fix that worked.
    resolved: u32,
    /// Escalated.
    escalated: u32,
    /// Abandoned, interrupted or left incomplete.
    abandoned: u32,
    /// Went on in another article.
    continued: u32,
    /// `resolved / sessions`.
    resolution_rate: f64,
    /// The median minutes from start to the fix that worked, over resolved sessions.
    median_minutes_to_fix: Option<f64>,
    /// Resolved sessions by the cause they ended on, most first: `[cause, sessions]`.
    causes: Vec<(String, u32)>,
    /// Fixes by how often they did not work, most first: `[fix, tried, failed]`.
    failing_fixes: Vec<(String, u32, u32)>,
    /// Questions by how often they were answered "I don't know": `[question, asked, unknown]`.
    unknown_questions: Vec<(String, u32, u32)>,
    /// Where abandoned sessions stopped (the last question or fix): `[step, sessions]`.
    abandoned_at: Vec<(String, u32)>,
}

/// What the ended sessions say about each article (as `fixpath stats --format json`).
#[utoipa::path(get, path = "/api/v1/stats", params(StatsParams),
    responses(
        (status = 200, description = "Figures per article", body = Stats),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
    ))]
pub(crate) async fn stats(
    State(shared): State<Shared>,
    _caller: Caller,
    params: Result<Query<StatsParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(params) = params.map_err(query_problem)?;
    if params
        .article
        .as_ref()
        .is_some_and(|a| a.chars().count() > 200)
    {
        return Err(Problem::bad_request(
            "article is longer than 200 characters",
        ));
    }
    let since = params
        .since
        .as_deref()
        .map(crate::cmd::stats::since_ms)
        .transpose()
        .map_err(|e| Problem::invalid_filter(e.to_string()))?;
    let records = shared.desk.store.ended_records().await?;
    let mut articles = fixpath::learn::ArticleStats::of(records, since);
    if let Some(article) = &params.article {
        articles.retain(|a| a.article.as_str() == article);
    }
    let mut most_escalated: Vec<(String, u32)> = articles
        .iter()
        .filter(|a| a.escalated > 0)
        .map(|a| (a.article.to_string(), a.escalated))
        .collect();
    most_escalated.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(json_response(&Stats {
        articles,
        most_escalated,
    }))
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
        (status = 503, description = "The store does not answer (`status`: `degraded`)", body = Health),
    ))]
pub(crate) async fn healthz(State(shared): State<Shared>) -> Response {
    let library = shared.desk.library();
    // Bounded: a store that does not answer makes this `degraded` within two seconds.
    let pending = tokio::time::timeout(
        super::store::ACQUIRE_TIMEOUT + std::time::Duration::from_millis(300),
        shared.desk.store.pending_deliveries(),
    )
    .await
    .ok()
    .and_then(Result::ok);
    let up = pending.is_some();
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
