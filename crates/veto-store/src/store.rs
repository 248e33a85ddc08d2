//! The [`Store`] trait: one method per use case. Every mutation takes the audit drafts (or
//! composes them with [`crate::events`]) and commits them in the same transaction, sealed
//! into the tenant's hash chain. Every method that reads tenant data takes the tenant id and
//! never returns another tenant's rows.

use std::sync::Arc;

use async_trait::async_trait;
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, AuditEvent};
use veto_domain::contact::Contact;
use veto_domain::id::{
    ApiKeyId, ContactId, EntryId, ImportId, LiftId, RouteId, SignalId, SourceId, TenantId, UserId,
};
use veto_domain::import::ImportRecord;
use veto_domain::inbound::{InboundSource, SourceKind};
use veto_domain::keyed_hash::IdentHash;
use veto_domain::lift::LiftRequest;
use veto_domain::policy::TenantPolicy;
use veto_domain::route::Route;
use veto_domain::signal::{NewSignal, Signal, SignalFinish, SignalStart, SoftBounceCount};
use veto_domain::suppression::{Entry, NewEntry};

use crate::change::{Change, IndexRow};
use crate::error::StoreResult;
use crate::model::*;

/// A shared, dynamically chosen store.
pub type DynStore = Arc<dyn Store>;

