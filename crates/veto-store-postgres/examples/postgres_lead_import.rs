//! Times a lead import on PostgreSQL (a fresh test schema): `N` new contacts (default
//! 1,000,000) written in batches (default 10,000) in one import transaction, each batch first
//! looked up by address as the import gate does; then an export of as many entries.
//!
//! ```text
//! cargo run --release -p veto-store-postgres --example postgres_lead_import -- [N] [BATCH]
//! ```

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let Some(db) = veto_store_postgres::testing::test_database().await else {
        return;
    };
    let store = db.store().await;
    veto_store::conformance::time_lead_import_and_export(&store, arg(1, 1_000_000), arg(2, 10_000))
        .await;
}
