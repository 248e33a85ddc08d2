//! Finding the delimiter from the start of the file.

use csv_core::{ReadRecordResult, ReaderBuilder};

/// The delimiters tried, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many records are looked at.
const SAMPLE_RECORDS: usize = 20;

/// Picks the delimiter that splits the first records (quotes respected) into the most
/// consistent number of fields; more fields wins a tie, then the order of [`DELIMITERS`].
/// `,` when no candidate splits anything. `eof`: `sample` is the whole file.
pub(crate) fn sniff_delimiter(sample: &[u8], eof: bool) -> u8 {
    let mut best = (DELIMITERS[0], 0usize, 0usize);
    for d in DELIMITERS {
        let counts = field_counts(sample, eof, d);
        if counts.is_empty() {
            continue;
        }
        let (mode, freq) = mode(&counts);
        if mode < 2 {
            continue;
        }
        let consistency = freq * 1000 / counts.len();
        if (consistency, mode) > (best.1, best.2) {
            best = (d, consistency, mode);
        }
    }
    best.0
}

/// The most frequent count (the larger on a tie) and its frequency.
fn mode(counts: &[usize]) -> (usize, usize) {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let (mut best, mut best_n) = (0, 0);
    let mut i = 0;
    while i < sorted.len() {
        let j = sorted[i..].iter().take_while(|&&c| c == sorted[i]).count();
        if j >= best_n {
            best = sorted[i];
            best_n = j;
        }
        i += j;
    }
    (best, best_n)
}

/// Fields per record for the first records of `sample` split on `delim`. A record cut off by
/// the end of the sample is left out.
fn field_counts(sample: &[u8], eof: bool, delim: u8) -> Vec<usize> {
    let mut core = ReaderBuilder::new().delimiter(delim).build();
    let mut out = [0u8; 1024];
    let mut ends = [0usize; 256];
    let mut counts = Vec::new();
    let mut pos = 0;
    let mut fields = 0;
    while counts.len() < SAMPLE_RECORDS {
        let input = if pos < sample.len() {
            &sample[pos..]
        } else if eof {
            &[][..]
        } else {
            break;
        };
        let (res, nin, _, nend) = core.read_record(input, &mut out, &mut ends);
        pos += nin;
        fields += nend;
        match res {
            ReadRecordResult::InputEmpty
            | ReadRecordResult::OutputFull
            | ReadRecordResult::OutputEndsFull => {}
            ReadRecordResult::Record => {
                counts.push(fields);
                fields = 0;
            }
            ReadRecordResult::End => break,
        }
    }
    counts
}

/// Excel's `sep=X` first line: the delimiter and the length of the line with its line break.
pub(crate) fn sep_line(sample: &[u8]) -> Option<(u8, usize)> {
    if sample.len() < 5 || !sample[..4].eq_ignore_ascii_case(b"sep=") {
        return None;
    }
    let d = sample[4];
    if matches!(d, b'"' | b'\r' | b'\n') || !d.is_ascii() {
        return None;
    }
    let rest = &sample[5..];
    let term = if rest.starts_with(b"\r\n") {
        2
    } else if rest.is_empty() || rest[0] == b'\n' || rest[0] == b'\r' {
        rest.len().min(1)
    } else {
        return None;
    };
    Some((d, 5 + term))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n", true), b',');
        assert_eq!(sniff_delimiter(b"a;b;c\n1;2;3\n", true), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n1\t2\t3\n", true), b'\t');
        assert_eq!(sniff_delimiter(b"a|b|c\n1|2|3\n", true), b'|');
        // Commas inside values of a semicolon file, quoted or not.
        assert_eq!(
            sniff_delimiter(
                b"name;email;x\nDoe, J;j@x.de;1,5\n\"A;B\";a@b.de;2,5\n",
                true
            ),
            b';'
        );
        // Quoted delimiters do not count.
        assert_eq!(
            sniff_delimiter(b"a,b\n\"x;y;z\",1\n\"p;q;r\",2\n", true),
            b','
        );
        assert_eq!(sniff_delimiter(b"email\nx@y.com\n", true), b',');
        assert_eq!(sniff_delimiter(b"", true), b',');
        // A record cut by the end of the sample is ignored.
        assert_eq!(sniff_delimiter(b"a;b\n1;2\n3;4\n5,6,7,8,9", false), b';');
    }

    #[test]
    fn sep() {
        assert_eq!(sep_line(b"sep=;\r\nemail"), Some((b';', 7)));
        assert_eq!(sep_line(b"SEP=\t\nemail"), Some((b'\t', 6)));
        assert_eq!(sep_line(b"sep=|"), Some((b'|', 5)));
        assert_eq!(sep_line(b"sep=ab\n"), None);
        assert_eq!(sep_line(b"email\n"), None);
    }
}
