//! The check engine: normalise, hash, probe the index, decide, explain.
//!
//! Live checks (no `as_of`) answer from the in-memory index after the node caught up with the
//! change feed. Historical checks (`as_of`) read every entry ever keyed on the probed hashes
//! from the store and apply validity intervals, so lifts and expiries are seen as of that time.

use veto_domain::Timestamp;
use veto_domain::domain::self_and_parents;
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::keyed_hash::IdentHash;
use veto_domain::suppression::{Channel, Entry, Purpose, Purposes};
use veto_domain::verdict::{Match, Verdict, explain};
use veto_store::StoreError;

use crate::index::{Hit, TenantIndex, key_of};
use crate::state::{AppState, TenantCtx};

/// What a check asks.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    pub purpose: Purpose,
    /// The channel of the intended contact; defaults to the identifier's own (e-mail for
    /// addresses and domains, phone for numbers, any for company and contact ids).
    pub channel: Option<Channel>,
    pub as_of: Option<Timestamp>,
}

/// The outcome of checking one item.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub normalized: Option<String>,
    pub verdict: Verdict,
    pub matches: Vec<Match>,
    pub explanation: String,
    /// (field, message) when the input was invalid.
    pub error: Option<(String, String)>,
}

impl Outcome {
    pub fn invalid(field: &str, message: String, opts: &CheckOptions) -> Self {
        let explanation = explain(Verdict::Invalid, &[], opts.purpose, opts.as_of, Some(&message));
        Self { normalized: None, verdict: Verdict::Invalid, matches: vec![], explanation, error: Some((field.to_string(), message)) }
    }

    fn decided(normalized: String, mut matches: Vec<Match>, opts: &CheckOptions) -> Self {
        matches.sort_by_key(|m| (m.since, m.entry_id));
        let verdict = if matches.is_empty() { Verdict::Allow } else { Verdict::Block };
        let explanation = explain(verdict, &matches, opts.purpose, opts.as_of, None);
        Self { normalized: Some(normalized), verdict, matches, explanation, error: None }
    }
}

/// One key to look up, borrowed from the checked identifier.
struct Probe<'a> {
    kind: IdentifierKind,
    value: &'a str,
    via_parent: bool,
}

/// The probes of an identifier without allocating: the identifier itself and, for addresses
/// and domains, their domain and its parents (only when `domains` is set).
fn for_each_probe<'a>(id: &'a Identifier, domains: bool, mut f: impl FnMut(Probe<'a>)) {
    f(Probe { kind: id.kind(), value: id.value(), via_parent: false });
    if !domains {
        return;
    }
    let (dom, skip_self) = match id {
        Identifier::Email(e) => (e.domain(), false),
        Identifier::Domain(d) => (d.as_str(), true),
        _ => return,
    };
    for (i, p) in self_and_parents(dom).enumerate() {
        if skip_self && i == 0 {
            continue;
        }
        f(Probe { kind: IdentifierKind::Domain, value: p, via_parent: i > 0 });
    }
}

fn effective_channel(kind: IdentifierKind, opts: &CheckOptions) -> Option<Channel> {
    opts.channel.or_else(|| kind.natural_channel())
}

/// Does an entry with these properties block this contact at `t`?
#[allow(clippy::too_many_arguments)]
fn applies(
    channel: Channel,
    purposes: Purposes,
    include_subdomains: bool,
    valid_from: Timestamp,
    expires_at: Option<Timestamp>,
    via_parent: bool,
    want: Option<Channel>,
    opts: &CheckOptions,
    t: Timestamp,
) -> bool {
    (!via_parent || include_subdomains)
        && purposes.contains(opts.purpose)
        && want.is_none_or(|c| channel.blocks(c))
        && valid_from <= t
        && expires_at.is_none_or(|x| x > t)
}

fn match_of_hit(h: &Hit, identifier: &str, via_parent: bool) -> Match {
    Match {
        entry_id: h.entry_id,
        scope: h.kind.scope(),
        kind: h.kind,
        identifier: Some(identifier.to_string()),
        reason: h.reason,
        source: h.source,
        channel: h.channel,
        purposes: h.purposes,
        role_account: h.role_account,
        since: h.valid_from,
        via_parent_domain: via_parent,
    }
}

/// Checks identifiers (one item; several identifiers of one person) against the live index.
pub fn check_live(ctx: &TenantCtx, ix: &TenantIndex, ids: &[Identifier], opts: &CheckOptions, now: Timestamp) -> Outcome {
    let mut matches = Vec::new();
    let domains = ix.has_domain_entries();
    for id in ids {
        let want = effective_channel(id.kind(), opts);
        for_each_probe(id, domains, |p| {
            let key = key_of(&ctx.hasher.hash_value(p.kind, p.value));
            for h in ix.lookup(key) {
                if applies(h.channel, h.purposes, h.include_subdomains, h.valid_from, h.expires_at, p.via_parent, want, opts, now)
                    && !matches.iter().any(|m: &Match| m.entry_id == h.entry_id)
                {
                    matches.push(match_of_hit(&h, p.value, p.via_parent));
                }
            }
        });
    }
    let normalized = ids.first().map(|i| i.value().to_string()).unwrap_or_default();
    Outcome::decided(normalized, matches, opts)
}

/// Checks identifiers as of a past (or future) moment, from the store.
pub async fn check_as_of(
    state: &AppState,
    ctx: &TenantCtx,
    ids: &[Identifier],
    opts: &CheckOptions,
    t: Timestamp,
) -> Result<Outcome, StoreError> {
    let mut probes: Vec<(IdentHash, bool, Option<Channel>)> = Vec::new();
    for id in ids {
        let want = effective_channel(id.kind(), opts);
        for_each_probe(id, true, |p| probes.push((ctx.hasher.hash_value(p.kind, p.value), p.via_parent, want)));
    }
    let hashes: Vec<IdentHash> = probes.iter().map(|p| p.0).collect();
    let entries: Vec<Entry> = state.store().entries_by_hashes(ctx.tenant.id, &hashes).await?;
    let mut matches: Vec<Match> = Vec::new();
    for e in &entries {
        for (h, via_parent, want) in &probes {
            if e.ident_hash == *h
                && e.active_at(t)
                && applies(e.channel, e.purposes, e.include_subdomains, e.valid_from, e.expires_at, *via_parent, *want, opts, t)
                && !matches.iter().any(|m| m.entry_id == e.id)
            {
                matches.push(Match::of(e, *via_parent));
            }
        }
    }
    let normalized = ids.first().map(|i| i.value().to_string()).unwrap_or_default();
    Ok(Outcome::decided(normalized, matches, opts))
}

/// Checks one item (live or as of), after the caller made the node fresh.
pub async fn check_item(state: &AppState, ctx: &TenantCtx, ids: &[Identifier], opts: &CheckOptions) -> Result<Outcome, StoreError> {
    match opts.as_of {
        Some(t) => check_as_of(state, ctx, ids, opts, t).await,
        None => {
            let ix = state
                .index(ctx.tenant.id)
                .ok_or(StoreError::Other("the tenant's index is not loaded".into()))?;
            let ix = ix.read().map_err(|_| StoreError::Other("index lock poisoned".into()))?;
            Ok(check_live(ctx, &ix, ids, opts, veto_domain::now()))
        }
    }
}
