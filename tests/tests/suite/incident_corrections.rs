//! Corrections and withdrawals over real HTTP (issue 11, Sec. 1(d)): `PATCH /v1/incidents/{id}`
//! under `If-Match`, checked as a new report, kept in a history that names fields and never
//! holds a sealed value; a withdrawn incident out of every count, the rollups exact; the list's
//! direct region filters.

use crate::api_incidents::incident;
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

const REASON: &str = "Checking a withdrawal leaves the counts";

async fn create(app: &TestApp, key: &str, body: &Value) -> String {
    let r = app.post_json("/v1/incidents", key, body.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let body: Value = r.json().await.unwrap();
    body["id"].as_str().unwrap().to_string()
}

async fn patch(app: &TestApp, id: &str, key: &str, if_match: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = app
        .client
        .patch(app.url(&format!("/v1/incidents/{id}")))
        .bearer_auth(key)
        .header("content-type", "application/merge-patch+json")
        .body(body.to_string());
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    request.send().await.unwrap()
}

async fn read(app: &TestApp, path: &str, key: &str) -> (u16, Option<String>, Value) {
    let r = app.get(path, key).await.unwrap();
    let status = r.status().as_u16();
    let tag = r.headers().get("etag").map(|v| v.to_str().unwrap().to_string());
    (status, tag, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_if_match_is_412_a_missing_one_428_and_neither_changes_anything() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let id = create(&app, &key, &incident("Hartford", "2026-02-10")).await;
    let (_, tag, _) = read(&app, &format!("/v1/incidents/{id}"), &key).await;
    assert_eq!(tag.as_deref(), Some("\"1\""));
    let r = patch(&app, &id, &key, Some("\"0\""), json!({"town": "Bristol"})).await;
    assert_eq!(r.status().as_u16(), 412);
    let r = patch(&app, &id, &key, None, json!({"town": "Bristol"})).await;
    assert_eq!(r.status().as_u16(), 428);
    let ok = patch(&app, &id, &key, Some("\"1\""), json!({"town": "Bristol"})).await;
    assert_eq!(ok.status().as_u16(), 200);
    let again = patch(&app, &id, &key, Some("\"1\""), json!({"town": "Hartford"})).await;
    assert_eq!(again.status().as_u16(), 412, "the ETag read before the first correction is stale now");
    let (_, tag, body) = read(&app, &format!("/v1/incidents/{id}"), &key).await;
    assert_eq!((tag.as_deref(), body["derived"]["town"].as_str()), (Some("\"2\""), Some("Bristol")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correction_is_200_with_a_new_etag_and_a_version_naming_the_changed_fields() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let auditor = app.key("Audit", Role::Auditor).await.unwrap();
    let id = create(&app, &key, &incident("Hartford", "2026-02-10")).await;
    let r = patch(&app, &id, &key, Some("\"1\""), json!({"town": "new london", "venue": null, "narrative": "Reported by a harbour master."})).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["etag"], "\"2\"");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["version"], 2);
    assert_eq!(body["derived"]["town"], "New London");
    assert_eq!(body["derived"]["county"], "New London");
    assert_eq!(body["venue"], Value::Null);
    assert_eq!(body["withdrawn"], Value::Null);

    let (status, _, versions) = read(&app, &format!("/v1/incidents/{id}/versions"), &key).await;
    assert_eq!(status, 200);
    let items = versions["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{versions}");
    assert_eq!((items[0]["version"].as_i64(), items[0]["action"].as_str()), (Some(1), Some("received")));
    assert_eq!((items[1]["version"].as_i64(), items[1]["action"].as_str()), (Some(2), Some("corrected")));
    assert_eq!(items[1]["changed_fields"], json!(["/town", "/venue", "/narrative"]));
    assert_eq!(items[1]["role"], "reporter");
    let text = versions.to_string();
    for sealed in ["Juan", "Example", "+18605550100", "farm inspector", "harbour master"] {
        assert!(!text.contains(sealed), "`{sealed}` in the history: {text}");
    }

    // Sealed anew: the new narrative reads back, the identity the patch left alone is kept.
    let (_, _, sealed) = read(&app, &format!("/v1/incidents/{id}?include=identity&reason=Checking+a+correction+kept+the+identity"), &coordinator).await;
    assert_eq!(sealed["sealed"]["narrative"], "Reported by a harbour master.");
    assert_eq!(sealed["sealed"]["victims"][0]["identity"]["given_name"], "Juan");

    let trail: Value = app.get(&format!("/v1/audit?action=incident.correct&resource_id={id}"), &auditor).await.unwrap().json().await.unwrap();
    assert_eq!(trail["items"][0]["reason"], "changed /town, /venue, /narrative", "{trail}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correction_breaking_the_contract_is_422_and_changes_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let id = create(&app, &key, &incident("Hartford", "2026-02-10")).await;
    let (_, _, before) = read(&app, &format!("/v1/incidents/{id}"), &key).await;
    let r = patch(&app, &id, &key, Some("\"1\""), json!({"incident_date": "2099-01-01", "victims": [{"sex": "female", "age": 15}]})).await;
    assert_eq!(r.status().as_u16(), 422);
    let problem: Value = r.json().await.unwrap();
    let paths: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/dcf_notified", "/incident_date", "/reported_date"], "every error, as for a new report: {problem}");
    let r = patch(&app, &id, &key, Some("\"1\""), json!({"withdrawn": {"reason": "bored"}})).await;
    assert_eq!(r.status().as_u16(), 422);
    let (_, tag, after) = read(&app, &format!("/v1/incidents/{id}"), &key).await;
    assert_eq!(tag.as_deref(), Some("\"1\""));
    assert_eq!(after, before);
    let (_, _, versions) = read(&app, &format!("/v1/incidents/{id}/versions"), &key).await;
    assert_eq!(versions["items"].as_array().unwrap().len(), 1);
}

/// The filing rule holds for corrections: a reporter corrects its own account's incidents only
/// (another's is a 404, as get and close answer) and cannot move one to another agency; the
/// coordinator can.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_corrects_only_its_own_and_never_into_another_agency() {
    let app = TestApp::spawn().await.unwrap();
    let dcf = app.reporter("DCF", "dcf").await.unwrap();
    let other = app.reporter("DCF region 2", "dcf").await.unwrap();
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let id = create(&app, &dcf, &incident("Hartford", "2026-02-10")).await;
    assert_eq!(patch(&app, &id, &other, Some("\"1\""), json!({"town": "Bristol"})).await.status().as_u16(), 404);
    assert_eq!(app.get(&format!("/v1/incidents/{id}/versions"), &other).await.unwrap().status().as_u16(), 404);
    let r = patch(&app, &id, &dcf, Some("\"1\""), json!({"reporting_agency": "desp"})).await;
    assert_eq!(r.status().as_u16(), 403);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["path"], "/reporting_agency");
    let r = patch(&app, &id, &coordinator, Some("\"1\""), json!({"reporting_agency": "desp"})).await;
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["reporting_agency"], "desp");
}

