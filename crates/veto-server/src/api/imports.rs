//! `/v1/imports`, `/v1/exports`, `/v1/contacts`: lead files through the import gate, suppression
//! lists in and out, the recorded imports with their per-row reports, and the contacts.
//!
//! Uploads are the raw file as the request body (`text/csv` or anything else; the file is
//! never read whole into memory). With `Accept: application/x-ndjson` the answer streams one
//! `{"progress": …}` line per processed batch and ends with `{"import": …}` (or `{"error": …}`);
//! otherwise it is the import as one JSON object once the file is done.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use veto_domain::contact::Contact;
use veto_domain::id::{ContactId, ImportId};
use veto_domain::import::ImportRecord;
use veto_domain::role::Action;
use veto_domain::suppression::Reason;
use veto_formats::Format;
use veto_store::PageRequest;

use super::dto::ListDto;
use super::params;
use crate::auth::Auth;
use crate::error::{ApiError, ApiQuery};
use crate::imports::report::{self, ReportFormat};
use crate::imports::{leads, migration, spool};
use crate::state::AppState;

/// A recorded import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportDto {
    pub id: String,
    /// leads | suppressions
    pub kind: String,
    pub file_name: Option<String>,
    pub file_sha256: String,
    pub file_bytes: u64,
    pub format: Option<String>,
    /// Encoding, delimiter, column mapping and other options the run used.
    #[schema(value_type = Object)]
    pub options: serde_json::Value,
    /// Row counts per outcome.
    #[schema(value_type = Object)]
    pub counts: veto_domain::import::ImportCounts,
    pub started_by: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Where to download the per-row report (add `?format=csv|json|ndjson`).
    pub report: String,
}

impl ImportDto {
    pub fn of(r: &ImportRecord) -> Self {
        Self {
            id: r.id.to_string(),
            kind: r.kind.as_str().to_string(),
            file_name: r.file_name.clone(),
            file_sha256: r.file_sha256.clone(),
            file_bytes: r.file_bytes,
            format: r.format.clone(),
            options: r.options.clone(),
            counts: r.counts,
            started_by: r.started_by.to_string(),
            started_at: veto_domain::rfc3339(r.started_at),
            finished_at: r.finished_at.map(veto_domain::rfc3339),
            report: format!("/v1/imports/{}/report", r.id),
        }
    }
}

/// A contact.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDto {
    pub id: String,
    pub emails: Vec<String>,
    pub phone: Option<String>,
    pub name: Option<String>,
    pub company_id: Option<String>,
    pub company_name: Option<String>,
    pub owner: Option<String>,
    pub source_id: Option<String>,
    pub custom: BTreeMap<String, String>,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
    pub last_import: Option<String>,
}

impl ContactDto {
    pub fn of(c: &Contact) -> Self {
        Self {
            id: c.id.to_string(),
            emails: c.emails.iter().map(|e| e.to_string()).collect(),
            phone: c.phone.clone(),
            name: c.name.clone(),
            company_id: c.company_id.clone(),
            company_name: c.company_name.clone(),
            owner: c.owner.clone(),
            source_id: c.source_id.clone(),
            custom: c.custom.clone(),
            created_at: veto_domain::rfc3339(c.created_at),
            created_by: c.created_by.to_string(),
            updated_at: veto_domain::rfc3339(c.updated_at),
            updated_by: c.updated_by.to_string(),
            last_import: c.last_import.map(|i| i.to_string()),
        }
    }
}

/// Options of a lead import (query string; `map` may be repeated).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadImportQuery {
    /// The file's name on the uploader's side (recorded with the import).
    pub file_name: Option<String>,
    /// utf-8 | windows-1252 | latin-1 | utf-16le | utf-16be (default: detected).
    pub encoding: Option<String>,
    /// `,` `;` `tab` `|` (default: detected).
    pub delimiter: Option<String>,
    /// A column mapping `field=Header` (email, email2, phone, name, first_name, last_name,
    /// company_id, company_name, owner, source_id, dnc, ignore); repeat for several.
    pub map: Option<String>,
    /// Comma-separated values that mean "do not contact" in the DNC column
    /// (default: true, yes, y, 1, x …).
    pub dnc_values: Option<String>,
    /// The reason given to suppressions of the DNC column (default unsubscribe).
    pub dnc_reason: Option<String>,
    /// Region for phone numbers without a country code (ISO 3166 alpha-2, e.g. DE).
    pub phone_region: Option<String>,
}

