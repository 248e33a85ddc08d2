//! A large migration's entries, partitioned by identifier hash and spilled to temporary
//! files, so that the store receives them in hash order across the whole file.
//!
//! Both stores keep suppressions in force in a unique index keyed on the identifier hash, and
//! hashes are uniformly random. Written chunk by chunk in file order, every chunk lands all
//! over that index and each write transaction rewrites most of its pages; written bucket by
//! bucket (bucket `b` holds the hashes whose leading bits fall in the `b`-th slice of the key
//! space), each transaction fills one contiguous slice and every index page is written about
//! once. The partition needs one pass over the file and no merge: the buckets are already in
//! key order and each is sorted in memory.
//!
//! The spill format is private to one import and lives in anonymous temporary files that
//! vanish with the process; it is hand-written because it only has to carry a `NewEntry`'s
//! per-row fields between two points of the same binary (the import's tenant and actor are
//! the same for every row and are not stored).

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use veto_domain::actor::Actor;
use veto_domain::id::{EntryId, TenantId};
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::keyed_hash::IdentHash;
use veto_domain::suppression::{Channel, NewEntry, Purposes, Reason, SourceChannel};
use veto_domain::{from_micros, to_micros};

/// What every entry of one import shares.
#[derive(Debug, Clone)]
pub struct Template {
    pub tenant_id: TenantId,
    pub created_by: Actor,
}

/// Entries being partitioned.
pub struct Buckets {
    files: Vec<BufWriter<File>>,
    counts: Vec<u64>,
}

/// One partition, ready to be read back.
pub struct Bucket {
    file: File,
    count: u64,
}

impl Buckets {
    /// `n` buckets (at least one), each in its own temporary file.
    pub fn new(n: usize) -> io::Result<Self> {
        let n = n.max(1);
        let mut files = Vec::with_capacity(n);
        for _ in 0..n {
            files.push(BufWriter::with_capacity(256 << 10, tempfile::tempfile()?));
        }
        Ok(Self {
            files,
            counts: vec![0; n],
        })
    }

    /// The bucket of a hash: its leading 32 bits scaled to the bucket count, so bucket order
    /// is hash order.
    pub fn bucket_of(hash: &IdentHash, n: usize) -> usize {
        let lead = u32::from_be_bytes([hash.0[0], hash.0[1], hash.0[2], hash.0[3]]);
        ((u64::from(lead) * n as u64) >> 32) as usize
    }

    pub fn push(&mut self, e: &NewEntry) -> io::Result<()> {
        let b = Self::bucket_of(&e.ident_hash, self.files.len());
        encode(&mut self.files[b], e)?;
        self.counts[b] += 1;
        Ok(())
    }

    /// Flushes the files and hands back the buckets in hash order.
    pub fn finish(self) -> io::Result<Vec<Bucket>> {
        let mut out = Vec::with_capacity(self.files.len());
        for (w, count) in self.files.into_iter().zip(self.counts) {
            let mut file = w.into_inner().map_err(|e| e.into_error())?;
            file.seek(SeekFrom::Start(0))?;
            out.push(Bucket { file, count });
        }
        Ok(out)
    }
}

impl Bucket {
    /// The bucket's entries, sorted by hash, with fresh ids in that order: ids are UUIDv7,
    /// so the id index, too, grows at its end.
    pub fn read(self, template: &Template) -> io::Result<Vec<NewEntry>> {
        let mut r = BufReader::with_capacity(256 << 10, self.file);
        let mut out = Vec::with_capacity(usize::try_from(self.count).unwrap_or(0));
        for _ in 0..self.count {
            out.push(decode(&mut r, template)?);
        }
        sort_and_number(&mut out);
        Ok(out)
    }
}

/// Sorts entries by hash and gives them ids in that order.
pub fn sort_and_number(entries: &mut [NewEntry]) {
    entries.sort_unstable_by_key(|e| e.ident_hash.0);
    for e in entries {
        e.id = EntryId::new();
    }
}

fn put_u8(w: &mut impl Write, v: u8) -> io::Result<()> {
    w.write_all(&[v])
}

fn put_i64(w: &mut impl Write, v: i64) -> io::Result<()> {
    w.write_all(&v.to_le_bytes())
}

fn put_str(w: &mut impl Write, s: &str) -> io::Result<()> {
    let len = u32::try_from(s.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "value too long"))?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(s.as_bytes())
}

fn encode(w: &mut impl Write, e: &NewEntry) -> io::Result<()> {
    w.write_all(&e.ident_hash.0)?;
    put_str(w, e.kind.as_str())?;
    match &e.identifier {
        Some(id) => {
            put_u8(w, 1)?;
            put_str(w, id.value())?;
        }
        None => put_u8(w, 0)?,
    }
    put_u8(w, u8::from(e.include_subdomains))?;
    put_u8(w, u8::from(e.role_account))?;
    put_str(w, e.channel.as_str())?;
    put_u8(w, e.purposes.bits())?;
    put_str(w, e.reason.as_str())?;
    put_str(w, e.source.as_str())?;
    match &e.evidence {
        Some(ev) => {
            put_u8(w, 1)?;
            put_str(w, ev)?;
        }
        None => put_u8(w, 0)?,
    }
    put_i64(w, to_micros(e.created_at))?;
    put_i64(w, to_micros(e.valid_from))?;
    match e.expires_at {
        Some(t) => {
            put_u8(w, 1)?;
            put_i64(w, to_micros(t))?;
        }
        None => put_u8(w, 0)?,
    }
    Ok(())
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("migration spill file: bad {what}"),
    )
}

