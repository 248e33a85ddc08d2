//! Conformance tests of the sending half of the store: identities, credentials, sequences,
//! enrolments, the scheduler's claims, send records — and the two guarantees the send gate
//! rests on: a suppression cancels the pending enrolments it applies to in its own
//! transaction, and a suppression cannot commit while a send to its identifier holds the
//! fence.

use std::time::Duration as StdDuration;

use serde_json::json;
use time::Duration;
use veto_domain::audit::actions;
use veto_domain::email::EmailAddress;
use veto_domain::id::{
    ContactId, CredentialId, EnrollmentId, ImportId, MailboxId, SendId, SendingDomainId, SequenceId,
};
use veto_domain::identifier::IdentifierKind;
use veto_domain::import::ImportKind;
use veto_domain::keyed_hash::IdentHash;
use veto_domain::mailbox::{DkimAlgorithm, DkimKeyRecord, Mailbox, SendingDomain};
use veto_domain::send::{SendOutcome, SendRecord, SendVia};
use veto_domain::sequence::{Enrollment, EnrollmentState, Sequence, Step};
use veto_domain::smtp_credential::{SmtpCredential, secret_hash};
use veto_domain::suppression::{Channel, Purpose, Purposes};

use super::{Fixture, again, create_tenant, draft, import_record, unique_email, unique_name};
use crate::error::StoreError;
use crate::model::{AuditFilter, PageRequest};
use crate::sending::*;
use crate::store::Store;

fn domain(fx: &Fixture, name: &str) -> SendingDomain {
    SendingDomain {
        id: SendingDomainId::new(),
        tenant_id: fx.id(),
        domain: name.to_string(),
        dkim: None,
        created_by: fx.actor(),
        created_at: veto_domain::now(),
    }
}

fn mailbox(fx: &Fixture, address: &str) -> Mailbox {
    Mailbox {
        id: MailboxId::new(),
        tenant_id: fx.id(),
        address: EmailAddress::parse(address).unwrap(),
        display_name: Some("Sam Seller".into()),
        route_id: None,
        paused: false,
        created_by: fx.actor(),
        created_at: veto_domain::now(),
    }
}

fn credential(fx: &Fixture, name: &str, password: &str) -> SmtpCredential {
    SmtpCredential {
        id: CredentialId::new(),
        tenant_id: fx.id(),
        name: name.into(),
        username: unique_name("veto"),
        secret_hash: secret_hash(password),
        purpose: Purpose::Sales,
        created_by: fx.actor(),
        created_at: veto_domain::now(),
        revoked_at: None,
        revoked_by: None,
    }
}

/// A two-step sequence (the second step a day after the first).
pub fn sequence(fx: &Fixture, name: &str) -> Sequence {
    let step = |delay_secs, subject: &str| Step {
        delay_secs,
        mailbox_id: None,
        subject: subject.into(),
        body: "Hi {{ first_name }}".into(),
        html: None,
        same_thread: false,
    };
    Sequence {
        id: SequenceId::new(),
        tenant_id: fx.id(),
        name: name.into(),
        purpose: Purpose::Sales,
        steps: vec![step(0, "Hello"), step(86_400, "Following up")],
        created_by: fx.actor(),
        created_at: veto_domain::now(),
    }
}

/// An active enrolment of a new contact at `email`, due now, with the keys a check of the
/// address probes (address, domain, parent domains) and the company `company`.
pub fn enrollment(
    fx: &Fixture,
    seq: &Sequence,
    mailbox: MailboxId,
    email: &str,
    company: Option<&str>,
) -> NewEnrollment {
    let addr = EmailAddress::parse(email).unwrap();
    let now = veto_domain::now();
    let mut keys = vec![EnrollmentKey {
        hash: fx.hash(IdentifierKind::Email, addr.as_str()),
        via_parent: false,
    }];
    for (i, d) in veto_domain::domain::self_and_parents(addr.domain()).enumerate() {
        keys.push(EnrollmentKey {
            hash: fx.hash(IdentifierKind::Domain, d),
            via_parent: i > 0,
        });
    }
    if let Some(c) = company {
        keys.push(EnrollmentKey {
            hash: fx.hash(IdentifierKind::CompanyId, c),
            via_parent: false,
        });
    }
    NewEnrollment {
        enrollment: Enrollment {
            id: EnrollmentId::new(),
            tenant_id: fx.id(),
            sequence_id: seq.id,
            contact_id: ContactId::new(),
            email: addr,
            mailbox_id: mailbox,
            purpose: seq.purpose,
            state: EnrollmentState::Active,
            state_reason: None,
            next_step: 0,
            next_due_at: Some(now - Duration::seconds(1)),
            thread_message_id: None,
            created_by: fx.actor(),
            created_at: now,
            updated_at: now,
        },
        keys,
    }
}

