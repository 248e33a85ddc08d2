//! Address verification for Veto's gates (lead imports first): is an e-mail address worth
//! keeping, and if not, why?
//!
//! Each address gets a [`Verification`]: a [`Verdict`] (deliverable, risky, undeliverable) and
//! the [`Finding`]s behind it, each with a stable code and a sentence a person can read.
//!
//! | check ([`VerifyChecks`] switch) | finding codes | verdict |
//! | --- | --- | --- |
//! | `syntax` | `syntax` | undeliverable |
//! | `mail_domain` | `nxdomain`, `null_mx`, `no_mx` | undeliverable |
//! | `mail_domain` | `dns_unavailable` | risky |
//! | `role_account` | `role_account` | risky |
//! | `disposable` | `disposable` | risky (undeliverable with `disposable_undeliverable`) |
//!
//! Undeliverable rows are rejected with their reasons; risky rows are kept and flagged. A DNS
//! failure (SERVFAIL, timeout, unreachable server) never makes an address undeliverable: only
//! an answer that says the domain does not take mail does.
//!
//! DNS goes through the [`Resolver`] trait: [`HickoryResolver`] talks to real name servers,
//! [`CachingResolver`] puts a bounded TTL cache with coalesced lookups in front of any resolver,
//! and [`FakeResolver`] answers from a table for tests and benchmarks.

mod cache;
mod checks;
mod disposable;
mod dns;
mod fake;
mod hickory;
mod outcome;
mod verifier;

pub use cache::{CacheConfig, CachingResolver};
pub use checks::VerifyChecks;
pub use disposable::DisposableList;
pub use dns::{DnsError, MailRoute, MxHost, Resolver, RouteAnswer};
pub use fake::FakeResolver;
pub use hickory::{HickoryOptions, HickoryResolver};
pub use outcome::{Finding, FindingCode, Verdict, Verification};
pub use verifier::{DEFAULT_CONCURRENCY, Verifier};
