//! The compositional matcher: the cue tables of [`crate::cues`] applied to the tokens of each
//! sentence of a folded text.
//!
//! A text is cut into sentences (at `.`, `!`, `?`, `;`, `:` and line-like breaks) and each
//! sentence into tokens (runs of letters and digits; `n't` becomes a token `not`). A *cue* is a
//! short token pattern:
//!
//! - elements are separated by spaces and must follow one another;
//! - an element is one or more alternatives separated by `|`; an alternative is a glob over
//!   one token where `*` stands for any run of letters (`unsubscri*`, `quit*me`, `*mail*`);
//! - `$` as the last element matches the end of the clause;
//! - `~N` between two elements lets up to `N` other tokens stand between them
//!   (`take ~2 off` matches "take me off", "take my address off").
//!
//! Cues are folded like message text when compiled, so tables are written naturally.
//! Intent rules combine cues inside one sentence within a small window of tokens: a removal
//! verb near a "me / my address / your list" object, a cease verb before a contacting verb, a
//! negation before a contacting verb with "again / any more", and so on (see [`stop_hits`]).

use std::sync::LazyLock;

use crate::cues::{self, Cues};
use crate::fold::fold;
use crate::language::Language;
use crate::rules::Hit;

/// How many tokens may separate the parts of an intent (verb and object, negation and verb).
const WINDOW: usize = 6;

/// One token of a folded text, with its byte span in that text.
#[derive(Debug, Clone)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
    /// The comma-separated part of its sentence the token is in: a negation's scope ends at a
    /// comma ("Non voglio disiscrivermi, scrivetemi meno").
    pub sub: usize,
}

/// Conjunctions that start a new clause: no intent is composed across them ("I don't want to
/// unsubscribe, but write less often"). French "mais" is left out: it is Portuguese "more".
const CLAUSE_BREAKS: &[&str] = &[
    "but",
    "however",
    "although",
    "aber",
    "sondern",
    "jedoch",
    "pero",
    "sino",
    "porem",
    "ma",
    "pero",
    "maar",
    "но",
    "однако",
];

/// Clauses longer than this many tokens are read as overlapping chunks of this length, every
/// [`CHUNK_STEP`] tokens: every rule is local (a few tokens), and matching stays linear in
/// the length of a text without punctuation.
const CHUNK: usize = 64;
const CHUNK_STEP: usize = 48;

/// How much of a text the cue tables read: a person's reply (quotes and signature already
/// stripped) states its intent long before this, and the matcher's cost grows with the
/// product of text length and table size, so a multi-megabyte body stays fast.
pub const READ_LIMIT: usize = 32 * 1024;

/// The first [`READ_LIMIT`] bytes of a text, cut at a character boundary.
fn head(folded: &str) -> &str {
    if folded.len() <= READ_LIMIT {
        return folded;
    }
    let mut end = READ_LIMIT;
    while !folded.is_char_boundary(end) {
        end -= 1;
    }
    folded.get(..end).unwrap_or_default()
}

/// The clauses of a folded text (sentences cut at [`CLAUSE_BREAKS`], long ones chunked), each
/// a list of tokens; only the first [`READ_LIMIT`] bytes are read.
pub fn sentences(folded: &str) -> Vec<Vec<Token>> {
    let folded = head(folded);
    let mut out = Vec::new();
    for clause in clauses(folded) {
        if clause.len() <= CHUNK {
            out.push(clause);
            continue;
        }
        let mut start = 0;
        while start < clause.len() {
            let end = (start + CHUNK).min(clause.len());
            out.push(clause.get(start..end).unwrap_or_default().to_vec());
            if end == clause.len() {
                break;
            }
            start += CHUNK_STEP;
        }
    }
    out
}

/// Clause breaks that are also modal particles inside a clause: German "aber" and "jedoch"
/// start a clause only at the start of a sentence or of a comma-separated part ("Abmelden
/// möchte ich mich aber nicht" is one clause).
const PARTICLE_BREAKS: &[&str] = &["aber", "jedoch"];

/// French words a possessive "ma" follows (prepositions and conjunctions).
const FRENCH_BEFORE_POSSESSIVE: &[&str] = &[
    "de", "a", "et", "pour", "par", "avec", "sur", "dans", "sans", "chez", "que", "ou", "est",
];

fn clauses(folded: &str) -> Vec<Vec<Token>> {
    let mut out = Vec::new();
    for s in raw_sentences(folded) {
        let mut clause: Vec<Token> = Vec::new();
        let mut prev_sub: Option<usize> = None;
        for t in s {
            let part_start = prev_sub != Some(t.sub);
            prev_sub = Some(t.sub);
            // Italian "ma" (but) is French "ma" (my) after a preposition or a verb: "Merci de
            // retirer ma collègue Julie Petit (en copie) de votre liste".
            let french_ma = t.text == "ma"
                && !part_start
                && clause.last().is_some_and(|p: &Token| {
                    FRENCH_BEFORE_POSSESSIVE.contains(&p.text.as_str())
                        || (p.text != "per" && (p.text.ends_with("er") || p.text.ends_with("ez")))
                });
            let breaks = CLAUSE_BREAKS.contains(&t.text.as_str())
                && !french_ma
                && (part_start || !PARTICLE_BREAKS.contains(&t.text.as_str()));
            if breaks {
                if !clause.is_empty() {
                    out.push(std::mem::take(&mut clause));
                }
            } else {
                clause.push(t);
            }
        }
        if !clause.is_empty() {
            out.push(clause);
        }
    }
    out
}

/// Words that open a condition ("if you email me again …").
const CONDITIONALS: &[&str] = &["if", "si", "als", "wenn", "falls", "se", "если"];

/// Verbs that ask for a message to be sent again, in the table languages.
const RESEND: &[&str] = &[
    "resend",
    "renvoyer",
    "renvoyez",
    "reenviar",
    "reenviarme",
    "reenvie",
    "reenviem",
    "rimandare",
    "rimandarmi",
    "rimandatemi",
    "rinviare",
    "reinviare",
];

/// "Why" in the table languages.
const WHY: &[&str] = &[
    "why",
    "warum",
    "wieso",
    "weshalb",
    "pourquoi",
    "perche",
    "waarom",
    "зачем",
    "почему",
];

/// Words that say a message came again ("the third time", "уже третий раз").
const REPEATS: &[&str] = &[
    "again",
    "times",
    "third",
    "fourth",
    "fifth",
    "mal",
    "wieder",
    "fois",
    "encore",
    "veces",
    "vez",
    "vezes",
    "volte",
    "ancora",
    "keer",
    "weer",
    "раз",
    "снова",
    "опять",
];

/// The "again" cues of a table and the words that say a message came again, as hits.
fn again_or_repeat(l: &LangCues, tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut hits = l.again.find(tokens);
    hits.extend(
        tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| REPEATS.contains(&t.text.as_str()))
            .map(|(i, _)| (i, i + 1)),
    );
    hits
}

/// "How many times" and the verbs of asking that follow it, in the table languages.
const HOW_MANY_TIMES: &[(&[&str], &[&str])] = &[
    (
        &["how", "many", "times"],
        &["ask", "tell", "say", "write", "request"],
    ),
    (
        &["cuantas", "veces"],
        &[
            "pedir", "pedirlo", "decir", "decirlo", "repetir", "escribir",
        ],
    ),
    (
        &["quantas", "vezes"],
        &["pedir", "dizer", "repetir", "escrever"],
    ),
    (
        &["combien", "de", "fois"],
        &["demander", "dire", "repeter", "ecrire"],
    ),
    (
        &["wie", "oft"],
        &["bitten", "sagen", "schreiben", "wiederholen"],
    ),
    (
        &["quante", "volte"],
        &[
            "chiedere",
            "chiederlo",
            "dire",
            "dirlo",
            "ripetere",
            "scrivere",
        ],
    ),
    (
        &["hoe", "vaak"],
        &["vragen", "zeggen", "herhalen", "schrijven"],
    ),
    (
        &["сколько", "раз"],
        &["просить", "повторять", "говорить", "писать"],
    ),
];

/// The span from "how many times" to its verb of asking, when the sentence holds one.
fn repeated_ask(tokens: &[Token]) -> Option<(usize, usize)> {
    HOW_MANY_TIMES.iter().find_map(|(opener, verbs)| {
        let start = tokens
            .windows(opener.len())
            .position(|w| w.iter().zip(opener.iter()).all(|(t, o)| t.text == *o))?;
        let after = start + opener.len();
        let verb = (after..(after + 6).min(tokens.len())).find(|&i| {
            tokens
                .get(i)
                .is_some_and(|t| verbs.contains(&t.text.as_str()))
        })?;
        Some((start, verb + 1))
    })
}

/// Abbreviated titles a full stop follows without ending the sentence.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "hr", "fr", "mme", "mlle", "sr", "sra", "srta", "dott", "ssa",
    "sig", "dhr", "mevr", "drs", "ir", "ing",
];

/// The sentences of a folded text, each a list of tokens.
fn raw_sentences(folded: &str) -> Vec<Vec<Token>> {
    let mut out: Vec<Vec<Token>> = Vec::new();
    let mut sentence: Vec<Token> = Vec::new();
    let mut current = String::new();
    let mut start = 0usize;
    let mut prev_sep_apostrophe = false;
    let mut sep_apostrophe = false;
    let mut sub = 0usize;
    let flush = |current: &mut String,
                 start: usize,
                 end: usize,
                 sentence: &mut Vec<Token>,
                 apostrophe_before: bool,
                 sub: usize| {
        if current.is_empty() {
            return;
        }
        // "don't" → "don" "not"; "can't" → "can" "not".
        let text = std::mem::take(current);
        let negated = apostrophe_before
            && text == "t"
            && sentence.last().is_some_and(|t| t.text.ends_with('n'));
        sentence.push(Token {
            text: if negated { "not".to_string() } else { text },
            start,
            end,
            sub,
        });
    };
    // The end of an e-mail address being read as one token.
    let mut address_end = 0usize;
    for (i, c) in folded.char_indices() {
        if i < address_end {
            continue;
        }
        if c.is_alphanumeric() && current.is_empty() {
            // An e-mail address is one token ("eliminare l'indirizzo luca.ferraro@galli.it
            // dalle vostre liste"): its parts are no words of the sentence.
            if let Some(len) = address_at(folded.get(i..).unwrap_or_default()) {
                sentence.push(Token {
                    text: folded.get(i..i + len).unwrap_or_default().to_string(),
                    start: i,
                    end: i + len,
                    sub,
                });
                address_end = i + len;
                sep_apostrophe = false;
                continue;
            }
        }
        if c.is_alphanumeric() {
            if current.is_empty() {
                start = i;
                prev_sep_apostrophe = sep_apostrophe;
            }
            current.push(c);
            continue;
        }
        flush(
            &mut current,
            start,
            i,
            &mut sentence,
            prev_sep_apostrophe,
            sub,
        );
        sep_apostrophe = c == '\'';
        if c == ',' {
            sub += 1;
        }
        // A full stop inside a word ("northfield.com", "14.05.2027") ends no sentence.
        let inside_word = c == '.'
            && folded
                .get(i + 1..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(char::is_alphanumeric);
        // Nor does one after a title ("Please remove Mr. Patel and Ms. Greene from …").
        let after_title = c == '.'
            && sentence
                .last()
                .is_some_and(|t| t.end == i && TITLES.contains(&t.text.as_str()))
            && folded.get(i + 1..).is_some_and(|rest| {
                let mut cs = rest.chars();
                cs.next() == Some(' ') && cs.next().is_some_and(char::is_alphanumeric)
            });
        if matches!(c, '.' | '!' | '?' | ';' | ':' | '\n' | '¿' | '¡' | '|')
            && !sentence.is_empty()
            && !inside_word
            && !after_title
        {
            out.push(std::mem::take(&mut sentence));
        }
    }
    flush(
        &mut current,
        start,
        folded.len(),
        &mut sentence,
        prev_sep_apostrophe,
        sub,
    );
    if !sentence.is_empty() {
        out.push(sentence);
    }
    out
}

/// The length in bytes of the e-mail address `text` starts with, if it starts with one: a
/// local part and a dotted domain of letters, digits and `.`, `-`, `_`, `+` around one `@`.
fn address_at(text: &str) -> Option<usize> {
    let word = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '+');
    let local = text.find(|c: char| !word(c)).unwrap_or(text.len());
    if local == 0 || !text.get(local..)?.starts_with('@') {
        return None;
    }
    let rest = text.get(local + 1..)?;
    let domain = rest.find(|c: char| !word(c)).unwrap_or(rest.len());
    // A full stop after the domain ends the sentence, not the address.
    let domain = rest.get(..domain)?.trim_end_matches(['.', '-']).len();
    let name = rest.get(..domain)?;
    (name.contains('.') && !name.starts_with('.')).then_some(local + 1 + domain)
}

