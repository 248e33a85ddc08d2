//! The SMTP relay's decisions (the protocol side is `veto_smtp`):
//! - AUTH: the tenant's relay credentials (`POST /v1/smtp-credentials`);
//! - MAIL FROM: the tenant must have an outbound route;
//! - RCPT TO: a suppressed recipient gets `550 5.7.1` with the verdict's sentence (reason and
//!   date), recorded as a blocked send attempt and audited; others are accepted;
//! - DATA: per accepted recipient, the message is stamped (Message-ID if missing, the
//!   tenant's `List-Unsubscribe` pair, a `Received` trace field), DKIM-signed, checked again
//!   inside the send fence and handed to the route of the From mailbox (or the tenant's
//!   default route) with a VERP return path; every attempt is recorded.

use std::sync::Arc;

use futures::future::join_all;
use serde_json::json;
use subtle::ConstantTimeEq;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::domain::DomainName;
use veto_domain::email::EmailAddress;
use veto_domain::id::{SendId, TenantId};
use veto_domain::identifier::IdentifierKind;
use veto_domain::route::Route;
use veto_domain::send::{SendOutcome, SendRecord, SendVia};
use veto_domain::smtp_credential::{SmtpCredential, secret_hash};
use veto_domain::verdict::Verdict;
use veto_sending::{Received, ReturnPath, Stamps, read_headers, stamp};
use veto_smtp::{Envelope, Handler, Reply, SessionInfo};

use super::deliver::{Delivered, Outbound, deliver};
use super::gate::verdict_snapshot;
use super::recipient::Recipient;
use super::upstream::Handover;
use crate::check::{Outcome, check_live};
use crate::state::{AppState, TenantCtx};

/// An authenticated relay client.
#[derive(Clone)]
pub struct Principal {
    pub credential: Arc<SmtpCredential>,
}

/// The relay's handler, for `veto_smtp::run`.
pub struct Relay {
    state: AppState,
}

impl Relay {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    /// The recipient with the tenant's contact holding its address, if any (a failed lookup
    /// only loses the contact link: the registry check does not depend on it).
    async fn recipient(&self, tenant: TenantId, address: &EmailAddress) -> Recipient {
        let contact = self
            .state
            .store()
            .contact_by_email(tenant, address.as_str())
            .await
            .ok()
            .flatten();
        Recipient::new(address.clone(), contact)
    }

    fn session(&self, s: &SessionInfo) -> String {
        format!("{}-{}", self.state.sending().node, s.id)
    }

    fn actor(p: &Principal) -> Actor {
        Actor::system(&format!("relay:{}", p.credential.username))
    }

    async fn ctx(&self, tenant: TenantId) -> Result<Arc<TenantCtx>, Reply> {
        self.state.tenant(tenant).await.map_err(|e| {
            tracing::error!(error = %e, "relay: loading the tenant failed");
            Reply::new(451, Some((4, 3, 0)), "Local error; try again later")
        })
    }

    /// The tenant's route for mail from `from`: its mailbox's own route, else the default.
    async fn route_for(
        &self,
        tenant: TenantId,
        from: Option<&EmailAddress>,
    ) -> Result<Option<(Route, Option<veto_domain::mailbox::Mailbox>)>, Reply> {
        let store = self.state.store();
        let sending = self.state.sending();
        let local = |e: veto_store::StoreError| {
            tracing::error!(error = %e, "relay: reading routes failed");
            Reply::new(451, Some((4, 3, 0)), "Local error; try again later")
        };
        let mailbox = match from {
            Some(a) => {
                let k = (tenant, a.as_str().to_string());
                match sending.mailboxes.get(&k) {
                    Some(m) => m,
                    None => {
                        let m = store
                            .mailbox_by_address(tenant, a.as_str())
                            .await
                            .map_err(local)?;
                        sending.mailboxes.insert(k, m.clone());
                        m
                    }
                }
            }
            None => None,
        };
        let routes = match sending.routes.get(&tenant) {
            Some(r) => r,
            None => {
                let r = store.list_routes(tenant).await.map_err(local)?;
                sending.routes.insert(tenant, r.clone());
                r
            }
        };
        let own = mailbox
            .as_ref()
            .and_then(|m| m.route_id)
            .and_then(|id| routes.iter().find(|r| r.id == id));
        let route = own.or_else(|| routes.iter().find(|r| r.is_default));
        Ok(route.map(|r| (r.clone(), mailbox)))
    }
}

fn no_route() -> Reply {
    Reply::new(
        451,
        Some((4, 3, 5)),
        "No outbound route is configured for this tenant (POST /v1/routes); try again later",
    )
}

