//! The audit trail: hash-chained, append-only in the database, verifiable, and
//! readable by auditors only.

use beacon_api::security::audit::{self, Actor, Event};
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{json, Value};
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
    // The trigger refuses even the table's owner.
    let mut conn = app.owner_conn().await.unwrap();
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
async fn changing_one_row_as_the_owner_is_caught_and_named() {
    let app = TestApp::spawn().await.unwrap();
    let mut conn = app.owner_conn().await.unwrap();
    let seqs = seed(&mut conn, "test.tamper", 5).await;
    let victim = seqs[2];
    // The owner's route around the trigger, as an intruder with the owner's credentials would take.
    for statement in [
        "ALTER TABLE audit_log DISABLE TRIGGER USER".to_string(),
        format!("UPDATE audit_log SET action = 'test.innocuous' WHERE seq = {victim}"),
        "ALTER TABLE audit_log ENABLE TRIGGER USER".to_string(),
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
        "ALTER TABLE audit_log DISABLE TRIGGER USER".to_string(),
        format!("UPDATE audit_log SET hash = sha256(hash) WHERE seq = {victim}"),
        "ALTER TABLE audit_log ENABLE TRIGGER USER".to_string(),
    ] {
        diesel::sql_query(&statement).execute(&mut conn).await.unwrap();
    }
    let report = audit::verify(&mut conn).await.unwrap();
    assert_eq!(report.first_broken.unwrap().seq, victim);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_row_as_the_owner_breaks_the_next_link() {
    let app = TestApp::spawn().await.unwrap();
    let mut conn = app.owner_conn().await.unwrap();
    let seqs = seed(&mut conn, "test.delete", 3).await;
    for statement in [
        "ALTER TABLE audit_log DISABLE TRIGGER USER".to_string(),
        format!("DELETE FROM audit_log WHERE seq = {}", seqs[1]),
        "ALTER TABLE audit_log ENABLE TRIGGER USER".to_string(),
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
    let mut conn = app.owner_conn().await.unwrap();
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
        "ALTER TABLE audit_log DISABLE TRIGGER USER".to_string(),
        format!("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = {victim}"),
        "ALTER TABLE audit_log ENABLE TRIGGER USER".to_string(),
    ] {
        diesel::sql_query(&statement).execute(&mut conn).await.unwrap();
    }
    let report = audit::verify(&mut conn).await.unwrap();
    assert_eq!(report.first_broken.unwrap().seq, victim);
    assert!(report.entries_checked >= 2100, "the walk continues past a break");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runtime_role_can_neither_disable_the_trigger_nor_change_an_entry() {
    let app = TestApp::spawn().await.unwrap();
    // The app's own connection: DATABASE_URL is the runtime role.
    let mut conn = app.conn().await.unwrap();
    let seqs = seed(&mut conn, "test.runtime", 2).await;
    for (statement, refusal) in [
        ("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only".to_string(), "must be owner"),
        ("ALTER TABLE audit_log DISABLE TRIGGER USER".to_string(), "must be owner"),
        (format!("UPDATE audit_log SET action = 'forged' WHERE seq = {}", seqs[0]), "permission denied"),
        (format!("DELETE FROM audit_log WHERE seq = {}", seqs[1]), "permission denied"),
        ("TRUNCATE audit_log".to_string(), "permission denied"),
        ("SET session_replication_role = replica".to_string(), "permission denied"),
        ("DROP TABLE audit_log".to_string(), "must be owner"),
    ] {
        let err = diesel::sql_query(&statement).execute(&mut conn).await.unwrap_err();
        assert!(err.to_string().contains(refusal), "{statement}: {err}");
    }
    let report = audit::verify(&mut conn).await.unwrap();
    assert_eq!(report.first_broken, None);
}

/// Rewrites entry `victim` with `forge` (as the owner, around the trigger) and re-links it and
/// every later entry with `link`, as an intruder who recomputes the chain would.
async fn rewrite_and_rechain(
    app: &TestApp,
    victim: i64,
    forge: impl Fn(&mut beacon_api::db::audit::EntryRow),
    link: impl Fn(&beacon_api::db::audit::EntryRow) -> Vec<u8>,
) {
    let mut owner = app.owner_conn().await.unwrap();
    let rows = beacon_api::db::audit::page_after(&mut owner, victim - 1, 10_000).await.unwrap();
    diesel::sql_query("ALTER TABLE audit_log DISABLE TRIGGER USER").execute(&mut owner).await.unwrap();
    let mut prev: Option<Vec<u8>> = None;
    for mut row in rows {
        if let Some(prev) = prev.take() {
            row.prev_hash = prev;
        }
        if row.seq == victim {
            forge(&mut row);
        }
        row.hash = link(&row);
        diesel::sql_query("UPDATE audit_log SET action = $1, reason = $2, prev_hash = $3, hash = $4 WHERE seq = $5")
            .bind::<diesel::sql_types::Text, _>(&row.action)
            .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(&row.reason)
            .bind::<diesel::sql_types::Binary, _>(&row.prev_hash)
            .bind::<diesel::sql_types::Binary, _>(&row.hash)
            .bind::<diesel::sql_types::BigInt, _>(row.seq)
            .execute(&mut owner)
            .await
            .unwrap();
        prev = Some(row.hash.clone());
    }
    diesel::sql_query("ALTER TABLE audit_log ENABLE TRIGGER USER").execute(&mut owner).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_rewritten_and_rechained_without_the_key_is_named_by_verify() {
    let app = TestApp::spawn().await.unwrap();
    let seqs = seed(&mut app.conn().await.unwrap(), "test.rechain", 5).await;
    let victim = seqs[2];
    // The first, unkeyed chain: SHA-256 over the entry, which anyone can recompute.
    rewrite_and_rechain(&app, victim, |row| row.reason = Some("nothing to see".into()), audit::unkeyed_link).await;
    let out = app.beacon(&["audit", "verify"], &[]).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("BROKEN at entry seq={victim} ")), "{stdout}");
    assert!(stdout.contains("chained without the key"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_rechained_under_another_key_is_named_by_verify() {
    let app = TestApp::spawn().await.unwrap();
    let seqs = seed(&mut app.conn().await.unwrap(), "test.otherkey", 4).await;
    let victim = seqs[1];
    // An HMAC under a key the intruder made up is no better than none.
    let other = beacon_api::config::AuditKey(rand::random());
    rewrite_and_rechain(&app, victim, |row| row.action = "test.innocuous".into(), |row| audit::keyed_link(&other, row)).await;
    let report = audit::verify(&mut app.conn().await.unwrap()).await.unwrap();
    assert_eq!(report.first_broken.map(|b| b.seq), Some(victim));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_the_newest_three_entries_is_named_against_a_checkpoint() {
    let app = TestApp::spawn().await.unwrap();
    let seqs = seed(&mut app.conn().await.unwrap(), "test.checkpoint", 6).await;
    let dir = std::env::temp_dir().join(format!("beacon-checkpoint-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("head.json");
    let out = app.beacon(&["audit", "checkpoint", "--out", file.to_str().unwrap()], &[]).unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let checkpoint: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let head = *seqs.last().unwrap();
    assert_eq!(checkpoint["seq"], head);

    let intact = app.beacon(&["audit", "verify", "--checkpoint", file.to_str().unwrap()], &[]).unwrap();
    assert!(intact.status.success(), "{}", String::from_utf8_lossy(&intact.stdout));

    // The owner deletes the newest three entries: the shorter chain is still a valid chain.
    let mut owner = app.owner_conn().await.unwrap();
    for statement in [
        "ALTER TABLE audit_log DISABLE TRIGGER USER".to_string(),
        format!("DELETE FROM audit_log WHERE seq >= {}", seqs[3]),
        "ALTER TABLE audit_log ENABLE TRIGGER USER".to_string(),
    ] {
        diesel::sql_query(&statement).execute(&mut owner).await.unwrap();
    }
    let plain = app.beacon(&["audit", "verify"], &[]).unwrap();
    assert!(plain.status.success(), "without a checkpoint a truncated trail verifies: {}", String::from_utf8_lossy(&plain.stdout));
    let against = app.beacon(&["audit", "verify", "--checkpoint", file.to_str().unwrap()], &[]).unwrap();
    let stdout = String::from_utf8_lossy(&against.stdout);
    assert_eq!(against.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("seq={head}")) && stdout.contains("newest entries were deleted"), "{stdout}");
    assert!(stdout.contains(&format!("now ends at seq={}", seqs[2])), "{stdout}");

    // A checkpoint edited to name the shorter trail's head fails its signature.
    let mut forged = checkpoint.clone();
    forged["seq"] = json!(seqs[2]);
    let forged_file = dir.join("forged.json");
    std::fs::write(&forged_file, forged.to_string()).unwrap();
    let out = app.beacon(&["audit", "verify", "--checkpoint", forged_file.to_str().unwrap()], &[]).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("signature"), "{}", String::from_utf8_lossy(&out.stdout));
    std::fs::remove_dir_all(&dir).unwrap();
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
