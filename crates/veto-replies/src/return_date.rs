//! Reading the return date out of an out-of-office text.
//!
//! Dates are found in the folded new text in these shapes: ISO `2026-12-14`; numeric
//! `14/12`, `14.12.`, `14.12.2026`, `14-12-26`, `12/14/2026`; a day and a month name in any
//! table language (`14 December`, `14th of December`, `14. Dezember`, `14 de diciembre de
//! 2026`, `14 декабря`); an English month name first (`December 14`, `Dec 14th, 2026`); and an
//! day with no month — an English ordinal (`until the 19th`, `back mon 13th`) or a day number
//! after an article or preposition (`hasta el 15`, `jusqu'au 15`, `bis zum 15.`, `fino al
//! 15`, `até dia 15`): the next such day on or after the message's `Date`.
//!
//! A date counts only when a cue says what it is:
//! - a **return cue** before it ("back on", "returning", "zurück am", "de retour le",
//!   "regreso el", "de volta em", "rientro il", "terug op", "вернусь", "выйду на работу") or
//!   after it (German "… wieder erreichbar", Dutch "… weer op kantoor"): the date is the
//!   return date;
//! - an **until cue** right before it ("until", "through", "bis", "jusqu'au", "hasta",
//!   "até", "fino al", "tot en met", "до", or the end of a range "from 7 to 9 December"): the
//!   date is the last day away, and **the return date is the next day**. The same rule holds
//!   in every language, inclusive wording or not ("bis einschließlich", "t/m", "inclus").
//!
//! A return cue wins over an until cue ("Out Dec 21 - Jan 4. Back Jan 5." → Jan 5); among
//! equals the first date in the text wins. Weekday names, articles and "day" words between a
//! cue and its date are skipped. "Next Monday" in any table language is the first Monday after
//! the message's `Date`; other relative dates ("tomorrow", "next week") and dates without a
//! day ("until March") give no return date.
//!
//! **Years.** A date without a year is the next occurrence on or after the message's `Date`
//! (in the sender's own time zone); without a `Date` header such a date gives nothing. A
//! return date before the message date is ignored.
//!
//! **Day or month first.** A numeric date whose first number is over 12 is day-first, whose
//! second is over 12 is month-first. Otherwise it is day-first (the convention of every table
//! language but US English), and month-first only when the text is clearly US style: English
//! text and either a `Date` header offset between UTC−10:00 and UTC−04:00 (the US time
//! zones) or another numeric date in the same text that can only be month-first.

use std::sync::LazyLock;

use regex::Regex;
use time::{Date, Month, Weekday};

use crate::fold::fold;
use crate::language::Language;
use crate::rules::{Rules, rules};

/// How far before a date its cue may stand (bytes of folded text).
const LEFT_WINDOW: usize = 90;
/// How far after a date a trailing return cue may stand.
const RIGHT_WINDOW: usize = 40;
/// A return date further than this after the message date is not believed.
const MAX_DAYS_AHEAD: i64 = 400;

/// Words that make a number pair a span of time rather than a date (folded prefixes, every
/// table language): "1-2 business days", "3-5 Werktage", "2-3 jours", "1-2 días".
const DURATION_WORDS: &[&str] = &[
    "day",
    "business",
    "working",
    "week",
    "hour",
    "minute",
    "month",
    "tag",
    "werktag",
    "woche",
    "stunde",
    "jour",
    "semaine",
    "heure",
    "dia",
    "semana",
    "hora",
    "giorn",
    "settiman",
    "ore",
    "dag",
    "werkdag",
    "uur",
    "дн",
    "дня",
    "недел",
    "час",
];

/// How far ahead a date counts as near when the order of an all-numeric date is ambiguous.
const NEAR_DAYS: i64 = 120;

struct Patterns {
    iso: Regex,
    numeric: Regex,
    day_month: Regex,
    month_day: Regex,
    /// A day with no month: an English ordinal after "the" or a weekday ("until the 19th",
    /// "back mon 13th"), or a day number after an article or preposition ("hasta el 15",
    /// "jusqu'au 15", "bis zum 15.", "fino al 15", "até dia 15").
    bare_day: Regex,
    /// "next Monday" in every table language ("el próximo lunes", "nächsten Montag", "lundi
    /// prochain", "na próxima segunda", "lunedì prossimo", "aanstaande maandag", "в следующий
    /// понедельник"); the weekday is in one of the groups `wd_*`.
    next_weekday: Regex,
    /// A German calendar week ("ab KW 34"): its Monday.
    iso_week: Regex,
}

