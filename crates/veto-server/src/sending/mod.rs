//! Sending: the last gate before every message, for Veto's own sequences and for the SMTP
//! relay other tools send through.
//!
//! Every message goes out through [`deliver::deliver`]: it is signed with the From domain's
//! DKIM key, then the recipient is checked inside the store's send fence ([`gate`]) against
//! what is committed at that moment, and only an allowed message is handed to the tenant's
//! route ([`upstream`]) before the fence is released. Each attempt is stored with its verdict
//! ([`recorder`]); blocked ones are also audit events.
//!
//! Layout:
//! - [`cache`] — short-lived copies of routes, mailboxes and credential state.
//! - [`recipient`] — who a message is for: the address and the contact's other identifiers.
//! - [`gate`] — the check inside the send fence.
//! - [`upstream`] — lettre transports per route.
//! - [`deliver`] — sign, gate, hand over.
//! - [`recorder`] — send records and step outcomes, written in batches (group commit).
//! - [`enroll`] — enrolling contacts in sequences, each checked first.
//! - [`scheduler`] — the loop that sends due steps, per mailbox in order.
//! - [`relay`] — the SMTP relay's decisions (AUTH, RCPT TO, DATA).

pub mod cache;
pub mod deliver;
pub mod enroll;
pub mod gate;
pub mod recipient;
pub mod recorder;
pub mod relay;
pub mod scheduler;
pub mod upstream;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use hmac::{KeyInit, Mac};
use veto_domain::domain::{DomainName, self_and_parents};
use veto_domain::email::EmailAddress;
use veto_domain::id::{SendId, TenantId};
use veto_domain::keyed_hash::TenantSecret;
use veto_domain::mailbox::SendingDomain;
use veto_domain::unsubscribe::{UnsubscribeKey, UnsubscribeToken, list_unsubscribe_headers};
use veto_sending::{DkimKey, ListUnsubscribe};
use veto_store::StoreError;

use crate::state::AppState;
use upstream::Upstreams;

/// How long a node trusts its copy of a domain's DKIM key (another node may have replaced
/// it).
const SIGNER_TTL: Duration = Duration::from_secs(30);

/// How long a node trusts its copy of routes, mailboxes and credential state changed through
/// another node.
const CONFIG_TTL: Duration = Duration::from_secs(5);

/// How a node sends.
#[derive(Debug, Clone, Default)]
pub struct SendingOptions {
    /// The name this node gives in SMTP greetings and `Received` fields (default: the host
    /// name).
    pub hostname: Option<String>,
    /// The domain of VERP return paths (`bounces+…@DOMAIN`); default: the From domain.
    pub bounce_domain: Option<String>,
    /// Extra trust anchors (PEM) for upstream TLS.
    pub upstream_ca_pems: Vec<Vec<u8>>,
    /// Messages handed to upstreams at once by the scheduler.
    pub concurrency: Option<usize>,
}

/// A domain's signing key, opened.
pub struct Signer {
    pub domain: DomainName,
    pub selector: String,
    pub key: DkimKey,
}

type SignerSlot = (Instant, Option<Arc<Signer>>);

/// The node's sending state.
pub struct SendingCtx {
    pub upstreams: Upstreams,
    pub hostname: String,
    pub bounce_domain: Option<DomainName>,
    pub concurrency: usize,
    /// Names this node's relay sessions (`{node}-{n}`).
    pub node: String,
    signers: Mutex<HashMap<(TenantId, String), SignerSlot>>,
    /// The base of unsubscribe links when no public URL is configured: the API's own address.
    fallback_base: OnceLock<String>,
    pub recorder: recorder::Recorder,
    /// Each tenant's routes.
    pub routes: cache::TtlCache<TenantId, Vec<veto_domain::route::Route>>,
    /// Mailboxes by (tenant, address).
    pub mailboxes: cache::TtlCache<(TenantId, String), Option<veto_domain::mailbox::Mailbox>>,
    /// Relay credentials by user name (whether they are still valid after login).
    pub credentials: cache::TtlCache<String, Option<veto_domain::smtp_credential::SmtpCredential>>,
    /// The recipients a relay transaction accepted at RCPT TO, by (session, address), for its
    /// DATA.
    pub recipients: cache::TtlCache<(u64, String), recipient::Recipient>,
}

impl SendingCtx {
    pub fn new(opts: &SendingOptions, recorder: recorder::Recorder) -> Self {
        let hostname = opts
            .hostname
            .clone()
            .filter(|h| !h.trim().is_empty())
            .or_else(|| {
                std::fs::read_to_string("/etc/hostname")
                    .ok()
                    .map(|h| h.trim().to_string())
                    .filter(|h| !h.is_empty())
            })
            .unwrap_or_else(|| "localhost".to_string());
        let mut node = [0u8; 4];
        rand::fill(&mut node);
        Self {
            upstreams: Upstreams::new(hostname.clone(), opts.upstream_ca_pems.clone()),
            hostname,
            bounce_domain: opts
                .bounce_domain
                .as_deref()
                .and_then(|d| DomainName::parse(d).ok()),
            concurrency: opts.concurrency.unwrap_or(32).max(1),
            node: veto_domain::keyed_hash::hex(&node),
            signers: Mutex::new(HashMap::new()),
            fallback_base: OnceLock::new(),
            recorder,
            routes: cache::TtlCache::new(CONFIG_TTL),
            mailboxes: cache::TtlCache::new(CONFIG_TTL),
            credentials: cache::TtlCache::new(CONFIG_TTL),
            recipients: cache::TtlCache::new(Duration::from_secs(600)),
        }
    }

