//! The sequence scheduler inside `veto serve`: it claims due steps from the store (leased, so
//! several nodes never send the same step), sends each mailbox's steps one after another in
//! due order and many mailboxes at once, and records every outcome. Each step goes through
//! [`deliver`](super::deliver::deliver): the recipient is checked against the registry as
//! committed at that moment, inside the send fence.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::sync::{Notify, Semaphore};
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::contact::Contact;
use veto_domain::domain::DomainName;
use veto_domain::id::{ContactId, EnrollmentId, MailboxId, RouteId, SendId, SequenceId, TenantId};
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

/// Steps claimed at a time.
const CLAIM: u32 = 2000;
/// Claimed steps not yet recorded, at most, in claims: when more are claimed only to give idle
/// send slots a mailbox (the claims of a few busy mailboxes must not outlive their lease).
const MAX_IN_FLIGHT_CLAIMS: usize = 4;
/// How long a claim holds before another node may take the step (a crashed node's claims
/// come free after this).
const LEASE_SECS: u32 = 300;
/// Pause between claims when nothing was due.
const IDLE: Duration = Duration::from_millis(500);
/// When a step is tried again after an upstream's temporary refusal or a missing route.
const RETRY: time::Duration = time::Duration::minutes(15);

/// Starts the scheduler loop.
///
/// Sending never waits for a claim, and a claim never waits for the last step of the one
/// before: the next steps are claimed while the claimed ones go out, as soon as fewer than
/// [`CLAIM`] are left or some send slots have no mailbox to serve. (Claims come earliest
/// first, so one claim often holds the steps of only a few mailboxes, each sent one after
/// another; sending claim by claim left most slots idle and the upstream waiting at the end
/// of each claim.)
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let sender = Dispatcher::new(&state, CLAIM);
        loop {
            match sender.claim_and_dispatch().await {
                Ok(0) => sender.wait_for_room(true).await,
                Ok(_) => sender.wait_for_room(false).await,
                Err(e) => {
                    tracing::error!(error = %e, "the sequence scheduler failed a claim");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    });
}

/// Claims one batch of due steps, sends them and returns once every outcome is recorded;
/// returns how many were claimed.
pub async fn run_round(state: &AppState) -> Result<usize, StoreError> {
    let claims = state
        .store()
        .claim_due_steps(veto_domain::now(), LEASE_SECS, CLAIM)
        .await?;
    send_claimed(state, claims).await
}

/// Sends claimed steps (each checked at that moment), records their outcomes and returns
/// once every one is recorded; returns how many there were.
pub async fn send_claimed(state: &AppState, claims: Vec<ClaimedStep>) -> Result<usize, StoreError> {
    let n = claims.len();
    if n == 0 {
        return Ok(0);
    }
    let sender = Dispatcher::new(state, CLAIM);
    sender.dispatch(claims).await?;
    sender.wait_idle().await;
    Ok(n)
}

/// Claims `claim` due steps at a time, the way the scheduler inside `veto serve` does (the next
/// claim while the last one's steps go out), until nothing is due and every claimed step is
/// recorded; returns how many steps were claimed.
pub async fn drain_due(state: &AppState, claim: u32) -> Result<usize, StoreError> {
    let sender = Dispatcher::new(state, claim.max(1));
    let mut total = 0;
    loop {
        let n = sender.claim_and_dispatch().await?;
        total += n;
        if n == 0 {
            if sender.lock().in_flight.is_empty() {
                return Ok(total);
            }
            // What is recorded may make the next steps due.
            sender.wait_idle().await;
        } else {
            sender.wait_for_room(false).await;
        }
    }
}

/// Mailbox queues of claimed steps, one sending task per mailbox with steps queued.
///
/// Each mailbox's steps leave one after another in the order they were queued (claims come
/// earliest first); at most `concurrency` steps of all mailboxes are out at once.
#[derive(Clone)]
struct Dispatcher(Arc<Shared>);

struct Shared {
    state: AppState,
    /// Steps claimed at a time.
    claim: u32,
    permits: Semaphore,
    reserved: Reservations,
    queues: Mutex<Queues>,
    /// Woken whenever a step's outcome is recorded.
    progress: Notify,
}

/// What is claimed and not yet recorded, under one lock.
#[derive(Default)]
struct Queues {
    by_mailbox: HashMap<(TenantId, MailboxId), VecDeque<Job>>,
    /// Enrolments with a step claimed and not yet recorded. A claim that returns one of them
    /// again (its lease ran out while it waited) is dropped: it is under way here.
    in_flight: HashSet<EnrollmentId>,
    /// Whether the last claim gave a mailbox that had nothing queued.
    last_claim_opened: bool,
}

