//! The verifier: runs the switched-on checks on addresses and explains the outcome.

use std::sync::Arc;

use futures::StreamExt;
use hashbrown::HashMap;
use veto_domain::email::{AddressError, EmailAddress};
use veto_domain::policy::TenantPolicy;

use crate::checks::VerifyChecks;
use crate::disposable::DisposableList;
use crate::dns::{DnsError, MailRoute, Resolver, RouteAnswer};
use crate::outcome::{Finding, FindingCode, Verdict, Verification};

/// Distinct domains looked up at once by [`Verifier::verify_many`].
pub const DEFAULT_CONCURRENCY: usize = 64;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// Verifies addresses under one tenant's switches and role list.
///
/// Give it a [`crate::CachingResolver`]: an import hits the same domains over and over.
pub struct Verifier {
    checks: VerifyChecks,
    resolver: Arc<dyn Resolver>,
    disposable: Arc<DisposableList>,
    /// Role local part → its sentence, built once.
    roles: FastMap<Box<str>, Arc<str>>,
    concurrency: usize,
}

/// What the domain-level checks found for one domain.
#[derive(Debug, Clone, Default)]
struct DomainFacts {
    route: Option<(Finding, Verdict)>,
    disposable: Option<Finding>,
}

impl Verifier {
    /// The default role list (`veto_domain::role_account`) and the bundled disposable list.
    pub fn new(checks: VerifyChecks, resolver: Arc<dyn Resolver>) -> Self {
        Self {
            checks,
            resolver,
            disposable: DisposableList::bundled(),
            roles: FastMap::default(),
            concurrency: DEFAULT_CONCURRENCY,
        }
        .with_role_local_parts(veto_domain::role_account::DEFAULT_ROLE_LOCAL_PARTS)
    }

    /// A tenant's verifier: its role local parts, these switches.
    pub fn for_policy(
        policy: &TenantPolicy,
        checks: VerifyChecks,
        resolver: Arc<dyn Resolver>,
    ) -> Self {
        Self::new(checks, resolver).with_role_local_parts(&policy.role_local_parts)
    }

    /// Replaces the role local parts (lower case, as in the tenant policy).
    pub fn with_role_local_parts<I, S>(mut self, parts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.roles = parts
            .into_iter()
            .map(|p| {
                let p = p.as_ref();
                let sentence = format!(
                    "{p}@ is a role mailbox: it reaches a function or a team, not a person"
                );
                (Box::from(p), Arc::from(sentence))
            })
            .collect();
        self
    }

    /// Replaces the disposable-mail list.
    pub fn with_disposable_list(mut self, list: Arc<DisposableList>) -> Self {
        self.disposable = list;
        self
    }

    /// Distinct domains looked up at once by [`Self::verify_many`] (at least 1).
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    pub fn checks(&self) -> VerifyChecks {
        self.checks
    }

    /// Parses `raw` and verifies it; an address that does not parse gets a `syntax` finding.
    pub async fn verify_raw(&self, raw: &str) -> Verification {
        match EmailAddress::parse(raw) {
            Ok(email) => self.verify(&email).await,
            Err(e) => self.syntax_failure(&e),
        }
    }

    /// The outcome for an address that did not parse: undeliverable with a `syntax` finding,
    /// or risky when the syntax check is off (nothing else can be checked on it).
    pub fn syntax_failure(&self, error: &AddressError) -> Verification {
        Verification {
            verdict: if self.checks.syntax {
                Verdict::Undeliverable
            } else {
                Verdict::Risky
            },
            reasons: vec![Finding::new(
                FindingCode::Syntax,
                format!("not a valid e-mail address: {error}"),
            )],
        }
    }

    /// Verifies one address.
    pub async fn verify(&self, email: &EmailAddress) -> Verification {
        let facts = self.domain_facts(email.domain()).await;
        self.assemble(email, &facts)
    }

