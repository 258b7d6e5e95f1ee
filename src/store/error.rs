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

impl From<sqlx::Error> for StoreError {
    /// Connection, pool and I/O failures are [`StoreError::Unavailable`] (retryable), decoding
    /// failures [`StoreError::Corrupt`], failed migrations [`StoreError::Migration`], and the
    /// rest [`StoreError::Database`].
    fn from(err: sqlx::Error) -> Self {
        use sqlx::Error as E;
        match err {
            E::Io(_)
            | E::Tls(_)
            | E::Protocol(_)
            | E::PoolTimedOut
            | E::PoolClosed
            | E::WorkerCrashed => StoreError::Unavailable(err.to_string()),
            E::Decode(_) | E::ColumnDecode { .. } => StoreError::Corrupt(err.to_string()),
            E::Migrate(e) => StoreError::Migration(e.to_string()),
            E::Database(ref db) if is_unavailable(db.code().as_deref()) => {
                StoreError::Unavailable(err.to_string())
            }
            _ => StoreError::Database(err.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migration(err.to_string())
    }
}

impl From<prost::DecodeError> for StoreError {
    fn from(err: prost::DecodeError) -> Self {
        StoreError::Corrupt(err.to_string())
    }
}

/// Whether a database error code says the database is (temporarily) out of reach: PostgreSQL
/// connection exceptions (class 08), too many connections, shutdowns and recovery; SQLite
/// `BUSY`/`LOCKED` after the busy timeout.
fn is_unavailable(code: Option<&str>) -> bool {
    let Some(code) = code else { return false };
    // SQLite reports its (extended) result code as a decimal number, PostgreSQL a 5-character
    // SQLSTATE.
    const SQLITE_BUSY: u32 = 5;
    const SQLITE_LOCKED: u32 = 6;
    if code.len() < 5
        && let Ok(sqlite_code) = code.parse::<u32>()
    {
        return matches!(sqlite_code & 0xff, SQLITE_BUSY | SQLITE_LOCKED);
    }
    code.starts_with("08") || matches!(code, "53300" | "57P01" | "57P02" | "57P03")
}

#[cfg(test)]
mod tests {
    use super::is_unavailable;

    #[test]
    fn unavailable_codes() {
        assert!(is_unavailable(Some("5")));
        assert!(is_unavailable(Some("517")));
        assert!(is_unavailable(Some("08006")));
        assert!(is_unavailable(Some("57P01")));
        assert!(!is_unavailable(Some("19")));
        assert!(!is_unavailable(Some("23505")));
        assert!(!is_unavailable(None));
    }
}
