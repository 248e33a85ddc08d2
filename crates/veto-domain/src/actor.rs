//! Who did a thing. Every mutation and every audit event records its actor.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::id::{ApiKeyId, UserId};

/// A user acting directly, a user acting through an API key, or a named system component
/// (`system:expiry`, `system:bootstrap`, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    User(UserId),
    Key { key: ApiKeyId, user: UserId },
    System(String),
}

impl Actor {
    pub fn system(name: &str) -> Self {
        Self::System(name.to_string())
    }

    /// The user behind the action, if a person.
    pub fn user(&self) -> Option<UserId> {
        match self {
            Self::User(u) | Self::Key { user: u, .. } => Some(*u),
            Self::System(_) => None,
        }
    }

    /// Parses the form written by `Display`.
    pub fn parse(s: &str) -> Option<Self> {
        if let Some(rest) = s.strip_prefix("system:") {
            return Some(Self::System(rest.to_string()));
        }
        if let Some(rest) = s.strip_prefix("user:") {
            return rest.parse().ok().map(Self::User);
        }
        let rest = s.strip_prefix("key:")?;
        let (k, u) = rest.split_once("/user:")?;
        Some(Self::Key {
            key: k.parse().ok()?,
            user: u.parse().ok()?,
        })
    }
}

/// Tags of [`Actor::to_bytes`].
const TAG_USER: u8 = b'u';
const TAG_KEY: u8 = b'k';
const TAG_SYSTEM: u8 = b's';

impl Actor {
    /// The compact binary form, for stores that write an actor on millions of rows (every
    /// migrated suppression, every imported contact): a tag byte and the ids' 16 bytes each,
    /// or a system actor's name — 33 bytes for an API key's actor against 83 for the text
    /// form of `Display`.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::User(u) => {
                let mut b = Vec::with_capacity(17);
                b.push(TAG_USER);
                b.extend_from_slice(u.0.as_bytes());
                b
            }
            Self::Key { key, user } => {
                let mut b = Vec::with_capacity(33);
                b.push(TAG_KEY);
                b.extend_from_slice(key.0.as_bytes());
                b.extend_from_slice(user.0.as_bytes());
                b
            }
            Self::System(name) => {
                let mut b = Vec::with_capacity(1 + name.len());
                b.push(TAG_SYSTEM);
                b.extend_from_slice(name.as_bytes());
                b
            }
        }
    }

    /// Reads the form written by [`Actor::to_bytes`]; `None` for anything else.
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        let (&tag, rest) = b.split_first()?;
        let uuid = |s: &[u8]| uuid::Uuid::from_slice(s).ok();
        match (tag, rest.len()) {
            (TAG_USER, 16) => Some(Self::User(UserId(uuid(rest)?))),
            (TAG_KEY, 32) => {
                let (k, u) = rest.split_at(16);
                Some(Self::Key {
                    key: ApiKeyId(uuid(k)?),
                    user: UserId(uuid(u)?),
                })
            }
            (TAG_SYSTEM, _) => std::str::from_utf8(rest)
                .ok()
                .map(|n| Self::System(n.to_string())),
            _ => None,
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User(u) => write!(f, "user:{u}"),
            Self::Key { key, user } => write!(f, "key:{key}/user:{user}"),
            Self::System(s) => write!(f, "system:{s}"),
        }
    }
}

impl Serialize for Actor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not an actor: {s}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for a in [
            Actor::User(UserId::new()),
            Actor::Key {
                key: ApiKeyId::new(),
                user: UserId::new(),
            },
            Actor::system("expiry"),
        ] {
            assert_eq!(Actor::parse(&a.to_string()), Some(a.clone()));
            assert_eq!(Actor::from_bytes(&a.to_bytes()), Some(a));
        }
    }

    proptest::proptest! {
        #[test]
        fn compact_form_round_trips_and_garbage_never_panics(
            key in proptest::array::uniform16(proptest::num::u8::ANY),
            user in proptest::array::uniform16(proptest::num::u8::ANY),
            name in "[a-z:_-]{0,20}",
            garbage in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        ) {
            let key = ApiKeyId(uuid::Uuid::from_bytes(key));
            let user = UserId(uuid::Uuid::from_bytes(user));
            for a in [Actor::User(user), Actor::Key { key, user }, Actor::System(name.clone())] {
                let b = a.to_bytes();
                proptest::prop_assert_eq!(Actor::from_bytes(&b), Some(a));
                // Cut short, it is refused (a system name may be cut anywhere).
                if !b.is_empty() && b[0] != b's' {
                    proptest::prop_assert_eq!(Actor::from_bytes(&b[..b.len() - 1]), None);
                }
            }
            let _ = Actor::from_bytes(&garbage);
        }
    }
}