static PATTERNS: LazyLock<Option<Patterns>> = LazyLock::new(|| {
    let r = rules();
    Some(Patterns {
        iso: Regex::new(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b").ok()?,
        numeric: Regex::new(r"\b(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2}))?\b\.?").ok()?,
        day_month: Regex::new(&format!(
            r"\b(\d{{1,2}})(?:st|nd|rd|th|er|eme|e|o|º|°)?\.?(?: of| de| del)? ({})\b\.?(?:,? (?:de |del |of )?(\d{{4}}))?",
            r.month_alternation
        ))
        .ok()?,
        month_day: Regex::new(&format!(
            r"\b({})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (\d{{4}}))?",
            r.month_alternation_en
        ))
        .ok()?,
        bare_day: Regex::new(concat!(
            r"\b(?:(?:the|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday) (\d{1,2})(?:st|nd|rd|th)",
            r"|(?:el|al|au|zum|il|dia|dem|den|dal|vom) (\d{1,2})",
            // "à partir du lundi 5", "vanaf maandag de 9e", "ab Montag, 2.", "dal lunedì 18".
            r"|(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lunes|martes|miercoles|jueves|viernes|sabado|domingo|lunedi|martedi|mercoledi|giovedi|venerdi|domenica|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|segunda|terca|quarta|quinta|sexta),? (?:(?:den |il )?(\d{1,2})(?:er|eme)?|de (\d{1,2})(?:e|ste|de)))\b",
        ))
        .ok()?,
        iso_week: Regex::new(r"\b(?:kw|kalenderwoche) ?(\d{1,2})\b").ok()?,
        next_weekday: Regex::new(concat!(
            r"\b(?:next (?P<en>monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
            r"|proximo (?P<es>lunes|martes|miercoles|jueves|viernes|sabado|domingo)",
            r"|(?P<es2>lunes|martes|miercoles|jueves|viernes|sabado|domingo) proximo",
            r"|(?:nachsten|kommenden) (?P<de>montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)",
            r"|(?P<fr>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) prochain",
            r"|proxim[ao] (?P<pt>segunda|terca|quarta|quinta|sexta|sabado|domingo)",
            r"|(?P<it>lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica) prossim[ao]",
            r"|prossim[ao] (?P<it2>lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica)",
            r"|(?:aanstaande|komende) (?P<nl>maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)",
            r"|следующ\w* (?P<ru>понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье))\b",
        ))
        .ok()?,
    })
});

/// The weekday a name of [`Patterns::next_weekday`] stands for.
fn weekday(name: &str) -> Option<Weekday> {
    use Weekday::*;
    Some(match name {
        "monday"
        | "lunes"
        | "montag"
        | "lundi"
        | "segunda"
        | "lunedi"
        | "maandag"
        | "понедельник" => Monday,
        "tuesday" | "martes" | "dienstag" | "mardi" | "terca" | "martedi" | "dinsdag"
        | "вторник" => Tuesday,
        "wednesday" | "miercoles" | "mittwoch" | "mercredi" | "quarta" | "mercoledi"
        | "woensdag" | "среду" => Wednesday,
        "thursday" | "jueves" | "donnerstag" | "jeudi" | "quinta" | "giovedi" | "donderdag"
        | "четверг" => Thursday,
        "friday" | "viernes" | "freitag" | "vendredi" | "sexta" | "venerdi" | "vrijdag"
        | "пятницу" => Friday,
        "saturday" | "sabado" | "samstag" | "samedi" | "sabato" | "zaterdag" | "субботу" => {
            Saturday
        }
        "sunday" | "domingo" | "sonntag" | "dimanche" | "domenica" | "zondag" | "воскресенье" => {
            Sunday
        }
        _ => return None,
    })
}

/// What a found date names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A day of a month (`day`, `month`, maybe `year`).
    Calendar,
    /// A day with no month (`day`): the next such day on or after the message date.
    DayOnly,
    /// "next Monday", "el próximo lunes": the first such weekday after the message date.
    NextWeekday(Weekday),
    /// An ISO calendar week (`day` holds its number): its Monday, this year's if it is still
    /// ahead of the message date, else next year's.
    Week,
}

/// A date found in the text, before its year is resolved.
#[derive(Debug, Clone, Copy)]
struct Found {
    start: usize,
    end: usize,
    kind: Kind,
    day: u32,
    /// The month, for [`Kind::Calendar`] (0 otherwise).
    month: u32,
    year: Option<i32>,
    /// Numeric with both numbers ≤ 12: the order was decided by the locale rule.
    ambiguous_numeric: Option<(u32, u32)>,
}