fn get_u8(r: &mut impl Read) -> io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

fn get_i64(r: &mut impl Read) -> io::Result<i64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(i64::from_le_bytes(b))
}

fn get_str(r: &mut impl Read) -> io::Result<String> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    let mut s = vec![0u8; u32::from_le_bytes(b) as usize];
    r.read_exact(&mut s)?;
    String::from_utf8(s).map_err(|_| corrupt("text"))
}

fn decode(r: &mut impl Read, t: &Template) -> io::Result<NewEntry> {
    let mut hash = [0u8; 32];
    r.read_exact(&mut hash)?;
    let ident_hash = IdentHash::from_slice(&hash).ok_or_else(|| corrupt("hash"))?;
    let kind = IdentifierKind::parse(&get_str(r)?).ok_or_else(|| corrupt("kind"))?;
    let identifier = match get_u8(r)? {
        0 => None,
        _ => Some(Identifier::parse(kind, &get_str(r)?).map_err(|_| corrupt("identifier"))?),
    };
    let include_subdomains = get_u8(r)? != 0;
    let role_account = get_u8(r)? != 0;
    let channel = Channel::parse(&get_str(r)?).ok_or_else(|| corrupt("channel"))?;
    let purposes = Purposes::from_bits(get_u8(r)?).ok_or_else(|| corrupt("purposes"))?;
    let reason = Reason::parse(&get_str(r)?).ok_or_else(|| corrupt("reason"))?;
    let source = SourceChannel::parse(&get_str(r)?).ok_or_else(|| corrupt("source"))?;
    let evidence = match get_u8(r)? {
        0 => None,
        _ => Some(get_str(r)?),
    };
    let created_at = from_micros(get_i64(r)?);
    let valid_from = from_micros(get_i64(r)?);
    let expires_at = match get_u8(r)? {
        0 => None,
        _ => Some(from_micros(get_i64(r)?)),
    };
    Ok(NewEntry {
        // Given by `sort_and_number` once the bucket is sorted.
        id: EntryId(uuid::Uuid::nil()),
        tenant_id: t.tenant_id,
        kind,
        identifier,
        ident_hash,
        include_subdomains,
        channel,
        purposes,
        reason,
        source,
        evidence,
        role_account,
        created_by: t.created_by.clone(),
        created_at,
        valid_from,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use veto_domain::keyed_hash::{IdentifierHasher, TenantSecret};

    fn entry(hasher: &IdentifierHasher, tenant: TenantId, addr: &str, i: i64) -> NewEntry {
        let id = Identifier::parse(IdentifierKind::Email, addr).unwrap();
        NewEntry {
            id: EntryId::new(),
            tenant_id: tenant,
            kind: IdentifierKind::Email,
            ident_hash: hasher.hash(&id),
            identifier: if i % 3 == 0 { None } else { Some(id) },
            include_subdomains: i % 2 == 0,
            channel: Channel::ALL[i as usize % Channel::ALL.len()],
            purposes: Purposes::from_bits(1).unwrap(),
            reason: Reason::ALL[i as usize % Reason::ALL.len()],
            source: SourceChannel::ALL[i as usize % SourceChannel::ALL.len()],
            evidence: (i % 4 != 0).then(|| format!("line {i} ✓")),
            role_account: i % 5 == 0,
            created_by: Actor::system("test"),
            created_at: from_micros(1_600_000_000_000_000 + i),
            valid_from: from_micros(1_500_000_000_000_000 - i),
            expires_at: (i % 2 == 1).then(|| from_micros(1_900_000_000_000_000 + i)),
        }
    }

    #[test]
    fn buckets_come_back_in_hash_order_with_every_field() {
        let tenant = TenantId::new();
        let hasher = IdentifierHasher::new(&TenantSecret([7u8; 32]));
        let template = Template {
            tenant_id: tenant,
            created_by: Actor::system("test"),
        };
        let input: Vec<NewEntry> = (0..2000)
            .map(|i| entry(&hasher, tenant, &format!("p{i}@example.com"), i))
            .collect();
        let mut buckets = Buckets::new(7).unwrap();
        for e in &input {
            buckets.push(e).unwrap();
        }
        let mut out = Vec::new();
        for b in buckets.finish().unwrap() {
            out.extend(b.read(&template).unwrap());
        }
        assert_eq!(out.len(), input.len());
        assert!(
            out.windows(2)
                .all(|w| w[0].ident_hash.0 <= w[1].ident_hash.0)
        );
        assert!(
            out.windows(2).all(|w| w[0].id < w[1].id),
            "ids follow hash order"
        );
        let mut expected = input.clone();
        expected.sort_by_key(|e| e.ident_hash.0);
        for (a, b) in out.iter().zip(&expected) {
            assert_eq!(
                NewEntry {
                    id: b.id,
                    ..a.clone()
                },
                *b
            );
        }
    }

    #[test]
    fn bucket_of_spans_the_range() {
        let lo = IdentHash::from_slice(&[0u8; 32]).unwrap();
        let hi = IdentHash::from_slice(&[0xffu8; 32]).unwrap();
        assert_eq!(Buckets::bucket_of(&lo, 10), 0);
        assert_eq!(Buckets::bucket_of(&hi, 10), 9);
        assert_eq!(Buckets::bucket_of(&hi, 1), 0);
    }
}
