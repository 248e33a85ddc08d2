//! Focused cases: tricky negatives, subject-only stops, auto-reply headers, encodings.

use veto_replies::{ReplyClass, classify};

fn msg(subject: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Jane Roe <jane@example.com>\r\nTo: Anna <anna@brightlinehq.com>\r\nSubject: {subject}\r\nDate: Tue, 8 Dec 2026 10:00:00 +0000\r\nMessage-ID: <x@example.com>\r\n{headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    )
    .into_bytes()
}

const QUOTED_FOOTER: &str = "\r\n\r\nOn Mon, Dec 7, 2026 at 10:02 AM Anna <anna@brightlinehq.com> wrote:\r\n> Worth a chat?\r\n> Reply STOP to unsubscribe.\r\n";

fn class_of(body: &str) -> ReplyClass {
    classify(&msg(
        "Re: Quick question",
        "",
        &format!("{body}{QUOTED_FOOTER}"),
    ))
    .unwrap()
    .class
}

#[test]
fn quoted_stop_footer_is_not_a_stop() {
    assert_eq!(
        class_of("Sounds interesting, send me more info."),
        ReplyClass::Interested
    );
    assert_eq!(class_of("Thanks, received."), ReplyClass::Other);
}

#[test]
fn tricky_negatives() {
    assert_ne!(
        class_of("I don't want to unsubscribe, but could you write less often?"),
        ReplyClass::Unsubscribe
    );
    assert_ne!(
        class_of("I'll unsubscribe myself, no worries."),
        ReplyClass::Unsubscribe
    );
    assert_ne!(
        class_of("Will you stop by our booth at the expo?"),
        ReplyClass::Unsubscribe
    );
    assert_ne!(
        class_of("Could you remove the attachment and resend?"),
        ReplyClass::Unsubscribe
    );
    assert_eq!(
        class_of("Not now, maybe next quarter."),
        ReplyClass::NotInterested
    );
    assert_ne!(
        class_of("Ich möchte mich nicht abmelden, aber bitte seltener schreiben."),
        ReplyClass::Unsubscribe
    );
}

#[test]
fn stop_phrasings_in_every_language() {
    for body in [
        "Please remove me from your list.",
        "Don't email me again.",
        "Take me off your mailing list",
        "Bitte entfernen Sie mich aus dem Verteiler.",
        "Keine E-Mails mehr bitte.",
        "Merci de ne plus me contacter.",
        "Désinscrivez-moi.",
        "Por favor, denme de baja.",
        "No me escriban más.",
        "Não quero receber mais e-mails.",
        "Me descadastrem, por favor.",
        "Non contattatemi più.",
        "Cancellatemi dalla lista.",
        "Haal mij van de lijst.",
        "Graag afmelden.",
        "Отпишите меня.",
        "Удалите меня из рассылки.",
        "Больше не пишите.",
    ] {
        assert_eq!(class_of(body), ReplyClass::Unsubscribe, "{body}");
    }
}

#[test]
fn subject_only_stop() {
    let c = classify(&msg("unsubscribe", "", "")).unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
    let c = classify(&msg("Re: Quick question - REMOVE", "", QUOTED_FOOTER)).unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
    let c = classify(&msg(
        "Re: Stop wasting time on research",
        "",
        &format!("Sounds good, let's talk.{QUOTED_FOOTER}"),
    ))
    .unwrap();
    assert_eq!(c.class, ReplyClass::Interested);
    // A dash inside a word parts nothing: "Stop-loss" is no stop word.
    let c = classify(&msg(
        "R: Stop-loss automatici per il vostro desk",
        "",
        &format!("Adesso no, risentiamoci a settembre.{QUOTED_FOOTER}"),
    ))
    .unwrap();
    assert_ne!(c.class, ReplyClass::Unsubscribe);
    let c = classify(&msg("Re: Stop-loss desk - STOP", "", QUOTED_FOOTER)).unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
}

