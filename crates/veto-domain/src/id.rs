//! Typed identifiers. Every id is a UUIDv7 (time-ordered), rendered as its hyphenated string.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.hyphenated(), f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0.hyphenated())
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

id_type!(
    /// A customer organisation.
    TenantId
);
id_type!(
    /// A person with a role inside one tenant.
    UserId
);
id_type!(
    /// An API key bound to a user.
    ApiKeyId
);
id_type!(
    /// A suppression entry.
    EntryId
);
id_type!(
    /// A lift request.
    LiftId
);
id_type!(
    /// An audit event.
    EventId
);
id_type!(
    /// A contact (lead).
    ContactId
);
id_type!(
    /// One run of an import (leads or suppressions).
    ImportId
);
id_type!(
    /// One inbound signal: a raw message or a provider event, as received.
    SignalId
);
id_type!(
    /// A configured way in for signals: an inbound mailbox or a provider webhook.
    SourceId
);
id_type!(
    /// An outbound SMTP route.
    RouteId
);
id_type!(
    /// A sending domain (From domain) with its DKIM key.
    SendingDomainId
);
id_type!(
    /// A sending mailbox (a From address).
    MailboxId
);
id_type!(
    /// SMTP relay credentials of a tenant.
    CredentialId
);
id_type!(
    /// A multi-step sequence.
    SequenceId
);
id_type!(
    /// One contact's enrolment in a sequence.
    EnrollmentId
);
id_type!(
    /// One attempt to send one message to one recipient (a sequence step or a relayed
    /// message).
    SendId
);
