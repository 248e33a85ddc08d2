//! The byte stream the CSV parser reads: the file as UTF-8, either passed through (UTF-8
//! input, byte order mark skipped) or decoded on the fly from the file's encoding. Memory is
//! two fixed buffers whatever the file size.

use std::io::{self, Read};

use encoding_rs::{CoderResult, Decoder};

/// Size of the UTF-8 buffer the parser reads from (and of the raw buffer when decoding).
pub(crate) const BUF_LEN: usize = 64 * 1024;

/// Free space below which the decoder is not asked for more output.
const MIN_FREE: usize = 16;

pub(crate) struct Input<R> {
    inner: R,
    decoder: Option<Decoder>,
    raw: Box<[u8]>,
    raw_pos: usize,
    raw_len: usize,
    raw_eof: bool,
    /// The decoder was given its last input and has flushed.
    decoder_done: bool,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
}

impl<R> Input<R> {
    pub(crate) fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: Read> Input<R> {
    /// `decoder`: `None` reads the stream as UTF-8 as it is.
    pub(crate) fn new(inner: R, decoder: Option<Decoder>) -> Self {
        let raw = if decoder.is_some() {
            vec![0u8; BUF_LEN].into_boxed_slice()
        } else {
            Box::default()
        };
        Self {
            inner,
            decoder,
            raw,
            raw_pos: 0,
            raw_len: 0,
            raw_eof: false,
            decoder_done: false,
            buf: vec![0u8; BUF_LEN].into_boxed_slice(),
            pos: 0,
            len: 0,
        }
    }

    /// The buffered bytes not consumed yet, reading more when there are none. Empty at the end
    /// of the stream.
    #[inline]
    pub(crate) fn fill(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.len {
            self.pos = 0;
            self.len = 0;
            self.read_more()?;
        }
        Ok(&self.buf[self.pos..self.len])
    }

    /// Fills the buffer as far as it goes (for looking ahead at the start of the file) and
    /// returns the buffered bytes and whether they reach the end of the stream.
    pub(crate) fn fill_all(&mut self) -> io::Result<(&[u8], bool)> {
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.len, 0);
            self.len -= self.pos;
            self.pos = 0;
        }
        let mut eof = false;
        while self.buf.len() - self.len >= MIN_FREE {
            if self.read_more()? == 0 {
                eof = true;
                break;
            }
        }
        Ok((&self.buf[self.pos..self.len], eof))
    }

    #[inline]
    pub(crate) fn consume(&mut self, n: usize) {
        let n = n.min(self.len - self.pos);
        self.pos += n;
    }

    /// Appends to the buffer; `Ok(0)` at the end of the stream.
    fn read_more(&mut self) -> io::Result<usize> {
        let Some(dec) = self.decoder.as_mut() else {
            return read_retrying(&mut self.inner, &mut self.buf[self.len..]).inspect(|n| {
                self.len += n;
            });
        };
        loop {
            if self.decoder_done || self.buf.len() - self.len < MIN_FREE {
                return Ok(0);
            }
            if self.raw_pos == self.raw_len && !self.raw_eof {
                self.raw_pos = 0;
                self.raw_len = read_retrying(&mut self.inner, &mut self.raw)?;
                self.raw_eof = self.raw_len == 0;
            }
            let (res, read, written, _) = dec.decode_to_utf8(
                &self.raw[self.raw_pos..self.raw_len],
                &mut self.buf[self.len..],
                self.raw_eof,
            );
            self.raw_pos += read;
            self.len += written;
            if self.raw_eof && res == CoderResult::InputEmpty {
                self.decoder_done = true;
            }
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

pub(crate) fn read_retrying<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain<R: Read>(mut i: Input<R>) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let b = i.fill().unwrap();
            if b.is_empty() {
                return out;
            }
            let n = b.len().min(7);
            out.extend_from_slice(&b[..n]);
            i.consume(n);
        }
    }

    #[test]
    fn passthrough_and_decoding() {
        let text = "Zoë;Straße;€\n".repeat(20_000);
        let i = Input::new(text.as_bytes(), None);
        assert_eq!(drain(i), text.as_bytes());
        let (raw, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
        let i = Input::new(
            &raw[..],
            Some(encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling()),
        );
        assert_eq!(drain(i), text.as_bytes());
        let mut i = Input::new(
            &raw[..],
            Some(encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling()),
        );
        let (head, eof) = i.fill_all().unwrap();
        assert!(!eof);
        assert!(head.len() >= BUF_LEN - MIN_FREE);
        assert!(text.as_bytes().starts_with(head));
    }
}
