use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn liveness_and_readiness_report_ok() {
    let app = TestApp::spawn().await.unwrap();
    for path in ["/health/live", "/health/ready"] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_is_503_when_the_database_is_gone() {
    let app = TestApp::spawn().await.unwrap();
    app.db.drop_now().await.unwrap();
    let r = app.client.get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    let live = app.client.get(app.url("/health/live")).send().await.unwrap();
    assert_eq!(live.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_publish_every_list_and_the_169_towns() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Any", Role::Reporter).await.unwrap();
    let body: Value = app.get("/v1/codes", &key).await.unwrap().json().await.unwrap();
    assert_eq!(body["towns"].as_array().unwrap().len(), 169);
    assert_eq!(body["lists"]["agency"].as_array().unwrap().len(), 20);
    assert_eq!(body["lists"]["venue"].as_array().unwrap().len(), 14);
    assert_eq!(body["lists"]["control_method"].as_array().unwrap().len(), 17);
    assert_eq!(body["lists"]["service"].as_array().unwrap().len(), 16);
    let andover = &body["towns"][0];
    assert_eq!((andover["town"].as_str(), andover["dcf_region"].as_u64()), (Some("Andover"), Some(4)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_openapi_document_is_the_generated_one() {
    let app = TestApp::spawn().await.unwrap();
    let served: Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let generated = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    assert_eq!(served, generated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactive_docs_are_served_without_the_internet() {
    let app = TestApp::spawn().await.unwrap();
    let r = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    for asset in ["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js"] {
        let r = app.client.get(app.url(asset)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{asset}");
    }
    assert!(!html.contains("cdn."), "docs must not load from a CDN");
}
