//! The helpdesk: sessions started, moved on and read, for the browser pages and the API
//! alike. Every decision is the engine's (`fixpath::session`): this file loads the stored
//! state, lets the engine take the move, and stores the new state with the step (and, at
//! the end, the webhook event) in one transaction before anything is answered.

use std::collections::BTreeMap;
use std::sync::Arc;

use arc_swap::ArcSwap;
use fixpath::links::Style;
use fixpath::model::{ArticleId, NodeId};
use fixpath::render::Renderer;
use fixpath::render::view::{self, LegView, LiveView, SessionTranscript};
use fixpath::session::{Session, SessionEnd, SessionError, SessionState, Timestamp};
use fixpath::solve::{Facts, Given};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::library::{Library, LibraryError};
use super::problem::{Problem, ProblemKind};
use super::store::{NewStep, OutboxEvent, Store, StoreError, StoredSession, Update};

/// Longest free text, reference, id or answer accepted (characters).
pub(crate) const MAX_TEXT: usize = 2000;
/// Most facts a session can start with.
pub(crate) const MAX_FACTS: usize = 200;
/// Most steps a session holds: past it only ending it is taken (a step replays the
/// session, so its cost grows with its length; real sessions take tens of steps).
pub(crate) const MAX_STEPS: i64 = 500;

/// True for a webhook target that takes `session.step` events (its URL ends in `#steps`).
pub(crate) fn takes_steps(target: &str) -> bool {
    target.ends_with("#steps")
}

/// Longest notes kept with a session (characters).
pub(crate) const MAX_NOTES: usize = 8000;

/// A field that may be absent, `null`, or a value: absent is `None`, `null` is
/// `Some(None)` (serde reads `null` as absent without this).
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// Starts a session: in an article (id or error code), or from the problem in free text.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StartRequest {
    /// An article id or an error code (`SSPR_0029`). Either it or `problem` is given.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 2000)]
    pub(crate) article: Option<String>,
    /// The problem in the customer's words: searched when no article is named, kept with
    /// the session either way.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 2000)]
    pub(crate) problem: Option<String>,
    /// What the ticket already says: question id → answer value (`null`: not known).
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, Option<String>>)]
    pub(crate) facts: BTreeMap<String, Option<String>>,
    /// The ticket's reference, kept with the session and sent with its webhook events.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub(crate) reference: Option<String>,
}

/// One move in a session.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "move", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum StepRequest {
    /// Answer a question (the one asked or any other still open); `answer: null` is
    /// "I don't know".
    Answer {
        #[schema(max_length = 2000)]
        question: String,
        /// The answer's value, or `null` for "I don't know". Required: a step without it
        /// is refused (422, `urn:fixpath:problem:missing-answer`), never read as "don't know".
        #[serde(default, deserialize_with = "present")]
        #[schema(value_type = Option<String>, required = true, max_length = 2000)]
        answer: Option<Option<String>>,
        /// Refuse the move unless the session has this many steps (a stale page, a double click).
        #[serde(default)]
        expect_steps: Option<i64>,
    },
    /// Undo the last answer or fix outcome.
    Back {
        #[serde(default)]
        expect_steps: Option<i64>,
    },
    /// Say whether the fix offered worked.
    Fix {
        remedy: String,
        fixed: bool,
        #[serde(default)]
        expect_steps: Option<i64>,
    },
    /// Go on in an article the offered fix links to.
    ContinueIn {
        article: String,
        #[serde(default)]
        expect_steps: Option<i64>,
    },
    /// End the session: `escalated` (with the note), `abandoned` or `incomplete`.
    End {
        outcome: EndOutcome,
        #[serde(default)]
        expect_steps: Option<i64>,
    },
}

impl StepRequest {
    fn expected(&self) -> Option<i64> {
        match self {
            StepRequest::Answer { expect_steps, .. }
            | StepRequest::Back { expect_steps }
            | StepRequest::Fix { expect_steps, .. }
            | StepRequest::ContinueIn { expect_steps, .. }
            | StepRequest::End { expect_steps, .. } => *expect_steps,
        }
    }
}

/// How a session can be ended by hand.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum EndOutcome {
    Escalated,
    Abandoned,
    Incomplete,
}

