//! One serving node per SQLite database: a second `veto serve` on the same file is refused
//! with a message that says why, while other commands may still open it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn a_second_server_on_one_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/veto.db", dir.path().display());
    let bin = env!("CARGO_BIN_EXE_veto");
    let mut first = Command::new(bin)
        .args(["serve", "--db", &db, "--listen", "127.0.0.1:0"])
        .env("VETO_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(first.stdout.take().unwrap()).lines();
    loop {
        let l = lines.next().expect("first server exited").unwrap();
        if l.starts_with("Veto listening on ") {
            break;
        }
    }
    let second = Command::new(bin)
        .args(["serve", "--db", &db, "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    let _ = first.kill();
    let _ = first.wait();
    assert_eq!(second.status.code(), Some(2));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains("another `veto serve`") && err.contains("PostgreSQL"),
        "{err}"
    );
    let t = Command::new(bin)
        .args([
            "tenant",
            "create",
            "other",
            "--admin-email",
            "a@other.test",
            "--db",
            &db,
            "--json",
        ])
        .output()
        .unwrap();
    assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stderr));
}
