//! `/v1/check`: single (GET), batch (POST, JSON) and bulk (POST, streamed lines in, NDJSON out).

use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use veto_domain::identifier::{Identifier, IdentifierInput, IdentifierKind};
use veto_domain::role::Action;
use veto_domain::suppression::{Channel, Purpose};
use veto_domain::verdict::Verdict;

use super::dto::{CheckResultDto, CheckSummary, IdentifierDto};
use super::params;
use crate::auth::Auth;
use crate::check::{CheckOptions, Outcome, check_item, check_live};
use crate::error::{ApiError, ApiJson, ApiQuery};
use crate::state::{AppState, TenantCtx};

fn options(
    purpose: Option<&str>,
    channel: Option<&str>,
    as_of: Option<&str>,
) -> Result<CheckOptions, ApiError> {
    Ok(CheckOptions {
        purpose: params::opt_choice("purpose", purpose, Purpose::parse, &Purpose::choices())?
            .unwrap_or(Purpose::Sales),
        channel: params::opt_choice("channel", channel, Channel::parse, &Channel::choices())?,
        as_of: params::timestamp("as_of", as_of)?,
    })
}

/// A single check.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckQuery {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub domain: Option<String>,
    pub company_id: Option<String>,
    pub contact_id: Option<String>,
    /// sales (default) | marketing | operational
    pub purpose: Option<String>,
    /// email | phone | all; default: the identifier's own channel
    pub channel: Option<String>,
    /// Check as of this moment (RFC 3339) instead of now.
    pub as_of: Option<String>,
    /// The contact attempt this check gates (send | enroll | import | call | other): a block
    /// is then recorded in the audit log.
    pub attempt: Option<String>,
    /// The caller's reference for the attempt.
    pub reference: Option<String>,
}

fn parse_item(
    input: &IdentifierInput,
    opts: &CheckOptions,
) -> Result<Vec<Identifier>, Box<Outcome>> {
    input
        .parse_all()
        .map_err(|e| Box::new(Outcome::invalid(e.field(), e.to_string(), opts)))
}

async fn run_one(
    state: &AppState,
    ctx: &TenantCtx,
    input: &IdentifierInput,
    opts: &CheckOptions,
) -> Result<Outcome, ApiError> {
    Ok(match parse_item(input, opts) {
        Ok(ids) => check_item(state, ctx, &ids, opts).await?,
        Err(o) => *o,
    })
}

fn record(o: &Outcome) {
    metrics::counter!("veto_checks_total", "verdict" => super::dto::verdict_str(o.verdict))
        .increment(1);
}

#[utoipa::path(get, path = "/v1/check", tag = "check", params(CheckQuery),
    responses((status = 200, description = "The result; an invalid input answers verdict=invalid", body = CheckResultDto)),
    security(("bearer" = [])))]
pub async fn single(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<CheckQuery>,
) -> Result<Json<CheckResultDto>, ApiError> {
    caller.require(Action::Check)?;
    let ctx = state.tenant(caller.tenant_id).await?;
    let opts = options(
        q.purpose.as_deref(),
        q.channel.as_deref(),
        q.as_of.as_deref(),
    )?;
    let input = IdentifierInput {
        email: q.email,
        phone: q.phone,
        domain: q.domain,
        company_id: q.company_id,
        contact_id: q.contact_id,
    };
    let attempt = q.attempt.map(|kind| Attempt {
        kind,
        reference: q.reference,
    });
    if let Some(a) = &attempt {
        attempt_kind(a)?;
    }
    let o = run_one(&state, &ctx, &input, &opts).await?;
    record(&o);
    if let Some(a) = &attempt {
        record_attempt(&state, &caller, &ctx, a, &o).await?;
    }
    let echo = serde_json::to_value(IdentifierDto::from(&input)).unwrap_or_default();
    Ok(Json(CheckResultDto::of(echo, &o, None)))
}

/// A batch check.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchCheck {
    /// sales (default) | marketing | operational
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub as_of: Option<String>,
    /// Each item is an object with one or more of email, phone, domain, company_id, contact_id
    /// (several fields = one person: blocked if any is). A malformed item is reported, not fatal.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<serde_json::Value>,
    /// Return only blocked and invalid items (each with its `index`).
    #[serde(default)]
    pub only_blocked: bool,
    /// When the check gates a real contact attempt, say which: each blocked item is then
    /// recorded in the audit log as a blocked attempt.
    #[serde(default)]
    pub attempt: Option<Attempt>,
}

/// A contact attempt the check gates.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    /// send | enroll | import | call | other
    pub kind: String,
    /// The caller's reference (campaign, sequence, message or import id).
    #[serde(default)]
    pub reference: Option<String>,
}

