//! Typing slips in the opt-out vocabulary: "bitte abmelen", "afmleden aub", "quiero
//! desuscrivirme", "disicrivimi pls", dictation's "от пишите меня", thumbs' "nn scrivetemi piu".
//!
//! A reply typed on a phone misspells the one word that carries it, and the cue tables match
//! words exactly. This pass runs on folded text (see [`crate::fold()`]) before any table reads
//! it and puts back:
//! - a word one slip from a word of the opt-out vocabulary (`respell/lexicon.txt`: a letter
//!   missing, added or replaced, or two neighbouring letters swapped; for words of five or
//!   six letters only a swap) — unless the token is itself a word of one of the eight
//!   languages, listed in `respell/guard.txt` ("anmelden" is not "abmelden", "опишите" is not
//!   "отпишите");
//! - two tokens that together spell a word of that vocabulary ("от пишите", "cancella temi",
//!   "af melden");
//! - a handful of texting abbreviations the tables would otherwise need in every pattern
//!   ("ur", "dont", Italian "nn", German "nix"; not "u", which is Dutch for "you") and swaps in short words ("otu", "stpo").
//!
//! Written here rather than taken from a spelling crate: the job is not general correction
//! (which would "fix" names, brands and the other languages of a mixed reply) but a closed
//! list of a hundred words, each with a generated guard list of its real neighbours.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

struct Vocabulary {
    /// The words by length in characters.
    by_len: HashMap<usize, Vec<Vec<char>>>,
    words: HashSet<&'static str>,
    guard: HashSet<&'static str>,
}

fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn vocabulary() -> &'static Vocabulary {
    static V: OnceLock<Vocabulary> = OnceLock::new();
    V.get_or_init(|| {
        let words: HashSet<&'static str> =
            data_lines(include_str!("respell/lexicon.txt")).collect();
        let mut by_len: HashMap<usize, Vec<Vec<char>>> = HashMap::new();
        for w in &words {
            let chars: Vec<char> = w.chars().collect();
            by_len.entry(chars.len()).or_default().push(chars);
        }
        for list in by_len.values_mut() {
            list.sort();
        }
        Vocabulary {
            by_len,
            words,
            guard: data_lines(include_str!("respell/guard.txt")).collect(),
        }
    })
}

/// Texting abbreviations and short swaps, read as the word (folded forms).
const SHORT: &[(&str, &str)] = &[
    ("ur", "your"),
    // Apostrophes a phone keyboard leaves out: "dont unsub me lol" is "don't".
    ("dont", "don't"),
    ("didnt", "didn't"),
    ("doesnt", "doesn't"),
    ("isnt", "isn't"),
    ("arent", "aren't"),
    ("wasnt", "wasn't"),
    ("werent", "weren't"),
    ("havent", "haven't"),
    ("hasnt", "hasn't"),
    ("wouldnt", "wouldn't"),
    ("shouldnt", "shouldn't"),
    ("couldnt", "couldn't"),
    ("nn", "non"),
    ("nix", "nichts"),
    ("otu", "out"),
    ("stpo", "stop"),
    ("sotp", "stop"),
    // Spanish b and v sound alike: "darme de vaja".
    ("vaja", "baja"),
];

/// Whether `a` is one slip from `b`: one letter missing, added or replaced, or two neighbours
/// swapped; only a swap when `b` has fewer than seven letters.
pub(crate) fn one_slip(a: &[char], b: &[char]) -> bool {
    let first = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if a.len() == b.len() {
        if first == a.len() {
            return false;
        }
        // A swap of two neighbours.
        if first + 1 < a.len()
            && a[first] == b[first + 1]
            && a[first + 1] == b[first]
            && a[first + 2..] == b[first + 2..]
        {
            return true;
        }
        return b.len() >= 7 && a[first + 1..] == b[first + 1..];
    }
    if b.len() < 7 {
        return false;
    }
    if a.len() + 1 == b.len() {
        return a[first..] == b[first + 1..];
    }
    if a.len() == b.len() + 1 {
        return a[first + 1..] == b[first..];
    }
    false
}

