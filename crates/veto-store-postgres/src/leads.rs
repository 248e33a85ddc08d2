//! Contacts and the lead-import transaction.
//!
//! A lead import lasts as long as its file takes to check (DNS lookups included), so it must
//! not hold what other writers need: while it runs it holds only its tenant's lead-import
//! lock and the rows of contacts and report chunks it writes (see `tx` for the lock order).
//! Its audit events and the suppressions of the file's DNC column are decided as they come
//! — against the entries in force and those decided earlier in the import — and kept in
//! memory; [`LeadImportTx::commit`] then takes the feed lock and the tenant's chain, ends
//! expired duplicates, inserts the entries (their row ids are assigned under the feed lock, in
//! commit order, like every other insert of entries) and seals the events.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use async_trait::async_trait;
use sqlx::postgres::PgDatabaseError;
use sqlx::{PgConnection, Postgres, QueryBuilder, Transaction};
use uuid::Uuid;
use veto_domain::audit::AuditDraft;
use veto_domain::contact::Contact;
use veto_domain::id::{ContactId, TenantId};
use veto_domain::import::ImportRecord;
use veto_domain::suppression::{Entry, NewEntry};
use veto_store::events;
use veto_store::{AddOutcome, ChangeOp, LeadImportTx, Page, PageRequest, StoreError, StoreResult};

use crate::PostgresStore;
use crate::copy::BinaryCopy;
use crate::imports::{insert_chunk, insert_import, move_report};
use crate::rows::{self, contact_cols, entry_cols};
use crate::store_impl::{
    EntryColumns, IMPORT_CHUNK, end_expired_row, hash_list, json_text, page_limit, paginate,
};
use crate::tx::{Chain, db, db_conflict, lock_feed, lock_lead_imports, push_change};

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

/// Contact columns, one array per column, for `UNNEST`.
#[derive(Default)]
struct ContactColumns {
    id: Vec<Uuid>,
    emails: Vec<String>,
    phone: Vec<Option<String>>,
    name: Vec<Option<String>>,
    company_id: Vec<Option<String>>,
    company_name: Vec<Option<String>>,
    owner: Vec<Option<String>>,
    source_id: Vec<Option<String>>,
    custom: Vec<String>,
    created_at: Vec<i64>,
    created_by: Vec<String>,
    updated_at: Vec<i64>,
    updated_by: Vec<String>,
    last_import: Vec<Option<Uuid>>,
}

/// The arrays of `ContactColumns`, in order, as `UNNEST` takes them (from `$2`).
macro_rules! contact_unnest {
    () => {
        "UNNEST($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], \
         $9::text[], $10::text[], $11::int8[], $12::text[], $13::int8[], $14::text[], $15::uuid[]) \
         AS u(id, emails, phone, name, company_id, company_name, owner, source_id, custom, created_at, \
              created_by, updated_at, updated_by, last_import)"
    };
}

impl ContactColumns {
    fn of(contacts: &[Contact]) -> StoreResult<Self> {
        let mut c = Self::default();
        for k in contacts {
            c.id.push(k.id.0);
            c.emails.push(json_text(&k.emails, "contact addresses")?);
            c.phone.push(k.phone.clone());
            c.name.push(k.name.clone());
            c.company_id.push(k.company_id.clone());
            c.company_name.push(k.company_name.clone());
            c.owner.push(k.owner.clone());
            c.source_id.push(k.source_id.clone());
            c.custom.push(json_text(&k.custom, "contact fields")?);
            c.created_at.push(veto_domain::to_micros(k.created_at));
            c.created_by.push(k.created_by.to_string());
            c.updated_at.push(veto_domain::to_micros(k.updated_at));
            c.updated_by.push(k.updated_by.to_string());
            c.last_import.push(k.last_import.map(|i| i.0));
        }
        Ok(c)
    }

