//! Sending: domains and DKIM keys, mailboxes, relay credentials, sequences, enrolments, the
//! scheduler's claims and send attempts — and the cancellation of pending enrolments that
//! every writer of entries runs in its own transaction.

use std::collections::BTreeMap;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::AuditDraft;
use veto_domain::email::EmailAddress;
use veto_domain::id::{
    ContactId, CredentialId, EnrollmentId, MailboxId, RouteId, SendId, SendingDomainId, SequenceId,
    TenantId,
};
use veto_domain::keyed_hash::IdentHash;
use veto_domain::mailbox::{DkimAlgorithm, DkimKeyRecord, Mailbox, SendingDomain};
use veto_domain::send::{SendOutcome, SendRecord, SendVia};
use veto_domain::sequence::{Enrollment, EnrollmentState, Sequence, Step};
use veto_domain::smtp_credential::SmtpCredential;
use veto_domain::suppression::{Channel, NewEntry, Purpose, Purposes};
use veto_store::{
    ClaimedStep, EnrollOutcome, EnrollmentChange, EnrollmentFilter, MailboxPatch, NewEnrollment,
    Page, PageRequest, SendFence, SendFilter, SendingStore, StepOutcome, StepResult, StoreError,
    StoreResult,
};

use crate::SqliteStore;
use crate::decode::{Cols, corrupt};
use crate::fence::{Hold, SqliteFence};
use crate::store::{append_events, blob, db_err, limit_of, page, unique_or, us};

// ----- decoding -----

macro_rules! domain_cols {
    () => {
        "tenant_id, id, domain, dkim_selector, dkim_algorithm, dkim_private, dkim_public, \
         dkim_created_by, dkim_created_at, created_by, created_at"
    };
}

fn sending_domain(row: &SqliteRow) -> StoreResult<SendingDomain> {
    let c = Cols::new(row, "sending_domains");
    let dkim = match c.opt_text("dkim_selector")? {
        Some(selector) => Some(DkimKeyRecord {
            selector,
            algorithm: c.parse("dkim_algorithm", DkimAlgorithm::parse)?,
            private_sealed: c.get("dkim_private")?,
            public_b64: c.text("dkim_public")?,
            created_by: c.actor("dkim_created_by")?,
            created_at: c.ts("dkim_created_at")?,
        }),
        None => None,
    };
    Ok(SendingDomain {
        id: SendingDomainId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        domain: c.text("domain")?,
        dkim,
        created_by: c.actor("created_by")?,
        created_at: c.ts("created_at")?,
    })
}

macro_rules! mailbox_cols {
    () => {
        "tenant_id, id, address, display_name, route_id, paused, created_by, created_at"
    };
}

fn email(c: &Cols<'_>, col: &'static str) -> StoreResult<EmailAddress> {
    c.parse(col, |s| EmailAddress::parse(s).ok())
}

fn mailbox(row: &SqliteRow) -> StoreResult<Mailbox> {
    let c = Cols::new(row, "mailboxes");
    Ok(Mailbox {
        id: MailboxId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        address: email(&c, "address")?,
        display_name: c.opt_text("display_name")?,
        route_id: c.opt_uuid("route_id")?.map(RouteId),
        paused: c.flag("paused")?,
        created_by: c.actor("created_by")?,
        created_at: c.ts("created_at")?,
    })
}

macro_rules! credential_cols {
    () => {
        "tenant_id, id, name, username, secret_hash, purpose, created_by, created_at, \
         revoked_at, revoked_by"
    };
}

fn credential(row: &SqliteRow) -> StoreResult<SmtpCredential> {
    let c = Cols::new(row, "smtp_credentials");
    Ok(SmtpCredential {
        id: CredentialId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        name: c.text("name")?,
        username: c.text("username")?,
        secret_hash: c.bytes32("secret_hash")?,
        purpose: c.parse("purpose", Purpose::parse)?,
        created_by: c.actor("created_by")?,
        created_at: c.ts("created_at")?,
        revoked_at: c.opt_ts("revoked_at")?,
        revoked_by: c.opt_actor("revoked_by")?,
    })
}

macro_rules! sequence_cols {
    () => {
        "tenant_id, id, name, purpose, steps, created_by, created_at"
    };
}

fn sequence(row: &SqliteRow) -> StoreResult<Sequence> {
    let c = Cols::new(row, "sequences");
    let text = c.text("steps")?;
    let steps: Vec<Step> =
        serde_json::from_str(&text).map_err(|e| corrupt("sequences", "steps", e))?;
    Ok(Sequence {
        id: SequenceId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        name: c.text("name")?,
        purpose: c.parse("purpose", Purpose::parse)?,
        steps,
        created_by: c.actor("created_by")?,
        created_at: c.ts("created_at")?,
    })
}

macro_rules! enrollment_cols {
    () => {
        "tenant_id, id, sequence_id, contact_id, email, mailbox_id, purpose, state, \
         state_reason, next_step, next_due_at, thread_message_id, created_by, created_at, \
         updated_at"
    };
}