fn send_record(fx: &Fixture, e: &Enrollment, outcome: SendOutcome, message_id: &str) -> SendRecord {
    SendRecord {
        id: SendId::new(),
        tenant_id: fx.id(),
        at: veto_domain::now(),
        via: SendVia::Sequence {
            sequence_id: e.sequence_id,
            enrollment_id: e.id,
            step: e.next_step + 1,
        },
        mailbox_id: Some(e.mailbox_id),
        route_id: None,
        from: "sam@acme.test".into(),
        recipient: Some(e.email.as_str().to_string()),
        recipient_hash: fx.hash(IdentifierKind::Email, e.email.as_str()),
        contact_id: Some(e.contact_id),
        message_id: Some(message_id.into()),
        outcome,
        detail: Some("250 2.0.0 queued".into()),
        verdict: json!({"verdict": "allow", "matches": []}),
    }
}

/// The outcome of a step that recorded no send and no audit event.
fn bare_outcome(
    fx: &Fixture,
    enrollment: EnrollmentId,
    step: u32,
    result: StepResult,
) -> StepOutcome {
    StepOutcome {
        tenant_id: fx.id(),
        enrollment_id: enrollment,
        step,
        send: None,
        result,
        drafts: vec![],
    }
}

async fn setup(store: &dyn Store, prefix: &str) -> (Fixture, Sequence, Mailbox) {
    let fx = create_tenant(store, prefix).await;
    let mb = mailbox(&fx, &unique_email("sam"));
    store
        .create_mailbox(&mb, draft(&fx.actor(), actions::MAILBOX_CREATED, None))
        .await
        .unwrap();
    let seq = sequence(&fx, "outreach");
    store
        .create_sequence(&seq, draft(&fx.actor(), actions::SEQUENCE_CREATED, None))
        .await
        .unwrap();
    (fx, seq, mb)
}

async fn enroll_one(store: &dyn Store, fx: &Fixture, ne: NewEnrollment) -> Enrollment {
    match store
        .enroll(fx.id(), vec![ne], vec![])
        .await
        .unwrap()
        .remove(0)
    {
        EnrollOutcome::Created(e) => e,
        EnrollOutcome::Existing(e) => panic!("already enrolled: {e:?}"),
    }
}

async fn state_of(store: &dyn Store, fx: &Fixture, id: EnrollmentId) -> EnrollmentState {
    store.get_enrollment(fx.id(), id).await.unwrap().state
}