/// One alternative of a cue element: a glob over a token.
#[derive(Debug, Clone)]
struct Glob(Vec<String>);

impl Glob {
    fn new(s: &str) -> Glob {
        Glob(s.split('*').map(str::to_string).collect())
    }

    fn matches(&self, token: &str) -> bool {
        let parts = &self.0;
        let Some((first, rest)) = parts.split_first() else {
            return false;
        };
        if rest.is_empty() {
            return token == first;
        }
        let Some(mut remaining) = token.strip_prefix(first.as_str()) else {
            return false;
        };
        let Some((last, middle)) = rest.split_last() else {
            return false;
        };
        for part in middle {
            match remaining.find(part.as_str()) {
                Some(i) => remaining = remaining.get(i + part.len()..).unwrap_or_default(),
                None => return false,
            }
        }
        remaining.len() >= last.len() && remaining.ends_with(last.as_str())
    }
}

/// The exact alternatives of a cue element.
type ExactSet = hashbrown::HashSet<String, foldhash::fast::FixedState>;

/// One element of a cue: its alternatives and how many tokens may come before it (after the
/// previous element).
#[derive(Debug, Clone, Default)]
struct Element {
    /// Alternatives without `*`, hashed: one lookup per token keeps the matcher fast with
    /// the long alternations of the tables (a fixed-seed hasher: the set is only looked up,
    /// never iterated, so nothing depends on its order).
    exact: ExactSet,
    /// Alternatives with `*`.
    globs: Vec<Glob>,
    gap: usize,
    /// `$`: the end of the clause.
    end: bool,
}

impl Element {
    fn matches(&self, token: &str) -> bool {
        self.exact.contains(token) || self.globs.iter().any(|g| g.matches(token))
    }
}

/// A compiled cue.
#[derive(Debug, Clone)]
pub struct Cue {
    elements: Vec<Element>,
}

impl Cue {
    /// Compiles a cue written as described in the module documentation.
    pub fn new(pattern: &str) -> Cue {
        let mut elements = Vec::new();
        let mut gap = 0usize;
        for part in fold(pattern).split(' ') {
            if part.is_empty() {
                continue;
            }
            if let Some(n) = part.strip_prefix('~') {
                gap = n.parse().unwrap_or(0);
                continue;
            }
            let (exact, globs): (Vec<&str>, Vec<&str>) =
                part.split('|').partition(|a| !a.contains('*'));
            elements.push(Element {
                exact: exact.into_iter().map(str::to_string).collect(),
                globs: globs.into_iter().map(Glob::new).collect(),
                gap,
                end: part == "$",
            });
            gap = 0;
        }
        Cue { elements }
    }

    /// The first match starting at token `at`: the index one past its last token.
    fn match_at(&self, tokens: &[Token], at: usize) -> Option<usize> {
        fn go(elements: &[Element], tokens: &[Token], pos: usize, first: bool) -> Option<usize> {
            let Some((e, rest)) = elements.split_first() else {
                return Some(pos);
            };
            if e.end {
                return (pos == tokens.len()).then_some(pos);
            }
            let gap = if first { 0 } else { e.gap };
            for p in pos..=pos.saturating_add(gap) {
                let t = tokens.get(p)?;
                if e.matches(&t.text)
                    && let Some(end) = go(rest, tokens, p + 1, false)
                {
                    return Some(end);
                }
            }
            None
        }
        if self.elements.is_empty() {
            return None;
        }
        go(&self.elements, tokens, at, true)
    }
}

/// A list of cues.
#[derive(Debug, Clone, Default)]
pub struct CueSet {
    cues: Vec<Cue>,
    /// Every alternative any cue can start with: a token that matches none of them starts no
    /// match, so most tokens are ruled out with one lookup instead of one per cue.
    first: Element,
}

impl CueSet {
    fn new(patterns: &[&str]) -> CueSet {
        let cues: Vec<Cue> = patterns.iter().map(|p| Cue::new(p)).collect();
        let mut first = Element::default();
        for e in cues.iter().filter_map(|c| c.elements.first()) {
            first.exact.extend(e.exact.iter().cloned());
            first.globs.extend(e.globs.iter().cloned());
            first.end |= e.end;
        }
        CueSet { cues, first }
    }

    /// Every match of every cue, as token ranges.
    fn find(&self, tokens: &[Token]) -> Vec<(usize, usize)> {
        let mut v: Vec<(usize, usize)> = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            if !self.first.end && !self.first.matches(&t.text) {
                continue;
            }
            for c in &self.cues {
                if let Some(end) = c.match_at(tokens, i) {
                    v.push((i, end));
                }
            }
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    fn any(&self, tokens: &[Token]) -> bool {
        !self.find(tokens).is_empty()
    }

    fn is_empty(&self) -> bool {
        self.cues.is_empty()
    }
}

/// One language's compiled cue table.
pub struct LangCues {
    pub language: Language,
    unsubscribe: CueSet,
    remove_verb: CueSet,
    remove_object: CueSet,
    me_object: CueSet,
    not_remove_object: CueSet,
    not_unsubscribe_object: CueSet,
    document: CueSet,
    cease: CueSet,
    contact_verb: CueSet,
    contact_noun: CueSet,
    no_more: CueSet,
    negation: CueSet,
    bare_no: CueSet,
    again: CueSet,
    receive: CueSet,
    desire: CueSet,
    bare: CueSet,
    politeness: CueSet,
    block_before: CueSet,
    block_after: CueSet,
    veto: CueSet,
    others: CueSet,
    feature: CueSet,
    own: CueSet,
    writer: CueSet,
    not_interested: CueSet,
    wrong_person: CueSet,
    copy_in: CueSet,
    forwarded: CueSet,
    reported: CueSet,
    interested: CueSet,
}

fn compile(c: &Cues) -> LangCues {
    LangCues {
        language: c.language,
        unsubscribe: CueSet::new(c.unsubscribe),
        remove_verb: CueSet::new(c.remove_verb),
        remove_object: CueSet::new(c.remove_object),
        me_object: CueSet::new(c.me_object),
        not_remove_object: CueSet::new(c.not_remove_object),
        not_unsubscribe_object: CueSet::new(c.not_unsubscribe_object),
        document: CueSet::new(c.document),
        cease: CueSet::new(c.cease),
        contact_verb: CueSet::new(c.contact_verb),
        contact_noun: CueSet::new(c.contact_noun),
        no_more: CueSet::new(c.no_more),
        negation: CueSet::new(c.negation),
        bare_no: CueSet::new(c.bare_no),
        again: CueSet::new(c.again),
        receive: CueSet::new(c.receive),
        desire: CueSet::new(c.desire),
        bare: CueSet::new(c.bare),
        politeness: CueSet::new(c.politeness),
        block_before: CueSet::new(c.block_before),
        block_after: CueSet::new(c.block_after),
        veto: CueSet::new(c.veto),
        others: CueSet::new(c.others),
        feature: CueSet::new(c.feature),
        own: CueSet::new(c.own),
        writer: CueSet::new(c.writer),
        not_interested: CueSet::new(c.not_interested),
        wrong_person: CueSet::new(c.wrong_person),
        copy_in: CueSet::new(c.copy_in),
        forwarded: CueSet::new(c.forwarded),
        reported: CueSet::new(c.reported),
        interested: CueSet::new(c.interested),
    }
}

static CUES: LazyLock<Vec<LangCues>> =
    LazyLock::new(|| cues::TABLES.iter().map(|c| compile(c)).collect());

/// The compiled cue tables.
pub fn cues() -> &'static [LangCues] {
    &CUES
}

/// Whether any match of `set` lies within `window` tokens of the token range `[s, e)` (before
/// or after, not overlapping it).
fn near(set: &[(usize, usize)], s: usize, e: usize, before: usize, after: usize) -> bool {
    set.iter()
        .any(|&(a, b)| (b <= s && s - b <= before) || (a >= e && a - e <= after))
}

fn hit(language: Language, tokens: &[Token], s: usize, e: usize) -> Option<Hit> {
    let first = tokens.get(s)?;
    let last = tokens.get(e.checked_sub(1)?)?;
    Some(Hit {
        language,
        start: first.start,
        end: last.end,
    })
}

/// How many tokens before and after an opt-out word [`elsewhere`] looks for what it is about,
/// and how far after it a list or message noun still makes it ours ("unsubscribe me from your
/// webinar invitations").
const ELSEWHERE_BEFORE: usize = 5;
const ELSEWHERE_AFTER: usize = 4;
const ELSEWHERE_LIST_AFTER: usize = 7;

