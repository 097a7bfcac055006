//! Where `fixpath serve` keeps sessions: SQLite (one file, the default) or PostgreSQL
//! (several instances), through one code path (sqlx's `Any` driver) and one schema.
//!
//! Handlers never see SQL: they load a [`StoredSession`], let the engine move it on, and
//! [`Store::save`] the new state with its new steps (and any webhook event) in one
//! transaction, refused when another request moved the session first.

use std::borrow::Cow;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Executor as _, Row as _, SqlSafeStr as _};

/// The versioned migrations, in order (the same for both backends).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "sessions",
        include_str!("../../migrations/0001_sessions.sql"),
    ),
    (
        2,
        "logins",
        include_str!("../../migrations/0002_logins.sql"),
    ),
    (
        3,
        "paging and idempotency",
        include_str!("../../migrations/0003_paging_idempotency.sql"),
    ),
    (
        4,
        "session notes",
        include_str!("../../migrations/0004_session_notes.sql"),
    ),
];

/// How long a request waits for a database connection before the store counts as down
/// (then the answer is 503, well within a client's patience).
pub(crate) const ACQUIRE_TIMEOUT: Duration = Duration::from_millis(1500);

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    /// Another request moved the session on first.
    #[error("the session was moved on by another request; reload it")]
    Conflict,
    /// The database URL is not one fixpath can use.
    #[error("{0}")]
    Url(String),
    /// The database does not answer (down, unreachable, or every connection busy for
    /// longer than [`ACQUIRE_TIMEOUT`]).
    #[error("database unavailable: {0}")]
    Unavailable(sqlx::Error),
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(sqlx::Error),
    /// The schema could not be brought up to date.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(error)
            }
            sqlx::Error::Database(ref e)
                // PostgreSQL's class 08 (connection exception) and 57P0x (shutting down).
                if e.code().is_some_and(|c| c.starts_with("08") || c.starts_with("57P0")) =>
            {
                StoreError::Unavailable(error)
            }
            other => StoreError::Database(other),
        }
    }
}

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// A database URL whose password never reaches a log or an error.
#[derive(Clone)]
pub(crate) struct DbUrl(pub(crate) String);

impl std::fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl DbUrl {
    /// The URL with any password replaced by `***`.
    pub(crate) fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("***"));
                url.to_string()
            }
            _ => self.0.clone(),
        }
    }

    fn backend(&self) -> Result<Backend, StoreError> {
        let scheme = self.0.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => Err(StoreError::Url(format!(
                "cannot use the database {}: give sqlite://FILE or postgres://…",
                self.redacted()
            ))),
        }
    }
}

/// A session as stored.
#[derive(Debug, Clone)]
pub(crate) struct StoredSession {
    pub(crate) id: String,
    /// The article it began in.
    pub(crate) article: String,
    /// Open, or how it ended.
    pub(crate) status: String,
    /// How many moves are recorded: the row's version.
    pub(crate) steps: i64,
    /// The engine's `SessionState`, as JSON.
    pub(crate) state: String,
    pub(crate) problem: Option<String>,
    pub(crate) reference: Option<String>,
    pub(crate) created_by: String,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    /// The agent's notes.
    pub(crate) notes: Option<String>,
}

/// One line of the session list.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct SessionSummary {
    /// The session id.
    pub(crate) id: String,
    /// The article it began in.
    pub(crate) article: String,
    /// The article it is in now.
    pub(crate) current: String,
    /// The title of the article it began in.
    pub(crate) title: String,
    /// `open`, or how it ended (`fixed`, `escalated`, `abandoned`, …).
    pub(crate) status: String,
    /// Moves recorded.
    pub(crate) steps: i64,
    /// The ticket's reference, when one was given.
    pub(crate) reference: Option<String>,
    /// Who began it (the token's name; `local` without tokens).
    pub(crate) created_by: String,
    /// When it began (ms since the Unix epoch).
    pub(crate) created_at: i64,
    /// When it last moved (ms since the Unix epoch).
    pub(crate) updated_at: i64,
}

/// One move to append.
#[derive(Debug, Clone)]
pub(crate) struct NewStep {
    pub(crate) at: i64,
    pub(crate) article: String,
    /// The engine's `Move`, as JSON.
    pub(crate) step: String,
}

/// A webhook event to deliver to every target, written with the step that caused it.
#[derive(Debug, Clone)]
pub(crate) struct OutboxEvent {
    pub(crate) event_id: String,
    pub(crate) kind: String,
    pub(crate) payload: String,
    pub(crate) targets: Vec<String>,
}

