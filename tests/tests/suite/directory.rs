//! The provider directory: coordinator management (validation, ETag /
//! If-Match, vetting, the verification due list, the access policy).

use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use serde_json::{json, Value};

pub const SHELTER_ADDRESS: &str = "17 Hidden Harbor Lane";

pub async fn status_and_json(r: reqwest::Response) -> (u16, Option<String>, Value) {
    let status = r.status().as_u16();
    let etag = r.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
    let text = r.text().await.unwrap();
    (status, etag, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

pub async fn post(app: &TestApp, path: &str, key: &str, body: Value) -> (u16, Option<String>, Value) {
    status_and_json(app.post_json(path, key, body.to_string()).await.unwrap()).await
}

pub async fn patch(app: &TestApp, path: &str, key: &str, if_match: Option<&str>, body: Value) -> (u16, Option<String>, Value) {
    let mut r = app
        .client
        .patch(app.url(path))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(m) = if_match {
        r = r.header("if-match", m);
    }
    status_and_json(r.send().await.unwrap()).await
}

/// An organization with a confidential shelter in Hartford and an open
/// counselling office in New Haven. Returns (organization id, shelter service id, office service id).
pub async fn seed(app: &TestApp, key: &str) -> (String, String, String) {
    let (s, _, org) = post(
        app,
        "/v1/directory/organizations",
        key,
        json!({"name": "Safe Harbor CT", "description": "Shelter and counselling", "email": "intake@safeharbor.example", "url": "https://safeharbor.example"}),
    )
    .await;
    assert_eq!(s, 201, "{org}");
    let org_id = org["id"].as_str().unwrap().to_string();
    let (s, etag, shelter) = post(
        app,
        "/v1/directory/services",
        key,
        json!({
            "organization_id": org_id,
            "name": "Harbor emergency shelter",
            "description": "Confidential emergency shelter for survivors",
            "categories": ["shelter"],
            "min_age": 18, "max_age": 120,
            "populations": ["adults", "women", "sex_trafficking"],
            "languages": ["en", "es"],
            "capacity": {"unit": "beds", "available": 3, "total": 12},
            "locations": [{"name": "Harbor House", "confidential": true, "address_1": SHELTER_ADDRESS,
                           "postal_code": "06106", "town": "hartford", "latitude": 41.76, "longitude": -72.68}],
            "service_areas": ["Hartford", "West Hartford"],
            "funding": [{"source": "DCF", "amount_cents": 25000000, "period_start": "2026-07-01", "period_end": "2027-06-30"}],
            "phones": [{"number": "+1 860 555 0100", "type": "voice", "description": "24-hour hotline"}, {"number": "(860) 555-0101", "type": "text", "extension": "12"}]
        }),
    )
    .await;
    assert_eq!(s, 201, "{shelter}");
    assert_eq!(etag.as_deref(), Some("\"1\""));
    assert_eq!(shelter["vetted"], false);
    let (s, _, office) = post(
        app,
        "/v1/directory/services",
        key,
        json!({
            "organization_id": org_id,
            "name": "Harbor counselling",
            "categories": ["mental_health"],
            "locations": [{"name": "Harbor office", "address_1": "1 Church Street", "postal_code": "06510", "town": "New Haven"}],
            "service_areas": ["New Haven"]
        }),
    )
    .await;
    assert_eq!(s, 201, "{office}");
    (org_id, shelter["id"].as_str().unwrap().to_string(), office["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_service_is_validated_and_nothing_is_written_when_a_rule_is_broken() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (org_id, _, _) = seed(&app, &key).await;
    let (s, _, p) = post(
        &app,
        "/v1/directory/services",
        &key,
        json!({
            "organization_id": org_id,
            "name": "Bad",
            "categories": ["shelter", "not_a_service"],
            "min_age": 30, "max_age": 12,
            "populations": ["children"],
            "locations": [{"name": "X", "town": "Atlantis"}],
            "service_areas": ["Hartford", "Springfield"],
            "funding": [{"source": "DCF", "amount_cents": -1, "period_start": "2027-01-01", "period_end": "2026-01-01"}]
        }),
    )
    .await;
    assert_eq!(s, 422, "{p}");
    let paths: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    for expected in [
        "/categories/1",
        "/max_age",
        "/populations/0",
        "/locations/0/town",
        "/service_areas/1",
        "/funding/0/amount_cents",
        "/funding/0/period_end",
    ] {
        assert!(paths.contains(&expected), "{expected} missing from {paths:?}");
    }
    let (s, _, p) = post(&app, "/v1/directory/services", &key, json!({"organization_id": org_id, "name": "X", "categories": ["shelter"], "colour": "red"})).await;
    assert_eq!(s, 422, "{p}");
    assert_eq!((p["errors"][0]["code"].as_str(), p["errors"][0]["path"].as_str()), (Some("unknown_field"), Some("/colour")));
    let (s, _, p) = post(&app, "/v1/directory/services", &key, json!({"organization_id": uuid::Uuid::new_v4(), "name": "X", "categories": ["shelter"]})).await;
    assert_eq!(s, 422, "{p}");
    assert_eq!(p["errors"][0]["path"], "/organization_id");
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.conn().await.unwrap();
    let n: N = diesel::sql_query("SELECT (SELECT count(*) FROM directory_services) + (SELECT count(*) FROM directory_locations) AS n")
        .get_result(&mut conn)
        .await
        .unwrap();
    assert_eq!(n.n, 4, "only the two seeded services and their two locations");
}

#[tokio::test]
async fn a_stale_if_match_is_412_and_a_missing_one_is_428() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (_, shelter, _) = seed(&app, &key).await;
    let path = format!("/v1/directory/services/{shelter}");
    let (s, etag, p) = status_and_json(app.get(&path, &key).await.unwrap()).await;
    assert_eq!((s, etag.as_deref(), p["version"].as_i64()), (200, Some("\"1\""), Some(1)), "{p}");
    let (s, _, p) = patch(&app, &path, &key, None, json!({"capacity_available": 2})).await;
    assert_eq!(s, 428, "{p}");
    let (s, etag, p) = patch(&app, &path, &key, Some("\"1\""), json!({"capacity_available": 2})).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(etag.as_deref(), Some("\"2\""));
    assert_eq!(p["capacity_available"], 2);
    // A second writer still holding version 1 is refused, and changes nothing.
    let (s, _, p) = patch(&app, &path, &key, Some("\"1\""), json!({"capacity_available": 0})).await;
    assert_eq!(s, 412, "{p}");
    assert_eq!(p["code"], "precondition_failed");
    let (s, _, p) = patch(&app, &path, &key, Some("\"2\""), json!({"status": "temporarily_closed", "min_age": 121})).await;
    assert_eq!(s, 422, "{p}");
    let (s, etag, p) = patch(&app, &path, &key, Some("\"2\""), json!({"status": "temporarily_closed"})).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!((etag.as_deref(), p["capacity_available"].as_i64()), (Some("\"3\""), Some(2)));
    let (s, _, _) = patch(&app, &format!("/v1/directory/services/{}", uuid::Uuid::new_v4()), &key, Some("\"1\""), json!({"name": "X"})).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn verification_makes_a_service_vetted_and_leaves_the_due_list() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (_, shelter, office) = seed(&app, &key).await;
    let (s, _, due) = status_and_json(app.get("/v1/directory/verifications/due?within_days=30", &key).await.unwrap()).await;
    assert_eq!(s, 200, "{due}");
    let ids: Vec<&str> = due.as_array().unwrap().iter().map(|d| d["service_id"].as_str().unwrap()).collect();
    assert!(ids.contains(&shelter.as_str()) && ids.contains(&office.as_str()), "never verified is due: {due}");
    assert!(due.as_array().unwrap().iter().all(|d| d["overdue"] == true));

    let (s, etag, v) = post(&app, &format!("/v1/directory/services/{shelter}/verify"), &key, json!({"method": "site_visit", "training_attested": true})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(etag.as_deref(), Some("\"2\""));
    assert_eq!(v["vetted"], true);
    assert_eq!(v["verification_method"], "site_visit");
    assert!(v["next_verification_due"].as_str().unwrap() > v["verified_at"].as_str().unwrap());
    // Verified without the training attestation: current, but not vetted.
    let (s, _, v) = post(&app, &format!("/v1/directory/services/{office}/verify"), &key, json!({"method": "phone", "training_attested": false})).await;
    assert_eq!((s, v["vetted"].clone()), (200, json!(false)));
    let (s, _, v) = post(&app, &format!("/v1/directory/services/{office}/verify"), &key, json!({"method": "email", "training_attested": true})).await;
    assert_eq!(s, 422, "{v}");

    let (_, _, due) = status_and_json(app.get("/v1/directory/verifications/due", &key).await.unwrap()).await;
    assert_eq!(due, json!([]), "both verified today");

    // Age the shelter's verification: 11.5 months ago is due within 30 days, not overdue;
    // 13 months ago is overdue.
    use diesel_async::RunQueryDsl;
    let mut conn = app.conn().await.unwrap();
    // Relative to the server's (test) clock, never the database's wall clock.
    let now = app.now().to_rfc3339();
    diesel::sql_query(format!("UPDATE directory_services SET verified_at = '{now}'::timestamptz - interval '11 months 15 days' WHERE id = '{shelter}'"))
        .execute(&mut conn)
        .await
        .unwrap();
    diesel::sql_query(format!("UPDATE directory_services SET verified_at = '{now}'::timestamptz - interval '13 months' WHERE id = '{office}'"))
        .execute(&mut conn)
        .await
        .unwrap();
    let (_, _, due) = status_and_json(app.get("/v1/directory/verifications/due?within_days=30", &key).await.unwrap()).await;
    let list = due.as_array().unwrap();
    assert_eq!(list.len(), 2, "{due}");
    assert_eq!((list[0]["service_id"].as_str(), &list[0]["overdue"]), (Some(office.as_str()), &json!(true)));
    assert_eq!((list[1]["service_id"].as_str(), &list[1]["overdue"]), (Some(shelter.as_str()), &json!(false)));
    let (_, _, due) = status_and_json(app.get("/v1/directory/verifications/due?within_days=0", &key).await.unwrap()).await;
    assert_eq!(due.as_array().unwrap().len(), 1, "{due}");
    let (s, _, _) = status_and_json(app.get("/v1/directory/verifications/due?within_days=999", &key).await.unwrap()).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn reporters_may_not_manage_the_directory_and_writes_are_audited() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let reporter = app.key("Agency", Role::Reporter).await.unwrap();
    let (org_id, shelter, _) = seed(&app, &coordinator).await;
    let (s, _, _) = post(&app, "/v1/directory/organizations", &reporter, json!({"name": "X"})).await;
    assert_eq!(s, 403);
    let (s, _, _) = post(&app, "/v1/directory/services", &reporter, json!({"organization_id": org_id, "name": "X", "categories": ["shelter"]})).await;
    assert_eq!(s, 403);
    let (s, _, _) = patch(&app, &format!("/v1/directory/services/{shelter}"), &reporter, Some("\"1\""), json!({"name": "X"})).await;
    assert_eq!(s, 403);
    let (s, _, _) = post(&app, &format!("/v1/directory/services/{shelter}/verify"), &reporter, json!({"method": "phone", "training_attested": true})).await;
    assert_eq!(s, 403);
    let (s, _, _) = status_and_json(app.get("/v1/directory/verifications/due", &reporter).await.unwrap()).await;
    assert_eq!(s, 403);
    let (s, _, _) = status_and_json(app.get(&format!("/v1/directory/services/{shelter}"), &reporter).await.unwrap()).await;
    assert_eq!(s, 403);

    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct A {
        #[diesel(sql_type = diesel::sql_types::Text)]
        action: String,
    }
    let mut conn = app.conn().await.unwrap();
    let rows: Vec<A> = diesel::sql_query("SELECT action FROM audit_log WHERE action LIKE 'directory.%' ORDER BY seq")
        .load(&mut conn)
        .await
        .unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["directory.organization.create", "directory.service.create", "directory.service.create"]);
}

// ---------------------------------------------------------------- the public HSDS API

/// The HSDS 3.x schemas: `$HSDS_SCHEMA_DIR`, else the copy vendored in `tests/hsds`
/// (see its README for licence and source). Missing, the test fails saying it did not run.
fn hsds_dir() -> std::path::PathBuf {
    let dir = std::env::var_os("HSDS_SCHEMA_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| xtask::workspace_root().join("tests/hsds"));
    assert!(
        dir.join("compiled/service.json").is_file(),
        "HSDS SCHEMA VALIDATION DID NOT RUN: no HSDS 3.x schemas at {} (set HSDS_SCHEMA_DIR to the specification's schema/ folder)",
        dir.display()
    );
    dir
}

fn load(dir: &std::path::Path, rel: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options().should_validate_formats(true).build(schema).unwrap()
}

/// A single-object schema with the optional members that point to other
/// files (`$ref: "x.json"`) removed: we never send those members.
fn without_refs(mut schema: Value) -> Value {
    if let Some(props) = schema["properties"].as_object_mut() {
        props.retain(|_, v| !v.to_string().contains("$ref"));
    }
    schema
}

fn check(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "{what} breaks the HSDS schema: {errors:#?}\n{instance:#}");
}

async fn public_get(app: &TestApp, path: &str) -> (u16, String) {
    let r = app.client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_hsds_api_is_public_conforms_to_the_schemas_and_withholds_confidential_addresses() {
    let dir = hsds_dir();
    // Validators first: building them takes seconds, longer than an idle keep-alive connection lives.
    let service_v = validator(&load(&dir, "compiled/service.json"));
    let service_list_v = validator(&load(&dir, "compiled/service_list.json"));
    let organization_v = validator(&load(&dir, "compiled/organization.json"));
    let sal_v = validator(&load(&dir, "compiled/service_at_location.json"));
    let term_v = validator(&without_refs(load(&dir, "taxonomy_term.json")));
    let taxonomy_v = validator(&without_refs(load(&dir, "taxonomy.json")));
    let page_v = validator(&load(&dir, "openapi.json")["components"]["schemas"]["Page"]);
    // The validators do bite: Beacon's own status spelling is not HSDS's.
    assert!(!service_v.is_valid(&json!({"id": uuid::Uuid::new_v4(), "name": "x", "status": "temporarily_closed"})));
    assert!(!page_v.is_valid(&json!({"total_items": "2"})));
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (org_id, shelter, office) = seed(&app, &key).await;
    let (s, _, _) = post(&app, &format!("/v1/directory/services/{shelter}/verify"), &key, json!({"method": "site_visit", "training_attested": true})).await;
    assert_eq!(s, 200);
    let (s, _, _) = patch(&app, &format!("/v1/directory/services/{office}"), &key, Some("\"1\""), json!({"status": "temporarily_closed"})).await;
    assert_eq!(s, 200);


    let mut bodies: Vec<(String, String)> = Vec::new();
    let mut fetch = async |path: String| -> Value {
        let (s, text) = public_get(&app, &path).await;
        assert_eq!(s, 200, "{path}: {text}");
        bodies.push((path, text.clone()));
        serde_json::from_str(&text).unwrap()
    };
    let page_keys = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"];

    let about = fetch("/hsds/".into()).await;
    assert_eq!(about["version"], "3.1.1");
    // Absolute, as HSDS's `uri` asks: the test app has no BEACON_PUBLIC_URL, so the request's host.
    assert_eq!(about["openapi_url"].as_str().unwrap(), app.url("/openapi.json"));
    assert!(about["profile"].as_str().unwrap().starts_with("https://openreferral.org/"));

    let services = fetch("/hsds/services".into()).await;
    check(&page_v, &services, "/hsds/services page");
    for k in page_keys {
        assert!(services.get(k).is_some(), "page lacks {k}");
    }
    assert_eq!((services["total_items"].as_i64(), services["size"].as_i64()), (Some(2), Some(2)));
    for item in services["contents"].as_array().unwrap() {
        check(&service_list_v, item, "a /hsds/services item");
        check(&service_v, item, "a /hsds/services item");
    }
    let office_item = services["contents"].as_array().unwrap().iter().find(|s| s["id"] == office.as_str()).unwrap();
    assert_eq!(office_item["status"], "temporarily closed");

    let one = fetch(format!("/hsds/services/{shelter}")).await;
    check(&service_v, &one, "/hsds/services/{id}");
    assert_eq!(one["assured_date"].as_str().map(str::len), Some(10));
    let location = &one["service_at_locations"][0]["location"];
    assert_eq!(location["addresses"][0]["city"], "Hartford");
    assert_eq!(location["addresses"][0]["region"], "Capitol");
    assert!(location.get("latitude").is_none());
    let shelter_term = one["attributes"][0]["taxonomy_term_id"].as_str().unwrap().to_string();
    assert_eq!(one["service_areas"].as_array().unwrap().len(), 2);

    // Filters, ANDed.
    let by_term = fetch(format!("/hsds/services?taxonomy_term_id={shelter_term}")).await;
    assert_eq!(by_term["total_items"], 1);
    assert_eq!(by_term["contents"][0]["id"], shelter.as_str());
    let none = fetch(format!("/hsds/services?taxonomy_term_id={shelter_term}&search=counselling")).await;
    assert_eq!((none["total_items"].as_i64(), &none["empty"]), (Some(0), &json!(true)));
    check(&page_v, &none, "an empty page");
    let searched = fetch(format!("/hsds/services?search=COUNSELLING&organization_id={org_id}")).await;
    assert_eq!(searched["contents"][0]["id"], office.as_str());
    let other_org = fetch(format!("/hsds/services?organization_id={}", uuid::Uuid::new_v4())).await;
    assert_eq!(other_org["total_items"], 0);
    let future = fetch("/hsds/services?modified_after=2999-01-01".into()).await;
    assert_eq!(future["total_items"], 0);
    let recent = fetch("/hsds/services?modified_after=2000-01-01T00:00:00Z".into()).await;
    assert_eq!(recent["total_items"], 2);
    let paged = fetch("/hsds/services?per_page=1&page=2".into()).await;
    assert_eq!(
        (paged["size"].as_i64(), paged["total_pages"].as_i64(), paged["page_number"].as_i64(), &paged["first_page"], &paged["last_page"]),
        (Some(1), Some(2), Some(2), &json!(false), &json!(true))
    );
    for bad in ["page=0", "per_page=1000", "taxonomy_term_id=x", "modified_after=yesterday"] {
        let (s, _) = public_get(&app, &format!("/hsds/services?{bad}")).await;
        assert_eq!(s, 400, "{bad}");
    }

    let orgs = fetch("/hsds/organizations".into()).await;
    check(&page_v, &orgs, "/hsds/organizations page");
    for item in orgs["contents"].as_array().unwrap() {
        check(&organization_v, item, "a /hsds/organizations item");
    }
    let org = fetch(format!("/hsds/organizations/{org_id}")).await;
    check(&organization_v, &org, "/hsds/organizations/{id}");

    let sals = fetch("/hsds/service_at_locations".into()).await;
    check(&page_v, &sals, "/hsds/service_at_locations page");
    assert_eq!(sals["total_items"], 2);
    for item in sals["contents"].as_array().unwrap() {
        check(&sal_v, item, "a /hsds/service_at_locations item");
        let id = item["id"].as_str().unwrap();
        let single = fetch(format!("/hsds/service_at_locations/{id}")).await;
        check(&sal_v, &single, "/hsds/service_at_locations/{id}");
    }
    let sals_shelter = fetch(format!("/hsds/service_at_locations?taxonomy_term_id={shelter_term}")).await;
    assert_eq!(sals_shelter["total_items"], 1);

    let taxonomies = fetch("/hsds/taxonomies".into()).await;
    check(&page_v, &taxonomies, "/hsds/taxonomies page");
    assert_eq!(taxonomies["contents"][0]["name"], "beacon-services");
    check(&taxonomy_v, &taxonomies["contents"][0], "a taxonomy");
    let terms = fetch("/hsds/taxonomy_terms".into()).await;
    check(&page_v, &terms, "/hsds/taxonomy_terms page");
    let codes: Vec<&str> = terms["contents"].as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"shelter") && codes.contains(&"mental_health"), "{codes:?}");
    for t in terms["contents"].as_array().unwrap() {
        check(&term_v, t, "a taxonomy term");
    }
    assert!(terms["contents"].as_array().unwrap().iter().any(|t| t["id"] == shelter_term.as_str()));

    for missing in ["services", "organizations", "service_at_locations"] {
        let (s, _) = public_get(&app, &format!("/hsds/{missing}/{}", uuid::Uuid::new_v4())).await;
        assert_eq!(s, 404);
    }

    // The shelter's name, street address, ZIP code and coordinates appear in no public response.
    assert!(bodies.len() > 15);
    assert!(bodies.iter().any(|(_, t)| t.contains("Confidential location in Hartford")));
    for (path, text) in &bodies {
        for secret in [SHELTER_ADDRESS, "Harbor House", "06106", "41.76", "-72.68"] {
            assert!(!text.contains(secret), "{path} reveals {secret}");
        }
    }
    // The open office's address is public.
    assert!(bodies.iter().any(|(_, t)| t.contains("1 Church Street")));
    // The coordinator's own record keeps it.
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct A {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        address_1: Option<String>,
    }
    let mut conn = app.conn().await.unwrap();
    let a: A = diesel::sql_query("SELECT address_1 FROM directory_locations WHERE confidential").get_result(&mut conn).await.unwrap();
    assert_eq!(a.address_1.as_deref(), Some(SHELTER_ADDRESS));
}

// ---------------------------------------------------------------- gap analysis

#[tokio::test]
async fn the_gap_analysis_flags_regions_without_a_shelter_and_computes_rates_by_hand() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (org_id, hartford_shelter, _) = seed(&app, &key).await;
    let (s, _, bridgeport) = post(
        &app,
        "/v1/directory/services",
        &key,
        json!({"organization_id": org_id, "name": "Bridgeport shelter", "categories": ["shelter"],
               "capacity": {"unit": "beds", "available": 4, "total": 10}, "service_areas": ["Bridgeport"]}),
    )
    .await;
    assert_eq!(s, 201, "{bridgeport}");
    let bridgeport = bridgeport["id"].as_str().unwrap().to_string();
    for id in [&hartford_shelter, &bridgeport] {
        let (s, _, v) = post(&app, &format!("/v1/directory/services/{id}/verify"), &key, json!({"method": "document_review", "training_attested": true})).await;
        assert_eq!((s, &v["vetted"]), (200, &json!(true)));
    }

    let (s, _, report) = status_and_json(app.get("/v1/directory/gaps?region_type=planning_region&from=2026-01-01&to=2026-12-31", &key).await.unwrap()).await;
    assert_eq!(s, 200, "{report}");
    let row = |region: &str, category: &str| -> Value {
        report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["region"] == region && r["category"] == category)
            .unwrap_or_else(|| panic!("no row {region} × {category}"))
            .clone()
    };
    // Greater Bridgeport: Bridgeport 148,654 + Easton 7,605 + Fairfield 61,512 + Monroe 18,825
    // + Stratford 52,355 + Trumbull 36,827 = 325,778 residents (2020); one shelter.
    let gb = row("Greater Bridgeport", "shelter");
    assert_eq!(gb["vetted_providers"], 1);
    assert_eq!(gb["population"], 325_778);
    assert_eq!(gb["population_unknown"], false);
    let per_100k = gb["providers_per_100k"].as_f64().unwrap();
    assert!((per_100k - 100_000.0 / 325_778.0).abs() < 1e-9, "{per_100k}");
    assert_eq!((gb["capacity_available"].as_i64(), gb["capacity_total"].as_i64()), (Some(4), Some(10)));
    assert_eq!(gb["flags"], json!([]));

    // Naugatuck Valley has no shelter.
    let nv = row("Naugatuck Valley", "shelter");
    assert_eq!(nv["vetted_providers"], 0);
    assert_eq!(nv["flags"][0]["flag"], "no_provider");
    assert!(nv["flags"][0]["reason"].as_str().unwrap().contains("Naugatuck Valley"));

    // Capitol has a shelter; its 38 towns had 976,248 residents in 2020 (the table is complete,
    // so every region has a rate).
    let capitol = row("Capitol", "shelter");
    assert_eq!(capitol["vetted_providers"], 1);
    assert_eq!((capitol["population"].as_i64(), capitol["population_unknown"].clone()), (Some(976_248), json!(false)));
    let per_100k = capitol["providers_per_100k"].as_f64().unwrap();
    assert!((per_100k - 100_000.0 / 976_248.0).abs() < 1e-9, "{per_100k}");

    // An unvetted service counts for nothing.
    let (s, _, _) = post(&app, "/v1/directory/services", &key, json!({"organization_id": org_id, "name": "Waterbury shelter", "categories": ["shelter"], "service_areas": ["Waterbury"]})).await;
    assert_eq!(s, 201);
    let (_, _, report) = status_and_json(app.get("/v1/directory/gaps?region_type=planning_region", &key).await.unwrap()).await;
    let nv = report["rows"].as_array().unwrap().iter().find(|r| r["region"] == "Naugatuck Valley" && r["category"] == "shelter").unwrap().clone();
    assert_eq!(nv["flags"][0]["flag"], "no_provider");

    for bad in ["region_type=state", "region_type=county&from=2026-02-01&to=2026-01-01", "region_type=county&to=someday"] {
        let (s, _, _) = status_and_json(app.get(&format!("/v1/directory/gaps?{bad}"), &key).await.unwrap()).await;
        assert_eq!(s, 400, "{bad}");
    }
    let (s, _, _) = status_and_json(app.get("/v1/directory/gaps?from=2026-01-01", &key).await.unwrap()).await;
    assert_eq!(s, 400, "region_type is required");
    for region_type in ["county", "dcf_region", "judicial_district"] {
        let (s, _, r) = status_and_json(app.get(&format!("/v1/directory/gaps?region_type={region_type}"), &key).await.unwrap()).await;
        assert_eq!(s, 200, "{region_type}: {r}");
        assert!(r["rows"].as_array().unwrap().iter().any(|row| row["category"] == "shelter"));
    }
    // The reference data assigns every town to a judicial district now: none is left out.
    let (_, _, jd) = status_and_json(app.get("/v1/directory/gaps?region_type=judicial_district", &key).await.unwrap()).await;
    assert_eq!(jd["towns_without_region"], json!([]));

    // Demand: an intake submission from New Haven needing shelter, converted to an incident.
    let partner = {
        let mut conn = app.conn().await.unwrap();
        beacon_api::security::keys::issue(&mut conn, "Safe Harbor", Role::Partner, &["https://safeharbor.example".to_string()])
            .await
            .unwrap()
            .secret
    };
    let receipt: Value = app
        .client
        .post(app.url("/v1/intake"))
        .bearer_auth(&partner)
        .header("origin", "https://safeharbor.example")
        .header("idempotency-key", "gap-1")
        .header("content-type", "application/json")
        .body(
            json!({"concern_types": ["labor"], "age_group": "25_59", "town": "new haven", "needs": ["shelter", "legal"],
                   "safe_to_contact": false, "consent_to_share": true})
            .to_string(),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = receipt["id"].as_str().unwrap_or_else(|| panic!("{receipt}"));
    let (s, _, incident) = post(&app, &format!("/v1/intake/{id}/convert"), &key, json!({"reporting_agency": "dcf"})).await;
    assert_eq!(s, 201, "{incident}");
    // (The test server's "today" is fixed; intake is stamped with the real time: a wide period.)
    let (_, _, report) = status_and_json(app.get("/v1/directory/gaps?region_type=planning_region&from=2000-01-01&to=2199-12-31", &key).await.unwrap()).await;
    let sc = report["rows"].as_array().unwrap().iter().find(|r| r["region"] == "South Central Connecticut" && r["category"] == "shelter").unwrap().clone();
    assert_eq!((sc["demand_intake"].as_i64(), sc["demand_victims"].as_i64()), (Some(1), Some(1)), "{sc}");
    let (_, _, before) = status_and_json(app.get("/v1/directory/gaps?region_type=planning_region&from=2000-01-01&to=2000-12-31", &key).await.unwrap()).await;
    let sc = before["rows"].as_array().unwrap().iter().find(|r| r["region"] == "South Central Connecticut" && r["category"] == "shelter").unwrap().clone();
    assert_eq!((sc["demand_intake"].as_i64(), sc["demand_victims"].as_i64()), (Some(0), Some(0)), "outside the period: {sc}");
    assert_eq!(sc["flags"][0]["flag"], "no_provider");
    let reporter = app.key("Agency", Role::Reporter).await.unwrap();
    let (s, _, _) = status_and_json(app.get("/v1/directory/gaps?region_type=county", &reporter).await.unwrap()).await;
    assert_eq!(s, 403);

    // below_state_rate, by county, on the real town table (every population known, 3,605,944
    // residents in 2020). Vetted shelters: the Bridgeport one (Fairfield County, 957,419), the
    // Capitol one, and eight added here in Waterbury (New Haven County, 864,835): 10 shelters, a
    // state rate of 1,000,000 / 3,605,944 = 0.2773 per 100,000, half of it 0.1387; Fairfield's
    // 100,000 / 957,419 = 0.1044 is under half.
    for n in 0..8 {
        let (s, _, w) = post(&app, "/v1/directory/services", &key, json!({"organization_id": org_id, "name": format!("Waterbury shelter {n}"), "categories": ["shelter"], "service_areas": ["Waterbury"]})).await;
        assert_eq!(s, 201);
        let (s, _, _) = post(&app, &format!("/v1/directory/services/{}/verify", w["id"].as_str().unwrap()), &key, json!({"method": "phone", "training_attested": true})).await;
        assert_eq!(s, 200);
    }
    let (_, _, by_county) = status_and_json(app.get("/v1/directory/gaps?region_type=county", &key).await.unwrap()).await;
    assert_eq!(by_county["towns_without_region"], json!([]), "the town table is complete");
    let state = by_county["state_rate_per_100k"]["shelter"].as_f64().unwrap();
    assert!((state - 1_000_000.0 / 3_605_944.0).abs() < 1e-9, "{state}");
    let find = |region: &str| by_county["rows"].as_array().unwrap().iter().find(|r| r["region"] == region && r["category"] == "shelter").unwrap().clone();
    let fairfield = find("Fairfield");
    assert_eq!(fairfield["flags"][0]["flag"], "below_state_rate", "{fairfield}");
    assert!(fairfield["flags"][0]["reason"].as_str().unwrap().contains("under half"));
    let new_haven = find("New Haven");
    assert_eq!((new_haven["vetted_providers"].as_i64(), new_haven["flags"].clone()), (Some(8), json!([])), "{new_haven}");
    assert_eq!(find("Tolland")["flags"][0]["flag"], "no_provider");
}