/// Extracts the return date from an out-of-office text (see the module documentation).
/// `message_date` is the `Date` header's date in the sender's time zone and that zone's
/// offset from UTC in minutes.
pub fn extract(
    new_text: &str,
    message_date: Option<(Date, i32)>,
    language: Option<Language>,
) -> Option<Date> {
    let folded = fold(new_text);
    let p = PATTERNS.as_ref()?;
    let r = rules();
    let mut found = find_dates(p, r, &folded);
    if found.is_empty() {
        return None;
    }
    let us = language == Some(Language::En)
        && (message_date.is_some_and(|(_, off)| (-600..=-240).contains(&off))
            || found.iter().any(|f| {
                f.ambiguous_numeric.is_none()
                    && f.kind == Kind::Calendar
                    && is_month_first(&folded[f.start..f.end])
            }));
    for f in &mut found {
        if let Some((a, b)) = f.ambiguous_numeric {
            (f.day, f.month) = if us { (b, a) } else { (a, b) };
            // An absence is weeks, not months: when the locale's reading lies in the past or
            // far ahead and the other reading is near, the other one was meant ("back on
            // 01/11/2027" written on 1 December 2026 is 11 January).
            let swapped = Found {
                day: f.month,
                month: f.day,
                ..*f
            };
            let near = |d: Option<Date>| {
                d.zip(message_date)
                    .is_some_and(|(d, (msg, _))| (0..=NEAR_DAYS).contains(&(d - msg).whole_days()))
            };
            if !near(resolve(f, message_date)) && near(resolve(&swapped, message_date)) {
                *f = swapped;
            }
        }
    }
    let mut until: Option<Date> = None;
    for f in &found {
        let left = left_context(&folded, f.start);
        // A month name and a full stop end a sentence ("fino al 6 gennaio. Rientro previsto:
        // …"); a dot after digits is German notation ("ab 2.8. wieder da").
        let text = folded.get(f.start..f.end).unwrap_or_default();
        let sentence_ends = text
            .strip_suffix('.')
            .is_some_and(|t| t.ends_with(char::is_alphabetic));
        let right = if sentence_ends {
            ""
        } else {
            right_context(&folded, f.end)
        };
        let is_return = r.langs.iter().any(|l| {
            l.return_before.as_ref().is_some_and(|re| re.is_match(left))
                || l.return_after.as_ref().is_some_and(|re| re.is_match(right))
        });
        // "out of the office 14-28 Aug": the end of a day range is the last day away.
        let range_end = RANGE_START.as_ref().is_some_and(|re| re.is_match(left));
        let is_until = !is_return && (until_cue(r, left) || range_end);
        if !is_return && !is_until {
            continue;
        }
        let Some(date) = resolve(f, message_date) else {
            continue;
        };
        if is_return {
            return Some(date);
        }
        if until.is_none() {
            until = date.next_day();
        }
    }
    until
}

fn is_month_first(numeric: &str) -> bool {
    let mut parts = numeric.split(['/', '.', '-']);
    let a: u32 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let b: u32 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    a <= 12 && b > 12 && b <= 31
}

