//! `fixpath serve`: the helpdesk in a browser and an API for ticket systems, over the
//! engine's sessions, kept in SQLite or PostgreSQL.
//!
//! - [`desk`]: sessions started, moved on and read (the one place that drives the engine);
//! - [`store`]: the database (one code path for both backends, versioned migrations);
//! - [`library`]: the KB serving now, swapped whole on a good reload ([`watch`]);
//! - [`api`] and [`ui`]: the JSON API and the pages; [`auth`]: tokens, roles, cookies, CSRF;
//! - [`webhook`]: the outbox's deliveries; [`problem`]: errors as problem+json.
//!
//! Routes read as one table in [`router`]; limits are tower layers around it; [`conn`]
//! caps and times out the connections under it. Every request is logged (`tracing`, one
//! line with its id) and counted (`metrics`, exported in the Prometheus text format).

pub(crate) mod api;
pub(crate) mod auth;
pub(crate) mod conn;
pub(crate) mod desk;
pub(crate) mod editor;
pub(crate) mod library;
pub(crate) mod problem;
pub(crate) mod schema;
pub(crate) mod store;
pub(crate) mod ui;
pub(crate) mod watch;
pub(crate) mod webhook;
pub(crate) mod writer;

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
/// for long); a connection with no request in flight is closed after [`conn::IDLE_TIMEOUT`]
/// counted from accept.
pub(crate) const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LogFormat {
    /// One line of text per event.
    Text,
    /// One JSON object per line (for a log collector).
    Json,
}

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
    /// POST session events to this http(s) URL (repeatable; `FIXPATH_WEBHOOKS`,
    /// comma-separated). Append `#steps` to the URL to receive `session.step` events too.
    #[arg(
        long = "webhook",
        env = "FIXPATH_WEBHOOKS",
        value_delimiter = ',',
        value_name = "URL"
    )]
    webhooks: Vec<String>,
    /// The secret webhook bodies are signed with (HMAC-SHA256). Required with `--webhook`
    /// unless the server is bound to loopback.
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
    /// The URL agents reach this server at (behind a proxy), for links in answers and
    /// webhook events (default: the request's `Host`).
    #[arg(long, env = "FIXPATH_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// The most connections open at once (kept below the descriptor limit); at the cap the
    /// connection idle longest is closed to make room.
    #[arg(long, default_value_t = 8192, value_name = "N")]
    max_connections: usize,
    /// Log lines as text or JSON (one object per line); `FIXPATH_LOG` filters them
    /// (`info` by default, `warn` to leave out the request lines).
    #[arg(long, value_enum, default_value = "text", value_name = "FORMAT")]
    log_format: LogFormat,
    /// Serve `/metrics` (Prometheus text format) on this address, open to anyone who can
    /// reach it; without it, `/metrics` is on the main address for admins only.
    #[arg(long, value_name = "ADDR")]
    metrics_bind: Option<SocketAddr>,
    /// A directory of templates that override the built-in ones file by file.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Check the session store's integrity (and bring its schema up to date), print the
    /// result, and exit: 0 when it is sound.
    #[arg(long)]
    verify_store: bool,
    /// Commit each save of the editor when the KB directory is a git repository (the
    /// writer's token name as the author).
    #[arg(long)]
    git_commit: bool,
}

/// Everything a request handler can reach.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) desk: Desk,
    pub(crate) tokens: Tokens,
    pub(crate) limiter: Limiter,
    /// Renders the metrics in the Prometheus text format.
    pub(crate) metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// The check page's diagnostics of the KB on disk, when a reload failed.
    pub(crate) pending: ArcSwap<Option<Vec<fixpath::Diagnostic>>>,
    /// How writers' saves are handled.
    pub(crate) editor: editor::Settings,
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
    check_webhooks(&args)?;
    if let Some(public) = &args.public_url {
        match url::Url::parse(public) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {}
            _ => anyhow::bail!("--public-url must be an http(s) URL with a host, not `{public}`"),
        }
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

/// Webhook targets are http(s) URLs, and their bodies are signed with a secret: without
/// one, anyone could forge an event, so a server others can reach refuses to start.
fn check_webhooks(args: &Args) -> anyhow::Result<()> {
    for target in &args.webhooks {
        match url::Url::parse(target) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {}
            Ok(url) => anyhow::bail!(
                "webhook target `{target}`: only http and https URLs can receive events, not {}",
                url.scheme()
            ),
            Err(error) => anyhow::bail!("webhook target `{target}` is not a URL: {error}"),
        }
    }
    let unsigned = args.webhook_secret.as_deref().is_none_or(str::is_empty);
    if !args.webhooks.is_empty() && unsigned {
        if !args.bind.ip().is_loopback() {
            anyhow::bail!(
                "refusing to send webhooks without a secret from a server bound to {}: anyone could forge an event. \
                 Pass --webhook-secret SECRET (or FIXPATH_WEBHOOK_SECRET)",
                args.bind
            );
        }
        eprintln!(
            "warning: webhook events are signed with an empty key (no --webhook-secret): a receiver cannot tell them from forged ones"
        );
    }
    Ok(())
}

