//! The statistics subjects beyond incident counts, over real HTTP: victims
//! by trafficking type (multi-valued: has / has-not per type), partner
//! intake and directory referrals — exact for the audited internal read,
//! suppressed otherwise, as JSON and CSV, and 400s naming the parameter.

use crate::directory;
use beacon_api::security::{keys, Role};
use beacon_tests::app::TestApp;
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

const REASON: &str = "Quarterly+review+for+the+task+force";

async fn report(app: &TestApp, key: &str, town: &str, types: &[&str], ages: &[u8]) {
    let victims: Vec<Value> = ages.iter().map(|a| json!({"sex": "female", "age": a, "services_needed": ["shelter"]})).collect();
    let body = json!({
        "reporting_agency": "dcf", "status": "suspected", "incident_date": "2026-03-10", "reported_date": "2026-03-10",
        "town": town, "trafficking_types": types, "venue": "hotel_motel", "control_methods": ["threats"],
        "dcf_notified": true, "victims": victims,
    });
    let r = app.post_json("/v1/incidents", key, body.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
}

async fn get(app: &TestApp, path: &str, key: &str) -> reqwest::Response {
    app.client.get(app.url(path)).bearer_auth(key).send().await.unwrap()
}

async fn json_ok(app: &TestApp, path: &str, key: &str) -> Value {
    let r = get(app, path, key).await;
    assert_eq!(r.status().as_u16(), 200, "GET {path}");
    r.json().await.unwrap()
}

async fn refused(app: &TestApp, path: &str, key: &str) -> Vec<String> {
    let r = get(app, path, key).await;
    assert_eq!(r.status().as_u16(), 400, "GET {path}");
    let body: Value = r.json().await.unwrap();
    body["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap().to_string()).collect()
}

fn named<'a>(body: &'a Value, name: &str) -> &'a Value {
    body["tables"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("no {name} in {body}"))
}

/// The entry at `labels` (`None`: the margin of that dimension).
fn at<'a>(t: &'a Value, labels: &[Option<&str>]) -> &'a Value {
    let key: Vec<Value> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| match l {
            Some(l) => json!(t["dimensions"][i]["categories"].as_array().unwrap().iter().position(|c| c == l).unwrap()),
            None => Value::Null,
        })
        .collect();
    t["entries"].as_array().unwrap().iter().find(|e| e["at"] == json!(key)).unwrap()
}

