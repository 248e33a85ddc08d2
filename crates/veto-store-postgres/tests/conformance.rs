//! The shared conformance suite of `veto-store`, on PostgreSQL. Each test gets a fresh schema
//! (dropped afterwards) and skips, loudly, when no PostgreSQL server is available.

use veto_store_postgres::testing::test_database;

veto_store::conformance_tests!({
    let Some(db) = test_database().await else {
        return;
    };
    let store = db.store().await;
    // The store first: the tuple drops in order, and the schema goes once the pool is closed.
    (store, db)
});
