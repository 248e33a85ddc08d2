//! Text folding: the one normalisation every phrase table and every message text goes through
//! before matching, so rules are case-, accent- and typography-insensitive.
//!
//! Folding lower-cases, removes combining marks after canonical decomposition (`é` → `e`,
//! `ü` → `u`, `ё` → `е`, `й` → `и`), maps `ß` to `ss`, typographic apostrophes, quotes and
//! dashes to their ASCII forms, and collapses runs of white space to one space.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds one piece of text (see the module documentation).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut push = |m: char, out: &mut String| {
        if m.is_whitespace() {
            space = true;
            return;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(m.to_lowercase());
    };
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match special(c) {
            Some(s) => s.chars().for_each(|m| push(m, &mut out)),
            None => push(c, &mut out),
        }
    }
    out
}

/// Folds a phrase pattern written as a regular expression: ASCII (including escapes such as
/// `\b`, `\S`) is kept exactly as written — patterns are written in lower case — and every other
/// character is folded like message text, so tables can be written with their natural spelling.
pub fn fold_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut buf = [0u8; 4];
    for c in pattern.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&fold(c.encode_utf8(&mut buf)));
        }
    }
    out
}

fn special(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '`' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => "\"",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => "-",
        '\u{00A0}' | '\u{202F}' | '\u{2007}' => " ",
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => "",
        '\u{00DF}' => "ss",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_typography() {
        assert_eq!(fold("Désinscrire  MOI"), "desinscrire moi");
        assert_eq!(fold("Grüße\u{00A0}aus Köln"), "grusse aus koln");
        assert_eq!(
            fold("I\u{2019}m \u{2014} ОТПИШИТЕ, ещё"),
            "i'm - отпишите, еще"
        );
        assert_eq!(fold("\n\t a \r\n b "), "a b");
    }

    #[test]
    fn pattern_keeps_ascii_escapes() {
        assert_eq!(fold_pattern(r"\bnão \S+ é"), r"\bnao \S+ e");
    }
}
