//! Short answers to the seller's own question. The last steps of a sequence ask one: "Should
//! I close your file?", "Want me to stop reaching out?", "Reply 1 for a call, 2 for later, 3
//! to never hear from us again". A terse answer ("Yes, close it.", "please do", "Correct.",
//! "👍", "3") says nothing on its own; read against the question quoted under it, it asks to
//! hear no more. The question is looked for in the whole body (the quoted message is there);
//! only a short answer whose answering sentence holds no negation counts ("Akte bitte nicht
//! schließen!", "no, keep me on"; a reason given in another sentence may hold one: "sì, la
//! chiuda pure. Non è un progetto che faremo"), and a bare "yes" only when nothing in the
//! reply reads as interest (a break-up e-mail often offers a call beside the file: "Yes,
//! Tuesday works").
//!
//! The questions and answer words are regular expressions written here rather than cue
//! families: they are read over the seller's quoted text and over one-word answers, not over
//! the writer's clauses.

use std::sync::LazyLock;

use regex::Regex;

use crate::compose::{self, CueClass};
use crate::fold::fold;

/// Words of the sentence that answers, and of the whole new text (a greeting and a signature
/// around it).
const ANSWER_WORDS: usize = 12;
const TEXT_WORDS: usize = 40;
/// A bare yes stands in a sentence of at most this many words ("Yes please.", "Correct.").
const YES_WORDS: usize = 4;

/// The compiled questions and answer words (one set, compiled on first use).
struct Patterns {
    /// "Should I close your file?" in the table languages (folded).
    close_question: Vec<Regex>,
    /// "Want me to stop reaching out?" in the table languages (folded).
    stop_question: Vec<Regex>,
    /// A word that says to close the file (break-up questions).
    close_word: Regex,
    /// A word that says to stop (stop questions).
    cease_word: Regex,
    /// "Want me to keep you on the list?" in the table languages: a no answers it with a stop.
    keep_question: Vec<Regex>,
    /// "Is this a bad time, or should I stop reaching out?": the stop is the second choice.
    stop_second: Regex,
    /// "The latter" opening its sentence.
    latter: Regex,
    /// A bare yes opening its sentence.
    yes: Regex,
    /// A bare no opening its sentence.
    no: Regex,
    /// Words of a menu item that offers to stop.
    stop_option: Regex,
}

