//! The partner intake endpoint and the coordinator's side of it.

use beacon_api::security::{keys, Role};
use beacon_tests::app::TestApp;
use serde_json::{json, Value};

const ORIGIN: &str = "https://safeharbor.example";

async fn partner(app: &TestApp) -> String {
    let mut conn = app.conn().await.unwrap();
    keys::issue(&mut conn, "Safe Harbor", Role::Partner, &[ORIGIN.to_string()]).await.unwrap().secret
}

fn minor_submission() -> Value {
    json!({"concern_types": ["labor"], "age_group": "12_17", "town": "new haven", "needs": ["shelter"],
           "safe_to_contact": true, "contact": {"name": "MARKER-CONTACT", "phone": "+12035550100"},
           "consent_to_share": true, "notes": "MARKER-NOTES"})
}

async fn submit(app: &TestApp, key: &str, idem: Option<&str>, origin: &str, body: &Value) -> reqwest::Response {
    let mut r = app
        .client
        .post(app.url("/v1/intake"))
        .bearer_auth(key)
        .header("origin", origin)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(idem) = idem {
        r = r.header("idempotency-key", idem);
    }
    r.send().await.unwrap()
}

async fn count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let mut conn = app.conn().await.unwrap();
    beacon_api::db::schema::intake_submissions::table.count().get_result(&mut conn).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submission_returns_a_receipt_that_echoes_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let key = partner(&app).await;
    let r = submit(&app, &key, Some("k-1"), ORIGIN, &minor_submission()).await;
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(r.headers()["access-control-allow-origin"], ORIGIN);
    let text = r.text().await.unwrap();
    assert!(!text.contains("MARKER") && !text.contains("shelter") && !text.contains("New Haven"), "{text}");
    let receipt: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(receipt["minor_involved"], true);
    let reference = receipt["reference"].as_str().unwrap();
    assert!(reference.chars().all(|c| c == '-' || "ACDEFGHJKMNPQRTUVWXYZ234679".contains(c)), "{reference}");
}

