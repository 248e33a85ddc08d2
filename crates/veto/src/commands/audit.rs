//! `veto audit`: read the hash-chained audit log and verify the chain.

use serde_json::Value;

use super::{Global, fetch_list, list_document, more_hint};
use crate::output::{Outcome, Table, field, print_json, time_field};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum AuditCmd {
    /// Audit events, newest first.
    Log {
        /// Only this action (e.g. suppression.created).
        #[arg(long)]
        action: Option<String>,
        /// Only events about this subject (an entry, user or key id).
        #[arg(long)]
        subject: Option<String>,
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
        #[arg(long)]
        cursor: Option<String>,
        #[arg(long, conflicts_with = "cursor")]
        all_pages: bool,
    },
    /// Recompute the hash chain; exit 1 if it is broken.
    Verify,
}

pub async fn run(g: &Global, cmd: &AuditCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    match cmd {
        AuditCmd::Log {
            action,
            subject,
            limit,
            cursor,
            all_pages,
        } => {
            let query = [
                ("action", action.clone()),
                ("subject", subject.clone()),
                ("limit", limit.map(|l| l.to_string())),
                ("cursor", cursor.clone()),
            ];
            let (items, next) = fetch_list(&client, &["v1", "audit"], &query, *all_pages).await?;
            if g.json {
                print_json(&list_document(items, next))?;
            } else if items.is_empty() {
                crate::outln!("no events")?;
            } else {
                let mut t = Table::new(["SEQ", "AT", "ACTOR", "ACTION", "SUBJECT"]);
                for e in &items {
                    t.row([
                        field(e, "seq"),
                        time_field(e, "at"),
                        field(e, "actor"),
                        field(e, "action"),
                        field(e, "subject"),
                    ]);
                }
                t.print()?;
                more_hint(&next)?;
            }
            Ok(Outcome::Clean)
        }
        AuditCmd::Verify => {
            let v = client
                .get(client.url(&["v1", "audit", "verify"], &[]))
                .await?;
            let ok = verify_ok(&v)?;
            if g.json {
                print_json(&v)?;
            } else {
                crate::outln!("{}", verify_sentence(&v))?;
            }
            Ok(if ok { Outcome::Clean } else { Outcome::Flagged })
        }
    }
}

fn verify_ok(v: &Value) -> anyhow::Result<bool> {
    v.get("ok").and_then(Value::as_bool).ok_or_else(|| {
        anyhow::anyhow!("unexpected response from the server: no 'ok' in the verification")
    })
}

/// "audit chain OK: N events" / "audit chain BROKEN at event S: problem".
fn verify_sentence(v: &Value) -> String {
    let events = field(v, "events");
    if v.get("ok").and_then(Value::as_bool) == Some(true) {
        return format!("audit chain OK: {events} events");
    }
    let bad = v.get("first_bad_event").unwrap_or(&Value::Null);
    format!(
        "audit chain BROKEN at event {}: {}",
        field(bad, "seq"),
        field(bad, "problem")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn verification_sentences() {
        let ok = json!({"ok": true, "events": 12, "first_bad_event": null});
        assert!(verify_ok(&ok).unwrap());
        assert_eq!(verify_sentence(&ok), "audit chain OK: 12 events");
        let bad = json!({"ok": false, "events": 12, "first_bad_event": {"seq": 7, "id": "x", "problem": "hash mismatch"}});
        assert!(!verify_ok(&bad).unwrap());
        assert_eq!(
            verify_sentence(&bad),
            "audit chain BROKEN at event 7: hash mismatch"
        );
        assert!(verify_ok(&json!({})).is_err());
    }
}