/// Whether an opt-out word at `[s, e)` (or a removal verb with a first-person object, "mi
/// sono cancellato dal registro delle imprese") is about something other than our mail: an
/// event, an official registration or a leave (`not_unsubscribe_object`) named within a few
/// tokens,
/// with no list or message noun near it ("Ik moet me afmelden voor de demo", "wir haben
/// unseren Betrieb beim Gewerbeamt abgemeldet", "me di de baja como autónomo", "estoy de
/// baja médica"). Read with every language's cues, as the opt-out words are.
fn elsewhere(tokens: &[Token], s: usize, e: usize) -> bool {
    let lo = s.saturating_sub(ELSEWHERE_BEFORE);
    let (Some(near_words), Some(list_words)) = (
        tokens.get(lo..(e + ELSEWHERE_AFTER).min(tokens.len())),
        tokens.get(lo..(e + ELSEWHERE_LIST_AFTER).min(tokens.len())),
    ) else {
        return false;
    };
    // Inside the match too: a separable verb holds its object ("melde mich von der Schulung
    // ab").
    // Only in the word's own comma-separated part: "Dame de baja, la demo no me interesa".
    let own_part = tokens.get(s).map(|t| t.sub);
    let near_words: Vec<Token> = near_words
        .iter()
        .filter(|t| Some(t.sub) == own_part)
        .cloned()
        .collect();
    let about = cues()
        .iter()
        .any(|l| l.not_unsubscribe_object.any(&near_words));
    // Right after the word it says what the opt-out is about, whatever follows: "estoy de baja
    // médica y casi no miro el correo", "de baja por maternidad".
    // In the word's own comma-separated part: "dame de baja, la demo no me interesa" is a stop.
    let part = e.checked_sub(1).and_then(|i| tokens.get(i)).map(|t| t.sub);
    let right_after = tokens.get(e..(e + 2).min(tokens.len())).is_some_and(|w| {
        cues().iter().any(|l| {
            l.not_unsubscribe_object.find(w).iter().any(|&(a, _)| {
                a <= 1
                    && w.get(..=a)
                        .is_some_and(|p| p.iter().all(|t| Some(t.sub) == part))
            })
        })
    });
    if right_after {
        return true;
    }
    // A lone letter is the "e" of a split "e-mail" in the tables, and "and" in Italian and
    // Portuguese: it names no list.
    let names_list = |set: &CueSet| {
        set.find(list_words).iter().any(|&(a, b)| {
            b > a + 1
                || list_words
                    .get(a)
                    .is_some_and(|t| t.text.chars().count() > 1)
        })
    };
    about
        && !cues()
            .iter()
            .any(|l| names_list(&l.remove_object) || names_list(&l.contact_noun))
}

/// Articles, possessives and the Spanish personal "a" that open an object phrase right after
/// a contacting verb ("bother *the* families", "molestar *a* las familias", "stören *unsere*
/// Kunden"), folded, every table language. First-person objects ("me", "nos", "mich") are not
/// among them, nor "de" (Spanish and French "de nuevo", "de nouveau": again).
const OBJECT_OPENERS: &[&str] = &[
    "the", "our", "their", "his", "her", "its", "my", "your", "a", "an", "las", "los", "el", "sus",
    "nuestros", "nuestras", "mis", "die", "der", "den", "das", "unsere", "unseren", "meine",
    "ihre", "seine", "les", "os", "as", "seus", "suas", "gli", "nostri", "nostre", "miei", "het",
    "onze", "hun", "zijn",
];

/// Passive auxiliaries before a contacting verb: "I don't want to *be* emailed the
/// newsletter" has the writer as its object, whatever follows.
const PASSIVE: &[&str] = &[
    "be", "been", "being", "ser", "sido", "etre", "werden", "essere", "worden", "быть",
];

/// "Can" in the table languages (folded): a negation right after it says an opt-out fails.
const INABILITY: &[&str] = &[
    "can",
    "kann",
    "kan",
    "konnen",
    "kunnen",
    "puedo",
    "podemos",
    "peux",
    "pouvons",
    "posso",
    "possiamo",
    "consigo",
    "conseguimos",
    "могу",
    "можем",
];

/// How many tokens before a blocking negation "can" may stand ("kann ich mich nicht").
const INABILITY_WINDOW: usize = 3;

/// Whether "can" stands within [`INABILITY_WINDOW`] tokens before token `a`.
fn unable_at(tokens: &[Token], a: usize) -> bool {
    (a.saturating_sub(INABILITY_WINDOW)..a).any(|i| {
        tokens
            .get(i)
            .is_some_and(|t| INABILITY.contains(&t.text.as_str()))
    })
}

/// Whether "can" stands within [`INABILITY_WINDOW`] words before byte `at` of a folded text,
/// in the same sentence: a non-stop phrase starting there ("nicht abmelden" in "warum kann
/// ich mich nicht abmelden?") says the opt-out fails rather than declining it.
pub(crate) fn unable_before(folded: &str, at: usize) -> bool {
    let head = folded.get(..at).unwrap_or_default();
    let sentence = head
        .rsplit(['.', '!', '?', ';', ':', '\n'])
        .next()
        .unwrap_or_default();
    sentence
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(INABILITY_WINDOW + 1)
        .any(|w| INABILITY.contains(&w))
}

/// A stop cue at `[s, e)` is blocked by a negation or "I'll do it myself" cue just before or
/// after it, in any language ("I don't want to unsubscribe", "no need to remove me", "I'll
/// unsubscribe myself"). A cue just before counts only in the cue's comma-separated part:
/// "No, denme de baja" is a stop request, "No me den de baja" is not.
fn blocked(tokens: &[Token], s: usize, e: usize) -> bool {
    let part = tokens.get(s).map(|t| t.sub);
    // "Warum kann ich mich nicht abmelden?", "Waarom kan ik me niet afmelden?": a negation
    // after "can" says the opt-out fails, which asks for it, rather than declining it.
    let unable = |a: usize| unable_at(tokens, a);
    cues().iter().any(|l| {
        let before: Vec<(usize, usize)> = l
            .block_before
            .find(tokens)
            .into_iter()
            .filter(|&(a, _)| !unable(a))
            .collect();
        // The cue's own object may stand between it and a phrase after it: "Отписывать
        // меня не нужно" (no need to unsubscribe me); so may a removal's object: "Eine
        // Löschung meiner Daten verlangen wir nicht". Read only when a block phrase is there.
        let (me, objects) = if before.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            (l.me_object.find(tokens), l.remove_object.find(tokens))
        };
        let after_cue = |a: usize| {
            a == e
                || (a == e + 1 && me.iter().any(|&(m, _)| m == e))
                || objects.iter().any(|&(o, p)| o == e && p == a)
        };
        // Before the cue, its object may also stand between: "non mi cancelli dalla lista".
        let before_cue = |b: usize| b == s || (b + 1 == s && me.iter().any(|&(m, _)| m == b));
        before.iter().any(|&(a, b)| {
            let part_of = |i: usize| tokens.get(i).map(|t| t.sub);
            (before_cue(b) && b.checked_sub(1).and_then(part_of) == part)
                // Right after it, a phrase ("abmelden muss nicht sein"), not a lone negation
                // starting the next thought ("remove me, no thanks").
                || (after_cue(a) && b >= a + 2 && part_of(a) == part)
        // A block phrase after the cue opens right after it ("unsubscribe myself"); one ending
        // right before it is another thought ("Liever niet, haal me van de lijst").
        }) || l.block_after.find(tokens).iter().any(|&(a, _)| a == e)
            || before.iter().any(|&(a, b)| a <= s && b >= e)
            // Inside a separable verb: "melden Sie mich nicht ab".
            || before.iter().any(|&(a, b)| a > s && b < e)
    })
}

/// A text of at most this many tokens may hold a bare stop word as one of its sentences
/// ("I want nothing more to do with you. Stop.").
const SHORT_TEXT: usize = 25;

/// Whether a sentence, politeness words aside, is one of the language's bare stop words.
fn bare(l: &LangCues, tokens: &[Token]) -> bool {
    let polite = l.politeness.find(tokens);
    let mut rest: Vec<Token> = tokens
        .iter()
        .enumerate()
        .filter(|(i, _)| !polite.iter().any(|&(a, b)| a <= *i && *i < b))
        .map(|(_, t)| t.clone())
        .collect();
    // A stop word said several times is said once: "stop stop stop", "baja baja baja".
    rest.dedup_by(|a, b| a.text == b.text);
    !rest.is_empty()
        && l.bare
            .find(&rest)
            .iter()
            .any(|&(a, b)| a == 0 && b == rest.len())
}

/// How far after a removal verb a list named after its preposition may stand ("aus Ihrem
/// Verteiler", "from your list").
const FROM_LIST_WINDOW: usize = 12;

/// Prepositions before a list a person is removed from ("from your contacts", "dai vostri
/// contatti", "aus Ihren Kontakten", "uit uw contacten", "из контактов").
const LIST_PREPOSITIONS: &[&str] = &[
    "from", "off", "of", "aus", "von", "de", "des", "del", "da", "dai", "dal", "dalla", "dagli",
    "dos", "das", "uit", "van", "из",
];

/// The hits of one cue family of every table ("Merci de me retirer de la copie" read by a
/// table whose own word for a copy is another).
fn find_all(tokens: &[Token], family: fn(&LangCues) -> &CueSet) -> Vec<(usize, usize)> {
    cues().iter().flat_map(|l| family(l).find(tokens)).collect()
}

/// Whether the token at `a` is a copy word after "in" ("in cc", "en copie", "in copia", "em
/// cópia", "в копии") or "cc'd": it says who is copied in.
fn copied_in(tokens: &[Token], a: usize) -> bool {
    const IN: &[&str] = &["in", "en", "em", "im", "в", "на"];
    const COPY: &[&str] = &["cc", "copie", "copia", "copy", "kopie", "копии", "копию"];
    let Some(word) = tokens.get(a) else {
        return false;
    };
    COPY.contains(&word.text.as_str())
        && (a
            .checked_sub(1)
            .and_then(|b| tokens.get(b))
            .is_some_and(|t| IN.contains(&t.text.as_str()))
            || (word.text == "cc"
                && tokens
                    .get(a + 1)
                    .is_some_and(|t| t.text == "d" || t.text == "ed")))
}

/// Whether a removal is one the writer reports having done, a perfect tense with "already" at
/// most between ("I've deleted the trial workspace", "ho già eliminato l'account di test",
/// "hemos borrado los datos de prueba"): no request to the seller.
fn done_by_writer(tokens: &[Token], s: usize) -> bool {
    const AUXILIARIES: &[&str] = &[
        "ve", "have", "had", "ho", "abbiamo", "he", "hemos", "ai", "avons", "habe", "haben", "heb",
        "hebben", "tenho", "temos",
    ];
    const ALREADY: &[&str] = &[
        "already", "gia", "ya", "deja", "schon", "bereits", "al", "ja",
    ];
    let before = |i: usize| tokens.get(i).map(|t| t.text.as_str());
    let mut i = s;
    while i > 0 && before(i - 1).is_some_and(|t| ALREADY.contains(&t)) {
        i -= 1;
    }
    i > 0
        && before(i - 1).is_some_and(|t| AUXILIARIES.contains(&t))
        && tokens.get(i - 1).map(|t| t.sub) == tokens.get(s).map(|t| t.sub)
}

