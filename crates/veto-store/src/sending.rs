//! The sending side of the storage contract: sending domains and DKIM keys, mailboxes, relay
//! credentials, sequences, enrolments, the scheduler's claims, send attempts — and the send
//! fence that makes "no message after a suppression committed" a guarantee rather than a race.
//!
//! # The send fence
//! A check made before sending and the suppression written a moment later could otherwise
//! interleave: check (allowed) → suppression commits → message handed to the upstream. The
//! fence orders them. [`SendingStore::fence_send`] holds the recipient's keys (keyed hashes of
//! every identifier a check would probe) in shared mode until released; every writer of a
//! suppression holds the keys of its entries in exclusive mode from before its transaction
//! until after it commits. So a suppression either committed before the fence was taken (and
//! [`SendFence::entries`], read inside the fence, sees it) or commits only after the message
//! was handed over. SQLite (one serving process) fences in memory; PostgreSQL with advisory
//! locks, so the guarantee holds across nodes.
//!
//! Every writer of entries also cancels, in the same transaction, the pending enrolments the
//! new entries apply to.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::AuditDraft;
use veto_domain::id::{
    ContactId, CredentialId, EnrollmentId, MailboxId, SendId, SendingDomainId, SequenceId, TenantId,
};
use veto_domain::keyed_hash::IdentHash;
use veto_domain::mailbox::{DkimKeyRecord, Mailbox, SendingDomain};
use veto_domain::send::{SendOutcome, SendRecord};
use veto_domain::sequence::{Enrollment, EnrollmentState, Sequence};
use veto_domain::smtp_credential::SmtpCredential;
use veto_domain::suppression::Entry;

use crate::error::StoreResult;
use crate::model::{Page, PageRequest};

/// One key of an enrolment's recipient: the keyed hash of an identifier a check of the
/// recipient probes (each address, its domain and parent domains, the company id, the contact
/// id). `via_parent` marks a parent domain: only entries that cover subdomains apply through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnrollmentKey {
    pub hash: IdentHash,
    pub via_parent: bool,
}

/// An enrolment to write, with its recipient's keys.
#[derive(Debug, Clone)]
pub struct NewEnrollment {
    pub enrollment: Enrollment,
    pub keys: Vec<EnrollmentKey>,
}

/// The result of writing one enrolment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnrollOutcome {
    Created(Enrollment),
    /// The contact has a pending enrolment in this sequence already: it is returned.
    Existing(Enrollment),
}

/// Which enrolments to list.
#[derive(Debug, Clone, Default)]
pub struct EnrollmentFilter {
    pub sequence_id: Option<SequenceId>,
    pub contact_id: Option<ContactId>,
    pub state: Option<EnrollmentState>,
}

/// A change to one enrolment, applied only while it is still pending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentChange {
    pub state: EnrollmentState,
    pub reason: Option<String>,
    /// `Some(t)`: the next step is due at `t`; `None`: leave the due time as it is.
    pub next_due_at: Option<Timestamp>,
}

/// An enrolment the scheduler claimed: nobody else sends its next step until the lease ends.
#[derive(Debug, Clone)]
pub struct ClaimedStep {
    pub enrollment: Enrollment,
    /// The step to send (0-based index into the sequence's steps).
    pub step: u32,
}

/// What sending (or not sending) a claimed step did to its enrolment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepResult {
    /// Sent: the enrolment moves to the next step, due at `next_due_at` (`None`: that was
    /// the last step and the enrolment is completed).
    Sent {
        next_due_at: Option<Timestamp>,
        thread_message_id: Option<String>,
    },
    /// Blocked by the registry: the enrolment is cancelled.
    Blocked { reason: String },
    /// Not sent now: the same step is due again at `retry_at`.
    Deferred { retry_at: Timestamp },
    /// The upstream refused the message for good: the enrolment stops (`cancelled`).
    Failed { reason: String },
}

