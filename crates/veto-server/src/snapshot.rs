//! Node-local snapshots of the check index, so a restart does not re-read every entry.
//!
//! A snapshot holds every tenant's index as of one change-feed position, plus that change's
//! contents as a fingerprint, and ends with a SHA-256 of all that precedes it. On start a
//! snapshot is used only if its checksum verifies, its position is not past the store's feed,
//! and the store's change at that position is the one fingerprinted (so a snapshot of another
//! database, or of a restored one, is refused); the feed since then is replayed on top. Files
//! are written to a temporary name and renamed, so a crash never leaves a torn snapshot.
//! The format is ours because it is a memory image of our own index, not an interchange format.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use uuid::Uuid;
use veto_domain::id::TenantId;
use veto_store::Change;

use crate::index::TenantIndex;

const MAGIC: &[u8; 8] = b"VETOIDX1";

/// What identifies a feed position: the change at that position.
pub fn fingerprint(c: Option<&Change>) -> [u8; 34] {
    let mut f = [0u8; 34];
    if let Some(c) = c {
        let (op, a, b) = c.op.encode();
        f[0..16].copy_from_slice(c.tenant_id.0.as_bytes());
        f[16..18].copy_from_slice(&op.to_le_bytes());
        f[18..26].copy_from_slice(&a.to_le_bytes());
        f[26..34].copy_from_slice(&b.to_le_bytes());
    }
    f
}

/// A loaded snapshot.
pub struct Snapshot {
    pub seq: i64,
    pub fingerprint: [u8; 34],
    pub tenants: Vec<(TenantId, TenantIndex)>,
}

struct HashingWriter<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

struct HashingReader<R: Read> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// Writes a snapshot of `tenants` at feed position `seq`.
pub fn write(
    path: &Path,
    seq: i64,
    fp: [u8; 34],
    tenants: &[(TenantId, &TenantIndex)],
) -> std::io::Result<u64> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp: PathBuf = path.with_extension(format!("tmp-{}", std::process::id()));
    let file = File::create(&tmp)?;
    let mut w = HashingWriter {
        inner: BufWriter::with_capacity(1 << 20, file),
        hash: Sha256::new(),
    };
    w.write_all(MAGIC)?;
    w.write_all(&seq.to_le_bytes())?;
    w.write_all(&fp)?;
    w.write_all(&(tenants.len() as u32).to_le_bytes())?;
    let mut total = 0;
    for (id, ix) in tenants {
        w.write_all(id.0.as_bytes())?;
        w.write_all(&(ix.len() as u64).to_le_bytes())?;
        total += ix.write_slots(&mut w)?;
    }
    let digest = w.hash.finalize();
    let mut inner = w.inner;
    inner.write_all(&digest)?;
    let file = inner.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    Ok(total)
}

/// Reads and verifies a snapshot; `Ok(None)` when there is no file.
pub fn read(path: &Path) -> std::io::Result<Option<Snapshot>> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    // Counts are read before the checksum can be verified: a damaged count must fail here,
    // not make the node reserve memory for slots the file cannot hold.
    let file_len = file.metadata()?.len();
    let mut r = HashingReader {
        inner: BufReader::with_capacity(1 << 20, file),
        hash: Sha256::new(),
    };
    let mut magic = [0u8; 8];
    r.read_exact(&mut magic)?;
    if &magic != MAGIC {
        return Err(std::io::Error::other("not a Veto index snapshot"));
    }
    let mut b8 = [0u8; 8];
    r.read_exact(&mut b8)?;
    let seq = i64::from_le_bytes(b8);
    let mut fingerprint = [0u8; 34];
    r.read_exact(&mut fingerprint)?;
    let mut b4 = [0u8; 4];
    r.read_exact(&mut b4)?;
    let n = u32::from_le_bytes(b4);
    if u64::from(n) * 24 > file_len {
        return Err(std::io::Error::other(
            "tenant count larger than the file (a damaged snapshot)",
        ));
    }
    let mut tenants = Vec::new();
    for _ in 0..n {
        let mut id = [0u8; 16];
        r.read_exact(&mut id)?;
        r.read_exact(&mut b8)?;
        let count = u64::from_le_bytes(b8);
        if count.saturating_mul(crate::index::SNAPSHOT_SLOT_BYTES as u64) > file_len {
            return Err(std::io::Error::other(
                "slot count larger than the file (a damaged snapshot)",
            ));
        }
        let ix = TenantIndex::read_slots(&mut r, count)?;
        tenants.push((TenantId(Uuid::from_bytes(id)), ix));
    }
    let computed = r.hash.finalize();
    let mut stored = [0u8; 32];
    r.inner.read_exact(&mut stored)?;
    if computed.as_slice() != stored {
        return Err(std::io::Error::other(
            "checksum mismatch (a damaged snapshot)",
        ));
    }
    Ok(Some(Snapshot {
        seq,
        fingerprint,
        tenants,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_count_is_refused_before_any_allocation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.snapshot");
        let ix = TenantIndex::default();
        write(&path, 0, [0; 34], &[(TenantId::new(), &ix)]).unwrap();
        assert_eq!(read(&path).unwrap().unwrap().tenants.len(), 1);
        // The slot count sits after magic, seq, fingerprint, tenant count and tenant id.
        let mut b = std::fs::read(&path).unwrap();
        let at = 8 + 8 + 34 + 4 + 16;
        b[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        std::fs::write(&path, &b).unwrap();
        let e = read(&path).err().unwrap();
        assert!(e.to_string().contains("damaged"), "{e}");
        assert!(read(&dir.path().join("none")).unwrap().is_none());
    }
}
