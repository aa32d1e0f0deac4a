//! The checked-in OpenAPI document is the code's, and its request schema
//! rejects the invalid vectors it can express and accepts the valid ones.

use beacon_tests::fixtures;
use serde_json::{json, Value};
use std::path::PathBuf;

fn checked_in() -> PathBuf {
    xtask::workspace_root().join("openapi").join("openapi.json")
}

#[test]
fn checked_in_openapi_matches_the_code() {
    let generated = beacon_api::openapi::document_json().unwrap();
    let on_disk = std::fs::read_to_string(checked_in()).unwrap_or_default();
    assert!(
        on_disk == generated,
        "openapi/openapi.json is out of date: run `cargo xtask openapi` and commit the result"
    );
}

#[test]
fn the_document_is_openapi_3_1_and_only_public_routes_lack_security() {
    let doc: Value = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            // Public by design: health checks, the embeddable form's files, xAPI discovery,
            // the directory as HSDS, suppressed statistics under /public, the dashboard's page and
            // files (code only: every datum it shows is read with the coordinator's key).
            let public = path.starts_with("/health/")
                || path == "/dashboard"
                || path.starts_with("/dashboard/")
                || path.starts_with("/public/")
                || path.starts_with("/embed/")
                || path == "/xapi/about"
                || path.starts_with("/hsds");
            assert_eq!(secured, !public, "{method} {path}");
        }
    }
}

/// Which expected errors a JSON Schema can state at all.
fn expressible(path: &str, code: &str) -> bool {
    let field = path.rsplit('/').next().unwrap_or_default();
    match code {
        "invalid_type" | "required" | "unknown_field" | "length" | "range" => true,
        "unknown_code" => path != "/town",
        "format" => matches!(field, "agency_case_ref" | "language" | "phone"),
        _ => false,
    }
}

#[test]
fn the_request_schema_agrees_with_the_vectors_it_can_express() {
    let mut root = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    root["$ref"] = json!("#/components/schemas/IncidentReport");
    let validator = jsonschema::draft202012::new(&root).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for v in fixtures::load("incidents").unwrap() {
        let Ok(payload) = serde_json::from_str::<Value>(&v.body) else { continue };
        if v.ok {
            if !validator.is_valid(&payload) {
                failures.push(format!("{}: valid vector rejected by the schema", v.file));
            }
            checked += 1;
        } else if v.errors.iter().all(|(p, c)| expressible(p, c)) {
            if validator.is_valid(&payload) {
                failures.push(format!("{}: invalid vector {:?} accepted by the schema", v.file, v.errors));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 40, "only {checked} vectors could be checked against the schema");
}

/// The rate limits wrap every route, so every operation documents the 429
/// that `edge::too_many_requests_from_one_address_are_429_with_retry_after`
/// provokes: problem+json with a `Retry-After`.
#[test]
fn every_operation_documents_the_rate_limit_answer() {
    let doc: Value = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let r = &op["responses"]["429"];
            assert!(r["headers"]["Retry-After"].is_object(), "{method} {path}: {r}");
            assert_eq!(r["content"]["application/problem+json"]["schema"]["$ref"], "#/components/schemas/Problem", "{method} {path}");
            operations += 1;
        }
    }
    assert!(operations > 50, "{operations}");
}

/// An operation that answers several media types documents each with its own schema (a second
/// `(status = 200, …)` annotation silently replaced the first, so generated clients got the
/// wrong type for these).
#[test]
fn every_media_type_an_operation_answers_is_documented() {
    let doc: Value = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    for (path, types) in [
        ("/v1/directory/gaps", &["application/json", "text/csv", "image/svg+xml"][..]),
        ("/v1/directory/export", &["text/csv", "application/json"][..]),
        ("/v1/training/compliance", &["application/json", "text/csv"][..]),
    ] {
        let content = &doc["paths"][path]["get"]["responses"]["200"]["content"];
        for t in types {
            assert!(content[*t]["schema"].is_object(), "GET {path} documents {t}: {content}");
        }
    }
}