/// One claimed step's outcome: its send record (if a message was attempted), what happens to
/// the enrolment, and audit events (blocked attempts).
#[derive(Debug, Clone)]
pub struct StepOutcome {
    pub tenant_id: TenantId,
    pub enrollment_id: EnrollmentId,
    pub step: u32,
    pub send: Option<SendRecord>,
    pub result: StepResult,
    pub drafts: Vec<AuditDraft>,
}

/// Which send attempts to list.
#[derive(Debug, Clone, Default)]
pub struct SendFilter {
    pub recipient_hash: Option<IdentHash>,
    pub outcome: Option<SendOutcome>,
    pub enrollment_id: Option<EnrollmentId>,
    pub mailbox_id: Option<MailboxId>,
    pub since: Option<Timestamp>,
}

/// What a mailbox change sets; `None` leaves a field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxPatch {
    pub paused: Option<bool>,
    pub display_name: Option<Option<String>>,
}

/// Suppressions of the fenced keys cannot commit while this is held.
#[async_trait]
pub trait SendFence: Send {
    /// The entries not ended keyed on the fenced keys, as committed now.
    async fn entries(&mut self) -> StoreResult<Vec<Entry>>;
    /// Lets waiting suppressions commit.
    async fn release(self: Box<Self>) -> StoreResult<()>;
}

