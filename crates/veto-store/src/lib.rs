//! The storage contract of Veto: one [`Store`] trait with a method per use case, the models
//! it speaks, a small [`StoreError`], and the audit-event builders every backend uses so that
//! both stores write identical events.
//!
//! Backends (`veto-store-sqlite`, `veto-store-postgres`) implement the trait with hand-written
//! SQL and their own migrations. With the `conformance` feature this crate also exports the
//! shared test suite every backend runs.
//!
//! Layout:
//! - [`model`] — tenants, users, keys, filters, pages, import and erasure reports.
//! - [`change`] — the change feed nodes follow to keep their check index current.
//! - [`events`] — audit drafts for store-level mutations.
//! - [`error`] — `StoreError`.
//! - [`store`] — the trait.
//! - [`sending`] — the sending side of the trait: mailboxes, credentials, sequences,
//!   enrolments, send attempts, and the send fence.
#![forbid(unsafe_code)]

pub mod change;
pub mod error;
pub mod events;
pub mod model;
pub mod sending;
pub mod store;
pub mod verify;

#[cfg(feature = "conformance")]
pub mod conformance;

pub use change::{Change, ChangeOp, IndexRow};
pub use error::{StoreError, StoreResult};
pub use model::*;
pub use sending::*;
pub use store::{DynStore, LeadImportTx, Store};
pub use verify::verify_audit;
