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
//! Beyond the wordings written here, a bare yes answers any quoted question whose own words
//! the cue tables read as a stop ("Should I take the hint and stop emailing you?") and that
//! offers no second choice; of two choices a yes takes the first. Menus may be numbered,
//! lettered or drawn with emoji; a word the seller named ('just reply "remove"', "rispondi
//! semplicemente NO") is the answer that stops. A reply of more than a few dozen words is
//! read only by its first sentence, and only under a question to close or stop.
//!
//! The questions and answer words are regular expressions written here rather than cue
//! families: they are read over the seller's quoted text and over one-word answers, not over
//! the writer's clauses.

use std::sync::LazyLock;

use regex::Regex;

use crate::ReplyClass;
use crate::compose::{self, CueClass};
use crate::fold::fold;

/// Words of the sentence that answers, and of a new text read whole (a greeting and a
/// signature around it); a longer one is read by its first sentence only.
const ANSWER_WORDS: usize = 12;
const TEXT_WORDS: usize = 40;
/// A bare yes stands in a sentence of at most this many words ("Yes please.", "Correct.").
const YES_WORDS: usize = 4;
/// "The latter" stands in a sentence of at most this many words ("So the second option,
/// please.").
const LATTER_WORDS: usize = 6;
/// A no to "keep you on the list?" stands in a sentence of at most this many words ("Nein
/// danke, bitte nicht mehr.").
const NO_WORDS: usize = 6;
/// A yes in a sentence of at most this many words counts when the reply shows no interest.
const LONG_YES_WORDS: usize = 6;
/// An answer naming a menu item stands in at most this many words ("Option 2, thanks").
const CHOICE_WORDS: usize = 4;
/// A longer reply's conclusion is looked for among its last this many sentences.
const CONCLUSION_SENTENCES: usize = 6;

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
    /// "May I get in touch again in a few months?", "Mag ik je af en toe een update sturen?":
    /// asking leave for more contact over time; a no (or "rather not", "no need") declines it.
    ongoing: Regex,
    /// Sending words: with `ongoing`, more contact over time ("Mag ik je af en toe een update
    /// sturen?"); alone, a one-off ("Shall I send you the deck?").
    sending: Regex,
    /// The seller offering to send something: "Shall I send you the deck?", "Прислать
    /// презентацию с ценами?".
    offer_question: Regex,
    /// The seller asking whether the offer fits: "Is this a fit?", "Wäre das etwas für
    /// Sie?", "¿Esto os encaja?".
    fit_question: Regex,
    /// "Are you the right person?": a no ("Not me. Finance - ask for Bethany.") points
    /// elsewhere.
    right_person: Regex,
    /// Someone else, the right person: "or is that someone else?", "jemand anderen".
    someone_else: Regex,
    /// The writer asking leave: "may I", "darf ich", "posso", "можно я".
    leave: Regex,
    /// "… or would you prefer I don't follow up?": a second choice that stops, whatever the
    /// first.
    prefer_not_second: Regex,
    /// "Is this a bad time, or should I stop reaching out?": the stop is the second choice.
    stop_second: Regex,
    /// "The latter" opening its sentence.
    latter: Regex,
    /// "The first" opening its sentence.
    former: Regex,
    /// A bare yes opening its sentence.
    yes: Regex,
    /// A bare no opening its sentence.
    no: Regex,
    /// "Off" alone, the answer to "keep you on the list, or take you off?".
    off: Regex,
    /// A greeting opening the answer ("Hoi Sanne, ja, graag.").
    greeting: Regex,
    /// 'Reply "NO"': the word a reply should be (captured, quotes around it).
    keyword: Regex,
    /// "If you'd rather not": a reply that declines.
    rather_not: Regex,
    /// "… or …": a question offering a choice.
    alternative: Regex,
    /// ' or "remove"': a second word offered right after a keyword.
    other_keyword: Regex,
    /// A word in quotes or in capitals: one a reply may be asked to be.
    offered_word: Regex,
    /// "No need to …" without a negation word the tables know ("Pas besoin d'arrêter de
    /// m'écrire, au contraire !").
    no_need: Regex,
    /// Words of a menu item that offers to stop.
    stop_option: Regex,
    /// Words of a menu item that offers to close the reader's file ("3 - Close my file,
    /// please"): a menu answer stops, a word offered for it ('reply "no" and I\'ll close your
    /// file') declines only the offer.
    close_option: Regex,
    /// "… or rather not?" closing a question ("Soll ich mich in ein paar Monaten nochmal melden
    /// oder lieber nicht?").
    rather_not_question: Regex,
    /// Words offering more contact, before such an "or rather not".
    further_contact: Regex,
    /// "Rather not." opening an answer.
    rather_not_answer: Regex,
    /// "To answer your question:" in a longer reply: what follows is the short answer.
    answer_marker: Regex,
    /// "So", "Also", "Quindi", "Então" opening one of the last sentences of a longer reply
    /// under a question to close or stop: the conclusion that answers it ("So: stop,
    /// please.", "Also ja, schließen Sie sie bitte.").
    conclusion: Regex,
    /// "You asked whether …", "Me preguntabas si …", "Вы спрашивали, …": the seller's
    /// question told again in a longer reply; the sentence after it answers.
    asked: Regex,
    /// ", and …" joining a second clause to an answer.
    joined_clause: Regex,
    /// "The letter", "a letra", "la lettre" opening an answer that names a lettered menu's item
    /// ("a letra d").
    letter_named: Regex,
    /// An answer that names a menu item by its ordinal ("La troisième.", "The last one,
    /// thanks"): the ordinal captured.
    ordinal: Regex,
}

