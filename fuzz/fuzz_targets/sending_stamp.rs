//! The relay's header reader and stamper: never panics on any bytes; stamping succeeds
//! exactly when reading does; a stamped message reads back with its From and Message-ID,
//! keeps its body byte for byte and stamps again to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    veto_sending::stamp::fuzz_check(data);
});
