//! Contacts and the lead-import transaction.
//!
//! A lead import is one `BEGIN IMMEDIATE` transaction on the writer connection, held from
//! [`begin`] to [`LeadImportTx::commit`]: other writers queue behind it, readers keep reading
//! the last committed state. Contacts and their addresses go in as multi-row statements (see
//! [`crate::batch`]); suppressions and audit events are written as they come, through the same
//! helpers every other write uses, and the `Added` change covering the new entries is appended
//! at commit.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use async_trait::async_trait;
use sqlx::sqlite::SqliteConnection;
use sqlx::{QueryBuilder, Sqlite};
use uuid::Uuid;
use veto_domain::audit::AuditDraft;
use veto_domain::contact::Contact;
use veto_domain::id::{ContactId, TenantId};
use veto_domain::import::ImportRecord;
use veto_domain::keyed_hash::IdentHash;
use veto_domain::suppression::{Entry, NewEntry};
use veto_store::events;
use veto_store::{AddOutcome, ChangeOp, LeadImportTx, Page, PageRequest, StoreError, StoreResult};

use crate::SqliteStore;
use crate::batch::{Batched, Q};
use crate::decode::{self, contact_cols, entry_cols, json_col, to_json};
use crate::imports::{insert_chunk, insert_import, move_report};
use crate::store::{
    ENTRY_PARAMS, INSERT_ENTRY_HEAD, LIST_CHUNK, Tx, actor_value, append_change, append_events,
    bind_entry, blob, db_err, end_expired, entries_of, hex_list, limit_of, page, us,
};

const CONTACT_HEAD: &str = concat!("INSERT INTO contacts (", contact_cols!(), ") VALUES ");
const CONTACT_ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static INSERT_CONTACTS: LazyLock<Batched> =
    LazyLock::new(|| Batched::new_or_ignore(CONTACT_HEAD, CONTACT_ROW, 15, ""));

/// Replaces whole rows of contacts known to exist.
static REPLACE_CONTACTS: LazyLock<Batched> = LazyLock::new(|| {
    Batched::new(
        CONTACT_HEAD,
        CONTACT_ROW,
        15,
        " ON CONFLICT (tenant_id, id) DO UPDATE SET emails = excluded.emails, phone = excluded.phone, \
         name = excluded.name, company_id = excluded.company_id, company_name = excluded.company_name, \
         owner = excluded.owner, source_id = excluded.source_id, custom = excluded.custom, \
         created_at = excluded.created_at, created_by = excluded.created_by, \
         updated_at = excluded.updated_at, updated_by = excluded.updated_by, \
         last_import = excluded.last_import",
    )
});

/// An address already owned is skipped here and reported as a conflict by the caller.
static INSERT_ADDRESSES: LazyLock<Batched> = LazyLock::new(|| {
    Batched::new_or_ignore(
        "INSERT INTO contact_emails (tenant_id, email, contact_id) VALUES ",
        "(?, ?, ?)",
        3,
        "",
    )
});

static INSERT_ENTRIES: LazyLock<Batched> = LazyLock::new(|| {
    Batched::new_or_ignore(INSERT_ENTRY_HEAD, ENTRY_PARAMS, 17, " RETURNING row_id")
});

/// A contact's row, ready to bind (JSON columns serialised once, before any statement).
struct ContactRow<'a> {
    c: &'a Contact,
    emails: String,
    custom: String,
}

impl<'a> ContactRow<'a> {
    fn of(c: &'a Contact) -> StoreResult<Self> {
        Ok(Self {
            c,
            emails: to_json!(&c.emails, "contact addresses")?,
            custom: to_json!(&c.custom, "contact fields")?,
        })
    }

    fn bind(&self, q: Q) -> Q {
        let c = self.c;
        q.bind(blob(c.tenant_id.0))
            .bind(blob(c.id.0))
            .bind(self.emails.clone())
            .bind(c.phone.clone())
            .bind(c.name.clone())
            .bind(c.company_id.clone())
            .bind(c.company_name.clone())
            .bind(c.owner.clone())
            .bind(c.source_id.clone())
            .bind(self.custom.clone())
            .bind(us(c.created_at))
            .bind(actor_value(&c.created_by))
            .bind(us(c.updated_at))
            .bind(actor_value(&c.updated_by))
            .bind(c.last_import.map(|i| blob(i.0)))
    }
}

