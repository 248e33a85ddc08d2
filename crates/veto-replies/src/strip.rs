//! The quote and signature stripper: what the person wrote in this reply, without the history
//! their client quoted below it and without their signature.
//!
//! Rules, in order:
//! 1. Lines starting with `>` are quoted history wherever they are (interleaved replies keep
//!    their own lines).
//! 2. Everything from the first line that starts a quoted or forwarded original is history:
//!    a reply header in any known language ("On … wrote:", "Am … schrieb …:", "Le … a écrit :",
//!    "El … escribió:", "Em … escreveu:", "Il … ha scritto:", "Op … schreef …:", "… пишет:",
//!    "… написал(а):", Gmail's Russian "пн, 7 дек. 2026 г. в 10:02, Имя <адрес>:"), also when
//!    the client wrapped it over two lines; any line ending in `<address>:`; an
//!    "-----Original Message-----" separator in any language; an Outlook header block
//!    ("From:/Von:/De :/Da:/Van:/От:" followed within three lines by "Sent:/Gesendet:/…/Тема:"),
//!    including the `____` rule above it.
//! 3. Above that, the signature is cut: from a `-- ` delimiter, a mobile-client line ("Sent
//!    from my iPhone", "Von meinem iPhone gesendet", …), the first line of a legal disclaimer,
//!    or a sign-off line alone ("Best regards,", "Mit freundlichen Grüßen", "С уважением,") —
//!    a sign-off that is the first line of the text is kept ("Thanks!" as the whole reply) and
//!    only what follows it is cut.
//! 4. A bottom-posted or inline reply — a reply header followed by `>`-quoted lines — adds
//!    the unquoted lines between and after the quoted ones, up to the next start of history,
//!    with the signature cut as in 3: all of them when nothing stands above the header, only
//!    when some stand *between* quoted lines otherwise ("Answers below." and inline answers;
//!    a footer after the whole quote is not read).
//! 5. Two readings the classifier adds with what it knows of the sender: with nothing above
//!    an unquoted copy of the seller's message, the short text after the copy's last link
//!    when the sender signed it ([`written_below`]); and under a short note that points below
//!    ("see the note below from Richard"), the forwarded message of a colleague at the
//!    sender's own domain ([`forwarded_instruction`]).
//!
//! The output is a subsequence of the input's lines (unchanged), so the function is
//! idempotent and never invents text.

use std::sync::LazyLock;

use regex::Regex;

use crate::fold::fold;
use crate::rules::{Rules, rules};

/// Words a one-line signature's name part may have ("Linda Chu", "Anna van der Berg").
const SIGNATURE_NAME_WORDS: std::ops::RangeInclusive<usize> = 2..=4;

/// A one-line signature below the text: a capitalised name, then ` | `-separated parts
/// ("Linda Chu | Arcadia Finance", "Samuel Reyes | Office Manager | Corvan Logistics").
/// What follows it (a company's own "Unsubscribe from … updates" link) is signature too.
fn is_pipe_signature(line: &str) -> bool {
    let parts: Vec<&str> = line.trim().split(" | ").map(str::trim).collect();
    let Some(name) = parts.first() else {
        return false;
    };
    let words: Vec<&str> = name.split_whitespace().collect();
    parts.len() >= 2
        && line.chars().count() <= 100
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.split_whitespace().count() <= 6)
        && SIGNATURE_NAME_WORDS.contains(&words.len())
        && words
            .first()
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase)
        && words
            .last()
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase)
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        })
}

/// Lines a header block may be separated from its first field by (Outlook's `____` rule,
/// blank lines).
const HEADER_BLOCK_LOOKAHEAD: usize = 3;

/// The new text of a reply body: quoted history and signature removed (see the module
/// documentation). Lines are returned unchanged, joined by `\n`, without leading or trailing
/// blank lines.
///
/// The output is a fixed point: reading it again gives it back. One reading can leave a
/// header block whose lines the quote between them kept apart ("From: …", a quoted copy,
/// then "Subject: …"); the text is read again until nothing more goes, which ends because
/// every reading keeps a subsequence of the lines.
pub fn new_text(body: &str) -> String {
    let mut text = strip_once(body);
    for _ in 0..MAX_READINGS {
        let again = strip_once(&text);
        if again == text {
            break;
        }
        text = again;
    }
    text
}

/// How many times [`new_text`] reads its own output at most (two readings settle every text
/// met so far; the bound keeps an adversarial body linear).
const MAX_READINGS: usize = 8;