/// The whole storage contract; the sending half is [`crate::sending::SendingStore`].
#[async_trait]
pub trait Store: crate::sending::SendingStore + Send + Sync + 'static {
    /// Which backend this is ("sqlite", "postgres").
    fn backend(&self) -> &'static str;

    /// The number of write transactions that appended to the change feed this store object
    /// has committed, when it counts them (counted after each commit). A node that is the only writer of its database uses
    /// it to know, without a read, that nothing changed since it last followed the feed.
    fn local_writes(&self) -> Option<u64> {
        None
    }

    // ----- tenants -----

    /// Creates a tenant with its first admin user and that user's first key. Audits
    /// `drafts` (tenant.created, user.created, key.created) as the first events of the
    /// tenant's chain. `Conflict` if a tenant of that name exists.
    async fn create_tenant(
        &self,
        tenant: Tenant,
        admin: User,
        key: ApiKey,
        drafts: Vec<AuditDraft>,
    ) -> StoreResult<()>;
    async fn get_tenant(&self, id: TenantId) -> StoreResult<Tenant>;
    async fn list_tenants(&self) -> StoreResult<Vec<Tenant>>;
    /// Replaces the policy (already validated). Appends a `Policy` change.
    async fn update_policy(
        &self,
        tenant: TenantId,
        policy: &TenantPolicy,
        draft: AuditDraft,
    ) -> StoreResult<()>;

    // ----- users and keys -----

    /// `Conflict` when the e-mail is already a user of the tenant.
    async fn create_user(&self, user: User, draft: AuditDraft) -> StoreResult<User>;
    async fn get_user(&self, tenant: TenantId, id: UserId) -> StoreResult<User>;
    async fn list_users(&self, tenant: TenantId) -> StoreResult<Vec<User>>;
    /// Appends an `Auth` change.
    async fn update_user(
        &self,
        tenant: TenantId,
        id: UserId,
        patch: UserPatch,
        draft: AuditDraft,
    ) -> StoreResult<User>;
    async fn create_key(&self, key: ApiKey, draft: AuditDraft) -> StoreResult<ApiKey>;
    /// The key with this secret hash and its user, if the key exists (revoked or not).
    async fn key_by_hash(&self, key_hash: &[u8; 32]) -> StoreResult<Option<(ApiKey, User)>>;
    async fn list_keys(&self, tenant: TenantId) -> StoreResult<Vec<ApiKey>>;
    /// Marks the key revoked (idempotent: revoking a revoked key returns it unchanged and
    /// writes nothing). Appends an `Auth` change.
    async fn revoke_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        by: &Actor,
        at: Timestamp,
        draft: AuditDraft,
    ) -> StoreResult<ApiKey>;

    // ----- suppressions -----

    /// Adds an entry, or returns the same suppression already in force (recording a
    /// `suppression.duplicate` event). Entries of the same suppression whose expiry has passed
    /// are ended as expired first. Appends an `Added` change for a new entry.
    async fn add_suppression(&self, entry: NewEntry) -> StoreResult<AddOutcome>;
    /// Adds many entries in one transaction, skipping those already in force, with one audit
    /// event (`draft`, whose data gains the counts). Used by bulk loads and migrations.
    async fn import_entries(
        &self,
        tenant: TenantId,
        entries: Vec<NewEntry>,
        draft: AuditDraft,
    ) -> StoreResult<ImportReport>;
    async fn get_entry(&self, tenant: TenantId, id: EntryId) -> StoreResult<Entry>;
    /// Every event whose subject is the entry, oldest first.
    async fn entry_history(&self, tenant: TenantId, id: EntryId) -> StoreResult<Vec<AuditEvent>>;
    async fn list_entries(
        &self,
        tenant: TenantId,
        filter: &EntryFilter,
        page: PageRequest<EntryId>,
    ) -> StoreResult<Page<Entry, EntryId>>;
    /// Every entry (in force or not) keyed on one of these hashes: for `as_of` checks.
    async fn entries_by_hashes(
        &self,
        tenant: TenantId,
        hashes: &[IdentHash],
    ) -> StoreResult<Vec<Entry>>;
    /// Entries by row id (as the check index holds them), with their row ids.
    async fn entries_by_rows(
        &self,
        tenant: TenantId,
        rows: &[i64],
    ) -> StoreResult<Vec<(i64, Entry)>>;

    // ----- check index feed -----

    /// Up to `limit` entries not ended, with row id > `after_row`, in row order (index load).
    /// Must be fast: a node loads 10M rows at start (select only the columns of `IndexRow`).
    async fn index_rows(
        &self,
        tenant: TenantId,
        after_row: i64,
        limit: u32,
    ) -> StoreResult<Vec<IndexRow>>;
    /// Entries not ended with row ids in `first..=last` (applying an `Added` change).
    async fn index_rows_in_range(
        &self,
        tenant: TenantId,
        first: i64,
        last: i64,
    ) -> StoreResult<Vec<IndexRow>>;
    /// The newest change sequence number (0 when none).
    async fn latest_change(&self) -> StoreResult<i64>;
    /// Up to `limit` changes with seq > `after`, in seq order.
    async fn changes_after(&self, after: i64, limit: u32) -> StoreResult<Vec<Change>>;

    // ----- lifts -----

    /// `Conflict` if the entry is not in force or already has a pending request.
    async fn create_lift_request(
        &self,
        lift: LiftRequest,
        actor: &Actor,
    ) -> StoreResult<LiftRequest>;
    async fn get_lift_request(&self, tenant: TenantId, id: LiftId) -> StoreResult<LiftRequest>;
    async fn list_lift_requests(
        &self,
        tenant: TenantId,
        filter: &LiftFilter,
        page: PageRequest<LiftId>,
    ) -> StoreResult<Page<LiftRequest, LiftId>>;
    /// Applies a decision to a pending request (`Conflict` if no longer pending). Approval
    /// ends the entry (`Conflict` if it is no longer in force) and appends an `Ended` change.
    async fn decide_lift_request(
        &self,
        tenant: TenantId,
        decision: LiftDecision,
    ) -> StoreResult<LiftRequest>;

    // ----- expiry and erasure -----

    /// Ends up to `limit` entries whose expiry is at or before `now`, as of their expiry time.
    async fn expire_due(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Entry>>;
    /// Removes clear identifiers, evidence and lift texts of the entries keyed on `hashes`;
    /// keeps the hashes so the person stays blocked. Audits `draft` (which carries no
    /// personal data) with the counts.
    async fn erase(
        &self,
        tenant: TenantId,
        hashes: &[IdentHash],
        draft: AuditDraft,
    ) -> StoreResult<ErasureReport>;

    // ----- audit -----

    /// Appends an event on its own (blocked attempts and other non-mutating events).
    async fn append_audit(&self, tenant: TenantId, draft: AuditDraft) -> StoreResult<AuditEvent>;
    /// Newest first; `after` is a seq.
    async fn list_audit(
        &self,
        tenant: TenantId,
        filter: &AuditFilter,
        page: PageRequest<i64>,
    ) -> StoreResult<Page<AuditEvent, i64>>;
    /// Up to `limit` events with seq > `after_seq`, in stored seq order (chain verification).
    async fn audit_chain(
        &self,
        tenant: TenantId,
        after_seq: i64,
        limit: u32,
    ) -> StoreResult<Vec<AuditEvent>>;
    /// The recorded head of the chain: (last seq, its hash).
    async fn audit_head(&self, tenant: TenantId) -> StoreResult<(i64, [u8; 32])>;

    // ----- contacts and imports -----

    /// Starts a lead import: a transaction that reads and writes contacts, adds the
    /// suppressions of the file's DNC column, appends blocked-attempt events and stores the
    /// per-row report. Nothing is visible to others until [`LeadImportTx::commit`]; dropping
    /// the transaction without committing writes nothing. Events and new entries reach the
    /// tenant's audit chain and the change feed in order at commit (a backend may hold the
    /// chain for the whole transaction, or decide them as calls come in and seal them then).
    async fn begin_lead_import(&self, tenant: TenantId) -> StoreResult<Box<dyn LeadImportTx>>;
    /// Records a finished suppression import (whose entries went in through
    /// [`Store::import_entries`]) with its report, and audits `draft`.
    async fn record_import(
        &self,
        import: &ImportRecord,
        report: Vec<Vec<u8>>,
        draft: AuditDraft,
    ) -> StoreResult<()>;
    async fn get_import(&self, tenant: TenantId, id: ImportId) -> StoreResult<ImportRecord>;
    /// Newest first.
    async fn list_imports(
        &self,
        tenant: TenantId,
        page: PageRequest<ImportId>,
    ) -> StoreResult<Page<ImportRecord, ImportId>>;
    /// Chunk `n` (0-based) of an import's report, as written; `None` past the last chunk.
    async fn import_report_chunk(
        &self,
        tenant: TenantId,
        id: ImportId,
        n: u32,
    ) -> StoreResult<Option<Vec<u8>>>;
    async fn get_contact(&self, tenant: TenantId, id: ContactId) -> StoreResult<Contact>;
    /// The contacts of `tenant` among `ids`, in no particular order; ids of no contact (or of
    /// another tenant's) are left out.
    async fn get_contacts(&self, tenant: TenantId, ids: &[ContactId]) -> StoreResult<Vec<Contact>>;
    /// The contact one of whose addresses is `email` (normalised).
    async fn contact_by_email(&self, tenant: TenantId, email: &str)
    -> StoreResult<Option<Contact>>;
    /// Newest first.
    async fn list_contacts(
        &self,
        tenant: TenantId,
        page: PageRequest<ContactId>,
    ) -> StoreResult<Page<Contact, ContactId>>;
    // ----- signals -----

    /// Records an inbound signal with its raw bytes, unless the tenant already has one with
    /// the same key: then returns that one, as `Seen` when it was processed, as `New` when an
    /// earlier attempt stopped before finishing (it is processed again; every action is
    /// idempotent).
    async fn begin_signal(&self, signal: NewSignal) -> StoreResult<SignalStart>;
    /// Stores what processing did, remembers the keyed hashes it concerns (for erasure) and
    /// audits `draft`, in one transaction.
    async fn finish_signal(
        &self,
        tenant: TenantId,
        id: SignalId,
        finish: SignalFinish,
        draft: AuditDraft,
    ) -> StoreResult<Signal>;
    async fn get_signal(&self, tenant: TenantId, id: SignalId) -> StoreResult<Signal>;
    /// The raw bytes as received; `None` after an erasure.
    async fn signal_raw(&self, tenant: TenantId, id: SignalId) -> StoreResult<Option<Vec<u8>>>;
    /// Newest first.
    async fn list_signals(
        &self,
        tenant: TenantId,
        filter: &SignalFilter,
        page: PageRequest<SignalId>,
    ) -> StoreResult<Page<Signal, SignalId>>;
    /// Counts one soft bounce of the address keyed `hash` at `at` and returns the count since
    /// the last reset.
    async fn count_soft_bounce(
        &self,
        tenant: TenantId,
        hash: &IdentHash,
        at: Timestamp,
    ) -> StoreResult<SoftBounceCount>;
    /// Starts the address's soft-bounce count again (a delivery, a reply, or a block).
    /// Returns whether there was a count.
    async fn reset_soft_bounces(&self, tenant: TenantId, hash: &IdentHash) -> StoreResult<bool>;

    // ----- inbound sources -----

    /// Stores a new source and audits `draft`.
    async fn create_source(&self, source: &InboundSource, draft: AuditDraft) -> StoreResult<()>;
    async fn get_source(&self, tenant: TenantId, id: SourceId) -> StoreResult<InboundSource>;
    /// The tenant's sources, oldest first (disabled ones included).
    async fn list_sources(&self, tenant: TenantId) -> StoreResult<Vec<InboundSource>>;
    /// Every enabled source of `kind`, of every tenant (the poller's work list).
    async fn enabled_sources(&self, kind: SourceKind) -> StoreResult<Vec<InboundSource>>;
    /// Records a run: the reader's new state, when, and its error (`None` on success).
    async fn record_source_run(
        &self,
        tenant: TenantId,
        id: SourceId,
        state: &str,
        at: Timestamp,
        error: Option<&str>,
    ) -> StoreResult<()>;
    /// Switches a source off (idempotent) and audits `draft`.
    async fn disable_source(
        &self,
        tenant: TenantId,
        id: SourceId,
        draft: AuditDraft,
    ) -> StoreResult<InboundSource>;

    // ----- outbound routes -----

    /// Stores a route and audits `draft`; the tenant's first route becomes its default.
    /// Returns the route as stored. `Conflict` when the tenant has a route of that name.
    async fn create_route(&self, route: &Route, draft: AuditDraft) -> StoreResult<Route>;
    async fn get_route(&self, tenant: TenantId, id: RouteId) -> StoreResult<Route>;
    /// Oldest first.
    async fn list_routes(&self, tenant: TenantId) -> StoreResult<Vec<Route>>;

    /// Up to `limit` entries with row id > `after_row`, in row order, that were in force at
    /// `as_of` (now when `None`): for exports. Returns each with its row id.
    async fn export_entries(
        &self,
        tenant: TenantId,
        as_of: Option<Timestamp>,
        after_row: i64,
        limit: u32,
    ) -> StoreResult<Vec<(i64, Entry)>>;
}