/// The `550 5.7.1` a suppressed recipient gets: the address and the verdict's sentence, which
/// names the reason, the date and the entry.
pub fn refusal(address: &str, o: &Outcome) -> Reply {
    let why = o
        .matches
        .first()
        .map(|m| m.sentence())
        .unwrap_or_else(|| o.explanation.clone());
    Reply::new(
        550,
        Some((5, 7, 1)),
        format!("<{address}>: recipient refused by the do-not-contact registry. {why}"),
    )
}

#[async_trait::async_trait]
impl Handler for Relay {
    type Principal = Principal;

    async fn authenticate(
        &self,
        s: &SessionInfo,
        username: &str,
        password: &str,
    ) -> Result<Principal, Reply> {
        let bad = || Reply::new(535, Some((5, 7, 8)), "Authentication credentials invalid");
        let c = match self
            .state
            .store()
            .smtp_credential_by_username(username.trim())
            .await
        {
            Ok(Some(c)) => c,
            Ok(None) => return Err(bad()),
            Err(e) => {
                tracing::error!(error = %e, "relay: reading credentials failed");
                return Err(Reply::new(
                    454,
                    Some((4, 7, 0)),
                    "Temporary authentication failure",
                ));
            }
        };
        let ok: bool = c.secret_hash.ct_eq(&secret_hash(password)).into();
        if !ok || c.revoked_at.is_some() {
            tracing::info!(session = s.id, username = %c.username, "relay login refused");
            return Err(bad());
        }
        Ok(Principal {
            credential: Arc::new(c),
        })
    }

    async fn mail_from(
        &self,
        _s: &SessionInfo,
        p: &Principal,
        _from: &str,
        _size: Option<u64>,
    ) -> Result<(), Reply> {
        // Revoked since login: refused from the next transaction on.
        let sending = self.state.sending();
        let current = match sending.credentials.get(&p.credential.username) {
            Some(c) => Ok(c),
            None => {
                let c = self
                    .state
                    .store()
                    .smtp_credential_by_username(&p.credential.username)
                    .await;
                if let Ok(c) = &c {
                    sending
                        .credentials
                        .insert(p.credential.username.clone(), c.clone());
                }
                c
            }
        };
        match current {
            Ok(Some(c)) if c.revoked_at.is_none() => {}
            Ok(_) => {
                return Err(Reply::new(
                    530,
                    Some((5, 7, 0)),
                    "These relay credentials were revoked",
                ));
            }
            Err(e) => {
                tracing::error!(error = %e, "relay: reading credentials failed");
                return Err(Reply::new(
                    451,
                    Some((4, 3, 0)),
                    "Local error; try again later",
                ));
            }
        }
        match self.route_for(p.credential.tenant_id, None).await? {
            Some(_) => Ok(()),
            None => Err(no_route()),
        }
    }

    async fn rcpt_to(
        &self,
        s: &SessionInfo,
        p: &Principal,
        _from: &str,
        rcpt: &str,
    ) -> Result<(), Reply> {
        let address = EmailAddress::parse(rcpt).map_err(|e| {
            Reply::new(
                501,
                Some((5, 1, 3)),
                format!("Bad recipient address syntax: {e}"),
            )
        })?;
        let tenant = p.credential.tenant_id;
        let ctx = self.ctx(tenant).await?;
        if let Err(e) = self.state.fresh().await {
            tracing::error!(error = %e, "relay: catching up with the change feed failed");
            return Err(Reply::new(
                451,
                Some((4, 3, 0)),
                "Local error; try again later",
            ));
        }
        let recipient = self.recipient(tenant, &address).await;
        let outcome = {
            let Some(ix) = self.state.index(tenant) else {
                return Err(Reply::new(
                    451,
                    Some((4, 3, 0)),
                    "Local error; try again later",
                ));
            };
            let Ok(g) = ix.read() else {
                return Err(Reply::new(
                    451,
                    Some((4, 3, 0)),
                    "Local error; try again later",
                ));
            };
            check_live(
                &ctx,
                &g,
                &recipient.identifiers(),
                &Recipient::options(p.credential.purpose),
                veto_domain::now(),
            )
        };
        if outcome.verdict != Verdict::Block {
            self.state
                .sending()
                .recipients
                .insert((s.id, address.as_str().to_string()), recipient);
            return Ok(());
        }
        let send_id = SendId::new();
        let record = SendRecord {
            id: send_id,
            tenant_id: tenant,
            at: veto_domain::now(),
            via: SendVia::Relay {
                session: self.session(s),
                credential_id: p.credential.id,
            },
            mailbox_id: None,
            route_id: None,
            from: _from.to_string(),
            recipient: (!ctx.tenant.policy.hashed_only).then(|| address.as_str().to_string()),
            recipient_hash: ctx
                .hasher
                .hash_value(IdentifierKind::Email, address.as_str()),
            contact_id: recipient.contact.as_ref().map(|c| c.id),
            message_id: None,
            outcome: SendOutcome::Blocked,
            detail: Some(outcome.explanation.clone()),
            verdict: verdict_snapshot(&outcome),
        };
        let draft = blocked_draft(p, &outcome, send_id, "rcpt");
        metrics::counter!("veto_blocked_attempts_total", "attempt" => "send").increment(1);
        if let Err(e) = self
            .state
            .sending()
            .recorder
            .sends(vec![record], vec![(tenant, draft)])
            .await
        {
            tracing::error!(error = %e, "relay: recording a blocked recipient failed");
        }
        Err(refusal(address.as_str(), &outcome))
    }