/// One reading of [`new_text`].
fn strip_once(body: &str) -> String {
    let (lines, visible, folded) = split_body(body);
    let r = rules();

    let cut_k = (0..visible.len()).find(|&k| starts_history(r, &folded, &visible, k));
    let cut = cut_k.map_or(lines.len(), |k| visible[k]);
    let mut top: Vec<usize> = visible.iter().copied().take_while(|&i| i < cut).collect();
    top.drain(..external_banner_len(&folded, &top));
    let kept = content(r, &lines, &folded, &top);
    if let Some(k) = cut_k
        && quote_follows(&lines, cut)
    {
        // A bottom-posted or inline reply: its attribution line ("On … wrote:") is followed by
        // `>`-quoted lines, and the writer's text is the unquoted lines between and after
        // them, up to the next history start. Below a text of its own ("Answers below."), only
        // answers *between* quoted lines count: what follows the whole quote there is a
        // footer, not an answer.
        let tail: Vec<usize> = (k + 1..visible.len())
            .take_while(|&j| !starts_history(r, &folded, &visible, j))
            .map(|j| visible[j])
            .collect();
        let last_quote = tail.last().map_or(cut, |&t| {
            (cut..t).rev().find(|&i| is_quoted(lines[i])).unwrap_or(cut)
        });
        let answers = tail
            .iter()
            .any(|&i| i < last_quote && !folded[i].is_empty());
        // Nothing above the header but a greeting ("Здравствуйте, Антон Белов." over The Bat!'s
        // quote, the reply written below it) counts as nothing.
        if kept.is_empty() {
            return content(r, &lines, &folded, &tail);
        }
        if kept
            .lines()
            .filter(|l| !l.trim().is_empty())
            .all(is_greeting)
        {
            let both: Vec<usize> = top.iter().chain(&tail).copied().collect();
            return content(r, &lines, &folded, &both);
        }
        if answers {
            let both: Vec<usize> = top.iter().chain(&tail).copied().collect();
            return content(r, &lines, &folded, &both);
        }
    }
    kept
}

/// The visible lines of the first quoted or forwarded message, whose history starts at visible
/// line `k`: after its header block (field lines, a rule, blank lines), up to the next start
/// of history.
fn first_message(r: &Rules, folded: &[String], visible: &[usize], k: usize) -> Vec<usize> {
    let header_line =
        |f: &str| f.is_empty() || is_field(r, f, true) || is_field(r, f, false) || is_rule_line(f);
    let first = (k + 1..visible.len())
        .find(|&j| !header_line(&folded[visible[j]]))
        .unwrap_or(visible.len());
    (first..visible.len())
        .take_while(|&j| !starts_history(r, folded, visible, j))
        .map(|j| visible[j])
        .collect()
}

/// The instruction a short note forwards (`kept`, the note's [`new_text`]): "Please see the
/// note below from Richard" over a message from a colleague — the first quoted message's
/// `From` field holds the sender's own domain (from `from`) — is the colleague's text
/// appended to the note ("Linda - can you get me off this company's mailing list?"). `None`
/// when the note points nowhere or the message below is not a colleague's (the seller's own
/// message quoted under "see my comments below").
pub fn forwarded_instruction(body: &str, kept: &str, from: &str) -> Option<String> {
    if kept.trim().is_empty()
        || kept.split_whitespace().count() > POINTER_WORDS
        || !POINTS_BELOW.as_ref()?.is_match(&fold(kept))
    {
        return None;
    }
    let domain = from
        .rsplit_once('@')
        .map(|(_, d)| d.trim().to_ascii_lowercase())?;
    let q = FirstMessage::of(body)?;
    let (r, lines, folded, segment) = (q.rules, &q.lines, &q.folded, &q.segment);
    let header_end = segment.first().copied().unwrap_or(lines.len());
    let at_domain = format!("@{domain}");
    let colleague = (q.start..header_end)
        .any(|i| is_field(r, &folded[i], true) && folded[i].contains(&at_domain));
    if !colleague {
        return None;
    }
    let forwarded = content(r, lines, folded, segment);
    (!forwarded.is_empty()).then(|| format!("{kept}\n{forwarded}"))
}

/// A reply written below an unquoted copy of the seller's message (Outlook's "-----Original
/// Message-----" with no `>` and nothing above it), for a body whose [`new_text`] is empty:
/// the lines after the copy's last link (which ends its footer), when they are short and
/// signed by the sender — a line among their last three holds a word of the sender's name,
/// from the `From` header's display name (`from_header`) or the address's local part
/// (`from`): "No vuelvan a escribirme … / F. Castaño" from fcastano@…. Unsigned lines there
/// are the seller's own ("Reply STOP to unsubscribe.").
pub fn written_below(body: &str, from: &str, from_header: Option<&str>) -> Option<String> {
    let q = FirstMessage::of(body)?;
    let (r, lines, folded, segment) = (q.rules, &q.lines, &q.folded, &q.segment);
    let last_link = segment.iter().rposition(|&i| has_link(&folded[i]))?;
    let after = segment.get(last_link + 1..)?;
    let words: usize = after
        .iter()
        .map(|&i| folded[i].split_whitespace().count())
        .sum();
    if words == 0 || words > BOTTOM_POSTED_WORDS {
        return None;
    }
    let local = fold(from.split('@').next().unwrap_or_default());
    let display = fold(
        from_header
            .and_then(|h| h.split('<').next())
            .unwrap_or_default(),
    );
    let names: Vec<&str> = display
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .collect();
    let signed = after
        .iter()
        .rev()
        .filter(|&&i| !folded[i].is_empty())
        .take(3)
        .any(|&i| {
            folded[i]
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 3)
                .any(|w| names.contains(&w) || local.contains(w))
        });
    if !signed {
        return None;
    }
    let text = content(r, lines, folded, after);
    (!text.is_empty()).then_some(text)
}

/// A body's lines, their folded forms, and the visible lines of its first quoted or
/// forwarded message ([`first_message`]); `None` when no history starts in it.
struct FirstMessage<'a> {
    rules: &'static Rules,
    lines: Vec<&'a str>,
    folded: Vec<String>,
    /// The body line where the history starts.
    start: usize,
    segment: Vec<usize>,
}

