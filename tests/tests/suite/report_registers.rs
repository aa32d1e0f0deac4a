//! The annual report's registers over real HTTP: the coordinator records
//! activities and recommendations, core's rules decide what is accepted, an
//! edit names the version it read, and every write is audited.

use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use chrono::NaiveDate;
use serde_json::{json, Value};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

async fn app() -> (TestApp, String) {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(day(2026, 12, 3));
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    (app, coordinator)
}

async fn answer(r: reqwest::Response) -> (u16, Option<String>, Value) {
    let status = r.status().as_u16();
    let etag = r.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = r.json::<Value>().await.unwrap_or(Value::Null);
    (status, etag, body)
}

async fn post(app: &TestApp, path: &str, key: &str, body: Value) -> (u16, Option<String>, Value) {
    answer(app.post_json(path, key, body.to_string()).await.unwrap()).await
}

async fn get(app: &TestApp, path: &str, key: &str) -> (u16, Option<String>, Value) {
    answer(app.get(path, key).await.unwrap()).await
}

async fn patch(app: &TestApp, path: &str, key: &str, if_match: Option<&str>, body: Value) -> (u16, Option<String>, Value) {
    let mut req = app.client.patch(app.url(path)).bearer_auth(key).header("content-type", "application/merge-patch+json");
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    answer(req.body(body.to_string()).send().await.unwrap()).await
}

fn activity(date: &str) -> Value {
    json!({"date": date, "kind": "training_delivered", "agencies": ["dcf", "cssd"], "description": "Recorded training for DCF and CSSD staff."})
}

fn recommendation(year: i32) -> Value {
    json!({"year": year, "kind": "legislative", "status": "proposed", "text": "Fund survivor housing.", "committee": "appropriations"})
}