/// A session as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SessionOut {
    /// The session id (128 random bits, hex).
    pub(crate) id: String,
    /// Where an agent opens it.
    pub(crate) url: String,
    /// `open`, or how it ended.
    pub(crate) status: String,
    /// Moves recorded: send it back as `expect_steps` to refuse a move on a stale view.
    pub(crate) steps: i64,
    /// The ticket's reference.
    pub(crate) reference: Option<String>,
    /// The free text it began with.
    pub(crate) problem: Option<String>,
    /// The agent's notes (`PATCH` the session to change them).
    pub(crate) notes: Option<String>,
    /// Who began it (the access token's name; `local` without tokens).
    pub(crate) agent: String,
    /// When it began and last moved (ms since the Unix epoch).
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    /// What to do now, the ranked causes and what was checked (the engine's live view).
    #[schema(value_type = super::schema::LiveSchema)]
    pub(crate) live: serde_json::Value,
    /// The transcript so far (the shape of `ask --format json`); left out with
    /// `?view=live`.
    #[schema(value_type = Option<super::schema::TranscriptSchema>, nullable = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) transcript: Option<serde_json::Value>,
    /// The engine's state, as stored; left out with `?view=live`.
    #[schema(value_type = Option<super::schema::StateSchema>, nullable = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state: Option<serde_json::Value>,
}

/// The kinds of webhook event.
pub(crate) const EVENT_STARTED: &str = "session.started";
/// A step was taken (sent only to webhooks that opt in with `#steps`).
pub(crate) const EVENT_STEP: &str = "session.step";
/// The session ended: fixed, escalated, abandoned, ...
pub(crate) const EVENT_ENDED: &str = "session.ended";

/// What a webhook receives (the body that is signed): `session.started`, `session.step`
/// or `session.ended`. Fields that do not apply to a type are left out.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WebhookEvent<'a> {
    /// The event's id: a receiver drops a second delivery of the same id.
    pub(crate) id: &'a str,
    /// `session.started`, `session.step` or `session.ended`.
    #[serde(rename = "type")]
    #[schema(pattern = "^session\\.(started|step|ended)$")]
    pub(crate) kind: &'a str,
    /// When it happened (ms since the Unix epoch).
    pub(crate) occurred_at: i64,
    /// When this delivery was sent (s since the Unix epoch), inside the signed body: a
    /// receiver refuses a body whose timestamp is more than five minutes off its clock (a
    /// replay). Set again at every try.
    pub(crate) timestamp: i64,
    /// The session.
    pub(crate) session: EventSession<'a>,
    /// `session.ended`: how it ended (`fixed`, `escalated`, `abandoned`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) outcome: Option<String>,
    /// `session.ended`: the cause the fix that worked belongs to (`fixed` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cause: Option<EventNode>,
    /// `session.ended`: the fix that worked (`fixed` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fix: Option<EventNode>,
    /// `session.ended` and `session.step`: who took the step (a token's name; `fixpath`
    /// when the server abandoned an idle session).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) agent: Option<&'a str>,
    /// `session.ended`: the agent's notes on the session, when it has any (also in
    /// `session.notes` of every event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) notes: Option<&'a str>,
    /// `session.step`: the step taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) step: Option<EventStep>,
    /// `session.ended`: the transcript, as `GET /api/v1/sessions/{id}/transcript?format=json`.
    #[schema(value_type = Option<super::schema::TranscriptSchema>, nullable = false)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) transcript: Option<serde_json::Value>,
    /// `session.ended`: the transcript as Markdown, to paste into the ticket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) markdown: Option<String>,
}

/// A cause or a fix named in an event.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventNode {
    /// Its id in the article.
    pub(crate) id: String,
    /// Its title.
    pub(crate) title: String,
}

/// The step a `session.step` event reports.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventStep {
    /// Its number in the session (0 is the first).
    pub(crate) seq: i64,
    /// The article it was taken in.
    pub(crate) article: String,
    /// The move, as stored: `{"move": "answer", "question": ..., "answer": ...}`, ...
    #[schema(value_type = super::schema::MoveSchema)]
    pub(crate) r#move: serde_json::Value,
    /// The kind of step the session puts next: `ask`, `try`, `escalate`, `ended`, ...
    pub(crate) next: String,
}