static PATTERNS: LazyLock<Option<Patterns>> = LazyLock::new(|| {
    let all = |patterns: &[&str]| -> Option<Vec<Regex>> {
        patterns.iter().map(|p| Regex::new(p).ok()).collect()
    };
    Some(Patterns {
        close_question: all(&[
            r"\bclose (?:out )?(?:your|the) (?:file|record|account|ticket|request)\b|\bclose the loop\b",
            r"\b(?:akte|anfrage|vorgang|datensatz|eintrag|thema|kontakt) (?:\S+ ){0,3}schlie|\bschlie\S* (?:\S+ ){0,3}(?:akte|anfrage|vorgang|thema|kontakt)\b",
            r"\b(?:fermer|ferme|fermons|clore|cloturer|cloture|archiver|archive|classer|classe) (?:\S+ ){0,2}dossier\b",
            r"\b(?:cerrar|cierro|cierras|cierre|cerremos|cerramos|archivar|archivo|archive) (?:\S+ ){0,2}(?:expediente|ficha)\b|\b(?:doy|damos|dar|demos) por (?:cerrad\S*|terminad\S*)",
            r"\b(?:encerrar|encerro|encerre|encerramos|fechar|fecho|feche|arquivar|arquive) (?:\S+ ){0,2}(?:processo|cadastro|arquivo|ficha|contato|contacto)\b|\bencerr\S* (?:o assunto )?por aqui\b",
            r"\b(?:chiud\S*|archiviare|archivio) (?:\S+ ){0,2}(?:pratica|fascicolo|scheda)\b",
            r"\b(?:sluiten|sluit) (?:\S+ ){0,3}dossier\b|\bdossier (?:\S+ ){0,3}(?:sluiten|sluit)\b",
            r"\b(?:закрыть|закрою|закрываю|закрываем) (?:\S+ ){0,2}(?:досье|дело|карточку|заявку|запрос|вопрос|тему)",
        ])?,
        stop_question: all(&[
            r"\b(?:want|like|prefer) me to stop\b|\bprefer (?:that )?i (?:just )?stop\b|\bshould i (?:just )?stop\b|\bshall i stop\b",
            r"\bsoll(?:en)? (?:ich|wir) (?:\S+ ){0,4}(?:aufhoren|nicht mehr|einstellen|ganz lassen|sein lassen)\b",
            r"\b(?:voulez|souhaitez|preferez)[- ]vous que (?:j'|je |nous )(?:\S+ ){0,1}(?:arrete|cesse)",
            r"\bque (?:deje|dejemos|pare|paremos) de (?:escribir|contactar|enviar|insistir|molestar)",
            r"\bque (?:eu )?(?:pare|paremos|deixe|deixemos) de (?:lhe |te |o |a |vos )?(?:escrever|contatar|contactar|enviar|insistir|incomodar)",
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
            // "¿Dejo de escribirte?", "Paro de te escrever?", "Smetto di scriverle?", "J'arrête de vous écrire ?", "¿… o prefieres que lo deje aquí?"
            r"\bque lo (?:deje|dejemos) (?:aqui|ahi|estar)\b|\blo (?:dejo|dejamos) (?:aqui|ahi)\b",
            r"\b(?:dejo|dejamos|paro|paramos|deixo|deixamos) de (?:te |lhe |le )?(?:escrib|escrev|contact|contat|envi|molest)\S*|\bsmett(?:o|iamo) di\b|\bj'arrete de vous\b",
            r"\bdois[- ]je (?:\S+ ){0,2}(?:arreter|cesser)\b|\b(?:dois[- ]je|puis[- ]je) vous (?:retirer|desinscrire|supprimer)\b|\b(?:voulez|souhaitez|preferez)[- ]vous que (?:je|nous) vous (?:retire|desinscrive|supprime|enleve)",
            r"\b(?:devo|posso) (?:\S+ ){0,1}(?:smettere|toglierla|toglierti|rimuoverla|rimuoverti|cancellarla|cancellarti)\b",
            r"\b(?:удалить|исключить|отписать) вас\b|\b(?:перестать|прекратить) (?:вам )?(?:писать|присылать)\b",
            // "… or should I leave you in peace for good?", "Zal ik je maar met rust laten?"
            r"\bleave you (?:alone|in peace|be)\b|\b(?:sie|dich|euch) (?:\S+ ){0,3}in ruhe (?:lassen|lasse)\b|\blasse (?:ich )?(?:sie|dich) (?:\S+ ){0,3}in ruhe\b|\bvous laisser tranquille|\blaisse tranquille",
            r"\bdejar(?:te|le|la|lo)? (?:\S+ ){0,1}en paz\b|\b(?:te|le|la|lo) dejo (?:\S+ ){0,1}en paz\b|\blasciar(?:la|ti|vi)? (?:\S+ ){0,1}in pace\b|\b(?:la|ti|vi) lascio (?:\S+ ){0,1}in pace\b",
            r"\bdeixar (?:\S+ ){0,2}em paz\b|\bdeixo (?:\S+ ){0,2}em paz\b|\bmet rust (?:laten|te laten)\b|\bоставить вас в покое\b",
            r"\bque (?:te|le|les|lo|la) (?:de|demos) de baja\b",
            // "Should I stop here?": "Mi fermo qui?", "… o preferisce che mi fermi?", "Posso
            // parar por aqui?", "Je m'arrête là ?", "¿… o prefieres que no insista?"
            r"\bmi fermo (?:qui|qua)\b|\bche mi fermi\b|\b(?:devo|posso) fermarmi\b",
            r"\b(?:posso|devo) parar (?:por )?aqui\b|\bparo por aqui\b",
            r"\bje m'arrete (?:la|ici)\b|\bj'arrete (?:la|ici)\b",
            r"\bque no (?:\S+ ){0,1}(?:insista|insistamos)\b|\b(?:dejo|dejamos) de insistir\b",
            // "¿Te sigo mandando info o prefieres que pare?"
            r"\bprefier\S* que (?:pare|paremos|lo deje|lo dejemos)\b",
        ])?,
        keep_question: all(&[
            r"\b(?:want|like) me to keep you (?:on|in)\b|\b(?:stay|remain) on (?:the|my|our) (?:\S+ ){0,3}(?:list|mailing)|\bkeep (?:getting|receiving|hearing)\b",
            // "Do you want me to keep sending these?": a no asks for no more.
            r"\b(?:want|like) (?:me|us) to (?:keep|continue) (?:sending|emailing|writing|mailing|to send|to email)\b|\bshould i (?:keep|continue) (?:sending|emailing|to send)\b|\b(?:do|would) you (?:still )?(?:want|like) to (?:keep )?hear(?:ing)? from (?:me|us)\b",
            r"\b(?:im|auf dem) verteiler (?:\S+ ){0,2}(?:bleiben|behalten)\b|\bweiterhin (?:\S+ ){0,3}(?:erhalten|bekommen|horen|informiert|informieren)\b",
            r"\bsoll(?:en)? (?:ich|wir) (?:ihnen|dir|euch) (?:\S+ ){0,2}weiterhin (?:\S+ ){0,4}(?:schicken|senden|zusenden|schreiben|mailen)\b|\bauf dem laufenden halten\b",
            r"\b(?:garde|garder|reste|rester) (?:\S+ ){0,2}(?:dans|sur) (?:ma|la|notre) liste\b|\bcontinuer a recevoir\b|\bcontinue(?:r|s)? (?:a|de) vous (?:envoyer|ecrire)\b",
            r"\b(?:mantenga|mantener|sigas|seguir) (?:\S+ ){0,2}(?:en la lista|recibiendo)\b|\b(?:siga|sigamos|seguir|continue|continuemos|continuar) (?:\S+ ){0,1}(?:enviando|escribiendo|mandando)\S*",
            r"\bcontinuar (?:a )?receb\S*|\b(?:manter|mantenha|ficar) (?:\S+ ){0,2}na lista\b|\b(?:continue|continuemos|continuar) (?:a )?(?:\S+ ){0,1}(?:enviar|mandar|escrever|enviando|mandando)\S*",
            r"\b(?:mantenga|mantenere|restare|rimanere|tenerla|tenerti|tenervi|tenerlo) (?:\S+ ){0,2}(?:nella|in) (?:\S+ )?lista\b|\bcontinuare a ricevere\b|\bcontinu(?:i|are|iamo) a (?:mandar|inviar|scriver)\S*",
            r"\bop de lijst blijven\b|\bblijven ontvangen\b|\bop de hoogte (?:\S+ ){0,2}houden\b|\b(?:blijven|blijf) (?:\S+ ){0,2}(?:mailen|sturen|toesturen)\b",
            r"\bоставить вас\b|\bпродолжать (?:\S+ ){0,2}(?:получать|присылать|писать|отправлять)\b|\bдержать вас в курсе\b",
            // "vuoi che continui a tenerti aggiornata?", "¿Le mantengo informado?"
            // "Можно и дальше вам писать?", "La tengo in lista per l'aggiornamento di primavera?"
            r"\bдальше (?:\S+ ){0,1}(?:писать|присылать|отправлять|информировать)\b|\b(?:la|ti|vi|lo) (?:tengo|teniamo|lascio|lasciamo|mantengo|manteniamo) (?:\S+ ){0,1}(?:in|nella) (?:\S+ )?lista\b",
            r"\b(?:tenerti|tenerla|tenervi) aggiornat\S*|\bmanten(?:erte|erle|go|ga) (?:\S+ ){0,1}informad\S*|\bvous tenir (?:informe|au courant)|\bkeep you (?:posted|updated|in the loop)\b|\bmanter (?:\S+ ){0,1}informad\S*",
        ])?,
        close_word: Regex::new(
            r"\b(?:close|closing|schlie\S*|zumachen|fermer|fermez|clore|cloturez|cloturer|classer|classez|cerrar|cierr\S*|cerrad\S*|archivelo|encerr\S*|fech\S*|chiud\S*|archivi\S*|sluit|sluiten|afsluiten|закры\S*|закро\S*)",
        )
        .ok()?,
        cease_word: Regex::new(
            r"\b(?:stop|stopp|stoppen|stoppt|aufhoren|horen sie auf|lassen sie es|lass es|sein lassen|dejalo|dejelo|dejemoslo|lo (?:dejamos|dejo) (?:aqui|ahi|asi)|parar|pares|parad|arret\S*|cessez|pare|paren|parem|para|basta|smett\S*|stopt|hou (?:maar )?op|ophouden|стоп|хватит|прекрат\S*|перестан\S*)\b",
        )
        .ok()?,
        yes: Regex::new(
            r"^\s*(?:(?:that |it )?would be (?:great|appreciated|nice|good|helpful)|i would|i do|ce serait (?:apprecie|bien|parfait|gentil)|было бы (?:неплохо|хорошо|здорово)|(?:das )?ware (?:nett|gut|super|prima)|seria (?:otimo|bom|genial|estupendo|perfecto)|sarebbe (?:gradito|perfetto|ottimo)|dat zou (?:fijn|mooi|prima) zijn|yes|yep|yeah|yup|sure|correct|right|exactly|indeed|please do|do it|go ahead|ok|okay|ja|jawohl|genau|gerne|bitte|oui|volontiers|exact|exactement|absolument|si|claro|vale|por favor|sim|pode|deve sim|pode sim|prefiro|isso|certo|exato|prefiero|preferisco|je prefere|esatto|va bene|prego|graag|klopt|prima|да|давайте|верно|конечно|ага)\b",
        )
        .ok()?,
        ongoing: Regex::new(
            r"\b(?:again|once more|from time to time|now and then|every now|occasionally|regularly|monthly|every month|each month|updates?|newsletters?|noch ?(?:ein)?mal|wieder|ab und (?:zu|an)|gelegentlich|regelmassig|monatlich|encore|de nouveau|a nouveau|de temps en temps|regulierement|chaque mois|otra vez|de nuevo|de vez en cuando|cada mes|mensual\S*|novamente|de novo|outra vez|de vez em quando|todo mes|mensal\S*|ancora|di nuovo|ogni tanto|di tanto in tanto|ogni mese|mensil\S*|nog eens|opnieuw|weer|af en toe|elke maand|maandelijks|снова|еще раз|время от времени|иногда|каждый месяц|ежемесячн\S*|буду|раз в (?:месяц|неделю)|once a (?:month|week)|every week|weekly|wochentlich|chaque semaine|cada semana|toda semana|ogni settimana|wekelijks|elke week|in (?:the )?future|kunftig|zukunftig|in zukunft|a l'avenir|en el futuro|no futuro|in futuro|in de toekomst|в будущем)\b",
        )
        .ok()?,
        sending: Regex::new(
            r"\b(?:send|share|schick\S*|send\S*|envoy\S*|envi\S*|mand\S*|sturen|toesturen|присыла\S*|отправля\S*)",
        )
        .ok()?,
        offer_question: Regex::new(concat!(
            r"\b(?:shall|should|can|may) i (?:\S+ ){0,1}send\b|\bwant me to send\b|\bwould you like (?:me to send|to see|to get)\b",
            r"|\bsoll(?:en)? (?:ich|wir) (?:ihnen|dir|euch) (?:\S+ ){0,4}(?:schicken|senden|zusenden)\b|\bdarf ich (?:ihnen|dir|euch) (?:\S+ ){0,4}(?:schicken|senden|zusenden)\b",
            r"|\bje vous (?:envoie|transmets)\b|\b(?:puis je|dois je) vous (?:envoyer|transmettre)\b|\bvoulez vous (?:que je vous (?:envoie|transmette)|recevoir)\b",
            r"|\b(?:te|le|les|os) (?:envio|mando)\b|\bque te (?:envie|mande)\b|\bque (?:eu )?(?:lhe |te )?(?:envie|mande)\b|\b(?:posso|devo) (?:lhe |te )?(?:enviar|mandar)\b",
            r"|\b(?:le|ti|vi) (?:invio|mando|giro)\b|\bche (?:le |ti )?(?:invii|mandi)\b",
            r"|\bzal ik (?:je|u|jullie) (?:\S+ ){0,4}(?:sturen|toesturen|mailen)\b|\bwil (?:je|u) dat ik (?:\S+ ){0,4}(?:stuur|opstuur|mail)\b",
            r"|\b(?:прислать|выслать|отправить)\b",
        ))
        .ok()?,
        fit_question: Regex::new(concat!(
            r"\b(?:is this|would this be|could this be|is it) (?:\S+ ){0,3}(?:a fit|relevant|of interest|interesting|something for|on your radar)\b|\bworth a (?:chat|look|call|conversation)\b",
            r"|\b(?:ware|waere|ist|waer) (?:das|dies) (?:\S+ ){0,3}(?:etwas|interessant|relevant)\b|\bpasst (?:das|dies) (?:\S+ ){0,2}(?:zu|bei)\b",
            r"|\bcela vous (?:interesse|parle)\b|\b(?:est ce|serait ce) (?:\S+ ){0,3}(?:pertinent|interessant)\b|\bca vous (?:interesse|parle)\b",
            r"|\b(?:te|os|le|les) (?:encaja|interesa|cuadra)\b|\b(?:faz|faria) sentido\b|\b(?:lhe|te|vos) interessa\b|\bencaixa\b",
            r"|\b(?:le|vi|ti) (?:interessa|potrebbe interessare)\b|\bpotrebbe fare al caso\b",
            r"|\bzou (?:dit|dat) (?:\S+ ){0,3}(?:iets|interessant)\b|\biets voor (?:jullie|u|je)\b",
            r"|\b(?:интересно|актуально) ли\b|\bвам (?:это )?(?:интересно|актуально)\b",
        ))
        .ok()?,
        right_person: Regex::new(
            r"\b(?:the right (?:person|contact)|richtige(?:n)? (?:ansprechpartner\S*|person|kontakt)|bonne personne|bon interlocuteur|persona (?:adecuada|indicada|correcta)|pessoa (?:certa|indicada|correta)|persona giusta|interlocutore giusto|juiste (?:persoon|contactpersoon)|нужн\S* человек|правильн\S* (?:человек|контакт))\b",
        )
        .ok()?,
        someone_else: Regex::new(
            r"\b(?:someone|somebody|anyone) else\b|\bjemand (?:anderen|anders|anderem)\b|\bquelqu'?un d'?autre\b|\b(?:otra persona|alguien mas)\b|\b(?:outra pessoa|outro colega)\b|\bqualcun altro\b|\biemand anders\b|\bкому[- ]то другому\b|\bкого[- ]то другого\b",
        )
        .ok()?,
        leave: Regex::new(
            r"\b(?:(?:may|can|could|shall) i|(?:is it|would it be) (?:ok|okay|alright)|ok (?:if|to)|okay (?:if|to)|darf ich|kann ich|mag ik|kan ik|zal ik|puis je|je peux|est ce que je peux|puedo|podria|te parece (?:bien )?si|le parece (?:bien )?si|posso|poderia|potrei|можно (?:я|мне|ли)|могу ли я)\b",
        )
        .ok()?,
        prefer_not_second: Regex::new(
            r"\bor (?:would|do) you (?:\S+ ){0,1}(?:prefer|rather) (?:that )?i (?:don'?t|don t|do not|didn'?t|didn t|stop|not)\b|\boder (?:\S+ ){0,2}lieber (?:nicht|keine)\b|\bou (?:\S+ ){0,2}prefer\S* (?:que je ne|que eu nao|que nao)\b|\bo (?:\S+ ){0,2}prefier\S* que no\b|\bo (?:\S+ ){0,2}preferisc\S* che non\b|\bof (?:\S+ ){0,2}liever (?:niet|geen)\b",
        )
        .ok()?,
        stop_second: Regex::new(concat!(
            r"\bor (?:should|shall) i (?:just )?stop\b|\bor (?:should|shall|can) i (?:\S+ ){0,2}(?:take|remove) you\b",
            r"|\boder soll(?:en)? (?:ich|wir) (?:\S+ ){0,4}(?:aufhoren|nicht mehr|lassen|nehmen|entfernen|austragen|schliessen|schließen)\b",
            r"|\bou (?:dois-je|je dois|faut-il|preferez-vous que (?:j'|je )) ?(?:\S+ ){0,2}(?:arrete|cesse|retire)",
            r"|\bo (?:\S+ ){0,3}(?:deje|dejemos|dejar|pare|paremos|parar) de\b|\bo (?:\S+ ){0,2}(?:te|le) (?:doy|damos) de baja\b",
            r"|\bou (?:\S+ ){0,4}(?:pare|paremos|parar|deixe|deixemos|deixar) de\b|\bou (?:devo|paro) ",
            r"|\bo (?:\S+ ){0,3}smett|\bo (?:\S+ ){0,3}(?:la |ti )?(?:tolga|tolgo|rimuova|rimuovo|cancelli|cancello)\b",
            r"|\bof (?:zal|moet) ik (?:\S+ ){0,4}(?:stoppen|ophouden|eraf halen|verwijderen|afmelden)\b",
            r"|\bили (?:\S+ ){0,3}(?:перестать|прекратить|перестал|перестала|удалить|исключить)",
            r"|\bo (?:\S+ ){0,3}(?:mi fermi|mi fermo)\b|\bo (?:\S+ ){0,3}no (?:insista|insistamos)\b",
            r"|\bou (?:\S+ ){0,3}(?:je m'arrete|j'arrete) (?:la|ici)\b",
        ))
        .ok()?,
        latter: Regex::new(
            r"^\s*(?:(?:so|then|well|ok|okay|dann|also|alors|donc|entonces|pues|quindi|allora|entao|dus|тогда|ну),? )?(?:the latter|the other(?: one| option)?|the second|the last(?: one| option)?|second (?:one|option|choice)|last (?:one|option|choice)|letzteres|das letztere|das zweite|ce dernier|la derniere|le second|la seconde(?: option)?|la deuxieme(?: option)?|lo segundo|lo ultimo|la segunda(?: opcion)?|la ultima(?: opcion)?|o segundo|a segunda(?: opcao)?|o ultimo|a ultima(?: opcao)?|la seconda|l'ultima|het laatste|het tweede|de tweede|de laatste|второе|последнее|второй вариант|последний вариант|(?:the |la |le |de |het |el |o |a |il )?(?:2nd|2e|2eme|2de|2o|2a|2do|2da)(?: (?:one|option|choice|opcion|opcao|opzione|optie|variante))?)\b",
        )
        .ok()?,
        former: Regex::new(
            r"^\s*(?:(?:so|then|well|ok|okay|dann|also|alors|donc|entonces|pues|quindi|allora|entao|dus|тогда|ну),? )?(?:the former|the first|first (?:one|option|choice)|ersteres|das erste|le premier|la premiere|lo primero|la primera|o primeiro|a primeira|la prima|il primo|het eerste|первое|первыи|(?:the |la |le |de |het |el |o |a |il )?(?:1st|1e|1er|1re|1ere|1o|1a)(?: (?:one|option|choice|opcion|opcao|opzione|optie|variante))?)\b",
        )
        .ok()?,
        no: Regex::new(
            r"^\s*(?:no|nope|nah|nein|non|nee|neen|nao|нет)\b",
        )
        .ok()?,
        off: Regex::new(
            r"^\s*(?:(?:so|then|just|please|dann|bitte|alors|donc|entonces|pues|quindi|allora|entao|dus|graag),? )?(?:off|take me off|eraf|haal me eraf|runter|fuera|fora|dehors)\b",
        )
        .ok()?,
        keyword: Regex::new(concat!(
            r#"(?i:\b(?:reply|respond|answer|write back|type|responder|responda|responde|contestar|conteste"#,
            r#"|antworten sie|antworte|antwortet|schreiben sie|r[ée]pondez|r[ée]ponds|r[ée]pondre|rispondi|risponda"#,
            r#"|rispondere|antwoord|beantwoord|reageer|reageren|reageert|ответьте|напишите|ответить)\b)[^"'“”«»„.!?]{0,50}?"#,
            r#"(?:["'“”«»„]([^"'“”«»„]{1,15})["'“”«»„]|\b(\p{Lu}{2,15})\b|(?:a |an |with a |with an )?(\p{So}))"#,
        ))
        .ok()?,
        rather_not: Regex::new(
            r"\b(?:rather not|prefer not|preferiria nao|prefiro nao|prefiere no|prefieres no|preferisce di no|preferisci di no|lieber nicht|preferez ne pas|preferes ne pas|liever niet|не хотите|не хочешь)\b",
        )
        .ok()?,
        no_need: Regex::new(
            r"\b(?:pas besoin|pas la peine|no need|no hace falta|nicht notig|kein bedarf|niet nodig|hoeft niet|non c'e bisogno|non serve|nao precisa|nao e preciso|не нужно|не надо|не стоит)\b",
        )
        .ok()?,
        offered_word: Regex::new(r#"["'“”«»„]([^"'“”«»„]{1,15})["'“”«»„]|\b(\p{Lu}{2,15})\b|(\p{So})"#).ok()?,
        other_keyword: Regex::new(
            r#"^\s*(?:or|o|ou|oder|of|или|oppure)\s+(?:["'“”«»„]([^"'“”«»„]{1,15})["'“”«»„]|\b(\p{Lu}{2,15})\b)"#,
        )
        .ok()?,
        alternative: Regex::new(r"\b(?:or|oder|ou|o|of|или|oppure|ovvero|soit)\b").ok()?,
        greeting: Regex::new(
            r"^\s*(?:hi|hey|hello|dear|hoi|hallo|beste|dag|moin|servus|liebe|lieber|sehr geehrte|sehr geehrter|guten tag|bonjour|salut|hola|buenos dias|buenas|estimada|estimado|ciao|buongiorno|salve|gentile|ola|oi|bom dia|boa tarde|prezado|prezada|caro|cara|привет|здравствуйте|добрый день)\b[^,:;.!?]{0,30}[,:]\s*",
        )
        .ok()?,
        stop_option: Regex::new(
            r"\b(?:(?:aus|von) (?:\S+ ){0,2}(?:verteiler|liste|mailingliste|datenbank|kartei) (?:\S+ ){0,1}(?:nehmen|streichen|entfernen|loschen|austragen)|never hear|not hear from|not (?:\S+ ){0,1}(?:contact|email|write to|bother) you|lose my (?:address|details|email|number)|forget (?:me|my (?:address|details|email))|(?:saco|sacar|sacamos|saque) de|uit (?:\S+ ){0,2}(?:bestand|lijst|database|systeem)|won'?t hear|won t hear|hear from (?:me|us) again|leave (?:me|us) be|(?:don'?t|don t|do not) (?:\S+ ){0,1}(?:email|e mail|contact|write|message|mail)|ya no|no (?:me|nos) (?:escrib|contact|mand|envi)\S*|nao (?:me|nos) (?:escrev|contat|contact|mand|envi)\S*|non (?:mi|ci) (?:scriv|contatt|mand|invi)\S*|ne (?:m'|me |nous )(?:ecri|contact|envoy)\S* plus|no more|stop|unsubscribe|remove|opt (?:me |us )?out|take me off|nie wieder|nichts mehr|nicht mehr|keine weiteren|abmelden|austragen|plus jamais|ne plus|ne (?:\S+ ){1,2}plus|desinscri\S*|nunca mas|nunca mais|no volver a|no (?:vuelvas|vuelva|vuelvan) a|nao voltar a|baja|descadastr\S*|mai piu|non (?:\S+ ){1,3}piu|disiscri\S*|tolg\S*|nooit meer|niet meer|niets meer|niks meer|geen (?:\S+ ){0,2}meer|nao (?:\S+ ){0,2}mais|no (?:\S+ ){0,2}mas|afmeld\S*|uitschrijv\S*|никогда|больше (?:\S+ ){0,2}не|отпис\S*|parar de|deixar de|dejar de|smettere di|smetta di|cesse\S* de|arrete\S* de|aufhoren|perestan\S*|перестать|haal me|van de lijst|met rust|in ruhe|en paz|em paz|in pace|tranquille|leave (?:me|you) alone|retir\S*|supprim\S*|elimin\S*|borr\S*|quit(?:a|e|ar)\S*|entfern\S*|losch\S*|verwijder\S*|удал\S*)",
        )
        .ok()?,
        close_option: Regex::new(
            r"\b(?:close (?:my|the|our) (?:file|record)|(?:akte|eintrag) (?:\S+ ){0,2}schlie\S*|schlie\S* (?:\S+ ){0,2}akte|(?:fermer|fermez|clore|cloturer|cloturez) (?:\S+ ){0,2}dossier|(?:cerrar|cierra|cierre) (?:\S+ ){0,2}(?:ficha|expediente)|(?:encerrar|encerre|fechar|feche) (?:\S+ ){0,2}(?:ficha|cadastro|processo)|chiud\S* (?:\S+ ){0,2}(?:pratica|scheda)|(?:sluit|sluiten) (?:\S+ ){0,2}dossier|закр\S* (?:\S+ ){0,2}(?:досье|карточку))",
        )
        .ok()?,
        rather_not_question: Regex::new(
            r"\b(?:or|of|oder|ou|o|или)(?: \S+){0,2} (?:rather not|prefer not|not at all|liever niet|lieber nicht|eher nicht|plutot pas|preferez pas|mejor no|prefieres que no|prefiere que no|preferisci di no|preferisce di no|meglio di no|meglio no|melhor nao|prefere que nao|prefiro que nao|лучше не)$",
        )
        .ok()?,
        further_contact: Regex::new(
            r"\b(?:contact|reach out|write|email|e mail|follow up|check in|get back|touch base|get in touch|hear from|melde\S*|schreib\S*|kontakt\S*|ecrire|ecrive|recontact\S*|relanc\S*|escrib\S*|contact\S*|escrev\S*|contat\S*|scriv\S*|ricontatt\S*|sentir\S*|contact opnemen|schrijven|mailen|benader\S*|aankloppen|писать|напишу|связаться|свяжусь)",
        )
        .ok()?,
        rather_not_answer: Regex::new(
            r"^\s*(?:(?:no|nein|non|nee|nao|нет),? )?(?:(?:i'?d )?rather not|prefer not|liever niet|lieber nicht|eher nicht|plutot pas|plutot non|mejor no|prefiero que no|meglio di no|meglio no|preferisco di no|preferirei di no|preferirei no|melhor nao|prefiro que nao|лучше не)\b",
        )
        .ok()?,
        answer_marker: Regex::new(
            r"\b(?:to answer your (?:\S+ )?question|answering your (?:\S+ )?question|in answer to your question|as for your question|to your question|zu ihrer frage|zu deiner frage|um ihre frage zu beantworten|pour repondre a (?:votre|ta) question|quant a (?:votre|ta) question|en respuesta a (?:tu|su) pregunta|respondiendo a (?:tu|su) pregunta|sobre (?:tu|su) pregunta|respondendo (?:a )?(?:sua|tua|a sua|a tua) pergunta|quanto a (?:sua|tua) pergunta|per rispondere alla (?:sua|tua) domanda|quanto alla (?:sua|tua) domanda|om (?:je|uw) vraag te beantwoorden|om op (?:je|uw) vraag te antwoorden|om op (?:je|uw) vraag terug te komen|wat (?:je|uw) vraag betreft|отвечая на ваш вопрос|на (?:ваш|твой) вопрос отвечаю|отвечаю на (?:ваш|твой) вопрос|по вашему вопросу)\b[^.!?:]*[:,.]\s*",
        )
        .ok()?,
        asked: Regex::new(
            r"\b(?:you asked|you were asking|you wanted to know|sie fragten|sie haben gefragt|du fragtest|du hast gefragt|vous me demandiez|vous demandiez|tu me demandais|me preguntabas|me preguntaba|me preguntaste|me pregunto|me pregunta|voce perguntou|voce me perguntou|me perguntou|perguntou se|mi chiedeva|mi chiedevi|mi ha chiesto|mi hai chiesto|u vroeg|je vroeg|вы спрашивали|вы спросили|ты спрашивал|ты спросил)\b[^.!?]*[.?!]\s*",
        )
        .ok()?,
        conclusion: Regex::new(
            r"^\s*(?:and so|so|also|daher|deshalb|darum|kurz gesagt|kurzum|quindi|dunque|percio|insomma|in breve|entao|portanto|por isso|resumindo|em resumo|donc|alors|du coup|bref|en bref|en resume|asi que|por eso|por lo tanto|en resumen|en fin|dus|daarom|kortom|kort gezegd|так что|поэтому|итак|короче|in short|long story short|bottom line|in a word)\b[\s,:-]*",
        )
        .ok()?,
        joined_clause: Regex::new(r"(?:,|\s[-–—])\s*(?:and|und|et|y|e|en|и|а)\s").ok()?,
        letter_named: Regex::new(
            r"^\s*(?:(?:a|la|the|de|die|der|il|el|o|le|l')\s*)?(?:letra|lettre|letter|lettera|buchstabe|буква)\s+",
        )
        .ok()?,
        ordinal: Regex::new(&format!(
            r"^\s*(?:(?:so|then|well|ok|okay|dann|also|alors|donc|entonces|pues|quindi|allora|entao|dus|тогда|ну),? )?(?:(?:the|la|le|ce|el|lo|o|a|il|l'|het|de|das|die|der|den) ?)?(?:(?:number|nummer|numero|nr|option|optie|opcion|opcao|opzione|variante|вариант|номер) )?({})(?: (?:one|option|choice|opcion|opcao|opzione|optie|variante|вариант|punkt|punto|ponto|item|alternative|alternativa|possibilite|proposition|keuze|mogelijkheid))?\b(?:[ ,:-]+[^ ,:-]+){{0,3}}[ ,:-]*$",
            ORDINALS.join("|")
        ))
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

/// A letter opening a line as a menu item's mark ("a - let's talk", "c) stop"), or a symbol
/// ("❌ keine weiteren E-Mails", "🚫 afmelden"), with its offset.
fn letter_mark(line: &str) -> Option<(usize, char)> {
    // "(c) an email from me in six months": the letter inside brackets.
    let line = match line.strip_prefix('(') {
        Some(rest) if rest.chars().nth(1) == Some(')') => rest,
        _ => line,
    };
    let mut chars = line.char_indices();
    let (i, c) = chars.next()?;
    let after = &line[i + c.len_utf8()..];
    let rest = after.trim_start();
    let letter = ('a'..='e').contains(&c) && rest.starts_with(['-', '–', '—', ')', '.', ':']);
    let symbol = is_symbol(c) && after.starts_with(char::is_whitespace) && !rest.is_empty();
    (letter || symbol).then_some((i, c))
}

/// The letters a–e in brackets within a line ("(a) … (b) … (c) …"), with the offsets of the
/// letters, when they start at "(a)" and run in order.
fn bracketed_letters(line: &str) -> Vec<(usize, char)> {
    let mut out: Vec<(usize, char)> = Vec::new();
    for (i, _) in line.match_indices('(') {
        let mut chars = line[i + 1..].chars();
        if let (Some(c), Some(')')) = (chars.next(), chars.next())
            && ('a'..='e').contains(&c)
        {
            let next = out.last().map_or('a', |&(_, p)| char::from(p as u8 + 1));
            if c != next {
                return Vec::new();
            }
            out.push((i + 1, c));
        }
    }
    out
}

/// An emoji or other pictograph a menu may use as an item's mark.
fn is_symbol(c: char) -> bool {
    !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace() && !"«»“”„‘’–—•·".contains(c)
}

/// A quoted menu's item that offers to stop: its mark (number, letter or symbol), its place
/// among the items (1-based) and how many items the menu has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Menu {
    mark: char,
    place: usize,
    items: usize,
}

/// The number (or letter) of the quoted menu's item that offers to stop ("Reply 1 for a
/// call, 2 for later, 3 to never hear from us again"; "A - let's talk, B - not now, C -
/// please stop"), when the body (its folded lines) holds such a menu: items 1 and 2 (a and
/// b), each item running to the next mark or the end of its line. The menu's items are the
/// marks that run on from 1 (or a) without a gap ("6 heures" in the text above it is none).
fn stop_option(p: &Patterns, lines: &[String]) -> Option<Menu> {
    let offers = |item: &str| item.len() <= 80 && offers_stop_item(p, item);
    let items = menu_items(lines);
    let numbers: Vec<char> = items.iter().map(|&(n, _)| n).collect();
    let Some(n) = items.iter().find(|(_, item)| offers(item)).map(|&(n, _)| n) else {
        // "* Please don't email me again" in a bulleted list: named only by its place ("The
        // last one.").
        return bullet_runs(lines).into_iter().find_map(|run| {
            let place = run.iter().position(|item| offers(item))? + 1;
            Some(Menu {
                mark: BULLET,
                place,
                items: run.len(),
            })
        });
    };
    // The run of marks from the first: 1, 2, 3 … or a, b, c …
    let run = |first: u8| {
        (0u8..9)
            .take_while(|k| numbers.contains(&char::from(first + k)))
            .count()
    };
    let (place, items) = if n.is_ascii_digit() {
        (usize::from(n as u8 - b'0'), run(b'1'))
    } else if n.is_ascii() {
        (usize::from(n as u8 - b'a') + 1, run(b'a'))
    } else {
        let mut symbols: Vec<char> = Vec::new();
        for &m in &numbers {
            if is_symbol(m) && !symbols.contains(&m) {
                symbols.push(m);
            }
        }
        let place = symbols.iter().position(|&m| m == n).map_or(0, |k| k + 1);
        (place, symbols.len())
    };
    (items >= 2 && place >= 1 && place <= items).then_some(Menu {
        mark: n,
        place,
        items,
    })
}

/// Whether a menu item (folded) offers to stop or to close the reader's file: by the menu
/// wordings here, or by the cue tables reading its words as a stop ("4) por favor, parem de me
/// enviar e-mails", "г) уберите меня из рассылки").
fn offers_stop_item(p: &Patterns, item: &str) -> bool {
    p.stop_option.is_match(item)
        || p.close_option.is_match(item)
        || !compose::stop_hits_marked(item).is_empty()
}

/// The choices of one question written in a line ("Send you the calculator, book a call, or
/// close this out?"): its comma-separated parts, the last one split at its "or".
fn inline_choices<'a>(p: &Patterns, question: &'a str) -> Vec<&'a str> {
    let mut parts: Vec<&str> = question.split(',').collect();
    if let Some(last) = parts.pop() {
        match p.alternative.find(last) {
            Some(m) => {
                if !last[..m.start()].trim().is_empty() {
                    parts.push(&last[..m.start()]);
                }
                parts.push(&last[m.end()..]);
            }
            None => parts.push(last),
        }
    }
    parts.retain(|s| !s.trim().is_empty());
    parts
}

/// The mark of a bulleted list's items (named by their place only).
const BULLET: char = '•';

/// The marked items of a body's (folded) lines, in order: a line opened by a letter or a
/// symbol is that item ("b) una demo di 5 minuti"); letters in brackets inside one line are
/// its items ("Quick poll: (A) book a demo, (B) get the one-pager, (C) never hear from me
/// again?"); otherwise each standalone digit opens one ("Reply 1 for a call, 2 for later").
fn menu_items(lines: &[String]) -> Vec<(char, &str)> {
    let mut items = Vec::new();
    for line in lines {
        let marks = match letter_mark(line) {
            Some(mark) => vec![mark],
            None => match bracketed_letters(line) {
                letters if letters.len() >= 2 => letters,
                _ => lone_digits(line),
            },
        };
        for (k, &(i, n)) in marks.iter().enumerate() {
            let end = marks.get(k + 1).map_or(line.len(), |&(j, _)| j);
            items.push((n, line.get(i + n.len_utf8()..end).unwrap_or_default()));
        }
    }
    items
}

/// The runs of two or more consecutive bulleted lines ("* …", "- …", "• …"), their items'
/// text.
fn bullet_runs(lines: &[String]) -> Vec<Vec<&str>> {
    let mut runs: Vec<Vec<&str>> = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    for line in lines {
        let item = ["* ", "- ", "• ", "· ", "– ", "— "]
            .iter()
            .find_map(|b| line.strip_prefix(b));
        match item {
            Some(item) if !item.trim().is_empty() => run.push(item),
            _ => {
                if run.len() >= 2 {
                    runs.push(std::mem::take(&mut run));
                }
                run.clear();
            }
        }
    }
    if run.len() >= 2 {
        runs.push(run);
    }
    runs
}

/// Words after which a bare no stands on its own, folded: thanks ("No thanks", "Nein danke",
/// "Non merci", "Нет спасибо") or a "want" that the no declines ("No quiero", "Não quero
/// não").
const AFTER_NO: &[&str] = &[
    "thank",
    "thanks",
    "thx",
    "ta",
    "danke",
    "merci",
    "gracias",
    "obrigado",
    "obrigada",
    "grazie",
    "bedankt",
    "dank",
    "hoor",
    "спасибо",
    "please",
    "bitte",
    "lieber",
    "quero",
    "quiero",
    "voglio",
    "want",
    "wil",
    "will",
    "mochte",
    "veux",
    "souhaite",
    "хочу",
];

/// "Not me" in the table languages (folded), opening an answer.
const NOT_ME: &[&str] = &[
    "not me",
    "nicht ich",
    "pas moi",
    "no yo",
    "no soy yo",
    "nao sou eu",
    "nao eu",
    "non io",
    "non sono io",
    "niet ik",
    "не я",
];

/// What a short answer to the seller's yes/no question says, when it is not a stop: a yes to
/// an offer to send something or to "is this a fit?" is interest ("Да, присылайте.", "Ja,
/// bitte schicken."), a no to them a refusal ("Pues no, la verdad."); "someone else" (or a
/// yes to "should I try someone else?") points elsewhere. `folded` is the reply's new text,
/// `body` the whole body with the quoted questions.
pub(crate) fn short_answer(body: &str, folded: &str) -> Option<ReplyClass> {
    let p = PATTERNS.as_ref()?;
    let first = folded.split(['.', '!', '?', ';']).next()?.trim();
    if first.is_empty()
        || first.split_whitespace().count() > NO_WORDS
        || folded.split_whitespace().count() > TEXT_WORDS
    {
        return None;
    }
    let quoted = body_lines(body)
        .into_iter()
        .filter(|l| !l.is_empty() && !folded.contains(l.as_str()))
        .collect::<Vec<_>>()
        .join(" ");
    let asked: Vec<&str> = questions(&quoted).collect();
    let kind = |re: &Regex| asked.iter().any(|q| re.is_match(q));
    let (offer, fit, elsewhere) = (
        kind(&p.offer_question),
        kind(&p.fit_question),
        kind(&p.someone_else),
    );
    // "Not me. Finance - ask for Bethany." under "Are you the right person to talk to …?".
    // Not a footer's "Not the right person? Let me know …".
    let right_person = asked
        .iter()
        .any(|q| p.right_person.is_match(q) && !compose::negated(q));
    if right_person
        && !elsewhere
        && (p.no.is_match(first) || NOT_ME.iter().any(|w| first.starts_with(w)))
    {
        return Some(ReplyClass::WrongPerson);
    }
    // "Someone else. Try payroll@…" / "Ja, an Frau Krüger im Einkauf." under "… or is that
    // someone else?" / "sollte ich mich lieber an jemand anderen wenden?".
    if elsewhere
        && (p.someone_else.is_match(first)
            || (p.yes.is_match(first) && !compose::negated(first) && !offer && !fit))
    {
        return Some(ReplyClass::WrongPerson);
    }
    if offer == fit {
        // Neither, or both (which one the answer takes is unclear).
        return None;
    }
    if p.no.is_match(first) || first.starts_with("pues no") || first.starts_with("bueno no") {
        return Some(ReplyClass::NotInterested);
    }
    (p.yes.is_match(first) && !compose::negated(first)).then_some(ReplyClass::Interested)
}

/// The text of the quoted menu item a short answer names ("2", "B", "👍", "The first one",
/// "Die Zwei."), when the answer is a mark or an ordinal alone (a few words at most around
/// it): what the writer chose, for the classes other than a stop request ("1 - Worth a
/// 15-minute look next week" → interest; "2 - Not now, check back after the summer").
pub(crate) fn menu_choice(body: &str, folded: &str) -> Option<String> {
    let p = PATTERNS.as_ref()?;
    let sentence = folded.split(['.', '!', '?', ';', '\n']).next()?.trim();
    // The part naming the item: "Le 1, la semaine prochaine" → "Le 1"; "c - Tom Reyes, ops".
    let first = sentence
        .split([',', ':', '(', '—', '–'])
        .next()
        .and_then(|part| part.split(" - ").next())
        .unwrap_or(sentence)
        .trim();
    if first.is_empty()
        || first.split_whitespace().count() > CHOICE_WORDS
        || compose::negated(first)
        || folded.split_whitespace().count() > TEXT_WORDS
    {
        return None;
    }
    // The quoted lines only: not the answer's own ("Option 2, thanks").
    let mut lines = body_lines(body);
    lines.retain(|l| l.trim().is_empty() || !folded.contains(l.trim()));
    let items = menu_items(&lines);
    let numbered = |n: char| {
        let marks: Vec<char> = items.iter().map(|&(m, _)| m).collect();
        let first = if n.is_ascii_digit() { '1' } else { 'a' };
        n.is_ascii_alphanumeric()
            && marks.contains(&first)
            && marks.contains(&char::from(first as u8 + 1))
    };
    // The item a mark opens (not the answer's own line: "2").
    let item = |mark: char| {
        items
            .iter()
            .find(|&&(m, t)| m == mark && !t.trim().is_empty())
            .map(|&(_, t)| t)
    };
    // An ordinal: the item at that place of the menu (its last for "the last one").
    if let Some(place) = ordinal_place(p, first) {
        let pick = |list: Vec<&str>| -> Option<String> {
            let k = if place == usize::MAX {
                list.len().checked_sub(1)?
            } else {
                place - 1
            };
            list.get(k).map(|s| s.to_string())
        };
        let digits: Vec<&str> = ('1'..='9').map_while(item).collect();
        let letters: Vec<&str> = ('a'..='e').map_while(item).collect();
        for list in [digits, letters] {
            if list.len() >= 2 {
                return pick(list);
            }
        }
        return bullet_runs(&lines).into_iter().next().and_then(pick);
    }
    // A mark: one digit, one bare letter, or a symbol alone.
    let digits = answer_digits(first, roman_menu(body));
    let words: Vec<&str> = first.split_whitespace().collect();
    let mark = match digits.as_slice() {
        [(_, d)] => Some(*d),
        [] => {
            let letters: Vec<char> = words
                .iter()
                .filter_map(|w| {
                    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
                    let mut cs = w.chars();
                    match (cs.next(), cs.next()) {
                        (Some(c), None) if ('a'..='e').contains(&c) => Some(c),
                        _ => None,
                    }
                })
                .collect();
            // "A b.": the Portuguese article before the letter.
            let letter = match letters.as_slice() {
                [c] => Some(*c),
                ['a', c] => Some(*c),
                _ => None,
            };
            // A sign opening the answer: "✅ Joost", "👍 mornings are best".
            let symbol = words.first().map(|w| w.trim_end_matches('\u{FE0F}'));
            let mut cs = symbol.unwrap_or_default().chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) if is_symbol(c) => Some(c),
                _ => letter,
            }
        }
        _ => None,
    }?;
    if !(numbered(mark) || is_symbol(mark)) {
        return None;
    }
    item(mark).map(str::to_string)
}