/// What a move changes.
#[derive(Debug, Clone)]
pub(crate) struct Update {
    pub(crate) id: String,
    /// The version the move was made on.
    pub(crate) steps_before: i64,
    pub(crate) state: String,
    pub(crate) status: String,
    pub(crate) current: String,
    pub(crate) new_steps: Vec<NewStep>,
    pub(crate) actor: String,
    pub(crate) at: i64,
    /// Webhook events the move causes (a step, an end).
    pub(crate) events: Vec<OutboxEvent>,
}

/// Filters of the session list.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListFilter {
    /// `open`, or how it ended.
    pub(crate) status: Option<String>,
    /// Ended sessions only (any outcome).
    pub(crate) ended: bool,
    pub(crate) article: Option<String>,
    pub(crate) reference: Option<String>,
    pub(crate) created_by: Option<String>,
    /// Only sessions last moved before this time (ms).
    pub(crate) before: Option<i64>,
    /// Only sessions last moved at or after this time (ms).
    pub(crate) updated_since: Option<i64>,
    /// Only sessions after this one in the list's order (newest first): the key of the
    /// previous page's last line.
    pub(crate) after: Option<Cursor>,
    pub(crate) limit: i64,
}

/// A place in the session list: the (updated_at, id) of a line. Lines are ordered by it,
/// newest first, and it is unique, so a page starting after it skips none and repeats none,
/// however many sessions share a millisecond.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub(crate) updated_at: i64,
    pub(crate) id: String,
}

impl Cursor {
    /// The opaque text a client sends back (`?cursor=`).
    pub(crate) fn encode(&self) -> String {
        hex::encode(format!("{}.{}", self.updated_at, self.id))
    }

    /// The cursor a client sent, or `None` when it is not one this server made.
    pub(crate) fn decode(text: &str) -> Option<Cursor> {
        let bytes = hex::decode(text).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (at, id) = text.split_once('.')?;
        Some(Cursor {
            updated_at: at.parse().ok()?,
            id: id.to_owned(),
        })
    }
}

/// What claiming an idempotency key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Claim {
    /// The key is new: answer the request, then settle the key.
    Fresh,
    /// The same request was answered: this is its answer.
    Answered { status: u16, body: String },
    /// The same request is being answered now.
    InProgress,
    /// The key was used with another request.
    OtherRequest,
}

/// A webhook delivery due now.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub(crate) event_id: String,
    /// The event's type (`session.ended`, ...).
    pub(crate) kind: String,
    pub(crate) target: String,
    pub(crate) attempts: i64,
    pub(crate) payload: String,
}

/// The store.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer: writes queue here rather than spin on the file lock.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// SQLite: the task that commits the moves waiting at the same moment in one
    /// transaction (one fsync for all of them).
    batcher: Option<tokio::sync::mpsc::Sender<Pending>>,
    url: DbUrl,
}

/// A move waiting for the batcher, with where to say how it went.
#[derive(Debug)]
struct Pending {
    update: Update,
    done: tokio::sync::oneshot::Sender<Result<(), StoreError>>,
}

/// Most moves committed in one transaction.
const MAX_BATCH: usize = 128;

