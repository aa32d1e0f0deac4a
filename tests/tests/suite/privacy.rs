//! Sealed values are encrypted at rest: no column, and no dump, holds them in clear.

use crate::api_incidents::incident;
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use diesel_async::RunQueryDsl;
use serde_json::json;

const MARKERS: [&str; 4] = ["MARKER-GIVEN-7f3a", "MARKER-FAMILY-7f3a", "MARKER-NARRATIVE-7f3a", "marker-7f3a@example.org"];

async fn seed(app: &TestApp) {
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let mut body = incident("Hartford", "2026-06-01");
    body["narrative"] = json!(MARKERS[2]);
    body["victims"][0]["identity"] = json!({"given_name": MARKERS[0], "family_name": MARKERS[1], "email": MARKERS[3], "date_of_birth": "1992-01-01"});
    let r = app.post_json("/v1/incidents", &key, body.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let screening = json!({"instrument": "youth", "version": 1, "answers": {
        "exchanged_sex": "yes", "gifts_with_strings": "unsure", "no_safe_place": "yes",
        "phone_or_movement_controlled": "no", "asked_to_recruit": "no", "screener_observed_control": "clear"}});
    let r = app.post_json("/v1/screenings", &key, screening.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
}

/// Screening answers in clear would show an item id that no rule id contains, or an answer
/// beside its item.
const SCREENING_MARKERS: [&str; 3] = ["gifts_with_strings", "screener_observed_control", "\"exchanged_sex\":\"yes\""];

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
         UNION ALL SELECT row_to_json(t)::text FROM accounts t",
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
    for marker in MARKERS.iter().chain(&SCREENING_MARKERS) {
        assert!(!dump.contains(marker), "{marker} found in pg_dump output");
    }
    assert!(dump.contains("exchanged_sex_as_a_minor"), "the dump should hold the screening's result and rules");
}

async fn seeded_incident(app: &TestApp) -> String {
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let mut body = incident("Hartford", "2026-06-01");
    body["narrative"] = json!(MARKERS[2]);
    body["victims"][0]["identity"] = json!({"given_name": MARKERS[0], "family_name": MARKERS[1]});
    let r = app.post_json("/v1/incidents", &key, body.to_string()).await.unwrap();
    let created: serde_json::Value = r.json().await.unwrap();
    created["id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_sealed_fields_needs_a_reason() {
    let app = TestApp::spawn().await.unwrap();
    let id = seeded_incident(&app).await;
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let r = app.get(&format!("/v1/incidents/{id}?include=identity"), &coordinator).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["path"], "/reason");
    let r = app.get(&format!("/v1/incidents/{id}?include=identity&reason=short"), &coordinator).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reporter_may_not_read_sealed_fields_even_of_its_own_incident() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.reporter("DCF", "dcf").await.unwrap();
    let created: serde_json::Value = app
        .post_json("/v1/incidents", &key, incident("Hartford", "2026-06-01").to_string())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = format!("/v1/incidents/{}?include=identity&reason=checking%20a%20duplicate", created["id"].as_str().unwrap());
    assert_eq!(app.get(&path, &key).await.unwrap().status().as_u16(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sealed_read_with_a_reason_decrypts_and_is_audited() {
    let app = TestApp::spawn().await.unwrap();
    let id = seeded_incident(&app).await;
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let reason = "Court order 2026-CV-118 requires victim contact";
    let r = app
        .client
        .get(app.url(&format!("/v1/incidents/{id}")))
        .query(&[("include", "identity"), ("reason", reason)])
        .bearer_auth(&coordinator)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["sealed"]["narrative"], MARKERS[2]);
    assert_eq!(body["sealed"]["victims"][0]["identity"]["given_name"], MARKERS[0]);
    #[derive(diesel::QueryableByName)]
    struct Entry {
        #[diesel(sql_type = diesel::sql_types::Text)]
        action: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        reason: Option<String>,
    }
    let mut conn = app.conn().await.unwrap();
    let entries: Vec<Entry> = diesel::sql_query("SELECT action, reason FROM audit_log WHERE resource_id = $1 ORDER BY seq")
        .bind::<diesel::sql_types::Text, _>(&id)
        .load(&mut conn)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["incident.create", "incident.read_sealed"]);
    assert_eq!(entries[1].reason.as_deref(), Some(reason));
}

/// Issue 13 item 8: the reason can travel in `Beacon-Reason`, out of the URL (and so out of every
/// proxy log that records URLs); it meets the same rules and lands in the audit entry the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reason_for_a_sealed_read_may_travel_in_a_header() {
    let app = TestApp::spawn().await.unwrap();
    let id = seeded_incident(&app).await;
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let url = app.url(&format!("/v1/incidents/{id}?include=identity"));
    let send = |reason: &'static str| app.client.get(&url).bearer_auth(&coordinator).header("Beacon-Reason", reason).send();
    // Percent-encoded, so a client that can only send ASCII headers can give any text.
    let r = send("Orden judicial 2026-CV-118: contacto con la v%C3%ADctima").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["sealed"]["victims"][0]["identity"]["given_name"], MARKERS[0]);
    let mut conn = app.conn().await.unwrap();
    #[derive(diesel::QueryableByName)]
    struct Entry {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        reason: Option<String>,
    }
    let entries: Vec<Entry> = diesel::sql_query("SELECT reason FROM audit_log WHERE resource_id = $1 AND action = 'incident.read_sealed'")
        .bind::<diesel::sql_types::Text, _>(&id)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].reason.as_deref(), Some("Orden judicial 2026-CV-118: contacto con la víctima"));
    // The same rules as the parameter: too short is 422 naming `/reason`.
    let r = send("short").await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["path"], "/reason");
    // A NUL, percent-encoded, is refused before anything is read.
    let r = send("checking%00the record").await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // Given twice is ambiguous: refused, never one silently preferred.
    let r = app
        .client
        .get(app.url(&format!("/v1/incidents/{id}?include=identity&reason=checking+a+duplicate")))
        .bearer_auth(&coordinator)
        .header("Beacon-Reason", "checking a duplicate record")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["path"], "/reason");
    let reads: i64 = {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let c: Count = diesel::sql_query("SELECT count(*) AS n FROM audit_log WHERE resource_id = $1 AND action = 'incident.read_sealed'")
            .bind::<diesel::sql_types::Text, _>(&id)
            .get_result(&mut conn)
            .await
            .unwrap();
        c.n
    };
    assert_eq!(reads, 1, "a refused read is not a read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ciphertext_moved_to_another_row_does_not_decrypt() {
    let app = TestApp::spawn().await.unwrap();
    let first = seeded_incident(&app).await;
    let second = seeded_incident(&app).await;
    let mut conn = app.conn().await.unwrap();
    diesel::sql_query(
        "UPDATE incidents SET narrative_sealed = (SELECT narrative_sealed FROM incidents WHERE id = $1::uuid),
                              wrapped_data_key = (SELECT wrapped_data_key FROM incidents WHERE id = $1::uuid)
         WHERE id = $2::uuid",
    )
    .bind::<diesel::sql_types::Text, _>(&first)
    .bind::<diesel::sql_types::Text, _>(&second)
    .execute(&mut conn)
    .await
    .unwrap();
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let r = app
        .get(&format!("/v1/incidents/{second}?include=identity&reason=checking%20the%20moved%20row"), &coordinator)
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 500, "a moved ciphertext must fail authentication, not decrypt");
    assert!(!r.text().await.unwrap().contains("MARKER"));
}