const ATTEMPT_KINDS: [&str; 5] = ["send", "enroll", "import", "call", "other"];

fn attempt_kind(a: &Attempt) -> Result<(), ApiError> {
    if ATTEMPT_KINDS.contains(&a.kind.as_str()) {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "attempt.kind",
            format!(
                "attempt.kind: unknown value '{}' (use one of: {})",
                a.kind,
                ATTEMPT_KINDS.join(", ")
            ),
        ))
    }
}

/// Records a blocked attempt: which entries blocked it, never the clear identifier.
async fn record_attempt(
    state: &AppState,
    caller: &crate::auth::Caller,
    ctx: &TenantCtx,
    a: &Attempt,
    o: &Outcome,
) -> Result<(), ApiError> {
    if o.verdict != Verdict::Block {
        return Ok(());
    }
    let hash = o
        .normalized
        .as_deref()
        .and_then(|n| o.matches.first().map(|m| ctx.hasher.hash_value(m.kind, n)));
    let draft = veto_domain::audit::AuditDraft::new(
        &caller.actor(),
        veto_domain::audit::actions::ATTEMPT_BLOCKED,
        o.matches.first().map(|m| m.entry_id.to_string()),
        serde_json::json!({
            "attempt": a.kind,
            "reference": a.reference,
            "entry_ids": o.matches.iter().map(|m| m.entry_id.to_string()).collect::<Vec<_>>(),
            "reasons": o.matches.iter().map(|m| m.reason.as_str()).collect::<Vec<_>>(),
            "ident_hash": hash.map(|h| h.to_hex()[..16].to_string()),
        }),
    );
    state.store().append_audit(caller.tenant_id, draft).await?;
    metrics::counter!("veto_blocked_attempts_total", "attempt" => a.kind.clone()).increment(1);
    Ok(())
}

/// The answer of a batch check.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    pub results: Vec<CheckResultDto>,
    pub summary: CheckSummary,
}

/// Largest batch in one JSON request; bigger sets go through `/v1/check/bulk`.
pub const MAX_BATCH: usize = 100_000;

#[utoipa::path(post, path = "/v1/check", tag = "check", request_body = BatchCheck,
    responses((status = 200, body = BatchResult), (status = 422, body = crate::error::ErrorBody)), security(("bearer" = [])))]
pub async fn batch(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiJson(req): ApiJson<BatchCheck>,
) -> Result<Json<BatchResult>, ApiError> {
    caller.require(Action::Check)?;
    if req.items.len() > MAX_BATCH {
        return Err(ApiError::invalid(
            "items",
            format!("at most {MAX_BATCH} items per request; use POST /v1/check/bulk for more"),
        ));
    }
    if let Some(a) = &req.attempt {
        attempt_kind(a)?;
    }
    let ctx = state.tenant(caller.tenant_id).await?;
    let opts = options(
        req.purpose.as_deref(),
        req.channel.as_deref(),
        req.as_of.as_deref(),
    )?;
    let inputs: Vec<Result<IdentifierInput, Box<Outcome>>> = req
        .items
        .iter()
        .map(|v| {
            serde_json::from_value::<IdentifierInput>(v.clone()).map_err(|e| {
                Box::new(Outcome::invalid(
                    "item",
                    format!("not an identifier object: {e}"),
                    &opts,
                ))
            })
        })
        .collect();
    let outcomes: Vec<Outcome> = if opts.as_of.is_some() {
        let mut out = Vec::with_capacity(inputs.len());
        for i in &inputs {
            out.push(match i {
                Ok(input) => run_one(&state, &ctx, input, &opts).await?,
                Err(o) => (**o).clone(),
            });
        }
        out
    } else {
        let ix = state
            .index(ctx.tenant.id)
            .ok_or_else(|| ApiError::internal("tenant index not loaded"))?;
        let ctx2 = ctx.clone();
        tokio::task::spawn_blocking(move || -> Result<Vec<Outcome>, ApiError> {
            let ix = ix
                .read()
                .map_err(|_| ApiError::internal("index lock poisoned"))?;
            let now = veto_domain::now();
            Ok(inputs
                .par_iter()
                .map(|i| match i {
                    Ok(input) => match parse_item(input, &opts) {
                        Ok(ids) => check_live(&ctx2, &ix, &ids, &opts, now),
                        Err(o) => *o,
                    },
                    Err(o) => (**o).clone(),
                })
                .collect())
        })
        .await
        .map_err(ApiError::internal)??
    };
    let mut summary = CheckSummary::default();
    let mut results = Vec::new();
    for (i, (o, input)) in outcomes.iter().zip(req.items).enumerate() {
        summary.add(o.verdict);
        record(o);
        if let Some(a) = &req.attempt {
            record_attempt(&state, &caller, &ctx, a, o).await?;
        }
        if req.only_blocked && o.verdict == Verdict::Allow {
            continue;
        }
        results.push(CheckResultDto::of(input, o, req.only_blocked.then_some(i)));
    }
    Ok(Json(BatchResult { results, summary }))
}

