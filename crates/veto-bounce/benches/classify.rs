//! Messages classified per second over the test fixtures (bounces, complaints, auto-replies).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn load() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for sub in ["bounces", "complaints", "autoreplies"] {
        let Ok(dir) = std::fs::read_dir(root.join(sub)) else {
            continue;
        };
        for entry in dir.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "eml")
                && let Ok(raw) = std::fs::read(&path)
            {
                out.push(raw);
            }
        }
    }
    out
}

fn classify(c: &mut Criterion) {
    let messages = load();
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("fixtures", |b| {
        b.iter(|| {
            let mut recipients = 0usize;
            for raw in &messages {
                if let Ok(a) = veto_bounce::analyse(std::hint::black_box(raw)) {
                    recipients += a.recipients.len();
                }
            }
            recipients
        })
    });
    group.finish();
}

criterion_group!(benches, classify);
criterion_main!(benches);
