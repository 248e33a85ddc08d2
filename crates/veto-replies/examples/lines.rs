//! Classifies each line of standard input as the body of a minimal reply (development aid):
//! `printf 'Please remove me\n' | cargo run -p veto-replies --example lines [-- --rules]`.
//! With `--rules` the rules alone decide; otherwise the rules and the learned model, and the
//! model's probability of a stop request is shown.
use std::io::BufRead;

use veto_replies::classify::{classify_rules, classify_with};
use veto_replies::learned::{Model, features};

fn main() {
    let rules_only = std::env::args().any(|a| a == "--rules");
    let model = Model::builtin();
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        if line.trim().is_empty() {
            continue;
        }
        let raw = format!(
            "From: A <a@example.com>\r\nTo: B <b@brightlinehq.com>\r\nSubject: Re: Quick question\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
            line.replace("\\n", "\r\n")
        );
        match veto_replies::message::parse(raw.as_bytes()) {
            Ok(reply) => {
                let rules = classify_rules(&reply);
                let p = model
                    .scores(&features(
                        &veto_replies::fold(&rules.classification.new_text),
                        &rules.subject_core,
                    ))
                    .of(veto_replies::ReplyClass::Unsubscribe);
                let c = if rules_only {
                    rules.classification.clone()
                } else {
                    classify_with(&reply, Some(model))
                };
                println!(
                    "{:<15} rules {:<15} p(stop) {p:.2}  {line}",
                    c.class.as_str(),
                    rules.classification.class.as_str()
                );
            }
            Err(e) => println!("error {e}: {line}"),
        }
    }
}
