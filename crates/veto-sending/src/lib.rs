//! The pure parts of Veto's outbound mail, for the server's sequence sender and SMTP relay:
//! DKIM keys and signatures, step templates filled with a contact's fields, the composed
//! message of a sequence step, the stamps the relay puts on other tools' messages, VERP
//! return paths that lead a bounce back to its send, and Message-IDs. No network, no
//! database, no async: bytes and values in, bytes and values out; the do-not-contact check
//! before each message is the server's.
//!
//! Layout:
//! - [`dkim`] — DKIM keys (RSA-2048 by default, Ed25519), their DNS records, signing.
//! - [`template`] — subject and body templates with contact fields, checked when compiled.
//! - [`compose`] — a sequence step's RFC 5322 message.
//! - [`stamp`] — the relay: read a submitted message's header, stamp it.
//! - [`list_unsubscribe`] — the checked `List-Unsubscribe` / `List-Unsubscribe-Post` pair.
//! - [`header`] — raw header fields: the header block split with byte ranges, folded writing.
//! - [`verp`] — return paths `bounces+TOKEN@domain` carrying an authenticated send id.
//! - [`message_id`] — new Message-IDs.
#![forbid(unsafe_code)]

pub mod compose;
pub mod dkim;
pub mod header;
pub mod list_unsubscribe;
pub mod message_id;
pub mod stamp;
pub mod template;
pub mod verp;

pub use compose::{ComposeError, Mailbox, StepMessage, compose};
pub use dkim::{DkimAlgorithm, DkimError, DkimKey, DkimKeyType, DnsRecord, default_selector};
pub use list_unsubscribe::{ListUnsubscribe, ListUnsubscribeError};
pub use message_id::new_message_id;
pub use stamp::{HeaderInfo, Received, StampError, Stamped, Stamps, read_headers, stamp};
pub use template::{ContactFields, Part, Template, TemplateError};
pub use verp::{ReturnPath, VerpError};
