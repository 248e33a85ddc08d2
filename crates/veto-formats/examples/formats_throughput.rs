//! Read throughput of the SendGrid bounces and `veto-csv` readers on one core, over rows
//! generated in memory.
//!
//! ```text
//! cargo run --release -p veto-formats --example formats_throughput -- [ROWS]
//! ```

use std::io::Write;
use std::time::Instant;

use veto_formats::{Format, SendgridList};

fn sendgrid(rows: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows * 90);
    out.extend_from_slice(b"created,email,reason,status\n");
    for i in 0..rows {
        let _ = writeln!(
            out,
            "{},user{i}@example{}.com,\"550 5.1.1 The email account that you tried to reach does not exist\",5.1.1",
            1_443_651_141 + i,
            i % 977
        );
    }
    out
}

fn veto(rows: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(rows * 330);
    out.extend_from_slice(veto_formats::veto::CSV_COLUMNS.join(",").as_bytes());
    out.push(b'\n');
    for i in 0..rows {
        let _ = writeln!(
            out,
            "0190f5a2-7c1e-7d3b-9a6e-{i:012x},email,user{i}@example{}.com,{:064x},false,email,sales;marketing,unsubscribe,unsubscribe_link,\"clicked the link, twice\",false,system:import,2024-03-01T10:20:30.123456Z,2024-03-01T10:20:30.123456Z,,,,,,false",
            i % 977,
            i
        );
    }
    out
}

/// Nanoseconds this thread has run on a CPU (Linux), to tell the reader's speed from a busy
/// machine's.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn run(name: &str, format: Format, data: &[u8], rows: usize) {
    let cpu = cpu_ns();
    let start = Instant::now();
    let mut ok = 0usize;
    let mut bad = 0usize;
    for r in veto_formats::reader(format, data).expect("the generated header is valid") {
        match r {
            Ok(rec) => {
                ok += 1;
                std::hint::black_box(rec);
            }
            Err(_) => bad += 1,
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu_secs = match (cpu, cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e9,
        _ => secs,
    };
    assert_eq!((ok, bad), (rows, 0));
    println!(
        "{name:<18} {rows:>10} rows  {:>8.1} MB  {secs:>7.3} s wall  {cpu_secs:>7.3} s cpu  \
         {:>10.0} rows/s wall  {:>10.0} rows/s cpu  {:>6.1} MB/s cpu",
        data.len() as f64 / 1e6,
        rows as f64 / secs,
        rows as f64 / cpu_secs,
        data.len() as f64 / 1e6 / cpu_secs
    );
}

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let data = sendgrid(rows);
    run(
        "sendgrid-bounces",
        Format::Sendgrid(Some(SendgridList::Bounces)),
        &data,
        rows,
    );
    drop(data);
    let data = veto(rows);
    run("veto-csv", Format::VetoCsv, &data, rows);
}
