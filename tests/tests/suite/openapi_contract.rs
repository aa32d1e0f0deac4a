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

/// A query or header parameter's schema, its `$ref` followed.
fn parameter_schema<'a>(doc: &'a Value, parameter: &'a Value) -> &'a Value {
    let schema = &parameter["schema"];
    match schema["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/schemas/")) {
        Some(name) => &doc["components"]["schemas"][name],
        None => schema,
    }
}

/// Whether a parameter's schema says what the parser takes: a boolean, a bounded integer, a
/// string with an `enum`, a `format`, a `pattern` or a `maxLength`, or a comma-separated list
/// (`style: form`, `explode: false`) of such strings.
fn is_bounded(schema: &Value) -> bool {
    match schema["type"].as_str() {
        Some("boolean") => true,
        Some("integer") => (schema["minimum"].is_number() && schema["maximum"].is_number()) || schema["format"] == "int32",
        Some("string") => ["enum", "format", "pattern", "maxLength"].iter().any(|k| !schema[*k].is_null()),
        Some("array") => schema["items"]["type"] == "string" && is_bounded(&schema["items"]),
        _ => false,
    }
}

/// Every query parameter says what the parser takes (see [`is_bounded`]; issue 12: 70 of 82
/// said nothing). A list is one comma-separated value, as the server reads it.
#[test]
fn every_query_parameter_is_typed_and_bounded() {
    let doc: Value = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    let mut loose = Vec::new();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for parameter in op["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "query") {
                let name = parameter["name"].as_str().unwrap();
                let schema = parameter_schema(&doc, parameter);
                if schema["type"] == "array" {
                    assert_eq!((&parameter["style"], &parameter["explode"]), (&json!("form"), &json!(false)), "{method} {path} ?{name}");
                }
                if !is_bounded(schema) {
                    loose.push(format!("{method} {path} ?{name}: {schema}"));
                }
                if name == "page" || name == "per_page" {
                    assert_eq!(schema["type"], "integer", "{method} {path} ?{name}");
                    assert_eq!(schema["minimum"], 1, "{method} {path} ?{name}");
                }
                checked += 1;
            }
        }
    }
    assert!(loose.is_empty(), "query parameters without a constraint:\n{}", loose.join("\n"));
    assert!(checked > 150, "{checked}");
    let gaps = &doc["paths"]["/v1/directory/gaps"]["get"]["parameters"];
    let region_type = gaps.as_array().unwrap().iter().find(|p| p["name"] == "region_type").unwrap();
    assert_eq!(region_type["required"], true);
    let organizations = &doc["paths"]["/hsds/organizations"]["get"]["parameters"];
    for ignored in ["organization_id", "taxonomy_term_id"] {
        assert!(organizations.as_array().unwrap().iter().all(|p| p["name"] != ignored), "/hsds/organizations documents ?{ignored}");
    }
    let submit = &doc["paths"]["/v1/intake"]["post"]["parameters"];
    let key = submit.as_array().unwrap().iter().find(|p| p["name"] == "Idempotency-Key").unwrap();
    assert_eq!((key["schema"]["minLength"].as_u64(), key["schema"]["maxLength"].as_u64()), (Some(1), Some(255)));
    for (schema, list) in [("IncidentReport", "trafficking_types"), ("IntakeSubmission", "concern_types"), ("NewKeyRequest", "origins")] {
        assert_eq!(doc["components"]["schemas"][schema]["properties"][list]["uniqueItems"], true, "{schema}.{list}");
    }
}

