//! `veto suppress`: add, list and show suppression entries.

use serde_json::{Value, json};
use veto_domain::identifier::{IdentifierInput, IdentifierKind};
use veto_domain::suppression::{Channel, Purposes, Reason, SourceChannel};
use veto_store::EntryStatus;

use super::{Global, entry_status_str, fetch_list, list_document, more_hint};
use crate::kind::{kind_of, parse_kind};
use crate::output::{
    Outcome, Table, field, first_field, print_json, print_pairs, text, time_field,
};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum SuppressCmd {
    /// Suppress an identifier (a reason is always required).
    Add(AddArgs),
    /// List entries, newest first.
    List(ListArgs),
    /// Show an entry with its history and lift requests.
    Show {
        /// Entry id.
        id: String,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct AddArgs {
    /// The e-mail address, phone number, domain or id to suppress.
    pub identifier: String,
    /// Why (required): unsubscribe, stop_request, not_interested, complaint, legal_request, …
    #[arg(long, value_parser = super::parse_reason)]
    pub reason: Option<Reason>,
    /// Where the signal came from.
    #[arg(long, default_value = "api", value_parser = super::parse_source)]
    pub source: SourceChannel,
    /// What shows the request (a message id, a ticket link, a quote).
    #[arg(long, value_name = "TEXT")]
    pub evidence: Option<String>,
    /// What the identifier is (default: guessed).
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<IdentifierKind>,
    /// The channel to block (default: the identifier's own).
    #[arg(long, value_parser = super::parse_channel)]
    pub channel: Option<Channel>,
    /// Purposes to block, repeatable: sales, marketing, operational, or all (default: sales and marketing).
    #[arg(long = "purpose", value_name = "PURPOSE")]
    pub purposes: Vec<String>,
    /// Domain entries: also block every subdomain.
    #[arg(long)]
    pub include_subdomains: bool,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    /// active, ended or all.
    #[arg(long, default_value = "active", value_parser = super::parse_entry_status)]
    pub status: EntryStatus,
    #[arg(long, value_parser = super::parse_reason)]
    pub reason: Option<Reason>,
    #[arg(long, value_parser = super::parse_source)]
    pub source: Option<SourceChannel>,
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<IdentifierKind>,
    /// Only entries keyed on this identifier.
    #[arg(long)]
    pub identifier: Option<String>,
    /// Page size.
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Start after this cursor (the `next_cursor` of a previous page).
    #[arg(long)]
    pub cursor: Option<String>,
    /// Follow next_cursor until the end of the list.
    #[arg(long, conflicts_with = "cursor")]
    pub all_pages: bool,
}

pub async fn run(g: &Global, cmd: &SuppressCmd) -> anyhow::Result<Outcome> {
    match cmd {
        SuppressCmd::Add(a) => add(g, a).await,
        SuppressCmd::List(a) => list(g, a).await,
        SuppressCmd::Show { id } => show(g, id).await,
    }
}

/// The request body of an add, checked here so mistakes are argument errors.
pub fn add_body(a: &AddArgs) -> anyhow::Result<Value> {
    let reason = a.reason.ok_or_else(|| {
        anyhow::anyhow!(
            "a reason is required: pass --reason (one of {})",
            Reason::choices()
        )
    })?;
    let kind = kind_of(&a.identifier, a.kind)?;
    let mut body = json!({
        "identifier": IdentifierInput::of(kind, a.identifier.trim()),
        "reason": reason,
        "source": a.source,
    });
    if let Some(e) = &a.evidence {
        body["evidence"] = json!(e);
    }
    if let Some(c) = a.channel {
        body["channel"] = json!(c);
    }
    if !a.purposes.is_empty() {
        let p = Purposes::parse_list(&a.purposes).map_err(|e| anyhow::anyhow!("--purpose: {e}"))?;
        body["purposes"] = json!(p);
    }
    if a.include_subdomains {
        if kind != IdentifierKind::Domain {
            anyhow::bail!(
                "--include-subdomains applies to domains, and '{}' is a {kind}",
                a.identifier.trim()
            );
        }
        body["include_subdomains"] = json!(true);
    }
    Ok(body)
}

async fn add(g: &Global, a: &AddArgs) -> anyhow::Result<Outcome> {
    let body = add_body(a)?;
    let client = g.client()?;
    let reply = client
        .post(client.url(&["v1", "suppressions"], &[]), &body)
        .await?;
    if g.json {
        print_json(&reply.body)?;
        return Ok(Outcome::Clean);
    }
    let entry = entry_of(&reply.body);
    let what = format!(
        "{} {}",
        field(entry, "kind"),
        identifier_text(entry, a.identifier.trim())
    );
    if reply.status == reqwest::StatusCode::CREATED {
        crate::outln!(
            "created: {what} suppressed ({}), entry {}",
            field(entry, "reason"),
            id_of(entry)
        )?;
    } else {
        crate::outln!(
            "already suppressed: {what} ({} since {}), entry {}",
            field(entry, "reason"),
            time_field(entry, "valid_from"),
            id_of(entry)
        )?;
    }
    Ok(Outcome::Clean)
}

/// The entry of an answer that is either the entry or wraps it as `entry`.
fn entry_of(v: &Value) -> &Value {
    v.get("entry").filter(|e| e.is_object()).unwrap_or(v)
}

fn id_of(entry: &Value) -> String {
    first_field(entry, &["id", "entry_id"])
}

/// The entry's identifier, `(hashed)` when the tenant keeps no clear value.
fn identifier_text(entry: &Value, fallback: &str) -> String {
    match entry.get("identifier") {
        Some(Value::Null) => "(hashed)".into(),
        Some(v) => text(v),
        None => fallback.to_string(),
    }
}

fn state_of(entry: &Value) -> String {
    if let Some(end) = entry.get("ended").filter(|e| e.is_object()) {
        return format!("{} {}", field(end, "kind"), time_field(end, "at"));
    }
    match (
        entry.get("status").and_then(Value::as_str),
        entry.get("expires_at").and_then(Value::as_str),
    ) {
        (Some("active") | None, Some(_)) => {
            format!("active until {}", time_field(entry, "expires_at"))
        }
        (Some(s), _) => s.to_string(),
        (None, None) => "active".into(),
    }
}

async fn list(g: &Global, a: &ListArgs) -> anyhow::Result<Outcome> {
    // The API filters by identifier through a parameter named after its kind.
    let ident = match &a.identifier {
        Some(raw) => Some((kind_of(raw, a.kind)?, raw.trim().to_string())),
        None => None,
    };
    let client = g.client()?;
    let query = [
        ("status", Some(entry_status_str(a.status).to_string())),
        ("reason", a.reason.map(|r| r.as_str().to_string())),
        ("source", a.source.map(|s| s.as_str().to_string())),
        ("kind", a.kind.map(|k| k.as_str().to_string())),
        (
            ident.as_ref().map_or("email", |(k, _)| k.as_str()),
            ident.map(|(_, v)| v),
        ),
        ("limit", a.limit.map(|l| l.to_string())),
        ("cursor", a.cursor.clone()),
    ];
    let (items, next) = fetch_list(&client, &["v1", "suppressions"], &query, a.all_pages).await?;
    if g.json {
        print_json(&list_document(items, next))?;
        return Ok(Outcome::Clean);
    }
    if items.is_empty() {
        crate::outln!("no entries")?;
        return Ok(Outcome::Clean);
    }
    let mut t = Table::new([
        "ID",
        "KIND",
        "IDENTIFIER",
        "REASON",
        "SOURCE",
        "CHANNEL",
        "PURPOSES",
        "SINCE",
        "STATE",
    ]);
    for e in &items {
        t.row([
            id_of(e),
            field(e, "kind"),
            identifier_text(e, "-"),
            field(e, "reason"),
            field(e, "source"),
            field(e, "channel"),
            field(e, "purposes"),
            time_field(e, "valid_from"),
            state_of(e),
        ]);
    }
    t.print()?;
    more_hint(&next)?;
    Ok(Outcome::Clean)
}

async fn show(g: &Global, id: &str) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    let v = client
        .get(client.url(&["v1", "suppressions", id.trim()], &[]))
        .await?;
    if g.json {
        print_json(&v)?;
        return Ok(Outcome::Clean);
    }
    let e = entry_of(&v);
    let mut pairs = vec![
        ("entry", id_of(e)),
        (
            "identifier",
            format!("{} {}", field(e, "kind"), identifier_text(e, "-")),
        ),
        ("reason", field(e, "reason")),
        ("source", field(e, "source")),
        ("channel", field(e, "channel")),
        ("purposes", field(e, "purposes")),
        ("since", time_field(e, "valid_from")),
        ("state", state_of(e)),
        ("created by", field(e, "created_by")),
    ];
    if e.get("include_subdomains").and_then(Value::as_bool) == Some(true) {
        pairs.push(("subdomains", "included".into()));
    }
    if e.get("role_account").and_then(Value::as_bool) == Some(true) {
        pairs.push(("role account", "yes".into()));
    }
    if let Some(ev) = e.get("evidence").filter(|x| !x.is_null()) {
        pairs.push(("evidence", text(ev)));
    }
    if e.get("erased").and_then(Value::as_bool) == Some(true) {
        pairs.push(("erased", "personal data erased".into()));
    }
    print_pairs(&pairs)?;

    let history = v.get("history").and_then(Value::as_array);
    if let Some(h) = history.filter(|h| !h.is_empty()) {
        crate::outln!()?;
        crate::outln!("History:")?;
        let mut t = Table::new(["SEQ", "AT", "ACTOR", "ACTION"]);
        for ev in h {
            t.row([
                field(ev, "seq"),
                time_field(ev, "at"),
                field(ev, "actor"),
                field(ev, "action"),
            ]);
        }
        t.print()?;
    }
    let lifts = v.get("lift_requests").and_then(Value::as_array);
    if let Some(l) = lifts.filter(|l| !l.is_empty()) {
        crate::outln!()?;
        crate::outln!("Lift requests:")?;
        super::lift::lift_table(l).print()?;
    }
    Ok(Outcome::Clean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        a: AddArgs,
    }

    fn body(args: &[&str]) -> anyhow::Result<Value> {
        let t = T::try_parse_from(std::iter::once("t").chain(args.iter().copied()))?;
        add_body(&t.a)
    }

    #[test]
    fn add_body_shape() {
        let b = body(&[
            "jane@x.com",
            "--reason",
            "stop_request",
            "--source",
            "reply",
            "--evidence",
            "msg 1",
        ])
        .unwrap();
        assert_eq!(
            b,
            json!({"identifier": {"email": "jane@x.com"}, "reason": "stop_request", "source": "reply", "evidence": "msg 1"})
        );
        let b = body(&[
            "x.com",
            "--reason",
            "manual",
            "--purpose",
            "all",
            "--include-subdomains",
            "--channel",
            "all",
        ])
        .unwrap();
        assert_eq!(b["identifier"], json!({"domain": "x.com"}));
        assert_eq!(b["source"], json!("api"));
        assert_eq!(b["purposes"], json!(["all"]));
        assert_eq!(b["channel"], json!("all"));
        assert_eq!(b["include_subdomains"], json!(true));
        let b = body(&[
            "001A",
            "--kind",
            "company_id",
            "--reason",
            "manual",
            "--purpose",
            "sales",
            "--purpose",
            "marketing",
        ])
        .unwrap();
        assert_eq!(b["identifier"], json!({"company_id": "001A"}));
        assert_eq!(b["purposes"], json!(["sales", "marketing"]));
    }

    #[test]
    fn add_refusals_say_what_to_do() {
        let e = body(&["jane@x.com"]).unwrap_err().to_string();
        assert!(
            e.contains("--reason") && e.contains("stop_request") && e.contains("unsubscribe"),
            "{e}"
        );
        let e = body(&["jane@x.com", "--reason", "bored"])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown reason 'bored'") && e.contains("not_interested"),
            "{e}"
        );
        let e = body(&["001A", "--reason", "manual"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("--kind"), "{e}");
        let e = body(&["a@x.com", "--reason", "manual", "--purpose", "spam"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("spam"), "{e}");
        let e = body(&["a@x.com", "--reason", "manual", "--include-subdomains"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("domains"), "{e}");
    }

    #[test]
    fn entry_state_text() {
        assert_eq!(
            state_of(&json!({"ended": null, "expires_at": null})),
            "active"
        );
        assert_eq!(
            state_of(&json!({"ended": {"kind": "lifted", "at": "2026-01-02T03:04:05Z"}})),
            "lifted 2026-01-02 03:04"
        );
        assert_eq!(
            identifier_text(&json!({"identifier": null}), "x"),
            "(hashed)"
        );
        assert_eq!(
            identifier_text(&json!({"identifier": {"email": "a@b.c"}}), "x"),
            "a@b.c"
        );
    }
}
