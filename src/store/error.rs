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
    /// The database's disk is full; nothing of the failed transaction was stored.
    #[error("the database is out of disk space: {0}")]
    Full(String),
    /// The database refuses writes (a read-only file, mount or replica).
    #[error("the database is read-only: {0}")]
    ReadOnly(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(String),
}

/// What a database error code says about the store's condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Condition {
    /// Out of reach for now; retry.
    Unavailable,
    /// No space left.
    Full,
    /// Writes refused.
    ReadOnly,
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
            E::Database(ref db) => match condition(db.code().as_deref()) {
                Some(Condition::Unavailable) => StoreError::Unavailable(err.to_string()),
                Some(Condition::Full) => StoreError::Full(err.to_string()),
                Some(Condition::ReadOnly) => StoreError::ReadOnly(err.to_string()),
                None => StoreError::Database(err.to_string()),
            },
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

/// What a database error code says, if it names a condition of the store rather than a bug:
/// out of reach (PostgreSQL connection exceptions, class 08, too many connections, shutdowns
/// and recovery; SQLite `BUSY`/`LOCKED` after the busy timeout), full (SQLite `FULL`,
/// PostgreSQL `disk_full`) or read-only (SQLite `READONLY`, PostgreSQL
/// `read_only_sql_transaction`).
fn condition(code: Option<&str>) -> Option<Condition> {
    let code = code?;
    // SQLite reports its (extended) result code as a decimal number, PostgreSQL a 5-character
    // SQLSTATE.
    const SQLITE_BUSY: u32 = 5;
    const SQLITE_LOCKED: u32 = 6;
    const SQLITE_READONLY: u32 = 8;
    const SQLITE_FULL: u32 = 13;
    if code.len() < 5
        && let Ok(sqlite_code) = code.parse::<u32>()
    {
        return match sqlite_code & 0xff {
            SQLITE_BUSY | SQLITE_LOCKED => Some(Condition::Unavailable),
            SQLITE_FULL => Some(Condition::Full),
            SQLITE_READONLY => Some(Condition::ReadOnly),
            _ => None,
        };
    }
    match code {
        "53100" => Some(Condition::Full),
        "25006" => Some(Condition::ReadOnly),
        "53300" | "57P01" | "57P02" | "57P03" => Some(Condition::Unavailable),
        _ if code.starts_with("08") => Some(Condition::Unavailable),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Condition, condition};

    #[test]
    fn conditions_from_codes() {
        let unavailable = Some(Condition::Unavailable);
        assert_eq!(condition(Some("5")), unavailable);
        assert_eq!(condition(Some("517")), unavailable);
        assert_eq!(condition(Some("08006")), unavailable);
        assert_eq!(condition(Some("57P01")), unavailable);
        assert_eq!(condition(Some("13")), Some(Condition::Full));
        assert_eq!(condition(Some("53100")), Some(Condition::Full));
        assert_eq!(condition(Some("8")), Some(Condition::ReadOnly));
        assert_eq!(condition(Some("1032")), Some(Condition::ReadOnly));
        assert_eq!(condition(Some("25006")), Some(Condition::ReadOnly));
        assert_eq!(condition(Some("19")), None);
        assert_eq!(condition(Some("23505")), None);
        assert_eq!(condition(None), None);
    }
}
