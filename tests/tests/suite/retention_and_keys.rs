//! Blind index, retention purge and master-key rotation, through the API and the real CLI.

use crate::api_incidents::incident;
use base64::Engine;
use beacon_api::config::MasterKey;
use beacon_api::security::crypto::{field_aad, Envelope};
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

async fn report(app: &TestApp, key: &str, agency: &str, identity: Value, narrative: &str) -> String {
    let mut body = incident("Hartford", "2026-06-01");
    body["reporting_agency"] = json!(agency);
    body["victims"][0]["identity"] = identity;
    body["victims"][0].as_object_mut().unwrap().remove("age");
    body["narrative"] = json!(narrative);
    let r = app.post_json("/v1/incidents", key, body.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let created: Value = r.json().await.unwrap();
    created["id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blind_index_finds_one_person_reported_by_two_agencies() {
    let app = TestApp::spawn().await.unwrap();
    let dcf = app.reporter("DCF", "dcf").await.unwrap();
    let police = app.reporter("Hartford Police", "local_police").await.unwrap();
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let first = report(&app, &dcf, "dcf", json!({"given_name": "José", "family_name": "O'Neil-Díaz", "date_of_birth": "1990-04-02"}), "a").await;
    let second = report(&app, &police, "local_police", json!({"given_name": "jose", "family_name": "oneil diaz", "date_of_birth": "1990-04-02"}), "b").await;
    report(&app, &police, "local_police", json!({"given_name": "Jose", "family_name": "O'Neil-Diaz", "date_of_birth": "1991-04-02"}), "c").await;
    report(&app, &police, "local_police", json!({"given_name": "Ana"}), "d").await;
    let dups: Value = app.get("/v1/victims/duplicates", &coordinator).await.unwrap().json().await.unwrap();
    let groups = dups["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{dups}");
    let ids: Vec<&str> = groups[0]["records"].as_array().unwrap().iter().map(|r| r["incident_id"].as_str().unwrap()).collect();
    assert!(ids.contains(&first.as_str()) && ids.contains(&second.as_str()), "{dups}");
    let counts: Value = app.get("/v1/victims/distinct", &coordinator).await.unwrap().json().await.unwrap();
    assert_eq!(counts["victim_records"], 4);
    assert_eq!(counts["identified_records"], 3);
    assert_eq!(counts["distinct_identified"], 2);
    assert_eq!(counts["estimated_distinct_victims"], 3);
    let reporter = app.get("/v1/victims/duplicates", &dcf).await.unwrap();
    assert_eq!(reporter.status().as_u16(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_removes_sealed_fields_of_old_closed_incidents_and_keeps_the_rest() {
    let app = TestApp::spawn().await.unwrap();
    let dcf = app.reporter("DCF", "dcf").await.unwrap();
    let old = report(&app, &dcf, "dcf", json!({"given_name": "A", "family_name": "B", "date_of_birth": "1990-01-01"}), "old narrative").await;
    let recent = report(&app, &dcf, "dcf", json!({"given_name": "C"}), "recent narrative").await;
    for id in [&old, &recent] {
        let r = app.post_json(&format!("/v1/incidents/{id}/close"), &dcf, String::new()).await.unwrap();
        assert_eq!(r.status().as_u16(), 204);
    }
    let mut conn = app.conn().await.unwrap();
    diesel::sql_query("UPDATE incidents SET closed_at = now() - interval '8 years' WHERE id = $1::uuid")
        .bind::<diesel::sql_types::Text, _>(&old)
        .execute(&mut conn)
        .await
        .unwrap();
    let dry = app.beacon(&["purge", "--older-than", "7y", "--dry-run"], &[]).unwrap();
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    assert!(String::from_utf8_lossy(&dry.stdout).contains("dry run: 1 "), "{}", String::from_utf8_lossy(&dry.stdout));
    let run = app.beacon(&["purge", "--older-than", "7y"], &[]).unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    #[derive(diesel::QueryableByName)]
    struct Left {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        narrative: bool,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        identity: bool,
        #[diesel(sql_type = diesel::sql_types::Text)]
        town: String,
    }
    let rows: Vec<Left> = diesel::sql_query(
        "SELECT i.id::text AS id, i.narrative_sealed IS NOT NULL AS narrative,
                bool_or(v.identity_sealed IS NOT NULL OR v.identity_index IS NOT NULL) AS identity, i.town
         FROM incidents i JOIN victims v ON v.incident_id = i.id GROUP BY i.id ORDER BY i.id",
    )
    .load(&mut conn)
    .await
    .unwrap();
    for row in rows {
        let kept = row.id == recent;
        assert_eq!((row.narrative, row.identity), (kept, kept), "incident {}", row.id);
        assert_eq!(row.town, "Hartford");
    }
    // Issue 13 item 8, crypto-shredding: the purged record's wrapped data key is gone too, so a
    // backup's copy of its ciphertext opens no more; the kept record keeps its key.
    #[derive(diesel::QueryableByName)]
    struct Key {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        keyed: bool,
    }
    let keys: Vec<Key> = diesel::sql_query("SELECT id::text AS id, wrapped_data_key IS NOT NULL AS keyed FROM incidents").load(&mut conn).await.unwrap();
    assert_eq!(keys.len(), 2);
    for key in keys {
        assert_eq!(key.keyed, key.id == recent, "incident {}", key.id);
    }
    // The purged incident still reads, sealed read included: nothing left to open, not a 500.
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let r = app.get(&format!("/v1/incidents/{old}?include=identity&reason=checking+the+purged+record"), &coordinator).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap();
    assert!(body["sealed"]["narrative"].is_null(), "{body}");
    assert!(body["sealed"]["victims"][0]["identity"].is_null(), "{body}");
    // A master-key rotation skips the keyless record instead of failing on it.
    let new_key: [u8; 32] = rand::random();
    let b64 = base64::engine::general_purpose::STANDARD.encode(new_key);
    let out = app.beacon(&["keys", "rotate-data-key"], &[("BEACON_DATA_KEY", b64), ("BEACON_DATA_KEY_PREVIOUS", app.data_key_base64())]).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("re-wrapped 1/1"), "{}", String::from_utf8_lossy(&out.stdout));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_the_master_key_rewraps_every_record_and_keeps_them_readable() {
    let app = TestApp::spawn().await.unwrap();
    let dcf = app.reporter("DCF", "dcf").await.unwrap();
    let id = report(&app, &dcf, "dcf", json!({"given_name": "A"}), "narrative under the old key").await;
    let new_key: [u8; 32] = rand::random();
    let b64 = |k: &[u8; 32]| base64::engine::general_purpose::STANDARD.encode(k);
    let out = app
        .beacon(&["keys", "rotate-data-key"], &[("BEACON_DATA_KEY", b64(&new_key)), ("BEACON_DATA_KEY_PREVIOUS", app.data_key_base64())])
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("re-wrapped 1/1"));
    #[derive(diesel::QueryableByName)]
    struct Wrapped {
        #[diesel(sql_type = diesel::sql_types::Text)]
        key_id: String,
        #[diesel(sql_type = diesel::sql_types::Bytea)]
        wrapped_data_key: Vec<u8>,
        #[diesel(sql_type = diesel::sql_types::Bytea)]
        narrative_sealed: Vec<u8>,
    }
    let mut conn = app.conn().await.unwrap();
    let row: Wrapped = diesel::sql_query("SELECT key_id, wrapped_data_key, narrative_sealed FROM incidents WHERE id = $1::uuid")
        .bind::<diesel::sql_types::Text, _>(&id)
        .get_result(&mut conn)
        .await
        .unwrap();
    let only_new = Envelope::new(MasterKey(new_key), MasterKey(app.index_key));
    assert_eq!(row.key_id, only_new.key_id());
    let uuid = uuid::Uuid::parse_str(&id).unwrap();
    let key = only_new.unwrap_record_key(uuid, &row.key_id, &row.wrapped_data_key).unwrap();
    let plain = key.open(&field_aad("incidents", uuid, "narrative"), &row.narrative_sealed).unwrap();
    assert_eq!(plain.as_slice(), b"narrative under the old key");
    let old_only = Envelope::new(MasterKey(app.data_key), MasterKey(app.index_key));
    assert!(old_only.unwrap_record_key(uuid, &row.key_id, &row.wrapped_data_key).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_verify_command_names_a_tampered_entry() {
    let app = TestApp::spawn().await.unwrap();
    let dcf = app.reporter("DCF", "dcf").await.unwrap();
    for n in ["one", "two", "three"] {
        report(&app, &dcf, "dcf", json!({"given_name": n}), n).await;
    }
    let ok = app.beacon(&["audit", "verify"], &[]).unwrap();
    assert!(ok.status.success(), "{}{}", String::from_utf8_lossy(&ok.stdout), String::from_utf8_lossy(&ok.stderr));
    // As the schema owner: the runtime role can neither disable the trigger nor update.
    let mut conn = app.owner_conn().await.unwrap();
    #[derive(diesel::QueryableByName)]
    struct Seq {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        seq: i64,
    }
    let second: Seq = diesel::sql_query("SELECT seq FROM audit_log ORDER BY seq OFFSET 1 LIMIT 1").get_result(&mut conn).await.unwrap();
    diesel::sql_query("ALTER TABLE audit_log DISABLE TRIGGER USER").execute(&mut conn).await.unwrap();
    diesel::sql_query(format!("UPDATE audit_log SET outcome = 'denied' WHERE seq = {}", second.seq)).execute(&mut conn).await.unwrap();
    diesel::sql_query("ALTER TABLE audit_log ENABLE TRIGGER USER").execute(&mut conn).await.unwrap();
    let broken = app.beacon(&["audit", "verify"], &[]).unwrap();
    assert_eq!(broken.status.code(), Some(1));
    let text = String::from_utf8_lossy(&broken.stdout);
    assert!(text.contains(&format!("seq={}", second.seq)), "{text}");
}

/// Issue 13 item 8: the blind index folds letters Unicode keeps whole (ß/ss, ł, ø, æ) and ignores
/// which name was filed as the family name; `beacon keys reindex` recomputes every index under a
/// new index key, so that key can rotate, and the duplicates still find each other afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blind_index_folds_letters_and_name_order_and_reindexes_under_a_new_key() {
    let app = TestApp::spawn().await.unwrap();
    let dcf = app.reporter("DCF", "dcf").await.unwrap();
    let police = app.reporter("Hartford PD", "local_police").await.unwrap();
    let coordinator = app.key("OPM", Role::Coordinator).await.unwrap();
    let an = report(&app, &dcf, "dcf", json!({"given_name": "An", "family_name": "Nguyễn", "date_of_birth": "2001-05-04"}), "a").await;
    report(&app, &police, "local_police", json!({"given_name": "Nguyen", "family_name": "An", "date_of_birth": "2001-05-04"}), "b").await;
    report(&app, &dcf, "dcf", json!({"given_name": "Łukasz", "family_name": "Strauß", "date_of_birth": "1990-01-01"}), "c").await;
    report(&app, &police, "local_police", json!({"given_name": "Lukasz", "family_name": "Strauss", "date_of_birth": "1990-01-01"}), "d").await;
    report(&app, &police, "local_police", json!({"given_name": "Søren", "family_name": "Ærø", "date_of_birth": "1985-03-03"}), "e").await;
    let groups = |app: &TestApp| {
        let coordinator = coordinator.clone();
        let url = app.url("/v1/victims/duplicates");
        let client = app.client.clone();
        async move {
            let dups: Value = client.get(url).bearer_auth(coordinator).send().await.unwrap().json().await.unwrap();
            dups["groups"].as_array().unwrap().iter().map(|g| g["records"].as_array().unwrap().len()).collect::<Vec<_>>()
        }
    };
    assert_eq!(groups(&app).await, vec![2, 2], "swapped order and folded letters each make one pair");

    let new_index_key: [u8; 32] = rand::random();
    let b64 = base64::engine::general_purpose::STANDARD.encode(new_index_key);
    let out = app.beacon(&["keys", "reindex"], &[("BEACON_INDEX_KEY", b64)]).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("indexed 5/5 victims"), "{stdout}");
    assert!(!stdout.contains("Nguy") && !stdout.contains("Strau"), "no name is ever printed: {stdout}");
    #[derive(diesel::QueryableByName)]
    struct Indexed {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Bytea>)]
        identity_index: Option<Vec<u8>>,
    }
    let mut conn = app.conn().await.unwrap();
    let row: Indexed = diesel::sql_query("SELECT identity_index FROM victims WHERE incident_id = $1::uuid")
        .bind::<diesel::sql_types::Text, _>(&an)
        .get_result(&mut conn)
        .await
        .unwrap();
    let identity: beacon_core::Identity = serde_json::from_value(json!({"given_name": "An", "family_name": "Nguyễn", "date_of_birth": "2001-05-04"})).unwrap();
    let under_new = Envelope::new(MasterKey(app.data_key), MasterKey(new_index_key)).identity_index(&identity);
    let under_old = Envelope::new(MasterKey(app.data_key), MasterKey(app.index_key)).identity_index(&identity);
    assert_eq!(row.identity_index, under_new);
    assert_ne!(row.identity_index, under_old);
    assert_eq!(groups(&app).await, vec![2, 2], "the pairs survive the new key");
}