impl<'a> FirstMessage<'a> {
    fn of(body: &'a str) -> Option<Self> {
        let (lines, visible, folded) = split_body(body);
        let rules = rules();
        let k = (0..visible.len()).find(|&k| starts_history(rules, &folded, &visible, k))?;
        let segment = first_message(rules, &folded, &visible, k);
        Some(Self {
            rules,
            lines,
            folded,
            start: visible[k],
            segment,
        })
    }
}

/// At most this many words below the last link of an unquoted copy are read as a reply
/// written under it (a few sentences and a name, not a second message).
const BOTTOM_POSTED_WORDS: usize = 80;

/// A short note (at most this many words) over a forwarded message may point to it.
const POINTER_WORDS: usize = 40;

/// A link or a web address in a folded line.
fn has_link(folded: &str) -> bool {
    folded.contains("http://") || folded.contains("https://") || folded.contains("www.")
}

/// A note that points to the message below it, in the table languages (folded): "see the note
/// below", "anbei die Rückmeldung von …", "voir ci-dessous", "ver abajo", "vedi sotto", "zie
/// hieronder", "см. ниже". Written here, not in the phrase tables: it decides which lines are
/// the writer's, before any phrase is read.
/// A salutation line alone, in any of the eight languages ("Hi Anna,", "Sehr geehrter Herr
/// Wolf,", "Здравствуйте, Антон Белов."): a greeting word, then at most four words of names.
static GREETING: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings",
        r"|hallo|guten (?:tag|morgen|abend)|sehr geehrte[rs]?|liebe[rs]?|moin|servus|gruezi|gruss gott",
        r"|bonjour|bonsoir|salut|cher|chere|madame|monsieur",
        r"|hola|buen(?:os|as) (?:dias|tardes|noches)|buenas|estimad[oa]s?",
        r"|ola|bom dia|boa (?:tarde|noite)|prezad[oa]s?|car[oa]s?",
        r"|ciao|buongiorno|buonasera|salve|gentile|egregi[oa]",
        r"|beste|geachte|hoi|goedemorgen|goedemiddag|goedenavond|dag",
        r"|здравствуите|добрыи (?:день|вечер)|доброе утро|привет|уважаем(?:ыи|ая|ые))",
        r"(?:[ ,]+[^\s,.!:;]+){0,4}[ ,.!:;]*$",
    ))
    .ok()
});

/// Whether a line of a reply is a salutation alone ([`GREETING`]).
fn is_greeting(line: &str) -> bool {
    GREETING
        .as_ref()
        .is_some_and(|re| re.is_match(fold(line).trim()))
}

static POINTS_BELOW: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:see|read|find) (?:\S+ ){0,4}below\b|\b(?:note|message|request|email|mail|comment|reply|answer|feedback|response|instructions?) below\b|\bbelow from\b",
        r"|\bsiehe unten\b|\bunten(?:stehend)?e? (?:nachricht|mail|ruckmeldung|anmerkung|bitte|notiz|antwort)\b|\banbei (?:\S+ ){0,2}(?:ruckmeldung|antwort|nachricht|notiz|anmerkung|bitte)\b",
        r"|\bci ?dessous\b|\b(?:ver|mas|ver mas) abajo\b|\bdebajo\b|\b(?:veja|ver|segue) (?:\S+ ){0,3}abaixo\b",
        r"|\b(?:vedi|leggi|qui) (?:\S+ ){0,3}sotto\b|\bdi seguito\b|\bhieronder\b|\bzie onder\b|\bниже\b",
    ))
    .ok()
});

/// A body's lines (every trailing CR removed: `\r\r\n` occurs in re-encoded mail, and stripping
/// stays a fixed point), the indices of those not `>`-quoted, and every line folded.
fn split_body(body: &str) -> (Vec<&str>, Vec<usize>, Vec<String>) {
    let lines: Vec<&str> = body.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let visible: Vec<usize> = (0..lines.len()).filter(|&i| !is_quoted(lines[i])).collect();
    let folded: Vec<String> = lines.iter().map(|l| fold(l)).collect();
    (lines, visible, folded)
}

/// A sign-off on the first line is a greeting when the next line has at least this many
/// words (a sentence, not a name and a title).
const GREETING_FOLLOWS: usize = 6;

/// Lines `idx` of a body without the signature (rule 3), joined, without leading or trailing
/// blank lines.
fn content(r: &Rules, lines: &[&str], folded: &[String], idx: &[usize]) -> String {
    let mut end = usize::MAX;
    let mut seen_content = false;
    for &i in idx {
        let f = &folded[i];
        if f.is_empty() {
            continue;
        }
        let first = !seen_content;
        seen_content = true;
        if is_sig_delimiter(lines[i])
            || (!first && is_pipe_signature(lines[i]))
            || any_lang(r, f, |l| l.mobile.as_ref())
            || any_lang(r, f, |l| l.disclaimer.as_ref())
        {
            end = i;
            break;
        }
        if any_lang(r, f, |l| l.sign_off.as_ref()) {
            // "Cordial saludo." opening a letter is a greeting: a sentence follows it, not a
            // name.
            let next = idx
                .iter()
                .find(|&&j| j > i && !folded[j].is_empty())
                .map(|&j| folded[j].split_whitespace().count());
            if first && next.is_some_and(|n| n >= GREETING_FOLLOWS) {
                continue;
            }
            end = if first { i + 1 } else { i };
            break;
        }
    }
    let mut kept: Vec<&str> = idx
        .iter()
        .take_while(|&&i| i < end)
        .map(|&i| lines[i])
        .collect();
    // A postscript below the signature is still the writer's ("Cordiali saluti, Matteo …
    // P.S. Per favore rimuovete questo indirizzo"): its paragraph is kept, up to a blank line.
    if let Some(ps) = idx
        .iter()
        .position(|&i| i >= end && is_postscript(&folded[i]))
    {
        while kept.last().is_some_and(|l| l.trim().is_empty()) {
            kept.pop();
        }
        kept.push("");
        kept.extend(
            idx[ps..]
                .iter()
                .take_while(|&&i| !folded[i].is_empty())
                .map(|&i| lines[i]),
        );
    }
    let first = kept.iter().position(|l| !l.trim().is_empty());
    let last = kept.iter().rposition(|l| !l.trim().is_empty());
    match (first, last) {
        (Some(a), Some(b)) => kept[a..=b].join("\n"),
        _ => String::new(),
    }
}

