//! The IMAP server-response reader: never panics on any bytes a server may send.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    veto_imap::fuzz_response(data);
});
