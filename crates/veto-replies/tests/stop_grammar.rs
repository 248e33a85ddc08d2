//! The grammatical space of opt-out requests, per language and per family of the cue tables
//! (`src/cues.rs`): (a) the unsubscribe lexeme in its inflections, (b) removal verbs with their
//! objects in every mood including the passive, (c) cessation and negated wishes about being
//! contacted ("keep / continue + -ing"), (d) legal and complaint framings, (e) bare tokens.
//! Every line is the whole new text of a reply; none is copied from a labelled set.
//!
//! Decision for (d): a GDPR/DSGVO/RGPD/AVG/LGPD erasure or objection request, "I never signed
//! up / never consented" and "this is spam" are stop requests; a complaint that names no
//! request ("who gave you my address?") is not.

use veto_replies::{ReplyClass, classify};

fn class_of(body: &str) -> ReplyClass {
    let raw = format!(
        "From: A <a@example.com>\r\nTo: B <b@brightlinehq.com>\r\nSubject: Re: Quick question\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    classify(raw.as_bytes())
        .map(|c| c.class)
        .unwrap_or(ReplyClass::Other)
}

fn check(class: ReplyClass, cases: &[(&str, char, &[&str])]) {
    let mut wrong = Vec::new();
    for (lang, family, lines) in cases {
        for line in *lines {
            let got = class_of(line);
            if got != class {
                wrong.push(format!("{lang} ({family}) {got:?}: {line}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "expected {class:?}:\n{}",
        wrong.join("\n")
    );
}

const STOP: &[(&str, char, &[&str])] = &[
    (
        "en",
        'a',
        &[
            "Please unsubscribe me.",
            "I've already unsubscribed twice and you keep writing.",
            "Unsubscribing from this, thanks.",
            "Consider this my unsubscription request.",
            "I want to be unsubscribed from everything you send.",
            "I am opting out of your emails.",
        ],
    ),
    (
        "en",
        'b',
        &[
            "I want to be removed.",
            "I'd like to be taken off your mailing list.",
            "Can I get removed from this sequence?",
            "Delete my contact details from your database.",
            "Please have me removed from all future communications.",
            "Kindly strike my name from your records.",
            "I asked to be removed last month and I'm still hearing from you.",
        ],
    ),
    (
        "en",
        'c',
        &[
            "Please don't continue to send me these.",
            "I don't want you to keep emailing me.",
            "I do not wish to be contacted again.",
            "I don't want to receive any more of these messages.",
            "I don't want to hear from you again.",
            "I would prefer not to receive further emails from your company.",
            "I'd like these emails to stop.",
            "Never contact me again.",
        ],
    ),
    (
        "en",
        'd',
        &[
            "I never signed up for this, remove me.",
            "This is spam. Take me off your list.",
            "Under GDPR I request the erasure of my personal data.",
            "I object to the processing of my data for marketing, please delete it.",
            "I never consented to receive these.",
        ],
    ),
    (
        "en",
        'e',
        &[
            "STOP",
            "[STOP]",
            "Stop.",
            "UNSUBSCRIBE",
            "remove",
            "unsub",
            "Remove me please",
        ],
    ),
    (
        "de",
        'a',
        &[
            "Bitte melden Sie mich von Ihrem Newsletter ab.",
            "Ich habe mich schon abgemeldet und bekomme trotzdem Mails.",
            "Hiermit bitte ich um Abmeldung.",
            "Bitte tragen Sie mich aus Ihrem Verteiler aus.",
            "Ich möchte ausgetragen werden.",
        ],
    ),
    (
        "de",
        'b',
        &[
            "Ich möchte aus Ihrer Datenbank entfernt werden.",
            "Entfernen Sie bitte meine E-Mail-Adresse.",
            "Löschen Sie mich aus allen Listen.",
            "Ich möchte gelöscht werden.",
        ],
    ),
    (
        "de",
        'c',
        &[
            "Hören Sie bitte auf, mir zu schreiben.",
            "Ich möchte keine E-Mails mehr von Ihnen erhalten.",
            "Bitte schicken Sie mir nichts mehr.",
            "Ich wünsche keine weitere Kontaktaufnahme.",
            "Ich möchte nicht weiter angeschrieben werden.",
        ],
    ),
    (
        "de",
        'd',
        &[
            "Gemäß DSGVO widerspreche ich der Nutzung meiner Daten zu Werbezwecken.",
            "Ich fordere die Löschung meiner Daten nach Art. 17 DSGVO.",
            "Ich habe mich nie angemeldet. Bitte löschen.",
        ],
    ),
    ("de", 'e', &["STOPP", "Stop", "abmelden bitte", "Austragen"]),
    (
        "fr",
        'a',
        &[
            "Merci de me désinscrire.",
            "Désinscrivez-moi s'il vous plaît.",
            "Je me suis déjà désabonné mais je reçois encore vos mails.",
            "Veuillez me désabonner de votre liste.",
        ],
    ),
    (
        "fr",
        'b',
        &[
            "Je souhaite être retiré de votre liste.",
            "Je veux être supprimé de votre fichier.",
            "Merci de retirer mon adresse de votre base.",
            "Supprimez-moi de vos contacts.",
        ],
    ),
    (
        "fr",
        'c',
        &[
            "Je ne souhaite plus recevoir vos e-mails.",
            "Merci de ne plus m'adresser de messages.",
            "Arrêtez de m'envoyer des mails.",
            "Je ne veux plus être contacté.",
            "Ne me relancez plus.",
        ],
    ),
    (
        "fr",
        'd',
        &[
            "Conformément au RGPD, je demande la suppression de mes données.",
            "Je m'oppose au traitement de mes données à des fins de prospection.",
            "Je ne me suis jamais inscrit, retirez-moi.",
        ],
    ),
    ("fr", 'e', &["STOP", "Stop merci", "désabonnement"]),
    (
        "es",
        'a',
        &[
            "Denme de baja, por favor.",
            "Quiero darme de baja de su lista.",
            "Ya me di de baja y siguen escribiendo.",
            "Solicito la baja de mis datos.",
            "Desuscríbanme de sus correos.",
        ],
    ),
    (
        "es",
        'b',
        &[
            "Quiero ser eliminado de su base de datos.",
            "Eliminen mi correo de su lista.",
            "Por favor quítenme de sus envíos.",
            "Bórrenme de su lista.",
        ],
    ),
    (
        "es",
        'c',
        &[
            "No quiero recibir más correos suyos.",
            "No deseo seguir recibiendo estos mensajes.",
            "Dejen de escribirme.",
            "No me sigan enviando correos.",
            "No quiero que me contacten más.",
        ],
    ),
    (
        "es",
        'd',
        &[
            "Conforme al RGPD, solicito la supresión de mis datos.",
            "Nunca me suscribí, bórrenme.",
            "Esto es spam, sáquenme de su lista.",
        ],
    ),
    ("es", 'e', &["Baja.", "STOP", "baja gracias"]),
    (
        "pt",
        'a',
        &[
            "Por favor, me descadastre.",
            "Quero me descadastrar da lista.",
            "Solicito o descadastramento do meu e-mail.",
            "Gostaria de cancelar a inscrição.",
        ],
    ),
    (
        "pt",
        'b',
        &[
            "Me remova da lista, por favor.",
            "Quero ser removido da base de vocês.",
            "Por favor, remover meu e-mail da lista.",
            "Excluam meu contato de vocês.",
        ],
    ),
    (
        "pt",
        'c',
        &[
            "Não desejo receber mais e-mails.",
            "Não quero mais receber essas mensagens.",
            "Parem de me mandar e-mails.",
            "Por favor não continuem me enviando mensagens.",
        ],
    ),
    (
        "pt",
        'd',
        &[
            "Conforme a LGPD, solicito a exclusão dos meus dados.",
            "Nunca me cadastrei, me tirem da lista.",
            "Nunca autorizei o envio, me removam.",
        ],
    ),
    ("pt", 'e', &["PARE", "Sair", "Descadastrar."]),
    (
        "it",
        'a',
        &[
            "Disiscrivetemi.",
            "Vorrei disiscrivermi dalla vostra newsletter.",
            "Mi sono già disiscritto ma continuo a ricevere email.",
            "Chiedo la cancellazione dalla vostra mailing list.",
        ],
    ),
    (
        "it",
        'b',
        &[
            "Cancellatemi dalla lista.",
            "Voglio essere rimosso dalla lista.",
            "Vi prego di rimuovere il mio indirizzo.",
            "Eliminate i miei dati dal vostro database.",
        ],
    ),
    (
        "it",
        'c',
        &[
            "Non desidero ricevere ulteriori email.",
            "Non voglio più ricevere i vostri messaggi.",
            "Smettete di scrivermi.",
            "Vi chiedo di non inviarmi più comunicazioni.",
        ],
    ),
    (
        "it",
        'd',
        &[
            "Ai sensi del GDPR chiedo la cancellazione dei miei dati.",
            "Non mi sono mai iscritto, cancellatemi.",
            "Mi oppongo al trattamento dei miei dati per fini commerciali.",
        ],
    ),
    ("it", 'e', &["STOP", "Cancellami", "Basta email"]),
    (
        "nl",
        'a',
        &[
            "Meld me af alstublieft.",
            "Schrijf me uit van deze lijst.",
            "Ik heb me al afgemeld maar krijg nog steeds mails.",
            "Ik wil uitgeschreven worden.",
        ],
    ),
    (
        "nl",
        'b',
        &[
            "Ik wil verwijderd worden uit uw bestand.",
            "Verwijder mij uit jullie mailinglijst.",
            "Haal mijn adres van de lijst.",
        ],
    ),
    (
        "nl",
        'c',
        &[
            "Ik wil geen e-mails meer ontvangen.",
            "Stuur mij geen berichten meer.",
            "Stop met mailen.",
            "Ik wil niet meer benaderd worden.",
        ],
    ),
    (
        "nl",
        'd',
        &[
            "Op grond van de AVG verzoek ik u mijn gegevens te wissen.",
            "Ik heb me nooit aangemeld, verwijder mij.",
            "Ik maak bezwaar tegen het gebruik van mijn gegevens voor direct marketing.",
        ],
    ),
    ("nl", 'e', &["STOP", "afmelden", "uitschrijven graag"]),
    (
        "ru",
        'a',
        &[
            "Отпишите меня, пожалуйста.",
            "Хочу отписаться от рассылки.",
            "Я уже отписался, а письма всё приходят.",
        ],
    ),
    (
        "ru",
        'b',
        &[
            "Удалите меня из списка.",
            "Хочу, чтобы меня удалили из базы.",
            "Прошу исключить мой адрес из рассылки.",
        ],
    ),
    (
        "ru",
        'c',
        &[
            "Не хочу получать ваши письма.",
            "Больше не пишите мне.",
            "Перестаньте присылать письма.",
            "Прошу больше со мной не связываться.",
        ],
    ),
    (
        "ru",
        'd',
        &[
            "Я не подписывался на это, удалите.",
            "Это спам, уберите меня из базы.",
            "Я не давал согласия на рассылку.",
        ],
    ),
    ("ru", 'e', &["СТОП", "стоп", "Отписаться", "Отписка."]),
];

/// Replies that carry stop words but are not requests to stop.
const NOT_STOP: &[(&str, char, &[&str])] = &[
    (
        "en",
        '-',
        &[
            "I don't want to unsubscribe, just send fewer emails.",
            "Please don't remove me, I still want the newsletter.",
            "Can you remove the attachment and resend?",
            "We stopped using our old CRM last year.",
            "I'll unsubscribe myself if I need to.",
            "Don't hesitate to contact me next week.",
            "Please keep sending me the updates, they are useful.",
            "Feel free to email me again in January.",
            "Stop sending to my old address, use the new one.",
            "Please stop the meeting invite for Friday, we'll reschedule.",
            "We had to stop the pilot due to budget.",
        ],
    ),
    (
        "de",
        '-',
        &[
            "Nicht abmelden, ich möchte weiterhin informiert bleiben.",
            "Können Sie den Anhang entfernen?",
        ],
    ),
    (
        "fr",
        '-',
        &[
            "Je ne veux pas me désinscrire, mais écrivez moins souvent.",
            "Pouvez-vous retirer la pièce jointe ?",
        ],
    ),
    ("es", '-', &["No quiero darme de baja, solo menos correos."]),
    ("pt", '-', &["Não precisa me remover, só não agora."]),
    (
        "it",
        '-',
        &["Non voglio disiscrivermi, scrivetemi meno spesso."],
    ),
    (
        "nl",
        '-',
        &["Ik wil me niet afmelden, stuur gewoon minder."],
    ),
    ("ru", '-', &["Не надо меня отписывать, просто пишите реже."]),
];

const NOT_INTERESTED: &[(&str, char, &[&str])] = &[
    (
        "en",
        '-',
        &[
            "We're all set on this front, thanks.",
            "Pass.",
            "No thanks.",
            "Not for us.",
            "We use HubSpot for this already.",
            "This isn't a priority for us this year.",
            "Maybe next year.",
            "We don't have the budget for this.",
            "I'm going to decline.",
            "Thanks but we'll stick with what we have.",
        ],
    ),
    (
        "de",
        '-',
        &[
            "Kein Interesse, danke.",
            "Das ist für uns aktuell kein Thema.",
            "Wir arbeiten bereits mit einem anderen Anbieter.",
        ],
    ),
    (
        "fr",
        '-',
        &[
            "Merci, mais ce n'est pas pour nous.",
            "Nous avons déjà un outil en place.",
            "Pas de budget cette année.",
        ],
    ),
    (
        "es",
        '-',
        &[
            "No nos interesa, gracias.",
            "Ya trabajamos con otro proveedor.",
            "Por ahora no, gracias.",
        ],
    ),
    (
        "pt",
        '-',
        &[
            "Não temos interesse no momento.",
            "Já usamos outra ferramenta.",
        ],
    ),
    (
        "it",
        '-',
        &["Non ci interessa, grazie.", "Per ora siamo a posto così."],
    ),
    (
        "nl",
        '-',
        &[
            "Geen interesse, bedankt.",
            "We zijn tevreden met onze huidige oplossing.",
        ],
    ),
    (
        "ru",
        '-',
        &[
            "Нам это не интересно.",
            "Спасибо, не актуально.",
            "У нас уже есть подобное решение.",
        ],
    ),
];

const WRONG_PERSON: &[(&str, char, &[&str])] = &[
    (
        "en",
        '-',
        &[
            "I'm not the right person for this.",
            "That's not my area, I'm in engineering.",
            "You should talk to our head of sales instead.",
            "I left the company in March.",
            "I retired last year.",
            "I'm on the wrong team for this, try marketing.",
            "Forwarding to my colleague who handles vendor selection.",
            "I'm not the decision maker here.",
        ],
    ),
    (
        "de",
        '-',
        &[
            "Dafür bin ich nicht zuständig, wenden Sie sich an Herrn Krause.",
            "Ich arbeite nicht mehr bei der Firma.",
        ],
    ),
    (
        "fr",
        '-',
        &[
            "Ce n'est pas moi qui gère ce sujet, voyez avec Julien.",
            "Je ne suis plus chez Dupont depuis janvier.",
        ],
    ),
    (
        "es",
        '-',
        &[
            "No soy la persona indicada, escriba a Laura.",
            "Eso lo lleva mi compañero de compras.",
        ],
    ),
    ("pt", '-', &["Não sou a pessoa certa, fale com a Mariana."]),
    ("it", '-', &["Non sono io il referente, scriva a Paolo."]),
    (
        "nl",
        '-',
        &["Ik ben niet de juiste persoon, probeer Jan van inkoop."],
    ),
    (
        "ru",
        '-',
        &[
            "Я этим не занимаюсь, напишите Ивану.",
            "Я больше не работаю в этой компании.",
        ],
    ),
];

#[test]
fn opt_out_grammar_is_covered_in_every_language() {
    check(ReplyClass::Unsubscribe, STOP);
}

#[test]
fn stop_words_that_are_not_requests() {
    for (lang, _, lines) in NOT_STOP {
        for line in *lines {
            assert_ne!(class_of(line), ReplyClass::Unsubscribe, "{lang}: {line}");
        }
    }
}

#[test]
fn refusals_are_not_interested() {
    check(ReplyClass::NotInterested, NOT_INTERESTED);
}

#[test]
fn referrals_are_wrong_person() {
    check(ReplyClass::WrongPerson, WRONG_PERSON);
}

/// Imperatives, "leave me alone" idioms and elliptic requests.
const STOP_IDIOMS: &[&str] = &[
    "Stop it with the emails.",
    "Please quit sending me stuff",
    "No further contact please.",
    "Do not add me to any lists",
    "Please stop reaching out.",
    "Can you take me off?",
    "I want off this list.",
    "Get me off your list",
    "Remove me from your distribution",
    "Please stop.",
    "Enough with the emails.",
    "I'm done receiving these, unsubscribe",
    "I'd rather not get these anymore.",
    "Please cease all communication.",
    "Don't send me anything else.",
    "Lose my email.",
    "Please forget my address.",
    "Please stop following up.",
    "No more follow-ups please.",
    "I'd appreciate not being contacted again.",
    "Please refrain from sending further messages.",
    "Bitte keine Mails mehr.",
    "Lassen Sie mich in Ruhe.",
    "Ich verbitte mir weitere Mails.",
    "Nehmen Sie mich bitte raus.",
    "Bitte stellen Sie die Zusendung ein.",
    "Streichen Sie meine Adresse.",
    "Plus de mails svp.",
    "Laissez-moi tranquille.",
    "Veuillez cesser tout envoi.",
    "Ne m'écrivez plus.",
    "Enlevez-moi de la liste.",
    "Je ne veux plus de vos mails.",
    "No me escriban más.",
    "Déjenme en paz.",
    "Por favor, no más correos.",
    "Basta ya de mensajes.",
    "Sáquenme de la lista.",
    "Que dejen de mandarme cosas.",
    "Chega de e-mails.",
    "Me deixem em paz.",
    "Não quero mais e-mails de vocês.",
    "Não me enviem mais nada.",
    "Me tirem dessa lista.",
    "Lasciatemi in pace.",
    "Non mandatemi più nulla.",
    "Basta con queste email.",
    "Toglietemi dalla lista.",
    "Non voglio più essere contattato.",
    "Laat me met rust.",
    "Geen mails meer graag.",
    "Haal me van de lijst.",
    "Ik hoef deze mails niet meer.",
    "Stop hiermee.",
    "Оставьте меня в покое.",
    "Не присылайте больше ничего.",
    "Уберите мой адрес.",
    "Хватит мне писать.",
    "Не беспокойте меня больше.",
];

#[test]
fn imperatives_and_idioms() {
    let wrong: Vec<&&str> = STOP_IDIOMS
        .iter()
        .filter(|l| class_of(l) != ReplyClass::Unsubscribe)
        .collect();
    assert!(wrong.is_empty(), "{wrong:?}");
}
