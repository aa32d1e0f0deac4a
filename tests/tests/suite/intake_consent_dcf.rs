//! Issue 11, part 1: the minors DCF shall serve (Sec. 10), the person's consent kept, and the
//! intake contact details readable by who may, audited, rotated and purged.

use base64::Engine;
use beacon_api::config::MasterKey;
use beacon_api::security::crypto::{field_aad, Envelope};
use beacon_api::security::{keys, Role};
use beacon_core::reference::codes::{AgeGroup, CodeList};
use beacon_tests::app::TestApp;
use chrono::NaiveDate;
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

const ORIGIN: &str = "https://safeharbor.example";
const REASON: &str = "calling back to arrange shelter tonight";

async fn partner(app: &TestApp) -> String {
    let mut conn = app.conn().await.unwrap();
    keys::issue(&mut conn, "Safe Harbor", Role::Partner, &[ORIGIN.to_string()]).await.unwrap().secret
}

/// A 15-year-old's intake (the form asks the age group, `12_17`), with contact details and notes.
fn fifteen_year_old(consent: bool) -> Value {
    json!({"concern_types": ["sex"], "age_group": "12_17", "town": "Hartford", "needs": ["shelter"],
           "safe_to_contact": true, "contact": {"name": "MARKER-CONTACT", "phone": "+18605550100"},
           "consent_to_share": consent, "notes": "MARKER-NOTES"})
}

async fn submit(app: &TestApp, key: &str, idem: &str, body: &Value) -> String {
    let r = app
        .client
        .post(app.url("/v1/intake"))
        .bearer_auth(key)
        .header("origin", ORIGIN)
        .header("idempotency-key", idem)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let receipt: Value = r.json().await.unwrap();
    receipt["id"].as_str().unwrap().to_string()
}