static PATTERNS: LazyLock<Option<Patterns>> = LazyLock::new(|| {
    let all = |patterns: &[&str]| -> Option<Vec<Regex>> {
        patterns.iter().map(|p| Regex::new(p).ok()).collect()
    };
    Some(Patterns {
        close_question: all(&[
            r"\bclose (?:out )?(?:your|the) (?:file|record|account|ticket|request)\b",
            r"\bakte (?:\S+ ){0,3}schlie|\bschlie\S* (?:\S+ ){0,3}akte\b",
            r"\b(?:fermer|ferme|fermons|clore|cloturer|cloture|archiver|archive) (?:\S+ ){0,2}dossier\b",
            r"\b(?:cerrar|cierro|cerramos|archivar|archivo) (?:\S+ ){0,2}(?:expediente|ficha)\b",
            r"\b(?:encerrar|encerro|encerramos|fechar|fecho|arquivar) (?:\S+ ){0,2}(?:processo|cadastro|arquivo|ficha)\b",
            r"\b(?:chiudere|chiudo|chiudiamo|archiviare|archivio) (?:\S+ ){0,2}(?:pratica|fascicolo|scheda)\b",
            r"\b(?:sluiten|sluit) (?:\S+ ){0,3}dossier\b|\bdossier (?:\S+ ){0,3}(?:sluiten|sluit)\b",
            r"\b(?:закрыть|закрою|закрываю|закрываем) (?:\S+ ){0,2}(?:досье|дело|карточку|заявку|запрос)",
        ])?,
        stop_question: all(&[
            r"\b(?:want|like|prefer) me to stop\b|\bshould i (?:just )?stop\b|\bshall i stop\b",
            r"\bsoll(?:en)? (?:ich|wir) (?:\S+ ){0,4}(?:aufhoren|nicht mehr|einstellen)\b",
            r"\b(?:voulez|souhaitez|preferez)[- ]vous que (?:j'|je |nous )(?:\S+ ){0,1}(?:arrete|cesse)",
            r"\bque (?:deje|dejemos|pare|paremos) de (?:escribir|contactar|enviar|insistir)",
            r"\bque (?:eu )?(?:pare|paremos|deixe|deixemos) de (?:escrever|contatar|contactar|enviar|insistir)",
            r"\bche (?:la )?smett(?:a|iamo) di\b|\bdevo smettere\b",
            r"\b(?:wil je|wilt u) dat (?:ik|we) (?:\S+ ){0,3}(?:stop|stoppen|ophoud)",
            r"\bчтобы (?:я|мы) (?:\S+ ){0,2}(?:перестал|перестали|больше не)",
            // Offers to take the reader off the list, and a stop announced for a "correct?".
            r"\b(?:should|shall|can|may) i (?:\S+ ){0,2}(?:take|remove) you (?:off|from)\b|\bwant me to (?:take|remove) you\b",
            r"\b(?:i'?ll|i will) (?:\S+ ){0,15}stop (?:reaching|emailing|writing|contacting|following|sending)\b",
            r"\bsoll(?:en)? (?:ich|wir) (?:sie|dich|euch) (?:\S+ ){0,4}(?:nehmen|entfernen|austragen|streichen|loschen)\b",
            r"\b(?:zal|moet) ik (?:\S+ ){0,3}(?:stoppen|ophouden)\b|\b(?:zal|moet) ik (?:je|u|jullie) (?:\S+ ){0,4}(?:verwijderen|afmelden|halen|uitschrijven)\b",
            r"\b(?:devo|posso) (?:\S+ ){0,1}(?:parar|deixar) de\b|\b(?:devo|posso) (?:te |o |a |lhe )?(?:remover|retirar|tirar|descadastrar)\b",
            r"\b(?:debo|puedo) (?:\S+ ){0,1}dejar de\b|\b(?:te|le|lo|la) (?:doy|damos) de baja\b|\b(?:te|le) (?:quito|saco|elimino)\b",
            r"\bdois[- ]je (?:\S+ ){0,2}(?:arreter|cesser)\b|\b(?:dois[- ]je|puis[- ]je) vous (?:retirer|desinscrire|supprimer)\b",
            r"\b(?:devo|posso) (?:\S+ ){0,1}(?:smettere|toglierla|toglierti|rimuoverla|rimuoverti|cancellarla|cancellarti)\b",
            r"\b(?:удалить|исключить|отписать) вас\b|\b(?:перестать|прекратить) (?:вам )?(?:писать|присылать)\b",
        ])?,
        keep_question: all(&[
            r"\b(?:want|like) me to keep you (?:on|in)\b|\b(?:stay|remain) on (?:the|my|our) (?:list|mailing)|\bkeep (?:getting|receiving|hearing)\b",
            r"\b(?:im|auf dem) verteiler (?:\S+ ){0,2}(?:bleiben|behalten)\b|\bweiterhin (?:\S+ ){0,3}(?:erhalten|bekommen)\b",
            r"\b(?:garde|garder|reste|rester) (?:\S+ ){0,2}(?:dans|sur) (?:ma|la|notre) liste\b|\bcontinuer a recevoir\b",
            r"\b(?:mantenga|mantener|sigas|seguir) (?:\S+ ){0,2}(?:en la lista|recibiendo)\b",
            r"\bcontinuar (?:a )?receb\S*|\b(?:manter|mantenha|ficar) (?:\S+ ){0,2}na lista\b",
            r"\b(?:mantenga|mantenere|restare|rimanere) (?:\S+ ){0,2}(?:nella|in) lista\b|\bcontinuare a ricevere\b",
            r"\bop de lijst blijven\b|\bblijven ontvangen\b",
            r"\bоставить вас\b|\bпродолжать получать\b",
        ])?,
        close_word: Regex::new(
            r"\b(?:close|closing|schlie\S*|zumachen|fermer|fermez|clore|cloturez|cerrar|cierre\S*|cierrelo|cierrenlo|archivelo|encerr\S*|fech\S*|chiud\S*|archivi\S*|sluit|sluiten|afsluiten|закры\S*)",
        )
        .ok()?,
        cease_word: Regex::new(
            r"\b(?:stop|stopp|stoppen|stoppt|aufhoren|horen sie auf|arretez|arrete|arreter|pare|paren|parem|para|basta|smettete|smetti|stopt|стоп|хватит|прекратите|перестаньте)\b",
        )
        .ok()?,
        yes: Regex::new(
            r"^\s*(?:yes|yep|yeah|yup|sure|correct|right|exactly|indeed|please do|do it|go ahead|ok|okay|ja|jawohl|genau|gerne|bitte|oui|volontiers|exact|exactement|absolument|si|claro|vale|por favor|sim|pode|deve sim|pode sim|isso|certo|exato|esatto|va bene|prego|graag|klopt|prima|да|давайте|верно|конечно|ага)\b",
        )
        .ok()?,
        stop_second: Regex::new(concat!(
            r"\bor (?:should|shall) i (?:just )?stop\b|\boder soll(?:en)? (?:ich|wir) (?:\S+ ){0,4}(?:aufhoren|nicht mehr)\b",
            r"|\bou (?:dois-je|je dois|faut-il) (?:\S+ ){0,2}arreter\b|\bo (?:debo|dejo) (?:de|dejar)\b",
            r"|\bou (?:devo|paro) |\bo (?:devo )?smett|\bof (?:zal|moet) ik (?:\S+ ){0,2}(?:stoppen|ophouden)\b",
            r"|\bили (?:мне )?(?:перестать|прекратить)",
        ))
        .ok()?,
        latter: Regex::new(
            r"^\s*(?:the latter|the second|letzteres|das letztere|das zweite|ce dernier|la derniere|le second|lo segundo|lo ultimo|o segundo|a segunda|o ultimo|la seconda|l'ultima|het laatste|het tweede|второе|последнее)\b",
        )
        .ok()?,
        no: Regex::new(
            r"^\s*(?:no|nope|nah|nein|non|nee|nao|нет)\b",
        )
        .ok()?,
        stop_option: Regex::new(
            r"\b(?:never hear|no more|stop|unsubscribe|remove|opt out|nie wieder|nichts mehr|nicht mehr|keine weiteren|abmelden|austragen|plus jamais|ne plus|ne (?:\S+ ){1,2}plus|desinscri\S*|nunca mas|nunca mais|no volver a|nao voltar a|baja|descadastr\S*|mai piu|non \S+ piu|disiscri\S*|nooit meer|niet meer|geen (?:\S+ ){0,2}meer|nao (?:\S+ ){0,2}mais|no (?:\S+ ){0,2}mas|afmeld\S*|uitschrijv\S*|никогда|больше не|отпис\S*)",
        )
        .ok()?,
    })
});

