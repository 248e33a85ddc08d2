//! One-click unsubscribe (RFC 8058). `POST /v1/unsubscribe-links` gives a sending tool the
//! signed token of a (recipient, message) and the headers to stamp on the message. The public
//! routes, without an API key, are what the recipient's mail client and browser reach:
//! `GET /u/{token}` only shows a confirmation page — link scanners fetch every URL in a
//! message, so a GET never changes anything — and `POST /u/{token}` suppresses the address at
//! once. [`apply`] is the same suppression for the ingest path (mail to the mailto address).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use veto_domain::actor::Actor;
use veto_domain::email::EmailAddress;
use veto_domain::id::{EntryId, SendId};
use veto_domain::identifier::Identifier;
use veto_domain::identifier::IdentifierKind;
use veto_domain::keyed_hash::IdentHash;
use veto_domain::role::Action;
use veto_domain::role_account::is_role_account;
use veto_domain::suppression::{Channel, Entry, NewEntry, Purposes, Reason, SourceChannel};
use veto_domain::unsubscribe::{
    SealedToken, TokenError, UnsubscribeKey, UnsubscribeToken, list_unsubscribe_headers,
    unsubscribe_mailto, unsubscribe_url,
};
use veto_store::{AddOutcome, StoreError};

use crate::auth::Auth;
use crate::error::{ApiError, ApiJson};
use crate::state::{AppState, TenantCtx};

/// Largest body the public POST reads (a one-click body is 26 bytes).
pub const MAX_POST_BODY: usize = 16 << 10;

/// A link to make.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLink {
    /// The recipient (normalised before signing).
    pub email: String,
    /// The message the link goes into: its Message-ID or your own send id (1-200 bytes).
    pub message_id: String,
}

/// The headers to add to the message.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkHeaders {
    #[serde(rename = "List-Unsubscribe")]
    pub list_unsubscribe: String,
    #[serde(rename = "List-Unsubscribe-Post")]
    pub list_unsubscribe_post: String,
}

/// A signed unsubscribe link.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkDto {
    /// The signed token (base64url): names the tenant, the address and the message.
    pub token: String,
    /// The one-click URL (`…/u/{token}`).
    pub url: String,
    /// The mailto URL, when the server has an unsubscribe mail domain.
    pub mailto: Option<String>,
    pub headers: LinkHeaders,
}

#[utoipa::path(post, path = "/v1/unsubscribe-links", tag = "unsubscribe", request_body = CreateLink,
    responses((status = 200, description = "The token, its URLs and the headers to stamp on the message", body = LinkDto),
              (status = 422, body = crate::error::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_link(
    State(state): State<AppState>,
    Auth(caller): Auth,
    headers: HeaderMap,
    ApiJson(req): ApiJson<CreateLink>,
) -> Result<Json<LinkDto>, ApiError> {
    // A link lets the recipient add a suppression, which every role may do.
    caller.require(Action::AddSuppression)?;
    let ctx = state.tenant(caller.tenant_id).await?;
    let email =
        EmailAddress::parse(&req.email).map_err(|e| ApiError::invalid("email", e.to_string()))?;
    let token = UnsubscribeToken::new(caller.tenant_id, email, &req.message_id, veto_domain::now())
        .map_err(|e| ApiError::invalid("message_id", e.to_string()))?
        .seal(&UnsubscribeKey::derive(&ctx.tenant.secret));
    let base = match state.public_url() {
        Some(u) => u.to_string(),
        None => format!("http://{}", request_host(&headers)),
    };
    let domain = state.unsubscribe_mail_domain();
    let mut h = list_unsubscribe_headers(&base, domain, &token, None).into_iter();
    let list_unsubscribe = h.next().map(|(_, v)| v).unwrap_or_default();
    let list_unsubscribe_post = h.next().map(|(_, v)| v).unwrap_or_default();
    Ok(Json(LinkDto {
        url: unsubscribe_url(&base, &token),
        mailto: domain.and_then(|d| unsubscribe_mailto(d, &token)),
        headers: LinkHeaders {
            list_unsubscribe,
            list_unsubscribe_post,
        },
        token,
    }))
}

/// The `Host` of the request when it is a plain host[:port], else `localhost`.
fn request_host(headers: &HeaderMap) -> &str {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("localhost")
}

/// How an unsubscribe reached us; it goes into the entry's evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// RFC 8058 POST of `List-Unsubscribe=One-Click` by the mail client.
    OneClick,
    /// The button of the confirmation page.
    ConfirmationPage,
    /// Mail to the `unsubscribe+TOKEN@…` address of the `List-Unsubscribe` header.
    Mailto,
}

impl Via {
    fn evidence(self, message_id: &str, issued_at: Option<veto_domain::Timestamp>) -> String {
        let how = match self {
            Self::OneClick => "One-click unsubscribe (RFC 8058 List-Unsubscribe-Post)",
            Self::ConfirmationPage => {
                "One-click unsubscribe link, confirmed on the unsubscribe page"
            }
            Self::Mailto => "Unsubscribe by mail to the List-Unsubscribe mailto address",
        };
        match issued_at {
            Some(at) => format!(
                "{how} from message {message_id}; link issued {}",
                veto_domain::rfc3339(at)
            ),
            None => format!("{how} from message {message_id}"),
        }
    }

    fn actor(self) -> Actor {
        match self {
            Self::OneClick | Self::ConfirmationPage => Actor::system("one-click-unsubscribe"),
            Self::Mailto => Actor::system("unsubscribe-mail"),
        }
    }
}

/// Why an unsubscribe was not applied.
#[derive(Debug, thiserror::Error)]
pub enum UnsubscribeError {
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("this unsubscribe link belongs to no organisation served here")]
    UnknownTenant,
    #[error("the unsubscribe address names send {0}, which is not recorded")]
    UnknownSend(SendId),
    #[error("{0}")]
    Store(StoreError),
}

