//! The SMTP session state machine: any bytes a client may send, split into reads in any way,
//! never panic and always get replies that follow the reply grammar.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    veto_smtp::fuzz_session(data);
});