/// A request in the first person the writer added after the seller's subject counts however
/// long the body is; the seller's own subject, or a request about someone else, does not.
#[test]
fn a_request_appended_to_the_subject_stops() {
    let long = "Saw your name and it rang a bell. Were you at the Installer Show last June? There was a stand next to the boiler lads and somebody gave my son a keyring shaped like a little van, which he still has on his school bag. For what it's worth our vans are mostly sorted: we have six, two of them electric now. Good luck with it anyway, the product looked decent at the show.";
    for subject in [
        "Re: Cutting fuel spend across your vans - REMOVE ME FROM YOUR LIST",
        "Re: Kurze Frage zu Ihrer Intralogistik – bitte keine weiteren Mails an mich",
        "RE: Vos véhicules de service - merci de ne plus me contacter",
        "Re: Zeiterfassungspflicht: Sind Sie vorbereitet? – bitte austragen",
        "Re: Videosorveglianza per i vostri magazzini (cancellatemi dalla lista)",
        "Re: Schluss mit Projekt-Chaos in Excel? [bitte austragen]",
    ] {
        let c = classify(&msg(subject, "", &format!("{long}{QUOTED_FOOTER}"))).unwrap();
        assert_eq!(c.class, ReplyClass::Unsubscribe, "{subject}");
    }
    for subject in [
        "Re: Cutting fuel spend across your vans",
        "Re: Fleet report - how our customers stop idling",
    ] {
        let c = classify(&msg(subject, "", &format!("{long}{QUOTED_FOOTER}"))).unwrap();
        assert_ne!(c.class, ReplyClass::Unsubscribe, "{subject}");
    }
}

/// A lettered menu answered by its letter and an emoji: the answer is read, never a panic on
/// the emoji's bytes.
#[test]
fn a_letter_and_an_emoji_answer_a_lettered_menu() {
    let body = "C \u{1F64F}\r\n\r\nSent from my iPhone\r\n\r\n> On 16 Mar 2026, at 13:13, Jordan <jordan@pipelinepilot.io> wrote:\r\n>\r\n> Quick poll so I stop guessing:\r\n> (a) interested\r\n> (b) not now\r\n> (c) not interested, take me off your list\r\n>\r\n> If this isn't relevant, reply STOP to opt out.\r\n";
    let c = classify(&msg("Re: Quick poll", "", body)).unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
    for answer in ["\u{1F64F} c", "b \u{1F64F}\u{1F64F}", "\u{00E9}\u{1F64F} a"] {
        let body = body.replacen("C \u{1F64F}", answer, 1);
        assert!(
            classify(&msg("Re: Quick poll", "", &body)).is_ok(),
            "{answer}"
        );
    }
}

/// The seller's own subject, quoted below in the seller's headers, asks nothing: "DNC" in
/// "RE: DNC scrubbing for Tallis & Reed LLP" is the seller's word. A request the writer adds
/// to it is still read.
#[test]
fn the_sellers_subject_quoted_below_is_not_a_request() {
    let quote = "\r\n\r\n-----Original Message-----\r\nFrom: Tom Reyes <tom@consentry.io>\r\nSent: Wednesday, 22 January 2025 20:30\r\nSubject: DNC scrubbing for Tallis & Reed LLP\r\n\r\nDo you screen your call lists against a Do Not Call registry today?\r\n";
    let body = format!("We use a DNC list too. All set, thanks.{quote}");
    let c = classify(&msg("RE: DNC scrubbing for Tallis & Reed LLP", "", &body)).unwrap();
    assert_ne!(c.class, ReplyClass::Unsubscribe);
    let c = classify(&msg(
        "RE: DNC scrubbing for Tallis & Reed LLP - remove me",
        "",
        &format!("Thanks.{quote}"),
    ))
    .unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
}

/// A "no" under an offer to keep writing asks for no more; under "Is this still relevant?" it
/// is a refusal, whatever the model reads into the bare word.
#[test]
fn a_bare_no_is_read_against_the_question() {
    for (question, expected) in [
        ("Можно и дальше вам писать?", ReplyClass::Unsubscribe),
        (
            "La tengo in lista per l'aggiornamento di primavera?",
            ReplyClass::Unsubscribe,
        ),
        ("Is this still relevant?", ReplyClass::NotInterested),
    ] {
        let body = format!(
            "no\r\n\r\nOn Mon, Dec 7, 2026 at 10:02 AM Anna <anna@brightlinehq.com> wrote:\r\n> Hi,\r\n> {question}\r\n> Anna\r\n"
        );
        let c = classify(&msg("Re: Meridian Health Partners x Brightwave", "", &body)).unwrap();
        assert_eq!(c.class, expected, "{question}");
    }
}

/// A longer reply that tells the seller's question again answers in the next sentence.
#[test]
fn a_question_told_again_is_answered_after_it() {
    let story = "Perdona que no te haya contestado antes. En marzo nos compró un grupo industrial alemán y desde entonces todo lo que tenga que ver con sistemas se decide en Stuttgart. Yo sigo siendo el responsable de IT aquí en la planta, pero ahora mi trabajo consiste sobre todo en implantar lo que me mandan desde allí.";
    let c = classify(&msg(
        "Re: Auditoría",
        "",
        &format!("{story}\r\n\r\nMe preguntabas si me mantienes en la lista o cierras mi expediente. Ciérralo, por favor.{QUOTED_FOOTER}"),
    ))
    .unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
    let c = classify(&msg(
        "Re: Auditoría",
        "",
        &format!("{story}\r\n\r\nMe preguntabas si me mantienes en la lista o cierras mi expediente. No lo cierres todavía, escríbeme en octubre.{QUOTED_FOOTER}"),
    ))
    .unwrap();
    assert_ne!(c.class, ReplyClass::Unsubscribe);
}