async fn send(app: &TestApp, method: reqwest::Method, path: &str, key: &str, body: Value) -> (u16, Value) {
    let r = app
        .client
        .request(method, app.url(path))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, path: &str, key: &str) -> (u16, Value) {
    let r = app.get(path, key).await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The audit trail's `(action, resource_id, reason)` of every entry with `action`.
async fn audited(app: &TestApp, action: &str) -> Vec<(String, Option<String>, Option<String>)> {
    #[derive(diesel::QueryableByName)]
    struct Entry {
        #[diesel(sql_type = diesel::sql_types::Text)]
        action: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        resource_id: Option<String>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        reason: Option<String>,
    }
    let mut conn = app.conn().await.unwrap();
    let rows: Vec<Entry> = diesel::sql_query("SELECT action, resource_id, reason FROM audit_log WHERE action = $1 ORDER BY seq")
        .bind::<diesel::sql_types::Text, _>(action)
        .load(&mut conn)
        .await
        .unwrap();
    rows.into_iter().map(|e| (e.action, e.resource_id, e.reason)).collect()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The ids in a page of the minors queue.
fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifteen_year_olds_intake_with_consent_converts_and_dcfs_response_is_recorded_and_timed() {
    let app = TestApp::spawn().await.unwrap();
    let form = partner(&app).await;
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let dcf = app.key("DCF", Role::Dcf).await.unwrap();
    // Received on 2026-06-15 (the test clock's day).
    let id = submit(&app, &form, "k-15", &fifteen_year_old(true)).await;
    let (status, _) = send(&app, reqwest::Method::PATCH, &format!("/v1/intake/{id}"), &coordinator, json!({"dcf_notified": true})).await;
    assert_eq!(status, 200);
    let (status, created) = send(&app, reqwest::Method::POST, &format!("/v1/intake/{id}/convert"), &coordinator, json!({"reporting_agency": "dcf"})).await;
    assert_eq!(status, 201, "{created}");
    let incident = created["id"].as_str().unwrap().to_string();
    let (_, read) = get(&app, &format!("/v1/incidents/{incident}"), &coordinator).await;
    assert_eq!(read["derived"]["minor_involved"], true, "{read}");

    // The minor is in DCF's queue once, as the incident, timed from the submission's receipt.
    let (status, queue) = get(&app, "/v1/dcf/minors", &dcf).await;
    assert_eq!(status, 200, "{queue}");
    assert_eq!(ids(&queue), [incident.as_str()], "{queue}");
    let item = &queue["items"][0];
    assert_eq!((&item["kind"], &item["received_on"], &item["due_on"], &item["overdue"]), (&json!("incident"), &json!("2026-06-15"), &json!("2026-06-20"), &json!(false)));
    assert_eq!(item["partner"], "Safe Harbor");

    // The fifth calendar day is on time; the sixth is overdue.
    app.set_today(day("2026-06-20"));
    let (_, overdue) = get(&app, "/v1/dcf/minors?overdue=true", &dcf).await;
    assert_eq!(overdue["total_items"], 0, "{overdue}");
    app.set_today(day("2026-06-21"));
    let (_, overdue) = get(&app, "/v1/dcf/minors?overdue=true", &dcf).await;
    assert_eq!(ids(&overdue), [incident.as_str()], "{overdue}");
    assert_eq!(overdue["items"][0]["overdue"], true);

    let body = json!({"response": "accepted_for_services", "responded_on": "2026-06-21"});
    let (status, recorded) = send(&app, reqwest::Method::PUT, &format!("/v1/incidents/{incident}/dcf-response"), &dcf, body).await;
    assert_eq!(status, 200, "{recorded}");
    assert_eq!(recorded["dcf_response"], json!({"response": "accepted_for_services", "reason": null, "responded_on": "2026-06-21"}));
    assert_eq!(recorded["overdue"], false);
    let (_, overdue) = get(&app, "/v1/dcf/minors?overdue=true", &dcf).await;
    assert_eq!(overdue["total_items"], 0, "{overdue}");
    let (_, responded) = get(&app, "/v1/dcf/minors?responded=true", &dcf).await;
    assert_eq!(ids(&responded), [incident.as_str()]);
    assert_eq!(audited(&app, "dcf.respond").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifteen_year_olds_intake_without_consent_reaches_dcf_and_stays_with_the_partner() {
    let app = TestApp::spawn().await.unwrap();
    let form = partner(&app).await;
    let staff = app.key("Safe Harbor", Role::PartnerStaff).await.unwrap();
    let other_staff = app.key("Other Shelter", Role::PartnerStaff).await.unwrap();
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let dcf = app.key("DCF", Role::Dcf).await.unwrap();
    let id = submit(&app, &form, "k-15", &fifteen_year_old(false)).await;

    // Sec. 10 whatever the consent: in DCF's queue, de-identified, naming the partner.
    let (_, queue) = get(&app, "/v1/dcf/minors", &dcf).await;
    assert_eq!(ids(&queue), [id.as_str()], "{queue}");
    assert_eq!((&queue["items"][0]["kind"], &queue["items"][0]["partner"]), (&json!("submission"), &json!("Safe Harbor")));
    assert!(!queue.to_string().contains("MARKER"), "{queue}");

    // The coordinator sees the facts, not the case's handles, and never the contact.
    let (status, seen) = get(&app, &format!("/v1/intake/{id}"), &coordinator).await;
    assert_eq!(status, 200);
    assert_eq!((&seen["age_group"], &seen["town"], &seen["reference"], &seen["safe_to_contact"]), (&json!("12_17"), &json!("Hartford"), &Value::Null, &Value::Null), "{seen}");
    let (status, refused) = get(&app, &format!("/v1/intake/{id}?include=contact&reason={REASON}"), &coordinator).await;
    assert_eq!(status, 403, "{refused}");
    assert!(!refused.to_string().contains("MARKER"));
    let with_identity = json!({"reporting_agency": "dcf", "dcf_notified": true, "victims": [{"sex": "female", "age_band": "12_17", "identity": {"given_name": "A"}}]});
    let (status, refused) = send(&app, reqwest::Method::POST, &format!("/v1/intake/{id}/convert"), &coordinator, with_identity).await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["errors"][0]["path"], "/victims/0/identity");

    // The partner's own staff read it whole, and the read is audited.
    let (status, whole) = get(&app, &format!("/v1/intake/{id}?include=contact"), &staff).await;
    assert_eq!(status, 200, "{whole}");
    assert_eq!((&whole["sealed"]["contact"]["name"], &whole["sealed"]["notes"]), (&json!("MARKER-CONTACT"), &json!("MARKER-NOTES")));
    assert_eq!(audited(&app, "intake.read_contact").await, [("intake.read_contact".to_string(), Some(id.clone()), None)]);

    // Another partner's staff do not learn it exists.
    let (status, _) = get(&app, &format!("/v1/intake/{id}"), &other_staff).await;
    assert_eq!(status, 404);
    let (status, _) = get(&app, &format!("/v1/intake/{id}?include=contact"), &other_staff).await;
    assert_eq!(status, 404);
    let (_, list) = get(&app, "/v1/intake", &other_staff).await;
    assert_eq!(list["total_items"], 0, "{list}");
    let (_, list) = get(&app, "/v1/intake", &staff).await;
    assert_eq!(list["total_items"], 1, "{list}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dcf_key_lists_the_minors_queue_and_records_a_response_another_partners_staff_gets_404() {
    let app = TestApp::spawn().await.unwrap();
    let form = partner(&app).await;
    let dcf = app.key("DCF", Role::Dcf).await.unwrap();
    let other_staff = app.key("Other Shelter", Role::PartnerStaff).await.unwrap();
    let minor = submit(&app, &form, "k-1", &fifteen_year_old(true)).await;
    let mut adult = fifteen_year_old(true);
    adult["age_group"] = json!("25_59");
    let adult = submit(&app, &form, "k-2", &adult).await;
    let (_, queue) = get(&app, "/v1/dcf/minors?responded=false", &dcf).await;
    assert_eq!(ids(&queue), [minor.as_str()], "only the minor: {queue}");

    let path = format!("/v1/intake/{minor}/dcf-response");
    let (status, refused) = send(&app, reqwest::Method::PUT, &path, &dcf, json!({"response": "assessed_not_accepted", "responded_on": "2026-06-15"})).await;
    assert_eq!((status, &refused["errors"][0]["path"]), (422, &json!("/reason")), "{refused}");
    let (status, refused) = send(&app, reqwest::Method::PUT, &format!("/v1/intake/{adult}/dcf-response"), &dcf, json!({"response": "accepted_for_services", "responded_on": "2026-06-15"})).await;
    assert_eq!(status, 422, "an adult's submission is not DCF's: {refused}");
    let body = json!({"response": "assessed_not_accepted", "reason": "not_residing_in_state", "responded_on": "2026-06-15"});
    let (status, recorded) = send(&app, reqwest::Method::PUT, &path, &dcf, body).await;
    assert_eq!(status, 200, "{recorded}");
    assert_eq!(recorded["dcf_response"]["reason"], "not_residing_in_state");
    let (_, waiting) = get(&app, "/v1/dcf/minors?responded=false", &dcf).await;
    assert_eq!(waiting["total_items"], 0, "{waiting}");

    let (status, _) = get(&app, &format!("/v1/intake/{minor}"), &other_staff).await;
    assert_eq!(status, 404);
    let (status, _) = send(&app, reqwest::Method::PUT, &path, &other_staff, json!({"response": "accepted_for_services", "responded_on": "2026-06-15"})).await;
    assert_eq!(status, 403, "only DCF records DCF's response");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_coordinators_contact_read_needs_a_reason_and_consent_and_is_audited() {
    let app = TestApp::spawn().await.unwrap();
    let form = partner(&app).await;
    let staff = app.key("Safe Harbor", Role::PartnerStaff).await.unwrap();
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let id = submit(&app, &form, "k-1", &fifteen_year_old(true)).await;
    let (status, _) = get(&app, &format!("/v1/intake/{id}?include=contact"), &coordinator).await;
    assert_eq!(status, 422, "a reason is required");
    let (status, read) = get(&app, &format!("/v1/intake/{id}?include=contact&reason={REASON}"), &coordinator).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["sealed"]["contact"]["phone"], "+18605550100");
    assert_eq!(audited(&app, "intake.read_contact").await, [("intake.read_contact".to_string(), Some(id.clone()), Some(REASON.to_string()))]);
    let (_, plain) = get(&app, &format!("/v1/intake/{id}"), &coordinator).await;
    assert!(plain.get("sealed").is_none() && !plain.to_string().contains("MARKER"), "{plain}");

    // The partner withdraws consent on the person's behalf: the coordinator's access ends.
    let path = format!("/v1/intake/{id}/consent-withdrawal");
    let (status, refused) = send(&app, reqwest::Method::POST, &path, &staff, json!({"withdrawn_on": "2026-06-16"})).await;
    assert_eq!((status, &refused["errors"][0]["code"]), (422, &json!("future_date")), "{refused}");
    let (status, withdrawn) = send(&app, reqwest::Method::POST, &path, &staff, json!({"withdrawn_on": "2026-06-15"})).await;
    assert_eq!(status, 200, "{withdrawn}");
    assert_eq!(withdrawn["consent_withdrawn_on"], "2026-06-15");
    assert_eq!(audited(&app, "intake.withdraw_consent").await.len(), 1);
    let (status, _) = get(&app, &format!("/v1/intake/{id}?include=contact&reason={REASON}"), &coordinator).await;
    assert_eq!(status, 403);
    let (_, facts) = get(&app, &format!("/v1/intake/{id}"), &coordinator).await;
    assert_eq!(facts["reference"], Value::Null, "{facts}");
    let (status, _) = send(&app, reqwest::Method::POST, &path, &staff, json!({"withdrawn_on": "2026-06-15"})).await;
    assert_eq!(status, 422, "withdrawn once");
}

/// Every age group through the API: submitted, converted, and the incident's minor flag and age
/// band as the core's table test says (`core/tests/minors.rs`, `every_age_group_converts`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_age_group_converts_through_the_api() {
    let app = TestApp::spawn().await.unwrap();
    let form = partner(&app).await;
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    for (n, &group) in AgeGroup::ALL.iter().enumerate() {
        let mut body = fifteen_year_old(true);
        body["age_group"] = json!(group.code());
        let id = submit(&app, &form, &format!("k-{n}"), &body).await;
        if group.is_minor() {
            let (status, _) = send(&app, reqwest::Method::PATCH, &format!("/v1/intake/{id}"), &coordinator, json!({"dcf_notified": true})).await;
            assert_eq!(status, 200);
        }
        let (status, created) = send(&app, reqwest::Method::POST, &format!("/v1/intake/{id}/convert"), &coordinator, json!({"reporting_agency": "dcf"})).await;
        assert_eq!(status, 201, "{group}: {created}");
        let (_, incident) = get(&app, &format!("/v1/incidents/{}", created["id"].as_str().unwrap()), &coordinator).await;
        let band = group.as_band().map_or(Value::Null, |b| json!(b.code()));
        assert_eq!(
            (&incident["derived"]["minor_involved"], &incident["victims"][0]["age_band"], &incident["dcf_notified"]),
            (&json!(group.is_minor()), &band, &json!(group.is_minor())),
            "{group}: {incident}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_count_minors_with_and_without_dcfs_response() {
    let app = TestApp::spawn().await.unwrap();
    let form = partner(&app).await;
    let dcf = app.key("DCF", Role::Dcf).await.unwrap();
    let answered = submit(&app, &form, "k-1", &fifteen_year_old(false)).await;
    submit(&app, &form, "k-2", &fifteen_year_old(true)).await;
    let mut adult = fifteen_year_old(true);
    adult["age_group"] = json!("18_24");
    submit(&app, &form, "k-3", &adult).await;
    let body = json!({"response": "already_open_case", "responded_on": "2026-06-15"});
    let (status, _) = send(&app, reqwest::Method::PUT, &format!("/v1/intake/{answered}/dcf-response"), &dcf, body).await;
    assert_eq!(status, 200);
    let mut conn = app.conn().await.unwrap();
    let counts = beacon_api::db::dcf::response_counts(&mut conn, None, None, day("2026-06-30"), 5).await.unwrap();
    assert_eq!(
        counts,
        beacon_api::db::dcf::ResponseCounts { minors: 2, with_response: 1, without_response: 1, overdue: 1, already_open_case: 1, ..Default::default() }
    );
    let later = beacon_api::db::dcf::response_counts(&mut conn, Some(day("2026-06-16")), None, day("2026-06-30"), 5).await.unwrap();
    assert_eq!(later.minors, 0);
}

/// `GET /v1/stats/dcf_responses`: the minors DCF shall serve, by DCF's response (`none` for a
/// minor without one), exact for the audited read and suppressed otherwise; an adult's intake is
/// no minor, and a withdrawn incident no one's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_api_counts_minors_by_dcfs_response() {
    let app = TestApp::spawn().await.unwrap();
    let form = partner(&app).await;
    let dcf = app.key("DCF", Role::Dcf).await.unwrap();
    let coordinator = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let mut minors = Vec::new();
    for i in 0..8 {
        minors.push(submit(&app, &form, &format!("m-{i}"), &fifteen_year_old(i % 2 == 0)).await);
    }
    let mut adult = fifteen_year_old(true);
    adult["age_group"] = json!("25_59");
    submit(&app, &form, "adult", &adult).await;
    for id in &minors[..6] {
        let body = json!({"response": "accepted_for_services", "responded_on": "2026-06-15"});
        let (status, _) = send(&app, reqwest::Method::PUT, &format!("/v1/intake/{id}/dcf-response"), &dcf, body).await;
        assert_eq!(status, 200);
    }
    let path = "/v1/stats/dcf_responses?period=2026&group_by=outcome&internal=true&reason=Quarterly+review+of+Sec.+10";
    let (status, body) = get(&app, path, &coordinator).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["subject"], "dcf_responses");
    let table = body["tables"].as_array().unwrap().iter().find(|t| t["name"] == "minors by outcome").unwrap_or_else(|| panic!("{body}"));
    let categories: Vec<&str> = table["dimensions"][0]["categories"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    let value = |label: Option<&str>| {
        let at = label.map_or(Value::Null, |l| json!(categories.iter().position(|c| *c == l).unwrap()));
        table["entries"].as_array().unwrap().iter().find(|e| e["at"] == json!([at])).unwrap()["value"].clone()
    };
    assert_eq!(
        (value(Some("accepted_for_services")), value(Some("none")), value(Some("already_open_case")), value(None)),
        (json!(6), json!(2), json!(0), json!(8)),
        "{table}"
    );
    // Filtered by the response in the same SQL: the two without one.
    let (status, body) = get(&app, &format!("{path}&outcome=none,already_open_case"), &coordinator).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["filters"], json!({"outcome": ["none", "already_open_case"]}));
    let filtered = body["tables"].as_array().unwrap().iter().find(|t| t["name"] == "minors by outcome").unwrap();
    let total = filtered["entries"].as_array().unwrap().iter().find(|e| e["at"] == json!([null])).unwrap();
    assert_eq!(total["value"], 2, "{filtered}");
    // The default read is suppressed: two minors without a response are withheld.
    let (status, body) = get(&app, "/v1/stats/dcf_responses?period=2026&group_by=outcome", &coordinator).await;
    assert_eq!(status, 200);
    let table = body["tables"].as_array().unwrap().iter().find(|t| t["name"] == "minors by outcome").unwrap();
    let none = categories.iter().position(|c| *c == "none").unwrap();
    let entry = table["entries"].as_array().unwrap().iter().find(|e| e["at"] == json!([none])).unwrap();
    assert_eq!((&entry["value"], &entry["suppressed"]), (&Value::Null, &json!(true)), "{table}");
    // The statistics are the coordinator's: DCF works the queue, not the counts.
    assert_eq!(get(&app, "/v1/stats/dcf_responses?period=2026", &dcf).await.0, 403);
}

/// The annual report's minors section tabulates DCF's responses (Sec. 10(a)), suppressed like
/// every table of people: the 2 without a response are withheld, and so is the 11 accepted that
/// the total of 13 would give them away by; the zeros are shown.
#[tokio::test]
async fn the_annual_report_counts_minors_by_dcfs_response() {
    let app = TestApp::spawn().await.unwrap();
    let form = partner(&app).await;
    let dcf = app.key("DCF", Role::Dcf).await.unwrap();
    let coordinator = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let mut minors = Vec::new();
    for i in 0..13 {
        minors.push(submit(&app, &form, &format!("r-{i}"), &fifteen_year_old(i % 2 == 0)).await);
    }
    let mut adult = fifteen_year_old(true);
    adult["age_group"] = json!("25_59");
    submit(&app, &form, "adult", &adult).await;
    for id in &minors[..11] {
        let body = json!({"response": "accepted_for_services", "responded_on": "2026-06-15"});
        let (status, _) = send(&app, reqwest::Method::PUT, &format!("/v1/intake/{id}/dcf-response"), &dcf, body).await;
        assert_eq!(status, 200);
    }
    let (status, report) = get(&app, "/v1/reports/coordinator/2026", &coordinator).await;
    assert_eq!(status, 200, "{report}");
    let table = &report["sections"]["minors_and_dcf"]["responses"];
    let categories: Vec<&str> = table["dimensions"][0]["categories"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(categories, ["Accepted for services", "Assessed, not accepted", "Already an open DCF case", "No response recorded"]);
    let cells: Vec<(Value, Value)> = table["entries"].as_array().unwrap().iter().map(|e| (e["value"].clone(), e["suppressed"].clone())).collect();
    assert_eq!(
        cells,
        [(Value::Null, json!(true)), (json!(0), json!(false)), (json!(0), json!(false)), (Value::Null, json!(true)), (json!(13), json!(false))],
        "{table}"
    );
    let (status, html) = {
        let r = app.get("/v1/reports/coordinator/2026?format=html", &coordinator).await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    };
    assert_eq!(status, 200);
    assert!(html.contains("Minors made known to DCF by DCF response"), "the HTML report shows the table");
}

#[derive(diesel::QueryableByName)]
struct SealedIntake {
    #[diesel(sql_type = diesel::sql_types::Text)]
    key_id: String,
    /// `None` once purged (crypto-shredding).
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Bytea>)]
    wrapped_data_key: Option<Vec<u8>>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Bytea>)]
    contact_sealed: Option<Vec<u8>>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Bytea>)]
    notes_sealed: Option<Vec<u8>>,
}