/// The place an answer names by its ordinal ("La troisième.", "Третий вариант.", "The third
/// one, thanks"), or the last place ("The last one", "Letzteres") as `usize::MAX`.
fn ordinal_place(p: &Patterns, sentence: &str) -> Option<usize> {
    let c = p.ordinal.captures(sentence)?;
    let word = c.get(1)?.as_str();
    ORDINALS
        .iter()
        .position(|words| words.split('|').any(|w| w == word))
        .map(|k| {
            if k == ORDINALS.len() - 1 {
                usize::MAX
            } else {
                k + 1
            }
        })
}

/// Ordinal words (folded) by place, with the cardinals an answer may name a place by ("Die
/// Drei.", "Two, thanks"); the last entry the words for "the last".
const ORDINALS: [&str; 5] = [
    "1st|1e|1er|1re|1ere|1o|1a|first|former|erste|ersten|erstere|ersteres|premier|premiere|primero|primera|primeiro|primeira|primo|prima|eerste|первыи|первое|первая|первую|eins|один|одна",
    "2nd|2e|2eme|2de|2o|2a|2do|2da|second|zweite|zweiten|zweites|deuxieme|seconde|segundo|segunda|secondo|seconda|tweede|второи|второе|вторая|вторую|two|zwei|deux|dos|dois|due|twee|два|две",
    "3rd|3e|3eme|3de|3o|3a|3ro|3ra|3er|third|dritte|dritten|drittes|troisieme|tercero|tercera|tercer|terceiro|terceira|terzo|terza|derde|третии|третье|третья|третью|three|drei|trois|tres|tre|drie|три",
    "4th|4e|4eme|4de|4o|4a|4to|4ta|fourth|vierte|vierten|viertes|quatrieme|cuarto|cuarta|quarto|quarta|vierde|четвертыи|четвертое|четвертая|четвертую|four|vier|quatre|cuatro|quatro|quattro|четыре",
    "last|latter|letzte|letzten|letztes|letztere|letzteres|derniere|dernier|ultimo|ultima|laatste|последнии|последнее|последняя|последнюю",
];