/// The standalone digits 1–9 of a text ("3", "3.", "Option 3,"; not "10", "3d", "92906"),
/// with their byte offsets.
fn lone_digits(text: &str) -> Vec<(usize, char)> {
    text.char_indices()
        .filter(|&(i, c)| {
            ('1'..='9').contains(&c)
                && !text[..i].ends_with(|p: char| p.is_alphanumeric())
                && !text[i + 1..].starts_with(|p: char| p.is_alphanumeric())
        })
        .collect()
}

/// The number of the quoted menu's item that offers to stop ("Reply 1 for a call, 2 for
/// later, 3 to never hear from us again"), when the body (its folded lines) holds such a
/// menu: items 1 and 2, each item running to the next number or the end of its line.
fn stop_option(p: &Patterns, lines: &[String]) -> Option<char> {
    let mut numbers = Vec::new();
    let mut found = None;
    for line in lines {
        let marks = lone_digits(line);
        for (k, &(i, n)) in marks.iter().enumerate() {
            numbers.push(n);
            let end = marks.get(k + 1).map_or(line.len(), |&(j, _)| j);
            let item = line.get(i + 1..end).unwrap_or_default();
            if found.is_none() && item.len() <= 80 && p.stop_option.is_match(item) {
                found = Some(n);
            }
        }
    }
    let menu = numbers.contains(&'1') && numbers.contains(&'2');
    found.filter(|_| menu)
}

