//! The seeded workload generator.
//!
//! Addresses come from an index space `0..M`. Address `k` is rendered from `perm(k)` (a seeded
//! Feistel permutation of `0..M`, so neighbouring indices do not look alike) by a mixed-radix
//! decomposition into (given name, separator, family name, number): `first.last42`. That
//! rendering is injective, so distinct indices give distinct addresses by construction. The
//! domain of address `k` is drawn from a Zipf-like distribution by a hash of `(seed, k)`.
//!
//! Indices `0..S` are the suppressed list; `S..S+clean` the never-suppressed candidates; the
//! next `invalid` indices are corrupted into invalid rows. Blocked candidates are suppressed
//! indices picked through a second permutation of `0..S` (distinct by construction). Rows are
//! shuffled, then ~30% get noise (upper-casing, spaces, tabs) that normalisation must undo.
//!
//! Everything is a function of the seed and the sizes: no clock, no OS randomness, no
//! dependence on thread scheduling (blocks are rendered in parallel and written in order).

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, bail, ensure};
use rayon::prelude::*;

use crate::names::{DOMAIN_HEAD, DOMAIN_TAIL, FIRST, LAST, TLDS, WEBMAIL};

/// Sizes and seed of a workload.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub suppressed: u64,
    pub candidates: u64,
    /// Share of candidates drawn from the suppressed list.
    pub blocked_share: f64,
    /// Share of candidates that are deliberately invalid.
    pub invalid_share: f64,
    /// Share of candidates with noise (case, spaces, tabs).
    pub noise_share: f64,
    pub domains: usize,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Self {
            suppressed: 10_000_000,
            candidates: 1_000_000,
            blocked_share: 0.05,
            invalid_share: 0.001,
            noise_share: 0.30,
            domains: 50_000,
            seed: 42,
        }
    }
}

/// What the generator drew: written to `expected.json` so a run can verify its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub suppressed: u64,
    pub candidates: u64,
    pub blocked: u64,
    pub invalid: u64,
    pub allowed: u64,
    pub noisy: u64,
}

// ----- hashing and permutations -----

/// SplitMix64's finaliser: a good 64-bit mixer.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of (seed, stream, k); streams keep independent uses of the seed apart.
fn h3(seed: u64, stream: u64, k: u64) -> u64 {
    mix64(mix64(seed ^ stream.wrapping_mul(0xD6E8_FEB8_6659_FD93)) ^ k)
}

const S_ADDR: u64 = 1;
const S_PICK: u64 = 2;
const S_DOMAIN: u64 = 3;
const S_COMPANY: u64 = 4;
const S_SHUFFLE: u64 = 5;
const S_NOISE: u64 = 6;

/// A small deterministic PRNG (SplitMix64 sequence).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (n > 0), by multiply-shift.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

/// A seeded bijection of `0..n`: a 4-round Feistel network on the next even power of two,
/// cycle-walked back into range.
#[derive(Debug, Clone)]
struct Perm {
    n: u64,
    half: u32,
    mask: u64,
    keys: [u64; 4],
}

impl Perm {
    fn new(n: u64, seed: u64, stream: u64) -> Self {
        let bits = (64 - n.saturating_sub(1).leading_zeros()).max(2);
        let bits = bits + (bits & 1);
        let half = bits / 2;
        let keys = std::array::from_fn(|i| h3(seed, stream, i as u64));
        Self {
            n,
            half,
            mask: (1u64 << half) - 1,
            keys,
        }
    }

    fn feistel(&self, x: u64) -> u64 {
        let (mut l, mut r) = (x >> self.half, x & self.mask);
        for k in self.keys {
            let nl = r;
            r = l ^ (mix64(r ^ k) & self.mask);
            l = nl;
        }
        (l << self.half) | r
    }

    fn apply(&self, x: u64) -> u64 {
        debug_assert!(x < self.n);
        let mut y = self.feistel(x);
        while y >= self.n {
            y = self.feistel(y);
        }
        y
    }
}

// ----- the plan: domains, index ranges, rendering -----

/// The data every row is rendered from.
pub struct Plan {
    spec: Spec,
    domains: Vec<String>,
    /// Cumulative probability of `domains[..=i]`.
    cumulative: Vec<f64>,
    addr: Perm,
    pick: Perm,
    pub counts: Counts,
}

