//! Imports and exports: lead files through the import gate ([`leads`]), suppression lists of
//! other providers in and out ([`migration`]), uploads spooled to disk ([`spool`]) and the
//! per-row reports kept with each import ([`report`]); a large migration's entries are
//! partitioned by hash on disk ([`buckets`]) so they reach the store in index order.

pub mod buckets;
pub mod leads;
pub mod migration;
pub mod report;
pub mod spool;
