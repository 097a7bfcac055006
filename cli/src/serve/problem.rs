//! Errors as RFC 9457 `application/problem+json` (the API) or an escaped page (the browser).
//!
//! Every problem's `type` is a stable URN, `urn:fixpath:problem:<kind>`, one per kind of
//! error ([`ProblemKind`]): a client branches on it, never on the prose of `detail`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Every kind of problem the server answers, each with its stable URN (the list in
/// `docs/api.md`). New kinds are added at the end of their group; a kind is never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProblemKind {
    /// A request that cannot be read: malformed JSON, a bad parameter.
    BadRequest,
    /// A list filter with a value the server does not know (a status, an article, a cursor).
    InvalidFilter,
    /// No access token, or one not (or no longer) valid.
    Unauthorized,
    /// The token's role cannot use the route.
    Forbidden,
    /// Too many requests for this token.
    RateLimited,
    /// No such route.
    NotFound,
    /// No article has this id or error code.
    UnknownArticle,
    /// No session has this id.
    UnknownSession,
    /// A step made on a view that is no longer current (`expect_steps`, or another
    /// request moved the session first).
    StaleStep,
    /// The session's article changed since it began: start a new session.
    ArticleChanged,
    /// The session has ended: nothing more can be done in it.
    SessionEnded,
    /// A question the session's article does not have.
    UnknownQuestion,
    /// An answer the question does not have.
    UnknownAnswer,
    /// A fix the article does not have, or not the one offered now.
    UnknownFix,
    /// One question answered two ways.
    ConflictingAnswers,
    /// A move the session cannot take now (nothing to go back over, no such continuation).
    InvalidMove,
    /// Free text that could mean several articles: name one.
    AmbiguousProblem,
    /// An article with nothing to troubleshoot.
    NotTroubleshootable,
    /// A text longer than the limits, or too many facts.
    TooLong,
    /// A session with as many steps as a session may have.
    SessionTooLong,
    /// An answer step without `answer` (`null` is "I don't know"; leaving it out is refused).
    MissingAnswer,
    /// A change of a session's details that names no field.
    NothingToChange,
    /// A new article with the id of one the KB has.
    ArticleExists,
    /// An `Idempotency-Key` sent again with another request.
    IdempotencyKeyReused,
    /// An `Idempotency-Key` whose first request is still being answered.
    IdempotencyKeyInUse,
    /// The KB served cannot be edited (the embedded KB).
    ReadOnlyKb,
    /// A save without `If-Match`: send the revision the edit was made on.
    RevisionRequired,
    /// The article's file changed since that revision (the current version is in `current`).
    StaleRevision,
    /// A JSON Patch that does not apply to the article's document.
    PatchDoesNotApply,
    /// An article's file that is not UTF-8 text or cannot be edited in place.
    UnreadableSource,
    /// An edit the YAML cannot take in place without changing other fields.
    UnfaithfulEdit,
    /// A save `check` refuses: `diagnostics` lists each problem with its line, column and JSON pointer.
    InvalidArticle,
    /// A request body larger than the limit.
    BodyTooLarge,
    /// A request target longer than the limit.
    UriTooLong,
    /// A body that is not JSON.
    UnsupportedMediaType,
    /// A route that does not take this method.
    MethodNotAllowed,
    /// A request not read and answered in time.
    Timeout,
    /// The session store does not answer: try again later.
    StoreUnavailable,
    /// The server failed; the error is in its log.
    Internal,
}

impl ProblemKind {
    /// Every kind, in the order of the reference.
    pub(crate) const ALL: &[ProblemKind] = &[
        ProblemKind::BadRequest,
        ProblemKind::InvalidFilter,
        ProblemKind::Unauthorized,
        ProblemKind::Forbidden,
        ProblemKind::RateLimited,
        ProblemKind::NotFound,
        ProblemKind::UnknownArticle,
        ProblemKind::UnknownSession,
        ProblemKind::StaleStep,
        ProblemKind::ArticleChanged,
        ProblemKind::SessionEnded,
        ProblemKind::UnknownQuestion,
        ProblemKind::UnknownAnswer,
        ProblemKind::UnknownFix,
        ProblemKind::ConflictingAnswers,
        ProblemKind::InvalidMove,
        ProblemKind::AmbiguousProblem,
        ProblemKind::NotTroubleshootable,
        ProblemKind::TooLong,
        ProblemKind::SessionTooLong,
        ProblemKind::MissingAnswer,
        ProblemKind::NothingToChange,
        ProblemKind::ArticleExists,
        ProblemKind::IdempotencyKeyReused,
        ProblemKind::IdempotencyKeyInUse,
        ProblemKind::ReadOnlyKb,
        ProblemKind::RevisionRequired,
        ProblemKind::StaleRevision,
        ProblemKind::PatchDoesNotApply,
        ProblemKind::UnreadableSource,
        ProblemKind::UnfaithfulEdit,
        ProblemKind::InvalidArticle,
        ProblemKind::BodyTooLarge,
        ProblemKind::UriTooLong,
        ProblemKind::UnsupportedMediaType,
        ProblemKind::MethodNotAllowed,
        ProblemKind::Timeout,
        ProblemKind::StoreUnavailable,
        ProblemKind::Internal,
    ];

