//! Outbound SMTP routes.

use veto_domain::audit::AuditDraft;
use veto_domain::id::{RouteId, TenantId};
use veto_domain::route::Route;
use veto_domain::to_micros;
use veto_store::{StoreError, StoreResult};

use crate::PostgresStore;
use crate::rows;
use crate::tx::{Chain, db, db_conflict};

macro_rules! route_cols {
    () => {
        "tenant_id, id, name, host, port, tls, username, password, is_default, created_by, created_at"
    };
}

impl PostgresStore {
    pub(crate) async fn create_route_impl(
        &self,
        r: &Route,
        draft: AuditDraft,
    ) -> StoreResult<Route> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        // The chain lock serialises the tenant's writers, so "first route" is decided once.
        let mut chain = Chain::lock(&mut tx, r.tenant_id).await?;
        let has: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM routes WHERE tenant_id = $1 LIMIT 1")
                .bind(r.tenant_id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        let stored = Route {
            is_default: has.is_none(),
            ..r.clone()
        };
        sqlx::query(concat!(
            "INSERT INTO routes (",
            route_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(stored.tenant_id.0)
        .bind(stored.id.0)
        .bind(&stored.name)
        .bind(&stored.host)
        .bind(i32::from(stored.port))
        .bind(stored.tls.as_str())
        .bind(&stored.username)
        .bind(&stored.password)
        .bind(stored.is_default)
        .bind(stored.created_by.to_string())
        .bind(to_micros(stored.created_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            db_conflict(e, || {
                format!("a route named '{}' exists already", stored.name)
            })
        })?;
        chain.append(&mut tx, &draft).await?;
        chain.save(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(stored)
    }

    pub(crate) async fn get_route_impl(&self, tenant: TenantId, id: RouteId) -> StoreResult<Route> {
        let row = sqlx::query(concat!(
            "SELECT ",
            route_cols!(),
            " FROM routes WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .ok_or(StoreError::NotFound("route"))?;
        rows::route(&row)
    }

    pub(crate) async fn list_routes_impl(&self, tenant: TenantId) -> StoreResult<Vec<Route>> {
        let found = sqlx::query(concat!(
            "SELECT ",
            route_cols!(),
            " FROM routes WHERE tenant_id = $1 ORDER BY id"
        ))
        .bind(tenant.0)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        found.iter().map(rows::route).collect()
    }
}
