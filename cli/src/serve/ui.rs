//! The agents' pages: server-rendered through the minijinja templates (users override them
//! like the others), plain forms that work without JavaScript, every form with a CSRF
//! token, every step posted and redirected (reload never repeats a step).

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use fixpath::links::Style;
use serde::{Deserialize, Serialize};

use super::auth::{self, Identity, Role};
use super::desk::{EndOutcome, StartRequest, StepRequest};
use super::problem::Problem;
use super::store::{ListFilter, SessionSummary};
use super::{Caller, Shared};

/// The cookie that carries a browser's sign-in: a random secret (never the token), which
/// the session store maps to the token.
pub(crate) const LOGIN_COOKIE: &str = "fixpath_login";

/// How long a sign-in lasts.
const LOGIN_HOURS: i64 = 12;
/// The browser's own random value, that CSRF tokens are derived from.
const BROWSER_COOKIE: &str = "fixpath_browser";

/// A cookie's value from the request headers.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let secure = headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    let mut built = cookie::Cookie::build((name.to_owned(), value.to_owned()))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(cookie::SameSite::Strict);
    if let Some(seconds) = max_age {
        built = built.max_age(cookie::time::Duration::seconds(seconds));
    }
    HeaderValue::from_str(&built.build().to_string()).unwrap_or(HeaderValue::from_static(""))
}

/// The page to sign in at, coming back to `uri` after.
pub(crate) fn to_login(uri: &Uri) -> Response {
    let next = uri.path_and_query().map_or("/", |p| p.as_str());
    let target = format!(
        "/login?next={}",
        url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    );
    Redirect::to(&target).into_response()
}

/// What every page's template sees.
#[derive(Serialize)]
struct Page<'a, T: Serialize> {
    served: bool,
    csrf: String,
    /// The token's name, when the browser is signed in with one (the banner's sign-out).
    signed_in: Option<&'a str>,
    is_admin: bool,
    /// Writers and admins: the review queue and the editor.
    is_writer: bool,
    kb_errors: usize,
    notice: Option<&'a str>,
    query: &'a str,
    #[serde(flatten)]
    data: T,
}

/// The browser's CSRF seed: its cookie, or a new one to set with the page.
struct Browser {
    value: String,
    new: bool,
}

impl Browser {
    fn of(headers: &HeaderMap) -> Browser {
        match cookie(headers, BROWSER_COOKIE).filter(|v| v.len() == 32) {
            Some(value) => Browser { value, new: false },
            None => Browser {
                value: super::desk::random_id(),
                new: true,
            },
        }
    }
}

/// Renders a page template, with the CSRF token and the banner's facts.
pub(crate) fn page<T: Serialize>(
    shared: &Shared,
    headers: &HeaderMap,
    identity: &Identity,
    template: &str,
    notice: Option<&str>,
    query: &str,
    data: T,
) -> Response {
    let browser = Browser::of(headers);
    let pending = shared.pending.load();
    let kb_errors = pending.as_ref().as_ref().map_or(0, |problems| {
        problems.iter().filter(|d| d.is_error()).count()
    });
    let context = Page {
        served: true,
        csrf: auth::csrf_token(identity, &browser.value),
        signed_in: (!identity.hash.is_empty()).then_some(identity.name.as_str()),
        is_admin: identity.role == Role::Admin,
        is_writer: identity.role.allows(Role::Writer),
        kb_errors,
        notice,
        query,
        data,
    };
    let mut response = match shared.desk.renderer.render_named(template, &context) {
        Ok(html) => Html(html).into_response(),
        Err(error) => return Problem::internal(error).into_response(),
    };
    if browser.new {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(headers, BROWSER_COOKIE, &browser.value, None),
        );
    }
    response
}

/// An error as a page (escaped by the template).
pub(crate) fn error_page(shared: &Shared, headers: &HeaderMap, problem: &Problem) -> Response {
    #[derive(Serialize)]
    struct Data<'a> {
        status: u16,
        title: &'a str,
        detail: &'a str,
    }
    let mut response = page(
        shared,
        headers,
        &Identity::local(),
        "html/serve/error.html.j2",
        None,
        "",
        Data {
            status: problem.status,
            title: &problem.title,
            detail: &problem.detail,
        },
    );
    *response.status_mut() = problem.status();
    response
}