/// The session an event is about.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventSession<'a> {
    /// The session id.
    pub(crate) id: &'a str,
    /// Where an agent opens it.
    pub(crate) url: String,
    /// The article it began in.
    pub(crate) article: &'a str,
    /// The ticket's reference, when one was given.
    pub(crate) reference: Option<&'a str>,
    /// `open`, or how it ended.
    pub(crate) status: String,
    /// Moves recorded.
    pub(crate) steps: i64,
    /// Who began it.
    pub(crate) created_by: &'a str,
    /// How it ended (`session.ended` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) outcome: Option<String>,
    /// The agent's notes, when there are any.
    pub(crate) notes: Option<&'a str>,
}

/// Changes a session's ticket reference or notes (fields left out stay as they are;
/// `null` clears one). Not a move: the session's steps stay.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DetailsRequest {
    /// The ticket's reference.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub(crate) reference: Option<Option<String>>,
    /// The agent's notes (free text, kept with the session, in its transcript and webhook).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 8000)]
    pub(crate) notes: Option<Option<String>>,
}

/// A whole transcript: as data, as Markdown, and as plain text.
#[derive(Debug)]
pub(crate) struct Transcript {
    /// The shape of `ask --format json`, with `session` (the header) added.
    pub(crate) value: serde_json::Value,
    /// The header, then every article's part.
    pub(crate) markdown: String,
}

impl Transcript {
    /// The Markdown as plain text (no Markdown marks), for tickets that show text as is.
    pub(crate) fn text(&self) -> String {
        fixpath::text::plain_document(&self.markdown)
    }
}

/// Server settings the desk needs.
#[derive(Debug, Clone)]
pub(crate) struct DeskConfig {
    /// Webhook targets.
    pub(crate) webhooks: Vec<String>,
    /// `--public-url`: the URL prefix answers and events name sessions with.
    pub(crate) public_url: Option<String>,
    /// Without it and outside a request (an idle session's end): the address bound, or
    /// the machine's name when bound to every address.
    pub(crate) fallback_url: String,
}

tokio::task_local! {
    /// The URL prefix of the request being answered (`--public-url`, else its `Host`),
    /// set around every request by the server's `observe` layer.
    pub(crate) static REQUEST_BASE: String;
}

/// Shared by every request.
#[derive(Debug)]
pub(crate) struct Desk {
    pub(crate) library: ArcSwap<Library>,
    pub(crate) store: Store,
    pub(crate) renderer: Renderer,
    pub(crate) config: DeskConfig,
}

/// A fresh 128-bit random id, as 32 hex digits.
pub(crate) fn random_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    hex::encode(bytes)
}

/// True for a well-formed session id (what a path may carry).
pub(crate) fn is_session_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl From<StoreError> for Problem {
    fn from(error: StoreError) -> Problem {
        let kind = match &error {
            StoreError::Conflict => "conflict",
            StoreError::Unavailable(_) => "unavailable",
            _ => "database",
        };
        metrics::counter!("fixpath_store_errors_total", "kind" => kind).increment(1);
        match error {
            StoreError::Conflict => Problem::of(ProblemKind::StaleStep, error.to_string()),
            StoreError::Unavailable(_) => Problem::store_unavailable(error),
            other => Problem::internal(other),
        }
    }
}

impl From<LibraryError> for Problem {
    fn from(error: LibraryError) -> Problem {
        match error {
            LibraryError::NotFound(_) => {
                Problem::of(ProblemKind::UnknownArticle, error.to_string())
            }
            LibraryError::Broken { .. } => {
                Problem::of(ProblemKind::ArticleChanged, error.to_string())
            }
            LibraryError::Search(e) => Problem::internal(e),
        }
    }
}

