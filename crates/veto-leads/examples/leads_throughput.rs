//! Reading speed of the lead file reader on a generated, realistic CRM export.
//!
//! ```text
//! cargo run --release -p veto-leads --example leads_throughput -- [ROWS] [--phones]
//! ```
//!
//! Writes a ROWS-row file (default 1,000,000; about 120 bytes a row) in UTF-8 and in
//! Windows-1252 to a temporary directory, then reads each one through and prints rows/s. The
//! phone column is mapped to `ignore` unless `--phones` is given: normalising phone numbers
//! with libphonenumber metadata costs far more than everything else and is measured apart.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use veto_leads::{LeadReader, ReadOptions, RowResult};

const FIRST: &[&str] = &[
    "Anna", "Ben", "Chloé", "David", "Élodie", "Farid", "Greta", "Hans", "Inès", "Jürgen", "Karin",
    "Luis", "Maëlle", "Noah", "Olga", "Pietro", "Quentin", "Rosa", "Søren", "Tomás",
];
const LAST: &[&str] = &[
    "Smith",
    "Müller",
    "García",
    "Rossi",
    "Dubois",
    "Nowak",
    "Jensen",
    "O'Brien",
    "Schäfer",
    "Lefèvre",
    "Kowalski",
    "Andersson",
    "Fernández",
    "Weiß",
    "Costa",
    "Novak",
];
const COMPANY: &[&str] = &[
    "Acme Inc",
    "Globex Corporation",
    "Straße & Söhne GmbH",
    "Initech",
    "Umbrella, Ltd.",
    "Société Générale de Test",
    "Hooli",
    "Vandelay Industries",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "mail.example.net",
    "Example.co.uk",
    "corp.example.de",
];
const STATUS: &[&str] = &["NEW", "OPEN", "IN_PROGRESS", "CONNECTED", "UNQUALIFIED"];
const OWNERS: &[&str] = &["Maria Gomez", "Tom Hart", "Priya Natarajan", ""];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
}

fn generate(path: &Path, rows: u64, cp1252: bool) -> std::io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut line = String::with_capacity(256);
    let mut bytes = 0u64;
    let mut put = |w: &mut BufWriter<File>, s: &str| -> std::io::Result<()> {
        if cp1252 {
            let (b, _, _) = encoding_rs::WINDOWS_1252.encode(s);
            bytes += b.len() as u64;
            w.write_all(&b)
        } else {
            bytes += s.len() as u64;
            w.write_all(s.as_bytes())
        }
    };
    put(
        &mut w,
        "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Contact owner,Lead Status,Unsubscribed,Create Date\r\n",
    )?;
    for i in 0..rows {
        line.clear();
        let (f, l) = (rng.pick(FIRST), rng.pick(LAST));
        let company = rng.pick(COMPANY);
        let ascii_last: String = l.chars().filter(char::is_ascii_alphabetic).collect();
        let phone = if rng.next().is_multiple_of(2) {
            format!("+1 415 555 {:04}", rng.next() % 10_000)
        } else {
            String::new()
        };
        let quoted_company = if company.contains(',') {
            format!("\"{company}\"")
        } else {
            company.to_string()
        };
        use std::fmt::Write as _;
        let _ = write!(
            line,
            "{},{f},{l},{}.{}{}@{},{phone},{quoted_company},{},{},{},2024-{:02}-{:02} 10:{:02}\r\n",
            1_000_000 + i,
            f.chars().next().unwrap_or('x').to_ascii_lowercase(),
            ascii_last.to_ascii_lowercase(),
            i,
            rng.pick(DOMAINS),
            rng.pick(OWNERS),
            rng.pick(STATUS),
            if rng.next().is_multiple_of(50) {
                "true"
            } else {
                "false"
            },
            1 + rng.next() % 12,
            1 + rng.next() % 28,
            rng.next() % 60,
        );
        put(&mut w, &line)?;
    }
    w.flush()?;
    Ok(bytes)
}

/// CPU time of the calling thread (Linux; `None` elsewhere), to tell the reader's own speed
/// from what a busy machine leaves it.
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = s.split_whitespace().next()?.parse::<u64>().ok()?;
    Some(Duration::from_nanos(ns))
}

fn measure(path: &Path, bytes: u64, phones: bool) -> Result<(), Box<dyn std::error::Error>> {
    let mut opts = ReadOptions::default();
    if !phones {
        opts.apply_mapping_arg("ignore=Phone Number")?;
    }
    let start = Instant::now();
    let cpu_start = thread_cpu();
    let reader = LeadReader::open(File::open(path)?, opts)?;
    let encoding = reader.info().encoding_name();
    let opened = start.elapsed();
    let (mut leads, mut invalid, mut dnc) = (0u64, 0u64, 0u64);
    for row in reader {
        match row? {
            RowResult::Lead(l) => {
                leads += 1;
                dnc += u64::from(l.dnc);
            }
            RowResult::Invalid(_) => invalid += 1,
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = match (cpu_start, thread_cpu()) {
        (Some(a), Some(b)) => (b - a).as_secs_f64(),
        _ => secs,
    };
    let rows = leads + invalid;
    println!(
        "{encoding:>12} {}: {rows} rows ({leads} leads, {invalid} invalid, {dnc} dnc), {:.1} MB; wall {secs:.3} s (open/detect {:.3} s): {:.2} M rows/s, {:.0} MB/s; CPU {cpu:.3} s: {:.2} M rows/s per core",
        if phones { "with phones" } else { "no phones  " },
        bytes as f64 / 1e6,
        opened.as_secs_f64(),
        rows as f64 / secs / 1e6,
        bytes as f64 / secs / 1e6,
        rows as f64 / cpu / 1e6,
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows = args
        .iter()
        .find_map(|a| a.replace('_', "").parse::<u64>().ok())
        .unwrap_or(1_000_000);
    let phones = args.iter().any(|a| a == "--phones");
    let dir = tempfile::tempdir()?;
    for cp1252 in [false, true] {
        let path = dir.path().join(if cp1252 {
            "leads-1252.csv"
        } else {
            "leads-utf8.csv"
        });
        let bytes = generate(&path, rows, cp1252)?;
        measure(&path, bytes, false)?;
        if phones {
            measure(&path, bytes, true)?;
        }
    }
    Ok(())
}
