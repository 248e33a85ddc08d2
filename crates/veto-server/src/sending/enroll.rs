//! Enrolling contacts in a sequence, by hand, by API or in bulk alike: each contact is checked
//! against the registry first (every identifier it has, for the sequence's purpose); a blocked
//! one is refused with the verdict's sentence and recorded as a blocked attempt; the others
//! are written with their recipients' keys, so a later suppression cancels them in its own
//! transaction.

use serde_json::json;
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::contact::Contact;
use veto_domain::email::EmailAddress;
use veto_domain::id::{ContactId, EnrollmentId, MailboxId};
use veto_domain::sequence::{Enrollment, EnrollmentState, Sequence};
use veto_domain::verdict::Verdict;
use veto_store::{EnrollOutcome, NewEnrollment, StoreError};

use super::recipient::Recipient;
use crate::check::{Outcome, check_live};
use crate::state::{AppState, TenantCtx};

/// Who to enrol.
#[derive(Debug, Clone)]
pub enum ContactRef {
    Id(ContactId),
    /// A contact's address (the contact must exist: leads come in through imports).
    Email(String),
}

/// One item's result.
#[derive(Debug, Clone)]
pub enum EnrollResult {
    Enrolled(Enrollment),
    /// The contact has a pending enrolment in this sequence already.
    AlreadyEnrolled(Enrollment),
    /// The registry blocks the contact: nothing was written but the blocked attempt.
    Blocked {
        email: String,
        outcome: Outcome,
    },
    /// The input could not be read.
    Invalid {
        field: String,
        message: String,
    },
    /// No such contact.
    NotFound {
        message: String,
    },
}