fn session_problem(error: SessionError) -> Problem {
    use fixpath::solve::SolveError;
    let kind = match &error {
        SessionError::Ended(_) => ProblemKind::SessionEnded,
        SessionError::ArticleChanged { .. } => ProblemKind::ArticleChanged,
        SessionError::Format(_) | SessionError::Empty => return Problem::internal(error),
        SessionError::Solve(SolveError::UnknownQuestion { .. }) => ProblemKind::UnknownQuestion,
        SessionError::Solve(SolveError::UnknownAnswer { .. }) => ProblemKind::UnknownAnswer,
        SessionError::Solve(SolveError::UnknownRemedy { .. }) | SessionError::NotOffered { .. } => {
            ProblemKind::UnknownFix
        }
        SessionError::Solve(SolveError::ConflictingAnswers { .. }) => {
            ProblemKind::ConflictingAnswers
        }
        SessionError::NotTroubleshootable(_) => ProblemKind::NotTroubleshootable,
        _ => ProblemKind::InvalidMove,
    };
    Problem::of(kind, error.to_string())
}

fn bounded(what: &str, text: &Option<String>) -> Result<(), Problem> {
    match text {
        Some(text) if text.chars().count() > MAX_TEXT => Err(Problem::of(
            ProblemKind::TooLong,
            format!("{what} is longer than {MAX_TEXT} characters"),
        )),
        _ => Ok(()),
    }
}

/// Every event of a state, in order, with the article it was made in.
fn flat_events(
    state: &SessionState,
) -> impl Iterator<Item = (&ArticleId, &fixpath::session::Event)> {
    state
        .legs
        .iter()
        .flat_map(|leg| leg.events.iter().map(move |e| (&leg.article, e)))
}

fn status_of(state: &SessionState) -> String {
    state
        .outcome()
        .map_or_else(|| "open".to_owned(), |o| o.to_string())
}

impl Desk {
    /// Where an agent opens a session.
    fn session_url(&self, id: &str) -> String {
        let base = REQUEST_BASE
            .try_with(Clone::clone)
            .ok()
            .or_else(|| self.config.public_url.clone())
            .unwrap_or_else(|| self.config.fallback_url.clone());
        format!("{base}/sessions/{id}")
    }

    /// The library serving now.
    pub(crate) fn library(&self) -> Arc<Library> {
        self.library.load_full()
    }

    /// Starts a session and stores it with the facts it began with; returns it as stored.
    pub(crate) async fn start(
        &self,
        request: StartRequest,
        actor: &str,
    ) -> Result<StoredSession, Problem> {
        bounded("article", &request.article)?;
        bounded("problem", &request.problem)?;
        bounded("reference", &request.reference)?;
        if request.facts.len() > MAX_FACTS {
            return Err(Problem::of(
                ProblemKind::TooLong,
                format!("more than {MAX_FACTS} facts"),
            ));
        }
        let library = self.library();
        let (query, search) = match (&request.article, &request.problem) {
            (Some(article), _) if !article.trim().is_empty() => (article.as_str(), false),
            (_, Some(problem)) if !problem.trim().is_empty() => (problem.as_str(), true),
            _ => {
                return Err(Problem::of(
                    ProblemKind::BadRequest,
                    "name an article (id or error code) or describe the problem",
                ));
            }
        };
        let id = crate::kb::choose_id(library.catalog(), search, query).map_err(|e| {
            let kind = if search {
                ProblemKind::AmbiguousProblem
            } else {
                ProblemKind::UnknownArticle
            };
            Problem::of(kind, e.to_string())
        })?;
        let prepared = library.article(&id)?;
        let mut facts = Facts::new();
        for (question, answer) in &request.facts {
            if question.len() > MAX_TEXT || answer.as_ref().is_some_and(|a| a.len() > MAX_TEXT) {
                return Err(Problem::of(ProblemKind::TooLong, "a fact is too long"));
            }
            facts
                .add(question, answer.as_deref().unwrap_or("unknown"))
                .map_err(|e| Problem::of(ProblemKind::ConflictingAnswers, e.to_string()))?;
        }
        let now = Timestamp::now();
        let session =
            Session::start(prepared.subject(Style::Text), &facts, now).map_err(session_problem)?;
        let state = session.state();
        let steps = new_steps(state, 0);
        let stored = StoredSession {
            id: random_id(),
            article: prepared.entry.article.id.to_string(),
            status: status_of(state),
            steps: steps.len() as i64,
            state: serde_json::to_string(state).map_err(Problem::internal)?,
            problem: request.problem.clone(),
            reference: request
                .reference
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
            created_by: actor.to_owned(),
            created_at: now.0,
            updated_at: now.0,
            notes: None,
        };
        let event = self.event(EVENT_STARTED, &stored, None, |_| Ok(()))?;
        self.store
            .create(
                &stored,
                prepared.entry.article.id.as_str(),
                &prepared.entry.article.title,
                &steps,
                event,
            )
            .await?;
        metrics::counter!("fixpath_sessions_started_total").increment(1);
        Ok(stored)
    }