#[test]
fn reply_below_the_quote_under_a_greeting() {
    // The Bat!'s layout: a greeting, the quote, the reply below it.
    let body = "Здравствуйте, Антон.\r\n\r\nВы писали 19.11.2027 18:24:\r\n\r\n> Удобно ли вам созвониться?\r\n> Чтобы отписаться, ответьте СТОП.\r\n\r\nПожалуйста, исключите меня из рассылки. Спасибо.\r\n";
    let c = classify(&msg("Re: WMS", "", body)).unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
    assert!(c.new_text.contains("исключите меня"), "{:?}", c.new_text);
    // Text of its own above the quote: what follows the quote is not read.
    let body = "Hi Anton, thanks, but we're set for this year.\r\n\r\nOn Mon, Dec 7, 2026 at 10:02 AM Anton <anton@brightlinehq.com> wrote:\r\n> Worth a chat?\r\n\r\nUnsubscribe: https://brightlinehq.com/u\r\n";
    let c = classify(&msg("Re: WMS", "", body)).unwrap();
    assert_ne!(c.class, ReplyClass::Unsubscribe);
}

#[test]
fn auto_reply_headers_decide_the_family() {
    let c = classify(&msg(
        "Automatic reply: Quick question",
        "Auto-Submitted: auto-generated\r\nX-Auto-Response-Suppress: All\r\n",
        "I am out of the office until 11 December.",
    ))
    .unwrap();
    assert_eq!(c.class, ReplyClass::OutOfOffice);
    assert_eq!(c.return_date, Some(time::macros::date!(2026 - 12 - 12)));
    assert!(
        c.auto_reply_headers
            .iter()
            .any(|h| h.starts_with("Auto-Submitted"))
    );

    let c = classify(&msg(
        "Re: Quick question",
        "Auto-Submitted: auto-replied\r\n",
        "This mailbox is no longer monitored. To unsubscribe from our news, click here.",
    ))
    .unwrap();
    assert_eq!(c.class, ReplyClass::AutoReply);

    // A weak header alone does not make a person's reply automatic.
    let c = classify(&msg(
        "Re: Quick question",
        "X-Auto-Response-Suppress: All\r\n",
        "Please unsubscribe me.",
    ))
    .unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
}

#[test]
fn encodings_are_decoded() {
    let body_1251: Vec<u8> = encoding_1251("Отпишите меня, пожалуйста.");
    let mut raw = b"From: a@b.ru\r\nSubject: =?windows-1251?B?z+j45ujy5Q==?=\r\nContent-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".to_vec();
    raw.extend(body_1251);
    let c = classify(&raw).unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe, "{:?}", c.new_text);
    assert_eq!(c.language, Some(veto_replies::Language::Ru));

    let raw = b"From: a@b.de\r\nSubject: AW: Frage\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nBitte l=F6schen Sie meine Daten.\r\n";
    assert_eq!(classify(raw).unwrap().class, ReplyClass::Unsubscribe);

    let raw = b"From: a@b.fr\r\nSubject: RE: Question\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div>Pas int&eacute;ress&eacute;, merci.</div><blockquote>R&eacute;pondez STOP pour vous d&eacute;sinscrire</blockquote>";
    assert_eq!(classify(raw).unwrap().class, ReplyClass::NotInterested);
}

fn encoding_1251(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            'А'..='я' => (c as u32 - 0x410 + 0xC0) as u8,
            'ё' => 0xB8,
            _ => c as u8,
        })
        .collect()
}

#[test]
fn malformed_input_never_panics() {
    for raw in [
        &b""[..],
        b"\r\n\r\n",
        b"garbage without headers",
        b"Subject: x\r\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\r\n--q\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64",
        b"Subject: =?utf-8?B?broken?=\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\n\xff\xfe\xfd stop",
        b"From: <>\r\n\r\n",
    ] {
        let _ = classify(raw);
    }
    let huge = vec![b'a'; veto_replies::message::MAX_MESSAGE_BYTES + 1];
    assert!(classify(&huge).is_err());
    let mut long = b"Subject: Re: x\r\n\r\n".to_vec();
    long.extend(std::iter::repeat_n(b"Not interested. ".as_slice(), 200_000).flatten());
    assert_eq!(classify(&long).unwrap().class, ReplyClass::NotInterested);
}

