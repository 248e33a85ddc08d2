//! Every suppression list reader, and format detection, on arbitrary bytes: never panic, every
//! row ends as a record or an error with a line number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use veto_formats::Format;

fuzz_target!(|data: &[u8]| {
    let _ = veto_formats::detect(data);
    for format in Format::all() {
        if let Ok(reader) = veto_formats::reader(*format, data) {
            for item in reader.take(100_000) {
                match item {
                    Ok(r) => assert!(r.line >= 1, "{format}: a record without a line"),
                    Err(e) => {
                        let _ = e.to_string();
                    }
                }
            }
        }
    }
});