fn county_entry<'a>(body: &'a Value, measure: &str, county: Option<&str>) -> &'a Value {
    let table = body["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["measure"] == measure && t["dimensions"].as_array().unwrap().last().unwrap()["name"] == "county")
        .unwrap_or_else(|| panic!("no {measure} table by county in {body}"));
    let categories = table["dimensions"][0]["categories"].as_array().unwrap();
    let at = county.map(|c| categories.iter().position(|x| x == c).unwrap());
    table["entries"].as_array().unwrap().iter().find(|e| e["at"] == json!([at])).unwrap()
}

/// "Statistics built on uncorrectable data are wrong": a withdrawn report leaves the exact and
/// the suppressed counts, the distinct victims and the rollups (which still equal a rebuild);
/// the list hides it unless asked, and then marks it; reinstating it counts it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_incident_leaves_every_count_and_the_rollups_stay_exact() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    crate::stats_api::seed(&app, "Hartford", "2026-02-10", 10).await;
    let id = create(&app, &key, &incident("Hartford", "2026-02-11")).await;
    let internal = format!("/v1/stats/incidents?period=2026&group_by=county&internal=true&reason={}", REASON.replace(' ', "+"));
    let public = "/public/stats/incidents?period=2026&group_by=county";
    let counts = async || {
        let (_, _, exact) = read(&app, &internal, &coordinator).await;
        let shown: Value = app.client.get(app.url(public)).send().await.unwrap().json().await.unwrap();
        let (_, _, distinct) = read(&app, "/v1/victims/distinct", &coordinator).await;
        let (_, _, listed) = read(&app, "/v1/incidents", &coordinator).await;
        (
            county_entry(&exact, "incidents", Some("Hartford"))["value"].clone(),
            county_entry(&exact, "victims", Some("Hartford"))["value"].clone(),
            county_entry(&shown, "incidents", Some("Hartford"))["value"].clone(),
            distinct["victim_records"].clone(),
            listed["total_items"].clone(),
        )
    };
    assert_eq!(counts().await, (json!(11), json!(11), json!(11), json!(1), json!(11)));

    let r = patch(&app, &id, &key, Some("\"1\""), json!({"withdrawn": {"reason": "duplicate"}})).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["etag"], "\"2\"");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["withdrawn"]["reason"], "duplicate");
    // 10 is under k = 11: withheld in the suppressed answer.
    assert_eq!(counts().await, (json!(10), json!(10), Value::Null, json!(0), json!(10)));
    let shown: Value = app.client.get(app.url(public)).send().await.unwrap().json().await.unwrap();
    assert_eq!(county_entry(&shown, "incidents", Some("Hartford"))["suppressed"], true);

    let (_, _, all) = read(&app, "/v1/incidents?include_withdrawn=true", &coordinator).await;
    assert_eq!(all["total_items"], 11);
    let marked: Vec<&Value> = all["items"].as_array().unwrap().iter().filter(|i| !i["withdrawn"].is_null()).collect();
    assert_eq!(marked.len(), 1);
    assert_eq!((marked[0]["id"].as_str(), marked[0]["withdrawn"]["reason"].as_str()), (Some(id.as_str()), Some("duplicate")));
    let (_, _, versions) = read(&app, &format!("/v1/incidents/{id}/versions"), &key).await;
    assert_eq!(versions["items"][1]["action"], "withdrawn");
    assert_eq!(versions["items"][1]["withdrawn_reason"], "duplicate");
    let auditor = app.key("Audit", Role::Auditor).await.unwrap();
    let trail: Value = app.get(&format!("/v1/audit?action=incident.withdraw&resource_id={id}"), &auditor).await.unwrap().json().await.unwrap();
    assert_eq!(trail["items"][0]["reason"], "reason duplicate", "{trail}");

    let mut conn = app.conn().await.unwrap();
    let kept = crate::stats_rollups::rollup_contents(&mut conn).await;
    diesel::sql_query("SELECT stats_rollups_rebuild()").execute(&mut app.owner_conn().await.unwrap()).await.unwrap();
    assert_eq!(kept, crate::stats_rollups::rollup_contents(&mut conn).await, "the triggers kept the rollups exact");

    // Corrected while withdrawn (moved to another county), then reinstated: counted where it is now.
    assert_eq!(patch(&app, &id, &key, Some("\"2\""), json!({"town": "Norwich"})).await.status().as_u16(), 200);
    assert_eq!(patch(&app, &id, &key, Some("\"3\""), json!({"withdrawn": null})).await.status().as_u16(), 200);
    let trail: Value = app.get(&format!("/v1/audit?action=incident.reinstate&resource_id={id}"), &auditor).await.unwrap().json().await.unwrap();
    assert_eq!(trail["items"].as_array().map(Vec::len), Some(1), "{trail}");
    let (_, _, exact) = read(&app, &internal, &coordinator).await;
    assert_eq!(county_entry(&exact, "incidents", Some("Hartford"))["value"], 10);
    assert_eq!(county_entry(&exact, "incidents", Some("New London"))["value"], 1);
    let kept = crate::stats_rollups::rollup_contents(&mut conn).await;
    diesel::sql_query("SELECT stats_rollups_rebuild()").execute(&mut app.owner_conn().await.unwrap()).await.unwrap();
    assert_eq!(kept, crate::stats_rollups::rollup_contents(&mut conn).await, "the triggers kept the rollups exact");
}