impl From<StoreError> for UnsubscribeError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => Self::UnknownTenant,
            e => Self::Store(e),
        }
    }
}

/// A verified token, read with the key of the tenant it names, and that tenant.
async fn open(
    state: &AppState,
    token: &str,
) -> Result<(UnsubscribeToken, Arc<TenantCtx>), UnsubscribeError> {
    let sealed = SealedToken::decode(token)?;
    let ctx = state.tenant(sealed.tenant_id()).await?;
    let t = sealed.verify(&UnsubscribeKey::derive(&ctx.tenant.secret))?;
    Ok((t, ctx))
}

/// What [`apply`] or [`apply_send`] did.
#[derive(Debug)]
pub struct Applied {
    /// The address unsubscribed; `None` when the tenant keeps hashes only and the mailto
    /// named a send (whose record holds the address's hash alone).
    pub email: Option<EmailAddress>,
    /// The message the link or address was in.
    pub message_id: String,
    /// The suppression now in force for the address.
    pub entry: Entry,
    /// `false` when the same suppression was already in force (the attempt is audited).
    pub created: bool,
}

/// Verifies `token` and suppresses its address for its tenant through the same store path as
/// `POST /v1/suppressions` (one transaction with its audit event), then waits until this
/// node's index holds it. For the public POST and for mail to a link token's mailto address.
pub async fn apply(state: &AppState, token: &str, via: Via) -> Result<Applied, UnsubscribeError> {
    let (t, ctx) = open(state, token).await?;
    let evidence = via.evidence(&t.message_id, Some(t.issued_at));
    let hash = ctx.hasher.hash(&Identifier::Email(t.email.clone()));
    suppress(
        state,
        &ctx,
        Some(t.email),
        hash,
        t.message_id,
        evidence,
        via,
    )
    .await
}

/// Mail to the mailto address of a message Veto sent (`unsubscribe+{send reference}@…`, see
/// [`UnsubscribeKey::send_mailto_token`]): suppresses that send's recipient for `ctx`'s
/// tenant, as [`apply`] does. `None` when `token` is not a send reference of this tenant.
pub async fn apply_send(
    state: &AppState,
    ctx: &TenantCtx,
    token: &str,
) -> Option<Result<Applied, UnsubscribeError>> {
    let key = UnsubscribeKey::derive(&ctx.tenant.secret);
    let id = SendId(uuid::Uuid::from_bytes(key.send_of_mailto_token(token)?));
    Some(apply_send_id(state, ctx, id).await)
}

