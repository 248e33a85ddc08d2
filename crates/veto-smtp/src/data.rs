//! The message after DATA: end detection, dot-unstuffing and the size limit (RFC 5321 4.1.1.4,
//! 4.5.2), sans IO.
//!
//! Written here rather than with smtp-proto's `DataReceiver`: that one starts as if no line
//! had begun, so a message whose first line is `.` (the empty message) or starts with a
//! stuffed dot is misread; it stores without a limit; and it cannot tell us about bare line
//! ends, which decide the smuggling question below.
//!
//! **SMTP smuggling** (the 2023 advisories, e.g. CVE-2023-51764/51765/51766): a server that
//! ends DATA on `<LF>.<LF>`, `<CR>.<CR>` or `<LF>.<CR><LF>` can be made to read a second,
//! forged message out of one that the sending server passed on as a single message — or, for
//! a relay like ours, pass on a message that the next server splits in two. Here only
//! `<CR><LF>.<CR><LF>` (or `.<CR><LF>` as the very first line) ends the data. A message that
//! contains any bare CR or bare LF — which RFC 5321 2.3.8 forbids in SMTP anyway — is read to
//! its real end and then refused whole ([`DataEnd::BareLineEnd`]), so no such sequence ever
//! reaches the application or the servers it relays to.

use memchr::memchr2;

/// Where the reader is within the line structure of the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// At the start of a line: after CRLF, or the first byte of the data.
    LineStart,
    /// Inside a line.
    Middle,
    /// Inside a line, right after a CR (stored) that may start the line end.
    Cr,
    /// A `.` at the start of a line (not stored: either stuffing or the terminator).
    Dot,
    /// `.` CR at the start of a line (the CR not yet stored: it may be the terminator's).
    DotCr,
}

/// How the data ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DataEnd {
    /// The message, dot-unstuffed, ending with the CRLF before the terminating dot.
    Message(Vec<u8>),
    /// It was longer than the limit; the content was read and dropped.
    TooBig,
    /// It held a bare CR or LF (see the module documentation); the content was dropped.
    BareLineEnd,
}

/// Reads one message after `354`, keeping at most `max` bytes.
#[derive(Debug)]
pub(crate) struct DataReader {
    state: State,
    message: Vec<u8>,
    size: usize,
    max: usize,
    too_big: bool,
    bare_line_end: bool,
}

impl DataReader {
    pub(crate) fn new(max: usize) -> Self {
        DataReader {
            state: State::LineStart,
            message: Vec::new(),
            size: 0,
            max,
            too_big: false,
            bare_line_end: false,
        }
    }

    /// Reads from `input`; returns how many bytes were used and whether the terminating line
    /// was among them (the bytes after it are the next commands).
    pub(crate) fn feed(&mut self, input: &[u8]) -> (usize, bool) {
        let mut i = 0;
        while i < input.len() {
            let byte = input[i];
            match self.state {
                State::Middle => {
                    let rest = &input[i..];
                    match memchr2(b'\r', b'\n', rest) {
                        None => {
                            self.keep(rest);
                            i = input.len();
                        }
                        Some(at) => {
                            self.keep(&rest[..at]);
                            i += at;
                            if input[i] == b'\r' {
                                self.state = State::Cr;
                            } else {
                                self.bare_line_end = true;
                            }
                            self.keep(&input[i..=i]);
                            i += 1;
                        }
                    }
                }
                State::LineStart => {
                    if byte == b'.' {
                        self.state = State::Dot;
                        i += 1;
                    } else {
                        self.state = State::Middle;
                    }
                }
                State::Cr => {
                    if byte == b'\n' {
                        self.keep(b"\n");
                        self.state = State::LineStart;
                        i += 1;
                    } else {
                        // The stored CR was not followed by LF.
                        self.bare_line_end = true;
                        self.state = State::Middle;
                    }
                }
                State::Dot => {
                    if byte == b'\r' {
                        self.state = State::DotCr;
                        i += 1;
                    } else {
                        // RFC 5321 4.5.2: a leading dot with more on the line is removed.
                        self.state = State::Middle;
                    }
                }
                State::DotCr => {
                    if byte == b'\n' {
                        return (i + 1, true);
                    }
                    // `.` CR without LF: the dot was stuffing, the CR is bare.
                    self.bare_line_end = true;
                    self.keep(b"\r");
                    self.state = State::Middle;
                }
            }
        }
        (i, false)
    }

