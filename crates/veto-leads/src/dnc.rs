//! Reading the value of a do-not-contact column.
//!
//! Safety first: a value that is neither a recognised "yes" nor a recognised "no" does not
//! count as "no". The row is reported invalid (field `dnc`, with the value) so that a person
//! looks at it, rather than a lead someone asked not to be contacted slipping through.

/// Values that mark a lead do-not-contact, unless replaced by
/// [`ReadOptions::dnc_true_values`](crate::ReadOptions::dnc_true_values). Compared
/// case-insensitively, ignoring spaces, `-`, `_` and `.`.
pub const DEFAULT_DNC_TRUE: &[&str] = &[
    "true",
    "t",
    "yes",
    "y",
    "1",
    "x",
    "on",
    "checked",
    "✓",
    "✔",
    "☑",
    "☒",
    "✗",
    "✘",
    "dnc",
    "do not contact",
    "do not call",
    "do not email",
    "unsubscribed",
    "opted out",
    "opt out",
    "optout",
    "suppressed",
    "blocked",
    "ja",
    "oui",
    "sí",
    "si",
    "wahr",
    "vrai",
];

/// Values that leave a lead unmarked, unless replaced by
/// [`ReadOptions::dnc_false_values`](crate::ReadOptions::dnc_false_values). An empty cell is
/// always unmarked.
pub const DEFAULT_DNC_FALSE: &[&str] = &[
    "false",
    "f",
    "no",
    "n",
    "0",
    "off",
    "unchecked",
    "☐",
    "subscribed",
    "opted in",
    "opt in",
    "nein",
    "non",
    "falsch",
    "faux",
];

/// What a do-not-contact cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DncValue {
    Yes,
    No,
    Unknown,
}

/// The compiled true / false lists.
#[derive(Debug, Clone)]
pub(crate) struct DncValues {
    yes: Vec<String>,
    no: Vec<String>,
}

/// Longest key compared on the allocation-free path.
const STACK_KEY: usize = 48;

impl DncValues {
    pub(crate) fn new(yes: Option<&[String]>, no: Option<&[String]>) -> Self {
        let build = |given: Option<&[String]>, default: &[&str]| -> Vec<String> {
            let mut v: Vec<String> = match given {
                Some(g) => g.iter().map(|s| value_key(s)).collect(),
                None => default.iter().map(|s| value_key(s)).collect(),
            };
            v.retain(|k| !k.is_empty());
            v.sort();
            v.dedup();
            v
        };
        Self {
            yes: build(yes, DEFAULT_DNC_TRUE),
            no: build(no, DEFAULT_DNC_FALSE),
        }
    }

    /// Classifies a trimmed cell value.
    pub(crate) fn classify(&self, value: &str) -> DncValue {
        if value.is_empty() {
            return DncValue::No;
        }
        // Common case (ASCII, short): build the key on the stack.
        if value.is_ascii() && value.len() <= STACK_KEY {
            let mut buf = [0u8; STACK_KEY];
            let mut n = 0;
            for b in value.bytes() {
                if !is_ignored(b as char) {
                    buf[n] = b.to_ascii_lowercase();
                    n += 1;
                }
            }
            let key = std::str::from_utf8(&buf[..n]).unwrap_or_default();
            return self.classify_key(key);
        }
        self.classify_key(&value_key(value))
    }

    fn classify_key(&self, key: &str) -> DncValue {
        if key.is_empty() {
            // Only punctuation ("-", "."): not something a person meant as "no".
            return DncValue::Unknown;
        }
        // Both lists are sorted.
        if self.yes.binary_search_by(|k| k.as_str().cmp(key)).is_ok() {
            DncValue::Yes
        } else if self.no.binary_search_by(|k| k.as_str().cmp(key)).is_ok() {
            DncValue::No
        } else {
            DncValue::Unknown
        }
    }
}

fn is_ignored(c: char) -> bool {
    matches!(c, ' ' | '-' | '_' | '.' | '\t')
}

fn value_key(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|c| !is_ignored(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let d = DncValues::new(None, None);
        for v in [
            "TRUE",
            "Yes",
            "y",
            "1",
            "X",
            "✓",
            "Unsubscribed",
            "Opted-Out",
            "opted_out",
        ] {
            assert_eq!(d.classify(v), DncValue::Yes, "{v}");
        }
        for v in ["", "false", "NO", "0", "n", "Opted in"] {
            assert_eq!(d.classify(v), DncValue::No, "{v}");
        }
        for v in ["maybe", "2023-01-04", "-", "2", "yes please"] {
            assert_eq!(d.classify(v), DncValue::Unknown, "{v}");
        }
    }

    #[test]
    fn configured() {
        let d = DncValues::new(Some(&["Blocked".to_string()]), None);
        assert_eq!(d.classify("blocked"), DncValue::Yes);
        assert_eq!(d.classify("yes"), DncValue::Unknown);
        assert_eq!(d.classify("no"), DncValue::No);
    }
}
