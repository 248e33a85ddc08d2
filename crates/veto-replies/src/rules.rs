//! The phrase tables ([`crate::phrases`]) compiled once into regular expressions.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::fold::{fold, fold_pattern};
use crate::language::Language;
use crate::phrases::{self, Phrases};

/// A kind of phrase the classifier looks for in the new text of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    NotStop,
    NotInterested,
    WrongPerson,
    Interested,
    Deferral,
    OutOfOffice,
    AutoReply,
}

/// One language's compiled table.
pub struct LangRules {
    pub language: Language,
    not_stop: Option<Regex>,
    not_interested: Option<Regex>,
    wrong_person: Option<Regex>,
    interested: Option<Regex>,
    deferral: Option<Regex>,
    out_of_office: Option<Regex>,
    auto_reply: Option<Regex>,
    pub auto_subject: Option<Regex>,
    pub bounce_subject: Option<Regex>,
    pub stop_subject: Vec<String>,
    pub return_before: Option<Regex>,
    pub return_after: Option<Regex>,
    pub until_before: Option<Regex>,
    pub quote_header: Option<Regex>,
    pub header_fields: Vec<String>,
    pub sign_off: Option<Regex>,
    pub mobile: Option<Regex>,
    pub disclaimer: Option<Regex>,
}

impl LangRules {
    fn category(&self, c: Category) -> Option<&Regex> {
        match c {
            Category::NotStop => self.not_stop.as_ref(),
            Category::NotInterested => self.not_interested.as_ref(),
            Category::WrongPerson => self.wrong_person.as_ref(),
            Category::Interested => self.interested.as_ref(),
            Category::Deferral => self.deferral.as_ref(),
            Category::OutOfOffice => self.out_of_office.as_ref(),
            Category::AutoReply => self.auto_reply.as_ref(),
        }
    }
}

/// A phrase found in folded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub language: Language,
    pub start: usize,
    pub end: usize,
}

impl Hit {
    /// Whether the hit shares a byte of text with `[start, end)`.
    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        self.start < end && start < self.end
    }
}

/// Every compiled table plus the language-independent patterns.
pub struct Rules {
    pub langs: Vec<LangRules>,
    pub original_separator: Regex,
    pub generic_quote_header: Regex,
    pub bare_stop: Regex,
    pub reply_prefix: Regex,
    /// Folded month name → month number (1–12), every language.
    pub months: HashMap<String, u8>,
    /// Alternation of every month name, longest first (for the date patterns).
    pub month_alternation: String,
    /// Alternation of the English month names (month-first dates are written in English).
    pub month_alternation_en: String,
    /// Folded filler words, every language.
    pub fillers: Vec<String>,
}

impl Rules {
    /// Every match of a category, all languages, in text order.
    pub fn find(&self, c: Category, folded: &str) -> Vec<Hit> {
        let mut hits: Vec<Hit> = self
            .langs
            .iter()
            .filter_map(|l| l.category(c).map(|re| (l.language, re)))
            .flat_map(|(language, re)| {
                re.find_iter(folded).map(move |m| Hit {
                    language,
                    start: m.start(),
                    end: m.end(),
                })
            })
            .collect();
        hits.sort_by_key(|h| (h.start, h.end));
        hits
    }
}

/// Compiles an alternation of patterns; `Err` names the first pattern that does not compile.
pub fn alternation(patterns: &[&str]) -> Result<Option<Regex>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    for p in patterns {
        Regex::new(&fold_pattern(p)).map_err(|e| format!("{p}: {e}"))?;
    }
    let joined = patterns
        .iter()
        .map(|p| format!("(?:{})", fold_pattern(p)))
        .collect::<Vec<_>>()
        .join("|");
    Regex::new(&joined).map(Some).map_err(|e| e.to_string())
}

fn compile_lang(p: &Phrases) -> Result<LangRules, String> {
    Ok(LangRules {
        language: p.language,
        not_stop: alternation(p.not_stop)?,
        not_interested: alternation(p.not_interested)?,
        wrong_person: alternation(p.wrong_person)?,
        interested: alternation(p.interested)?,
        deferral: alternation(p.deferral)?,
        out_of_office: alternation(p.out_of_office)?,
        auto_reply: alternation(p.auto_reply)?,
        auto_subject: alternation(p.auto_subject)?,
        bounce_subject: alternation(p.bounce_subject)?,
        stop_subject: p.stop_subject.iter().map(|s| fold(s)).collect(),
        return_before: alternation(p.return_before)?,
        return_after: alternation(p.return_after)?,
        until_before: alternation(p.until_before)?,
        quote_header: alternation(p.quote_header)?,
        header_fields: p.header_fields.iter().map(|s| fold(s)).collect(),
        sign_off: alternation(p.sign_off)?,
        mobile: alternation(p.mobile)?,
        disclaimer: alternation(p.disclaimer)?,
    })
}

fn required(patterns: &[&str]) -> Result<Regex, String> {
    alternation(patterns)?.ok_or_else(|| "empty table".to_string())
}

/// Compiles every table; `Err` names the pattern that does not compile.
pub fn compile() -> Result<Rules, String> {
    let langs = phrases::TABLES
        .iter()
        .map(|p| compile_lang(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut months = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut names_en: Vec<String> = Vec::new();
    for table in phrases::TABLES {
        for (i, forms) in table.months.iter().enumerate() {
            for form in *forms {
                let f = fold(form);
                let n = u8::try_from(i + 1).map_err(|e| e.to_string())?;
                months.entry(f.clone()).or_insert(n);
                if table.language == Language::En {
                    names_en.push(regex::escape(&f));
                }
                names.push(regex::escape(&f));
            }
        }
    }
    let by_len = |v: &mut Vec<String>| {
        v.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        v.dedup();
        v.join("|")
    };
    let fillers = phrases::TABLES
        .iter()
        .flat_map(|t| t.date_fillers.iter().map(|f| fold(f)))
        .collect();
    Ok(Rules {
        langs,
        original_separator: required(phrases::common::ORIGINAL_SEPARATOR)?,
        generic_quote_header: required(phrases::common::GENERIC_QUOTE_HEADER)?,
        bare_stop: required(phrases::common::BARE_STOP)?,
        reply_prefix: required(phrases::common::REPLY_PREFIX)?,
        months,
        month_alternation: by_len(&mut names),
        month_alternation_en: by_len(&mut names_en),
        fillers,
    })
}

static RULES: LazyLock<Rules> = LazyLock::new(|| match compile() {
    Ok(r) => r,
    // The tables are constants checked by `every_table_compiles`; a failure here is a bug in
    // a table, never a property of a message.
    Err(e) => panic!("phrase table does not compile: {e}"),
});

/// The compiled tables.
pub fn rules() -> &'static Rules {
    &RULES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_compiles() {
        if let Err(e) = compile() {
            panic!("{e}");
        }
    }
}