    /// The kebab-case name after `urn:fixpath:problem:`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ProblemKind::BadRequest => "bad-request",
            ProblemKind::InvalidFilter => "invalid-filter",
            ProblemKind::Unauthorized => "unauthorized",
            ProblemKind::Forbidden => "forbidden",
            ProblemKind::RateLimited => "rate-limited",
            ProblemKind::NotFound => "not-found",
            ProblemKind::UnknownArticle => "unknown-article",
            ProblemKind::UnknownSession => "unknown-session",
            ProblemKind::StaleStep => "stale-step",
            ProblemKind::ArticleChanged => "article-changed",
            ProblemKind::SessionEnded => "session-ended",
            ProblemKind::UnknownQuestion => "unknown-question",
            ProblemKind::UnknownAnswer => "unknown-answer",
            ProblemKind::UnknownFix => "unknown-fix",
            ProblemKind::ConflictingAnswers => "conflicting-answers",
            ProblemKind::InvalidMove => "invalid-move",
            ProblemKind::AmbiguousProblem => "ambiguous-problem",
            ProblemKind::NotTroubleshootable => "not-troubleshootable",
            ProblemKind::TooLong => "too-long",
            ProblemKind::SessionTooLong => "session-too-long",
            ProblemKind::MissingAnswer => "missing-answer",
            ProblemKind::NothingToChange => "nothing-to-change",
            ProblemKind::ArticleExists => "article-exists",
            ProblemKind::IdempotencyKeyReused => "idempotency-key-reused",
            ProblemKind::IdempotencyKeyInUse => "idempotency-key-in-use",
            ProblemKind::ReadOnlyKb => "read-only-kb",
            ProblemKind::RevisionRequired => "revision-required",
            ProblemKind::StaleRevision => "stale-revision",
            ProblemKind::PatchDoesNotApply => "patch-does-not-apply",
            ProblemKind::UnreadableSource => "unreadable-source",
            ProblemKind::UnfaithfulEdit => "unfaithful-edit",
            ProblemKind::InvalidArticle => "invalid-article",
            ProblemKind::BodyTooLarge => "body-too-large",
            ProblemKind::UriTooLong => "uri-too-long",
            ProblemKind::UnsupportedMediaType => "unsupported-media-type",
            ProblemKind::MethodNotAllowed => "method-not-allowed",
            ProblemKind::Timeout => "timeout",
            ProblemKind::StoreUnavailable => "store-unavailable",
            ProblemKind::Internal => "internal",
        }
    }

    /// `urn:fixpath:problem:<name>`.
    pub(crate) fn urn(self) -> String {
        format!("urn:fixpath:problem:{}", self.name())
    }

    /// The status it is answered with.
    pub(crate) fn status(self) -> StatusCode {
        match self {
            ProblemKind::BadRequest | ProblemKind::InvalidFilter => StatusCode::BAD_REQUEST,
            ProblemKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ProblemKind::Forbidden => StatusCode::FORBIDDEN,
            ProblemKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ProblemKind::NotFound | ProblemKind::UnknownArticle | ProblemKind::UnknownSession => {
                StatusCode::NOT_FOUND
            }
            ProblemKind::StaleStep
            | ProblemKind::ArticleChanged
            | ProblemKind::SessionEnded
            | ProblemKind::IdempotencyKeyInUse => StatusCode::CONFLICT,
            ProblemKind::UnknownQuestion
            | ProblemKind::UnknownAnswer
            | ProblemKind::UnknownFix
            | ProblemKind::ConflictingAnswers
            | ProblemKind::InvalidMove
            | ProblemKind::AmbiguousProblem
            | ProblemKind::NotTroubleshootable
            | ProblemKind::TooLong
            | ProblemKind::SessionTooLong
            | ProblemKind::MissingAnswer
            | ProblemKind::NothingToChange
            | ProblemKind::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ProblemKind::ArticleExists => StatusCode::CONFLICT,
            ProblemKind::ReadOnlyKb
            | ProblemKind::PatchDoesNotApply
            | ProblemKind::UnreadableSource => StatusCode::CONFLICT,
            ProblemKind::RevisionRequired => StatusCode::PRECONDITION_REQUIRED,
            ProblemKind::StaleRevision => StatusCode::PRECONDITION_FAILED,
            ProblemKind::UnfaithfulEdit | ProblemKind::InvalidArticle => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ProblemKind::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemKind::UriTooLong => StatusCode::URI_TOO_LONG,
            ProblemKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProblemKind::Timeout => StatusCode::REQUEST_TIMEOUT,
            ProblemKind::StoreUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ProblemKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The kind a status stands for when no handler named one (a layer's answer).
    pub(crate) fn of_status(status: StatusCode) -> ProblemKind {
        match status {
            StatusCode::UNAUTHORIZED => ProblemKind::Unauthorized,
            StatusCode::FORBIDDEN => ProblemKind::Forbidden,
            StatusCode::TOO_MANY_REQUESTS => ProblemKind::RateLimited,
            StatusCode::NOT_FOUND => ProblemKind::NotFound,
            StatusCode::CONFLICT => ProblemKind::StaleStep,
            StatusCode::PAYLOAD_TOO_LARGE => ProblemKind::BodyTooLarge,
            StatusCode::URI_TOO_LONG => ProblemKind::UriTooLong,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ProblemKind::UnsupportedMediaType,
            StatusCode::METHOD_NOT_ALLOWED => ProblemKind::MethodNotAllowed,
            StatusCode::REQUEST_TIMEOUT => ProblemKind::Timeout,
            StatusCode::SERVICE_UNAVAILABLE => ProblemKind::StoreUnavailable,
            status if status.is_server_error() => ProblemKind::Internal,
            _ => ProblemKind::BadRequest,
        }
    }
}

/// A problem: the status, a short title, and what exactly went wrong.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub(crate) struct Problem {
    /// The kind of problem: a stable URN, `urn:fixpath:problem:<kind>`.
    #[serde(rename = "type")]
    pub(crate) kind: String,
    /// The status's short text.
    pub(crate) title: String,
    /// The HTTP status.
    pub(crate) status: u16,
    /// What went wrong here, for a person.
    pub(crate) detail: String,
    /// Seconds to wait before trying again (429 and 503 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) retry_after: Option<u64>,
}

impl Problem {
    /// A problem of this kind (its status is the kind's) and detail.
    pub(crate) fn of(kind: ProblemKind, detail: impl Into<String>) -> Problem {
        let status = kind.status();
        Problem {
            kind: kind.urn(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            retry_after: None,
        }
    }

    /// A problem with this status and detail, of the kind the status stands for.
    pub(crate) fn new(status: StatusCode, detail: impl Into<String>) -> Problem {
        let mut problem = Problem::of(ProblemKind::of_status(status), detail);
        problem.status = status.as_u16();
        problem.title = status.canonical_reason().unwrap_or("Error").to_owned();
        problem
    }

    /// 400: the request cannot be read.
    pub(crate) fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::of(ProblemKind::BadRequest, detail)
    }

    /// 400: a list filter's value is not one the server knows.
    pub(crate) fn invalid_filter(detail: impl Into<String>) -> Problem {
        Problem::of(ProblemKind::InvalidFilter, detail)
    }

    /// 404: no such route.
    pub(crate) fn not_found(detail: impl Into<String>) -> Problem {
        Problem::of(ProblemKind::NotFound, detail)
    }

    /// 404: no session has this id.
    pub(crate) fn unknown_session() -> Problem {
        Problem::of(ProblemKind::UnknownSession, "no session has this id")
    }

    /// 503: the store does not answer; try again in a few seconds.
    pub(crate) fn store_unavailable(error: impl std::fmt::Display) -> Problem {
        tracing::warn!(%error, "the session store does not answer");
        let mut problem = Problem::of(
            ProblemKind::StoreUnavailable,
            "the session store does not answer; try again in a few seconds",
        );
        problem.retry_after = Some(2);
        problem
    }

    /// 500, logged; the detail given to the client says nothing of the internals.
    pub(crate) fn internal(error: impl std::fmt::Display) -> Problem {
        tracing::error!(%error, "a request failed");
        Problem::of(
            ProblemKind::Internal,
            "the server failed to answer; the error is in its log",
        )
    }

    /// The status.
    pub(crate) fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry = self.retry_after;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = retry {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_kebab_case_urn_and_an_error_status() {
        let mut names = std::collections::BTreeSet::new();
        for kind in ProblemKind::ALL {
            let name = kind.name();
            assert!(names.insert(name), "{name} twice");
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                    && !name.starts_with('-')
                    && !name.ends_with('-'),
                "{name}"
            );
            assert_eq!(kind.urn(), format!("urn:fixpath:problem:{name}"));
            let status = kind.status();
            assert!(
                status.is_client_error() || status.is_server_error(),
                "{name}"
            );
            let problem = Problem::of(*kind, "detail");
            assert_eq!(
                (problem.kind, problem.status),
                (kind.urn(), status.as_u16())
            );
        }
        // A layer's status (no handler named a kind) maps to a kind with that status.
        for status in [400, 401, 403, 404, 405, 408, 413, 414, 415, 429, 500, 503] {
            let status = StatusCode::from_u16(status).unwrap();
            assert_eq!(ProblemKind::of_status(status).status(), status);
        }
    }
}
