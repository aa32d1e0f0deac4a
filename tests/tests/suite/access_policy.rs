//! Generated from the registered route table (utoipa-actix-web registers
//! routes and documents them in one step): every route × every role gets the
//! outcome its declared policy promises, and every /v1 route has a policy.

use beacon_api::security::policy::roles_of;
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use reqwest::Method;
use serde_json::Value;

/// The path with each `{param}` filled: the parameter's documented `example` when it has one
/// (e.g. a file name of the public `/embed/pkg/{file}`), else a random id.
fn concrete(path: &str, operation: &Value) -> String {
    let example = |name: &str| {
        operation["parameters"]
            .as_array()?
            .iter()
            .find(|p| p["in"] == "path" && p["name"] == name)?["example"]
            .as_str()
            .map(str::to_string)
    };
    path.split('/')
        .map(|seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => example(name).unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            None => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_every_role_as_its_policy_declares() {
    // Dozens of deliberate 401s: lift the failed-authentication budget so the
    // rate limiter (tested in `edge`) does not answer in the policy's place.
    let generous = std::num::NonZeroU32::new(100_000).unwrap();
    let intake = beacon_api::config::IntakeLimits { per_ip: generous, per_origin: generous, per_key: generous, origin_tolerant: false };
    let limits = beacon_api::config::RateLimits { per_ip: generous, per_key: generous, failed_auth: generous, intake, ..Default::default() };
    let app = TestApp::spawn_with_limits(limits).await.unwrap();
    // A partner key is only usable from its bound origin, so every request
    // carries that origin (harmless for the other roles' same-origin routes).
    let origin = "https://partner.example";
    let mut keys = Vec::new();
    let mut conn = app.conn().await.unwrap();
    for role in Role::ALL {
        let origins = if role == Role::Partner { vec![origin.to_string()] } else { vec![] };
        let issued = beacon_api::security::keys::issue(&mut conn, &format!("{role:?} org"), role, &origins).await.unwrap();
        keys.push((role, issued.secret));
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
            let url = app.url(&concrete(path, operation));
            let send = |key: Option<&str>| {
                let mut request = app.client.request(method.clone(), &url).header("origin", origin);
                if let Some(key) = key {
                    request = request.bearer_auth(key);
                }
                if method != Method::GET {
                    request = request.header("content-type", "application/json").body("{}");
                }
                request.send()
            };
            let Some(roles) = roles else {
                // Public: never asks for a key (a made-up path id may well be a 404).
                let status = send(None).await.unwrap().status().as_u16();
                if status == 401 || status == 403 || status >= 500 {
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