/// A JSON array of strings, for `IN (SELECT value FROM json_each(?))`.
fn text_list(items: &[impl AsRef<str>]) -> StoreResult<String> {
    let v: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    to_json!(&v, "a list of values")
}

/// A JSON array of ids in hex, for `IN (SELECT unhex(value) FROM json_each(?))`.
fn id_list(ids: &[Uuid]) -> StoreResult<String> {
    let v: Vec<String> = ids.iter().map(|u| u.simple().to_string()).collect();
    to_json!(&v, "a list of ids")
}

/// Which suppression an entry is: at most one entry of it is in force.
type SuppressionKey = ([u8; 32], &'static str, &'static str, u8, bool);

fn key_of(e: &Entry) -> SuppressionKey {
    (
        e.ident_hash.0,
        e.kind.as_str(),
        e.channel.as_str(),
        e.purposes.bits(),
        e.include_subdomains,
    )
}

fn new_key_of(e: &NewEntry) -> SuppressionKey {
    (
        e.ident_hash.0,
        e.kind.as_str(),
        e.channel.as_str(),
        e.purposes.bits(),
        e.include_subdomains,
    )
}

/// The contacts of `tenant` holding one of `emails`, each with the address that found it.
async fn by_emails(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    emails: &[String],
) -> StoreResult<Vec<(String, Contact)>> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query(concat!(
        "SELECT m.matched, ",
        contact_cols!(),
        " FROM (SELECT email AS matched, contact_id FROM contact_emails \
                WHERE tenant_id = ?1 AND email IN (SELECT value FROM json_each(?2))) AS m \
         JOIN contacts ON contacts.tenant_id = ?1 AND contacts.id = m.contact_id"
    ))
    .bind(blob(tenant.0))
    .bind(text_list(emails)?)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            let matched = decode::Cols::new(row, "contact_emails").text("matched")?;
            Ok((matched, decode::contact(row)?))
        })
        .collect()
}

/// Writes contacts inside the caller's transaction (see [`LeadImportTx::write_contacts`]).
async fn write(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    created: &[Contact],
    updated: &[Contact],
) -> StoreResult<()> {
    let mut given: HashSet<&str> = HashSet::new();
    for c in created.iter().chain(updated) {
        if c.tenant_id != tenant {
            return Err(StoreError::Other(format!(
                "contact {} belongs to another tenant",
                c.id
            )));
        }
        for e in &c.emails {
            if !given.insert(e.as_str()) {
                return Err(StoreError::Conflict(format!(
                    "the address {e} is given to more than one contact"
                )));
            }
        }
    }

    // The addresses each contact gains: all of a new contact's, the new ones of an update.
    let mut claims: Vec<(&str, ContactId)> = created
        .iter()
        .flat_map(|c| c.emails.iter().map(move |e| (e.as_str(), c.id)))
        .collect();
    if !updated.is_empty() {
        let mut stored: HashMap<Uuid, Vec<String>> = HashMap::with_capacity(updated.len());
        let ids: Vec<Uuid> = updated.iter().map(|c| c.id.0).collect();
        for chunk in ids.chunks(LIST_CHUNK) {
            let rows = sqlx::query(
                "SELECT id, emails FROM contacts WHERE tenant_id = ? \
                 AND id IN (SELECT unhex(value) FROM json_each(?))",
            )
            .bind(blob(tenant.0))
            .bind(id_list(chunk)?)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
            for row in &rows {
                let c = decode::Cols::new(row, "contacts");
                stored.insert(c.uuid("id")?, json_col!(c, "emails")?);
            }
        }
        for c in updated {
            let old = stored.get(&c.id.0).ok_or(StoreError::NotFound("contact"))?;
            for gone in old
                .iter()
                .filter(|o| !c.emails.iter().any(|e| e.as_str() == o.as_str()))
            {
                sqlx::query(
                    "DELETE FROM contact_emails WHERE tenant_id = ? AND email = ? AND contact_id = ?",
                )
                .bind(blob(tenant.0))
                .bind(gone.clone())
                .bind(blob(c.id.0))
                .execute(&mut *conn)
                .await
                .map_err(db_err)?;
            }
            claims.extend(
                c.emails
                    .iter()
                    .filter(|e| !old.iter().any(|o| o == e.as_str()))
                    .map(|e| (e.as_str(), c.id)),
            );
        }
        let rows = updated
            .iter()
            .map(ContactRow::of)
            .collect::<StoreResult<Vec<_>>>()?;
        REPLACE_CONTACTS
            .execute(&mut *conn, &rows, |q, r| r.bind(q))
            .await
            .map_err(db_err)?;
    }
    if !created.is_empty() {
        let rows = created
            .iter()
            .map(ContactRow::of)
            .collect::<StoreResult<Vec<_>>>()?;
        INSERT_CONTACTS
            .execute_all(
                &mut *conn,
                &rows,
                |q, r| r.bind(q),
                || StoreError::Conflict("a contact with this id already exists".into()),
            )
            .await?;
    }

    let inserted = INSERT_ADDRESSES
        .execute(&mut *conn, &claims, |q, (email, id)| {
            q.bind(blob(tenant.0))
                .bind(email.to_string())
                .bind(blob(id.0))
        })
        .await
        .map_err(db_err)?;
    if inserted < claims.len() as u64 {
        address_conflict(conn, tenant, &claims).await?;
    }
    Ok(())
}