/// A bulk check: the body is one identifier per line (text/plain).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BulkQuery {
    /// email (default) | phone | domain | company_id | contact_id
    pub kind: Option<String>,
    pub purpose: Option<String>,
    pub channel: Option<String>,
    pub as_of: Option<String>,
    /// Report only blocked and invalid lines (default true).
    pub only_blocked: Option<bool>,
}

/// One line of a bulk answer.
#[derive(Serialize, ToSchema)]
pub struct BulkLine<'a> {
    /// 1-based line number in the request body.
    pub line: u64,
    pub input: &'a str,
    pub normalized: Option<&'a str>,
    pub verdict: &'static str,
    pub matches: Vec<super::dto::MatchDto>,
    pub explanation: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<super::dto::ItemError>,
}

const BULK_CHUNK: usize = 16_384;
/// No identifier is this long; a body without line breaks is refused instead of buffered.
const MAX_LINE: usize = 64 * 1024;

#[utoipa::path(post, path = "/v1/check/bulk", tag = "check", params(BulkQuery),
    request_body(content = String, content_type = "text/plain", description = "One identifier per line"),
    responses((status = 200, content_type = "application/x-ndjson",
        description = "One JSON object per reported line ({line, input, normalized, verdict, matches, explanation}), then {\"summary\": {...}}")),
    security(("bearer" = [])))]
