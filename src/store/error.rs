//! Errors of the storage layer.

/// A failure of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or the connection broke; the operation may be retried.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A pagination key the store did not issue.
    #[error("invalid page key: {0}")]
    InvalidPageKey(String),
    /// Stored data could not be decoded.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// Schema migration failed.
    #[error("migration failed: {0}")]
    Migration(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(String),
}