/// Some claimed addresses were not written: the first one owned by another contact is the
/// conflict. (One already owned by its claimant needs nothing.)
async fn address_conflict(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    claims: &[(&str, ContactId)],
) -> StoreResult<()> {
    let wanted: HashMap<&str, ContactId> = claims.iter().copied().collect();
    let emails: Vec<&str> = claims.iter().map(|(e, _)| *e).collect();
    for chunk in emails.chunks(LIST_CHUNK) {
        let rows = sqlx::query(
            "SELECT email, contact_id FROM contact_emails WHERE tenant_id = ? \
             AND email IN (SELECT value FROM json_each(?))",
        )
        .bind(blob(tenant.0))
        .bind(text_list(chunk)?)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        for row in &rows {
            let c = decode::Cols::new(row, "contact_emails");
            let email = c.text("email")?;
            let owner = ContactId(c.uuid("contact_id")?);
            if wanted.get(email.as_str()).is_some_and(|w| *w != owner) {
                return Err(StoreError::Conflict(format!(
                    "the address {email} belongs to another contact ({owner})"
                )));
            }
        }
    }
    Ok(())
}

/// Starts a lead import on the writer connection.
pub(crate) async fn begin(store: &SqliteStore, tenant: TenantId) -> StoreResult<LeadImport> {
    let mut tx = store.begin().await?;
    sqlx::query("SELECT 1 FROM tenants WHERE id = ?")
        .bind(blob(tenant.0))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("tenant"))?;
    Ok(LeadImport {
        store: store.clone(),
        tx,
        tenant,
        report_key: Uuid::now_v7(),
        chunks: 0,
        added: None,
        fence: Vec::new(),
        failed: false,
    })
}

/// An open lead import. Any failed call leaves it unusable: the call may have written part
/// of what it was given, so the only way on is to drop it (which rolls back).
pub(crate) struct LeadImport {
    store: SqliteStore,
    tx: Tx,
    tenant: TenantId,
    /// Report chunks are stored under this key until the import's id is known at commit.
    report_key: Uuid,
    chunks: u32,
    /// The row ids of the entries added so far.
    added: Option<(i64, i64)>,
    /// The send fence on the added entries' keys, held until the import commits or is dropped.
    fence: Vec<crate::fence::WriteHold>,
    failed: bool,
}

impl LeadImport {
    fn usable(&self) -> StoreResult<()> {
        if self.failed {
            return Err(StoreError::Other(
                "an earlier step of this import failed; it cannot go on".into(),
            ));
        }
        Ok(())
    }

    fn settle<T>(&mut self, r: StoreResult<T>) -> StoreResult<T> {
        if r.is_err() {
            self.failed = true;
        }
        r
    }

