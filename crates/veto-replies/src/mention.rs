//! Request or mention: the second learned model, which reads only the sentence around one
//! opt-out word and says whether the writer asks to be opted out or only *mentions* opting
//! out.
//!
//! Why a model of its own: an opt-out word ("unsubscribe", "abmelden", "darse de baja") is
//! most often a request, so the message-level model ([`crate::learned`]) learns the word and
//! little else; but every fresh set brought mentions the cue tables had no veto for — "Ik
//! moet me afmelden voor de demo" (cancelling a meeting), "me acabo de dar de baja como
//! autónomo" (closing a business), "surtout ne me désinscrivez pas", "I unsubscribed by
//! mistake, add me back", "our unsubscribe flow is one click". What tells them apart is the
//! frame around the word, in any language: who is the subject, whether the word is an
//! imperative with a first-person object or a question asking how, what object or event
//! follows, a negation or "by mistake" before it. This model sees only that frame: the
//! words and cue families before, inside and after the match, at near and far distance, the
//! character n-grams of the matched words, and whether the sentence is a question or starts
//! with the match. It is trained on every mention-marked stop match (`compose`'s
//! unsubscribe-family words and cease verbs without a contacting verb) of the labelled sets
//! and phrase lists, read without the sentence vetoes so that the mentions the tables
//! already refuse teach it too, each labelled by whether its reply is a stop request.
//!
//! It is used only to drop the rules' stop request when that request rests on mentions
//! alone ([`crate::learned::Policy`]); directives ("remove me", "don't email me again", a
//! bare "STOP", the subject) are never read by it.

use std::sync::LazyLock;

use crate::ReplyClass;
use crate::compose::{self, Token};
use crate::learned::{Model, bucket, char_ngrams, normalise};
use crate::rules::Hit;

/// The model shipped with the crate: trained by `examples/train.rs` (classes `unsubscribe`,
/// a request, and `other`, a mention).
const BUILTIN: &str = include_str!("mention.model");

static BUILTIN_MODEL: LazyLock<Model> = LazyLock::new(|| match Model::from_text(BUILTIN) {
    Ok(m) => m,
    // The model file is a constant of the crate, checked by `builtin_model_reads`; a failure
    // here is a bug in the file, never a property of a message.
    Err(e) => panic!("src/mention.model does not read: {e}"),
});

/// The mention model shipped with the crate (`src/mention.model`).
pub fn builtin() -> &'static Model {
    &BUILTIN_MODEL
}

/// Tokens up to this far from the match are read with their distance ("near": 1–2, "far":
/// 3–this).
const WINDOW: usize = 6;

/// Where a token or cue family stands relative to the match.
fn side(a: usize, b: usize, s: usize, e: usize) -> &'static [u8] {
    if b <= s {
        if s - b < 2 { b"b1" } else { b"b2" }
    } else if a >= e {
        if a - e < 2 { b"a1" } else { b"a2" }
    } else {
        b"in"
    }
}

