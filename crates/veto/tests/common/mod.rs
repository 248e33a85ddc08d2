//! Helpers the CLI tests share: run the built `veto`, read its output, and serve a database
//! on a free port for the duration of a test.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

pub fn veto(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_veto"))
        .args(args)
        // The caller's environment must not leak a server, key or database into the test.
        .env_remove("VETO_SERVER")
        .env_remove("VETO_API_KEY")
        .env_remove("VETO_DATABASE_URL")
        .env("VETO_LOG", "warn")
        .output()
        .expect("run veto")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The JSON output of a command that must have succeeded.
pub fn ok(o: &Output) -> Value {
    assert!(
        o.status.success(),
        "veto failed ({:?}): {}\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
    json(o)
}

/// Creates tenant `acme` (admin ops@acme.test) directly in the database; its admin API key.
pub fn create_acme(db: &str) -> String {
    let o = veto(&[
        "tenant",
        "create",
        "acme",
        "--admin-email",
        "ops@acme.test",
        "--db",
        db,
        "--json",
    ]);
    ok(&o)["api_key"].as_str().unwrap_or_default().to_string()
}

pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\nstderr: {}", stdout(o), stderr(o)))
}

/// A `veto serve` child, killed when dropped (also when an assertion fails).
pub struct Server {
    pub child: Child,
    pub url: String,
    /// The SMTP relay's address, when it was started with `--smtp-listen`.
    pub smtp: Option<std::net::SocketAddr>,
    /// The relay's implicit-TLS address, when it was started with `--smtps-listen`.
    pub smtps: Option<std::net::SocketAddr>,
}

impl Server {
    /// Runs `veto ARGS` against this server with the API key `key`.
    pub fn cli(&self, key: &str, args: &[&str]) -> Output {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--server", &self.url, "--key", key]);
        veto(&a)
    }

    /// Adds a route named `sink` to the plaintext SMTP sink listening on `port` on loopback.
    pub fn add_sink_route(&self, key: &str, port: u16) -> Value {
        let port = port.to_string();
        ok(&self.cli(
            key,
            &[
                "route",
                "add",
                "--name",
                "sink",
                "--host",
                "127.0.0.1",
                "--port",
                &port,
                "--tls",
                "none",
                "--json",
            ],
        ))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(db: &str) -> Server {
    serve_with(db, &[])
}

/// `veto serve` with more arguments (`--smtp-listen 127.0.0.1:0` makes it print the relay's
/// address too).
pub fn serve_with(db: &str, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_veto"))
        .args(["serve", "--db", db, "--listen", "127.0.0.1:0"])
        .args(extra)
        .env_remove("VETO_DATABASE_URL")
        .env("VETO_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start veto serve");
    let out = child.stdout.take().expect("stdout piped");
    let (tx, rx) = mpsc::channel();
    // Reads on after the first lines too, so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let (mut smtp, mut smtps) = (None, None);
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(a) = line.strip_prefix("Veto SMTP relay listening on smtp://") {
                smtp = a.trim().parse().ok();
            }
            if let Some(a) = line.strip_prefix("Veto SMTP relay listening on smtps://") {
                smtps = a.trim().parse().ok();
            }
            if let Some(url) = line.strip_prefix("Veto listening on ") {
                let _ = tx.send((url.trim().to_string(), smtp, smtps));
            }
        }
    });
    let mut server = Server {
        child,
        url: String::new(),
        smtp: None,
        smtps: None,
    };
    let (url, smtp, smtps) = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("veto serve did not print 'Veto listening on' in time");
    server.url = url;
    server.smtp = smtp;
    server.smtps = smtps;
    server
}
