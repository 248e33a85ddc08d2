//! The languages whose phrases Veto knows, and telling which one a reply is written in.

use std::fmt;
use std::str::FromStr;

use crate::phrases;

/// A language with its own phrase table ([`crate::phrases`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// English.
    En,
    /// German.
    De,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Portuguese (Brazil and Portugal).
    Pt,
    /// Italian.
    It,
    /// Dutch.
    Nl,
    /// Russian.
    Ru,
}

impl Language {
    /// Every language, in table order.
    pub const ALL: [Language; 8] = [
        Language::En,
        Language::De,
        Language::Fr,
        Language::Es,
        Language::Pt,
        Language::It,
        Language::Nl,
        Language::Ru,
    ];

    /// ISO 639-1 code (`"en"`, `"ru"`, …), as used in `labels.jsonl`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
            Language::Fr => "fr",
            Language::Es => "es",
            Language::Pt => "pt",
            Language::It => "it",
            Language::Nl => "nl",
            Language::Ru => "ru",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code that is not one of [`Language::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language code {0:?}")]
pub struct UnknownLanguage(pub String);

impl FromStr for Language {
    type Err = UnknownLanguage;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownLanguage(s.to_string()))
    }
}

/// Tells the language of folded text: Cyrillic script means Russian; otherwise the language
/// whose common words ([`phrases::Phrases::markers`]) occur most often. `None` when no word of
/// any table occurs (an empty body, a bare "STOP").
pub fn detect(folded: &str) -> Option<Language> {
    detect_weighted(&[(folded, 1)])
}

/// Like [`detect`] over several texts, each word hit counting its text's weight (the new
/// text of a reply weighs more than its subject).
pub fn detect_weighted(texts: &[(&str, usize)]) -> Option<Language> {
    let folded = texts.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(" ");
    let letters = folded.chars().filter(|c| c.is_alphabetic()).count();
    let cyrillic = folded
        .chars()
        .filter(|c| ('\u{0400}'..='\u{04FF}').contains(c))
        .count();
    if letters > 0 && cyrillic * 2 >= letters {
        return Some(Language::Ru);
    }
    let words: Vec<(&str, usize)> = texts
        .iter()
        .flat_map(|(t, weight)| {
            t.split(|c: char| !(c.is_alphanumeric() || c == '\''))
                .filter(|w| !w.is_empty())
                .map(move |w| (w, *weight))
        })
        .collect();
    let mut best: Option<(Language, usize)> = None;
    for table in phrases::TABLES {
        let hits: usize = words
            .iter()
            .filter(|(w, _)| table.markers.contains(w))
            .map(|(_, weight)| weight)
            .sum();
        if hits > 0 && best.is_none_or(|(_, b)| hits > b) {
            best = Some((table.language, hits));
        }
    }
    best.map(|(l, _)| l)
}
