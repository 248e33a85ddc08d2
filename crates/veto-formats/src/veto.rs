//! Veto's own export formats, `veto-csv` and `veto-jsonl`: every field of an entry that means
//! something outside the tenant's store, so an export read back gives the same entries.
//!
//! # Columns (CSV) and keys (JSON lines), in this order
//!
//! | column | value | required on input |
//! | --- | --- | --- |
//! | `id` | entry id (UUID) | no |
//! | `kind` | `email`, `phone`, `domain`, `company_id`, `contact_id` | no (e-mail) |
//! | `identifier` | normalised identifier; empty when erased or stored as hash only | `identifier` or `ident_hash` |
//! | `ident_hash` | keyed hash, 64 hex digits (only meaningful for the same tenant secret) | see above |
//! | `include_subdomains` | `true` / `false` | no (`false`) |
//! | `channel` | `email`, `phone`, `all` | no (the kind's channel) |
//! | `purposes` | CSV: `sales;marketing`, `all`, …; JSON: `["sales","marketing"]` | no (sales and marketing) |
//! | `reason` | `unsubscribe`, `stop_request`, … (Veto's reasons) | yes |
//! | `source` | `reply`, `unsubscribe_link`, … | no (`import`) |
//! | `evidence` | free text | no |
//! | `role_account` | `true` / `false` | no |
//! | `created_by` | `user:UUID`, `key:UUID/user:UUID`, `system:NAME` | no |
//! | `created_at`, `valid_from`, `expires_at` | RFC 3339, UTC, microseconds: `2024-05-01T12:00:00.000000Z` | no |
//! | `ended_kind`, `ended_at`, `ended_by`, `lift_id` | how the entry ended: `lifted`/`expired`, when, by whom, the approved lift | no; the first three together |
//! | `erased` | `true` when personal data was erased | no (`false`) |
//!
//! The tenant is not written: an export is imported into whichever tenant runs the import. In
//! CSV an empty `evidence` reads back as none; JSON lines keep the difference (`null` vs `""`).
//! On input, booleans also accept `1`/`0`/`yes`/`no`, dates any shape of
//! [`crate::timestamp`], and unknown columns or keys are ignored.

use std::borrow::Cow;
use std::io::{self, Write};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use veto_domain::actor::Actor;
use veto_domain::id::{EntryId, LiftId};
use veto_domain::identifier::IdentifierKind;
use veto_domain::suppression::{
    Channel, EndKind, Entry, EntryEnd, Purpose, Purposes, Reason, SourceChannel,
};

use crate::csvio::{Fields, Header, time};
use crate::timestamp::rfc3339_micros;
use crate::{Format, FormatError, Out, Record, RecordError, RowParser};

/// The `veto-csv` header, in writing order.
pub const CSV_COLUMNS: [&str; 20] = [
    "id",
    "kind",
    "identifier",
    "ident_hash",
    "include_subdomains",
    "channel",
    "purposes",
    "reason",
    "source",
    "evidence",
    "role_account",
    "created_by",
    "created_at",
    "valid_from",
    "expires_at",
    "ended_kind",
    "ended_at",
    "ended_by",
    "lift_id",
    "erased",
];

/// The purposes of an entry as text: `all`, or the purposes joined with `;`.
pub fn purposes_text(p: Purposes) -> String {
    if p == Purposes::ALL {
        return "all".into();
    }
    p.list()
        .iter()
        .map(|x| x.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// The raw values of one entry, from a CSV row or a JSON line.
#[derive(Default)]
struct Raw<'a> {
    id: &'a str,
    kind: &'a str,
    identifier: &'a str,
    ident_hash: &'a str,
    include_subdomains: &'a str,
    channel: &'a str,
    purposes: PurposesRaw<'a>,
    reason: &'a str,
    source: &'a str,
    evidence: Option<&'a str>,
    role_account: &'a str,
    created_by: &'a str,
    created_at: &'a str,
    valid_from: &'a str,
    expires_at: &'a str,
    ended_kind: &'a str,
    ended_at: &'a str,
    ended_by: &'a str,
    lift_id: &'a str,
    erased: &'a str,
    /// From a JSON line (keeps an empty evidence apart from none).
    json: bool,
}

#[derive(Default)]
enum PurposesRaw<'a> {
    #[default]
    Missing,
    Text(&'a str),
    List(&'a [Cow<'a, str>]),
}

