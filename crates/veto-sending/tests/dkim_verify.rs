//! Our DKIM signatures, checked by two independent verifiers: `mail-auth`'s own and Python's
//! `dkimpy` (the DNS TXT record handed over through its `dnsfunc`, no DNS involved). Both key
//! types, composed and relayed messages, and tampering that must fail.
//!
//! Without python3 + dkimpy (and PyNaCl for Ed25519) the dkimpy half is skipped with a
//! message on stderr; with `VETO_REQUIRE_DKIMPY=1` it fails instead.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::process::Command;

use mail_auth::common::parse::TxtRecordParser;
use mail_auth::common::verify::DomainKey;
use mail_auth::hickory_resolver::config::{ResolverConfig, ResolverOpts};
use mail_auth::{AuthenticatedMessage, DkimResult, MessageAuthenticator, Parameters, Txt};
use veto_domain::domain::DomainName;
use veto_domain::email::EmailAddress;
use veto_sending::{
    DkimAlgorithm, DkimKey, DnsRecord, ListUnsubscribe, Mailbox, Stamps, StepMessage, compose,
    new_message_id, stamp,
};

const SELECTOR: &str = "veto202611";

fn domain() -> DomainName {
    DomainName::parse("mail.example.com").unwrap()
}

fn composed() -> Vec<u8> {
    let d = domain();
    compose(&StepMessage {
        from: Mailbox::new(
            Some("Zoë Ångström"),
            EmailAddress::parse("zoe@mail.example.com").unwrap(),
        ),
        to: Mailbox::new(
            Some("Ada Lovelace"),
            EmailAddress::parse("ada@example.org").unwrap(),
        ),
        reply_to: None,
        subject: "Grüße aus Köln — a subject long enough to be folded over more than one line of the header".into(),
        text_body: format!("Hi Ada,\n\n{}\n\nZoë\n", "A long line of text. ".repeat(30)),
        html_body: Some("<p>Hi Ada,</p>\n<p>Zoë</p>\n".into()),
        message_id: new_message_id(&d),
        date: veto_domain::now(),
        in_reply_to: Some("<prev.1@mail.example.com>".into()),
        references: vec!["<prev.1@mail.example.com>".into()],
        list_unsubscribe: Some(
            ListUnsubscribe::new(
                "<https://veto.example/u/TOKEN-123_abc>, <mailto:unsubscribe+TOKEN-123_abc@veto.example?subject=unsubscribe>",
                true,
            )
            .unwrap(),
        ),
        extra_headers: vec![("X-Veto-Step".into(), "2".into())],
    })
    .unwrap()
}

fn relayed() -> Vec<u8> {
    let raw = b"Received: from tool by x; Mon, 02 Nov 2026 09:59:00 +0000\r\nFrom: Rep <rep@mail.example.com>\r\nTo: lead@example.org\r\nBcc: boss@mail.example.com\r\nSubject: quick question\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\nList-Unsubscribe: <mailto:tool@tool.example>\r\n\r\nHello,\r\n  indented\r\n\r\n\r\n";
    let lu = ListUnsubscribe::new("<https://veto.example/u/T>", true).unwrap();
    stamp(
        raw,
        &Stamps {
            message_id_domain: &domain(),
            list_unsubscribe: Some(&lu),
            received: Some(
                "from tool ([192.0.2.1]) by relay.example with ESMTPSA id 1; Mon, 02 Nov 2026 10:00:01 +0000".into(),
            ),
        },
    )
    .unwrap()
    .message
}

/// A TXT cache holding one record, so `mail-auth` never asks DNS.
struct Records(HashMap<Box<str>, Txt>);

impl mail_auth::ResolverCache<Box<str>, Txt> for Records {
    fn get<Q>(&self, name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.get(name).cloned()
    }

    fn remove<Q>(&self, _name: &Q) -> Option<Txt>
    where
        Box<str>: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        None
    }

    fn insert(&self, _key: Box<str>, _value: Txt, _valid_until: std::time::Instant) {}
}

async fn mail_auth_verifies(record: &DnsRecord, message: &[u8]) -> Result<(), String> {
    let key = DomainKey::parse(record.value.as_bytes()).map_err(|e| e.to_string())?;
    let cache = Records(HashMap::from([(
        format!("{}.", record.name).into_boxed_str(),
        Txt::from(key),
    )]));
    // No name servers: a lookup that misses the cache fails instead of leaving the machine.
    let auth = MessageAuthenticator::new(
        ResolverConfig::from_parts(None, vec![], vec![]),
        ResolverOpts::default(),
    )
    .map_err(|e| e.to_string())?;
    let msg = AuthenticatedMessage::parse(message).ok_or("unparsable")?;
    let out = auth
        .verify_dkim(Parameters::new(&msg).with_txt_cache(&cache))
        .await;
    match out.first().map(|o| o.result()) {
        Some(DkimResult::Pass) => Ok(()),
        other => Err(format!("{other:?}")),
    }
}