    async fn execute(
        self,
        conn: &mut PgConnection,
        tenant: TenantId,
        sql: &'static str,
    ) -> StoreResult<()> {
        sqlx::query(sql)
            .bind(tenant.0)
            .bind(self.id)
            .bind(self.emails)
            .bind(self.phone)
            .bind(self.name)
            .bind(self.company_id)
            .bind(self.company_name)
            .bind(self.owner)
            .bind(self.source_id)
            .bind(self.custom)
            .bind(self.created_at)
            .bind(self.created_by)
            .bind(self.updated_at)
            .bind(self.updated_by)
            .bind(self.last_import)
            .execute(conn)
            .await
            .map_err(|e| db_conflict(e, || "a contact with this id already exists".into()))?;
        Ok(())
    }
}

/// Replaces whole rows of contacts known to exist.
const REPLACE_CONTACTS: &str = concat!(
    "UPDATE contacts AS c SET emails = u.emails, phone = u.phone, name = u.name, \
     company_id = u.company_id, company_name = u.company_name, owner = u.owner, \
     source_id = u.source_id, custom = u.custom, created_at = u.created_at, \
     created_by = u.created_by, updated_at = u.updated_at, updated_by = u.updated_by, \
     last_import = u.last_import FROM ",
    contact_unnest!(),
    " WHERE c.tenant_id = $1 AND c.id = u.id"
);

/// The contacts of `tenant` holding one of `emails`, each with the address that found it.
async fn by_emails(
    conn: &mut PgConnection,
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
                WHERE tenant_id = $1 AND email = ANY($2::text[])) AS m \
         JOIN contacts ON contacts.tenant_id = $1 AND contacts.id = m.contact_id"
    ))
    .bind(tenant.0)
    .bind(emails)
    .fetch_all(conn)
    .await
    .map_err(db)?;
    rows.iter()
        .map(|row| Ok((rows::get(row, "matched")?, rows::contact(row)?)))
        .collect()
}

/// Writes contacts inside the caller's transaction (see [`LeadImportTx::write_contacts`]).
async fn write(
    conn: &mut PgConnection,
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
    let mut claim_email: Vec<&str> = Vec::new();
    let mut claim_id: Vec<Uuid> = Vec::new();
    for c in created {
        for e in &c.emails {
            claim_email.push(e.as_str());
            claim_id.push(c.id.0);
        }
    }
    for chunk in updated.chunks(IMPORT_CHUNK) {
        let ids: Vec<Uuid> = chunk.iter().map(|c| c.id.0).collect();
        let rows =
            sqlx::query("SELECT id, emails FROM contacts WHERE tenant_id = $1 AND id = ANY($2)")
                .bind(tenant.0)
                .bind(&ids)
                .fetch_all(&mut *conn)
                .await
                .map_err(db)?;
        let mut stored: HashMap<Uuid, Vec<String>> = HashMap::with_capacity(rows.len());
        for row in &rows {
            stored.insert(rows::get(row, "id")?, rows::json(row, "emails")?);
        }
        let (mut gone_email, mut gone_id) = (Vec::new(), Vec::new());
        for c in chunk {
            let old = stored.get(&c.id.0).ok_or(StoreError::NotFound("contact"))?;
            for o in old {
                if !c.emails.iter().any(|e| e.as_str() == o.as_str()) {
                    gone_email.push(o.clone());
                    gone_id.push(c.id.0);
                }
            }
            for e in &c.emails {
                if !old.iter().any(|o| o == e.as_str()) {
                    claim_email.push(e.as_str());
                    claim_id.push(c.id.0);
                }
            }
        }
        if !gone_email.is_empty() {
            sqlx::query(
                "DELETE FROM contact_emails AS d USING UNNEST($2::text[], $3::uuid[]) AS u(email, contact_id) \
                 WHERE d.tenant_id = $1 AND d.email = u.email AND d.contact_id = u.contact_id",
            )
            .bind(tenant.0)
            .bind(gone_email)
            .bind(gone_id)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
        }
        ContactColumns::of(chunk)?
            .execute(&mut *conn, tenant, REPLACE_CONTACTS)
            .await?;
    }
    copy_contacts(&mut *conn, tenant, created).await?;

    // A plain insert: checking each address first (or ON CONFLICT) costs more than the
    // insert itself, and a taken address fails the import anyway.
    if !claim_email.is_empty() {
        let mut copy = BinaryCopy::start(
            &mut *conn,
            "COPY contact_emails (tenant_id, email, contact_id) FROM STDIN (FORMAT binary)",
        )
        .await?;
        for (email, id) in claim_email.iter().zip(&claim_id) {
            copy.row(3);
            copy.uuid(&tenant.0);
            copy.text(email)?;
            copy.uuid(id);
            copy.flush_if_full().await?;
        }
        copy.finish_with(|e| address_taken(e, &claim_email)).await?;
    }
    Ok(())
}