/// Refuses a form whose CSRF token is not this browser's.
pub(crate) fn check_csrf(
    headers: &HeaderMap,
    identity: &Identity,
    given: Option<&str>,
) -> Result<(), Problem> {
    let browser = cookie(headers, BROWSER_COOKIE).unwrap_or_default();
    if auth::csrf_ok(identity, &browser, given.unwrap_or_default()) {
        Ok(())
    } else {
        Err(Problem::new(
            StatusCode::FORBIDDEN,
            "this form has expired or did not come from this site; reload the page and try again",
        ))
    }
}

fn summaries(sessions: Vec<SessionSummary>) -> Vec<serde_json::Value> {
    sessions
        .into_iter()
        .map(|s| {
            let mut value = serde_json::to_value(&s).unwrap_or_default();
            value["updated"] = serde_json::Value::from(format_time(s.updated_at));
            value
        })
        .collect()
}

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM UTC`.
fn format_time(ms: i64) -> String {
    match cookie::time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) {
        Ok(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute()
        ),
        Err(_) => ms.to_string(),
    }
}

/// `GET /`: search and the open sessions.
pub(crate) async fn home(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
) -> Response {
    let filter = ListFilter {
        status: Some("open".to_owned()),
        limit: 50,
        ..ListFilter::default()
    };
    let sessions = match shared.desk.store.list(&filter).await {
        Ok(sessions) => sessions,
        Err(error) => return error_page(&shared, &headers, &error.into()),
    };
    #[derive(Serialize)]
    struct Data {
        sessions: Vec<serde_json::Value>,
        articles: u64,
    }
    let data = Data {
        sessions: summaries(sessions),
        articles: shared.desk.library().catalog().len(),
    };
    page(
        &shared,
        &headers,
        &identity,
        "html/serve/home.html.j2",
        None,
        "",
        data,
    )
}

/// The search box's parameters.
#[derive(Debug, Deserialize)]
pub(crate) struct SearchParams {
    #[serde(default)]
    q: String,
}

/// `GET /search?q=`: ranked articles, each with a button to troubleshoot.
pub(crate) async fn search(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
    params: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = params.map(|Query(p)| p.q).unwrap_or_default();
    let query: String = query.chars().take(super::desk::MAX_TEXT).collect();
    let library = shared.desk.library();
    let results = match library.catalog().search(&query, 20) {
        Ok(results) => results,
        Err(error) => {
            return error_page(&shared, &headers, &Problem::bad_request(error.to_string()));
        }
    };
    /// A hit with its snippet cut into plain and matched parts (the template escapes each
    /// and marks the matched ones).
    #[derive(Serialize)]
    struct Shown {
        #[serde(flatten)]
        hit: fixpath::search::Hit,
        parts: Vec<(String, bool)>,
    }
    #[derive(Serialize)]
    struct Data {
        hits: Vec<Shown>,
        weak: Vec<Shown>,
        corrections: Vec<(String, String)>,
        did_you_mean: Option<String>,
        /// The same, URL-encoded for its link.
        did_you_mean_query: Option<String>,
    }
    // Weak matches (under 40% of the best score) fold under the strong ones.
    let best = results.hits.first().map_or(0.0, |h| h.score);
    let (strong, weak): (Vec<_>, Vec<_>) = results
        .hits
        .into_iter()
        .enumerate()
        .map(|(rank, hit)| {
            let parts = snippet_parts(&hit.snippet, &hit.highlights);
            (rank, Shown { hit, parts })
        })
        .partition(|(rank, shown)| *rank == 0 || shown.hit.score >= WEAK_SHARE * best);
    let data = Data {
        hits: strong.into_iter().map(|(_, s)| s).collect(),
        weak: weak.into_iter().map(|(_, s)| s).collect(),
        corrections: results.corrections,
        did_you_mean_query: results
            .did_you_mean
            .as_ref()
            .map(|q| url::form_urlencoded::byte_serialize(q.as_bytes()).collect()),
        did_you_mean: results.did_you_mean,
    };
    page(
        &shared,
        &headers,
        &identity,
        "html/serve/search.html.j2",
        None,
        &query,
        data,
    )
}

/// Below this share of the best hit's score, a hit is a weak match (folded on the page).
const WEAK_SHARE: f32 = 0.4;

/// A snippet cut at its highlighted byte ranges: (text, matched) in order.
fn snippet_parts(snippet: &str, ranges: &[std::ops::Range<usize>]) -> Vec<(String, bool)> {
    let mut parts = Vec::new();
    let mut position = 0;
    for range in ranges {
        if range.start < position
            || range.end > snippet.len()
            || !snippet.is_char_boundary(range.start)
            || !snippet.is_char_boundary(range.end)
        {
            continue;
        }
        if range.start > position {
            parts.push((snippet[position..range.start].to_owned(), false));
        }
        parts.push((snippet[range.clone()].to_owned(), true));
        position = range.end;
    }
    if position < snippet.len() {
        parts.push((snippet[position..].to_owned(), false));
    }
    parts
}

/// `GET /articles/ID.html`: an article, with a button to troubleshoot it.
pub(crate) async fn article(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Response {
    let id = file.strip_suffix(".html").unwrap_or(&file);
    let prepared = match shared.desk.library().article(id) {
        Ok(prepared) => prepared,
        Err(error) => return error_page(&shared, &headers, &error.into()),
    };
    #[derive(Serialize)]
    struct Data<'a> {
        article: fixpath::render::view::ArticleView<'a>,
        troubleshooter: Option<String>,
    }
    let article = &prepared.page;
    let data = Data {
        article: fixpath::render::view::article_view(article),
        troubleshooter: article
            .entry
            .is_some()
            .then(|| format!("/sessions/new?article={}", article.id)),
    };
    page(
        &shared,
        &headers,
        &identity,
        "html/serve/article.html.j2",
        None,
        "",
        data,
    )
}

/// The start form.
#[derive(Debug, Deserialize)]
pub(crate) struct StartForm {
    csrf: Option<String>,
    article: Option<String>,
    problem: Option<String>,
    reference: Option<String>,
}

/// `POST /sessions`: starts a session and opens it.
pub(crate) async fn start(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
    form: Result<Form<StartForm>, FormRejection>,
) -> Response {
    let result = async {
        let Form(form) = form.map_err(|e| Problem::bad_request(e.body_text()))?;
        check_csrf(&headers, &identity, form.csrf.as_deref())?;
        let request = StartRequest {
            article: form.article.filter(|a| !a.trim().is_empty()),
            problem: form.problem.filter(|p| !p.trim().is_empty()),
            facts: Default::default(),
            reference: form.reference.filter(|r| !r.trim().is_empty()),
        };
        shared.desk.start(request, &identity.name).await
    }
    .await;
    match result {
        Ok(stored) => Redirect::to(&format!("/sessions/{}", stored.id)).into_response(),
        Err(problem) => error_page(&shared, &headers, &problem),
    }
}

/// The list's filters.
#[derive(Debug, Deserialize)]
pub(crate) struct ListParams {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    before: Option<i64>,
    /// The previous page's last line (issue 29: paging by time alone skipped sessions).
    #[serde(default)]
    cursor: Option<String>,
    /// A ticket reference, exactly as given at the start.
    #[serde(default)]
    reference: Option<String>,
}

/// `GET /sessions`: sessions, most recently moved first.
pub(crate) async fn list(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(params)) = params else {
        return error_page(&shared, &headers, &Problem::bad_request("bad parameters"));
    };
    let status = params.status.filter(|s| !s.is_empty() && s.len() < 32);
    let reference = params
        .reference
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty() && r.len() <= super::desk::MAX_TEXT);
    let filter = ListFilter {
        status: status.clone(),
        reference: reference.clone(),
        before: params.before,
        after: params
            .cursor
            .as_deref()
            .and_then(super::store::Cursor::decode),
        limit: 50,
        ..ListFilter::default()
    };
    let sessions = match shared.desk.store.list(&filter).await {
        Ok(sessions) => sessions,
        Err(error) => return error_page(&shared, &headers, &error.into()),
    };
    let next = (sessions.len() as i64 == filter.limit)
        .then(|| {
            sessions.last().map(|s| {
                super::store::Cursor {
                    updated_at: s.updated_at,
                    id: s.id.clone(),
                }
                .encode()
            })
        })
        .flatten();
    #[derive(Serialize)]
    struct Data {
        sessions: Vec<serde_json::Value>,
        status: String,
        reference: String,
        reference_query: String,
        next: Option<String>,
    }
    let reference = reference.unwrap_or_default();
    let data = Data {
        sessions: summaries(sessions),
        status: status.unwrap_or_default(),
        reference_query: url::form_urlencoded::byte_serialize(reference.as_bytes()).collect(),
        reference,
        next,
    };
    page(
        &shared,
        &headers,
        &identity,
        "html/serve/sessions.html.j2",
        None,
        "",
        data,
    )
}

/// A notice carried over a redirect.
#[derive(Debug, Deserialize)]
pub(crate) struct SessionParams {
    #[serde(default)]
    notice: Option<String>,
    #[serde(default)]
    article: Option<String>,
    /// A step that ends the session, to confirm once (`fixed`, `escalate`, `abandon`).
    #[serde(default)]
    confirm: Option<String>,
    /// The fix a `fixed` to confirm is about.
    #[serde(default)]
    remedy: Option<String>,
}

/// A step waiting for the agent's confirmation: it would end the session.
#[derive(Debug, Clone, Serialize)]
struct Confirm {
    choice: String,
    remedy: Option<String>,
}

/// `GET /sessions/ID`: the troubleshooter, where the session stands. `GET /sessions/new`
/// is the form that starts one in an article.
pub(crate) async fn session(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    params: Result<Query<SessionParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let params = params.map(|Query(p)| p).ok();
    if id == "new" {
        let article = params.and_then(|p| p.article).unwrap_or_default();
        return new_session(&shared, &headers, &identity, &article);
    }
    let confirm = params.as_ref().and_then(|p| {
        let choice = p.confirm.as_deref()?;
        matches!(choice, "fixed" | "escalate" | "abandon").then(|| Confirm {
            choice: choice.to_owned(),
            remedy: p
                .remedy
                .clone()
                .filter(|r| r.len() <= super::desk::MAX_TEXT),
        })
    });
    let notice = match params.and_then(|p| p.notice).as_deref() {
        Some("stale") => {
            Some("The session had moved on (another tab or agent): here is where it stands now.")
        }
        Some("saved") => Some("Saved."),
        Some("restarted") => Some("A new session on the same article and ticket."),
        _ => None,
    };
    match session_page(&shared, &headers, &identity, &id, notice, confirm).await {
        Ok(response) => response,
        Err(problem) => error_page(&shared, &headers, &problem),
    }
}

fn new_session(
    shared: &Shared,
    headers: &HeaderMap,
    identity: &Identity,
    article: &str,
) -> Response {
    let prepared = match shared.desk.library().article(article) {
        Ok(prepared) => prepared,
        Err(error) => return error_page(shared, headers, &error.into()),
    };
    #[derive(Serialize)]
    struct Data<'a> {
        article: fixpath::links::ArticleRef,
        start: &'a str,
    }
    let data = Data {
        article: fixpath::links::ArticleRef {
            id: prepared.page.id.to_string(),
            title: prepared.page.title.clone(),
        },
        start: "start",
    };
    page(
        shared,
        headers,
        identity,
        "html/serve/start.html.j2",
        None,
        "",
        data,
    )
}

async fn session_page(
    shared: &Shared,
    headers: &HeaderMap,
    identity: &Identity,
    id: &str,
    notice: Option<&str>,
    confirm: Option<Confirm>,
) -> Result<Response, Problem> {
    let stored = shared.desk.stored(id).await?;
    let library = shared.desk.library();
    let state = super::desk::parse_state(&stored.state)?;
    // The transcript shows once the session ended, or once nothing is left but to escalate
    // (the page says what goes to level 2 before the agent closes it).
    let transcript = shared.desk.transcript(&library, &stored, &state)?;
    let escalating = state.outcome().is_none()
        && transcript.value["continued"]
            .as_array()
            .and_then(|legs| legs.last())
            .unwrap_or(&transcript.value)["transcript"]["escalation"]
            .is_object();
    let markdown = (state.outcome().is_some() || escalating).then(|| transcript.markdown.clone());
    // What the earlier articles of a continued session found: their parts of the transcript.
    let mut earlier: Vec<serde_json::Value> = Vec::new();
    if let Some(first) = transcript.value.get("article") {
        let mut legs = vec![serde_json::json!({
            "article": first,
            "transcript": transcript.value["transcript"],
        })];
        if let Some(more) = transcript.value["continued"].as_array() {
            legs.extend(more.iter().cloned());
        }
        // The last part is the article the session is in now, unless the session has
        // just gone on (the new article's part begins with its first move).
        if state.continuing_in().is_none() {
            legs.pop();
        }
        earlier = legs;
    }
    #[derive(Serialize)]
    struct SessionInfo<'a> {
        id: &'a str,
        status: &'a str,
        steps: i64,
        reference: Option<&'a str>,
        problem: Option<&'a str>,
        notes: Option<&'a str>,
        agent: &'a str,
        started: String,
    }
    #[derive(Serialize)]
    struct Data<'a, L: Serialize> {
        session: SessionInfo<'a>,
        live: L,
        markdown: Option<String>,
        earlier: Vec<serde_json::Value>,
        confirm: Option<Confirm>,
        file_stem: String,
    }
    let file_stem = super::api::transcript_file_name(&stored, "")
        .trim_end_matches('.')
        .to_owned();
    shared.desk.live(&library, &state, Style::Site, |live| {
        let data = Data {
            session: SessionInfo {
                id: &stored.id,
                status: &stored.status,
                steps: stored.steps,
                reference: stored.reference.as_deref(),
                problem: stored.problem.as_deref(),
                notes: stored.notes.as_deref(),
                agent: &stored.created_by,
                started: format_time(stored.created_at),
            },
            live,
            markdown,
            earlier,
            confirm,
            file_stem,
        };
        Ok(page(
            shared,
            headers,
            identity,
            "html/serve/session.html.j2",
            notice,
            "",
            data,
        ))
    })
}

/// A step's form: which button, and what it answers.
#[derive(Debug, Deserialize)]
pub(crate) struct StepForm {
    csrf: Option<String>,
    steps: Option<i64>,
    choice: Option<String>,
    question: Option<String>,
    remedy: Option<String>,
    /// Set by the confirmation form: a step that ends the session was asked about once.
    confirmed: Option<String>,
}

impl StepForm {
    /// The page that asks once before a step that ends the session, when this is one and
    /// was not confirmed yet.
    fn to_confirm(&self, id: &str) -> Option<String> {
        if self.confirmed.is_some() {
            return None;
        }
        let choice = self.choice.as_deref()?;
        if !matches!(choice, "fixed" | "escalate" | "abandon") {
            return None;
        }
        let remedy = self
            .remedy
            .as_deref()
            .map(|r| {
                format!(
                    "&remedy={}",
                    url::form_urlencoded::byte_serialize(r.as_bytes()).collect::<String>()
                )
            })
            .unwrap_or_default();
        Some(format!("/sessions/{id}?confirm={choice}{remedy}#step"))
    }

    fn request(self) -> Result<StepRequest, Problem> {
        let expect_steps = self.steps;
        let choice = self.choice.unwrap_or_default();
        let missing = |what: &str| Problem::bad_request(format!("the form has no {what}"));
        let request = if let Some(value) = choice.strip_prefix("answer:") {
            StepRequest::Answer {
                question: self.question.ok_or_else(|| missing("question"))?,
                answer: Some(Some(value.to_owned())),
                expect_steps,
            }
        } else if let Some(article) = choice.strip_prefix("continue:") {
            StepRequest::ContinueIn {
                article: article.to_owned(),
                expect_steps,
            }
        } else {
            match choice.as_str() {
                "unknown" => StepRequest::Answer {
                    question: self.question.ok_or_else(|| missing("question"))?,
                    answer: Some(None),
                    expect_steps,
                },
                "back" => StepRequest::Back { expect_steps },
                "fixed" | "not-fixed" => StepRequest::Fix {
                    remedy: self.remedy.ok_or_else(|| missing("fix"))?,
                    fixed: choice == "fixed",
                    expect_steps,
                },
                "escalate" => StepRequest::End {
                    outcome: EndOutcome::Escalated,
                    expect_steps,
                },
                "abandon" => StepRequest::End {
                    outcome: EndOutcome::Abandoned,
                    expect_steps,
                },
                _ => return Err(Problem::bad_request("the form names no step")),
            }
        };
        Ok(request)
    }
}

/// `POST /sessions/ID/steps`: takes the step, then shows the session again.
pub(crate) async fn step(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<StepForm>, FormRejection>,
) -> Response {
    let result = async {
        let Form(form) = form.map_err(|e| Problem::bad_request(e.body_text()))?;
        check_csrf(&headers, &identity, form.csrf.as_deref())?;
        if super::desk::is_session_id(&id)
            && let Some(target) = form.to_confirm(&id)
        {
            return Ok(Some(target));
        }
        let request = form.request()?;
        shared.desk.step(&id, &request, &identity.name).await?;
        Ok::<_, Problem>(None)
    }
    .await;
    match result {
        Ok(Some(confirm)) => Redirect::to(&confirm).into_response(),
        Ok(None) => Redirect::to(&format!("/sessions/{id}#step")).into_response(),
        // A stale page (another tab, another agent, a double click): show where it stands.
        Err(problem) if problem.status == 409 && super::desk::is_session_id(&id) => {
            Redirect::to(&format!("/sessions/{id}?notice=stale")).into_response()
        }
        Err(problem) => error_page(&shared, &headers, &problem),
    }
}

/// The notes form: the agent's notes and the ticket reference.
#[derive(Debug, Deserialize)]
pub(crate) struct DetailsForm {
    csrf: Option<String>,
    notes: Option<String>,
    reference: Option<String>,
}

/// `POST /sessions/ID/details`: saves the notes (and the reference), then shows the session.
pub(crate) async fn details(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<DetailsForm>, FormRejection>,
) -> Response {
    let result = async {
        let Form(form) = form.map_err(|e| Problem::bad_request(e.body_text()))?;
        check_csrf(&headers, &identity, form.csrf.as_deref())?;
        let request = super::desk::DetailsRequest {
            reference: form.reference.map(Some),
            notes: form.notes.map(Some),
        };
        shared.desk.details(&id, &request).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("/sessions/{id}?notice=saved#notes")).into_response(),
        Err(problem) => error_page(&shared, &headers, &problem),
    }
}

/// `POST /sessions/ID/restart`: a new session on the same article and ticket reference
/// (the old one stays as it is, open or ended).
pub(crate) async fn restart(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let result = async {
        let Form(form) = form.map_err(|e| Problem::bad_request(e.body_text()))?;
        check_csrf(&headers, &identity, form.csrf.as_deref())?;
        let old = shared.desk.stored(&id).await?;
        let request = StartRequest {
            article: Some(old.article.clone()),
            problem: old.problem.clone(),
            facts: Default::default(),
            reference: old.reference.clone(),
        };
        shared.desk.start(request, &identity.name).await
    }
    .await;
    match result {
        Ok(stored) => {
            Redirect::to(&format!("/sessions/{}?notice=restarted", stored.id)).into_response()
        }
        Err(problem) => error_page(&shared, &headers, &problem),
    }
}

/// `GET /sessions/ID/transcript.txt`.
pub(crate) async fn transcript_text(
    State(shared): State<Shared>,
    _caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    transcript(&shared, &headers, &id, "text").await
}

/// `GET /sessions/ID/transcript.md`.
pub(crate) async fn transcript_markdown(
    State(shared): State<Shared>,
    _caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    transcript(&shared, &headers, &id, "markdown").await
}

/// `GET /sessions/ID/transcript.json`.
pub(crate) async fn transcript_json(
    State(shared): State<Shared>,
    _caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    transcript(&shared, &headers, &id, "json").await
}

async fn transcript(shared: &Shared, headers: &HeaderMap, id: &str, format: &str) -> Response {
    let result = async {
        let stored = shared.desk.stored(id).await?;
        super::api::transcript_response(shared, &stored, format, true)
    }
    .await;
    result.unwrap_or_else(|problem| error_page(shared, headers, &problem))
}

/// `GET /check`: what `fixpath check` reports for the KB on disk.
pub(crate) async fn check(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
) -> Response {
    let pending = shared.pending.load_full();
    let library = shared.desk.library();
    let (problems, serving_last_good) = match pending.as_ref() {
        Some(problems) => (problems.clone(), true),
        None => {
            let dir = library.dir.clone();
            match tokio::task::spawn_blocking(move || {
                super::library::Library::check(dir.as_deref())
            })
            .await
            {
                Ok(Ok(problems)) => (problems, false),
                Ok(Err(error)) => return error_page(&shared, &headers, &Problem::internal(error)),
                Err(error) => return error_page(&shared, &headers, &Problem::internal(error)),
            }
        }
    };
    #[derive(Serialize)]
    struct Data {
        problems: Vec<fixpath::Diagnostic>,
        serving_last_good: bool,
    }
    let data = Data {
        problems,
        serving_last_good,
    };
    page(
        &shared,
        &headers,
        &identity,
        "html/serve/check.html.j2",
        None,
        "",
        data,
    )
}

/// `GET /stats`: what the ended sessions say, per article, with charts.
pub(crate) async fn stats(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
) -> Response {
    let records = match shared.desk.store.ended_records().await {
        Ok(records) => records,
        Err(error) => return error_page(&shared, &headers, &error.into()),
    };
    let articles = fixpath::learn::ArticleStats::of(records, None);
    let mut most_escalated: Vec<(String, u32)> = articles
        .iter()
        .filter(|a| a.escalated > 0)
        .map(|a| (a.article.to_string(), a.escalated))
        .collect();
    most_escalated.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    // Titles rather than ids: the article's, its causes', fixes' and questions' (plain
    // text), as the KB serving now has them (an id the KB no longer has stays an id).
    let library = shared.desk.library();
    let rows: Vec<serde_json::Value> = articles
        .iter()
        .map(|stats| stats_row(&library, stats))
        .collect();
    let most_escalated: Vec<serde_json::Value> = most_escalated
        .into_iter()
        .map(|(id, n)| {
            let title = library
                .article(&id)
                .map_or_else(|_| id.clone(), |p| p.page.title.clone());
            serde_json::json!({"id": id, "title": title, "escalated": n})
        })
        .collect();
    #[derive(Serialize)]
    struct Data {
        articles: Vec<serde_json::Value>,
        most_escalated: Vec<serde_json::Value>,
    }
    let data = Data {
        articles: rows,
        most_escalated,
    };
    page(
        &shared,
        &headers,
        &identity,
        "html/serve/stats.html.j2",
        None,
        "",
        data,
    )
}

/// One article's statistics with the names a lead reads: `title`, `causes` as
/// [title, n], and the titles of the fix that fails most, the question answered "I don't
/// know" most and where sessions were abandoned most.
fn stats_row(
    library: &super::library::Library,
    stats: &fixpath::learn::ArticleStats,
) -> serde_json::Value {
    let mut row = serde_json::to_value(stats).unwrap_or_default();
    let prepared = library.article(stats.article.as_str()).ok();
    let page = prepared.as_ref().map(|p| &p.page);
    let name = |id: &str| -> String {
        let node = fixpath::model::NodeId(id.to_owned());
        page.and_then(|a| {
            a.cause(&node)
                .map(|c| c.title.clone())
                .or_else(|| a.remedy(&node).map(|r| r.title.clone()))
                .or_else(|| a.question(&node).map(|q| q.text.clone()))
        })
        .map_or_else(|| id.to_owned(), |text| fixpath::text::plain_text(&text))
    };
    row["title"] = page
        .map_or_else(|| stats.article.to_string(), |a| a.title.clone())
        .into();
    row["cause_titles"] = stats
        .causes
        .iter()
        .map(|(id, n)| serde_json::json!([name(id.as_str()), n]))
        .collect();
    row["failing_fix_title"] = stats
        .failing_fixes
        .first()
        .map(|(id, ..)| name(id.as_str()))
        .into();
    row["unknown_question_text"] = stats
        .unknown_questions
        .first()
        .map(|(id, ..)| name(id.as_str()))
        .into();
    row["abandoned_at_title"] = stats.abandoned_at.first().map(|(id, _)| name(id)).into();
    row
}

/// The reload form.
#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    csrf: Option<String>,
}

/// `POST /admin/reload`: reloads the KB now (as `--watch` does on a change).
pub(crate) async fn reload(
    State(shared): State<Shared>,
    Caller(identity): Caller,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let csrf = form.ok().and_then(|Form(f)| f.csrf);
    if let Err(problem) = check_csrf(&headers, &identity, csrf.as_deref()) {
        return error_page(&shared, &headers, &problem);
    }
    let library = shared.desk.library();
    let no_learned = library.no_learned;
    let Some(dir) = library.dir.clone() else {
        return Redirect::to("/check").into_response();
    };
    let cache = fixpath::search::store::default_cache_dir();
    let state = shared.clone();
    let reloaded =
        tokio::task::spawn_blocking(move || super::watch::reload(&state, dir, &cache, no_learned))
            .await;
    match reloaded {
        Ok(Ok(_)) => Redirect::to("/check").into_response(),
        Ok(Err(error)) => error_page(&shared, &headers, &Problem::internal(error)),
        Err(error) => error_page(&shared, &headers, &Problem::internal(error)),
    }
}

/// The sign-in page's parameters.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginParams {
    #[serde(default)]
    next: Option<String>,
}

/// Only a path on this site (never `//host` or a scheme): where to go after signing in.
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// `GET /login`.
pub(crate) async fn login_page(
    State(shared): State<Shared>,
    headers: HeaderMap,
    params: Result<Query<LoginParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let next = local_path(params.ok().and_then(|Query(p)| p.next).as_deref());
    login_form(&shared, &headers, &next, None)
}