    /// The stored session, or 404.
    pub(crate) async fn stored(&self, id: &str) -> Result<StoredSession, Problem> {
        if !is_session_id(id) {
            return Err(Problem::unknown_session());
        }
        self.store
            .get(id)
            .await?
            .ok_or_else(Problem::unknown_session)
    }

    /// Changes the reference or notes of a session; returns it as it is after.
    pub(crate) async fn details(
        &self,
        id: &str,
        request: &DetailsRequest,
    ) -> Result<StoredSession, Problem> {
        if request.reference.is_none() && request.notes.is_none() {
            return Err(Problem::of(
                ProblemKind::NothingToChange,
                "give `reference` or `notes` (null clears one)",
            ));
        }
        let clean = |text: &Option<Option<String>>| -> Option<Option<String>> {
            text.as_ref().map(|t| {
                t.as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
            })
        };
        let reference = clean(&request.reference);
        let notes = clean(&request.notes);
        bounded("reference", &reference.clone().flatten())?;
        if notes
            .as_ref()
            .and_then(Option::as_ref)
            .is_some_and(|n| n.chars().count() > MAX_NOTES)
        {
            return Err(Problem::of(
                ProblemKind::TooLong,
                format!("notes are longer than {MAX_NOTES} characters"),
            ));
        }
        if !is_session_id(id) {
            return Err(Problem::unknown_session());
        }
        let found = self
            .store
            .update_details(
                id,
                reference.as_ref().map(|r| r.as_deref()),
                notes.as_ref().map(|n| n.as_deref()),
            )
            .await?;
        if !found {
            return Err(Problem::unknown_session());
        }
        self.stored(id).await
    }