fn bool_field(line: u64, name: &str, s: &str) -> Result<Option<bool>, RecordError> {
    let s = s.trim();
    const TRUE: &[&str] = &["true", "1", "yes", "y", "t"];
    const FALSE: &[&str] = &["false", "0", "no", "n", "f"];
    if s.is_empty() {
        Ok(None)
    } else if TRUE.iter().any(|t| t.eq_ignore_ascii_case(s)) {
        Ok(Some(true))
    } else if FALSE.iter().any(|f| f.eq_ignore_ascii_case(s)) {
        Ok(Some(false))
    } else {
        Err(RecordError::new(
            line,
            Some(name),
            format!("'{s}' is not true or false"),
        ))
    }
}

/// Purposes from text like `sales;marketing` or `all` (also `,`, `|` or spaces between).
fn purposes_from_text(line: u64, t: &str) -> Result<Purposes, RecordError> {
    let mut bits = 0u8;
    for p in t.split([';', ',', '|', ' ']).filter(|x| !x.is_empty()) {
        if p == "all" {
            bits |= Purposes::ALL.bits();
        } else {
            match Purpose::parse(p) {
                Some(p) => bits |= Purposes::of(p).bits(),
                None => {
                    return Err(RecordError::new(
                        line,
                        Some("purposes"),
                        format!("unknown purpose '{p}' (use {}, or all)", Purpose::choices()),
                    ));
                }
            }
        }
    }
    Purposes::from_bits(bits)
        .ok_or_else(|| RecordError::new(line, Some("purposes"), "at least one purpose is required"))
}

/// Is this an actor as `Actor`'s `Display` writes it?
fn is_actor(a: &str) -> bool {
    a.strip_prefix("system:").is_some_and(|n| !n.is_empty()) || Actor::parse(a).is_some()
}

fn closed<T>(
    line: u64,
    name: &str,
    s: &str,
    parse: impl Fn(&str) -> Option<T>,
    choices: impl Fn() -> String,
) -> Result<Option<T>, RecordError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    parse(s).map(Some).ok_or_else(|| {
        RecordError::new(
            line,
            Some(name),
            format!("unknown value '{s}' (use {})", choices()),
        )
    })
}