    async fn add(&mut self, entries: Vec<NewEntry>) -> StoreResult<Vec<AddOutcome>> {
        let tenant = self.tenant;
        if let Some(e) = entries.iter().find(|e| e.tenant_id != tenant) {
            return Err(StoreError::Other(format!(
                "entry {} belongs to another tenant",
                e.id
            )));
        }
        let now = veto_domain::now();
        let wanted: HashSet<SuppressionKey> = entries.iter().map(new_key_of).collect();
        let mut hashes: Vec<IdentHash> = entries.iter().map(|e| e.ident_hash).collect();
        hashes.sort_unstable();
        hashes.dedup();

        // The same suppressions in force; those past their expiry are ended first, as
        // `add_suppression` does.
        let mut current: HashMap<SuppressionKey, Entry> = HashMap::new();
        let mut due = Vec::new();
        for chunk in hashes.chunks(LIST_CHUNK) {
            let rows = sqlx::query(concat!(
                "SELECT ",
                entry_cols!(),
                " FROM entries WHERE tenant_id = ?1 AND ended_at IS NULL \
                  AND ident_hash IN (SELECT unhex(value) FROM json_each(?2))"
            ))
            .bind(blob(tenant.0))
            .bind(hex_list(chunk))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db_err)?;
            for (row_id, e) in entries_of(&rows)? {
                let k = key_of(&e);
                if !wanted.contains(&k) {
                    continue;
                }
                if e.expires_at.is_some_and(|x| x <= now) {
                    due.push((row_id, e));
                } else {
                    current.insert(k, e);
                }
            }
        }
        end_expired(&mut self.tx, due).await?;

        let mut out = Vec::with_capacity(entries.len());
        let mut drafts = Vec::with_capacity(entries.len());
        let mut new = Vec::new();
        for n in entries {
            let k = new_key_of(&n);
            if let Some(existing) = current.get(&k) {
                drafts.push(events::suppression_duplicate(existing, &n.created_by));
                out.push(AddOutcome::Existing(existing.clone()));
                continue;
            }
            let e = n.clone().into_entry();
            drafts.push(events::suppression_created(&e));
            current.insert(k, e.clone());
            out.push(AddOutcome::Created(e));
            new.push(n);
        }
        if !new.is_empty() {
            let keys: Vec<IdentHash> = new.iter().map(|e| e.ident_hash).collect();
            if let Some(h) = self.store.fence_writes(&keys).await {
                self.fence.push(h);
            }
            for n in &new {
                crate::sending::cancel_for_entry(&mut self.tx, n, now).await?;
            }
        }
        let rows = INSERT_ENTRIES
            .returning_all(
                &mut self.tx,
                &new,
                |q, e| bind_entry(q, tenant, e),
                || StoreError::Conflict("the suppression is already in force".into()),
            )
            .await?;
        if let (Some(first), Some(last)) = (rows.iter().min(), rows.iter().max()) {
            self.added = Some(match self.added {
                Some((f, l)) => (f.min(*first), l.max(*last)),
                None => (*first, *last),
            });
        }
        append_events(&mut self.tx, tenant, &drafts).await?;
        Ok(out)
    }

    async fn finish(&mut self, import: &ImportRecord, draft: AuditDraft) -> StoreResult<()> {
        if import.tenant_id != self.tenant {
            return Err(StoreError::Other(format!(
                "import {} belongs to another tenant",
                import.id
            )));
        }
        if import.report_chunks != self.chunks {
            return Err(StoreError::Other(format!(
                "import {} counts {} report chunks, {} were written",
                import.id, import.report_chunks, self.chunks
            )));
        }
        move_report(&mut self.tx, self.tenant, self.report_key, import.id).await?;
        insert_import(&mut self.tx, import).await?;
        if let Some((first_row, last_row)) = self.added {
            append_change(
                &mut self.tx,
                self.tenant,
                ChangeOp::Added {
                    first_row,
                    last_row,
                },
            )
            .await?;
        }
        append_events(&mut self.tx, self.tenant, &[draft]).await?;
        Ok(())
    }
}