#[test]
fn class_names_round_trip() {
    for c in ReplyClass::ALL {
        assert_eq!(c.as_str().parse::<ReplyClass>().unwrap(), c);
    }
    assert!("stop".parse::<ReplyClass>().is_err());
}

/// An automatic answer that states when its writer is back is an away message, whatever it
/// calls the absence; a ticket's "1-2 business days" states no date.
#[test]
fn automatic_answers_with_a_return_date_are_out_of_office() {
    let auto = "Auto-Submitted: auto-replied\r\n";
    let c = classify(&msg(
        "Betriebsferien",
        auto,
        "Vom 23.12. bis 02.01. ist unser Betrieb geschlossen.",
    ))
    .unwrap();
    assert_eq!(c.class, ReplyClass::OutOfOffice);
    assert_eq!(c.return_date, Some(time::macros::date!(2027 - 01 - 03)));
    let c = classify(&msg(
        "Automatic reply: Quick question",
        auto,
        "I'm at a customer site until 18/12, replies will be slow.",
    ))
    .unwrap();
    assert_eq!(c.class, ReplyClass::OutOfOffice);
    assert_eq!(c.return_date, Some(time::macros::date!(2026 - 12 - 19)));
    let c = classify(&msg(
        "Request received: Quick question",
        auto,
        "We've received your message and will get back to you within 1-2 business days.",
    ))
    .unwrap();
    assert_eq!(c.class, ReplyClass::AutoReply);
}

/// A person's own company newsletter footer under their signature is not their request.
#[test]
fn the_writers_own_newsletter_footer_is_not_a_stop() {
    let raw = "From: Marcy <marcy@ridgewayfarm.com>\r\nTo: Anna <anna@brightlinehq.com>\r\nSubject: Re: Quick question\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSure, Thursday at 2pm works.\r\n\r\nMarcy Dunn\r\nRidgeway Farm Supply\r\n\r\nManage your preferences or unsubscribe from Ridgeway updates: https://ridgewayfarm.com/email/unsubscribe\r\n";
    let c = classify(raw.as_bytes()).unwrap();
    assert_eq!(c.class, ReplyClass::Interested);
    assert!(!c.new_text.contains("unsubscribe"), "{}", c.new_text);
}

#[test]
fn a_stop_word_over_a_signature_block_is_a_stop_request() {
    assert_eq!(
        class_of("STOP\r\n\r\nNicolas Dupuis\r\nOffice manager\r\nClairmont Santé"),
        ReplyClass::Unsubscribe
    );
    assert_eq!(
        class_of("Baja\r\n\r\nLucía Pérez\r\nCompras"),
        ReplyClass::Unsubscribe
    );
    // Not a signature: the lines below are a sentence.
    assert_ne!(
        class_of("Stop\r\nby our booth at 3 tomorrow, we have coffee"),
        ReplyClass::Unsubscribe
    );
}

#[test]
fn answers_read_against_the_quoted_question() {
    let asked = |answer: &str, question: &str| {
        classify(&msg(
            "Re: Quick question",
            "",
            &format!(
                "{answer}\r\n\r\nOn Mon, Dec 7, 2026 at 10:02 AM Anna <anna@brightlinehq.com> wrote:\r\n{question}\r\n> Reply STOP to unsubscribe.\r\n"
            ),
        ))
        .unwrap()
        .class
    };
    let menu = "> Reply with a number:\r\n> 1 - book a call\r\n> 2 - later\r\n> 3 - never hear from us again";
    assert_eq!(asked("3", menu), ReplyClass::Unsubscribe);
    assert_ne!(asked("2", menu), ReplyClass::Unsubscribe);
    assert_eq!(
        asked("please do", "> Want me to stop reaching out?"),
        ReplyClass::Unsubscribe
    );
    assert_ne!(
        asked("no, keep me on", "> Want me to stop reaching out?"),
        ReplyClass::Unsubscribe
    );
    assert_eq!(
        asked("Correct.", "> Should I close your file?"),
        ReplyClass::Unsubscribe
    );
}

