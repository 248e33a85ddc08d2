//! What a reply does to the sequences its sender is in: a person's reply stops their pending
//! enrolments; an out-of-office postpones the next step until after the stated return date (or
//! the tenant's default); a refusal can pause or suppress the colleagues of the same company
//! (the tenant's `sending.company_on_refusal` rule), recorded with the refusal as evidence.
//! The sender is found by address (a contact holding it) and by the Message-IDs the reply
//! refers to (`In-Reply-To`, `References`: the sends that carried them).

use serde_json::json;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::email::EmailAddress;
use veto_domain::id::{ContactId, EntryId};
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::policy::CompanyRule;
use veto_domain::send::SendVia;
use veto_domain::sequence::{Enrollment, EnrollmentState};
use veto_domain::suppression::{Channel, NewEntry, Purposes, Reason, SourceChannel};
use veto_replies::ReplyClass;
use veto_store::{AddOutcome, EnrollmentChange, StoreError};

use super::SignalAction;
use super::process::Processing;
use crate::error::ApiError;

/// The Message-IDs a reply refers to.
pub fn referenced_ids(headers: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("in-reply-to") || name.eq_ignore_ascii_case("references") {
            let mut rest = value.as_str();
            while let Some(a) = rest.find('<') {
                let Some(b) = rest[a..].find('>') else {
                    break;
                };
                let id = &rest[a..a + b + 1];
                if !out.iter().any(|x| x == id) {
                    out.push(id.to_string());
                }
                rest = &rest[a + b + 1..];
            }
        }
    }
    out
}

/// Applies a reply of `class` from `from` to its sender's sequences.
pub async fn follow_reply(
    p: &mut Processing<'_>,
    from: &str,
    class: ReplyClass,
    return_date: Option<time::Date>,
    refs: &[String],
) -> Result<(), ApiError> {
    if matches!(class, ReplyClass::AutoReply | ReplyClass::Bounce) {
        return Ok(());
    }
    let tenant = p.ctx().tenant.id;
    let store = p.state().store().clone();
    let mut contacts: Vec<ContactId> = Vec::new();
    let mut company: Option<String> = None;
    if let Ok(addr) = EmailAddress::parse(from)
        && let Some(c) = store.contact_by_email(tenant, addr.as_str()).await?
    {
        company = c.company_id.clone();
        contacts.push(c.id);
    }
    for s in store.sends_by_message_ids(tenant, refs).await? {
        if let (Some(c), SendVia::Sequence { .. }) = (s.contact_id, &s.via)
            && !contacts.contains(&c)
        {
            contacts.push(c);
            if company.is_none() {
                company = store
                    .get_contact(tenant, c)
                    .await
                    .ok()
                    .and_then(|c| c.company_id);
            }
        }
    }
    if contacts.is_empty() {
        return Ok(());
    }
    let pending = store.pending_enrollments_of(tenant, &contacts).await?;
    let signal = p.signal_id;
    if class == ReplyClass::OutOfOffice {
        let days = i64::from(p.ctx().tenant.policy.sending.out_of_office_days);
        let now = veto_domain::now();
        let until = match return_date {
            // The first day back, from nine in the morning (UTC): not at midnight.
            Some(d) => d
                .with_hms(9, 0, 0)
                .map(|t| t.assume_utc())
                .unwrap_or(now + time::Duration::days(days)),
            None => now + time::Duration::days(days),
        };
        for e in pending {
            if e.next_due_at.is_some_and(|d| d >= until) {
                continue;
            }
            let why = match return_date {
                Some(d) => format!("out of office until {d}: the next step waits"),
                None => format!("out of office (no return date): the next step waits {days} days"),
            };
            change(p, &e, e.state, &why, Some(until), "enrollment_postponed").await?;
        }
        return Ok(());
    }
    // Any other reply from the person stops their sequences: a rep takes it from here.
    for e in &pending {
        let why = format!("replied ({}): signal {signal}", class.as_str());
        change(
            p,
            e,
            EnrollmentState::Replied,
            &why,
            None,
            "enrollment_stopped",
        )
        .await?;
    }
    let refusal = match class {
        ReplyClass::Unsubscribe => Some(Reason::StopRequest),
        ReplyClass::NotInterested => Some(Reason::NotInterested),
        _ => None,
    };
    if let (Some(reason), Some(company)) = (refusal, company) {
        company_rule(p, &company, reason).await?;
    }
    Ok(())
}

