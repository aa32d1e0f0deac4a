//! Directory service vectors (`tests/fixtures/directory/`): each must give exactly the expected
//! `(path, code)` set, from native core, wasm `validateService` in node and
//! `POST /v1/directory/services` over real HTTP alike, messages included. Each vector is judged
//! as of noon UTC on its `today`.

use beacon_api::security::Role;
use beacon_core::directory::ServiceVerdict;
use beacon_tests::fixtures::{self, error_set, mismatch, Vector};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// The organization id the vectors name; the live test swaps in a real organization's.
const VECTOR_ORGANIZATION: &str = "00000000-0000-4000-8000-000000000001";

fn vectors() -> Vec<Vector> {
    let v = fixtures::load("directory").unwrap();
    assert!(v.len() >= 40, "expected at least 40 directory vectors, found {}", v.len());
    v
}

fn now(v: &Vector) -> DateTime<Utc> {
    v.today.and_hms_opt(12, 0, 0).unwrap().and_utc()
}

fn native(v: &Vector) -> Value {
    serde_json::to_value(ServiceVerdict::of(&v.body, now(v))).unwrap()
}

fn report(failures: Vec<String>, runner: &str, total: usize) {
    assert!(failures.is_empty(), "{} of {total} directory vectors disagree ({runner}):\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn native_core_gives_every_expected_service_verdict() {
    let vectors = vectors();
    let failures: Vec<String> = vectors
        .iter()
        .filter_map(|v| {
            let got = native(v);
            mismatch(v, got["ok"].as_bool().unwrap(), &error_set(&got["errors"]))
        })
        .collect();
    report(failures, "native", vectors.len());
}

#[test]
fn wasm_in_node_gives_the_same_service_verdicts_as_native() {
    let vectors = vectors();
    let verdicts = beacon_tests::parity::node_verdicts(&vectors, "service").unwrap();
    let mut failures = Vec::new();
    for (v, got) in vectors.iter().zip(&verdicts) {
        if let Some(m) = mismatch(v, got["ok"].as_bool().unwrap_or(!v.ok), &error_set(&got["errors"])) {
            failures.push(m);
        } else if *got != native(v) {
            failures.push(format!("{}: wasm differs from native:\n  wasm   {got}\n  native {}", v.file, native(v)));
        }
    }
    report(failures, "wasm in node", vectors.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_api_gives_the_same_service_verdicts_as_native() {
    let app = beacon_tests::app::TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let org = app
        .post_json("/v1/directory/organizations", &key, json!({"name": "Vector provider"}).to_string())
        .await
        .unwrap();
    assert_eq!(org.status().as_u16(), 201);
    let org: Value = org.json().await.unwrap();
    let org_id = org["id"].as_str().unwrap();
    let vectors = vectors();
    let mut failures = Vec::new();
    for v in &vectors {
        app.set_now(now(v));
        let body = v.body.replace(VECTOR_ORGANIZATION, org_id);
        let response = app.post_json("/v1/directory/services", &key, body).await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        let expected = if v.ok { 201 } else if v.errors.iter().any(|(_, c)| c == "invalid_json") { 400 } else { 422 };
        if status != expected {
            failures.push(format!("{}: status {status}, expected {expected}: {body}", v.file));
            continue;
        }
        if let Some(m) = mismatch(v, status == 201, &error_set(&body["errors"])) {
            failures.push(m);
        } else if !v.ok && body["errors"] != native(v)["errors"] {
            failures.push(format!("{}: API errors differ from native:\n  api    {}\n  native {}", v.file, body["errors"], native(v)["errors"]));
        }
    }
    report(failures, "live API", vectors.len());
}