fn login_form(shared: &Shared, headers: &HeaderMap, next: &str, error: Option<&str>) -> Response {
    #[derive(Serialize)]
    struct Data<'a> {
        next: &'a str,
        error: Option<&'a str>,
    }
    page(
        shared,
        headers,
        &Identity::local(),
        "html/serve/login.html.j2",
        None,
        "",
        Data { next, error },
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    csrf: Option<String>,
    token: Option<String>,
    next: Option<String>,
}

/// `POST /login`: checks the token and signs the browser in: a random secret in an
/// HttpOnly, SameSite=Strict cookie, its SHA-256 in the session store with the token's.
pub(crate) async fn login(
    State(shared): State<Shared>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return login_form(&shared, &headers, "/", Some("The form could not be read."));
    };
    let next = local_path(form.next.as_deref());
    if check_csrf(&headers, &Identity::local(), form.csrf.as_deref()).is_err() {
        return login_form(
            &shared,
            &headers,
            &next,
            Some("The form expired; try again."),
        );
    }
    let token = form.token.unwrap_or_default();
    let known = if shared.tokens.required() {
        shared.tokens.identify(&token)
    } else {
        Some(Identity::local())
    };
    let Some(identity) = known.filter(|i| i.role != Role::Integration) else {
        let mut response = login_form(
            &shared,
            &headers,
            &next,
            Some("That token is not one this server knows for agents."),
        );
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return response;
    };
    let mut response = Redirect::to(&next).into_response();
    if shared.tokens.required() {
        let secret = format!("fpl_{}", super::desk::random_id());
        let now = fixpath::session::Timestamp::now().0;
        let stored = shared
            .desk
            .store
            .create_login(
                &auth::hash_token(&secret),
                &identity.hash,
                &identity.name,
                now,
                now + LOGIN_HOURS * 3_600_000,
            )
            .await;
        if let Err(error) = stored {
            return error_page(&shared, &headers, &Problem::internal(error));
        }
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&headers, LOGIN_COOKIE, &secret, Some(LOGIN_HOURS * 3600)),
        );
    }
    response
}

