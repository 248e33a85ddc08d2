//! The reply classifier and the quote stripper: never panic on any bytes, and the stripper's
//! output is a fixed point.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = veto_replies::classify(data) {
        assert_eq!(veto_replies::new_text(&c.new_text), c.new_text, "stripping is idempotent");
    }
    let text = String::from_utf8_lossy(data);
    let once = veto_replies::new_text(&text);
    assert_eq!(veto_replies::new_text(&once), once, "stripping is idempotent");
});
