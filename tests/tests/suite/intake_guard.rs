//! The publishable key is public (issue 13, item 2): intake's own budgets,
//! which refused requests do not spend, and the marks on submissions whose
//! request looked scripted.

use beacon_api::config::{IntakeLimits, RateLimits};
use beacon_api::security::{keys, Role};
use beacon_tests::app::TestApp;
use serde_json::{json, Value};
use std::num::NonZeroU32;

const ORIGIN: &str = "https://safeharbor.example";
const OTHER_ORIGIN: &str = "https://safeharbor-es.example";

fn body() -> Value {
    json!({"concern_types": ["labor"], "age_group": "12_17", "town": "new haven", "needs": ["shelter"],
           "safe_to_contact": false, "consent_to_share": true})
}

/// A client whose requests come from `127.0.0.{last}`.
fn from(last: u8) -> reqwest::Client {
    reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, last])).build().unwrap()
}

async fn submit(app: &TestApp, client: &reqwest::Client, key: &str, idem: Option<&str>, origin: Option<&str>, body: &Value) -> reqwest::Response {
    let mut r = client.post(app.url("/v1/intake")).bearer_auth(key).header("content-type", "application/json").body(body.to_string());
    if let Some(idem) = idem {
        r = r.header("idempotency-key", idem);
    }
    if let Some(origin) = origin {
        r = r.header("origin", origin);
    }
    r.send().await.unwrap()
}

async fn count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let mut conn = app.conn().await.unwrap();
    beacon_api::db::schema::intake_submissions::table.count().get_result(&mut conn).await.unwrap()
}

async fn assert_429(r: reqwest::Response, detail: &str) {
    assert_eq!(r.status().as_u16(), 429);
    let retry: u64 = r.headers().get("retry-after").expect("Retry-After").to_str().unwrap().parse().unwrap();
    assert!(retry >= 1);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["code"], "rate_limited");
    assert!(problem["detail"].as_str().unwrap().contains(detail), "{problem}");
}

