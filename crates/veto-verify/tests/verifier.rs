//! Verification outcomes over a table-driven resolver.

use std::sync::Arc;
use std::time::Duration;

use veto_domain::email::EmailAddress;
use veto_domain::policy::TenantPolicy;
use veto_verify::{
    CachingResolver, DisposableList, DnsError, FakeResolver, FindingCode, MailRoute, Verdict,
    Verification, Verifier, VerifyChecks,
};

fn addr(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

fn world() -> FakeResolver {
    FakeResolver::new()
        .with(
            "good.test",
            MailRoute::mx([(10, "mx1.good.test"), (5, "mx0.good.test")]),
        )
        .with("afallback.test", MailRoute::ImplicitMx)
        .with("noroute.test", MailRoute::NoRoute)
        .with("example.invalid", MailRoute::NullMx)
        .with(
            "mailinator.com",
            MailRoute::mx([(10, "mail.mailinator.com")]),
        )
        .with(
            "sub.mailinator.com",
            MailRoute::mx([(10, "mail.mailinator.com")]),
        )
        .with_error(
            "broken.test",
            DnsError::ServerFailure("Server Failure".into()),
        )
        .with_error("slow.test", DnsError::Timeout)
    // everything else: NXDOMAIN
}

fn verifier(checks: VerifyChecks) -> Verifier {
    Verifier::new(checks, Arc::new(world()))
}

async fn check(s: &str) -> Verification {
    verifier(VerifyChecks::default()).verify(&addr(s)).await
}

fn codes(v: &Verification) -> Vec<FindingCode> {
    v.codes().collect()
}

#[tokio::test]
async fn mx_present_is_deliverable() {
    let v = check("jane@good.test").await;
    assert_eq!(v, Verification::DELIVERABLE);
    assert!(v.reasons.is_empty());
}

#[tokio::test]
async fn no_mx_falls_back_to_a_or_aaaa() {
    assert_eq!(
        check("jane@afallback.test").await.verdict,
        Verdict::Deliverable
    );
}

#[tokio::test]
async fn no_mx_and_no_address_is_undeliverable() {
    let v = check("jane@noroute.test").await;
    assert_eq!(v.verdict, Verdict::Undeliverable);
    assert_eq!(codes(&v), [FindingCode::NoMx]);
    assert!(
        v.reasons[0]
            .message
            .starts_with("noroute.test does not accept mail")
    );
}

#[tokio::test]
async fn null_mx_is_undeliverable_with_the_rfc_sentence() {
    let v = check("jane@example.invalid").await;
    assert_eq!(v.verdict, Verdict::Undeliverable);
    assert_eq!(codes(&v), [FindingCode::NullMx]);
    assert_eq!(
        &*v.reasons[0].message,
        "example.invalid does not accept mail: it publishes a null MX (RFC 7505)"
    );
}

#[tokio::test]
async fn nxdomain_is_undeliverable() {
    let v = check("jane@nowhere.test").await;
    assert_eq!(v.verdict, Verdict::Undeliverable);
    assert_eq!(codes(&v), [FindingCode::Nxdomain]);
    assert!(v.reasons[0].message.contains("does not exist"));
}

#[tokio::test]
async fn dns_failures_are_risky_never_undeliverable() {
    for d in ["broken.test", "slow.test"] {
        let v = check(&format!("jane@{d}")).await;
        assert_eq!(v.verdict, Verdict::Risky, "{d}");
        assert_eq!(codes(&v), [FindingCode::DnsUnavailable], "{d}");
        assert!(v.reasons[0].message.contains(d));
    }
    let v = check("jane@slow.test").await;
    assert!(
        v.reasons[0].message.contains("timed out"),
        "{}",
        v.reasons[0].message
    );
}

#[tokio::test]
async fn role_accounts_are_flagged_with_tag_ignored() {
    for a in [
        "info@good.test",
        "Sales+EMEA@good.test",
        "postmaster@good.test",
    ] {
        let v = check(a).await;
        assert_eq!(v.verdict, Verdict::Risky, "{a}");
        assert_eq!(codes(&v), [FindingCode::RoleAccount], "{a}");
    }
    let v = check("sales+emea@good.test").await;
    assert!(v.reasons[0].message.starts_with("sales@ is a role mailbox"));
    assert_eq!(
        check("information@good.test").await.verdict,
        Verdict::Deliverable
    );
}

#[tokio::test]
async fn role_list_comes_from_the_tenant_policy() {
    let policy = TenantPolicy {
        role_local_parts: vec!["desk".into()],
        ..TenantPolicy::default()
    };
    let v = Verifier::for_policy(&policy, VerifyChecks::default(), Arc::new(world()));
    assert!(
        v.verify(&addr("desk@good.test"))
            .await
            .has(FindingCode::RoleAccount)
    );
    assert_eq!(
        v.verify(&addr("info@good.test")).await.verdict,
        Verdict::Deliverable
    );
}

#[tokio::test]
async fn role_test_agrees_with_the_domain_rule() {
    let list = veto_domain::role_account::DEFAULT_ROLE_LOCAL_PARTS;
    let v = verifier(VerifyChecks::default());
    for local in [
        "info",
        "info+x",
        "sales+a+b",
        "jane",
        "infos",
        "no-reply",
        "+info",
        "in+fo",
        "root",
    ] {
        let a = addr(&format!("{local}@good.test"));
        assert_eq!(
            v.verify(&a).await.has(FindingCode::RoleAccount),
            veto_domain::role_account::is_role_account(a.local_part(), list),
            "{local}"
        );
    }
}

#[tokio::test]
async fn disposable_domains_and_their_subdomains_are_flagged() {
    let v = check("jane@mailinator.com").await;
    assert_eq!(v.verdict, Verdict::Risky);
    assert_eq!(codes(&v), [FindingCode::Disposable]);
    let v = check("jane@sub.mailinator.com").await;
    assert_eq!(v.verdict, Verdict::Risky);
    assert_eq!(codes(&v), [FindingCode::Disposable]);
    assert!(v.reasons[0].message.contains("belongs to mailinator.com"));

    let strict = verifier(VerifyChecks {
        disposable_undeliverable: true,
        ..VerifyChecks::default()
    });
    let v = strict.verify(&addr("jane@sub.mailinator.com")).await;
    assert_eq!(v.verdict, Verdict::Undeliverable);
}

#[tokio::test]
async fn custom_disposable_list() {
    let v = verifier(VerifyChecks::default())
        .with_disposable_list(Arc::new(DisposableList::parse("good.test\n")));
    assert!(
        v.verify(&addr("a@x.good.test"))
            .await
            .has(FindingCode::Disposable)
    );
}

#[tokio::test]
async fn findings_accumulate_in_check_order_and_worst_verdict_wins() {
    let v = check("info@mailinator.com").await;
    assert_eq!(v.verdict, Verdict::Risky);
    assert_eq!(
        codes(&v),
        [FindingCode::RoleAccount, FindingCode::Disposable]
    );

    let fake = world().with("trash.test", MailRoute::NullMx);
    let v = Verifier::new(VerifyChecks::default(), Arc::new(fake))
        .with_disposable_list(Arc::new(DisposableList::parse("trash.test")))
        .verify(&addr("admin@trash.test"))
        .await;
    assert_eq!(v.verdict, Verdict::Undeliverable);
    assert_eq!(
        codes(&v),
        [
            FindingCode::NullMx,
            FindingCode::RoleAccount,
            FindingCode::Disposable
        ]
    );
    assert!(v.summary().contains("; "));
}

#[tokio::test]
async fn syntax_is_reported_for_raw_input() {
    let v = verifier(VerifyChecks::default());
    let r = v.verify_raw("not an address").await;
    assert_eq!(r.verdict, Verdict::Undeliverable);
    assert_eq!(codes(&r), [FindingCode::Syntax]);
    assert!(
        r.reasons[0]
            .message
            .starts_with("not a valid e-mail address")
    );
    assert_eq!(
        v.verify_raw(" Jane@Good.TEST ").await.verdict,
        Verdict::Deliverable
    );
}

#[tokio::test]
async fn each_switch_changes_the_outcome() {
    let all = VerifyChecks::default();
    let cases: [(&str, VerifyChecks, Verdict, Verdict); 5] = [
        (
            "bad address",
            VerifyChecks {
                syntax: false,
                ..all
            },
            Verdict::Undeliverable,
            Verdict::Risky,
        ),
        (
            "jane@example.invalid",
            VerifyChecks {
                mail_domain: false,
                ..all
            },
            Verdict::Undeliverable,
            Verdict::Deliverable,
        ),
        (
            "info@good.test",
            VerifyChecks {
                role_account: false,
                ..all
            },
            Verdict::Risky,
            Verdict::Deliverable,
        ),
        (
            "jane@mailinator.com",
            VerifyChecks {
                disposable: false,
                ..all
            },
            Verdict::Risky,
            Verdict::Deliverable,
        ),
        (
            "jane@mailinator.com",
            VerifyChecks {
                disposable_undeliverable: true,
                ..all
            },
            Verdict::Risky,
            Verdict::Undeliverable,
        ),
    ];
    for (input, switched, on, off) in cases {
        assert_eq!(verifier(all).verify_raw(input).await.verdict, on, "{input}");
        assert_eq!(
            verifier(switched).verify_raw(input).await.verdict,
            off,
            "{input}: {switched:?}"
        );
    }
}

#[tokio::test]
async fn mail_domain_off_means_no_dns_at_all() {
    let fake = Arc::new(world());
    let v = Verifier::new(
        VerifyChecks {
            mail_domain: false,
            ..VerifyChecks::default()
        },
        fake.clone(),
    );
    v.verify(&addr("jane@nowhere.test")).await;
    v.verify_many(&[addr("a@good.test"), addr("b@x.test")])
        .await;
    assert_eq!(fake.queries(), 0);
}

#[tokio::test]
async fn verify_many_keeps_order_and_queries_each_domain_once() {
    let fake = Arc::new(world());
    let v = Verifier::new(VerifyChecks::default(), fake.clone()).with_concurrency(4);
    let inputs: Vec<EmailAddress> = [
        "a@good.test",
        "info@good.test",
        "b@example.invalid",
        "c@nowhere.test",
        "d@good.test",
        "e@broken.test",
        "f@sub.mailinator.com",
        "g@afallback.test",
        "h@example.invalid",
    ]
    .iter()
    .map(|s| addr(s))
    .collect();
    let many = v.verify_many(&inputs).await;
    assert_eq!(many.len(), inputs.len());
    assert_eq!(fake.queries(), 6, "one query per distinct domain");
    assert_eq!(fake.queries_for("good.test"), 1);
    for (a, got) in inputs.iter().zip(&many) {
        let single = verifier(VerifyChecks::default()).verify(a).await;
        assert_eq!(got, &single, "{a}");
    }
    let verdicts: Vec<Verdict> = many.iter().map(|m| m.verdict).collect();
    use Verdict::*;
    assert_eq!(
        verdicts,
        [
            Deliverable,
            Risky,
            Undeliverable,
            Undeliverable,
            Deliverable,
            Risky,
            Risky,
            Deliverable,
            Undeliverable
        ]
    );
    assert!(v.verify_many(&[]).await.is_empty());
}

#[tokio::test]
async fn cached_verifier_queries_once_per_domain() {
    let cache = Arc::new(CachingResolver::new(world()));
    let v = Verifier::new(VerifyChecks::default(), cache.clone());
    for _ in 0..3 {
        v.verify(&addr("a@good.test")).await;
        v.verify(&addr("a@nowhere.test")).await;
        v.verify(&addr("a@broken.test")).await;
    }
    assert_eq!(cache.inner().queries(), 3);
}

#[tokio::test(start_paused = true)]
async fn coalescing_100_concurrent_verifies_make_one_query() {
    let fake = Arc::new(world().with_delay(Duration::from_millis(200)));
    let cache = Arc::new(CachingResolver::new(fake.clone()));
    let v = Arc::new(Verifier::new(VerifyChecks::default(), cache));
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let v = v.clone();
            tokio::spawn(async move { v.verify(&addr(&format!("p{i}@good.test"))).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().verdict, Verdict::Deliverable);
    }
    assert_eq!(fake.queries(), 1);
}

#[tokio::test]
async fn batch_verification_runs_in_a_spawned_task() {
    // The import gate spawns the batch: its future must be `Send + 'static`-able.
    let v = Arc::new(verifier(VerifyChecks::default()));
    let emails = vec![addr("a@good.test"), addr("b@example.invalid")];
    let got = tokio::spawn(async move { v.verify_many(&emails).await })
        .await
        .unwrap();
    assert_eq!(got[0].verdict, Verdict::Deliverable);
    assert_eq!(got[1].verdict, Verdict::Undeliverable);
}
