//! Multi-row statements for bulk writes. Each statement inserts a power-of-two number of rows
//! up to a maximum that keeps its bound parameters under SQLite's limit (32766): any count of
//! rows goes in as statements of the largest size, then of descending smaller sizes, so a
//! handful of prepared (and cached) statements serve every batch, and the per-statement round
//! trip to sqlx's worker thread stays out of the per-row cost.

use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteConnection};
use sqlx::{Row, Sqlite};
use veto_store::StoreError;

use crate::store::db_err;

/// A query on one of the statements, with its parameters bound so far.
pub(crate) type Q = Query<'static, Sqlite, SqliteArguments>;

/// Bound parameters per statement, with room to spare below SQLite's limit.
const MAX_PARAMS: usize = 32_000;

/// The statements of one multi-row INSERT, by size.
pub(crate) struct Batched {
    /// `sql[k]` writes `2^k` rows.
    sql: Vec<String>,
}

impl Batched {
    /// `head` up to `VALUES `, `row` one parenthesised row of `params` placeholders, `tail`
    /// what follows the rows (`ON CONFLICT …`, `RETURNING …`).
    pub(crate) fn new(head: &str, row: &str, params: usize, tail: &str) -> Self {
        let max_rows = (MAX_PARAMS / params.max(1)).max(1);
        let mut sql = Vec::new();
        let mut rows = 1usize;
        while rows <= max_rows {
            let values = vec![row; rows].join(", ");
            sql.push(format!("{head}{values}{tail}"));
            rows *= 2;
        }
        Self { sql }
    }

    /// As [`Batched::new`] for a plain `INSERT INTO …` head, written as `INSERT OR IGNORE`.
    ///
    /// A multi-row statement that may abort half way makes SQLite copy every page it first
    /// touches into a statement journal (to undo only that statement), which roughly doubles
    /// the cost of bulk writes. With `OR IGNORE` no constraint aborts the statement; callers
    /// that must write every row use [`Batched::execute_all`] / [`Batched::returning_all`],
    /// which turn a skipped row into an error (the transaction is then rolled back).
    pub(crate) fn new_or_ignore(head: &str, row: &str, params: usize, tail: &str) -> Self {
        Self::new(
            &head.replacen("INSERT INTO", "INSERT OR IGNORE INTO", 1),
            row,
            params,
            tail,
        )
    }

    /// Writes every one of `items` or fails with `skipped` (see [`Batched::new_or_ignore`]).
    pub(crate) async fn execute_all<T>(
        &'static self,
        conn: &mut SqliteConnection,
        items: &[T],
        bind: impl Fn(Q, &T) -> Q,
        skipped: impl FnOnce() -> StoreError,
    ) -> Result<(), StoreError> {
        let n = self.execute(conn, items, bind).await.map_err(db_err)?;
        if n != items.len() as u64 {
            return Err(skipped());
        }
        Ok(())
    }

    /// As [`Batched::returning_i64`], failing with `skipped` unless every row was written.
    pub(crate) async fn returning_all<T>(
        &'static self,
        conn: &mut SqliteConnection,
        items: &[T],
        bind: impl Fn(Q, &T) -> Q,
        skipped: impl FnOnce() -> StoreError,
    ) -> Result<Vec<i64>, StoreError> {
        let out = self
            .returning_i64(conn, items, bind)
            .await
            .map_err(db_err)?;
        if out.len() != items.len() {
            return Err(skipped());
        }
        Ok(out)
    }

    /// The largest statement that writes at most `n` (≥ 1) rows, and its row count.
    fn pick(&'static self, n: usize) -> (usize, &'static str) {
        let mut k = self.sql.len() - 1;
        while k > 0 && (1usize << k) > n {
            k -= 1;
        }
        (1usize << k, self.sql[k].as_str())
    }

    /// Writes `items`, binding each with `bind`; returns the rows affected.
    pub(crate) async fn execute<T>(
        &'static self,
        conn: &mut SqliteConnection,
        items: &[T],
        bind: impl Fn(Q, &T) -> Q,
    ) -> Result<u64, sqlx::Error> {
        let mut affected = 0;
        let mut rest = items;
        while !rest.is_empty() {
            let (rows, sql) = self.pick(rest.len());
            let (now, later) = rest.split_at(rows);
            let mut q = sqlx::query(sql);
            for item in now {
                q = bind(q, item);
            }
            affected += q.execute(&mut *conn).await?.rows_affected();
            rest = later;
        }
        Ok(affected)
    }

    /// Writes `items` with a statement whose tail is `RETURNING <one integer column>`;
    /// returns the values returned.
    pub(crate) async fn returning_i64<T>(
        &'static self,
        conn: &mut SqliteConnection,
        items: &[T],
        bind: impl Fn(Q, &T) -> Q,
    ) -> Result<Vec<i64>, sqlx::Error> {
        let mut out = Vec::with_capacity(items.len());
        let mut rest = items;
        while !rest.is_empty() {
            let (rows, sql) = self.pick(rest.len());
            let (now, later) = rest.split_at(rows);
            let mut q = sqlx::query(sql);
            for item in now {
                q = bind(q, item);
            }
            for row in q.fetch_all(&mut *conn).await? {
                out.push(row.try_get(0)?);
            }
            rest = later;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use super::*;

    static T: LazyLock<Batched> =
        LazyLock::new(|| Batched::new("INSERT INTO t VALUES ", "(?, ?, ?)", 3, ""));

    #[test]
    fn sizes_are_powers_of_two_within_the_parameter_limit() {
        let (max, sql) = T.pick(usize::MAX);
        assert!(max * 3 <= MAX_PARAMS && max * 6 > MAX_PARAMS);
        assert_eq!(sql.matches('?').count(), max * 3);
        assert_eq!(T.pick(1).0, 1);
        assert_eq!(T.pick(7).0, 4);
        assert_eq!(T.pick(8).0, 8);
    }
}