fn find_dates(p: &Patterns, r: &Rules, folded: &str) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let num = |c: Option<regex::Match<'_>>| c.and_then(|m| m.as_str().parse::<u32>().ok());
    for c in p.iso.captures_iter(folded) {
        let (Some(m), Some(y), Some(mo), Some(d)) =
            (c.get(0), num(c.get(1)), num(c.get(2)), num(c.get(3)))
        else {
            continue;
        };
        out.push(Found {
            start: m.start(),
            end: m.end(),
            kind: Kind::Calendar,
            day: d,
            month: mo,
            year: i32::try_from(y).ok(),
            ambiguous_numeric: None,
        });
    }
    for c in p.numeric.captures_iter(folded) {
        let (Some(m), Some(a), Some(b)) = (c.get(0), num(c.get(1)), num(c.get(2))) else {
            continue;
        };
        // "within 1-2 business days", "in 3-5 Werktagen": a span of days, not a date.
        let next_word = folded
            .get(m.end()..)
            .unwrap_or_default()
            .split_whitespace()
            .next()
            .unwrap_or_default();
        if DURATION_WORDS.iter().any(|w| next_word.starts_with(w)) {
            continue;
        }
        let year =
            num(c.get(3)).and_then(|y| i32::try_from(if y < 100 { y + 2000 } else { y }).ok());
        let (day, month, ambiguous) = match (a, b) {
            (a, b) if (1..=12).contains(&a) && (1..=12).contains(&b) => (a, b, Some((a, b))),
            (a, b) if a > 12 && (1..=12).contains(&b) => (a, b, None),
            (a, b) if b > 12 && (1..=12).contains(&a) => (b, a, None),
            _ => continue,
        };
        out.push(Found {
            start: m.start(),
            end: m.end(),
            kind: Kind::Calendar,
            day,
            month,
            year,
            ambiguous_numeric: ambiguous,
        });
    }
    for c in p.day_month.captures_iter(folded) {
        let (Some(m), Some(d), Some(name)) = (c.get(0), num(c.get(1)), c.get(2)) else {
            continue;
        };
        let Some(&mo) = r.months.get(name.as_str()) else {
            continue;
        };
        let year = num(c.get(3)).and_then(|y| i32::try_from(y).ok());
        out.push(Found {
            start: m.start(),
            end: m.end(),
            kind: Kind::Calendar,
            day: d,
            month: u32::from(mo),
            year,
            ambiguous_numeric: None,
        });
    }
    for c in p.month_day.captures_iter(folded) {
        let (Some(m), Some(name), Some(d)) = (c.get(0), c.get(1), num(c.get(2))) else {
            continue;
        };
        let Some(&mo) = r.months.get(name.as_str()) else {
            continue;
        };
        let year = num(c.get(3)).and_then(|y| i32::try_from(y).ok());
        out.push(Found {
            start: m.start(),
            end: m.end(),
            kind: Kind::Calendar,
            day: d,
            month: u32::from(mo),
            year,
            ambiguous_numeric: None,
        });
    }
    for c in p.bare_day.captures_iter(folded) {
        let Some(d) = (1..=4).find_map(|g| c.get(g)) else {
            continue;
        };
        let Some(day) = num(Some(d)) else {
            continue;
        };
        // "hasta el 15 de cada mes" is caught as a date with a month above; "al 15 %" or
        // "el 3 semanas" are no days.
        let next_word = folded
            .get(d.end()..)
            .unwrap_or_default()
            .split_whitespace()
            .next()
            .unwrap_or_default();
        if next_word.starts_with('%') || DURATION_WORDS.iter().any(|w| next_word.starts_with(w)) {
            continue;
        }
        // "de lunes a viernes de 8:00 a 14:00", "mardi 9h30": an hour, not a day.
        let rest = folded.get(d.end()..).unwrap_or_default();
        let mut after = rest.chars();
        if matches!(
            (after.next(), after.next()),
            (Some(':' | 'h' | 'u' | '.'), Some('0'..='9'))
        ) {
            continue;
        }
        // The date starts at its number, so "the 19th of March" (a day and month found
        // above, starting at the same place and longer) wins the overlap.
        out.push(Found {
            start: d.start(),
            end: c.get(0).map_or(d.end(), |m| m.end()),
            kind: Kind::DayOnly,
            day,
            month: 0,
            year: None,
            ambiguous_numeric: None,
        });
    }
    for c in p.iso_week.captures_iter(folded) {
        let (Some(m), Some(week)) = (c.get(0), num(c.get(1))) else {
            continue;
        };
        out.push(Found {
            start: m.start(),
            end: m.end(),
            kind: Kind::Week,
            day: week,
            month: 0,
            year: None,
            ambiguous_numeric: None,
        });
    }
    for c in p.next_weekday.captures_iter(folded) {
        let Some(m) = c.get(0) else {
            continue;
        };
        let name = ["en", "es", "es2", "de", "fr", "pt", "it", "it2", "nl", "ru"]
            .iter()
            .find_map(|g| c.name(g));
        let Some(w) = name.and_then(|n| weekday(n.as_str())) else {
            continue;
        };
        out.push(Found {
            start: m.start(),
            end: m.end(),
            kind: Kind::NextWeekday(w),
            day: 0,
            month: 0,
            year: None,
            ambiguous_numeric: None,
        });
    }
    // Keep the earliest, then longest, of overlapping matches.
    out.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut kept: Vec<Found> = Vec::new();
    for f in out {
        if kept.last().is_none_or(|k| f.start >= k.end) {
            kept.push(f);
        }
    }
    kept
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The clause before a date: at most [`LEFT_WINDOW`] bytes, from the last sentence end on —
/// unless what follows that sentence end is only filler ("Mon. 14 Dec").
fn left_context(folded: &str, start: usize) -> &str {
    let from = floor_boundary(folded, start.saturating_sub(LEFT_WINDOW));
    let from = if from > 0 {
        floor_boundary(folded, from)
    } else {
        0
    };
    let window = folded.get(from..start).unwrap_or_default();
    let mut cut = 0;
    for (i, _) in window.match_indices(['.', '!', '?', ';']) {
        let after = &window[i + 1..];
        if after.starts_with(' ') && !is_filler_only(after) {
            cut = i + 1;
        }
    }
    window[cut..].trim_start()
}