pub async fn sending_identities(store: &dyn Store) {
    let fx = create_tenant(store, "identities").await;
    let other = create_tenant(store, "identities-other").await;
    let d = domain(&fx, "acme.test");
    store
        .create_sending_domain(
            &d,
            draft(&fx.actor(), actions::SENDING_DOMAIN_CREATED, None),
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_sending_domain(
                &domain(&fx, "acme.test"),
                draft(&fx.actor(), actions::SENDING_DOMAIN_CREATED, None)
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    // Another tenant may send from the same domain name: nothing is shared.
    store
        .create_sending_domain(
            &domain(&other, "acme.test"),
            draft(&other.actor(), actions::SENDING_DOMAIN_CREATED, None),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .sending_domain_by_name(fx.id(), "acme.test")
            .await
            .unwrap(),
        Some(d.clone())
    );
    let key = DkimKeyRecord {
        selector: "veto202612".into(),
        algorithm: DkimAlgorithm::Rsa,
        private_sealed: vec![1, 2, 3],
        public_b64: "MIIBIjAN".into(),
        created_by: fx.actor(),
        created_at: veto_domain::now(),
    };
    let with_key = store
        .set_dkim_key(
            fx.id(),
            d.id,
            &key,
            draft(&fx.actor(), actions::DKIM_KEY_CREATED, None),
        )
        .await
        .unwrap();
    assert_eq!(with_key.dkim, Some(key.clone()));
    assert_eq!(
        store.get_sending_domain(fx.id(), d.id).await.unwrap(),
        with_key
    );
    assert!(matches!(
        store.get_sending_domain(other.id(), d.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .set_dkim_key(
                other.id(),
                d.id,
                &key,
                draft(&other.actor(), actions::DKIM_KEY_CREATED, None)
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.list_sending_domains(fx.id()).await.unwrap().len(), 1);

    let addr = unique_email("sam");
    let mb = mailbox(&fx, &addr);
    store
        .create_mailbox(&mb, draft(&fx.actor(), actions::MAILBOX_CREATED, None))
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_mailbox(
                &mailbox(&fx, &addr),
                draft(&fx.actor(), actions::MAILBOX_CREATED, None)
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.mailbox_by_address(fx.id(), &addr).await.unwrap(),
        Some(mb.clone())
    );
    assert_eq!(
        store.mailbox_by_address(other.id(), &addr).await.unwrap(),
        None
    );
    let paused = store
        .update_mailbox(
            fx.id(),
            mb.id,
            &MailboxPatch {
                paused: Some(true),
                display_name: None,
            },
            draft(&fx.actor(), actions::MAILBOX_UPDATED, None),
        )
        .await
        .unwrap();
    assert!(paused.paused);
    assert_eq!(paused.display_name, mb.display_name);
    assert!(store.get_mailbox(fx.id(), mb.id).await.unwrap().paused);
    assert!(matches!(
        store.get_mailbox(other.id(), mb.id).await,
        Err(StoreError::NotFound(_))
    ));

    let c = credential(&fx, "crm", "secret-1");
    store
        .create_smtp_credential(
            &c,
            draft(&fx.actor(), actions::SMTP_CREDENTIAL_CREATED, None),
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_smtp_credential(
                &credential(&fx, "crm", "x"),
                draft(&fx.actor(), actions::SMTP_CREDENTIAL_CREATED, None)
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    let found = store
        .smtp_credential_by_username(&c.username)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, c);
    assert_eq!(found.secret_hash, secret_hash("secret-1"));
    assert!(
        store
            .smtp_credential_by_username("nobody")
            .await
            .unwrap()
            .is_none()
    );
    let at = veto_domain::now();
    let revoked = store
        .revoke_smtp_credential(
            fx.id(),
            c.id,
            &fx.actor(),
            at,
            draft(&fx.actor(), actions::SMTP_CREDENTIAL_REVOKED, None),
        )
        .await
        .unwrap();
    assert_eq!(revoked.revoked_at, Some(at));
    let head = store.audit_head(fx.id()).await.unwrap().0;
    let again = store
        .revoke_smtp_credential(
            fx.id(),
            c.id,
            &fx.actor(),
            veto_domain::now(),
            draft(&fx.actor(), actions::SMTP_CREDENTIAL_REVOKED, None),
        )
        .await
        .unwrap();
    assert_eq!(again.revoked_at, Some(at), "revoking twice changes nothing");
    assert_eq!(store.audit_head(fx.id()).await.unwrap().0, head);
    assert!(matches!(
        store
            .revoke_smtp_credential(
                other.id(),
                c.id,
                &other.actor(),
                at,
                draft(&other.actor(), actions::SMTP_CREDENTIAL_REVOKED, None)
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.list_smtp_credentials(fx.id()).await.unwrap().len(), 1);
    assert!(
        store
            .list_smtp_credentials(other.id())
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn sequences_and_enrollments(store: &dyn Store) {
    let (fx, seq, mb) = setup(store, "sequences").await;
    let other = create_tenant(store, "sequences-other").await;
    assert_eq!(store.get_sequence(fx.id(), seq.id).await.unwrap(), seq);
    assert!(matches!(
        store.get_sequence(other.id(), seq.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .create_sequence(
                &sequence(&fx, "outreach"),
                draft(&fx.actor(), actions::SEQUENCE_CREATED, None)
            )
            .await,
        Err(StoreError::Conflict(_))
    ));

    let ne = enrollment(&fx, &seq, mb.id, &unique_email("lead"), None);
    let contact = ne.enrollment.contact_id;
    let head = store.audit_head(fx.id()).await.unwrap().0;
    let out = store
        .enroll(
            fx.id(),
            vec![ne.clone()],
            vec![draft(&fx.actor(), actions::ENROLLMENTS_CREATED, None)],
        )
        .await
        .unwrap();
    assert_eq!(out, vec![EnrollOutcome::Created(ne.enrollment.clone())]);
    assert_eq!(store.audit_head(fx.id()).await.unwrap().0, head + 1);
    // The same contact again: the pending enrolment comes back.
    let mut twice = enrollment(&fx, &seq, mb.id, ne.enrollment.email.as_str(), None);
    twice.enrollment.contact_id = contact;
    let out = store.enroll(fx.id(), vec![twice], vec![]).await.unwrap();
    assert_eq!(out, vec![EnrollOutcome::Existing(ne.enrollment.clone())]);
    assert_eq!(
        store
            .get_enrollment(fx.id(), ne.enrollment.id)
            .await
            .unwrap(),
        ne.enrollment
    );
    assert!(matches!(
        store.get_enrollment(other.id(), ne.enrollment.id).await,
        Err(StoreError::NotFound(_))
    ));

    let second = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &unique_email("lead"), None),
    )
    .await;
    let page = store
        .list_enrollments(
            fx.id(),
            &EnrollmentFilter {
                sequence_id: Some(seq.id),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.items, vec![second.clone()], "newest first");
    let rest = store
        .list_enrollments(
            fx.id(),
            &EnrollmentFilter::default(),
            PageRequest {
                after: page.next,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.items, vec![ne.enrollment.clone()]);
    assert_eq!(
        store
            .pending_enrollments_of(fx.id(), &[contact])
            .await
            .unwrap(),
        vec![ne.enrollment.clone()]
    );
    assert!(
        store
            .pending_enrollments_of(other.id(), &[contact])
            .await
            .unwrap()
            .is_empty()
    );

    // Pause, resume later, stop; a stopped enrolment no longer changes.
    let later = veto_domain::now() + Duration::days(3);
    let paused = store
        .change_enrollment(
            fx.id(),
            second.id,
            &EnrollmentChange {
                state: EnrollmentState::Paused,
                reason: Some("rep asked".into()),
                next_due_at: None,
            },
            draft(&fx.actor(), actions::ENROLLMENT_CHANGED, None),
        )
        .await
        .unwrap();
    assert_eq!(paused.state, EnrollmentState::Paused);
    assert_eq!(paused.next_due_at, second.next_due_at);
    let resumed = store
        .change_enrollment(
            fx.id(),
            second.id,
            &EnrollmentChange {
                state: EnrollmentState::Active,
                reason: None,
                next_due_at: Some(later),
            },
            draft(&fx.actor(), actions::ENROLLMENT_CHANGED, None),
        )
        .await
        .unwrap();
    assert_eq!(resumed.next_due_at, Some(later));
    let stopped = store
        .change_enrollment(
            fx.id(),
            second.id,
            &EnrollmentChange {
                state: EnrollmentState::Stopped,
                reason: Some("done".into()),
                next_due_at: None,
            },
            draft(&fx.actor(), actions::ENROLLMENT_CHANGED, None),
        )
        .await
        .unwrap();
    assert_eq!(stopped.state, EnrollmentState::Stopped);
    assert_eq!(stopped.next_due_at, None);
    assert!(matches!(
        store
            .change_enrollment(
                fx.id(),
                second.id,
                &EnrollmentChange {
                    state: EnrollmentState::Active,
                    reason: None,
                    next_due_at: None,
                },
                draft(&fx.actor(), actions::ENROLLMENT_CHANGED, None),
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    // With the old one stopped, the contact may be enrolled again.
    let mut re = enrollment(&fx, &seq, mb.id, second.email.as_str(), None);
    re.enrollment.contact_id = second.contact_id;
    enroll_one(store, &fx, re).await;
    assert!(matches!(
        store
            .change_enrollment(
                other.id(),
                ne.enrollment.id,
                &EnrollmentChange {
                    state: EnrollmentState::Paused,
                    reason: None,
                    next_due_at: None,
                },
                draft(&other.actor(), actions::ENROLLMENT_CHANGED, None),
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
}

pub async fn suppression_cancels_pending_enrollments(store: &dyn Store) {
    let (fx, seq, mb) = setup(store, "cancel").await;
    let sub = format!("{}.example.com", unique_name("sub"));
    let by_email = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &unique_email("a"), None),
    )
    .await;
    let paused = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &unique_email("b"), None),
    )
    .await;
    store
        .change_enrollment(
            fx.id(),
            paused.id,
            &EnrollmentChange {
                state: EnrollmentState::Paused,
                reason: None,
                next_due_at: None,
            },
            draft(&fx.actor(), actions::ENROLLMENT_CHANGED, None),
        )
        .await
        .unwrap();
    let company = unique_name("crm");
    let colleague = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &unique_email("c"), Some(&company)),
    )
    .await;
    let in_sub = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &format!("d@mail.{sub}"), None),
    )
    .await;
    let untouched = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &unique_email("e"), None),
    )
    .await;

    // An address entry cancels the enrolments to that address, active or paused.
    store
        .add_suppression(fx.email(by_email.email.as_str()))
        .await
        .unwrap();
    assert_eq!(
        state_of(store, &fx, by_email.id).await,
        EnrollmentState::Cancelled
    );
    let e = store.get_enrollment(fx.id(), by_email.id).await.unwrap();
    assert!(e.state_reason.unwrap_or_default().contains("suppressed"));
    assert_eq!(e.next_due_at, None);
    store
        .add_suppression(fx.email(paused.email.as_str()))
        .await
        .unwrap();
    assert_eq!(
        state_of(store, &fx, paused.id).await,
        EnrollmentState::Cancelled
    );

    // The colleagues of a company are found by its key.
    let company_key = fx.hash(IdentifierKind::CompanyId, &company);
    let found: Vec<EnrollmentId> = store
        .pending_enrollments_by_key(fx.id(), &company_key)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(found, vec![colleague.id]);

    // A phone-only or marketing-only entry does not stop a sales e-mail sequence.
    let mut phone_only = fx.entry(IdentifierKind::CompanyId, &company);
    phone_only.channel = Channel::Phone;
    store.add_suppression(phone_only).await.unwrap();
    let mut marketing = fx.entry(IdentifierKind::CompanyId, &company);
    marketing.purposes = Purposes::MARKETING;
    store.add_suppression(marketing).await.unwrap();
    assert_eq!(
        state_of(store, &fx, colleague.id).await,
        EnrollmentState::Active
    );
    // The company entry does.
    store
        .add_suppression(fx.entry(IdentifierKind::CompanyId, &company))
        .await
        .unwrap();
    assert_eq!(
        state_of(store, &fx, colleague.id).await,
        EnrollmentState::Cancelled
    );

    // A parent domain blocks subdomains only when the entry says so.
    store
        .add_suppression(fx.entry(IdentifierKind::Domain, &sub))
        .await
        .unwrap();
    assert_eq!(
        state_of(store, &fx, in_sub.id).await,
        EnrollmentState::Active
    );
    let mut with_subs = again(&fx.entry(IdentifierKind::Domain, &sub));
    with_subs.include_subdomains = true;
    store.add_suppression(with_subs).await.unwrap();
    assert_eq!(
        state_of(store, &fx, in_sub.id).await,
        EnrollmentState::Cancelled
    );
    assert_eq!(
        state_of(store, &fx, untouched.id).await,
        EnrollmentState::Active
    );

    // A bulk import cancels too.
    let bulk = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &unique_email("f"), None),
    )
    .await;
    let mut entries: Vec<_> = (0..300)
        .map(|i| fx.email(&unique_email(&format!("bulk{i}"))))
        .collect();
    entries.push(fx.email(bulk.email.as_str()));
    store
        .import_entries(
            fx.id(),
            entries,
            draft(&fx.actor(), actions::SUPPRESSIONS_IMPORTED, None),
        )
        .await
        .unwrap();
    assert_eq!(
        state_of(store, &fx, bulk.id).await,
        EnrollmentState::Cancelled
    );

    // And so does the DNC column of a lead import, when it commits.
    let dnc = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &unique_email("g"), None),
    )
    .await;
    let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
    tx.add_entries(vec![fx.email(dnc.email.as_str())])
        .await
        .unwrap();
    tx.commit(
        &import_record(&fx, ImportId::new(), ImportKind::Leads, 0),
        draft(&fx.actor(), actions::LEADS_IMPORTED, None),
    )
    .await
    .unwrap();
    assert_eq!(
        state_of(store, &fx, dnc.id).await,
        EnrollmentState::Cancelled
    );
    assert_eq!(
        state_of(store, &fx, untouched.id).await,
        EnrollmentState::Active
    );
}

pub async fn scheduler_claims_and_finishes(store: &dyn Store) {
    let (fx, seq, mb) = setup(store, "scheduler").await;
    let a = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &unique_email("a"), None),
    )
    .await;
    let b = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &unique_email("b"), None),
    )
    .await;
    let mut future = enrollment(&fx, &seq, mb.id, &unique_email("c"), None);
    future.enrollment.next_due_at = Some(veto_domain::now() + Duration::hours(1));
    let future = enroll_one(store, &fx, future).await;

    // Other tests share the database: look at this tenant's claims only, and claim
    // generously so ours are among them.
    let now = veto_domain::now();
    let mine = |claims: Vec<ClaimedStep>| -> Vec<EnrollmentId> {
        claims
            .into_iter()
            .filter(|c| c.enrollment.tenant_id == fx.id())
            .map(|c| c.enrollment.id)
            .collect()
    };
    let claimed = mine(store.claim_due_steps(now, 60, 100_000).await.unwrap());
    assert!(claimed.contains(&a.id) && claimed.contains(&b.id));
    assert!(!claimed.contains(&future.id), "not due yet");
    // Leased: a second claim (another node) gets neither.
    let again = mine(store.claim_due_steps(now, 60, 100_000).await.unwrap());
    assert!(!again.contains(&a.id) && !again.contains(&b.id));

    // A sent; B cancelled by a suppression written while its step was out, then blocked.
    let sent = send_record(&fx, &a, SendOutcome::Sent, "<m-a@acme.test>");
    let next = veto_domain::now() + Duration::days(1);
    store
        .add_suppression(fx.email(b.email.as_str()))
        .await
        .unwrap();
    let blocked = send_record(&fx, &b, SendOutcome::Blocked, "<m-b@acme.test>");
    let head = store.audit_head(fx.id()).await.unwrap().0;
    store
        .finish_steps(vec![
            StepOutcome {
                tenant_id: fx.id(),
                enrollment_id: a.id,
                step: 0,
                send: Some(sent.clone()),
                result: StepResult::Sent {
                    next_due_at: Some(next),
                    thread_message_id: Some("<m-a@acme.test>".into()),
                },
                drafts: vec![],
            },
            StepOutcome {
                tenant_id: fx.id(),
                enrollment_id: b.id,
                step: 0,
                send: Some(blocked.clone()),
                result: StepResult::Blocked {
                    reason: "Suppressed".into(),
                },
                drafts: vec![draft(&fx.actor(), actions::ATTEMPT_BLOCKED, None)],
            },
        ])
        .await
        .unwrap();
    assert_eq!(store.audit_head(fx.id()).await.unwrap().0, head + 1);
    let a2 = store.get_enrollment(fx.id(), a.id).await.unwrap();
    assert_eq!(a2.state, EnrollmentState::Active);
    assert_eq!(a2.next_step, 1);
    assert_eq!(a2.next_due_at, Some(next));
    assert_eq!(a2.thread_message_id.as_deref(), Some("<m-a@acme.test>"));
    let b2 = store.get_enrollment(fx.id(), b.id).await.unwrap();
    assert_eq!(b2.state, EnrollmentState::Cancelled);
    assert!(
        b2.state_reason.unwrap_or_default().contains("suppressed"),
        "the cancellation written first stands"
    );
    assert_eq!(store.get_send(fx.id(), sent.id).await.unwrap(), sent);
    assert_eq!(store.get_send(fx.id(), blocked.id).await.unwrap(), blocked);

    // A claim released by a deferral is due again at the retry time, at the same step.
    let retry = veto_domain::now() - Duration::seconds(1);
    let c = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &unique_email("d"), None),
    )
    .await;
    assert!(
        mine(
            store
                .claim_due_steps(veto_domain::now(), 60, 100_000)
                .await
                .unwrap()
        )
        .contains(&c.id)
    );
    store
        .finish_steps(vec![bare_outcome(
            &fx,
            c.id,
            0,
            StepResult::Deferred { retry_at: retry },
        )])
        .await
        .unwrap();
    let c2 = store.get_enrollment(fx.id(), c.id).await.unwrap();
    assert_eq!(
        (c2.state, c2.next_step, c2.next_due_at),
        (EnrollmentState::Active, 0, Some(retry))
    );
    assert!(
        mine(
            store
                .claim_due_steps(veto_domain::now(), 60, 100_000)
                .await
                .unwrap()
        )
        .contains(&c.id)
    );

    // A step claimed twice (a lease that ran out) may finish twice in one batch: the
    // outcomes apply in order, as each would alone (the deferral, then the send).
    store
        .finish_steps(vec![
            bare_outcome(&fx, c.id, 0, StepResult::Deferred { retry_at: retry }),
            bare_outcome(
                &fx,
                c.id,
                0,
                StepResult::Sent {
                    next_due_at: None,
                    thread_message_id: None,
                },
            ),
        ])
        .await
        .unwrap();
    let c3 = store.get_enrollment(fx.id(), c.id).await.unwrap();
    assert_eq!(
        (c3.state, c3.next_step, c3.next_due_at),
        (EnrollmentState::Completed, 1, None)
    );

    // A stale outcome (the step was already moved on) changes nothing.
    store
        .finish_steps(vec![bare_outcome(
            &fx,
            a.id,
            0,
            StepResult::Failed {
                reason: "stale".into(),
            },
        )])
        .await
        .unwrap();
    assert_eq!(state_of(store, &fx, a.id).await, EnrollmentState::Active);
    // The last step completes the enrolment.
    store
        .finish_steps(vec![bare_outcome(
            &fx,
            a.id,
            1,
            StepResult::Sent {
                next_due_at: None,
                thread_message_id: None,
            },
        )])
        .await
        .unwrap();
    let a3 = store.get_enrollment(fx.id(), a.id).await.unwrap();
    assert_eq!(
        (a3.state, a3.next_step, a3.next_due_at),
        (EnrollmentState::Completed, 2, None)
    );
    assert_eq!(a3.thread_message_id.as_deref(), Some("<m-a@acme.test>"));
}