impl Store {
    /// Opens (creating when needed) the database and brings its schema up to date.
    pub(crate) async fn open(url: &DbUrl) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = url.backend()?;
        let mut connect = url.0.clone();
        if backend == Backend::Sqlite && !connect.contains('?') {
            connect.push_str("?mode=rwc");
        }
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL: readers never wait for the writer. synchronous=FULL: a
                        // commit is on disk before the answer is sent.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(&connect).await?;
        let migrations = MIGRATIONS
            .iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*name),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect();
        Migrator::with_migrations(migrations).run(&pool).await?;
        let writer: std::sync::Arc<tokio::sync::Mutex<()>> = Default::default();
        let batcher = (backend == Backend::Sqlite).then(|| {
            let (sender, receiver) = tokio::sync::mpsc::channel(4 * MAX_BATCH);
            tokio::spawn(commit_batches(pool.clone(), writer.clone(), receiver));
            sender
        });
        Ok(Store {
            pool,
            backend,
            writer,
            batcher,
            url: url.clone(),
        })
    }

    /// Which database this is.
    pub(crate) fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL, password hidden.
    pub(crate) fn describe(&self) -> String {
        self.url.redacted()
    }

    async fn write_lock(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.writer.lock().await),
            Backend::Postgres => None,
        }
    }

    /// Stores a new session with the moves it began with.
    pub(crate) async fn create(
        &self,
        session: &StoredSession,
        current: &str,
        title: &str,
        steps: &[NewStep],
        event: Option<OutboxEvent>,
    ) -> Result<(), StoreError> {
        let _guard = self.write_lock().await;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (id, article, current, title, status, steps, state, problem, \
             reference, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&session.id)
        .bind(&session.article)
        .bind(current)
        .bind(title)
        .bind(&session.status)
        .bind(session.steps)
        .bind(&session.state)
        .bind(&session.problem)
        .bind(&session.reference)
        .bind(&session.created_by)
        .bind(session.created_at)
        .bind(session.updated_at)
        .execute(&mut *tx)
        .await?;
        insert_steps(&mut tx, &session.id, 0, steps, &session.created_by).await?;
        if let Some(event) = &event {
            insert_event(&mut tx, &session.id, event, session.created_at).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// One session, or `None`.
    pub(crate) async fn get(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
        let row = sqlx::query(
            "SELECT id, article, status, steps, state, problem, reference, created_by, \
             created_at, updated_at, notes FROM sessions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(StoredSession {
                id: row.try_get(0)?,
                article: row.try_get(1)?,
                status: row.try_get(2)?,
                steps: row.try_get(3)?,
                state: row.try_get(4)?,
                problem: row.try_get(5)?,
                reference: row.try_get(6)?,
                created_by: row.try_get(7)?,
                created_at: row.try_get(8)?,
                updated_at: row.try_get(9)?,
                notes: row.try_get(10)?,
            })
        })
        .transpose()
    }

    /// Changes a session's reference and notes (`None`: leave as is; `Some(None)`: clear).
    /// Returns false when no session has the id. Not a move: the step count stays.
    pub(crate) async fn update_details(
        &self,
        id: &str,
        reference: Option<Option<&str>>,
        notes: Option<Option<&str>>,
    ) -> Result<bool, StoreError> {
        let _guard = self.write_lock().await;
        let result = sqlx::query(
            "UPDATE sessions SET \
             reference = CASE WHEN $2 = 1 THEN $3 ELSE reference END, \
             notes = CASE WHEN $4 = 1 THEN $5 ELSE notes END \
             WHERE id = $1",
        )
        .bind(id)
        .bind(i64::from(reference.is_some()))
        .bind(reference.flatten())
        .bind(i64::from(notes.is_some()))
        .bind(notes.flatten())
        .execute(&self.pool)
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Records a move: the new state, its steps and any event, all or nothing; refused
    /// with [`StoreError::Conflict`] when the session is no longer at `steps_before`.
    /// Returns once the move is committed (on SQLite, with the moves that waited with it).
    pub(crate) async fn save(&self, update: Update) -> Result<(), StoreError> {
        if let Some(batcher) = &self.batcher {
            let (done, result) = tokio::sync::oneshot::channel();
            batcher
                .send(Pending { update, done })
                .await
                .map_err(|_| StoreError::Url("the store is closed".to_owned()))?;
            return result
                .await
                .map_err(|_| StoreError::Url("the store is closed".to_owned()))?;
        }
        let mut tx = self.pool.begin().await?;
        let applied = apply_update(&mut tx, &update).await?;
        if applied {
            tx.commit().await?;
            Ok(())
        } else {
            tx.rollback().await?;
            Err(StoreError::Conflict)
        }
    }

    /// Sessions, most recently moved first.
    pub(crate) async fn list(
        &self,
        filter: &ListFilter,
    ) -> Result<Vec<SessionSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, article, current, title, status, steps, reference, created_by, created_at, \
             updated_at FROM sessions \
             WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR article = $2 OR current = $2) \
             AND ($3 IS NULL OR reference = $3) AND ($4 IS NULL OR updated_at < $4) \
             AND ($5 IS NULL OR updated_at < $5 OR (updated_at = $5 AND id < $6)) \
             AND ($7 IS NULL OR updated_at >= $7) AND ($8 IS NULL OR created_by = $8) \
             AND ($9 = 0 OR status <> 'open') \
             ORDER BY updated_at DESC, id DESC LIMIT $10",
        )
        .bind(&filter.status)
        .bind(&filter.article)
        .bind(&filter.reference)
        .bind(filter.before)
        .bind(filter.after.as_ref().map(|c| c.updated_at))
        .bind(filter.after.as_ref().map(|c| c.id.clone()))
        .bind(filter.updated_since)
        .bind(&filter.created_by)
        .bind(i64::from(filter.ended))
        .bind(filter.limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(SessionSummary {
                    id: row.try_get(0)?,
                    article: row.try_get(1)?,
                    current: row.try_get(2)?,
                    title: row.try_get(3)?,
                    status: row.try_get(4)?,
                    steps: row.try_get(5)?,
                    reference: row.try_get(6)?,
                    created_by: row.try_get(7)?,
                    created_at: row.try_get(8)?,
                    updated_at: row.try_get(9)?,
                })
            })
            .collect()
    }

    /// What every ended session teaches, oldest first: its records (one per article it
    /// went through), each with the free-text problem it began with. Rows are read one at
    /// a time, so the memory is that of the records, not of every state at once.
    pub(crate) async fn ended_records(&self) -> Result<Vec<fixpath::learn::Record>, StoreError> {
        use futures_util::TryStreamExt as _;
        let mut rows = sqlx::query(
            "SELECT state, problem FROM sessions WHERE status <> 'open' ORDER BY created_at, id",
        )
        .fetch(&self.pool);
        let mut records = Vec::new();
        while let Some(row) = rows.try_next().await? {
            let text: String = row.try_get(0)?;
            let problem: Option<String> = row.try_get(1)?;
            let Ok(state) = serde_json::from_str::<fixpath::session::SessionState>(&text) else {
                continue;
            };
            for mut record in fixpath::learn::Record::of(&state) {
                record.problem.clone_from(&problem);
                records.push(record);
            }
        }
        Ok(records)
    }

    /// Open sessions that have not moved since `before`.
    pub(crate) async fn idle(&self, before: i64, limit: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT id FROM sessions WHERE status = 'open' AND updated_at < $1 \
             ORDER BY updated_at LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|row| Ok(row.try_get(0)?)).collect()
    }

    /// Takes up to `limit` deliveries due at `now`, each leased for `lease` so another
    /// instance does not send it at the same time.
    pub(crate) async fn due(
        &self,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.event_id, d.target, d.attempts, d.next_at, o.payload, o.kind FROM deliveries d \
             JOIN outbox o ON o.event_id = d.event_id \
             WHERE d.delivered_at IS NULL AND d.next_at <= $1 ORDER BY d.next_at LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let mut taken = Vec::new();
        for row in rows {
            let event_id: String = row.try_get(0)?;
            let target: String = row.try_get(1)?;
            let next_at: i64 = row.try_get(3)?;
            let _guard = self.write_lock().await;
            // Claimed only if no other instance leased it since it was read.
            let claimed = sqlx::query(
                "UPDATE deliveries SET next_at = $1 WHERE event_id = $2 AND target = $3 \
                 AND next_at = $4 AND delivered_at IS NULL",
            )
            .bind(now + lease)
            .bind(&event_id)
            .bind(&target)
            .bind(next_at)
            .execute(&self.pool)
            .await?
            .rows_affected();
            if claimed == 1 {
                taken.push(Delivery {
                    event_id,
                    target,
                    attempts: row.try_get(2)?,
                    payload: row.try_get(4)?,
                    kind: row.try_get(5)?,
                });
            }
        }
        Ok(taken)
    }

    /// Records a delivery's result: delivered at `at`, or tried again at `retry_at`.
    pub(crate) async fn delivery_result(
        &self,
        delivery: &Delivery,
        at: i64,
        outcome: Result<(), (String, i64)>,
    ) -> Result<(), StoreError> {
        let _guard = self.write_lock().await;
        match outcome {
            Ok(()) => sqlx::query(
                "UPDATE deliveries SET delivered_at = $1, attempts = attempts + 1, last_error = NULL \
                 WHERE event_id = $2 AND target = $3",
            )
            .bind(at),
            Err((error, retry_at)) => sqlx::query(
                "UPDATE deliveries SET next_at = $1, attempts = attempts + 1, last_error = $2 \
                 WHERE event_id = $3 AND target = $4",
            )
            .bind(retry_at)
            .bind(error),
        }
        .bind(&delivery.event_id)
        .bind(&delivery.target)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Keeps a browser's sign-in: the SHA-256 of its cookie's secret, whose token (by the
    /// token's SHA-256 and name), until when (ms).
    pub(crate) async fn create_login(
        &self,
        id: &str,
        token_hash: &str,
        name: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        // Expired sign-ins go as new ones come.
        sqlx::query("DELETE FROM logins WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO logins (id, token_hash, name, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(token_hash)
        .bind(name)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The token (its SHA-256) a sign-in still in force stands for.
    pub(crate) async fn login_token(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT token_hash FROM logins WHERE id = $1 AND expires_at > $2")
            .bind(id)
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|row| row.try_get(0)).transpose()?)
    }

    /// Ends one sign-in.
    pub(crate) async fn delete_login(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM logins WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every sign-in of a token name (every browser, every instance); how many.
    pub(crate) async fn delete_logins_of(&self, name: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM logins WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Claims an idempotency key for a request (its fingerprint) at `now`: a fresh claim,
    /// the answer kept from the first request with the same fingerprint, or why not.
    /// Claims older than `keep` ms are forgotten first.
    pub(crate) async fn claim_key(
        &self,
        caller: &str,
        key: &str,
        fingerprint: &str,
        now: i64,
        keep: i64,
    ) -> Result<Claim, StoreError> {
        let _guard = self.write_lock().await;
        sqlx::query("DELETE FROM idempotency WHERE created_at < $1")
            .bind(now - keep)
            .execute(&self.pool)
            .await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency (caller, idem_key, fingerprint, status, body, created_at) \
             VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT DO NOTHING",
        )
        .bind(caller)
        .bind(key)
        .bind(fingerprint)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(Claim::Fresh);
        }
        let row = sqlx::query(
            "SELECT fingerprint, status, body FROM idempotency WHERE caller = $1 AND idem_key = $2",
        )
        .bind(caller)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            // Forgotten between the two statements: claim it again.
            drop(_guard);
            return Box::pin(self.claim_key(caller, key, fingerprint, now, keep)).await;
        };
        let kept: String = row.try_get(0)?;
        let status: i64 = row.try_get(1)?;
        Ok(if kept != fingerprint {
            Claim::OtherRequest
        } else if status == 0 {
            Claim::InProgress
        } else {
            Claim::Answered {
                status: u16::try_from(status).unwrap_or(200),
                body: row.try_get(2)?,
            }
        })
    }

    /// Keeps the answer to a claimed key (a success), or lets the key go (`None`: the
    /// request failed, and may be sent again with the same key).
    pub(crate) async fn settle_key(
        &self,
        caller: &str,
        key: &str,
        answer: Option<(u16, &str)>,
    ) -> Result<(), StoreError> {
        let _guard = self.write_lock().await;
        match answer {
            Some((status, body)) => sqlx::query(
                "UPDATE idempotency SET status = $1, body = $2 WHERE caller = $3 AND idem_key = $4",
            )
            .bind(i64::from(status))
            .bind(body)
            .bind(caller)
            .bind(key)
            .execute(&self.pool)
            .await?,
            None => {
                sqlx::query("DELETE FROM idempotency WHERE caller = $1 AND idem_key = $2")
                    .bind(caller)
                    .bind(key)
                    .execute(&self.pool)
                    .await?
            }
        };
        Ok(())
    }

    /// Deliveries not yet made, for the status page and tests.
    pub(crate) async fn pending_deliveries(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM deliveries WHERE delivered_at IS NULL")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get(0)?)
    }

    /// The database's own consistency check: `ok`, or what it found.
    pub(crate) async fn integrity_check(&self) -> Result<String, StoreError> {
        let sql = match self.backend {
            Backend::Sqlite => "PRAGMA integrity_check",
            Backend::Postgres => "SELECT 'ok'",
        };
        let row = sqlx::query(sql).fetch_one(&self.pool).await?;
        Ok(row.try_get(0)?)
    }

    /// Closes the pool, waiting for queries in flight.
    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}