async fn apply_send_id(
    state: &AppState,
    ctx: &TenantCtx,
    id: SendId,
) -> Result<Applied, UnsubscribeError> {
    let send = match state.store().get_send(ctx.tenant.id, id).await {
        Ok(s) => s,
        Err(StoreError::NotFound(_)) => return Err(UnsubscribeError::UnknownSend(id)),
        Err(e) => return Err(UnsubscribeError::Store(e)),
    };
    let email = send
        .recipient
        .as_deref()
        .and_then(|r| EmailAddress::parse(r).ok());
    let message_id = send.message_id.clone().unwrap_or_else(|| id.to_string());
    let evidence = format!("{} (send {id})", Via::Mailto.evidence(&message_id, None));
    suppress(
        state,
        ctx,
        email,
        send.recipient_hash,
        message_id,
        evidence,
        Via::Mailto,
    )
    .await
}

async fn suppress(
    state: &AppState,
    ctx: &TenantCtx,
    email: Option<EmailAddress>,
    hash: IdentHash,
    message_id: String,
    evidence: String,
    via: Via,
) -> Result<Applied, UnsubscribeError> {
    let policy = &ctx.tenant.policy;
    let now = veto_domain::now();
    let entry = NewEntry {
        id: EntryId::new(),
        tenant_id: ctx.tenant.id,
        kind: IdentifierKind::Email,
        ident_hash: hash,
        role_account: email
            .as_ref()
            .is_some_and(|e| is_role_account(e.local_part(), &policy.role_local_parts)),
        identifier: email
            .clone()
            .filter(|_| !policy.hashed_only)
            .map(Identifier::Email),
        include_subdomains: false,
        channel: Channel::Email,
        purposes: Purposes::DEFAULT,
        reason: Reason::Unsubscribe,
        source: SourceChannel::UnsubscribeLink,
        evidence: Some(evidence),
        created_by: via.actor(),
        created_at: now,
        valid_from: now,
        expires_at: policy.expiry_for(Reason::Unsubscribe, now),
    };
    let out = state.store().add_suppression(entry).await?;
    metrics::counter!("veto_suppressions_added_total", "outcome" => match out { AddOutcome::Created(_) => "created", AddOutcome::Existing(_) => "existing" }).increment(1);
    // The recipient was promised "immediately": the next check on this node must see it.
    state
        .fresh()
        .await
        .map_err(|e| UnsubscribeError::Store(StoreError::Other(e)))?;
    let created = matches!(out, AddOutcome::Created(_));
    let entry = match out {
        AddOutcome::Created(e) | AddOutcome::Existing(e) => e,
    };
    Ok(Applied {
        email,
        message_id,
        entry,
        created,
    })
}

#[utoipa::path(get, path = "/u/{token}", tag = "unsubscribe",
    params(("token" = String, Path, description = "The signed token of the link")),
    responses((status = 200, description = "Confirmation page; nothing changes until its button is pressed", content_type = "text/html"),
              (status = 400, description = "The token is malformed or altered", content_type = "text/html"),
              (status = 404, description = "The token's organisation is not served here", content_type = "text/html")))]
pub async fn page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match open(&state, &token).await {
        Ok((t, _)) => html(
            StatusCode::OK,
            "Unsubscribe",
            &format!(
                "<p>Stop e-mails to <b>{}</b>?</p>\
                 <form method=\"post\"><button type=\"submit\">Unsubscribe</button></form>\
                 <p class=\"note\">Nothing changes until you press the button.</p>",
                escape(&mask(&t.email))
            ),
        ),
        Err(e) => error_page(e),
    }
}

#[utoipa::path(post, path = "/u/{token}", tag = "unsubscribe",
    params(("token" = String, Path, description = "The signed token of the link")),
    request_body(content = String, description = "`List-Unsubscribe=One-Click` (RFC 8058), as application/x-www-form-urlencoded or multipart/form-data; empty from the confirmation page", content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "Unsubscribed (also when already unsubscribed)", content_type = "text/html"),
              (status = 400, description = "The token is malformed or altered, or the body is not a one-click unsubscribe", content_type = "text/html"),
              (status = 404, description = "The token's organisation is not served here", content_type = "text/html")))]
pub async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(via) = post_kind(&headers, &body) else {
        return html(
            StatusCode::BAD_REQUEST,
            "Not unsubscribed",
            "<p>This request was not an unsubscribe: a one-click unsubscribe posts \
             <code>List-Unsubscribe=One-Click</code>. Nothing was changed.</p>",
        );
    };
    match apply(&state, &token, via).await {
        Ok(a) => html(
            StatusCode::OK,
            "Unsubscribed",
            &format!(
                "<p><b>{}</b> is unsubscribed and will receive no further messages of this kind.</p>",
                a.email
                    .as_ref()
                    .map_or_else(String::new, |e| escape(&mask(e)))
            ),
        ),
        Err(e) => error_page(e),
    }
}