pub async fn send_records(store: &dyn Store) {
    let (fx, seq, mb) = setup(store, "sends").await;
    let other = create_tenant(store, "sends-other").await;
    let e = enroll_one(
        store,
        &fx,
        enrollment(&fx, &seq, mb.id, &unique_email("a"), None),
    )
    .await;
    let old = SendRecord {
        at: veto_domain::now() - Duration::days(10),
        ..send_record(&fx, &e, SendOutcome::Sent, "<old@acme.test>")
    };
    let recent = send_record(&fx, &e, SendOutcome::Sent, "<recent@acme.test>");
    let failed = send_record(&fx, &e, SendOutcome::Failed, "<failed@acme.test>");
    let relay = SendRecord {
        via: SendVia::Relay {
            session: "node1-7".into(),
            credential_id: CredentialId::new(),
        },
        ..send_record(&fx, &e, SendOutcome::Blocked, "<relay@acme.test>")
    };
    store
        .record_sends(
            vec![old.clone(), recent.clone(), failed.clone(), relay.clone()],
            vec![(fx.id(), draft(&fx.actor(), actions::ATTEMPT_BLOCKED, None))],
        )
        .await
        .unwrap();
    let events = store
        .list_audit(
            fx.id(),
            &AuditFilter {
                action: Some(actions::ATTEMPT_BLOCKED.into()),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(events.items.len(), 1);
    assert_eq!(store.get_send(fx.id(), relay.id).await.unwrap(), relay);
    assert!(matches!(
        store.get_send(other.id(), relay.id).await,
        Err(StoreError::NotFound(_))
    ));
    let hash = fx.hash(IdentifierKind::Email, e.email.as_str());
    let week_ago = veto_domain::now() - Duration::days(7);
    assert_eq!(
        store
            .count_sent_since(fx.id(), &[hash], week_ago)
            .await
            .unwrap(),
        1,
        "only sent messages inside the window count"
    );
    assert_eq!(
        store
            .count_sent_since(fx.id(), &[hash], week_ago - Duration::days(7))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .count_sent_since(other.id(), &[hash], week_ago)
            .await
            .unwrap(),
        0
    );
    let found = store
        .sends_by_message_ids(
            fx.id(),
            &["<recent@acme.test>".to_string(), "<nope@x>".to_string()],
        )
        .await
        .unwrap();
    assert_eq!(found, vec![recent.clone()]);
    assert!(
        store
            .sends_by_message_ids(other.id(), &["<recent@acme.test>".to_string()])
            .await
            .unwrap()
            .is_empty()
    );
    let page = store
        .list_sends(
            fx.id(),
            &SendFilter {
                outcome: Some(SendOutcome::Sent),
                recipient_hash: Some(hash),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let rest = store
        .list_sends(
            fx.id(),
            &SendFilter {
                outcome: Some(SendOutcome::Sent),
                ..Default::default()
            },
            PageRequest {
                after: page.next,
                limit: 10,
            },
        )
        .await
        .unwrap();
    let mut ids: Vec<SendId> = page.items.iter().chain(&rest.items).map(|s| s.id).collect();
    ids.sort();
    let mut want = vec![old.id, recent.id];
    want.sort();
    assert_eq!(ids, want);
    // An erasure removes the clear recipient; the keyed hash (and the record) stays.
    let erased = store
        .erase(fx.id(), &[hash], draft(&fx.actor(), actions::ERASURE, None))
        .await
        .unwrap();
    assert_eq!(erased.sends, 4, "{erased:?}");
    let after = store.get_send(fx.id(), recent.id).await.unwrap();
    assert_eq!(after.recipient, None);
    assert_eq!(after.recipient_hash, hash);
    assert!(
        store
            .list_sends(
                other.id(),
                &SendFilter::default(),
                PageRequest {
                    after: None,
                    limit: 10
                }
            )
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

/// While a send holds the fence on an identifier, a suppression of it cannot commit; once
/// released it does, and the next fence sees it.
pub async fn send_fence_orders_suppressions(store: &dyn Store) {
    let fx = create_tenant(store, "fence").await;
    let addr = unique_email("fenced");
    let key: IdentHash = fx.hash(IdentifierKind::Email, &addr);
    let other_key = fx.hash(IdentifierKind::Email, &unique_email("free"));

    let mut fence = store.fence_send(fx.id(), &[key, other_key]).await.unwrap();
    assert!(fence.entries().await.unwrap().is_empty());
    let add = store.add_suppression(fx.email(&addr));
    tokio::pin!(add);
    tokio::select! {
        r = &mut add => panic!("a suppression committed inside a send's fence: {r:?}"),
        () = tokio::time::sleep(StdDuration::from_millis(400)) => {}
    }
    // Still the state before it.
    assert!(fence.entries().await.unwrap().is_empty());
    fence.release().await.unwrap();
    let added = tokio::time::timeout(StdDuration::from_secs(30), add)
        .await
        .expect("the suppression commits once the fence is released")
        .unwrap();

    let mut next = store.fence_send(fx.id(), &[key]).await.unwrap();
    let seen = next.entries().await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].id, added.entry().id);
    next.release().await.unwrap();
}
