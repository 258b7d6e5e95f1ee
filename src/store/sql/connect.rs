//! Opening a store: URL parsing, pool settings, per-connection SQLite pragmas, migrations.

use super::SqlStore;
use crate::store::StoreError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{ConnectOptions, Connection, Executor, Row};
use std::str::FromStr;
use std::time::Duration;

/// Migrations of the SQLite schema, embedded at compile time.
static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
/// Migrations of the PostgreSQL schema, embedded at compile time.
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// How long a SQLite connection waits for a lock held by another connection or process.
const SQLITE_BUSY_TIMEOUT_MS: u64 = 10_000;
/// Read connections of a SQLite store.
const SQLITE_READERS: u32 = 4;
/// Connections of a PostgreSQL store.
const POSTGRES_CONNECTIONS: u32 = 10;

/// The database behind a [`SqlStore`]; where SQL dialects differ, the store branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server (or a compatible database).
    Postgres,
}

impl Backend {
    /// The backend a database URL names, or `None` for an unsupported scheme.
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Adds `mode=rwc` (create the file if missing) to a SQLite URL that names no mode.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

impl SqlStore {
    /// A store on these pools, with a fresh instance id and no commit listener yet.
    fn new(backend: Backend, writer: sqlx::AnyPool, reader: sqlx::AnyPool) -> Self {
        SqlStore {
            backend,
            writer,
            reader,
            instance_id: super::listen::new_instance_id(),
            published: Default::default(),
            feed: Default::default(),
        }
    }

    /// Connects to `url` and brings the schema up to date.
    ///
    /// Accepts `sqlite://path.db` (the file is created when missing; WAL journal,
    /// `synchronous=FULL`, a busy timeout and foreign keys on every connection) and
    /// `postgres://user@host/db`.
    pub async fn connect(url: &str) -> Result<SqlStore, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url).ok_or_else(|| {
            StoreError::Database(format!(
                "unsupported database URL (want sqlite://... or postgres://...): {}",
                redact_url(url)
            ))
        })?;
        let store = match backend {
            Backend::Sqlite => {
                let url = sqlite_url(url);
                let options = AnyConnectOptions::from_str(&url)?;
                enable_wal(&options).await?;
                let writer = sqlite_pool_options(1).connect_with(options.clone()).await?;
                let reader = sqlite_pool_options(SQLITE_READERS)
                    .connect_with(options)
                    .await?;
                SqlStore::new(backend, writer, reader)
            }
            Backend::Postgres => {
                let options = AnyConnectOptions::from_str(url)?;
                let pool = AnyPoolOptions::new()
                    .max_connections(POSTGRES_CONNECTIONS)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await?;
                SqlStore::new(backend, pool.clone(), pool)
            }
        };
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&store.writer).await?;
        Ok(store)
    }
}

/// Pool options for SQLite with the per-connection pragmas.
fn sqlite_pool_options(max_connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}").as_str())
                    .await?;
                // An acknowledged commit is on disk, also in WAL mode.
                conn.execute("PRAGMA synchronous = FULL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                // A 16 MiB page cache per connection (the default is 2 MiB): index pages
                // stay in memory instead of being read back from the OS for every batch.
                conn.execute("PRAGMA cache_size = -16384").await?;
                Ok(())
            })
        })
}

/// Switches the database file to WAL once (the setting is persistent). Switching needs an
/// exclusive lock that the busy timeout does not wait for, so it is done before the pools open
/// and skipped when the file is already in WAL mode.
async fn enable_wal(options: &AnyConnectOptions) -> Result<(), StoreError> {
    let mut conn = options.connect().await?;
    conn.execute(format!("PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}").as_str())
        .await?;
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await?
        .try_get(0)?;
    if !mode.eq_ignore_ascii_case("wal") {
        let mode: String = sqlx::query("PRAGMA journal_mode = WAL")
            .fetch_one(&mut conn)
            .await?
            .try_get(0)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Database(format!(
                "cannot switch SQLite to WAL journal mode (got {mode})"
            )));
        }
    }
    conn.close().await?;
    Ok(())
}

/// `url` with any password replaced, for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_create_the_file() {
        assert_eq!(sqlite_url("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(
            sqlite_url("sqlite://a.db?x=1"),
            "sqlite://a.db?x=1&mode=rwc"
        );
        assert_eq!(sqlite_url("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
    }

    #[test]
    fn backends_from_urls() {
        assert_eq!(Backend::from_url("sqlite://x.db"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::from_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::from_url("mysql://u@h/db"), None);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
    }

    /// SQLite through the `Any` driver takes `$N` placeholders, in any order and reused, and
    /// every pooled connection runs with the pragmas the store needs.
    #[tokio::test]
    async fn sqlite_takes_numbered_placeholders_and_pragmas() -> Result<(), StoreError> {
        let dir = tempfile::TempDir::new().map_err(|e| StoreError::Database(e.to_string()))?;
        let url = format!("sqlite://{}", dir.path().join("p.db").display());
        let store = SqlStore::connect(&url).await?;
        assert!(dir.path().join("p.db").exists());
        let row = sqlx::query("SELECT $2 || '-' || $1, $1 || $1")
            .bind("a")
            .bind("b")
            .fetch_one(&store.reader)
            .await?;
        assert_eq!(row.try_get::<String, _>(0)?, "b-a");
        assert_eq!(row.try_get::<String, _>(1)?, "aa");
        for pool in [&store.reader, &store.writer] {
            let mut conn = pool.acquire().await?;
            let pragma = |name: &'static str| format!("PRAGMA {name}");
            let journal: String = sqlx::query(&pragma("journal_mode"))
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            assert_eq!(journal.to_lowercase(), "wal");
            for (name, want) in [("synchronous", 2), ("foreign_keys", 1)] {
                let got: i64 = sqlx::query(&pragma(name))
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?;
                assert_eq!(got, want, "{name}");
            }
            let busy: i64 = sqlx::query(&pragma("busy_timeout"))
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            assert_eq!(u64::try_from(busy).ok(), Some(SQLITE_BUSY_TIMEOUT_MS));
        }
        store.close().await;
        Ok(())
    }
}
