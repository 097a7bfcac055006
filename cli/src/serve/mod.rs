//! `fixpath serve`: the helpdesk in a browser and an API for ticket systems, over the
//! engine's sessions, kept in SQLite or PostgreSQL.
//!
//! - [`desk`]: sessions started, moved on and read (the one place that drives the engine);
//! - [`store`]: the database (one code path for both backends, versioned migrations);
//! - [`library`]: the KB serving now, swapped whole on a good reload ([`watch`]);
//! - [`api`] and [`ui`]: the JSON API and the pages; [`auth`]: tokens, roles, cookies, CSRF;
//! - [`webhook`]: the outbox's deliveries; [`problem`]: errors as problem+json.
//!
//! Routes read as one table in [`router`]; limits are tower layers around it.

pub(crate) mod api;
pub(crate) mod auth;
pub(crate) mod desk;
pub(crate) mod library;
pub(crate) mod problem;
pub(crate) mod store;
pub(crate) mod ui;
pub(crate) mod watch;
pub(crate) mod webhook;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use arc_swap::ArcSwap;
use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use fixpath::render::Renderer;

use crate::Outcome;
use crate::kb::KbArgs;
use auth::{Identity, Limiter, Role, Tokens};
use desk::{Desk, DeskConfig};
use problem::Problem;

