//! The engine's error type: one enum wrapping each module's own errors.

/// Anything the engine can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The KB could not be loaded at all.
    #[error(transparent)]
    Load(#[from] crate::load::LoadError),
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