/// Logs to stderr, as text or JSON lines, filtered by `FIXPATH_LOG` (default `info`).
fn init_logs(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("FIXPATH_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
}

/// Installs the metrics recorder: every `metrics::` call is kept for `/metrics`.
fn init_metrics() -> anyhow::Result<metrics_exporter_prometheus::PrometheusHandle> {
    use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
    const LATENCY: &[f64] = &[
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
    ];
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), LATENCY)?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder)
        .map_err(|e| anyhow::anyhow!("cannot install the metrics recorder: {e}"))?;
    describe_metrics();
    Ok(handle)
}

/// The help line of every metric.
fn describe_metrics() {
    use metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "fixpath_http_requests_total",
        "HTTP requests answered, by route, method and status"
    );
    describe_histogram!(
        "fixpath_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request, by route and method"
    );
    describe_counter!("fixpath_sessions_started_total", "Sessions started");
    describe_counter!("fixpath_sessions_ended_total", "Sessions ended, by outcome");
    describe_histogram!(
        "fixpath_step_commit_seconds",
        Unit::Seconds,
        "Time to commit a step to the store"
    );
    describe_gauge!(
        "fixpath_webhook_queue_depth",
        "Webhook deliveries not yet made"
    );
    describe_counter!(
        "fixpath_webhook_deliveries_total",
        "Webhook deliveries made (2xx)"
    );
    describe_counter!(
        "fixpath_webhook_failures_total",
        "Webhook delivery attempts that failed"
    );
    describe_counter!(
        "fixpath_store_errors_total",
        "Store errors, by kind (unavailable, database, conflict)"
    );
    describe_counter!(
        "fixpath_kb_reloads_total",
        "KB reloads, by result (ok, failed)"
    );
    describe_gauge!("fixpath_open_connections", "Client connections open");
    describe_counter!(
        "fixpath_connections_shed_total",
        "Idle connections closed to make room at the cap"
    );
    describe_counter!(
        "fixpath_connections_refused_total",
        "Connections refused at the cap (every open one busy)"
    );
    // Counters start at zero, so a rate over them is defined before the first event.
    for name in [
        "fixpath_sessions_started_total",
        "fixpath_webhook_deliveries_total",
        "fixpath_webhook_failures_total",
        "fixpath_connections_shed_total",
        "fixpath_connections_refused_total",
    ] {
        metrics::counter!(name).absolute(0);
    }
    for kind in ["unavailable", "database", "conflict", "webhook"] {
        metrics::counter!("fixpath_store_errors_total", "kind" => kind).absolute(0);
    }
    for result in ["ok", "failed"] {
        metrics::counter!("fixpath_kb_reloads_total", "result" => result).absolute(0);
    }
    metrics::gauge!("fixpath_webhook_queue_depth").set(0.0);
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
    init_logs(args.log_format);
    let metrics = init_metrics()?;
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
    let fallback_url = fallback_url(local);
    let public_url = args
        .public_url
        .clone()
        .map(|u| u.trim_end_matches('/').to_owned());
    let renderer = Renderer::new(args.templates.as_deref())?;
    let state = Arc::new(AppState {
        desk: Desk {
            library: ArcSwap::from_pointee(library),
            store,
            renderer,
            config: DeskConfig {
                webhooks: args.webhooks.clone(),
                public_url,
                fallback_url,
            },
        },
        tokens,
        metrics: Some(metrics.clone()),
        limiter: Limiter::new(args.rate_limit, args.rate_limit.saturating_mul(3)),
        pending: ArcSwap::from_pointee(None),
        editor: editor::Settings {
            git_commit: args.git_commit,
        },
    });
    let mut workers = vec![
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
    if let Some(address) = args.metrics_bind {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address} for metrics"))?;
        println!("  metrics on http://{}/metrics", listener.local_addr()?);
        let handle = metrics.clone();
        let app = Router::new().route(
            "/metrics",
            get(move || std::future::ready(metrics_text(&handle))),
        );
        workers.push(tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                tracing::error!(%error, "the metrics listener stopped");
            }
        }));
    }
    std::io::stdout().flush()?;
    let connections = conn::Connections::new(conn::connection_cap(args.max_connections));
    tracing::info!(cap = connections.cap(), "connections capped");
    serve_connections(listener, router(state.clone()), connections, shutdown()).await;
    for worker in workers {
        worker.abort();
    }
    state.desk.store.close().await;
    Ok(Outcome::Success)
}

