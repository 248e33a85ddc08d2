//! Verification throughput once domains are cached: 1,000,000 addresses over 50,000 domains
//! (override with `throughput ADDRESSES DOMAINS`), DNS answered by a `FakeResolver` behind the
//! `CachingResolver`.
//!
//! cargo run --release -p veto-verify --example verify_throughput

use std::sync::Arc;
use std::time::{Duration, Instant};

use veto_domain::email::EmailAddress;
use veto_verify::{
    CacheConfig, CachingResolver, DnsError, FakeResolver, MailRoute, Verdict, Verification,
    Verifier, VerifyChecks,
};

/// xorshift64*: a repeatable stream without extra dependencies.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn rate(n: usize, d: Duration) -> String {
    format!(
        "{:>10.0} addresses/s  {:>7.1} ns/address",
        n as f64 / d.as_secs_f64(),
        d.as_nanos() as f64 / n as f64
    )
}

fn counts(results: &[Verification]) -> [usize; 3] {
    let mut c = [0; 3];
    for r in results {
        c[match r.verdict {
            Verdict::Deliverable => 0,
            Verdict::Risky => 1,
            Verdict::Undeliverable => 2,
        }] += 1;
    }
    c
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let n_domains: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(50_000)
        .max(10);

    // The world: mostly MX, some implicit MX, null MX, no route, NXDOMAIN, DNS failures and a
    // few disposable-mail domains.
    let mut rng = Rng(0x5eed_cafe_f00d_beef);
    let fake = FakeResolver::new();
    let mut domains = Vec::with_capacity(n_domains);
    for i in 0..n_domains {
        let d = match i % 1000 {
            0..=4 => format!("sub{i}.mailinator.com"),
            _ => format!("company{i}.example"),
        };
        let route = match rng.below(100) {
            0..=89 => Ok(MailRoute::mx([
                (10, format!("mx1.{d}")),
                (20, format!("mx2.{d}")),
            ])),
            90..=93 => Ok(MailRoute::ImplicitMx),
            94..=95 => Ok(MailRoute::NullMx),
            96 => Ok(MailRoute::NoRoute),
            97..=98 => Ok(MailRoute::NxDomain),
            _ => Err(DnsError::Timeout),
        };
        fake.set(&d, route.map(Into::into));
        domains.push(d);
    }

    // Addresses: a skewed domain popularity (a few big domains, a long tail), 5% role boxes.
    let roles = ["info", "sales+emea", "support", "admin"];
    let t = Instant::now();
    let emails: Vec<EmailAddress> = (0..n)
        .map(|i| {
            let r = rng.below(1000);
            let d = if r < 300 {
                &domains[rng.below(20)]
            } else {
                &domains[rng.below(n_domains)]
            };
            let local = if rng.below(100) < 5 {
                roles[i % roles.len()].to_string()
            } else {
                format!("first.last{i}")
            };
            EmailAddress::parse(&format!("{local}@{d}")).unwrap()
        })
        .collect();
    println!(
        "{n} addresses over {n_domains} domains (parsed in {:.2?})",
        t.elapsed()
    );

    let cache = Arc::new(CachingResolver::with_config(
        fake,
        CacheConfig {
            capacity: n_domains * 2,
            ..CacheConfig::default()
        },
    ));
    let verifier = Verifier::new(VerifyChecks::default(), cache.clone());

    let t = Instant::now();
    let cold = verifier.verify_many(&emails).await;
    let d = t.elapsed();
    println!(
        "verify_many, cold cache  {}  ({} DNS queries)",
        rate(n, d),
        cache.inner().queries()
    );

    let mut best = Duration::MAX;
    let mut warm = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        warm = verifier.verify_many(&emails).await;
        best = best.min(t.elapsed());
    }
    println!("verify_many, warm cache  {}", rate(n, best));
    assert_eq!(cold, warm);

    let t = Instant::now();
    let mut single = Vec::with_capacity(n);
    for e in &emails {
        single.push(verifier.verify(e).await);
    }
    let d = t.elapsed();
    println!("verify one by one, warm  {}", rate(n, d));
    assert_eq!(single, warm);
    println!(
        "DNS queries in total: {} (one per distinct domain)",
        cache.inner().queries()
    );

    let [ok, risky, bad] = counts(&warm);
    println!("deliverable {ok}, risky {risky}, undeliverable {bad}");
}