    /// Bytes of the message read so far (after unstuffing), including any dropped.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    pub(crate) fn finish(self) -> DataEnd {
        if self.too_big {
            DataEnd::TooBig
        } else if self.bare_line_end {
            DataEnd::BareLineEnd
        } else {
            DataEnd::Message(self.message)
        }
    }

    fn keep(&mut self, bytes: &[u8]) {
        self.size = self.size.saturating_add(bytes.len());
        if self.size > self.max {
            if !self.too_big {
                self.too_big = true;
                self.message = Vec::new();
            }
        } else if !self.bare_line_end {
            self.message.extend_from_slice(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reads `wire` in one piece; the outcome and the bytes left after the terminator.
    fn read(wire: &[u8], max: usize) -> (Option<DataEnd>, Vec<u8>) {
        let mut r = DataReader::new(max);
        let (used, done) = r.feed(wire);
        if done {
            (Some(r.finish()), wire[used..].to_vec())
        } else {
            assert_eq!(used, wire.len());
            (None, Vec::new())
        }
    }

    fn message(wire: &[u8]) -> Vec<u8> {
        match read(wire, usize::MAX) {
            (Some(DataEnd::Message(m)), _) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ends_at_crlf_dot_crlf_and_keeps_the_last_line_end() {
        assert_eq!(
            message(b"Subject: a\r\n\r\nbody\r\n.\r\n"),
            b"Subject: a\r\n\r\nbody\r\n"
        );
        assert_eq!(
            read(b"x\r\n.\r\nQUIT\r\n", 100).1,
            b"QUIT\r\n",
            "what follows the terminator is left for the command reader"
        );
    }

    #[test]
    fn empty_message_and_leading_dots() {
        assert_eq!(message(b".\r\n"), b"");
        assert_eq!(message(b"..hidden\r\n.\r\n"), b".hidden\r\n");
        assert_eq!(message(b"a\r\n..\r\n...x\r\n.\r\n"), b"a\r\n.\r\n..x\r\n");
        // RFC 5321 4.5.2: a dot followed by other text loses the dot even when unstuffed.
        assert_eq!(message(b".a\r\n.\r\n"), b"a\r\n");
    }

    #[test]
    fn smuggling_sequences_do_not_end_the_data() {
        for trick in [
            &b"a\n.\nMAIL FROM:<x@y>\r\n"[..],
            b"a\r.\rMAIL FROM:<x@y>\r\n",
            b"a\n.\r\nMAIL FROM:<x@y>\r\n",
            b"a\r\n.\nMAIL FROM:<x@y>\r\n",
            b"a\r\n.\rMAIL FROM:<x@y>\r\n",
            b"a\r.\r\nMAIL FROM:<x@y>\r\n",
        ] {
            assert_eq!(read(trick, 1000).0, None, "{trick:?} must not end DATA");
            let mut wire = trick.to_vec();
            wire.extend_from_slice(b"\r\n.\r\n");
            assert_eq!(read(&wire, 1000).0, Some(DataEnd::BareLineEnd), "{trick:?}");
        }
    }

    #[test]
    fn bare_cr_or_lf_anywhere_refuses_the_message() {
        assert_eq!(read(b"a\nb\r\n.\r\n", 100).0, Some(DataEnd::BareLineEnd));
        assert_eq!(read(b"a\rb\r\n.\r\n", 100).0, Some(DataEnd::BareLineEnd));
        assert_eq!(read(b"a\r\r\n.\r\n", 100).0, Some(DataEnd::BareLineEnd));
        assert_eq!(read(b"\n.\r\n", 100).0, None);
    }

    #[test]
    fn size_limit_reads_to_the_end_and_drops_the_content() {
        let (end, rest) = read(b"0123456789\r\n.\r\nNOOP\r\n", 5);
        assert_eq!(end, Some(DataEnd::TooBig));
        assert_eq!(rest, b"NOOP\r\n");
        assert_eq!(message(b"0123\r\n.\r\n"), b"0123\r\n");
        let (end, _) = read(b"012\r\n.\r\n", 5);
        assert_eq!(end, Some(DataEnd::Message(b"012\r\n".to_vec())));
        let (end, _) = read(b"0123\r\n.\r\n", 5);
        assert_eq!(end, Some(DataEnd::TooBig), "the limit counts the line end");
    }

    /// Dot-stuffs CRLF-terminated lines as a client must (RFC 5321 4.5.2) and terminates.
    fn stuff(lines: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
        let mut wire = Vec::new();
        let mut plain = Vec::new();
        for line in lines {
            if line.first() == Some(&b'.') {
                wire.push(b'.');
            }
            wire.extend_from_slice(line);
            wire.extend_from_slice(b"\r\n");
            plain.extend_from_slice(line);
            plain.extend_from_slice(b"\r\n");
        }
        wire.extend_from_slice(b".\r\n");
        (wire, plain)
    }

    fn line() -> impl Strategy<Value = Vec<u8>> {
        // Any bytes but CR and LF, with dots made common.
        prop::collection::vec(
            prop_oneof![
                Just(b'.'),
                any::<u8>().prop_filter("no CR/LF", |b| *b != b'\r' && *b != b'\n')
            ],
            0..20,
        )
    }

    proptest! {
        #[test]
        fn stuffing_then_reading_gives_the_message_back(
            lines in prop::collection::vec(line(), 0..12),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        ) {
            let (wire, plain) = stuff(&lines);
            let mut wire = wire;
            wire.extend_from_slice(b"NEXT\r\n");
            // However the bytes are split into reads, the result is the same.
            let mut points: Vec<usize> = cuts.iter().map(|c| c.index(wire.len() + 1)).collect();
            points.push(0);
            points.push(wire.len());
            points.sort_unstable();
            let mut r = DataReader::new(usize::MAX);
            let mut consumed = 0;
            let mut done = false;
            for pair in points.windows(2) {
                let (from, to) = (pair[0].max(consumed), pair[1]);
                if done || from >= to { continue; }
                let (used, end) = r.feed(&wire[from..to]);
                consumed = from + used;
                done = end;
            }
            prop_assert!(done);
            prop_assert_eq!(&wire[consumed..], b"NEXT\r\n");
            prop_assert_eq!(r.finish(), DataEnd::Message(plain));
        }
    }
}
