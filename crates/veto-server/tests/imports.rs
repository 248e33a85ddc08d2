//! Lead imports through the gate and suppression migrations, over HTTP on both stores.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const LEADS: &str =
    "\u{feff}Email Address,First Name,Last Name,Company,Phone,Do Not Contact,Notes\r
ada@acme.io,Ada,Lovelace,Acme,,,vip\r
 STOP@Acme.io ,Stopper,X,Acme,,,\r
bob@acme.io,Bob,B,Acme,,yes,\r
ada@acme.io,Ada,L,Acme,,,dup\r
not-an-email,X,Y,,,,\r
info@acme.io,Info,,Acme,,,\r
x@nullmx.test,N,M,,,,\r
\"carol@acme.io\",Carol,\"C, \"\"the\"\" third\",Acme,,,\"multi\r
line\"\r
";

impl Server {
    async fn upload(&self, key: &str, path: &str, body: &[u8]) -> (StatusCode, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(key)
            .header("content-type", "text/csv")
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        let s = r.status();
        let text = r.text().await.unwrap();
        (
            s,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn text(&self, key: &str, path: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(key)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

fn outcomes(report: &Value) -> Vec<(u64, String)> {
    report
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_row_gets_one_outcome_and_blocked_rows_never_become_leads() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("leads").await;
        let (_, sdr) = srv.user(&t.admin, "sdr", None).await;
        let stop = srv
            .suppress(&t.admin, json!({"email": "stop@acme.io"}), "stop_request")
            .await;

        let (s, imp) = srv
            .upload(
                &sdr,
                "/v1/imports/leads?file_name=leads.csv",
                LEADS.as_bytes(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{}: {imp}", b.name);
        let c = &imp["counts"];
        assert_eq!(c["rows"], 8, "{}: {imp}", b.name);
        assert_eq!(
            (
                c["created"].as_u64(),
                c["updated"].as_u64(),
                c["blocked"].as_u64(),
                c["duplicate_in_file"].as_u64(),
                c["invalid"].as_u64()
            ),
            (Some(3), Some(0), Some(2), Some(1), Some(2)),
            "{}: {imp}",
            b.name
        );
        assert_eq!(c["suppressions_added"], 1);
        let sha: String = Sha256::digest(LEADS.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(imp["file_sha256"], sha.as_str());
        assert_eq!(imp["file_name"], "leads.csv");
        let id = imp["id"].as_str().unwrap();

        // The per-row report, as JSON and as CSV.
        let (s, report) = srv
            .get(&sdr, &format!("/v1/imports/{id}/report?format=json"))
            .await;
        assert_eq!(s, StatusCode::OK, "{report}");
        assert_eq!(
            outcomes(&report),
            vec![
                (2, "created".into()),
                (3, "blocked".into()),
                (4, "blocked".into()),
                (5, "duplicate_in_file".into()),
                (6, "invalid".into()),
                (7, "created".into()),
                (8, "invalid".into()),
                (9, "created".into()),
            ],
            "{}: {report}",
            b.name
        );
        let rows = report.as_array().unwrap();
        // Blocked: the matching entry, its reason and date, and the sentence a check gives.
        assert_eq!(rows[1]["entry_id"], stop["id"]);
        assert_eq!(rows[1]["reason"], "stop_request");
        assert_eq!(rows[1]["email"], "stop@acme.io");
        let check = srv.check_email(&sdr, "stop@acme.io").await;
        assert_eq!(rows[1]["message"], check["explanation"], "{}", b.name);
        // The DNC column added an opt-out with source import.
        assert_eq!(rows[2]["reason"], "unsubscribe");
        let bob = srv.check_email(&sdr, "bob@acme.io").await;
        assert_eq!(bob["verdict"], "block", "{bob}");
        assert_eq!(bob["matches"][0]["source"], "import");
        // Invalid rows say which field and why; undeliverable domains are invalid.
        assert_eq!(rows[4]["field"], "email");
        assert!(
            rows[6]["message"].as_str().unwrap().contains("null MX"),
            "{}",
            rows[6]
        );
        // Risky rows are kept and flagged.
        assert!(
            rows[5]["flags"].to_string().contains("role_account"),
            "{}",
            rows[5]
        );

        let (_, csv) = srv
            .text(&sdr, &format!("/v1/imports/{id}/report?format=csv"))
            .await;
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        assert_eq!(r.headers().unwrap().get(1), Some("outcome"));
        assert_eq!(r.records().count(), 8);

        // Contacts: identity is the address; blocked rows are no contacts.
        let (_, ada) = srv.get(&sdr, "/v1/contacts?email=ADA@acme.io").await;
        assert_eq!(ada["items"].as_array().unwrap().len(), 1, "{ada}");
        assert_eq!(ada["items"][0]["name"], "Ada Lovelace");
        assert_eq!(ada["items"][0]["custom"]["Notes"], "vip");
        for blocked in ["stop@acme.io", "bob@acme.io"] {
            let (_, c) = srv
                .get(&sdr, &format!("/v1/contacts?email={blocked}"))
                .await;
            assert!(c["items"].as_array().unwrap().is_empty(), "{blocked}: {c}");
        }
        let (_, carol) = srv.get(&sdr, "/v1/contacts?email=carol@acme.io").await;
        assert_eq!(carol["items"][0]["custom"]["Notes"], "multi\r\nline");

        // The import and its blocked attempts are in the audit log, linked to the import.
        let (_, audit) = srv.get(&t.admin, "/v1/audit?action=attempt.blocked").await;
        let linked: Vec<&Value> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["data"]["import_id"] == id)
            .collect();
        assert_eq!(linked.len(), 2, "{audit}");
        let (_, audit) = srv.get(&t.admin, "/v1/audit?action=import.leads").await;
        assert_eq!(audit["items"][0]["data"]["file_sha256"], sha.as_str());
        let (_, v) = srv.get(&t.admin, "/v1/audit/verify").await;
        assert_eq!(v["ok"], true, "{v}");

        // Re-running the same import: same result, nothing duplicated.
        let (s, again) = srv
            .upload(
                &sdr,
                "/v1/imports/leads?file_name=leads.csv",
                LEADS.as_bytes(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{again}");
        let c2 = &again["counts"];
        assert_eq!(c2["created"], 0, "{again}");
        assert_eq!(c2["updated"], 3, "{again}");
        assert_eq!(c2["blocked"], 2);
        assert_eq!(c2["suppressions_added"], 0);
        let (_, all) = srv.get(&sdr, "/v1/contacts?limit=100").await;
        assert_eq!(all["items"].as_array().unwrap().len(), 3, "{all}");
        let (_, imports) = srv.get(&sdr, "/v1/imports").await;
        assert_eq!(imports["items"].as_array().unwrap().len(), 2);
    }
}

/// A file of several batches (the import decides 10,000 rows at a time, and verifies and
/// matches the next batch while the store writes the current one): a DNC row, a repeat of it
/// and a repeat of a created contact in later batches are decided against what the earlier
/// batches did.
#[tokio::test]
async fn decisions_carry_across_batches() {
    const ROWS: usize = 25_000;
    let mut csv = String::from("email,name,dnc\n");
    for line in 2..=ROWS + 1 {
        let row = match line {
            2 => "dnc@acme.io,Dee,yes".to_string(),
            3 => "early@acme.io,Early,".to_string(),
            15_002 => " DNC@acme.io ,Dee again,".to_string(),
            22_000 => "Early@ACME.io,Early again,".to_string(),
            _ => format!("lead{line}@acme.io,Lead {line},"),
        };
        csv.push_str(&row);
        csv.push('\n');
    }
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("batches").await;
        let (s, imp) = srv
            .upload(
                &t.admin,
                "/v1/imports/leads?file_name=big.csv",
                csv.as_bytes(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{}: {imp}", b.name);
        let c = &imp["counts"];
        assert_eq!(
            (
                c["rows"].as_u64(),
                c["created"].as_u64(),
                c["blocked"].as_u64(),
                c["duplicate_in_file"].as_u64(),
                c["suppressions_added"].as_u64()
            ),
            (
                Some(ROWS as u64),
                Some(ROWS as u64 - 3),
                Some(1),
                Some(2),
                Some(1)
            ),
            "{}: {imp}",
            b.name
        );
        let id = imp["id"].as_str().unwrap();
        let (_, report) = srv
            .get(&t.admin, &format!("/v1/imports/{id}/report?format=json"))
            .await;
        let rows = outcomes(&report);
        assert_eq!(rows.len(), ROWS, "{}", b.name);
        assert!(
            rows.windows(2).all(|w| w[0].0 < w[1].0),
            "report in file order"
        );
        for (line, outcome) in [
            (2, "blocked"),
            (3, "created"),
            (15_002, "duplicate_in_file"),
            (22_000, "duplicate_in_file"),
            (ROWS as u64 + 1, "created"),
        ] {
            let got = rows.iter().find(|r| r.0 == line).map(|r| r.1.as_str());
            assert_eq!(got, Some(outcome), "{}: line {line}", b.name);
        }
        let (_, early) = srv.get(&t.admin, "/v1/contacts?email=early@acme.io").await;
        assert_eq!(early["items"].as_array().unwrap().len(), 1, "{early}");
        assert_eq!(early["items"][0]["name"], "Early", "{early}");
        let (_, dee) = srv.get(&t.admin, "/v1/contacts?email=dnc@acme.io").await;
        assert!(dee["items"].as_array().unwrap().is_empty(), "{dee}");

        // The same file again: nothing created, the DNC address still blocked.
        let (s, again) = srv
            .upload(
                &t.admin,
                "/v1/imports/leads?file_name=big.csv",
                csv.as_bytes(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{again}");
        let c2 = &again["counts"];
        assert_eq!(c2["created"], 0, "{}: {again}", b.name);
        assert_eq!(
            c2["updated"].as_u64(),
            Some(ROWS as u64 - 3),
            "{}: {again}",
            b.name
        );
        assert_eq!(c2["blocked"], 1, "{}: {again}", b.name);
        assert_eq!(c2["suppressions_added"], 0, "{}: {again}", b.name);
    }
}

#[tokio::test]
async fn a_fatal_problem_names_itself_and_commits_nothing() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("fatal").await;
        let (s, e) = srv
            .upload(
                &t.admin,
                "/v1/imports/leads?file_name=people.csv",
                b"Name,Phone\nAda,+4930123456\n",
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.contains("people.csv"), "{msg}");
        assert!(
            msg.to_lowercase().contains("e-mail") || msg.contains("email"),
            "{msg}"
        );
        let (_, imports) = srv.get(&t.admin, "/v1/imports").await;
        assert!(imports["items"].as_array().unwrap().is_empty());
        let (_, c) = srv.get(&t.admin, "/v1/contacts").await;
        assert!(c["items"].as_array().unwrap().is_empty());
        // Unknown options are refused before the upload is read.
        let (s, e) = srv
            .upload(&t.admin, "/v1/imports/leads?bogus=1", b"email\na@b.io\n")
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    }
}

#[tokio::test]
async fn an_empty_or_false_dnc_value_never_weakens_a_suppression() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("dnc").await;
        srv.suppress(&t.admin, json!({"email": "keep@acme.io"}), "unsubscribe")
            .await;
        let csv = "email;unsubscribed\nkeep@acme.io;no\nkeep2@acme.io;\nkeep3@acme.io;x\n";
        let (s, imp) = srv
            .upload(&t.admin, "/v1/imports/leads", csv.as_bytes())
            .await;
        assert_eq!(s, StatusCode::CREATED, "{imp}");
        assert_eq!(imp["options"]["delimiter"], ";");
        assert_eq!(imp["counts"]["blocked"], 2, "{imp}");
        assert_eq!(
            srv.check_email(&t.admin, "keep@acme.io").await["verdict"],
            "block"
        );
        assert_eq!(
            srv.check_email(&t.admin, "keep3@acme.io").await["verdict"],
            "block"
        );
        assert_eq!(
            srv.check_email(&t.admin, "keep2@acme.io").await["verdict"],
            "allow"
        );
    }
}

#[tokio::test]
async fn windows_1252_files_are_detected_and_progress_streams() {
    let b = backends().await.remove(0);
    let srv = start(b.store.clone()).await;
    let t = srv.tenant("latin").await;
    // "Zoë Müller" in Windows-1252, tab-delimited.
    let mut file = b"E-mail\tName\n".to_vec();
    file.extend_from_slice(b"zoe@acme.io\tZo\xeb M\xfcller\n");
    let r = srv
        .http
        .post(format!("{}/v1/imports/leads?file_name=x.tsv", srv.url))
        .bearer_auth(&t.admin)
        .header("accept", "application/x-ndjson")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body = r.text().await.unwrap();
    let lines: Vec<Value> = body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.iter().any(|l| l.get("progress").is_some()), "{body}");
    let imp = &lines.last().unwrap()["import"];
    assert_eq!(imp["counts"]["created"], 1, "{body}");
    let (_, c) = srv.get(&t.admin, "/v1/contacts?email=zoe@acme.io").await;
    assert_eq!(c["items"][0]["name"], "Zoë Müller");
}

const SENDGRID_BOUNCES: &str = "email,created,reason,status\r
gone@old.io,1577836800,\"550 5.1.1 The email account that you tried to reach does not exist\",5.1.1\r
full@old.io,2020-02-01 10:00:00,452 4.2.2 mailbox full,4.2.2\r
broken@,1577836800,x,5.1.1\r
";

#[tokio::test]
async fn migrations_keep_dates_and_reasons_and_are_idempotent_and_round_trip() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let t = srv.tenant("migrate").await;
        let (_, ops) = srv.user(&t.admin, "ops", None).await;
        let (_, sdr) = srv.user(&t.admin, "sdr", None).await;
        let path = "/v1/imports/suppressions?format=sendgrid-bounces&file_name=bounces.csv";
        let (s, _) = srv.upload(&sdr, path, SENDGRID_BOUNCES.as_bytes()).await;
        assert_eq!(
            s,
            StatusCode::FORBIDDEN,
            "an SDR does not migrate suppression lists"
        );
        let (s, imp) = srv.upload(&ops, path, SENDGRID_BOUNCES.as_bytes()).await;
        assert_eq!(s, StatusCode::CREATED, "{}: {imp}", b.name);
        assert_eq!(imp["counts"]["suppressions_added"], 2, "{imp}");
        assert_eq!(imp["counts"]["invalid"], 1, "{imp}");
        let gone = srv.check_email(&ops, "gone@old.io").await;
        assert_eq!(gone["verdict"], "block", "{gone}");
        assert_eq!(gone["matches"][0]["reason"], "hard_bounce");
        assert!(
            gone["matches"][0]["since"]
                .as_str()
                .unwrap()
                .starts_with("2020-01-01"),
            "{gone}"
        );
        // Twice: nothing changes.
        let (_, again) = srv.upload(&ops, path, SENDGRID_BOUNCES.as_bytes()).await;
        assert_eq!(again["counts"]["suppressions_added"], 0, "{again}");
        assert_eq!(again["counts"]["already_active"], 2, "{again}");
        let (_, report) = srv
            .get(
                &ops,
                &format!(
                    "/v1/imports/{}/report?format=json",
                    imp["id"].as_str().unwrap()
                ),
            )
            .await;
        assert_eq!(report[0]["line"], 4, "{report}");
        assert_eq!(report[0]["outcome"], "invalid");

        // Out in our own format and back into another tenant: every field survives.
        let (s, exported) = srv
            .text(&ops, "/v1/exports/suppressions?format=veto-csv")
            .await;
        assert_eq!(s, StatusCode::OK, "{exported}");
        assert!(exported.contains("gone@old.io"));
        let t2 = srv.tenant("migrate-target").await;
        let (s, imp2) = srv
            .upload(
                &t2.admin,
                "/v1/imports/suppressions?format=veto-csv",
                exported.as_bytes(),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{imp2}");
        assert_eq!(imp2["counts"]["suppressions_added"], 2, "{imp2}");
        let moved = srv.check_email(&t2.admin, "gone@old.io").await;
        assert_eq!(moved["matches"][0]["reason"], "hard_bounce");
        assert_eq!(moved["matches"][0]["since"], gone["matches"][0]["since"]);
        // As of a moment before the bounces, the export is empty of them.
        let (_, old) = srv
            .text(
                &ops,
                "/v1/exports/suppressions?format=veto-csv&as_of=2019-06-01T00:00:00Z",
            )
            .await;
        assert!(!old.contains("gone@old.io"), "{old}");
        let (_, ses) = srv
            .text(&ops, "/v1/exports/suppressions?format=sendgrid-bounces")
            .await;
        assert!(ses.contains("gone@old.io"), "{ses}");
        let (s, _) = srv
            .get(&sdr, "/v1/exports/suppressions?format=veto-csv")
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let (_, audit) = srv
            .get(&t.admin, "/v1/audit?action=suppressions.exported")
            .await;
        assert!(!audit["items"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_migration_larger_than_one_chunk_goes_in_bucket_by_bucket() {
    for b in backends().await {
        // 40 entries per transaction: 1,000 rows are written as hash buckets.
        let opts = veto_server::state::StartOptions {
            migration_chunk: Some(40),
            ..Default::default()
        };
        let srv = start_with(b.store.clone(), opts).await;
        let t = srv.tenant("buckets").await;
        let mut file = String::from("email,created\n");
        for i in 0..1000 {
            file.push_str(&format!("person{i}@bulk.example,{}\n", 1577836800 + i));
        }
        // The same addresses again, in other spellings, and rows that are not addresses.
        for i in (0..1000).step_by(100) {
            file.push_str(&format!(" Person{i}@BULK.example ,1600000000\n"));
        }
        file.push_str("not an address,1600000000\n");
        let path = "/v1/imports/suppressions?format=sendgrid-global-unsubscribes";
        let (s, imp) = srv.upload(&t.admin, path, file.as_bytes()).await;
        assert_eq!(s, StatusCode::CREATED, "{}: {imp}", b.name);
        assert_eq!(imp["counts"]["rows"], 1011, "{imp}");
        assert_eq!(
            imp["counts"]["suppressions_added"], 1000,
            "{}: {imp}",
            b.name
        );
        assert_eq!(imp["counts"]["already_active"], 10, "{imp}");
        assert_eq!(imp["counts"]["invalid"], 1, "{imp}");
        for i in [0, 1, 457, 999] {
            let v = srv
                .check_email(&t.admin, &format!("PERSON{i}@bulk.example"))
                .await;
            assert_eq!(v["verdict"], "block", "{}: {v}", b.name);
        }
        // The export has every entry once, with its original date.
        let (_, exported) = srv
            .text(&t.admin, "/v1/exports/suppressions?format=veto-csv")
            .await;
        let lines: Vec<&str> = exported.lines().skip(1).collect();
        assert_eq!(lines.len(), 1000, "{}", b.name);
        let mut ids: Vec<&str> = lines.iter().filter_map(|l| l.split(',').next()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 1000, "every entry has its own id");
        assert!(
            exported.contains("2020-01-01T00:00:01"),
            "{}",
            &exported[..300]
        );
        // One audit event per bucket written, and a second run adds nothing.
        let (_, audit) = srv
            .get(&t.admin, "/v1/audit?action=suppressions.imported&limit=100")
            .await;
        let buckets = audit["items"].as_array().unwrap().len();
        assert!(buckets >= 20, "{}: {buckets} bucket transactions", b.name);
        let (_, again) = srv.upload(&t.admin, path, file.as_bytes()).await;
        assert_eq!(again["counts"]["suppressions_added"], 0, "{again}");
        assert_eq!(again["counts"]["already_active"], 1010, "{again}");
    }
}

#[tokio::test]
async fn each_verification_check_is_switchable_per_tenant() {
    let b = backends().await.remove(0);
    let srv = start(b.store.clone()).await;
    let t = srv.tenant("verify-switch").await;
    let file = "email\nx@nullmx.test\ninfo@acme.io\na@mailinator.com\n";
    let (_, on) = srv
        .upload(&t.admin, "/v1/imports/leads", file.as_bytes())
        .await;
    let (_, report) = srv
        .get(
            &t.admin,
            &format!(
                "/v1/imports/{}/report?format=json",
                on["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(
        outcomes(&report),
        vec![
            (2, "invalid".into()),
            (3, "created".into()),
            (4, "created".into())
        ],
        "{report}"
    );
    assert!(
        report[1]["flags"].to_string().contains("role_account"),
        "{report}"
    );
    assert!(
        report[2]["flags"].to_string().contains("disposable"),
        "{report}"
    );

    let (s, p) = srv
        .put(
            &t.admin,
            "/v1/policy",
            json!({"verify": {"mail_domain": false, "role_account": false, "disposable": false}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let (_, off) = srv
        .upload(&t.admin, "/v1/imports/leads", file.as_bytes())
        .await;
    let (_, report) = srv
        .get(
            &t.admin,
            &format!(
                "/v1/imports/{}/report?format=json",
                off["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(report[0]["outcome"], "created", "{report}");
    for r in report.as_array().unwrap() {
        assert!(r.get("flags").is_none(), "{report}");
    }
}

#[tokio::test]
async fn imports_contacts_and_exports_stay_inside_their_tenant() {
    for b in backends().await {
        let srv = start(b.store.clone()).await;
        let a = srv.tenant("iso-a").await;
        let other = srv.tenant("iso-b").await;
        srv.suppress(&a.admin, json!({"email": "gone@alpha.io"}), "unsubscribe")
            .await;
        let (_, imp) = srv
            .upload(&a.admin, "/v1/imports/leads", b"email\nsecret@alpha.io\n")
            .await;
        let id = imp["id"].as_str().unwrap();
        let (_, c) = srv
            .get(&a.admin, "/v1/contacts?email=secret@alpha.io")
            .await;
        let cid = c["items"][0]["id"].as_str().unwrap();
        let n = |what: &str| format!("{}: {what}", b.name);

        let k = &other.admin;
        for path in [
            format!("/v1/imports/{id}"),
            format!("/v1/imports/{id}/report"),
            format!("/v1/contacts/{cid}"),
        ] {
            assert_eq!(
                srv.get(k, &path).await.0,
                StatusCode::NOT_FOUND,
                "{}",
                n(&path)
            );
        }
        let (_, list) = srv.get(k, "/v1/imports").await;
        assert!(
            list["items"].as_array().unwrap().is_empty(),
            "{}",
            n("imports")
        );
        let (_, list) = srv.get(k, "/v1/contacts").await;
        assert!(
            list["items"].as_array().unwrap().is_empty(),
            "{}",
            n("contacts")
        );
        let (_, found) = srv.get(k, "/v1/contacts?email=secret@alpha.io").await;
        assert!(
            found["items"].as_array().unwrap().is_empty(),
            "{}",
            n("contact by email")
        );
        let (s, exported) = srv
            .text(k, "/v1/exports/suppressions?format=veto-csv")
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(!exported.contains("gone@alpha.io"), "{}", n("export"));
        // The other tenant's import of the same address is its own: created, not blocked.
        let (_, own) = srv
            .upload(
                k,
                "/v1/imports/leads",
                b"email\ngone@alpha.io\nsecret@alpha.io\n",
            )
            .await;
        assert_eq!(own["counts"]["created"], 2, "{}", n("own import"));
    }
}
