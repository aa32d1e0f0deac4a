//! Training as written (Sec. 3(7), 4(b), 10(b)) over HTTP: course subjects
//! and kinds, caseload assignments and the trainees who hold one untrained,
//! contracted providers' clocks, late trainings counted, law enforcement
//! trained / not trained. (The rules' vectors run through the API in
//! `training_vectors.rs`.)

use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use chrono::NaiveDate;
use serde_json::{json, Value};

const ALL_TOPICS: [&str; 4] = ["laws_protocols", "identification_services", "deescalation_harm_reduction", "trauma_disclosures"];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
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

async fn course(app: &TestApp, key: &str, code: &str, subject: &str, topics: &[&str]) {
    let body = json!({"code": code, "title": code, "version": "1", "format": "recorded", "duration_minutes": 60,
                      "topics": topics, "subject": subject});
    let (status, body) = post(app, "/v1/training/courses", key, body).await;
    assert_eq!(status, 201, "{body}");
}

async fn person(app: &TestApp, key: &str, body: Value) -> String {
    let (status, body) = post(app, "/v1/workforce", key, body).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

async fn complete(app: &TestApp, key: &str, person: &str, course: &str, on: &str) {
    let body = json!({"person_id": person, "course_code": course, "completed_on": on});
    let (status, body) = post(app, "/v1/training/completions", key, body).await;
    assert_eq!(status, 201, "{body}");
}

fn trainee(employee_ref: &str) -> Value {
    json!({"agency": "dcf", "population": "dcf_employee", "employee_ref": employee_ref, "start_date": "2026-06-01",
           "role": "social_worker_trainee"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_family_violence_course_lists_no_trafficking_topics() {
    let app = TestApp::spawn().await.unwrap();
    let coord = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let body = json!({"code": "FV-1", "title": "Family violence", "version": "1", "format": "recorded", "duration_minutes": 60,
                      "topics": ["laws_protocols"], "subject": "family_violence"});
    let (status, body) = post(&app, "/v1/training/courses", &coord, body).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["path"], "/topics");
    course(&app, &coord, "FV-1", "family_violence", &[]).await;
    let (_, courses) = get(&app, "/v1/training/courses", &coord).await;
    assert_eq!((courses[0]["subject"].as_str(), courses[0]["kind"].as_str()), (Some("family_violence"), Some("either")), "{courses}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caseload_gaps_list_trainees_assigned_without_the_training_of_that_day() {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(d("2027-03-01"));
    let coord = app.key("Coordinator", Role::Coordinator).await.unwrap();
    course(&app, &coord, "HT-1", "human_trafficking", &ALL_TOPICS).await;
    course(&app, &coord, "FV-1", "family_violence", &[]).await;
    // T-1: family violence only; fine in 2026, not from 2027-01-01.
    let t1 = person(&app, &coord, trainee("T-1")).await;
    complete(&app, &coord, &t1, "FV-1", "2026-07-01").await;
    // T-2: nothing at all, assigned in 2026.
    let t2 = person(&app, &coord, trainee("T-2")).await;
    // T-3: both trainings.
    let t3 = person(&app, &coord, trainee("T-3")).await;
    complete(&app, &coord, &t3, "FV-1", "2026-07-01").await;
    complete(&app, &coord, &t3, "HT-1", "2027-01-15").await;

    let assign = |id: &str, on: &str| {
        let path = format!("/v1/workforce/{id}/caseload-assignments");
        let body = json!({"assigned_on": on});
        let app = &app;
        let coord = &coord;
        async move { post(app, &path, coord, body).await }
    };
    let (status, a) = assign(&t1, "2026-12-15").await;
    assert_eq!((status, &a["eligibility"]["eligible"]), (201, &json!(true)), "{a}");
    let (status, a) = assign(&t1, "2027-02-01").await;
    assert_eq!((status, &a["eligibility"]["eligible"]), (201, &json!(false)), "{a}");
    assert_eq!(assign(&t2, "2026-11-01").await.0, 201);
    assert_eq!(assign(&t3, "2027-02-10").await.0, 201);
    // The same day again is the same assignment.
    let (status, again) = assign(&t3, "2027-02-10").await;
    assert_eq!(status, 200, "{again}");
    // Not after today.
    let (status, body) = assign(&t3, "2027-03-02").await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (422, Some("future_date")), "{body}");

    let (status, gaps) = get(&app, "/v1/workforce/caseload-gaps", &coord).await;
    assert_eq!(status, 200, "{gaps}");
    let got: Vec<(&str, &str)> =
        gaps.as_array().unwrap().iter().map(|g| (g["employee_ref"].as_str().unwrap(), g["assigned_on"].as_str().unwrap())).collect();
    assert_eq!(got, [("T-1", "2027-02-01"), ("T-2", "2026-11-01")], "{gaps}");
    assert!(gaps[1]["reason"].as_str().unwrap().contains("family violence"), "{gaps}");
    // Judged as of an earlier day, the 2027 assignment is not yet made.
    let (_, earlier) = get(&app, "/v1/workforce/caseload-gaps?as_of=2026-12-31", &coord).await;
    assert_eq!(earlier.as_array().unwrap().len(), 1, "{earlier}");

    // Another agency's reporter sees neither the person nor the gaps.
    let cssd = app.reporter("CSSD", "cssd").await.unwrap();
    assert_eq!(post(&app, &format!("/v1/workforce/{t1}/caseload-assignments"), &cssd, json!({"assigned_on": "2027-02-01"})).await.0, 404);
    assert_eq!(get(&app, "/v1/workforce/caseload-gaps", &cssd).await.1, json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contracted_providers_staff_run_on_its_contract_and_are_reported_by_provider() {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(d("2027-08-01"));
    let coord = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (status, provider) = post(&app, "/v1/training/providers", &coord, json!({"name": "Harbor Youth Services", "contract_start": "2027-03-15"})).await;
    assert_eq!(status, 201, "{provider}");
    assert_eq!(provider["initial_due"], "2027-09-15");
    let dup = post(&app, "/v1/training/providers", &coord, json!({"name": "Harbor Youth Services", "contract_start": "2027-01-01"})).await;
    assert_eq!((dup.0, dup.1["code"].as_str()), (409, Some("duplicate_provider_name")));
    let provider_id = provider["id"].as_str().unwrap();

    let staff = |employee_ref: &str, population: &str, provider: &str| {
        json!({"agency": "dcf", "population": population, "employee_ref": employee_ref, "start_date": "2020-01-01",
               "provider_id": provider})
    };
    // Only a contracted provider's staff run on its clock.
    let (status, body) = post(&app, "/v1/workforce", &coord, staff("E-1", "dcf_employee", provider_id)).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (422, Some("not_allowed")), "{body}");
    let unknown = "00000000-0000-4000-8000-000000000000";
    let (status, body) = post(&app, "/v1/workforce", &coord, staff("C-0", "dcf_contracted_provider", unknown)).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (422, Some("unknown_code")), "{body}");

    let c1 = person(&app, &coord, staff("C-1", "dcf_contracted_provider", provider_id)).await;
    let (_, compliance) = get(&app, &format!("/v1/workforce/{c1}/compliance"), &coord).await;
    // Hired 2020: by the hire date due 2027-07-01 and overdue; by the contract, due 2027-09-15.
    assert_eq!((compliance["initial_due"].as_str(), compliance["status"].as_str()), (Some("2027-09-15"), Some("due_soon")), "{compliance}");

    let (_, report) = get(&app, "/v1/training/compliance", &coord).await;
    let by_provider = report["by_provider"].as_array().unwrap();
    assert_eq!(by_provider.len(), 1, "{report}");
    assert_eq!(by_provider[0]["name"], "Harbor Youth Services");
    assert_eq!(by_provider[0]["counts"]["due_soon"], 1);
    assert_eq!(report["items"][0]["provider_id"], provider_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_trainings_are_recorded_and_counted() {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(d("2027-09-01"));
    let coord = app.key("Coordinator", Role::Coordinator).await.unwrap();
    course(&app, &coord, "HT-1", "human_trafficking", &ALL_TOPICS).await;
    let body = |r: &str| json!({"agency": "dcf", "population": "dcf_employee", "employee_ref": r, "start_date": "2026-01-05"});
    let late = person(&app, &coord, body("LATE")).await;
    complete(&app, &coord, &late, "HT-1", "2027-08-01").await;
    let timely = person(&app, &coord, body("TIMELY")).await;
    complete(&app, &coord, &timely, "HT-1", "2027-06-01").await;

    let (_, c) = get(&app, &format!("/v1/workforce/{late}/compliance"), &coord).await;
    assert_eq!(c["status"], "compliant", "{c}");
    assert_eq!(c["history"], json!([{"completed_on": "2027-08-01", "deadline": "2027-07-01", "days_late": 31}]));
    assert_eq!(c["late_completions"], 1);

    let (_, report) = get(&app, "/v1/training/compliance", &coord).await;
    assert_eq!((report["trained_late"].as_u64(), report["late_completions"].as_u64()), (Some(1), Some(1)), "{report}");
    assert_eq!(report["counts"]["compliant"], 2, "both compliant now, one of them late");
    let per_person: Vec<(&str, u64)> =
        report["items"].as_array().unwrap().iter().map(|i| (i["employee_ref"].as_str().unwrap(), i["late_completions"].as_u64().unwrap())).collect();
    assert_eq!(per_person, [("LATE", 1), ("TIMELY", 0)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn law_enforcement_is_counted_trained_or_not_by_agency_and_region() {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(d("2027-09-01"));
    let coord = app.key("Coordinator", Role::Coordinator).await.unwrap();
    course(&app, &coord, "LE-1", "human_trafficking", &["laws_protocols", "identification_services"]).await;
    let officer = |agency: &str, r: &str, town: Option<&str>| {
        let mut b = json!({"agency": agency, "population": "law_enforcement", "employee_ref": r, "start_date": "2020-01-01"});
        if let Some(t) = town {
            b["town"] = json!(t);
        }
        b
    };
    // Hartford is in DCF Region 4, New London in Region 3.
    let a = person(&app, &coord, officer("local_police", "P-1", Some("Hartford"))).await;
    complete(&app, &coord, &a, "LE-1", "2027-02-01").await;
    person(&app, &coord, officer("local_police", "P-2", Some("Hartford"))).await;
    let c = person(&app, &coord, officer("desp", "S-1", Some("New London"))).await;
    complete(&app, &coord, &c, "LE-1", "2027-03-01").await;
    person(&app, &coord, officer("desp", "S-2", None)).await;

    let (status, report) = get(&app, "/v1/training/compliance", &coord).await;
    assert_eq!(status, 200, "{report}");
    let le = &report["law_enforcement"];
    assert_eq!((le["trained"].as_u64(), le["not_trained"].as_u64()), (Some(2), Some(2)), "{le}");
    assert_eq!(
        le["by_agency"],
        json!([{"key": "desp", "trained": 1, "not_trained": 1}, {"key": "local_police", "trained": 1, "not_trained": 1}])
    );
    assert_eq!(le["region_type"], "dcf_region");
    assert_eq!(
        le["by_region"],
        json!([{"key": "3", "trained": 1, "not_trained": 0}, {"key": "4", "trained": 1, "not_trained": 1},
               {"key": null, "trained": 0, "not_trained": 1}])
    );
    // Their refresher date is the state's setting, not the bill's.
    let (_, p1) = get(&app, &format!("/v1/workforce/{a}/compliance"), &coord).await;
    assert_eq!((p1["status"].as_str(), p1["trained"].as_bool(), p1["next_due_basis"].as_str()), (Some("not_required"), Some(true), Some("state_policy")), "{p1}");
}

async fn import(app: &TestApp, key: &str, csv: &str) -> (u16, Value) {
    let r = app
        .client
        .post(app.url("/v1/workforce/import"))
        .bearer_auth(key)
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .unwrap();
    status_and_json(r).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_roster_links_contracted_staff_to_their_provider_by_name() {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(d("2027-08-01"));
    let coord = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (status, provider) = post(&app, "/v1/training/providers", &coord, json!({"name": "Harbor Youth Services", "contract_start": "2027-03-15"})).await;
    assert_eq!(status, 201, "{provider}");

    // Every wrong row named, nothing written: an unknown provider, a provider for DCF's own staff.
    let bad = "agency,population,employee_ref,start_date,provider\n\
               dcf,dcf_contracted_provider,C-1,2020-01-01,Nobody Inc\n\
               dcf,dcf_employee,E-1,2020-01-01,Harbor Youth Services\n";
    let (status, body) = import(&app, &coord, bad).await;
    assert_eq!(status, 422, "{body}");
    let errors: Vec<(u64, &str, &str)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["path"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, [(3, "/provider_id", "not_allowed")], "row checks first: {body}");
    let bad = "agency,population,employee_ref,start_date,provider\ndcf,dcf_contracted_provider,C-1,2020-01-01,Nobody Inc\n";
    let (status, body) = import(&app, &coord, bad).await;
    assert_eq!((status, body["errors"][0]["path"].as_str(), body["errors"][0]["row"].as_u64()), (422, Some("/provider"), Some(2)), "{body}");
    let (_, people) = get(&app, "/v1/workforce", &coord).await;
    assert_eq!(people["total_items"], 0);

    let good = "agency,population,employee_ref,start_date,provider\ndcf,dcf_contracted_provider,C-1,2020-01-01,Harbor Youth Services\n";
    assert_eq!(import(&app, &coord, good).await.0, 200);
    // A roster without the column keeps the link.
    assert_eq!(import(&app, &coord, "agency,population,employee_ref,start_date\ndcf,dcf_contracted_provider,C-1,2020-01-02\n").await.0, 200);
    let (_, people) = get(&app, "/v1/workforce", &coord).await;
    let c1 = &people["items"][0];
    assert_eq!((c1["provider_id"].clone(), c1["start_date"].as_str()), (provider["id"].clone(), Some("2020-01-02")), "{people}");
    let (_, compliance) = get(&app, &format!("/v1/workforce/{}/compliance", c1["id"].as_str().unwrap()), &coord).await;
    assert_eq!(compliance["initial_due"], "2027-09-15");
}