fn build(line: u64, r: &Raw<'_>) -> Result<Record, RecordError> {
    let kind = closed(line, "kind", r.kind, IdentifierKind::parse, || {
        IdentifierKind::ALL.map(|k| k.as_str()).join(", ")
    })?;
    let identifier = r.identifier.trim();
    if identifier.contains(['\n', '\r']) || identifier.chars().any(char::is_control) {
        return Err(RecordError::new(
            line,
            Some("identifier"),
            "contains a line break or control characters",
        ));
    }
    let ident_hash = match r.ident_hash.trim() {
        "" => None,
        h if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Some(h.to_ascii_lowercase())
        }
        _ => {
            return Err(RecordError::new(
                line,
                Some("ident_hash"),
                "not a keyed hash (64 hex digits)",
            ));
        }
    };
    if identifier.is_empty() && ident_hash.is_none() {
        return Err(RecordError::new(
            line,
            Some("identifier"),
            "neither an identifier nor an ident_hash",
        ));
    }
    let reason = closed(line, "reason", r.reason, Reason::parse, Reason::choices)?
        .ok_or_else(|| RecordError::new(line, Some("reason"), "no reason"))?;
    let source = closed(
        line,
        "source",
        r.source,
        SourceChannel::parse,
        SourceChannel::choices,
    )?
    .unwrap_or(SourceChannel::Import);
    let channel = closed(line, "channel", r.channel, Channel::parse, Channel::choices)?
        .unwrap_or_else(|| {
            kind.unwrap_or(IdentifierKind::Email)
                .natural_channel()
                .unwrap_or(Channel::All)
        });
    let purposes = match &r.purposes {
        PurposesRaw::Missing => Purposes::DEFAULT,
        PurposesRaw::Text(t) if t.trim().is_empty() => Purposes::DEFAULT,
        PurposesRaw::Text(t) => purposes_from_text(line, t)?,
        PurposesRaw::List(l) => {
            Purposes::parse_list(l).map_err(|m| RecordError::new(line, Some("purposes"), m))?
        }
    };
    let include_subdomains =
        bool_field(line, "include_subdomains", r.include_subdomains)?.unwrap_or(false);
    let role_account = bool_field(line, "role_account", r.role_account)?;
    let erased = bool_field(line, "erased", r.erased)?.unwrap_or(false);
    let created_by = match r.created_by.trim() {
        "" => None,
        a if is_actor(a) => Some(a.to_string()),
        a => {
            return Err(RecordError::new(
                line,
                Some("created_by"),
                format!("'{a}' is not an actor (user:UUID, key:UUID/user:UUID or system:NAME)"),
            ));
        }
    };
    let id = match r.id.trim() {
        "" => None,
        s => match EntryId::from_str(s) {
            // Kept as written when it already is the canonical form.
            Ok(_) if s.len() == 36 && !s.bytes().any(|b| b.is_ascii_uppercase()) => {
                Some(s.to_string())
            }
            Ok(id) => Some(id.to_string()),
            Err(_) => {
                return Err(RecordError::new(
                    line,
                    Some("id"),
                    format!("'{s}' is not a UUID"),
                ));
            }
        },
    };
    let created_at = time(line, "created_at", r.created_at)?;
    let valid_from = time(line, "valid_from", r.valid_from)?;
    let expires_at = time(line, "expires_at", r.expires_at)?;
    let ended = ended(line, r)?;
    Ok(Record {
        line,
        identifier: identifier.to_string(),
        kind,
        ident_hash,
        reason,
        source,
        channel,
        purposes,
        include_subdomains,
        created_at,
        valid_from,
        expires_at,
        ended,
        erased,
        evidence: r
            .evidence
            .filter(|e| r.json || !e.is_empty())
            .map(str::to_string),
        original_reason: None,
        role_account,
        created_by,
        id,
    })
}

fn ended(line: u64, r: &Raw<'_>) -> Result<Option<EntryEnd>, RecordError> {
    let (k, at, by, lift) = (
        r.ended_kind.trim(),
        r.ended_at.trim(),
        r.ended_by.trim(),
        r.lift_id.trim(),
    );
    if k.is_empty() && at.is_empty() && by.is_empty() && lift.is_empty() {
        return Ok(None);
    }
    let need = |v: &str, name: &str| {
        if v.is_empty() {
            Err(RecordError::new(
                line,
                Some(name),
                "missing: an ended entry needs ended_kind, ended_at and ended_by",
            ))
        } else {
            Ok(())
        }
    };
    need(k, "ended_kind")?;
    need(at, "ended_at")?;
    need(by, "ended_by")?;
    let kind = EndKind::parse(k).ok_or_else(|| {
        RecordError::new(
            line,
            Some("ended_kind"),
            format!("unknown value '{k}' (use lifted, expired)"),
        )
    })?;
    let at = time(line, "ended_at", at)?
        .ok_or_else(|| RecordError::new(line, Some("ended_at"), "missing"))?;
    let by = Actor::parse(by).ok_or_else(|| {
        RecordError::new(line, Some("ended_by"), format!("'{by}' is not an actor"))
    })?;
    let lift_id = match lift {
        "" => None,
        s => Some(LiftId::from_str(s).map_err(|_| {
            RecordError::new(line, Some("lift_id"), format!("'{s}' is not a UUID"))
        })?),
    };
    Ok(Some(EntryEnd {
        kind,
        at,
        by,
        lift_id,
    }))
}