    /// Drops this node's copy of a domain's key (it was replaced here).
    pub fn forget_signer(&self, tenant: TenantId, domain: &str) {
        if let Ok(mut m) = self.signers.lock() {
            m.remove(&(tenant, domain.to_string()));
        }
    }

    /// Where unsubscribe links point when no public URL is configured.
    pub fn set_fallback_base(&self, base: String) {
        let _ = self.fallback_base.set(base);
    }
}

impl AppState {
    /// The key a tenant's VERP return paths are authenticated with: a labelled sub-key of the
    /// tenant secret (the label can never be an identifier hash's `kind:` prefix).
    pub fn verp_key(secret: &TenantSecret) -> [u8; 32] {
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&secret.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(b"veto/verp-return-path/v1");
        mac.finalize().into_bytes().into()
    }

    /// The signer for mail from `from_domain`: the tenant's sending domain of that name, or
    /// of its closest parent, that has a key (relaxed DMARC alignment).
    pub async fn signer_for(
        &self,
        tenant: TenantId,
        from_domain: &str,
    ) -> Result<Option<Arc<Signer>>, StoreError> {
        for d in self_and_parents(from_domain) {
            if let Some(s) = self.signer_of(tenant, d).await? {
                return Ok(Some(s));
            }
        }
        Ok(None)
    }

    async fn signer_of(
        &self,
        tenant: TenantId,
        domain: &str,
    ) -> Result<Option<Arc<Signer>>, StoreError> {
        let key = (tenant, domain.to_string());
        if let Ok(m) = self.sending().signers.lock()
            && let Some((at, s)) = m.get(&key)
            && at.elapsed() < SIGNER_TTL
        {
            return Ok(s.clone());
        }
        let signer = match self.store().sending_domain_by_name(tenant, domain).await? {
            Some(d) => self.open_signer(&d),
            None => None,
        };
        if let Ok(mut m) = self.sending().signers.lock() {
            m.insert(key, (Instant::now(), signer.clone()));
        }
        Ok(signer)
    }

    fn open_signer(&self, d: &SendingDomain) -> Option<Arc<Signer>> {
        let k = d.dkim.as_ref()?;
        let opened = self
            .secrets_key()
            .open(
                &k.private_sealed,
                &SendingDomain::seal_aad(d.tenant_id, d.id, &k.selector),
            )
            .map_err(|e| e.to_string())
            .and_then(|der| DkimKey::from_pkcs8_der(&der).map_err(|e| e.to_string()));
        let domain = DomainName::parse(&d.domain).ok()?;
        match opened {
            Ok(key) => Some(Arc::new(Signer {
                domain,
                selector: k.selector.clone(),
                key,
            })),
            Err(e) => {
                // Sending on unsigned beats not sending; the log says why.
                tracing::error!(domain = %d.domain, error = %e,
                    "the DKIM key of a sending domain does not open: messages go out unsigned");
                None
            }
        }
    }

    /// The `List-Unsubscribe` pair for `recipient` in `message_id`, sent as `send`: a
    /// one-click link signed for the tenant, and the mailto form when a mail domain is
    /// configured (its local part refers to the send, see
    /// [`UnsubscribeKey::send_mailto_token`]). One-click needs the public URL to be https.
    pub fn list_unsubscribe(
        &self,
        tenant: TenantId,
        secret: &TenantSecret,
        recipient: &EmailAddress,
        message_id: &str,
        send: SendId,
    ) -> Option<ListUnsubscribe> {
        let key = UnsubscribeKey::derive(secret);
        let token =
            UnsubscribeToken::new(tenant, recipient.clone(), message_id, veto_domain::now())
                .ok()?
                .seal(&key);
        let mailto_token = key.send_mailto_token(*send.0.as_bytes());
        let base = match self.public_url() {
            Some(u) => u.to_string(),
            None => self
                .sending()
                .fallback_base
                .get()
                .cloned()
                .unwrap_or_else(|| "http://localhost".to_string()),
        };
        let h = list_unsubscribe_headers(
            &base,
            self.unsubscribe_mail_domain(),
            &token,
            Some(&mailto_token),
        );
        // One-click (`List-Unsubscribe-Post`) needs an https link (RFC 8058 §3.1): without an
        // https public URL the message still carries its unsubscribe links, without the Post.
        match ListUnsubscribe::from_headers(&h) {
            Ok(l) => Some(l),
            Err(_) => h
                .first()
                .and_then(|(_, v)| ListUnsubscribe::new(v, false).ok()),
        }
    }
}