/// Where (byte span in `folded`, the folded new text) a short answer asks to hear no more,
/// given the whole body (with the quoted question) and the unfolded new text.
pub(crate) fn stop_answer(body: &str, folded: &str, new_text: &str) -> Option<(usize, usize)> {
    if folded.split_whitespace().count() > TEXT_WORDS {
        return None;
    }
    let negated = compose::negated(folded);
    let p = PATTERNS.as_ref()?;
    // The body folded once, line by line (menus are read per line, questions across them).
    let lines: Vec<String> = body.lines().map(fold).collect();
    let quoted = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let close = p.close_question.iter().any(|re| re.is_match(&quoted));
    let stop = p.stop_question.iter().any(|re| re.is_match(&quoted));
    let keep = p.keep_question.iter().any(|re| re.is_match(&quoted));
    let interest = compose::class_hits(CueClass::Interested, folded);
    // Interest outside the answer itself ("Yes please" is a cue of interest on its own; "Yes,
    // Tuesday works" holds interest beside the yes).
    let interested_outside = |a: usize, b: usize| interest.iter().any(|h| h.start < a || h.end > b);
    let interested = || !interest.is_empty();
    if keep {
        // "No thank you." under "want me to keep you on the list?": take me off.
        let first = folded
            .split(['\n', '.', '!', '?', ';'])
            .find(|s| !s.trim().is_empty())
            .unwrap_or_default();
        let at = folded.find(first).unwrap_or(0);
        if first.split_whitespace().count() <= YES_WORDS
            && let Some(m) = p.no.find(first)
            && !interested_outside(at, at + first.len())
        {
            return Some((at + m.start(), at + first.trim_end().len()));
        }
    }
    if close || stop {
        let mut at = 0;
        let mut first = true;
        for sentence in folded.split(['\n', '.', '!', '?', ';']) {
            let words = sentence.split_whitespace().count();
            // An answer that opens with a negation says no ("Agora não. Acabamos de fechar
            // com outro sistema": the later "fechar" closes a deal, not the file).
            if words > 0 && std::mem::take(&mut first) && compose::negated(sentence) {
                break;
            }
            // The answering sentence holds no negation ("Akte bitte nicht schließen!"); one
            // elsewhere explains the answer ("sì, la chiuda pure. Non è un progetto che
            // faremo").
            if words > 0 && words <= ANSWER_WORDS && !compose::negated(sentence) {
                let word = close
                    .then(|| p.close_word.find(sentence))
                    .flatten()
                    .or_else(|| stop.then(|| p.cease_word.find(sentence)).flatten());
                if let Some(m) = word {
                    return Some((at + m.start(), at + m.end()));
                }
                // "The latter, thanks." under "… or should I stop reaching out?".
                if words <= YES_WORDS
                    && p.stop_second.is_match(&quoted)
                    && let Some(m) = p.latter.find(sentence)
                {
                    return Some((at + m.start(), at + m.end()));
                }
                if words <= YES_WORDS
                    && let Some(m) = p.yes.find(sentence)
                    && !interested_outside(at, at + sentence.len())
                {
                    return Some((at + m.start(), at + sentence.trim_end().len()));
                }
            }
            at += sentence.len() + 1;
        }
        // "👍" alone (with a skin tone or a variation selector at most).
        let thumbs = new_text
            .chars()
            .filter(|c| !c.is_whitespace())
            .all(|c| c == '👍' || ('\u{1F3FB}'..='\u{1F3FF}').contains(&c) || c == '\u{FE0F}');
        if thumbs && new_text.contains('👍') && !negated {
            return Some((0, folded.len()));
        }
    }
    // "3", "Option 3, merci.", "3 – danke." under a menu whose third item stops.
    if negated {
        return None;
    }
    let n = stop_option(p, &lines)?;
    let mut digits = lone_digits(folded);
    digits.dedup_by_key(|&mut (_, c)| c);
    match digits.as_slice() {
        [(i, c)] if *c == n && !interested() => Some((*i, *i + 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{PATTERNS, stop_answer, stop_option};

    /// The stopping item's number of a body's menu.
    fn option(body: &str) -> Option<char> {
        let lines: Vec<String> = body.lines().map(fold).collect();
        PATTERNS.as_ref().and_then(|p| stop_option(p, &lines))
    }
    use crate::fold::fold;
    use proptest::prelude::*;

    proptest! {
        /// Any body and answer: no panic, and a span inside the folded answer.
        #[test]
        fn never_panics_and_spans_the_answer(
            new in "[0-9a-zA-Zäöüéàñçßы👍 .,!?;:>\n-]{0,60}",
            quoted in "[0-9a-zA-Zäöüéàñçßы .,!?;:>\n=-]{0,200}",
        ) {
            let folded = fold(&new);
            let body = format!("{new}\n{quoted}\n> Reply 1 for a call, 2 for later, 3 to stop.\n> Should I close your file?");
            if let Some((a, b)) = stop_answer(&body, &folded, &new) {
                prop_assert!(a <= b && b <= folded.len());
            }
            let _ = option(&quoted);
        }
    }

    fn answers(new: &str, quoted: &str) -> bool {
        let body = format!("{new}\n\nOn Tue, Jul 6, 2027, Maria wrote:\n{quoted}");
        stop_answer(&body, &fold(new), new).is_some()
    }

    #[test]
    fn a_yes_to_a_stop_or_close_question_asks_to_stop() {
        let stop_q = "> Want me to stop reaching out?";
        let close_q = "> Should I close your file?";
        assert!(answers("please do", stop_q));
        assert!(answers("Yes, stop.", stop_q));
        assert!(answers("👍", stop_q));
        assert!(answers("Correct.", close_q));
        assert!(answers("Yes, close it.", close_q));
        assert!(answers(
            "Oui, arrêtez.",
            "> Voulez-vous que j'arrête de vous écrire ?"
        ));
        assert!(answers("Да, закрывайте.", "> Закрыть ваше досье?"));
        // Not a yes, a negation, interest, or another question.
        assert!(!answers("no, keep me on", stop_q));
        assert!(!answers("Yes, Tuesday at 10 works for a call.", close_q));
        assert!(!answers("Yes, that's me.", "> Is this the right person?"));
        assert!(!answers(
            "Akte bitte nicht schließen!",
            "> Soll ich Ihre Akte schließen?"
        ));
    }

    #[test]
    fn offers_to_remove_and_questions_to_keep() {
        // A yes to an offer to take the reader off, a "yes please" that is the yes itself.
        assert!(answers("Please do.", "> Should I take you off my list?"));
        assert!(answers("Yes please.", "> Should I close your file?"));
        assert!(answers(
            "Ja, bitte.",
            "> Soll ich Sie aus dem Verteiler nehmen?"
        ));
        assert!(answers("Ja graag.", "> Zal ik stoppen met mailen?"));
        assert!(answers("Deve sim.", "> Devo parar de enviar mensagens?"));
        assert!(answers(
            "Correct.",
            "> I'll assume this isn't a priority and stop reaching out - correct?"
        ));
        assert!(answers("Да, закрывайте.", "> Закрыть вашу заявку?"));
        // A no to keeping the reader on the list.
        let keep = "> Last email from me - want me to keep you on the list?";
        assert!(answers("No thank you.", keep));
        assert!(answers("Nope.", keep));
        assert!(answers(
            "Non merci.",
            "> Souhaitez-vous que je vous garde dans ma liste ?"
        ));
        assert!(answers(
            "Нет, не надо.",
            "> Оставить вас в списке рассылки?"
        ));
        // The second of two choices, when the second is to stop.
        assert!(answers(
            "The latter, thanks.",
            "> Is this a bad time, or should I stop reaching out?"
        ));
        assert!(!answers(
            "The latter, thanks.",
            "> Should I stop reaching out, or is this just a bad time?"
        ));
        // A yes to keeping, interest beside a no, a no to another question.
        assert!(!answers("Yes please.", keep));
        assert!(!answers("No, but call me in March about the pilot.", keep));
        assert!(!answers(
            "No thanks.",
            "> Would a 15-minute call next week work?"
        ));
    }

    #[test]
    fn the_number_of_the_menu_item_that_stops() {
        let menu = "> Reply 1 for a call, 2 for later, 3 to never hear from us again.";
        assert_eq!(option(menu), Some('3'));
        let lines = "> ganz kurz:\n>\n> 1 - Termin vereinbaren\n> 2 - interessant, aber später\n> 3 - nie wieder von uns hören\n>\n> Reply STOP to unsubscribe.";
        assert_eq!(option(lines), Some('3'));
        assert!(answers("3 – danke.", lines));
        assert!(answers("3", menu));
        assert!(answers("Option 3, merci.", menu));
        assert!(answers("3 – danke.", menu));
        assert!(!answers("2 - try me in March", menu));
        assert!(!answers("1 or 3, not sure", menu));
        assert!(!answers("3", "> We have 3 plans for teams of 10."));
        let es = "> 1 - agendamos una llamada\n> 2 - me interesa, pero más adelante\n> 3 - no volver a saber de nosotros";
        assert!(answers("3, por favor.", es));
        let ru = "> 1 — созвониться, 2 — позже, 3 — больше никогда о нас не слышать";
        assert!(answers("3. Спасибо.", ru));
        let fr = "> Répondez 1, 2 ou 3 :\n> 1 – un appel de 15 minutes\n> 2 – recontactez-moi plus tard\n> 3 – je ne souhaite plus recevoir vos messages";
        assert!(answers("3", fr));
        let de = "> 1 – kurzes Telefonat\n> 2 – bitte später wieder melden\n> 3 – bitte keine weiteren E-Mails";
        assert!(answers("Nummer 3 bitte.", de));
        let pt = "> 1 – uma ligação\n> 2 – me procure mais para frente\n> 3 – não quero mais receber e-mails";
        assert!(answers("3, por favor.", pt));
        assert!(!answers("2, por favor.", pt));
    }
}