impl Dispatcher {
    fn new(state: &AppState, claim: u32) -> Self {
        Self(Arc::new(Shared {
            state: state.clone(),
            claim,
            permits: Semaphore::new(state.sending().concurrency),
            reserved: Arc::new(Mutex::new(HashMap::new())),
            queues: Mutex::new(Queues::default()),
            progress: Notify::new(),
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queues> {
        // A sending task that panicked holding the lock left the queues as they were between
        // two statements; they stay usable.
        self.0.queues.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Claims due steps and queues them; returns how many were claimed.
    async fn claim_and_dispatch(&self) -> Result<usize, StoreError> {
        let claims = self
            .0
            .state
            .store()
            .claim_due_steps(veto_domain::now(), LEASE_SECS, self.0.claim)
            .await?;
        let n = claims.len();
        self.dispatch(claims).await?;
        Ok(n)
    }

    /// Whether another claim should be made now: fewer steps are left than a claim takes, or
    /// send slots are idle for want of mailboxes and the last claim brought new ones.
    fn has_room(&self) -> bool {
        let claim = self.0.claim as usize;
        let q = self.lock();
        let n = q.in_flight.len();
        n < claim
            || (q.last_claim_opened
                && q.by_mailbox.len() < self.0.state.sending().concurrency
                && n < MAX_IN_FLIGHT_CLAIMS * claim)
    }

    /// Waits until another claim should be made (after a claim that found nothing, at least
    /// [`IDLE`]).
    async fn wait_for_room(&self, idle: bool) {
        if idle {
            tokio::time::sleep(IDLE).await;
        }
        loop {
            let progressed = self.0.progress.notified();
            if self.has_room() {
                return;
            }
            // A missed wake-up costs at most the idle pause.
            let _ = tokio::time::timeout(IDLE, progressed).await;
        }
    }

    /// Waits until every queued step is recorded.
    async fn wait_idle(&self) {
        loop {
            let progressed = self.0.progress.notified();
            if self.lock().in_flight.is_empty() {
                return;
            }
            let _ = tokio::time::timeout(IDLE, progressed).await;
        }
    }

    /// Prepares claimed steps and queues each behind its mailbox's earlier steps, starting a
    /// sending task for every mailbox that had none.
    async fn dispatch(&self, claims: Vec<ClaimedStep>) -> Result<(), StoreError> {
        let state = &self.0.state;
        let claims: Vec<ClaimedStep> = {
            let q = self.lock();
            claims
                .into_iter()
                .filter(|c| !q.in_flight.contains(&c.enrollment.id))
                .collect()
        };
        if claims.is_empty() {
            self.lock().last_claim_opened = false;
            return Ok(());
        }
        let mut look = Lookups::default();
        preload(state, &mut look, &claims).await?;
        let mut jobs = Vec::with_capacity(claims.len());
        for claim in claims {
            jobs.push(prepare(state, &mut look, claim).await?);
        }
        let mut opened = Vec::new();
        {
            let mut q = self.lock();
            for job in jobs {
                let mb = job
                    .mailbox
                    .as_ref()
                    .map(|m| m.id)
                    .unwrap_or(job.claim.enrollment.mailbox_id);
                let key = (job.ctx.tenant.id, mb);
                q.in_flight.insert(job.claim.enrollment.id);
                match q.by_mailbox.get_mut(&key) {
                    Some(queue) => queue.push_back(job),
                    None => {
                        q.by_mailbox.insert(key, VecDeque::from([job]));
                        opened.push(key);
                    }
                }
            }
            q.last_claim_opened = !opened.is_empty();
        }
        for key in opened {
            let sender = self.clone();
            tokio::spawn(async move { sender.send_mailbox(key).await });
        }
        Ok(())
    }

    /// Sends a mailbox's queued steps one after another until its queue is empty.
    async fn send_mailbox(&self, key: (TenantId, MailboxId)) {
        let shared = &self.0;
        loop {
            // Taking the next step and retiring an empty queue happen under one lock, so a
            // step queued meanwhile is either taken here or finds no queue and starts a task.
            let job = {
                let mut q = self.lock();
                match q.by_mailbox.get_mut(&key).and_then(VecDeque::pop_front) {
                    Some(job) => job,
                    None => {
                        q.by_mailbox.remove(&key);
                        return;
                    }
                }
            };
            let enrollment = job.claim.enrollment.id;
            let contact_key = (
                job.claim.enrollment.tenant_id,
                job.claim.enrollment.contact_id,
            );
            let recorded = match shared.permits.acquire().await {
                Ok(_permit) => {
                    let (outcome, held) = send_step(&shared.state, job, &shared.reserved).await;
                    // Recorded before the mailbox's next step, so the frequency cap and the
                    // enrolment's next step see it (the recorder still commits many at once).
                    let recorded = shared.state.sending().recorder.steps(vec![outcome]).await;
                    // Once recorded, a sent message counts from the store: its place is
                    // given back.
                    if held
                        && let Ok(mut r) = shared.reserved.lock()
                        && let Some(n) = r.get_mut(&contact_key)
                    {
                        *n = n.saturating_sub(1);
                        if *n == 0 {
                            r.remove(&contact_key);
                        }
                    }
                    recorded
                }
                // The semaphore is never closed; were it, the step stays claimed until its
                // lease runs out and is then claimed again.
                Err(_) => Ok(()),
            };
            if let Err(e) = recorded {
                tracing::error!(error = %e, "recording a step outcome failed");
            }
            self.lock().in_flight.remove(&enrollment);
            shared.progress.notify_waiters();
        }
    }
}

/// What a claim looks up once and shares between its steps.
#[derive(Default)]
struct Lookups {
    tenants: HashMap<TenantId, Arc<TenantCtx>>,
    sequences: HashMap<(TenantId, SequenceId), Option<Arc<Sequence>>>,
    mailboxes: HashMap<(TenantId, MailboxId), Option<Arc<Mailbox>>>,
    routes: HashMap<(TenantId, Option<RouteId>), Option<Arc<Route>>>,
    contacts: HashMap<(TenantId, ContactId), Option<Arc<Contact>>>,
}

/// Messages to each contact claimed and not yet recorded: the frequency cap
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

/// Reads what a claim needs in one query per tenant and kind instead of one per step: the
/// tenants' mailboxes and the contacts of every claimed step. (A claim has up to [`CLAIM`]
/// steps, each on its own contact and often on its own mailbox; reading them one by one kept
/// the claim from sending anything for most of its first tenth of a second.)
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
        // Only the contacts looked up are cached: one a claim misses is read by `prepare`.
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
