//! The caching resolver: TTLs and their bounds, negative and error caching, size bound,
//! coalescing. Time is Tokio's paused clock.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::advance;
use veto_verify::{
    CacheConfig, CachingResolver, DnsError, FakeResolver, MailRoute, Resolver, RouteAnswer,
};

const S: Duration = Duration::from_secs(1);

fn config() -> CacheConfig {
    CacheConfig {
        capacity: 10_000,
        min_ttl: 10 * S,
        max_ttl: 3600 * S,
        default_ttl: 300 * S,
        error_ttl: 30 * S,
    }
}

fn cache(fake: FakeResolver) -> CachingResolver<FakeResolver> {
    CachingResolver::with_config(fake, config())
}

#[tokio::test(start_paused = true)]
async fn second_lookup_does_not_query() {
    let c = cache(FakeResolver::new().with("good.test", MailRoute::mx([(10, "mx.good.test")])));
    let a = c.mail_route("good.test").await.unwrap();
    let b = c.mail_route("good.test").await.unwrap();
    assert_eq!(a, b);
    assert!(matches!(a.route, MailRoute::Mx(ref h) if h[0].exchange == "mx.good.test"));
    assert_eq!(c.inner().queries(), 1);
    assert_eq!(c.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn negative_answers_are_cached() {
    let c = cache(FakeResolver::new().with("noroute.test", MailRoute::NoRoute));
    for _ in 0..3 {
        assert_eq!(
            c.mail_route("nowhere.test").await.unwrap().route,
            MailRoute::NxDomain
        );
        assert_eq!(
            c.mail_route("noroute.test").await.unwrap().route,
            MailRoute::NoRoute
        );
    }
    assert_eq!(c.inner().queries(), 2);
}

#[tokio::test(start_paused = true)]
async fn answers_expire_after_their_ttl() {
    let c = cache(FakeResolver::new().with_ttl("good.test", MailRoute::ImplicitMx, 120 * S));
    c.mail_route("good.test").await.unwrap();
    advance(119 * S).await;
    c.mail_route("good.test").await.unwrap();
    assert_eq!(c.inner().queries(), 1);
    advance(2 * S).await;
    c.mail_route("good.test").await.unwrap();
    assert_eq!(c.inner().queries(), 2);
    // The fresh answer gets a fresh TTL.
    advance(119 * S).await;
    c.mail_route("good.test").await.unwrap();
    assert_eq!(c.inner().queries(), 2);
}

#[tokio::test(start_paused = true)]
async fn expiry_sees_a_changed_answer() {
    let fake = Arc::new(FakeResolver::new().with_ttl("d.test", MailRoute::ImplicitMx, 60 * S));
    let c = CachingResolver::with_config(fake.clone(), config());
    assert_eq!(
        c.mail_route("d.test").await.unwrap().route,
        MailRoute::ImplicitMx
    );
    fake.set(
        "d.test",
        Ok(RouteAnswer::new(MailRoute::NullMx, Some(60 * S))),
    );
    assert_eq!(
        c.mail_route("d.test").await.unwrap().route,
        MailRoute::ImplicitMx
    );
    advance(61 * S).await;
    assert_eq!(
        c.mail_route("d.test").await.unwrap().route,
        MailRoute::NullMx
    );
}

#[tokio::test(start_paused = true)]
async fn ttl_is_bounded_below_and_above() {
    let fake = FakeResolver::new()
        .with_ttl("short.test", MailRoute::ImplicitMx, Duration::ZERO)
        .with_ttl("long.test", MailRoute::ImplicitMx, 86_400 * S)
        .with("none.test", MailRoute::ImplicitMx);
    let c = cache(fake);
    for d in ["short.test", "long.test", "none.test"] {
        c.mail_route(d).await.unwrap();
    }
    advance(9 * S).await; // below min_ttl: everything still cached
    for d in ["short.test", "long.test", "none.test"] {
        c.mail_route(d).await.unwrap();
    }
    assert_eq!(c.inner().queries(), 3);
    advance(2 * S).await; // past min_ttl: the zero TTL answer is gone
    c.mail_route("short.test").await.unwrap();
    assert_eq!(c.inner().queries_for("short.test"), 2);
    advance(290 * S).await; // past default_ttl (no TTL given)
    c.mail_route("none.test").await.unwrap();
    assert_eq!(c.inner().queries_for("none.test"), 2);
    c.mail_route("long.test").await.unwrap();
    assert_eq!(c.inner().queries_for("long.test"), 1);
    advance(3300 * S).await; // past max_ttl
    c.mail_route("long.test").await.unwrap();
    assert_eq!(c.inner().queries_for("long.test"), 2);
}

#[tokio::test(start_paused = true)]
async fn failures_are_remembered_briefly() {
    let fake = Arc::new(FakeResolver::new().with_error("broken.test", DnsError::Timeout));
    let c = CachingResolver::with_config(fake.clone(), config());
    assert_eq!(c.mail_route("broken.test").await, Err(DnsError::Timeout));
    assert_eq!(c.mail_route("broken.test").await, Err(DnsError::Timeout));
    assert_eq!(fake.queries(), 1);
    // Recovered server: after error_ttl the real answer comes through.
    fake.set("broken.test", Ok(MailRoute::ImplicitMx.into()));
    advance(31 * S).await;
    assert_eq!(
        c.mail_route("broken.test").await.unwrap().route,
        MailRoute::ImplicitMx
    );
    assert_eq!(fake.queries(), 2);

    let no_memory = CachingResolver::with_config(
        FakeResolver::new().with_error("broken.test", DnsError::Timeout),
        CacheConfig {
            error_ttl: Duration::ZERO,
            ..config()
        },
    );
    for _ in 0..3 {
        assert!(no_memory.mail_route("broken.test").await.is_err());
    }
    assert_eq!(no_memory.inner().queries(), 3);
}

#[tokio::test(start_paused = true)]
async fn size_is_bounded() {
    for capacity in [100, 5_000] {
        let c = CachingResolver::with_config(
            FakeResolver::new(),
            CacheConfig {
                capacity,
                ..config()
            },
        );
        for i in 0..(capacity * 4) {
            c.mail_route(&format!("d{i}.test")).await.unwrap();
            assert!(c.len() <= capacity + 32, "{} > {capacity}", c.len());
        }
        assert!(c.len() >= capacity / 2, "{} kept of {capacity}", c.len());
        // Recent domains are still answered from the cache.
        let before = c.inner().queries();
        c.mail_route(&format!("d{}.test", capacity * 4 - 1))
            .await
            .unwrap();
        assert_eq!(c.inner().queries(), before);
    }
}

#[tokio::test(start_paused = true)]
async fn concurrent_lookups_of_one_domain_make_one_query() {
    let fake = FakeResolver::new()
        .with_delay(Duration::from_millis(500))
        .with("good.test", MailRoute::mx([(10, "mx.good.test")]));
    let c = Arc::new(cache(fake));
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let c = c.clone();
            let d = if i % 2 == 0 {
                "good.test"
            } else {
                "other.test"
            };
            tokio::spawn(async move { (d, c.mail_route(d).await) })
        })
        .collect();
    for t in tasks {
        let (d, r) = t.await.unwrap();
        let r = r.unwrap();
        assert_eq!(r.route.accepts_mail(), d == "good.test");
    }
    assert_eq!(c.inner().queries_for("good.test"), 1);
    assert_eq!(c.inner().queries_for("other.test"), 1);
}

#[tokio::test(start_paused = true)]
async fn an_abandoned_lookup_is_taken_over_by_the_next_caller() {
    let fake = FakeResolver::new()
        .with_delay(Duration::from_secs(5))
        .with("good.test", MailRoute::ImplicitMx);
    let c = Arc::new(cache(fake));
    let first = tokio::time::timeout(S, c.mail_route("good.test")).await;
    assert!(first.is_err(), "gave up waiting");
    assert_eq!(
        c.mail_route("good.test").await.unwrap().route,
        MailRoute::ImplicitMx
    );
    assert_eq!(c.inner().queries(), 2);
    assert_eq!(
        c.mail_route("good.test").await.unwrap().route,
        MailRoute::ImplicitMx
    );
    assert_eq!(c.inner().queries(), 2);
}

#[tokio::test(start_paused = true)]
async fn clear_forgets_everything() {
    let c = cache(FakeResolver::new());
    c.mail_route("a.test").await.unwrap();
    assert!(!c.is_empty());
    c.clear();
    assert!(c.is_empty());
    c.mail_route("a.test").await.unwrap();
    assert_eq!(c.inner().queries(), 2);
}
