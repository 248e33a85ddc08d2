//! Stop requests and hard negatives in all eight languages, written as probes for the cue
//! tables (`src/cues.rs`): each line is the whole new text of a reply.

use veto_replies::{ReplyClass, classify};

fn class_of(body: &str) -> ReplyClass {
    let raw = format!(
        "From: A <a@example.com>\r\nTo: B <b@brightlinehq.com>\r\nSubject: Re: Quick question\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    classify(raw.as_bytes())
        .map(|c| c.class)
        .unwrap_or(ReplyClass::Other)
}

#[test]
fn stop_requests_are_found() {
    for body in [
        "Please unsubscribe me from all future mailings.",
        "Take me out of your system please.",
        "I'd appreciate it if you stopped contacting me.",
        "I've asked twice now to be taken off this list.",
        "Quit emailing me.",
        "How many times do I have to ask you to stop?",
        "GDPR request: erase all data you hold on me.",
        "I do not consent to these emails. Remove my data.",
        "Bitte nehmen Sie mich aus dem Verteiler.",
        "Ich bitte um Löschung meiner Daten.",
        "Ich will keine Mails mehr von Ihnen.",
        "Unterlassen Sie weitere Kontaktaufnahmen.",
        "Bitte streichen Sie mich von Ihrer Liste.",
        "Stoppen Sie bitte diese Mails.",
        "Je vous demande de supprimer mes données.",
        "Merci de cesser de m'écrire.",
        "Veuillez ne plus me solliciter.",
        "Retirez mon adresse de votre fichier.",
        "STOP merci",
        "Desuscríbanme por favor.",
        "Eliminen mis datos de su base.",
        "No deseo recibir más correos.",
        "Ya basta de correos.",
        "Quiero darme de baja.",
        "Parem de me enviar mensagens.",
        "Não desejo mais receber contato.",
        "Quero ser removido da lista.",
        "Excluam meus dados, por favor.",
        "Smettetela di scrivermi.",
        "Non desidero più ricevere comunicazioni.",
        "Vi prego di rimuovermi dalla lista.",
        "Cancellate i miei dati.",
        "Ik wil afgemeld worden.",
        "Stop met mailen aub.",
        "Graag mijn gegevens verwijderen.",
        "Ik ontvang liever geen e-mails meer van u.",
        "Отпишитесь от меня.",
        "Прошу удалить мои данные.",
        "Прекратите рассылку.",
        "Не хочу получать ваши письма.",
        "Хватит спамить.",
        "Больше мне не пишите, пожалуйста.",
        "Исключите меня из списка рассылки.",
        "I can't find the unsubscribe link in your email.",
        "Please take me off your list.",
        "Enough already. Take me off.",
        "Kindly refrain from contacting me further.",
        "Please cease and desist.",
        "I want nothing more to do with your company. Stop.",
        "Please do not send me any further solicitations.",
        "Pls stop",
        "Remove me.",
        "Bitte kontaktieren Sie mich nicht mehr.",
        "Bitte senden Sie mir keine Werbung mehr.",
        "Je ne veux plus recevoir vos mails.",
        "Merci de ne plus m'écrire.",
        "Ne m'envoyez plus rien.",
        "Por favor, no me contacten más.",
        "Deje de escribirme.",
        "Não me mandem mais e-mails.",
        "Por favor me tirem da lista.",
        "Non scrivetemi più.",
        "Toglietemi dalla vostra lista.",
        "Mail me niet meer.",
        "Neem geen contact meer met mij op.",
        "Verwijder mij uit uw bestand.",
        "Больше не пишите мне.",
        "Уберите мой адрес из рассылки.",
        "Не присылайте мне больше писем.",
        "Stop sending me these emails or I'll report you.",
        "I already told you to remove me!",
        "This is spam. Unsubscribe.",
        "Your unsubscribe link doesn't work.",
        "I unsubscribed last week and you're still emailing me.",
        "I'll just mark these as spam then.",
    ] {
        assert_eq!(class_of(body), ReplyClass::Unsubscribe, "{body}");
    }
}

#[test]
fn hard_negatives_are_not_stop_requests() {
    for body in [
        "Don't hesitate to contact me if you have questions.",
        "Feel free to email me next quarter.",
        "I didn't get your last email, can you resend?",
        "We don't send cold emails ourselves, how does your tool work?",
        "Please remove the attachment and resend, it's corrupted.",
        "Could you remove my colleague from the cc?",
        "Stop by our office when you're in town.",
        "We need to stop wasting time on manual research. Let's talk.",
        "No more than 15 minutes please, Tuesday works.",
        "I don't want to miss this - can you send a calendar invite?",
        "Never heard of you, what do you do?",
        "No need to email me again, I'll reach out when we're ready.",
        "I'm not the right person but I'll forward this to our CMO.",
        "Wir melden uns, falls wir Bedarf haben.",
        "Schreiben Sie mir gerne wieder im März.",
        "Zögern Sie nicht, mich zu kontaktieren.",
        "Gerne, schicken Sie mir mehr Infos.",
        "N'hésitez pas à me recontacter en janvier.",
        "Pouvez-vous m'envoyer plus de détails ?",
        "No me interesa, pero escríbame en marzo.",
        "¿Me puede quitar una duda? ¿Cuánto cuesta?",
        "No dude en contactarme.",
        "Me pueden mandar más información?",
        "Me manda mais detalhes?",
        "Mi mandi pure qualche informazione in più.",
        "Non esiti a contattarmi.",
        "Stuur me maar wat meer informatie.",
        "Пришлите больше информации.",
        "Не стесняйтесь писать мне.",
        "Мне это не интересно.",
        "Who gave you my email? Delete it.",
        "Not now, maybe next year.",
        "Thanks but we're all set.",
        "Talk to Jim, he runs procurement.",
        "I left the company in March.",
        "Yes, Thursday at 2pm works.",
    ] {
        assert_ne!(class_of(body), ReplyClass::Unsubscribe, "{body}");
    }
}

#[test]
fn opt_out_questions_about_others_or_a_feature_are_not_stop_requests() {
    for body in [
        "Can your platform unsubscribe contacts automatically when they reply?",
        "How would our customers opt out of the sequences?",
        "Do recipients get an unsubscribe link in every email?",
        "Could you remove my colleague Anna from the webinar invites? She changed teams. Otherwise I'd like a demo.",
        "Gibt es eine Abmeldefunktion für die Empfänger?",
        "Est-ce que vos clients peuvent se désinscrire en un clic ?",
        "¿La plataforma permite que los suscriptores se den de baja?",
        "Os destinatários conseguem descadastrar-se sozinhos?",
        "Lo strumento gestisce l'opzione di disiscrizione automatica?",
        "Kunnen ontvangers zich zelf afmelden via jullie tool?",
        "Могут ли подписчики сами отписаться от рассылки?",
    ] {
        assert_ne!(class_of(body), ReplyClass::Unsubscribe, "{body}");
    }
}

#[test]
fn own_requests_beside_others_stay_stop_requests() {
    for body in [
        "I'm not one of your customers. Delete my data.",
        "Please take our whole team off your list.",
        "Can you remove my email from your platform?",
        "Please remove me and my colleague from your list.",
        "¿Pueden eliminarme de su plataforma?",
        "Ich bin kein Kunde, bitte löschen Sie meine Daten.",
        "Je ne suis pas client, désinscrivez-moi.",
    ] {
        assert_eq!(class_of(body), ReplyClass::Unsubscribe, "{body}");
    }
}

#[test]
fn german_without_umlauts_and_russian_in_latin_letters() {
    for body in [
        "Bitte loeschen Sie meine Daten.",
        "Hoeren Sie bitte auf, mir zu schreiben.",
        "Ich moechte keine E-Mails mehr von Ihnen erhalten.",
        "otpishite menya",
        "udalite menya iz rassylki",
        "ne pishite mne bolshe",
    ] {
        assert_eq!(class_of(body), ReplyClass::Unsubscribe, "{body}");
    }
}

#[test]
fn a_declined_opt_out_is_not_a_refusal() {
    for body in [
        "No need to remove me, I read these. Who wrote this one?",
        "Не надо меня удалять, я просто спросил про интеграцию.",
        "Sie müssen mich nicht austragen, ich habe nur eine Frage zur Schnittstelle.",
    ] {
        assert_eq!(class_of(body), ReplyClass::Other, "{body}");
    }
}

#[test]
fn price_questions_times_and_third_party_departures() {
    for body in [
        "Combien ça coûte pour une équipe de 5 ?",
        "Quanto custa para 10 usuários?",
        "Jeudi 10h30, ça vous va ?",
        "Tuesday 3pm?",
        "Was kostet das im Jahr?",
        "Сколько это стоит?",
    ] {
        assert_eq!(class_of(body), ReplyClass::Interested, "{body}");
    }
    for body in [
        "María ya no trabaja aquí.",
        "O Pedro já não está na empresa.",
        "Luca non lavora più con noi.",
        "He doesn't work here anymore.",
        "Hij werkt hier niet meer.",
    ] {
        assert_eq!(class_of(body), ReplyClass::WrongPerson, "{body}");
    }
}

#[test]
fn formal_cessation_and_legal_demands_in_every_language() {
    for body in [
        "Can you stop emailing me?",
        "Please make sure I'm excluded from future campaigns.",
        "Bitte sehen Sie von weiteren Kontaktaufnahmen ab.",
        "Wir fordern Sie auf, die Zusendung von Werbe-E-Mails an unsere Mitarbeiter künftig zu unterlassen.",
        "Bitte melden Sie sich nicht mehr, wir sehen von weiteren Mails ab.",
        "Les requerimos que se abstengan de enviar comunicaciones comerciales.",
        "Solicitamos que cessem o envio de comunicações comerciais.",
        "Podem deixar de me enviar emails?",
        "Vi diffidiamo dal proseguire con l'invio di comunicazioni commerciali.",
        "Vi chiediamo di astenervi dall'inviare email ai nostri dipendenti.",
        "Merci de vous abstenir de nous envoyer des mails.",
        "Wij verzoeken u af te zien van verdere mails aan onze medewerkers.",
        "Ik wil verder niks meer van jullie ontvangen.",
        "Можете перестать мне писать?",
        "Solicito que o removam da vossa lista de contactos.",
        "Per cortesia rimuovete Marco Gatti dai vostri contatti, non lavora più con noi.",
    ] {
        assert_eq!(class_of(body), ReplyClass::Unsubscribe, "{body}");
    }
}

#[test]
fn accidental_opt_outs_competitors_and_opt_out_policies_are_not_requests() {
    for body in [
        "I accidentally unsubscribed from your newsletter, can you add me back?",
        "Ich habe mich versehentlich abgemeldet, bitte wieder aufnehmen.",
        "Je me suis désinscrit par erreur, pouvez-vous me réinscrire ?",
        "Me di de baja por error, ¿pueden volver a suscribirme?",
        "Bitte melden Sie mich nicht ab, ich lese Ihre Mails gern.",
        "Which of your plans includes opt-out management?",
        "Quelle est votre politique de désinscription pour nos propres clients ?",
        "I want to unsubscribe from our current vendor and switch to you.",
    ] {
        assert_ne!(class_of(body), ReplyClass::Unsubscribe, "{body}");
    }
    assert_eq!(
        class_of("Por favor no me contacten más."),
        ReplyClass::Unsubscribe
    );
}

#[test]
fn copying_a_colleague_in_an_interested_reply_is_not_a_referral() {
    assert_eq!(
        class_of("Loop in my colleague Rachel, she runs ops. Let's set up a call next week."),
        ReplyClass::Interested
    );
    assert_eq!(
        class_of("Looping in my colleague Rachel who handles this."),
        ReplyClass::WrongPerson
    );
}

#[test]
fn refusals_and_referrals_of_new_families() {
    for body in [
        "we tried something similar last year and it didnt work for us",
        "Danke, aber wir machen das alles selber.",
        "We zijn veel te klein hiervoor, succes verder",
        "Wir haben uns intern für eine andere Lösung entschieden.",
        "Gracias, pero no es algo que estemos valorando ahora mismo.",
    ] {
        assert_eq!(class_of(body), ReplyClass::NotInterested, "{body}");
    }
    for body in [
        "I sold the business in January, the new owner is Tom Hill.",
        "Je transmets à notre directeur commercial.",
        "He reenviado su correo al departamento de compras.",
        "Reencaminhei o seu email para a nossa diretora comercial.",
    ] {
        assert_eq!(class_of(body), ReplyClass::WrongPerson, "{body}");
    }
    assert_eq!(
        class_of("Ja leuk, bel me maar even vrijdag."),
        ReplyClass::Interested
    );
}