/// The features of the clause around one stop match of a folded text: `sents` are that
/// text's `compose::sentences`. Empty when the match lies in no clause.
pub fn hit_features(folded: &str, sents: &[Vec<Token>], hit: &Hit) -> Vec<u32> {
    let Some(clause) = sents.iter().find(|c| {
        c.iter()
            .any(|t| t.start <= hit.start && hit.start < t.end.max(t.start + 1))
    }) else {
        return Vec::new();
    };
    let inside: Vec<usize> = (0..clause.len())
        .filter(|&j| {
            clause
                .get(j)
                .is_some_and(|t| t.start >= hit.start && t.end <= hit.end)
        })
        .collect();
    let (Some(&s), Some(&last)) = (inside.first(), inside.last()) else {
        return Vec::new();
    };
    let e = last + 1;
    let words: Vec<String> = clause.iter().map(|t| normalise(&t.text)).collect();
    let mut out = Vec::new();
    for (j, w) in words.iter().enumerate() {
        out.push(bucket(&[b"mb", w.as_bytes()]));
        let far = if j < s {
            s - j
        } else {
            j.saturating_sub(e - 1)
        };
        if far <= WINDOW {
            out.push(bucket(&[b"mw", side(j, j + 1, s, e), w.as_bytes()]));
        }
        if (s..e).contains(&j) {
            char_ngrams_into(w, &mut out);
        }
    }
    // The word just before and the first word of the match, as a pair ("ne désinscrivez",
    // "me afmelden", "please unsubscribe").
    let before = s.checked_sub(1).and_then(|j| words.get(j));
    if let (Some(b), Some(m)) = (before, words.get(s)) {
        out.push(bucket(&[b"mp", b.as_bytes(), m.as_bytes()]));
    }
    if let (Some(m), Some(a)) = (words.get(e - 1), words.get(e)) {
        out.push(bucket(&[b"mn", m.as_bytes(), a.as_bytes()]));
    }
    for (a, b, name) in compose::clause_families(clause) {
        let near = a.max(s).saturating_sub(b.min(e)) <= WINDOW;
        if near {
            out.push(bucket(&[b"mf", name.as_bytes(), side(a, b, s, e)]));
        }
        out.push(bucket(&[b"mF", name.as_bytes()]));
    }
    if compose::is_question(folded, clause) {
        out.push(bucket(&[b"mq"]));
    }
    if s == 0 {
        out.push(bucket(&[b"ms"]));
    }
    if e == clause.len() {
        out.push(bucket(&[b"me"]));
    }
    out.push(bucket(&[b"ml", length(clause.len())]));
    out.push(bucket(&[b"mt", length(sents.iter().map(Vec::len).sum())]));
    out.sort_unstable();
    out.dedup();
    out
}

fn char_ngrams_into(word: &str, out: &mut Vec<u32>) {
    let mut grams = Vec::new();
    char_ngrams(word, &mut grams);
    // Their own namespace: the message-level model's n-gram buckets mean something else.
    out.extend(
        grams
            .into_iter()
            .map(|g| bucket(&[b"mc", &g.to_le_bytes()])),
    );
}

fn length(tokens: usize) -> &'static [u8] {
    match tokens {
        0..=2 => b"0-2",
        3..=6 => b"3-6",
        7..=15 => b"7-15",
        16..=30 => b"16-30",
        _ => b"31+",
    }
}

/// The features of each mention-marked match among `hits` (a folded text's stop matches,
/// each marked whether it is a mention).
pub fn mention_features(folded: &str, hits: &[(Hit, bool)]) -> Vec<Vec<u32>> {
    if !hits.iter().any(|(_, mention)| *mention) {
        return Vec::new();
    }
    let sents = compose::sentences(folded);
    hits.iter()
        .filter(|(_, mention)| *mention)
        .map(|(h, _)| hit_features(folded, &sents, h))
        .filter(|f| !f.is_empty())
        .collect()
}

/// The probability that a reply asks to be opted out, read from its mention-marked matches
/// ([`mention_features`]): the highest over them; 1 when there is none (nothing to doubt).
pub fn request_probability(model: &Model, hits: &[Vec<u32>]) -> f32 {
    hits.iter()
        .map(|f| {
            let s = model.scores(f);
            let (request, mention) = (s.of(ReplyClass::Unsubscribe), s.of(ReplyClass::Other));
            if request + mention > 0.0 {
                request / (request + mention)
            } else {
                0.5
            }
        })
        .reduce(f32::max)
        .unwrap_or(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::fold;

    #[test]
    fn builtin_model_reads() {
        assert!(!builtin().is_empty());
    }

    #[test]
    fn features_read_the_frame_of_the_match() {
        let text = fold("Ik heb me vorige week per ongeluk afgemeld voor de nieuwsbrief.");
        let hits = compose::stop_hits_read(&text, false);
        let f = mention_features(&text, &hits);
        assert_eq!(f.len(), 1, "{hits:?}");
        let other = fold("Graag afmelden voor de nieuwsbrief.");
        let g = mention_features(&other, &compose::stop_hits_read(&other, false));
        assert_eq!(g.len(), 1);
        assert_ne!(f, g);
        // No mention, nothing to read.
        let directive = fold("Remove me from your list.");
        assert!(
            mention_features(&directive, &compose::stop_hits_read(&directive, false)).is_empty()
        );
        assert_eq!(request_probability(builtin(), &[]), 1.0);
    }
}
