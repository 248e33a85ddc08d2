//! One signal from receipt to record: [`Processing::begin`] stores it with its raw bytes (or
//! finds it processed already), the reader of the signal calls the actions (suppress, count a
//! soft bounce, reset the count, ignore), and [`Processing::finish`] stores the outcome and
//! audits it as one `signal.processed` event naming the signal, its Message-ID and, per
//! address, what was done (entry id and hash prefix, never the address).

use serde_json::json;
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::audit::{AuditDraft, actions};
use veto_domain::email::EmailAddress;
use veto_domain::id::{EntryId, SignalId};
use veto_domain::identifier::Identifier;
use veto_domain::keyed_hash::IdentHash;
use veto_domain::role_account::is_role_account;
use veto_domain::signal::{NewSignal, SignalFinish, SignalStart, Via};
use veto_domain::suppression::{Channel, NewEntry, Purposes, Reason, SourceChannel};
use veto_store::AddOutcome;

use super::{IngestOutcome, SignalAction};
use crate::error::ApiError;
use crate::state::{AppState, TenantCtx};

/// A signal being processed for one tenant.
pub struct Processing<'a> {
    state: &'a AppState,
    ctx: &'a TenantCtx,
    actor: Actor,
    pub signal_id: SignalId,
    pub out: IngestOutcome,
    subjects: Vec<IdentHash>,
}

/// What [`Processing::begin`] found.
pub enum Begun<'a> {
    /// New: act on it, then [`Processing::finish`].
    New(Box<Processing<'a>>),
    /// Processed before (the same message, or the same provider event delivered again): its
    /// recorded outcome.
    Seen(Box<IngestOutcome>),
}

/// The raw signal to record.
pub struct Received {
    pub key: String,
    pub via: Via,
    pub content_type: &'static str,
    pub raw: Vec<u8>,
    pub message_id: Option<String>,
}