fn query_pairs(raw: &Option<String>) -> Vec<(String, String)> {
    raw.as_deref()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

fn one(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

const LEAD_KEYS: &[&str] = &[
    "file_name",
    "encoding",
    "delimiter",
    "map",
    "dnc_values",
    "dnc_reason",
    "phone_region",
];

fn lead_request(raw: &Option<String>) -> Result<leads::LeadImportRequest, ApiError> {
    let pairs = query_pairs(raw);
    if let Some((k, _)) = pairs.iter().find(|(k, _)| !LEAD_KEYS.contains(&k.as_str())) {
        return Err(ApiError::invalid(
            k,
            format!("unknown option '{k}' (use {})", LEAD_KEYS.join(", ")),
        ));
    }
    let mut read = veto_leads::ReadOptions::default();
    if let Some(e) = one(&pairs, "encoding") {
        read.encoding = Some(veto_leads::parse_encoding(&e).ok_or_else(|| {
            ApiError::invalid(
                "encoding",
                format!("encoding: unknown encoding '{e}' (use utf-8, windows-1252, latin-1, utf-16le or utf-16be)"),
            )
        })?);
    }
    if let Some(d) = one(&pairs, "delimiter") {
        read.delimiter = Some(veto_leads::parse_delimiter(&d).ok_or_else(|| {
            ApiError::invalid(
                "delimiter",
                format!("delimiter: '{d}' is not a delimiter (use , ; tab or |)"),
            )
        })?);
    }
    for (_, m) in pairs.iter().filter(|(k, _)| k == "map") {
        read.apply_mapping_arg(m)
            .map_err(|e| ApiError::invalid("map", format!("map: {e}")))?;
    }
    if let Some(v) = one(&pairs, "dnc_values") {
        read.dnc_true_values = Some(
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        );
    }
    read.default_phone_region = one(&pairs, "phone_region");
    let dnc_reason = one(&pairs, "dnc_reason")
        .map(|r| params::choice("dnc_reason", &r, Reason::parse, &Reason::choices()))
        .transpose()?;
    Ok(leads::LeadImportRequest {
        file_name: one(&pairs, "file_name").filter(|s| !s.trim().is_empty()),
        read,
        dnc_reason,
    })
}

fn wants_progress(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/x-ndjson"))
}

type Tx = tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>;

fn ndjson_line(v: serde_json::Value) -> Result<Bytes, std::io::Error> {
    let mut s = v.to_string();
    s.push('\n');
    Ok(Bytes::from(s))
}

fn ndjson_response(rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>) -> Response {
    let mut rx = rx;
    let stream = futures::stream::poll_fn(move |cx| rx.poll_recv(cx));
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response()
}

fn error_line(e: &ApiError) -> serde_json::Value {
    serde_json::json!({"error": {"code": e.code, "message": e.message, "field": e.field}})
}

/// Runs an import with progress lines streamed to the client.
async fn stream_progress<P, F>(tx: Tx, mut progress: tokio::sync::mpsc::Receiver<P>, job: F)
where
    P: Serialize,
    F: std::future::Future<Output = Result<ImportRecord, ApiError>>,
{
    tokio::pin!(job);
    let done = loop {
        tokio::select! {
            r = &mut job => break r,
            Some(p) = progress.recv() => {
                let _ = tx.send(ndjson_line(serde_json::json!({"progress": p}))).await;
            }
        }
    };
    let line = match done {
        Ok(r) => serde_json::json!({"import": ImportDto::of(&r)}),
        Err(e) => error_line(&e),
    };
    let _ = tx.send(ndjson_line(line)).await;
}

/// Imports a lead file through the gate.
#[utoipa::path(post, path = "/v1/imports/leads", tag = "imports", params(LeadImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses((status = 201, body = ImportDto), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn import_leads(
    State(state): State<AppState>,
    Auth(caller): Auth,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    caller.require(Action::ImportLeads)?;
    let req = lead_request(&raw)?;
    let ctx = state.tenant(caller.tenant_id).await?;
    let spooled = spool::spool(body).await?;
    let actor = caller.actor();
    if !wants_progress(&headers) {
        let r = leads::run(&state, ctx, actor, spooled, req, None).await?;
        return Ok((StatusCode::CREATED, Json(ImportDto::of(&r))).into_response());
    }
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    let (ptx, prx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        let job = leads::run(&state, ctx, actor, spooled, req, Some(ptx));
        stream_progress(tx, prx, job).await;
    });
    Ok(ndjson_response(rx))
}

