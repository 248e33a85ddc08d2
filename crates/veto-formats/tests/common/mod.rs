//! Entries and helpers shared by the tests.
#![allow(dead_code)]

use std::path::PathBuf;

use time::macros::datetime;
use veto_domain::Timestamp;
use veto_domain::actor::Actor;
use veto_domain::id::{ApiKeyId, EntryId, LiftId, TenantId, UserId};
use veto_domain::identifier::{Identifier, IdentifierKind};
use veto_domain::keyed_hash::{IdentHash, IdentifierHasher, TenantSecret};
use veto_domain::suppression::{
    Channel, EndKind, Entry, EntryEnd, Purposes, Reason, SourceChannel,
};
use veto_formats::{Format, Record, RecordError};

pub fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Reads everything; the format found and the results.
pub fn read_all(format: Format, bytes: &[u8]) -> (Format, Vec<Result<Record, RecordError>>) {
    let r = veto_formats::reader(format, bytes).unwrap_or_else(|e| panic!("{format}: {e}"));
    let f = r.format();
    (f, r.collect())
}

pub fn ok(results: &[Result<Record, RecordError>]) -> Vec<&Record> {
    results.iter().filter_map(|r| r.as_ref().ok()).collect()
}

pub fn errs(results: &[Result<Record, RecordError>]) -> Vec<&RecordError> {
    results.iter().filter_map(|r| r.as_ref().err()).collect()
}

pub fn hasher() -> IdentifierHasher {
    IdentifierHasher::new(&TenantSecret([7; 32]))
}

/// An entry with every field set to something non-default.
pub fn entry(tenant: TenantId, kind: IdentifierKind, value: &str, reason: Reason, n: u32) -> Entry {
    let id = Identifier::parse(kind, value).unwrap();
    let h = hasher().hash(&id);
    let created: Timestamp =
        datetime!(2024-03-01 10:20:30.123456 UTC) + time::Duration::seconds(i64::from(n) * 3671);
    Entry {
        id: EntryId::new(),
        tenant_id: tenant,
        kind,
        identifier: Some(id),
        ident_hash: h,
        include_subdomains: false,
        channel: kind.natural_channel().unwrap_or(Channel::All),
        purposes: Purposes::DEFAULT,
        reason,
        source: SourceChannel::Api,
        evidence: Some(format!("said \"stop\", twice\nticket #{n}")),
        role_account: n.is_multiple_of(2),
        created_by: Actor::User(UserId::new()),
        created_at: created,
        valid_from: created + time::Duration::microseconds(7),
        expires_at: None,
        ended: None,
        erased: false,
    }
}

/// One e-mail entry per reason, plus entries vendor formats cannot carry.
pub fn sample(tenant: TenantId) -> Vec<Entry> {
    let mut v = Vec::new();
    for (i, r) in Reason::ALL.iter().enumerate() {
        v.push(entry(
            tenant,
            IdentifierKind::Email,
            &format!("Person.{i}+tag@Example.COM"),
            *r,
            i as u32,
        ));
    }
    // A phone number for all purposes with an expiry, created through an API key.
    let mut p = entry(
        tenant,
        IdentifierKind::Phone,
        "+1 415 555 0123",
        Reason::StopRequest,
        20,
    );
    p.purposes = Purposes::ALL;
    p.source = SourceChannel::Call;
    p.expires_at = Some(datetime!(2030-01-01 00:00:00.000001 UTC));
    p.created_by = Actor::Key {
        key: ApiKeyId::new(),
        user: UserId::new(),
    };
    v.push(p);
    // A domain with subdomains, lifted.
    let mut d = entry(
        tenant,
        IdentifierKind::Domain,
        "Example.NET",
        Reason::LegalRequest,
        21,
    );
    d.include_subdomains = true;
    d.channel = Channel::Email;
    d.ended = Some(EntryEnd {
        kind: EndKind::Lifted,
        at: datetime!(2025-06-01 12:00:00.5 UTC),
        by: Actor::User(UserId::new()),
        lift_id: Some(LiftId::new()),
    });
    v.push(d);
    // A company id, expired by the system.
    let mut c = entry(
        tenant,
        IdentifierKind::CompanyId,
        "001Ab,\"x\"",
        Reason::Manual,
        22,
    );
    c.purposes = Purposes::SALES;
    c.evidence = None;
    c.ended = Some(EntryEnd {
        kind: EndKind::Expired,
        at: datetime!(2026-01-01 00:00:00 UTC),
        by: Actor::system("expiry"),
        lift_id: None,
    });
    v.push(c);
    // A contact id, for marketing only.
    let mut k = entry(
        tenant,
        IdentifierKind::ContactId,
        "003XYZ",
        Reason::WrongPerson,
        23,
    );
    k.purposes = Purposes::from_bits(2 | 4).unwrap();
    v.push(k);
    // An erased person: hash only.
    let mut e = entry(
        tenant,
        IdentifierKind::Email,
        "erased@example.com",
        Reason::Complaint,
        24,
    );
    e.identifier = None;
    e.evidence = None;
    e.erased = true;
    v.push(e);
    v
}

pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Rebuilds the entry a Veto-format record describes.
pub fn to_entry(r: &Record, tenant: TenantId) -> Entry {
    let kind = r.kind.unwrap_or(IdentifierKind::Email);
    Entry {
        id: r.id.as_deref().unwrap().parse().unwrap(),
        tenant_id: tenant,
        kind,
        identifier: (!r.identifier.is_empty())
            .then(|| Identifier::parse(kind, &r.identifier).unwrap()),
        ident_hash: IdentHash::from_slice(&unhex(r.ident_hash.as_deref().unwrap())).unwrap(),
        include_subdomains: r.include_subdomains,
        channel: r.channel,
        purposes: r.purposes,
        reason: r.reason,
        source: r.source,
        evidence: r.evidence.clone(),
        role_account: r.role_account.unwrap(),
        created_by: Actor::parse(r.created_by.as_deref().unwrap()).unwrap(),
        created_at: r.created_at.unwrap(),
        valid_from: r.valid_from.unwrap(),
        expires_at: r.expires_at,
        ended: r.ended.clone(),
        erased: r.erased,
    }
}

pub fn export(format: Format, entries: &[Entry]) -> (Vec<u8>, veto_formats::ExportCounts) {
    let mut buf = Vec::new();
    let mut w = veto_formats::writer(format, &mut buf).unwrap();
    for e in entries {
        w.write(e).unwrap();
    }
    let counts = w.finish().unwrap();
    (buf, counts)
}
