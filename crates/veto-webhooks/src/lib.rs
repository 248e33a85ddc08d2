//! Event webhooks of e-mail service providers, verified and read into one event shape, so
//! that their bounces, complaints and unsubscribes can become suppressions.
//!
//! Sans-IO: an HTTP handler passes the raw body, the relevant header values and the tenant's
//! secret; it gets back [`EspEvent`]s (one per event and recipient, with a stable
//! [`EspEvent::event_id`] for processing re-deliveries once) or a [`WebhookError`] naming the
//! check that failed, with [`WebhookError::class`] telling how to answer. Nothing here panics
//! on any input, and secrets and signatures are compared in constant time.
//!
//! | provider | authenticity | entry point |
//! | --- | --- | --- |
//! | Amazon SES via SNS | RSA signature of the SNS message, certificate from a [`CertificateSource`] | [`sns::verify_and_parse`] |
//! | SendGrid | ECDSA P-256 over timestamp + body | [`SendGridVerifier::verify_and_parse`] |
//! | Mailgun | HMAC-SHA256 over timestamp + token | [`MailgunVerifier::verify_and_parse`] |
//! | Postmark | HTTP basic auth | [`postmark::verify_basic_auth`], then [`postmark::parse`] |
//!
//! Bounces are judged by the rule table of `veto_bounce` (status code, reply code, remote
//! reply), falling back on the provider's own bounce type: a permanent failure is a hard
//! bounce unless its reason is not about the address (a full mailbox, a block …); a temporary
//! one is soft.
//!
//! # Layout
//!
//! - [`event`]: [`Provider`], [`EventKind`], [`EspEvent`].
//! - [`error`]: [`WebhookError`] and [`ErrorClass`].
//! - [`sns`]: SNS message signatures, timestamps and outcomes.
//! - [`certificate`]: SNS signing certificates, the URL policy, fixed and fetched sources.
//! - [`ses`]: SES notification and event-publishing JSON.
//! - [`sendgrid`], [`mailgun`], [`postmark`]: one module per provider.
//! - `classify`: provider bounces through the bounce rules; `freshness`: signed timestamps;
//!   `fields`: total readers of provider JSON.
#![forbid(unsafe_code)]

pub mod certificate;
mod classify;
pub mod error;
pub mod event;
mod fields;
mod freshness;
pub mod mailgun;
pub mod postmark;
pub mod sendgrid;
pub mod ses;
pub mod sns;

pub use certificate::{CertUrlPolicy, CertificateSource, SigningCertificate, StaticCertificates};
#[cfg(feature = "https-fetch")]
pub use certificate::{FetcherSetupError, HttpsCertificateFetcher};
pub use error::{ErrorClass, WebhookError};
pub use event::{EspEvent, EventKind, Provider, UnknownProvider};
pub use mailgun::{MailgunVerifier, MailgunWebhook};
pub use sendgrid::SendGridVerifier;
pub use sns::{SnsConfig, SnsMessage, SnsOutcome};
