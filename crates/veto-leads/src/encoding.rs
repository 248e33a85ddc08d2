//! Finding the file's encoding: byte order mark, else a forced encoding, else UTF-8 when the
//! whole file is valid UTF-8, else the legacy encoding its non-ASCII bytes look like
//! (Windows-1252 for Western European text).

use std::io::{self, Read, Seek, SeekFrom};

use encoding_rs::{DecoderResult, Encoding, UTF_8, WINDOWS_1252};

use crate::error::FatalError;
use crate::input::{BUF_LEN, read_retrying};

/// How the encoding of a file was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    /// The file starts with a byte order mark.
    Bom,
    /// Given in [`ReadOptions::encoding`](crate::ReadOptions::encoding).
    Forced,
    /// The whole file is valid UTF-8.
    DetectedUtf8,
    /// UTF-16 without a byte order mark, told by the zero bytes of ASCII characters.
    DetectedUtf16,
    /// The file is not valid UTF-8; the encoding is the legacy one its bytes look like.
    DetectedLegacy,
}

pub(crate) struct Detected {
    pub(crate) encoding: &'static Encoding,
    pub(crate) source: EncodingSource,
    /// Length of the byte order mark to skip.
    pub(crate) bom_len: u64,
}

/// At most this much non-ASCII-bearing input is shown to the legacy-encoding detector.
const DETECTOR_BUDGET: usize = 1 << 20;

/// Below this many non-ASCII bytes the evidence for anything but Windows-1252 is too thin.
const MIN_EVIDENCE: usize = 16;

/// Decides the encoding and leaves `r` positioned at the first byte after any byte order mark.
pub(crate) fn detect<R: Read + Seek>(
    r: &mut R,
    forced: Option<&'static Encoding>,
) -> Result<Detected, FatalError> {
    r.seek(SeekFrom::Start(0))?;
    let mut head = [0u8; 3];
    let mut n = 0;
    while n < head.len() {
        let got = read_retrying(r, &mut head[n..])?;
        if got == 0 {
            break;
        }
        n += got;
    }
    let detected = if let Some((enc, len)) = Encoding::for_bom(&head[..n]) {
        Detected {
            encoding: enc,
            source: EncodingSource::Bom,
            bom_len: len as u64,
        }
    } else if let Some(enc) = forced {
        Detected {
            encoding: enc,
            source: EncodingSource::Forced,
            bom_len: 0,
        }
    } else if let Some(enc) = utf16_without_bom(r)? {
        Detected {
            encoding: enc,
            source: EncodingSource::DetectedUtf16,
            bom_len: 0,
        }
    } else {
        r.seek(SeekFrom::Start(0))?;
        match scan_utf8(r, false)? {
            Ok(()) => Detected {
                encoding: UTF_8,
                source: EncodingSource::DetectedUtf8,
                bom_len: 0,
            },
            Err(_) => {
                r.seek(SeekFrom::Start(0))?;
                Detected {
                    encoding: guess_legacy(r)?,
                    source: EncodingSource::DetectedLegacy,
                    bom_len: 0,
                }
            }
        }
    };
    if forced.is_some() {
        r.seek(SeekFrom::Start(detected.bom_len))?;
        let bad = if detected.encoding == UTF_8 {
            scan_utf8(r, true)?
        } else if detected.encoding == WINDOWS_1252 {
            // Every byte has a character in Windows-1252.
            Ok(())
        } else {
            scan_decoder(r, detected.encoding)?
        };
        if let Err((offset, line)) = bad {
            return Err(FatalError::Undecodable {
                encoding: detected.encoding.name(),
                offset: offset + detected.bom_len,
                line,
            });
        }
    }
    r.seek(SeekFrom::Start(detected.bom_len))?;
    Ok(detected)
}

/// Where the first undecodable byte is: byte offset (from the scan start) and 1-based line.
type BadAt = (u64, u64);

