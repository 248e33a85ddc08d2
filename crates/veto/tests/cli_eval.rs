//! `veto eval bounces|replies DIR`: the built binary scores the labelled folders kept in the
//! repository and prints the documented JSON keys (and a table without `--json`).

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn veto(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_veto"))
        .args(args)
        .env("VETO_LOG", "warn")
        .output()
        .expect("run veto")
}

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

fn json(o: &Output) -> Value {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn fraction(v: &Value, key: &str) -> f64 {
    let f = v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing: {v}"));
    assert!((0.0..=1.0).contains(&f), "{key} = {f}");
    f
}

#[test]
fn eval_bounces_prints_the_agreements() {
    let dir = repo("veto-bounce/tests/fixtures/bounces");
    let v = json(&veto(&["eval", "bounces", &dir, "--json"]));
    assert!(v["messages"].as_u64().unwrap_or(0) >= 50, "{v}");
    assert!(fraction(&v, "recipient_count_accuracy") > 0.9, "{v}");
    assert!(fraction(&v, "reason_agreement") > 0.85, "{v}");
    assert!(fraction(&v, "hard_agreement") > 0.9, "{v}");
    // Complaints are read as feedback, every one of them.
    let v = json(&veto(&[
        "--json",
        "eval",
        "bounces",
        &repo("veto-bounce/tests/fixtures/complaints"),
    ]));
    assert_eq!(fraction(&v, "reason_agreement"), 1.0, "{v}");
    // The table names the reasons.
    let o = veto(&["eval", "bounces", &dir]);
    assert!(o.status.success());
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("userunknown"), "{table}");
}

#[test]
fn eval_replies_prints_stop_recall_and_false_positives() {
    let dir = repo("veto-replies/testdata/replies-holdout-3");
    let v = json(&veto(&["eval", "replies", &dir, "--json"]));
    assert!(v["messages"].as_u64().unwrap_or(0) >= 100, "{v}");
    assert!(fraction(&v, "accuracy") >= 0.9, "{v}");
    assert!(fraction(&v, "stop_recall") >= 0.99, "{v}");
    assert!(fraction(&v, "stop_false_positive_rate") <= 0.01, "{v}");
    fraction(&v, "return_date_accuracy");
}

#[test]
fn eval_of_a_folder_without_labels_fails_clearly() {
    let empty = tempfile::tempdir().unwrap();
    let o = veto(&["eval", "replies", &empty.path().to_string_lossy()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("labels.jsonl"), "{err}");
}