/// Whether the POST body is a one-click unsubscribe (RFC 8058 §3.1) or the empty post of the
/// confirmation page; `None` for anything else.
fn post_kind(headers: &HeaderMap, body: &[u8]) -> Option<Via> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Some(Via::ConfirmationPage);
    }
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let one_click = if ctype.starts_with("multipart/form-data") {
        multipart_one_click(body)
    } else {
        // application/x-www-form-urlencoded, or a client that left the type out.
        form_urlencoded::parse(body)
            .any(|(k, v)| k == "List-Unsubscribe" && v.trim() == "One-Click")
    };
    one_click.then_some(Via::OneClick)
}

/// A multipart body with a `List-Unsubscribe` field whose value is `One-Click`.
fn multipart_one_click(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    let Some(at) = text.find("name=\"List-Unsubscribe\"") else {
        return false;
    };
    // The part's headers end at the first blank line; the value runs to the next boundary.
    let rest = &text[at..];
    let Some(start) = rest
        .find("\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| rest.find("\n\n").map(|i| i + 2))
    else {
        return false;
    };
    let value = &rest[start..];
    let end = value
        .find("\r\n--")
        .or_else(|| value.find("\n--"))
        .unwrap_or(value.len());
    value[..end].trim() == "One-Click"
}

fn error_page(e: UnsubscribeError) -> Response {
    match e {
        UnsubscribeError::Token(t) => html(
            StatusCode::BAD_REQUEST,
            "Invalid unsubscribe link",
            &format!(
                "<p>This unsubscribe link is not valid: {}. Nothing was changed. \
                 Use the link exactly as it appears in the message, or reply asking to be removed.</p>",
                escape(&t.to_string())
            ),
        ),
        UnsubscribeError::UnknownTenant | UnsubscribeError::UnknownSend(_) => html(
            StatusCode::NOT_FOUND,
            "Unknown unsubscribe link",
            "<p>This unsubscribe link belongs to no organisation served here. Nothing was changed.</p>",
        ),
        UnsubscribeError::Store(e) => {
            tracing::error!(error = %e, "one-click unsubscribe failed");
            html(
                StatusCode::SERVICE_UNAVAILABLE,
                "Please try again",
                "<p>Your request could not be completed just now; please try again in a minute.</p>",
            )
        }
    }
}

/// A small self-contained page: no scripts, no external assets, not cached, not indexed, and
/// the token in the URL never leaks through a referrer.
fn html(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}}\
         button{{font-size:1rem;padding:.5rem 1.5rem}}.note{{color:#666;font-size:.9rem}}</style>\
         </head><body><h1>{title}</h1>{body}</body></html>"
    );
    let mut r = (status, Html(page)).into_response();
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    r
}

/// The address with most of its local part hidden: `a***@example.com`.
pub fn mask(e: &EmailAddress) -> String {
    let first: String = e.local_part().chars().take(1).collect();
    format!("{first}***@{}", e.domain())
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(ctype: &str, body: &str) -> Option<Via> {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(ctype).unwrap());
        post_kind(&h, body.as_bytes())
    }

    #[test]
    fn one_click_bodies() {
        let urlenc = "application/x-www-form-urlencoded";
        assert_eq!(
            form(urlenc, "List-Unsubscribe=One-Click"),
            Some(Via::OneClick)
        );
        assert_eq!(form(urlenc, ""), Some(Via::ConfirmationPage));
        assert_eq!(form(urlenc, "List-Unsubscribe=Nope"), None);
        assert_eq!(form(urlenc, "something=else"), None);
        let mp = "multipart/form-data; boundary=XyZ";
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n";
        assert_eq!(form(mp, body), Some(Via::OneClick));
        assert_eq!(form(mp, &body.replace("One-Click", "Two-Click")), None);
        assert_eq!(
            form(
                mp,
                "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\""
            ),
            None
        );
    }

    #[test]
    fn masks_and_escapes() {
        let e = EmailAddress::parse("o'brien&co@example.com").unwrap();
        assert_eq!(mask(&e), "o***@example.com");
        assert_eq!(
            escape("<a href='x'>&\""),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
    }
}
