//! Prints the classification of each message file given (development aid).
fn main() {
    for path in std::env::args().skip(1) {
        let raw = std::fs::read(&path).unwrap_or_default();
        match veto_replies::classify(&raw) {
            Ok(c) => println!(
                "{path}: {} {:?} {:?} | {:?}",
                c.class, c.language, c.return_date, c.new_text
            ),
            Err(e) => println!("{path}: error {e}"),
        }
    }
}
