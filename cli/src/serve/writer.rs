//! Writers' pages: the review queue (`/review`), the editor (`/articles/{id}/edit`) with
//! its live preview (`POST /articles/{id}/preview`, the engine's session over the edited
//! document, nothing saved), and new articles (`/review/new`: blank, or a Markdown upload
//! through `import`). Saving goes through the source API in [`super::editor`].

use std::collections::BTreeMap;

use axum::Form;
use axum::Json;
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use fixpath::load::edit;
use fixpath::model::NodeId;
use fixpath::session::{Session, Subject, Timestamp};
use fixpath::solve::{Facts, Given};
use serde::{Deserialize, Serialize};

use super::editor::{SaveProblem, locate, revision};
use super::problem::{Problem, ProblemKind};
use super::ui::{error_page, page};
use super::{Caller, Shared};

/// The editor's page data.
#[derive(Serialize)]
struct EditData {
    id: String,
    title: String,
    file: String,
    revision: String,
    yaml: String,
    /// What editor.js starts from: the document, its revision, the learned figures.
    boot: serde_json::Value,
    problems: Vec<edit::Problem>,
    editable: bool,
}

/// `GET /articles/{id}/edit`: the article as forms beside its graph, preview and problems.
pub(crate) async fn edit_page(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let started = std::time::Instant::now();
    let data = match edit_data(&shared, &id).await {
        Ok(data) => data,
        Err(problem) => return error_page(&shared, &headers, &problem),
    };
    let response = page(
        &shared,
        &headers,
        &identity,
        "html/serve/edit.html.j2",
        None,
        "",
        data,
    );
    server_timing(response, started)
}

