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
        let explanation = explain(
            Verdict::Invalid,
            &[],
            opts.purpose,
            opts.as_of,
            Some(&message),
        );
        Self {
            normalized: None,
            verdict: Verdict::Invalid,
            matches: vec![],
            explanation,
            error: Some((field.to_string(), message)),
        }
    }

    pub fn decided(normalized: String, mut matches: Vec<Match>, opts: &CheckOptions) -> Self {
        matches.sort_by_key(|m| (m.since, m.entry_id));
        let verdict = if matches.is_empty() {
            Verdict::Allow
        } else {
            Verdict::Block
        };
        let explanation = explain(verdict, &matches, opts.purpose, opts.as_of, None);
        Self {
            normalized: Some(normalized),
            verdict,
            matches,
            explanation,
            error: None,
        }
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
    f(Probe {
        kind: id.kind(),
        value: id.value(),
        via_parent: false,
    });
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
        f(Probe {
            kind: IdentifierKind::Domain,
            value: p,
            via_parent: i > 0,
        });
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
pub fn check_live(
    ctx: &TenantCtx,
    ix: &TenantIndex,
    ids: &[Identifier],
    opts: &CheckOptions,
    now: Timestamp,
) -> Outcome {
    let matches = matches_live(ctx, ix, ids, opts, now);
    let normalized = ids
        .first()
        .map(|i| i.value().to_string())
        .unwrap_or_default();
    Outcome::decided(normalized, matches, opts)
}

/// The entries in force that match, without building a verdict (an empty result allocates
/// nothing: most checked addresses are allowed, and bulk checks report only the others).
pub fn matches_live(
    ctx: &TenantCtx,
    ix: &TenantIndex,
    ids: &[Identifier],
    opts: &CheckOptions,
    now: Timestamp,
) -> Vec<Match> {
    let mut matches = Vec::new();
    let domains = ix.has_domain_entries();
    for id in ids {
        let want = effective_channel(id.kind(), opts);
        for_each_probe(id, domains, |p| {
            let key = key_of(&ctx.hasher.hash_value(p.kind, p.value));
            for h in ix.lookup(key) {
                if applies(
                    h.channel,
                    h.purposes,
                    h.include_subdomains,
                    h.valid_from,
                    h.expires_at,
                    p.via_parent,
                    want,
                    opts,
                    now,
                ) && !matches.iter().any(|m: &Match| m.entry_id == h.entry_id)
                {
                    matches.push(match_of_hit(&h, p.value, p.via_parent));
                }
            }
        });
    }
    matches
}

/// What a check of `ids` looks up in the store: each probe's keyed hash, whether it is a
/// parent domain, and the channel wanted. Every domain probe is included (the store, unlike
/// the index, does not know whether the tenant has domain entries).
pub fn store_probes(
    ctx: &TenantCtx,
    ids: &[Identifier],
    opts: &CheckOptions,
) -> Vec<(IdentHash, bool, Option<Channel>)> {
    let mut probes = Vec::new();
    for id in ids {
        let want = effective_channel(id.kind(), opts);
        for_each_probe(id, true, |p| {
            probes.push((ctx.hasher.hash_value(p.kind, p.value), p.via_parent, want))
        });
    }
    probes
}

/// Decides a check of `ids` at `t` from the entries keyed on its probes (as read from the
/// store: by [`Store::entries_by_hashes`](veto_store::Store::entries_by_hashes), or inside a
/// send fence).
pub fn decide_from_entries(
    ctx: &TenantCtx,
    ids: &[Identifier],
    entries: &[Entry],
    opts: &CheckOptions,
    t: Timestamp,
) -> Outcome {
    let probes = store_probes(ctx, ids, opts);
    let mut matches: Vec<Match> = Vec::new();
    for e in entries {
        for (h, via_parent, want) in &probes {
            if e.ident_hash == *h
                && e.active_at(t)
                && applies(
                    e.channel,
                    e.purposes,
                    e.include_subdomains,
                    e.valid_from,
                    e.expires_at,
                    *via_parent,
                    *want,
                    opts,
                    t,
                )
                && !matches.iter().any(|m| m.entry_id == e.id)
            {
                matches.push(Match::of(e, *via_parent));
            }
        }
    }
    let normalized = ids
        .first()
        .map(|i| i.value().to_string())
        .unwrap_or_default();
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
    let hashes: Vec<IdentHash> = store_probes(ctx, ids, opts)
        .into_iter()
        .map(|p| p.0)
        .collect();
    let entries: Vec<Entry> = state
        .store()
        .entries_by_hashes(ctx.tenant.id, &hashes)
        .await?;
    Ok(decide_from_entries(ctx, ids, &entries, opts, t))
}

/// Checks one item (live or as of), after the caller made the node fresh.
pub async fn check_item(
    state: &AppState,
    ctx: &TenantCtx,
    ids: &[Identifier],
    opts: &CheckOptions,
) -> Result<Outcome, StoreError> {
    match opts.as_of {
        Some(t) => check_as_of(state, ctx, ids, opts, t).await,
        None => {
            let ix = state
                .index(ctx.tenant.id)
                .ok_or(StoreError::Other("the tenant's index is not loaded".into()))?;
            let ix = ix
                .read()
                .map_err(|_| StoreError::Other("index lock poisoned".into()))?;
            Ok(check_live(ctx, &ix, ids, opts, veto_domain::now()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use veto_domain::id::{EntryId, TenantId};
    use veto_domain::keyed_hash::TenantSecret;
    use veto_domain::policy::TenantPolicy;
    use veto_domain::suppression::{Reason, SourceChannel};
    use veto_store::{IndexRow, Tenant};

    fn ctx() -> TenantCtx {
        let secret = TenantSecret([3; 32]);
        TenantCtx {
            hasher: veto_domain::keyed_hash::IdentifierHasher::new(&secret),
            tenant: Tenant {
                id: TenantId::new(),
                name: "t".into(),
                created_at: veto_domain::now(),
                policy: TenantPolicy::default(),
                secret,
            },
        }
    }

    fn row(
        ctx: &TenantCtx,
        n: i64,
        id: &Identifier,
        purposes: Purposes,
        subdomains: bool,
    ) -> IndexRow {
        IndexRow {
            row_id: n,
            entry_id: EntryId::new(),
            hash: ctx.hasher.hash(id),
            kind: id.kind(),
            include_subdomains: subdomains,
            channel: id.kind().natural_channel().unwrap_or(Channel::All),
            purposes,
            reason: Reason::Unsubscribe,
            source: SourceChannel::Api,
            role_account: false,
            valid_from: veto_domain::now() - time::Duration::seconds(1),
            expires_at: None,
        }
    }

    const OPTS: CheckOptions = CheckOptions {
        purpose: Purpose::Sales,
        channel: None,
        as_of: None,
    };

    fn noisy(s: &str, mask: u64, pad: usize) -> String {
        let body: String = s
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if mask >> (i % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect();
        format!("{}{body}{}", " ".repeat(pad % 3), "\t".repeat(pad / 3 % 2))
    }

    proptest! {
        /// A noisy spelling of a suppressed address is blocked; any other address is allowed.
        #[test]
        fn blocks_exactly_the_suppressed_addresses(
            locals in proptest::collection::btree_set("[a-z][a-z0-9._+-]{0,12}[a-z0-9]", 1..20),
            probe_local in "[a-z][a-z0-9._+-]{0,12}[a-z0-9]",
            mask in any::<u64>(), pad in 0usize..6,
        ) {
            prop_assume!(!probe_local.contains(".."));
            let c = ctx();
            let mut ix = TenantIndex::default();
            let mut set = std::collections::HashSet::new();
            for (n, l) in locals.iter().enumerate() {
                if l.contains("..") { continue; }
                let addr = format!("{l}@example.com");
                let id = Identifier::parse(IdentifierKind::Email, &addr).unwrap();
                ix.insert(&row(&c, n as i64, &id, Purposes::DEFAULT, false));
                set.insert(addr);
            }
            let now = veto_domain::now();
            for addr in set.iter().chain(std::iter::once(&format!("{probe_local}@example.com"))) {
                let raw = noisy(addr, mask, pad);
                let id = Identifier::parse(IdentifierKind::Email, &raw).unwrap();
                let o = check_live(&c, &ix, &[id], &OPTS, now);
                prop_assert_eq!(o.verdict == Verdict::Block, set.contains(addr), "{}", raw);
            }
        }

        /// Domain entries cover the domain, and its subdomains only when the entry says so.
        #[test]
        fn domain_entries_and_subdomains(label in "[a-z]{1,10}", sub in "[a-z]{1,10}", subdomains in any::<bool>(), mask in any::<u64>()) {
            let c = ctx();
            let mut ix = TenantIndex::default();
            let dom = Identifier::parse(IdentifierKind::Domain, &format!("{label}.org")).unwrap();
            ix.insert(&row(&c, 1, &dom, Purposes::DEFAULT, subdomains));
            let now = veto_domain::now();
            let at = |d: &str| {
                let id = Identifier::parse(IdentifierKind::Email, &noisy(&format!("x@{d}"), mask, 0)).unwrap();
                check_live(&c, &ix, &[id], &OPTS, now).verdict
            };
            prop_assert_eq!(at(&format!("{label}.org")), Verdict::Block);
            prop_assert_eq!(at(&format!("{sub}.{label}.org")) == Verdict::Block, subdomains);
            prop_assert_eq!(at(&format!("{label}x.org")), Verdict::Allow);
        }
    }

    #[test]
    fn purposes_channels_and_expiry() {
        let c = ctx();
        let mut ix = TenantIndex::default();
        let a = Identifier::parse(IdentifierKind::Email, "a@x.com").unwrap();
        ix.insert(&row(&c, 1, &a, Purposes::MARKETING, false));
        let now = veto_domain::now();
        assert_eq!(
            check_live(&c, &ix, std::slice::from_ref(&a), &OPTS, now).verdict,
            Verdict::Allow
        );
        let mk = CheckOptions {
            purpose: Purpose::Marketing,
            ..OPTS
        };
        assert_eq!(
            check_live(&c, &ix, std::slice::from_ref(&a), &mk, now).verdict,
            Verdict::Block
        );
        let phone = CheckOptions {
            channel: Some(Channel::Phone),
            ..mk
        };
        assert_eq!(
            check_live(&c, &ix, std::slice::from_ref(&a), &phone, now).verdict,
            Verdict::Allow
        );
        let b = Identifier::parse(IdentifierKind::Email, "b@x.com").unwrap();
        let mut r = row(&c, 2, &b, Purposes::DEFAULT, false);
        r.expires_at = Some(now + time::Duration::seconds(10));
        ix.insert(&r);
        assert_eq!(
            check_live(&c, &ix, std::slice::from_ref(&b), &OPTS, now).verdict,
            Verdict::Block
        );
        let later = now + time::Duration::seconds(11);
        assert_eq!(
            check_live(&c, &ix, std::slice::from_ref(&b), &OPTS, later).verdict,
            Verdict::Allow
        );
    }
}