/// Largest request body accepted (bytes).
pub(crate) const MAX_BODY: usize = 64 * 1024;
/// Longest request target (path and query) accepted (bytes).
pub(crate) const MAX_URI: usize = 4096;
/// How long a request may take, body included, before the client is cut off.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send a request's head (a slow client holds no connection
/// for long).
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Arguments of `fixpath serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The address to listen on. Anything but loopback needs access tokens (`--tokens`).
    #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDR")]
    bind: SocketAddr,
    /// Where sessions are kept: sqlite://FILE or postgres://USER@HOST/DB (default: a SQLite
    /// file in the data directory, `FIXPATH_DATA_DIR` to move it).
    #[arg(long, env = "FIXPATH_DB", value_name = "URL")]
    db: Option<String>,
    /// Reload the KB when its files change (keeps serving the last good version on errors).
    #[arg(long)]
    watch: bool,
    /// The access tokens file (TOML; `fixpath token` adds to it). Read again when it changes.
    #[arg(long, env = "FIXPATH_TOKENS_FILE", value_name = "FILE")]
    tokens: Option<PathBuf>,
    /// POST each session's end to this URL (repeatable; `FIXPATH_WEBHOOKS`, comma-separated).
    #[arg(
        long = "webhook",
        env = "FIXPATH_WEBHOOKS",
        value_delimiter = ',',
        value_name = "URL"
    )]
    webhooks: Vec<String>,
    /// The secret webhook bodies are signed with (HMAC-SHA256).
    #[arg(
        long,
        env = "FIXPATH_WEBHOOK_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    webhook_secret: Option<String>,
    /// Seconds without a step after which an open session ends as abandoned (0: never).
    #[arg(long, default_value_t = 4 * 3600, value_name = "SECONDS")]
    abandon_after: u64,
    /// Requests a second each token may make (bursts of three times as many).
    #[arg(long, default_value_t = 50, value_name = "N")]
    rate_limit: u32,
    /// The URL agents reach this server at (behind a proxy), for links in webhook events.
    #[arg(long, env = "FIXPATH_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// A directory of templates that override the built-in ones file by file.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Check the session store's integrity (and bring its schema up to date), print the
    /// result, and exit: 0 when it is sound.
    #[arg(long)]
    verify_store: bool,
}

/// Everything a request handler can reach.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) desk: Desk,
    pub(crate) tokens: Tokens,
    pub(crate) limiter: Limiter,
    /// The check page's diagnostics of the KB on disk, when a reload failed.
    pub(crate) pending: ArcSwap<Option<Vec<fixpath::Diagnostic>>>,
}

/// The state, shared.
pub(crate) type Shared = Arc<AppState>;

/// The caller of a request that passed [`authorize`].
#[derive(Debug, Clone)]
pub(crate) struct Caller(pub(crate) Identity);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Identity>()
            .cloned()
            .map(Caller)
            .ok_or_else(|| Problem::internal("a route without authorization"))
    }
}

/// The default database: a SQLite file in the data directory.
fn default_db() -> anyhow::Result<String> {
    let dir = match std::env::var_os("FIXPATH_DATA_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => directories::ProjectDirs::from("", "", "fixpath")
            .map(|d| d.data_dir().to_path_buf())
            .context("no data directory for this user: set FIXPATH_DATA_DIR")?,
    };
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    Ok(format!(
        "sqlite://{}",
        dir.join("sessions.sqlite").display()
    ))
}

/// The store a command names (`--db URL`), else the local SQLite file.
fn db_url(db: Option<String>) -> anyhow::Result<store::DbUrl> {
    Ok(store::DbUrl(match db {
        Some(url) => url,
        None => default_db()?,
    }))
}

/// Opens a store, saying which one when it cannot.
async fn open_store(url: &store::DbUrl) -> anyhow::Result<store::Store> {
    store::Store::open(url)
        .await
        .with_context(|| format!("cannot open the session store {}", url.redacted()))
}

/// Runs one piece of store work for a terminal command, on a runtime of its own.
fn with_store<T>(
    db: Option<String>,
    work: impl AsyncFnOnce(&store::Store) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = open_store(&db_url(db)?).await?;
        let result = work(&store).await;
        store.close().await;
        result
    })
}

/// Keeps a finished terminal session (`ask --record`) in the local store, as the server
/// keeps its own: what `fixpath learn` and `fixpath stats` read.
pub(crate) fn record_session(
    state: &fixpath::session::SessionState,
    title: &str,
    problem: Option<&str>,
) -> anyhow::Result<()> {
    with_store(None, async |store| {
        Ok(desk::record(store, state, (title, problem), "terminal").await?)
    })
}

/// What every ended session of a store (the local one without a URL) teaches.
pub(crate) fn ended_records(db: Option<String>) -> anyhow::Result<Vec<fixpath::learn::Record>> {
    with_store(db, async |store| Ok(store.ended_records().await?))
}

/// Runs the server until Ctrl-C or SIGTERM.
pub(crate) fn run(args: Args, kb: &KbArgs) -> anyhow::Result<Outcome> {
    let tokens = Tokens::open(
        args.tokens.as_deref(),
        std::env::var("FIXPATH_TOKENS").ok().as_deref(),
    )?;
    if !args.bind.ip().is_loopback() && !tokens.required() {
        anyhow::bail!(
            "refusing to serve on {} without access tokens: anyone who can reach it could read and change sessions. \
             Create tokens with `fixpath token NAME --role agent --file tokens.toml` and pass --tokens tokens.toml \
             (or bind 127.0.0.1)",
            args.bind
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    if args.verify_store {
        drop(runtime);
        return verify_store(args.db);
    }
    runtime.block_on(serve(args, kb, tokens))
}

fn verify_store(db: Option<String>) -> anyhow::Result<Outcome> {
    let url = db_url(db.clone())?;
    let verdict = with_store(db, async |store| Ok(store.integrity_check().await?))?;
    println!("{}: {verdict}", url.redacted());
    Ok(if verdict == "ok" {
        Outcome::Success
    } else {
        Outcome::Negative
    })
}

async fn serve(args: Args, kb: &KbArgs, tokens: Tokens) -> anyhow::Result<Outcome> {
    let cache = fixpath::search::store::default_cache_dir();
    let dir = kb.kb.clone();
    let library = {
        let dir = dir.clone();
        let cache = cache.clone();
        let no_learned = kb.no_learned;
        tokio::task::spawn_blocking(move || library::Library::open(dir, &cache, no_learned))
            .await??
    };
    let store = open_store(&db_url(args.db)?).await?;
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let local = listener.local_addr()?;
    let base_url = args
        .public_url
        .clone()
        .map(|u| u.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| format!("http://{local}"));
    let renderer = Renderer::new(args.templates.as_deref())?;
    let state = Arc::new(AppState {
        desk: Desk {
            library: ArcSwap::from_pointee(library),
            store,
            renderer,
            config: DeskConfig {
                webhooks: args.webhooks.clone(),
                base_url: base_url.clone(),
            },
        },
        tokens,
        limiter: Limiter::new(args.rate_limit, args.rate_limit.saturating_mul(3)),
        pending: ArcSwap::from_pointee(None),
    });
    let workers = vec![
        tokio::spawn(webhook::deliver(
            state.clone(),
            args.webhook_secret.clone().unwrap_or_default(),
        )),
        tokio::spawn(webhook::sweep_idle(
            state.clone(),
            Duration::from_secs(args.abandon_after),
        )),
    ];
    let _watcher = match (&dir, args.watch) {
        (Some(dir), true) => Some(watch::watch(
            state.clone(),
            dir.clone(),
            cache,
            kb.no_learned,
        )?),
        (None, true) => anyhow::bail!("--watch needs --kb DIR (the embedded KB does not change)"),
        _ => None,
    };
    // Said once everything is in place: whoever reads the line may use the server at once.
    println!("fixpath serves on http://{local}");
    println!(
        "  KB: {}; sessions: {}; {}",
        dir.as_ref()
            .map_or_else(|| "embedded".to_owned(), |d| d.display().to_string()),
        state.desk.store.describe(),
        if state.tokens.required() {
            format!("{} access tokens", state.tokens.count())
        } else {
            "no access tokens (loopback only)".to_owned()
        }
    );
    use std::io::Write as _;
    std::io::stdout().flush()?;
    serve_connections(listener, router(state.clone()), shutdown()).await;
    for worker in workers {
        worker.abort();
    }
    state.desk.store.close().await;
    Ok(Outcome::Success)
}

/// Accepts connections until `stop`, each served by hyper with a deadline for its request
/// heads; then lets the requests in flight finish (up to ten seconds).
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()>,
) {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: wait rather than spin.
                    eprintln!("warning: cannot accept a connection: {error}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT);
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => {}
    }
}

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("SIGTERM can be handled");
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// Every route, with the role it needs, and the layers around them.
pub(crate) fn router(state: Shared) -> Router {
    let api = Router::new()
        .route("/api/v1/search", get(api::search))
        .route("/api/v1/articles/{id}", get(api::article))
        .route("/api/v1/sessions", get(api::list).post(api::start))
        .route("/api/v1/sessions/{id}", get(api::read).patch(api::details))
        .route("/api/v1/sessions/{id}/steps", post(api::step))
        .route("/api/v1/sessions/{id}/transcript", get(api::transcript))
        .route_layer(middleware::from_fn_with_state(
            (state.clone(), Role::Integration),
            authorize,
        ));
    let pages = Router::new()
        .route("/", get(ui::home))
        .route("/search", get(ui::search))
        .route("/articles/{file}", get(ui::article))
        .route("/sessions", get(ui::list).post(ui::start))
        .route("/sessions/{id}", get(ui::session))
        .route("/sessions/{id}/steps", post(ui::step))
        .route("/sessions/{id}/transcript.md", get(ui::transcript_markdown))
        .route("/sessions/{id}/transcript.json", get(ui::transcript_json))
        .route("/sessions/{id}/transcript.txt", get(ui::transcript_text))
        .route("/sessions/{id}/details", post(ui::details))
        .route("/sessions/{id}/restart", post(ui::restart))
        .route_layer(middleware::from_fn_with_state(
            (state.clone(), Role::Agent),
            authorize,
        ));
    let admin = Router::new()
        .route("/check", get(ui::check))
        .route("/stats", get(ui::stats))
        .route("/admin/reload", post(ui::reload))
        .route_layer(middleware::from_fn_with_state(
            (state.clone(), Role::Admin),
            authorize,
        ));
    let open = Router::new()
        .route("/healthz", get(api::healthz))
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/login", get(ui::login_page).post(ui::login))
        .route("/logout", post(ui::logout))
        .route("/assets/{file}", get(ui::asset));
    Router::new()
        .merge(api)
        .merge(pages)
        .merge(admin)
        .merge(open)
        .fallback(not_found)
        .with_state(state)
        // The first layer listed is the innermost.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(bounded_uri))
        .layer(middleware::from_fn(problems_for_api))
        .layer(middleware::from_fn(security_headers))
}

async fn not_found() -> Problem {
    Problem::not_found("no such page")
}

/// Who is calling: the token of the `Authorization: Bearer` header, or the token the
/// browser's sign-in stands for.
async fn identify(state: &AppState, parts: &axum::http::HeaderMap) -> Option<Identity> {
    if !state.tokens.required() {
        return Some(Identity::local());
    }
    let bearer = parts
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        return state.tokens.identify(token);
    }
    let secret = ui::cookie(parts, ui::LOGIN_COOKIE)?;
    let token_hash = state
        .desk
        .store
        .login_token(
            &auth::hash_token(&secret),
            fixpath::session::Timestamp::now().0,
        )
        .await
        .ok()??;
    state.tokens.identify_hash(&token_hash)
}

/// Lets a request through when its caller holds a role that allows the route, within the
/// caller's rate.
async fn authorize(
    State((state, needed)): State<(Shared, Role)>,
    mut request: Request,
    next: Next,
) -> Response {
    let is_page = needed != Role::Integration && !request.uri().path().starts_with("/api/");
    let Some(identity) = identify(&state, request.headers()).await else {
        if is_page && request.method() == axum::http::Method::GET {
            return ui::to_login(request.uri());
        }
        let mut response =
            Problem::new(StatusCode::UNAUTHORIZED, "an access token is needed").into_response();
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    };
    if !identity.role.allows(needed) {
        return Problem::new(
            StatusCode::FORBIDDEN,
            format!(
                "the {} role cannot use this route (it needs {})",
                identity.role.as_str(),
                needed.as_str()
            ),
        )
        .into_response();
    }
    if state.tokens.required()
        && let Err(wait) = state.limiter.check(&identity.name)
    {
        let mut problem = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many requests for this token; slow down",
        );
        problem.retry_after = Some(wait.as_secs().max(1));
        return problem.into_response();
    }
    request.extensions_mut().insert(identity);
    next.run(request).await
}

/// Refuses request targets longer than [`MAX_URI`].
async fn bounded_uri(request: Request, next: Next) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if length > MAX_URI {
        return Problem::new(
            StatusCode::URI_TOO_LONG,
            format!("the request target is longer than {MAX_URI} bytes"),
        )
        .into_response();
    }
    next.run(request).await
}

/// Every error the API answers is problem+json, whichever layer produced it.
async fn problems_for_api(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !api || !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let detail = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("the request body is larger than {MAX_BODY} bytes")
        }
        StatusCode::METHOD_NOT_ALLOWED => "this route does not take this method".to_owned(),
        StatusCode::REQUEST_TIMEOUT => "the request took too long".to_owned(),
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    let mut problem = Problem::new(status, detail).into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        problem.headers_mut().insert(header::ALLOW, allow.clone());
    }
    problem
}

/// The content security policy of every page: no inline script, nothing remote.
pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}
