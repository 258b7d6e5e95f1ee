//! A PostgreSQL database of its own for a test, on the server named by
//! `NEWSFACTS_TEST_DATABASE_URL`, dropped when the guard drops. Without that variable the
//! caller skips (with a printed reason), except in CI, where the absence is an error.

use sqlx::{Connection, Executor};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A PostgreSQL database created for one test and dropped (forcibly) when the guard drops.
pub struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop may run inside the test's runtime: do the async work on a thread of its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
                conn.execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
                    .await?;
                conn.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}: {dropped:?}", self.name);
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// A fresh database: its URL and the guard that drops it.
pub async fn temp_database(what: &str) -> Option<(String, PgDatabase)> {
    let Ok(admin_url) = std::env::var("NEWSFACTS_TEST_DATABASE_URL") else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "NEWSFACTS_TEST_DATABASE_URL is not set but CI is: the PostgreSQL half of {what} \
                 must run in CI (e.g. postgres://postgres@127.0.0.1:5432/test)"
            );
        }
        eprintln!("skipping the PostgreSQL half of {what}: NEWSFACTS_TEST_DATABASE_URL not set");
        return None;
    };
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .subsec_nanos();
    let name = format!(
        "nf_test_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to NEWSFACTS_TEST_DATABASE_URL");
    conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
        .await
        .expect("create test database");
    conn.close().await.expect("close admin connection");
    let guard = PgDatabase {
        admin_url: admin_url.clone(),
        name: name.clone(),
    };
    Some((with_database(&admin_url, &name), guard))
}
