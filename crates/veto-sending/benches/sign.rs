//! DKIM signing per message: a composed 4 KB step (multipart text + HTML) signed with
//! RSA-2048 and with Ed25519.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use veto_domain::domain::DomainName;
use veto_domain::email::EmailAddress;
use veto_sending::{
    DkimAlgorithm, DkimKey, ListUnsubscribe, Mailbox, StepMessage, compose, new_message_id,
};

fn message(domain: &DomainName) -> Vec<u8> {
    let paragraph =
        "We help sales teams keep their do-not-contact promises across every tool they use. ";
    let text = paragraph.repeat(19);
    let m = compose(&StepMessage {
        from: Mailbox::new(
            Some("Zoë Rep"),
            EmailAddress::parse("zoe@mail.example.com").unwrap(),
        ),
        to: Mailbox::new(
            Some("Ada Lovelace"),
            EmailAddress::parse("ada@example.org").unwrap(),
        ),
        reply_to: None,
        subject: "Quick question about your outbound".into(),
        text_body: text.clone(),
        html_body: Some(format!("<p>{text}</p>")),
        message_id: new_message_id(domain),
        date: veto_domain::now(),
        in_reply_to: None,
        references: vec![],
        list_unsubscribe: Some(
            ListUnsubscribe::new("<https://veto.example/u/TOKEN>", true).unwrap(),
        ),
        extra_headers: vec![],
    })
    .unwrap();
    assert!((4000..4600).contains(&m.len()), "{} bytes", m.len());
    m
}

fn sign(c: &mut Criterion) {
    let domain = DomainName::parse("mail.example.com").unwrap();
    let msg = message(&domain);
    let mut group = c.benchmark_group("dkim_sign_4k");
    group.throughput(Throughput::Elements(1));
    for (name, alg) in [
        ("rsa2048", DkimAlgorithm::Rsa2048),
        ("ed25519", DkimAlgorithm::Ed25519),
    ] {
        let key = DkimKey::generate(alg).unwrap();
        let now = veto_domain::now();
        group.bench_function(name, |b| {
            b.iter(|| {
                key.sign(&domain, "veto202611", std::hint::black_box(&msg), now)
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, sign);
criterion_main!(benches);
