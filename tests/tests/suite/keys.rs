use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use serde_json::{json, Value};

async fn admin_post(app: &TestApp, key: &str, path: &str, body: Value) -> reqwest::Response {
    app.post_json(path, key, body.to_string()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_key_is_refused_on_its_very_next_request() {
    let app = TestApp::spawn().await.unwrap();
    let admin = app.key("State IT", Role::Admin).await.unwrap();
    let issued: Value = admin_post(&app, &admin, "/v1/admin/keys", json!({"account": "DCF", "role": "reporter"}))
        .await
        .json()
        .await
        .unwrap();
    let key = issued["key"].as_str().unwrap();
    assert!(key.starts_with("bk_"));
    assert_eq!(app.get("/v1/incidents", key).await.unwrap().status().as_u16(), 200);
    let r = admin_post(&app, &admin, &format!("/v1/admin/keys/{}/revoke", issued["id"].as_str().unwrap()), json!({})).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(app.get("/v1/incidents", key).await.unwrap().status().as_u16(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_a_key_gives_a_working_new_key_and_stops_the_old() {
    let app = TestApp::spawn().await.unwrap();
    let admin = app.key("State IT", Role::Admin).await.unwrap();
    let issued: Value = admin_post(&app, &admin, "/v1/admin/keys", json!({"account": "Shelter", "role": "partner", "origins": ["https://shelter.example"]}))
        .await
        .json()
        .await
        .unwrap();
    let old = issued["key"].as_str().unwrap();
    assert!(old.starts_with("bpk_"), "partner keys are publishable");
    let r = admin_post(&app, &admin, &format!("/v1/admin/keys/{}/rotate", issued["id"].as_str().unwrap()), json!({})).await;
    assert_eq!(r.status().as_u16(), 201);
    let new: Value = r.json().await.unwrap();
    let new_key = new["key"].as_str().unwrap();
    // A partner key reads nothing: the new key authenticates (403, not 401), the old one does not.
    assert_eq!(app.get("/v1/codes", old).await.unwrap().status().as_u16(), 401);
    assert_eq!(app.get("/v1/codes", new_key).await.unwrap().status().as_u16(), 403);
    let listed: Value = app.get("/v1/admin/keys", &admin).await.unwrap().json().await.unwrap();
    let rotated = listed.as_array().unwrap().iter().find(|k| k["id"] == new["id"]).unwrap();
    assert_eq!(rotated["origins"], json!(["https://shelter.example"]));
    assert!(rotated["last_used_at"].is_string());
    assert!(!listed.to_string().contains(new_key), "listing must never show a key");
}

/// Issue 13 item 8: rotating is for a live key. A revoked one — revoked by hand, or already
/// rotated once — is refused with 409, and no successor is issued.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_key_cannot_be_rotated_back_to_life() {
    let app = TestApp::spawn().await.unwrap();
    let admin = app.key("State IT", Role::Admin).await.unwrap();
    let issue = || async {
        let issued: Value = admin_post(&app, &admin, "/v1/admin/keys", json!({"account": "DCF", "role": "reporter"})).await.json().await.unwrap();
        issued["id"].as_str().unwrap().to_string()
    };
    let revoked = issue().await;
    assert_eq!(admin_post(&app, &admin, &format!("/v1/admin/keys/{revoked}/revoke"), json!({})).await.status().as_u16(), 200);
    let rotated = issue().await;
    assert_eq!(admin_post(&app, &admin, &format!("/v1/admin/keys/{rotated}/rotate"), json!({})).await.status().as_u16(), 201);
    let count = |listed: &Value| listed.as_array().unwrap().len();
    let before: Value = app.get("/v1/admin/keys", &admin).await.unwrap().json().await.unwrap();
    for id in [&revoked, &rotated] {
        let r = admin_post(&app, &admin, &format!("/v1/admin/keys/{id}/rotate"), json!({})).await;
        assert_eq!(r.status().as_u16(), 409, "{id}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["code"], "key_revoked");
    }
    let after: Value = app.get("/v1/admin/keys", &admin).await.unwrap().json().await.unwrap();
    assert_eq!(count(&after), count(&before), "a refused rotation issues nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_is_refused_once_the_server_clock_passes_its_expiry() {
    let app = TestApp::spawn().await.unwrap();
    let admin = app.key("State IT", Role::Admin).await.unwrap();
    let expires_at = app.now() + chrono::Duration::days(1);
    let issued: Value = admin_post(&app, &admin, "/v1/admin/keys", json!({"account": "DCF", "role": "reporter", "expires_at": expires_at}))
        .await
        .json()
        .await
        .unwrap();
    let key = issued["key"].as_str().unwrap();
    assert_eq!(app.get("/v1/incidents", key).await.unwrap().status().as_u16(), 200);
    app.set_now(expires_at + chrono::Duration::seconds(1));
    assert_eq!(app.get("/v1/incidents", key).await.unwrap().status().as_u16(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_cannot_be_created_already_expired() {
    let app = TestApp::spawn().await.unwrap();
    let admin = app.key("State IT", Role::Admin).await.unwrap();
    let r = admin_post(&app, &admin, "/v1/admin/keys", json!({"account": "DCF", "role": "reporter", "expires_at": "2020-01-01T00:00:00Z"})).await;
    assert_eq!(r.status().as_u16(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["path"], "/expires_at");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_origin_must_be_https_unless_local_and_listed_once() {
    let app = TestApp::spawn().await.unwrap();
    let admin = app.key("State IT", Role::Admin).await.unwrap();
    let origins = json!(["http://shelter.example", "https://shelter.example", "https://Shelter.example/", "http://localhost:8080"]);
    let r = admin_post(&app, &admin, "/v1/admin/keys", json!({"account": "Shelter", "role": "partner", "origins": origins})).await;
    assert_eq!(r.status().as_u16(), 422);
    let body: Value = r.json().await.unwrap();
    let found: Vec<(&str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(found, vec![("/origins/0", "format"), ("/origins/2", "duplicate")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_key_request_names_each_problem() {
    let app = TestApp::spawn().await.unwrap();
    let admin = app.key("State IT", Role::Admin).await.unwrap();
    let r = admin_post(&app, &admin, "/v1/admin/keys", json!({"account": "", "role": "reporter", "origins": ["nope"]})).await;
    assert_eq!(r.status().as_u16(), 422);
    let body: Value = r.json().await.unwrap();
    let paths: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, vec!["/account", "/origins", "/origins/0"]);
    let r = admin_post(&app, &admin, "/v1/admin/keys", json!({"account": "X", "role": "overlord"})).await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "unknown_code");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_refuses_the_origins_the_http_api_refuses() {
    let bin = beacon_tests::app::beacon_binary().unwrap();
    let db = beacon_tests::pg::TestDb::new().await.unwrap();
    let out = std::process::Command::new(&bin)
        .args(["keys", "create", "--account", "Shelter", "--role", "partner", "--origin", "http://shelter.example"])
        .env("DATABASE_URL", &db.url)
        .env("BEACON_AUDIT_KEY", beacon_tests::app::audit_key_base64())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--origin #1"), "{stderr}");
}
