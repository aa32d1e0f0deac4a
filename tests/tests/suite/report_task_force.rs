//! The task force's annual report (Sec. 8(d)) over real HTTP: its own
//! committees and sections, the same suppressed tables as the coordinator's
//! report of the year, no count below k in the HTML, and freezing.

use crate::report_coordinator::{count_cells, h2s, seeded, K};
use beacon_api::security::Role;
use serde_json::Value;

const SECTION_KEYS: [&str; 8] =
    ["activities", "trends", "minors_and_dcf", "training", "referrals", "service_capacity", "governing_body", "methodology"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_force_report_carries_its_sections_in_json_and_html_alike() {
    let (app, key) = seeded().await;
    let r = app.get("/v1/reports/task_force/2026", &key).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["submitted_to"], serde_json::json!(["government_oversight", "judiciary"]));
    assert_eq!(report["due"], "2027-01-01");
    let titles: Vec<String> =
        SECTION_KEYS.iter().map(|k| report["sections"][*k]["title"].as_str().unwrap().to_string()).collect();
    let html = app.get("/v1/reports/task_force/2026?format=html", &key).await.unwrap().text().await.unwrap();
    assert_eq!(h2s(&html), titles);
    assert!(titles.contains(&"Review of trafficking trends".to_string()));
    assert!(html.contains("Sec. 8(b)(6)"));

    // The same suppressed tables as the coordinator's report of the year.
    let coordinator: Value = app.get("/v1/reports/coordinator/2026", &key).await.unwrap().json().await.unwrap();
    let (tf, c) = (&report["sections"], &coordinator["sections"]);
    assert_eq!(tf["trends"]["tables"], c["incident_trends"]["tables"]);
    assert_eq!(tf["minors_and_dcf"], c["minors_and_dcf"]);
    assert_eq!(tf["training"]["tables"], c["training"]["tables"]);
    assert_eq!(tf["referrals"]["table"], c["referrals"]["table"]);
    assert_eq!(tf["service_capacity"]["cells"], c["directory_gaps"]["cells"]);

    let cells = count_cells(&html);
    assert!(cells.iter().any(|c| c == "*"));
    for c in &cells {
        assert!(c == "*" || c.parse::<u64>().is_ok_and(|n| n == 0 || n >= K), "a count cell shows {c}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_force_report_is_frozen_audited_and_read_back_as_filed() {
    let (app, key) = seeded().await;
    let r = app.post_json("/v1/reports/task_force/2026", &key, String::new()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let location = r.headers().get("location").unwrap().to_str().unwrap().to_string();
    assert!(location.starts_with("/v1/reports/task_force/2026/snapshots/"), "{location}");
    let frozen: Value = r.json().await.unwrap();
    let on_file: Value = app.get(&location, &key).await.unwrap().json().await.unwrap();
    assert_eq!(on_file["report"], frozen["report"]);
    assert_eq!(on_file["report"]["sections"]["trends"]["title"], "Review of trafficking trends");
    // A task force snapshot is not a coordinator snapshot.
    let id = frozen["id"].as_str().unwrap();
    let as_coordinator = app.get(&format!("/v1/reports/coordinator/2026/snapshots/{id}"), &key).await.unwrap();
    assert_eq!(as_coordinator.status().as_u16(), 404);

    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct A {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        resource_id: Option<String>,
    }
    let mut conn = app.conn().await.unwrap();
    let rows: Vec<A> = diesel::sql_query("SELECT resource_id FROM audit_log WHERE action = 'report.task_force.freeze'")
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.resource_id.as_deref()).collect::<Vec<_>>(), [Some(id)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_task_force_report_for_a_year_without_one_nor_for_a_reporter() {
    let (app, key) = seeded().await;
    for year in ["2025", "2027", "x"] {
        assert_eq!(app.get(&format!("/v1/reports/task_force/{year}"), &key).await.unwrap().status().as_u16(), 404, "{year}");
    }
    let reporter = app.key("DCF", Role::Reporter).await.unwrap();
    assert_eq!(app.get("/v1/reports/task_force/2026", &reporter).await.unwrap().status().as_u16(), 403);
    assert_eq!(app.post_json("/v1/reports/task_force/2026", &reporter, String::new()).await.unwrap().status().as_u16(), 403);
}