const DKIMPY: &str = r#"
import sys, dkim
msg = open(sys.argv[1], 'rb').read()
name, txt = sys.argv[2].encode(), sys.argv[3].encode()
def dns(q, timeout=5):
    return txt if q.rstrip(b'.') == name else None
try:
    ok = dkim.DKIM(msg).verify(dnsfunc=dns)
except Exception as e:
    print('error', repr(e)); sys.exit(1)
print('pass' if ok else 'fail'); sys.exit(0 if ok else 1)
"#;

/// `Some(result)` from dkimpy, or `None` when it is not installed (and not required).
fn dkimpy_verifies(
    record: &DnsRecord,
    message: &[u8],
    ed25519: bool,
) -> Option<Result<(), String>> {
    let required = std::env::var("VETO_REQUIRE_DKIMPY").as_deref() == Ok("1");
    let probe = if ed25519 {
        "import dkim, nacl"
    } else {
        "import dkim"
    };
    let available = Command::new("python3")
        .args(["-c", probe])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            !required,
            "VETO_REQUIRE_DKIMPY=1 but `python3 -c '{probe}'` fails (pip install dkimpy pynacl)"
        );
        eprintln!(
            "SKIPPED dkimpy cross-check: `python3 -c '{probe}'` fails (pip install dkimpy pynacl)"
        );
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.eml");
    std::fs::write(&path, message).unwrap();
    let out = Command::new("python3")
        .args(["-c", DKIMPY])
        .arg(&path)
        .arg(&record.name)
        .arg(&record.value)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(said)
    })
}

/// Changes one byte in the body.
fn tamper_body(m: &[u8]) -> Vec<u8> {
    let mut t = m.to_vec();
    let body = t.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let i = t[body..]
        .iter()
        .position(|b| b.is_ascii_alphabetic())
        .unwrap()
        + body;
    t[i] ^= 0x20;
    t
}

/// Changes the subject.
fn tamper_subject(m: &[u8]) -> Vec<u8> {
    let s = m.windows(9).position(|w| w == b"Subject: ").unwrap() + 9;
    let mut t = m.to_vec();
    t.insert(s, b'X');
    t
}

/// Adds a second From below the signed one (the one mail clients may show).
fn add_from(m: &[u8]) -> Vec<u8> {
    let end = m.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 2;
    let mut t = m[..end].to_vec();
    t.extend_from_slice(b"From: attacker@evil.example\r\n");
    t.extend_from_slice(&m[end..]);
    t
}

/// Replaces the one-click link (RFC 8058 §4: it must be covered).
fn swap_unsubscribe(m: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(m).replace("veto.example/u/", "evil.example/u/");
    assert_ne!(s.as_bytes(), m);
    s.into_bytes()
}

async fn check(alg: DkimAlgorithm, message: Vec<u8>) {
    let key = DkimKey::generate(alg).unwrap();
    let record = key.dns_record(SELECTOR, &domain()).unwrap();
    let signed = key
        .sign(&domain(), SELECTOR, &message, veto_domain::now())
        .unwrap();
    let ed = alg == DkimAlgorithm::Ed25519;

    mail_auth_verifies(&record, &signed)
        .await
        .unwrap_or_else(|e| panic!("mail-auth refused a good {alg:?} signature: {e}"));
    if let Some(r) = dkimpy_verifies(&record, &signed, ed) {
        r.unwrap_or_else(|e| panic!("dkimpy refused a good {alg:?} signature: {e}"));
    }

    let tampered = [
        ("body", tamper_body(&signed)),
        ("subject", tamper_subject(&signed)),
        ("second From", add_from(&signed)),
        ("List-Unsubscribe", swap_unsubscribe(&signed)),
    ];
    for (what, t) in tampered {
        assert!(
            mail_auth_verifies(&record, &t).await.is_err(),
            "mail-auth passed a changed {what} ({alg:?})"
        );
        if let Some(r) = dkimpy_verifies(&record, &t, ed) {
            assert!(r.is_err(), "dkimpy passed a changed {what} ({alg:?})");
        }
    }

    // Another key under the same name must not verify.
    let other = DkimKey::generate(alg).unwrap();
    let other_record = other.dns_record(SELECTOR, &domain()).unwrap();
    assert!(mail_auth_verifies(&other_record, &signed).await.is_err());
}

