//! Generated from the registered route table (utoipa-actix-web registers
//! routes and documents them in one step): every route × every role gets the
//! outcome its declared policy promises, and every /v1 route has a policy.

use beacon_api::security::policy::roles_of;
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use reqwest::Method;
use serde_json::Value;

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| if seg.starts_with('{') { uuid::Uuid::new_v4().to_string() } else { seg.to_string() })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_role_as_its_policy_declares() {
    let app = TestApp::spawn().await.unwrap();
    let mut keys = Vec::new();
    for role in Role::ALL {
        keys.push((role, app.key(&format!("{role:?} org"), role).await.unwrap()));
    }
    let doc = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let roles = roles_of(operation).unwrap();
            if path.starts_with("/v1/") && roles.as_ref().is_none_or(Vec::is_empty) {
                failures.push(format!("{method} {path}: a /v1 route without an access policy"));
                continue;
            }
            let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
            let url = app.url(&concrete(path));
            let send = |key: Option<&str>| {
                let mut request = app.client.request(method.clone(), &url);
                if let Some(key) = key {
                    request = request.bearer_auth(key);
                }
                if method != Method::GET {
                    request = request.header("content-type", "application/json").body("{}");
                }
                request.send()
            };
            let Some(roles) = roles else {
                let status = send(None).await.unwrap().status().as_u16();
                if !(200..300).contains(&status) {
                    failures.push(format!("{method} {path}: public route answered {status}"));
                }
                continue;
            };
            let anonymous = send(None).await.unwrap().status().as_u16();
            if anonymous != 401 {
                failures.push(format!("{method} {path}: without a key got {anonymous}, expected 401"));
            }
            for (role, key) in &keys {
                let status = send(Some(key)).await.unwrap().status().as_u16();
                let allowed = roles.contains(role);
                let ok = if allowed { status != 401 && status != 403 } else { status == 403 };
                checked += 1;
                if !ok {
                    let expected = if allowed { "not 401/403" } else { "403" };
                    failures.push(format!("{method} {path} as {role:?}: got {status}, expected {expected}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 20, "only {checked} route × role pairs checked");
}

#[test]
fn the_policy_document_lists_roles_for_every_secured_operation() {
    let doc: Value = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    let policy = beacon_api::security::policy::Policy::from_openapi(&beacon_api::openapi::document());
    assert!(policy.is_ok(), "{:?}", policy.err());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
