//! The engine's error type: one enum wrapping each module's own errors, for callers that
//! drive several modules and want one type (a server mapping errors to responses, say).
//!
//! Each module returns its own typed error (`LoadError`, `SearchError`, ...); each converts
//! into [`Error`] with `?`.

/// Anything the engine can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The KB could not be loaded at all.
    #[error(transparent)]
    Load(#[from] crate::load::LoadError),
    /// A facts file could not be read.
    #[error(transparent)]
    Facts(#[from] crate::load::FactsError),
    /// The search index could not be built, opened or read.
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    /// Facts do not fit an article.
    #[error(transparent)]
    Solve(#[from] crate::solve::SolveError),
    /// A session could not be started, restored or moved on.
    #[error(transparent)]
    Session(#[from] crate::session::SessionError),
    /// A template failed, or a page could not be written.
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    /// A Markdown article could not be imported.
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