async fn insert_steps(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    first: i64,
    steps: &[NewStep],
    actor: &str,
) -> Result<(), StoreError> {
    for (offset, step) in steps.iter().enumerate() {
        sqlx::query(
            "INSERT INTO steps (session_id, seq, at, article, step, actor) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(first + offset as i64)
        .bind(step.at)
        .bind(&step.article)
        .bind(&step.step)
        .bind(actor)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Applies one move in a transaction: `false` (and nothing written) when the session is no
/// longer at the version the move was made on.
async fn apply_update(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    update: &Update,
) -> Result<bool, StoreError> {
    let steps_after = update.steps_before + update.new_steps.len() as i64;
    let changed = sqlx::query(
        "UPDATE sessions SET state = $1, status = $2, current = $3, steps = $4, updated_at = $5 \
         WHERE id = $6 AND steps = $7",
    )
    .bind(&update.state)
    .bind(&update.status)
    .bind(&update.current)
    .bind(steps_after)
    .bind(update.at)
    .bind(&update.id)
    .bind(update.steps_before)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Ok(false);
    }
    insert_steps(
        tx,
        &update.id,
        update.steps_before,
        &update.new_steps,
        &update.actor,
    )
    .await?;
    for event in &update.events {
        insert_event(tx, &update.id, event, update.at).await?;
    }
    Ok(true)
}

/// Writes an event to the outbox with one delivery per target, due at once.
async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    session: &str,
    event: &OutboxEvent,
    at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (event_id, session_id, kind, payload, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&event.event_id)
    .bind(session)
    .bind(&event.kind)
    .bind(&event.payload)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    for target in &event.targets {
        sqlx::query(
            "INSERT INTO deliveries (event_id, target, attempts, next_at) VALUES ($1, $2, 0, $3)",
        )
        .bind(&event.event_id)
        .bind(target)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Commits the moves that wait at the same moment in one transaction (group commit): one
/// fsync for all, each still checked against its own version. When the batch fails as a
/// whole, each move is tried again alone, so one bad move fails only itself.
async fn commit_batches(
    pool: AnyPool,
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
    mut receiver: tokio::sync::mpsc::Receiver<Pending>,
) {
    let mut batch: Vec<Pending> = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let _guard = writer.lock().await;
        match commit_together(&pool, &batch).await {
            Ok(applied) => {
                for (pending, applied) in batch.drain(..).zip(applied) {
                    let result = if applied {
                        Ok(())
                    } else {
                        Err(StoreError::Conflict)
                    };
                    let _ = pending.done.send(result);
                }
            }
            Err(_) => {
                for pending in batch.drain(..) {
                    let result = commit_alone(&pool, &pending.update).await;
                    let _ = pending.done.send(result);
                }
            }
        }
    }
}

async fn commit_together(pool: &AnyPool, batch: &[Pending]) -> Result<Vec<bool>, StoreError> {
    let mut tx = pool.begin().await?;
    let mut applied = Vec::with_capacity(batch.len());
    for pending in batch {
        applied.push(apply_update(&mut tx, &pending.update).await?);
    }
    tx.commit().await?;
    Ok(applied)
}

async fn commit_alone(pool: &AnyPool, update: &Update) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    if apply_update(&mut tx, update).await? {
        tx.commit().await?;
        Ok(())
    } else {
        tx.rollback().await?;
        Err(StoreError::Conflict)
    }
}

/// One suite of cases, run against SQLite and against a throwaway PostgreSQL cluster.
#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str, at: i64) -> StoredSession {
        StoredSession {
            id: id.to_owned(),
            article: "sspr-0029".to_owned(),
            status: "open".to_owned(),
            steps: 1,
            state: r#"{"format":1,"legs":[]}"#.to_owned(),
            problem: Some("password reset fails".to_owned()),
            reference: Some("T-1".to_owned()),
            created_by: "alice".to_owned(),
            created_at: at,
            updated_at: at,
            notes: None,
        }
    }

    fn step(at: i64) -> NewStep {
        NewStep {
            at,
            article: "sspr-0029".to_owned(),
            step: r#"{"move":"back"}"#.to_owned(),
        }
    }

    async fn suite(url: &str) {
        let url = DbUrl(url.to_owned());
        let store = Store::open(&url).await.unwrap();
        // Opening again finds the schema up to date.
        Store::open(&url).await.unwrap().close().await;

        store
            .create(
                &session("a", 1000),
                "sspr-0029",
                "SSPR_0029",
                &[step(1000)],
                None,
            )
            .await
            .unwrap();
        store
            .create(
                &session("b", 2000),
                "sspr-0029",
                "SSPR_0029",
                &[step(2000)],
                None,
            )
            .await
            .unwrap();
        let a = store.get("a").await.unwrap().unwrap();
        assert_eq!((a.steps, a.reference.as_deref()), (1, Some("T-1")));
        assert!(store.get("missing").await.unwrap().is_none());

        // Notes and the reference change without a move; `None` leaves a field as it is.
        assert!(
            store
                .update_details("b", None, Some(Some("customer on leave until Monday")))
                .await
                .unwrap()
        );
        let b = store.get("b").await.unwrap().unwrap();
        assert_eq!(
            (b.reference.as_deref(), b.notes.as_deref(), b.steps),
            (Some("T-1"), Some("customer on leave until Monday"), 1)
        );
        assert!(
            store
                .update_details("b", Some(Some("INC-7")), Some(None))
                .await
                .unwrap()
        );
        let b = store.get("b").await.unwrap().unwrap();
        assert_eq!(
            (b.reference.as_deref(), b.notes.as_deref()),
            (Some("INC-7"), None)
        );
        assert!(
            !store
                .update_details("missing", None, Some(None))
                .await
                .unwrap()
        );
        store
            .update_details("b", Some(Some("T-1")), None)
            .await
            .unwrap();

        // A move on a stale version is refused and changes nothing.
        let update = |before: i64, event: Option<OutboxEvent>| Update {
            events: event.into_iter().collect(),
            id: "a".to_owned(),
            steps_before: before,
            state: r#"{"format":1,"legs":[],"x":1}"#.to_owned(),
            status: "fixed".to_owned(),
            current: "sspr-0029".to_owned(),
            new_steps: vec![step(3000)],
            actor: "bob".to_owned(),
            at: 3000,
        };
        assert!(matches!(
            store.save(update(0, None)).await,
            Err(StoreError::Conflict)
        ));
        let event = OutboxEvent {
            event_id: "e1".to_owned(),
            kind: "session.ended".to_owned(),
            payload: "{}".to_owned(),
            targets: vec!["http://one".to_owned(), "http://two".to_owned()],
        };
        store.save(update(1, Some(event))).await.unwrap();
        let a = store.get("a").await.unwrap().unwrap();
        assert_eq!(
            (a.steps, a.status.as_str(), a.updated_at),
            (2, "fixed", 3000)
        );

        // Newest first, filtered.
        let all = store
            .list(&ListFilter {
                limit: 10,
                ..ListFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(
            all.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        let open = store
            .list(&ListFilter {
                status: Some("open".to_owned()),
                limit: 10,
                ..ListFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(store.idle(2500, 10).await.unwrap(), ["b"]);
        assert!(store.idle(1500, 10).await.unwrap().is_empty());

        // Deliveries: one per target, leased, retried, then delivered.
        assert_eq!(store.pending_deliveries().await.unwrap(), 2);
        let due = store.due(3000, 60_000, 10).await.unwrap();
        assert_eq!(due.len(), 2);
        assert!(
            store.due(3001, 60_000, 10).await.unwrap().is_empty(),
            "leased"
        );
        store
            .delivery_result(&due[0], 3100, Err(("down".to_owned(), 4000)))
            .await
            .unwrap();
        store.delivery_result(&due[1], 3100, Ok(())).await.unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 1);
        let again = store.due(4000, 60_000, 10).await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(
            (again[0].target.as_str(), again[0].attempts),
            (due[0].target.as_str(), 1)
        );
        store
            .delivery_result(&again[0], 4100, Ok(()))
            .await
            .unwrap();
        assert_eq!(store.pending_deliveries().await.unwrap(), 0);

        // Ten moves made on the same version at once: one is taken, nine refused,
        // whether they are committed together (SQLite) or apart (PostgreSQL).
        let racing = (0..10).map(|i| {
            let store = store.clone();
            let mut update = update(2, None);
            update.at = 5000 + i;
            async move { store.save(update).await }
        });
        let results = futures_join_all(racing).await;
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
        assert!(
            results
                .iter()
                .filter(|r| r.is_err())
                .all(|r| matches!(r, Err(StoreError::Conflict)))
        );
        assert_eq!(store.get("a").await.unwrap().unwrap().steps, 3);

        // Sign-ins: found while in force, gone when signed out, expired, or all ended.
        store
            .create_login("l1", "tokenhash", "alice", 1_000, 5_000)
            .await
            .unwrap();
        store
            .create_login("l2", "tokenhash", "alice", 1_000, 5_000)
            .await
            .unwrap();
        store
            .create_login("l3", "otherhash", "bob", 1_000, 5_000)
            .await
            .unwrap();
        let token = |id: &'static str, at: i64| {
            let store = store.clone();
            async move { store.login_token(id, at).await.unwrap() }
        };
        assert_eq!(token("l1", 2_000).await.as_deref(), Some("tokenhash"));
        assert_eq!(token("l1", 5_000).await, None, "expired");
        store.delete_login("l1").await.unwrap();
        assert_eq!(token("l1", 2_000).await, None);
        assert_eq!(store.delete_logins_of("alice").await.unwrap(), 1);
        assert_eq!(token("l2", 2_000).await, None);
        assert_eq!(token("l3", 2_000).await.as_deref(), Some("otherhash"));
        // Expired ones are cleared as new ones come.
        store
            .create_login("l4", "otherhash", "bob", 6_000, 9_000)
            .await
            .unwrap();
        assert_eq!(store.delete_logins_of("bob").await.unwrap(), 1);

        // Paging: 23 sessions committed in one group commit (their steps saved at once, all
        // in three milliseconds), listed with every limit from 1 to 10: each once, in order.
        let mut paged: Vec<String> = (0..23).map(|i| format!("p{i:02}")).collect();
        for id in &paged {
            let mut new = session(id, 10_000);
            new.reference = Some("PAGE".to_owned());
            store
                .create(&new, "sspr-0029", "SSPR_0029", &[step(10_000)], None)
                .await
                .unwrap();
        }
        let moves = paged.iter().enumerate().map(|(i, id)| {
            let store = store.clone();
            let update = Update {
                id: id.clone(),
                at: 20_000 + (i as i64 % 3),
                ..update(1, None)
            };
            async move { store.save(update).await }
        });
        assert!(futures_join_all(moves).await.iter().all(Result::is_ok));
        paged.sort();
        for limit in 1..=10 {
            let mut seen: Vec<(i64, String)> = Vec::new();
            let mut after = None;
            loop {
                let page = store
                    .list(&ListFilter {
                        reference: Some("PAGE".to_owned()),
                        after: after.clone(),
                        limit,
                        ..ListFilter::default()
                    })
                    .await
                    .unwrap();
                seen.extend(page.iter().map(|s| (s.updated_at, s.id.clone())));
                if (page.len() as i64) < limit {
                    break;
                }
                let last = page.last().unwrap();
                after = Some(Cursor {
                    updated_at: last.updated_at,
                    id: last.id.clone(),
                });
            }
            assert!(seen.windows(2).all(|w| w[0] > w[1]), "limit {limit}");
            let mut ids: Vec<String> = seen.into_iter().map(|(_, id)| id).collect();
            ids.sort();
            assert_eq!(ids, paged, "limit {limit}");
        }
        // Idempotency keys: a fresh claim, the kept answer, another request refused, a
        // failed request's key let go, forgotten after the time kept.
        let claim = |key: &'static str, print: &'static str, now: i64| {
            let store = store.clone();
            async move {
                store
                    .claim_key("alice", key, print, now, 1000)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(claim("k1", "f1", 100).await, Claim::Fresh);
        assert_eq!(claim("k1", "f1", 101).await, Claim::InProgress);
        store
            .settle_key("alice", "k1", Some((201, "{}")))
            .await
            .unwrap();
        assert_eq!(
            claim("k1", "f1", 102).await,
            Claim::Answered {
                status: 201,
                body: "{}".to_owned()
            }
        );
        assert_eq!(claim("k1", "f2", 103).await, Claim::OtherRequest);
        assert_eq!(
            store.claim_key("bob", "k1", "f2", 104, 1000).await.unwrap(),
            Claim::Fresh,
            "keys are the caller's own"
        );
        assert_eq!(claim("k2", "f1", 105).await, Claim::Fresh);
        store.settle_key("alice", "k2", None).await.unwrap();
        assert_eq!(claim("k2", "f1", 106).await, Claim::Fresh);
        assert_eq!(claim("k1", "f2", 1200).await, Claim::Fresh, "forgotten");

        let cursor = Cursor {
            updated_at: 20_001,
            id: "p07".to_owned(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("zz"), None);

        assert_eq!(store.integrity_check().await.unwrap(), "ok");
        store.close().await;
    }

    async fn futures_join_all<F: std::future::Future + Send + 'static>(
        futures: impl Iterator<Item = F>,
    ) -> Vec<F::Output>
    where
        F::Output: Send + 'static,
    {
        let handles: Vec<_> = futures.map(tokio::spawn).collect();
        let mut out = Vec::new();
        for handle in handles {
            out.push(handle.await.unwrap());
        }
        out
    }

    #[tokio::test]
    async fn the_store_suite_passes_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        suite(&format!(
            "sqlite://{}",
            dir.path().join("s.sqlite").display()
        ))
        .await;
    }

    #[tokio::test]
    async fn the_store_suite_passes_on_postgresql() {
        let Some(cluster) = fixpath_tools::postgres::Cluster::start().unwrap() else {
            return;
        };
        suite(&cluster.url()).await;
    }

    #[test]
    fn a_password_never_shows() {
        let url = DbUrl("postgres://fixpath:s3cret@db.example/fixpath".to_owned());
        assert_eq!(
            format!("{url:?}"),
            "postgres://fixpath:***@db.example/fixpath"
        );
        assert!(DbUrl("mysql://x".to_owned()).backend().is_err());
    }
}