fn enrollment(row: &SqliteRow) -> StoreResult<Enrollment> {
    let c = Cols::new(row, "enrollments");
    let next_step = c.i64("next_step")?;
    Ok(Enrollment {
        id: EnrollmentId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        sequence_id: SequenceId(c.uuid("sequence_id")?),
        contact_id: ContactId(c.uuid("contact_id")?),
        email: email(&c, "email")?,
        mailbox_id: MailboxId(c.uuid("mailbox_id")?),
        purpose: c.parse("purpose", Purpose::parse)?,
        state: c.parse("state", EnrollmentState::parse)?,
        state_reason: c.opt_text("state_reason")?,
        next_step: u32::try_from(next_step)
            .map_err(|_| corrupt("enrollments", "next_step", next_step))?,
        next_due_at: c.opt_ts("next_due_at")?,
        thread_message_id: c.opt_text("thread_message_id")?,
        created_by: c.actor("created_by")?,
        created_at: c.ts("created_at")?,
        updated_at: c.ts("updated_at")?,
    })
}

macro_rules! send_cols {
    () => {
        "tenant_id, id, at, via, sequence_id, enrollment_id, step, relay_session, \
         credential_id, mailbox_id, route_id, sender, recipient, recipient_hash, contact_id, \
         message_id, outcome, detail, verdict"
    };
}

fn send(row: &SqliteRow) -> StoreResult<SendRecord> {
    let c = Cols::new(row, "sends");
    let via = match c.text("via")?.as_str() {
        "sequence" => {
            let step = c.i64("step")?;
            SendVia::Sequence {
                sequence_id: SequenceId(c.uuid("sequence_id")?),
                enrollment_id: EnrollmentId(c.uuid("enrollment_id")?),
                step: u32::try_from(step).map_err(|_| corrupt("sends", "step", step))?,
            }
        }
        "relay" => SendVia::Relay {
            session: c.text("relay_session")?,
            credential_id: CredentialId(c.uuid("credential_id")?),
        },
        other => return Err(corrupt("sends", "via", other)),
    };
    let verdict_text = c.text("verdict")?;
    Ok(SendRecord {
        id: SendId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        at: c.ts("at")?,
        via,
        mailbox_id: c.opt_uuid("mailbox_id")?.map(MailboxId),
        route_id: c.opt_uuid("route_id")?.map(RouteId),
        from: c.text("sender")?,
        recipient: c.opt_text("recipient")?,
        recipient_hash: IdentHash(c.bytes32("recipient_hash")?),
        contact_id: c.opt_uuid("contact_id")?.map(ContactId),
        message_id: c.opt_text("message_id")?,
        outcome: c.parse("outcome", SendOutcome::parse)?,
        detail: c.opt_text("detail")?,
        verdict: serde_json::from_str(&verdict_text).map_err(|e| corrupt("sends", "verdict", e))?,
    })
}

fn json<T: serde::Serialize>(v: &T, what: &str) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Other(format!("cannot serialise {what}: {e}")))
}

// ----- cancellation by new entries -----

/// Cancels the pending enrolments `entry` applies to (run inside the transaction that writes
/// it). Returns how many were cancelled.
pub(crate) async fn cancel_for_entry(
    conn: &mut SqliteConnection,
    entry: &NewEntry,
    now: Timestamp,
) -> StoreResult<u64> {
    if !entry.channel.blocks(Channel::Email) || entry.valid_from > now {
        return Ok(0);
    }
    let reason = format!("suppressed: {} (entry {})", entry.reason.phrase(), entry.id);
    let done = sqlx::query(
        "UPDATE enrollments SET state = 'cancelled', state_reason = ?1, updated_at = ?2, \
         next_due_at = NULL, lease_until = NULL \
         WHERE tenant_id = ?3 AND state IN ('active', 'paused') AND (purpose_bit & ?4) != 0 \
         AND id IN (SELECT enrollment_id FROM enrollment_keys WHERE tenant_id = ?3 \
                    AND key_hash = ?5 AND (via_parent = 0 OR ?6))",
    )
    .bind(reason)
    .bind(us(now))
    .bind(blob(entry.tenant_id.0))
    .bind(i64::from(entry.purposes.bits()))
    .bind(entry.ident_hash.0.to_vec())
    .bind(entry.include_subdomains)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(done.rows_affected())
}

/// Cancels the pending enrolments that entries with row ids in `first..=last` apply to (bulk
/// writes: one statement joins the tenant's pending enrolments' keys to the new entries).
pub(crate) async fn cancel_for_rows(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    first: i64,
    last: i64,
    now: Timestamp,
) -> StoreResult<u64> {
    let done = sqlx::query(
        "UPDATE enrollments SET state = 'cancelled', \
         state_reason = 'suppressed (bulk import of suppressions)', updated_at = ?2, \
         next_due_at = NULL, lease_until = NULL \
         WHERE tenant_id = ?1 AND state IN ('active', 'paused') AND EXISTS ( \
           SELECT 1 FROM enrollment_keys k JOIN entries e \
             ON e.tenant_id = k.tenant_id AND e.ident_hash = k.key_hash AND e.ended_at IS NULL \
           WHERE k.tenant_id = ?1 AND k.enrollment_id = enrollments.id \
             AND e.row_id >= ?3 AND e.row_id <= ?4 \
             AND (k.via_parent = 0 OR e.include_subdomains = 1) \
             AND e.channel != 'phone' AND (e.purposes & enrollments.purpose_bit) != 0 \
             AND e.valid_from <= ?2)",
    )
    .bind(blob(tenant.0))
    .bind(us(now))
    .bind(first)
    .bind(last)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(done.rows_affected())
}

