//! The HTTP API: routes under `/v1`, and the OpenAPI document generated from the handlers.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

use crate::state::AppState;

pub mod audit;
pub mod check;
pub mod credentials;
pub mod dto;
pub mod hooks;
pub mod imports;
pub mod inbound;
pub mod lifts;
pub mod mailboxes;
pub mod meta;
pub mod params;
pub mod routes;
pub mod sends;
pub mod sequences;
pub mod signals;
pub mod sources;
pub mod suppressions;
pub mod tenant;
pub mod unsubscribe;
pub mod users;

#[derive(OpenApi)]
#[openapi(
    info(title = "Veto", description = "Do-not-contact registry and the gate that enforces it. Authenticate with `Authorization: Bearer <api key>`; the key implies the tenant."),
    paths(
        meta::healthz, meta::metrics,
        suppressions::create, suppressions::list, suppressions::get,
        check::single, check::batch, check::bulk,
        lifts::create, lifts::list, lifts::get, lifts::approve, lifts::reject,
        users::create_user, users::list_users, users::get_user, users::patch_user, users::me,
        users::create_key, users::list_keys, users::revoke_key,
        audit::list, audit::verify,
        tenant::erase, tenant::get_policy, tenant::put_policy,
        imports::import_leads, imports::import_suppressions, imports::export_suppressions,
        imports::list_imports, imports::get_import, imports::import_report,
        imports::list_contacts, imports::get_contact,
        unsubscribe::create_link, unsubscribe::page, unsubscribe::confirm,
        inbound::mime,
        signals::list, signals::get, signals::raw,
        sources::create, sources::list, sources::get, sources::disable, sources::poll,
        hooks::receive,
        routes::create, routes::list, routes::get,
        mailboxes::create_domain, mailboxes::list_domains, mailboxes::get_domain, mailboxes::create_dkim,
        mailboxes::create_mailbox, mailboxes::list_mailboxes, mailboxes::get_mailbox, mailboxes::patch_mailbox,
        credentials::create, credentials::list, credentials::revoke,
        sequences::create, sequences::list, sequences::get,
        sequences::enroll_one, sequences::enroll_many,
        sequences::list_enrollments, sequences::get_enrollment,
        sequences::pause, sequences::resume, sequences::stop,
        sends::list, sends::get,
    ),
    components(schemas(crate::error::ErrorBody, dto::CheckSummary)),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// Every route of the service.
pub fn router(state: AppState) -> Router {
    let v1 = Router::new()
        .route(
            "/suppressions",
            post(suppressions::create).get(suppressions::list),
        )
        .route("/suppressions/{id}", get(suppressions::get))
        .route(
            "/check",
            get(check::single)
                .post(check::batch)
                .layer(DefaultBodyLimit::max(64 << 20)),
        )
        .route("/check/bulk", post(check::bulk))
        .route("/lift-requests", post(lifts::create).get(lifts::list))
        .route("/lift-requests/{id}", get(lifts::get))
        .route("/lift-requests/{id}/approve", post(lifts::approve))
        .route("/lift-requests/{id}/reject", post(lifts::reject))
        .route("/users", post(users::create_user).get(users::list_users))
        .route("/users/{id}", get(users::get_user).patch(users::patch_user))
        .route("/keys", post(users::create_key).get(users::list_keys))
        .route("/keys/{id}/revoke", post(users::revoke_key))
        .route("/me", get(users::me))
        .route("/audit", get(audit::list))
        .route("/audit/verify", get(audit::verify))
        .route("/erasures", post(tenant::erase))
        .route("/policy", get(tenant::get_policy).put(tenant::put_policy))
        .route("/imports", get(imports::list_imports))
        .route("/imports/leads", post(imports::import_leads))
        .route("/imports/suppressions", post(imports::import_suppressions))
        .route("/imports/{id}", get(imports::get_import))
        .route("/imports/{id}/report", get(imports::import_report))
        .route("/exports/suppressions", get(imports::export_suppressions))
        .route("/contacts", get(imports::list_contacts))
        .route("/contacts/{id}", get(imports::get_contact))
        .route("/unsubscribe-links", post(unsubscribe::create_link))
        .route("/routes", post(routes::create).get(routes::list))
        .route("/routes/{id}", get(routes::get))
        .route(
            "/sending-domains",
            post(mailboxes::create_domain).get(mailboxes::list_domains),
        )
        .route("/sending-domains/{id}", get(mailboxes::get_domain))
        .route("/sending-domains/{id}/dkim", post(mailboxes::create_dkim))
        .route(
            "/mailboxes",
            post(mailboxes::create_mailbox).get(mailboxes::list_mailboxes),
        )
        .route(
            "/mailboxes/{id}",
            get(mailboxes::get_mailbox).patch(mailboxes::patch_mailbox),
        )
        .route(
            "/smtp-credentials",
            post(credentials::create).get(credentials::list),
        )
        .route("/smtp-credentials/{id}/revoke", post(credentials::revoke))
        .route("/sequences", post(sequences::create).get(sequences::list))
        .route("/sequences/{id}", get(sequences::get))
        .route("/sequences/{id}/enrollments", post(sequences::enroll_one))
        .route(
            "/sequences/{id}/enrollments/bulk",
            post(sequences::enroll_many).layer(DefaultBodyLimit::max(16 << 20)),
        )
        .route("/enrollments", get(sequences::list_enrollments))
        .route("/enrollments/{id}", get(sequences::get_enrollment))
        .route("/enrollments/{id}/pause", post(sequences::pause))
        .route("/enrollments/{id}/resume", post(sequences::resume))
        .route("/enrollments/{id}/stop", post(sequences::stop))
        .route("/sends", get(sends::list))
        .route("/sends/{id}", get(sends::get))
        .route("/inbound/sources", post(sources::create).get(sources::list))
        .route("/inbound/sources/{id}", get(sources::get))
        .route("/inbound/sources/{id}/disable", post(sources::disable))
        .route("/inbound/sources/{id}/poll", post(sources::poll))
        .route("/signals", get(signals::list))
        .route("/signals/{id}", get(signals::get))
        .route("/signals/{id}/raw", get(signals::raw))
        .route(
            "/inbound/mime",
            post(inbound::mime).layer(DefaultBodyLimit::max(crate::signals::MAX_MESSAGE_BYTES)),
        );
    Router::new()
        .nest("/v1", v1)
        .route("/healthz", get(meta::healthz))
        // Public, without an API key: the token is the authority (RFC 8058 one-click).
        .route(
            "/u/{token}",
            get(unsubscribe::page)
                .post(unsubscribe::confirm)
                .layer(DefaultBodyLimit::max(unsubscribe::MAX_POST_BODY)),
        )
        // Public, without an API key: the provider's signature is the authority.
        .route(
            "/hooks/{tenant}/{source}",
            post(hooks::receive).layer(DefaultBodyLimit::max(hooks::MAX_BODY)),
        )
        .route("/metrics", get(meta::metrics))
        .route("/openapi.json", get(meta::openapi))
        .fallback(|| async { crate::error::ApiError::not_found("route") })
        .with_state(state)
}
