//! The `List-Unsubscribe` (RFC 2369) and `List-Unsubscribe-Post` (RFC 8058) header pair that
//! every sequence step and relayed message carries, checked once so that composing and
//! stamping can only write a valid pair.

/// The `List-Unsubscribe-Post` value RFC 8058 §3.1 requires.
pub const ONE_CLICK_POST: &str = "List-Unsubscribe=One-Click";

/// Why a `List-Unsubscribe` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListUnsubscribeError {
    #[error("the List-Unsubscribe value is empty")]
    Empty,
    #[error("the List-Unsubscribe value contains a line break or another control character")]
    Control,
    #[error(
        "the List-Unsubscribe value must be a comma-separated list of <URI>s (RFC 2369 §2); found {0:?}"
    )]
    NotUriList(String),
    #[error(
        "one-click unsubscribe needs an https URI in List-Unsubscribe (RFC 8058 §3.1); the value has none"
    )]
    NoHttps,
}

/// A checked `List-Unsubscribe` value and whether the message offers one-click unsubscribe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListUnsubscribe {
    value: String,
    one_click: bool,
}

impl ListUnsubscribe {
    /// `value` is the header value (`<https://…>, <mailto:…>`); `one_click` adds
    /// `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, which RFC 8058 §3.1 allows only
    /// with an https URI.
    pub fn new(value: &str, one_click: bool) -> Result<Self, ListUnsubscribeError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(ListUnsubscribeError::Empty);
        }
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(ListUnsubscribeError::Control);
        }
        let mut has_https = false;
        for item in value.split(',') {
            let item = item.trim();
            let uri = item
                .strip_prefix('<')
                .and_then(|i| i.strip_suffix('>'))
                .filter(|u| !u.is_empty() && !u.contains(['<', '>', ' ', '\t']))
                .ok_or_else(|| ListUnsubscribeError::NotUriList(item.to_string()))?;
            has_https |= uri
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        }
        if one_click && !has_https {
            return Err(ListUnsubscribeError::NoHttps);
        }
        Ok(Self {
            value: value.to_string(),
            one_click,
        })
    }

    /// The pair `veto_domain::unsubscribe::list_unsubscribe_headers` makes for a token.
    pub fn from_headers(headers: &[(String, String)]) -> Result<Self, ListUnsubscribeError> {
        let get = |n: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.as_str())
        };
        let value = get("List-Unsubscribe").ok_or(ListUnsubscribeError::Empty)?;
        let one_click = get("List-Unsubscribe-Post").is_some_and(|v| v.trim() == ONE_CLICK_POST);
        Self::new(value, one_click)
    }

    /// The `List-Unsubscribe` value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Whether `List-Unsubscribe-Post: List-Unsubscribe=One-Click` goes with it.
    pub fn one_click(&self) -> bool {
        self.one_click
    }

    /// The header fields, in the order they are written.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        let mut f = vec![("List-Unsubscribe", self.value.as_str())];
        if self.one_click {
            f.push(("List-Unsubscribe-Post", ONE_CLICK_POST));
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_uri_lists_and_checks_one_click() {
        let l = ListUnsubscribe::new(
            " <https://v.example/u/T>, <mailto:unsubscribe+T@v.example?subject=unsubscribe> ",
            true,
        )
        .unwrap();
        assert_eq!(
            l.fields(),
            vec![
                (
                    "List-Unsubscribe",
                    "<https://v.example/u/T>, <mailto:unsubscribe+T@v.example?subject=unsubscribe>"
                ),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ]
        );
        assert!(ListUnsubscribe::new("<mailto:u@v.example>", false).is_ok());
        assert_eq!(
            ListUnsubscribe::new("<mailto:u@v.example>", true),
            Err(ListUnsubscribeError::NoHttps)
        );
        assert_eq!(
            ListUnsubscribe::new("<http://v.example/u>", true),
            Err(ListUnsubscribeError::NoHttps)
        );
        for bad in [
            "https://v.example/u",
            "<>",
            "<a b>",
            "<a>, b",
            "<a>\r\nBcc: x",
        ] {
            assert!(ListUnsubscribe::new(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_the_domain_pair() {
        let h = veto_domain::unsubscribe::list_unsubscribe_headers(
            "https://v.example",
            Some("v.example"),
            "TOK",
            None,
        );
        let l = ListUnsubscribe::from_headers(&h).unwrap();
        assert!(l.one_click());
        assert_eq!(
            l.value(),
            "<https://v.example/u/TOK>, <mailto:unsubscribe+TOK@v.example?subject=unsubscribe>"
        );
    }
}