#[tokio::test]
async fn rsa_signature_of_a_composed_step_verifies() {
    check(DkimAlgorithm::Rsa2048, composed()).await;
}

#[tokio::test]
async fn ed25519_signature_of_a_composed_step_verifies() {
    check(DkimAlgorithm::Ed25519, composed()).await;
}

#[tokio::test]
async fn rsa_signature_of_a_relayed_message_verifies() {
    check(DkimAlgorithm::Rsa2048, relayed()).await;
}

#[tokio::test]
async fn ed25519_signature_of_a_relayed_message_verifies() {
    check(DkimAlgorithm::Ed25519, relayed()).await;
}

#[tokio::test]
async fn a_stored_key_signs_like_the_original() {
    let key = DkimKey::generate(DkimAlgorithm::Rsa2048).unwrap();
    let again = DkimKey::from_pkcs8_der(&key.to_pkcs8_der()).unwrap();
    let record = key.dns_record(SELECTOR, &domain()).unwrap();
    let signed = again
        .sign(&domain(), SELECTOR, &composed(), veto_domain::now())
        .unwrap();
    mail_auth_verifies(&record, &signed).await.unwrap();
}

/// The signature field's layout (where mail-auth folds it) depends on the signed field names:
/// over every alignment of a folded line, the signature verifies. (A layout where the `b=` value ended exactly at a fold once failed
/// under dkimpy: mail-auth folded between the value and the closing `;`.)
#[tokio::test]
async fn every_signature_layout_verifies() {
    let key = DkimKey::generate(DkimAlgorithm::Rsa2048).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut jobs = String::new();
    // Which fields are signed sets the length of `h=` and so where every later fold falls:
    // subsets of the optional fields cover every alignment of a folded line.
    let optional = [
        "To: lead@example.org",
        "Cc: boss@example.org",
        "Subject: quick question",
        "Date: Mon, 02 Nov 2026 10:00:00 +0000",
        "Message-ID: <m1@mail.example.com>",
        "Reply-To: rep@mail.example.com",
        "In-Reply-To: <m0@mail.example.com>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "List-Unsubscribe: <https://veto.example/u/T>",
    ];
    let selector = SELECTOR;
    let record = key.dns_record(selector, &domain()).unwrap();
    for n in 0..(1usize << optional.len()) {
        let mut m = String::from("From: Rep <rep@mail.example.com>\r\n");
        for (i, f) in optional.iter().enumerate() {
            if n >> i & 1 == 1 {
                m.push_str(f);
                m.push_str("\r\n");
            }
        }
        m.push_str("\r\nHello\r\n");
        let signed = key
            .sign(&domain(), selector, m.as_bytes(), veto_domain::now())
            .unwrap();
        let head = String::from_utf8_lossy(&signed[..signed.len().min(900)]).to_string();
        assert!(
            !head.contains("\r\n\t;"),
            "a fold before the closing ';': {head}"
        );
        if n % 64 == 0 {
            mail_auth_verifies(&record, &signed)
                .await
                .unwrap_or_else(|e| panic!("mail-auth refused layout {n}: {e}"));
        }
        let path = dir.path().join(format!("{n}.eml"));
        std::fs::write(&path, &signed).unwrap();
        jobs.push_str(&format!("{}\t{}\n", path.display(), record.value));
    }
    // One dkimpy process checks every layout.
    const BATCH: &str = r#"
import sys
try:
    import dkim
except ImportError:
    sys.exit(3)
bad = []
for line in sys.stdin.read().splitlines():
    path, value = line.split("\t", 1)
    msg = open(path, "rb").read()
    if not dkim.verify(msg, dnsfunc=lambda name, timeout=5, v=value: v.encode()):
        bad.append(path)
print(" ".join(bad))
sys.exit(1 if bad else 0)
"#;
    let mut child = Command::new("python3")
        .args(["-c", BATCH])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(jobs.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    match out.status.code() {
        Some(0) => {}
        Some(3) => {
            assert_ne!(
                std::env::var("VETO_REQUIRE_DKIMPY").as_deref(),
                Ok("1"),
                "VETO_REQUIRE_DKIMPY=1 but dkimpy is missing"
            );
            eprintln!("SKIPPED dkimpy half of every_signature_layout_verifies");
        }
        _ => panic!("dkimpy refused: {}", String::from_utf8_lossy(&out.stdout)),
    }
}
