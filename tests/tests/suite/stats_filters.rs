//! Statistics filters over real HTTP (issue 10): every dimension a subject is
//! grouped by also filters it, as a comma-separated list (any of its values),
//! filters narrowing each other, applied in the database's count — from the
//! rollups for a whole-month period and from the raw rows otherwise, each
//! giving the same numbers — and stated with the counts in JSON and in a
//! header beside the CSV. The counts are read with `internal=true`: exact,
//! so a filter's effect is seen to the record (suppressed, every count here
//! below k would read `null`).

use crate::stats_subjects::seed_intake;
use beacon_api::security::{keys, Role};
use beacon_tests::app::TestApp;
use serde_json::{json, Value};

const REASON: &str = "Quarterly+review+for+the+task+force";

async fn file(app: &TestApp, key: &str, agency: &str, town: &str, types: &[&str], victims: Vec<Value>) -> String {
    let body = json!({
        "reporting_agency": agency, "status": "suspected", "incident_date": "2026-03-10", "reported_date": "2026-03-10",
        "town": town, "trafficking_types": types, "venue": "hotel_motel", "control_methods": ["threats"],
        "dcf_notified": true, "victims": victims,
    });
    let r = app.post_json("/v1/incidents", key, body.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
    let body: Value = r.json().await.unwrap();
    body["id"].as_str().unwrap().to_string()
}

fn adult() -> Value {
    json!({"sex": "female", "age": 30, "services_needed": []})
}

async fn get(app: &TestApp, path: &str, key: &str) -> reqwest::Response {
    app.client.get(app.url(path)).bearer_auth(key).send().await.unwrap()
}

async fn json_ok(app: &TestApp, path: &str, key: &str) -> Value {
    let r = get(app, path, key).await;
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// The exact count of `measure` at `label` of the one-dimension table named
/// `name` (`None`: its total), for a coordinator's internal read of `query`.
async fn count(app: &TestApp, key: &str, subject: &str, query: &str, name: &str, label: Option<&str>) -> Value {
    let body = json_ok(app, &format!("/v1/stats/{subject}?{query}&internal=true&reason={REASON}"), key).await;
    let t = body["tables"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap_or_else(|| panic!("no {name} in {body}"));
    let at = label.map_or(Value::Null, |l| {
        json!(t["dimensions"][0]["categories"].as_array().unwrap().iter().position(|c| c == l).unwrap_or_else(|| panic!("no {l} in {t}")))
    });
    t["entries"].as_array().unwrap().iter().find(|e| e["at"] == json!([at])).unwrap()["value"].clone()
}

/// Both the whole year (counted from a rollup) and the same days as a range
/// that is not whole months (counted from the raw rows): one filter, one answer.
const PERIODS: [&str; 2] = ["period=2026", "from=2026-01-02&to=2026-12-31"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incidents_filtered_by_trafficking_type_county_and_agency_count_exactly_those() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let dcf = app.reporter("DCF", "dcf").await.unwrap();
    let desp = app.reporter("DESP", "desp").await.unwrap();
    // Hartford: 3 labor, 2 sex, 1 both (DESP's); New Haven: 2 labor; Norwich: 1 sex.
    for _ in 0..3 {
        file(&app, &dcf, "dcf", "Hartford", &["labor"], vec![adult()]).await;
    }
    for _ in 0..2 {
        file(&app, &dcf, "dcf", "Hartford", &["sex"], vec![adult(), adult()]).await;
    }
    file(&app, &desp, "desp", "Hartford", &["sex", "labor"], vec![adult()]).await;
    for _ in 0..2 {
        file(&app, &dcf, "dcf", "New Haven", &["labor"], vec![adult()]).await;
    }
    file(&app, &dcf, "dcf", "Norwich", &["sex"], vec![adult()]).await;
    // A withdrawn labor report in Hartford never counts, filtered or not.
    let withdrawn = file(&app, &dcf, "dcf", "Hartford", &["labor"], vec![adult()]).await;
    let r = app
        .client
        .patch(app.url(&format!("/v1/incidents/{withdrawn}")))
        .bearer_auth(&dcf)
        .header("if-match", "\"1\"")
        .header("content-type", "application/merge-patch+json")
        .body(json!({"withdrawn": {"reason": "duplicate"}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());

    for period in PERIODS {
        let n = |query: String, label: Option<&'static str>| {
            let (app, key) = (&app, &coordinator);
            async move { count(app, key, "incidents", &query, "incidents by county", label).await }
        };
        // Unfiltered: 9 incidents, 6 in Hartford County.
        assert_eq!(n(format!("{period}&group_by=county"), None).await, 9, "{period}");
        // Labor: an incident of both types has labor, so it counts (3 + 1 in Hartford, 2 in New Haven).
        assert_eq!(n(format!("{period}&group_by=county&trafficking_type=labor"), Some("Hartford")).await, 4, "{period}");
        assert_eq!(n(format!("{period}&group_by=county&trafficking_type=labor"), Some("New Haven")).await, 2, "{period}");
        assert_eq!(n(format!("{period}&group_by=county&trafficking_type=labor"), None).await, 6, "{period}");
        // Either type: every incident (each has one); both filters: Hartford's labor only.
        assert_eq!(n(format!("{period}&group_by=county&trafficking_type=sex,labor"), None).await, 9, "{period}");
        assert_eq!(n(format!("{period}&group_by=county&trafficking_type=labor&county=Hartford"), None).await, 4, "{period}");
        assert_eq!(n(format!("{period}&group_by=county&county=hartford,NEW+LONDON"), None).await, 7, "{period}");
        assert_eq!(n(format!("{period}&group_by=county&town=Norwich"), None).await, 1, "{period}");
        assert_eq!(n(format!("{period}&group_by=county&reporting_agency=desp"), Some("Hartford")).await, 1, "{period}");
        assert_eq!(n(format!("{period}&group_by=county&venue=residence"), None).await, 0, "{period}");
    }
    // The victims measure follows the same records: 2 + 2 sex-trafficking incidents of two victims, 1 + 1 of one.
    let body = json_ok(&app, &format!("/v1/stats/incidents?period=2026&trafficking_type=sex&internal=true&reason={REASON}"), &coordinator).await;
    let victims = body["tables"].as_array().unwrap().iter().find(|t| t["measure"] == "victims").unwrap();
    assert_eq!(victims["entries"].as_array().unwrap().iter().find(|e| e["at"] == json!([null])).unwrap()["value"], 6);
    assert_eq!(body["filters"], json!({"trafficking_type": ["sex"]}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_output_states_its_filters_and_an_internal_read_audits_them() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let auditor = app.key("State Auditor", Role::Auditor).await.unwrap();
    let dcf = app.reporter("DCF", "dcf").await.unwrap();
    file(&app, &dcf, "dcf", "Hartford", &["labor"], vec![adult()]).await;

    let path = "/v1/stats/incidents?period=2026&group_by=county&trafficking_type=labor&county=Hartford";
    let body = json_ok(&app, path, &coordinator).await;
    assert_eq!(body["filters"], json!({"county": ["Hartford"], "trafficking_type": ["labor"]}));
    let r = get(&app, &format!("{path}&format=csv"), &coordinator).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["beacon-stats-filters"], "county=Hartford; trafficking_type=labor");
    assert!(r.headers().contains_key("beacon-disclosure-rule"));
    assert!(r.text().await.unwrap().starts_with("measure,table,county,count\n"), "the CSV's columns are unchanged");

    let r = get(&app, "/v1/stats/incidents?period=2026&format=csv", &coordinator).await;
    assert_eq!(r.headers()["beacon-stats-filters"], "none");
    let body = json_ok(&app, "/v1/stats/victims?period=2026", &coordinator).await;
    assert_eq!(body["filters"], json!({}));

    json_ok(&app, &format!("{path}&internal=true&reason={REASON}"), &coordinator).await;
    let trail = json_ok(&app, "/v1/audit?action=stats.read_internal", &auditor).await;
    let ids: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|i| i["resource_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["incidents 2026 by county where county=Hartford; trafficking_type=labor"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn victims_filtered_by_sex_citizenship_and_age_band() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let dcf = app.reporter("DCF", "dcf").await.unwrap();
    let victim = |sex: &str, age: Option<u8>, citizenship: Option<&str>| {
        let mut v = json!({"sex": sex, "services_needed": []});
        if let Some(age) = age {
            v["age"] = json!(age);
        }
        if let Some(c) = citizenship {
            v["citizenship"] = json!(c);
        }
        v
    };
    file(&app, &dcf, "dcf", "Hartford", &["labor"], vec![
        victim("female", Some(16), Some("foreign_national")),
        victim("female", Some(30), Some("foreign_national")),
        victim("male", Some(30), Some("foreign_national")),
    ])
    .await;
    file(&app, &dcf, "dcf", "New Haven", &["sex"], vec![
        victim("female", Some(45), Some("foreign_national")),
        victim("female", Some(22), Some("us_citizen")),
        victim("female", None, None),
    ])
    .await;
    file(&app, &dcf, "dcf", "Norwich", &["sex"], vec![victim("female", Some(61), Some("us_citizen"))]).await;

    for period in PERIODS {
        let n = |query: String, name: &'static str, label: Option<&'static str>| {
            let (app, key) = (&app, &coordinator);
            async move { count(app, key, "victims", &query, name, label).await }
        };
        let by_band = "victims by age_band";
        assert_eq!(n(format!("{period}&group_by=age_band"), by_band, None).await, 7, "{period}");
        // Women who are foreign nationals: 16, 30 and 45.
        let q = format!("{period}&group_by=age_band&sex=female&citizenship=foreign_national");
        assert_eq!(n(q.clone(), by_band, None).await, 3, "{period}");
        assert_eq!(n(q.clone(), by_band, Some("12_17")).await, 1, "{period}");
        assert_eq!(n(q, by_band, Some("25_59")).await, 2, "{period}");
        // Or of unknown citizenship (none given): one more.
        assert_eq!(n(format!("{period}&group_by=age_band&sex=female&citizenship=foreign_national,unknown"), by_band, None).await, 4);
        // By age band, counted by sex: adults 25–59 (30, 30, 45) and the one of no known age.
        let q = format!("{period}&group_by=sex&age_band=25_59,unknown");
        assert_eq!(n(q.clone(), "victims by sex", Some("female")).await, 3, "{period}");
        assert_eq!(n(q, "victims by sex", Some("male")).await, 1, "{period}");
        assert_eq!(n(format!("{period}&group_by=sex&age_band=60_plus&county=New+London"), "victims by sex", None).await, 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intake_filtered_by_partner_concern_and_status() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    let origin = "https://safeharbor.example";
    let mut ids = Vec::new();
    for name in ["Safe Harbor", "Youth Outreach"] {
        let mut conn = app.conn().await.unwrap();
        ids.push(keys::issue(&mut conn, name, Role::Partner, &[origin.to_string()]).await.unwrap().account_id.to_string());
    }
    seed_intake(&app, "Safe Harbor", "2026-04-02", Some("Hartford"), "'sex'", "18_24", 5).await;
    seed_intake(&app, "Safe Harbor", "2026-04-03", None, "'labor', 'unsure'", "12_17", 2).await;
    seed_intake(&app, "Youth Outreach", "2026-05-02", Some("Hartford"), "'unsure'", "unknown", 3).await;

    let n = |query: String| {
        let (app, key) = (&app, &coordinator);
        async move { count(app, key, "intake", &query, "intake by age_band", None).await }
    };
    assert_eq!(n("period=2026&group_by=age_band".into()).await, 10);
    assert_eq!(n(format!("period=2026&group_by=age_band&partner={}", ids[0])).await, 7);
    assert_eq!(n(format!("period=2026&group_by=age_band&partner={}", ids[1].to_uppercase())).await, 3, "an id in capitals is the same id");
    assert_eq!(n(format!("period=2026&group_by=age_band&partner={},{}", ids[0], ids[1])).await, 10);
    assert_eq!(n(format!("period=2026&group_by=age_band&partner={}", uuid::Uuid::new_v4())).await, 0);
    // `unsure` or `labor`: the 2 that name both count once, with Youth Outreach's 3.
    assert_eq!(n("period=2026&group_by=age_band&concern_type=unsure,labor".into()).await, 5);
    assert_eq!(n(format!("period=2026&group_by=age_band&concern_type=unsure&partner={}", ids[0])).await, 2);
    assert_eq!(n("period=2026&group_by=age_band&age_band=12_17,unknown".into()).await, 5);
    assert_eq!(n("period=2026&group_by=age_band&county=Hartford".into()).await, 8, "no town is in no county");
    assert_eq!(n("period=2026&group_by=age_band&status=new".into()).await, 10);
    assert_eq!(n("period=2026&group_by=age_band&status=closed,converted".into()).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_filter_is_a_400_naming_it() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    for (path, param, code, phrase) in [
        ("/v1/stats/incidents?period=2026&trafficking_type=labor,organs", "/trafficking_type", "unknown_code", "sex, labor"),
        ("/v1/stats/incidents?period=2026&sex=female", "/sex", "not_allowed", "/stats/victims"),
        ("/v1/stats/victims?period=2026&citizenship=martian", "/citizenship", "unknown_code", "foreign_national"),
        ("/v1/stats/intake?period=2026&partner=Safe+Harbor", "/partner", "format", "UUID"),
        ("/v1/stats/intake?period=2026&venue=residence", "/venue", "not_allowed", "partner"),
        ("/v1/stats/referrals?period=2026&outcome=pending", "/outcome", "unknown_code", "service_started"),
        ("/v1/stats/training?town=Gotham", "/town", "unknown_code", "Hartford"),
    ] {
        let r = get(&app, path, &coordinator).await;
        assert_eq!(r.status().as_u16(), 400, "{path}");
        let body: Value = r.json().await.unwrap();
        let e = &body["errors"][0];
        assert_eq!((e["path"].as_str(), e["code"].as_str()), (Some(param), Some(code)), "{path}: {body}");
        assert!(e["message"].as_str().unwrap().contains(phrase), "{path}: {body}");
    }
    // The public endpoint takes no filter at all.
    for query in ["trafficking_type=labor", "sex=female", "town=Hartford"] {
        let r = app.client.get(app.url(&format!("/public/stats/victims?period=2026&{query}"))).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 400, "{query}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["errors"][0]["code"], "not_allowed", "{query}");
    }
}