/// The body folded once, line by line (menus are read per line, questions across them),
/// without the quote marks that open quoted lines: a question wrapped in the quote ("should
/// I\n> stop reaching out?") reads as one sentence.
fn body_lines(body: &str) -> Vec<String> {
    let lines: Vec<String> = body
        .lines()
        .map(|l| fold(l.trim_start_matches(|c: char| c == '>' || c.is_whitespace())))
        .collect();
    // A menu numbered with roman numerals ("I. Worth a conversation", "IV. Unsubscribe me")
    // is read as one numbered with digits.
    if lines.iter().filter(|l| roman_mark(l).is_some()).count() < 2 {
        return lines;
    }
    lines
        .into_iter()
        .map(|l| match roman_mark(&l) {
            Some((digit, end)) => format!("{digit}{}", &l[end..]),
            None => l,
        })
        .collect()
}

/// The roman numerals a menu may number its items with, from one.
const ROMAN: [&str; 9] = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"];

/// The digit of a (folded) roman numeral standing alone as a word.
fn roman(word: &str) -> Option<char> {
    let k = ROMAN.iter().position(|r| *r == word)?;
    char::from_digit(u32::try_from(k + 1).ok()?, 10)
}

/// A (folded) line opened by a roman numeral and "." or ")" and a space ("iv. unsubscribe
/// me"): the numeral's digit and where the mark ends.
fn roman_mark(line: &str) -> Option<(char, usize)> {
    let t = line.trim_start();
    let lead = line.len() - t.len();
    let end = t.find(['.', ')'])?;
    let digit = roman(&t[..end])?;
    t[end + 1..].starts_with(' ').then_some((digit, lead + end))
}

/// Whether a body holds a menu numbered with roman numerals.
fn roman_menu(body: &str) -> bool {
    body_lines(body)
        .iter()
        .zip(body.lines())
        .filter(|(folded, raw)| {
            let raw = fold(raw.trim_start_matches(|c: char| c == '>' || c.is_whitespace()));
            roman_mark(&raw).is_some() && folded.as_str() != raw
        })
        .count()
        >= 2
}

/// The digits a short answer names an item by: its digits, or under a menu numbered with
/// roman numerals, a numeral alone as a word ("iv", "IV.").
fn answer_digits(text: &str, roman_menu: bool) -> Vec<(usize, char)> {
    let digits = lone_digits(text);
    if !digits.is_empty() || !roman_menu || text.split_whitespace().count() > 3 {
        return digits;
    }
    let mut at = 0;
    let mut out = Vec::new();
    for word in text.split(' ') {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
        if let Some(d) = roman(bare) {
            out.push((at + word.find(bare).unwrap_or(0), d));
        }
        at += word.len() + 1;
    }
    out
}

