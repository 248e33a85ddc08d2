//! Role mailboxes: addresses that belong to a function, not a person. They are entries of
//! their own, flagged, and never merged with a person.

/// Default role local parts. Sources: RFC 2142 (mailbox names for common services) plus the
/// shared inboxes sales teams meet most often.
pub const DEFAULT_ROLE_LOCAL_PARTS: &[&str] = &[
    // RFC 2142
    "info",
    "marketing",
    "sales",
    "support",
    "abuse",
    "noc",
    "security",
    "postmaster",
    "hostmaster",
    "usenet",
    "news",
    "webmaster",
    "www",
    "uucp",
    "ftp",
    // common shared inboxes
    "admin",
    "administrator",
    "billing",
    "careers",
    "contact",
    "enquiries",
    "feedback",
    "hello",
    "help",
    "hr",
    "inquiries",
    "jobs",
    "legal",
    "media",
    "office",
    "privacy",
    "press",
    "team",
    "accounts",
    "accounting",
    "compliance",
    "customerservice",
    "service",
    "no-reply",
    "noreply",
    "do-not-reply",
    "donotreply",
    "mailer-daemon",
    "root",
    "reception",
];

/// Is `local_part` (already lower-case) a role mailbox under `list`? A `+tag` suffix is
/// ignored for this test only (`sales+eu@` is still the sales role box).
pub fn is_role_account<S: AsRef<str>>(local_part: &str, list: &[S]) -> bool {
    let base = local_part.split('+').next().unwrap_or(local_part);
    list.iter().any(|r| r.as_ref() == base)
}

/// The default list as owned strings (tenant policy starts from it).
pub fn default_list() -> Vec<String> {
    DEFAULT_ROLE_LOCAL_PARTS
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects() {
        assert!(is_role_account("info", DEFAULT_ROLE_LOCAL_PARTS));
        assert!(is_role_account("sales+emea", DEFAULT_ROLE_LOCAL_PARTS));
        assert!(!is_role_account("jane", DEFAULT_ROLE_LOCAL_PARTS));
        assert!(is_role_account("desk", &["desk"]));
    }
}