fn n(v: u32) -> NonZeroU32 {
    NonZeroU32::new(v).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_budgets_are_per_client_origin_and_key_and_refused_requests_spend_none() {
    let limits = RateLimits {
        per_key: n(5),
        intake: IntakeLimits { per_ip: n(2), per_origin: n(3), per_key: n(4), origin_tolerant: false },
        ..RateLimits::default()
    };
    let app = TestApp::spawn_with_limits(limits).await.unwrap();
    let mut conn = app.conn().await.unwrap();
    let key = keys::issue(&mut conn, "Safe Harbor", Role::Partner, &[ORIGIN.into(), OTHER_ORIGIN.into()]).await.unwrap().secret;
    let own = from(2);

    // Thirty refused requests with the key: more than the key's general budget (5 a minute)
    // and all of intake's. None is charged.
    for i in 0..10 {
        let r = submit(&app, &own, &key, Some(&format!("bad-{i}")), Some(ORIGIN), &json!({"age_group": "12_17"})).await;
        assert_eq!(r.status().as_u16(), 422);
        let r = submit(&app, &own, &key, Some(&format!("foreign-{i}")), Some("https://evil.example"), &body()).await;
        assert_eq!(r.status().as_u16(), 403);
        let r = submit(&app, &own, &key, None, Some(ORIGIN), &body()).await;
        assert_eq!(r.status().as_u16(), 400);
    }
    assert_eq!(count(&app).await, 0);

    // The client's own budget: two stored submissions (a retry is not a new one), then 429.
    for idem in ["one", "two", "one"] {
        let r = submit(&app, &own, &key, Some(idem), Some(ORIGIN), &body()).await;
        assert_eq!(r.status().as_u16(), 201, "{idem}");
    }
    assert_429(submit(&app, &own, &key, Some("three"), Some(ORIGIN), &body()).await, "address").await;
    assert_eq!(count(&app).await, 2, "a refused submission is not stored");

    // The origin's budget (3): one more from another client, then the origin is spent…
    assert_eq!(submit(&app, &from(3), &key, Some("four"), Some(ORIGIN), &body()).await.status().as_u16(), 201);
    assert_429(submit(&app, &from(4), &key, Some("five"), Some(ORIGIN), &body()).await, "origin").await;
    // …but not the key's other origin, until the key's budget (4) is spent.
    assert_eq!(submit(&app, &from(4), &key, Some("six"), Some(OTHER_ORIGIN), &body()).await.status().as_u16(), 201);
    assert_429(submit(&app, &from(5), &key, Some("seven"), Some(OTHER_ORIGIN), &body()).await, "API key").await;
    assert_eq!(count(&app).await, 4);

    // Another partner's key is untouched by all of it.
    let other = keys::issue(&mut conn, "Casa Segura", Role::Partner, &[ORIGIN.into()]).await.unwrap().secret;
    assert_eq!(submit(&app, &from(6), &other, Some("one"), Some(ORIGIN), &body()).await.status().as_u16(), 201);
    assert_eq!(count(&app).await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scripted_looking_submissions_are_marked_for_the_coordinators_triage() {
    let limits = RateLimits { intake: IntakeLimits { origin_tolerant: true, ..IntakeLimits::default() }, ..RateLimits::default() };
    let app = TestApp::spawn_with_limits(limits).await.unwrap();
    let mut conn = app.conn().await.unwrap();
    let key = keys::issue(&mut conn, "Safe Harbor", Role::Partner, &[ORIGIN.into()]).await.unwrap().secret;
    let coordinator = app.key("State", Role::Coordinator).await.unwrap();

    let cases: [(u8, &str, Option<&str>, &[&str]); 4] = [
        (2, "plain", Some(ORIGIN), &[]),
        (3, "no-origin", None, &["no_origin"]),
        (4, "mismatch", Some("https://evil.example"), &["origin_mismatch"]),
        // The same client again within a minute.
        (2, "burst", Some(ORIGIN), &["burst"]),
    ];
    let mut ids = Vec::new();
    for (client, idem, origin, _) in cases {
        let r = submit(&app, &from(client), &key, Some(idem), origin, &body()).await;
        assert_eq!(r.status().as_u16(), 201, "{idem}");
        let receipt: Value = r.json().await.unwrap();
        assert!(receipt.get("scripted_reasons").is_none(), "the partner's page is told nothing: {receipt}");
        ids.push(receipt["id"].as_str().unwrap().to_string());
    }

    let list = |query: &'static str| {
        let (app, coordinator) = (&app, &coordinator);
        async move {
            let r = app.get(&format!("/v1/intake{query}"), coordinator).await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "{query}");
            let page: Value = r.json().await.unwrap();
            page["items"].as_array().unwrap().clone()
        }
    };
    let all = list("").await;
    assert_eq!(all.len(), 4);
    for ((_, idem, _, reasons), id) in cases.iter().zip(&ids) {
        let item = all.iter().find(|i| i["id"] == id.as_str()).unwrap();
        assert_eq!(item["scripted_reasons"], json!(reasons), "{idem}");
    }
    let marked = list("?scripted=true").await;
    assert_eq!(marked.len(), 3);
    assert!(marked.iter().all(|i| !i["scripted_reasons"].as_array().unwrap().is_empty()));
    let unmarked = list("?scripted=false").await;
    assert_eq!(unmarked.len(), 1);
    assert_eq!(unmarked[0]["id"], ids[0].as_str());
    let r = app.get("/v1/intake?scripted=maybe", &coordinator).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);

    // Without the tolerance (the default), a missing or unbound origin is refused, not marked.
    let strict = TestApp::spawn().await.unwrap();
    let mut conn = strict.conn().await.unwrap();
    let key = keys::issue(&mut conn, "Safe Harbor", Role::Partner, &[ORIGIN.into()]).await.unwrap().secret;
    assert_eq!(submit(&strict, &from(3), &key, Some("a"), None, &body()).await.status().as_u16(), 403);
    assert_eq!(submit(&strict, &from(4), &key, Some("b"), Some("https://evil.example"), &body()).await.status().as_u16(), 403);
    assert_eq!(count(&strict).await, 0);
}