/// Whether the removal at `s..e` is refused: "Please don't delete my data!", "Do not remove
/// my address", "Bitte löschen Sie meine Daten nicht!" (German and Dutch put the negation at
/// the end of the clause); not "Why can't you remove me?" (the removal fails, which asks for
/// it).
fn refused(l: &LangCues, tokens: &[Token], s: usize, e: usize) -> bool {
    let part = tokens.get(s).map(|t| t.sub);
    let in_part = |i: usize| tokens.get(i).is_some_and(|t| Some(t.sub) == part);
    let negations = l.negation.find(tokens);
    let unable = |a: usize| unable_at(tokens, a);
    let before = negations
        .iter()
        .any(|&(a, b)| b == s && in_part(a) && !unable(a));
    let clause_final = matches!(l.language, Language::De | Language::Nl)
        && negations.iter().any(|&(a, b)| {
            a >= e && a <= e + 5 && in_part(a) && (b >= tokens.len() || !in_part(b))
        });
    before || clause_final
}

/// Whether the removal at `s..e` takes out something that is no opt-out's object: a thing
/// named right after it, or before a verb that ends its clause ("Kunt u de typfout in mijn
/// naam verwijderen?"; not before one that goes on: "Vi invito a rimuovere il mio
/// indirizzo"), or a document it names as the source.
fn removes_something_else(
    tokens: &[Token],
    not_objects: &[(usize, usize)],
    documents: &[(usize, usize)],
    s: usize,
    e: usize,
) -> bool {
    let before = if clause_final(tokens, e) { 3 } else { 0 };
    near(not_objects, s, e, before, 3)
        || from_document(tokens, documents, e)
        || document_before(tokens, documents, s)
}

/// Whether a removal starting at `s` takes something out of a document named before it
/// ("Kunt u mijn naam uit de offerte halen?", "Kun je mijn naam uit het rapport halen voordat
/// je het deelt?"): the nearest list preposition before the verb, then a document noun
/// between it and the verb.
fn document_before(tokens: &[Token], documents: &[(usize, usize)], s: usize) -> bool {
    (s.saturating_sub(WINDOW)..s)
        .rev()
        .find(|&p| {
            tokens
                .get(p)
                .is_some_and(|t| LIST_PREPOSITIONS.contains(&t.text.as_str()))
        })
        .is_some_and(|p| documents.iter().any(|&(a, _)| a > p && a < s))
}

/// Whether the cue ending at `e` ends its sentence or comma-separated part.
fn clause_final(tokens: &[Token], e: usize) -> bool {
    match (tokens.get(e.wrapping_sub(1)), tokens.get(e)) {
        (Some(last), Some(next)) => next.sub != last.sub,
        (_, None) => true,
        (None, Some(_)) => false,
    }
}

/// Whether a removal ending at `e` takes something out of a document rather than a list: a
/// list preposition within the intent's window (the first one), then a document noun within
/// three words
/// ("quita mi nombre de la propuesta", "remove Dave's name from the contacts page").
fn from_document(tokens: &[Token], documents: &[(usize, usize)], e: usize) -> bool {
    // Only the first preposition names the source: "remove me from the list and from the
    // meeting invite" still leaves the list.
    (e..e + WINDOW)
        .find(|&p| {
            tokens
                .get(p)
                .is_some_and(|t| LIST_PREPOSITIONS.contains(&t.text.as_str()))
        })
        .is_some_and(|p| documents.iter().any(|&(a, _)| a > p && a <= p + 3))
}

/// Verbs of asking, first person, in the eight languages (folded): "I ask you to …", "je vous
/// demande de …", "le pido que …", "прошу …".
const REQUEST_VERBS: &[&str] = &[
    "ask",
    "request",
    "bitte",
    "bitten",
    "ersuche",
    "ersuchen",
    "demande",
    "demandons",
    "pido",
    "pedimos",
    "ruego",
    "rogamos",
    "peco",
    "solicito",
    "solicitamos",
    "chiedo",
    "chiediamo",
    "prego",
    "preghiamo",
    "vraag",
    "verzoek",
    "verzoeken",
    "прошу",
    "просим",
];

/// Whether a sentence speaks of opting *other people* out, or asks about an opt-out
/// *feature*, rather than asking us to stop: "Is there a way for our users to unsubscribe?",
/// "Können Ihre Kunden sich selbst abmelden?", "Votre outil gère-t-il la désinscription ?".
/// A third party (users, recipients, customers, a colleague) with no first-person object
/// ("me", "mich", "меня") anywhere in the sentence, or a question about a product feature
/// (tool, function, option, one click) with no first-person object or possessive.
fn about_others(folded: &str, tokens: &[Token]) -> bool {
    let find = |f: fn(&LangCues) -> &CueSet| find_all(tokens, f);
    let lists = find(|l| &l.remove_object);
    let receives = find(|l| &l.receive);
    // The opt-out words themselves: who they are about is read next to them.
    let opt_outs: Vec<(usize, usize)> = cues()
        .iter()
        .flat_map(|l| {
            [&l.unsubscribe, &l.remove_verb, &l.cease, &l.contact_verb]
                .into_iter()
                .flat_map(|set| set.find(tokens))
        })
        .collect();
    let last_opt_out_part = opt_outs
        .iter()
        .filter_map(|&(a, _)| tokens.get(a).map(|t| t.sub))
        .max();
    // "from your contacts" names a list, not people. Third parties in a comma-separated part
    // after every opt-out word describe, they are not its object: "удалите наш адрес из
    // вашей базы, это почта для клиентов" (this mailbox is for our customers).
    let others: Vec<(usize, usize)> = find(|l| &l.others)
        .into_iter()
        .filter(|&(a, b)| {
            let listed = lists.iter().any(|&(c, d)| c <= a && d >= b);
            let after_from = (a.saturating_sub(3)..a).any(|i| {
                tokens
                    .get(i)
                    .is_some_and(|t| LIST_PREPOSITIONS.contains(&t.text.as_str()))
            });
            let described_after = match (last_opt_out_part, tokens.get(a)) {
                (Some(p), Some(t)) => t.sub > p,
                _ => false,
            };
            // "… dat ook uw collega's zich daaraan houden", "make sure your colleagues know":
            // the seller's colleagues, who are to respect the request, not the people it is about.
            let sellers_colleagues = tokens.get(a).is_some_and(|t| {
                ["colleag", "colleg", "kolleg", "coleg", "коллег"]
                    .iter()
                    .any(|p| t.text.starts_with(p))
            }) && a
                .checked_sub(1)
                .and_then(|i| tokens.get(i))
                .is_some_and(|t| {
                    SECOND_PERSON_POSSESSIVES.contains(&t.text.as_str())
                        || TELL.contains(&t.text.as_str())
                });
            // "Não pretendo receber mais contactos vossos": what the writer receives is
            // contact, not people.
            let received = receives.iter().any(|&(_, e)| e <= a && a <= e + 2);
            !(described_after || (listed && after_from) || sellers_colleagues || received)
        })
        .collect();
    // "my data" is the writer's own; "my colleague" is someone else.
    let possessive = |&(_, b): &(usize, usize)| others.iter().any(|&(a, _)| a == b || a == b + 1);
    // Spanish and Portuguese "nos" (us) is French "nos" (our): "nos propres clients", "de
    // nos newsletters".
    let our = |&(a, b): &(usize, usize)| {
        b == a + 1
            && tokens.get(a).is_some_and(|t| t.text == "nos")
            && (possessive(&(a, b))
                || tokens.get(b).is_some_and(|t| {
                    OWN_LISTS.contains(&t.text.as_str())
                        // "pour nos propres campagnes": French "our own".
                        || t.text == "propres"
                        || t.text == "propre"
                }))
    };
    // French "nous" before its negation is a subject, not the opt-out's object: "nos clients
    // se désabonnent …, et nous ne savons pas pourquoi".
    let subject = |&(a, b): &(usize, usize)| {
        b == a + 1
            && tokens.get(a).is_some_and(|t| t.text == "nous")
            && tokens
                .get(b)
                .is_some_and(|t| t.text == "ne" || t.text == "n")
    };
    // "Merci de retirer mon collègue Paul de vos listes", "Could you please take my colleague
    // Tim off your list?": a polite request to remove someone from a list stops that address.
    let polite = find(|l| &l.politeness);
    let requested = find(|l| &l.remove_verb)
        .iter()
        // Dutch and German put the verb last: "Kun je mijn collega … uit jullie bestand
        // verwijderen?" (the polite opener anywhere before it, the list on either side).
        .any(|&(a, b)| {
            // An imperative opening the sentence asks as politely: "Retirez aussi mon collègue
            // Julien Mercier (en copie) de vos envois".
            // So does a request verb before it: "I'd also ask you to take the whole ops team
            // off your sequence", "je vous demande de supprimer les données de notre gérant".
            let asked = tokens[..a.min(tokens.len())]
                .iter()
                .any(|t| REQUEST_VERBS.contains(&t.text.as_str()));
            (a == 0 || asked || polite.iter().any(|&(p, _)| p < a))
                && near(&lists, a, b, FROM_LIST_WINDOW, FROM_LIST_WINDOW)
        });
    if requested {
        return false;
    }
    let personal = find(|l| &l.me_object)
        .iter()
        .any(|h| !our(h) && !subject(h))
        || find(|l| &l.own).iter().any(|h| !possessive(h));
    if personal {
        return false;
    }
    !others.is_empty()
        || (is_question(folded, tokens) && !find(|l| &l.feature).is_empty())
        || own_list(tokens)
}

/// Words after which a contacting word is a noun ("avuto contatti", "any contact", "keinen
/// Kontakt"), in the eight languages.
const NOUN_MARKERS: &[&str] = &[
    "had", "any", "the", "avuto", "avere", "alcun", "alcuno", "nessun", "dei", "gehabt", "keinen",
    "kein", "gehad", "geen", "het", "tido", "tenido", "ningun", "aucun", "des", "nenhum",
];

/// An answer or reply in the eight languages: what a writer may never get, unlike mail.
const ANSWERS: &[&str] = &[
    "answer",
    "reply",
    "response",
    "antwort",
    "ruckmeldung",
    "reaktion",
    "reponse",
    "respuesta",
    "contestacion",
    "risposta",
    "resposta",
    "retorno",
    "antwoord",
    "reactie",
    "ответ",
    "ответа",
];

/// "Tell (your colleagues)" as an order to the seller, in the eight languages ("передайте
/// коллегам, чтобы не звонили").
const TELL: &[&str] = &[
    "tell",
    "inform",
    "sagen",
    "sag",
    "informieren",
    "zeg",
    "vertel",
    "laat",
    "dites",
    "informez",
    "diga",
    "digan",
    "informe",
    "dica",
    "dite",
    "informi",
    "avvisate",
    "avisem",
    "передаите",
    "скажите",
    "сообщите",
];

/// "Your" in the eight languages: what follows belongs to the seller.
const SECOND_PERSON_POSSESSIVES: &[&str] = &[
    "your",
    "uw",
    "jullie",
    "je",
    "ihre",
    "ihren",
    "ihrer",
    "eure",
    "euren",
    "vos",
    "votre",
    "tes",
    "sus",
    "tus",
    "vuestros",
    "vuestras",
    "vostri",
    "vostre",
    "suoi",
    "tuoi",
    "seus",
    "suas",
    "teus",
    "ваши",
    "ваших",
    "вашим",
    "твои",
];