    /// Takes one move and stores it; returns the session as it is after.
    pub(crate) async fn step(
        &self,
        id: &str,
        request: &StepRequest,
        actor: &str,
    ) -> Result<StoredSession, Problem> {
        let stored = self.stored(id).await?;
        if let Some(expected) = request.expected()
            && expected != stored.steps
        {
            return Err(Problem::of(
                ProblemKind::StaleStep,
                format!(
                    "the session has {} steps, not {expected}: it moved on since this view; reload it",
                    stored.steps
                ),
            ));
        }
        let ending = matches!(request, StepRequest::End { .. });
        if stored.steps >= MAX_STEPS && !ending {
            return Err(Problem::of(
                ProblemKind::SessionTooLong,
                format!(
                    "a session holds at most {MAX_STEPS} steps and this one has {}: end it (`{{\"move\": \"end\", \"outcome\": \"escalated\"}}`) and start a new one",
                    stored.steps
                ),
            ));
        }
        let library = self.library();
        let state = parse_state(&stored.state)?;
        let was_open = state.outcome().is_none();
        let now = Timestamp::now();
        // Back right after "Continue in" crosses back to the article the session came from.
        let crossing =
            matches!(request, StepRequest::Back { .. }) && state.continuing_in().is_some();
        let article = if crossing {
            state
                .legs
                .last()
                .map(|leg| leg.article.to_string())
                .unwrap_or_default()
        } else {
            current_article(&state)?.to_owned()
        };
        let prepared = library.article(&article)?;
        let session = if crossing {
            Session::back_across(prepared.subject(Style::Text), state, now)
                .map_err(session_problem)?
        } else {
            let mut session = Session::restore(prepared.subject(Style::Text), state, now)
                .map_err(session_problem)?;
            apply(&mut session, request, now)?;
            session
        };
        let state = session.state();
        let new_steps = new_steps(state, stored.steps);
        let after = StoredSession {
            steps: stored.steps + new_steps.len() as i64,
            status: status_of(state),
            state: serde_json::to_string(state).map_err(Problem::internal)?,
            updated_at: now.0,
            ..stored.clone()
        };
        let mut events = Vec::new();
        if let Some(last) = new_steps.last() {
            let step = EventStep {
                seq: after.steps - 1,
                article: last.article.clone(),
                r#move: serde_json::from_str(&last.step).map_err(Problem::internal)?,
                next: String::new(),
            };
            let event = self.event(EVENT_STEP, &after, Some(actor), |event| {
                let next = view::live_view(&session).map_err(session_problem)?;
                let next = serde_json::to_value(&next.step).map_err(Problem::internal)?;
                let mut step = step;
                step.next = next["kind"].as_str().unwrap_or_default().to_owned();
                event.step = Some(step);
                Ok(())
            })?;
            events.extend(event);
        }
        let ended = match state.outcome() {
            Some(outcome) if was_open => Some(outcome),
            _ => None,
        };
        if let Some(outcome) = ended {
            let event = self.event(EVENT_ENDED, &after, Some(actor), |event| {
                self.fill_ended(event, &library, &after, state, outcome)
            })?;
            events.extend(event);
        }
        let update = Update {
            id: id.to_owned(),
            steps_before: stored.steps,
            new_steps,
            status: after.status.clone(),
            current: current_article(state)?.to_owned(),
            state: after.state.clone(),
            actor: actor.to_owned(),
            at: now.0,
            events,
        };
        let started = std::time::Instant::now();
        self.store.save(update).await?;
        metrics::histogram!("fixpath_step_commit_seconds").record(started.elapsed().as_secs_f64());
        if let Some(outcome) = ended {
            metrics::counter!("fixpath_sessions_ended_total", "outcome" => outcome.to_string())
                .increment(1);
        }
        Ok(after)
    }

