//! The SMTP relay on both stores, against a real upstream (an aiosmtpd sink): a suppressed
//! recipient is refused at RCPT TO with 550 5.7.1 naming the reason and date; the others are
//! relayed to the tenant's default route, DKIM-signed, with List-Unsubscribe headers and a VERP
//! return path; a suppression committed after RCPT TO still stops the message at DATA; every
//! attempt is recorded; credentials, routes and tenants are kept apart.

mod common;

use common::smtp::{Client, message, relay};
use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use veto_smtp::testing::{Sink, SinkOptions};

struct Setup {
    t: Tenant,
    user: String,
    pass: String,
    dkim_value: String,
}

/// A tenant with a route to the sink, a DKIM key for acme.test, a mailbox and credentials.
async fn setup(srv: &Server, sink: &Sink, name: &str) -> Setup {
    let t = srv.tenant(name).await;
    let (s, r) = srv
        .post(
            &t.admin,
            "/v1/routes",
            json!({"name": "sink", "host": "127.0.0.1", "port": sink.addr().port(), "tls": "none",
                   "username": null, "password": null}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, d) = srv
        .post(
            &t.admin,
            "/v1/sending-domains",
            json!({"domain": "ACME.test"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["domain"], "acme.test");
    assert!(d["dkim"].is_null(), "{d}");
    let (s, d) = srv
        .post(
            &t.admin,
            &format!("/v1/sending-domains/{}/dkim", d["id"].as_str().unwrap()),
            json!({"selector": "s1"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["dkim"]["dns"]["name"], "s1._domainkey.acme.test", "{d}");
    let dkim_value = d["dkim"]["dns"]["value"].as_str().unwrap().to_string();
    assert!(
        dkim_value.starts_with("v=DKIM1; k=rsa; p=MII"),
        "{dkim_value}"
    );
    let (s, m) = srv
        .post(
            &t.admin,
            "/v1/mailboxes",
            json!({"address": "sam@acme.test", "name": "Sam Seller"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let (s, c) = srv
        .post(&t.admin, "/v1/smtp-credentials", json!({"name": "crm"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    Setup {
        user: c["username"].as_str().unwrap().to_string(),
        pass: c["password"].as_str().unwrap().to_string(),
        t,
        dkim_value,
    }
}

/// Ingests (`POST /v1/inbound/mime`) a message "unsubscribe" to `local@domain` for `key`'s
/// tenant; returns the signal.
async fn mail_to(srv: &Server, key: &str, local: &str, domain: &str, n: u32) -> Value {
    let raw = format!(
        "From: Dana <dana.longname-contact@example.com>\r\nTo: <{local}@{domain}>\r\nSubject: unsubscribe\r\nMessage-ID: <mailto-{n}@example.com>\r\n\r\nunsubscribe\r\n"
    );
    let (s, v) = srv
        .post_raw(key, "/v1/inbound/mime", "message/rfc822", raw.as_bytes())
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// A server whose public URL is https (so messages carry one-click unsubscribe), with the
/// unsubscribe mail domain given.
async fn https_server(b: &Backend, unsubscribe_mail_domain: Option<&str>) -> Server {
    start_with(
        b.store.clone(),
        veto_server::state::StartOptions {
            public_url: Some("https://veto.example".into()),
            unsubscribe_mail_domain: unsubscribe_mail_domain.map(str::to_string),
            ..Default::default()
        },
    )
    .await
}

/// Verifies a DKIM signature with an independent implementation (dkimpy), the key given as
/// its DNS record. `None` when dkimpy is not installed (and not required).
fn dkimpy_verifies(message: &str, dns_value: &str) -> Option<bool> {
    let script = format!(
        "import sys\ntry:\n    import dkim\nexcept ImportError:\n    sys.exit(3)\nmsg=sys.stdin.buffer.read()\nok=dkim.verify(msg, dnsfunc=lambda name, timeout=5: {:?}.encode())\nsys.exit(0 if ok else 1)\n",
        dns_value
    );
    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    use std::io::Write;
    child
        .stdin
        .take()?
        .write_all(
            message
                .replace("\r\n", "\n")
                .replace('\n', "\r\n")
                .as_bytes(),
        )
        .ok()?;
    let code = child.wait().ok()?.code();
    match code {
        Some(0) => Some(true),
        Some(1) => Some(false),
        _ => {
            assert_ne!(
                std::env::var("VETO_REQUIRE_DKIMPY").as_deref(),
                Ok("1"),
                "dkimpy is required (python3 -m pip install dkimpy)"
            );
            eprintln!("SKIPPED: DKIM check with dkimpy (python3 -m pip install dkimpy)");
            None
        }
    }
}

fn header<'a>(data: &'a str, name: &str) -> Option<&'a str> {
    let head = data.split("\r\n\r\n").next().unwrap_or(data);
    head.split("\r\n").find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

#[tokio::test]
async fn relay_refuses_suppressed_recipients_and_relays_the_rest() {
    let Some(sink) = Sink::start_or_skip(SinkOptions::default()).unwrap() else {
        return;
    };
    for b in backends().await {
        let srv = https_server(&b, None).await;
        let st = setup(&srv, &sink, "relay").await;
        let entry = srv
            .suppress(
                &st.t.admin,
                json!({"email": "jane@example.com"}),
                "stop_request",
            )
            .await;
        let (addr, _stop) = relay(srv.state.clone()).await;
        let before = sink.messages().unwrap().len();

        let mut c = Client::login(addr, &st.user, &st.pass).await;
        let (m, rcpts, done) = c
            .send(
                "sam@acme.test",
                &[" Jane@Example.COM", "bob@example.com"],
                &message("sam@acme.test", "bob@example.com", "Quick question"),
            )
            .await;
        assert_eq!(m.code, 250, "{}: {m:?}", b.name);
        // The suppressed recipient: 550 5.7.1, the reason, the date and the entry.
        assert_eq!(rcpts[0].code, 550, "{}: {:?}", b.name, rcpts[0]);
        let refusal = &rcpts[0].text;
        assert!(refusal.starts_with("5.7.1 "), "{refusal}");
        assert!(refusal.contains("jane@example.com"), "{refusal}");
        assert!(refusal.contains("asked to stop"), "{refusal}");
        let day = &entry["created_at"].as_str().unwrap()[..10];
        assert!(refusal.contains(day), "the date {day} in {refusal}");
        assert!(refusal.contains(entry["id"].as_str().unwrap()), "{refusal}");
        assert_eq!(rcpts[1].code, 250, "{:?}", rcpts[1]);
        let done = done.unwrap();
        assert_eq!(done.code, 250, "{}: {done:?}", b.name);

        let got = sink
            .wait_for(before + 1, std::time::Duration::from_secs(20))
            .await
            .unwrap();
        assert_eq!(got.len(), before + 1, "only bob's copy is relayed");
        let msg = &got[before];
        assert_eq!(msg.rcpt_to, vec!["bob@example.com".to_string()]);
        assert!(
            msg.mail_from.starts_with("bounces+") && msg.mail_from.ends_with("@acme.test"),
            "VERP return path: {}",
            msg.mail_from
        );
        let data = &msg.data;
        let sig = header(data, "DKIM-Signature").expect("a DKIM signature");
        assert!(sig.contains("d=acme.test") && sig.contains("s=s1"), "{sig}");
        let lu = header(data, "List-Unsubscribe").expect("List-Unsubscribe");
        assert!(lu.starts_with("<https://veto.example/u/"), "{lu}");
        assert_eq!(
            header(data, "List-Unsubscribe-Post"),
            Some("List-Unsubscribe=One-Click")
        );
        assert!(
            header(data, "Message-ID").is_some(),
            "a Message-ID is added"
        );
        assert!(
            header(data, "Received").is_some_and(|r| r.contains("client.test")),
            "trace field"
        );
        assert!(
            data.contains("\r\n.a line that starts with a dot\r\n"),
            "{data}"
        );
        if let Some(ok) = dkimpy_verifies(data, &st.dkim_value) {
            assert!(ok, "dkimpy verifies the relayed message's signature");
        }

        // Every attempt is recorded, with its verdict.
        let (s, sends) = srv
            .get(&st.t.admin, "/v1/sends?email=bob@example.com")
            .await;
        assert_eq!(s, StatusCode::OK, "{sends}");
        let sent = &sends["items"][0];
        assert_eq!(sent["outcome"], "sent", "{sent}");
        assert_eq!(sent["via"], "relay");
        assert_eq!(sent["verdict"]["verdict"], "allow");
        assert_eq!(
            sent["message_id"].as_str(),
            header(data, "Message-ID"),
            "{sent}"
        );
        assert!(
            sent["detail"].as_str().unwrap().starts_with("250"),
            "{sent}"
        );
        let (_, sends) = srv
            .get(&st.t.admin, "/v1/sends?email=jane@example.com")
            .await;
        let blocked = &sends["items"][0];
        assert_eq!(blocked["outcome"], "blocked", "{blocked}");
        assert_eq!(blocked["verdict"]["verdict"], "block");
        assert_eq!(
            blocked["verdict"]["matches"][0]["entry_id"], entry["id"],
            "{blocked}"
        );
        let (_, log) = srv
            .get(&st.t.admin, "/v1/audit?action=attempt.blocked&limit=10")
            .await;
        let ev = &log["items"][0];
        assert_eq!(ev["subject"], entry["id"], "{log}");
        assert!(ev["data"].to_string().contains("relay"), "{ev}");

        // A suppression committed after RCPT TO still stops the message at DATA.
        let (m, rcpts, _) = {
            let mut c2 = Client::login(addr, &st.user, &st.pass).await;
            let m = c2.cmd("MAIL FROM:<sam@acme.test>").await;
            let r = c2.cmd("RCPT TO:<late@example.com>").await;
            assert_eq!(r.code, 250, "{r:?}");
            srv.suppress(
                &st.t.admin,
                json!({"email": "late@example.com"}),
                "unsubscribe",
            )
            .await;
            let d = c2.cmd("DATA").await;
            assert_eq!(d.code, 354);
            let body = message("sam@acme.test", "late@example.com", "Hi");
            let end = c2
                .cmd(&format!("{}\r\n.", body.trim_end_matches("\r\n")))
                .await;
            (m, vec![r], end)
        };
        assert_eq!(m.code, 250);
        let _ = rcpts;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(
            sink.messages().unwrap().len(),
            before + 1,
            "nothing reached the upstream for the late suppression"
        );
        let (_, sends) = srv
            .get(&st.t.admin, "/v1/sends?email=late@example.com")
            .await;
        assert_eq!(sends["items"][0]["outcome"], "blocked", "{sends}");

        // Wrong password; revoked credentials.
        let (mut bad, _) = Client::connect(addr).await;
        bad.cmd("EHLO x.test").await;
        use base64::Engine;
        let tok = base64::engine::general_purpose::STANDARD.encode(format!("\0{}\0wrong", st.user));
        let r = bad.cmd(&format!("AUTH PLAIN {tok}")).await;
        assert_eq!(r.code, 535, "{r:?}");
        let (_, creds) = srv.get(&st.t.admin, "/v1/smtp-credentials").await;
        assert!(
            !creds.to_string().contains(&st.pass),
            "the password is never shown again"
        );
        let id = creds[0]["id"].as_str().unwrap();
        let (s, _) = srv
            .post(
                &st.t.admin,
                &format!("/v1/smtp-credentials/{id}/revoke"),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        let (mut again, _) = Client::connect(addr).await;
        again.cmd("EHLO x.test").await;
        let tok =
            base64::engine::general_purpose::STANDARD.encode(format!("\0{}\0{}", st.user, st.pass));
        let r = again.cmd(&format!("AUTH PLAIN {tok}")).await;
        assert_eq!(r.code, 535, "revoked: {r:?}");
        // The session that logged in before the revocation cannot start a new transaction.
        let r = c.cmd("MAIL FROM:<sam@acme.test>").await;
        assert_eq!(r.code, 530, "{r:?}");
    }
}

/// The mailto form of `List-Unsubscribe` on a relayed message is an address mail systems
/// accept (a local part of at most 64 octets, RFC 5321 §4.5.3.1.1, in one case), and mail to
/// it — also after a system upper-cased the local part — suppresses that send's recipient.
#[tokio::test]
async fn relayed_mailto_unsubscribe_fits_rfc_5321_and_suppresses_the_recipient() {
    let Some(sink) = Sink::start_or_skip(SinkOptions::default()).unwrap() else {
        return;
    };
    for b in backends().await {
        let srv = https_server(&b, Some("unsub.acme.test")).await;
        let st = setup(&srv, &sink, "relay-mailto").await;
        let (addr, _stop) = relay(srv.state.clone()).await;
        let before = sink.messages().unwrap().len();
        let mut c = Client::login(addr, &st.user, &st.pass).await;
        let recipient = "Dana.Longname-Contact@Example.COM";
        let (m, rcpts, done) = c
            .send(
                "sam@acme.test",
                &[recipient],
                &message("sam@acme.test", recipient, "Following up"),
            )
            .await;
        assert_eq!(m.code, 250, "{}: {m:?}", b.name);
        assert_eq!(rcpts[0].code, 250, "{:?}", rcpts[0]);
        assert_eq!(done.unwrap().code, 250);
        let got = sink
            .wait_for(before + 1, std::time::Duration::from_secs(20))
            .await
            .unwrap();
        // The header as one line (it is folded after the link).
        let head = got[before]
            .data
            .split("\r\n\r\n")
            .next()
            .unwrap()
            .replace("\r\n ", " ");
        let lu = header(&head, "List-Unsubscribe")
            .expect("List-Unsubscribe")
            .to_string();
        let mailto = lu
            .split(',')
            .find_map(|p| p.trim().strip_prefix("<mailto:"))
            .and_then(|p| p.strip_suffix('>'))
            .unwrap_or_else(|| panic!("a mailto in {lu}"));
        let to = mailto.split('?').next().unwrap();
        let (local, domain) = to.rsplit_once('@').unwrap();
        assert_eq!(domain, "unsub.acme.test");
        assert!(local.len() <= 64, "{local}: {} octets", local.len());
        assert_eq!(local, local.to_ascii_lowercase(), "{local}");
        assert!(local.starts_with("unsubscribe+"), "{local}");

        // The recipient's mail client writes to it; a gateway on the way upper-cased it.
        let v = mail_to(&srv, &st.t.admin, &local.to_ascii_uppercase(), domain, 1).await;
        assert_eq!(v["kind"], "unsubscribe_link", "{v}");
        assert_eq!(v["actions"][0]["action"], "suppressed", "{v}");
        assert_eq!(
            v["actions"][0]["address"], "dana.longname-contact@example.com",
            "{v}"
        );
        let verdict = srv
            .check_email(&st.t.admin, "dana.longname-contact@example.com")
            .await;
        assert_eq!(verdict["verdict"], "block", "{}: {verdict}", b.name);
        let (_, sends) = srv
            .get(
                &st.t.admin,
                "/v1/sends?email=dana.longname-contact@example.com",
            )
            .await;
        let send_id = sends["items"][0]["id"].as_str().unwrap().to_string();
        let (_, entries) = srv
            .get(
                &st.t.admin,
                "/v1/suppressions?email=dana.longname-contact@example.com",
            )
            .await;
        assert!(
            entries.to_string().contains(&send_id),
            "the evidence names the send {send_id}: {entries}"
        );

        // A mangled reference, or one for another tenant's key, suppresses nothing.
        let mut bad = local.to_string().into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'a' { b'b' } else { b'a' };
        let bad = String::from_utf8(bad).unwrap();
        let v = mail_to(&srv, &st.t.admin, &bad, domain, 2).await;
        assert_eq!(v["actions"][0]["action"], "ignored", "{v}");
        let other = srv.tenant("relay-mailto-other").await;
        let v = mail_to(&srv, &other.admin, local, domain, 3).await;
        assert_eq!(v["actions"][0]["action"], "ignored", "{v}");
    }
}

#[tokio::test]
async fn relay_keeps_tenants_apart_and_needs_a_route() {
    let Some(sink) = Sink::start_or_skip(SinkOptions::default()).unwrap() else {
        return;
    };
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let a = setup(&srv, &sink, "relay-a").await;
        let other = setup(&srv, &sink, "relay-b").await;
        srv.suppress(
            &a.t.admin,
            json!({"email": "shared@example.com"}),
            "unsubscribe",
        )
        .await;
        let (addr, _stop) = relay(srv.state.clone()).await;
        let before = sink.messages().unwrap().len();
        // Tenant B has no such suppression: its mail goes.
        let mut c = Client::login(addr, &other.user, &other.pass).await;
        let (_, r, done) = c
            .send(
                "sam@acme.test",
                &["shared@example.com"],
                &message("sam@acme.test", "shared@example.com", "Hello"),
            )
            .await;
        assert_eq!(r[0].code, 250, "{}: {:?}", b.name, r[0]);
        assert_eq!(done.unwrap().code, 250);
        let got = sink
            .wait_for(before + 1, std::time::Duration::from_secs(20))
            .await
            .unwrap();
        // Without an https public URL: the unsubscribe link, but no one-click Post (RFC 8058).
        let data = &got[before].data;
        assert!(
            header(data, "List-Unsubscribe").is_some_and(|v| v.contains("/u/")),
            "{data}"
        );
        assert!(header(data, "List-Unsubscribe-Post").is_none(), "{data}");
        // Tenant A's records stay A's.
        let (_, sends): (StatusCode, Value) = srv.get(&a.t.admin, "/v1/sends").await;
        assert!(sends["items"].as_array().unwrap().is_empty(), "{sends}");
        let (_, sends) = srv.get(&other.t.admin, "/v1/sends").await;
        assert_eq!(sends["items"].as_array().unwrap().len(), 1, "{sends}");

        // A tenant without a route: 451 4.3.5 at MAIL FROM.
        let lone = srv.tenant("no-route").await;
        let (_, cred) = srv
            .post(&lone.admin, "/v1/smtp-credentials", json!({"name": "tool"}))
            .await;
        let mut c = Client::login(
            addr,
            cred["username"].as_str().unwrap(),
            cred["password"].as_str().unwrap(),
        )
        .await;
        let r = c.cmd("MAIL FROM:<x@lone.test>").await;
        assert_eq!(r.code, 451, "{r:?}");
        assert!(r.text.starts_with("4.3.5"), "{r:?}");

        // Only ops and admins manage sending; an SDR may read.
        let (_, sdr) = srv.user(&a.t.admin, "sdr", None).await;
        let (s, _) = srv
            .post(&sdr, "/v1/smtp-credentials", json!({"name": "x"}))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (s, _) = srv.get(&sdr, "/v1/mailboxes").await;
        assert_eq!(s, StatusCode::OK);
    }
}

/// A line-oriented SMTP exchange over any stream (plain or TLS).
async fn exchange<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    s: &mut tokio::io::BufReader<S>,
    line: Option<&str>,
) -> (u16, String) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    if let Some(l) = line {
        s.get_mut()
            .write_all(format!("{l}\r\n").as_bytes())
            .await
            .unwrap();
        s.get_mut().flush().await.unwrap();
    }
    let mut text = Vec::new();
    loop {
        let mut buf = String::new();
        s.read_line(&mut buf).await.unwrap();
        let b = buf.trim_end().to_string();
        text.push(b.get(4..).unwrap_or("").to_string());
        if b.as_bytes().get(3) != Some(&b'-') {
            return (
                b.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0),
                text.join("\n"),
            );
        }
    }
}

/// STARTTLS and AUTH LOGIN into the relay, and a route to an upstream that itself wants
/// STARTTLS and AUTH: the message arrives, authenticated as the route's user.
#[tokio::test]
async fn relay_over_tls_with_auth_login_to_an_authenticated_starttls_route() {
    use base64::Engine;
    use std::sync::Arc;
    let (up_cert, up_key) = veto_smtp::tls::self_signed("127.0.0.1").unwrap();
    let Some(sink) = Sink::start_or_skip(SinkOptions {
        auth: Some(("route-user".into(), "route-pass".into())),
        starttls: Some((up_cert.clone(), up_key)),
    })
    .unwrap() else {
        return;
    };
    for b in backends().await {
        let srv = start_with(
            b.store.clone(),
            veto_server::state::StartOptions {
                sending: veto_server::sending::SendingOptions {
                    upstream_ca_pems: vec![up_cert.clone().into_bytes()],
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await;
        let t = srv.tenant("tls").await;
        let (s, r) = srv
            .post(
                &t.admin,
                "/v1/routes",
                json!({"name": "secure", "host": "127.0.0.1", "port": sink.addr().port(),
                       "tls": "starttls", "username": "route-user", "password": "route-pass"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let (_, c) = srv
            .post(&t.admin, "/v1/smtp-credentials", json!({"name": "tool"}))
            .await;
        let (user, pass) = (
            c["username"].as_str().unwrap().to_string(),
            c["password"].as_str().unwrap().to_string(),
        );
        // The relay with its own certificate, which the client trusts.
        let (cert, key) = veto_smtp::tls::self_signed("relay.test").unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let cfg = veto_smtp::ServerConfig {
            hostname: "relay.test".into(),
            tls: Some(veto_smtp::tls::server_config(&cert, &key).unwrap()),
            ..veto_smtp::ServerConfig::default()
        };
        let (_stop, rx) = tokio::sync::oneshot::channel::<()>();
        let st = srv.state.clone();
        tokio::spawn(async move {
            veto_server::run_smtp(st, listener, Arc::new(cfg), async {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        let before = sink.messages().unwrap().len();

        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let mut plain = tokio::io::BufReader::new(tcp);
        assert_eq!(exchange(&mut plain, None).await.0, 220);
        let (code, caps) = exchange(&mut plain, Some("EHLO client.test")).await;
        assert_eq!(code, 250);
        assert!(caps.contains("STARTTLS"), "{caps}");
        assert_eq!(exchange(&mut plain, Some("STARTTLS")).await.0, 220);
        let mut roots = rustls::RootCertStore::empty();
        for c in rustls_pki_types::CertificateDer::pem_slice_iter(cert.as_bytes()) {
            roots.add(c.unwrap()).unwrap();
        }
        use rustls_pki_types::pem::PemObject;
        let client = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        let tls = tokio_rustls::TlsConnector::from(Arc::new(client))
            .connect(
                rustls_pki_types::ServerName::try_from("relay.test").unwrap(),
                plain.into_inner(),
            )
            .await
            .unwrap();
        let mut s = tokio::io::BufReader::new(tls);
        let (code, caps) = exchange(&mut s, Some("EHLO client.test")).await;
        assert_eq!(code, 250);
        assert!(
            caps.contains("AUTH PLAIN LOGIN") || caps.contains("AUTH LOGIN PLAIN"),
            "{caps}"
        );
        let b64 = |v: &str| base64::engine::general_purpose::STANDARD.encode(v);
        assert_eq!(exchange(&mut s, Some("AUTH LOGIN")).await.0, 334);
        assert_eq!(exchange(&mut s, Some(&b64(&user))).await.0, 334);
        assert_eq!(exchange(&mut s, Some(&b64(&pass))).await.0, 235);
        assert_eq!(
            exchange(&mut s, Some("MAIL FROM:<sam@acme.test>")).await.0,
            250
        );
        assert_eq!(
            exchange(&mut s, Some("RCPT TO:<bob@example.com>")).await.0,
            250
        );
        assert_eq!(exchange(&mut s, Some("DATA")).await.0, 354);
        let body = common::smtp::message("sam@acme.test", "bob@example.com", "Over TLS");
        let (code, text) = exchange(&mut s, Some(&format!("{}\r\n.", body.trim_end()))).await;
        assert_eq!(code, 250, "{}: {text}", b.name);
        let got = sink
            .wait_for(before + 1, std::time::Duration::from_secs(20))
            .await
            .unwrap();
        let m = &got[before];
        assert_eq!(m.rcpt_to, vec!["bob@example.com".to_string()]);
        assert_eq!(
            m.auth_user.as_deref(),
            Some("route-user"),
            "the route logged in"
        );
        assert!(m.data.contains("Subject: Over TLS"), "{}", m.data);
        assert!(
            header(&m.data, "Received").is_some_and(|r| r.contains("ESMTPSA")),
            "{}",
            m.data
        );
    }
}