/// Does the tenant have any pending enrolment? (Bulk writers skip the join when not.)
pub(crate) async fn has_pending_enrollments(
    conn: &mut SqliteConnection,
    tenant: TenantId,
) -> StoreResult<bool> {
    let n: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM enrollments WHERE tenant_id = ? AND state IN ('active', 'paused') LIMIT 1",
    )
    .bind(blob(tenant.0))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(n.is_some())
}

/// Removes the clear recipient of the tenant's send records keyed on `hashes` (an erasure).
pub(crate) async fn erase_sends(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    hashes: &[IdentHash],
) -> StoreResult<u64> {
    let mut n = 0;
    for chunk in hashes.chunks(crate::store::LIST_CHUNK) {
        n += sqlx::query(
            "UPDATE sends SET recipient = NULL WHERE tenant_id = ?1 AND recipient IS NOT NULL \
             AND recipient_hash IN (SELECT unhex(value) FROM json_each(?2))",
        )
        .bind(blob(tenant.0))
        .bind(crate::store::hex_list(chunk))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?
        .rows_affected();
    }
    Ok(n)
}

fn purpose_bit(p: Purpose) -> i64 {
    i64::from(Purposes::of(p).bits())
}

/// A send record's columns, owned, ready to bind.
struct SendRow {
    tenant: Vec<u8>,
    id: Vec<u8>,
    at: i64,
    via: &'static str,
    sequence_id: Option<Vec<u8>>,
    enrollment_id: Option<Vec<u8>>,
    step: Option<i64>,
    session: Option<String>,
    credential: Option<Vec<u8>>,
    mailbox: Option<Vec<u8>>,
    route: Option<Vec<u8>>,
    sender: String,
    recipient: Option<String>,
    recipient_hash: Vec<u8>,
    contact: Option<Vec<u8>>,
    message_id: Option<String>,
    outcome: &'static str,
    detail: Option<String>,
    verdict: String,
}

impl SendRow {
    fn of(s: &SendRecord) -> StoreResult<Self> {
        let (via, sequence_id, enrollment_id, step, session, credential) = match &s.via {
            SendVia::Sequence {
                sequence_id,
                enrollment_id,
                step,
            } => (
                "sequence",
                Some(blob(sequence_id.0)),
                Some(blob(enrollment_id.0)),
                Some(i64::from(*step)),
                None,
                None,
            ),
            SendVia::Relay {
                session,
                credential_id,
            } => (
                "relay",
                None,
                None,
                None,
                Some(session.clone()),
                Some(blob(credential_id.0)),
            ),
        };
        Ok(Self {
            tenant: blob(s.tenant_id.0),
            id: blob(s.id.0),
            at: us(s.at),
            via,
            sequence_id,
            enrollment_id,
            step,
            session,
            credential,
            mailbox: s.mailbox_id.map(|m| blob(m.0)),
            route: s.route_id.map(|r| blob(r.0)),
            sender: s.from.clone(),
            recipient: s.recipient.clone(),
            recipient_hash: s.recipient_hash.0.to_vec(),
            contact: s.contact_id.map(|c| blob(c.0)),
            message_id: s.message_id.clone(),
            outcome: s.outcome.as_str(),
            detail: s.detail.clone(),
            verdict: json(&s.verdict, "a verdict")?,
        })
    }
}

/// Send records go in as multi-row statements: the relay and the scheduler write them in
/// batches of every sender waiting at that moment.
static INSERT_SENDS: std::sync::LazyLock<crate::batch::Batched> = std::sync::LazyLock::new(|| {
    crate::batch::Batched::new_or_ignore(
        concat!("INSERT INTO sends (", send_cols!(), ") VALUES "),
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        19,
        "",
    )
});

/// Moves the enrolments of a batch of finished steps, given as a JSON array of
/// `[state, reason, next_step, next_due_at, thread_message_id, tenant (hex), enrollment (hex),
/// step]`, and the time of the change: each only while still active at that step.
const MOVE_ENROLLMENTS: &str = "UPDATE enrollments SET state = m.state, \
             state_reason = COALESCE(m.reason, enrollments.state_reason), \
             next_step = m.step, next_due_at = m.due, \
             thread_message_id = COALESCE(enrollments.thread_message_id, m.thread), \
             lease_until = NULL, updated_at = ?2 \
             FROM (SELECT value ->> 0 AS state, value ->> 1 AS reason, value ->> 2 AS step, \
                          value ->> 3 AS due, value ->> 4 AS thread, \
                          unhex(value ->> 5) AS tenant, unhex(value ->> 6) AS enrollment, \
                          value ->> 7 AS at_step \
                   FROM json_each(?1)) AS m \
             WHERE enrollments.tenant_id = m.tenant AND enrollments.id = m.enrollment \
               AND enrollments.state = 'active' AND enrollments.next_step = m.at_step";