/// UTF-16 without a byte order mark, told by its zero bytes: text that is mostly ASCII has a
/// zero in every other byte (the high byte of each unit), which no CSV in an 8-bit encoding has.
fn utf16_without_bom<R: Read + Seek>(r: &mut R) -> io::Result<Option<&'static Encoding>> {
    r.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; 4096];
    let mut n = 0;
    while n < buf.len() {
        let got = read_retrying(r, &mut buf[n..])?;
        if got == 0 {
            break;
        }
        n += got;
    }
    let units = n / 2;
    if units < 4 {
        return Ok(None);
    }
    let zeros = |parity: usize| {
        buf[..units * 2]
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    // At least 60% of the units look like ASCII in one byte order and almost none in the other.
    Ok(if odd * 10 >= units * 6 && even * 20 <= units {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= units * 6 && odd * 20 <= units {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    })
}

/// Checks that the rest of `r` is valid UTF-8. Lines are counted only when `count_lines`.
fn scan_utf8<R: Read>(r: &mut R, count_lines: bool) -> io::Result<Result<(), BadAt>> {
    let mut buf = vec![0u8; BUF_LEN];
    let mut carry = 0usize;
    let mut offset = 0u64;
    let mut lines = 0u64;
    loop {
        let n = read_retrying(r, &mut buf[carry..])?;
        if n == 0 {
            return Ok(if carry == 0 {
                Ok(())
            } else {
                Err((offset, lines + 1))
            });
        }
        let data = &buf[..carry + n];
        let valid = match std::str::from_utf8(data) {
            Ok(_) => data.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => {
                let at = e.valid_up_to();
                if count_lines {
                    lines += memchr::memchr_iter(b'\n', &data[..at]).count() as u64;
                }
                return Ok(Err((offset + at as u64, lines + 1)));
            }
        };
        if count_lines {
            lines += memchr::memchr_iter(b'\n', &data[..valid]).count() as u64;
        }
        offset += valid as u64;
        let total = data.len();
        buf.copy_within(valid..total, 0);
        carry = total - valid;
    }
}

/// Checks that the rest of `r` decodes without error in `enc`.
fn scan_decoder<R: Read>(r: &mut R, enc: &'static Encoding) -> io::Result<Result<(), BadAt>> {
    let mut dec = enc.new_decoder_without_bom_handling();
    let mut raw = vec![0u8; BUF_LEN];
    let mut out = vec![0u8; BUF_LEN * 3 + 16];
    let mut offset = 0u64;
    let mut lines = 0u64;
    loop {
        let n = read_retrying(r, &mut raw)?;
        let last = n == 0;
        let mut pos = 0;
        loop {
            let (res, read, written) =
                dec.decode_to_utf8_without_replacement(&raw[pos..n], &mut out, last);
            lines += memchr::memchr_iter(b'\n', &out[..written]).count() as u64;
            pos += read;
            match res {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(bad, extra) => {
                    let at =
                        (offset + pos as u64).saturating_sub(u64::from(bad) + u64::from(extra));
                    return Ok(Err((at, lines + 1)));
                }
            }
        }
        offset += n as u64;
        if last {
            return Ok(Ok(()));
        }
    }
}

/// The legacy encoding the file's non-ASCII bytes look like; Windows-1252 when in doubt.
fn guess_legacy<R: Read>(r: &mut R) -> io::Result<&'static Encoding> {
    let mut det = chardetng::EncodingDetector::new();
    let mut buf = vec![0u8; BUF_LEN];
    let mut fed = 0usize;
    let mut non_ascii = 0usize;
    loop {
        let n = read_retrying(r, &mut buf)?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        if !chunk.is_ascii() {
            non_ascii += chunk.iter().filter(|b| !b.is_ascii()).count();
            det.feed(chunk, false);
            fed += n;
            if fed >= DETECTOR_BUDGET {
                break;
            }
        }
    }
    det.feed(&[], true);
    let (enc, confident) = det.guess_assess(None, false);
    Ok(
        if confident && non_ascii >= MIN_EVIDENCE && enc.is_ascii_compatible() && enc != UTF_8 {
            enc
        } else {
            WINDOWS_1252
        },
    )
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn det(bytes: &[u8], forced: Option<&'static Encoding>) -> Result<Detected, FatalError> {
        detect(&mut Cursor::new(bytes.to_vec()), forced)
    }

    #[test]
    fn boms() {
        let d = det(b"\xef\xbb\xbfemail\n", None).unwrap();
        assert_eq!(
            (d.encoding, d.source, d.bom_len),
            (UTF_8, EncodingSource::Bom, 3)
        );
        let d = det(b"\xff\xfee\x00", None).unwrap();
        assert_eq!(d.encoding, encoding_rs::UTF_16LE);
        let d = det(b"\xfe\xff\x00e", Some(UTF_8)).unwrap();
        assert_eq!(
            (d.encoding, d.source),
            (encoding_rs::UTF_16BE, EncodingSource::Bom)
        );
    }

    #[test]
    fn utf8_or_legacy() {
        let d = det("email\nzoë@example.com\n".as_bytes(), None).unwrap();
        assert_eq!(
            (d.encoding, d.source),
            (UTF_8, EncodingSource::DetectedUtf8)
        );
        let d = det(b"name\nJos\xe9 M\xfcller Stra\xdfe \x80\n", None).unwrap();
        assert_eq!(
            (d.encoding, d.source),
            (WINDOWS_1252, EncodingSource::DetectedLegacy)
        );
        // A multi-byte character split across scan buffers is still valid UTF-8.
        let mut long = "a".repeat(BUF_LEN - 1).into_bytes();
        long.extend_from_slice("é\n".as_bytes());
        assert_eq!(det(&long, None).unwrap().encoding, UTF_8);
        // UTF-16 without a byte order mark.
        let le: Vec<u8> = "email\nzoë@example.com\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let d = det(&le, None).unwrap();
        assert_eq!(
            (d.encoding, d.source),
            (encoding_rs::UTF_16LE, EncodingSource::DetectedUtf16)
        );
        let be: Vec<u8> = "email\nzoë@example.com\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(det(&be, None).unwrap().encoding, encoding_rs::UTF_16BE);
        // A few NUL bytes in an 8-bit file are not UTF-16.
        assert_eq!(
            det(b"email,x\0\na@b.com,\0\0\n", None).unwrap().encoding,
            UTF_8
        );
        // Truncated at the end: not UTF-8.
        assert_eq!(det(b"ab\xc3", None).unwrap().encoding, WINDOWS_1252);
    }

    #[test]
    fn forced() {
        let e = det(b"email\na\nb\xff\n", Some(UTF_8)).err().unwrap();
        match e {
            FatalError::Undecodable { offset, line, .. } => assert_eq!((offset, line), (9, 3)),
            other => panic!("{other}"),
        }
        assert!(det(b"email\nb\xff\n", Some(WINDOWS_1252)).is_ok());
        // An unpaired surrogate in UTF-16LE.
        let e = det(b"a\x00\n\x00\x00\xd8b\x00", Some(encoding_rs::UTF_16LE))
            .err()
            .unwrap();
        assert!(matches!(e, FatalError::Undecodable { line: 2, .. }), "{e}");
    }
}