/// Whether a (folded) line opens a postscript: "P.S.", "PS:", "P.P.S.", "PS -", Spanish
/// "P.D." / "PD:".
fn is_postscript(folded: &str) -> bool {
    let t = folded.trim_start();
    let rest = t
        .strip_prefix("p.p.s")
        .or_else(|| t.strip_prefix("pps"))
        .or_else(|| t.strip_prefix("p.s"))
        .or_else(|| t.strip_prefix("ps"))
        .or_else(|| t.strip_prefix("p.d"))
        .or_else(|| t.strip_prefix("pd"));
    rest.is_some_and(|r| r.is_empty() || r.starts_with(['.', ':', ' ', '-', ',']))
}

/// The warning a mail gateway puts above a message from outside the organisation ("CAUTION:
/// This email originated from outside the organization", "[Extern] Diese E-Mail stammt von
/// außerhalb der Organisation", "PRECAUCIÓN: Este correo electrónico se originó fuera de la
/// organización"), and a line that continues one ("Be cautious, especially with links and
/// attachments. | Report Suspicious").
static EXTERNAL_BANNER: LazyLock<Option<(Regex, Regex)>> = LazyLock::new(|| {
    let banner = Regex::new(
        r"external (?:sender|email|e-mail|message|mail)|outside (?:of )?(?:the|your|our) (?:organi[sz]ation|company)|^\s*\[?(?:external|extern|externe|externo|esterno|externa)\]|externe (?:e-mail|mail|nachricht|afzender)|ausserhalb (?:der|ihrer|unserer) organisation|expediteur externe|fuera de la organizacion|remitente externo|fora da organizacao|remetente externo|mittente esterno|esterna (?:all'|alla )organizzazione|buiten (?:de|onze|uw) organisatie|внешн\S* (?:отправител|адресат)|вне (?:организации|компании)",
    );
    let continued = Regex::new(
        r"\b(?:links?|attachments?|report suspicious|phishing|anhangen|anhange|liens|pieces jointes|enlaces|adjuntos|anexos|allegati|bijlagen|ссылк\S*|вложени\S*)\b",
    );
    Some((banner.ok()?, continued.ok()?))
});

/// How many of the first lines `idx` are an external-sender warning, its continuation lines
/// and rule lines (`****`, `----`); 0 when the text does not open with one.
fn external_banner_len(folded: &[String], idx: &[usize]) -> usize {
    let Some((banner, continued)) = EXTERNAL_BANNER.as_ref() else {
        return 0;
    };
    let rule = |f: &str| !f.is_empty() && f.chars().all(|c| "*-=_~#".contains(c) || c == ' ');
    let mut seen = false;
    let mut len = 0;
    for (k, &i) in idx.iter().enumerate() {
        let f = folded[i].as_str();
        if f.is_empty() || rule(f) {
            len = k + 1;
            continue;
        }
        if banner.is_match(f) || (seen && continued.is_match(f)) {
            seen = true;
            len = k + 1;
            continue;
        }
        break;
    }
    if seen { len } else { 0 }
}

/// Whether the first non-blank line after line `at` is `>`-quoted.
fn quote_follows(lines: &[&str], at: usize) -> bool {
    lines
        .iter()
        .skip(at + 1)
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| is_quoted(l))
}

/// A `>`-quoted line, also with the quoted writer's initials before the mark (The Bat! and
/// other Fidonet-style clients: "АГ> Здравствуйте, Виктор!", "JS>> …").
fn is_quoted(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with('>') {
        return true;
    }
    let initials = t.chars().take_while(|c| c.is_uppercase()).count();
    (1..=3).contains(&initials) && t.chars().nth(initials) == Some('>')
}

fn is_sig_delimiter(line: &str) -> bool {
    matches!(line.trim_end(), "--" | "-- " | "—" | "__")
}

fn any_lang(
    r: &Rules,
    folded: &str,
    pick: impl Fn(&crate::rules::LangRules) -> Option<&regex::Regex>,
) -> bool {
    r.langs
        .iter()
        .filter_map(&pick)
        .any(|re| re.is_match(folded))
}

fn is_quote_header(r: &Rules, f: &str) -> bool {
    r.original_separator.is_match(f)
        || r.generic_quote_header.is_match(f)
        || any_lang(r, f, |l| l.quote_header.as_ref())
}