    /// Verifies many addresses; the result has one entry per input, in order. Each distinct
    /// domain is checked once, up to [`Self::with_concurrency`] at a time; the rest is a hash
    /// lookup per address.
    pub async fn verify_many(&self, emails: &[EmailAddress]) -> Vec<Verification> {
        let mut index: FastMap<&str, u32> = FastMap::default();
        let mut domains: Vec<String> = Vec::new();
        let mut slots: Vec<u32> = Vec::with_capacity(emails.len());
        for email in emails {
            let d = email.domain();
            let i = *index.entry(d).or_insert_with(|| {
                domains.push(d.to_owned());
                (domains.len() - 1) as u32
            });
            slots.push(i);
        }
        drop(index);

        // An iterator of futures rather than a closure over the stream: the resulting future
        // is then provably `Send` for callers that spawn it.
        let lookups = domains
            .into_iter()
            .map(|d| async move { self.domain_facts(&d).await });
        let facts: Vec<DomainFacts> = futures::stream::iter(lookups)
            .buffered(self.concurrency)
            .collect()
            .await;

        let mut out = Vec::with_capacity(emails.len());
        for (n, (email, slot)) in emails.iter().zip(slots).enumerate() {
            out.push(self.assemble(email, &facts[slot as usize]));
            // Let other tasks run during very large batches.
            if n % 16_384 == 16_383 {
                tokio::task::yield_now().await;
            }
        }
        out
    }

    async fn domain_facts(&self, domain: &str) -> DomainFacts {
        let route = if self.checks.mail_domain {
            route_finding(domain, self.resolver.mail_route(domain).await)
        } else {
            None
        };
        let disposable = if self.checks.disposable {
            self.disposable.matching(domain).map(|listed| {
                let sentence = if listed == domain {
                    format!("{domain} is a disposable-mail domain (throw-away inboxes)")
                } else {
                    format!(
                        "{domain} belongs to {listed}, a disposable-mail domain (throw-away inboxes)"
                    )
                };
                Finding::new(FindingCode::Disposable, sentence)
            })
        } else {
            None
        };
        DomainFacts { route, disposable }
    }

    fn assemble(&self, email: &EmailAddress, facts: &DomainFacts) -> Verification {
        let role = if self.checks.role_account {
            let local = email.local_part();
            let base = local.find('+').map_or(local, |i| &local[..i]);
            self.roles.get(base)
        } else {
            None
        };
        if facts.route.is_none() && role.is_none() && facts.disposable.is_none() {
            return Verification::DELIVERABLE;
        }
        let mut verdict = Verdict::Deliverable;
        let mut reasons = Vec::with_capacity(3);
        if let Some((f, v)) = &facts.route {
            verdict = verdict.max(*v);
            reasons.push(f.clone());
        }
        if let Some(sentence) = role {
            verdict = verdict.max(Verdict::Risky);
            reasons.push(Finding {
                code: FindingCode::RoleAccount,
                message: sentence.clone(),
            });
        }
        if let Some(f) = &facts.disposable {
            verdict = verdict.max(if self.checks.disposable_undeliverable {
                Verdict::Undeliverable
            } else {
                Verdict::Risky
            });
            reasons.push(f.clone());
        }
        Verification { verdict, reasons }
    }
}

/// The finding (and its weight) for what DNS said about `domain`; `None` when mail has a route.
fn route_finding(
    domain: &str,
    answer: Result<RouteAnswer, DnsError>,
) -> Option<(Finding, Verdict)> {
    let (code, sentence, verdict) = match answer {
        Ok(a) => match a.route {
            MailRoute::Mx(_) | MailRoute::ImplicitMx => return None,
            MailRoute::NullMx => (
                FindingCode::NullMx,
                format!("{domain} does not accept mail: it publishes a null MX (RFC 7505)"),
                Verdict::Undeliverable,
            ),
            MailRoute::NoRoute => (
                FindingCode::NoMx,
                format!(
                    "{domain} does not accept mail: it has no MX record and no A/AAAA address \
                     to deliver to instead (RFC 5321 §5.1)"
                ),
                Verdict::Undeliverable,
            ),
            MailRoute::NxDomain => (
                FindingCode::Nxdomain,
                format!("{domain} does not accept mail: the domain does not exist (NXDOMAIN)"),
                Verdict::Undeliverable,
            ),
        },
        Err(e) => (
            FindingCode::DnsUnavailable,
            format!(
                "could not check whether {domain} accepts mail ({e}); the address is kept and \
                 flagged"
            ),
            Verdict::Risky,
        ),
    };
    Some((Finding::new(code, sentence), verdict))
}