/// The writer's own mailing lists and audiences, after "our" ([`own_list`]).
const OWN_LISTS: &[&str] = &[
    "newsletter",
    "newsletters",
    "list",
    "lists",
    "subscribers",
    "readers",
    "campaigns",
    "liste",
    "lista",
    "listas",
    "base",
    "abonnenten",
    "leser",
    "kampagnen",
    "abonnes",
    "lecteurs",
    "campagnes",
    "suscriptores",
    "lectores",
    "campanas",
    "iscritti",
    "lettori",
    "campagne",
    "nieuwsbrief",
    "lezers",
    "leitores",
    "campanhas",
    "рассылка",
    "рассылку",
    "рассылки",
    "базу",
    "база",
    "подписчики",
    "подписчиков",
    "verteiler",
    "boletin",
];

/// "Our" right before a mailing list of the writer's own ("I manage the opt-outs for *our
/// newsletter*", "die Abmeldungen *unseres Newsletters* pflegen wir selbst", "las bajas de
/// *nuestra lista*"): opt-out words in that sentence are about the writer's list, not ours.
fn own_list(tokens: &[Token]) -> bool {
    const OUR: &[&str] = &[
        "our",
        "unser",
        "unsere",
        "unseren",
        "unserer",
        "unseres",
        "notre",
        "nuestra",
        "nuestro",
        "nuestras",
        "nuestros",
        "nostra",
        "nostro",
        "nostre",
        "nostri",
        "onze",
        "nossa",
        "nosso",
        "nossas",
        "nossos",
        "наша",
        "нашу",
        "нашей",
        "наш",
        "нашего",
        "наши",
        "наших",
    ];
    // "our newsletter", "our marketing list", "unsere interne Liste": the list word at most
    // two words after "our".
    tokens.iter().enumerate().any(|(i, t)| {
        OUR.contains(&t.text.as_str())
            && tokens
                .iter()
                .skip(i + 1)
                .take(2)
                .any(|n| OWN_LISTS.contains(&n.text.as_str()))
    })
}

/// Whether a sentence ends with a question mark.
pub(crate) fn is_question(folded: &str, tokens: &[Token]) -> bool {
    tokens.last().is_some_and(|t| {
        folded
            .get(t.end..)
            .unwrap_or_default()
            .trim_start_matches(|c: char| c.is_whitespace() || c == '"' || c == ')')
            .starts_with('?')
    })
}

/// Negative answers that open a sentence, in the eight languages.
const NO_ANSWERS: &[&str] = &[
    "never",
    "no",
    "nope",
    "nah",
    "nein",
    "niemals",
    "nie",
    "jamais",
    "non",
    "nunca",
    "mai",
    "nooit",
    "nee",
    "никогда",
    "нет",
];

/// Whether sentence `i` is one opt-out word asked back and the next sentence answers it no:
/// "Unsubscribe? Never. I'm framing this one."
fn answered_no(folded: &str, sents: &[Vec<Token>], i: usize) -> bool {
    let (Some(tokens), Some(next)) = (sents.get(i), sents.get(i + 1)) else {
        return false;
    };
    tokens.len() <= 2
        && is_question(folded, tokens)
        && next
            .first()
            .is_some_and(|t| NO_ANSWERS.contains(&t.text.as_str()))
        && cues()
            .iter()
            .any(|l| l.unsubscribe.any(tokens) || l.bare.any(tokens))
}

/// Extra readings of sentences for a language's cues, each with the index of the sentence it
/// re-spells: German typed without umlauts ("loeschen", "hoeren", "Gruesse") is also read with
/// `ae`/`oe`/`ue` folded to `a`/`o`/`u`, as the tables spell it. Other languages have none.
fn spelling_variants(language: Language, sents: &[Vec<Token>]) -> Vec<(usize, Vec<Token>)> {
    if language != Language::De {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, sentence) in sents.iter().enumerate() {
        let mut changed = false;
        let variant: Vec<Token> = sentence
            .iter()
            .map(|t| match without_umlaut_digraphs(&t.text) {
                Some(text) => {
                    changed = true;
                    Token { text, ..t.clone() }
                }
                None => t.clone(),
            })
            .collect();
        if changed {
            out.push((i, variant));
        }
    }
    out
}

/// The sentences of a text and a language's extra readings of them (see
/// [`spelling_variants`]), each with the index of the sentence it reads.
fn readings<'a>(
    sents: &'a [Vec<Token>],
    variants: &'a [(usize, Vec<Token>)],
) -> impl Iterator<Item = (usize, &'a [Token])> {
    sents
        .iter()
        .enumerate()
        .map(|(i, t)| (i, t.as_slice()))
        .chain(variants.iter().map(|(i, t)| (*i, t.as_slice())))
}

/// `ae`/`oe`/`ue` after a consonant folded to `a`/`o`/`u` ("loeschen" → "loschen",
/// "fuer" → "fur"); `None` when the token has none. A digraph right after a vowel is kept
/// ("neue", "treue", "Steuer").
pub(crate) fn without_umlaut_digraphs(token: &str) -> Option<String> {
    let chars: Vec<char> = token.chars().collect();
    let mut out = String::with_capacity(token.len());
    let mut changed = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        out.push(c);
        let next = chars.get(i + 1).copied();
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        // "qu" is never an umlaut ("request", "Quelle").
        let after_consonant = prev.is_some_and(|p| p.is_alphabetic() && !"aeiouyq".contains(p));
        if matches!(c, 'a' | 'o' | 'u') && next == Some('e') && after_consonant {
            changed = true;
            i += 2;
            continue;
        }
        i += 1;
    }
    changed.then_some(out)
}

/// Stop requests found by composition, every language, in text order.
///
/// Within one sentence:
/// - (a) an unsubscribe-family word ("unsubscribe", "abmelden", "darse de baja", "отписать…");
/// - (b) a removal verb with a "me" object within two tokens or a list/address object within
///   the window ("remove me", "löschen Sie meine Adresse aus Ihrem Verteiler"), unless the
///   object is something else (an attachment, the cc line);
/// - (c) a cease verb followed by a contacting verb or noun ("stop emailing", "deje de
///   escribirme", "перестаньте писать"); a negation before a contacting verb with "again /
///   any more" or a "me" object ("don't email me again", "ne me contactez plus", "больше не
///   пишите"); "no more" with a contact noun ("no more emails", "keine E-Mails mehr"); a
///   negated wish to receive ("I don't want to receive", "ne veux plus recevoir");
/// - (d) the whole text, politeness words aside, is a bare stop word ("STOP", "remove",
///   "baja", "стоп").
///
/// Every cue can be blocked by a negation or self-service cue right before or after it.
#[cfg(test)]
fn stop_hits(folded: &str) -> Vec<Hit> {
    stop_hits_marked(folded)
        .into_iter()
        .map(|(h, _)| h)
        .collect()
}

/// [`stop_hits`], each marked whether it is only a *mention*: an unsubscribe-family word
/// ("unsubscribe", "désinscription") or a cease verb with a noun but no contacting verb
/// ("don't stop now - this looks promising"). Removal verbs with their object, cease verbs
/// with a contacting verb, negated contacting or receiving and bare stop words are
/// directives, never mentions.
pub fn stop_hits_marked(folded: &str) -> Vec<(Hit, bool)> {
    stop_hits_read(folded, true)
}