pub async fn bulk(
    State(state): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<BulkQuery>,
    body: Body,
) -> Result<Response, ApiError> {
    caller.require(Action::Check)?;
    let ctx = state.tenant(caller.tenant_id).await?;
    let opts = options(
        q.purpose.as_deref(),
        q.channel.as_deref(),
        q.as_of.as_deref(),
    )?;
    let kind = params::opt_choice(
        "kind",
        q.kind.as_deref(),
        IdentifierKind::parse,
        "email, phone, domain, company_id, contact_id",
    )?
    .unwrap_or(IdentifierKind::Email);
    let only_blocked = q.only_blocked.unwrap_or(true);
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    tokio::spawn(async move {
        let mut job = BulkJob {
            state,
            ctx,
            opts,
            kind,
            only_blocked,
            summary: CheckSummary::default(),
            line: 0,
            tx,
        };
        if let Err(e) = job.run(body).await {
            let msg = serde_json::json!({"error": {"code": "bulk_failed", "message": e}});
            let _ = job.tx.send(Ok(Bytes::from(format!("{msg}\n")))).await;
        }
    });
    let stream = tokio_stream_of(rx);
    Ok((
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response())
}

fn tokio_stream_of(
    mut rx: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> {
    futures::stream::poll_fn(move |cx| rx.poll_recv(cx))
}

struct BulkJob {
    state: AppState,
    ctx: Arc<TenantCtx>,
    opts: CheckOptions,
    kind: IdentifierKind,
    only_blocked: bool,
    summary: CheckSummary,
    line: u64,
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl BulkJob {
    async fn run(&mut self, body: Body) -> Result<(), String> {
        let mut stream = body.into_data_stream();
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
        let mut lines_in_buf = 0usize;
        // Where the unfinished last line of `buf` starts.
        let mut tail_start = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| format!("reading the request body failed: {e}"))?;
            lines_in_buf += chunk.iter().filter(|b| **b == b'\n').count();
            if let Some(i) = chunk.iter().rposition(|b| *b == b'\n') {
                tail_start = buf.len() + i + 1;
            }
            buf.extend_from_slice(&chunk);
            if buf.len() - tail_start > MAX_LINE {
                return Err(format!(
                    "line {} is longer than {MAX_LINE} bytes: the body must hold one identifier per line",
                    self.line + lines_in_buf as u64 + 1
                ));
            }
            if lines_in_buf >= BULK_CHUNK {
                // Hand over every complete line; keep the unfinished one.
                let cut = buf.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                let rest = buf.split_off(cut);
                self.process(std::mem::replace(&mut buf, rest)).await?;
                lines_in_buf = 0;
                tail_start = 0;
            }
        }
        if !buf.is_empty() {
            self.process(buf).await?;
        }
        let s = serde_json::json!({"summary": self.summary});
        self.send(format!("{s}\n").into_bytes()).await
    }

    async fn send(&self, b: Vec<u8>) -> Result<(), String> {
        self.tx
            .send(Ok(Bytes::from(b)))
            .await
            .map_err(|_| "the client went away".to_string())
    }

    /// Checks the lines of `chunk` (complete lines; the last may lack its newline) and sends
    /// the reported ones.
    async fn process(&mut self, chunk: Vec<u8>) -> Result<(), String> {
        let text = match String::from_utf8(chunk) {
            Ok(t) => t,
            // Invalid UTF-8 is replaced and then fails parsing visibly, line by line.
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        let mut ranges = Vec::with_capacity(BULK_CHUNK + 1);
        let mut start = 0;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                ranges.push((start, i));
                start = i + 1;
            }
        }
        if start < text.len() {
            ranges.push((start, text.len()));
        }
        let first_line = self.line + 1;
        self.line += ranges.len() as u64;
        let opts = self.opts;
        let kind = self.kind;
        let report_allowed = !self.only_blocked;
        let line_of = |r: &(usize, usize)| {
            let l = &text[r.0..r.1];
            l.strip_suffix('\r').unwrap_or(l)
        };
        let results: Vec<(Verdict, Option<Outcome>)> = if opts.as_of.is_some() {
            let mut out = Vec::with_capacity(ranges.len());
            for r in &ranges {
                let o = match Identifier::parse(kind, line_of(r)) {
                    Ok(id) => check_item(&self.state, &self.ctx, &[id], &opts)
                        .await
                        .map_err(|e| e.to_string())?,
                    Err(e) => Outcome::invalid(e.field(), e.to_string(), &opts),
                };
                out.push((
                    o.verdict,
                    (report_allowed || o.verdict != Verdict::Allow).then_some(o),
                ));
            }
            out
        } else {
            let ix = self
                .state
                .index(self.ctx.tenant.id)
                .ok_or("tenant index not loaded")?;
            let ctx = self.ctx.clone();
            let (text2, ranges2) = (text.clone(), ranges.clone());
            let r = tokio::task::spawn_blocking(
                move || -> Result<Vec<(Verdict, Option<Outcome>)>, String> {
                    let ix = ix.read().map_err(|_| "index lock poisoned".to_string())?;
                    let now = veto_domain::now();
                    Ok(ranges2
                        .par_iter()
                        .with_min_len(512)
                        .map(|r| {
                            let l = &text2[r.0..r.1];
                            bulk_line(
                                &ctx,
                                &ix,
                                kind,
                                &opts,
                                now,
                                l.strip_suffix('\r').unwrap_or(l),
                                report_allowed,
                            )
                        })
                        .collect())
                },
            )
            .await
            .map_err(|e| e.to_string())?;
            r?
        };
        let mut out = Vec::with_capacity(4096);
        for (i, ((verdict, outcome), r)) in results.iter().zip(&ranges).enumerate() {
            self.summary.add(*verdict);
            let Some(o) = outcome else { continue };
            let line = BulkLine {
                line: first_line + i as u64,
                input: line_of(r),
                normalized: o.normalized.as_deref(),
                verdict: super::dto::verdict_str(o.verdict),
                matches: o.matches.iter().map(super::dto::MatchDto::from).collect(),
                explanation: &o.explanation,
                error: o.error.as_ref().map(|(f, m)| super::dto::ItemError {
                    field: f.clone(),
                    message: m.clone(),
                }),
            };
            serde_json::to_writer(&mut out, &line).map_err(|e| e.to_string())?;
            out.push(b'\n');
        }
        metrics::counter!("veto_checks_total", "verdict" => "bulk").increment(results.len() as u64);
        if !out.is_empty() {
            self.send(out).await?;
        }
        Ok(())
    }
}

/// One bulk line: only blocked and invalid lines (and allowed ones when asked) get an outcome.
fn bulk_line(
    ctx: &TenantCtx,
    ix: &crate::index::TenantIndex,
    kind: IdentifierKind,
    opts: &CheckOptions,
    now: veto_domain::Timestamp,
    line: &str,
    report_allowed: bool,
) -> (Verdict, Option<Outcome>) {
    match Identifier::parse(kind, line) {
        Err(e) => (
            Verdict::Invalid,
            Some(Outcome::invalid(e.field(), e.to_string(), opts)),
        ),
        Ok(id) => {
            let m = crate::check::matches_live(ctx, ix, std::slice::from_ref(&id), opts, now);
            if m.is_empty() && !report_allowed {
                return (Verdict::Allow, None);
            }
            let o = Outcome::decided(id.value().to_string(), m, opts);
            (o.verdict, Some(o))
        }
    }
}
