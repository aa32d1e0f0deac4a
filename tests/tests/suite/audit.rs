//! The audit trail: hash-chained, append-only in the database, verifiable, and
//! readable by auditors only.

use beacon_api::security::audit::{self, Actor, Event};
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;
use uuid::Uuid;

fn event(action: &str, resource_id: &str) -> Event {
    Event {
        actor: Actor {
            key_id: Some(Uuid::new_v4()),
            account_id: Some(Uuid::new_v4()),
            role: Some("coordinator".into()),
        },
        action: action.into(),
        resource: "incident".into(),
        resource_id: Some(resource_id.into()),
        reason: Some("Follow-up with the victim advocate".into()),
        outcome: "success".into(),
        request_id: Some(Uuid::new_v4().to_string()),
        at: chrono::Utc::now(),
    }
}

/// Appends `n` entries of `action` (resource ids `{action}-0`, …) and returns their seqs.
async fn seed(conn: &mut AsyncPgConnection, action: &str, n: usize) -> Vec<i64> {
    let mut seqs = Vec::new();
    for i in 0..n {
        seqs.push(audit::append(conn, event(action, &format!("{action}-{i}"))).await.unwrap());
    }
    seqs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_appended_entries_verify_intact() {
    let app = TestApp::spawn().await.unwrap();
    let mut conn = app.conn().await.unwrap();
    let before = audit::verify(&mut conn).await.unwrap();
    assert_eq!(before.first_broken, None);
    let seqs = seed(&mut conn, "test.append", 3).await;
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let report = audit::verify(&mut conn).await.unwrap();
    assert_eq!(report.first_broken, None);
    assert_eq!(report.entries_checked, before.entries_checked + 3);
    assert_eq!(audit::summary(&report), format!("audit trail intact: {} entries", report.entries_checked));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_is_written_and_rolled_back_with_the_callers_transaction() {
    let app = TestApp::spawn().await.unwrap();
    let mut conn = app.conn().await.unwrap();
    let before = audit::verify(&mut conn).await.unwrap().entries_checked;
    let rolled_back = conn
        .transaction(async |c| {
            audit::append(c, event("test.rolled_back", "x")).await?;
            Err::<(), _>(diesel::result::Error::RollbackTransaction)
        })
        .await;
    assert!(rolled_back.is_err());
    conn.transaction(async |c| {
        audit::append(c, event("test.committed", "y")).await?;
        audit::append(c, event("test.committed", "z")).await
    })
    .await
    .unwrap();
    let report = audit::verify(&mut conn).await.unwrap();
    assert_eq!(report.first_broken, None);
    assert_eq!(report.entries_checked, before + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_keep_the_chain_linear() {
    let app = TestApp::spawn().await.unwrap();
    let mut writers = Vec::new();
    for w in 0..6 {
        let mut conn = app.conn().await.unwrap();
        writers.push(tokio::spawn(async move { seed(&mut conn, &format!("test.writer{w}"), 5).await }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let report = audit::verify(&mut app.conn().await.unwrap()).await.unwrap();
    assert_eq!(report.first_broken, None);
    assert!(report.entries_checked >= 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_refuses_update_delete_and_truncate() {
    let app = TestApp::spawn().await.unwrap();
    let mut conn = app.conn().await.unwrap();
    let seqs = seed(&mut conn, "test.immutable", 2).await;
    for statement in [
        format!("UPDATE audit_log SET action = 'forged' WHERE seq = {}", seqs[0]),
        format!("DELETE FROM audit_log WHERE seq = {}", seqs[1]),
        "DELETE FROM audit_log WHERE false".to_string(),
        "TRUNCATE audit_log".to_string(),
    ] {
        let err = diesel::sql_query(&statement).execute(&mut conn).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{statement}: {err}");
    }
    let report = audit::verify(&mut conn).await.unwrap();
    assert_eq!(report.first_broken, None);
    assert!(report.entries_checked >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_one_row_as_superuser_is_caught_and_named() {
    let app = TestApp::spawn().await.unwrap();
    let mut conn = app.conn().await.unwrap();
    let seqs = seed(&mut conn, "test.tamper", 5).await;
    let victim = seqs[2];
    // The superuser route around the trigger, as an intruder with database access would take.
    for statement in [
        "ALTER TABLE audit_log DISABLE TRIGGER ALL".to_string(),
        format!("UPDATE audit_log SET action = 'test.innocuous' WHERE seq = {victim}"),
        "ALTER TABLE audit_log ENABLE TRIGGER ALL".to_string(),
    ] {
        diesel::sql_query(&statement).execute(&mut conn).await.unwrap();
    }
    let report = audit::verify(&mut conn).await.unwrap();
    let broken = report.first_broken.clone().expect("tampering must be detected");
    assert_eq!(broken.seq, victim);
    assert!(broken.problem.contains("hash"), "{}", broken.problem);
    assert!(report.entries_checked >= 5);
    assert!(audit::summary(&report).starts_with("audit trail BROKEN"));

    // The same through the API.
    let auditor = app.key("State Auditor", Role::Auditor).await.unwrap();
    let r = app.get("/v1/audit/verify", &auditor).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["first_broken"]["seq"], victim);

    // Re-chaining the forged row's hash moves the break to the next entry, never hides it.
    for statement in [
        "SET session_replication_role = replica".to_string(),
        format!("UPDATE audit_log SET hash = sha256(hash) WHERE seq = {victim}"),
        "SET session_replication_role = DEFAULT".to_string(),
    ] {
        diesel::sql_query(&statement).execute(&mut conn).await.unwrap();
    }
    let report = audit::verify(&mut conn).await.unwrap();
    assert_eq!(report.first_broken.unwrap().seq, victim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_row_as_superuser_breaks_the_next_link() {
    let app = TestApp::spawn().await.unwrap();
    let mut conn = app.conn().await.unwrap();
    let seqs = seed(&mut conn, "test.delete", 3).await;
    for statement in [
        "SET session_replication_role = replica".to_string(),
        format!("DELETE FROM audit_log WHERE seq = {}", seqs[1]),
        "SET session_replication_role = DEFAULT".to_string(),
    ] {
        diesel::sql_query(&statement).execute(&mut conn).await.unwrap();
    }
    let broken = audit::verify(&mut conn).await.unwrap().first_broken.unwrap();
    assert_eq!(broken.seq, seqs[2]);
    assert!(broken.problem.contains("prev_hash"), "{}", broken.problem);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_carries_the_chain_across_batches() {
    let app = TestApp::spawn().await.unwrap();
    let mut conn = app.conn().await.unwrap();
    // One transaction: 2,100 entries span three of verify's 1,000-entry batches.
    let seqs = conn
        .transaction(async |c| {
            let mut seqs = Vec::new();
            for i in 0..2100 {
                seqs.push(audit::append(c, event("test.bulk", &i.to_string())).await?);
            }
            Ok::<_, diesel::result::Error>(seqs)
        })
        .await
        .unwrap();
    let report = audit::verify(&mut conn).await.unwrap();
    assert_eq!(report.first_broken, None);
    assert!(report.entries_checked >= 2100);
    let victim = seqs[1500];
    for statement in [
        "SET session_replication_role = replica".to_string(),
        format!("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = {victim}"),
        "SET session_replication_role = DEFAULT".to_string(),
    ] {
        diesel::sql_query(&statement).execute(&mut conn).await.unwrap();
    }
    let report = audit::verify(&mut conn).await.unwrap();
    assert_eq!(report.first_broken.unwrap().seq, victim);
    assert!(report.entries_checked >= 2100, "the walk continues past a break");
}

async fn list(app: &TestApp, key: &str, query: &str) -> Value {
    let r = app.get(&format!("/v1/audit?{query}"), key).await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "GET /v1/audit?{query}");
    assert_eq!(r.headers()["cache-control"], "no-store");
    r.json().await.unwrap()
}

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_pages_and_filters_the_trail() {
    let app = TestApp::spawn().await.unwrap();
    let auditor = app.key("State Auditor", Role::Auditor).await.unwrap();
    let mut conn = app.conn().await.unwrap();
    let alpha = seed(&mut conn, "test.alpha", 3).await;
    seed(&mut conn, "test.beta", 2).await;

    // By action, newest first, with the envelope.
    let page = list(&app, &auditor, "action=test.alpha").await;
    assert_eq!(page["total_items"], 3);
    assert_eq!(page["page"], 1);
    assert_eq!(page["per_page"], 50);
    assert_eq!(page["total_pages"], 1);
    let seqs: Vec<i64> = items(&page).iter().map(|i| i["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, alpha.iter().rev().copied().collect::<Vec<_>>());
    let first = &items(&page)[2];
    assert_eq!(first["resource"], "incident");
    assert_eq!(first["outcome"], "success");
    assert_eq!(first["reason"], "Follow-up with the victim advocate");
    assert_eq!(first["hash"].as_str().unwrap().len(), 64);
    assert_eq!(items(&page)[1]["prev_hash"], first["hash"]);

    // Paging.
    let page = list(&app, &auditor, "action=test.alpha&per_page=2&page=2").await;
    assert_eq!(page["total_pages"], 2);
    assert_eq!(items(&page).len(), 1);
    assert_eq!(items(&page)[0]["seq"], alpha[0]);

    // By resource id, and by actor.
    let page = list(&app, &auditor, "resource_id=test.beta-1").await;
    assert_eq!(page["total_items"], 1);
    assert_eq!(items(&page)[0]["action"], "test.beta");
    let actor = items(&page)[0]["key_id"].as_str().unwrap().to_string();
    let page = list(&app, &auditor, &format!("actor={actor}")).await;
    assert_eq!(page["total_items"], 1);
    assert_eq!(items(&page)[0]["resource_id"], "test.beta-1");

    // By time: an RFC 3339 instant is inclusive at both ends; dates cover whole days.
    let middle = list(&app, &auditor, "resource_id=test.alpha-1").await;
    let at = items(&middle)[0]["at"].as_str().unwrap().to_string();
    let page = list(&app, &auditor, &format!("action=test.alpha&from={at}&to={at}")).await;
    assert_eq!(page["total_items"], 1, "from=to={at}");
    assert_eq!(items(&page)[0]["seq"], alpha[1]);
    let page = list(&app, &auditor, &format!("action=test.alpha&from={at}")).await;
    assert_eq!(page["total_items"], 2);
    let page = list(&app, &auditor, &format!("action=test.alpha&to={at}")).await;
    assert_eq!(page["total_items"], 2);
    let page = list(&app, &auditor, "action=test.alpha&from=2000-01-01").await;
    assert_eq!(page["total_items"], 3);
    let page = list(&app, &auditor, "action=test.alpha&to=2000-01-01").await;
    assert_eq!(page["total_items"], 0);
    let page = list(&app, &auditor, "action=test.alpha&from=2000-01-01T00:00:00Z&to=2999-12-31").await;
    assert_eq!(page["total_items"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_audit_query_parameters_are_400_naming_each() {
    let app = TestApp::spawn().await.unwrap();
    let auditor = app.key("State Auditor", Role::Auditor).await.unwrap();
    let r = app
        .get("/v1/audit?actor=someone&per_page=101&page=0&from=yesterday&to=2026-02-30", &auditor)
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "invalid_query");
    let mut paths: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
        .collect();
    paths.sort();
    let expected = [("/actor", "format"), ("/from", "format"), ("/page", "range"), ("/per_page", "range"), ("/to", "format")];
    assert_eq!(paths, expected.map(|(p, c)| (p.to_string(), c.to_string())).to_vec());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_auditors_read_the_trail() {
    let app = TestApp::spawn().await.unwrap();
    let reporter = app.reporter("DCF", "dcf").await.unwrap();
    let auditor = app.key("State Auditor", Role::Auditor).await.unwrap();
    seed(&mut app.conn().await.unwrap(), "test.access", 1).await;
    for path in ["/v1/audit", "/v1/audit/verify"] {
        assert_eq!(app.get(path, &reporter).await.unwrap().status().as_u16(), 403, "{path} as reporter");
        let anonymous = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(anonymous.status().as_u16(), 401, "{path} without a key");
        assert_eq!(app.get(path, &auditor).await.unwrap().status().as_u16(), 200, "{path} as auditor");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_verifies_the_trail_through_the_api() {
    let app = TestApp::spawn().await.unwrap();
    let auditor = app.key("State Auditor", Role::Auditor).await.unwrap();
    seed(&mut app.conn().await.unwrap(), "test.verify", 3).await;
    let r = app.get("/v1/audit/verify", &auditor).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body: Value = r.json().await.unwrap();
    assert!(body["entries_checked"].as_i64().unwrap() >= 3);
    assert_eq!(body["first_broken"], Value::Null);
}