/// Writes new contacts (ids not yet stored) by `COPY`.
async fn copy_contacts(
    conn: &mut PgConnection,
    tenant: TenantId,
    contacts: &[Contact],
) -> StoreResult<()> {
    if contacts.is_empty() {
        return Ok(());
    }
    let mut copy = BinaryCopy::start(
        conn,
        concat!(
            "COPY contacts (",
            contact_cols!(),
            ") FROM STDIN (FORMAT binary)"
        ),
    )
    .await?;
    let mut actor = String::new();
    for k in contacts {
        copy.row(15);
        copy.uuid(&tenant.0);
        copy.uuid(&k.id.0);
        copy.text(&json_text(&k.emails, "contact addresses")?)?;
        copy.opt_text(k.phone.as_deref())?;
        copy.opt_text(k.name.as_deref())?;
        copy.opt_text(k.company_id.as_deref())?;
        copy.opt_text(k.company_name.as_deref())?;
        copy.opt_text(k.owner.as_deref())?;
        copy.opt_text(k.source_id.as_deref())?;
        copy.text(&json_text(&k.custom, "contact fields")?)?;
        copy.i64(veto_domain::to_micros(k.created_at));
        actor.clear();
        let _ = write!(actor, "{}", k.created_by);
        copy.text(&actor)?;
        copy.i64(veto_domain::to_micros(k.updated_at));
        actor.clear();
        let _ = write!(actor, "{}", k.updated_by);
        copy.text(&actor)?;
        match k.last_import {
            Some(i) => copy.uuid(&i.0),
            None => copy.null(),
        }
        copy.flush_if_full().await?;
    }
    copy.finish_with(|e| db_conflict(e, || "a contact with this id already exists".into()))
        .await?;
    Ok(())
}

/// A unique violation on an address is a conflict naming it (found in the error's detail,
/// `Key (tenant_id, email)=(…, address) already exists.`).
fn address_taken(e: sqlx::Error, emails: &[&str]) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && d.code().as_deref() == Some("23505")
    {
        let detail = d
            .try_downcast_ref::<PgDatabaseError>()
            .and_then(PgDatabaseError::detail)
            .unwrap_or_default();
        return match emails.iter().find(|m| detail.contains(&format!(", {m})"))) {
            Some(email) => {
                StoreError::Conflict(format!("the address {email} belongs to another contact"))
            }
            None => StoreError::Conflict("an address belongs to another contact".into()),
        };
    }
    db(e)
}

/// An audit event of the import, sealed at commit.
enum Pending {
    Event(AuditDraft),
    /// The end of an expired duplicate: recorded only if this import is the one that ends it.
    Expiry {
        row_id: i64,
        draft: AuditDraft,
    },
}

/// Starts a lead import (see the module documentation).
pub(crate) async fn begin(store: &PostgresStore, tenant: TenantId) -> StoreResult<LeadImport> {
    let mut tx = store.pool().begin().await.map_err(db)?;
    lock_lead_imports(&mut tx, tenant).await?;
    sqlx::query("SELECT 1 FROM tenants WHERE id = $1")
        .bind(tenant.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("tenant"))?;
    Ok(LeadImport {
        tx,
        tenant,
        report_key: Uuid::now_v7(),
        chunks: 0,
        audit: Vec::new(),
        new: Vec::new(),
        planned: HashMap::new(),
        ends: Vec::new(),
        failed: false,
    })
}

