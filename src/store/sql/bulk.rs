//! Multi-row `INSERT`s: one statement per table and batch instead of one per row.
//!
//! Written by hand because sqlx's `QueryBuilder` formats `?` placeholders for the `Any`
//! driver, which PostgreSQL rejects. PostgreSQL gets `$1, $2, ...`; SQLite gets anonymous `?`,
//! bound by position: with numbered names, binding looks each name up among all the
//! statement's parameters, which is quadratic in the row count.

use super::connect::Backend;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use std::fmt::Write as _;

/// The most values bound in one statement: below SQLite's limit (32,766) and PostgreSQL's
/// (65,535).
const MAX_BOUND_VALUES: usize = 30_000;

/// One value bound into a multi-row insert.
#[derive(Debug)]
pub(super) enum Value {
    /// An integer.
    Int(i64),
    /// An integer or NULL.
    NullableInt(Option<i64>),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

/// Rows for one table: a statement head such as `INSERT INTO t (a, b)`, the number of
/// columns, an optional tail (`ON CONFLICT ...`, `RETURNING ...`) and the values row by row.
#[derive(Debug)]
pub(super) struct BulkInsert {
    head: &'static str,
    columns: usize,
    tail: &'static str,
    values: Vec<Value>,
}

impl BulkInsert {
    /// An insert with no rows yet.
    pub(super) fn new(head: &'static str, columns: usize, tail: &'static str) -> Self {
        Self {
            head,
            columns: columns.max(1),
            tail,
            values: Vec::new(),
        }
    }

    /// Adds one row; it must hold one value per column.
    pub(super) fn row(&mut self, row: impl IntoIterator<Item = Value>) {
        let before = self.values.len();
        self.values.extend(row);
        debug_assert_eq!(self.values.len() - before, self.columns, "{}", self.head);
    }

    /// Runs the insert in as few statements as the bound-value limit allows and returns the
    /// rows of its `RETURNING` clause, if it has one.
    pub(super) async fn run(
        self,
        tx: &mut Transaction<'_, Any>,
        backend: Backend,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        let rows_per_statement = (MAX_BOUND_VALUES / self.columns).max(1);
        let mut returned = Vec::new();
        let mut values = self.values.into_iter().peekable();
        while values.peek().is_some() {
            let chunk: Vec<Value> = values
                .by_ref()
                .take(rows_per_statement * self.columns)
                .collect();
            let sql = statement_text(backend, self.head, self.columns, chunk.len(), self.tail);
            // Statements differ in their row counts: do not fill the prepared-statement cache.
            let mut query = sqlx::query(&sql).persistent(false);
            for value in chunk {
                query = match value {
                    Value::Int(v) => query.bind(v),
                    Value::NullableInt(v) => query.bind(v),
                    Value::Text(v) => query.bind(v),
                    Value::Blob(v) => query.bind(v),
                };
            }
            returned.extend(query.fetch_all(&mut **tx).await?);
        }
        Ok(returned)
    }
}

/// `head VALUES ($1, $2), ($3, $4) tail` for `values / columns` rows (`?` for each
/// placeholder on SQLite).
fn statement_text(
    backend: Backend,
    head: &str,
    columns: usize,
    values: usize,
    tail: &str,
) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + values * 6);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for n in 0..values {
        let separator = match (n % columns, n) {
            (0, 0) => "(",
            (0, _) => "), (",
            _ => ", ",
        };
        sql.push_str(separator);
        match backend {
            Backend::Sqlite => sql.push('?'),
            // Writing to a String cannot fail.
            Backend::Postgres => {
                let _ = write!(sql, "${}", n + 1);
            }
        }
    }
    if values > 0 {
        sql.push(')');
    }
    if !tail.is_empty() {
        sql.push(' ');
        sql.push_str(tail);
    }
    sql
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_numbers_placeholders_row_by_row() {
        assert_eq!(
            statement_text(
                Backend::Postgres,
                "INSERT INTO t (a, b)",
                2,
                4,
                "RETURNING a"
            ),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) RETURNING a"
        );
        assert_eq!(
            statement_text(Backend::Sqlite, "INSERT INTO t (a, b)", 2, 4, "RETURNING a"),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?) RETURNING a"
        );
        assert_eq!(
            statement_text(Backend::Postgres, "INSERT INTO t (a)", 1, 1, ""),
            "INSERT INTO t (a) VALUES ($1)"
        );
    }
}
