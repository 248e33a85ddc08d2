//! `veto policy`: the tenant's rules (expiry per reason, role mailboxes, hashed-only).

use std::path::PathBuf;

use anyhow::Context;
use serde_json::{Value, json};
use veto_domain::suppression::Reason;

use super::Global;
use crate::output::{Outcome, Table, print_json, print_pairs, text};

#[derive(Debug, Clone, clap::Subcommand)]
pub enum PolicyCmd {
    /// Show the policy.
    Show,
    /// Replace the policy with a JSON file, or change expiries of the current one.
    Set {
        /// A policy document: {"expiry_days": {...}, "role_local_parts": [...], "hashed_only": bool}.
        #[arg(long, value_name = "policy.json", conflicts_with = "expiry")]
        file: Option<PathBuf>,
        /// Expire entries of REASON after DAYS (0 removes the expiry); repeatable.
        #[arg(long, value_name = "REASON=DAYS", value_parser = parse_expiry, required_unless_present = "file")]
        expiry: Vec<(Reason, u32)>,
    },
}

/// `soft_bounce_limit=90`.
pub fn parse_expiry(s: &str) -> Result<(Reason, u32), String> {
    let (r, d) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}': use REASON=DAYS, e.g. soft_bounce_limit=90"))?;
    let reason = super::parse_reason(r)?;
    let days = d
        .trim()
        .parse::<u32>()
        .map_err(|_| format!("'{d}' is not a number of days"))?;
    Ok((reason, days))
}

/// The current policy with the expiries changed; opt-outs are left for the server to refuse
/// with its own explanation.
pub fn apply_expiries(mut policy: Value, changes: &[(Reason, u32)]) -> anyhow::Result<Value> {
    let obj = policy
        .as_object_mut()
        .context("unexpected response from the server: the policy is not an object")?;
    let exp = obj.entry("expiry_days").or_insert_with(|| json!({}));
    if exp.is_null() {
        *exp = json!({});
    }
    let exp = exp
        .as_object_mut()
        .context("unexpected response from the server: expiry_days is not an object")?;
    for (r, d) in changes {
        if *d == 0 {
            exp.remove(r.as_str());
        } else {
            exp.insert(r.as_str().to_string(), json!(d));
        }
    }
    Ok(policy)
}

pub async fn run(g: &Global, cmd: &PolicyCmd) -> anyhow::Result<Outcome> {
    let client = g.client()?;
    let url = client.url(&["v1", "policy"], &[]);
    let policy = match cmd {
        PolicyCmd::Show => client.get(url).await?,
        PolicyCmd::Set { file, expiry } => {
            let body = match file {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    serde_json::from_str::<Value>(&text)
                        .with_context(|| format!("{} is not valid JSON", path.display()))?
                }
                None => apply_expiries(client.get(url.clone()).await?, expiry)?,
            };
            let reply = client.put(url, &body).await?;
            if reply.body.is_null() {
                body
            } else {
                reply.body
            }
        }
    };
    if g.json {
        print_json(&policy)?;
    } else {
        print_policy(&policy)?;
    }
    Ok(Outcome::Clean)
}

fn print_policy(p: &Value) -> std::io::Result<()> {
    let hashed = p.get("hashed_only").and_then(Value::as_bool) == Some(true);
    print_pairs(&[
        (
            "hashed only",
            if hashed {
                "yes: only keyed hashes of identifiers are stored"
            } else {
                "no"
            }
            .to_string(),
        ),
        (
            "role mailboxes",
            p.get("role_local_parts")
                .map(text)
                .unwrap_or_else(|| "-".into()),
        ),
    ])?;
    let exp = p
        .get("expiry_days")
        .and_then(Value::as_object)
        .filter(|e| !e.is_empty());
    match exp {
        None => crate::outln!("expiry:         none (entries apply until lifted)"),
        Some(e) => {
            crate::outln!("expiry:")?;
            let mut t = Table::new(["  REASON", "DAYS"]);
            for (r, d) in e {
                t.row([format!("  {r}"), text(d)]);
            }
            t.print()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_args() {
        assert_eq!(
            parse_expiry("soft_bounce_limit=90"),
            Ok((Reason::SoftBounceLimit, 90))
        );
        assert!(parse_expiry("soft_bounce_limit").is_err());
        assert!(
            parse_expiry("nope=3")
                .unwrap_err()
                .contains("unknown reason")
        );
        assert!(parse_expiry("hard_bounce=-1").is_err());
    }

    #[test]
    fn expiry_changes_merge_into_the_policy() {
        let p = json!({"expiry_days": {"hard_bounce": 30}, "role_local_parts": ["info"], "hashed_only": false});
        let out =
            apply_expiries(p, &[(Reason::SoftBounceLimit, 90), (Reason::HardBounce, 0)]).unwrap();
        assert_eq!(
            out,
            json!({"expiry_days": {"soft_bounce_limit": 90}, "role_local_parts": ["info"], "hashed_only": false})
        );
        let out = apply_expiries(json!({"expiry_days": null}), &[(Reason::Manual, 7)]).unwrap();
        assert_eq!(out["expiry_days"], json!({"manual": 7}));
        assert!(apply_expiries(json!([]), &[]).is_err());
    }
}