async fn sealed(app: &TestApp, id: &str) -> SealedIntake {
    let mut conn = app.conn().await.unwrap();
    diesel::sql_query("SELECT key_id, wrapped_data_key, contact_sealed, notes_sealed FROM intake_submissions WHERE id = $1::uuid")
        .bind::<diesel::sql_types::Text, _>(id)
        .get_result(&mut conn)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_the_master_key_rewraps_intake_records_and_the_old_key_opens_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let form = partner(&app).await;
    let id = submit(&app, &form, "k-1", &fifteen_year_old(true)).await;
    let new_key: [u8; 32] = rand::random();
    let b64 = |k: &[u8; 32]| base64::engine::general_purpose::STANDARD.encode(k);
    let out = app
        .beacon(&["keys", "rotate-data-key"], &[("BEACON_DATA_KEY", b64(&new_key)), ("BEACON_DATA_KEY_PREVIOUS", app.data_key_base64())])
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("re-wrapped 1/1 intake_submissions"), "{}", String::from_utf8_lossy(&out.stdout));
    let row = sealed(&app, &id).await;
    let uuid = uuid::Uuid::parse_str(&id).unwrap();
    let only_new = Envelope::new(MasterKey(new_key), MasterKey(app.index_key));
    assert_eq!(row.key_id, only_new.key_id());
    let wrapped = row.wrapped_data_key.as_deref().unwrap();
    let key = only_new.unwrap_record_key(uuid, &row.key_id, wrapped).unwrap();
    let notes = key.open(&field_aad("intake_submissions", uuid, "notes"), row.notes_sealed.as_deref().unwrap()).unwrap();
    assert_eq!(notes.as_slice(), b"MARKER-NOTES");
    let contact = key.open(&field_aad("intake_submissions", uuid, "contact"), row.contact_sealed.as_deref().unwrap()).unwrap();
    assert!(String::from_utf8_lossy(&contact).contains("MARKER-CONTACT"));
    let old_only = Envelope::new(MasterKey(app.data_key), MasterKey(app.index_key));
    assert!(old_only.unwrap_record_key(uuid, &row.key_id, wrapped).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_clears_intake_contact_and_notes_past_retention_and_keeps_the_facts() {
    let app = TestApp::spawn().await.unwrap();
    let form = partner(&app).await;
    let staff = app.key("Safe Harbor", Role::PartnerStaff).await.unwrap();
    let old = submit(&app, &form, "k-old", &fifteen_year_old(true)).await;
    let recent = submit(&app, &form, "k-new", &fifteen_year_old(true)).await;
    let mut conn = app.conn().await.unwrap();
    diesel::sql_query("UPDATE intake_submissions SET received_at = received_at - interval '8 years' WHERE id = $1::uuid")
        .bind::<diesel::sql_types::Text, _>(&old)
        .execute(&mut conn)
        .await
        .unwrap();
    let dry = app.beacon(&["purge", "--older-than", "7y", "--dry-run"], &[]).unwrap();
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    assert!(String::from_utf8_lossy(&dry.stdout).contains("dry run: 1 intake submissions"), "{}", String::from_utf8_lossy(&dry.stdout));
    let run = app.beacon(&["purge", "--older-than", "7y"], &[]).unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let gone = sealed(&app, &old).await;
    // The wrapped data key goes with the fields (crypto-shredding).
    assert_eq!((gone.contact_sealed.is_some(), gone.notes_sealed.is_some(), gone.wrapped_data_key.is_some()), (false, false, false));
    let kept = sealed(&app, &recent).await;
    assert_eq!((kept.contact_sealed.is_some(), kept.notes_sealed.is_some(), kept.wrapped_data_key.is_some()), (true, true, true));
    let (status, read) = get(&app, &format!("/v1/intake/{old}?include=contact"), &staff).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!((&read["sealed"]["contact"], &read["sealed"]["notes"], &read["age_group"]), (&Value::Null, &Value::Null, &json!("12_17")));
}