struct CsvCols([Option<usize>; 20]);

/// The `veto-csv` row parser for this header.
pub(crate) fn csv_parser(h: &Header) -> Result<Box<dyn RowParser + Send>, FormatError> {
    let mut cols = [None; 20];
    for (i, name) in CSV_COLUMNS.iter().enumerate() {
        cols[i] = h.find(&[&crate::csvio::norm(name)]);
    }
    if cols[2].is_none() && cols[3].is_none() {
        h.require(Format::VetoCsv, "identifier", &["identifier"])?;
    }
    h.require(Format::VetoCsv, "reason", &["reason"])?;
    Ok(Box::new(CsvCols(cols)))
}

impl RowParser for CsvCols {
    fn parse(&self, line: u64, row: &csv::ByteRecord) -> Result<Option<Record>, RecordError> {
        let f = Fields::new(row);
        let mut v = [""; 20];
        for (i, slot) in v.iter_mut().enumerate() {
            *slot = f.get(self.0[i], line, CSV_COLUMNS[i])?;
        }
        let raw = Raw {
            id: v[0],
            kind: v[1],
            identifier: v[2],
            ident_hash: v[3],
            include_subdomains: v[4],
            channel: v[5],
            purposes: PurposesRaw::Text(v[6]),
            reason: v[7],
            source: v[8],
            evidence: Some(v[9]),
            role_account: v[10],
            created_by: v[11],
            created_at: v[12],
            valid_from: v[13],
            expires_at: v[14],
            ended_kind: v[15],
            ended_at: v[16],
            ended_by: v[17],
            lift_id: v[18],
            erased: v[19],
            json: false,
        };
        build(line, &raw).map(Some)
    }
}

/// One JSON line as written by [`write`]; every key optional on input.
#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonIn<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    identifier: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ident_hash: Option<Cow<'a, str>>,
    include_subdomains: Option<bool>,
    #[serde(borrow)]
    channel: Option<Cow<'a, str>>,
    #[serde(borrow)]
    purposes: Option<PurposesIn<'a>>,
    #[serde(borrow)]
    reason: Option<Cow<'a, str>>,
    #[serde(borrow)]
    source: Option<Cow<'a, str>>,
    #[serde(borrow)]
    evidence: Option<Cow<'a, str>>,
    role_account: Option<bool>,
    #[serde(borrow)]
    created_by: Option<Cow<'a, str>>,
    #[serde(borrow)]
    created_at: Option<Cow<'a, str>>,
    #[serde(borrow)]
    valid_from: Option<Cow<'a, str>>,
    #[serde(borrow)]
    expires_at: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ended_kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ended_at: Option<Cow<'a, str>>,
    #[serde(borrow)]
    ended_by: Option<Cow<'a, str>>,
    #[serde(borrow)]
    lift_id: Option<Cow<'a, str>>,
    erased: Option<bool>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum PurposesIn<'a> {
    #[serde(borrow)]
    List(Vec<Cow<'a, str>>),
    #[serde(borrow)]
    Text(Cow<'a, str>),
}

/// Reads `veto-jsonl` lines.
pub(crate) struct JsonlParser;

fn b(v: Option<bool>) -> &'static str {
    match v {
        None => "",
        Some(true) => "true",
        Some(false) => "false",
    }
}

