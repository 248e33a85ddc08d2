//! The sequence scheduler inside `veto serve`: it claims due steps from the store (leased, so
//! several nodes never send the same step), sends each mailbox's steps one after another in
//! due order and many mailboxes at once, and records every outcome. Each step goes through
//! [`deliver`](super::deliver::deliver): the recipient is checked against the registry as
//! committed at that moment, inside the send fence.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::sync::Semaphore;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::contact::Contact;
use veto_domain::domain::DomainName;
use veto_domain::id::{ContactId, MailboxId, RouteId, SendId, SequenceId, TenantId};
use veto_domain::identifier::IdentifierKind;
use veto_domain::mailbox::Mailbox;
use veto_domain::route::Route;
use veto_domain::send::{SendOutcome, SendRecord, SendVia};
use veto_domain::sequence::Sequence;
use veto_sending::{ContactFields, Part, ReturnPath, StepMessage, Template, compose};
use veto_store::{ClaimedStep, StepOutcome, StepResult, StoreError};

use super::deliver::{Delivered, Outbound, deliver};
use super::gate::verdict_snapshot;
use super::recipient::Recipient;
use super::upstream::Handover;
use crate::state::{AppState, TenantCtx};

/// Steps claimed per round.
const CLAIM: u32 = 2000;
/// How long a claim holds before another node may take the step (a crashed node's claims
/// come free after this).
const LEASE_SECS: u32 = 300;
/// Pause between rounds when nothing was due.
const IDLE: Duration = Duration::from_millis(500);
/// When a step is tried again after an upstream's temporary refusal or a missing route.
const RETRY: time::Duration = time::Duration::minutes(15);

/// Starts the scheduler loop.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        loop {
            match run_round(&state).await {
                Ok(0) => tokio::time::sleep(IDLE).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "the sequence scheduler failed a round");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    });
}

/// What a round looks up once and shares between its steps.
#[derive(Default)]
struct Lookups {
    tenants: HashMap<TenantId, Arc<TenantCtx>>,
    sequences: HashMap<(TenantId, SequenceId), Option<Arc<Sequence>>>,
    mailboxes: HashMap<(TenantId, MailboxId), Option<Arc<Mailbox>>>,
    routes: HashMap<(TenantId, Option<RouteId>), Option<Arc<Route>>>,
    contacts: HashMap<(TenantId, ContactId), Option<Arc<Contact>>>,
}

/// Messages to each contact under way in this round and not yet recorded: the frequency cap
/// counts them, so two mailboxes sending to one contact at once cannot both pass it.
type Reservations = Arc<Mutex<HashMap<(TenantId, ContactId), u64>>>;

/// One step with everything needed to send it.
struct Job {
    claim: ClaimedStep,
    ctx: Arc<TenantCtx>,
    sequence: Option<Arc<Sequence>>,
    mailbox: Option<Arc<Mailbox>>,
    route: Option<Arc<Route>>,
    contact: Option<Arc<Contact>>,
}

/// Claims and sends one round of due steps; returns how many were claimed.
pub async fn run_round(state: &AppState) -> Result<usize, StoreError> {
    let claims = state
        .store()
        .claim_due_steps(veto_domain::now(), LEASE_SECS, CLAIM)
        .await?;
    send_claimed(state, claims).await
}