/// `GET /v1/incidents` takes each region kind as a filter of its own, by the towns' regions in
/// the reference data, together with the others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incidents_are_listed_by_direct_region_filters() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    create(&app, &key, &incident("Hartford", "2026-02-01")).await;
    create(&app, &key, &incident("New London", "2026-02-02")).await;
    create(&app, &key, &incident("Norwich", "2026-02-03")).await;
    for (query, want) in [
        ("county=New%20London", 2),
        ("county=hartford", 1),
        ("judicial_district=New%20London", 2),
        ("planning_region=Southeastern%20Connecticut", 2),
        ("dcf_region=4", 1),
        ("county=New%20London&town=Norwich", 1),
        ("county=Hartford&planning_region=Southeastern%20Connecticut", 0),
    ] {
        let (status, _, body) = read(&app, &format!("/v1/incidents?{query}"), &key).await;
        assert_eq!((status, body["total_items"].clone()), (200, json!(want)), "{query}: {body}");
    }
    let (status, _, body) = read(&app, "/v1/incidents?county=Atlantis&dcf_region=9", &key).await;
    assert_eq!(status, 400);
    let paths: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/county", "/dcf_region"]);
}

/// Retention: once `beacon purge` removed an incident's sealed fields, a correction cannot store
/// them again (it could never be purged again); the rest of the report can still be corrected.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purged_incident_is_corrected_without_its_sealed_fields_coming_back() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let id = create(&app, &key, &incident("Hartford", "2026-02-10")).await;
    let mut conn = app.conn().await.unwrap();
    for sql in [
        format!("UPDATE victims SET identity_sealed = NULL, identity_index = NULL WHERE incident_id = '{id}'"),
        format!("UPDATE incidents SET narrative_sealed = NULL, closed_at = now(), sealed_purged_at = now() WHERE id = '{id}'"),
    ] {
        diesel::sql_query(sql).execute(&mut conn).await.unwrap();
    }
    let r = patch(&app, &id, &key, Some("\"1\""), json!({"narrative": "Written again."})).await;
    assert_eq!(r.status().as_u16(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!((problem["errors"][0]["path"].as_str(), problem["errors"][0]["code"].as_str()), (Some("/narrative"), Some("not_allowed")));
    let r = patch(&app, &id, &key, Some("\"1\""), json!({"town": "Bristol"})).await;
    assert_eq!(r.status().as_u16(), 200);
}