async fn sql(app: &TestApp, sql: String) {
    let mut conn = app.conn().await.unwrap();
    diesel::sql_query(sql).execute(&mut conn).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn victims_by_trafficking_type_age_band_and_county() {
    let app = TestApp::spawn().await.unwrap();
    let reporter = app.reporter("DCF", "dcf").await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    report(&app, &reporter, "Hartford", &["sex", "labor"], &[16, 20]).await;
    report(&app, &reporter, "Hartford", &["labor"], &[30]).await;
    report(&app, &reporter, "New Haven", &["sex"], &[15]).await;

    let path = format!("/v1/stats/victims?period=2026&group_by=trafficking_type,age_band,county&internal=true&reason={REASON}");
    let body = json_ok(&app, &path, &coordinator).await;
    let names: Vec<&str> = body["tables"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["victims by age_band, county, trafficking_type: sex", "victims by age_band, county, trafficking_type: labor"]);
    let sex = named(&body, "victims by age_band, county, trafficking_type: sex");
    assert_eq!(at(sex, &[Some("12_17"), Some("Hartford"), Some("has")])["value"], 1);
    assert_eq!(at(sex, &[Some("12_17"), Some("New Haven"), Some("has")])["value"], 1);
    assert_eq!(at(sex, &[Some("25_59"), Some("Hartford"), Some("has_not")])["value"], 1);
    let labor = named(&body, "victims by age_band, county, trafficking_type: labor");
    assert_eq!(at(labor, &[Some("18_24"), Some("Hartford"), Some("has")])["value"], 1);
    assert_eq!(at(labor, &[Some("12_17"), Some("New Haven"), Some("has_not")])["value"], 1);
    // Each type's has and has-not add up to the victims (4), never the types to 5.
    for t in [sex, labor] {
        assert_eq!(at(t, &[None, None, None])["value"], 4);
    }

    // Incidents by type: the one-dimension shape, suppressed by default.
    let body = json_ok(&app, "/v1/stats/incidents?period=2026&group_by=trafficking_type", &coordinator).await;
    let sex = named(&body, "incidents by trafficking_type: sex");
    assert_eq!(at(sex, &[Some("has")])["suppressed"], true);
    assert_eq!(at(sex, &[Some("has")])["value"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_trafficking_type_count_is_withheld_in_json_and_csv() {
    let app = TestApp::spawn().await.unwrap();
    app.reporter("DCF", "dcf").await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    // The statistics tests' seed stores labor incidents; 3 of them are also sex trafficking.
    crate::stats_api::seed(&app, "Hartford", "2026-02-01", 40).await;
    sql(&app, "UPDATE incidents SET trafficking_types = ARRAY['labor', 'sex'] WHERE id IN (SELECT id FROM incidents LIMIT 3)".into()).await;

    let body = json_ok(&app, "/v1/stats/incidents?period=2026&group_by=trafficking_type", &coordinator).await;
    let labor = named(&body, "incidents by trafficking_type: labor");
    assert_eq!(at(labor, &[Some("has")])["value"], 40);
    assert_eq!(at(labor, &[Some("has_not")])["value"], 0);
    let sex = named(&body, "incidents by trafficking_type: sex");
    assert_eq!(at(sex, &[Some("has")])["value"], Value::Null, "3 is below k");
    assert_eq!(at(sex, &[Some("has_not")])["value"], Value::Null, "else 40 − 37 gives the 3 back");

    let r = get(&app, "/v1/stats/incidents?period=2026&group_by=trafficking_type&format=csv", &coordinator).await;
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("measure,table,trafficking_type: sex,trafficking_type: labor,count\n"), "{csv}");
    assert!(csv.contains("\nincidents,incidents by trafficking_type: sex,has,,*\n") && csv.contains("\nincidents,incidents by trafficking_type: labor,,has,40\n"), "{csv}");
}

/// `n` intake submissions of `partner`'s key, received on `day`, in `town` (or none).
pub(crate) async fn seed_intake(app: &TestApp, key_name: &str, day: &str, town: Option<&str>, concerns: &str, age: &str, n: usize) {
    let t = town.map(|t| beacon_core::reference::geo::find_town(t).unwrap());
    let text = |v: Option<&str>| v.map_or("NULL".to_string(), |v| format!("'{}'", v.replace('\'', "''")));
    sql(
        app,
        format!(
            "INSERT INTO intake_submissions (id, account_id, api_key_id, reference, idempotency_key, request_hash, received_at, \
               town, county, planning_region, judicial_district, dcf_region, concern_types, age_group, needs, \
               safe_to_contact, consent_to_share, minor_involved, key_id, wrapped_data_key) \
             SELECT gen_random_uuid(), k.account_id, k.id, gen_random_uuid()::text, gen_random_uuid()::text, '\\x00'::bytea, \
               '{day} 12:00:00-05', {}, {}, {}, {}, {}, ARRAY[{concerns}], '{age}', ARRAY[]::text[], true, true, false, 'test', '\\x00'::bytea \
             FROM api_keys k JOIN accounts a ON a.id = k.account_id, generate_series(1, {n}) WHERE a.name = '{key_name}'",
            text(t.map(|t| t.town)),
            text(t.and_then(|t| t.county)),
            text(t.and_then(|t| t.planning_region)),
            text(t.and_then(|t| t.judicial_district)),
            t.and_then(|t| t.dcf_region).map_or("NULL".to_string(), |r| r.to_string()),
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_volume_by_partner_concern_and_place() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let origin = "https://safeharbor.example";
    let partner = {
        let mut conn = app.conn().await.unwrap();
        keys::issue(&mut conn, "Safe Harbor", Role::Partner, &[origin.to_string()]).await.unwrap().secret
    };
    {
        let mut conn = app.conn().await.unwrap();
        keys::issue(&mut conn, "Youth Outreach", Role::Partner, &[origin.to_string()]).await.unwrap();
    }
    // One through the real intake endpoint, the rest stored directly.
    let body = json!({"concern_types": ["labor", "sex"], "age_group": "12_17", "town": "new haven", "needs": ["shelter"],
                      "safe_to_contact": false, "consent_to_share": true});
    let r = app
        .client
        .post(app.url("/v1/intake"))
        .bearer_auth(&partner)
        .header("origin", origin)
        .header("idempotency-key", "stats-1")
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
    seed_intake(&app, "Safe Harbor", "2026-04-02", Some("Hartford"), "'sex'", "18_24", 20).await;
    seed_intake(&app, "Youth Outreach", "2026-05-02", None, "'unsure'", "unknown", 3).await;
    seed_intake(&app, "Youth Outreach", "2025-05-02", Some("Hartford"), "'sex'", "18_24", 9).await; // another year

    let path = format!("/v1/stats/intake?period=2026&group_by=partner,county&internal=true&reason={REASON}");
    let body = json_ok(&app, &path, &coordinator).await;
    assert_eq!(body["subject"], "intake");
    let t = named(&body, "intake by partner, county");
    assert_eq!(t["measure"], "intake");
    assert_eq!(at(t, &[Some("Safe Harbor"), Some("Hartford")])["value"], 20);
    assert_eq!(at(t, &[Some("Youth Outreach"), Some("unknown")])["value"], 3, "no town: the unknown region");
    assert_eq!(at(t, &[Some("Youth Outreach"), None])["value"], 3);

    // Suppressed: Youth Outreach's 3 is withheld, and so the partner's row total.
    let body = json_ok(&app, "/v1/stats/intake?period=2026&group_by=partner", &coordinator).await;
    let t = named(&body, "intake by partner");
    assert_eq!(at(t, &[Some("Youth Outreach")])["value"], Value::Null);
    assert_eq!(at(t, &[Some("Youth Outreach")])["suppressed"], true);

    // Concern types: has / has-not per concern.
    let path = format!("/v1/stats/intake?period=2026&group_by=concern_type,age_band&internal=true&reason={REASON}");
    let body = json_ok(&app, &path, &coordinator).await;
    let sex = named(&body, "intake by age_band, concern_type: sex");
    assert_eq!(at(sex, &[Some("18_24"), Some("has")])["value"], 20);
    assert_eq!(at(sex, &[Some("unknown"), Some("has_not")])["value"], 3);
    let unsure = named(&body, "intake by age_band, concern_type: unsure");
    assert_eq!(at(unsure, &[Some("unknown"), Some("has")])["value"], 3);

    let r = get(&app, &format!("/v1/stats/intake?period=2026&group_by=partner&internal=true&reason={REASON}&format=csv"), &coordinator).await;
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("measure,table,partner,count\n"), "{csv}");
    assert!(csv.contains("\nintake,intake by partner,Youth Outreach,3\n"), "{csv}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn referrals_by_outcome_and_service() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let (org, shelter, _) = directory::seed(&app, &coordinator).await;
    let reporter = app.reporter("Agency A", "dcf").await.unwrap();
    let provider = app.provider("Safe Harbor staff", org.parse().unwrap()).await.unwrap();
    let (s, _, r) = directory::post(&app, "/v1/directory/referrals", &reporter,
        json!({"service_id": shelter, "category": "shelter", "town": "Hartford", "referred_on": "2026-06-01"})).await;
    assert_eq!(s, 201, "{r}");
    let (s, _, r) = directory::post(&app, &format!("/v1/directory/referrals/{}/transitions", r["id"].as_str().unwrap()), &provider, json!({"to": "accepted"})).await;
    assert_eq!(s, 200, "{r}");
    sql(
        &app,
        format!(
            "INSERT INTO directory_referrals (id, service_id, category, town, referred_on, status, decline_reason, sent_at, declined_at, account_id) \
             SELECT gen_random_uuid(), '{shelter}', 'shelter', 'Hartford', '2026-06-03', 'declined', 'capacity', \
               '2026-06-03T12:00:00Z', '2026-06-04T12:00:00Z', (SELECT id FROM accounts WHERE name = 'Agency A') FROM generate_series(1, 14)"
        ),
    )
    .await;

    let path = format!("/v1/stats/referrals?period=2026&group_by=outcome,month&internal=true&reason={REASON}");
    let body = json_ok(&app, &path, &coordinator).await;
    let t = named(&body, "referrals by outcome, month");
    assert_eq!(t["measure"], "referrals");
    assert_eq!(at(t, &[Some("accepted"), Some("2026-06")])["value"], 1);
    assert_eq!(at(t, &[Some("declined"), Some("2026-06")])["value"], 14);

    let body = json_ok(&app, "/v1/stats/referrals?period=2026&group_by=outcome", &coordinator).await;
    let t = named(&body, "referrals by outcome");
    assert_eq!(at(t, &[Some("accepted")])["value"], Value::Null, "1 is below k");
    assert_eq!(at(t, &[Some("declined")])["value"], Value::Null, "else 15 − 14 gives it back");
    assert_eq!(at(t, &[Some("withdrawn")])["value"], 0);
    // Filtered by service and town, and by lifecycle status.
    let path = format!("/v1/stats/referrals?period=2026&group_by=outcome&service=shelter&town=HARTFORD&internal=true&reason={REASON}");
    let t = named(&json_ok(&app, &path, &coordinator).await, "referrals by outcome").clone();
    assert_eq!(at(&t, &[None])["value"], 15);
    for (query, n) in [("service=legal", 0), ("town=Norwich", 0), ("county=Hartford", 15), ("outcome=declined", 14), ("outcome=accepted,withdrawn", 1)] {
        let path = format!("/v1/stats/referrals?period=2026&group_by=outcome&{query}&internal=true&reason={REASON}");
        let t = named(&json_ok(&app, &path, &coordinator).await, "referrals by outcome").clone();
        assert_eq!(at(&t, &[None])["value"], n, "{query}");
    }
    let r = get(&app, "/v1/stats/referrals?period=2026&group_by=service,planning_region&format=csv", &coordinator).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().starts_with("measure,table,service,planning_region,count,median_days_to_outcome\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn referrals_median_days_to_outcome_beside_each_count() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let (_, shelter, _) = directory::seed(&app, &coordinator).await;
    app.reporter("Agency A", "dcf").await.unwrap();
    // Referred on `day` and sent at noon; answered (`column`) that many days later, or never.
    let insert = |day: &str, status: &str, answer: Option<&str>, days: &[f64]| {
        let (reason, column) = match answer {
            Some("declined_at") => ("'capacity'", "declined_at"),
            Some(column) => ("NULL", column),
            None => ("NULL", "closed_at"),
        };
        let answered = if answer.is_some() { "t.sent + make_interval(secs => d * 86400)" } else { "NULL" };
        let list: Vec<String> = days.iter().map(|d| format!("({d})")).collect();
        format!(
            "INSERT INTO directory_referrals (id, service_id, category, town, referred_on, status, decline_reason, sent_at, {column}, account_id) \
             SELECT gen_random_uuid(), '{shelter}', 'shelter', 'Hartford', '{day}', '{status}', {reason}, t.sent, {answered}, \
               (SELECT id FROM accounts WHERE name = 'Agency A') \
             FROM (VALUES {}) AS v(d), (SELECT '{day}T12:00:00Z'::timestamptz AS sent) AS t",
            list.join(", ")
        )
    };
    // March: 11 accepted after 1, 1, 2, 2, 2, 3, 4, 5, 6, 8, 10 days (median 3).
    sql(&app, insert("2026-03-02", "accepted", Some("accepted_at"), &[1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0])).await;
    // April: 4 declined after 0.5, 1.5, 2.5, 3.5 days (median 2), and 12 sent, not answered.
    sql(&app, insert("2026-04-06", "declined", Some("declined_at"), &[0.5, 1.5, 2.5, 3.5])).await;
    sql(&app, insert("2026-04-06", "sent", None, &[0.0; 12])).await;
    // All 15 answers: 0.5 1 1 1.5 2 2 2 2.5 3 3.5 4 5 6 8 10, median 2.5.

    let figure = |e: &Value| e["median_days_to_outcome"].clone();
    let shown = |v: f64| json!({"value": v, "suppressed": false});
    let none = json!({"value": null, "suppressed": false});
    let withheld = json!({"value": null, "suppressed": true});

    // Exact for the audited read, over answered referrals only.
    let path = format!("/v1/stats/referrals?period=2026&group_by=outcome&internal=true&reason={REASON}");
    let t = named(&json_ok(&app, &path, &coordinator).await, "referrals by outcome").clone();
    assert_eq!(figure(at(&t, &[Some("accepted")])), shown(3.0));
    assert_eq!(figure(at(&t, &[Some("declined")])), shown(2.0));
    assert_eq!(figure(at(&t, &[Some("sent")])), none, "sent, never answered");
    assert_eq!(figure(at(&t, &[Some("closed")])), none);
    assert_eq!(figure(at(&t, &[None])), shown(2.5), "the total's own median, not one of medians");
    // Two dimensions: every cell and total its own median; a region's from its towns' records.
    let path = format!("/v1/stats/referrals?period=2026&group_by=month,county&internal=true&reason={REASON}");
    let t = named(&json_ok(&app, &path, &coordinator).await, "referrals by month, county").clone();
    assert_eq!(figure(at(&t, &[Some("2026-03"), Some("Hartford")])), shown(3.0));
    assert_eq!(figure(at(&t, &[Some("2026-04"), None])), shown(2.0));
    assert_eq!(figure(at(&t, &[None, Some("Hartford")])), shown(2.5));
    assert_eq!(figure(at(&t, &[None, Some("New Haven")])), none);
    // Filters narrow the medians as they narrow the counts.
    let path = format!("/v1/stats/referrals?period=2026&group_by=month&outcome=declined&internal=true&reason={REASON}");
    let t = named(&json_ok(&app, &path, &coordinator).await, "referrals by month").clone();
    assert_eq!(figure(at(&t, &[None])), shown(2.0));

    // Suppressed: 4 declined is below k, so is its median; no median beside any withheld count.
    let body = json_ok(&app, "/v1/stats/referrals?period=2026&group_by=outcome", &coordinator).await;
    let t = named(&body, "referrals by outcome");
    assert_eq!(at(t, &[Some("declined")])["value"], Value::Null);
    assert_eq!(figure(at(t, &[Some("declined")])), withheld);
    for e in t["entries"].as_array().unwrap() {
        if e["suppressed"] == true {
            assert_eq!(figure(e), withheld, "{e}");
        }
    }
    assert_eq!(figure(at(t, &[None])), shown(2.5), "27 referrals, 15 answered");
    // April's 16 are shown, but its median rests on 4 answers: withheld.
    let t = named(&json_ok(&app, "/v1/stats/referrals?period=2026&group_by=month", &coordinator).await, "referrals by month").clone();
    assert_eq!(at(&t, &[Some("2026-04")])["value"], 16);
    assert_eq!(figure(at(&t, &[Some("2026-04")])), withheld);
    assert_eq!(figure(at(&t, &[Some("2026-03")])), shown(3.0));
    assert_eq!(figure(at(&t, &[Some("2026-05")])), none);
    let r = get(&app, "/v1/stats/referrals?period=2026&group_by=month&format=csv", &coordinator).await;
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("measure,table,month,count,median_days_to_outcome\n"), "{csv}");
    assert!(csv.contains("\nreferrals,referrals by month,2026-03,11,3\n"), "{csv}");
    assert!(csv.contains("\nreferrals,referrals by month,2026-04,16,*\n"), "{csv}");
    assert!(csv.contains("\nreferrals,referrals by month,2026-05,0,\n"), "{csv}");
    assert!(csv.contains("\nreferrals,referrals by month,Total,27,2.5\n"), "{csv}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subjects_refuse_what_their_records_do_not_carry_and_audit_internal_reads() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let auditor = app.key("State Auditor", Role::Auditor).await.unwrap();
    let reporter = app.reporter("DCF", "dcf").await.unwrap();
    assert_eq!(refused(&app, "/v1/stats/intake?period=2026&group_by=venue", &coordinator).await, ["/group_by"]);
    assert_eq!(refused(&app, "/v1/stats/intake?period=2026&sex=female", &coordinator).await, ["/sex"]);
    assert_eq!(refused(&app, "/v1/stats/referrals?period=2026&outcome=pending", &coordinator).await, ["/outcome"]);
    assert_eq!(refused(&app, "/v1/stats/referrals?period=2026&venue=hotel_motel", &coordinator).await, ["/venue"]);
    assert_eq!(refused(&app, "/v1/stats/referrals?period=2026&group_by=partner", &coordinator).await, ["/group_by"]);
    assert_eq!(refused(&app, "/v1/stats/incidents?period=2026&group_by=concern_type", &coordinator).await, ["/group_by"]);
    assert_eq!(refused(&app, "/v1/stats/intake?period=2026&internal=true", &coordinator).await, ["/reason"]);
    assert_eq!(refused(&app, "/v1/stats/referrals?period=2026&format=xml", &coordinator).await, ["/format"]);
    assert_eq!(get(&app, "/v1/stats/intake?period=2026", &reporter).await.status().as_u16(), 403);
    assert_eq!(refused(&app, "/v1/stats/dcf_responses?period=2026&group_by=partner", &coordinator).await, ["/group_by"]);
    assert_eq!(refused(&app, "/v1/stats/dcf_responses?period=2026&venue=hotel_motel", &coordinator).await, ["/venue"]);

    json_ok(&app, &format!("/v1/stats/intake?period=2026-Q1&group_by=quarter&internal=true&reason={REASON}"), &coordinator).await;
    json_ok(&app, &format!("/v1/stats/referrals?period=2026&group_by=outcome&internal=true&reason={REASON}"), &coordinator).await;
    let trail = json_ok(&app, "/v1/audit?action=stats.read_internal", &auditor).await;
    let ids: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|i| i["resource_id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"intake 2026-Q1 by quarter") && ids.contains(&"referrals 2026 by outcome"), "{ids:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trends_by_county_with_year_over_year_change_and_rolling_totals() {
    let app = TestApp::spawn().await.unwrap();
    app.reporter("DCF", "dcf").await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let auditor = app.key("State Auditor", Role::Auditor).await.unwrap();
    for month in 1..=12 {
        crate::stats_api::seed(&app, "Hartford", &format!("2025-{month:02}-15"), 12).await;
        crate::stats_api::seed(&app, "Hartford", &format!("2026-{month:02}-15"), 15).await;
    }
    crate::stats_api::seed(&app, "New Haven", "2026-03-02", 2).await;

    let path = format!("/v1/stats/trends?subject=incidents&by=county&from=2025-01&to=2026-12&internal=true&reason={REASON}");
    let body = json_ok(&app, &path, &coordinator).await;
    assert_eq!(body["internal"], true);
    let series = |name: &str| body["series"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap().clone();
    let hartford = series("Hartford");
    let points = hartford["points"].as_array().unwrap();
    assert_eq!(points.len(), 24);
    assert_eq!(points[12]["month"], "2026-01");
    assert_eq!(points[12]["count"]["value"], 15);
    assert_eq!(points[12]["yoy_change"], 3);
    assert_eq!(points[12]["yoy_percent"], 25.0);
    assert_eq!(points[11]["rolling_12"], 144);
    assert_eq!(points[23]["rolling_12"], 180);
    assert_eq!(points[10]["rolling_12"], Value::Null, "no full window yet");
    assert_eq!(series("New Haven")["points"][14]["count"]["value"], 2);
    let trail = json_ok(&app, "/v1/audit?action=stats.read_internal", &auditor).await;
    assert_eq!(trail["items"][0]["resource_id"], "incidents 2025-01-01/2026-12-31 by month,county");

    // Suppressed: New Haven's March 2026 (2) is withheld, and with it every
    // figure that depends on it; Hartford's March is withheld too, else the
    // state's March (17) gives New Haven's back.
    let body = json_ok(&app, "/v1/stats/trends?by=county&from=2025-01&to=2026-12", &coordinator).await;
    assert_eq!(body["k"], 11);
    let series = |name: &str| body["series"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap().clone();
    let new_haven = series("New Haven");
    assert_eq!(new_haven["points"][14]["count"]["suppressed"], true);
    let march: Vec<&Value> = body["series"].as_array().unwrap().iter().map(|s| &s["points"][14]["count"]).collect();
    assert!(march.iter().filter(|c| c["suppressed"] == true).count() >= 2, "{march:?}");
    // A figure is published only when every month it depends on is shown.
    for s in body["series"].as_array().unwrap() {
        let p = s["points"].as_array().unwrap();
        for i in 0..p.len() {
            let shown = |j: usize| p[j]["count"]["suppressed"] == false;
            if !p[i]["rolling_12"].is_null() {
                assert!(i >= 11 && (i - 11..=i).all(shown), "{} {}", s["name"], p[i]["month"]);
            }
            if !p[i]["yoy_change"].is_null() {
                assert!(shown(i) && shown(i - 12), "{} {}", s["name"], p[i]["month"]);
            }
        }
    }
    for s in body["series"].as_array().unwrap() {
        for p in s["points"].as_array().unwrap() {
            if let Some(v) = p["count"]["value"].as_u64() {
                assert!(v == 0 || v >= 11, "{} {} shows {v}", s["name"], p["month"]);
            }
        }
    }

    let r = get(&app, "/v1/stats/trends?by=county&from=2026-01&to=2026-02&format=csv", &coordinator).await;
    assert_eq!(r.status().as_u16(), 200);
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("series,month,count,yoy_change,yoy_percent,rolling_12\n"), "{csv}");
    assert!(csv.contains("\nHartford,2026-01,15,,,\n"), "{csv}");

    assert_eq!(refused(&app, "/v1/stats/trends?by=quarter&from=2026-01&to=2026-02", &coordinator).await, ["/by"]);
    assert_eq!(refused(&app, "/v1/stats/trends?from=2026-1&to=2026-02", &coordinator).await, ["/from"]);
    assert_eq!(refused(&app, "/v1/stats/trends?subject=training&from=2026-01&to=2026-02", &coordinator).await, ["/subject"]);
}

/// A small deterministic generator, so the workforce below varies without a seed file.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn training_status_counted_in_sql_agrees_with_the_compliance_rule() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2027, 9, 1).unwrap();
    app.set_today(today);
    let populations = ["dcf_employee", "dcf_contracted_provider", "cssd_employee", "law_enforcement", "other"];
    let topics = ["laws_protocols", "identification_services", "deescalation_harm_reduction", "trauma_disclosures"];
    let towns = ["'Hartford'", "'New Haven'", "NULL"];
    // Contracted providers whose contracts run their staff's clocks, and
    // course kinds (a refresher alone is not the initial training): the SQL
    // must follow both as the core does.
    let providers = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()];
    sql(&app, format!("INSERT INTO contracted_providers (id, name, contract_start) VALUES ('{}', 'Early', '2019-01-01'), ('{}', 'Late', '2027-05-20')", providers[0], providers[1])).await;
    let kinds = ["either", "initial", "refresher"];
    let mut rng = Lcg(7);
    let mut people = Vec::new();
    let mut completions = Vec::new();
    for i in 0..90 {
        let id = uuid::Uuid::new_v4();
        let agency = ["dcf", "cssd"][i % 2];
        let population = populations[rng.next(5) as usize];
        let start = today - chrono::Days::new(rng.next(1500));
        let active = rng.next(10) != 0;
        let town = towns[rng.next(3) as usize];
        let provider = match (population, rng.next(3)) {
            ("dcf_contracted_provider", n) if n < 2 => format!("'{}'", providers[n as usize]),
            _ => "NULL".to_string(),
        };
        people.push(format!("('{id}', '{agency}', '{population}', 'E{i}', '{start}', {active}, {town}, {provider})"));
        for _ in 0..rng.next(5) {
            let on = today - chrono::Days::new(rng.next(1600)) + chrono::Days::new(rng.next(3) * 20);
            let picked: Vec<String> = topics.iter().filter(|_| rng.next(2) == 0).map(|t| format!("'{t}'")).collect();
            let picked = if picked.is_empty() { vec!["'laws_protocols'".to_string()] } else { picked };
            let voided = rng.next(8) == 0;
            let kind = kinds[rng.next(3) as usize];
            completions.push(format!("(gen_random_uuid(), '{id}', '{on}', ARRAY[{}], 'api', {voided}, '{kind}')", picked.join(",")));
        }
    }
    sql(&app, format!("INSERT INTO workforce (id, agency, population, employee_ref, start_date, active, town, provider_id) VALUES {}", people.join(","))).await;
    sql(&app, format!("INSERT INTO completions (id, person_id, completed_on, topics, source, voided, kind) VALUES {}", completions.join(","))).await;

    let path = format!("/v1/stats/training?group_by=agency,status&internal=true&reason={REASON}");
    let body = json_ok(&app, &path, &coordinator).await;
    assert_eq!(body["subject"], "training");
    assert_eq!(body["from"], today.to_string());
    let t = named(&body, "people by agency, status");
    assert_eq!(t["measure"], "people");
    let mut statuses_seen = 0;
    for agency in ["dcf", "cssd"] {
        // The per-person rule, as the compliance report applies it.
        let report = json_ok(&app, &format!("/v1/training/compliance?agency={agency}"), &coordinator).await;
        for status in ["compliant", "due_soon", "overdue", "not_yet_due", "not_required"] {
            let expected = report["counts"][status].as_i64().unwrap();
            assert_eq!(at(t, &[Some(agency), Some(status)])["value"], expected, "{agency} {status}");
            statuses_seen += usize::from(expected > 0);
        }
    }
    assert!(statuses_seen >= 6, "the generated workforce reaches most statuses");

    // Filtered in the same SQL: one agency's people, and two statuses, each
    // exactly what the compliance report gives that agency.
    let cssd = json_ok(&app, "/v1/training/compliance?agency=cssd", &coordinator).await;
    let path = format!("/v1/stats/training?group_by=status&agency=cssd&internal=true&reason={REASON}");
    let body = json_ok(&app, &path, &coordinator).await;
    assert_eq!(body["filters"], json!({"agency": ["cssd"]}));
    let t = named(&body, "people by status");
    for status in ["compliant", "due_soon", "overdue", "not_yet_due", "not_required"] {
        assert_eq!(at(t, &[Some(status)])["value"], cssd["counts"][status], "cssd {status}");
    }
    let path = format!("/v1/stats/training?group_by=agency&status=overdue,due_soon&internal=true&reason={REASON}");
    let t = named(&json_ok(&app, &path, &coordinator).await, "people by agency").clone();
    let late = cssd["counts"]["overdue"].as_i64().unwrap() + cssd["counts"]["due_soon"].as_i64().unwrap();
    assert_eq!(at(&t, &[Some("cssd")])["value"], late);

    // By population and place; suppressed by default.
    let body = json_ok(&app, "/v1/stats/training?group_by=population,county", &coordinator).await;
    assert_eq!(body["k"], 11);
    let t = named(&body, "people by population, county");
    assert!(t["dimensions"][1]["categories"].as_array().unwrap().iter().any(|c| c == "unknown"));
    for e in t["entries"].as_array().unwrap() {
        if let Some(v) = e["value"].as_u64() {
            assert!(v == 0 || v >= 11, "{e}");
        }
    }
    assert_eq!(refused(&app, "/v1/stats/training?period=2026", &coordinator).await, ["/period"]);
    assert_eq!(refused(&app, "/v1/stats/training?group_by=month", &coordinator).await, ["/group_by"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_intake_is_suppressed_coarse_and_needs_no_key() {
    let app = TestApp::spawn().await.unwrap();
    {
        let mut conn = app.conn().await.unwrap();
        keys::issue(&mut conn, "Safe Harbor", Role::Partner, &["https://safeharbor.example".to_string()]).await.unwrap();
    }
    seed_intake(&app, "Safe Harbor", "2026-04-02", Some("Hartford"), "'sex'", "18_24", 30).await;
    seed_intake(&app, "Safe Harbor", "2026-04-03", Some("New Haven"), "'labor'", "18_24", 20).await;
    seed_intake(&app, "Safe Harbor", "2026-05-02", None, "'unsure'", "unknown", 3).await;

    let r = app.client.get(app.url("/public/stats/intake?period=2026&group_by=county")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["cache-control"].to_str().unwrap().starts_with("public, max-age="));
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["internal"], false);
    let t = named(&body, "intake by county");
    assert_eq!(at(t, &[Some("unknown")])["value"], Value::Null, "3 is below k");
    assert_eq!(at(t, &[Some("Fairfield")])["value"], 0);
    let shown: Vec<u64> = t["entries"].as_array().unwrap().iter().filter_map(|e| e["value"].as_u64()).collect();
    assert!(shown.iter().all(|v| *v == 0 || *v >= 11), "{shown:?}");
    // The total and the two named counties would give the unknown region's 3 back.
    let total = at(t, &[None])["value"].as_u64();
    let hartford = at(t, &[Some("Hartford")])["value"].as_u64();
    let new_haven = at(t, &[Some("New Haven")])["value"].as_u64();
    assert!(total.is_none() || hartford.is_none() || new_haven.is_none(), "{t}");

    for (path, param) in [
        ("/public/stats/intake?period=2026&group_by=partner", "/group_by"),
        ("/public/stats/intake?period=2026&group_by=concern_type", "/group_by"),
        ("/public/stats/intake?period=2026&internal=true&reason=Quarterly+review+for+the+task+force", "/internal"),
        ("/public/stats/intake?period=2026-04-02", "/period"),
    ] {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 400, "{path}");
        let body: Value = r.json().await.unwrap();
        assert!(body["errors"].as_array().unwrap().iter().any(|e| e["path"] == param), "{path}: {body}");
    }
}