async fn insert_sends(conn: &mut SqliteConnection, sends: &[SendRecord]) -> StoreResult<()> {
    if sends.is_empty() {
        return Ok(());
    }
    let rows = sends
        .iter()
        .map(SendRow::of)
        .collect::<StoreResult<Vec<_>>>()?;
    INSERT_SENDS
        .execute_all(
            conn,
            &rows,
            |q, r| {
                q.bind(r.tenant.clone())
                    .bind(r.id.clone())
                    .bind(r.at)
                    .bind(r.via)
                    .bind(r.sequence_id.clone())
                    .bind(r.enrollment_id.clone())
                    .bind(r.step)
                    .bind(r.session.clone())
                    .bind(r.credential.clone())
                    .bind(r.mailbox.clone())
                    .bind(r.route.clone())
                    .bind(r.sender.clone())
                    .bind(r.recipient.clone())
                    .bind(r.recipient_hash.clone())
                    .bind(r.contact.clone())
                    .bind(r.message_id.clone())
                    .bind(r.outcome)
                    .bind(r.detail.clone())
                    .bind(r.verdict.clone())
            },
            || StoreError::Conflict("a send in this batch is recorded already".into()),
        )
        .await
}

async fn enrollment_in(
    conn: &mut SqliteConnection,
    tenant: TenantId,
    id: EnrollmentId,
) -> StoreResult<Enrollment> {
    let row = sqlx::query(concat!(
        "SELECT ",
        enrollment_cols!(),
        " FROM enrollments WHERE tenant_id = ? AND id = ?"
    ))
    .bind(blob(tenant.0))
    .bind(blob(id.0))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?
    .ok_or(StoreError::NotFound("enrollment"))?;
    enrollment(&row)
}

/// Groups drafts per tenant, keeping their order, for one `append_events` call each.
fn by_tenant(drafts: Vec<(TenantId, AuditDraft)>) -> BTreeMap<TenantId, Vec<AuditDraft>> {
    let mut m: BTreeMap<TenantId, Vec<AuditDraft>> = BTreeMap::new();
    for (t, d) in drafts {
        m.entry(t).or_default().push(d);
    }
    m
}

#[async_trait]
impl SendingStore for SqliteStore {
    async fn fence_send(
        &self,
        tenant: TenantId,
        keys: &[IdentHash],
    ) -> StoreResult<Box<dyn SendFence>> {
        let hold = if self.in_memory {
            Hold::Connection(self.writer.acquire().await.map_err(db_err)?)
        } else {
            Hold::Stripes(self.fence.shared(keys).await, self.reader.clone())
        };
        Ok(Box::new(SqliteFence {
            hold,
            tenant,
            keys: keys.to_vec(),
        }))
    }