/// The field name at the start of a folded header line (`from:`, `*von:*`), if any.
fn header_field(f: &str) -> Option<&str> {
    let f = f.trim_start_matches(['*', ' ']);
    let colon = f.find(':')?;
    let name = f[..colon].trim_end_matches(['*', ' ']);
    (!name.is_empty() && name.chars().count() <= 14).then_some(name)
}

fn is_field(r: &Rules, f: &str, first_only: bool) -> bool {
    let Some(name) = header_field(f) else {
        return false;
    };
    r.langs.iter().any(|l| {
        let fields = if first_only {
            &l.header_fields[..l.header_fields.len().min(1)]
        } else {
            &l.header_fields[1..]
        };
        fields.iter().any(|x| x == name)
    })
}

/// An Outlook-style header block starts at visible line `k`: a From-type field followed,
/// within a few lines, by another header field.
fn header_block_at(r: &Rules, folded: &[String], visible: &[usize], k: usize) -> bool {
    if !is_field(r, &folded[visible[k]], true) {
        return false;
    }
    visible[k + 1..]
        .iter()
        .map(|&i| folded[i].as_str())
        .filter(|f| !f.is_empty())
        .take(HEADER_BLOCK_LOOKAHEAD)
        .any(|f| is_field(r, f, false))
}

/// A rule line (`________`, `--------`, `========`) of at least eight characters.
fn is_rule_line(f: &str) -> bool {
    f.len() >= 8 && f.chars().all(|c| c == '_' || c == '-' || c == '=')
}

fn starts_history(r: &Rules, folded: &[String], visible: &[usize], k: usize) -> bool {
    let f = folded[visible[k]].as_str();
    if f.is_empty() {
        return false;
    }
    if is_quote_header(r, f) || header_block_at(r, folded, visible, k) {
        return true;
    }
    // A rule line (`_____`) right above an Outlook header block.
    if is_rule_line(f)
        && let Some(next) = (k + 1..visible.len()).find(|&j| !folded[visible[j]].is_empty())
    {
        return header_block_at(r, folded, visible, next);
    }
    // A reply header the client wrapped over two lines ("… <" / "addr> wrote:").
    if let Some(&next) = visible.get(k + 1) {
        let joined = format!("{f} {}", folded[next]);
        if f.chars().count() >= 8
            && is_quote_header(r, &joined)
            && !is_quote_header(r, &folded[next])
        {
            return true;
        }
    }
    false
}

/// The new text without the writer's own mailing footer: from the first line after the
/// first that links to the writer's own domain (`domain`, from the `From` address) and holds
/// an opt-out cue ("Manage your preferences or unsubscribe from Ridgeway updates:
/// `https://ridgewayfarmsupply.com/…`"). A person asking us to stop links to our domain, not
/// theirs, so such a line is their company's newsletter footer under their signature. The
/// output is a prefix of the input's lines (unchanged), without trailing blank lines.
pub fn without_own_footer(text: &str, domain: &str) -> String {
    let domain = domain
        .trim()
        .trim_start_matches("www.")
        .to_ascii_lowercase();
    if domain.is_empty() {
        return text.to_string();
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    // The footer line links to the domain, or stands right under the company line that does
    // ("АО «Технопарк-Казань» | technopark-kazan.ru" / "Чтобы отписаться от новостной
    // рассылки технопарка, ответьте …").
    let cut = lines.iter().enumerate().position(|(i, l)| {
        Some(i) > first
            && (links_to(l, &domain)
                || i.checked_sub(1)
                    .and_then(|j| lines.get(j))
                    .is_some_and(|p| Some(i - 1) > first && company_line(p, &domain)))
            && !crate::compose::stop_hits_read(&fold(l), false).is_empty()
    });
    match cut {
        Some(i) => {
            let kept = lines.get(..i).unwrap_or_default();
            let last = kept.iter().rposition(|l| !l.trim().is_empty());
            last.map_or_else(String::new, |j| {
                kept.get(..=j).unwrap_or_default().join("\n")
            })
        }
        None => text.to_string(),
    }
}

/// Where a line names `domain` (or a sub-domain of it) as a host: the byte offsets just
/// after each mention. Not inside an e-mail address or a longer host name.
fn host_mentions(lower: &str, domain: &str) -> Vec<usize> {
    lower
        .match_indices(domain)
        .filter(|&(i, _)| {
            let before = lower[..i].chars().next_back();
            let rest = &lower[i + domain.len()..];
            // A sub-domain's dot may stand before it; a letter, digit, hyphen or `@` may not.
            let starts_host = before
                .is_none_or(|c| c == '.' || !(c.is_ascii_alphanumeric() || c == '-' || c == '@'));
            // Nor may more of a host name follow it (a letter, or a dot and a label).
            let more_host = rest
                .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '@')
                || (rest.starts_with('.')
                    && rest[1..].starts_with(|c: char| c.is_ascii_alphanumeric()));
            starts_host && !more_host
        })
        .map(|(i, _)| i + domain.len())
        .collect()
}

/// Whether a line is a short company line of a signature naming the writer's domain
/// ("АО «Технопарк-Казань» | technopark-kazan.ru").
fn company_line(line: &str, domain: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    line.split_whitespace().count() <= 8
        && !host_mentions(&lower, domain).is_empty()
        && crate::compose::stop_hits_read(&fold(line), false).is_empty()
}