/// Where (byte span in `folded`, the folded new text) a short answer asks to hear no more,
/// given the whole body (with the quoted question), the spans of the new text's lines in
/// `folded` and the unfolded new text.
pub(crate) fn stop_answer(
    body: &str,
    folded: &str,
    lines_at: &[(usize, usize)],
    new_text: &str,
) -> Option<(usize, usize)> {
    // A longer reply is read only by its first sentence ("Yes, please close it. To be fair to
    // you, the timing and the person are …", "3\n\nHonestly nothing personal. We've just
    // signed …").
    let long = folded.split_whitespace().count() > TEXT_WORDS;
    let negated = compose::negated(folded);
    let p = PATTERNS.as_ref()?;
    let lines = body_lines(body);
    let quoted = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    let close = p.close_question.iter().any(|re| re.is_match(&quoted));
    let stop = p.stop_question.iter().any(|re| re.is_match(&quoted));
    // A question asking leave for more contact over time: "Darf ich mich in ein paar Monaten
    // noch einmal bei Ihnen melden?", "Можно я буду присылать её и вам?".
    let keep = p.keep_question.iter().any(|re| re.is_match(&quoted))
        || questions(&quoted).any(|q| {
            !p.alternative.is_match(q)
                && p.leave.is_match(q)
                && (p.further_contact.is_match(q) || p.sending.is_match(q))
                && p.ongoing.is_match(q)
        });
    let interest = compose::class_hits(CueClass::Interested, folded);
    // Interest outside the answer itself ("Yes please" is a cue of interest on its own; "Yes,
    // Tuesday works" holds interest beside the yes).
    let interested_outside = |a: usize, b: usize| interest.iter().any(|h| h.start < a || h.end > b);
    let interested = || !interest.is_empty();
    // The sentences of the answer, line by line ("Eraf graag" over an unstripped "Outlook
    // voor Android downloaden"), with their byte offsets in `folded`, a greeting opening the
    // first one left out ("Hoi Sanne, ja, graag.").
    let mut sentences = Vec::new();
    for &(start, end) in lines_at {
        let Some(line) = folded.get(start..end) else {
            continue;
        };
        let mut at = start;
        for sentence in line.split(['.', '!', '?', ';']) {
            let lead = match sentences.is_empty() {
                true => p.greeting.find(sentence).map_or(0, |m| m.end()),
                false => 0,
            };
            // A name alone opening the answer ("Rafael,") is no sentence of it.
            let vocative = sentences.is_empty()
                && sentence.trim_end().ends_with(',')
                && sentence.split_whitespace().count() <= 2;
            if !vocative && !sentence[lead..].trim().is_empty() {
                sentences.push((at + lead, &sentence[lead..]));
            }
            at += sentence.len() + 1;
        }
    }
    if long {
        // "Então, respondendo sua pergunta: pode parar sim, por favor." / "Zu Ihrer Frage, ob
        // Sie sich lieber nicht mehr melden sollen: Ja, bitte.": the answer after the marker.
        let marked = p
            .answer_marker
            .find(folded)
            .and_then(|m| {
                sentences
                    .iter()
                    .position(|&(at, s)| at + s.len() > m.end())
                    .map(|k| (k, m.end()))
            })
            .or_else(|| asked(p, folded, &sentences))
            .or_else(|| (close || stop).then(|| conclusion(p, &sentences)).flatten());
        match marked {
            Some((k, end)) => {
                let (at, s) = sentences[k];
                let skip = end.saturating_sub(at).min(s.len());
                let rest = &s[skip..];
                // "Dus sluit het dossier maar, en op de hoogte houden is ook niet nodig.": the
                // answer ends where a clause joined by "and" begins.
                let cut = p.joined_clause.find(rest).map_or(rest.len(), |m| m.start());
                sentences = vec![(at + skip, &rest[..cut])];
            }
            None => sentences.truncate(1),
        }
    }
    if keep || stop {
        // "Off, thanks." / "I never asked to be on it, so: off." under "keep you on the list,
        // or should I take you off?": a part of at most four words, opening or closing its
        // sentence, that says off.
        for &(at, sentence) in &sentences {
            let parts = sentence.split([',', ':']).count();
            let mut from = 0;
            for (k, part) in sentence.split([',', ':']).enumerate() {
                if (k == 0 || k + 1 == parts)
                    && part.split_whitespace().count() <= YES_WORDS
                    && !compose::negated(part)
                    && let Some(m) = p.off.find(part)
                    && !interested_outside(at + from, at + from + part.len())
                {
                    return Some((at + from + m.start(), at + from + m.end()));
                }
                from += part.len() + 1;
            }
        }
    }
    if keep {
        // "No thank you." under "want me to keep you on the list?": take me off.
        if let Some(&(at, first)) = sentences.first()
            && first.split_whitespace().count() <= NO_WORDS
            && let Some(m) =
                p.no.find(first)
                    // A no on its own ("No, gracias.", "Nope.", "Non merci"), not the negation of
                    // the verb after it ("No lo cierres todavía.").
                    .filter(|m| {
                        let rest = first[m.end()..].trim_start();
                        let next = rest
                            .split(|c: char| !c.is_alphanumeric())
                            .next()
                            .unwrap_or_default();
                        rest.is_empty()
                            || rest.starts_with([',', '.', '!', '-', ':'])
                            || AFTER_NO.contains(&next)
                    })
                    .or_else(|| p.rather_not_answer.find(first))
                    // "Hoeft niet, hoor.": no need.
                    .or_else(|| {
                        p.no_need
                            .find(first)
                            .filter(|m| first[..m.start()].trim().is_empty())
                    })
            && !interested_outside(at, at + first.len())
        {
            return Some((at + m.start(), at + first.trim_end().len()));
        }
    }
    // "The latter, thanks." / "It's not a bad time. So the second option, please." under
    // "… or should I stop reaching out?"; "Lo primero." under "¿Prefieres que te quite de mi
    // lista o que te vuelva a escribir en otoño?".
    // Which choice stops is read (by the cue tables, over the quoted questions) only once an
    // answer names one.
    let mut sides: Option<(bool, bool)> = None;
    for &(at, sentence) in &sentences {
        if sentence.split_whitespace().count() > LATTER_WORDS || compose::negated(sentence) {
            continue;
        }
        let (latter, former) = (p.latter.find(sentence), p.former.find(sentence));
        if latter.is_none() && former.is_none() {
            continue;
        }
        let (first_stops, second_stops) = *sides.get_or_insert_with(|| {
            let (first, second) = choices(p, &quoted);
            (
                first,
                second
                    || ((close || stop) && p.stop_second.is_match(&quoted))
                    || p.prefer_not_second.is_match(&quoted),
            )
        });
        let chosen = match (latter, former) {
            (Some(m), _) if second_stops => Some(m),
            (_, Some(m)) if first_stops => Some(m),
            _ => None,
        };
        if let Some(m) = chosen {
            return Some((at + m.start(), at + m.end()));
        }
    }
    if close || stop {
        // A negation, or a "no need to" without one ("Pas besoin d'arrêter de m'écrire").
        let says_no = |t: &str| compose::negated(t) || p.no_need.is_match(t);
        for (k, &(at, sentence)) in sentences.iter().enumerate() {
            // "Yes, go ahead and close it - and no need to check back in down the road.",
            // "Oui, vous pouvez clore, et inutile de revenir vers moi": the answer ends where a
            // clause joined by "and" begins; what that clause adds does not turn it into a no.
            let sentence = p
                .joined_clause
                .find(sentence)
                .map_or(sentence, |m| &sentence[..m.start()]);
            let words = sentence.split_whitespace().count();
            // "Закрывайте, нам это не нужно.": the word opens the answer, and the reason after
            // the comma holds the negation.
            let head = sentence.split(',').next().unwrap_or(sentence);
            if k == 0
                && !says_no(head)
                && !interest
                    .iter()
                    .any(|h| h.start < at + sentence.len() && h.end > at)
                && let Some(m) = close
                    .then(|| p.close_word.find(head))
                    .flatten()
                    .filter(|m| head[..m.start()].trim().is_empty())
            {
                return Some((at + m.start(), at + m.end()));
            }
            // An answer that opens with a negation says no ("Agora não. Acabamos de fechar
            // com outro sistema": the later "fechar" closes a deal, not the file).
            if k == 0 && says_no(sentence) {
                break;
            }
            // The answering sentence holds no negation ("Akte bitte nicht schließen!"); one
            // elsewhere explains the answer ("sì, la chiuda pure. Non è un progetto che
            // faremo").
            if words <= ANSWER_WORDS && !says_no(sentence) {
                // A yes opening the answer is no interest of its own ("Yes, closing the file sounds right to
                // me.").
                let yes = p
                    .yes
                    .find(sentence)
                    .filter(|m| sentence[..m.start()].trim().is_empty())
                    .map(|m| (at + m.start(), at + m.end()));
                let word = close
                    .then(|| p.close_word.find(sentence))
                    .flatten()
                    // "closing" describes ("appreciate you closing the loop") unless a yes
                    // opens the answer.
                    .filter(|m| yes.is_some() || &sentence[m.start()..m.end()] != "closing")
                    // Under a question to close only, a stop word opening the answer ("Stop,
                    // please."), not one inside it ("… para que lo sepan").
                    .or_else(|| {
                        p.cease_word
                            .find(sentence)
                            .filter(|m| stop || sentence[..m.start()].trim().is_empty())
                    });
                // "Ha - stop worrying, we're interested!" stops nothing.
                let keen = interest.iter().any(|h| {
                    h.start < at + sentence.len()
                        && h.end > at
                        && !yes.is_some_and(|(a, b)| h.start >= a && h.end <= b)
                });
                if let Some(m) = word
                    && !keen
                {
                    return Some((at + m.start(), at + m.end()));
                }
                // A bare yes, or a yes in a sentence of a few words with no interest
                // anywhere ("Yeah, I think that's best.").
                if (words <= YES_WORDS || (words <= LONG_YES_WORDS && !interested()))
                    && let Some(m) = p.yes.find(sentence)
                    && !interested_outside(at, at + sentence.len())
                    && !stop_among_choices(p, &quoted)
                {
                    return Some((at + m.start(), at + sentence.trim_end().len()));
                }
            }
        }
        // "👍" alone (with a skin tone or a variation selector at most).
        let thumbs = new_text
            .chars()
            .filter(|c| !c.is_whitespace())
            .all(|c| c == '👍' || ('\u{1F3FB}'..='\u{1F3FF}').contains(&c) || c == '\u{FE0F}');
        // Not when the seller named another sign for stopping ("Responde 👍 si quieres una
        // demo, o 👎 y dejo de escribirte."): then 👍 is the other choice.
        if thumbs
            && new_text.contains('👍')
            && !negated
            && !long
            && keyword(p, body)
                .is_none_or(|w| w.starts_with('👍') || w.chars().any(char::is_alphanumeric))
        {
            return Some((0, folded.len()));
        }
    }
    // "Lieber nicht." under "Soll ich mich in ein paar Monaten nochmal melden oder lieber
    // nicht?": no more contact.
    if let Some(&(at, first)) = sentences.first()
        && first.split_whitespace().count() <= NO_WORDS
        && let Some(m) = p.rather_not_answer.find(first)
        && !interested_outside(at, at + first.len())
        && questions(&quoted).any(|q| {
            p.rather_not_question
                .find(q.trim_end())
                .is_some_and(|m| p.further_contact.is_match(&q[..m.start()]))
        })
    {
        return Some((at + m.start(), at + first.trim_end().len()));
    }
    // 'Just reply "no" if you\'d rather not.' / 'é só responder "NÃO"': the answer is the
    // word the seller named for not hearing more.
    // A bare yes, opening the answer, to any other question that offers to stop ("Would you
    // like me to remove you from our mailing list altogether?" → "YES"), when the rest of the
    // reply is a name or a sign-off at most and nothing in it shows interest.
    if !close
        && !stop
        && !long
        && sentences
            .iter()
            .skip(1)
            .all(|(_, s)| s.split_whitespace().count() <= 3)
        && let Some(&(at, first)) = sentences.first()
        && !interested_outside(at, at + first.len())
        && first.split_whitespace().count() <= YES_WORDS
        && !compose::negated(first)
        && let Some(m) = p.yes.find(first)
        && offers_to_stop(p, &quoted)
    {
        return Some((at + m.start(), at + first.trim_end().len()));
    }
    // The first sentence, across lines when the next goes on with it ("Stop\nby our booth at
    // 3" is no "STOP"); a first line with a blank or a capitalised line after it stands alone
    // ("sair\n\nGustavo Martins\nGerente financeira").
    let raw: Vec<&str> = new_text.lines().map(str::trim).collect();
    let alone = raw.iter().position(|l| !l.is_empty()).is_none_or(|k| {
        raw.get(k + 1)
            .is_none_or(|n| n.is_empty() || n.starts_with(char::is_uppercase))
    });
    let head = match (alone, lines_at.first()) {
        (true, Some(&(0, end))) => folded.get(..end).unwrap_or(folded),
        _ => folded,
    };
    let first = head.split(['.', '!', '?', ';']).next().unwrap_or_default();
    // The word may carry the writer and a typing slip: "remive me" for 'reply "remove"'.
    let said = first.trim_matches(|c: char| !c.is_alphanumeric());
    let said = said
        .strip_suffix(" me")
        .or_else(|| said.strip_suffix(" us"))
        .unwrap_or(said);
    let a: Vec<char> = said.chars().collect();
    let slip = |word: &str| {
        let w: Vec<char> = word.chars().collect();
        // One letter replaced, or another slip the respeller knows.
        let replaced = a.len() == w.len() && a.iter().zip(&w).filter(|(x, y)| x != y).count() == 1;
        w.len() >= 5 && (replaced || crate::respell::one_slip(&a, &w))
    };
    // Or the symbol asked for: 'just reply with a 👎'.
    let symbol = first.trim().trim_end_matches('\u{FE0F}');
    // A thumbs-down alone is read as "no" in `folded`: the sign as written.
    let sign = new_text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .trim_end_matches('\u{FE0F}');
    // "Unsubscribe? Never.": the word asked back is no answer.
    let asked = folded[first.len()..].starts_with('?');
    // A word offered is at most 15 characters: a longer first sentence answers with none, and
    // the body is not read for one.
    if !asked
        && first.chars().count() <= 64
        && let Some(word) = keyword(p, body)
        && (said == word || slip(&word) || symbol == word || sign == word || repeated(sign, &word))
    {
        return Some((0, first.trim_end().len()));
    }
    // "3", "Option 3, merci.", "3 – danke.", "C" under a menu whose third item stops: the
    // first sentence holding a number (or, under a lettered menu, a letter) names that item
    // alone; a negation counts in the number's own part ("3 - and please don't pass my details
    // on" is a 3), and a signature's telephone number is no answer.
    // Interest anywhere in a short reply; in a longer one, in the sentence read ("3.\n\nLe
    // spiego brevemente … è un buon prodotto, ma …").
    let keen = match (long, sentences.first()) {
        (true, Some(&(at, s))) => interest
            .iter()
            .any(|h| h.start < at + s.len() && h.end > at),
        _ => interested(),
    };
    if keen {
        return None;
    }
    // "Third." under "Send you the ROI calculator, book time with one of our engineers, or
    // close this out and not contact you again?": the choices of one question, by place.
    if let Some(&(at, first)) = sentences.first()
        && let Some(place) = ordinal_place(p, first)
        && !compose::negated(first)
        && questions(&quoted).any(|q| {
            let items = inline_choices(p, q);
            let k = if place == usize::MAX {
                items.len().saturating_sub(1)
            } else {
                place - 1
            };
            items.len() >= 3 && items.get(k).is_some_and(|i| offers_stop_item(p, i))
        })
    {
        return Some((at, at + first.trim_end().len()));
    }
    let menu = stop_option(p, &lines)?;
    let n = menu.mark;
    let roman = roman_menu(body);
    // "La troisième.", "Третий вариант.", "The last one, thanks." under a menu whose third
    // (last) item stops.
    if let Some(&(at, first)) = sentences.first()
        && let Some(place) = ordinal_place(p, first)
        && (place == menu.place || (place == usize::MAX && menu.place == menu.items))
        && !compose::negated(first)
    {
        return Some((at, at + first.trim_end().len()));
    }
    let marks = |sentence: &str| -> Vec<(usize, char)> {
        if n.is_ascii_digit() {
            answer_digits(sentence, roman)
        } else if !n.is_ascii() {
            // "❌" alone (a variation selector at most), or with a word or two of thanks
            // ("🔴 gracias").
            let mut words = sentence.split_whitespace();
            let sign = words.next().unwrap_or_default();
            // The sign once or repeated ("👎👎"), with variation selectors and skin tones.
            let mut chars = sign
                .chars()
                .filter(|&c| c != '\u{FE0F}' && !('\u{1F3FB}'..='\u{1F3FF}').contains(&c));
            let first = chars.next();
            match (first, chars.all(|c| Some(c) == first), words.count()) {
                (Some(c), true, 0..=2) if c == n => vec![(sentence.find(c).unwrap_or(0), c)],
                _ => Vec::new(),
            }
        } else {
            // A word that is one letter a–e once its punctuation is left out ("c)", "(c)",
            // "C,"), with the letter's offset; the folded text parts words with single spaces.
            let bare = |t: &str| t.chars().all(|c| !c.is_alphanumeric());
            sentence
                .char_indices()
                .filter(|&(i, c)| {
                    // The letter first: only after an ASCII letter is `i + 1` a character
                    // boundary ("c 🙏").
                    if !('a'..='e').contains(&c) {
                        return false;
                    }
                    let start = sentence[..i].rfind(' ').map_or(0, |b| b + 1);
                    let end = sentence[i + 1..]
                        .find(' ')
                        .map_or(sentence.len(), |b| i + 1 + b);
                    bare(&sentence[start..i]) && bare(&sentence[i + 1..end])
                })
                .collect()
        }
    };
    let (at, sentence, mut found) = sentences.iter().find_map(|&(at, s)| {
        // "a letra d", "the letter C": the letter named as a letter.
        let (at, s) = match p.letter_named.find(s) {
            Some(m) if n.is_ascii_alphabetic() => (at + m.end(), &s[m.end()..]),
            _ => (at, s),
        };
        let m = marks(s);
        (!m.is_empty()).then_some((at, s, m))
    })?;
    found.dedup_by_key(|&mut (_, c)| c);
    let words = sentence.split_whitespace().count();
    let breaks = ['.', '!', '?', ';', ',', ':', '-', '–', '—'];
    match found.as_slice() {
        [(i, c)]
            if *c == n
                && match n.is_ascii_digit() {
                    // "3 - and please pass that on to whoever else keeps emailing me."
                    // "Option 3 please - and the same for fleet-ops@…, which you also have".
                    true => words <= LATTER_WORDS || sentence[..*i].split_whitespace().count() <= 1,
                    false => words <= 3 || sentence[..*i].trim().is_empty(),
                } =>
        {
            let start = sentence[..*i]
                .char_indices()
                .rev()
                .find(|(_, c)| breaks.contains(c))
                .map_or(0, |(b, c)| b + c.len_utf8());
            let end = sentence[*i..]
                .find(breaks)
                .map_or(sentence.len(), |b| *i + b);
            (!compose::negated(&sentence[start..end])).then_some((at + *i, at + *i + c.len_utf8()))
        }
        _ => None,
    }
}

