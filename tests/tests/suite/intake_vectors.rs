//! Partner intake vectors (`tests/fixtures/intake/`): each must give exactly
//! the expected `(path, code)` set, from native core, the wasm module in node
//! and the live API alike, messages included.

use beacon_core::IntakeVerdict;
use beacon_tests::fixtures::{self, error_set, mismatch, Vector};
use serde_json::Value;

fn vectors() -> Vec<Vector> {
    let v = fixtures::load("intake").unwrap();
    assert!(v.len() >= 30, "expected at least 30 intake vectors, found {}", v.len());
    v
}

fn native(v: &Vector) -> Value {
    serde_json::to_value(IntakeVerdict::of(&v.body, v.today)).unwrap()
}

#[test]
fn native_core_gives_every_expected_intake_verdict() {
    let vectors = vectors();
    let failures: Vec<String> = vectors
        .iter()
        .filter_map(|v| {
            let got = native(v);
            let shape_ok = got["ok"].as_bool() == Some(got["derived"].is_object())
                && got["errors"].as_array().is_some_and(|e| e.iter().all(|e| e["message"].is_string()));
            if !shape_ok {
                return Some(format!("{}: verdict is not {{ok, errors, derived}}: {got}", v.file));
            }
            mismatch(v, got["ok"].as_bool().unwrap(), &error_set(&got["errors"]))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} intake vectors disagree (native):\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

#[test]
fn wasm_in_node_gives_the_same_intake_verdicts_as_native() {
    let vectors = vectors();
    let verdicts = beacon_tests::parity::node_verdicts(&vectors, "intake").unwrap();
    let failures: Vec<String> = vectors
        .iter()
        .zip(&verdicts)
        .filter_map(|(v, got)| {
            mismatch(v, got["ok"].as_bool().unwrap_or(!v.ok), &error_set(&got["errors"])).or_else(|| {
                (*got != native(v)).then(|| format!("{}: wasm differs from native:\n  wasm   {got}\n  native {}", v.file, native(v)))
            })
        })
        .collect();
    assert!(failures.is_empty(), "{} of {} intake vectors disagree (wasm):\n{}", failures.len(), vectors.len(), failures.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_api_gives_the_same_intake_verdicts_as_native() {
    use beacon_api::security::{keys, Role};
    let app = beacon_tests::app::TestApp::spawn().await.unwrap();
    let origin = "https://partner.example";
    let mut conn = app.conn().await.unwrap();
    let key = keys::issue(&mut conn, "Safe Harbor", Role::Partner, &[origin.to_string()]).await.unwrap().secret;
    let vectors = vectors();
    let mut failures = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        app.set_today(v.today);
        let response = app
            .client
            .post(app.url("/v1/intake"))
            .bearer_auth(&key)
            .header("origin", origin)
            .header("idempotency-key", format!("vector-{i}"))
            .header("content-type", "application/json")
            .body(v.body.clone())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        let expected = if v.ok { 201 } else if v.errors.iter().any(|(_, c)| c == "invalid_json") { 400 } else { 422 };
        if status != expected {
            failures.push(format!("{}: status {status}, expected {expected}: {body}", v.file));
            continue;
        }
        if let Some(m) = mismatch(v, status == 201, &error_set(&body["errors"])) {
            failures.push(m);
        } else if v.ok {
            if body["minor_involved"] != native(v)["derived"]["minor_involved"] || body["reference"].as_str().is_none_or(|r| r.len() != 11) {
                failures.push(format!("{}: receipt {body} does not match", v.file));
            }
        } else if body["errors"] != native(v)["errors"] {
            failures.push(format!("{}: API errors differ from native:\n  api    {}\n  native {}", v.file, body["errors"], native(v)["errors"]));
        }
    }
    assert!(failures.is_empty(), "{} of {} intake vectors disagree (live API):\n{}", failures.len(), vectors.len(), failures.join("\n"));
}

#[test]
fn wasm_in_node_normalizes_typed_phone_numbers_as_the_core_does() {
    let typed = ["(860) 555-0123", "860.555.0123", "1 860 555 0123", "+44 20 7946 0958", "  ", "555-0123"];
    let native: Vec<String> = typed.iter().map(|t| beacon_core::reference::formats::normalize_phone(t)).collect();
    assert_eq!(beacon_tests::parity::node_phones(&typed).unwrap(), native);
}