/// The sign-out form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LogoutForm {
    csrf: Option<String>,
    /// Any value: end every sign-in of this token, in every browser.
    everywhere: Option<String>,
}

/// `POST /logout`: ends this browser's sign-in (and, with `everywhere` and the form's CSRF
/// token, every sign-in of the same token), and forgets the cookie.
pub(crate) async fn logout(
    State(shared): State<Shared>,
    headers: HeaderMap,
    form: Result<Form<LogoutForm>, FormRejection>,
) -> Response {
    let form = form.map(|Form(f)| f).unwrap_or_default();
    if let Some(secret) = cookie(&headers, LOGIN_COOKIE) {
        let store = &shared.desk.store;
        let id = auth::hash_token(&secret);
        let now = fixpath::session::Timestamp::now().0;
        let holder = match store.login_token(&id, now).await {
            Ok(token) => token.and_then(|hash| shared.tokens.identify_hash(&hash)),
            Err(error) => return error_page(&shared, &headers, &Problem::internal(error)),
        };
        let ended = match (&holder, form.everywhere.is_some()) {
            (Some(identity), true) => {
                if let Err(problem) = check_csrf(&headers, identity, form.csrf.as_deref()) {
                    return error_page(&shared, &headers, &problem);
                }
                store.delete_logins_of(&identity.name).await.map(|_| ())
            }
            _ => store.delete_login(&id).await,
        };
        if let Err(error) = ended {
            return error_page(&shared, &headers, &Problem::internal(error));
        }
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&headers, LOGIN_COOKIE, "", Some(0)),
    );
    response
}

/// `GET /assets/FILE`: the stylesheet and the script (templates, so users can override them).
pub(crate) async fn asset(State(shared): State<Shared>, Path(file): Path<String>) -> Response {
    let renderer = &shared.desk.renderer;
    let (body, content_type) = match file.as_str() {
        "style.css" => {
            let shared_css = renderer.render_named("html/style.css", ());
            let served_css = renderer.render_named("html/serve/serve.css", ());
            match (shared_css, served_css) {
                (Ok(a), Ok(b)) => (format!("{a}\n{b}"), "text/css; charset=utf-8"),
                (Err(e), _) | (_, Err(e)) => return Problem::internal(e).into_response(),
            }
        }
        "serve.js" | "editor.js" => {
            match renderer.render_named(&format!("html/serve/{file}"), ()) {
                Ok(js) => (js, "text/javascript; charset=utf-8"),
                Err(e) => return Problem::internal(e).into_response(),
            }
        }
        _ => return Problem::not_found("no such file").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}
