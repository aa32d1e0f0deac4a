//! Screening vectors (`tests/fixtures/screening/`): each must give exactly the expected
//! `(path, code)` set — and, when accepted, the expected result and fired rules — from native
//! core, the wasm module in node and the live API alike. The expected results were worked out
//! from the instrument files by an independent reading of their rules, not by the scorer.

use beacon_api::security::Role;
use beacon_core::screening::ScreeningVerdict;
use beacon_tests::fixtures::{self, error_set, mismatch, Vector};
use serde_json::{json, Value};

fn vectors() -> Vec<Vector> {
    let v = fixtures::load("screening").unwrap();
    assert!(v.len() >= 30, "expected at least 30 screening vectors, found {}", v.len());
    v
}

fn native(v: &Vector) -> Value {
    serde_json::to_value(ScreeningVerdict::of(&v.body)).unwrap()
}

/// What an accepted vector's verdict must derive.
fn derived_mismatch(v: &Vector, derived: &Value) -> Option<String> {
    let expected = (&v.derived["result"], &v.derived["fired"]);
    (v.ok && (expected.0 != &derived["result"] || expected.1 != &derived["fired"]))
        .then(|| format!("{}: derived {derived}, expected result {} fired {}", v.file, expected.0, expected.1))
}

#[test]
fn native_core_gives_every_expected_screening_verdict() {
    let vectors = vectors();
    assert!(vectors.iter().filter(|v| v.ok).all(|v| v.derived["result"].is_string()), "every accepted vector states its result");
    let failures: Vec<String> = vectors
        .iter()
        .filter_map(|v| {
            let got = native(v);
            mismatch(v, got["ok"].as_bool().unwrap(), &error_set(&got["errors"])).or_else(|| derived_mismatch(v, &got["derived"]))
        })
        .collect();
    assert!(failures.is_empty(), "{} of {} screening vectors disagree (native):\n{}", failures.len(), vectors.len(), failures.join("\n"));
}

#[test]
fn wasm_in_node_gives_the_same_screening_verdicts_as_native() {
    let vectors = vectors();
    let verdicts = beacon_tests::parity::node_verdicts(&vectors, "screening").unwrap();
    let failures: Vec<String> = vectors
        .iter()
        .zip(&verdicts)
        .filter(|&(v, got)| *got != native(v))
        .map(|(v, got)| format!("{}: wasm differs from native:\n  wasm   {got}\n  native {}", v.file, native(v)))
        .collect();
    assert!(failures.is_empty(), "{} of {} screening vectors disagree (wasm):\n{}", failures.len(), vectors.len(), failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_api_gives_the_same_screening_verdicts_as_native() {
    let app = beacon_tests::app::TestApp::spawn().await.unwrap();
    let key = app.key("DCF", Role::Dcf).await.unwrap();
    let vectors = vectors();
    let mut failures = Vec::new();
    for v in &vectors {
        let response = app.post_json("/v1/screenings", &key, v.body.clone()).await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        let expected = if v.ok { 201 } else if v.errors.iter().any(|(_, c)| c == "invalid_json") { 400 } else { 422 };
        if status != expected {
            failures.push(format!("{}: status {status}, expected {expected}: {body}", v.file));
            continue;
        }
        if v.ok {
            let derived = json!({"result": body["result"], "fired": body["fired"]});
            if let Some(m) = derived_mismatch(v, &derived) {
                failures.push(m);
            } else if body.get("answers").is_some() {
                failures.push(format!("{}: the receipt carries the answers: {body}", v.file));
            }
        } else if body["errors"] != native(v)["errors"] {
            failures.push(format!("{}: API errors differ from native:\n  api    {}\n  native {}", v.file, body["errors"], native(v)["errors"]));
        }
    }
    assert!(failures.is_empty(), "{} of {} screening vectors disagree (live API):\n{}", failures.len(), vectors.len(), failures.join("\n"));
}
