//! One reporter must not stall the API (issue 13, item 4): an xAPI batch is one audit entry
//! taken at its end, and a server whose connections are all busy answers `503 busy` with
//! `Retry-After` instead of making every request wait.

use beacon_api::config::{DbConfig, RateLimits};
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[derive(diesel::QueryableByName)]
struct Entry {
    #[diesel(sql_type = diesel::sql_types::Text)]
    action: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    resource_id: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    reason: Option<String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_xapi_batch_of_1000_statements_writes_one_audit_entry_naming_them() {
    let app = TestApp::spawn().await.unwrap();
    let lms = app.reporter("DCF Academy LMS", "dcf").await.unwrap();
    // Short statements (no id: the server gives each one), so 1,000 fit in the 256 KiB body.
    let batch: Vec<Value> = (0..1000)
        .map(|i| {
            json!({
                "actor": {"objectType": "Agent", "account": {"homePage": "urn:beacon:agency:dcf", "name": format!("E-{i}")}},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"id": format!("urn:x:{i}")},
                "timestamp": "2026-03-10T15:00:00Z",
            })
        })
        .collect();
    let r = app
        .client
        .post(app.url("/xapi/statements"))
        .bearer_auth(&lms)
        .header("content-type", "application/json")
        .header("X-Experience-API-Version", "1.0.3")
        .body(Value::Array(batch).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let ids: Vec<String> = r.json().await.unwrap();
    assert_eq!(ids.len(), 1000);
    let entries: Vec<Entry> = diesel::sql_query("SELECT action, resource_id, reason FROM audit_log WHERE action LIKE 'xapi.%'")
        .load(&mut app.conn().await.unwrap())
        .await
        .unwrap();
    assert_eq!(entries.len(), 1, "one entry for the whole request");
    let entry = &entries[0];
    assert_eq!(entry.action, "xapi.statement");
    assert_eq!(entry.resource_id.as_deref(), Some("1000 statements"));
    let reason = entry.reason.as_deref().unwrap_or_default();
    let (counts, named) = reason.split_once("; ids: ").unwrap_or_default();
    assert_eq!(counts, "1000 new statement(s): 0 completion(s), 0 void(s), 1000 other(s)");
    assert_eq!(named.split(',').collect::<Vec<_>>(), ids.iter().map(String::as_str).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_with_every_connection_busy_answers_503_with_retry_after_not_a_hang() {
    let db = DbConfig { pool_size: 1, pool_wait_ms: 300, statement_timeout_ms: 10_000, lock_timeout_ms: 3_000 };
    let app = TestApp::spawn_with(RateLimits::default(), db).await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    assert_eq!(client.get(app.url("/v1/codes")).bearer_auth(&key).send().await.unwrap().status().as_u16(), 200);

    // Hold the audit trail's writers' lock, as a long audited write would.
    let mut holder = app.conn().await.unwrap();
    diesel::sql_query(format!("SELECT pg_advisory_lock({})", beacon_api::db::audit::APPEND_LOCK))
        .execute(&mut holder)
        .await
        .unwrap();
    // A failed authentication is audited: it takes the pool's only connection and waits on the lock.
    let stuck = {
        let client = client.clone();
        let url = app.url("/v1/codes");
        tokio::spawn(async move { client.get(url).bearer_auth("bk_not_a_key").send().await })
    };
    // Until that request is seen waiting on the lock (so it holds the connection).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        #[derive(diesel::QueryableByName)]
        struct Waiting {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let waiting: Waiting = diesel::sql_query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            .get_result(&mut holder)
            .await
            .unwrap();
        if waiting.n > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the failed authentication never waited on the lock");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Another caller gets no connection within the pool's wait: 503 busy with Retry-After, quickly.
    let started = Instant::now();
    let r = client.get(app.url("/v1/codes")).bearer_auth(&key).send().await.unwrap();
    let waited = started.elapsed();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.headers()["retry-after"], "2");
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "busy");
    assert!(waited < Duration::from_secs(2), "answered after {waited:?}");

    // The stuck request itself ends at lock_timeout, as 503 busy, and frees its connection.
    let stuck = stuck.await.unwrap().unwrap();
    assert_eq!(stuck.status().as_u16(), 503);
    assert_eq!(stuck.headers()["retry-after"], "2");
    diesel::sql_query(format!("SELECT pg_advisory_unlock({})", beacon_api::db::audit::APPEND_LOCK))
        .execute(&mut holder)
        .await
        .unwrap();
    assert_eq!(client.get(app.url("/v1/codes")).bearer_auth(&key).send().await.unwrap().status().as_u16(), 200);
}
