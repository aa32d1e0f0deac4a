//! The same vectors through native core, the wasm module in node, and the live
//! API: each must give exactly the expected `(path, code)` set, and the three
//! must agree on the messages too.

use beacon_core::IncidentVerdict;
use beacon_tests::app::TestApp;
use beacon_tests::fixtures::{self, error_set, mismatch, Vector};
use beacon_api::security::Role;
use serde_json::Value;

fn vectors() -> Vec<Vector> {
    let v = fixtures::load("incidents").unwrap();
    assert!(v.len() >= 40, "expected at least 40 incident vectors, found {}", v.len());
    v
}

fn native(v: &Vector) -> Value {
    serde_json::to_value(IncidentVerdict::of(&v.body, v.today)).unwrap()
}

fn report(failures: Vec<String>, runner: &str, total: usize) {
    assert!(
        failures.is_empty(),
        "{} of {total} vectors disagree ({runner}):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn native_core_gives_every_expected_verdict() {
    let vectors = vectors();
    let failures: Vec<String> = vectors
        .iter()
        .filter_map(|v| {
            let got = native(v);
            mismatch(v, got["ok"].as_bool().unwrap(), &error_set(&got["errors"])).or_else(|| {
                let minor = got["derived"]["minor_involved"].as_bool();
                (v.minor_involved.is_some() && minor != v.minor_involved)
                    .then(|| format!("{} ({}): minor_involved {minor:?}, expected {:?}", v.file, v.name, v.minor_involved))
            })
        })
        .collect();
    report(failures, "native", vectors.len());
}

#[test]
fn wasm_in_node_gives_the_same_verdicts_and_messages_as_native() {
    let vectors = vectors();
    let verdicts = beacon_tests::parity::node_verdicts(&vectors, "incident").unwrap();
    let mut failures = Vec::new();
    for (v, got) in vectors.iter().zip(&verdicts) {
        if let Some(m) = mismatch(v, got["ok"].as_bool().unwrap_or(!v.ok), &error_set(&got["errors"])) {
            failures.push(m);
        } else if *got != native(v) {
            failures.push(format!("{}: wasm verdict differs from native:\n  wasm   {got}\n  native {}", v.file, native(v)));
        }
    }
    report(failures, "wasm in node", vectors.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_api_gives_the_same_verdicts_and_messages_as_native() {
    let app = TestApp::spawn().await.unwrap();
    // A coordinator files on behalf of each vector's agency; a reporter key reports for its own only.
    let key = app.key("Fixture agency", Role::Coordinator).await.unwrap();
    let vectors = vectors();
    let mut failures = Vec::new();
    for v in &vectors {
        app.set_today(v.today);
        let response = app.post_json("/v1/incidents", &key, v.body.clone()).await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        let expected_status = if v.ok {
            201
        } else if v.errors.iter().any(|(_, c)| c == "invalid_json") {
            400
        } else {
            422
        };
        if status != expected_status {
            failures.push(format!("{}: status {status}, expected {expected_status}: {body}", v.file));
            continue;
        }
        let got = error_set(&body["errors"]);
        if let Some(m) = mismatch(v, status == 201, &got) {
            failures.push(m);
            continue;
        }
        let native = native(v);
        let same = if v.ok { body["derived"] == native["derived"] } else { body["errors"] == native["errors"] };
        if !same {
            failures.push(format!("{}: API body differs from native verdict:\n  api    {body}\n  native {native}", v.file));
        }
    }
    report(failures, "live API", vectors.len());
}