/// [`stop_hits_marked`], with the sentence vetoes (`veto` cues, opt-outs of other people and
/// feature questions) applied or not: without them it reads a text as the tables did before
/// the vetoes were written, which cross-validation needs to replay an earlier build's stop.
pub fn stop_hits_read(folded: &str, vetoes: bool) -> Vec<(Hit, bool)> {
    let mut hits: Vec<(Hit, bool)> = Vec::new();
    let sents = sentences(folded);
    let total_tokens: usize = sents.iter().map(Vec::len).sum();
    let vetoed: Vec<bool> = sents
        .iter()
        .enumerate()
        .map(|(i, t)| {
            vetoes
                && (cues().iter().any(|l| l.veto.any(t))
                    || about_others(folded, t)
                    || answered_no(folded, &sents, i))
        })
        .collect();
    for l in cues() {
        let variants = spelling_variants(l.language, &sents);
        for (_, tokens) in
            readings(&sents, &variants).filter(|(i, _)| !vetoed.get(*i).copied().unwrap_or(false))
        {
            let push = |s: usize, e: usize, mention: bool, hits: &mut Vec<(Hit, bool)>| {
                if !blocked(tokens, s, e)
                    && let Some(h) = hit(l.language, tokens, s, e)
                {
                    hits.push((h, mention));
                }
            };
            // (a) A mention, unless a politeness word of any table asks for it right before
            // with the writer as its object after it, in its comma-separated part: "Please
            // unsubscribe me", "Please unsubscribe my colleague Dan (cc'd) and me".
            let unsubscribes = l.unsubscribe.find(tokens);
            let (polite, me_any) = if unsubscribes.is_empty() {
                (Vec::new(), Vec::new())
            } else {
                (
                    find_all(tokens, |c| &c.politeness),
                    find_all(tokens, |c| &c.me_object),
                )
            };
            for (s, e) in unsubscribes {
                if !elsewhere(tokens, s, e) {
                    let part = tokens.get(s).map(|t| t.sub);
                    let asked = near(&polite, s, e, 2, 0)
                        && me_any
                            .iter()
                            .any(|&(a, _)| a >= e && tokens.get(a).map(|t| t.sub) == part);
                    // An imperative: the word opens its comma-separated part (after politeness
                    // words at most) with the writer right after it ("bitte: unsubscribe me,
                    // we are not interested"); "why did you unsubscribe me?" is no imperative.
                    let opens_part = tokens[..s]
                        .iter()
                        .enumerate()
                        .rev()
                        .take_while(|(_, t)| Some(t.sub) == part)
                        .all(|(i, _)| polite.iter().any(|&(a, b)| a <= i && i < b));
                    // The object may be glued to the verb: "dadme de baja", "cancellatemi".
                    let glued = tokens.get(s).is_some_and(|t| {
                        t.text.chars().count() >= 5
                            && ["me", "nos", "mi", "ci"]
                                .iter()
                                .any(|g| t.text.ends_with(g))
                    });
                    let imperative = opens_part && (glued || me_any.iter().any(|&(a, _)| a == e));
                    // The writer's own wish in the cue's part: "Maar los daarvan wil ik zelf
                    // graag van jullie lijst af" (a negation there is read by `blocked`).
                    let wished = {
                        let desire = l.desire.find(tokens);
                        let writer = l.writer.find(tokens);
                        desire.iter().any(|&(a, b)| {
                            b <= s
                                && s - b <= 4
                                && tokens.get(a).map(|t| t.sub) == part
                                && near(&writer, a, b, 1, 1)
                        }) && !negated(
                            &tokens[..s]
                                .iter()
                                .filter(|t| Some(t.sub) == part)
                                .map(|t| t.text.as_str())
                                .collect::<Vec<_>>()
                                .join(" "),
                        )
                    };
                    push(s, e, !(asked || imperative || wished), &mut hits);
                }
            }
            // (b)
            let objects = l.remove_object.find(tokens);
            let me = l.me_object.find(tokens);
            let removals = l.remove_verb.find(tokens);
            let ceases = l.cease.find(tokens);
            // Every table's non-objects: "Merci de me retirer de la copie" read by a table whose
            // own word for a copy is another. Read only when a removal or cease needs them.
            let not_objects = if removals.is_empty() && ceases.is_empty() {
                Vec::new()
            } else {
                let mut found = find_all(tokens, |c| &c.not_remove_object);
                // "mijn collega Ilse (in cc)", "la dott.ssa Bianchi, in copia": who is copied
                // in, not a cc line to take someone off.
                found.retain(|&(a, _)| !copied_in(tokens, a));
                found
            };
            let documents = if removals.is_empty() {
                Vec::new()
            } else {
                find_all(tokens, |c| &c.document)
            };
            for (s, e) in removals {
                // "nehmen Sie sämtliche Adressen unserer Domain @x.de aus Ihrem Verteiler": a
                // list after its preposition may stand further off, in the verb's part.
                let from_list = objects.iter().any(|&(a, _)| {
                    a >= e
                        && a <= e + FROM_LIST_WINDOW
                        && tokens.get(a).map(|t| t.sub) == tokens.get(s).map(|t| t.sub)
                        && (a.saturating_sub(3)..a).any(|i| {
                            tokens
                                .get(i)
                                .is_some_and(|t| LIST_PREPOSITIONS.contains(&t.text.as_str()))
                        })
                });
                let object = near(&objects, s, e, WINDOW, WINDOW)
                    || from_list
                    || me
                        .iter()
                        .any(|&(a, b)| a + 2 >= s && b <= e + 2 && a < e + 2)
                    || objects
                        .iter()
                        .any(|&(a, b)| (a <= s && b >= e) || (a > s && b < e));
                let other = removes_something_else(tokens, &not_objects, &documents, s, e);
                if object
                    && !other
                    && !elsewhere(tokens, s, e)
                    && !refused(l, tokens, s, e)
                    && !done_by_writer(tokens, s)
                {
                    push(s, e, false, &mut hits);
                }
            }
            // (c)
            let contact_verbs = l.contact_verb.find(tokens);
            let contact_nouns = l.contact_noun.find(tokens);
            // "Pode parar de me mandar PDF": sending attachments, not mail, is what stops.
            let attachment_sending: Vec<(usize, usize)> = contact_verbs
                .iter()
                .copied()
                .filter(|&(_, b)| not_objects.iter().any(|&(a, _)| a >= b && a <= b + 2))
                .collect();
            for (s, e) in ceases {
                let verb = (near(&contact_verbs, s, e, 0, WINDOW)
                    || contact_verbs.iter().any(|&(a, b)| a <= s && b >= e))
                    && !near(&attachment_sending, s, e, 0, WINDOW);
                if verb || near(&contact_nouns, s, e, 0, 4) {
                    // "Please stop the automated follow-ups": a polite imperative is a
                    // directive even with a noun for its object.
                    // ("Could you stop the daily follow-ups? One a month is fine" asks a
                    // question, and narrows the frequency.)
                    let polite = s
                        .checked_sub(1)
                        .and_then(|b| tokens.get(b))
                        .is_some_and(|t| {
                            !matches!(t.text.as_str(), "you" | "thank" | "thanks" | "thx" | "ty")
                                && tokens.get(s).map(|c| c.sub) == Some(t.sub)
                                && l.politeness.any(std::slice::from_ref(t))
                        });
                    push(s, e, !verb && !polite, &mut hits);
                }
            }
            // (d) A threat on the next message ("Si vous m'écrivez encore une fois, je vous
            // signale à la CNIL", "if you email me again I'll report you"): a conditional
            // opening the sentence, a contacting verb with the writer as its object, and
            // "again" after it. (e) A question that asks how often the writer must ask, or why
            // the mail keeps coming ("How many times do I have to ask?", "Зачем вы мне пишете
            // уже третий раз за неделю?").
            let conditional = tokens
                .first()
                .is_some_and(|t| CONDITIONALS.contains(&t.text.as_str()));
            let question = is_question(folded, tokens);
            if conditional || question {
                let again = again_or_repeat(l, tokens);
                let writer = l.writer.find(tokens);
                // "Se mandarem mais um e-mail, denuncio …": a message named right after
                // "again" / "one more" makes the threat without the writer beside the verb.
                let one_more_message = again
                    .iter()
                    .any(|&(_, b)| contact_nouns.iter().any(|&(a, _)| a >= b && a <= b + 2));
                // "Si je reçois encore un seul message de votre part, je le signale": receiving.
                let receives = if conditional {
                    l.receive.find(tokens)
                } else {
                    Vec::new()
                };
                for (&(s, e), receiving) in contact_verbs
                    .iter()
                    .map(|v| (v, false))
                    .chain(receives.iter().map(|v| (v, true)))
                {
                    // The writer receives as the subject, before the verb ("if I get one more
                    // email", "wenn ich noch eine Mail bekomme"); "if these ever get annoying,
                    // I'll unsubscribe myself" names the writer only after it.
                    let writer_near = match receiving {
                        true => near(&writer, s, e, 5, 0) || near(&me, s, e, 5, 0),
                        false => near(&me, s, e, 5, 2) || near(&writer, s, e, 2, 2),
                    };
                    let threat = conditional
                        && s <= 5
                        // Dutch and German put the object well before a final verb: "Als
                        // jullie me nog één keer mailen, …".
                        && (writer_near || one_more_message)
                        && near(&again, s, e, 0, WINDOW);
                    let why = question
                        && !again.is_empty()
                        && tokens
                            .iter()
                            .position(|t| WHY.contains(&t.text.as_str()))
                            .is_some_and(|w| s > w && s <= w + 4)
                        && near(&writer, s, e, 3, 2);
                    if threat || why {
                        push(s, e, false, &mut hits);
                    }
                }
                if question && let Some((s, e)) = repeated_ask(tokens) {
                    push(s, e, false, &mut hits);
                }
            }
            // The negated rules: the negation and the wish are read only in the verb's
            // comma-separated part, and they are not blocked by "I don't want to" (that
            // negation *is* the request: "I don't want to hear from you again").
            let same_part = |set: &[(usize, usize)], s: usize| -> Vec<(usize, usize)> {
                let part = tokens.get(s).map(|t| t.sub);
                set.iter()
                    .copied()
                    .filter(|&(a, _)| tokens.get(a).map(|t| t.sub) == part)
                    .collect()
            };
            let push_negated = |s: usize, e: usize, hits: &mut Vec<(Hit, bool)>| {
                if let Some(h) = hit(l.language, tokens, s, e) {
                    hits.push((h, false));
                }
            };
            // "… an auditor who doesn't email me on Sundays", "he didn't contact me": a third
            // person's habit or a past event, not the writer's request.
            let all_negations: Vec<(usize, usize)> = l
                .negation
                .find(tokens)
                .into_iter()
                .filter(|&(a, _)| {
                    !a.checked_sub(1)
                        .and_then(|i| tokens.get(i))
                        .is_some_and(|t| {
                            matches!(t.text.as_str(), "doesn" | "does" | "didn" | "did")
                        })
                })
                .collect();
            let again = l.again.find(tokens);
            let all_desire = l.desire.find(tokens);
            for &(s, e) in &contact_verbs {
                // "Non ricordo di aver mai avuto contatti con voi", "we never had any contact":
                // after a determiner or "had", the word is a noun, not an order.
                // English "a"/"an" too ("I just don't want a call"), which elsewhere is a
                // preposition ("não me voltem a contactar").
                if s.checked_sub(1)
                    .and_then(|i| tokens.get(i))
                    .is_some_and(|t| {
                        NOUN_MARKERS.contains(&t.text.as_str())
                            || (l.language == Language::En && (t.text == "a" || t.text == "an"))
                    })
                {
                    continue;
                }
                let negations = same_part(&all_negations, s);
                let desire = same_part(&all_desire, s);
                // Spanish, Italian, Portuguese and Russian put a negation before its verb:
                // "il file che mi ha mandato non si apre" negates the opening, not the sending
                // (Dutch "mail me niet meer" and French "n'envoyez plus" have it after).
                let close = match l.language {
                    Language::Es | Language::It | Language::Pt | Language::Ru => {
                        near(&negations, s, e, 1, 0) && negations.iter().any(|&(_, b)| b <= s)
                    }
                    _ => near(&negations, s, e, 1, 0),
                };
                let before = near(&negations, s, e, 4, 0);
                let after = near(&negations, s, e, 0, 4);
                let more = near(&again, s, e, 4, WINDOW);
                // "I don't want to be contacted" is a request; "we don't want to bother the
                // families" is the writer declining to contact someone else: a wish with an
                // object phrase right after the verb and no first-person object near it.
                let passive = s
                    .checked_sub(1)
                    .and_then(|i| tokens.get(i))
                    .is_some_and(|t| PASSIVE.contains(&t.text.as_str()));
                let others_object = tokens
                    .get(e)
                    .is_some_and(|t| OBJECT_OPENERS.contains(&t.text.as_str()))
                    && !passive
                    && !near(&me, s, e, 2, 2);
                if (close && (more || near(&me, s, e, 2, 1)))
                    || (before && (more || (near(&desire, s, e, 2, 0) && !others_object)))
                    || (after && near(&again, s, e, 0, WINDOW))
                {
                    push_negated(s, e, &mut hits);
                }
            }
            for (s, e) in l.no_more.find(tokens) {
                if near(&contact_nouns, s, e, 3, 3)
                    || contact_nouns.iter().any(|&(a, b)| a > s && b < e)
                {
                    push(s, e, false, &mut hits);
                }
            }
            let ceases = l.cease.find(tokens);
            for (s, e) in l.receive.find(tokens) {
                let negations = same_part(&all_negations, s);
                let desire = same_part(&all_desire, s);
                let negated = near(&negations, s, e, 5, 2);
                let wish = near(&desire, s, e, 4, 0);
                let more = near(&again, s, e, 5, WINDOW);
                // "Non voglio smettere di riceverle", "I don't want to stop receiving them":
                // a cease verb between negation and receiving turns the wish around.
                let stop_receiving = near(&ceases, s, e, 3, 0);
                // "… wie frustrierend es ist, nie eine Antwort zu bekommen": an answer is no
                // message of the seller's.
                let answer = tokens
                    .get(s.saturating_sub(3)..(e + 3).min(tokens.len()))
                    .is_some_and(|w| w.iter().any(|t| ANSWERS.contains(&t.text.as_str())));
                if negated && (wish || more) && !stop_receiving && !answer {
                    push_negated(s, e, &mut hits);
                }
            }
        }
        // (d): the whole text, or one sentence of a short text, is a bare stop word.
        if total_tokens <= SHORT_TEXT && !l.bare.is_empty() {
            for (i, tokens) in sents.iter().enumerate() {
                if !vetoed.get(i).copied().unwrap_or(false)
                    && bare(l, tokens)
                    && let Some(h) = hit(l.language, tokens, 0, tokens.len())
                {
                    hits.push((h, false));
                }
            }
        }
        if total_tokens <= 6 && !l.bare.is_empty() {
            let all: Vec<Token> = sents.iter().flatten().cloned().collect();
            let polite = l.politeness.find(&all);
            let rest: Vec<Token> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| !polite.iter().any(|&(a, b)| a <= *i && *i < b))
                .map(|(_, t)| t.clone())
                .collect();
            if !rest.is_empty()
                && l.bare
                    .find(&rest)
                    .iter()
                    .any(|&(a, b)| a == 0 && b == rest.len())
                && let Some(h) = hit(l.language, &all, 0, all.len())
            {
                hits.push((h, false));
            }
        }
    }
    hits.sort_by_key(|(h, m)| (h.start, h.end, *m));
    hits.dedup();
    hits
}