/// An open lead import. Any failed call leaves it unusable (PostgreSQL aborts a transaction
/// whose statement failed): the only way on is to drop it, which rolls back.
pub(crate) struct LeadImport {
    tx: Transaction<'static, Postgres>,
    tenant: TenantId,
    /// Report chunks are stored under this key until the import's id is known at commit.
    report_key: Uuid,
    chunks: u32,
    audit: Vec<Pending>,
    /// Entries to insert at commit, and the suppression each stands for.
    new: Vec<NewEntry>,
    planned: HashMap<SuppressionKey, Entry>,
    /// Expired duplicates to end at commit.
    ends: Vec<(i64, Entry)>,
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
        let wanted: HashSet<SuppressionKey> = entries
            .iter()
            .map(new_key_of)
            .filter(|k| !self.planned.contains_key(k))
            .collect();
        // The same suppressions in force; those past their expiry are ended at commit, as
        // `add_suppression` ends them.
        let mut current: HashMap<SuppressionKey, Entry> = HashMap::new();
        if !wanted.is_empty() {
            let mut hashes: Vec<_> = entries.iter().map(|e| e.ident_hash).collect();
            hashes.sort_unstable();
            hashes.dedup();
            let rows = sqlx::query(concat!(
                "SELECT ",
                entry_cols!(),
                " FROM entries WHERE tenant_id = $1 AND ident_hash = ANY($2) AND ended_at IS NULL \
                  ORDER BY row_id"
            ))
            .bind(tenant.0)
            .bind(hash_list(&hashes))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(db)?;
            for row in &rows {
                let (row_id, e) = rows::entry(row)?;
                let k = key_of(&e);
                if !wanted.contains(&k) {
                    continue;
                }
                if e.expires_at.is_some_and(|x| x <= now) {
                    if !self.ends.iter().any(|(r, _)| *r == row_id) {
                        self.audit.push(Pending::Expiry {
                            row_id,
                            draft: events::suppression_expired(&e),
                        });
                        self.ends.push((row_id, e));
                    }
                } else {
                    current.entry(k).or_insert(e);
                }
            }
        }