const SEPARATORS: &[u8] = b"._-";

/// How the company tail's weights fall off: w(j) = 1 / (j + OFFSET)^EXPONENT.
const ZIPF_EXPONENT: f64 = 1.0;
const ZIPF_OFFSET: f64 = 20.0;

impl Plan {
    pub fn new(spec: Spec) -> anyhow::Result<Self> {
        ensure!(spec.suppressed > 0, "--suppressed must be at least 1");
        ensure!(
            (0.0..=1.0).contains(&spec.blocked_share),
            "--blocked-share must be between 0 and 1"
        );
        ensure!(spec.domains >= 1, "--domains must be at least 1");
        let blocked = (spec.candidates as f64 * spec.blocked_share).round() as u64;
        ensure!(
            blocked <= spec.suppressed,
            "{blocked} blocked candidates cannot be drawn from {} suppressed addresses",
            spec.suppressed
        );
        let invalid = ((spec.candidates as f64 * spec.invalid_share).round() as u64)
            .min(spec.candidates - blocked);
        let allowed = spec.candidates - blocked - invalid;
        let space = spec.suppressed + allowed + invalid;
        let combos = (FIRST.len() * LAST.len() * SEPARATORS.len()) as u64;
        ensure!(
            space / combos < 1_000_000_000,
            "too many addresses for the name lists"
        );

        let (domains, cumulative) = domain_table(spec.seed, spec.domains)?;
        Ok(Self {
            spec,
            domains,
            cumulative,
            addr: Perm::new(space, spec.seed, S_ADDR),
            pick: Perm::new(spec.suppressed, spec.seed, S_PICK),
            counts: Counts {
                suppressed: spec.suppressed,
                candidates: spec.candidates,
                blocked,
                invalid,
                allowed,
                noisy: 0,
            },
        })
    }

    /// The domain of address `k`.
    fn domain_of(&self, k: u64) -> &str {
        let u = (h3(self.spec.seed, S_DOMAIN, k) >> 11) as f64 / (1u64 << 53) as f64;
        let i = self
            .cumulative
            .partition_point(|c| *c <= u)
            .min(self.domains.len() - 1);
        &self.domains[i]
    }

    /// Appends the normalised address number `k` (`0..space`).
    fn render(&self, k: u64, out: &mut Vec<u8>) {
        let mut x = self.addr.apply(k);
        let first = FIRST[(x % FIRST.len() as u64) as usize];
        x /= FIRST.len() as u64;
        let last = LAST[(x % LAST.len() as u64) as usize];
        x /= LAST.len() as u64;
        let sep = SEPARATORS[(x % SEPARATORS.len() as u64) as usize];
        let n = x / SEPARATORS.len() as u64;
        out.extend_from_slice(first.as_bytes());
        out.push(sep);
        out.extend_from_slice(last.as_bytes());
        if n > 0 {
            push_u64(out, n);
        }
        out.push(b'@');
        out.extend_from_slice(self.domain_of(k).as_bytes());
    }

    /// The candidate rows in file order.
    fn rows(&self) -> Vec<Row> {
        let c = self.counts;
        let mut rows = Vec::with_capacity(c.candidates as usize);
        rows.extend((0..c.blocked).map(|i| Row::Blocked(self.pick.apply(i))));
        rows.extend((0..c.allowed).map(|i| Row::Allowed(c.suppressed + i)));
        rows.extend((0..c.invalid).map(|i| Row::Invalid(c.suppressed + c.allowed + i)));
        let mut rng = Rng(h3(self.spec.seed, S_SHUFFLE, 0));
        for i in (1..rows.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            rows.swap(i, j);
        }
        rows
    }

