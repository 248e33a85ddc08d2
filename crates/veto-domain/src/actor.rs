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
            assert_eq!(Actor::parse(&a.to_string()), Some(a));
        }
    }
}
