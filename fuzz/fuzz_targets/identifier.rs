//! Every identifier parser (e-mail, phone, domain, CRM ids), actor and purpose lists: never
//! panic, and normalisation is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veto_domain::identifier::{Identifier, IdentifierKind};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    for kind in IdentifierKind::ALL {
        if let Ok(id) = Identifier::parse(kind, s) {
            let again = Identifier::parse(kind, id.value()).expect("a normalised value parses");
            assert_eq!(again, id, "normalisation is idempotent");
        }
    }
    let _ = veto_domain::actor::Actor::parse(s);
    let _ = veto_domain::suppression::Purposes::parse_list(&s.split(',').collect::<Vec<_>>());
});