/// Options of a suppression import.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SuppressionImportQuery {
    /// veto-csv | veto-jsonl | ses | sendgrid[-bounces|-spam-reports|-global-unsubscribes|-group-unsubscribes] | mailgun[-bounces|-complaints|-unsubscribes] | postmark | mailchimp[-unsubscribed|-cleaned] | listmonk
    pub format: String,
    pub file_name: Option<String>,
}

fn format_param(v: &str) -> Result<Format, ApiError> {
    Format::parse(v).map_err(|m| ApiError::invalid("format", m))
}

/// Imports another provider's suppression list (or our own export).
#[utoipa::path(post, path = "/v1/imports/suppressions", tag = "imports", params(SuppressionImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The export file"),
    responses((status = 201, body = ImportDto), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn import_suppressions(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<SuppressionImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    caller.require(Action::ImportSuppressions)?;
    let format = format_param(&q.format)?;
    let ctx = state.tenant(caller.tenant_id).await?;
    let spooled = spool::spool(body).await?;
    let actor = caller.actor();
    let file_name = q.file_name.filter(|s| !s.trim().is_empty());
    if !wants_progress(&headers) {
        let r = migration::run(&state, ctx, actor, spooled, format, file_name, None).await?;
        return Ok((StatusCode::CREATED, Json(ImportDto::of(&r))).into_response());
    }
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    let (ptx, prx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        let job = migration::run(&state, ctx, actor, spooled, format, file_name, Some(ptx));
        stream_progress(tx, prx, job).await;
    });
    Ok(ndjson_response(rx))
}

/// Options of an export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// Any import format that can be written (see `POST /v1/imports/suppressions`).
    pub format: String,
    /// The entries in force at this moment (RFC 3339; default now).
    pub as_of: Option<String>,
}

/// Exports the suppressions in force (now or as of a moment) in a format.
#[utoipa::path(get, path = "/v1/exports/suppressions", tag = "imports", params(ExportQuery),
    responses((status = 200, description = "The file, streamed"), (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn export_suppressions(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    caller.require(Action::ExportSuppressions)?;
    let format = format_param(&q.format)?;
    if !format.can_export() {
        return Err(ApiError::invalid(
            "format",
            format!("format: {} can be imported but not written", format.name()),
        ));
    }
    let as_of = params::timestamp("as_of", q.as_of.as_deref())?;
    let ctx = state.tenant(caller.tenant_id).await?;
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let actor = caller.actor();
    let err_tx = tx.clone();
    tokio::spawn(async move {
        if let Err(e) = migration::export(state, ctx, actor, format, as_of, tx).await {
            // The body has started: the only way left to say it failed is to break it.
            let _ = err_tx.send(Err(std::io::Error::other(e.message))).await;
        }
    });
    let content_type = if format.name().ends_with("jsonl") {
        "application/x-ndjson"
    } else if format.name() == "ses" {
        "application/json"
    } else {
        "text/csv; charset=utf-8"
    };
    let mut rx = rx;
    let stream = futures::stream::poll_fn(move |cx| rx.poll_recv(cx));
    Ok((
        [(header::CONTENT_TYPE, content_type)],
        Body::from_stream(stream),
    )
        .into_response())
}

/// Paging of lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Lists imports, newest first.
#[utoipa::path(get, path = "/v1/imports", tag = "imports", params(PageQuery),
    responses((status = 200, body = ListDto<ImportDto>)), security(("bearer" = [])))]