    async fn create_sending_domain(&self, d: &SendingDomain, draft: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO sending_domains (",
            domain_cols!(),
            ") VALUES (?, ?, ?, NULL, NULL, NULL, NULL, NULL, NULL, ?, ?)"
        ))
        .bind(blob(d.tenant_id.0))
        .bind(blob(d.id.0))
        .bind(&d.domain)
        .bind(d.created_by.to_string())
        .bind(us(d.created_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            unique_or(e, || {
                format!("the sending domain {} exists already", d.domain)
            })
        })?;
        append_events(&mut tx, d.tenant_id, &[draft]).await?;
        self.commit(tx).await
    }

    async fn set_dkim_key(
        &self,
        tenant: TenantId,
        id: SendingDomainId,
        key: &DkimKeyRecord,
        draft: AuditDraft,
    ) -> StoreResult<SendingDomain> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE sending_domains SET dkim_selector = ?, dkim_algorithm = ?, dkim_private = ?, \
             dkim_public = ?, dkim_created_by = ?, dkim_created_at = ? WHERE tenant_id = ? AND id = ?",
        )
        .bind(&key.selector)
        .bind(key.algorithm.as_str())
        .bind(&key.private_sealed)
        .bind(&key.public_b64)
        .bind(key.created_by.to_string())
        .bind(us(key.created_at))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("sending domain"));
        }
        append_events(&mut tx, tenant, &[draft]).await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            domain_cols!(),
            " FROM sending_domains WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let d = sending_domain(&row)?;
        self.commit(tx).await?;
        Ok(d)
    }

    async fn get_sending_domain(
        &self,
        tenant: TenantId,
        id: SendingDomainId,
    ) -> StoreResult<SendingDomain> {
        let row = sqlx::query(concat!(
            "SELECT ",
            domain_cols!(),
            " FROM sending_domains WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("sending domain"))?;
        sending_domain(&row)
    }

    async fn sending_domain_by_name(
        &self,
        tenant: TenantId,
        domain: &str,
    ) -> StoreResult<Option<SendingDomain>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            domain_cols!(),
            " FROM sending_domains WHERE tenant_id = ? AND domain = ?"
        ))
        .bind(blob(tenant.0))
        .bind(domain)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(sending_domain).transpose()
    }

    async fn list_sending_domains(&self, tenant: TenantId) -> StoreResult<Vec<SendingDomain>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            domain_cols!(),
            " FROM sending_domains WHERE tenant_id = ? ORDER BY id"
        ))
        .bind(blob(tenant.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(sending_domain).collect()
    }

    async fn create_mailbox(&self, m: &Mailbox, draft: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO mailboxes (",
            mailbox_cols!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(blob(m.tenant_id.0))
        .bind(blob(m.id.0))
        .bind(m.address.as_str())
        .bind(&m.display_name)
        .bind(m.route_id.map(|r| blob(r.0)))
        .bind(i64::from(m.paused))
        .bind(m.created_by.to_string())
        .bind(us(m.created_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, || format!("the mailbox {} exists already", m.address)))?;
        append_events(&mut tx, m.tenant_id, &[draft]).await?;
        self.commit(tx).await
    }

    async fn get_mailbox(&self, tenant: TenantId, id: MailboxId) -> StoreResult<Mailbox> {
        let row = sqlx::query(concat!(
            "SELECT ",
            mailbox_cols!(),
            " FROM mailboxes WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("mailbox"))?;
        mailbox(&row)
    }

    async fn mailbox_by_address(
        &self,
        tenant: TenantId,
        address: &str,
    ) -> StoreResult<Option<Mailbox>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            mailbox_cols!(),
            " FROM mailboxes WHERE tenant_id = ? AND address = ?"
        ))
        .bind(blob(tenant.0))
        .bind(address)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(mailbox).transpose()
    }

    async fn list_mailboxes(&self, tenant: TenantId) -> StoreResult<Vec<Mailbox>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            mailbox_cols!(),
            " FROM mailboxes WHERE tenant_id = ? ORDER BY id"
        ))
        .bind(blob(tenant.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(mailbox).collect()
    }

    async fn update_mailbox(
        &self,
        tenant: TenantId,
        id: MailboxId,
        patch: &MailboxPatch,
        draft: AuditDraft,
    ) -> StoreResult<Mailbox> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            mailbox_cols!(),
            " FROM mailboxes WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("mailbox"))?;
        let mut m = mailbox(&row)?;
        if let Some(p) = patch.paused {
            m.paused = p;
        }
        if let Some(n) = &patch.display_name {
            m.display_name = n.clone();
        }
        sqlx::query(
            "UPDATE mailboxes SET paused = ?, display_name = ? WHERE tenant_id = ? AND id = ?",
        )
        .bind(i64::from(m.paused))
        .bind(&m.display_name)
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        append_events(&mut tx, tenant, &[draft]).await?;
        self.commit(tx).await?;
        Ok(m)
    }

    async fn create_smtp_credential(
        &self,
        c: &SmtpCredential,
        draft: AuditDraft,
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO smtp_credentials (",
            credential_cols!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)"
        ))
        .bind(blob(c.tenant_id.0))
        .bind(blob(c.id.0))
        .bind(&c.name)
        .bind(&c.username)
        .bind(c.secret_hash.to_vec())
        .bind(c.purpose.as_str())
        .bind(c.created_by.to_string())
        .bind(us(c.created_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            unique_or(e, || {
                format!("relay credentials named '{}' exist already", c.name)
            })
        })?;
        append_events(&mut tx, c.tenant_id, &[draft]).await?;
        self.commit(tx).await
    }

    async fn smtp_credential_by_username(
        &self,
        username: &str,
    ) -> StoreResult<Option<SmtpCredential>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            credential_cols!(),
            " FROM smtp_credentials WHERE username = ?"
        ))
        .bind(username)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(credential).transpose()
    }

    async fn list_smtp_credentials(&self, tenant: TenantId) -> StoreResult<Vec<SmtpCredential>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            credential_cols!(),
            " FROM smtp_credentials WHERE tenant_id = ? ORDER BY id"
        ))
        .bind(blob(tenant.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(credential).collect()
    }

    async fn revoke_smtp_credential(
        &self,
        tenant: TenantId,
        id: CredentialId,
        by: &Actor,
        at: Timestamp,
        draft: AuditDraft,
    ) -> StoreResult<SmtpCredential> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(concat!(
            "SELECT ",
            credential_cols!(),
            " FROM smtp_credentials WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("smtp credential"))?;
        let mut c = credential(&row)?;
        if c.revoked_at.is_some() {
            return Ok(c);
        }
        sqlx::query(
            "UPDATE smtp_credentials SET revoked_at = ?, revoked_by = ? WHERE tenant_id = ? AND id = ?",
        )
        .bind(us(at))
        .bind(by.to_string())
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        append_events(&mut tx, tenant, &[draft]).await?;
        self.commit(tx).await?;
        c.revoked_at = Some(at);
        c.revoked_by = Some(by.clone());
        Ok(c)
    }

    async fn create_sequence(&self, s: &Sequence, draft: AuditDraft) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        sqlx::query(concat!(
            "INSERT INTO sequences (",
            sequence_cols!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(blob(s.tenant_id.0))
        .bind(blob(s.id.0))
        .bind(&s.name)
        .bind(s.purpose.as_str())
        .bind(json(&s.steps, "sequence steps")?)
        .bind(s.created_by.to_string())
        .bind(us(s.created_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            unique_or(e, || {
                format!("a sequence named '{}' exists already", s.name)
            })
        })?;
        append_events(&mut tx, s.tenant_id, &[draft]).await?;
        self.commit(tx).await
    }

    async fn get_sequence(&self, tenant: TenantId, id: SequenceId) -> StoreResult<Sequence> {
        let row = sqlx::query(concat!(
            "SELECT ",
            sequence_cols!(),
            " FROM sequences WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("sequence"))?;
        sequence(&row)
    }

    async fn list_sequences(&self, tenant: TenantId) -> StoreResult<Vec<Sequence>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            sequence_cols!(),
            " FROM sequences WHERE tenant_id = ? ORDER BY id"
        ))
        .bind(blob(tenant.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(sequence).collect()
    }

    async fn enroll(
        &self,
        tenant: TenantId,
        enrollments: Vec<NewEnrollment>,
        drafts: Vec<AuditDraft>,
    ) -> StoreResult<Vec<EnrollOutcome>> {
        let mut tx = self.begin().await?;
        let mut out = Vec::with_capacity(enrollments.len());
        for ne in enrollments {
            let e = &ne.enrollment;
            if e.tenant_id != tenant {
                return Err(StoreError::Other(format!(
                    "enrolment {} belongs to another tenant",
                    e.id
                )));
            }
            let existing = sqlx::query(concat!(
                "SELECT ",
                enrollment_cols!(),
                " FROM enrollments WHERE tenant_id = ? AND sequence_id = ? AND contact_id = ? \
                 AND state IN ('active', 'paused')"
            ))
            .bind(blob(tenant.0))
            .bind(blob(e.sequence_id.0))
            .bind(blob(e.contact_id.0))
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
            if let Some(row) = existing {
                out.push(EnrollOutcome::Existing(enrollment(&row)?));
                continue;
            }
            sqlx::query(
                "INSERT INTO enrollments (tenant_id, id, sequence_id, contact_id, email, mailbox_id, \
                 purpose, purpose_bit, state, state_reason, next_step, next_due_at, \
                 thread_message_id, lease_until, created_by, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
            )
            .bind(blob(tenant.0))
            .bind(blob(e.id.0))
            .bind(blob(e.sequence_id.0))
            .bind(blob(e.contact_id.0))
            .bind(e.email.as_str())
            .bind(blob(e.mailbox_id.0))
            .bind(e.purpose.as_str())
            .bind(purpose_bit(e.purpose))
            .bind(e.state.as_str())
            .bind(&e.state_reason)
            .bind(i64::from(e.next_step))
            .bind(e.next_due_at.map(us))
            .bind(&e.thread_message_id)
            .bind(e.created_by.to_string())
            .bind(us(e.created_at))
            .bind(us(e.updated_at))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            for k in &ne.keys {
                sqlx::query(
                    "INSERT OR IGNORE INTO enrollment_keys (tenant_id, key_hash, enrollment_id, via_parent) \
                     VALUES (?, ?, ?, ?)",
                )
                .bind(blob(tenant.0))
                .bind(k.hash.0.to_vec())
                .bind(blob(e.id.0))
                .bind(k.via_parent)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            out.push(EnrollOutcome::Created(ne.enrollment));
        }
        append_events(&mut tx, tenant, &drafts).await?;
        self.commit_outside_feed(tx).await?;
        Ok(out)
    }

    async fn get_enrollment(&self, tenant: TenantId, id: EnrollmentId) -> StoreResult<Enrollment> {
        let mut conn = self.read().await?;
        enrollment_in(&mut conn, tenant, id).await
    }

    async fn list_enrollments(
        &self,
        tenant: TenantId,
        filter: &EnrollmentFilter,
        page_req: PageRequest<EnrollmentId>,
    ) -> StoreResult<Page<Enrollment, EnrollmentId>> {
        let limit = limit_of(page_req.limit);
        let mut qb = sqlx::QueryBuilder::new(concat!(
            "SELECT ",
            enrollment_cols!(),
            " FROM enrollments WHERE tenant_id = "
        ));
        qb.push_bind(blob(tenant.0));
        if let Some(s) = filter.sequence_id {
            qb.push(" AND sequence_id = ").push_bind(blob(s.0));
        }
        if let Some(c) = filter.contact_id {
            qb.push(" AND contact_id = ").push_bind(blob(c.0));
        }
        if let Some(s) = filter.state {
            qb.push(" AND state = ").push_bind(s.as_str());
        }
        if let Some(after) = page_req.after {
            qb.push(" AND id < ").push_bind(blob(after.0));
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(limit as i64 + 1);
        let rows = qb.build().fetch_all(&self.reader).await.map_err(db_err)?;
        let items = rows
            .iter()
            .map(enrollment)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(page(items, limit, |e: &Enrollment| e.id))
    }

    async fn pending_enrollments_of(
        &self,
        tenant: TenantId,
        contacts: &[ContactId],
    ) -> StoreResult<Vec<Enrollment>> {
        let mut out = Vec::new();
        for chunk in contacts.chunks(1000) {
            let ids: Vec<String> = chunk.iter().map(|c| c.0.simple().to_string()).collect();
            let rows = sqlx::query(concat!(
                "SELECT ",
                enrollment_cols!(),
                " FROM enrollments WHERE tenant_id = ?1 AND state IN ('active', 'paused') \
                 AND contact_id IN (SELECT unhex(value) FROM json_each(?2)) ORDER BY id"
            ))
            .bind(blob(tenant.0))
            .bind(json(&ids, "contact ids")?)
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
            for r in &rows {
                out.push(enrollment(r)?);
            }
        }
        Ok(out)
    }

    async fn pending_enrollments_by_key(
        &self,
        tenant: TenantId,
        hash: &IdentHash,
    ) -> StoreResult<Vec<Enrollment>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            enrollment_cols!(),
            " FROM enrollments WHERE tenant_id = ?1 AND state IN ('active', 'paused') \
             AND id IN (SELECT enrollment_id FROM enrollment_keys WHERE tenant_id = ?1 \
                        AND key_hash = ?2 AND via_parent = 0) ORDER BY id"
        ))
        .bind(blob(tenant.0))
        .bind(hash.0.to_vec())
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(enrollment).collect()
    }

    async fn change_enrollment(
        &self,
        tenant: TenantId,
        id: EnrollmentId,
        change: &EnrollmentChange,
        draft: AuditDraft,
    ) -> StoreResult<Enrollment> {
        let now = veto_domain::now();
        let mut tx = self.begin().await?;
        let current = enrollment_in(&mut tx, tenant, id).await?;
        if !current.state.is_pending() {
            return Err(StoreError::Conflict(format!(
                "enrolment {id} is {} and can no longer change",
                current.state
            )));
        }
        let due = if change.state.is_pending() {
            change.next_due_at.or(current.next_due_at)
        } else {
            None
        };
        sqlx::query(
            "UPDATE enrollments SET state = ?, state_reason = ?, next_due_at = ?, updated_at = ?, \
             lease_until = NULL WHERE tenant_id = ? AND id = ?",
        )
        .bind(change.state.as_str())
        .bind(&change.reason)
        .bind(due.map(us))
        .bind(us(now))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        append_events(&mut tx, tenant, &[draft]).await?;
        let e = enrollment_in(&mut tx, tenant, id).await?;
        self.commit(tx).await?;
        Ok(e)
    }

    async fn claim_due_steps(
        &self,
        now: Timestamp,
        lease_secs: u32,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedStep>> {
        let mut tx = self.begin().await?;
        let lease_until = now + time::Duration::seconds(i64::from(lease_secs));
        let rows = sqlx::query(concat!(
            "UPDATE enrollments SET lease_until = ?1 WHERE rowid IN ( \
               SELECT rowid FROM enrollments INDEXED BY enrollments_due \
               WHERE state = 'active' AND next_due_at <= ?2 \
                 AND (lease_until IS NULL OR lease_until <= ?2) \
               ORDER BY next_due_at, id LIMIT ?3) RETURNING ",
            enrollment_cols!()
        ))
        .bind(us(lease_until))
        .bind(us(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let mut out = rows
            .iter()
            .map(|r| {
                enrollment(r).map(|e| ClaimedStep {
                    step: e.next_step,
                    enrollment: e,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        self.commit_outside_feed(tx).await?;
        // RETURNING gives no order guarantee.
        out.sort_by_key(|c| (c.enrollment.next_due_at, c.enrollment.id));
        Ok(out)
    }

    async fn finish_steps(&self, outcomes: Vec<StepOutcome>) -> StoreResult<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let now = veto_domain::now();
        let mut tx = self.begin().await?;
        let mut drafts = Vec::new();
        let sends: Vec<SendRecord> = outcomes.iter().filter_map(|o| o.send.clone()).collect();
        insert_sends(&mut tx, &sends).await?;
        // Each enrolment moves on (or is cancelled, or waits) by one statement for the whole
        // batch: one hand-off to the database thread instead of one per step.
        let mut moves = Vec::with_capacity(outcomes.len());
        for o in outcomes {
            let (state, reason, step, due, thread) = match &o.result {
                StepResult::Sent {
                    next_due_at,
                    thread_message_id,
                } => (
                    if next_due_at.is_some() {
                        "active"
                    } else {
                        "completed"
                    },
                    None,
                    i64::from(o.step) + 1,
                    *next_due_at,
                    thread_message_id.clone(),
                ),
                StepResult::Blocked { reason } | StepResult::Failed { reason } => (
                    "cancelled",
                    Some(reason.clone()),
                    i64::from(o.step),
                    None,
                    None,
                ),
                StepResult::Deferred { retry_at } => {
                    ("active", None, i64::from(o.step), Some(*retry_at), None)
                }
            };
            moves.push((
                o.enrollment_id,
                serde_json::json!([
                    state,
                    reason,
                    step,
                    due.map(us),
                    thread,
                    o.tenant_id.0.simple().to_string(),
                    o.enrollment_id.0.simple().to_string(),
                    i64::from(o.step),
                ]),
            ));
            drafts.extend(o.drafts.into_iter().map(|d| (o.tenant_id, d)));
        }
        // Only an enrolment still active at that step moves: a cancellation (or a reply, a
        // pause) written while the step was out stands. An enrolment whose step was claimed
        // twice (a lease that ran out) may stand twice in a batch; then the moves go one by
        // one, in order, as each would have alone.
        let mut seen = std::collections::HashSet::with_capacity(moves.len());
        let batches: Vec<Vec<serde_json::Value>> = if moves.iter().all(|(id, _)| seen.insert(*id)) {
            vec![moves.into_iter().map(|(_, m)| m).collect()]
        } else {
            moves.into_iter().map(|(_, m)| vec![m]).collect()
        };
        for batch in batches {
            sqlx::query(MOVE_ENROLLMENTS)
                .bind(serde_json::Value::Array(batch).to_string())
                .bind(us(now))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        }
        for (tenant, ds) in by_tenant(drafts) {
            append_events(&mut tx, tenant, &ds).await?;
        }
        self.commit_outside_feed(tx).await
    }

    async fn record_sends(
        &self,
        sends: Vec<SendRecord>,
        drafts: Vec<(TenantId, AuditDraft)>,
    ) -> StoreResult<()> {
        if sends.is_empty() && drafts.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        insert_sends(&mut tx, &sends).await?;
        for (tenant, ds) in by_tenant(drafts) {
            append_events(&mut tx, tenant, &ds).await?;
        }
        self.commit_outside_feed(tx).await
    }

    async fn get_send(&self, tenant: TenantId, id: SendId) -> StoreResult<SendRecord> {
        let row = sqlx::query(concat!(
            "SELECT ",
            send_cols!(),
            " FROM sends WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("send"))?;
        send(&row)
    }

    async fn list_sends(
        &self,
        tenant: TenantId,
        filter: &SendFilter,
        page_req: PageRequest<SendId>,
    ) -> StoreResult<Page<SendRecord, SendId>> {
        let limit = limit_of(page_req.limit);
        let mut qb = sqlx::QueryBuilder::new(concat!(
            "SELECT ",
            send_cols!(),
            " FROM sends WHERE tenant_id = "
        ));
        qb.push_bind(blob(tenant.0));
        if let Some(h) = &filter.recipient_hash {
            qb.push(" AND recipient_hash = ").push_bind(h.0.to_vec());
        }
        if let Some(o) = filter.outcome {
            qb.push(" AND outcome = ").push_bind(o.as_str());
        }
        if let Some(e) = filter.enrollment_id {
            qb.push(" AND enrollment_id = ").push_bind(blob(e.0));
        }
        if let Some(m) = filter.mailbox_id {
            qb.push(" AND mailbox_id = ").push_bind(blob(m.0));
        }
        if let Some(t) = filter.since {
            qb.push(" AND at >= ").push_bind(us(t));
        }
        if let Some(after) = page_req.after {
            qb.push(" AND id < ").push_bind(blob(after.0));
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(limit as i64 + 1);
        let rows = qb.build().fetch_all(&self.reader).await.map_err(db_err)?;
        let items = rows.iter().map(send).collect::<StoreResult<Vec<_>>>()?;
        Ok(page(items, limit, |s: &SendRecord| s.id))
    }

    async fn sends_by_message_ids(
        &self,
        tenant: TenantId,
        message_ids: &[String],
    ) -> StoreResult<Vec<SendRecord>> {
        if message_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(concat!(
            "SELECT ",
            send_cols!(),
            " FROM sends WHERE tenant_id = ?1 AND message_id IN (SELECT value FROM json_each(?2)) \
             ORDER BY id"
        ))
        .bind(blob(tenant.0))
        .bind(json(&message_ids, "message ids")?)
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(send).collect()
    }

    async fn count_sent_since(
        &self,
        tenant: TenantId,
        recipients: &[IdentHash],
        since: Timestamp,
    ) -> StoreResult<u64> {
        if recipients.is_empty() {
            return Ok(0);
        }
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sends WHERE tenant_id = ?1 AND outcome = 'sent' AND at >= ?3 \
             AND recipient_hash IN (SELECT unhex(value) FROM json_each(?2))",
        )
        .bind(blob(tenant.0))
        .bind(crate::store::hex_list(recipients))
        .bind(us(since))
        .fetch_one(&self.reader)
        .await
        .map_err(db_err)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
