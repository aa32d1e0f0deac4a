use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use serde_json::{json, Value};

pub fn incident(town: &str, date: &str) -> Value {
    json!({
        "reporting_agency": "dcf",
        "agency_case_ref": "DCF-2026/0042",
        "status": "suspected",
        "incident_date": date,
        "reported_date": date,
        "town": town,
        "trafficking_types": ["labor"],
        "venue": "agriculture",
        "control_methods": ["withholds_documents", "debt_bondage"],
        "victims": [{"sex": "male", "age": 34, "citizenship": "foreign_national", "language": "es",
                     "services_needed": ["immigration_legal", "shelter"],
                     "identity": {"given_name": "Juan", "family_name": "Example", "phone": "+18605550100"}}],
        "narrative": "Reported by a farm inspector."
    })
}

async fn create(app: &TestApp, key: &str, body: &Value) -> Value {
    let r = app.post_json("/v1/incidents", key, body.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    r.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_valid_incident_is_created_with_location_and_derived_fields() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let r = app.post_json("/v1/incidents", &key, incident("new london", "2026-06-01").to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let body: Value = r.json().await.unwrap();
    assert_eq!(location, format!("/v1/incidents/{}", body["id"].as_str().unwrap()));
    assert_eq!(body["derived"]["town"], "New London");
    assert_eq!(body["derived"]["nibrs_offenses"], json!(["64B"]));
    assert_eq!(body["derived"]["county"], "New London");
    assert_eq!(body["derived"]["minor_involved"], false);
    assert!(body["received_at"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_an_incident_returns_it_without_sealed_fields() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let created = create(&app, &key, &incident("Hartford", "2026-06-01")).await;
    let r = app.get(&format!("/v1/incidents/{}", created["id"].as_str().unwrap()), &key).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let text = r.text().await.unwrap();
    for sealed in ["Juan", "Example", "+18605550100", "farm inspector", "narrative", "identity"] {
        assert!(!text.contains(sealed), "`{sealed}` leaked in {text}");
    }
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["victims"][0]["services_needed"], json!(["immigration_legal", "shelter"]));
    assert_eq!(body["control_methods"], json!(["withholds_documents", "debt_bondage"]));
    assert_eq!(body["derived"]["planning_region"], "Capitol");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_accounts_incident_is_not_found_for_a_reporter() {
    let app = TestApp::spawn().await.unwrap();
    let a = app.reporter("Agency A", "dcf").await.unwrap();
    let b = app.reporter("Agency B", "dcf").await.unwrap();
    let created = create(&app, &a, &incident("Hartford", "2026-06-01")).await;
    let path = format!("/v1/incidents/{}", created["id"].as_str().unwrap());
    assert_eq!(app.get(&path, &b).await.unwrap().status().as_u16(), 404);
    let listed: Value = app.get("/v1/incidents", &b).await.unwrap().json().await.unwrap();
    assert_eq!(listed["total_items"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_reads_every_accounts_incidents() {
    let app = TestApp::spawn().await.unwrap();
    let a = app.reporter("Agency A", "dcf").await.unwrap();
    let b = app.reporter("Agency B", "dcf").await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let created = create(&app, &a, &incident("Hartford", "2026-06-01")).await;
    create(&app, &b, &incident("Stamford", "2026-06-02")).await;
    let path = format!("/v1/incidents/{}", created["id"].as_str().unwrap());
    assert_eq!(app.get(&path, &coordinator).await.unwrap().status().as_u16(), 200);
    let listed: Value = app.get("/v1/incidents", &coordinator).await.unwrap().json().await.unwrap();
    assert_eq!(listed["total_items"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_pages_and_filters_by_town_and_dates() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    for (town, date) in [("Hartford", "2026-01-10"), ("hartford", "2026-03-10"), ("Bristol", "2026-03-11"), ("Hartford", "2026-05-01")] {
        create(&app, &key, &incident(town, date)).await;
    }
    let page: Value = app.get("/v1/incidents?per_page=2&page=2", &key).await.unwrap().json().await.unwrap();
    assert_eq!((page["total_items"].as_i64(), page["total_pages"].as_i64()), (Some(4), Some(2)));
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let hartford: Value = app.get("/v1/incidents?town=HARTFORD&from=2026-02-01&to=2026-04-30", &key).await.unwrap().json().await.unwrap();
    assert_eq!(hartford["total_items"], 1);
    assert_eq!(hartford["items"][0]["incident_date"], "2026-03-10");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_list_parameters_are_a_400_naming_each() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let r = app.get("/v1/incidents?per_page=500&town=Gotham&from=2026-13-01", &key).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().await.unwrap();
    let paths: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, vec!["/per_page", "/town", "/from"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_without_incident_access_are_forbidden() {
    let app = TestApp::spawn().await.unwrap();
    for role in [Role::Partner, Role::Auditor, Role::Admin] {
        let key = app.key("Other", role).await.unwrap();
        let r = app.post_json("/v1/incidents", &key, incident("Hartford", "2026-06-01").to_string()).await.unwrap();
        assert_eq!(r.status().as_u16(), 403, "{role:?} files");
        assert_eq!(app.get("/v1/incidents", &key).await.unwrap().status().as_u16(), 403, "{role:?}");
    }
}

/// Sec. 1(d): agencies report their own incidents. A reporter key files only as its account's
/// agency; a contract error is still a 422 first; the coordinator files on an agency's behalf and
/// the audit trail says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_files_only_as_its_own_agency_and_the_coordinator_on_behalf() {
    let app = TestApp::spawn().await.unwrap();
    let dcf = app.reporter("DCF", "dcf").await.unwrap();
    let no_agency = app.key("Unassigned", Role::Reporter).await.unwrap();
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let auditor = app.key("Audit", Role::Auditor).await.unwrap();
    let mut as_desp = incident("Hartford", "2026-06-01");
    as_desp["reporting_agency"] = json!("desp");

    for key in [&dcf, &no_agency] {
        let r = app.post_json("/v1/incidents", key, as_desp.to_string()).await.unwrap();
        assert_eq!(r.status().as_u16(), 403);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["code"], "forbidden");
        assert_eq!(body["errors"][0]["path"], "/reporting_agency", "{body}");
    }
    let mut broken = as_desp.clone();
    broken["town"] = json!("Atlantis");
    let r = app.post_json("/v1/incidents", &dcf, broken.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 422, "the contract is checked before the agency");
    let listed: Value = app.get("/v1/incidents", &coordinator).await.unwrap().json().await.unwrap();
    assert_eq!(listed["total_items"], 0, "a refused report stores nothing");

    let created = create(&app, &coordinator, &as_desp).await;
    let id = created["id"].as_str().unwrap();
    let trail: Value = app.get(&format!("/v1/audit?action=incident.create&resource_id={id}"), &auditor).await.unwrap().json().await.unwrap();
    assert_eq!(trail["items"][0]["reason"], "filed on behalf of desp", "{trail}");
    create(&app, &dcf, &incident("Hartford", "2026-06-01")).await;
}

/// `GET /v1/incidents` selects by region as the other lists do (`region_type` + `region`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incidents_are_listed_by_region() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    create(&app, &key, &incident("Hartford", "2026-06-01")).await;
    create(&app, &key, &incident("New London", "2026-06-02")).await;
    create(&app, &key, &incident("Norwich", "2026-06-03")).await;
    for (query, want) in [
        ("region_type=county&region=Hartford", 1),
        ("region_type=county&region=New%20London", 2),
        ("region_type=judicial_district&region=New%20London", 2),
        ("region_type=planning_region&region=Southeastern%20Connecticut", 2),
        ("region=4", 1),
    ] {
        let body: Value = app.get(&format!("/v1/incidents?{query}"), &key).await.unwrap().json().await.unwrap();
        assert_eq!(body["total_items"], want, "{query}: {body}");
    }
    let r = app.get("/v1/incidents?region_type=county&region=Atlantis", &key).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["path"], "/region");
}