fn is_filler_only(s: &str) -> bool {
    let fillers = &rules().fillers;
    s.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .all(|w| fillers.iter().any(|f| f == w.trim_end_matches('.')))
}

fn right_context(folded: &str, end: usize) -> &str {
    let end = end.min(folded.len());
    let to = floor_boundary(folded, (end + RIGHT_WINDOW).min(folded.len()));
    let window = folded.get(end..to.max(end)).unwrap_or_default();
    match window.find(['.', '!', '?', ';']) {
        Some(i) if i > 0 => &window[..i],
        _ => window,
    }
}

/// The start of a day range right before a date ("14-28 aug", "14 – 28 august").
static RANGE_START: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b\d{1,2}\.?\s*[-–]\s*$").ok());

/// Whether the clause before a date ends in an until cue, skipping trailing filler words.
fn until_cue(r: &Rules, left: &str) -> bool {
    let mut s = left.trim_end_matches([' ', ',']);
    loop {
        if r.langs
            .iter()
            .any(|l| l.until_before.as_ref().is_some_and(|re| re.is_match(s)))
        {
            return true;
        }
        let Some((head, last)) = s.rsplit_once(' ') else {
            return false;
        };
        let word = last.trim_end_matches(['.', ',']);
        if !r.fillers.iter().any(|f| f == word) {
            return false;
        }
        s = head.trim_end_matches([' ', ',']);
    }
}