/// Accepts connections until `stop`, each served by hyper and watched by [`conn`] (closed
/// when idle, shed at the cap); then lets the requests in flight finish (up to ten seconds).
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    connections: Arc<conn::Connections>,
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
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Some(registered) = connections.admit() else {
            metrics::counter!("fixpath_connections_refused_total").increment(1);
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let activity = registered.activity.clone();
        let app = app.clone();
        let service = tower::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let activity = activity.clone();
            let mut app = app.clone();
            activity.begin();
            async move {
                use tower::Service as _;
                let response = app.call(request).await;
                activity.end();
                response
            }
        });
        let service = hyper_util::service::TowerToHyperService::new(service);
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
            tokio::select! {
                _ = connection => {}
                () = registered.activity.expired() => {}
            }
            drop(registered);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(10)) => {}
    }
}

/// The metrics, in the Prometheus text format.
fn metrics_text(handle: &metrics_exporter_prometheus::PrometheusHandle) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// `GET /metrics` on the main address (admins).
async fn metrics_page(State(shared): State<Shared>) -> Response {
    match &shared.metrics {
        Some(handle) => metrics_text(handle),
        None => Problem::not_found("no metrics are kept").into_response(),
    }
}

/// The URL sessions are named with when no request says (an idle session's end): the
/// address bound, or this machine's name when bound to every address (never `0.0.0.0`).
fn fallback_url(local: SocketAddr) -> String {
    if !local.ip().is_unspecified() {
        return format!("http://{local}");
    }
    let mut name = [0u8; 256];
    // SAFETY: gethostname writes at most `len` bytes into the buffer given.
    let host = if unsafe { libc::gethostname(name.as_mut_ptr().cast(), name.len()) } == 0 {
        let end = name.iter().position(|b| *b == 0).unwrap_or(name.len());
        String::from_utf8_lossy(&name[..end]).into_owned()
    } else {
        "localhost".to_owned()
    };
    format!("http://{host}:{}", local.port())
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
        .route("/api/v1/stats", get(api::stats))
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
    let writers =
        editor::routes()
            .merge(writer::routes())
            .route_layer(middleware::from_fn_with_state(
                (state.clone(), Role::Writer),
                authorize,
            ));
    let admin = Router::new()
        .route("/check", get(ui::check))
        .route("/stats", get(ui::stats))
        .route("/admin/reload", post(ui::reload))
        .route("/metrics", get(metrics_page))
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
        .merge(writers)
        .merge(open)
        .fallback(not_found)
        .with_state(state.clone())
        // The first layer listed is the innermost.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(bounded_uri))
        .layer(middleware::from_fn(problems_for_api))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(state, observe))
}

/// The longest `X-Request-Id` taken from a client (longer ones are replaced).
const MAX_REQUEST_ID: usize = 128;

/// Around every request: its id (the client's `X-Request-Id`, or a new one, echoed), the
/// base URL sessions are named with while it is answered, one log line, and its metrics.
async fn observe(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= MAX_REQUEST_ID && v.bytes().all(|b| b.is_ascii_graphic())
        })
        .map_or_else(desk::random_id, str::to_owned);
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let config = &shared.desk.config;
    let base = config
        .public_url
        .clone()
        .or_else(|| host_url(request.headers()))
        .unwrap_or_else(|| config.fallback_url.clone());
    let mut response = desk::REQUEST_BASE.scope(base, next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    metrics::counter!(
        "fixpath_http_requests_total",
        "route" => route.clone(),
        "method" => method.clone(),
        "status" => status.to_string()
    )
    .increment(1);
    metrics::histogram!(
        "fixpath_http_request_duration_seconds",
        "route" => route.clone(),
        "method" => method.clone()
    )
    .record(elapsed.as_secs_f64());
    tracing::info!(
        target: "fixpath::request",
        request_id = %request_id,
        method = %method,
        path = %path,
        route = %route,
        status,
        ms = (elapsed.as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
        "request"
    );
    response
}

/// `http(s)://HOST` from the request's `Host` (and `X-Forwarded-Proto`), when it is a host
/// name or address and port, and not an unspecified address.
fn host_url(headers: &axum::http::HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let well_formed = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b));
    if !well_formed {
        return None;
    }
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    let name = name.trim_start_matches('[').trim_end_matches(']');
    if name
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_unspecified())
    {
        return None;
    }
    let https = headers
        .get("x-forwarded-proto")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    Some(format!("{}://{host}", if https { "https" } else { "http" }))
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
