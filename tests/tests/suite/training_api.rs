//! Training compliance over HTTP: courses, the workforce and its agency scope,
//! the CSV roster import, completions, xAPI statements and the compliance report.
//! (The rule vectors run through the API in `training_vectors.rs`.)

use beacon_api::db::training::set_account_agency;
use beacon_api::security::{keys, Role};
use beacon_tests::app::TestApp;
use chrono::NaiveDate;
use serde_json::{json, Value};

const ALL_TOPICS: [&str; 4] = ["laws_protocols", "identification_services", "deescalation_harm_reduction", "trauma_disclosures"];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A reporter key of account `org`, which reports for `agency` (or none).
async fn reporter(app: &TestApp, org: &str, agency: Option<&str>) -> String {
    let mut conn = app.conn().await.unwrap();
    let issued = keys::issue(&mut conn, org, Role::Reporter, &[]).await.unwrap();
    assert!(set_account_agency(&mut conn, issued.account_id, agency).await.unwrap());
    issued.secret
}

async fn coordinator(app: &TestApp) -> String {
    app.key("Coordinator", Role::Coordinator).await.unwrap()
}

async fn status_and_json(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn post(app: &TestApp, path: &str, key: &str, body: Value) -> (u16, Value) {
    status_and_json(app.post_json(path, key, body.to_string()).await.unwrap()).await
}

async fn get(app: &TestApp, path: &str, key: &str) -> (u16, Value) {
    status_and_json(app.get(path, key).await.unwrap()).await
}

async fn patch(app: &TestApp, path: &str, key: &str, body: Value) -> (u16, Value) {
    let r = app
        .client
        .patch(app.url(path))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    status_and_json(r).await
}

async fn import(app: &TestApp, key: &str, query: &str, csv: String) -> (u16, Value) {
    let r = app
        .client
        .post(app.url(&format!("/v1/workforce/import{query}")))
        .bearer_auth(key)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    status_and_json(r).await
}

async fn count(app: &TestApp, table: &str) -> i64 {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.conn().await.unwrap();
    let row: N = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}")).get_result(&mut conn).await.unwrap();
    row.n
}

fn course(code: &str, topics: &[&str]) -> Value {
    json!({"code": code, "title": "Recognising trafficking of minors", "version": "2027.1", "format": "recorded",
           "duration_minutes": 90, "topics": topics})
}