/// Adds the time the server spent (`Server-Timing: app;dur=MS`), what `bench-editor` reads.
fn server_timing(mut response: Response, started: std::time::Instant) -> Response {
    let value = format!("app;dur={:.2}", started.elapsed().as_secs_f64() * 1000.0);
    if let Ok(value) = axum::http::HeaderValue::from_str(&value) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

async fn edit_data(shared: &Shared, id: &str) -> Result<EditData, Problem> {
    let located = locate(shared, id).map_err(to_problem)?;
    let yaml = located.read().map_err(to_problem)?;
    let library = shared.desk.library();
    let name = located.name.clone();
    let text = yaml.clone();
    let (problems, document) = tokio::task::spawn_blocking(move || {
        let catalog = library.catalog();
        let (_, problems) = edit::check_source(&name, &text, |other| {
            catalog
                .find(other)
                .is_ok_and(|found| found.iter().any(|l| l.id == other))
        });
        let document = edit::document(&text).unwrap_or(serde_json::Value::Null);
        (problems, document)
    })
    .await
    .map_err(Problem::internal)?;
    let library = shared.desk.library();
    let learned = library
        .article(id)
        .ok()
        .and_then(|prepared| prepared.text.learned.clone());
    let title = document
        .get("title")
        .and_then(|t| t.as_str())
        .unwrap_or(id)
        .to_owned();
    let revision = revision(&yaml);
    let boot = serde_json::json!({
        "id": id,
        "revision": revision,
        "document": document,
        "learned": learned,
        "problems": problems,
    });
    Ok(EditData {
        id: id.to_owned(),
        title,
        file: located.name,
        revision,
        yaml,
        boot,
        problems,
        editable: located.dir.is_some(),
    })
}

fn to_problem(problem: SaveProblem) -> Problem {
    let value = serde_json::to_value(&problem).unwrap_or_default();
    let status = value["status"]
        .as_u64()
        .and_then(|s| StatusCode::from_u16(s as u16).ok())
        .unwrap_or(StatusCode::BAD_REQUEST);
    Problem::new(status, value["detail"].as_str().unwrap_or("error"))
}

/// `GET /articles/{id}/graph.svg`: the article's graph as its file is now (an image: the
/// drawing's inline styles stay out of the page's CSP).
pub(crate) async fn graph(
    State(shared): State<Shared>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Response {
    let located = match locate(&shared, &id) {
        Ok(located) => located,
        Err(problem) => return problem.into_response(),
    };
    let text = match located.read() {
        Ok(text) => text,
        Err(problem) => return problem.into_response(),
    };
    let drawn = tokio::task::spawn_blocking(move || {
        let (article, _) = edit::check_source(&located.name, &text, |_| true);
        article.and_then(|a| shared.desk.renderer.render_svg(&a).ok())
    })
    .await
    .ok()
    .flatten();
    match drawn {
        Some(svg) => ([(axum::http::header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        None => Problem::not_found("this article has no graph to draw").into_response(),
    }
}

/// One move of a preview walk.
#[derive(Debug, Deserialize)]
#[serde(tag = "move", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum PreviewMove {
    /// An answer (`null`: don't know).
    Answer {
        question: String,
        answer: Option<String>,
    },
    /// A fix's outcome.
    Fix { remedy: String, fixed: bool },
    /// Undo the last move.
    Back,
}

/// A preview: the edited document and the moves so far.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PreviewRequest {
    document: serde_json::Value,
    #[serde(default)]
    moves: Vec<PreviewMove>,
}

/// `POST /articles/{id}/preview`: where the engine's session goes on the edited article
/// after these moves, and what `check` says of it; nothing is saved.
pub(crate) async fn preview(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    request: Result<Json<PreviewRequest>, JsonRejection>,
) -> Result<Response, SaveProblem> {
    let started = std::time::Instant::now();
    super::editor::guard_browser(&headers, &identity)?;
    let Json(request) = request
        .map_err(|rejection| SaveProblem::from(Problem::bad_request(rejection.body_text())))?;
    let library = shared.desk.library();
    let name = format!("{id}.yaml");
    let answer = tokio::task::spawn_blocking(move || {
        let catalog = library.catalog();
        let (article, problems) = edit::check_document(&name, &request.document, |other| {
            catalog
                .find(other)
                .is_ok_and(|found| found.iter().any(|l| l.id == other))
        });
        preview_answer(article.as_ref(), problems, &request.moves)
    })
    .await
    .map_err(|error| SaveProblem::from(Problem::internal(error)))?;
    Ok(server_timing(super::api::json_response(&answer), started))
}

/// The preview's answer: the live view (as the served session page's), or why there is none.
pub(crate) fn preview_answer(
    article: Option<&fixpath::model::Article>,
    problems: Vec<edit::Problem>,
    moves: &[PreviewMove],
) -> serde_json::Value {
    let errors = edit::has_errors(&problems);
    let live = match article {
        Some(article) if !errors => walk(article, moves),
        _ => Err("fix the errors to walk the preview".to_owned()),
    };
    match live {
        Ok(live) => serde_json::json!({"problems": problems, "live": live}),
        Err(message) => serde_json::json!({"problems": problems, "live": null, "message": message}),
    }
}

fn walk(
    article: &fixpath::model::Article,
    moves: &[PreviewMove],
) -> Result<serde_json::Value, String> {
    let at = Timestamp::now();
    let mut session =
        Session::start(Subject::alone(article), &Facts::new(), at).map_err(|e| e.to_string())?;
    for step in moves {
        match step {
            PreviewMove::Answer { question, answer } => {
                let given = match answer {
                    Some(value) => Given::Answer(value.clone()),
                    None => Given::Unknown,
                };
                session
                    .answer(&NodeId(question.clone()), given, at)
                    .map_err(|e| e.to_string())?;
            }
            PreviewMove::Fix { remedy, fixed } => session
                .fix_outcome(&NodeId(remedy.clone()), *fixed, at)
                .map_err(|e| e.to_string())?,
            PreviewMove::Back => {
                session.back(at).map_err(|e| e.to_string())?;
            }
        }
    }
    let view = fixpath::render::view::live_view(&session).map_err(|e| e.to_string())?;
    serde_json::to_value(&view).map_err(|e| e.to_string())
}

/// The queue's filters.
#[derive(Debug, Deserialize, Default)]
pub(crate) struct ReviewParams {
    #[serde(default)]
    product: Option<String>,
    #[serde(default)]
    area: Option<String>,
}

/// One row of the review queue.
#[derive(Debug, Serialize)]
struct ReviewRow {
    id: String,
    title: String,
    product: String,
    area: String,
    status: &'static str,
    sessions: u32,
    escalated: u32,
    abandoned: u32,
    dont_knows: u32,
    generated: usize,
    warnings: usize,
    errors: usize,
    /// What orders the queue: sessions and escalations weigh most, then what writers can
    /// fix from the article alone.
    impact: u32,
}

/// `GET /review`: drafts and articles that need work, most impact first.
pub(crate) async fn review(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
    params: Result<Query<ReviewParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let records = match shared.desk.store.ended_records().await {
        Ok(records) => records,
        Err(error) => return error_page(&shared, &headers, &error.into()),
    };
    let library = shared.desk.library();
    let dir = library.dir.clone();
    let rows = tokio::task::spawn_blocking(move || review_rows(dir.as_deref(), records));
    let (mut rows, products, areas) = match rows.await {
        Ok(Ok(found)) => found,
        Ok(Err(error)) => return error_page(&shared, &headers, &Problem::internal(error)),
        Err(error) => return error_page(&shared, &headers, &Problem::internal(error)),
    };
    rows.retain(|row| {
        params
            .product
            .as_deref()
            .is_none_or(|p| p.is_empty() || row.product == p)
            && params
                .area
                .as_deref()
                .is_none_or(|a| a.is_empty() || row.area == a)
    });
    #[derive(Serialize)]
    struct Data {
        rows: Vec<ReviewRow>,
        products: Vec<String>,
        areas: Vec<String>,
        product: String,
        area: String,
    }
    page(
        &shared,
        &headers,
        &identity,
        "html/serve/review.html.j2",
        None,
        "",
        Data {
            rows,
            products,
            areas,
            product: params.product.unwrap_or_default(),
            area: params.area.unwrap_or_default(),
        },
    )
}

type Queue = (Vec<ReviewRow>, Vec<String>, Vec<String>);

fn review_rows(
    dir: Option<&std::path::Path>,
    records: Vec<fixpath::learn::Record>,
) -> anyhow::Result<Queue> {
    let loaded = match dir {
        Some(dir) => fixpath::load::load_dir(dir)?,
        None => fixpath::load::load_embedded(),
    };
    let diagnostics = fixpath::check(&loaded);
    let stats: BTreeMap<String, fixpath::learn::ArticleStats> =
        fixpath::learn::ArticleStats::of(records, None)
            .into_iter()
            .map(|s| (s.article.to_string(), s))
            .collect();
    let mut products = std::collections::BTreeSet::new();
    let mut areas = std::collections::BTreeSet::new();
    let mut rows = Vec::new();
    for entry in &loaded.kb.articles {
        let article = &entry.article;
        let product = article.product.clone().unwrap_or_default();
        let area = article.area.clone().unwrap_or_default();
        if !product.is_empty() {
            products.insert(product.clone());
        }
        if !area.is_empty() {
            areas.insert(area.clone());
        }
        let of_file = diagnostics.iter().filter(|d| d.file == entry.file.name);
        let (errors, warnings) =
            of_file.fold(
                (0, 0),
                |(e, w), d| {
                    if d.is_error() { (e + 1, w) } else { (e, w + 1) }
                },
            );
        let generated = article.questions.iter().filter(|q| q.generated).count()
            + article
                .solutions
                .iter()
                .chain(&article.workarounds)
                .filter(|r| r.generated)
                .count();
        let stat = stats.get(article.id.as_str());
        let sessions = stat.map_or(0, |s| s.sessions);
        let escalated = stat.map_or(0, |s| s.escalated);
        let abandoned = stat.map_or(0, |s| s.abandoned);
        let dont_knows = stat.map_or(0, |s| s.unknown_questions.iter().map(|q| q.2).sum());
        let draft = article.status == fixpath::model::Status::Draft;
        if !(draft
            || generated > 0
            || warnings > 0
            || errors > 0
            || escalated > 0
            || dont_knows > 0
            || abandoned > 0)
        {
            continue;
        }
        let impact = sessions
            + 3 * escalated
            + 2 * dont_knows
            + 2 * abandoned
            + 2 * generated as u32
            + warnings as u32
            + 5 * errors as u32
            + u32::from(draft);
        rows.push(ReviewRow {
            id: article.id.to_string(),
            title: article.title.clone(),
            product,
            area,
            status: if draft { "draft" } else { "reviewed" },
            sessions,
            escalated,
            abandoned,
            dont_knows,
            generated,
            warnings,
            errors,
            impact,
        });
    }
    rows.sort_by(|a, b| b.impact.cmp(&a.impact).then(a.id.cmp(&b.id)));
    Ok((
        rows,
        products.into_iter().collect(),
        areas.into_iter().collect(),
    ))
}

/// `GET /review/new`: a blank article or a Markdown upload.
pub(crate) async fn new_page(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
) -> Response {
    page(
        &shared,
        &headers,
        &identity,
        "html/serve/new-article.html.j2",
        None,
        "",
        serde_json::json!({}),
    )
}

/// The new-article form.
#[derive(Debug, Deserialize)]
pub(crate) struct NewForm {
    csrf: Option<String>,
    /// `blank` or `markdown`.
    kind: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    markdown: String,
    #[serde(default)]
    file_name: String,
}

/// `POST /review/new`: writes the new draft (checked first) and opens it in the editor.
pub(crate) async fn create(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
    form: Result<Form<NewForm>, FormRejection>,
) -> Response {
    let form = match form {
        Ok(Form(form)) => form,
        Err(rejection) => {
            return error_page(
                &shared,
                &headers,
                &Problem::bad_request(rejection.body_text()),
            );
        }
    };
    if let Err(problem) = super::ui::check_csrf(&headers, &identity, form.csrf.as_deref()) {
        return error_page(&shared, &headers, &problem);
    }
    let library = shared.desk.library();
    let Some(dir) = library.dir.clone() else {
        return error_page(
            &shared,
            &headers,
            &Problem::of(
                ProblemKind::ReadOnlyKb,
                "the embedded KB cannot be edited: serve a KB directory (--kb DIR)",
            ),
        );
    };
    let made = match form.kind.as_str() {
        "blank" => blank_article(&form.id, &form.title),
        "markdown" => imported_article(&form.markdown, &form.file_name),
        _ => Err("choose a blank article or a Markdown upload".to_owned()),
    };
    let (id, yaml) = match made {
        Ok(made) => made,
        Err(message) => {
            return error_page(
                &shared,
                &headers,
                &Problem::of(ProblemKind::InvalidArticle, message),
            );
        }
    };
    if locate(&shared, &id).is_ok() || dir.join(format!("{id}.yaml")).exists() {
        return error_page(
            &shared,
            &headers,
            &Problem::of(
                ProblemKind::ArticleExists,
                format!("an article `{id}` exists already: open it at /articles/{id}/edit"),
            ),
        );
    }
    let (_, problems) = edit::check_source(&format!("{id}.yaml"), &yaml, |_| true);
    if let Some(error) = problems
        .iter()
        .find(|p| p.severity == fixpath::Severity::Error)
    {
        return error_page(
            &shared,
            &headers,
            &Problem::of(
                ProblemKind::InvalidArticle,
                format!(
                    "the new article does not pass check: {}:{} {}",
                    error.line, error.column, error.message
                ),
            ),
        );
    }
    let path = dir.join(format!("{id}.yaml"));
    if let Err(error) = edit::write_atomically(&path, &yaml) {
        return error_page(&shared, &headers, &Problem::internal(error));
    }
    let state = shared.clone();
    let no_learned = library.no_learned;
    let cache = fixpath::search::store::default_cache_dir();
    let reload_dir = dir.clone();
    let _ = tokio::task::spawn_blocking(move || {
        super::watch::reload(&state, reload_dir, &cache, no_learned)
    })
    .await;
    if shared.editor.git_commit {
        let (name, author) = (format!("{id}.yaml"), identity.name.clone());
        let message = format!("{id}: new article in fixpath serve");
        let _ = tokio::task::spawn_blocking(move || {
            super::editor::git_commit(&dir, &name, &author, &message)
        })
        .await;
    }
    Redirect::to(&format!("/articles/{id}/edit")).into_response()
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.'
        })
        && !id.starts_with('.')
}

/// A blank article that passes `check`: one symptom, one cause, one fix, to rewrite.
fn blank_article(id: &str, title: &str) -> Result<(String, String), String> {
    let id = id.trim();
    if !valid_id(id) {
        return Err(
            "the id is lowercase letters, digits, `-`, `_` and `.` (it names the file)".to_owned(),
        );
    }
    let title = title.trim();
    if title.is_empty() {
        return Err("give the article a title".to_owned());
    }
    let document = serde_json::json!({
        "id": id,
        "title": title,
        "status": "draft",
        "symptoms": [{"id": "symptom", "text": "What the user sees."}],
        "entry": "cause",
        "causes": [{"id": "cause", "title": "The cause", "solutions": ["fix"]}],
        "solutions": [{"id": "fix", "title": "The fix", "steps": ["The first step."]}],
    });
    let body = edit::to_text(&document);
    Ok((
        id.to_owned(),
        format!("# yaml-language-server: $schema=article.schema.json\n{body}"),
    ))
}

/// A draft from a Markdown article, as `fixpath import` makes it.
fn imported_article(markdown: &str, file_name: &str) -> Result<(String, String), String> {
    let source_path = if file_name.trim().is_empty() {
        "uploaded.md".to_owned()
    } else {
        file_name.trim().to_owned()
    };
    let options = fixpath::import::ImportOptions {
        source_path: source_path.clone(),
        ..Default::default()
    };
    let imported = fixpath::import::import_markdown(markdown.as_bytes(), &options)
        .map_err(|e| format!("cannot import {source_path}: {e}"))?;
    let id = imported.article.id.to_string();
    Ok((
        id,
        format!(
            "# yaml-language-server: $schema=article.schema.json\n{}",
            fixpath::load::to_yaml(&imported.article)
        ),
    ))
}

/// The writers' pages (the role is checked around them in the route table).
pub(crate) fn routes() -> axum::Router<Shared> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/review", get(review))
        .route("/review/new", get(new_page).post(create))
        .route("/articles/{id}/edit", get(edit_page))
        .route("/articles/{id}/preview", post(preview))
        .route("/articles/{id}/graph.svg", get(graph))
}