impl<'a> Processing<'a> {
    pub async fn begin(
        state: &'a AppState,
        ctx: &'a TenantCtx,
        actor: Actor,
        received: Received,
    ) -> Result<Begun<'a>, ApiError> {
        let new = NewSignal {
            id: SignalId::new(),
            tenant_id: ctx.tenant.id,
            key: received.key,
            via: received.via,
            content_type: received.content_type.to_string(),
            raw: received.raw,
            message_id: received.message_id.clone(),
            received_by: actor.clone(),
            received_at: veto_domain::now(),
        };
        match state.store().begin_signal(new).await? {
            SignalStart::Seen(s) => {
                let mut out: IngestOutcome = s
                    .outcome
                    .as_deref()
                    .and_then(|o| serde_json::from_str(o).ok())
                    .unwrap_or_else(|| {
                        IngestOutcome::new(s.kind.as_deref().unwrap_or("unknown"), s.message_id)
                    });
                out.signal_id = s.id.to_string();
                out.duplicate = true;
                Ok(Begun::Seen(Box::new(out)))
            }
            SignalStart::New(s) => {
                let mut out = IngestOutcome::new("not_a_signal", received.message_id);
                out.signal_id = s.id.to_string();
                Ok(Begun::New(Box::new(Processing {
                    state,
                    ctx,
                    actor,
                    signal_id: s.id,
                    out,
                    subjects: Vec::new(),
                })))
            }
        }
    }

    pub fn ctx(&self) -> &TenantCtx {
        self.ctx
    }

    pub fn state(&self) -> &AppState {
        self.state
    }

    /// The Message-ID the evidence names.
    pub fn message_ref(&self) -> String {
        self.out
            .message_id
            .clone()
            .unwrap_or_else(|| "(no Message-ID)".into())
    }

    fn hash_of(&mut self, email: &EmailAddress) -> IdentHash {
        let h = self.ctx.hasher.hash(&Identifier::Email(email.clone()));
        if !self.subjects.contains(&h) {
            self.subjects.push(h);
        }
        h
    }

    /// Records that nothing was done for `address`.
    pub fn ignore(&mut self, address: &str, reason: &str, why: impl Into<String>) {
        if let Ok(e) = EmailAddress::parse(address) {
            self.hash_of(&e);
        }
        self.out.actions.push(SignalAction {
            address: address.to_string(),
            action: "ignored".into(),
            reason: reason.to_string(),
            entry_id: None,
            why: Some(why.into()),
            soft_bounces: None,
        });
    }

    /// Adds an e-mail suppression of `address` through the store path of
    /// `POST /v1/suppressions` (entry, audit event and change in one transaction). The
    /// evidence names this signal.
    pub async fn suppress(
        &mut self,
        address: &str,
        reason: Reason,
        source: SourceChannel,
        evidence: String,
    ) -> Result<(), ApiError> {
        let email = match EmailAddress::parse(address) {
            Ok(e) => e,
            Err(e) => {
                self.ignore(
                    address,
                    reason.as_str(),
                    format!("no valid address to suppress: {e}"),
                );
                return Ok(());
            }
        };
        let hash = self.hash_of(&email);
        let policy = &self.ctx.tenant.policy;
        let id = Identifier::Email(email.clone());
        let now = veto_domain::now();
        let entry = NewEntry {
            id: EntryId::new(),
            tenant_id: self.ctx.tenant.id,
            kind: id.kind(),
            ident_hash: hash,
            role_account: is_role_account(email.local_part(), &policy.role_local_parts),
            identifier: (!policy.hashed_only).then_some(id),
            include_subdomains: false,
            channel: Channel::Email,
            purposes: Purposes::DEFAULT,
            reason,
            source,
            evidence: Some(format!("{evidence} [signal {}]", self.signal_id)),
            created_by: self.actor.clone(),
            created_at: now,
            valid_from: now,
            expires_at: policy.expiry_for(reason, now),
        };
        let added = self.state.store().add_suppression(entry).await?;
        metrics::counter!("veto_suppressions_added_total", "outcome" => match added { AddOutcome::Created(_) => "created", AddOutcome::Existing(_) => "existing" }).increment(1);
        let action = match added {
            AddOutcome::Created(_) => "suppressed",
            AddOutcome::Existing(_) => "already_suppressed",
        };
        self.out.actions.push(SignalAction {
            address: email.to_string(),
            action: action.into(),
            reason: reason.as_str().to_string(),
            entry_id: Some(added.entry().id.to_string()),
            why: None,
            soft_bounces: None,
        });
        Ok(())
    }

    /// Counts a soft bounce of `address` at `at`; when the tenant's bounce policy is reached,
    /// suppresses the address (`soft_bounce_limit`) and starts the count again.
    pub async fn soft_bounce(
        &mut self,
        address: &str,
        bounce_reason: &str,
        at: Timestamp,
        detail: String,
    ) -> Result<(), ApiError> {
        let email = match EmailAddress::parse(address) {
            Ok(e) => e,
            Err(e) => {
                self.ignore(
                    address,
                    bounce_reason,
                    format!("no valid address to count: {e}"),
                );
                return Ok(());
            }
        };
        let hash = self.hash_of(&email);
        let policy = self.ctx.tenant.policy.bounces;
        let count = self
            .state
            .store()
            .count_soft_bounce(self.ctx.tenant.id, &hash, at)
            .await?;
        if count.reaches(policy.soft_limit, policy.soft_days) {
            let evidence = format!(
                "{} consecutive soft bounces from {} to {} (policy: {} spanning {} days); last: {} {}",
                count.count,
                veto_domain::rfc3339(count.first_at),
                veto_domain::rfc3339(count.last_at),
                policy.soft_limit,
                policy.soft_days,
                self.message_ref(),
                detail
            );
            self.suppress(
                address,
                Reason::SoftBounceLimit,
                SourceChannel::Bounce,
                evidence,
            )
            .await?;
            if let Some(a) = self.out.actions.last_mut() {
                a.soft_bounces = Some(count.count);
            }
            self.state
                .store()
                .reset_soft_bounces(self.ctx.tenant.id, &hash)
                .await?;
        } else {
            self.out.actions.push(SignalAction {
                address: email.to_string(),
                action: "counted".into(),
                reason: bounce_reason.to_string(),
                entry_id: None,
                why: Some(format!(
                    "soft bounce {} of {} (the address is blocked after {} spanning at least {} days)",
                    count.count, policy.soft_limit, policy.soft_limit, policy.soft_days
                )),
                soft_bounces: Some(count.count),
            });
        }
        Ok(())
    }

    /// A delivery to, or a reply from, `address`: its soft-bounce count starts again.
    pub async fn reset(&mut self, address: &str) -> Result<bool, ApiError> {
        let Ok(email) = EmailAddress::parse(address) else {
            return Ok(false);
        };
        let hash = self.hash_of(&email);
        Ok(self
            .state
            .store()
            .reset_soft_bounces(self.ctx.tenant.id, &hash)
            .await?)
    }

    /// Stores the outcome with the signal and audits it; brings this node's index up to date
    /// when something was suppressed.
    pub async fn finish(self) -> Result<IngestOutcome, ApiError> {
        let out = self.out;
        let changed = out
            .actions
            .iter()
            .any(|a| a.action == "suppressed" || a.action == "already_suppressed");
        let outcome = serde_json::to_string(&out).map_err(ApiError::internal)?;
        let per_address: Vec<serde_json::Value> = out
            .actions
            .iter()
            .map(|a| {
                let hash = EmailAddress::parse(&a.address).ok().map(|e| {
                    self.ctx.hasher.hash(&Identifier::Email(e)).to_hex()[..16].to_string()
                });
                json!({
                    "action": a.action,
                    "reason": a.reason,
                    "entry_id": a.entry_id,
                    "ident_hash": hash,
                    "soft_bounces": a.soft_bounces,
                })
            })
            .collect();
        let draft = AuditDraft::new(
            &self.actor,
            actions::SIGNAL_PROCESSED,
            Some(self.signal_id.to_string()),
            json!({
                "signal_id": self.signal_id.to_string(),
                "kind": out.kind,
                "class": out.class,
                "message_id": out.message_id,
                "reasons": out.reasons,
                "actions": per_address,
                "return_date": out.return_date,
            }),
        );
        self.state
            .store()
            .finish_signal(
                self.ctx.tenant.id,
                self.signal_id,
                SignalFinish {
                    kind: out.kind.clone(),
                    outcome,
                    ignored: !changed,
                    subjects: self.subjects,
                    at: veto_domain::now(),
                },
                draft,
            )
            .await?;
        if changed {
            // The next check on this node must see what was just added.
            self.state.fresh().await.map_err(ApiError::unavailable)?;
        }
        Ok(out)
    }
}