/// Enrols `items` in `sequence` from `mailbox`, first step due at `start` (default: now plus
/// the first step's delay). The caller made the node fresh.
pub async fn enroll(
    state: &AppState,
    ctx: &TenantCtx,
    actor: &Actor,
    sequence: &Sequence,
    mailbox: MailboxId,
    start: Option<Timestamp>,
    items: Vec<ContactRef>,
) -> Result<Vec<EnrollResult>, StoreError> {
    let tenant = ctx.tenant.id;
    let now = veto_domain::now();
    let first_due = start.unwrap_or_else(|| {
        now + time::Duration::seconds(
            sequence
                .steps
                .first()
                .map(|s| i64::try_from(s.delay_secs).unwrap_or(i64::MAX / 2))
                .unwrap_or(0),
        )
    });
    let mut results: Vec<Option<EnrollResult>> = Vec::with_capacity(items.len());
    let mut pending: Vec<(usize, NewEnrollment)> = Vec::new();
    let mut drafts: Vec<AuditDraft> = Vec::new();
    let ix = state
        .index(tenant)
        .ok_or_else(|| StoreError::Other("the tenant's index is not loaded".into()))?;
    for (i, item) in items.into_iter().enumerate() {
        let (address, contact) = match resolve(state, ctx, &item).await? {
            Ok(found) => found,
            Err(r) => {
                results.push(Some(r));
                continue;
            }
        };
        let recipient = Recipient::new(address.clone(), contact.clone());
        let outcome = {
            let guard = ix
                .read()
                .map_err(|_| StoreError::Other("index lock poisoned".into()))?;
            check_live(
                ctx,
                &guard,
                &recipient.identifiers(),
                &Recipient::options(sequence.purpose),
                now,
            )
        };
        if outcome.verdict == Verdict::Block {
            drafts.push(AuditDraft::new(
                actor,
                actions::ATTEMPT_BLOCKED,
                outcome.matches.first().map(|m| m.entry_id.to_string()),
                json!({
                    "attempt": "enroll",
                    "sequence_id": sequence.id.to_string(),
                    "contact_id": contact.as_ref().map(|c| c.id.to_string()),
                    "entry_ids": outcome.matches.iter().map(|m| m.entry_id.to_string()).collect::<Vec<_>>(),
                    "reasons": outcome.matches.iter().map(|m| m.reason.as_str()).collect::<Vec<_>>(),
                }),
            ));
            metrics::counter!("veto_blocked_attempts_total", "attempt" => "enroll").increment(1);
            results.push(Some(EnrollResult::Blocked {
                email: address.as_str().to_string(),
                outcome,
            }));
            continue;
        }
        // Unknown people are checked too (a suppressed address is answered as blocked, never
        // as merely unknown), but only contacts are enrolled.
        let Some(contact) = contact else {
            results.push(Some(EnrollResult::NotFound {
                message: format!(
                    "no contact has the address {}; bring leads in with an import first",
                    address.as_str()
                ),
            }));
            continue;
        };
        let e = Enrollment {
            id: EnrollmentId::new(),
            tenant_id: tenant,
            sequence_id: sequence.id,
            contact_id: contact.id,
            email: address,
            mailbox_id: mailbox,
            purpose: sequence.purpose,
            state: EnrollmentState::Active,
            state_reason: None,
            next_step: 0,
            next_due_at: Some(first_due),
            thread_message_id: None,
            created_by: actor.clone(),
            created_at: now,
            updated_at: now,
        };
        pending.push((
            i,
            NewEnrollment {
                keys: recipient.keys(ctx, sequence.purpose),
                enrollment: e,
            },
        ));
        results.push(None);
    }
    let blocked = drafts.len();
    if !pending.is_empty() || !drafts.is_empty() {
        drafts.push(AuditDraft::new(
            actor,
            actions::ENROLLMENTS_CREATED,
            Some(sequence.id.to_string()),
            json!({
                "sequence_id": sequence.id.to_string(),
                "mailbox_id": mailbox.to_string(),
                "requested": results.len(),
                "enrolled_or_existing": pending.len(),
                "blocked": blocked,
                "enrollment_ids": pending.iter().map(|(_, n)| n.enrollment.id.to_string()).collect::<Vec<_>>(),
            }),
        ));
        let (idx, news): (Vec<usize>, Vec<NewEnrollment>) = pending.into_iter().unzip();
        let written = state.store().enroll(tenant, news, drafts).await?;
        for (i, w) in idx.into_iter().zip(written) {
            results[i] = Some(match w {
                EnrollOutcome::Created(e) => EnrollResult::Enrolled(e),
                EnrollOutcome::Existing(e) => EnrollResult::AlreadyEnrolled(e),
            });
        }
    }
    Ok(results
        .into_iter()
        .map(|r| {
            r.unwrap_or(EnrollResult::Invalid {
                field: "contact".into(),
                message: "not processed".into(),
            })
        })
        .collect())
}

/// The address to send to and the contact, when there is one.
type Found = (EmailAddress, Option<Contact>);

async fn resolve(
    state: &AppState,
    ctx: &TenantCtx,
    item: &ContactRef,
) -> Result<Result<Found, EnrollResult>, StoreError> {
    let tenant = ctx.tenant.id;
    match item {
        ContactRef::Id(id) => match state.store().get_contact(tenant, *id).await {
            Ok(c) => match c.emails.first().cloned() {
                Some(a) => Ok(Ok((a, Some(c)))),
                None => Ok(Err(EnrollResult::Invalid {
                    field: "contact_id".into(),
                    message: format!("contact {id} has no e-mail address"),
                })),
            },
            Err(StoreError::NotFound(_)) => Ok(Err(EnrollResult::NotFound {
                message: format!("no contact {id}"),
            })),
            Err(e) => Err(e),
        },
        ContactRef::Email(raw) => {
            let addr = match EmailAddress::parse(raw) {
                Ok(a) => a,
                Err(e) => {
                    return Ok(Err(EnrollResult::Invalid {
                        field: "email".into(),
                        message: format!("email: {e}"),
                    }));
                }
            };
            let c = state
                .store()
                .contact_by_email(tenant, addr.as_str())
                .await?;
            Ok(Ok((addr, c)))
        }
    }
}