/// The tenant's rule for the colleagues of a contact who refused.
async fn company_rule(
    p: &mut Processing<'_>,
    company: &str,
    reason: Reason,
) -> Result<(), ApiError> {
    let rule = p.ctx().tenant.policy.sending.company_on_refusal;
    let Ok(id) = Identifier::parse(IdentifierKind::CompanyId, company) else {
        return Ok(());
    };
    let tenant = p.ctx().tenant.id;
    let evidence = format!(
        "A contact of company {company} refused ({}) in reply {} [signal {}]",
        reason.as_str(),
        p.message_ref(),
        p.signal_id
    );
    match rule {
        CompanyRule::None => {}
        CompanyRule::Pause => {
            let hash = p.ctx().hasher.hash(&id);
            let colleagues = p
                .state()
                .store()
                .pending_enrollments_by_key(tenant, &hash)
                .await?;
            for e in colleagues
                .into_iter()
                .filter(|e| e.state == EnrollmentState::Active)
            {
                change(
                    p,
                    &e,
                    EnrollmentState::Paused,
                    &format!("company rule: {evidence}"),
                    None,
                    "enrollment_paused",
                )
                .await?;
            }
        }
        CompanyRule::Suppress => {
            let policy = &p.ctx().tenant.policy;
            let now = veto_domain::now();
            let entry = NewEntry {
                id: EntryId::new(),
                tenant_id: tenant,
                kind: IdentifierKind::CompanyId,
                ident_hash: p.ctx().hasher.hash(&id),
                identifier: (!policy.hashed_only).then_some(id),
                include_subdomains: false,
                channel: Channel::Email,
                purposes: Purposes::DEFAULT,
                reason,
                source: SourceChannel::Reply,
                evidence: Some(format!("company rule: {evidence}")),
                role_account: false,
                created_by: veto_domain::actor::Actor::system("company-rule"),
                created_at: now,
                valid_from: now,
                expires_at: policy.expiry_for(reason, now),
            };
            // The store cancels every colleague's pending steps in this entry's transaction.
            let added = p.state().store().add_suppression(entry).await?;
            p.out.actions.push(SignalAction {
                address: String::new(),
                action: match added {
                    AddOutcome::Created(_) => "company_suppressed",
                    AddOutcome::Existing(_) => "company_already_suppressed",
                }
                .into(),
                reason: reason.as_str().to_string(),
                entry_id: Some(added.entry().id.to_string()),
                why: Some(format!("company rule: every contact of company {company}")),
                soft_bounces: None,
            });
        }
    }
    Ok(())
}

async fn change(
    p: &mut Processing<'_>,
    e: &Enrollment,
    to: EnrollmentState,
    why: &str,
    next_due_at: Option<veto_domain::Timestamp>,
    action: &str,
) -> Result<(), ApiError> {
    let draft = AuditDraft::new(
        &veto_domain::actor::Actor::system("signals"),
        actions::ENROLLMENT_CHANGED,
        Some(e.id.to_string()),
        json!({"from": e.state.as_str(), "to": to.as_str(), "signal_id": p.signal_id.to_string(),
               "reason": why, "next_due_at": next_due_at.map(veto_domain::rfc3339)}),
    );
    let r = p
        .state()
        .store()
        .change_enrollment(
            e.tenant_id,
            e.id,
            &EnrollmentChange {
                state: to,
                reason: Some(why.to_string()),
                next_due_at,
            },
            draft,
        )
        .await;
    match r {
        Ok(_) => {}
        // Cancelled or finished meanwhile: nothing to change.
        Err(StoreError::Conflict(_)) => return Ok(()),
        Err(err) => return Err(err.into()),
    }
    p.out.actions.push(SignalAction {
        address: e.email.as_str().to_string(),
        action: action.into(),
        reason: e.sequence_id.to_string(),
        entry_id: None,
        why: Some(format!("enrolment {}: {why}", e.id)),
        soft_bounces: None,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_referenced_ids() {
        let h = vec![
            ("In-Reply-To".to_string(), "<a@x>".to_string()),
            (
                "References".to_string(),
                "<z@y> <a@x>\r\n <b@x>".to_string(),
            ),
            ("Subject".to_string(), "<not@id>".to_string()),
        ];
        assert_eq!(referenced_ids(&h), vec!["<a@x>", "<z@y>", "<b@x>"]);
        assert!(referenced_ids(&[("References".into(), "<broken".into())]).is_empty());
    }
}
