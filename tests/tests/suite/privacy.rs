//! Sealed values are encrypted at rest: no column, and no dump, holds them in clear.

use crate::api_incidents::incident;
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use diesel_async::RunQueryDsl;
use serde_json::json;

const MARKERS: [&str; 4] = ["MARKER-GIVEN-7f3a", "MARKER-FAMILY-7f3a", "MARKER-NARRATIVE-7f3a", "marker-7f3a@example.org"];

async fn seed(app: &TestApp) {
    let key = app.key("DCF", Role::Reporter).await.unwrap();
    let mut body = incident("Hartford", "2026-06-01");
    body["narrative"] = json!(MARKERS[2]);
    body["victims"][0]["identity"] = json!({"given_name": MARKERS[0], "family_name": MARKERS[1], "email": MARKERS[3], "date_of_birth": "1992-01-01"});
    let r = app.post_json("/v1/incidents", &key, body.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_column_of_any_table_holds_a_sealed_value() {
    let app = TestApp::spawn().await.unwrap();
    seed(&app).await;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        row: String,
    }
    let mut conn = app.conn().await.unwrap();
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT row_to_json(t)::text AS row FROM incidents t
         UNION ALL SELECT row_to_json(t)::text FROM victims t
         UNION ALL SELECT row_to_json(t)::text FROM api_keys t
         UNION ALL SELECT row_to_json(t)::text FROM organisations t",
    )
    .load(&mut conn)
    .await
    .unwrap();
    assert!(rows.len() >= 4);
    for row in rows {
        for marker in MARKERS {
            assert!(!row.row.contains(marker), "{marker} stored in clear: {}", row.row);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_dump_of_the_database_holds_no_sealed_value() {
    let app = TestApp::spawn().await.unwrap();
    seed(&app).await;
    let pg_dump = xtask::pg::find_bindir()
        .map(|dir| dir.join("pg_dump"))
        .expect("PostgreSQL client binaries are needed for this test");
    let out = std::process::Command::new(pg_dump)
        .arg("--data-only")
        .arg(&app.db.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dump = String::from_utf8_lossy(&out.stdout);
    assert!(dump.contains("Hartford"), "the dump should hold the de-identified data");
    for marker in MARKERS {
        assert!(!dump.contains(marker), "{marker} found in pg_dump output");
    }
}