impl JsonlParser {
    pub(crate) fn parse_line(
        &self,
        line: u64,
        bytes: &[u8],
    ) -> Result<Option<Record>, RecordError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let j: JsonIn<'_> = serde_json::from_slice(bytes)
            .map_err(|e| RecordError::new(line, None, format!("not a JSON entry: {e}")))?;
        fn s<'x>(o: &'x Option<Cow<'_, str>>) -> &'x str {
            o.as_deref().unwrap_or("")
        }
        let purposes = match &j.purposes {
            None => PurposesRaw::Missing,
            Some(PurposesIn::List(l)) => PurposesRaw::List(l),
            Some(PurposesIn::Text(t)) => PurposesRaw::Text(t),
        };
        let raw = Raw {
            id: s(&j.id),
            kind: s(&j.kind),
            identifier: s(&j.identifier),
            ident_hash: s(&j.ident_hash),
            include_subdomains: b(j.include_subdomains),
            channel: s(&j.channel),
            purposes,
            reason: s(&j.reason),
            source: s(&j.source),
            evidence: j.evidence.as_deref(),
            role_account: b(j.role_account),
            created_by: s(&j.created_by),
            created_at: s(&j.created_at),
            valid_from: s(&j.valid_from),
            expires_at: s(&j.expires_at),
            ended_kind: s(&j.ended_kind),
            ended_at: s(&j.ended_at),
            ended_by: s(&j.ended_by),
            lift_id: s(&j.lift_id),
            erased: b(j.erased),
            json: true,
        };
        build(line, &raw).map(Some)
    }
}

#[derive(Serialize)]
struct JsonOut<'a> {
    id: String,
    kind: &'a str,
    identifier: Option<&'a str>,
    ident_hash: String,
    include_subdomains: bool,
    channel: &'a str,
    purposes: Purposes,
    reason: &'a str,
    source: &'a str,
    evidence: Option<&'a str>,
    role_account: bool,
    created_by: String,
    created_at: String,
    valid_from: String,
    expires_at: Option<String>,
    ended_kind: Option<&'a str>,
    ended_at: Option<String>,
    ended_by: Option<String>,
    lift_id: Option<String>,
    erased: bool,
}

/// Writes one entry in `veto-csv` or `veto-jsonl`; every entry is written.
pub(crate) fn write<W: Write>(out: &mut Out<W>, e: &Entry) -> io::Result<bool> {
    let end = e.ended.as_ref();
    let j = JsonOut {
        id: e.id.to_string(),
        kind: e.kind.as_str(),
        identifier: e.identifier.as_ref().map(|i| i.value()),
        ident_hash: e.ident_hash.to_hex(),
        include_subdomains: e.include_subdomains,
        channel: e.channel.as_str(),
        purposes: e.purposes,
        reason: e.reason.as_str(),
        source: e.source.as_str(),
        evidence: e.evidence.as_deref(),
        role_account: e.role_account,
        created_by: e.created_by.to_string(),
        created_at: rfc3339_micros(e.created_at),
        valid_from: rfc3339_micros(e.valid_from),
        expires_at: e.expires_at.map(rfc3339_micros),
        ended_kind: end.map(|x| x.kind.as_str()),
        ended_at: end.map(|x| rfc3339_micros(x.at)),
        ended_by: end.map(|x| x.by.to_string()),
        lift_id: end.and_then(|x| x.lift_id).map(|l| l.to_string()),
        erased: e.erased,
    };
    match out {
        Out::Json { .. } => out.json(&j, true)?,
        Out::Csv(_) => {
            let tf = |v: bool| if v { "true" } else { "false" };
            let purposes = purposes_text(j.purposes);
            out.row([
                j.id.as_str(),
                j.kind,
                j.identifier.unwrap_or(""),
                j.ident_hash.as_str(),
                tf(j.include_subdomains),
                j.channel,
                purposes.as_str(),
                j.reason,
                j.source,
                j.evidence.unwrap_or(""),
                tf(j.role_account),
                j.created_by.as_str(),
                j.created_at.as_str(),
                j.valid_from.as_str(),
                j.expires_at.as_deref().unwrap_or(""),
                j.ended_kind.unwrap_or(""),
                j.ended_at.as_deref().unwrap_or(""),
                j.ended_by.as_deref().unwrap_or(""),
                j.lift_id.as_deref().unwrap_or(""),
                tf(j.erased),
            ])?;
        }
    }
    Ok(true)
}
