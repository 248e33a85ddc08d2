//! Bulk inserts of suppression entries (imports, migrations) by binary `COPY`.
//!
//! The caller holds the feed lock, which every writer of `entries` takes: entries in force
//! cannot change under it, and row ids can be handed out as one block. Rows that would break
//! the one-in-force rule (`entries_active_unique`) are left out first — those already in force
//! and repeats within the batch — so the `COPY` itself never meets a conflict.

use std::collections::HashMap;
use std::fmt::Write;

use sqlx::PgConnection;
use veto_domain::id::TenantId;
use veto_domain::suppression::NewEntry;
use veto_store::StoreResult;

use crate::copy::BinaryCopy;
use crate::rows;
use crate::tx::db;

/// The rest of an `entries_active_unique` key once its hash is known: kind, channel,
/// purposes and whether subdomains are included.
type InForceScope = (String, String, i16, bool);

/// An entry's scope in its `entries_active_unique` key, as the columns hold it.
fn scope(e: &NewEntry) -> (&str, &str, i16, bool) {
    (
        e.kind.as_str(),
        e.channel.as_str(),
        i16::from(e.purposes.bits()),
        e.include_subdomains,
    )
}

/// Same key: repeats are found among neighbours once entries are sorted by hash.
fn same_active_key(a: &NewEntry, b: &NewEntry) -> bool {
    a.ident_hash == b.ident_hash && scope(a) == scope(b)
}

/// The entries that would be new in force, in hash order: `entries` without those whose key
/// is already in force for the tenant and without later repeats of a key within the batch.
pub(crate) async fn not_in_force(
    conn: &mut PgConnection,
    tenant: TenantId,
    mut entries: Vec<NewEntry>,
) -> StoreResult<Vec<NewEntry>> {
    // In hash order, consecutive inserts into the in-force index (keyed on random hashes)
    // touch neighbouring pages, and repeats are neighbours. A stable sort: of repeats in the
    // batch the first stays.
    entries.sort_by_key(|e| e.ident_hash.0);
    // Repeats within the batch: the first of each key stays, as with ON CONFLICT DO NOTHING.
    let mut kept: Vec<NewEntry> = Vec::with_capacity(entries.len());
    for e in entries {
        let run_start = kept
            .iter()
            .rposition(|k| k.ident_hash != e.ident_hash)
            .map_or(0, |i| i + 1);
        if kept[run_start..].iter().any(|k| same_active_key(k, &e)) {
            continue;
        }
        kept.push(e);
    }
    let (Some(lo), Some(hi)) = (kept.first(), kept.last()) else {
        return Ok(kept);
    };
    // One probe of the in-force index: a tenant's first migration (or a bucket of its hash
    // range it has nothing in yet) needs no per-row lookup at all.
    let any: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM entries WHERE tenant_id = $1 AND ended_at IS NULL \
         AND ident_hash >= $2 AND ident_hash <= $3)",
    )
    .bind(tenant.0)
    .bind(lo.ident_hash.0.as_slice())
    .bind(hi.ident_hash.0.as_slice())
    .fetch_one(&mut *conn)
    .await
    .map_err(db)?;
    if !any {
        return Ok(kept);
    }
    let hashes: Vec<&[u8]> = kept.iter().map(|e| e.ident_hash.0.as_slice()).collect();
    let found = sqlx::query(
        "SELECT ident_hash, kind, channel, purposes, include_subdomains FROM entries \
         WHERE tenant_id = $1 AND ended_at IS NULL AND ident_hash = ANY($2::bytea[])",
    )
    .bind(tenant.0)
    .bind(hashes)
    .fetch_all(&mut *conn)
    .await
    .map_err(db)?;
    // The rest of each in-force key by hash, compared without allocating per entry.
    let mut in_force: HashMap<[u8; 32], Vec<InForceScope>> = HashMap::with_capacity(found.len());
    for row in &found {
        let hash: Vec<u8> = rows::get(row, "ident_hash")?;
        let Ok(hash) = <[u8; 32]>::try_from(hash.as_slice()) else {
            continue; // not a key a new entry can have
        };
        in_force.entry(hash).or_default().push((
            rows::get(row, "kind")?,
            rows::get(row, "channel")?,
            rows::get(row, "purposes")?,
            rows::get(row, "include_subdomains")?,
        ));
    }
    drop(found);
    kept.retain(|e| {
        !in_force.get(&e.ident_hash.0).is_some_and(|keys| {
            keys.iter().any(|(kind, channel, purposes, subdomains)| {
                (kind.as_str(), channel.as_str(), *purposes, *subdomains) == scope(e)
            })
        })
    });
    Ok(kept)
}

/// Writes `entries` (all new in force) with one block of row ids in their order; returns the
/// first and last row id, `None` when there was nothing to write.
pub(crate) async fn copy(
    conn: &mut PgConnection,
    tenant: TenantId,
    entries: &[NewEntry],
) -> StoreResult<(Option<i64>, Option<i64>)> {
    if entries.is_empty() {
        return Ok((None, None));
    }
    let n = i64::try_from(entries.len()).unwrap_or(i64::MAX);
    // The block: under the feed lock nobody else draws from the sequence.
    let first: i64 =
        sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('entries', 'row_id'))")
            .fetch_one(&mut *conn)
            .await
            .map_err(db)?;
    sqlx::query("SELECT setval(pg_get_serial_sequence('entries', 'row_id'), $1)")
        .bind(first + n - 1)
        .execute(&mut *conn)
        .await
        .map_err(db)?;
    let mut copy = BinaryCopy::start(
        conn,
        "COPY entries (row_id, id, tenant_id, kind, identifier, ident_hash, ident_short, \
         include_subdomains, channel, purposes, reason, source, evidence, role_account, \
         created_by, created_at, valid_from, expires_at) FROM STDIN (FORMAT binary)",
    )
    .await?;
    let mut actor = String::new();
    for (row_id, e) in (first..).zip(entries) {
        copy.row(18);
        copy.i64(row_id);
        copy.uuid(&e.id.0);
        copy.uuid(&tenant.0);
        copy.text(e.kind.as_str())?;
        copy.opt_text(e.identifier.as_ref().map(|i| i.value()))?;
        copy.bytes(&e.ident_hash.0)?;
        copy.i64(e.ident_hash.short_i64());
        copy.bool(e.include_subdomains);
        copy.text(e.channel.as_str())?;
        copy.i16(i16::from(e.purposes.bits()));
        copy.text(e.reason.as_str())?;
        copy.text(e.source.as_str())?;
        copy.opt_text(e.evidence.as_deref())?;
        copy.bool(e.role_account);
        actor.clear();
        let _ = write!(actor, "{}", e.created_by);
        copy.text(&actor)?;
        copy.i64(veto_domain::to_micros(e.created_at));
        copy.i64(veto_domain::to_micros(e.valid_from));
        copy.opt_i64(e.expires_at.map(veto_domain::to_micros));
        copy.flush_if_full().await?;
    }
    copy.finish().await?;
    Ok((Some(first), Some(first + n - 1)))
}