/// Sends claimed steps (each checked at that moment) and records their outcomes; returns how
/// many there were.
pub async fn send_claimed(state: &AppState, claims: Vec<ClaimedStep>) -> Result<usize, StoreError> {
    let n = claims.len();
    if n == 0 {
        return Ok(0);
    }
    let mut look = Lookups::default();
    preload(state, &mut look, &claims).await?;
    // Per mailbox, in due order (claims come earliest first).
    let mut queues: BTreeMap<(TenantId, MailboxId), Vec<Job>> = BTreeMap::new();
    for claim in claims {
        let job = prepare(state, &mut look, claim).await?;
        let mb = job
            .mailbox
            .as_ref()
            .map(|m| m.id)
            .unwrap_or(job.claim.enrollment.mailbox_id);
        queues.entry((job.ctx.tenant.id, mb)).or_default().push(job);
    }
    let permits = Arc::new(Semaphore::new(state.sending().concurrency));
    let reserved: Reservations = Arc::new(Mutex::new(HashMap::new()));
    let mut tasks = tokio::task::JoinSet::new();
    for (_, jobs) in queues {
        let st = state.clone();
        let permits = permits.clone();
        let reserved = reserved.clone();
        tasks.spawn(async move {
            for job in jobs {
                let Ok(_p) = permits.acquire().await else {
                    break;
                };
                let key = (
                    job.claim.enrollment.tenant_id,
                    job.claim.enrollment.contact_id,
                );
                let (outcome, held) = send_step(&st, job, &reserved).await;
                // Recorded before the mailbox's next step, so the frequency cap and the
                // enrolment's next step see it (the recorder still commits many at once).
                let recorded = st.sending().recorder.steps(vec![outcome]).await;
                // Once recorded, a sent message counts from the store: its place is given back.
                if held
                    && let Ok(mut r) = reserved.lock()
                    && let Some(n) = r.get_mut(&key)
                {
                    *n = n.saturating_sub(1);
                }
                recorded?;
            }
            Ok::<(), StoreError>(())
        });
    }
    while let Some(r) = tasks.join_next().await {
        match r {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "recording step outcomes failed"),
            Err(e) => tracing::error!(error = %e, "a mailbox's send task failed"),
        }
    }
    Ok(n)
}

/// Reads what a round needs in one query per tenant and kind instead of one per step: the
/// tenants' mailboxes and the contacts of every claimed step. (A round has up to [`CLAIM`]
/// steps, each on its own contact and often on its own mailbox; reading them one by one kept
/// the round from sending anything for most of its first tenth of a second.)
async fn preload(
    state: &AppState,
    look: &mut Lookups,
    claims: &[ClaimedStep],
) -> Result<(), StoreError> {
    let mut by_tenant: BTreeMap<TenantId, Vec<ContactId>> = BTreeMap::new();
    for c in claims {
        by_tenant
            .entry(c.enrollment.tenant_id)
            .or_default()
            .push(c.enrollment.contact_id);
    }
    for (t, mut ids) in by_tenant {
        ids.sort_unstable();
        ids.dedup();
        for m in state.store().list_mailboxes(t).await? {
            look.mailboxes.insert((t, m.id), Some(Arc::new(m)));
        }
        // Only the contacts looked up are cached: one a round misses is read by `prepare`.
        for c in state.store().get_contacts(t, &ids).await? {
            look.contacts.insert((t, c.id), Some(Arc::new(c)));
        }
    }
    Ok(())
}

async fn prepare(
    state: &AppState,
    look: &mut Lookups,
    claim: ClaimedStep,
) -> Result<Job, StoreError> {
    let e = &claim.enrollment;
    let t = e.tenant_id;
    let ctx = match look.tenants.get(&t) {
        Some(c) => c.clone(),
        None => {
            let c = state.tenant(t).await?;
            look.tenants.insert(t, c.clone());
            c
        }
    };
    let sequence = match look.sequences.get(&(t, e.sequence_id)) {
        Some(s) => s.clone(),
        None => {
            let s = optional(state.store().get_sequence(t, e.sequence_id).await)?.map(Arc::new);
            look.sequences.insert((t, e.sequence_id), s.clone());
            s
        }
    };
    let mailbox_id = sequence
        .as_ref()
        .and_then(|s| s.steps.get(claim.step as usize))
        .and_then(|st| st.mailbox_id)
        .unwrap_or(e.mailbox_id);
    let mailbox = match look.mailboxes.get(&(t, mailbox_id)) {
        Some(m) => m.clone(),
        None => {
            let m = optional(state.store().get_mailbox(t, mailbox_id).await)?.map(Arc::new);
            look.mailboxes.insert((t, mailbox_id), m.clone());
            m
        }
    };
    let route_key = (t, mailbox.as_ref().and_then(|m| m.route_id));
    let route = match look.routes.get(&route_key) {
        Some(r) => r.clone(),
        None => {
            let r = match route_key.1 {
                Some(id) => optional(state.store().get_route(t, id).await)?,
                None => state
                    .store()
                    .list_routes(t)
                    .await?
                    .into_iter()
                    .find(|r| r.is_default),
            }
            .map(Arc::new);
            look.routes.insert(route_key, r.clone());
            r
        }
    };
    let contact = match look.contacts.get(&(t, e.contact_id)) {
        Some(c) => c.clone(),
        None => {
            let c = optional(state.store().get_contact(t, e.contact_id).await)?.map(Arc::new);
            look.contacts.insert((t, e.contact_id), c.clone());
            c
        }
    };
    Ok(Job {
        claim,
        ctx,
        sequence,
        mailbox,
        route,
        contact,
    })
}