/// The cue families of one language with their names, for [`families`].
fn named_families(l: &LangCues) -> [(&'static str, &CueSet); 27] {
    [
        ("unsubscribe", &l.unsubscribe),
        ("remove_verb", &l.remove_verb),
        ("remove_object", &l.remove_object),
        ("me_object", &l.me_object),
        ("not_remove_object", &l.not_remove_object),
        ("not_unsubscribe_object", &l.not_unsubscribe_object),
        ("cease", &l.cease),
        ("contact_verb", &l.contact_verb),
        ("contact_noun", &l.contact_noun),
        ("no_more", &l.no_more),
        ("negation", &l.negation),
        ("again", &l.again),
        ("receive", &l.receive),
        ("desire", &l.desire),
        ("bare", &l.bare),
        ("politeness", &l.politeness),
        ("block_before", &l.block_before),
        ("block_after", &l.block_after),
        ("veto", &l.veto),
        ("others", &l.others),
        ("feature", &l.feature),
        ("own", &l.own),
        ("writer", &l.writer),
        ("not_interested", &l.not_interested),
        ("wrong_person", &l.wrong_person),
        ("copy_in", &l.copy_in),
        ("interested", &l.interested),
    ]
}

/// For each clause of a folded text ([`sentences`]), the cue families (`"remove_verb"`,
/// `"negation"`, `"me_object"`, …) matched in it in any language, each with the token span
/// of its match, in text order. This is the language-independent reading of a clause that
/// the learned model gets besides its words: "löschen Sie unsere Daten", "supprimer nos
/// coordonnées" and "delete our details" share "remove_verb … remove_object".
pub fn families(folded: &str) -> Vec<Vec<(usize, usize, &'static str)>> {
    sentences(folded)
        .into_iter()
        .map(|clause| clause_families(&clause))
        .collect()
}

/// [`families`] of one clause.
pub fn clause_families(clause: &[Token]) -> Vec<(usize, usize, &'static str)> {
    let sents = [clause.to_vec()];
    let mut found: Vec<(usize, usize, &'static str)> = Vec::new();
    for l in cues() {
        let variants = spelling_variants(l.language, &sents);
        for (_, tokens) in readings(&sents, &variants) {
            for (name, set) in named_families(l) {
                for (a, b) in set.find(tokens) {
                    found.push((a, b, name));
                }
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// Whether a folded text names its writer in the first person singular (the `writer` cues:
/// "I", "mich", "меня"), read with its language's cues when it is known (Italian "i" is an
/// article, Spanish "mes" a month) and with every language's otherwise.
pub fn names_writer(folded: &str, language: Option<Language>) -> bool {
    let sents = sentences(folded);
    cues()
        .iter()
        .filter(|l| language.is_none_or(|x| x == l.language))
        .any(|l| sents.iter().any(|t| l.writer.any(t)))
}

/// For each clause of a folded text ([`sentences`]), whether it holds a word that points a
/// stop request somewhere, in any language: an opt-out word, a removal verb or a list it
/// removes from, a cease verb, "no more", a negation or a bare stop word. A contacting verb
/// alone does not ("escríbame en marzo" asks for mail). The learned model adds a stop request
/// only on a clause that has one: its words must have something to stand on.
pub fn stop_anchors(folded: &str) -> Vec<bool> {
    sentences(folded)
        .iter()
        .map(|clause| {
            let t = std::slice::from_ref(clause);
            cues().iter().any(|l| {
                let variants = spelling_variants(l.language, t);
                readings(t, &variants).any(|(_, tokens)| {
                    [
                        &l.unsubscribe,
                        &l.remove_verb,
                        &l.remove_object,
                        &l.cease,
                        &l.no_more,
                        &l.negation,
                        &l.bare,
                    ]
                    .iter()
                    .any(|set| set.any(tokens))
                })
            })
        })
        .collect()
}

/// Whether a folded text holds, in any language, a word a refusal can stand on: a negation
/// ("not", "kein"…), a bare "no" ("нет", "nein"…) or a not-interested cue. The learned model
/// turns a reply the rules left as `other` into a refusal only when it has one: "Thanks, I
/// will have a look next week." shares its words with polite refusals but refuses nothing.
pub fn refusal_anchor(folded: &str) -> bool {
    any_reading(folded, |l, tokens| {
        l.negation.any(tokens) || l.bare_no.any(tokens) || l.not_interested.any(tokens)
    })
}

/// Whether a folded text holds, in any language, a negation or a bare "no" ("don't",
/// "nicht", "pas", "não", "нет"): a short answer that holds one says no.
pub fn negated(folded: &str) -> bool {
    any_reading(folded, |l, tokens| {
        l.negation.any(tokens) || l.bare_no.any(tokens)
    })
}

/// Whether `found` holds for some language's cues and some reading of a sentence of a folded
/// text (German also read without umlaut digraphs).
fn any_reading(folded: &str, found: impl Fn(&LangCues, &[Token]) -> bool) -> bool {
    let sents = sentences(folded);
    cues().iter().any(|l| {
        let variants = spelling_variants(l.language, &sents);
        readings(&sents, &variants).any(|(_, tokens)| found(l, tokens))
    })
}

/// Whether the text asks its reader to get in touch with the writer: a contacting verb with
/// the writer as its object — glued to it in Spanish and Italian ("escríbeme en febrero",
/// "scrivimi a febbraio") or within two words after it ("email me in March", "écrivez-moi",
/// "me escreva") — in a comma-separated part with no negation, cease or "again" cue. A "no"
/// elsewhere ("No, escríbeme en febrero": not now, write in February) does not make it
/// "don't write to me"; a model reading words rather than grammar may, so the learned model
/// alone does not make a stop request of such a text.
pub fn invites_contact(folded: &str) -> bool {
    let sents = sentences(folded);
    // The parts (sentence, comma-separated part) holding a negation, cease or "again" cue of
    // any language: "don't email me again" is no invitation whichever table reads "mail me".
    // French "plus de" without a negation is "more": "Pouvez-vous m'envoyer plus de détails ?".
    let mut closed: Vec<(usize, usize)> = Vec::new();
    for l in cues() {
        let variants = spelling_variants(l.language, &sents);
        for (i, tokens) in readings(&sents, &variants) {
            for set in [&l.negation, &l.cease, &l.again] {
                for (a, _) in set.find(tokens).into_iter().filter(|&(a, _)| {
                    !(tokens.get(a).is_some_and(|t| t.text == "plus")
                        && tokens
                            .get(a + 1)
                            .is_some_and(|t| t.text == "de" || t.text == "d")
                        && !tokens.iter().any(|t| {
                            (t.text == "ne" || t.text == "n" || t.text == "pas")
                                && Some(t.sub) == tokens.get(a).map(|p| p.sub)
                        }))
                }) {
                    if let Some(t) = tokens.get(a) {
                        closed.push((i, t.sub));
                    }
                }
            }
        }
    }
    // "I didn't get your last email, can you resend?": asking for a message again.
    let resend = sents.iter().enumerate().any(|(i, tokens)| {
        tokens
            .iter()
            .any(|t| RESEND.contains(&t.text.as_str()) && !closed.contains(&(i, t.sub)))
    });
    resend
        || cues().iter().any(|l| {
            let glued: &[&str] = match l.language {
                Language::Es => &["me", "nos"],
                Language::It => &["mi", "ci"],
                _ => &[],
            };
            let variants = spelling_variants(l.language, &sents);
            readings(&sents, &variants).any(|(i, tokens)| {
                let me = l.me_object.find(tokens);
                l.contact_verb.find(tokens).into_iter().any(|(s, e)| {
                    let Some(verb) = tokens.get(s) else {
                        return false;
                    };
                    let object = near(&me, s, e, 1, 2)
                        || glued
                            .iter()
                            .any(|g| verb.text.len() > g.len() + 3 && verb.text.ends_with(g));
                    object && !closed.contains(&(i, verb.sub))
                })
            })
        })
}

/// Whether the text holds a stop cue the rules *refused*: an unsubscribe, removal, cease or
/// contacting cue that is blocked by a negation or self-service cue ("I don't want to
/// unsubscribe", "no need to remove me", "no need to email me again"), or that sits in a
/// vetoed sentence ("stop by", "I accidentally unsubscribed", an opt-out of other people or a
/// feature question), or a removal verb whose object is something else ("remove the
/// attachment"), or an opt-out, removal or cease word about an event, a registration or a
/// leave ([`elsewhere`]). Such a text is not read as a stop
/// request by the learned model either: these refusals are the rules' knowledge.
pub fn refused_stop(folded: &str) -> bool {
    let sents = sentences(folded);
    // Whether sentence i is vetoed, worked out only for sentences holding a stop cue.
    let mut vetoed: Vec<Option<bool>> = vec![None; sents.len()];
    for l in cues() {
        let variants = spelling_variants(l.language, &sents);
        for (i, tokens) in readings(&sents, &variants) {
            let removals = l.remove_verb.find(tokens);
            let mut cands = l.unsubscribe.find(tokens);
            cands.extend(removals.iter().copied());
            cands.extend(l.cease.find(tokens));
            // A contacting verb counts when it is blocked ("no need to email me again").
            let contacts = l.contact_verb.find(tokens);
            if cands.is_empty() && contacts.is_empty() {
                continue;
            }
            let (not_objects, documents) = if removals.is_empty() {
                (Vec::new(), Vec::new())
            } else {
                (
                    find_all(tokens, |c| &c.not_remove_object),
                    find_all(tokens, |c| &c.document),
                )
            };
            if cands
                .iter()
                .chain(&contacts)
                .any(|&(s, e)| blocked(tokens, s, e))
                // An opt-out, removal or cease word about an event, a registration or a
                // leave ("cancelar mi inscripción al webinar").
                || cands.iter().any(|&(s, e)| elsewhere(tokens, s, e))
                || removals.iter().any(|&(s, e)| {
                    removes_something_else(tokens, &not_objects, &documents, s, e)
                        || refused(l, tokens, s, e)
                })
            {
                return true;
            }
            // A contacting verb alone is a stop only when negated ("don't email my
            // colleagues"); "several colleagues received the same mail" refuses nothing.
            if cands.is_empty() && l.negation.find(tokens).is_empty() {
                continue;
            }
            let veto = match vetoed.get(i).copied().flatten() {
                Some(v) => v,
                None => {
                    let v = sents.get(i).is_some_and(|t| {
                        cues().iter().any(|l| l.veto.any(t))
                            || about_others(folded, t)
                            || answered_no(folded, &sents, i)
                    });
                    if let Some(slot) = vetoed.get_mut(i) {
                        *slot = Some(v);
                    }
                    v
                }
            };
            if veto {
                return true;
            }
        }
    }
    false
}

/// The comma-separated parts of sentences that hold a *declined* stop: an unsubscribe or
/// removal cue blocked by a negation or self-service cue ("no need to remove me", "I don't
/// want to unsubscribe", "не нужно меня отписывать"). Their "no need" / "don't want" is about
/// the opt-out, not a refusal of the offer.
pub fn declined_stop_parts(folded: &str) -> Vec<Hit> {
    let mut out = Vec::new();
    let sents = sentences(folded);
    for l in cues() {
        let variants = spelling_variants(l.language, &sents);
        for (_, tokens) in readings(&sents, &variants) {
            let cands = l
                .unsubscribe
                .find(tokens)
                .into_iter()
                .chain(l.remove_verb.find(tokens));
            for (s, e) in cands {
                if !blocked(tokens, s, e) {
                    continue;
                }
                let part = tokens.get(s).map(|t| t.sub);
                let first = tokens.iter().position(|t| Some(t.sub) == part);
                let last = tokens.iter().rposition(|t| Some(t.sub) == part);
                if let (Some(a), Some(b)) = (first, last)
                    && let Some(h) = hit(l.language, tokens, a, b + 1)
                {
                    out.push(h);
                }
            }
        }
    }
    out.sort_by_key(|h| (h.start, h.end));
    out.dedup_by_key(|h| (h.start, h.end));
    out
}

/// The classes found by the cue tables other than stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueClass {
    NotInterested,
    WrongPerson,
    /// Copying someone in: a referral only when the reply is not interested.
    CopyIn,
    /// Having passed the message on: a referral only when no refusal follows.
    Forwarded,
    /// Passing on someone else's instruction: the writer's own request unless they show
    /// interest of their own.
    Reported,
    Interested,
}

/// Matches of one class's cues, every language, in text order.
pub fn class_hits(class: CueClass, folded: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    let sents = sentences(folded);
    for l in cues() {
        let variants = spelling_variants(l.language, &sents);
        for (_, tokens) in readings(&sents, &variants) {
            let set = match class {
                CueClass::NotInterested => &l.not_interested,
                CueClass::WrongPerson => &l.wrong_person,
                CueClass::CopyIn => &l.copy_in,
                CueClass::Forwarded => &l.forwarded,
                CueClass::Reported => &l.reported,
                CueClass::Interested => &l.interested,
            };
            for (s, e) in set.find(tokens) {
                if let Some(h) = hit(l.language, tokens, s, e) {
                    hits.push(h);
                }
            }
        }
    }
    hits.sort_by_key(|h| (h.start, h.end));
    hits.dedup();
    hits
}

/// Whether a cue set of a language matches anywhere (used by tests).
#[cfg(test)]
fn matches(pattern: &str, text: &str) -> bool {
    let cue = CueSet::new(&[pattern]);
    sentences(&fold(text)).iter().any(|t| cue.any(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_negation() {
        let s = sentences(&fold("Please don't e-mail me again. Thanks!"));
        let words: Vec<Vec<&str>> = s
            .iter()
            .map(|t| t.iter().map(|t| t.text.as_str()).collect())
            .collect();
        assert_eq!(
            words,
            vec![
                vec!["please", "don", "not", "e", "mail", "me", "again"],
                vec!["thanks"]
            ]
        );
    }

    #[test]
    fn invitations_to_write_are_told_from_requests_not_to() {
        for yes in [
            "No, escríbeme en febrero.",
            "No, scrivimi a febbraio.",
            "No thanks for now, email me in March.",
            "Pas maintenant, écrivez-moi en mars.",
            "Pouvez-vous m'envoyer plus de détails ?",
        ] {
            assert!(invites_contact(&fold(yes)), "{yes}");
        }
        for no in [
            "No me escribas más.",
            "Non scrivermi più.",
            "Don't email me again.",
            "Stop emailing me.",
            "Ne m'écrivez plus.",
            "Email me again and I will report you.",
        ] {
            assert!(!invites_contact(&fold(no)), "{no}");
        }
    }

    #[test]
    fn huge_texts_are_read_up_to_the_limit() {
        let text = "please remove me from your list ".repeat(100_000);
        let tokens: usize = sentences(&text).iter().map(Vec::len).sum();
        assert!(tokens < READ_LIMIT, "{tokens}");
        assert!(!stop_hits(&text).is_empty());
    }

    #[test]
    fn umlaut_digraphs_fold_after_consonants_only() {
        assert_eq!(
            without_umlaut_digraphs("loeschen").as_deref(),
            Some("loschen")
        );
        assert_eq!(
            without_umlaut_digraphs("gruesse").as_deref(),
            Some("grusse")
        );
        assert_eq!(
            without_umlaut_digraphs("moechte").as_deref(),
            Some("mochte")
        );
        assert_eq!(without_umlaut_digraphs("neue"), None);
        assert_eq!(without_umlaut_digraphs("steuer"), None);
        assert_eq!(without_umlaut_digraphs("abmelden"), None);
        assert!(!stop_hits(&fold("Bitte loeschen Sie meine Adresse.")).is_empty());
    }

    #[test]
    fn opt_outs_of_others_and_feature_questions_are_vetoed() {
        let vetoed = |t: &str| {
            let f = fold(t);
            sentences(&f).iter().any(|s| about_others(&f, s))
        };
        assert!(vetoed("Can our users unsubscribe themselves?"));
        assert!(vetoed("Does the tool handle unsubscribes automatically?"));
        assert!(vetoed("How do I unsubscribe my colleague Tim?"));
        // The writer's own opt-out, or a statement rather than a question about a feature.
        assert!(!vetoed("Please remove me, I'm not one of your users."));
        assert!(!vetoed("Can you delete my data from your platform?"));
        assert!(!vetoed("Your unsubscribe feature is broken, remove me."));
        assert!(!vetoed("The unsubscribe link in your tool does not work."));
        // The seller's colleagues are to respect the request; it is not about them.
        assert!(!vetoed("I don't want further emails from your colleagues."));
        assert!(!vetoed(
            "Ik wens geen berichten meer te ontvangen en verzoek u dat ook uw collega's zich daaraan houden."
        ));
        assert!(!stop_hits(&fold("I don't want further emails from your colleagues.")).is_empty());
        assert!(!vetoed(
            "Больше не пишите мне, пожалуйста, и передайте коллегам, чтобы не звонили."
        ));
    }

    #[test]
    fn opt_out_words_about_events_registrations_and_leave_are_not_requests() {
        for t in [
            "Ik moet me helaas afmelden voor de demo van donderdag.",
            "Ich melde mich von der Schulung nächste Woche ab.",
            "Wir haben unseren Betrieb beim Gewerbeamt abgemeldet.",
            "Me di de baja como autónomo en enero.",
            "Estoy de baja médica hasta el lunes.",
            "Ho chiuso la partita IVA e mi sono cancellato dal registro delle imprese.",
        ] {
            assert!(stop_hits(&fold(t)).is_empty(), "{t}");
            assert!(refused_stop(&fold(t)), "{t}");
        }
        // A list or message noun near the word makes it ours again.
        for t in [
            "Please unsubscribe me from your webinar invitations.",
            "Bitte melden Sie mich vom Webinar-Verteiler ab.",
            "Denme de baja de la lista de eventos.",
            "Ho chiuso la partita IVA e cancellatemi dalla vostra lista.",
        ] {
            assert!(!stop_hits(&fold(t)).is_empty(), "{t}");
        }
    }

    #[test]
    fn a_negation_blocks_only_in_its_comma_part_and_before_the_cue() {
        for t in [
            "No me den de baja, por favor.",
            "Non smettete di mandarmi la newsletter.",
            "Не прекращайте рассылку.",
            "Surtout ne me désinscrivez pas.",
        ] {
            assert!(stop_hits(&fold(t)).is_empty(), "{t}");
        }
        for t in [
            "No, denme de baja.",
            "Rimuovete Marco dai vostri contatti, non lavora più con noi.",
            "Je vous remercie de ne plus m'adresser ce type de sollicitations.",
        ] {
            assert!(!stop_hits(&fold(t)).is_empty(), "{t}");
        }
    }

    #[test]
    fn a_full_stop_inside_a_word_ends_no_sentence() {
        let s = sentences(&fold(
            "Please remove everyone at northfield.com from your lists. Thanks",
        ));
        assert_eq!(s.len(), 2);
        assert!(
            !stop_hits(&fold(
                "Please remove everyone at northfield.com from your lists."
            ))
            .is_empty()
        );
    }

    #[test]
    fn declined_opt_outs_are_found_in_their_part_only() {
        let f = fold("I read these, no need to remove me, thanks.");
        let parts = declined_stop_parts(&f);
        assert_eq!(parts.len(), 1);
        let p = &parts[0];
        assert_eq!(f.get(p.start..p.end), Some("no need to remove me"));
        assert!(declined_stop_parts(&fold("Please remove me.")).is_empty());
    }

    #[test]
    fn globs_and_gaps() {
        assert!(matches("unsubscri*", "I want to UNSUBSCRIBE now"));
        assert!(matches("take ~2 off", "take my address off"));
        assert!(!matches("take ~1 off", "take my address off"));
        assert!(matches("quit*me", "Quítenme de la lista"));
        assert!(matches("un*scri*b*", "unsuscribe"));
        assert!(!matches("quit*me", "quitar"));
        assert!(matches("a|b c", "x b c"));
    }

    #[test]
    fn stop_compositions() {
        for t in [
            "Please take my address off whatever list you're pulling from.",
            "STOP EMAILING ME",
            "pls remove",
            "unsubscibe me please",
            "Can you stop sending me these? Thanks.",
            "Перестаньте мне писать.",
            "Deje de enviarme correos",
            "Ne me contactez plus.",
            "Ich möchte keine weiteren Nachrichten von Ihnen erhalten.",
            "Haal mij alsjeblieft uit jullie mailinglijst.",
            "stop stop stop",
            "baja baja baja",
            "Schluss mit den Mails!",
            "Não quero mais ser contactado.",
        ] {
            assert!(!stop_hits(&fold(t)).is_empty(), "{t}");
        }
        for t in [
            "I don't want to unsubscribe, just send less.",
            "Stop by our booth next week.",
            "Could you remove the attachment? It won't open.",
            "I'll unsubscribe myself.",
            "We stopped using Apollo last month.",
            "No need to remove me, just not now.",
        ] {
            assert!(
                stop_hits(&fold(t)).is_empty(),
                "{t} {:?}",
                stop_hits(&fold(t))
            );
        }
    }
}
