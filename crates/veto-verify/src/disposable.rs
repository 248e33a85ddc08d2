//! Disposable-mail domains: throw-away inboxes that stop reading mail within hours or days.

use std::sync::{Arc, OnceLock};

use hashbrown::HashSet;

/// The list shipped with Veto: `data/disposable_domains.txt`, from the disposable-email-domains
/// project (its header names the version and licence; `data/update.sh` refreshes it).
const BUNDLED: &str = include_str!("../data/disposable_domains.txt");

/// A set of disposable-mail domains. A listed domain covers its subdomains too.
#[derive(Debug, Clone, Default)]
pub struct DisposableList {
    domains: HashSet<Box<str>, foldhash::fast::RandomState>,
}

impl DisposableList {
    /// The list shipped with Veto, parsed once per process.
    pub fn bundled() -> Arc<Self> {
        static LIST: OnceLock<Arc<DisposableList>> = OnceLock::new();
        LIST.get_or_init(|| Arc::new(Self::parse(BUNDLED))).clone()
    }

    /// One domain per line; blank lines and lines starting with `#` are skipped; entries are
    /// trimmed, lower-cased and stripped of a trailing dot.
    pub fn parse(text: &str) -> Self {
        Self::from_domains(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#')),
        )
    }

    pub fn from_domains<I, S>(domains: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let domains = domains
            .into_iter()
            .map(|d| {
                let d = d.as_ref().trim();
                d.strip_suffix('.')
                    .unwrap_or(d)
                    .to_ascii_lowercase()
                    .into_boxed_str()
            })
            .filter(|d| !d.is_empty())
            .collect();
        Self { domains }
    }

    pub fn len(&self) -> usize {
        self.domains.len()
    }

    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
    }

    /// The listed entry that covers `domain` (normalised, as an address's domain part): the
    /// domain itself or its nearest listed parent. `None`: not disposable.
    pub fn matching<'a>(&self, domain: &'a str) -> Option<&'a str> {
        veto_domain::domain::self_and_parents(domain).find(|d| self.domains.contains(*d))
    }

    pub fn contains(&self, domain: &str) -> bool {
        self.matching(domain).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_list_is_loaded_and_matches_parents() {
        let l = DisposableList::bundled();
        assert!(l.len() > 1000, "{}", l.len());
        assert!(l.contains("mailinator.com"));
        assert_eq!(l.matching("sub.mailinator.com"), Some("mailinator.com"));
        assert_eq!(l.matching("a.b.mailinator.com"), Some("mailinator.com"));
        assert!(!l.contains("example.com"));
        assert!(!l.contains("gmail.com"));
        // A listed name is not matched by a mere suffix of a label.
        assert!(!l.contains("vetomailinator.com"));
    }

    #[test]
    fn parse_skips_comments_and_normalises() {
        let l = DisposableList::parse("# header\n\n  Trash.Example. \nother.test\n");
        assert_eq!(l.len(), 2);
        assert!(l.contains("trash.example"));
        assert!(l.contains("x.other.test"));
    }
}
