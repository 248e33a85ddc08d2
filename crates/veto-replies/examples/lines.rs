//! Classifies each line of standard input as the body of a minimal reply (development aid):
//! `printf 'Please remove me\n' | cargo run -p veto-replies --example lines`.
use std::io::BufRead;

fn main() {
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        if line.trim().is_empty() {
            continue;
        }
        let raw = format!(
            "From: A <a@example.com>\r\nTo: B <b@brightlinehq.com>\r\nSubject: Re: Quick question\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
            line.replace("\\n", "\r\n")
        );
        match veto_replies::classify(raw.as_bytes()) {
            Ok(c) => println!("{:<15} {line}", c.class.as_str()),
            Err(e) => println!("error {e}: {line}"),
        }
    }
}
