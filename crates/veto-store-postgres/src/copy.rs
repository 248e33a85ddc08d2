//! Bulk writes through `COPY … FROM STDIN (FORMAT binary)`.
//!
//! A `COPY` lets PostgreSQL put many rows on a heap page in one step (one WAL record per page,
//! not per row) and skips the per-row planning and array unpacking of `INSERT … SELECT FROM
//! UNNEST(…)`. It has no `ON CONFLICT`, so callers send only rows they know are new.
//!
//! The binary format (PostgreSQL manual, "COPY — Binary Format") is written by hand here:
//! sqlx streams raw `COPY` data but has no encoder for it, and the crates that do
//! (`postgres-binary-copy`, `pgcopy`) belong to another driver or are unmaintained
//! experiments. The format is small: a fixed header, then per row a 16-bit field count and per
//! field a 32-bit length (-1 for NULL) and the value in its type's binary send form.

use sqlx::PgConnection;
use veto_store::{StoreError, StoreResult};

use crate::tx::db;

/// Bytes buffered before a chunk goes to the server.
const SEND_AT: usize = 1 << 20;

/// One `COPY` in progress: rows are encoded into a buffer that is sent in chunks of about a
/// megabyte.
pub(crate) struct BinaryCopy<'c> {
    copy: sqlx::postgres::PgCopyIn<&'c mut PgConnection>,
    buf: Vec<u8>,
    rows: u64,
}

impl<'c> BinaryCopy<'c> {
    /// Starts `COPY table (columns) FROM STDIN (FORMAT binary)`; `statement` is that text.
    pub(crate) async fn start(
        conn: &'c mut PgConnection,
        statement: &str,
    ) -> StoreResult<BinaryCopy<'c>> {
        let copy = conn.copy_in_raw(statement).await.map_err(db)?;
        let mut buf = Vec::with_capacity(SEND_AT + 4096);
        buf.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buf.extend_from_slice(&0i32.to_be_bytes()); // flags: no OIDs
        buf.extend_from_slice(&0i32.to_be_bytes()); // header extension length
        Ok(BinaryCopy { copy, buf, rows: 0 })
    }

    /// Begins a row of `fields` values; the caller then writes exactly that many.
    pub(crate) fn row(&mut self, fields: i16) {
        self.buf.extend_from_slice(&fields.to_be_bytes());
        self.rows += 1;
    }

    /// Sends the buffer once it is large; call between rows.
    pub(crate) async fn flush_if_full(&mut self) -> StoreResult<()> {
        if self.buf.len() >= SEND_AT {
            self.copy.send(self.buf.as_slice()).await.map_err(db)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn len(&mut self, n: usize) -> StoreResult<()> {
        let n = i32::try_from(n)
            .map_err(|_| StoreError::Other(format!("a value of {n} bytes is too long to copy")))?;
        self.buf.extend_from_slice(&n.to_be_bytes());
        Ok(())
    }

    pub(crate) fn null(&mut self) {
        self.buf.extend_from_slice(&(-1i32).to_be_bytes());
    }

    pub(crate) fn bytes(&mut self, v: &[u8]) -> StoreResult<()> {
        self.len(v.len())?;
        self.buf.extend_from_slice(v);
        Ok(())
    }

    /// `text`: UTF-8 bytes (the server's encoding is UTF-8, set at connect).
    pub(crate) fn text(&mut self, v: &str) -> StoreResult<()> {
        self.bytes(v.as_bytes())
    }

    pub(crate) fn opt_text(&mut self, v: Option<&str>) -> StoreResult<()> {
        match v {
            Some(v) => self.text(v),
            None => {
                self.null();
                Ok(())
            }
        }
    }

    pub(crate) fn uuid(&mut self, v: &uuid::Uuid) {
        self.buf.extend_from_slice(&16i32.to_be_bytes());
        self.buf.extend_from_slice(v.as_bytes());
    }

    pub(crate) fn i64(&mut self, v: i64) {
        self.buf.extend_from_slice(&8i32.to_be_bytes());
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    pub(crate) fn opt_i64(&mut self, v: Option<i64>) {
        match v {
            Some(v) => self.i64(v),
            None => self.null(),
        }
    }

    pub(crate) fn i16(&mut self, v: i16) {
        self.buf.extend_from_slice(&2i32.to_be_bytes());
        self.buf.extend_from_slice(&v.to_be_bytes());
    }

    pub(crate) fn bool(&mut self, v: bool) {
        self.buf.extend_from_slice(&1i32.to_be_bytes());
        self.buf.push(u8::from(v));
    }

    /// Sends the rest and the trailer; returns the rows the server stored, which must be the
    /// rows written.
    pub(crate) async fn finish(self) -> StoreResult<u64> {
        self.finish_with(db).await
    }

    /// [`finish`](Self::finish), with the caller's reading of the server's error (a `COPY`
    /// reports a broken constraint when it ends).
    pub(crate) async fn finish_with(
        mut self,
        error: impl FnOnce(sqlx::Error) -> StoreError,
    ) -> StoreResult<u64> {
        self.buf.extend_from_slice(&(-1i16).to_be_bytes());
        self.copy.send(self.buf.as_slice()).await.map_err(db)?;
        let stored = self.copy.finish().await.map_err(error)?;
        if stored != self.rows {
            return Err(StoreError::Other(format!(
                "COPY stored {stored} rows of {} sent",
                self.rows
            )));
        }
        Ok(stored)
    }
}
