//! Stop requests and hard negatives in all eight languages, refusals, referrals and
//! questions, written as probes of the cue tables (`src/cues.rs`) and the learned models,
//! which never train on them: `testdata/grammar/probes.tsv`, each line the whole new text of
//! a reply, checked here group by group.

use std::path::Path;

use veto_replies::eval::{PhraseLabel, read_phrases};
use veto_replies::{ReplyClass, classify};

fn class_of(body: &str) -> ReplyClass {
    let raw = format!(
        "From: A <a@example.com>\r\nTo: B <b@brightlinehq.com>\r\nSubject: Re: Quick question\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    classify(raw.as_bytes())
        .map(|c| c.class)
        .unwrap_or(ReplyClass::Other)
}

/// Every probe of a group is classified as labelled.
fn check(group: &str, at_least: usize) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/grammar/probes.tsv");
    let probes = read_phrases(&path).expect("probe list reads");
    let mut wrong = Vec::new();
    let mut n = 0;
    for p in probes.iter().filter(|p| p.family == group) {
        n += 1;
        let got = class_of(&p.text);
        let right = match p.label {
            PhraseLabel::Is(c) => got == c,
            PhraseLabel::IsNot(c) => got != c,
        };
        if !right {
            wrong.push(format!("{:?} got {got:?}: {}", p.label, p.text));
        }
    }
    assert!(n >= at_least, "{group}: only {n} probes");
    assert!(wrong.is_empty(), "{group}:\n{}", wrong.join("\n"));
}

#[test]
fn stop_requests_are_found() {
    check("stop", 70);
}

#[test]
fn hard_negatives_are_not_stop_requests() {
    check("hard_negative", 30);
}

#[test]
fn opt_out_questions_about_others_or_a_feature_are_not_stop_requests() {
    check("others_feature", 10);
}

#[test]
fn own_requests_beside_others_stay_stop_requests() {
    check("own_beside_others", 7);
}

#[test]
fn german_without_umlauts_and_russian_in_latin_letters() {
    check("transliterated", 6);
}

#[test]
fn a_declined_opt_out_is_not_a_refusal() {
    check("declined", 3);
}

#[test]
fn price_questions_times_and_third_party_departures() {
    check("price_time_departure", 11);
}

#[test]
fn formal_cessation_and_legal_demands_in_every_language() {
    check("formal", 16);
}

#[test]
fn accidental_opt_outs_competitors_and_opt_out_policies_are_not_requests() {
    check("accidental_competitor_policy", 9);
}

#[test]
fn copying_a_colleague_in_an_interested_reply_is_not_a_referral() {
    check("copy_in", 2);
}

#[test]
fn refusals_and_referrals_of_new_families() {
    check("new_families", 10);
}

/// Short friendly replies share their words with polite refusals; none of them may become a
/// refusal, a wrong-person referral or a stop request, each of which the default policy turns
/// into a suppression.
#[test]
fn short_friendly_replies_never_suppress() {
    check("friendly", 10);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/grammar/probes.tsv");
    let probes = read_phrases(&path).expect("probe list reads");
    for p in probes.iter().filter(|p| p.family == "friendly") {
        let got = class_of(&p.text);
        assert!(
            !matches!(
                got,
                ReplyClass::Unsubscribe | ReplyClass::NotInterested | ReplyClass::WrongPerson
            ),
            "{got:?}: {}",
            p.text
        );
    }
}

#[test]
fn answers_to_a_break_up_email_that_say_to_close_the_file_are_stop_requests() {
    // The last e-mail of a sequence asks whether to close the reader's file; the answer is
    // read with the question it answers (quoted below it).
    for (answer, question, want) in [
        (
            "Yes, close it.",
            "Should I close your file?",
            ReplyClass::Unsubscribe,
        ),
        (
            "Please do close it. Thanks.",
            "Should I close your file?",
            ReplyClass::Unsubscribe,
        ),
        (
            "Ja, bitte schließen.\n\nUwe",
            "Soll ich Ihre Akte schließen?",
            ReplyClass::Unsubscribe,
        ),
        (
            "Oui, vous pouvez fermer mon dossier. Bonne continuation.",
            "Je ferme votre dossier ?",
            ReplyClass::Unsubscribe,
        ),
        (
            "Sí, ciérrelo. Gracias.",
            "¿Cierro su expediente?",
            ReplyClass::Unsubscribe,
        ),
        (
            "Pode encerrar, sim. Obrigado.",
            "Posso encerrar o seu processo?",
            ReplyClass::Unsubscribe,
        ),
        (
            "Sì, chiuda pure la pratica.",
            "Posso chiudere la sua pratica?",
            ReplyClass::Unsubscribe,
        ),
        (
            "Ja, sluit het dossier maar.",
            "Zal ik uw dossier sluiten?",
            ReplyClass::Unsubscribe,
        ),
        // A negation is no yes; without the question, "close it" is about something else.
        (
            "Akte bitte nicht schließen! Schicken Sie ein Angebot.",
            "Soll ich Ihre Akte schließen?",
            ReplyClass::Interested,
        ),
    ] {
        assert_eq!(
            class_of(&thread(answer, question)),
            want,
            "{answer} / {question}"
        );
    }
    assert_ne!(
        class_of(&thread("Yes, close it.", "Shall I keep the ticket open?")),
        ReplyClass::Unsubscribe
    );
}

fn thread(answer: &str, question: &str) -> String {
    format!(
        "{answer}\n\nOn Mon, Jul 5, 2027 at 9:00 AM Sam <sam@brightlinehq.com> wrote:\n> {question}\n"
    )
}