pub async fn list_imports(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<ListDto<ImportDto>>, ApiError> {
    caller.require(Action::ImportLeads)?;
    let after = q
        .cursor
        .as_deref()
        .map(|c| params::id::<ImportId>("cursor", c))
        .transpose()?;
    let page = state
        .store()
        .list_imports(
            caller.tenant_id,
            PageRequest {
                after,
                limit: params::limit(q.limit)?,
            },
        )
        .await?;
    Ok(Json(ListDto {
        items: page.items.iter().map(ImportDto::of).collect(),
        next_cursor: page.next.map(|c| c.to_string()),
    }))
}

/// One import with its counts.
#[utoipa::path(get, path = "/v1/imports/{id}", tag = "imports",
    responses((status = 200, body = ImportDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_import(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<ImportDto>, ApiError> {
    caller.require(Action::ImportLeads)?;
    let id: ImportId = params::path_id("import", &id)?;
    let r = state.store().get_import(caller.tenant_id, id).await?;
    Ok(Json(ImportDto::of(&r)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// csv (default) | json | ndjson
    pub format: Option<String>,
}

/// The per-row report of an import.
#[utoipa::path(get, path = "/v1/imports/{id}/report", tag = "imports", params(ReportQuery),
    responses((status = 200, description = "The report, streamed"), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn import_report(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, ApiError> {
    caller.require(Action::ImportLeads)?;
    let id: ImportId = params::path_id("import", &id)?;
    let format = params::opt_choice(
        "format",
        q.format.as_deref(),
        ReportFormat::parse,
        "csv, json, ndjson",
    )?
    .unwrap_or(ReportFormat::Csv);
    let tenant = caller.tenant_id;
    // 404 before the body starts.
    let record = state.store().get_import(tenant, id).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let store = state.store().clone();
    tokio::spawn(async move {
        let mut n = 0u32;
        let mut empty = true;
        loop {
            let chunk = match store.import_report_chunk(tenant, record.id, n).await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                    return;
                }
            };
            let rendered = report::decode_chunk(&chunk).and_then(|rows| {
                let out = report::render(&rows, format, empty);
                if !rows.is_empty() {
                    empty = false;
                }
                out
            });
            match rendered {
                Ok(bytes) => {
                    if tx.send(Ok(Bytes::from(bytes))).await.is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(std::io::Error::other(e))).await;
                    return;
                }
            }
            n += 1;
        }
        let end = report::render_end(format, empty);
        if !end.is_empty() {
            let _ = tx.send(Ok(Bytes::from(end))).await;
        }
    });
    let mut rx = rx;
    let stream = futures::stream::poll_fn(move |cx| rx.poll_recv(cx));
    let name = format!(
        "attachment; filename=\"import-{id}-report.{}\"",
        match format {
            ReportFormat::Csv => "csv",
            ReportFormat::Json => "json",
            ReportFormat::Ndjson => "ndjson",
        }
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ContactQuery {
    /// The contact holding this address (normalised before matching).
    pub email: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Lists contacts, newest first, or finds the contact of an address.
#[utoipa::path(get, path = "/v1/contacts", tag = "imports", params(ContactQuery),
    responses((status = 200, body = ListDto<ContactDto>)), security(("bearer" = [])))]
pub async fn list_contacts(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<ContactQuery>,
) -> Result<Json<ListDto<ContactDto>>, ApiError> {
    caller.require(Action::ReadContacts)?;
    if let Some(e) = q.email.as_deref() {
        let email = veto_domain::email::EmailAddress::parse(e)
            .map_err(|err| ApiError::invalid("email", format!("email: {err}")))?;
        let c = state
            .store()
            .contact_by_email(caller.tenant_id, email.as_str())
            .await?;
        return Ok(Json(ListDto {
            items: c.iter().map(ContactDto::of).collect(),
            next_cursor: None,
        }));
    }
    let after = q
        .cursor
        .as_deref()
        .map(|c| params::id::<ContactId>("cursor", c))
        .transpose()?;
    let page = state
        .store()
        .list_contacts(
            caller.tenant_id,
            PageRequest {
                after,
                limit: params::limit(q.limit)?,
            },
        )
        .await?;
    Ok(Json(ListDto {
        items: page.items.iter().map(ContactDto::of).collect(),
        next_cursor: page.next.map(|c| c.to_string()),
    }))
}

/// One contact.
#[utoipa::path(get, path = "/v1/contacts/{id}", tag = "imports",
    responses((status = 200, body = ContactDto), (status = 404, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_contact(
    State(state): State<AppState>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> Result<Json<ContactDto>, ApiError> {
    caller.require(Action::ReadContacts)?;
    let id: ContactId = params::path_id("contact", &id)?;
    let c = state.store().get_contact(caller.tenant_id, id).await?;
    Ok(Json(ContactDto::of(&c)))
}