    /// The event of this kind about a session, for the webhooks that take it (`None` when
    /// none does); `fill` adds what the kind carries.
    fn event(
        &self,
        kind: &str,
        stored: &StoredSession,
        agent: Option<&str>,
        fill: impl FnOnce(&mut WebhookEvent<'_>) -> Result<(), Problem>,
    ) -> Result<Option<OutboxEvent>, Problem> {
        let targets: Vec<String> = self
            .config
            .webhooks
            .iter()
            .filter(|target| kind != EVENT_STEP || takes_steps(target))
            .cloned()
            .collect();
        if targets.is_empty() {
            return Ok(None);
        }
        let event_id = random_id();
        let occurred_at = Timestamp::now().0;
        let ended = stored.status != "open";
        let mut event = WebhookEvent {
            id: &event_id,
            kind,
            occurred_at,
            timestamp: occurred_at / 1000,
            session: EventSession {
                id: &stored.id,
                url: self.session_url(&stored.id),
                article: &stored.article,
                reference: stored.reference.as_deref(),
                status: stored.status.clone(),
                steps: stored.steps,
                created_by: &stored.created_by,
                outcome: ended.then(|| stored.status.clone()),
                notes: stored.notes.as_deref(),
            },
            outcome: None,
            cause: None,
            fix: None,
            agent,
            notes: None,
            step: None,
            transcript: None,
            markdown: None,
        };
        if kind == EVENT_ENDED {
            event.notes = stored.notes.as_deref();
        }
        fill(&mut event)?;
        let payload = serde_json::to_string(&event).map_err(Problem::internal)?;
        Ok(Some(OutboxEvent {
            event_id,
            kind: kind.to_owned(),
            payload,
            targets,
        }))
    }

    /// What `session.ended` carries: the outcome, the cause and fix that worked (by id and
    /// title), and the transcript, as data and as Markdown.
    fn fill_ended(
        &self,
        event: &mut WebhookEvent<'_>,
        library: &Library,
        stored: &StoredSession,
        state: &SessionState,
        outcome: SessionEnd,
    ) -> Result<(), Problem> {
        let Transcript {
            value: transcript,
            markdown,
        } = self.transcript(library, stored, state)?;
        event.outcome = Some(outcome.to_string());
        event.transcript = Some(transcript);
        event.markdown = Some(markdown);
        let worked = fixpath::learn::Record::of(state)
            .into_iter()
            .rev()
            .find_map(|record| {
                let fix = record.fixes.iter().find(|fix| fix.2)?.1.clone();
                Some((record.article, record.cause?, fix))
            });
        if let Some((article, cause, fix)) = worked {
            let prepared = library.article(article.as_str())?;
            let text = &prepared.text;
            let cause_title = text
                .causes
                .iter()
                .find(|c| c.id == cause)
                .map(|c| c.title.clone())
                .unwrap_or_default();
            let fix_title = text
                .solutions
                .iter()
                .chain(&text.workarounds)
                .find(|r| r.id == fix)
                .map(|r| r.title.clone())
                .unwrap_or_default();
            event.cause = Some(EventNode {
                id: cause.0,
                title: cause_title,
            });
            event.fix = Some(EventNode {
                id: fix.0,
                title: fix_title,
            });
        }
        Ok(())
    }

    /// The head of a stored session's transcript: its id, URL, ticket, agent, times,
    /// outcome and notes.
    pub(crate) fn header(
        &self,
        stored: &StoredSession,
        state: &SessionState,
    ) -> view::SessionHeaderView {
        view::SessionHeaderView {
            id: Some(stored.id.clone()),
            url: Some(self.session_url(&stored.id)),
            reference: stored.reference.clone(),
            problem: stored.problem.clone(),
            agent: Some(stored.created_by.clone()),
            notes: stored.notes.clone(),
            ..view::SessionHeaderView::of(state)
        }
    }

    /// The whole transcript of a stored session: its header, then every article's part, as
    /// data (the shape of `ask --format json` with `session` added) and as Markdown (the
    /// parts joined as `ask` prints them).
    pub(crate) fn transcript(
        &self,
        library: &Library,
        stored: &StoredSession,
        state: &SessionState,
    ) -> Result<Transcript, Problem> {
        let header = self.header(stored, state);
        let mut views = Vec::new();
        let mut texts = vec![
            self.renderer
                .render_transcript_header(&header)
                .map_err(Problem::internal)?,
        ];
        for (index, leg) in state.legs.iter().enumerate() {
            let prepared = library.article(leg.article.as_str())?;
            let session = Session::review(prepared.subject(Style::Text), state, index)
                .map_err(session_problem)?;
            let leg_view = LegView::of(&session).map_err(session_problem)?;
            texts.push(
                self.renderer
                    .render_transcript(&leg_view.transcript, session.article())
                    .map_err(Problem::internal)?,
            );
            views.push(serde_json::to_value(&leg_view).map_err(Problem::internal)?);
        }
        let mut value =
            serde_json::to_value(SessionTranscript::new(views)).map_err(Problem::internal)?;
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "session".to_owned(),
                serde_json::to_value(&header).map_err(Problem::internal)?,
            );
        }
        Ok(Transcript {
            value,
            markdown: texts.join("\n---\n\n"),
        })
    }

    /// The session as the API returns it.
    pub(crate) fn out(&self, stored: &StoredSession, whole: bool) -> Result<SessionOut, Problem> {
        let library = self.library();
        let state = parse_state(&stored.state)?;
        let transcript = if whole {
            Some(self.transcript(&library, stored, &state)?.value)
        } else {
            None
        };
        let live = self.live(&library, &state, Style::Text, |view| {
            serde_json::to_value(view).map_err(Problem::internal)
        })?;
        Ok(SessionOut {
            id: stored.id.clone(),
            url: self.session_url(&stored.id),
            status: stored.status.clone(),
            steps: stored.steps,
            reference: stored.reference.clone(),
            problem: stored.problem.clone(),
            notes: stored.notes.clone(),
            agent: stored.created_by.clone(),
            created_at: stored.created_at,
            updated_at: stored.updated_at,
            live,
            transcript,
            state: if whole {
                Some(serde_json::from_str(&stored.state).map_err(Problem::internal)?)
            } else {
                None
            },
        })
    }

    /// Restores the state over its current article and hands the live view to `show`.
    pub(crate) fn live<R>(
        &self,
        library: &Library,
        state: &SessionState,
        style: Style,
        show: impl FnOnce(&LiveView<'_>) -> Result<R, Problem>,
    ) -> Result<R, Problem> {
        let prepared = library.article(current_article(state)?)?;
        let session = Session::restore(prepared.subject(style), state.clone(), Timestamp::now())
            .map_err(session_problem)?;
        let view = view::live_view(&session).map_err(session_problem)?;
        show(&view)
    }
}