/// A value the parameter's schema refuses, or `None` where it refuses none a query can carry.
fn outside(schema: &Value) -> Option<String> {
    if schema["type"] == "array" {
        // One good item and one bad: a list is refused for any item outside.
        let good = schema["items"]["enum"][0].as_str().map(str::to_string);
        let bad = outside(&schema["items"])?;
        return Some(good.map_or(bad.clone(), |g| format!("{g},{bad}")));
    }
    if schema["type"] == "boolean" {
        return Some("maybe".into());
    }
    if let Some(max) = schema["maximum"].as_i64() {
        return Some((max + 1).to_string());
    }
    if schema["format"] == "int32" {
        return Some("2147483648".into());
    }
    if schema["enum"].is_array() {
        return Some("not-a-code".into());
    }
    match schema["format"].as_str() {
        Some("date") => return Some("2026-02-30".into()),
        Some("uuid") => return Some("not-a-uuid".into()),
        _ => {}
    }
    if schema["pattern"].is_string() {
        return Some("!".into());
    }
    schema["maxLength"].as_u64().map(|n| "x".repeat(n as usize + 1))
}

/// The document cannot drift from the parser: for every query parameter of every operation, a
/// value its schema refuses, and a value with a NUL in it, is a 400 whose `errors` name that
/// parameter; a required one left out is a 400 too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_query_parameter_refuses_what_its_schema_refuses() {
    use beacon_api::security::policy::roles_of;
    let generous = std::num::NonZeroU32::new(100_000).unwrap();
    let limits = beacon_api::config::RateLimits { per_ip: generous, per_key: generous, failed_auth: generous, ..beacon_api::config::RateLimits::default() };
    let app = beacon_tests::app::TestApp::spawn_with_limits(limits).await.unwrap();
    let origin = "https://partner.example";
    let mut conn = app.conn().await.unwrap();
    let mut keys = std::collections::HashMap::new();
    for role in beacon_api::security::Role::ALL {
        let origins = if role == beacon_api::security::Role::Partner { vec![origin.to_string()] } else { vec![] };
        let issued = beacon_api::security::keys::issue(&mut conn, &format!("{role:?} probe"), role, &origins).await.unwrap();
        keys.insert(role, issued.secret);
    }
    let doc: Value = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    let mut failures = Vec::new();
    let mut probes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let parameters: Vec<&Value> = op["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "query").collect();
            if parameters.is_empty() {
                continue;
            }
            let key = roles_of(op).unwrap().and_then(|roles| roles.first().copied()).map(|role| keys[&role].clone());
            // A path parameter gets a value its schema accepts (an id a fresh UUID, a year its
            // example), so the probe reaches the query parameters instead of a 404.
            let path_value = |name: &str| -> String {
                let declared = op["parameters"].as_array().into_iter().flatten().find(|p| p["in"] == "path" && p["name"] == name);
                match declared.map(|p| (&p["schema"], &p["example"])) {
                    Some((schema, example)) if schema["type"] == "integer" => {
                        example.as_i64().or(schema["example"].as_i64()).or(schema["minimum"].as_i64()).unwrap_or(2026).to_string()
                    }
                    _ => uuid::Uuid::new_v4().to_string(),
                }
            };
            let concrete: String = path
                .split('/')
                .map(|seg| if seg.starts_with('{') { path_value(seg.trim_matches(['{', '}'])) } else { seg.to_string() })
                .collect::<Vec<_>>()
                .join("/");
            let method = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
            // A required parameter carries its documented example while another is probed.
            let mut required: Vec<(String, String)> = Vec::new();
            for parameter in parameters.iter().filter(|p| p["required"] == true) {
                let name = parameter["name"].as_str().unwrap();
                match parameter["example"].as_str().or(parameter["schema"]["example"].as_str()) {
                    Some(example) => required.push((name.to_string(), example.to_string())),
                    None => failures.push(format!("{method} {path}?{name}: required without an example")),
                }
            }
            let mut cases: Vec<(String, Option<String>)> = Vec::new();
            for parameter in &parameters {
                let name = parameter["name"].as_str().unwrap();
                if let Some(value) = outside(parameter_schema(&doc, parameter)) {
                    cases.push((name.to_string(), Some(value)));
                }
                // The NUL sweep of the query: PostgreSQL refuses NUL in text, so it must never
                // get that far (issue 12 found three public routes answering it with a 500).
                cases.push((name.to_string(), Some("a\u{0}b".to_string())));
                if parameter["required"] == true {
                    cases.push((name.to_string(), None));
                }
            }
            for (name, value) in cases {
                let mut pairs: Vec<(String, String)> = required.iter().filter(|(n, _)| *n != name).cloned().collect();
                if let Some(value) = &value {
                    pairs.push((name.clone(), value.clone()));
                    // `from` and `to` of a period go together; the other one is a good date.
                    let dates = parameters.iter().any(|p| p["name"] == "from") && parameters.iter().any(|p| p["name"] == "to");
                    match name.as_str() {
                        "from" if dates && !pairs.iter().any(|(n, _)| n == "to") => pairs.push(("to".into(), "2026-03-31".into())),
                        "to" if dates && !pairs.iter().any(|(n, _)| n == "from") => pairs.push(("from".into(), "2026-01-01".into())),
                        _ => {}
                    }
                }
                let mut request = app.client.request(method.clone(), app.url(&concrete)).header("origin", origin).query(&pairs);
                if let Some(key) = &key {
                    request = request.bearer_auth(key);
                }
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                let named = body["errors"].as_array().into_iter().flatten().any(|e| e["path"] == format!("/{name}"));
                if status != 400 || !named {
                    let shown: String = value.as_deref().unwrap_or("(left out)").chars().take(40).collect();
                    failures.push(format!("{method} {path}?{name}={shown}: {status} {body}"));
                }
                probes += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {probes} probes:\n{}", failures.len(), failures.join("\n"));
    assert!(probes > 350, "{probes}");
}

/// Every operation that reads a body documents what `http::body` and core answer about it: 400
/// (unreadable), 413 (too large), 415 (another media type), 422 (rules broken). Issue 12 found
/// them missing on a dozen operations; `openapi::with_shared_responses` adds them to every one.
#[test]
fn every_operation_with_a_body_documents_400_413_415_422() {
    let doc: Value = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    let mut missing = Vec::new();
    let mut bodies = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op["requestBody"].is_null() {
                continue;
            }
            bodies += 1;
            for status in ["400", "413", "415", "422"] {
                // An import's 422 lists its row errors in its own problem shape.
                let schema = &op["responses"][status]["content"]["application/problem+json"]["schema"]["$ref"];
                if !schema.as_str().is_some_and(|r| r.ends_with("Problem")) {
                    missing.push(format!("{method} {path}: {status}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    assert!(bodies > 25, "{bodies}");
    for (method, path) in [("patch", "/v1/intake/{id}"), ("post", "/v1/intake/{id}/convert"), ("post", "/v1/admin/keys")] {
        assert!(doc["paths"][path][method]["responses"]["400"].is_object(), "{method} {path}");
    }
}

/// Addresses issue 12 found `format: email` refusing though Beacon accepts them, and the rule's
/// other edges: `(address, accepted)`.
const EMAIL_CASES: &[(&str, bool)] = &[
    ("a..b@example.com", true),
    ("a@localhost", true),
    ("a@[127.0.0.1]", true),
    ("a@exämple.com", true),
    ("x@[::1]", true),
    ("o'neil@example.ie", true),
    ("first.last+tag@sub.example.co.uk", true),
    ("UPPER@EXAMPLE.ORG", true),
    ("a@b.c-d.e", true),
    ("a@", false),
    ("@b.com", false),
    ("a@b..com", false),
    ("a@-b.com", false),
    ("a@b-.com", false),
    ("a b@example.org", false),
    ("a@@b.com", false),
    ("user@[300.1.1.1]", false),
    ("\"quoted\"@example.org", false),
    ("ü@example.org", false),
    ("a@b.com.", false),
    ("not-an-email", false),
];

/// The email rule is core's `is_email`, published as one `pattern` that Rust's JSON Schema
/// validator and ECMAScript (`new RegExp(p, "u")`, as ajv reads it) both agree with on every case;
/// every email member of the document carries it, and a valid incident with each accepted address
/// is valid against the document's schema (the schema never refuses what the server accepts).
#[test]
fn the_email_rule_is_one_pattern_both_engines_read() {
    use beacon_core::reference::formats::{is_email, EMAIL_PATTERN};
    let doc = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    let mut members = 0;
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if let Some(email) = schema["properties"].get("email") {
            if email["pattern"].is_string() || email["format"].is_string() {
                assert_eq!(email["pattern"], EMAIL_PATTERN, "{name}.email");
                assert!(email["format"].is_null(), "{name}.email");
                members += 1;
            }
        }
    }
    assert!(members >= 2, "{members}");
    let pattern = jsonschema::draft202012::new(&json!({"type": "string", "pattern": EMAIL_PATTERN})).unwrap();
    for (address, accepted) in EMAIL_CASES {
        assert_eq!(is_email(address), *accepted, "core on {address:?}");
        assert_eq!(pattern.is_valid(&json!(address)), *accepted, "the pattern (Rust) on {address:?}");
    }
    let script = "const [p, cases] = JSON.parse(require('fs').readFileSync(0, 'utf8'));\
                  const re = new RegExp(p, 'u');\
                  console.log(JSON.stringify(cases.map(([a]) => re.test(a))));";
    let input = json!([EMAIL_PATTERN, EMAIL_CASES]).to_string();
    let mut node = std::process::Command::new("node")
        .args(["-e", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node (installed by `cargo xtask test`)");
    std::io::Write::write_all(&mut node.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let output = node.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let verdicts: Vec<bool> = serde_json::from_slice(&output.stdout).unwrap();
    for ((address, accepted), verdict) in EMAIL_CASES.iter().zip(verdicts) {
        assert_eq!(verdict, *accepted, "the pattern (ECMAScript) on {address:?}");
    }

    let mut root = doc.clone();
    root["$ref"] = json!("#/components/schemas/IncidentReport");
    let report = jsonschema::draft202012::new(&root).unwrap();
    let vector = fixtures::load("incidents").unwrap().into_iter().find(|v| v.ok && v.body.contains("\"victims\"")).unwrap();
    let today = beacon_tests::app::fixed_today();
    for (address, _) in EMAIL_CASES.iter().filter(|(_, accepted)| *accepted) {
        let mut payload: Value = serde_json::from_str(&vector.body).unwrap();
        payload["victims"][0]["identity"] = json!({"email": address});
        assert!(beacon_core::check_incident(&payload.to_string(), today).is_ok(), "core refused {address:?}");
        assert!(report.is_valid(&payload), "the schema refused {address:?}, which the server accepts");
    }
}

/// A JSON body is `application/json` in UTF-8; a PATCH body may also say what it is, a JSON merge
/// patch. `application/problem+json`, `application/vnd.api+json` and another charset are 415s whose
/// `detail` names what is read (they used to be read as JSON). The document lists both PATCH types.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_bodies_are_application_json_in_utf8_and_a_patch_may_be_a_merge_patch() {
    let doc: Value = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    let mut patches = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if let Some(content) = item["patch"]["requestBody"]["content"].as_object() {
            assert_eq!(content["application/json"], content["application/merge-patch+json"], "PATCH {path}");
            patches += 1;
        }
    }
    assert!(patches >= 7, "{patches}"); // a referral moves by POST …/transitions, not PATCH

    let app = beacon_tests::app::TestApp::spawn().await.unwrap();
    let admin = app.key("Admin org", beacon_api::security::Role::Admin).await.unwrap();
    let coordinator = app.key("Coordinator org", beacon_api::security::Role::Coordinator).await.unwrap();
    let new_key = json!({"account": "Media types", "role": "auditor"}).to_string();
    let patch = json!({"status": "triaged"}).to_string();
    let intake = format!("/v1/intake/{}", uuid::Uuid::new_v4());
    for (method, path, key, content_type, refused) in [
        ("POST", "/v1/admin/keys", &admin, "application/json", false),
        ("POST", "/v1/admin/keys", &admin, "application/json; charset=UTF-8", false),
        ("POST", "/v1/admin/keys", &admin, "application/problem+json", true),
        ("POST", "/v1/admin/keys", &admin, "application/vnd.api+json", true),
        ("POST", "/v1/admin/keys", &admin, "application/merge-patch+json", true),
        ("POST", "/v1/admin/keys", &admin, "application/json; charset=iso-8859-1", true),
        ("POST", "/v1/admin/keys", &admin, "text/plain", true),
        ("PATCH", intake.as_str(), &coordinator, "application/merge-patch+json", false),
        ("PATCH", intake.as_str(), &coordinator, "application/json", false),
        ("PATCH", intake.as_str(), &coordinator, "application/problem+json", true),
        ("PATCH", intake.as_str(), &coordinator, "application/merge-patch+json; charset=utf-16", true),
    ] {
        let body = if method == "POST" { new_key.clone() } else { patch.clone() };
        let response = app
            .client
            .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), app.url(path))
            .bearer_auth(key)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let problem: Value = response.json().await.unwrap_or(Value::Null);
        if refused {
            assert_eq!(status, 415, "{method} {path} as {content_type}: {problem}");
            assert_eq!(problem["code"], "unsupported_media_type");
            assert!(problem["detail"].as_str().unwrap().contains("`application/json`"), "{problem}");
            assert_eq!(problem["detail"].as_str().unwrap().contains("merge-patch"), method == "PATCH", "{problem}");
        } else {
            // Read: created, or (for the made-up intake id) not found.
            assert!(status == 201 || status == 404, "{method} {path} as {content_type}: {status} {problem}");
        }
    }
}

/// What integrators' tools expect of the document as a whole: a relative `servers` entry (the
/// checked-in file serves wherever Beacon runs), every tag an operation uses declared with a
/// description, and a description on every operation.
#[test]
fn the_document_declares_its_server_its_tags_and_describes_every_operation() {
    let doc: Value = serde_json::to_value(beacon_api::openapi::document()).unwrap();
    assert_eq!(doc["servers"][0]["url"], "/");
    let declared: std::collections::BTreeMap<&str, &str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), t["description"].as_str().unwrap_or_default()))
        .collect();
    let mut problems = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op["description"].as_str().is_none_or(|d| d.trim().is_empty()) {
                problems.push(format!("{method} {path}: no description"));
            }
            for tag in op["tags"].as_array().into_iter().flatten() {
                if declared.get(tag.as_str().unwrap()).is_none_or(|d| d.is_empty()) {
                    problems.push(format!("{method} {path}: tag {tag} not declared with a description"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Spectral's `spectral:oas` ruleset (pinned in `tests/contract`, installed by `cargo xtask test`)
/// finds no error in the checked-in document; the warnings it gives are exactly those the README
/// lists with their reasons ("The OpenAPI document and third-party tools").
#[test]
fn spectral_finds_no_error_in_the_document() {
    let root = xtask::workspace_root();
    let contract = root.join("tests").join("contract");
    let spectral = contract.join("node_modules").join(".bin").join("spectral");
    assert!(spectral.exists(), "{} is missing: `cargo xtask test` installs it (npm ci --prefix tests/contract)", spectral.display());
    let output = std::process::Command::new(&spectral)
        .current_dir(&root)
        .args(["lint", "openapi/openapi.json", "--ruleset", "tests/contract/.spectral.yaml", "--format", "json", "--quiet", "--fail-severity", "error"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let results: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text} {}", String::from_utf8_lossy(&output.stderr)));
    let errors: Vec<String> = results
        .iter()
        .filter(|r| r["severity"] == 0)
        .map(|r| format!("{} at {}: {}", r["code"], r["path"], r["message"]))
        .collect();
    assert!(errors.is_empty(), "spectral:oas errors:\n{}", errors.join("\n"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let warned: std::collections::BTreeSet<&str> = results.iter().filter_map(|r| r["code"].as_str()).collect();
    let listed: std::collections::BTreeSet<&str> =
        ["info-contact", "oas3-operation-security-defined", "oas3-unused-component", "path-keys-no-trailing-slash"].into();
    assert_eq!(warned, listed, "the warnings changed: update the README's list and this one");
}