fn codes(body: &Value) -> Vec<(String, String)> {
    body["errors"].as_array().unwrap().iter().map(|e| (e["path"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_activity_is_recorded_and_read_back_with_its_etag() {
    let (app, key) = app().await;
    let (status, etag, created) = post(&app, "/v1/reports/activities", &key, activity("2026-11-20")).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(etag.as_deref(), Some("\"1\""));
    let (status, etag, read) = get(&app, &format!("/v1/reports/activities/{}", created["id"].as_str().unwrap()), &key).await;
    assert_eq!((status, etag.as_deref()), (200, Some("\"1\"")));
    assert_eq!(read["date"], "2026-11-20");
    assert_eq!(read["agencies"], json!(["dcf", "cssd"]));
    assert_eq!(read, created);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_activity_is_422_with_core_errors_and_bad_json_is_400() {
    let (app, key) = app().await;
    let mut body = activity("2026-12-04"); // tomorrow
    body["agencies"] = json!(["dcf", "dcf"]);
    let (status, _, problem) = post(&app, "/v1/reports/activities", &key, body).await;
    assert_eq!(status, 422);
    assert_eq!(codes(&problem), [("/agencies".to_string(), "duplicate".to_string()), ("/date".to_string(), "future_date".to_string())]);
    let r = app.post_json("/v1/reports/activities", &key, "{".into()).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recommendation_for_a_year_not_begun_is_refused() {
    let (app, key) = app().await;
    let (status, _, problem) = post(&app, "/v1/reports/recommendations", &key, recommendation(2027)).await;
    assert_eq!(status, 422);
    assert_eq!(codes(&problem), [("/year".to_string(), "range".to_string())]);
    let mut admin = recommendation(2026);
    admin["kind"] = json!("administrative");
    let (status, _, problem) = post(&app, "/v1/reports/recommendations", &key, admin).await;
    assert_eq!(status, 422);
    assert_eq!(codes(&problem), [("/committee".to_string(), "not_allowed".to_string())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patch_needs_the_current_etag_and_is_checked_whole() {
    let (app, key) = app().await;
    let (_, _, created) = post(&app, "/v1/reports/recommendations", &key, recommendation(2026)).await;
    let path = format!("/v1/reports/recommendations/{}", created["id"].as_str().unwrap());

    let (status, _, _) = patch(&app, &path, &key, None, json!({"status": "adopted"})).await;
    assert_eq!(status, 428);
    let (status, etag, changed) = patch(&app, &path, &key, Some("\"1\""), json!({"status": "adopted", "finding": "No housing east of the river."})).await;
    assert_eq!((status, etag.as_deref()), (200, Some("\"2\"")), "{changed}");
    assert_eq!((changed["status"].as_str(), changed["committee"].as_str()), (Some("adopted"), Some("appropriations")));
    assert_eq!(changed["finding"], "No housing east of the river.");

    let (status, _, _) = patch(&app, &path, &key, Some("\"1\""), json!({"status": "implemented"})).await;
    assert_eq!(status, 412, "a stale ETag changes nothing");
    let (status, _, problem) = patch(&app, &path, &key, Some("\"2\""), json!({"kind": "administrative"})).await;
    assert_eq!(status, 422);
    assert_eq!(codes(&problem), [("/committee".to_string(), "not_allowed".to_string())]);
    let (status, _, removed) = patch(&app, &path, &key, Some("\"2\""), json!({"kind": "administrative", "committee": null})).await;
    assert_eq!(status, 200, "{removed}");
    assert_eq!(removed["committee"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_activity_patch_keeps_what_it_does_not_name() {
    let (app, key) = app().await;
    let (_, _, created) = post(&app, "/v1/reports/activities", &key, activity("2026-10-01")).await;
    let path = format!("/v1/reports/activities/{}", created["id"].as_str().unwrap());
    let (status, _, changed) = patch(&app, &path, &key, Some("\"1\""), json!({"kind": "meeting"})).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!((changed["kind"].as_str(), changed["date"].as_str()), (Some("meeting"), Some("2026-10-01")));
    assert_eq!(changed["description"], created["description"]);
    let (status, _, problem) = patch(&app, &path, &key, Some("\"2\""), json!({"date": "2027-01-01"})).await;
    assert_eq!(status, 422);
    assert_eq!(codes(&problem), [("/date".to_string(), "future_date".to_string())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_page_and_filter_by_year() {
    let (app, key) = app().await;
    for date in ["2026-03-01", "2025-12-31", "2026-01-15", "2026-07-04"] {
        assert_eq!(post(&app, "/v1/reports/activities", &key, activity(date)).await.0, 201);
    }
    let (status, _, page) = get(&app, "/v1/reports/activities?year=2026&per_page=2", &key).await;
    assert_eq!(status, 200);
    assert_eq!((page["total_items"].as_i64(), page["total_pages"].as_i64()), (Some(3), Some(2)));
    let dates: Vec<&str> = page["items"].as_array().unwrap().iter().map(|a| a["date"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2026-01-15", "2026-03-01"]);

    assert_eq!(post(&app, "/v1/reports/recommendations", &key, recommendation(2026)).await.0, 201);
    let (_, _, page) = get(&app, "/v1/reports/recommendations?year=2025", &key).await;
    assert_eq!(page["total_items"], 0);
    let (_, _, page) = get(&app, "/v1/reports/recommendations?year=2026", &key).await;
    assert_eq!(page["total_items"], 1);

    let (status, _, problem) = get(&app, "/v1/reports/activities?year=last", &key).await;
    assert_eq!(status, 400);
    assert_eq!(problem["errors"][0]["path"], "/year");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_entry_is_404() {
    let (app, key) = app().await;
    let (status, _, _) = get(&app, "/v1/reports/activities/7d1c5f0e-0000-4000-8000-000000000000", &key).await;
    assert_eq!(status, 404);
    let (status, _, _) = get(&app, "/v1/reports/recommendations/not-a-uuid", &key).await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_coordinator_keeps_the_registers_and_writes_are_audited() {
    let (app, key) = app().await;
    let reporter = app.key("DCF", Role::Reporter).await.unwrap();
    assert_eq!(post(&app, "/v1/reports/activities", &reporter, activity("2026-11-20")).await.0, 403);
    assert_eq!(get(&app, "/v1/reports/recommendations", &reporter).await.0, 403);

    let (_, _, a) = post(&app, "/v1/reports/activities", &key, activity("2026-11-20")).await;
    let (_, _, r) = post(&app, "/v1/reports/recommendations", &key, recommendation(2026)).await;
    let r_path = format!("/v1/reports/recommendations/{}", r["id"].as_str().unwrap());
    assert_eq!(patch(&app, &r_path, &key, Some("\"1\""), json!({"status": "adopted"})).await.0, 200);

    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct A {
        #[diesel(sql_type = diesel::sql_types::Text)]
        action: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        resource_id: Option<String>,
    }
    let mut conn = app.conn().await.unwrap();
    let rows: Vec<A> = diesel::sql_query("SELECT action, resource_id FROM audit_log WHERE action LIKE 'report.%' ORDER BY seq")
        .load(&mut conn)
        .await
        .unwrap();
    let got: Vec<(&str, Option<&str>)> = rows.iter().map(|r| (r.action.as_str(), r.resource_id.as_deref())).collect();
    assert_eq!(
        got,
        [
            ("report.activity.create", a["id"].as_str()),
            ("report.recommendation.create", r["id"].as_str()),
            ("report.recommendation.update", r["id"].as_str()),
        ]
    );
}