    async fn data(
        &self,
        s: &SessionInfo,
        p: &Principal,
        envelope: &Envelope,
        message: Vec<u8>,
    ) -> Reply {
        let tenant = p.credential.tenant_id;
        let ctx = match self.ctx(tenant).await {
            Ok(c) => c,
            Err(r) => return r,
        };
        let info = match read_headers(&message) {
            Ok(i) => i,
            Err(e) => return Reply::new(554, Some((5, 6, 0)), format!("Message refused: {e}")),
        };
        let (route, mailbox) = match self.route_for(tenant, Some(&info.from)).await {
            Ok(Some(r)) => r,
            Ok(None) => return no_route(),
            Err(r) => return r,
        };
        let Ok(from_domain) = DomainName::parse(info.from.domain()) else {
            return Reply::new(
                554,
                Some((5, 6, 0)),
                "Message refused: the From domain is not valid",
            );
        };
        let session = self.session(s);
        let bounce_domain = self
            .state
            .sending()
            .bounce_domain
            .clone()
            .unwrap_or_else(|| from_domain.clone());
        let verp_key = AppState::verp_key(&ctx.tenant.secret);
        let peer_ip = s.peer.ip();
        let helo = s.helo.clone().unwrap_or_default();

        let attempts = envelope.rcpt_to.iter().map(|rcpt| {
            let ctx = ctx.clone();
            let route = route.clone();
            let mailbox = mailbox.clone();
            let message = &message;
            let session = session.clone();
            let bounce_domain = bounce_domain.clone();
            let from_domain = from_domain.clone();
            let helo = helo.clone();
            let header_from = info.from.clone();
            let header_message_id = info.message_id.clone();
            async move {
                let address = EmailAddress::parse(rcpt).ok()?;
                // The recipient as RCPT TO read it (its contact), else read again.
                let recipient = match self
                    .state
                    .sending()
                    .recipients
                    .remove(&(s.id, address.as_str().to_string()))
                {
                    Some(r) => r,
                    None => self.recipient(tenant, &address).await,
                };
                let send_id = SendId::new();
                let now = veto_domain::now();
                let id_text = send_id.to_string();
                // One message id for every copy: its own, or one made once per message.
                let list = self.state.list_unsubscribe(
                    tenant,
                    &ctx.tenant.secret,
                    &address,
                    header_message_id.as_deref().unwrap_or(&id_text),
                    send_id,
                );
                let received = Received {
                    helo: &helo,
                    peer_ip,
                    by: &self.state.sending().hostname,
                    protocol: if s.tls { "ESMTPSA" } else { "ESMTPA" },
                    id: &id_text,
                    recipient: Some(&address),
                    date: now,
                }
                .value();
                let stamped = stamp(
                    message,
                    &Stamps {
                        message_id_domain: &from_domain,
                        list_unsubscribe: list.as_ref(),
                        received: Some(received),
                    },
                );
                let record = |outcome: SendOutcome,
                              detail: Option<String>,
                              verdict: serde_json::Value,
                              message_id: Option<String>| SendRecord {
                    id: send_id,
                    tenant_id: tenant,
                    at: veto_domain::now(),
                    via: SendVia::Relay {
                        session: session.clone(),
                        credential_id: p.credential.id,
                    },
                    mailbox_id: mailbox.as_ref().map(|m| m.id),
                    route_id: Some(route.id),
                    from: header_from.as_str().to_string(),
                    recipient: (!ctx.tenant.policy.hashed_only)
                        .then(|| address.as_str().to_string()),
                    recipient_hash: ctx
                        .hasher
                        .hash_value(IdentifierKind::Email, address.as_str()),
                    contact_id: recipient.contact.as_ref().map(|c| c.id),
                    message_id,
                    outcome,
                    detail,
                    verdict,
                };
                let stamped = match stamped {
                    Ok(st) => st,
                    Err(e) => {
                        let r = format!("the message cannot be stamped: {e}");
                        return Some((
                            record(SendOutcome::Failed, Some(r.clone()), json!(null), None),
                            None,
                            Handover::Failed(r),
                        ));
                    }
                };
                let envelope_from =
                    ReturnPath::encode(*send_id.0.as_bytes(), &verp_key, &bounce_domain)
                        .unwrap_or_else(|_| header_from.as_str().to_string());
                let delivered = deliver(
                    &self.state,
                    Outbound {
                        ctx: &ctx,
                        recipient: &recipient,
                        purpose: p.credential.purpose,
                        from_domain: from_domain.as_str(),
                        route: &route,
                        envelope_from: &envelope_from,
                        message: stamped.message,
                    },
                )
                .await;
                let message_id = Some(stamped.message_id);
                Some(match delivered {
                    Err(e) => {
                        tracing::error!(error = %e, "relay: the send gate failed");
                        let r = "451 4.3.0 the send gate could not check the recipient".to_string();
                        (
                            record(
                                SendOutcome::Deferred,
                                Some(r.clone()),
                                json!(null),
                                message_id,
                            ),
                            None,
                            Handover::Deferred(r),
                        )
                    }
                    Ok(Delivered::Blocked(o)) => {
                        let draft = blocked_draft(p, &o, send_id, "data");
                        let r = refusal(address.as_str(), &o).text;
                        (
                            record(
                                SendOutcome::Blocked,
                                Some(o.explanation.clone()),
                                verdict_snapshot(&o),
                                message_id,
                            ),
                            Some(draft),
                            Handover::Failed(r),
                        )
                    }
                    Ok(Delivered::Handed { outcome, handover }) => {
                        let kind = match &handover {
                            Handover::Sent(_) => SendOutcome::Sent,
                            Handover::Deferred(_) => SendOutcome::Deferred,
                            Handover::Failed(_) => SendOutcome::Failed,
                        };
                        (
                            record(
                                kind,
                                Some(handover.reply().to_string()),
                                verdict_snapshot(&outcome),
                                message_id,
                            ),
                            None,
                            handover,
                        )
                    }
                })
            }
        });
        let results: Vec<_> = join_all(attempts).await.into_iter().flatten().collect();
        let mut records = Vec::with_capacity(results.len());
        let mut drafts = Vec::new();
        let (mut sent, mut deferred, mut failed) = (0usize, Vec::new(), Vec::new());
        for (rec, draft, handover) in results {
            records.push(rec);
            if let Some(d) = draft {
                drafts.push((tenant, d));
            }
            match handover {
                Handover::Sent(_) => sent += 1,
                Handover::Deferred(r) => deferred.push(r),
                Handover::Failed(r) => failed.push(r),
            }
        }
        if let Err(e) = self.state.sending().recorder.sends(records, drafts).await {
            // The upstream may have the message already; saying so beats a retry that would
            // send it twice. The log keeps the failure.
            tracing::error!(error = %e, "relay: recording send attempts failed");
        }
        let total = envelope.rcpt_to.len();
        if sent == total {
            return Reply::new(
                250,
                Some((2, 0, 0)),
                format!("Ok: relayed to {sent} recipient(s)"),
            );
        }
        if sent > 0 {
            return Reply::new(
                250,
                Some((2, 0, 0)),
                format!(
                    "Ok: relayed to {sent} of {total} recipients; {} deferred, {} refused (see the send log)",
                    deferred.len(),
                    failed.len()
                ),
            );
        }
        if let Some(r) = deferred.first() {
            return Reply::new(451, Some((4, 4, 0)), format!("Not relayed now: {r}"));
        }
        Reply::new(
            554,
            Some((5, 0, 0)),
            format!(
                "Not relayed: {}",
                failed.first().map(String::as_str).unwrap_or("refused")
            ),
        )
    }
}

fn blocked_draft(p: &Principal, o: &Outcome, send_id: SendId, stage: &str) -> AuditDraft {
    AuditDraft::new(
        &Relay::actor(p),
        actions::ATTEMPT_BLOCKED,
        o.matches.first().map(|m| m.entry_id.to_string()),
        json!({
            "attempt": "send",
            "via": "relay",
            "stage": stage,
            "send_id": send_id.to_string(),
            "credential_id": p.credential.id.to_string(),
            "entry_ids": o.matches.iter().map(|m| m.entry_id.to_string()).collect::<Vec<_>>(),
            "reasons": o.matches.iter().map(|m| m.reason.as_str()).collect::<Vec<_>>(),
        }),
    )
}