async fn person(app: &TestApp, key: &str, agency: &str, employee_ref: &str) -> String {
    let body = json!({"agency": agency, "population": "dcf_employee", "employee_ref": employee_ref, "start_date": "2026-01-05"});
    let (status, body) = post(app, "/v1/workforce", key, body).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

fn codes_at(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn courses_are_checked_unique_and_managed_by_coordinators() {
    let app = TestApp::spawn().await.unwrap();
    let coord = coordinator(&app).await;
    let rep = reporter(&app, "DCF", Some("dcf")).await;

    let (status, body) = post(&app, "/v1/training/courses", &coord, course("CT-HT-101", &ALL_TOPICS)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["topics"], json!(ALL_TOPICS));
    assert_eq!(body["adaptations"], json!([]));

    let (status, body) = post(&app, "/v1/training/courses", &coord, course("CT-HT-101", &["laws_protocols"])).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("duplicate_course_code")));

    let mut bad = course("bad code", &["laws_protocols", "laws_protocols"]);
    bad["duration_minutes"] = json!(601);
    bad["title"] = json!("");
    bad["recording_url"] = json!("ftp://example.org/x");
    let (status, body) = post(&app, "/v1/training/courses", &coord, bad).await;
    assert_eq!(status, 422, "{body}");
    let mut got = codes_at(&body);
    got.sort();
    let want = [
        ("/code", "format"),
        ("/duration_minutes", "range"),
        ("/recording_url", "format"),
        ("/title", "length"),
        ("/topics/1", "duplicate"),
    ];
    assert_eq!(got, want.map(|(p, c)| (p.to_string(), c.to_string())));

    let (status, body) = post(&app, "/v1/training/courses", &coord, course("X", &[])).await;
    assert_eq!((status, codes_at(&body)), (422, vec![("/topics".to_string(), "length".to_string())]));

    let mut unknown = course("Y", &["laws_protocols"]);
    unknown["colour"] = json!("red");
    let (status, body) = post(&app, "/v1/training/courses", &coord, unknown).await;
    assert_eq!((status, codes_at(&body)), (422, vec![("/colour".to_string(), "unknown_field".to_string())]));

    let (status, body) = post(&app, "/v1/training/courses", &coord, course("Z", &["cooking"])).await;
    assert_eq!((status, codes_at(&body)), (422, vec![("/topics/0".to_string(), "unknown_code".to_string())]));

    let mut adapted = course("CT-HT-102", &["trauma_disclosures"]);
    adapted["adaptations"] = json!([{"agency": "cssd", "description": "Juvenile probation case examples"}]);
    adapted["recording_url"] = json!("https://lms.example.org/ct-ht-102");
    let (status, body) = post(&app, "/v1/training/courses", &coord, adapted).await;
    assert_eq!(status, 201, "{body}");

    let (status, _) = post(&app, "/v1/training/courses", &rep, course("R", &["laws_protocols"])).await;
    assert_eq!(status, 403);
    let (status, body) = get(&app, "/v1/training/courses", &rep).await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = body.as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["CT-HT-101", "CT-HT-102"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_manages_only_its_own_agencys_workforce() {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(d("2027-12-31"));
    let coord = coordinator(&app).await;
    let dcf = reporter(&app, "DCF", Some("dcf")).await;
    let cssd = reporter(&app, "CSSD", Some("cssd")).await;
    let none = reporter(&app, "Unassigned", None).await;
    post(&app, "/v1/training/courses", &coord, course("CT-HT-101", &ALL_TOPICS)).await;

    let own = person(&app, &dcf, "dcf", "E-1").await;
    let theirs = person(&app, &coord, "cssd", "P-7").await;

    // Creating for another agency: 403; the same employee_ref twice: 409.
    let body = json!({"agency": "cssd", "population": "cssd_employee", "employee_ref": "P-8", "start_date": "2026-01-05"});
    assert_eq!(post(&app, "/v1/workforce", &dcf, body.clone()).await.0, 403);
    assert_eq!(post(&app, "/v1/workforce", &none, body).await.0, 403);
    let dup = json!({"agency": "dcf", "population": "dcf_employee", "employee_ref": "E-1", "start_date": "2026-01-05"});
    let (status, body) = post(&app, "/v1/workforce", &dcf, dup).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("duplicate_employee_ref")));

    // Another agency's person does not exist for a reporter, whatever the operation.
    for path in ["", "/compliance", "/caseload-eligibility", "/completions"] {
        assert_eq!(get(&app, &format!("/v1/workforce/{theirs}{path}"), &dcf).await.0, 404, "GET {path}");
        assert_eq!(get(&app, &format!("/v1/workforce/{theirs}{path}"), &none).await.0, 404, "GET {path}");
        assert_eq!(get(&app, &format!("/v1/workforce/{theirs}{path}"), &coord).await.0, 200, "GET {path}");
        assert_eq!(get(&app, &format!("/v1/workforce/{theirs}{path}"), &cssd).await.0, 200, "GET {path}");
    }
    assert_eq!(patch(&app, &format!("/v1/workforce/{theirs}"), &dcf, json!({"active": false})).await.0, 404);
    let completion = json!({"person_id": theirs, "course_code": "CT-HT-101", "completed_on": "2027-03-01"});
    assert_eq!(post(&app, "/v1/training/completions", &dcf, completion.clone()).await.0, 404);
    assert_eq!(post(&app, "/v1/training/completions", &cssd, completion).await.0, 201);

    // Lists are scoped; a reporter with no agency sees nobody.
    let refs = |body: &Value| -> Vec<String> {
        body["items"].as_array().unwrap().iter().map(|p| p["employee_ref"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(refs(&get(&app, "/v1/workforce", &dcf).await.1), ["E-1"]);
    assert_eq!(refs(&get(&app, "/v1/workforce", &cssd).await.1), ["P-7"]);
    assert!(refs(&get(&app, "/v1/workforce", &none).await.1).is_empty());
    let (_, all) = get(&app, "/v1/workforce?per_page=1&page=2", &coord).await;
    assert_eq!((refs(&all), all["total_items"].as_i64(), all["total_pages"].as_i64()), (vec!["E-1".to_string()], Some(2), Some(2)));
    assert_eq!(refs(&get(&app, "/v1/workforce?agency=cssd", &coord).await.1), ["P-7"]);
    assert_eq!(get(&app, "/v1/workforce?agency=nowhere", &coord).await.0, 400);

    // A reporter edits its own; null clears, absent keeps.
    let (status, body) = patch(&app, &format!("/v1/workforce/{own}"), &dcf, json!({"name": "A. Worker", "role": "social_worker_trainee"})).await;
    assert_eq!((status, body["name"].as_str(), body["role"].as_str()), (200, Some("A. Worker"), Some("social_worker_trainee")));
    let (status, body) = patch(&app, &format!("/v1/workforce/{own}"), &dcf, json!({"name": null, "active": false})).await;
    assert_eq!((status, &body["name"], &body["role"], &body["active"]), (200, &Value::Null, &json!("social_worker_trainee"), &json!(false)));
    let (status, body) = patch(&app, &format!("/v1/workforce/{own}"), &dcf, json!({"agency": "cssd"})).await;
    assert_eq!((status, codes_at(&body)), (422, vec![("/agency".to_string(), "unknown_field".to_string())]));
    assert_eq!(refs(&get(&app, "/v1/workforce?active=true", &dcf).await.1).len(), 0);

    // The trainee may not take a caseload untrained in 2027; the reporter records training.
    let (_, body) = get(&app, &format!("/v1/workforce/{own}/caseload-eligibility?on=2027-02-01"), &dcf).await;
    assert_eq!(body["eligible"], false);
    let completion = json!({"person_id": own, "course_code": "CT-HT-101", "completed_on": "2027-01-20"});
    let (status, body) = post(&app, "/v1/training/completions", &dcf, completion).await;
    assert_eq!((status, &body["source"], &body["topics"]), (201, &json!("api"), &json!(ALL_TOPICS)), "{body}");
    // Sec. 3(7) asks for the family violence training too.
    let (_, body) = get(&app, &format!("/v1/workforce/{own}/caseload-eligibility?on=2027-02-01"), &dcf).await;
    assert_eq!(body["eligible"], false, "{body}");
    let fv = json!({"code": "CT-FV-1", "title": "Family violence", "version": "1", "format": "recorded", "duration_minutes": 60,
                    "subject": "family_violence"});
    assert_eq!(post(&app, "/v1/training/courses", &coord, fv).await.0, 201);
    let completion = json!({"person_id": own, "course_code": "CT-FV-1", "completed_on": "2027-01-21"});
    assert_eq!(post(&app, "/v1/training/completions", &dcf, completion).await.0, 201);
    let (_, body) = get(&app, &format!("/v1/workforce/{own}/caseload-eligibility?on=2027-02-01"), &dcf).await;
    assert_eq!(body["eligible"], true, "{body}");
    let (_, body) = get(&app, &format!("/v1/workforce/{own}/compliance?as_of=2027-02-01"), &dcf).await;
    let five: serde_json::Map<String, Value> = body
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| ["status", "due", "initial_due", "next_due", "last_qualifying_completion"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert_eq!(Value::Object(five), json!({"status": "compliant", "due": "2030-01-20", "initial_due": "2027-07-01",
                             "next_due": "2030-01-20", "last_qualifying_completion": "2027-01-20"}));
    // Without as_of: today (2027-12-31).
    let (_, body) = get(&app, &format!("/v1/workforce/{own}/compliance"), &dcf).await;
    assert_eq!(body["status"], "compliant");

    // Completions: future dates, unknown courses, both course fields.
    let bad = json!({"person_id": own, "course_code": "CT-HT-101", "completed_on": "2028-01-01"});
    assert_eq!(codes_at(&post(&app, "/v1/training/completions", &dcf, bad).await.1), [("/completed_on".to_string(), "future_date".to_string())]);
    let bad = json!({"person_id": own, "course_code": "NOPE", "completed_on": "2027-01-01"});
    assert_eq!(codes_at(&post(&app, "/v1/training/completions", &dcf, bad).await.1), [("/course_code".to_string(), "unknown_code".to_string())]);
    let bad = json!({"person_id": "x", "completed_on": "2027-02-30"});
    let mut got = codes_at(&post(&app, "/v1/training/completions", &dcf, bad).await.1);
    got.sort();
    assert_eq!(got, [("/completed_on", "format"), ("/course_code", "required"), ("/person_id", "format")].map(|(p, c)| (p.to_string(), c.to_string())));
}

fn roster(rows: &[&str]) -> String {
    let mut csv = String::from("agency,population,employee_ref,name,role,start_date\n");
    for r in rows {
        csv.push_str(r);
        csv.push('\n');
    }
    csv
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roster_with_bad_rows_writes_nothing_and_names_them_then_imports_when_fixed() {
    let app = TestApp::spawn().await.unwrap();
    let coord = coordinator(&app).await;
    let dcf = reporter(&app, "DCF", Some("dcf")).await;
    let good = [
        "dcf,dcf_employee,E-001,Ana Lopez,social_worker_trainee,2026-09-01",
        "dcf,dcf_employee,E-002,,,2024-02-29",
        "dcf,dcf_contracted_provider,CP-17,\"Smith, J.\",clinician,2025-11-30",
        "cssd,cssd_employee,P-100,Kim Lee,probation officer,2019-05-13",
        "local_police,law_enforcement,NH-4411,,,2015-01-01",
    ];
    // Rows 3, 5 and 7 (the header is row 1) are wrong.
    let bad = roster(&[
        good[0],
        "dcff,dcf_employee,E-003,,,2026-01-01",
        good[1],
        "dcf,dcf_employee,E-004,,,2026-02-30",
        good[2],
        "dcf,dcf_employee,E-001,Again,,2026-01-01",
        good[3],
        good[4],
    ]);
    let (status, body) = import(&app, &coord, "", bad).await;
    assert_eq!(status, 422, "{body}");
    let errors: Vec<(u64, &str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["path"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, [(3, "/agency", "unknown_code"), (5, "/start_date", "format"), (7, "/employee_ref", "duplicate")]);
    assert!(body["errors"][2]["message"].as_str().unwrap().contains("row 2"), "{body}");
    assert_eq!(count(&app, "workforce").await, 0);

    // Fixed: a dry run writes nothing, then the import writes every row.
    let fixed = roster(&good);
    let (status, body) = import(&app, &coord, "?dry_run=true", fixed.clone()).await;
    assert_eq!((status, &body), (200, &json!({"dry_run": true, "rows": 5, "created": 5, "updated": 0})));
    assert_eq!(count(&app, "workforce").await, 0);
    let (status, body) = import(&app, &coord, "", fixed).await;
    assert_eq!((status, &body), (200, &json!({"dry_run": false, "rows": 5, "created": 5, "updated": 0})));
    assert_eq!(count(&app, "workforce").await, 5);
    let (_, list) = get(&app, "/v1/workforce?agency=dcf&population=dcf_contracted_provider", &coord).await;
    assert_eq!(list["items"][0]["name"], "Smith, J.");
    assert_eq!(list["items"][0]["start_date"], "2025-11-30");

    // Re-importing updates by (agency, employee_ref); an `active` column may retire people.
    let update = "agency,employee_ref,population,start_date,active\r\ndcf,E-002,dcf_employee,2024-03-01,false\r\ndcf,E-005,dcf_employee,2026-03-01,\r\n";
    let (status, body) = import(&app, &dcf, "", update.to_string()).await;
    assert_eq!((status, &body), (200, &json!({"dry_run": false, "rows": 2, "created": 1, "updated": 1})));
    let (_, active) = get(&app, "/v1/workforce?agency=dcf&active=false", &coord).await;
    assert_eq!(active["items"][0]["employee_ref"], "E-002");
    assert_eq!(active["items"][0]["start_date"], "2024-03-01");
    assert_eq!(count(&app, "workforce").await, 6);

    // A reporter imports only its own agency's rows.
    let (status, body) = import(&app, &dcf, "", roster(&[good[0], good[3]])).await;
    assert_eq!(status, 422);
    assert_eq!((body["errors"][0]["row"].as_u64(), body["errors"][0]["code"].as_str()), (Some(3), Some("not_allowed")));
    let none = reporter(&app, "Unassigned", None).await;
    assert_eq!(import(&app, &none, "", roster(&[good[0]])).await.0, 403);

    // Header problems, wrong field counts, media type.
    let (status, body) = import(&app, &coord, "", "agency,population,employee_ref,colour\n".to_string()).await;
    assert_eq!(status, 422);
    let mut header: Vec<(u64, String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["path"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
        .collect();
    header.sort();
    assert_eq!(header, [(1, "/colour".into(), "unknown_field".into()), (1, "/start_date".into(), "required".into())]);
    let (status, body) = import(&app, &coord, "", roster(&["dcf,dcf_employee,E-9"])).await;
    assert_eq!((status, body["errors"][0]["row"].as_u64(), body["errors"][0]["code"].as_str()), (422, Some(2), Some("length")));
    let r = app.post_json("/v1/workforce/import", &coord, "{}".into()).await.unwrap();
    assert_eq!(r.status().as_u16(), 415);
    assert_eq!(count(&app, "workforce").await, 6);
}

async fn import_completions(app: &TestApp, key: &str, query: &str, csv: &str) -> (u16, Value) {
    let r = app
        .client
        .post(app.url(&format!("/v1/training/completions/import{query}")))
        .bearer_auth(key)
        .header("content-type", "text/csv; charset=utf-8")
        .body(csv.to_string())
        .send()
        .await
        .unwrap();
    status_and_json(r).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completions_file_with_bad_rows_records_nothing_then_records_each_completion_once() {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(d("2027-06-01"));
    let coord = coordinator(&app).await;
    let dcf = reporter(&app, "DCF", Some("dcf")).await;
    post(&app, "/v1/training/courses", &coord, course("CT-HT-101", &ALL_TOPICS)).await;
    post(&app, "/v1/training/courses", &coord, course("CT-HT-M1", &ALL_TOPICS[..2])).await;
    let people = roster(&["dcf,dcf_employee,E-1,,,2020-01-01", "dcf,dcf_employee,E-2,,,2020-01-01", "cssd,cssd_employee,P-1,,,2020-01-01"]);
    assert_eq!(import(&app, &coord, "", people).await.0, 200);

    let bad = "employee_ref,agency,course_code,completed_on\n\
               E-1,dcf,CT-HT-101,2027-03-01\n\
               E-404,dcf,CT-HT-101,2027-03-01\n\
               E-2,dcf,NOPE,2027-03-01\n\
               E-2,dcf,CT-HT-M1,2027-13-01\n\
               E-2,dcf,CT-HT-M1,2027-06-02\n\
               E-1,dcf,CT-HT-101,2027-03-01\n";
    let (status, body) = import_completions(&app, &coord, "", bad).await;
    assert_eq!(status, 422, "{body}");
    let errors: Vec<(u64, &str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["path"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [(3, "/employee_ref", "unknown_code"), (4, "/course_code", "unknown_code"), (5, "/completed_on", "format"),
         (6, "/completed_on", "future_date"), (7, "", "duplicate")]
    );
    assert_eq!(count(&app, "completions").await, 0);

    let good = "agency,employee_ref,course_code,completed_on\nDcf,E-1,CT-HT-101,2027-03-01\ndcf,E-2,CT-HT-M1,2027-05-01\n";
    let (status, body) = import_completions(&app, &coord, "", good).await;
    assert_eq!(status, 422, "agency codes are lower case: {body}");
    let good = good.replace("Dcf", "dcf");
    let (status, body) = import_completions(&app, &dcf, "?dry_run=true", &good).await;
    assert_eq!((status, &body), (200, &json!({"dry_run": true, "rows": 2, "recorded": 2, "already_recorded": 0})));
    assert_eq!(count(&app, "completions").await, 0);
    let (status, body) = import_completions(&app, &dcf, "", &good).await;
    assert_eq!((status, &body), (200, &json!({"dry_run": false, "rows": 2, "recorded": 2, "already_recorded": 0})));
    // The same file again records nothing twice.
    let (status, body) = import_completions(&app, &dcf, "", &good).await;
    assert_eq!((status, &body), (200, &json!({"dry_run": false, "rows": 2, "recorded": 0, "already_recorded": 2})));
    assert_eq!(count(&app, "completions").await, 2);
    let (_, report) = get(&app, "/v1/training/compliance?agency=dcf", &dcf).await;
    assert_eq!(report["counts"]["compliant"], 1, "{report}");
    assert_eq!(report["counts"]["due_soon"], 1, "{report}");

    // A reporter records only its own agency's completions.
    let (status, body) = import_completions(&app, &dcf, "", "employee_ref,agency,course_code,completed_on\nP-1,cssd,CT-HT-101,2027-03-01\n").await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (422, Some("not_allowed")));
    let (_, completions) = get(&app, &format!("/v1/workforce/{}/completions", report["items"][0]["person_id"].as_str().unwrap()), &dcf).await;
    assert_eq!(completions[0]["source"], "csv");
}

fn statement(id: &str, verb: &str, employee_ref: &str, object: Value, timestamp: &str) -> Value {
    json!({
        "id": id,
        "actor": {"objectType": "Agent", "name": "A. Worker",
                  "account": {"homePage": "urn:beacon:agency:dcf", "name": employee_ref}},
        "verb": {"id": verb, "display": {"en-US": verb.rsplit('/').next().unwrap()}},
        "object": object,
        "result": {"completion": true, "success": true, "duration": "PT1H30M"},
        "context": {"platform": "Agency LMS", "language": "en-US"},
        "timestamp": timestamp,
    })
}

fn course_object(code: &str) -> Value {
    json!({"objectType": "Activity", "id": format!("urn:beacon:course:{code}"),
           "definition": {"name": {"en-US": "Human trafficking of minors"},
                          "type": "http://adlnet.gov/expapi/activities/course"}})
}

async fn xapi(app: &TestApp, key: &str, version: Option<&str>, body: &Value) -> (u16, Value) {
    let mut r = app
        .client
        .post(app.url("/xapi/statements"))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(v) = version {
        r = r.header("X-Experience-API-Version", v);
    }
    status_and_json(r.send().await.unwrap()).await
}

const COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";
const EXPERIENCED: &str = "http://adlnet.gov/expapi/verbs/experienced";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xapi_statements_record_retract_and_are_idempotent() {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(d("2027-12-31"));
    let coord = coordinator(&app).await;
    let lms = reporter(&app, "DCF Academy LMS", Some("dcf")).await;
    let other = reporter(&app, "CSSD LMS", Some("cssd")).await;
    post(&app, "/v1/training/courses", &coord, course("CT-HT-101", &ALL_TOPICS)).await;
    post(&app, "/v1/training/courses", &coord, course("CT-HT-M1", &ALL_TOPICS[..2])).await;
    let person_id = person(&app, &lms, "dcf", "E-1").await;
    let compliance = |as_of: &'static str| {
        let app = &app;
        let coord = &coord;
        let person_id = &person_id;
        async move { get(app, &format!("/v1/workforce/{person_id}/compliance?as_of={as_of}"), coord).await.1 }
    };

    let (status, body) = status_and_json(app.client.get(app.url("/xapi/about")).send().await.unwrap()).await;
    assert_eq!((status, body), (200, json!({"version": ["1.0.3"]})));

    let completed = statement("6f0c1c1e-3d2a-4b6e-9d1a-0c2b7e9f1a01", COMPLETED, "E-1", course_object("CT-HT-101"), "2027-03-10T15:00:00-05:00");
    let experienced = statement("6f0c1c1e-3d2a-4b6e-9d1a-0c2b7e9f1a02", EXPERIENCED, "E-1", course_object("CT-HT-101"), "2027-03-09T10:00:00Z");
    // 02:30 UTC on 20 May is still 19 May in Connecticut.
    let passed = statement("6f0c1c1e-3d2a-4b6e-9d1a-0c2b7e9f1a03", PASSED, "E-1", course_object("CT-HT-101"), "2027-05-20T02:30:00Z");
    let void = json!({
        "id": "6f0c1c1e-3d2a-4b6e-9d1a-0c2b7e9f1a04",
        "actor": {"account": {"homePage": "urn:beacon:agency:dcf", "name": "E-1"}},
        "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": "6F0C1C1E-3D2A-4B6E-9D1A-0C2B7E9F1A03"},
        "timestamp": "2027-06-01T12:00:00Z",
    });

    // The version header is required.
    assert_eq!(xapi(&app, &lms, None, &completed).await.0, 400);
    assert_eq!(xapi(&app, &lms, Some("0.95"), &completed).await.0, 400);

    // completed + an unknown verb, as an array: ids in order; only the completion counts.
    let (status, body) = xapi(&app, &lms, Some("1.0.3"), &json!([completed, experienced])).await;
    assert_eq!((status, &body), (200, &json!([completed["id"], experienced["id"]])));
    assert_eq!(count(&app, "xapi_statements").await, 2);
    let got = compliance("2027-04-01").await;
    for (k, want) in [("status", "compliant"), ("due", "2030-03-10"), ("initial_due", "2027-07-01"), ("next_due", "2030-03-10"),
                      ("last_qualifying_completion", "2027-03-10")] {
        assert_eq!(got[k], want, "{k}: {got}");
    }
    assert_eq!(got["history"], json!([{"completed_on": "2027-03-10", "deadline": "2027-07-01", "days_late": 0}]));

    // passed, a single statement: the clock rolls to 19 May (New York date).
    let (status, body) = xapi(&app, &lms, Some("1.0.0"), &passed).await;
    assert_eq!((status, &body), (200, &json!([passed["id"]])));
    assert_eq!(compliance("2027-06-01").await["last_qualifying_completion"], "2027-05-19");

    // voided: the passed statement's completion no longer counts.
    let (status, _) = xapi(&app, &lms, Some("1.0.3"), &void).await;
    assert_eq!(status, 200);
    assert_eq!(compliance("2027-06-01").await["last_qualifying_completion"], "2027-03-10");
    let (_, completions) = get(&app, &format!("/v1/workforce/{person_id}/completions"), &coord).await;
    let flags: Vec<(&str, bool)> = completions
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["completed_on"].as_str().unwrap(), c["voided"].as_bool().unwrap()))
        .collect();
    assert_eq!(flags, [("2027-03-10", false), ("2027-05-19", true)]);

    // The same statement again: nothing new. The same id with other content: 409.
    let (status, body) = xapi(&app, &lms, Some("1.0.3"), &json!([completed, void])).await;
    assert_eq!((status, &body), (200, &json!([completed["id"], void["id"]])));
    assert_eq!(count(&app, "xapi_statements").await, 4);
    assert_eq!(count(&app, "completions").await, 2);
    let mut changed = completed.clone();
    changed["timestamp"] = json!("2027-03-11T15:00:00-05:00");
    let (status, body) = xapi(&app, &lms, Some("1.0.3"), &changed).await;
    assert_eq!((status, body["code"].as_str()), (409, Some("statement_conflict")));

    // Another agency's LMS cannot speak for this person, nor void its records.
    assert_eq!(xapi(&app, &other, Some("1.0.3"), &statement(&uuid::Uuid::new_v4().to_string(), COMPLETED, "E-1", course_object("CT-HT-101"), "2027-07-01T12:00:00Z")).await.0, 403);
    let mut foreign_void = void.clone();
    foreign_void["id"] = json!(uuid::Uuid::new_v4().to_string());
    foreign_void["actor"]["account"]["homePage"] = json!("urn:beacon:agency:cssd");
    foreign_void["object"]["id"] = completed["id"].clone();
    assert_eq!(xapi(&app, &other, Some("1.0.3"), &foreign_void).await.0, 403);

    // Unknown person / course / malformed: 400, every error, nothing stored.
    let unknown = json!([
        statement(&uuid::Uuid::new_v4().to_string(), COMPLETED, "E-404", course_object("CT-HT-101"), "2027-07-01T12:00:00Z"),
        statement(&uuid::Uuid::new_v4().to_string(), COMPLETED, "E-1", course_object("NOPE"), "2027-07-01T12:00:00Z"),
        statement("not-a-uuid", COMPLETED, "E-1", course_object("CT-HT-101"), "yesterday"),
    ]);
    let (status, body) = xapi(&app, &lms, Some("1.0.3"), &unknown).await;
    assert_eq!(status, 400, "{body}");
    let mut got = codes_at(&body);
    got.sort();
    assert_eq!(got, [("/0/actor/account/name", "unknown_code"), ("/1/object/id", "unknown_code"), ("/2/id", "format"), ("/2/timestamp", "format")]
        .map(|(p, c)| (p.to_string(), c.to_string())));
    assert_eq!(count(&app, "xapi_statements").await, 4);

    // Modules by xAPI: a voiding that arrives before its statement still voids it.
    let early_void_target = "6f0c1c1e-3d2a-4b6e-9d1a-0c2b7e9f1a05";
    let mut early_void = void.clone();
    early_void["id"] = json!("6f0c1c1e-3d2a-4b6e-9d1a-0c2b7e9f1a06");
    early_void["object"]["id"] = json!(early_void_target);
    assert_eq!(xapi(&app, &lms, Some("1.0.3"), &early_void).await.0, 200);
    let module = statement(early_void_target, COMPLETED, "E-1", course_object("CT-HT-M1"), "2027-08-01T12:00:00Z");
    assert_eq!(xapi(&app, &lms, Some("1.0.3"), &module).await.0, 200);
    let (_, completions) = get(&app, &format!("/v1/workforce/{person_id}/completions"), &coord).await;
    assert_eq!(completions[2]["voided"], true, "{completions}");
    assert_eq!(compliance("2027-12-31").await["last_qualifying_completion"], "2027-03-10");

    // Issue 13 item 8: an early void counts for its own agency only — another agency's LMS
    // cannot cancel this agency's training in advance by guessing its next statement id.
    let guessed = "6f0c1c1e-3d2a-4b6e-9d1a-0c2b7e9f1a07";
    let mut hostile = void.clone();
    hostile["id"] = json!(uuid::Uuid::new_v4().to_string());
    hostile["actor"]["account"]["homePage"] = json!("urn:beacon:agency:cssd");
    hostile["object"]["id"] = json!(guessed);
    assert_eq!(xapi(&app, &other, Some("1.0.3"), &hostile).await.0, 200);
    let refresher = statement(guessed, COMPLETED, "E-1", course_object("CT-HT-101"), "2027-09-01T12:00:00Z");
    assert_eq!(xapi(&app, &lms, Some("1.0.3"), &refresher).await.0, 200);
    let (_, completions) = get(&app, &format!("/v1/workforce/{person_id}/completions"), &coord).await;
    assert_eq!(completions[3]["completed_on"], "2027-09-01", "{completions}");
    assert_eq!(completions[3]["voided"], false, "another agency's early void must not count: {completions}");
    assert_eq!(compliance("2027-12-31").await["last_qualifying_completion"], "2027-09-01");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_compliance_report_counts_lists_and_exports() {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(d("2027-06-01"));
    let coord = coordinator(&app).await;
    let dcf = reporter(&app, "DCF", Some("dcf")).await;
    post(&app, "/v1/training/courses", &coord, course("CT-HT-101", &ALL_TOPICS)).await;
    let csv = roster(&[
        "dcf,dcf_employee,E-1,,,2020-01-01",          // untrained, due 2027-07-01: due_soon
        "dcf,dcf_employee,E-2,,,2020-01-01",          // trained 2027-03-01: compliant
        "dcf,dcf_employee,E-3,,,2027-03-01",          // due 2027-09-01: not_yet_due
        "cssd,cssd_employee,P-1,,,2020-01-01",        // due_soon
        "local_police,law_enforcement,LP-1,,,2020-01-01", // not_required
    ]);
    assert_eq!(import(&app, &coord, "", csv).await.0, 200);
    let (_, list) = get(&app, "/v1/workforce?agency=dcf", &coord).await;
    let e2 = list["items"][1]["id"].as_str().unwrap().to_string();
    let body = json!({"person_id": e2, "course_code": "CT-HT-101", "completed_on": "2027-03-01"});
    assert_eq!(post(&app, "/v1/training/completions", &coord, body).await.0, 201);

    let (status, report) = get(&app, "/v1/training/compliance", &coord).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["as_of"], "2027-06-01");
    assert_eq!(report["counts"], json!({"compliant": 1, "due_soon": 2, "not_required": 1, "not_yet_due": 1, "overdue": 0}));
    assert_eq!(report["items"].as_array().unwrap().len(), 5);

    let (_, overdue) = get(&app, "/v1/training/compliance?as_of=2027-07-02&status=overdue&agency=dcf", &coord).await;
    let items: Vec<(&str, &str)> = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["employee_ref"].as_str().unwrap(), i["due"].as_str().unwrap()))
        .collect();
    assert_eq!(items, [("E-1", "2027-07-01")]);
    assert_eq!(overdue["counts"]["overdue"], 1);
    assert_eq!(overdue["counts"]["compliant"], 1);

    // The reporter sees its own agency only, and may not name another.
    let (_, own) = get(&app, "/v1/training/compliance", &dcf).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 3);
    assert_eq!(get(&app, "/v1/training/compliance?agency=cssd", &dcf).await.0, 403);

    // CSV, by query or by Accept.
    for r in [
        app.client.get(app.url("/v1/training/compliance?format=csv&population=law_enforcement")).bearer_auth(&coord).send().await.unwrap(),
        app.client
            .get(app.url("/v1/training/compliance?population=law_enforcement"))
            .bearer_auth(&coord)
            .header("accept", "text/csv")
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let text = r.text().await.unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "person_id,agency,employee_ref,population,status,due,town");
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[1].ends_with(",local_police,LP-1,law_enforcement,not_required,,"), "{text}");
    }

    // Bad values are 400.
    for q in ["region=7", "region_type=state&region=1", "status=late", "as_of=2027-02-30", "format=xml", "population=chefs"] {
        assert_eq!(get(&app, &format!("/v1/training/compliance?{q}"), &coord).await.0, 400, "{q}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_persons_town_is_checked_canonicalised_changed_and_kept_by_rosters_without_the_column() {
    let app = TestApp::spawn().await.unwrap();
    let coord = coordinator(&app).await;
    let body = json!({"agency": "dcf", "population": "dcf_employee", "employee_ref": "E-1", "start_date": "2026-01-05", "town": "west hartford"});
    let (status, created) = post(&app, "/v1/workforce", &coord, body.clone()).await;
    assert_eq!((status, &created["town"]), (201, &json!("West Hartford")), "{created}");
    let mut bad = body;
    bad["employee_ref"] = json!("E-2");
    bad["town"] = json!("Mystic");
    let (status, errors) = post(&app, "/v1/workforce", &coord, bad).await;
    assert_eq!((status, codes_at(&errors)), (422, vec![("/town".to_string(), "unknown_code".to_string())]));

    let path = format!("/v1/workforce/{}", created["id"].as_str().unwrap());
    let (status, errors) = patch(&app, &path, &coord, json!({"town": "Gotham"})).await;
    assert_eq!((status, codes_at(&errors)), (422, vec![("/town".to_string(), "unknown_code".to_string())]));
    let (status, changed) = patch(&app, &path, &coord, json!({"town": "ENFIELD"})).await;
    assert_eq!((status, &changed["town"]), (200, &json!("Enfield")), "{changed}");

    // A roster without a `town` column keeps the town; an empty cell clears it.
    assert_eq!(import(&app, &coord, "", roster(&["dcf,dcf_employee,E-1,,,2026-01-05"])).await.0, 200);
    assert_eq!(get(&app, &path, &coord).await.1["town"], "Enfield");
    let with_town = "agency,population,employee_ref,start_date,town\ndcf,dcf_employee,E-1,2026-01-05,\n";
    assert_eq!(import(&app, &coord, "", with_town.to_string()).await.0, 200);
    assert_eq!(get(&app, &path, &coord).await.1["town"], Value::Null);
    let (status, errors) = import(&app, &coord, "", with_town.replace("05,", "05,Mystic")).await;
    assert_eq!((status, errors["errors"][0]["row"].as_u64(), errors["errors"][0]["path"].as_str()), (422, Some(2), Some("/town")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_compliance_report_selects_a_region_by_the_towns_people_work_from() {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(d("2027-06-01"));
    let coord = coordinator(&app).await;
    // Hartford: DCF Region 4, Hartford County, Capitol. Groton: DCF Region 3, New London County.
    let csv = "agency,population,employee_ref,start_date,town\n\
               dcf,dcf_employee,E-1,2020-01-01,Hartford\n\
               dcf,dcf_employee,E-2,2020-01-01,Groton\n\
               dcf,dcf_employee,E-3,2020-01-01,\n";
    assert_eq!(import(&app, &coord, "", csv.to_string()).await.0, 200);
    let refs = |report: &Value| -> Vec<String> {
        report["items"].as_array().unwrap().iter().map(|i| i["employee_ref"].as_str().unwrap().to_string()).collect()
    };

    let (status, four) = get(&app, "/v1/training/compliance?region=4", &coord).await;
    assert_eq!(status, 200, "{four}");
    assert_eq!(refs(&four), ["E-1"]);
    assert_eq!(four["items"][0]["town"], "Hartford");
    assert_eq!(four["counts"]["due_soon"], 1, "counts are over the region: {four}");
    let (_, one) = get(&app, "/v1/training/compliance?region=1", &coord).await;
    assert_eq!(refs(&one), Vec::<String>::new());
    assert_eq!(one["counts"]["due_soon"], 0);
    let (_, explicit) = get(&app, "/v1/training/compliance?region_type=dcf_region&region=04", &coord).await;
    assert_eq!(refs(&explicit), ["E-1"]);
    let (_, county) = get(&app, "/v1/training/compliance?region_type=county&region=new%20london", &coord).await;
    assert_eq!(refs(&county), ["E-2"]);
    let (_, capitol) = get(&app, "/v1/training/compliance?region_type=planning_region&region=Capitol", &coord).await;
    assert_eq!(refs(&capitol), ["E-1"]);
    let (_, district) = get(&app, "/v1/training/compliance?region_type=judicial_district&region=New%20London", &coord).await;
    assert_eq!(refs(&district), ["E-2"]);
    // Without a region, everyone, the person with no town included.
    assert_eq!(refs(&get(&app, "/v1/training/compliance", &coord).await.1), ["E-1", "E-2", "E-3"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_the_region_type_does_not_have_is_a_400_at_region() {
    let app = TestApp::spawn().await.unwrap();
    let coord = coordinator(&app).await;
    for (q, path) in [
        ("region=9", "/region"),
        ("region=Capitol", "/region"),
        ("region_type=county&region=Capitol", "/region"),
        ("region_type=state&region=4", "/region_type"),
        ("region_type=county", "/region"),
    ] {
        let (status, body) = get(&app, &format!("/v1/training/compliance?{q}"), &coord).await;
        assert_eq!(status, 400, "{q}: {body}");
        assert_eq!(body["errors"][0]["path"], path, "{q}: {body}");
    }
    let (_, body) = get(&app, "/v1/training/compliance?region=9", &coord).await;
    assert_eq!(body["errors"][0]["code"], "unknown_code");
    assert!(body["errors"][0]["message"].as_str().unwrap().ends_with("1, 2, 3, 4, 5, 6."), "{body}");
}

// The 10,000-row import target is measured by the benchmark
// `cargo bench -p beacon-tests --bench imports`, not by a timed test.