/// Whether `sign` is the one-symbol `word` given more than once ("👎👎"), skin tones and
/// variation selectors aside.
fn repeated(sign: &str, word: &str) -> bool {
    let mut w = word.chars();
    let (Some(symbol), None) = (w.next(), w.next()) else {
        return false;
    };
    let mut n = 0;
    sign.chars()
        .filter(|&c| c != '\u{FE0F}' && !('\u{1F3FB}'..='\u{1F3FF}').contains(&c))
        .all(|c| {
            n += 1;
            c == symbol
        })
        && n > 1
        && !symbol.is_alphanumeric()
}

/// The conclusion of a longer reply: one of its last sentences opening with "so", "also",
/// "quindi", … whose next word is a yes or a word to close or stop ("So: stop, please.",
/// "Então pode encerrar, sim."; not "So we're closing the quarter next week"). Its index and
/// where its answer starts in `folded`.
fn conclusion(p: &Patterns, sentences: &[(usize, &str)]) -> Option<(usize, usize)> {
    let from = sentences.len().saturating_sub(CONCLUSION_SENTENCES);
    sentences[from..]
        .iter()
        .enumerate()
        .rev()
        .find_map(|(k, &(at, s))| {
            let m = p.conclusion.find(s)?;
            (m.end() > 0 && opens_answer(p, &s[m.end()..])).then_some((from + k, at + m.end()))
        })
}

/// Whether a sentence opens with a yes or a word to close or stop ("stop, please", "ja,
/// schließen Sie sie bitte", "Закройте, пожалуйста").
fn opens_answer(p: &Patterns, sentence: &str) -> bool {
    let opens = |re: &Regex| {
        re.find(sentence)
            .is_some_and(|w| sentence[..w.start()].trim().is_empty())
    };
    p.yes.is_match(sentence) || opens(&p.close_word) || opens(&p.cease_word)
}

/// The seller's question told again in a longer reply ("Me preguntabas si me mantienes en la
/// lista o cierras mi expediente.") and the sentence after it, when that one opens with an
/// answer ("Ciérralo, por favor."; not "Since you asked for feedback last time, …"): its
/// index and where it starts in `folded`.
fn asked(p: &Patterns, folded: &str, sentences: &[(usize, &str)]) -> Option<(usize, usize)> {
    let m = p.asked.find(folded)?;
    let k = sentences
        .iter()
        .position(|&(at, s)| at + s.len() > m.end())?;
    let (at, s) = sentences[k];
    let rest = s.get(m.end().saturating_sub(at).min(s.len())..)?;
    opens_answer(p, rest).then_some((k, m.end().max(at)))
}

/// The word the quoted message asks to reply with to hear no more ('Just reply "no" if you\'d
/// rather not', 'é só responder "NÃO" e eu encerro por aqui', "Se preferisci non ricevere più
/// messaggi da me, rispondi semplicemente NO"), folded. The body is read unfolded (a word in
/// capitals is a keyword); the wish not to hear more stands in the keyword's own part of the
/// sentence or in the part just before it.
fn keyword(p: &Patterns, body: &str) -> Option<String> {
    let raw = body
        .lines()
        .map(|l| l.trim_start_matches(|c: char| c == '>' || c.is_whitespace()))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let hint = |t: &str| {
        let t = fold(t);
        // Not a word offered for closing the file ('risponda "no grazie" e chiuderò la sua
        // pratica'): that declines only the offer.
        p.stop_option.is_match(&t)
            || p.rather_not.is_match(&t)
            || !compose::stop_hits_marked(&t).is_empty()
    };
    for sentence in raw.split(['.', '!', '?']) {
        // Words offered side by side, each with its meaning after it: "Antworten Sie einfach
        // mit einem einzigen Wort: WEITER (Sie bekommen einmal im Quartal unsere Übersicht)
        // oder SCHLUSS (Sie hören nie wieder von mir)".
        if let Some(verb) = p.keyword.find(sentence) {
            let rest = &sentence[verb.start()..];
            let offered: Vec<_> = p
                .offered_word
                .captures_iter(rest)
                .filter_map(|c| {
                    Some((
                        c.get(0)?,
                        c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3))?,
                    ))
                })
                .collect();
            if offered.len() > 1 {
                let stops: Vec<_> = offered
                    .iter()
                    .enumerate()
                    .filter(|(k, (all, word))| {
                        let end = offered.get(k + 1).map_or(rest.len(), |(a, _)| a.start());
                        hint(word.as_str()) || hint(rest.get(all.end()..end).unwrap_or_default())
                    })
                    .collect();
                if let [(_, (_, word))] = stops.as_slice() {
                    return Some(fold(word.as_str().trim()));
                }
            }
        }
        let parts: Vec<&str> = sentence.split([',', ';']).collect();
        for (k, part) in parts.iter().enumerate() {
            // Each word with where its instruction starts in `part`.
            let mut found: Vec<(usize, &str)> = Vec::new();
            for c in p.keyword.captures_iter(part) {
                let (Some(all), Some(word)) =
                    (c.get(0), c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)))
                else {
                    continue;
                };
                found.push((all.start(), word.as_str()));
                // 'reply "keep" or "remove"': a word offered right after it.
                if let Some(other) = p.other_keyword.captures(&part[all.end()..])
                    && let Some(w) = other.get(1).or_else(|| other.get(2))
                {
                    found.push((all.end() + w.start(), w.as_str()));
                }
            }
            // 'Just reply "keep" or "remove"': of two words offered side by side, only one
            // that says to stop by itself.
            if found.len() > 1 {
                if let Some((_, word)) = found.iter().find(|(_, w)| hint(w)) {
                    return Some(fold(word.trim()));
                }
                continue;
            }
            for (start, word) in found {
                let opens = part[..start].split_whitespace().count() <= 3;
                if hint(part) || (opens && k > 0 && hint(parts[k - 1])) {
                    return Some(fold(word.trim()));
                }
            }
        }
    }
    None
}

/// Whether a question of the quoted message offers to stop ("Would you like me to remove you
/// from our mailing list altogether?", "Should I take the hint and stop emailing you?",
/// "Möchten Sie, dass wir Sie aus unserem Verteiler streichen?", "¿Cierro tu ficha y no
/// vuelvo a molestarte?"): its words hold a stop the cue tables read, and it offers no
/// alternative ("Should I stop, or is it just a busy month?" is read by `stop_second`).
fn offers_to_stop(p: &Patterns, quoted: &str) -> bool {
    questions(quoted).any(|question| {
        let words = question.split_whitespace().count();
        (3..=30).contains(&words)
            && !p.alternative.is_match(question)
            && !compose::stop_hits_marked(question).is_empty()
    })
}

/// Which of the two choices of a quoted either/or question offers to stop: the first ("Zal ik
/// je van mijn lijst halen, of mag ik in het najaar nog eens aankloppen?"), the second ("¿Sigo
/// escribiéndote o prefieres que lo deje aquí?"), read by the question wordings here and by
/// the cue tables.
fn choices(p: &Patterns, quoted: &str) -> (bool, bool) {
    let offers = |t: &str| {
        p.stop_question.iter().any(|re| re.is_match(t))
            || p.close_question.iter().any(|re| re.is_match(t))
            || offers_stop_item(p, t)
    };
    let (mut first, mut second) = (false, false);
    // Each question with the sentence before it: the choices may be offered there ("Je vous
    // propose deux options : soit je cesse de vous écrire, soit … Laquelle préférez-vous ?",
    // "Entweder ich lasse Sie in Ruhe, oder ich schicke Ihnen im Mai ein Update - was ist
    // Ihnen lieber?"); split at the last word of choice ("soit … soit", "entweder … oder").
    for question in questions_with_context(quoted) {
        let words = question.split_whitespace().count();
        if !(3..=60).contains(&words) {
            continue;
        }
        if let Some(m) = p.alternative.find_iter(question).last() {
            let (a, b) = (
                offers(&question[..m.start()]),
                offers(&question[m.start()..]),
            );
            first |= a && !b;
            second |= b && !a;
        }
    }
    (first, second)
}

/// Each question of a (folded) text with the sentence before it.
fn questions_with_context(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    text.match_indices('?').map(move |(i, _)| {
        let head = &text[start..i];
        start = i + 1;
        // Back over the question's own sentence and the one before it.
        let mut cut = head.len();
        for _ in 0..2 {
            cut = head[..cut].rfind(['.', '!', '?']).unwrap_or(0);
        }
        head[cut..].trim_start_matches(['.', '!', '?'])
    })
}

/// The questions of a (folded) text: each sentence that ends with a question mark.
fn questions(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    text.match_indices('?').map(move |(i, _)| {
        let question = text[start..i]
            .rsplit(['.', '!', '?', ':'])
            .next()
            .unwrap_or_default();
        start = i + 1;
        question
    })
}

/// Whether a question of the quoted message offers to stop only as the second of two choices
/// ("Should I keep you posted on the pilot, or remove you from the list?"): a bare yes answers
/// the first ("Should I close your file, or is it just bad timing?" → "Yes, please close it").
fn stop_among_choices(p: &Patterns, quoted: &str) -> bool {
    let offers = |t: &str| {
        p.stop_question.iter().any(|re| re.is_match(t))
            || p.close_question.iter().any(|re| re.is_match(t))
    };
    questions(quoted).any(|question| {
        p.alternative
            .find(question)
            .is_some_and(|m| !offers(&question[..m.start()]) && offers(&question[m.start()..]))
    })
}

#[cfg(test)]
mod tests {
    use super::{PATTERNS, stop_answer, stop_option};