/// Issue 13 item 8: an origin is compared case-insensitively everywhere — the CORS preflight
/// (which looks the origin up among live keys) as well as the submission itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_origin_in_other_case_is_the_same_origin_in_cors_and_intake() {
    let app = TestApp::spawn().await.unwrap();
    let key = partner(&app).await;
    let shouted = "https://SafeHarbor.EXAMPLE";
    let r = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/v1/intake"))
        .header("origin", shouted)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization, content-type, idempotency-key")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(r.headers()["access-control-allow-origin"], shouted);
    let r = submit(&app, &key, Some("k-case"), shouted, &minor_submission()).await;
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(r.headers()["access-control-allow-origin"], shouted);
    // An origin that is not one (a path on it) is never allowed, whatever its case.
    let r = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/v1/intake"))
        .header("origin", "https://safeharbor.example/form")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_with_the_same_key_and_body_writes_nothing_new() {
    let app = TestApp::spawn().await.unwrap();
    let key = partner(&app).await;
    let first: Value = submit(&app, &key, Some("k-1"), ORIGIN, &minor_submission()).await.json().await.unwrap();
    let r = submit(&app, &key, Some("k-1"), ORIGIN, &minor_submission()).await;
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    let second: Value = r.json().await.unwrap();
    assert_eq!(first, second);
    assert_eq!(count(&app).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_idempotency_key_with_another_body_is_refused() {
    let app = TestApp::spawn().await.unwrap();
    let key = partner(&app).await;
    submit(&app, &key, Some("k-1"), ORIGIN, &minor_submission()).await;
    let mut other = minor_submission();
    other["age_group"] = json!("18_24");
    let r = submit(&app, &key, Some("k-1"), ORIGIN, &other).await;
    assert_eq!(r.status().as_u16(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "idempotency_key_reused");
    assert_eq!(count(&app).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_idempotency_key_or_a_foreign_origin_is_refused() {
    let app = TestApp::spawn().await.unwrap();
    let key = partner(&app).await;
    let r = submit(&app, &key, None, ORIGIN, &minor_submission()).await;
    assert_eq!(r.status().as_u16(), 400);
    let r = submit(&app, &key, Some("k-2"), "https://evil.example", &minor_submission()).await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.headers().get("access-control-allow-origin").is_none());
    assert_eq!(count(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_intake_preflight_is_answered_only_for_bound_origins() {
    let app = TestApp::spawn().await.unwrap();
    partner(&app).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/v1/intake"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type, idempotency-key")
            .send()
    };
    let ok = preflight(ORIGIN).await.unwrap();
    assert!(ok.status().is_success());
    assert_eq!(ok.headers()["access-control-allow-origin"], ORIGIN);
    assert!(ok.headers()["access-control-allow-headers"].to_str().unwrap().contains("idempotency-key"));
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
    let other_route = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/v1/incidents"))
        .header("origin", ORIGIN)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(other_route.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_coordinator_triages_the_minors_queue_and_converts_to_an_incident() {
    let app = TestApp::spawn().await.unwrap();
    let key = partner(&app).await;
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let receipt: Value = submit(&app, &key, Some("k-1"), ORIGIN, &minor_submission()).await.json().await.unwrap();
    let mut adult = minor_submission();
    adult["age_group"] = json!("25_59");
    submit(&app, &key, Some("k-2"), ORIGIN, &adult).await;
    let queue: Value = app.get("/v1/intake?awaiting_dcf=true", &coordinator).await.unwrap().json().await.unwrap();
    assert_eq!(queue["total_items"], 1);
    assert!(!queue.to_string().contains("MARKER"), "sealed fields must not be listed");
    let id = receipt["id"].as_str().unwrap();
    let patch = app
        .client
        .patch(app.url(&format!("/v1/intake/{id}")))
        .bearer_auth(&coordinator)
        .header("content-type", "application/json")
        .body(json!({"status": "triaged", "dcf_notified": true}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status().as_u16(), 200);
    let queue: Value = app.get("/v1/intake?awaiting_dcf=true", &coordinator).await.unwrap().json().await.unwrap();
    assert_eq!(queue["total_items"], 0);
    let convert = app
        .post_json(&format!("/v1/intake/{id}/convert"), &coordinator, json!({"reporting_agency": "dcf"}).to_string())
        .await
        .unwrap();
    assert_eq!(convert.status().as_u16(), 201);
    let incident: Value = convert.json().await.unwrap();
    assert_eq!(incident["derived"]["town"], "New Haven");
    let again = app.post_json(&format!("/v1/intake/{id}/convert"), &coordinator, json!({"reporting_agency": "dcf"}).to_string()).await.unwrap();
    assert_eq!(again.status().as_u16(), 409);
    let converted: Value = app.get("/v1/intake?status=converted", &coordinator).await.unwrap().json().await.unwrap();
    assert_eq!(converted["items"][0]["converted_incident_id"], incident["id"]);
}

/// Issue 13 item 8: conversions racing each other make one incident (the others 409, their
/// incidents rolled back), and a converted submission cannot be set back to `new`, even by a
/// PATCH racing the conversion.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_conversions_make_one_incident_and_a_converted_submission_stays_converted() {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    let app = TestApp::spawn().await.unwrap();
    let key = partner(&app).await;
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let mut adult = minor_submission();
    adult["age_group"] = json!("25_59");
    let receipt: Value = submit(&app, &key, Some("k-race"), ORIGIN, &adult).await.json().await.unwrap();
    let id = receipt["id"].as_str().unwrap().to_string();
    // Request builders own what they send, so every request can be spawned to run at once.
    let convert = || {
        app.client
            .post(app.url(&format!("/v1/intake/{id}/convert")))
            .bearer_auth(&coordinator)
            .header("content-type", "application/json")
            .body(json!({"reporting_agency": "dcf"}).to_string())
    };
    let patch_new = || {
        app.client
            .patch(app.url(&format!("/v1/intake/{id}")))
            .bearer_auth(&coordinator)
            .header("content-type", "application/json")
            .body(json!({"status": "new"}).to_string())
    };
    let conversions: Vec<_> = (0..6).map(|_| tokio::spawn(convert().send())).collect();
    let patches: Vec<_> = (0..3).map(|_| tokio::spawn(patch_new().send())).collect();
    let mut statuses = Vec::new();
    for c in conversions {
        statuses.push(c.await.unwrap().unwrap().status().as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    for p in patches {
        let status = p.await.unwrap().unwrap().status().as_u16();
        assert!(status == 200 || status == 422, "{status}");
    }
    let mut conn = app.conn().await.unwrap();
    let incidents: i64 = beacon_api::db::schema::incidents::table.count().get_result(&mut conn).await.unwrap();
    assert_eq!(incidents, 1, "one conversion, one incident");
    let row: Value = app.get(&format!("/v1/intake/{id}"), &coordinator).await.unwrap().json().await.unwrap();
    assert_eq!(row["status"], "converted");
    let r = patch_new().send().await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["path"], "/status");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversion_that_breaks_the_incident_contract_names_the_problem() {
    let app = TestApp::spawn().await.unwrap();
    let key = partner(&app).await;
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let receipt: Value = submit(&app, &key, Some("k-1"), ORIGIN, &minor_submission()).await.json().await.unwrap();
    let r = app
        .post_json(&format!("/v1/intake/{}/convert", receipt["id"].as_str().unwrap()), &coordinator, json!({}).to_string())
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["path"], "/reporting_agency");
}

/// Records DCF's notification on a submission, as the coordinator does from the minors' queue.
async fn record_dcf_notified(app: &TestApp, coordinator: &str, id: &str) {
    let patch = app
        .client
        .patch(app.url(&format!("/v1/intake/{id}")))
        .bearer_auth(coordinator)
        .header("content-type", "application/json")
        .body(json!({"dcf_notified": true}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifteen_year_olds_intake_converts_to_a_minors_incident() {
    let app = TestApp::spawn().await.unwrap();
    let key = partner(&app).await;
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    // A 15-year-old: the form asks for the age group, `12_17`, never the exact age.
    let receipt: Value = submit(&app, &key, Some("k-15"), ORIGIN, &minor_submission()).await.json().await.unwrap();
    let id = receipt["id"].as_str().unwrap();
    record_dcf_notified(&app, &coordinator, id).await;
    let convert = app
        .post_json(&format!("/v1/intake/{id}/convert"), &coordinator, json!({"reporting_agency": "dcf"}).to_string())
        .await
        .unwrap();
    assert_eq!(convert.status().as_u16(), 201);
    let created: Value = convert.json().await.unwrap();
    assert_eq!(created["derived"]["minor_involved"], true);
    let incident: Value = app
        .get(&format!("/v1/incidents/{}", created["id"].as_str().unwrap()), &coordinator)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&incident["derived"]["minor_involved"], &incident["victims"][0]["age_band"], &incident["victims"][0]["minor"], &incident["dcf_notified"]),
        (&json!(true), &json!("12_17"), &json!(true), &json!(true)),
        "{incident}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversion_that_drops_a_minors_age_group_or_dcf_notification_is_refused() {
    let app = TestApp::spawn().await.unwrap();
    let key = partner(&app).await;
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let receipt: Value = submit(&app, &key, Some("k-15"), ORIGIN, &minor_submission()).await.json().await.unwrap();
    let id = receipt["id"].as_str().unwrap();
    record_dcf_notified(&app, &coordinator, id).await;
    let overrides = json!({"reporting_agency": "dcf", "victims": [{"sex": "female"}], "dcf_notified": false});
    let r = app.post_json(&format!("/v1/intake/{id}/convert"), &coordinator, overrides.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body: Value = r.json().await.unwrap();
    let mut got: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("/dcf_notified".to_string(), "contradicts_submission".to_string()),
            ("/victims/0/age_band".to_string(), "contradicts_submission".to_string()),
        ]
    );
}

/// Sec. 10: an unknown age is not an adult one. Such a submission waits in the review queue
/// until the coordinator records its age group; a minor's group then puts it in the DCF queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_age_waits_for_review_and_a_recorded_minor_joins_the_dcf_queue() {
    let app = TestApp::spawn().await.unwrap();
    let key = partner(&app).await;
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let mut unknown = minor_submission();
    unknown["age_group"] = json!("unknown");
    let receipt: Value = submit(&app, &key, Some("k-1"), ORIGIN, &unknown).await.json().await.unwrap();
    submit(&app, &key, Some("k-2"), ORIGIN, &minor_submission()).await;
    let total = |path: &'static str| {
        let app = &app;
        let coordinator = &coordinator;
        async move { app.get(path, coordinator).await.unwrap().json::<Value>().await.unwrap()["total_items"].clone() }
    };
    assert_eq!(total("/v1/intake?age_unknown=true").await, 1);
    assert_eq!(total("/v1/intake?awaiting_dcf=true").await, 1, "only the known minor so far");

    let id = receipt["id"].as_str().unwrap();
    let patch = |body: Value| {
        app.client
            .patch(app.url(&format!("/v1/intake/{id}")))
            .bearer_auth(&coordinator)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    let r = patch(json!({"age_group": "unknown"})).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let r = patch(json!({"age_group": "12_17"})).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let updated: Value = r.json().await.unwrap();
    assert_eq!(updated["age_group"], "12_17", "{updated}");
    assert_eq!(total("/v1/intake?age_unknown=true").await, 0);
    assert_eq!(total("/v1/intake?awaiting_dcf=true").await, 2, "the recorded minor now waits for DCF");
    let r = patch(json!({"age_group": "18_24"})).await.unwrap();
    assert_eq!(r.status().as_u16(), 422, "a recorded age group is not changed this way");
}