fn optional<T>(r: Result<T, StoreError>) -> Result<Option<T>, StoreError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sends one claimed step and says what became of it (and whether it holds a place under the
/// frequency cap, to be given back once its outcome is recorded).
async fn send_step(state: &AppState, job: Job, reserved: &Reservations) -> (StepOutcome, bool) {
    let mut held = false;
    let outcome = send_step_checked(state, job, reserved, &mut held).await;
    (outcome, held)
}

async fn send_step_checked(
    state: &AppState,
    job: Job,
    reserved: &Reservations,
    held: &mut bool,
) -> StepOutcome {
    let e = &job.claim.enrollment;
    let step_no = job.claim.step;
    let base =
        |result: StepResult, send: Option<SendRecord>, drafts: Vec<AuditDraft>| StepOutcome {
            tenant_id: e.tenant_id,
            enrollment_id: e.id,
            step: step_no,
            send,
            result,
            drafts,
        };
    let now = veto_domain::now();
    let (Some(sequence), Some(contact)) = (&job.sequence, &job.contact) else {
        return base(
            StepResult::Failed {
                reason: "its sequence or contact no longer exists".into(),
            },
            None,
            vec![],
        );
    };
    let Some(step) = sequence.steps.get(step_no as usize) else {
        return base(
            StepResult::Sent {
                next_due_at: None,
                thread_message_id: None,
            },
            None,
            vec![],
        );
    };
    let Some(mailbox) = &job.mailbox else {
        return base(
            StepResult::Failed {
                reason: "its mailbox no longer exists".into(),
            },
            None,
            vec![],
        );
    };
    if mailbox.paused {
        return base(
            StepResult::Deferred {
                retry_at: now + RETRY,
            },
            None,
            vec![],
        );
    }
    let recipient = Recipient::new(e.email.clone(), Some((**contact).clone()));
    let recipient_hash = job
        .ctx
        .hasher
        .hash_value(IdentifierKind::Email, e.email.as_str());
    let send_id = SendId::new();
    let record = |outcome: SendOutcome,
                  detail: Option<String>,
                  verdict: serde_json::Value,
                  message_id: Option<String>,
                  route: Option<&Route>| SendRecord {
        id: send_id,
        tenant_id: e.tenant_id,
        at: veto_domain::now(),
        via: SendVia::Sequence {
            sequence_id: e.sequence_id,
            enrollment_id: e.id,
            step: step_no + 1,
        },
        mailbox_id: Some(mailbox.id),
        route_id: route.map(|r| r.id),
        from: mailbox.address.as_str().to_string(),
        recipient: (!job.ctx.tenant.policy.hashed_only).then(|| e.email.as_str().to_string()),
        recipient_hash,
        contact_id: Some(e.contact_id),
        message_id,
        outcome,
        detail,
        verdict,
    };
    let Some(route) = &job.route else {
        let detail = "no outbound route: add one with POST /v1/routes".to_string();
        return base(
            StepResult::Deferred {
                retry_at: now + RETRY,
            },
            Some(record(
                SendOutcome::Deferred,
                Some(detail),
                json!(null),
                None,
                None,
            )),
            vec![],
        );
    };

    // The tenant's frequency cap, over every sequence, mailbox and the relay.
    if let Some(cap) = job.ctx.tenant.policy.sending.frequency_cap {
        let hashes: Vec<_> = contact
            .emails
            .iter()
            .map(|a| job.ctx.hasher.hash_value(IdentifierKind::Email, a.as_str()))
            .collect();
        let since = now - time::Duration::days(i64::from(cap.days));
        let counted = state
            .store()
            .count_sent_since(e.tenant_id, &hashes, since)
            .await
            .map(|recorded| match reserved.lock() {
                Ok(mut r) => {
                    let slot = r.entry((e.tenant_id, e.contact_id)).or_insert(0);
                    let total = recorded + *slot;
                    if total < u64::from(cap.max) {
                        *slot += 1;
                        *held = true;
                    }
                    total
                }
                Err(_) => u64::MAX,
            });
        match counted {
            Ok(n) if n >= u64::from(cap.max) => {
                let detail = format!(
                    "frequency cap: {n} messages to this contact in the last {} days (at most {})",
                    cap.days, cap.max
                );
                return base(
                    StepResult::Deferred {
                        retry_at: now + time::Duration::hours(6),
                    },
                    Some(record(
                        SendOutcome::Deferred,
                        Some(detail),
                        json!(null),
                        None,
                        Some(route),
                    )),
                    vec![],
                );
            }
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(error = %err, "frequency cap count failed; the step waits");
                return base(
                    StepResult::Deferred {
                        retry_at: now + RETRY,
                    },
                    None,
                    vec![],
                );
            }
        }
    }

    let from_domain = match DomainName::parse(mailbox.address.domain()) {
        Ok(d) => d,
        Err(err) => {
            return base(
                StepResult::Failed {
                    reason: format!("the mailbox's domain is not valid: {err}"),
                },
                None,
                vec![],
            );
        }
    };
    let message_id = veto_sending::new_message_id(&from_domain);
    let fields = ContactFields::from_contact(contact, &e.email);
    let rendered = (|| -> Result<(String, String, Option<String>), String> {
        let render = |part: Part, src: &str| {
            Template::compile(part, src)
                .and_then(|t| t.render(&fields))
                .map_err(|err| err.to_string())
        };
        let mut subject = render(Part::Subject, &step.subject)?;
        if step.same_thread && e.thread_message_id.is_some() {
            // A reply in the thread of the first step keeps its subject.
            if let Some(first) = sequence.steps.first() {
                subject = render(Part::Subject, &first.subject)?;
            }
            if !subject.to_ascii_lowercase().starts_with("re:") {
                subject = format!("Re: {subject}");
            }
        }
        let body = render(Part::Body, &step.body)?;
        let html = match &step.html {
            Some(h) => Some(render(Part::HtmlBody, h)?),
            None => None,
        };
        Ok((subject, body, html))
    })();
    let (subject, text_body, html_body) = match rendered {
        Ok(r) => r,
        Err(reason) => {
            return base(
                StepResult::Failed {
                    reason: format!("step {} cannot be rendered: {reason}", step_no + 1),
                },
                None,
                vec![],
            );
        }
    };
    let thread = if step.same_thread {
        e.thread_message_id.clone()
    } else {
        None
    };
    let msg = StepMessage {
        from: veto_sending::Mailbox::new(mailbox.display_name.as_deref(), mailbox.address.clone()),
        to: veto_sending::Mailbox::new(contact.name.as_deref(), e.email.clone()),
        reply_to: None,
        subject,
        text_body,
        html_body,
        message_id: message_id.clone(),
        date: now,
        in_reply_to: thread.clone(),
        references: thread.into_iter().collect(),
        list_unsubscribe: state.list_unsubscribe(
            e.tenant_id,
            &job.ctx.tenant.secret,
            &e.email,
            &message_id,
            send_id,
        ),
        extra_headers: vec![],
    };
    let bytes = match compose(&msg) {
        Ok(b) => b,
        Err(err) => {
            return base(
                StepResult::Failed {
                    reason: format!("step {} cannot be composed: {err}", step_no + 1),
                },
                None,
                vec![],
            );
        }
    };
    let bounce_domain = state
        .sending()
        .bounce_domain
        .clone()
        .unwrap_or_else(|| from_domain.clone());
    let envelope_from = ReturnPath::encode(
        *send_id.0.as_bytes(),
        &AppState::verp_key(&job.ctx.tenant.secret),
        &bounce_domain,
    )
    .unwrap_or_else(|_| mailbox.address.as_str().to_string());
    let delivered = deliver(
        state,
        Outbound {
            ctx: &job.ctx,
            recipient: &recipient,
            purpose: sequence.purpose,
            from_domain: from_domain.as_str(),
            route,
            envelope_from: &envelope_from,
            message: bytes,
        },
    )
    .await;
    match delivered {
        Err(err) => {
            tracing::warn!(error = %err, "a step could not be checked; it waits");
            base(
                StepResult::Deferred {
                    retry_at: now + RETRY,
                },
                None,
                vec![],
            )
        }
        Ok(Delivered::Blocked(outcome)) => {
            let draft = AuditDraft::new(
                &Actor::system("scheduler"),
                actions::ATTEMPT_BLOCKED,
                outcome.matches.first().map(|m| m.entry_id.to_string()),
                json!({
                    "attempt": "send",
                    "via": "sequence",
                    "send_id": send_id.to_string(),
                    "sequence_id": e.sequence_id.to_string(),
                    "enrollment_id": e.id.to_string(),
                    "step": step_no + 1,
                    "mailbox_id": mailbox.id.to_string(),
                    "entry_ids": outcome.matches.iter().map(|m| m.entry_id.to_string()).collect::<Vec<_>>(),
                    "reasons": outcome.matches.iter().map(|m| m.reason.as_str()).collect::<Vec<_>>(),
                }),
            );
            base(
                StepResult::Blocked {
                    reason: outcome.explanation.clone(),
                },
                Some(record(
                    SendOutcome::Blocked,
                    Some(outcome.explanation.clone()),
                    verdict_snapshot(&outcome),
                    None,
                    Some(route),
                )),
                vec![draft],
            )
        }
        Ok(Delivered::Handed { outcome, handover }) => {
            let verdict = verdict_snapshot(&outcome);
            match handover {
                Handover::Sent(reply) => {
                    let next_due_at = sequence.steps.get(step_no as usize + 1).map(|next| {
                        veto_domain::now()
                            + time::Duration::seconds(
                                i64::try_from(next.delay_secs).unwrap_or(i64::MAX / 2),
                            )
                    });
                    base(
                        StepResult::Sent {
                            next_due_at,
                            thread_message_id: Some(message_id.clone()),
                        },
                        Some(record(
                            SendOutcome::Sent,
                            Some(reply),
                            verdict,
                            Some(message_id),
                            Some(route),
                        )),
                        vec![],
                    )
                }
                Handover::Deferred(reply) => base(
                    StepResult::Deferred {
                        retry_at: now + RETRY,
                    },
                    Some(record(
                        SendOutcome::Deferred,
                        Some(reply),
                        verdict,
                        Some(message_id),
                        Some(route),
                    )),
                    vec![],
                ),
                Handover::Failed(reply) => base(
                    StepResult::Failed {
                        reason: format!("the upstream refused step {}: {reply}", step_no + 1),
                    },
                    Some(record(
                        SendOutcome::Failed,
                        Some(reply),
                        verdict,
                        Some(message_id),
                        Some(route),
                    )),
                    vec![],
                ),
            }
        }
    }
}