/// The seller's subject may be the question a long reply answers in its conclusion.
#[test]
fn the_subject_can_be_the_question_answered() {
    let story = "Wir hatten im Frühjahr tatsächlich ein Angebot für eine Photovoltaikanlage eingeholt, aber bei unserem Dach lag die Amortisation jenseits von fünfzehn Jahren. Die Geschäftsführung hat das Thema daraufhin für die nächsten Jahre auf Eis gelegt, und daran wird sich bis zum Herbst nichts ändern.";
    let c = classify(&msg(
        "AW: Soll ich Ihren Vorgang schließen?",
        "",
        &format!("{story}\r\n\r\nAlso: Schließen Sie den Vorgang bitte.\r\n\r\nMichael Schmidt"),
    ))
    .unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
    let c = classify(&msg(
        "AW: Soll ich Ihren Vorgang schließen?",
        "",
        &format!("{story}\r\n\r\nAlso: Schließen Sie den Vorgang bitte noch nicht, melden Sie sich im Herbst.\r\n\r\nMichael Schmidt"),
    ))
    .unwrap();
    assert_ne!(c.class, ReplyClass::Unsubscribe);
}

/// A menu's stop item is read by the cue tables too, in every language ("4) por favor, parem
/// de me enviar e-mails"); a place written with digits ("la 2e option") names the second of
/// two choices; a mobile client's Portuguese footer is no part of the answer.
#[test]
fn menu_items_and_choices_read_in_every_language() {
    let menu = "4\r\n\r\nEm seg., 2 de mar. de 2026 às 12:01, Rafael <rafael@kestrel.io> escreveu:\r\n\r\n> Olá Marcelo,\r\n>\r\n> Para facilitar, responda só com um número:\r\n> 1) agendar uma call\r\n> 2) receber um PDF\r\n> 3) agora não\r\n> 4) por favor, parem de me enviar e-mails\r\n";
    let c = classify(&msg("RE: Aprovação de faturas", "", menu)).unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
    let c = classify(&msg(
        "RE: Aprovação de faturas",
        "",
        &menu.replacen('4', "1", 1),
    ))
    .unwrap();
    assert_ne!(c.class, ReplyClass::Unsubscribe);

    let choice = "la 2e option\r\n\r\nLe jeu. 14 mai 2026 à 15:03, Camille <camille@kestrel.io> a écrit :\r\n\r\n> Bonjour François,\r\n>\r\n> Je reviens vers vous dans quelques mois, ou je vous retire de ma liste ?\r\n";
    let c = classify(&msg("Re: Validation des factures", "", choice)).unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
    let first = choice.replacen("la 2e option", "la 1re option", 1);
    let c = classify(&msg("Re: Validation des factures", "", &first)).unwrap();
    assert_ne!(c.class, ReplyClass::Unsubscribe);

    let yes = "sim, por favor\r\n\r\nEnviado do Outlook para Android\r\n\r\nEm 27 de ago. de 2026, à(s) 10:58, Rafael <rafael@kestrel.io> escreveu:\r\n\r\n> Olá Ricardo,\r\n>\r\n> Quer que eu tire você da minha lista?\r\n";
    let c = classify(&msg("RE: Automação", "", yes)).unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
}

/// A menu numbered with roman numerals is answered by a numeral ("IV"); an empty reply may
/// carry its answer in the subject, before the reply prefix or after a last dash.
#[test]
fn roman_numerals_and_answers_in_the_subject() {
    let menu = "\r\n\r\nFrom: Megan Holt <megan@brightlane.io>\r\nSent: Monday, April 13, 2026 9:58 AM\r\nTo: Lucy Reyes <l.reyes@cobaltridge.com>\r\nSubject: Closing the loop\r\n\r\nHi Lucy,\r\n\r\nWhich of these is closest?\r\nI. Worth a conversation\r\nII. Wrong person - I'll point you to the right one\r\nIII. No thanks\r\nIV. Unsubscribe me\r\n\r\nBest,\r\nMegan\r\n";
    let c = classify(&msg("RE: Closing the loop", "", &format!("iv{menu}"))).unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
    let c = classify(&msg("RE: Closing the loop", "", &format!("I{menu}"))).unwrap();
    assert_ne!(c.class, ReplyClass::Unsubscribe);
    let c = classify(&msg(
        "RE: Closing the loop - IV",
        "",
        &format!("Lucy{menu}"),
    ))
    .unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
    let c = classify(&msg("IV - RE: Closing the loop", "", menu)).unwrap();
    assert_eq!(c.class, ReplyClass::Unsubscribe);
    let c = classify(&msg("I - RE: Closing the loop", "", menu)).unwrap();
    assert_ne!(c.class, ReplyClass::Unsubscribe);
    // A seller's subject with a dash in it is no answer.
    let c = classify(&msg("RE: Acme - Q3", "", &format!("Lucy{menu}"))).unwrap();
    assert_ne!(c.class, ReplyClass::Unsubscribe);
}