/// Whether a line holds a link to `domain` or a sub-domain of it: with a scheme (`http://`,
/// `https://`, `www.`), or a bare host with a path ("fretefacil.com.br/descadastrar"). A bare
/// host alone is left out: people name their domain in a request ("any other address at
/// hollisterdane.com").
fn links_to(line: &str, domain: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    let bare = host_mentions(&lower, domain)
        .into_iter()
        .any(|end| lower[end..].starts_with('/'));
    bare || ["https://", "http://", "www."].iter().any(|scheme| {
        lower.match_indices(scheme).any(|(i, m)| {
            let host: String = lower
                .get(i + m.len()..)
                .unwrap_or_default()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
                .collect();
            let host = host.trim_start_matches("www.");
            host == domain || host.ends_with(&format!(".{domain}"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::{forwarded_instruction, new_text, without_own_footer, written_below};

    #[test]
    fn the_writers_own_mailing_footer_is_cut() {
        let text = "Sure, Thursday works.\n\nMarcy Dunn\nRidgeway Farm Supply\n\nManage your preferences or unsubscribe from Ridgeway updates: https://ridgewayfarm.com/email/unsubscribe";
        assert_eq!(
            without_own_footer(text, "ridgewayfarm.com"),
            "Sure, Thursday works.\n\nMarcy Dunn\nRidgeway Farm Supply"
        );
        assert_eq!(
            without_own_footer(text, "mail.ridgewayfarm.com"),
            text,
            "a parent domain is not the writer's"
        );
        // A link to us, or an opt-out link in the first line, is the person's own words.
        let ours = "Remove me please.\nYour link https://brightline.example/unsubscribe is broken.";
        assert_eq!(without_own_footer(ours, "acme.com"), ours);
        let first = "Unsubscribe me: https://acme.com/x";
        assert_eq!(without_own_footer(first, "acme.com"), first);
        // A bare host, or a company line right above the footer.
        let bare = "Send me a proposal.\n\nLucas\nFreteFácil Ltda.\nNão quer mais receber a nossa newsletter? Clique em fretefacil.com.br/descadastrar.";
        assert_eq!(
            without_own_footer(bare, "fretefacil.com.br"),
            "Send me a proposal.\n\nLucas\nFreteFácil Ltda."
        );
        let below = "Я перешлю письмо коллеге.\n\nАО «Технопарк» | technopark-kazan.ru\nЧтобы отписаться от рассылки технопарка, ответьте «Отписаться».";
        assert_eq!(
            without_own_footer(below, "technopark-kazan.ru"),
            "Я перешлю письмо коллеге.\n\nАО «Технопарк» | technopark-kazan.ru"
        );
        // Inside an address or a longer host name the domain is not named.
        for other in [
            "Thanks.\nPlease remove me, write to me at jo@acme.com instead",
            "Thanks.\nPlease remove me, see notacme.com/x",
            "Thanks.\nPlease remove me, see acme.com.evil.example/x",
        ] {
            assert_eq!(without_own_footer(other, "acme.com"), other);
        }
    }

    fn check(body: &str, expected: &str) {
        assert_eq!(new_text(body), expected, "body:\n{body}");
    }

    #[test]
    fn quotes_marked_with_the_writers_initials_are_history() {
        // The Bat!: the quoted writer's initials before each mark, the reply written below.
        check(
            "Здравствуйте, Алексей.\n\nВы писали 20 марта 2026 г., 8:53:\n\nАГ> Здравствуйте, Виктор!\nАГ>\nАГ> Найдётся ли у вас 15 минут?\nАГ>> Чтобы отписаться, ответьте СТОП\n\nНе интересно. Исключите наш адрес из рассылки.\n\n-- \nС уважением,\n Виктор\n",
            "Здравствуйте, Алексей.\n\n\n\nНе интересно. Исключите наш адрес из рассылки.",
        );
        // A comparison opens no quote.
        check(
            "Q3>Q2 for us, so yes.\nSee you.",
            "Q3>Q2 for us, so yes.\nSee you.",
        );
    }

    #[test]
    fn one_line_pipe_signature_and_what_follows_it_are_cut() {
        check(
            "Got it, thanks.\n\nLinda Chu | Arcadia Finance\nUnsubscribe from Arcadia updates: https://arcadiafin.com/u\n",
            "Got it, thanks.",
        );
        check(
            "Please remove me.\nSamuel Reyes | Office Manager | Corvan Logistics",
            "Please remove me.",
        );
        // A first line is never a signature, and a sentence with a bar is text.
        check("Anna Lee | Acme", "Anna Lee | Acme");
        check(
            "Our options:\nYes | no | maybe",
            "Our options:\nYes | no | maybe",
        );
    }

    #[test]
    fn strips_reply_headers_in_every_language() {
        let quoted = "\n> Hi,\n> Reply STOP to unsubscribe.\n";
        for header in [
            "On Mon, Dec 7, 2026 at 10:02 AM Anna Seller <anna@brightlinehq.com> wrote:",
            "On 7 Dec 2026, at 10:02, Anna Seller <anna@brightlinehq.com> wrote:",
            "On 12/7/2026 10:02 AM, Anna Seller wrote:",
            "Am Mo., 7. Dez. 2026 um 10:02 Uhr schrieb Anna Seller <anna@brightlinehq.com>:",
            "Am 07.12.2026 um 10:02 schrieb Anna Seller:",
            "Le lun. 7 déc. 2026 à 10:02, Anna Seller <anna@brightlinehq.com> a écrit :",
            "El lun, 7 dic 2026 a las 10:02, Anna Seller (<anna@brightlinehq.com>) escribió:",
            "Em seg., 7 de dez. de 2026 às 10:02, Anna Seller <anna@brightlinehq.com> escreveu:",
            "Il giorno lun 7 dic 2026 alle ore 10:02 Anna Seller <anna@brightlinehq.com> ha scritto:",
            "Il 07/12/2026 10:02, Anna Seller ha scritto:",
            "Op ma 7 dec. 2026 om 10:02 schreef Anna Seller <anna@brightlinehq.com>:",
            "Op 7 dec. 2026 om 10:02 heeft Anna Seller <anna@brightlinehq.com> het volgende geschreven:",
            "пн, 7 дек. 2026 г. в 10:02, Anna Seller <anna@brightlinehq.com>:",
            "07.12.2026 10:02, Anna Seller пишет:",
            "07.12.2026 в 10:02, Anna Seller написал(а):",
            "-----Original Message-----",
            "-----Ursprüngliche Nachricht-----",
            "-----Message d'origine-----",
            "-----Mensaje original-----",
            "-----Исходное сообщение-----",
        ] {
            check(
                &format!("Not interested.\n\n{header}{quoted}"),
                "Not interested.",
            );
        }
    }

    #[test]
    fn strips_wrapped_gmail_header() {
        check(
            "Sounds good\n\nOn Thu, Oct 8, 2026 at 10:48 AM Tom Reeve <\ntom@brightlinehq.com> wrote:\n> Reply STOP",
            "Sounds good",
        );
    }

    #[test]
    fn strips_outlook_blocks_in_every_language() {
        for (from, sent, to, subject) in [
            ("From", "Sent", "To", "Subject"),
            ("Von", "Gesendet", "An", "Betreff"),
            ("De ", "Envoyé ", "À ", "Objet "),
            ("De", "Enviado el", "Para", "Asunto"),
            ("Da", "Inviato", "A", "Oggetto"),
            ("Van", "Verzonden", "Aan", "Onderwerp"),
            ("От", "Отправлено", "Кому", "Тема"),
        ] {
            let body = format!(
                "Remove me.\n\n________________________________\n{from}: Anna <anna@x.io>\n{sent}: 07.12.2026\n{to}: Bob\n{subject}: Hi\n\nReply STOP to unsubscribe"
            );
            check(&body, "Remove me.");
        }
    }

    #[test]
    fn strips_signatures_and_disclaimers() {
        check("No thanks.\n\n-- \nJane Doe\nVP Sales", "No thanks.");
        check("Stop.\n\nSent from my iPhone", "Stop.");
        check(
            "Bitte abmelden.\n\nVon meinem iPhone gesendet",
            "Bitte abmelden.",
        );
        check(
            "Not now.\n\nBest regards,\nJane\nTo unsubscribe from our newsletter click here",
            "Not now.",
        );
        check(
            "Kein Interesse.\n\nMit freundlichen Grüßen\nMax",
            "Kein Interesse.",
        );
        check("Не интересно.\n\nС уважением,\nИван", "Не интересно.");
        check(
            "Call me.\n\nCONFIDENTIALITY NOTICE: This e-mail is confidential. If you are not the intended recipient, delete it.",
            "Call me.",
        );
        check("Thanks!\nJane", "Thanks!");
        // A sign-off word opening a letter is its greeting.
        check(
            "Cordial saludo.\n\nDe manera atenta solicito que mi correo sea eliminado de sus bases.\n\nAndrés",
            "Cordial saludo.\n\nDe manera atenta solicito que mi correo sea eliminado de sus bases.\n\nAndrés",
        );
    }

    #[test]
    fn an_external_sender_warning_above_the_reply_is_cut() {
        check(
            "CAUTION: This email originated from outside the organization. Do not click links.\n\nRemove me please.\n\nNeil",
            "Remove me please.\n\nNeil",
        );
        check(
            "********************\nThis message is from an external sender. Be cautious.\n| Report Suspicious\n********************\n\nRemove",
            "Remove",
        );
        check(
            "PRECAUCIÓN: Este correo electrónico se originó fuera de la organización.\nBAJA\nAndrés Sánchez",
            "BAJA\nAndrés Sánchez",
        );
        check(
            "[Extern] Diese E-Mail stammt von außerhalb der Organisation.\nSeien Sie vorsichtig bei Links und Anhängen.\n\nKein Bedarf, danke.",
            "Kein Bedarf, danke.",
        );
        // Only at the top: a writer's sentence about links stays.
        check(
            "Your links are broken, please fix them.",
            "Your links are broken, please fix them.",
        );
    }

    #[test]
    fn a_postscript_below_the_signature_is_kept() {
        check(
            "Grazie, ma no.\n\nCordiali saluti,\nMatteo Colombo\n\nP.S. Per favore rimuovete questo indirizzo.\n\nAi sensi del GDPR, le informazioni sono riservate.",
            "Grazie, ma no.\n\nP.S. Per favore rimuovete questo indirizzo.",
        );
        check(
            "Geen ruimte.\n\nGroet,\nJoost\n\nPS: wil je me voortaan niet meer mailen?\n\nOp 23-05-2027 om 08:39 schreef Floor:\n> Hi",
            "Geen ruimte.\n\nPS: wil je me voortaan niet meer mailen?",
        );
        // "Psst" and "PSA" open no postscript.
        check(
            "No thanks.\n\nBest,\nJane\n\nPSA: our office moves",
            "No thanks.",
        );
        // Spanish "PD:", and a "PDF" that opens no postscript.
        check(
            "Gracias por la información.\n\nUn saludo,\nAndrés\nPD: Por favor, quitadme de la lista de correos.",
            "Gracias por la información.\n\nPD: Por favor, quitadme de la lista de correos.",
        );
        check(
            "No thanks.\n\nBest,\nJane\n\nPDF attached: our brochure",
            "No thanks.",
        );
    }

    #[test]
    fn keeps_interleaved_answers_and_unquoted_text() {
        check(
            "> Worth a chat?\nYes, Tuesday.\n> Reply STOP\n",
            "Yes, Tuesday.",
        );
        check("", "");
        check("\n\n  \n", "");
    }

    #[test]
    fn bottom_posted_and_inline_replies_keep_the_writers_lines() {
        // Bottom-posted under the attribution line and the quote.
        check(
            "On Fri, Feb 12, 2027 at 10:11 AM Sophie <s@x.eu> wrote:\n> Worth a call?\n>\n> Reply \"no thanks\" to opt out.\n\nPlease stop emailing me.\n\nHelen\n",
            "Please stop emailing me.\n\nHelen",
        );
        // Inline answers, then the quoted sign-off, then a signature.
        check(
            "On 08/03/2027 10:02, Dan wrote:\n> Hi Frank,\n> We track fleets.\n\nWe buy by public bid.\n\n> Worth a call?\n\nNo. Please don't contact me again.\n\n> Best,\n> Dan\n\nBest regards,\nFrank\n",
            "We buy by public bid.\n\n\nNo. Please don't contact me again.",
        );
        // Up to the next start of history only.
        check(
            "Am 3. März 2027 um 10:14 schrieb A <a@x.de>:\n> Interesse?\nNein.\nVon: B\nGesendet: Montag\nAn: C\nBetreff: X\nalter Text\n",
            "Nein.",
        );
        // A top-posted reply is unchanged: the unquoted lines below the quote are not read.
        check(
            "Thanks, call me.\n\nOn Mon, Jan 4, 2027, A <a@x.com> wrote:\n> Hi\n\nSent from my iPhone\n",
            "Thanks, call me.",
        );
        // Inline answers below a line of its own.
        check(
            "Hi, answers below.\n\nOn Fri, Feb 19, 2027 at 9:07 AM H <h@x.com> wrote:\n> We do e-discovery.\n\nWe send everything out today.\n\n> Demo next week?\n\nYes, Tuesday.\n\n> Best, H\n",
            "Hi, answers below.\n\n\nWe send everything out today.\n\n\nYes, Tuesday.",
        );
        // Below a text of its own, lines after the whole quote are a footer, not an answer.
        check(
            "Not for us, thanks.\n\nOn Mon, Jan 4, 2027, A <a@x.com> wrote:\n> Hi\n> Reply STOP to opt out\n\nUnsubscribe from our newsletter: https://example.org/u\n",
            "Not for us, thanks.",
        );
        // An attribution followed by an unquoted original (Outlook) gives nothing.
        check(
            "On Mon, Jan 4, 2027, A <a@x.com> wrote:\nHi, would a call help? Reply STOP to opt out.\n",
            "",
        );
    }

    #[test]
    fn a_reply_written_below_an_unquoted_copy_is_found_when_signed() {
        let body = "-----Original Message-----\nFrom: Ann Seller <ann@vendor.example>\nSent: Monday, 4 October 2027 09:00\nTo: Fernando Castaño <fcastano@taller.example>\nSubject: Payroll\n\nHi Fernando,\nWorth a call?\nAnn\nUnsubscribe: https://vendor.example/u\n\nDon't write to me again.\n\nF. Castaño\n";
        assert_eq!(new_text(body), "");
        assert_eq!(
            written_below(
                body,
                "fcastano@taller.example",
                Some("Fernando Castaño <fcastano@taller.example>")
            )
            .as_deref(),
            Some("Don't write to me again.\n\nF. Castaño")
        );
        // Unsigned lines after the copy's last link are the seller's.
        let unsigned = body.replace("F. Castaño", "Reply STOP to unsubscribe.");
        assert_eq!(
            written_below(&unsigned, "fcastano@taller.example", None),
            None
        );
    }

    #[test]
    fn a_note_forwarding_a_colleagues_instruction_carries_it() {
        let body = "Hi Owen,\n\nPlease see the note below from Richard.\n\nLinda Park\n\n________________________________\nFrom: Richard Whitaker <richard@whitaker.example>\nSent: Tuesday, August 10, 2027 8:14 AM\nTo: Linda Park <linda@whitaker.example>\nSubject: FW: Pen test\n\nLinda - can you get me off this company's mailing list?\n\n________________________________\nFrom: Owen Hart <owen@vendor.example>\nSent: Friday, August 6, 2027 4:05 AM\nTo: Richard Whitaker <richard@whitaker.example>\nSubject: Pen test\n\nReply stop to unsubscribe.\n";
        let kept = new_text(body);
        assert!(kept.contains("note below from Richard."), "{kept}");
        assert_eq!(
            forwarded_instruction(body, &kept, "linda@whitaker.example"),
            Some(format!(
                "{kept}\nLinda - can you get me off this company's mailing list?"
            ))
        );
        // The message below is the seller's own: nothing is carried.
        assert_eq!(
            forwarded_instruction(body, &kept, "linda@elsewhere.example"),
            None
        );
    }
}