#[async_trait]
pub trait SendingStore: Send + Sync + 'static {
    // ----- fence -----

    /// Takes the send fence on `keys` of the tenant (see the module documentation).
    async fn fence_send(
        &self,
        tenant: TenantId,
        keys: &[IdentHash],
    ) -> StoreResult<Box<dyn SendFence>>;

    // ----- sending domains -----

    /// `Conflict` when the tenant has the domain already.
    async fn create_sending_domain(
        &self,
        domain: &SendingDomain,
        draft: AuditDraft,
    ) -> StoreResult<()>;
    /// Replaces the domain's DKIM key (the old key is no longer used to sign).
    async fn set_dkim_key(
        &self,
        tenant: TenantId,
        id: SendingDomainId,
        key: &DkimKeyRecord,
        draft: AuditDraft,
    ) -> StoreResult<SendingDomain>;
    async fn get_sending_domain(
        &self,
        tenant: TenantId,
        id: SendingDomainId,
    ) -> StoreResult<SendingDomain>;
    /// The tenant's domain of that (normalised) name.
    async fn sending_domain_by_name(
        &self,
        tenant: TenantId,
        domain: &str,
    ) -> StoreResult<Option<SendingDomain>>;
    /// Oldest first.
    async fn list_sending_domains(&self, tenant: TenantId) -> StoreResult<Vec<SendingDomain>>;

    // ----- mailboxes -----

    /// `Conflict` when the tenant has a mailbox of that address.
    async fn create_mailbox(&self, mailbox: &Mailbox, draft: AuditDraft) -> StoreResult<()>;
    async fn get_mailbox(&self, tenant: TenantId, id: MailboxId) -> StoreResult<Mailbox>;
    async fn mailbox_by_address(
        &self,
        tenant: TenantId,
        address: &str,
    ) -> StoreResult<Option<Mailbox>>;
    /// Oldest first.
    async fn list_mailboxes(&self, tenant: TenantId) -> StoreResult<Vec<Mailbox>>;
    async fn update_mailbox(
        &self,
        tenant: TenantId,
        id: MailboxId,
        patch: &MailboxPatch,
        draft: AuditDraft,
    ) -> StoreResult<Mailbox>;

    // ----- relay credentials -----

    /// `Conflict` when the user name exists (in any tenant) or the tenant has a credential of
    /// that name.
    async fn create_smtp_credential(
        &self,
        credential: &SmtpCredential,
        draft: AuditDraft,
    ) -> StoreResult<()>;
    /// The credential of that user name, of whichever tenant (revoked or not): the relay's
    /// login lookup.
    async fn smtp_credential_by_username(
        &self,
        username: &str,
    ) -> StoreResult<Option<SmtpCredential>>;
    /// Oldest first.
    async fn list_smtp_credentials(&self, tenant: TenantId) -> StoreResult<Vec<SmtpCredential>>;
    /// Idempotent.
    async fn revoke_smtp_credential(
        &self,
        tenant: TenantId,
        id: CredentialId,
        by: &Actor,
        at: Timestamp,
        draft: AuditDraft,
    ) -> StoreResult<SmtpCredential>;

    // ----- sequences and enrolments -----

    /// `Conflict` when the tenant has a sequence of that name.
    async fn create_sequence(&self, sequence: &Sequence, draft: AuditDraft) -> StoreResult<()>;
    async fn get_sequence(&self, tenant: TenantId, id: SequenceId) -> StoreResult<Sequence>;
    /// Oldest first.
    async fn list_sequences(&self, tenant: TenantId) -> StoreResult<Vec<Sequence>>;
    /// Writes enrolments (each with its keys) and audits `drafts`, in one transaction. A
    /// contact with a pending enrolment in the same sequence gets that one back.
    async fn enroll(
        &self,
        tenant: TenantId,
        enrollments: Vec<NewEnrollment>,
        drafts: Vec<AuditDraft>,
    ) -> StoreResult<Vec<EnrollOutcome>>;
    async fn get_enrollment(&self, tenant: TenantId, id: EnrollmentId) -> StoreResult<Enrollment>;
    /// Newest first.
    async fn list_enrollments(
        &self,
        tenant: TenantId,
        filter: &EnrollmentFilter,
        page: PageRequest<EnrollmentId>,
    ) -> StoreResult<Page<Enrollment, EnrollmentId>>;
    /// The pending enrolments (active or paused) of these contacts.
    async fn pending_enrollments_of(
        &self,
        tenant: TenantId,
        contacts: &[ContactId],
    ) -> StoreResult<Vec<Enrollment>>;
    /// The pending enrolments whose recipient has the key `hash` (directly, not as a parent
    /// domain): e.g. every colleague enrolled under one company id.
    async fn pending_enrollments_by_key(
        &self,
        tenant: TenantId,
        hash: &IdentHash,
    ) -> StoreResult<Vec<Enrollment>>;
    /// Applies `change` to the enrolment if it is still pending (`Conflict` otherwise) and
    /// audits `draft`.
    async fn change_enrollment(
        &self,
        tenant: TenantId,
        id: EnrollmentId,
        change: &EnrollmentChange,
        draft: AuditDraft,
    ) -> StoreResult<Enrollment>;

    // ----- the scheduler -----

    /// Claims up to `limit` active enrolments (of every tenant) whose next step is due at
    /// `now`, earliest first, for `lease` seconds: a claim still leased is skipped, so several
    /// nodes never send the same step.
    async fn claim_due_steps(
        &self,
        now: Timestamp,
        lease_secs: u32,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedStep>>;
    /// Records claimed steps' outcomes in one transaction: send records, audit events, and
    /// each enrolment's move (applied only while it is active and still at that step, so a
    /// cancellation written meanwhile stands). Releases the claims.
    async fn finish_steps(&self, outcomes: Vec<StepOutcome>) -> StoreResult<()>;

    // ----- send attempts -----

    /// Stores send attempts and audit events (per tenant) in one transaction.
    async fn record_sends(
        &self,
        sends: Vec<SendRecord>,
        drafts: Vec<(TenantId, AuditDraft)>,
    ) -> StoreResult<()>;
    async fn get_send(&self, tenant: TenantId, id: SendId) -> StoreResult<SendRecord>;
    /// Newest first.
    async fn list_sends(
        &self,
        tenant: TenantId,
        filter: &SendFilter,
        page: PageRequest<SendId>,
    ) -> StoreResult<Page<SendRecord, SendId>>;
    /// The sends that carried any of these Message-IDs (replies and bounces find their send).
    async fn sends_by_message_ids(
        &self,
        tenant: TenantId,
        message_ids: &[String],
    ) -> StoreResult<Vec<SendRecord>>;
    /// Messages sent (outcome `sent`) to any of these recipient hashes at or after `since`.
    async fn count_sent_since(
        &self,
        tenant: TenantId,
        recipients: &[IdentHash],
        since: Timestamp,
    ) -> StoreResult<u64>;
}