#[async_trait]
impl LeadImportTx for LeadImport {
    async fn contacts_by_emails(
        &mut self,
        emails: &[String],
    ) -> StoreResult<Vec<(String, Contact)>> {
        self.usable()?;
        let r = by_emails(&mut self.tx, self.tenant, emails).await;
        self.settle(r)
    }

    async fn write_contacts(
        &mut self,
        created: &[Contact],
        updated: &[Contact],
    ) -> StoreResult<()> {
        self.usable()?;
        let r = write(&mut self.tx, self.tenant, created, updated).await;
        self.settle(r)
    }

    async fn add_entries(&mut self, entries: Vec<NewEntry>) -> StoreResult<Vec<AddOutcome>> {
        self.usable()?;
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let r = self.add(entries).await;
        self.settle(r)
    }

    async fn append_audit(&mut self, drafts: Vec<AuditDraft>) -> StoreResult<()> {
        self.usable()?;
        let r = append_events(&mut self.tx, self.tenant, &drafts).await;
        self.settle(r).map(drop)
    }

    async fn write_report_chunk(&mut self, n: u32, data: Vec<u8>) -> StoreResult<()> {
        self.usable()?;
        if n != self.chunks {
            return Err(StoreError::Other(format!(
                "report chunk {n} written after {} chunks",
                self.chunks
            )));
        }
        let r = insert_chunk(&mut self.tx, self.tenant, self.report_key, n, data).await;
        self.settle(r)?;
        self.chunks += 1;
        Ok(())
    }

    async fn commit(
        mut self: Box<Self>,
        import: &ImportRecord,
        draft: AuditDraft,
    ) -> StoreResult<()> {
        self.usable()?;
        self.finish(import, draft).await?;
        let LeadImport {
            store, tx, fence, ..
        } = *self;
        let done = store.commit(tx).await;
        drop(fence);
        done
    }
}

impl SqliteStore {
    pub(crate) async fn contact(&self, tenant: TenantId, id: ContactId) -> StoreResult<Contact> {
        let row = sqlx::query(concat!(
            "SELECT ",
            contact_cols!(),
            " FROM contacts WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("contact"))?;
        decode::contact(&row)
    }

    pub(crate) async fn contacts_by_ids(
        &self,
        tenant: TenantId,
        ids: &[ContactId],
    ) -> StoreResult<Vec<Contact>> {
        let mut out = Vec::with_capacity(ids.len());
        let ids: Vec<Uuid> = ids.iter().map(|c| c.0).collect();
        for chunk in ids.chunks(LIST_CHUNK) {
            let rows = sqlx::query(concat!(
                "SELECT ",
                contact_cols!(),
                " FROM contacts WHERE tenant_id = ? \
                  AND id IN (SELECT unhex(value) FROM json_each(?))"
            ))
            .bind(blob(tenant.0))
            .bind(id_list(chunk)?)
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
            for row in &rows {
                out.push(decode::contact(row)?);
            }
        }
        Ok(out)
    }

    pub(crate) async fn contact_with_email(
        &self,
        tenant: TenantId,
        email: &str,
    ) -> StoreResult<Option<Contact>> {
        let mut conn = self.read().await?;
        let found = by_emails(&mut conn, tenant, &[email.to_string()]).await?;
        Ok(found.into_iter().next().map(|(_, c)| c))
    }

    pub(crate) async fn contacts_page(
        &self,
        tenant: TenantId,
        page_req: PageRequest<ContactId>,
    ) -> StoreResult<Page<Contact, ContactId>> {
        let limit = limit_of(page_req.limit);
        let mut qb = QueryBuilder::<Sqlite>::new(concat!(
            "SELECT ",
            contact_cols!(),
            " FROM contacts WHERE tenant_id = "
        ));
        qb.push_bind(blob(tenant.0));
        if let Some(after) = page_req.after {
            qb.push(" AND id < ").push_bind(blob(after.0));
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(limit as i64 + 1);
        let rows = qb.build().fetch_all(&self.reader).await.map_err(db_err)?;
        let items = rows
            .iter()
            .map(decode::contact)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(page(items, limit, |c: &Contact| c.id))
    }
}
