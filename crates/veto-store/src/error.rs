//! The store's error type: drivers' errors are mapped to it at the backend boundary.

/// What went wrong in a store call.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The object does not exist (or belongs to another tenant, which is the same to callers).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The change conflicts with the current state (unique key, state machine).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Anything else: connection, I/O, corrupt row.
    #[error("store error: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    pub fn other(e: impl std::fmt::Display) -> Self {
        Self::Other(e.to_string())
    }
}
