//! Outbound SMTP routes.

use sqlx::sqlite::SqliteRow;
use veto_domain::audit::AuditDraft;
use veto_domain::id::{RouteId, TenantId};
use veto_domain::route::{Route, RouteTls};
use veto_store::{StoreError, StoreResult};

use crate::SqliteStore;
use crate::decode::Cols;
use crate::store::{append_events, blob, db_err, unique_or, us};

macro_rules! route_cols {
    () => {
        "tenant_id, id, name, host, port, tls, username, password, is_default, created_by, created_at"
    };
}

fn route(row: &SqliteRow) -> StoreResult<Route> {
    let c = Cols::new(row, "routes");
    let port = c.i64("port")?;
    Ok(Route {
        id: RouteId(c.uuid("id")?),
        tenant_id: TenantId(c.uuid("tenant_id")?),
        name: c.text("name")?,
        host: c.text("host")?,
        port: u16::try_from(port).map_err(|_| crate::decode::corrupt("routes", "port", port))?,
        tls: c.parse("tls", RouteTls::parse)?,
        username: c.opt_text("username")?,
        password: c.get("password")?,
        is_default: c.flag("is_default")?,
        created_by: c.actor("created_by")?,
        created_at: c.ts("created_at")?,
    })
}

impl SqliteStore {
    pub(crate) async fn create_route_impl(
        &self,
        r: &Route,
        draft: AuditDraft,
    ) -> StoreResult<Route> {
        let mut tx = self.begin().await?;
        // The tenant's first route is its default (the writer lock makes this race-free).
        let has: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM routes WHERE tenant_id = ? LIMIT 1")
                .bind(blob(r.tenant_id.0))
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
        let stored = Route {
            is_default: has.is_none(),
            ..r.clone()
        };
        sqlx::query(concat!(
            "INSERT INTO routes (",
            route_cols!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(blob(stored.tenant_id.0))
        .bind(blob(stored.id.0))
        .bind(&stored.name)
        .bind(&stored.host)
        .bind(i64::from(stored.port))
        .bind(stored.tls.as_str())
        .bind(&stored.username)
        .bind(&stored.password)
        .bind(i64::from(stored.is_default))
        .bind(stored.created_by.to_string())
        .bind(us(stored.created_at))
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            unique_or(e, || {
                format!("a route named '{}' exists already", stored.name)
            })
        })?;
        append_events(&mut tx, stored.tenant_id, &[draft]).await?;
        self.commit(tx).await?;
        Ok(stored)
    }

    pub(crate) async fn get_route_impl(&self, tenant: TenantId, id: RouteId) -> StoreResult<Route> {
        let row = sqlx::query(concat!(
            "SELECT ",
            route_cols!(),
            " FROM routes WHERE tenant_id = ? AND id = ?"
        ))
        .bind(blob(tenant.0))
        .bind(blob(id.0))
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?
        .ok_or(StoreError::NotFound("route"))?;
        route(&row)
    }

    pub(crate) async fn list_routes_impl(&self, tenant: TenantId) -> StoreResult<Vec<Route>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            route_cols!(),
            " FROM routes WHERE tenant_id = ? ORDER BY id"
        ))
        .bind(blob(tenant.0))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(route).collect()
    }
}
