//! The grammatical space of opt-out requests, per language and per family of the cue tables
//! (`src/cues.rs`): (a) the unsubscribe lexeme in its inflections, (b) removal verbs with their
//! objects in every mood including the passive, (c) cessation and negated wishes about being
//! contacted ("keep / continue + -ing"), (d) legal and complaint framings, (e) bare tokens.
//! The lists are kept in `testdata/grammar/phrases.tsv` (the learned models also train on
//! them); every line is the whole new text of a reply; none is copied from a labelled set.
//!
//! Decision for (d): a GDPR/DSGVO/RGPD/AVG/LGPD erasure or objection request, "I never signed
//! up / never consented" and "this is spam" are stop requests; a complaint that names no
//! request ("who gave you my address?") is not.

use std::path::Path;

use veto_replies::eval::{Phrase, PhraseLabel, read_phrases};
use veto_replies::{ReplyClass, classify};

fn class_of(body: &str) -> ReplyClass {
    let raw = format!(
        "From: A <a@example.com>\r\nTo: B <b@brightlinehq.com>\r\nSubject: Re: Quick question\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    classify(raw.as_bytes())
        .map(|c| c.class)
        .unwrap_or(ReplyClass::Other)
}

fn phrases() -> Vec<Phrase> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/grammar/phrases.tsv");
    read_phrases(&path).expect("phrase list reads")
}

/// Every line labelled `label` (and in `families`, when given) is classified accordingly.
fn check(label: PhraseLabel, families: Option<&[&str]>, at_least: usize) {
    let mut wrong = Vec::new();
    let mut n = 0;
    for p in phrases()
        .iter()
        .filter(|p| p.label == label)
        .filter(|p| families.is_none_or(|f| f.contains(&p.family.as_str())))
    {
        n += 1;
        let got = class_of(&p.text);
        let right = match label {
            PhraseLabel::Is(c) => got == c,
            PhraseLabel::IsNot(c) => got != c,
        };
        if !right {
            let lang = p.language.map_or("-", |l| l.code());
            wrong.push(format!("{lang} ({}) {got:?}: {}", p.family, p.text));
        }
    }
    assert!(n >= at_least, "{label:?}: only {n} lines");
    assert!(wrong.is_empty(), "{label:?}:\n{}", wrong.join("\n"));
}

#[test]
fn opt_out_grammar_is_covered_in_every_language() {
    check(
        PhraseLabel::Is(ReplyClass::Unsubscribe),
        Some(&["a", "b", "c", "d", "e"]),
        150,
    );
    for lang in veto_replies::Language::ALL {
        let n = phrases()
            .iter()
            .filter(|p| p.label == PhraseLabel::Is(ReplyClass::Unsubscribe))
            .filter(|p| p.language == Some(lang))
            .count();
        assert!(n >= 15, "{lang}: only {n} stop lines");
    }
}

#[test]
fn stop_words_that_are_not_requests() {
    check(PhraseLabel::IsNot(ReplyClass::Unsubscribe), None, 20);
}

#[test]
fn refusals_are_not_interested() {
    check(PhraseLabel::Is(ReplyClass::NotInterested), None, 25);
}

#[test]
fn referrals_are_wrong_person() {
    check(PhraseLabel::Is(ReplyClass::WrongPerson), None, 15);
}

/// Imperatives, "leave me alone" idioms and elliptic requests.
#[test]
fn imperatives_and_idioms() {
    check(PhraseLabel::Is(ReplyClass::Unsubscribe), Some(&["i"]), 50);
}
