//! Finding e-mail addresses in free text.

/// Whether a token looks like an e-mail address (`local@domain.tld`, no spaces).
pub fn is_plausible(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 128
        && domain.len() <= 255
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| {
            c.is_whitespace()
                || c == '<'
                || c == '>'
                || c == '"'
                || c == '('
                || c == ')'
                || c == ','
                || c == ';'
                || c == '['
                || c == ']'
        })
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

/// Every address in a text, lower-case, in order, without repeats.
pub fn find_addresses(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for token in text.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '<' | '>' | '"' | '(' | ')' | ',' | ';' | '[' | ']' | '\''
            )
    }) {
        let token = token
            .trim_start_matches("mailto:")
            .trim_start_matches("rfc822:");
        let token = token.trim_end_matches(['.', ':']).trim_start_matches(':');
        if is_plausible(token) {
            let lower = token.to_lowercase();
            if !out.contains(&lower) {
                out.push(lower);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_addresses() {
        assert_eq!(
            find_addresses("mail to <Kijitora@Example.jp>. and b@example.org: x@y"),
            vec![
                "kijitora@example.jp".to_string(),
                "b@example.org".to_string()
            ]
        );
        assert!(!is_plausible("user@localhost"));
    }
}
