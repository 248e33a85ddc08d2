//! `cargo run -p veto-bounce --example analyse -- FILE...`: prints the analysis of each message
//! as JSON.

fn main() {
    for path in std::env::args().skip(1) {
        match std::fs::read(&path) {
            Ok(raw) => match veto_bounce::analyse(&raw) {
                Ok(a) => println!("{path}: {}", serde_json::to_string(&a).unwrap_or_default()),
                Err(e) => println!("{path}: error: {e}"),
            },
            Err(e) => println!("{path}: cannot read: {e}"),
        }
    }
}
