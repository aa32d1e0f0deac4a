//! The coordinator's annual report (Sec. 1(f)) over real HTTP: every section
//! in the JSON and the HTML, no count below k anywhere, the register's text
//! escaped, and tables identical to the public statistics of the year.

use crate::stats_api::seed;
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use chrono::NaiveDate;
use serde_json::{json, Value};

pub(crate) const K: u64 = 11;

/// An app on December 3, 2026 with a year of incidents (some cells below k)
/// and the registers filled in.
pub(crate) async fn seeded() -> (TestApp, String) {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
    let key = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    seed(&app, "Hartford", "2026-02-10", 30).await;
    seed(&app, "New Haven", "2026-05-01", 3).await;
    seed(&app, "Norwich", "2026-08-01", 1).await;
    seed(&app, "Stamford", "2026-10-10", 15).await;
    seed(&app, "Hartford", "2025-06-01", 40).await; // another year
    let post = |path: &'static str, body: Value| {
        let (app, key) = (&app, &key);
        async move {
            let r = app.post_json(path, key, body.to_string()).await.unwrap();
            assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
        }
    };
    post("/v1/reports/activities", json!({"date": "2026-09-15", "kind": "meeting", "agencies": ["dcf", "opm"],
        "description": "Met <script>alert('x')</script> & agreed a referral protocol."})).await;
    post("/v1/reports/activities", json!({"date": "2025-12-01", "kind": "outreach", "agencies": ["dcf"], "description": "Last year's outreach"})).await;
    post("/v1/reports/recommendations", json!({"year": 2026, "kind": "administrative", "status": "adopted", "text": "Train every DCF intake worker."})).await;
    post("/v1/reports/recommendations", json!({"year": 2026, "kind": "legislative", "status": "proposed", "text": "Fund survivor housing.", "committee": "appropriations"})).await;
    post("/v1/reports/recommendations", json!({"year": 2026, "kind": "legislative", "status": "withdrawn", "text": "A withdrawn idea."})).await;
    (app, key)
}