/// The vocabulary word one slip from `token`, if any.
fn near(v: &Vocabulary, token: &str) -> Option<String> {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() < 5 || v.words.contains(token) || v.guard.contains(token) {
        return None;
    }
    (chars.len() - 1..=chars.len() + 1)
        .filter_map(|n| v.by_len.get(&n))
        .flatten()
        .find(|w| one_slip(&chars, w))
        .map(|w| w.iter().collect())
}

/// The folded text with slips in the opt-out vocabulary put back (see the module
/// documentation). Everything but the respelled words is kept as it was.
pub fn respell(folded: &str) -> String {
    let v = vocabulary();
    // Tokens: runs of letters, with what lies between them.
    let mut parts: Vec<(bool, &str)> = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (i, c) in folded.char_indices() {
        let letter = c.is_alphabetic();
        if i > start && letter != in_word {
            parts.push((in_word, &folded[start..i]));
            start = i;
        }
        in_word = letter;
    }
    if start < folded.len() {
        parts.push((in_word, &folded[start..]));
    }
    let mut out = String::with_capacity(folded.len() + 8);
    let mut i = 0;
    while i < parts.len() {
        let (word, text) = parts[i];
        if !word {
            out.push_str(text);
            i += 1;
            continue;
        }
        // A word split by dictation or a slipped space: "от пишите", "af melden".
        // Only pairs as long as a vocabulary word are joined (no allocation for the rest).
        if let (Some((false, " ")), Some((true, next))) = (parts.get(i + 1), parts.get(i + 2))
            && v.by_len
                .contains_key(&(text.chars().count() + next.chars().count()))
        {
            let joined = format!("{text}{next}");
            if v.words.contains(joined.as_str()) && !v.words.contains(*next) {
                out.push_str(&joined);
                i += 3;
                continue;
            }
        }
        match SHORT.iter().find(|(from, _)| *from == text) {
            Some((_, to)) => out.push_str(to),
            None => match near(v, text) {
                Some(w) => out.push_str(&w),
                None => out.push_str(text),
            },
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn puts_back_slips_in_the_opt_out_vocabulary() {
        assert_eq!(respell("bitte abmelen danke"), "bitte abmelden danke");
        assert_eq!(respell("afmleden aub"), "afmelden aub");
        assert_eq!(
            respell("quiero desuscrivirme gracias"),
            "quiero desuscribirme gracias"
        );
        assert_eq!(respell("disicrivimi pls"), "disiscrivimi pls");
        assert_eq!(respell("pls unsubscibe me"), "pls unsubscribe me");
        assert_eq!(
            respell("remvoe me from ur list"),
            "remove me from your list"
        );
        assert_eq!(
            respell("от пишите меня от этой рассылки"),
            "отпишите меня от этой рассылки"
        );
        assert_eq!(
            respell("cancella temi dalla lista"),
            "cancellatemi dalla lista"
        );
        assert_eq!(respell("nn scrivetemi piu"), "non scrivetemi piu");
        assert_eq!(respell("opt me otu pls"), "opt me out pls");
        assert_eq!(respell("dont unsub me lol"), "don't unsub me lol");
    }

    #[test]
    fn keeps_real_words_and_everything_else() {
        for text in [
            "ich mochte mich anmelden",
            "опишите, пожалуйста, ваш продукт",
            "we work remote, removal of the old system",
            "la cancela del jardin",
            "we are on a retired list? re: unsubscribes",
            "call me at 555-0100, ok?",
            "",
            "  a  b ",
        ] {
            assert_eq!(respell(text), text);
        }
    }

    #[test]
    fn one_slip_is_one_slip() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(one_slip(&c("abmelen"), &c("abmelden")));
        assert!(one_slip(&c("abmeldden"), &c("abmelden")));
        assert!(one_slip(&c("abmelsen"), &c("abmelden")));
        assert!(one_slip(&c("abmedlen"), &c("abmelden")));
        assert!(!one_slip(&c("abmelden"), &c("abmelden")));
        assert!(!one_slip(&c("amelen"), &c("abmelden")));
        // Short words: only a swap.
        assert!(one_slip(&c("remvoe"), &c("remove")));
        assert!(!one_slip(&c("remote"), &c("remove")));
        assert!(!one_slip(&c("remov"), &c("remove")));
    }
}
