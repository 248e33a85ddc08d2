//! Times a lead import on an SQLite file: `N` new contacts (default 1,000,000) written in
//! batches (default 10,000) in one import transaction, each batch first looked up by address
//! as the import gate does; then an export of as many entries, page by page.
//!
//! ```text
//! cargo run --release -p veto-store-sqlite --example sqlite_lead_import -- [N] [BATCH]
//! ```

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("speed.db").display());
    let store = veto_store_sqlite::SqliteStore::connect(&url).await.unwrap();
    veto_store::conformance::time_lead_import_and_export(&store, arg(1, 1_000_000), arg(2, 10_000))
        .await;
    store.close().await;
}