    /// The stopping item's number of a body's menu.
    fn option(body: &str) -> Option<char> {
        PATTERNS
            .as_ref()
            .and_then(|p| stop_option(p, &super::body_lines(body)))
            .map(|m| m.mark)
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
            // Line spans as the classifier gives them, and spans that do not fit the text.
            for lines in [vec![(0, folded.len())], vec![(0, 3), (2, 9), (folded.len(), folded.len() + 4)]] {
                if let Some((a, b)) = stop_answer(&body, &folded, &lines, &new) {
                    prop_assert!(a <= b && b <= folded.len());
                    prop_assert!(folded.is_char_boundary(a) && folded.is_char_boundary(b));
                }
            }
            let _ = option(&quoted);
        }
    }

    fn answers(new: &str, quoted: &str) -> bool {
        let body = format!("{new}\n\nOn Tue, Jul 6, 2027, Maria wrote:\n{quoted}");
        let (mut folded, mut lines) = (String::new(), Vec::new());
        for line in new.lines().map(fold).filter(|l| !l.is_empty()) {
            if !folded.is_empty() {
                folded.push(' ');
            }
            lines.push((folded.len(), folded.len() + line.len()));
            folded.push_str(&line);
        }
        stop_answer(&body, &folded, &lines, new).is_some()
    }

    #[test]
    fn ordinals_name_menu_items() {
        let fr = "> Pour faire simple :\n> 1. On cale un échange de 20 minutes\n> 2. Je reviens vers vous dans six mois\n> 3. Vous ne souhaitez plus être contacté(e)\n> Nos clients gagnent 6 heures.";
        assert!(answers("La troisième.", fr));
        assert!(answers("La dernière, merci.", fr));
        assert!(!answers("La deuxième.", fr));
        assert!(!answers("La première.", fr));
        let ru = "> Подскажите, как вам удобнее:\n> 1) созвониться на этой неделе,\n> 2) вернуться к разговору осенью,\n> 3) больше вам не писать?";
        assert!(answers("Третий вариант.", ru));
        assert!(!answers("Второй вариант.", ru));
        let de = "> (1) Interesse an einem kurzen Austausch\n> (2) später noch einmal melden\n> (3) lieber keine weiteren Mails";
        assert!(answers("Letzteres.", de));
        assert!(answers("Das Letztere.", de));
        assert!(answers("Ce dernier.", fr));
        assert!(answers("Die dritte Option bitte", de));
        let en = "> Where do you stand?\n> 1. Yes, let's talk\n> 2. Not now, keep me posted\n> 3. Please take me off your list";
        assert!(answers("The last one, thanks.", en));
        assert!(answers("Third option please", en));
        assert!(!answers("The first one, thanks.", en));
        // The last item that does not stop.
        let last_keeps = "> 1. Please take me off your list\n> 2. Not now\n> 3. Yes, let's talk";
        assert!(!answers("The last one, thanks.", last_keeps));
        assert!(answers(
            "Second option please.",
            "> Is cutting cloud spend something you'd want to look at, or should I take you off my list?"
        ));
    }

    #[test]
    fn symbols_offered_side_by_side() {
        let en = "> Quick gut check: reply 👍 if you'd like the catalogue, or 👎 if you'd rather I stop writing.\n> Reply STOP to unsubscribe.";
        assert!(answers("👎", en));
        assert!(!answers("👍", en));
        let nl = "> Reageer met 👍 als je de profielen wilt ontvangen, of met 👋 als ik je verder met rust moet laten.";
        assert!(answers("👋", nl));
        assert!(!answers("👍", nl));
    }

    #[test]
    fn rather_not_under_an_offer_of_more_contact() {
        let de = "> Soll ich mich in ein paar Monaten nochmal melden oder lieber nicht?";
        assert!(answers("Lieber nicht. Danke.", de));
        let nl = "> Mag ik over een paar maanden nog eens contact opnemen, of liever niet?";
        assert!(answers("Liever niet.", nl));
        // An offer of a document declined is no stop.
        assert!(!answers(
            "Rather not.",
            "> Shall I send you the deck, or rather not?"
        ));
        assert!(answers(
            "Lo dejamos aquí, gracias.",
            "> ¿Te sigo escribiendo o lo dejamos aquí?"
        ));
    }

    #[test]
    fn a_longer_reply_answers_after_naming_the_question() {
        let long = "Desculpa não ter respondido antes, é que estou no meio da coleção de inverno e minha caixa de entrada virou um caos. Somos uma confecção pequena e no ano passado contratamos um ERP específico para moda, que já trabalha com grade de tamanho e cor.\n\nEntão, respondendo sua pergunta: pode parar sim, por favor. Não é nada pessoal.";
        assert!(answers(
            long,
            "> Posso parar de te enviar e-mails? Um simples \"sim\" ou \"não\" já me ajuda muito."
        ));
        let de = "Wir sind eine Bäckerei mit 9 Filialen und knapp 80 Leuten, davon viele Aushilfen und Minijobber. Die Zeiterfassung machen wir seit letztem Jahr mit einem Terminal in jeder Filiale, das uns unser Steuerbüro empfohlen hat.\n\nZu Ihrer Frage, ob Sie sich lieber nicht mehr melden sollen: Ja, bitte. Es liegt nicht am Timing.";
        assert!(answers(
            de,
            "> Kurze Frage: Soll ich mich lieber nicht mehr melden, oder passt das Thema gerade einfach zeitlich nicht?"
        ));
        let no = "Wir sind eine Bäckerei mit 9 Filialen und knapp 80 Leuten, davon viele Aushilfen und Minijobber. Die Zeiterfassung machen wir seit letztem Jahr mit einem Terminal in jeder Filiale, das uns unser Steuerbüro empfohlen hat.\n\nZu Ihrer Frage, ob Sie sich lieber nicht mehr melden sollen: Nein, melden Sie sich gern im Herbst.";
        assert!(!answers(
            no,
            "> Kurze Frage: Soll ich mich lieber nicht mehr melden, oder passt das Thema gerade einfach zeitlich nicht?"
        ));
    }

    #[test]
    fn menus_drawn_as_bullets_and_places_named_by_cardinals() {
        let bullets = "> Which sounds most like you?\n> * We're happy with what we've got\n> * Timing's wrong, circle back in the autumn\n> * Please don't email me again";
        assert!(answers("The last one.", bullets));
        assert!(answers("The third.", bullets));
        assert!(!answers("The first one.", bullets));
        let numbered = "> Was passt?\n> 1 - Gerne einen Termin\n> 2 - Später noch einmal melden\n> 3 - Bitte keine weiteren E-Mails";
        assert!(answers("Die Drei.", numbered));
        assert!(!answers("Die Zwei.", numbered));
        // Close-the-file items and "don't write" items are stop items of a menu.
        assert!(answers(
            "3, cheers.",
            "> 1 - Worth a 15-minute look next week\n> 2 - Not now, check back after the summer\n> 3 - Close my file, please"
        ));
        assert!(answers(
            "La C.",
            "> A) Agendamos una demo\n> B) Escríbeme en unos meses\n> C) Ya no me escribas"
        ));
        assert!(answers(
            "👋",
            "> 👍 = let's talk\n> ⏳ = ping me later\n> 👋 = leave me be"
        ));
    }

    #[test]
    fn a_no_to_asking_leave_for_more_contact_asks_for_none() {
        assert!(answers(
            "Lieber nicht.",
            "> Darf ich mich in ein paar Monaten noch einmal bei Ihnen melden?"
        ));
        assert!(answers(
            "Hoeft niet, hoor.",
            "> Mag ik je af en toe een korte update sturen over nieuwe functies?"
        ));
        assert!(answers(
            "Лучше не надо.",
            "> Можно я буду присылать её и вам?"
        ));
        assert!(answers(
            "Preferirei di no.",
            "> posso tenerla nella mia lista per le offerte mensili?"
        ));
        // A one-off offer declined is a refusal, not a stop; so is a question the writer asks.
        assert!(!answers(
            "No thanks.",
            "> Can I send you the case study we did with Acme?"
        ));
        assert!(!answers(
            "Nein danke.",
            "> Können Sie sich im Herbst noch einmal melden?"
        ));
    }

    #[test]
    fn a_menu_answer_names_its_item() {
        let body = |answer: &str| {
            format!(
                "{answer}\n\nOn Tue, Jul 6, 2027, Maria wrote:\n> Which is closest?\n> 1 - Worth a 15-minute look next week\n> 2 - Not now, check back after the summer\n> 3 - Close my file, please"
            )
        };
        let choice = |answer: &str| super::menu_choice(&body(answer), &fold(answer));
        assert_eq!(
            choice("1").as_deref(),
            Some(" - worth a 15-minute look next week")
        );
        assert_eq!(
            choice("The second one.").as_deref(),
            Some(" - not now, check back after the summer")
        );
        assert_eq!(
            choice("Option 2, thanks").as_deref(),
            Some(" - not now, check back after the summer")
        );
        // Not an answer naming one item.
        assert_eq!(choice("1 or 2, not sure yet"), None);
        assert_eq!(choice("Not 1."), None);
        assert_eq!(
            choice("We have 3 warehouses and 2 depots in the north"),
            None
        );
    }

    #[test]
    fn a_short_yes_or_no_to_an_offer_or_a_fit_question() {
        use super::short_answer;
        use crate::ReplyClass;
        let says = |answer: &str, quoted: &str| {
            short_answer(
                &format!("{answer}\n\nOn Tue, Maria wrote:\n{quoted}"),
                &fold(answer),
            )
        };
        assert_eq!(
            says("Да, присылайте.", "> Прислать презентацию с ценами?"),
            Some(ReplyClass::Interested)
        );
        assert_eq!(
            says(
                "Ja, bitte schicken.",
                "> Soll ich Ihnen die Preisliste schicken?"
            ),
            Some(ReplyClass::Interested)
        );
        assert_eq!(
            says(
                "Pues no, la verdad.",
                "> Te dejo la pregunta directa: ¿esto os encaja en la clínica?"
            ),
            Some(ReplyClass::NotInterested)
        );
        assert_eq!(
            says(
                "Someone else. Try payroll@novakfoods.com.",
                "> Are you the person who looks after payroll, or is that someone else?"
            ),
            Some(ReplyClass::WrongPerson)
        );
        assert_eq!(
            says(
                "Ja, an Frau Krüger im Einkauf.",
                "> sollte ich mich lieber an jemand anderen in Ihrem Haus wenden?"
            ),
            Some(ReplyClass::WrongPerson)
        );
        // No question of those kinds, or a longer reply: nothing.
        assert_eq!(says("Yes, thanks.", "> Hope you had a good weekend."), None);
        assert_eq!(
            says(
                "Yes, but we signed with another vendor last month and the contract runs three years, so I would not bother.",
                "> Shall I send you the deck?"
            ),
            None
        );
    }

    #[test]
    fn a_menu_answer_names_its_item_with_words_around_it() {
        let menu = "> Which is closest?\n> a) a demo next week\n> b) later this year\n> c) someone else handles this";
        let choice = |answer: &str| {
            super::menu_choice(
                &format!("{answer}\n\nOn Tue, Maria wrote:\n{menu}"),
                &fold(answer),
            )
        };
        assert_eq!(
            choice("c - Tom Reyes, ops.").as_deref(),
            Some(") someone else handles this")
        );
        assert_eq!(
            choice("A b. Está tudo congelado.").as_deref(),
            Some(") later this year")
        );
        let emoji = "> 👍 book me a call\n> 🗓 later in the year\n> ✋ I'm out";
        assert_eq!(
            super::menu_choice(
                &format!("👍 mornings are best\n\nOn Tue, James wrote:\n{emoji}"),
                &fold("👍 mornings are best")
            )
            .as_deref(),
            Some(" book me a call")
        );
    }

    #[test]
    fn more_answers_to_keep_close_and_menu_questions() {
        assert!(answers(
            "Nope.",
            "> Do you want to stay on the Gridwise insights list?"
        ));
        assert!(answers(
            "Nein, lieber nicht.",
            "> Sollen wir Sie auch weiterhin darüber informieren?"
        ));
        assert!(answers(
            "Sí, dalo por cerrado.",
            "> Para no llenarte la bandeja: ¿doy por cerrado tu caso?"
        ));
        assert!(answers(
            "🔴 gracias",
            "> 🟢 Me interesa, agendemos\n> 🟡 Escríbeme más adelante\n> 🔴 No me escribas más"
        ));
        assert!(!answers(
            "🟢 gracias",
            "> 🟢 Me interesa, agendemos\n> 🟡 Escríbeme más adelante\n> 🔴 No me escribas más"
        ));
        assert!(answers(
            "La c.",
            "> a) Me interesa, agendamos una llamada\n> b) Ahora no, escríbeme después del verano\n> c) No me interesa, no vuelvas a escribirme"
        ));
    }

    #[test]
    fn a_second_choice_not_to_follow_up_and_a_close_word_before_its_reason() {
        let q = "> Should I reach out again in the spring, or would you prefer I don't follow up?";
        assert!(answers("The second one, please.", q));
        assert!(!answers("The first one, please.", q));
        let close =
            "> Подскажите, пожалуйста: закрыть вашу карточку у нас или написать вам осенью?";
        assert!(answers("Закрывайте, нам это не нужно.", close));
        assert!(!answers("Не закрывайте, напишите осенью.", close));
        assert!(answers(
            "Pode encerrar por aqui, sim.",
            "> Continuo te mandando novidades ou encerro por aqui?"
        ));
    }

    #[test]
    fn answers_of_the_twenty_second_round() {
        assert!(answers(
            "Third.",
            "> What would you like me to do next? Send you the ROI calculator, book time with one of our engineers, or close this out and not contact you again?"
        ));
        assert!(!answers(
            "The first.",
            "> What would you like me to do next? Send you the ROI calculator, book time with one of our engineers, or close this out and not contact you again?"
        ));
        assert!(answers(
            "Nummer drie.",
            "> (1) een demo plannen\n> (2) de brochure sturen\n> (3) je uit ons bestand halen"
        ));
        assert!(answers(
            "c, thanks",
            "> (a) send pricing\n> (b) try again after the summer\n> (c) lose my address"
        ));
        assert!(answers(
            "Ce serait apprécié.",
            "> Voulez-vous que je vous retire de ma liste d'envoi?"
        ));
        assert!(answers(
            "I would, yes.",
            "> Would you prefer I stop reaching out?"
        ));
        assert!(answers(
            "Не стоит.",
            "> Раз в месяц мы рассылаем короткий обзор. Продолжать вам его присылать?"
        ));
        assert!(answers(
            "Neen, dank u.",
            "> Mag ik u in de toekomst nog contacteren over routeplanning?"
        ));
        assert!(answers(
            "La seconde option.",
            "> Dois-je continuer à vous tenir au courant, ou préférez-vous que j'arrête de vous écrire ?"
        ));
    }

    #[test]
    fn a_no_answers_only_on_its_own() {
        let keep = "> ¿Prefieres que te siga enviando novedades o cierro tu expediente?";
        assert!(!answers("No lo cierres todavía.", keep));
        assert!(answers("No, gracias.", keep));
        assert!(answers(
            "Não quero não, obrigado.",
            "> Quer continuar recebendo nossas novidades?"
        ));
        assert!(answers(
            "Закрывайте.",
            "> Подскажите: оставить вас в списке для новостей или закрыть вопрос?"
        ));
        assert!(answers(
            "Vous pouvez clôturer, merci.",
            "> Dois-je clôturer votre dossier ou vous recontacter plus tard ?"
        ));
    }

    #[test]
    fn not_me_under_are_you_the_right_person() {
        use super::short_answer;
        use crate::ReplyClass;
        let says = |answer: &str, quoted: &str| {
            short_answer(
                &format!("{answer}\n\nOn Tue, Lara wrote:\n{quoted}"),
                &fold(answer),
            )
        };
        assert_eq!(
            says(
                "Not me. Finance - ask for Bethany.",
                "> Are you the right person to talk to about payroll software at Barker & Co?"
            ),
            Some(ReplyClass::WrongPerson)
        );
        // A footer's "Not the right person?" is not the question answered.
        assert_eq!(
            says(
                "No.",
                "> Is replacing your legacy ERP on the roadmap this year?\n> Not the right person? Let me know and I'll stop reaching out."
            ),
            None
        );
    }

    #[test]
    fn a_longer_reply_answers_in_its_conclusion() {
        let story = "I'm a self-employed bookkeeper with about twenty small clients, a florist, two dentists and a dog groomer among them, and none of them has more than a dozen supplier invoices a month. I do everything through Dext and QuickBooks and it costs them very little.";
        let close_q = "> Should I close your file, or keep you posted on what we're doing?";
        assert!(answers(
            &format!(
                "{story}\n\nSo: stop, please. There's no point keeping me posted.\n\nBest wishes,\nCarol"
            ),
            close_q
        ));
        assert!(answers(
            &format!("{story}\n\nSo yes, close it. Thanks for asking."),
            close_q
        ));
        let nl = "We zijn een klein installatiebedrijf met zes monteurs en de facturen gaan allemaal via onze boekhouder, die daar een eigen pakket voor gebruikt waar we al jaren tevreden over zijn. Voor ons is er eerlijk gezegd niets te automatiseren.\n\nDus sluit het dossier maar, en op de hoogte houden is ook niet nodig.";
        assert!(answers(
            nl,
            "> Zal ik uw dossier sluiten, of wilt u op de hoogte blijven?"
        ));
        // A conclusion about something else, and one that says no.
        assert!(!answers(
            &format!("{story}\n\nSo we're closing the quarter next week and I'll look at it then."),
            close_q
        ));
        assert!(!answers(
            &format!("{story}\n\nSo no, don't close it yet. Keep me posted."),
            close_q
        ));
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
        // The answer ends where a clause joined by "and" begins: a "no need to …" there
        // confirms the close rather than denying it.
        assert!(answers(
            "Oui, vous pouvez clore, et inutile de revenir vers moi par la suite.",
            "> Dois-je clore votre dossier, ou préférez-vous que je vous recontacte plus tard ?"
        ));
        assert!(answers(
            "Yes, close it - and no need to check back in down the road.",
            close_q
        ));
        assert!(!answers(
            "No, don't close it, and send me the pricing.",
            close_q
        ));
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
    fn a_numbered_menu_item_and_a_preference_to_stop() {
        let menu = "> damit ich Sie nicht weiter belästige:\n> 1) Passt, gerne Termin\n> 2) Später, bitte in 3 Monaten\n> 3) Kein Bedarf – bitte aus dem Verteiler nehmen\n> Was trifft zu?";
        assert!(answers("Nr. 3 bitte.", menu));
        assert!(answers("3", menu));
        assert!(!answers("1", menu));
        let prefer = "> ¿Te sigo mandando info o prefieres que pare?";
        assert!(answers("Que pares, porfa 🙏", prefer));
        assert!(!answers("Sigue mandando, me interesa.", prefer));
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
        // The question wrapped over two quoted lines.
        assert!(answers(
            "The latter.",
            "> I've reached out a few times. Is this a bad time, or should I\n> stop reaching out altogether?"
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
    fn answers_read_against_their_question_whatever_its_wording() {
        // A no to "keep sending?", in the languages' own wordings.
        assert!(answers(
            "Nope, please don't.",
            "> Do you want me to keep sending these case studies?"
        ));
        assert!(answers(
            "Нет, не надо.",
            "> Продолжать присылать вам наши обновления?"
        ));
        assert!(answers(
            "Nein danke, bitte nicht mehr.",
            "> Soll ich Ihnen weiterhin Infos zu unseren Webinaren schicken?"
        ));
        assert!(answers(
            "No, grazie.",
            "> Vuole che continui a mandarle aggiornamenti?"
        ));
        assert!(answers(
            "Nee, laat maar.",
            "> Wil je dat ik je op de hoogte blijf houden?"
        ));
        // "Off" under "keep you on the list, or take you off?".
        let off = "> Do you want me to keep you on the list, or should I take you off?";
        assert!(answers("Off, thanks.", off));
        assert!(answers(
            "I never asked to be on it in the first place, so: off.",
            off
        ));
        assert!(!answers("Off to a meeting now, I'll read it later.", off));
        // The second of two choices after a negated first sentence, in other languages.
        assert!(answers(
            "It's not a bad time, it's that we have no use for this. So the second option, please.",
            "> Is this a bad time, or should I\n> stop reaching out altogether?"
        ));
        assert!(answers(
            "Lo segundo, gracias.",
            "> ¿Es mal momento o prefieres que deje de escribirte?"
        ));
        assert!(answers(
            "A segunda opção.",
            "> É um mau momento, ou prefere que deixe de lhe escrever?"
        ));
        assert!(answers(
            "Je préfère que vous arrêtiez.",
            "> Est-ce un mauvais moment, ou préférez-vous que j'arrête de vous écrire ?"
        ));
        // A greeting or a name before the answer.
        assert!(answers(
            "Hoi Sanne,\n\nJa, graag.",
            "> Zal ik je dossier sluiten? Dan hoor je niets meer van me."
        ));
        assert!(!answers(
            "Rafael,\n\nNão, não feche ainda. Estamos fechando o orçamento de 2028.",
            "> Posso fechar o seu processo?"
        ));
        // The word the seller asked for.
        assert!(answers(
            "NÃO",
            "> Se preferir que eu não entre mais em contato, é só responder \"NÃO\" e eu encerro por aqui."
        ));
        assert!(answers(
            "no",
            "> Is it okay if I add you to that list? Just reply \"no\" if you'd rather not."
        ));
        assert!(!answers(
            "no",
            "> Just reply \"no\" if the time doesn't suit you and I'll suggest another."
        ));
        assert!(answers(
            "NO",
            "> Se preferisci non ricevere più messaggi da me, rispondi semplicemente NO e non ti\n> scriverò più. Se invece ti interessa, basta una riga."
        ));
        assert!(!answers(
            "YES",
            "> Reply YES for a demo, or reply STOP to opt out."
        ));
        assert!(answers(
            "STOP",
            "> Reply YES for a demo, or reply STOP to opt out."
        ));
        assert!(!answers(
            "Unsubscribe? Never. I'm printing this one out and framing it next to the other eleven, my team loves these and so do I, keep them coming every single week please.",
            "> To stop these, reply \"unsubscribe\"."
        ));
        assert!(answers(
            "sair\n\nGustavo Martins\nGerente financeira | Transportes Ipe",
            "> Se não fizer sentido para você, responda apenas SAIR e eu não escrevo mais."
        ));
        assert!(answers(
            "remive me",
            "> To stop receiving emails from me, reply \"remove\"."
        ));
        // A stop word that stops something else.
        assert!(!answers(
            "Ha - stop worrying, we're interested!",
            "> Should I stop reaching out?"
        ));
        // A bare yes to any question whose own words offer to stop, and none to a choice.
        assert!(answers(
            "YES",
            "> Would you like me to remove you from our mailing list altogether? Just reply YES and I'll take care of it today."
        ));
        assert!(answers(
            "Sì, grazie.\n\nValentina",
            "> Vuole che la tolga dalla mailing list?"
        ));
        assert!(answers(
            "Ja, bitte.",
            "> Möchten Sie, dass wir Sie aus unserem Verteiler streichen?"
        ));
        assert!(!answers(
            "Yes.",
            "> Should I keep you posted on the pilot, or remove you from the list?"
        ));
        assert!(answers(
            "Yes please.",
            "> Should I close your file, or is there someone else I should be speaking with?"
        ));
        assert!(!answers(
            "Yes, let's talk next week.",
            "> Should I take the hint and stop emailing you?"
        ));
        // Two words offered side by side, and a symbol.
        assert!(answers(
            "Remove",
            "> Would you like me to keep you on the list for our updates, or remove you? Just reply \"keep\" or \"remove\"."
        ));
        assert!(!answers(
            "Keep",
            "> Would you like me to keep you on the list for our updates, or remove you? Just reply \"keep\" or \"remove\"."
        ));
        assert!(answers(
            "👎",
            "> If you'd like me to stop, just reply with a 👎 and you won't hear from me again."
        ));
        // Choices offered in the sentence before the question, and words offered with their
        // meaning after them.
        assert!(answers(
            "La première.",
            "> Je vous propose deux options : soit je cesse purement et simplement de vous écrire, soit je vous envoie notre étude de cas. Laquelle préférez-vous ?"
        ));
        assert!(answers(
            "Ersteres.",
            "> Entweder ich lasse Sie ab sofort in Ruhe, oder ich schicke Ihnen im Mai ein kurzes Update - was ist Ihnen lieber?"
        ));
        assert!(!answers(
            "Ersteres.",
            "> Entweder ich schicke Ihnen im Mai ein kurzes Update, oder ich lasse Sie ab sofort in Ruhe - was ist Ihnen lieber?"
        ));
        let words = "> Antworten Sie einfach mit einem einzigen Wort: WEITER (Sie bekommen einmal im Quartal unsere Übersicht) oder SCHLUSS (Sie hören nie wieder von mir).";
        assert!(answers("Schluss", words));
        assert!(!answers("Weiter", words));
        assert!(answers(
            "Graag, ja.",
            "> Zal ik je maar met rust laten? Eén woordje terug is genoeg."
        ));
        assert!(answers(
            "No, grazie.",
            "> vuoi che continui a tenerti aggiornata ogni mese sulle novità? Basta un sì o un no."
        ));
        // The first of two choices when it is the one that stops, and the stop option's verb.
        assert!(answers(
            "Lo primero. Ya trabajamos con otro proveedor.",
            "> ¿Prefieres que te quite de mi lista o que te vuelva a escribir en otoño?"
        ));
        assert!(answers(
            "Het eerste graag.",
            "> Zal ik je van mijn lijst halen, of mag ik in het najaar nog eens aankloppen?"
        ));
        assert!(!answers(
            "Lo primero.",
            "> ¿Te vuelvo a escribir en otoño o prefieres que te quite de mi lista?"
        ));
        assert!(answers(
            "Déjalo aquí, gracias.",
            "> ¿Sigo escribiéndote o prefieres que lo deje aquí?"
        ));
        assert!(answers(
            "Chiuda pure, grazie.",
            "> Preferisce che la ricontatti a settembre o che chiuda qui la pratica?"
        ));
        assert!(answers(
            "No.",
            "> Do you still want to hear from me about fleet telematics? A simple yes or no is fine."
        ));
        assert!(!answers(
            "No thanks.",
            "> Worth a chat?\n> Don't want to hear from us? Reply STOP."
        ));
        // A longer reply, read by its first sentence; "no need to stop" says no.
        assert!(answers(
            "Yes, please close it. To be fair to you, the timing and the person are both roughly right: I do run our import operations and we did look at brokerage automation last autumn, but we ended up extending the contract with our current provider for another two years.",
            "> Should I close your file?"
        ));
        assert!(!answers(
            "Pas besoin d'arrêter de m'écrire, au contraire !",
            "> Dois-je arrêter de vous écrire ?"
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
        // A lettered menu, a telephone number in the signature, a reason beside the number.
        let abc = "> Reply with A, B or C:\n> A - let's talk this month\n> B - not now, try me next quarter\n> C - please stop contacting me";
        assert_eq!(option(abc), Some('c'));
        assert!(answers("C\n\nConnor Walsh\n+1 555-0155", abc));
        assert!(!answers("B", abc));
        let bracketed = "> which would you prefer?\n> (a) a short call next week\n> (b) an email from me in six months\n> (c) no more emails from me";
        assert_eq!(option(bracketed), Some('c'));
        assert!(answers("c", bracketed));
        let de = "> was passt für Sie am besten?\n> a) Termin für eine kurze Demo\n> b) Unterlagen per E-Mail\n> c) keine weiteren E-Mails von mir";
        assert!(answers(
            "c) - wir haben uns intern für eine andere Lösung entschieden",
            de
        ));
        assert!(answers("3\n\nОльга\n+7 495 555-01-23", ru));
        assert!(answers(
            "3 - and please don't pass my details on to anyone else.",
            menu
        ));
        assert!(!answers("We have 3 offices and no budget this year.", menu));
        // Menus written other ways: emoji with "=", letters with a removal in French or
        // Italian, a number after "Option" with more after it.
        let emoji_eq = "> responde só com um emoji:\n> 🚀 = quero conversar\n> 🐢 = mais pra frente\n> ✋ = pode parar de me escrever";
        assert!(answers("✋", emoji_eq));
        assert!(!answers("🐢", emoji_eq));
        let fr = "> répondez simplement par la lettre qui vous convient :\n> A – on en parle la semaine prochaine\n> B – recontactez-moi en septembre\n> C – retirez-moi de vos listes";
        assert!(answers("C, merci.", fr));
        let it = "> a) la tolgo dai miei contatti e non la disturbo più;\n> b) le mando una demo registrata di 5 minuti";
        assert!(answers("a, grazie.", it));
        assert!(answers(
            "Option 3 please - and the same for fleet-ops@kingsmead-log.example, which you also seem to have on your list. That alias goes to eleven people.",
            menu
        ));
        // A longer reply opening with the number.
        assert!(answers(
            "3\n\nHonestly nothing personal. We've just signed a five-year deal with a telematics provider that includes routing, our dispatchers have finally learned it, and I'm not opening that can of worms again.",
            menu
        ));
        // A menu of symbols.
        let emoji = "> Ein Emoji reicht:\n> ✅ Termin vereinbaren\n> ⏳ später nochmal melden\n> ❌ keine weiteren E-Mails";
        assert_eq!(option(emoji), Some('❌'));
        assert!(answers("❌", emoji));
        assert!(!answers("✅", emoji));
        assert!(!answers("❌ Termin passt nicht, aber gern später", emoji));
    }

    #[test]
    fn menus_inside_a_line_and_ways_of_not_hearing_more() {
        // Letters in brackets within one line.
        let poll =
            "> Quick poll: (A) book a demo, (B) get the one-pager, (C) never hear from me again?";
        assert_eq!(option(poll), Some('c'));
        assert!(answers("C", poll));
        assert!(!answers("B", poll));
        // Brackets out of order are no menu.
        assert_eq!(option("> See (c) 2026 and (a) below."), None);
        // "Rather not hear from me", "niets meer van me horen".
        let rather = "> Reply 1 if a 20-minute call makes sense, or 2 if you'd rather not hear from me again.";
        assert!(answers("2", rather));
        assert!(!answers("1", rather));
        let nl = "> Antwoord 1 voor een belletje, 2 als je niets meer van me wilt horen.";
        assert!(answers("2!", nl));
        // "The last one" of three choices, the last being to stop.
        let three = "> Is it a no, a not now, or should I just stop writing?";
        assert!(answers("the last one", three));
    }

    #[test]
    fn should_i_stop_here_in_more_languages() {
        assert!(answers("sì, grazie", "> Mi fermo qui?"));
        assert!(answers("pode sim", "> Posso parar por aqui?"));
        assert!(answers("oui svp", "> Je m'arrête là ?"));
        assert!(!answers("non, continuez", "> Je m'arrête là ?"));
        assert!(answers("sì", "> Vuole che mi fermi?"));
    }
}
