//! A tiny builder of dynamic `WHERE` clauses with numbered `$n` placeholders, which both
//! SQLite and PostgreSQL accept.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub(super) enum Bind {
    /// A text value.
    Text(String),
    /// An integer value.
    Int(i64),
}

/// Conditions joined with `AND`, and the values of their placeholders in order.
#[derive(Debug, Default)]
pub(super) struct Where {
    conditions: Vec<String>,
    binds: Vec<Bind>,
}

impl Where {
    /// Registers a value and returns its placeholder (`$1`, `$2`, ...).
    pub(super) fn param(&mut self, value: Bind) -> String {
        self.binds.push(value);
        format!("${}", self.binds.len())
    }

    /// Registers a text value and returns its placeholder.
    pub(super) fn text(&mut self, value: impl Into<String>) -> String {
        self.param(Bind::Text(value.into()))
    }

    /// Registers an integer value and returns its placeholder.
    pub(super) fn int(&mut self, value: i64) -> String {
        self.param(Bind::Int(value))
    }

    /// Adds a condition (which may use placeholders returned by [`Where::param`]).
    pub(super) fn push(&mut self, condition: impl Into<String>) {
        self.conditions.push(condition.into());
    }

    /// ` WHERE a AND b ...`, or the empty string when there is no condition.
    pub(super) fn clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// Binds the registered values to `query`, in placeholder order.
    pub(super) fn bind_to<'q>(
        &self,
        mut query: Query<'q, Any, AnyArguments<'q>>,
    ) -> Query<'q, Any, AnyArguments<'q>> {
        for value in &self.binds {
            query = match value {
                Bind::Text(s) => query.bind(s.clone()),
                Bind::Int(i) => query.bind(*i),
            };
        }
        query
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern.
pub(super) fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut w = Where::default();
        assert_eq!(w.clause(), "");
        let a = w.text("x");
        let b = w.int(3);
        w.push(format!("a = {a}"));
        w.push(format!("b > {b}"));
        assert_eq!(w.clause(), " WHERE a = $1 AND b > $2");
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like(r"5%_a\b"), r"5\%\_a\\b");
    }
}