fn resolve(f: &Found, message_date: Option<(Date, i32)>) -> Option<Date> {
    if let Kind::NextWeekday(w) = f.kind {
        let (msg, _) = message_date?;
        // Stepping day by day (`next_occurrence` panics at the end of the calendar).
        let mut d = msg.next_day()?;
        while d.weekday() != w {
            d = d.next_day()?;
        }
        return Some(d);
    }
    if f.kind == Kind::Week {
        let (msg, _) = message_date?;
        let week = u8::try_from(f.day).ok()?;
        return [msg.year(), msg.year() + 1].into_iter().find_map(|y| {
            Date::from_iso_week_date(y, week, Weekday::Monday)
                .ok()
                .filter(|d| *d >= msg)
        });
    }
    if f.kind == Kind::DayOnly {
        // A day with no month: this month's if it is still ahead, else next month's.
        let (msg, _) = message_date?;
        let day = u8::try_from(f.day).ok()?;
        let this = Date::from_calendar_date(msg.year(), msg.month(), day);
        let date = match this {
            Ok(d) if d >= msg => d,
            _ => {
                let next = msg.month().next();
                let year = if next == Month::January {
                    msg.year() + 1
                } else {
                    msg.year()
                };
                Date::from_calendar_date(year, next, day).ok()?
            }
        };
        return Some(date);
    }
    let month = Month::try_from(u8::try_from(f.month).ok()?).ok()?;
    let day = u8::try_from(f.day).ok()?;
    let date = match (f.year, message_date) {
        (Some(y), _) => Date::from_calendar_date(y, month, day).ok()?,
        (None, Some((msg, _))) => {
            let this = Date::from_calendar_date(msg.year(), month, day);
            match this {
                Ok(d) if d >= msg => d,
                _ => Date::from_calendar_date(msg.year() + 1, month, day).ok()?,
            }
        }
        (None, None) => return None,
    };
    if let Some((msg, _)) = message_date {
        let ahead = (date - msg).whole_days();
        if !(0..=MAX_DAYS_AHEAD).contains(&ahead) {
            return None;
        }
    }
    Some(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn at(text: &str, msg: Date, offset_h: i32, lang: Language) -> Option<Date> {
        extract(text, Some((msg, offset_h * 60)), Some(lang))
    }

    #[test]
    fn return_cues_written_by_the_eighth_round() {
        use Language::*;
        for (text, msg, lang, want) in [
            (
                "Sarò di nuovo in ufficio da lunedì 30 agosto.",
                date!(2027 - 08 - 16),
                It,
                date!(2027 - 08 - 30),
            ),
            (
                "ich befinde mich bis voraussichtlich 31. Januar 2028 in Elternzeit.",
                date!(2027 - 10 - 04),
                De,
                date!(2028 - 02 - 01),
            ),
            (
                "Я сейчас на больничном. Выйду в понедельник, 22 ноября, тогда прочитаю ваше письмо.",
                date!(2027 - 11 - 15),
                Ru,
                date!(2027 - 11 - 22),
            ),
            (
                "Я на выставке в Казани, почту читаю нерегулярно. В офисе буду с 16 августа (понедельник).",
                date!(2027 - 08 - 10),
                Ru,
                date!(2027 - 08 - 16),
            ),
            (
                "Encontro-me ausente do escritório, em gozo de férias, até ao dia 6 de setembro, inclusive, sem acesso regular ao correio eletrónico.",
                date!(2027 - 08 - 20),
                Pt,
                date!(2027 - 09 - 07),
            ),
        ] {
            assert_eq!(at(text, msg, 2, lang), Some(want), "{text}");
        }
    }

    #[test]
    fn return_cues_in_every_language() {
        let m = date!(2026 - 12 - 08);
        use Language::*;
        for (text, lang, want) in [
            (
                "I'll be back on Monday 14 December.",
                En,
                date!(2026 - 12 - 14),
            ),
            (
                "Thank you, I am on leave, returning 2026-12-14.",
                En,
                date!(2026 - 12 - 14),
            ),
            ("Back in the office on 14/12.", En, date!(2026 - 12 - 14)),
            ("Ich bin zurück am 14.12.2026.", De, date!(2026 - 12 - 14)),
            (
                "Ab Montag, 14.12. wieder erreichbar.",
                De,
                date!(2026 - 12 - 14),
            ),
            (
                "Je serai de retour le 14 décembre.",
                Fr,
                date!(2026 - 12 - 14),
            ),
            ("Regreso el 14 de diciembre.", Es, date!(2026 - 12 - 14)),
            (
                "Estarei de volta em 14 de dezembro.",
                Pt,
                date!(2026 - 12 - 14),
            ),
            ("Rientro il 14 dicembre.", It, date!(2026 - 12 - 14)),
            ("Ik ben terug op 14 december.", Nl, date!(2026 - 12 - 14)),
            ("Вернусь 14 декабря.", Ru, date!(2026 - 12 - 14)),
            ("Back January 5th!", En, date!(2027 - 01 - 05)),
        ] {
            assert_eq!(at(text, m, 1, lang), Some(want), "{text}");
        }
    }

    #[test]
    fn ranges_with_long_dates_wider_return_cues_and_spans_of_days() {
        let m = date!(2027 - 12 - 17);
        use Language::*;
        for (text, lang, want) in [
            (
                "Estaré fuera de la oficina del 18 de diciembre al 5 de enero.",
                Es,
                date!(2028 - 01 - 06),
            ),
            (
                "I'm away from 20 December 2027 to 3 January.",
                En,
                date!(2028 - 01 - 04),
            ),
            (
                "Je suis sur chantier et reviens le 6 mars.",
                Fr,
                date!(2028 - 03 - 06),
            ),
            (
                "Bitte senden Sie sie ab dem 14. August erneut, dann bin ich wieder im Büro.",
                De,
                date!(2028 - 08 - 14),
            ),
            (
                "L'azienda resterà chiusa per ferie dal 7 al 25 agosto.",
                It,
                date!(2028 - 08 - 26),
            ),
        ] {
            assert_eq!(at(text, m, 1, lang), Some(want), "{text}");
        }
        assert_eq!(
            at(
                "A member of our team will get back to you within 1-2 business days.",
                m,
                1,
                En
            ),
            None
        );
    }

    #[test]
    fn calendar_weeks_weekday_days_ranges_and_returns_after_the_date() {
        // Tuesday 20 July 2027.
        let m = date!(2027 - 07 - 20);
        use Language::*;
        for (text, lang, want) in [
            (
                "Wir sind im Betriebsurlaub, ich bin ab KW 34 wieder erreichbar.",
                De,
                Some(date!(2027 - 08 - 23)),
            ),
            (
                "Ich bin im Urlaub und wieder ab dem 2. im Studio.",
                De,
                Some(date!(2027 - 08 - 02)),
            ),
            (
                "Je serai de retour à partir du lundi 2.",
                Fr,
                Some(date!(2027 - 08 - 02)),
            ),
            (
                "Vanaf maandag de 9e ben ik weer aanwezig.",
                Nl,
                Some(date!(2027 - 08 - 09)),
            ),
            (
                "Sono in ferie. Dal 18 rientro in studio.",
                It,
                Some(date!(2027 - 08 - 18)),
            ),
            (
                "Я в отпуске, с 12.08 снова на связи.",
                Ru,
                Some(date!(2027 - 08 - 12)),
            ),
            (
                "I'm out of the office 14-28 Aug with patchy signal.",
                En,
                Some(date!(2027 - 08 - 29)),
            ),
            // The reply comes after a sentence end: the until date stands.
            (
                "Sono in ferie fino al 6 agosto. Risponderò al mio rientro.",
                It,
                Some(date!(2027 - 08 - 07)),
            ),
            // An hour after a weekday is no day of the month ("9" of "9:00" would be the
            // 9th); the weekday alone is not read.
            ("Vuelvo el lunes 9:00.", Es, None),
        ] {
            assert_eq!(at(text, m, 1, lang), want, "{text}");
        }
    }

    #[test]
    fn until_means_the_next_day() {
        let m = date!(2026 - 12 - 08);
        use Language::*;
        for (text, lang, want) in [
            (
                "Out of the office until Friday 11 December.",
                En,
                date!(2026 - 12 - 12),
            ),
            (
                "Ich bin bis zum 18.12.2026 nicht im Büro.",
                De,
                date!(2026 - 12 - 19),
            ),
            (
                "Absente jusqu'au 18 décembre inclus.",
                Fr,
                date!(2026 - 12 - 19),
            ),
            ("Fuera hasta el 8 de diciembre.", Es, date!(2026 - 12 - 09)),
            ("Afwezig tot en met 11 december.", Nl, date!(2026 - 12 - 12)),
            (
                "Я в отпуске до 14 декабря включительно.",
                Ru,
                date!(2026 - 12 - 15),
            ),
            (
                "At a conference from 7 to 9 December.",
                En,
                date!(2026 - 12 - 10),
            ),
            (
                "Out of office through December 31st.",
                En,
                date!(2027 - 01 - 01),
            ),
        ] {
            assert_eq!(at(text, m, 1, lang), Some(want), "{text}");
        }
    }

    #[test]
    fn return_wins_over_until_and_years_roll_over() {
        let m = date!(2026 - 12 - 21);
        assert_eq!(
            at(
                "Out of office Dec 21 - Jan 4. Back Jan 5.",
                m,
                -5,
                Language::En
            ),
            Some(date!(2027 - 01 - 05))
        );
        assert_eq!(
            at("Retorno em 04/01/2027.", m, -3, Language::Pt),
            Some(date!(2027 - 01 - 04))
        );
    }

    #[test]
    fn numeric_order_follows_the_locale() {
        let m = date!(2026 - 12 - 22);
        // US time zone, English: month first.
        assert_eq!(
            at("I will return 1/4.", m, -6, Language::En),
            Some(date!(2027 - 01 - 04))
        );
        // UK: day first.
        assert_eq!(
            at("I will return 5/1.", m, 0, Language::En),
            Some(date!(2027 - 01 - 05))
        );
        // Unambiguous either way.
        assert_eq!(
            at(
                "Out until 12/14/2026.",
                date!(2026 - 12 - 07),
                1,
                Language::En
            ),
            Some(date!(2026 - 12 - 15))
        );
        assert_eq!(
            at("Zurück am 4.1.", m, 1, Language::De),
            Some(date!(2027 - 01 - 04))
        );
    }

    #[test]
    fn an_ambiguous_numeric_date_takes_the_near_reading() {
        let m = date!(2026 - 12 - 01);
        // Day first would be 1 November 2027, eleven months away: 11 January was meant.
        assert_eq!(
            at("I will be back on 01/11/2027.", m, 1, Language::En),
            Some(date!(2027 - 01 - 11))
        );
        // Both readings near: the locale decides.
        assert_eq!(
            at("Je serai de retour le 04/12.", m, 1, Language::Fr),
            Some(date!(2026 - 12 - 04))
        );
        // Day first already near: kept.
        assert_eq!(
            at("Zurück am 03.01.2027.", m, 1, Language::De),
            Some(date!(2027 - 01 - 03))
        );
    }

    #[test]
    fn next_weekday_is_the_first_such_day_after_the_message() {
        // Wednesday 3 November 2027.
        let m = date!(2027 - 11 - 03);
        use Language::*;
        for (text, lang, want) in [
            (
                "I'm travelling and back in the office next Monday.",
                En,
                date!(2027 - 11 - 08),
            ),
            (
                "Vuelvo a la oficina el próximo lunes.",
                Es,
                date!(2027 - 11 - 08),
            ),
            (
                "Ab nächsten Montag bin ich wieder im Büro.",
                De,
                date!(2027 - 11 - 08),
            ),
            ("De retour lundi prochain.", Fr, date!(2027 - 11 - 08)),
            ("Volto na próxima segunda-feira.", Pt, date!(2027 - 11 - 08)),
            ("Rientro lunedì prossimo.", It, date!(2027 - 11 - 08)),
            (
                "Ik ben aanstaande maandag weer op kantoor.",
                Nl,
                date!(2027 - 11 - 08),
            ),
            (
                "Вернусь в следующий понедельник.",
                Ru,
                date!(2027 - 11 - 08),
            ),
            // The same weekday as the message is a week later.
            ("Back next Wednesday.", En, date!(2027 - 11 - 10)),
            // Away until next Friday: back the day after.
            ("I'm away until next Friday.", En, date!(2027 - 11 - 06)),
        ] {
            assert_eq!(at(text, m, 0, lang), Some(want), "{text}");
        }
        // Without a cue, or without a message date, it is no return date.
        assert_eq!(at("Let's talk next Monday.", m, 0, En), None);
        assert_eq!(extract("Back next Monday.", None, Some(En)), None);
        // At the end of the calendar nothing panics.
        assert_eq!(at("Back next Monday.", Date::MAX, 0, En), None);
    }

    #[test]
    fn an_ordinal_day_with_no_month_is_the_next_such_day() {
        let m = date!(2027 - 03 - 08);
        assert_eq!(
            at("I'm on leave until the 19th.", m, 0, Language::En),
            Some(date!(2027 - 03 - 20))
        );
        assert_eq!(
            at("Back on the 4th, no laptop.", m, 0, Language::En),
            Some(date!(2027 - 04 - 04))
        );
        // Across the year's end.
        assert_eq!(
            at("Back on the 2nd.", date!(2026 - 12 - 20), 0, Language::En),
            Some(date!(2027 - 01 - 02))
        );
        // A month named after it wins.
        assert_eq!(
            at("Back on the 4th of May.", m, 0, Language::En),
            Some(date!(2027 - 05 - 04))
        );
        assert_eq!(
            at("back mon 13th", date!(2027 - 12 - 08), 0, Language::En),
            Some(date!(2027 - 12 - 13))
        );
        assert_eq!(
            at(
                "de vacaciones hasta el 15",
                date!(2027 - 10 - 04),
                0,
                Language::Es
            ),
            Some(date!(2027 - 10 - 16))
        );
        assert_eq!(
            at("Urlaub bis zum 15.", date!(2027 - 10 - 04), 0, Language::De),
            Some(date!(2027 - 10 - 16))
        );
        // A month or a numeric date after the day still wins; a duration is no day.
        assert_eq!(
            at(
                "de vacaciones hasta el 15 de noviembre",
                date!(2027 - 10 - 04),
                0,
                Language::Es
            ),
            Some(date!(2027 - 11 - 16))
        );
        assert_eq!(
            at(
                "de viaje, vuelvo en el 3 semanas",
                date!(2027 - 10 - 04),
                0,
                Language::Es
            ),
            None
        );
        // No cue, no date; no message date, no date.
        assert_eq!(at("See the 4th slide.", m, 0, Language::En), None);
        assert_eq!(extract("Back on the 4th.", None, Some(Language::En)), None);
    }

    #[test]
    fn no_date_without_cue_day_or_message_date() {
        let m = date!(2026 - 11 - 10);
        assert_eq!(
            at("On parental leave until March 2027.", m, 0, Language::En),
            None
        );
        assert_eq!(at("I am out of the office.", m, 0, Language::En), None);
        assert_eq!(at("Call me on 14/12 about it.", m, 0, Language::En), None);
        assert_eq!(
            extract("Back on 14 December.", None, Some(Language::En)),
            None
        );
        assert_eq!(
            extract("Back on 2026-12-14.", None, Some(Language::En)),
            Some(date!(2026 - 12 - 14))
        );
    }
}
