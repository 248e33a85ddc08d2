//! Prints the classification of each message file given, or of each `--text` given as the
//! whole new text of a reply, with the learned models' readings (development aid).
//!
//! `cargo run -p veto-replies --example show -- [FILE …] [--text TEXT …]`

use std::io::{self, Write};

use veto_replies::classify::classify_rules;
use veto_replies::learned::{self, Model};
use veto_replies::{ReplyClass, fold, mention, message};

/// Writes one reading; an error only when the output is gone (a closed pipe ends the run).
fn show(out: &mut impl Write, name: &str, raw: &[u8]) -> io::Result<()> {
    let reply = match message::parse(raw) {
        Ok(r) => r,
        Err(e) => return writeln!(out, "{name}: error {e}"),
    };
    let c = veto_replies::classify_reply(&reply);
    let reading = classify_rules(&reply);
    let text = veto_replies::respell::respell(&fold(&c.new_text));
    let scores = Model::builtin().scores(&learned::features(&text, &reading.subject_core));
    let clause = Model::builtin().best_clause(
        &learned::stop_clauses(&text, &reading.subject_core),
        ReplyClass::Unsubscribe,
    );
    let request = mention::request_probability(mention::builtin(), &reading.mention_features());
    writeln!(
        out,
        "{name}: {} (rules {}) {:?} {:?} | p(stop) {:.2} clause {:.2} request {:.2} | {:?}",
        c.class,
        reading.classification.class,
        c.language,
        c.return_date,
        scores.of(ReplyClass::Unsubscribe),
        clause,
        request,
        c.new_text
    )?;
    let all: Vec<String> = [
        ReplyClass::Unsubscribe,
        ReplyClass::NotInterested,
        ReplyClass::WrongPerson,
        ReplyClass::Interested,
        ReplyClass::Other,
    ]
    .iter()
    .map(|&k| format!("{k} {:.2}", scores.of(k)))
    .collect();
    writeln!(out, "    model: {}", all.join(", "))?;
    // The rules' stop cues in the folded new text (marked when only a mention of opting out).
    let hits: Vec<String> = veto_replies::compose_stop_hits(&text)
        .into_iter()
        .map(|(start, end, blocked)| {
            format!(
                "{}{:?}",
                if blocked { "mention " } else { "" },
                text.get(start..end)
            )
        })
        .collect();
    writeln!(out, "    stop cues: {}", hits.join(", "))
}

fn main() {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let shown = if a == "--text" {
            let body = args.next().unwrap_or_default();
            let raw = format!(
                "From: A <a@example.com>\r\nTo: B <b@example.net>\r\nSubject: Re: Quick question\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
            );
            show(&mut out, &body, raw.as_bytes())
        } else {
            show(&mut out, &a, &std::fs::read(&a).unwrap_or_default())
        };
        if shown.is_err() {
            return;
        }
    }
}