/// The transaction of one lead import (see [`Store::begin_lead_import`]).
#[async_trait]
pub trait LeadImportTx: Send {
    /// The contacts of the tenant holding any of these normalised addresses (including
    /// those written earlier in this transaction), each with the address that found it.
    async fn contacts_by_emails(
        &mut self,
        emails: &[String],
    ) -> StoreResult<Vec<(String, Contact)>>;
    /// Inserts `created` and replaces `updated` (every field, addresses included).
    /// `Conflict` when an address already belongs to another contact.
    async fn write_contacts(&mut self, created: &[Contact], updated: &[Contact])
    -> StoreResult<()>;
    /// Adds suppressions (the DNC column): for each, the new entry or the same suppression
    /// already in force. New entries reach the change feed at commit.
    async fn add_entries(&mut self, entries: Vec<NewEntry>) -> StoreResult<Vec<AddOutcome>>;
    /// Appends events (blocked attempts) to the tenant's chain.
    async fn append_audit(&mut self, drafts: Vec<AuditDraft>) -> StoreResult<()>;
    /// Stores chunk `n` of the report (chunks are numbered from 0 without gaps).
    async fn write_report_chunk(&mut self, n: u32, data: Vec<u8>) -> StoreResult<()>;
    /// Records the import (`import.report_chunks` = chunks written), audits `draft`,
    /// appends an `Added` change when entries were added, and commits everything.
    async fn commit(self: Box<Self>, import: &ImportRecord, draft: AuditDraft) -> StoreResult<()>;
}