        let mut out = Vec::with_capacity(entries.len());
        for n in entries {
            let k = new_key_of(&n);
            if let Some(existing) = self.planned.get(&k).or_else(|| current.get(&k)) {
                self.audit
                    .push(Pending::Event(events::suppression_duplicate(
                        existing,
                        &n.created_by,
                    )));
                out.push(AddOutcome::Existing(existing.clone()));
                continue;
            }
            let e = n.clone().into_entry();
            self.audit
                .push(Pending::Event(events::suppression_created(&e)));
            self.planned.insert(k, e.clone());
            out.push(AddOutcome::Created(e));
            self.new.push(n);
        }
        Ok(out)
    }

    async fn finish(&mut self, import: &ImportRecord, draft: AuditDraft) -> StoreResult<()> {
        let tenant = self.tenant;
        if import.tenant_id != tenant {
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
        let tx = &mut self.tx;
        if !self.new.is_empty() {
            let keys: Vec<veto_domain::keyed_hash::IdentHash> =
                self.new.iter().map(|e| e.ident_hash).collect();
            crate::sending::fence_exclusive(tx, tenant, &keys).await?;
        }
        if !self.new.is_empty() || !self.ends.is_empty() {
            lock_feed(tx).await?;
        }
        let mut chain = Chain::lock(tx, tenant).await?;

        let mut ended = HashSet::new();
        for (row_id, e) in std::mem::take(&mut self.ends) {
            if end_expired_row(tx, row_id, e).await?.is_some() {
                ended.insert(row_id);
            }
        }
        let (mut first, mut last): (Option<i64>, Option<i64>) = (None, None);
        let mut new = std::mem::take(&mut self.new).into_iter().peekable();
        while new.peek().is_some() {
            let mut cols = EntryColumns::with_capacity(IMPORT_CHUNK.min(new.len()));
            let mut n = 0i64;
            for e in new.by_ref().take(IMPORT_CHUNK) {
                cols.push(e);
                n += 1;
            }
            let (inserted, f, l) = cols.insert(tx, tenant).await?;
            if inserted != n {
                return Err(StoreError::Conflict(
                    "a suppression this import adds was added by another writer while it ran; \
                     run the import again"
                        .into(),
                ));
            }
            first = first.or(f);
            last = l.or(last);
        }
        if let (Some(first_row), Some(last_row)) = (first, last) {
            push_change(
                tx,
                tenant,
                ChangeOp::Added {
                    first_row,
                    last_row,
                },
            )
            .await?;
            crate::sending::cancel_for_rows(tx, tenant, first_row, last_row, veto_domain::now())
                .await?;
        }

        let mut drafts: Vec<AuditDraft> = std::mem::take(&mut self.audit)
            .into_iter()
            .filter_map(|p| match p {
                Pending::Event(d) => Some(d),
                Pending::Expiry { row_id, draft } => ended.contains(&row_id).then_some(draft),
            })
            .collect();
        drafts.push(draft);
        chain.append_many(tx, &drafts).await?;
        move_report(tx, tenant, self.report_key, import.id).await?;
        insert_import(tx, import).await?;
        chain.save(tx).await
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
        self.audit.extend(drafts.into_iter().map(Pending::Event));
        Ok(())
    }

    async fn write_report_chunk(&mut self, n: u32, data: Vec<u8>) -> StoreResult<()> {
        self.usable()?;
        if n != self.chunks {
            return Err(StoreError::Other(format!(
                "report chunk {n} written after {} chunks",
                self.chunks
            )));
        }
        let r = insert_chunk(&mut self.tx, self.tenant, self.report_key, n, &data).await;
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
        self.tx.commit().await.map_err(db)
    }
}

impl PostgresStore {
    pub(crate) async fn contact(&self, tenant: TenantId, id: ContactId) -> StoreResult<Contact> {
        let row = sqlx::query(concat!(
            "SELECT ",
            contact_cols!(),
            " FROM contacts WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(self.pool())
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("contact"))?;
        rows::contact(&row)
    }

    pub(crate) async fn contacts_by_ids(
        &self,
        tenant: TenantId,
        ids: &[ContactId],
    ) -> StoreResult<Vec<Contact>> {
        let ids: Vec<Uuid> = ids.iter().map(|c| c.0).collect();
        let rows = sqlx::query(concat!(
            "SELECT ",
            contact_cols!(),
            " FROM contacts WHERE tenant_id = $1 AND id = ANY($2)"
        ))
        .bind(tenant.0)
        .bind(&ids)
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        rows.iter().map(rows::contact).collect()
    }

    pub(crate) async fn contact_with_email(
        &self,
        tenant: TenantId,
        email: &str,
    ) -> StoreResult<Option<Contact>> {
        let mut conn = self.pool().acquire().await.map_err(db)?;
        let found = by_emails(&mut conn, tenant, &[email.to_string()]).await?;
        Ok(found.into_iter().next().map(|(_, c)| c))
    }

    pub(crate) async fn contacts_page(
        &self,
        tenant: TenantId,
        page: PageRequest<ContactId>,
    ) -> StoreResult<Page<Contact, ContactId>> {
        let limit = page_limit(page.limit);
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(concat!(
            "SELECT ",
            contact_cols!(),
            " FROM contacts WHERE tenant_id = "
        ));
        q.push_bind(tenant.0);
        if let Some(after) = page.after {
            q.push(" AND id < ");
            q.push_bind(after.0);
        }
        q.push(" ORDER BY id DESC LIMIT ");
        q.push_bind(limit + 1);
        let items = q
            .build()
            .fetch_all(self.pool())
            .await
            .map_err(db)?
            .iter()
            .map(rows::contact)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(paginate(items, limit, |c: &Contact| c.id))
    }
}
