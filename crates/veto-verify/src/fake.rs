//! A resolver that answers from a table: for tests, examples and benchmarks.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;

use crate::dns::{DnsError, MailRoute, Resolver, RouteAnswer};

/// Answers from a table of domain → answer (unknown domains: NXDOMAIN) and counts queries.
/// An optional delay makes each query take time, so concurrent lookups overlap.
#[derive(Debug, Default)]
pub struct FakeResolver {
    answers: Mutex<HashMap<String, Result<RouteAnswer, DnsError>>>,
    per_domain: Mutex<HashMap<String, usize>>,
    queries: AtomicUsize,
    delay: Option<Duration>,
}

impl FakeResolver {
    pub fn new() -> Self {
        Self::default()
    }

    /// Each query sleeps this long (on the Tokio clock) before answering.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Answers `route` (no TTL) for `domain`.
    pub fn with(self, domain: &str, route: MailRoute) -> Self {
        self.set(domain, Ok(route.into()));
        self
    }

    /// Answers `route` with `ttl` for `domain`.
    pub fn with_ttl(self, domain: &str, route: MailRoute, ttl: Duration) -> Self {
        self.set(domain, Ok(RouteAnswer::new(route, Some(ttl))));
        self
    }

    /// Fails every query for `domain` with `error`.
    pub fn with_error(self, domain: &str, error: DnsError) -> Self {
        self.set(domain, Err(error));
        self
    }

    /// Sets (or replaces) the answer for `domain`.
    pub fn set(&self, domain: &str, answer: Result<RouteAnswer, DnsError>) {
        lock(&self.answers).insert(domain.to_string(), answer);
    }

    /// Queries answered so far.
    pub fn queries(&self) -> usize {
        self.queries.load(Ordering::Relaxed)
    }

    /// Queries answered so far for `domain`.
    pub fn queries_for(&self, domain: &str) -> usize {
        lock(&self.per_domain).get(domain).copied().unwrap_or(0)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[async_trait]
impl Resolver for FakeResolver {
    async fn mail_route(&self, domain: &str) -> Result<RouteAnswer, DnsError> {
        self.queries.fetch_add(1, Ordering::Relaxed);
        *lock(&self.per_domain)
            .entry(domain.to_string())
            .or_default() += 1;
        if let Some(d) = self.delay {
            tokio::time::sleep(d).await;
        }
        lock(&self.answers)
            .get(domain)
            .cloned()
            .unwrap_or(Ok(MailRoute::NxDomain.into()))
    }
}
