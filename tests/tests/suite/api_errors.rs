use crate::api_incidents::incident;
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::Value;

async fn problem(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let content_type = r.headers()["content-type"].to_str().unwrap().to_string();
    assert_eq!(content_type, "application/problem+json", "status {status}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"].as_u64(), Some(u64::from(status)));
    assert!(body["title"].is_string() && body["code"].is_string());
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_key_or_a_wrong_key_is_401_problem_json() {
    let app = TestApp::spawn().await.unwrap();
    let r = app.client.get(app.url("/v1/incidents")).send().await.unwrap();
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    assert_eq!(problem(r).await.0, 401);
    let r = app.get("/v1/codes", "bk_not-a-real-key").await.unwrap();
    assert_eq!(problem(r).await.1["code"], "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_json_typed_is_415() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let r = app
        .client
        .post(app.url("/v1/incidents"))
        .bearer_auth(&key)
        .header("content-type", "text/plain")
        .body(incident("Hartford", "2026-06-01").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(problem(r).await.0, 415);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_256_kib_is_413() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let mut body = incident("Hartford", "2026-06-01");
    body["narrative"] = Value::String("x".repeat(300 * 1024));
    let r = app.post_json("/v1/incidents", &key, body.to_string()).await.unwrap();
    assert_eq!(problem(r).await.0, 413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_json_is_400_with_invalid_json_at_the_root() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let r = app.post_json("/v1/incidents", &key, "{\"status\": ".into()).await.unwrap();
    let (status, body) = problem(r).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], "invalid_json");
    assert_eq!(body["errors"][0]["path"], "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_report_is_422_and_writes_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let mut body = incident("Hartford", "2026-06-01");
    let mut second = body["victims"][0].clone();
    second["age"] = Value::from(200);
    body["victims"].as_array_mut().unwrap().push(second);
    let r = app.post_json("/v1/incidents", &key, body.to_string()).await.unwrap();
    let (status, problem_body) = problem(r).await;
    assert_eq!(status, 422);
    assert_eq!(problem_body["code"], "validation_failed");
    assert_eq!(problem_body["errors"][0]["path"], "/victims/1/age");
    let mut conn = app.conn().await.unwrap();
    use beacon_api::db::schema::{incidents, victims};
    let counts: (i64, i64) = (
        incidents::table.count().get_result(&mut conn).await.unwrap(),
        victims::table.count().get_result(&mut conn).await.unwrap(),
    );
    assert_eq!(counts, (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_route_or_id_is_a_404_problem() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    assert_eq!(problem(app.get("/v1/nothing-here", &key).await.unwrap()).await.0, 404);
    assert_eq!(problem(app.get("/v1/incidents/not-a-uuid", &key).await.unwrap()).await.0, 404);
}

/// A bad query parameter is a 400 whose `errors` names it, on every list: a value of the wrong
/// type (which the extractor refuses before the handler runs) as much as one out of range.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_query_parameter_is_a_400_naming_it() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("CTHTPC", Role::Coordinator).await.unwrap();
    let auditor = app.key("AUDIT", Role::Auditor).await.unwrap();
    let lists = [
        ("/v1/incidents", &coordinator),
        ("/v1/audit", &auditor),
        ("/v1/intake", &coordinator),
        ("/v1/workforce", &coordinator),
        ("/v1/directory/referrals", &coordinator),
        ("/v1/directory/search", &coordinator),
        ("/hsds/services", &coordinator),
        ("/hsds/organizations", &coordinator),
        ("/hsds/service_at_locations", &coordinator),
    ];
    for (list, key) in lists {
        for (query, path, code) in [("page=abc", "/page", "invalid_type"), ("per_page=0", "/per_page", "range")] {
            let r = app.get(&format!("{list}?{query}"), key).await.unwrap();
            let (status, body) = problem(r).await;
            assert_eq!(status, 400, "{list}?{query}");
            assert_eq!(body["code"], "invalid_query", "{list}?{query}");
            assert_eq!(body["errors"][0]["path"], path, "{list}?{query}: {body}");
            assert_eq!(body["errors"][0]["code"], code, "{list}?{query}: {body}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    for (method, path, allow) in [
        (reqwest::Method::DELETE, "/v1/incidents", "GET, POST"),
        (reqwest::Method::PUT, "/v1/codes", "GET"),
        (reqwest::Method::POST, "/hsds/services", "GET"),
    ] {
        let r = app.client.request(method.clone(), app.url(path)).bearer_auth(&key).send().await.unwrap();
        let allowed = r.headers().get("allow").map(|v| v.to_str().unwrap().to_string());
        let (status, body) = problem(r).await;
        assert_eq!((status, body["code"].as_str()), (405, Some("method_not_allowed")), "{method} {path}");
        let allowed = allowed.unwrap_or_default();
        assert!(allow.split(", ").all(|m| allowed.split(", ").any(|a| a == m)), "{method} {path}: Allow {allowed}");
    }
    // An unknown path stays 404, and so does a known method on a path it does not match.
    let r = app.client.delete(app.url("/v1/nothing-here")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(problem(r).await.0, 404);
    let r = app.client.get(app.url("/v1/incidents/")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(problem(r).await.0, 404);
}
