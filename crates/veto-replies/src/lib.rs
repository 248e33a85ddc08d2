//! Replies to sales e-mail, classified: a reply's raw RFC 5322 bytes in, its class out —
//! `unsubscribe` (an explicit stop request, which becomes a do-not-contact entry at once),
//! `not_interested`, `wrong_person`, `out_of_office` (with the return date when stated),
//! `auto_reply`, `bounce` (handed to the bounce path), `interested` or `other` — together with
//! the text the person actually wrote and the line that decided.
//!
//! Only the new text counts: quoted history and signatures are stripped first
//! ([`new_text`]), so our own "reply STOP to unsubscribe" footer quoted back never reads as a
//! stop. Phrases are known in English, German, French, Spanish, Portuguese, Italian, Dutch and
//! Russian; matching is case- and accent-insensitive. A person's reply is read three times:
//! by the rules (cue and phrase tables, which know negations, declined opt-outs, opt-outs of
//! other people and opt-out words about events, registrations or a leave), by a learned
//! model over words and character n-grams of the whole reply ([`learned`]), which adds the
//! stop requests phrased outside the tables, and by a second learned model over the sentence
//! around each opt-out word ([`mention`]), which tells a request from a mere mention of
//! opting out; [`learned::Policy`] combines them. Both models are shipped as data and
//! trained by `examples/train.rs`. The crate is sans-IO apart from [`evaluate_dir`] and
//! [`crossval`], which read labelled folders and phrase lists.
//!
//! # Layout
//! - [`message`] — raw bytes → subject, date, headers, body text (HTML converted).
//! - [`strip`] — the quote and signature stripper, [`new_text`], and the cut of the
//!   writer's own newsletter footer.
//! - [`cues`] — the cue tables, one per language: word families (stems) whose combinations
//!   within a sentence make an intent (stop, not interested, wrong person, interested);
//!   `compose` applies them.
//! - [`phrases`] — the phrase tables, one per language: fixed idioms, auto-reply and bounce
//!   wording, quote headers, sign-offs and return-date words.
//! - `rules` — the tables compiled into regular expressions; `fold` — text folding.
//! - [`language`] — [`Language`] and telling which one a reply is in.
//! - [`mod@classify`] — the decision order ([`classify()`], [`classify_reply`]).
//! - [`learned`] — the message-level learned model (features, training, the shipped
//!   `learned.model`) and the policy combining the models with the rules.
//! - [`mention`] — the request-or-mention model over the sentence around an opt-out word
//!   (the shipped `mention.model`).
//! - [`return_date`] — the return date of an out-of-office reply.
//! - [`eval`] — scoring the classifier on a labelled folder ([`evaluate_dir`]); reading
//!   labels and phrase lists.
//! - [`crossval`] — leave-one-set-out cross-validation, the honest estimate on unseen
//!   replies.
#![forbid(unsafe_code)]

mod answer;
pub mod classify;
mod compose;
pub mod crossval;
pub mod cues;
pub mod eval;
mod fold;
pub mod language;
pub mod learned;
pub mod mention;
pub mod message;
pub mod phrases;
pub mod respell;
pub mod return_date;
mod rules;
pub mod strip;

use std::fmt;
use std::str::FromStr;

pub use classify::classify_reply;
pub use eval::{EvalError, ReplyEval, evaluate_dir};
pub use fold::fold;
pub use language::Language;
pub use strip::new_text;

/// The class of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReplyClass {
    /// An explicit request to stop: unsubscribe, remove me, do not contact me again.
    Unsubscribe,
    /// A refusal without a stop request: not interested, no thanks, we already have a solution.
    NotInterested,
    /// The person is not the one to talk to, or no longer works there (written by a person).
    WrongPerson,
    /// An automatic away message; contactability is unchanged, sending pauses until the return
    /// date.
    OutOfOffice,
    /// Any other automatic answer: ticket acknowledgements, unmonitored or retired mailboxes,
    /// "left the company" notices without a person behind them.
    AutoReply,
    /// A delivery failure or delay notice; handled by the bounce path.
    Bounce,
    /// A positive answer: let's talk, send more information, book a call.
    Interested,
    /// Anything else: questions, neutral replies.
    Other,
}

impl ReplyClass {
    /// Every class, in the order reports list them.
    pub const ALL: [ReplyClass; 8] = [
        ReplyClass::Unsubscribe,
        ReplyClass::NotInterested,
        ReplyClass::WrongPerson,
        ReplyClass::OutOfOffice,
        ReplyClass::AutoReply,
        ReplyClass::Bounce,
        ReplyClass::Interested,
        ReplyClass::Other,
    ];

    /// The stable name (`"unsubscribe"`, `"not_interested"`, …) used in labels and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyClass::Unsubscribe => "unsubscribe",
            ReplyClass::NotInterested => "not_interested",
            ReplyClass::WrongPerson => "wrong_person",
            ReplyClass::OutOfOffice => "out_of_office",
            ReplyClass::AutoReply => "auto_reply",
            ReplyClass::Bounce => "bounce",
            ReplyClass::Interested => "interested",
            ReplyClass::Other => "other",
        }
    }
}

impl fmt::Display for ReplyClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A class name that is not one of [`ReplyClass::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown reply class {0:?}")]
pub struct UnknownClass(pub String);

impl FromStr for ReplyClass {
    type Err = UnknownClass;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReplyClass::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| UnknownClass(s.to_string()))
    }
}

/// A message that cannot be read as a reply at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// No bytes, or only white space.
    #[error("empty message")]
    Empty,
    /// Larger than [`message::MAX_MESSAGE_BYTES`].
    #[error("message of {bytes} bytes is larger than the {limit}-byte limit")]
    TooLarge {
        /// The message's size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// No header could be read.
    #[error("not an RFC 5322 message: no header found")]
    NotAMessage,
}

/// The outcome of classifying one reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    /// The class.
    pub class: ReplyClass,
    /// The language of the new text (or of the subject when the body is empty), when known.
    pub language: Option<Language>,
    /// For `out_of_office`: the first day the person is expected back, when the text says so
    /// (see [`return_date`] for the rules).
    pub return_date: Option<time::Date>,
    /// What the person wrote: the body without quoted history and signature.
    pub new_text: String,
    /// The line(s) of the new text (or the subject) that decided the class.
    pub evidence: Option<String>,
    /// The auto-reply headers present, as `Name: value`.
    pub auto_reply_headers: Vec<String>,
}

/// Classifies a reply given as raw RFC 5322 bytes.
///
/// ```
/// let raw = b"From: Jane <jane@example.com>\r\nSubject: Re: Quick question\r\n\r\nPlease remove me from your list.\r\n\r\nOn Mon, Dec 7, 2026 at 10:02 AM Anna <anna@example.io> wrote:\r\n> Reply STOP to unsubscribe.\r\n";
/// let c = veto_replies::classify(raw).unwrap();
/// assert_eq!(c.class, veto_replies::ReplyClass::Unsubscribe);
/// assert_eq!(c.new_text, "Please remove me from your list.");
/// ```
pub fn classify(raw: &[u8]) -> Result<Classification, ParseError> {
    let reply = message::parse(raw)?;
    Ok(classify_reply(&reply))
}

/// The stop cues the rules find in a folded text, as byte spans with whether a negation or
/// self-service cue blocks each (development aid for the `show` example).
pub fn compose_stop_hits(folded: &str) -> Vec<(usize, usize, bool)> {
    compose::stop_hits_marked(folded)
        .into_iter()
        .map(|(h, blocked)| (h.start, h.end, blocked))
        .collect()
}