    /// Appends the raw (un-normalised) value of the candidate at `pos`; true when noisy.
    fn render_candidate(&self, pos: u64, row: Row, out: &mut Vec<u8>) -> bool {
        let start = out.len();
        let k = match row {
            Row::Blocked(k) | Row::Allowed(k) => k,
            Row::Invalid(k) => {
                self.render(k, out);
                corrupt(out, start, k);
                return false;
            }
        };
        self.render(k, out);
        let h = h3(self.spec.seed, S_NOISE, pos);
        if ((h & 0xFFFF) as f64) >= self.spec.noise_share * 65536.0 {
            return false;
        }
        let mut rng = Rng(h);
        let case = (h >> 16) % 4;
        let mut ws = (h >> 18) % 4;
        if case == 3 && ws == 0 {
            ws = 1 + rng.below(3);
        }
        let body = &mut out[start..];
        match case {
            // random letters
            0 => {
                let mut changed = false;
                for b in body.iter_mut() {
                    if b.is_ascii_lowercase() && rng.below(3) == 0 {
                        b.make_ascii_uppercase();
                        changed = true;
                    }
                }
                if !changed {
                    body.make_ascii_uppercase();
                }
            }
            // Title.Case@Domain.Com
            1 => {
                let mut up = true;
                for b in body.iter_mut() {
                    if up && b.is_ascii_lowercase() {
                        b.make_ascii_uppercase();
                    }
                    up = matches!(*b, b'.' | b'_' | b'-' | b'@');
                }
            }
            // ALL CAPS
            2 => body.make_ascii_uppercase(),
            _ => {}
        }
        const PADS: [&[u8]; 4] = [b" ", b"  ", b"\t", b" \t"];
        if ws & 1 != 0 {
            let pad = PADS[rng.below(4) as usize];
            out.splice(start..start, pad.iter().copied());
        }
        if ws & 2 != 0 {
            out.extend_from_slice(PADS[rng.below(4) as usize]);
        }
        true
    }
}

#[derive(Debug, Clone, Copy)]
enum Row {
    /// A suppressed address (its index).
    Blocked(u64),
    /// An address never suppressed.
    Allowed(u64),
    /// An unused address, corrupted.
    Invalid(u64),
}

/// Makes the address in `out[start..]` invalid in one of five ways.
fn corrupt(out: &mut Vec<u8>, start: usize, k: u64) {
    let Some(at) = out[start..]
        .iter()
        .position(|b| *b == b'@')
        .map(|p| start + p)
    else {
        return;
    };
    match k % 5 {
        0 => {
            out.remove(at); // no '@'
        }
        1 => out.insert(at, b'@'), // two '@'
        2 => {
            out.drain(start..at); // empty local part
        }
        3 => {
            // a space inside the local part
            if let Some(p) = out[start..at].iter().position(|b| SEPARATORS.contains(b)) {
                out[start + p] = b' ';
            } else {
                out.insert(at, b' ');
            }
        }
        _ => out.insert(start, b'.'), // leading dot
    }
}

fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// The domain list (webmail first, then generated company domains) and its cumulative
/// distribution: the webmail names with their fixed shares, the company tail Zipf-like.
fn domain_table(seed: u64, count: usize) -> anyhow::Result<(Vec<String>, Vec<f64>)> {
    let mut names: Vec<String> = Vec::with_capacity(count);
    let mut weights: Vec<f64> = Vec::with_capacity(count);
    for (d, share) in WEBMAIL.iter().take(count) {
        names.push((*d).to_string());
        weights.push(*share);
    }
    let webmail_share: f64 = weights.iter().sum();
    let tail = count - names.len();
    if tail > 0 {
        let mut seen: HashSet<String> = names.iter().cloned().collect();
        let tld_total: u64 = TLDS.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut company = Vec::with_capacity(tail);
        let mut j = 0u64;
        while company.len() < tail {
            ensure!(
                j < 100 * tail as u64 + 10_000,
                "cannot make {tail} distinct company domains from the word lists"
            );
            let h = h3(seed, S_COMPANY, j);
            j += 1;
            let head = DOMAIN_HEAD[(h % DOMAIN_HEAD.len() as u64) as usize];
            let tail_word = DOMAIN_TAIL[((h >> 16) % DOMAIN_TAIL.len() as u64) as usize];
            let hyphen = (h >> 32).is_multiple_of(8);
            let mut t = (h >> 40) % tld_total;
            let mut tld = TLDS[0].0;
            for (name, w) in TLDS {
                if t < u64::from(*w) {
                    tld = name;
                    break;
                }
                t -= u64::from(*w);
            }
            let name = format!("{head}{}{tail_word}.{tld}", if hyphen { "-" } else { "" });
            if seen.insert(name.clone()) {
                company.push(name);
            }
        }
        let raw: Vec<f64> = (0..tail)
            .map(|j| 1.0 / (j as f64 + ZIPF_OFFSET).powf(ZIPF_EXPONENT))
            .collect();
        let total: f64 = raw.iter().sum();
        let rest = if names.is_empty() {
            1.0
        } else {
            1.0 - webmail_share
        };
        names.extend(company);
        weights.extend(raw.iter().map(|w| w / total * rest));
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        bail!("the domain weights sum to zero");
    }
    let mut acc = 0.0;
    let cumulative = weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect();
    Ok((names, cumulative))
}

