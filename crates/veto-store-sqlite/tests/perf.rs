//! Rough timings of the bulk paths (ignored by default):
//! `VETO_PERF_ROWS=1000000 cargo test --release -p veto-store-sqlite --test perf -- --ignored --nocapture`

use std::time::Instant;

use sqlx::{Connection, Row};
use veto_domain::audit::actions;
use veto_domain::keyed_hash::IdentHash;
use veto_store::conformance as c;
use veto_store::{EntryFilter, PageRequest, Store};
use veto_store_sqlite::SqliteStore;

#[tokio::test]
#[ignore = "timing, run by hand"]
async fn bulk_paths() {
    let rows: usize = std::env::var("VETO_PERF_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let chunk = 50_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("perf.db");
    let url = format!("sqlite://{}", path.display());
    let store = SqliteStore::connect(&url).await.unwrap();
    let fx = c::create_tenant(&store, "perf").await;
    let template = fx.email("template@example.com");
    let hasher = fx.hasher();

    let t = Instant::now();
    let mut done = 0;
    let mut build = std::time::Duration::ZERO;
    while done < rows {
        let b = Instant::now();
        let n = chunk.min(rows - done);
        let batch: Vec<_> = (done..done + n)
            .map(|i| {
                let value = format!("person{i}@example.com");
                let mut e = c::again(&template);
                e.ident_hash =
                    hasher.hash_value(veto_domain::identifier::IdentifierKind::Email, &value);
                e.identifier = Some(
                    veto_domain::identifier::Identifier::parse(
                        veto_domain::identifier::IdentifierKind::Email,
                        &value,
                    )
                    .unwrap(),
                );
                e
            })
            .collect();
        build += b.elapsed();
        let d = c::draft(&fx.actor(), actions::SUPPRESSIONS_IMPORTED, None);
        let r = store.import_entries(fx.id(), batch, d).await.unwrap();
        assert_eq!(r.inserted as usize, n);
        done += n;
    }
    let secs = t.elapsed().as_secs_f64() - build.as_secs_f64();
    println!(
        "import: {rows} rows in {secs:.1}s (store time) = {:.0} rows/s",
        rows as f64 / secs
    );
    if std::env::var_os("VETO_PERF_IMPORT_ONLY").is_some() {
        return;
    }

    let t = Instant::now();
    let mut after = 0;
    let mut n = 0;
    let mut all_rows = Vec::new();
    loop {
        let page = store.index_rows(fx.id(), after, 100_000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.row_id;
        n += page.len();
        all_rows.extend(page.iter().map(|r| (r.row_id, r.hash)));
    }
    let secs = t.elapsed().as_secs_f64();
    assert_eq!(n, rows);
    println!(
        "index_rows: {n} rows in {secs:.2}s = {:.0} rows/s",
        n as f64 / secs
    );

    let sample: Vec<i64> = all_rows
        .iter()
        .step_by(all_rows.len() / 5000 + 1)
        .map(|r| r.0)
        .collect();
    let t = Instant::now();
    let got = store.entries_by_rows(fx.id(), &sample).await.unwrap();
    println!(
        "entries_by_rows: {} rows in {:.1}ms",
        got.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(got.len(), sample.len());

    let hashes: Vec<IdentHash> = all_rows
        .iter()
        .step_by(all_rows.len() / 1000 + 1)
        .map(|r| r.1)
        .collect();
    let t = Instant::now();
    let got = store.entries_by_hashes(fx.id(), &hashes).await.unwrap();
    println!(
        "entries_by_hashes: {} in {:.1}ms",
        got.len(),
        t.elapsed().as_secs_f64() * 1e3
    );

    let t = Instant::now();
    let mut page = store
        .list_entries(
            fx.id(),
            &EntryFilter::default(),
            PageRequest {
                after: None,
                limit: 100,
            },
        )
        .await
        .unwrap();
    for _ in 0..10 {
        page = store
            .list_entries(
                fx.id(),
                &EntryFilter::default(),
                PageRequest {
                    after: page.next,
                    limit: 100,
                },
            )
            .await
            .unwrap();
    }
    println!(
        "list_entries: 11 pages of 100 in {:.1}ms",
        t.elapsed().as_secs_f64() * 1e3
    );

    let t = Instant::now();
    let e = c::add(&store, fx.email("single@example.com")).await;
    println!("add_suppression: {:.2}ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    store.expire_due(veto_domain::now(), 1000).await.unwrap();
    println!(
        "expire_due (nothing due): {:.2}ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    assert_eq!(store.get_entry(fx.id(), e.id).await.unwrap(), e);

    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    for q in [
        "SELECT row_id FROM entries WHERE row_id > 0 ORDER BY row_id LIMIT 100000",
        "SELECT row_id, id, ident_hash, kind, include_subdomains, channel, purposes, reason, source, role_account, valid_from, expires_at FROM entries WHERE row_id > 0 ORDER BY row_id LIMIT 100000",
        "SELECT count(*), sum(length(id)), sum(length(ident_hash)), sum(length(kind)) FROM (SELECT row_id, id, ident_hash, kind, include_subdomains, channel, purposes, reason, source, role_account, valid_from, expires_at FROM entries WHERE row_id > 0 ORDER BY row_id LIMIT 100000)",
    ] {
        let t = Instant::now();
        let rows = sqlx::query(sqlx::AssertSqlSafe(q))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        println!(
            "raw {} rows in {:.1}ms: {q}",
            rows.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    for q in [
        "EXPLAIN QUERY PLAN SELECT * FROM entries WHERE tenant_id = x'00' AND row_id > 5 AND ended_at IS NULL ORDER BY row_id LIMIT 10",
        "EXPLAIN QUERY PLAN SELECT * FROM entries NOT INDEXED WHERE row_id IN (SELECT value FROM json_each('[1]')) AND tenant_id = x'00'",
        "EXPLAIN QUERY PLAN SELECT * FROM entries WHERE tenant_id = x'00' AND ended_at IS NULL AND ident_hash IN (SELECT unhex(value) FROM json_each('[\"00\"]')) UNION ALL SELECT * FROM entries WHERE tenant_id = x'00' AND ended_at IS NOT NULL AND ident_hash IN (SELECT unhex(value) FROM json_each('[\"00\"]'))",
        "EXPLAIN QUERY PLAN SELECT * FROM entries WHERE tenant_id = x'00' AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > 5) AND id < x'00' ORDER BY id DESC LIMIT 10",
    ] {
        let plan = sqlx::query(sqlx::AssertSqlSafe(q))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let steps: Vec<String> = plan.iter().map(|r| r.get::<String, _>(3)).collect();
        println!("{q}\n    {}", steps.join("\n    "));
    }
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "file size: {:.0} MB ({:.0} bytes/entry)",
        size as f64 / 1e6,
        size as f64 / rows as f64
    );
}
