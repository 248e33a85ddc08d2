//! Why a message could not be analysed.

/// A message that cannot be read as e-mail at all. Anything that *is* e-mail but no signal is
/// not an error: it is analysed as [`crate::SignalKind::NotASignal`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// No bytes at all.
    #[error("the message is empty")]
    Empty,
    /// Larger than [`crate::MAX_MESSAGE_BYTES`].
    #[error("the message is {size} bytes, more than the {limit} bytes a bounce can be")]
    TooLarge {
        /// The size of the input.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The bytes hold no header section the MIME parser recognises.
    #[error("not an e-mail message: no header section found")]
    NoHeaders,
}
