//! Message-IDs (RFC 5322 §3.6.4) for the messages Veto composes or relays:
//! `<UUIDv7.RANDOM@domain>`.
//!
//! The UUIDv7 makes ids sort by creation time in logs and stores; the extra 64 random bits
//! keep an id unguessable even from another id of the same millisecond (a reply's
//! `In-Reply-To` is matched to its send by this id, so guessing one must not be practical).

use veto_domain::domain::DomainName;

/// A new, globally unique Message-ID under `domain`, angle brackets included.
pub fn new_message_id(domain: &DomainName) -> String {
    let random: u64 = rand::random();
    format!(
        "<{}.{random:016x}@{}>",
        uuid::Uuid::now_v7().simple(),
        domain.as_str()
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let d = DomainName::parse("Mail.Example.COM").unwrap();
        let mut seen = HashSet::new();
        for _ in 0..1000 {
            let id = new_message_id(&d);
            assert!(
                id.starts_with('<') && id.ends_with("@mail.example.com>"),
                "{id}"
            );
            let left = &id[1..id.find('@').unwrap()];
            let (uuid, random) = left.split_once('.').unwrap();
            assert_eq!(uuid::Uuid::parse_str(uuid).unwrap().get_version_num(), 7);
            assert_eq!(random.len(), 16);
            assert!(random.bytes().all(|b| b.is_ascii_hexdigit()));
            assert!(seen.insert(id));
        }
    }

    #[test]
    fn ids_sort_by_creation_time() {
        let d = DomainName::parse("example.com").unwrap();
        let a = new_message_id(&d);
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = new_message_id(&d);
        assert!(a < b, "{a} {b}");
    }
}