/// Stores a session that ran elsewhere (a terminal's `ask --record`), whole.
pub(crate) async fn record(
    store: &Store,
    state: &SessionState,
    (title, problem): (&str, Option<&str>),
    actor: &str,
) -> Result<(), StoreError> {
    let steps = new_steps(state, 0);
    let first = state
        .legs
        .first()
        .map(|l| l.article.to_string())
        .unwrap_or_default();
    let current = state
        .current_article()
        .map(ArticleId::to_string)
        .unwrap_or_default();
    let started = state.legs.first().map_or(0, |l| l.started_at.0);
    let session = StoredSession {
        id: random_id(),
        article: first,
        status: status_of(state),
        steps: steps.len() as i64,
        state: serde_json::to_string(state).unwrap_or_default(),
        problem: problem.map(str::to_owned),
        reference: None,
        created_by: actor.to_owned(),
        created_at: started,
        updated_at: state.last_activity().map_or(started, |t| t.0),
        notes: None,
    };
    store.create(&session, &current, title, &steps, None).await
}

/// The stored state, read back.
pub(crate) fn parse_state(text: &str) -> Result<SessionState, Problem> {
    serde_json::from_str(text).map_err(Problem::internal)
}

fn current_article(state: &SessionState) -> Result<&str, Problem> {
    state
        .current_article()
        .map(ArticleId::as_str)
        .ok_or_else(|| Problem::internal("a stored session names no article"))
}

/// The moves of `state` after the first `known`, as rows to store.
fn new_steps(state: &SessionState, known: i64) -> Vec<NewStep> {
    flat_events(state)
        .skip(usize::try_from(known).unwrap_or(0))
        .map(|(article, event)| NewStep {
            at: event.at.0,
            article: article.to_string(),
            step: serde_json::to_string(&event.step).expect("a move always serializes"),
        })
        .collect()
}

/// Lets the engine take the move.
fn apply(session: &mut Session<'_>, request: &StepRequest, at: Timestamp) -> Result<(), Problem> {
    let result = match request {
        StepRequest::Answer {
            question, answer, ..
        } => {
            let Some(answer) = answer else {
                return Err(Problem::of(
                    ProblemKind::MissingAnswer,
                    "an answer step needs `answer`: a value of the question, or null for \"I don't know\"",
                ));
            };
            if question.len() > MAX_TEXT || answer.as_ref().is_some_and(|a| a.len() > MAX_TEXT) {
                return Err(Problem::of(ProblemKind::TooLong, "the answer is too long"));
            }
            let given = match answer {
                Some(value) => Given::Answer(value.clone()),
                None => Given::Unknown,
            };
            session.answer(&NodeId(question.clone()), given, at)
        }
        StepRequest::Back { .. } => match session.back(at) {
            Ok(true) => Ok(()),
            Ok(false) => {
                return Err(Problem::of(
                    ProblemKind::InvalidMove,
                    "there is no move to go back over",
                ));
            }
            Err(e) => Err(e),
        },
        StepRequest::Fix { remedy, fixed, .. } => {
            session.fix_outcome(&NodeId(remedy.clone()), *fixed, at)
        }
        StepRequest::ContinueIn { article, .. } => {
            session.continue_in(&ArticleId(article.clone()), at)
        }
        StepRequest::End { outcome, .. } => {
            let outcome = match outcome {
                EndOutcome::Escalated => SessionEnd::Escalated,
                EndOutcome::Abandoned => SessionEnd::Abandoned,
                EndOutcome::Incomplete => SessionEnd::Incomplete,
            };
            session.end(outcome, at)
        }
    };
    result.map_err(session_problem)
}
