//! The bounce, complaint and auto-reply reader: never panics on any bytes, and every result
//! is consistent (only a reason of the hard kind is ever hard — a mail server's own table may
//! keep `notaccept` hard under a 4.x.x status —, addresses are lower-case).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(analysis) = veto_bounce::analyse(data) {
        for r in &analysis.recipients {
            if r.hard {
                assert_eq!(r.reason.severity(), veto_bounce::Severity::Hard, "{r:?}");
            }
            assert_eq!(r.address, r.address.to_lowercase());
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = veto_bounce::dsn::parse(text);
        let _ = veto_bounce::smtp::find_status(text);
        let _ = veto_bounce::smtp::find_reply_code(text);
    }
});