// ----- writing -----

/// Rows rendered per parallel task.
const BLOCK: u64 = 1 << 16;
/// Blocks rendered before they are written.
const WAVE: u64 = 64;

fn create(path: &Path) -> anyhow::Result<BufWriter<File>> {
    let f = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(BufWriter::with_capacity(1 << 20, f))
}

/// Writes `suppressed.txt`, `candidates.csv`, `values.txt` and `expected.json` into `dir`.
pub fn generate(spec: Spec, dir: &Path) -> anyhow::Result<Counts> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let plan = Plan::new(spec)?;

    // The suppressed list, normalised.
    let path = dir.join("suppressed.txt");
    let mut w = create(&path)?;
    let blocks = spec.suppressed.div_ceil(BLOCK);
    for wave in (0..blocks).step_by(WAVE as usize) {
        let bufs: Vec<Vec<u8>> = (wave..(wave + WAVE).min(blocks))
            .into_par_iter()
            .map(|b| {
                let mut out = Vec::with_capacity(BLOCK as usize * 32);
                for k in b * BLOCK..((b + 1) * BLOCK).min(spec.suppressed) {
                    plan.render(k, &mut out);
                    out.push(b'\n');
                }
                out
            })
            .collect();
        for b in bufs {
            w.write_all(&b)
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    w.flush()
        .with_context(|| format!("writing {}", path.display()))?;

    // The candidates: a CSV with a header, and the same values one per line.
    let rows = plan.rows();
    let csv_path = dir.join("candidates.csv");
    let values_path = dir.join("values.txt");
    let mut csv = create(&csv_path)?;
    let mut values = create(&values_path)?;
    csv.write_all(b"email\n")?;
    let mut noisy = 0u64;
    let chunks: Vec<(usize, &[Row])> = rows.chunks(BLOCK as usize).enumerate().collect();
    for wave in chunks.chunks(WAVE as usize) {
        let bufs: Vec<(Vec<u8>, Vec<u8>, u64)> = wave
            .par_iter()
            .map(|(ci, chunk)| {
                let mut csv = Vec::with_capacity(chunk.len() * 36);
                let mut vals = Vec::with_capacity(chunk.len() * 34);
                let mut noisy = 0;
                let mut v = Vec::with_capacity(128);
                for (i, row) in chunk.iter().enumerate() {
                    v.clear();
                    let pos = (*ci * BLOCK as usize + i) as u64;
                    noisy += u64::from(plan.render_candidate(pos, *row, &mut v));
                    vals.extend_from_slice(&v);
                    vals.push(b'\n');
                    // Quote values with surrounding white space, as spreadsheet exports do.
                    let quote = v.first().is_some_and(u8::is_ascii_whitespace)
                        || v.last().is_some_and(u8::is_ascii_whitespace);
                    if quote {
                        csv.push(b'"');
                    }
                    csv.extend_from_slice(&v);
                    if quote {
                        csv.push(b'"');
                    }
                    csv.push(b'\n');
                }
                (csv, vals, noisy)
            })
            .collect();
        for (c, v, n) in bufs {
            csv.write_all(&c)
                .with_context(|| format!("writing {}", csv_path.display()))?;
            values
                .write_all(&v)
                .with_context(|| format!("writing {}", values_path.display()))?;
            noisy += n;
        }
    }
    csv.flush()
        .with_context(|| format!("writing {}", csv_path.display()))?;
    values
        .flush()
        .with_context(|| format!("writing {}", values_path.display()))?;

    let counts = Counts {
        noisy,
        ..plan.counts
    };
    let expected = serde_json::json!({
        "seed": spec.seed,
        "domains": spec.domains,
        "suppressed": counts.suppressed,
        "candidates": counts.candidates,
        "blocked": counts.blocked,
        "invalid": counts.invalid,
        "allowed": counts.allowed,
        "noisy": counts.noisy,
        "blocked_share": spec.blocked_share,
    });
    let exp_path = dir.join("expected.json");
    std::fs::write(&exp_path, format!("{expected:#}\n"))
        .with_context(|| format!("writing {}", exp_path.display()))?;
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};
    use veto_domain::email::EmailAddress;

    fn small(seed: u64) -> Spec {
        Spec {
            suppressed: 40_000,
            candidates: 20_000,
            domains: 2_000,
            seed,
            ..Spec::default()
        }
    }

    fn files(dir: &Path) -> Vec<Vec<u8>> {
        [
            "suppressed.txt",
            "candidates.csv",
            "values.txt",
            "expected.json",
        ]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect()
    }

    #[test]
    fn permutation_is_a_bijection() {
        for n in [1u64, 2, 3, 17, 1000, 4097] {
            let p = Perm::new(n, 7, 1);
            let set: HashSet<u64> = (0..n).map(|x| p.apply(x)).collect();
            assert_eq!(set.len() as u64, n);
            assert!(set.iter().all(|x| *x < n));
        }
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        generate(small(42), a.path()).unwrap();
        generate(small(42), b.path()).unwrap();
        generate(small(43), c.path()).unwrap();
        let (fa, fb, fc) = (files(a.path()), files(b.path()), files(c.path()));
        assert!(fa == fb, "same seed must give byte-identical files");
        assert_ne!(fa[0], fc[0]);
        assert_ne!(fa[1], fc[1]);
    }

    #[test]
    fn blocked_share_invalid_rows_noise_and_uniqueness() {
        let dir = tempfile::tempdir().unwrap();
        let spec = small(42);
        let counts = generate(spec, dir.path()).unwrap();
        assert_eq!(counts.blocked, 1_000);
        assert_eq!(counts.invalid, 20);

        let suppressed = std::fs::read_to_string(dir.path().join("suppressed.txt")).unwrap();
        let mut set = HashSet::new();
        let mut per_domain: HashMap<String, u64> = HashMap::new();
        for l in suppressed.lines() {
            let e = EmailAddress::parse(l).unwrap_or_else(|e| panic!("{l:?}: {e}"));
            assert_eq!(e.as_str(), l, "the suppressed list is normalised");
            *per_domain.entry(e.domain().to_string()).or_default() += 1;
            assert!(set.insert(l.to_string()), "duplicate {l}");
        }
        assert_eq!(set.len() as u64, spec.suppressed);
        // Skew: gmail.com leads with about 22%, and the long tail is populated.
        let gmail = per_domain["gmail.com"] as f64 / spec.suppressed as f64;
        assert!((0.2..0.24).contains(&gmail), "{gmail}");
        assert!(per_domain.len() > 1_000, "{}", per_domain.len());

        let values = std::fs::read_to_string(dir.path().join("values.txt")).unwrap();
        let (mut blocked, mut invalid, mut allowed, mut noisy) = (0u64, 0u64, 0u64, 0u64);
        let mut seen = HashSet::new();
        for v in values.lines() {
            if v != v.trim() || v.bytes().any(|b| b.is_ascii_uppercase()) {
                noisy += 1;
            }
            match EmailAddress::parse(v) {
                Ok(e) if set.contains(e.as_str()) => blocked += 1,
                Ok(e) => {
                    allowed += 1;
                    assert!(seen.insert(e.to_string()), "duplicate candidate {e}");
                }
                Err(_) => invalid += 1,
            }
        }
        assert_eq!(
            (blocked, invalid, allowed),
            (counts.blocked, counts.invalid, counts.allowed)
        );
        let share = blocked as f64 / spec.candidates as f64;
        assert!((share - 0.05).abs() < 1e-9, "{share}");
        assert_eq!(noisy, counts.noisy);
        let noise = noisy as f64 / spec.candidates as f64;
        assert!((0.27..0.33).contains(&noise), "{noise}");

        // The CSV holds the same values (quoted when padded) under an `email` header.
        let csv = std::fs::read_to_string(dir.path().join("candidates.csv")).unwrap();
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("email"));
        for (c, v) in lines.zip(values.lines()) {
            let unq = c
                .strip_prefix('"')
                .and_then(|c| c.strip_suffix('"'))
                .unwrap_or(c);
            assert_eq!(unq, v);
        }
    }
}
