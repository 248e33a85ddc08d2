//! Times a lead import on PostgreSQL (a fresh test schema): `N` new contacts (default 1,000,000) written in
//! batches (default 10,000) in one import transaction, each batch first looked up by address
//! as the import gate does; then an export of as many entries, page by page.
//!
//! ```text
//! cargo run --release -p veto-store-postgres --example postgres_lead_import -- [N] [BATCH]
//! ```

use std::time::{Duration, Instant};

use veto_domain::audit::{AuditDraft, actions};
use veto_domain::id::ImportId;
use veto_domain::import::ImportKind;
use veto_store::Store;
use veto_store::conformance::{contact, create_tenant, import_record};

fn arg(i: usize, default: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let n = arg(1, 1_000_000);
    let batch = arg(2, 10_000).max(1);
    let Some(db) = veto_store_postgres::testing::test_database().await else {
        return;
    };
    let store = db.store().await;
    let fx = create_tenant(&store, "speed").await;
    let id = ImportId::new();

    let (mut lookup, mut write) = (Duration::ZERO, Duration::ZERO);
    let all = Instant::now();
    let mut tx = store.begin_lead_import(fx.id()).await.unwrap();
    let mut done = 0;
    while done < n {
        let k = batch.min(n - done);
        let emails: Vec<String> = (done..done + k)
            .map(|i| format!("lead{i}@company{}.example", i % 997))
            .collect();
        let contacts: Vec<_> = emails
            .iter()
            .map(|e| contact(&fx, &[e.as_str()], Some(id)))
            .collect();
        let t = Instant::now();
        let found = tx.contacts_by_emails(&emails).await.unwrap();
        lookup += t.elapsed();
        assert!(found.is_empty());
        let t = Instant::now();
        tx.write_contacts(&contacts, &[]).await.unwrap();
        write += t.elapsed();
        done += k;
    }
    let t = Instant::now();
    let draft = AuditDraft::new(
        &fx.actor(),
        actions::LEADS_IMPORTED,
        None,
        serde_json::json!({}),
    );
    tx.commit(&import_record(&fx, id, ImportKind::Leads, 0), draft)
        .await
        .unwrap();
    let commit = t.elapsed();
    println!(
        "postgres: {n} contacts in batches of {batch}: write_contacts {:.2}s, contacts_by_emails {:.2}s, \
         commit {:.2}s, whole import {:.2}s",
        write.as_secs_f64(),
        lookup.as_secs_f64(),
        commit.as_secs_f64(),
        all.elapsed().as_secs_f64()
    );

    // Exports: as many entries, read back in pages of `batch`.
    let mut done = 0;
    while done < n {
        let k = 50_000.min(n - done);
        let entries: Vec<_> = (done..done + k)
            .map(|i| fx.email(&format!("dnc{i}@example.com")))
            .collect();
        let d = AuditDraft::new(
            &fx.actor(),
            actions::SUPPRESSIONS_IMPORTED,
            None,
            serde_json::json!({}),
        );
        store.import_entries(fx.id(), entries, d).await.unwrap();
        done += k;
    }
    let t = Instant::now();
    let (mut after, mut rows) = (0, 0);
    loop {
        let page = store
            .export_entries(fx.id(), None, after, batch as u32)
            .await
            .unwrap();
        let Some((last, _)) = page.last() else { break };
        after = *last;
        rows += page.len();
    }
    println!(
        "postgres: export of {rows} entries in pages of {batch}: {:.2}s",
        t.elapsed().as_secs_f64()
    );
    store.close().await;
}