async fn report_json(app: &TestApp, key: &str, year: &str) -> (u16, Value) {
    let r = app.get(&format!("/v1/reports/coordinator/{year}"), key).await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn report_html(app: &TestApp, key: &str) -> String {
    let r = app.get("/v1/reports/coordinator/2026?format=html", key).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let media = r.headers().get("content-type").unwrap().to_str().unwrap().to_string();
    assert!(media.starts_with("text/html"), "{media}");
    r.text().await.unwrap()
}

fn section_titles(report: &Value) -> Vec<String> {
    let sections = report["sections"].as_object().unwrap();
    ["activities", "incident_trends", "recommendations", "calendar", "methodology"]
        .iter()
        .map(|s| sections[*s]["title"].as_str().unwrap().to_string())
        .collect()
}

/// The text of every `<h2>`, in order.
fn h2s(html: &str) -> Vec<String> {
    html.split("<h2>").skip(1).filter_map(|s| s.split("</h2>").next()).map(str::to_string).collect()
}

/// The text of every count cell of the HTML's tables.
fn count_cells(html: &str) -> Vec<String> {
    html.split("<td class=\"count\">").skip(1).filter_map(|s| s.split("</td>").next()).map(str::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_and_the_json_carry_the_same_sections_in_order() {
    let (app, key) = seeded().await;
    let (status, report) = report_json(&app, &key, "2026").await;
    assert_eq!(status, 200, "{report}");
    let titles = section_titles(&report);
    assert_eq!(titles, ["Activities of the coordinator", "Incident trends", "Recommendations", "Statutory calendar", "Methodology"]);
    assert_eq!(h2s(&report_html(&app, &key).await), titles);
    assert_eq!(report["due"], "2027-01-01");
    assert_eq!(report["complete"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_count_below_k_appears_in_the_html_or_the_json() {
    let (app, key) = seeded().await;
    let cells = count_cells(&report_html(&app, &key).await);
    assert!(!cells.is_empty());
    for c in &cells {
        assert!(c == "*" || c.parse::<u64>().is_ok_and(|n| n == 0 || n >= K), "a count cell shows {c}");
    }
    assert!(cells.iter().any(|c| c == "*"), "the seeded year has cells below k");

    let (_, report) = report_json(&app, &key, "2026").await;
    let trends = &report["sections"]["incident_trends"];
    assert_eq!(trends["k"], K);
    for table in trends["tables"].as_array().unwrap() {
        for e in table["entries"].as_array().unwrap() {
            match e["value"].as_u64() {
                Some(n) => assert!(n == 0 || n >= K, "{} shows {n}", table["name"]),
                None => assert_eq!(e["suppressed"], true),
            }
        }
    }
    assert_eq!(report["sections"]["methodology"]["suppression_rule"], trends["rule"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trend_tables_are_the_public_statistics_of_the_year() {
    let (app, key) = seeded().await;
    let (_, report) = report_json(&app, &key, "2026").await;
    let public: Value = app.client.get(app.url("/public/stats/incidents?period=2026&group_by=county")).send().await.unwrap().json().await.unwrap();
    let by_county = |tables: &Value, measure: &str| {
        tables.as_array().unwrap().iter().find(|t| t["measure"] == measure && t["name"].as_str().unwrap().ends_with("county")).unwrap()["entries"].clone()
    };
    let trends = &report["sections"]["incident_trends"]["tables"];
    assert_eq!(by_county(trends, "incidents"), by_county(&public["tables"], "incidents"));
    assert_eq!(by_county(trends, "victims"), by_county(&public["tables"], "victims"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_holds_the_years_entries_without_withdrawn_recommendations() {
    let (app, key) = seeded().await;
    let (_, report) = report_json(&app, &key, "2026").await;
    let s = &report["sections"];
    let activities: Vec<&str> = s["activities"]["entries"].as_array().unwrap().iter().map(|a| a["date"].as_str().unwrap()).collect();
    assert_eq!(activities, ["2026-09-15"]);
    let texts = |list: &Value| list.as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(texts(&s["recommendations"]["administrative"]), ["Train every DCF intake worker."]);
    assert_eq!(texts(&s["recommendations"]["legislative"]), ["Fund survivor housing."]);
    assert!(s["calendar"]["duties"].as_array().unwrap().iter().any(|d| d["id"] == "coordinator_annual_report" && d["due"] == "2027-01-01"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_text_is_escaped_in_the_html() {
    let (app, key) = seeded().await;
    let html = report_html(&app, &key).await;
    assert!(html.contains("Met &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; agreed"));
    assert!(!html.contains("<script"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_text_html_gives_the_html_and_a_bad_format_is_400() {
    let (app, key) = seeded().await;
    let r = app.client.get(app.url("/v1/reports/coordinator/2026")).bearer_auth(&key).header("accept", "text/html").send().await.unwrap();
    assert!(r.headers().get("content-type").unwrap().to_str().unwrap().starts_with("text/html"));
    let r = app.get("/v1/reports/coordinator/2026?format=docx", &key).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["path"], "/format");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_without_a_report_is_404_and_a_reporter_is_403() {
    let (app, key) = seeded().await;
    for year in ["2025", "2027", "twenty"] {
        assert_eq!(report_json(&app, &key, year).await.0, 404, "{year}");
    }
    let reporter = app.key("DCF", Role::Reporter).await.unwrap();
    assert_eq!(report_json(&app, &reporter, "2026").await.0, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_report_stays_as_filed_while_the_live_one_changes() {
    let (app, key) = seeded().await;
    let r = app.post_json("/v1/reports/coordinator/2026", &key, String::new()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let location = r.headers().get("location").unwrap().to_str().unwrap().to_string();
    let frozen: Value = r.json().await.unwrap();
    assert_eq!((frozen["year"].as_i64(), frozen["as_of"].as_str()), (Some(2026), Some("2026-12-03")));
    let html_then = report_html(&app, &key).await;

    let later = json!({"date": "2026-12-02", "kind": "policy", "agencies": ["opm"], "description": "A later activity"});
    assert_eq!(app.post_json("/v1/reports/activities", &key, later.to_string()).await.unwrap().status().as_u16(), 201);

    let (_, live) = report_json(&app, &key, "2026").await;
    assert_eq!(live["sections"]["activities"]["entries"].as_array().unwrap().len(), 2);
    let on_file: Value = app.get(&location, &key).await.unwrap().json().await.unwrap();
    assert_eq!(on_file["report"], frozen["report"]);
    assert_eq!(on_file["report"]["sections"]["activities"]["entries"].as_array().unwrap().len(), 1);
    let html = app.get(&format!("{location}?format=html"), &key).await.unwrap().text().await.unwrap();
    assert_eq!(html, html_then);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn freezing_is_audited_and_a_snapshot_of_another_year_is_404() {
    let (app, key) = seeded().await;
    let r = app.post_json("/v1/reports/coordinator/2026", &key, String::new()).await.unwrap();
    let frozen: Value = r.json().await.unwrap();
    let id = frozen["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/v1/reports/coordinator/2025/snapshots/{id}"), &key).await.unwrap().status().as_u16(), 404);
    assert_eq!(app.post_json("/v1/reports/coordinator/2027", &key, String::new()).await.unwrap().status().as_u16(), 404);

    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct A {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        resource_id: Option<String>,
    }
    let mut conn = app.conn().await.unwrap();
    let rows: Vec<A> = diesel::sql_query("SELECT resource_id FROM audit_log WHERE action = 'report.coordinator.freeze'")
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.resource_id.as_deref()).collect::<Vec<_>>(), [Some(id)]);
}

/// The charts draw only what the tables publish: every bar, point and county
/// names its value in a tooltip (`<title>Hartford County: 30</title>`), and
/// none is a count from 1 to k − 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_charts_show_no_count_below_k() {
    let (app, key) = seeded().await;
    let html = report_html(&app, &key).await;
    assert_eq!(html.matches("<svg ").count(), 2, "the quarter bars and the county map");
    let svgs: String = html.split("<svg ").skip(1).filter_map(|s| s.split("</svg>").next()).collect();
    let tips: Vec<&str> = svgs.split("<title>").skip(1).filter_map(|s| s.split("</title>").next()).filter(|t| t.contains(": ")).collect();
    assert!(tips.len() >= 16, "8 bars and 8 counties: {tips:?}");
    for tip in &tips {
        let value = tip.rsplit(": ").next().unwrap();
        assert!(value == "withheld" || value.parse::<u64>().is_ok_and(|n| n == 0 || n >= K), "a chart shows {tip}");
    }
    assert!(tips.iter().any(|t| t.ends_with("withheld")));
}
