//! Guessing what kind of identifier a bare command-line argument is, so that
//! `veto check jane@x.com` needs no `--kind`. The server still parses and normalises: this
//! only picks the field the value is sent in.

use veto_domain::identifier::IdentifierKind;

/// Parses a `--kind` value, listing the accepted spellings on error.
pub fn parse_kind(s: &str) -> Result<IdentifierKind, String> {
    IdentifierKind::parse(s.trim())
        .ok_or_else(|| format!("unknown kind '{s}' (use one of {})", kind_choices()))
}

/// `email, phone, domain, company_id, contact_id`.
pub fn kind_choices() -> String {
    IdentifierKind::ALL.map(IdentifierKind::as_str).join(", ")
}

/// The kind given with `--kind`, or the one `raw` looks like.
pub fn kind_of(raw: &str, given: Option<IdentifierKind>) -> anyhow::Result<IdentifierKind> {
    match given {
        Some(k) => Ok(k),
        None => detect(raw).ok_or_else(|| {
            anyhow::anyhow!(
                "cannot tell what kind of identifier '{}' is: pass --kind ({})",
                raw.trim(),
                kind_choices()
            )
        }),
    }
}

/// An '@' means e-mail; a leading '+' or nothing but digits and phone punctuation means
/// phone; a '.' means domain. CRM ids look like anything, so they are never guessed.
pub fn detect(raw: &str) -> Option<IdentifierKind> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    if s.contains('@') {
        return Some(IdentifierKind::Email);
    }
    let phone_chars = s
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')'));
    if s.starts_with('+') || (phone_chars && s.chars().any(|c| c.is_ascii_digit())) {
        return Some(IdentifierKind::Phone);
    }
    if s.contains('.') {
        return Some(IdentifierKind::Domain);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_kind() {
        assert_eq!(detect("jane@x.com"), Some(IdentifierKind::Email));
        assert_eq!(
            detect("  Jane.Doe@Example.COM "),
            Some(IdentifierKind::Email)
        );
        assert_eq!(detect("+44 20 7946 0958"), Some(IdentifierKind::Phone));
        assert_eq!(detect("(555) 123-4567"), Some(IdentifierKind::Phone));
        assert_eq!(detect("5551234567"), Some(IdentifierKind::Phone));
        assert_eq!(detect("example.com"), Some(IdentifierKind::Domain));
        assert_eq!(detect("mail.example.co.uk"), Some(IdentifierKind::Domain));
    }

    #[test]
    fn refuses_to_guess_ids_and_blanks() {
        assert_eq!(detect("001Ab00000XyZ"), None);
        assert_eq!(detect(""), None);
        assert_eq!(detect("   "), None);
        // Punctuation alone is not a phone number.
        assert_eq!(detect("--"), None);
        assert_eq!(detect("()"), None);
    }

    #[test]
    fn an_explicit_kind_wins_and_a_failed_guess_names_the_option() {
        assert_eq!(
            kind_of("jane@x.com", Some(IdentifierKind::ContactId)).unwrap(),
            IdentifierKind::ContactId
        );
        let e = kind_of("001Ab", None).unwrap_err().to_string();
        assert!(
            e.contains("--kind") && e.contains("001Ab") && e.contains("company_id"),
            "{e}"
        );
    }

    #[test]
    fn kind_spellings() {
        assert_eq!(parse_kind("company_id"), Ok(IdentifierKind::CompanyId));
        assert!(parse_kind("fax").unwrap_err().contains("contact_id"));
    }
}
