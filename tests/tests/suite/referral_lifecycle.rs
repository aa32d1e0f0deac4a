//! The referral lifecycle over HTTP: the provider's own key answers, the referrer sends and
//! withdraws, an illegal move is a 409 naming the allowed ones, the overdue list follows the
//! test clock, and the migration maps the first model's outcomes as core does.

use crate::directory::{post, seed, status_and_json};
use beacon_api::security::Role;
use beacon_core::directory::lifecycle::from_outcome;
use beacon_core::reference::codes::CodeList;
use beacon_tests::app::TestApp;
use chrono::{DateTime, TimeDelta, Utc};
use diesel::sql_types::{Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel::QueryableByName;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use serde_json::{json, Value};
use uuid::Uuid;

/// The directory of `seed`, a second organization with a service of its own, and the keys:
/// the coordinator, a reporter (the referrer), the provider of the first organization and that
/// of the second.
struct World {
    app: TestApp,
    reporter: String,
    provider: String,
    other_provider: String,
    org: String,
    other_org: String,
    shelter: String,
    other_service: String,
}

async fn world() -> World {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (org, shelter, _) = seed(&app, &coordinator).await;
    let (s, _, other) = post(&app, "/v1/directory/organizations", &coordinator, json!({"name": "Elm Legal Aid", "description": "Immigration law"})).await;
    assert_eq!(s, 201, "{other}");
    let other_org = other["id"].as_str().unwrap().to_string();
    let (s, _, svc) = post(
        &app,
        "/v1/directory/services",
        &coordinator,
        json!({"organization_id": other_org, "name": "Elm legal clinic", "categories": ["legal"], "service_areas": ["Hartford"]}),
    )
    .await;
    assert_eq!(s, 201, "{svc}");
    let reporter = app.key("Hartford Police", Role::Reporter).await.unwrap();
    let provider = app.provider("Safe Harbor CT staff", org.parse().unwrap()).await.unwrap();
    let other_provider = app.provider("Elm Legal Aid staff", other_org.parse().unwrap()).await.unwrap();
    World { app, reporter, provider, other_provider, org, other_org, shelter, other_service: svc["id"].as_str().unwrap().to_string() }
}

impl World {
    async fn refer(&self, service: &str, status: Option<&str>) -> Value {
        let mut body = json!({"service_id": service, "category": if service == self.shelter { "shelter" } else { "legal" },
                              "town": "Hartford", "referred_on": "2026-06-15"});
        if let Some(s) = status {
            body["status"] = json!(s);
        }
        let (s, _, r) = post(&self.app, "/v1/directory/referrals", &self.reporter, body).await;
        assert_eq!(s, 201, "{r}");
        r
    }

    async fn move_to(&self, key: &str, referral: &Value, body: Value) -> (u16, Value) {
        let id = referral["id"].as_str().unwrap();
        let r = self.app.post_json(&format!("/v1/directory/referrals/{id}/transitions"), key, body.to_string()).await.unwrap();
        let problem = r.headers().get("content-type").is_some_and(|c| c.to_str().unwrap_or_default().starts_with("application/problem+json"));
        let (s, _, v) = status_and_json(r).await;
        assert_eq!(problem, s >= 400, "{s} {v}");
        (s, v)
    }

    async fn list(&self, key: &str, query: &str) -> Vec<Value> {
        let (s, _, page) = status_and_json(self.app.get(&format!("/v1/directory/referrals?{query}"), key).await.unwrap()).await;
        assert_eq!(s, 200, "{page}");
        assert_eq!(page["total_items"].as_u64().unwrap() as usize, page["items"].as_array().unwrap().len(), "{page}");
        page["items"].as_array().unwrap().clone()
    }
}

fn ids(items: &[Value]) -> Vec<&str> {
    let mut ids: Vec<&str> = items.iter().map(|r| r["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids
}

fn when(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

#[derive(QueryableByName)]
struct AuditRow {
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Nullable<Text>)]
    role: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    reason: Option<String>,
}

async fn audited(app: &TestApp, referral: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let mut conn = app.conn().await.unwrap();
    let rows: Vec<AuditRow> = diesel::sql_query("SELECT action, role, reason FROM audit_log WHERE resource_id = $1 ORDER BY seq")
        .bind::<Text, _>(referral)
        .load(&mut conn)
        .await
        .unwrap();
    rows.into_iter().map(|r| (r.action, r.role, r.reason)).collect()
}

#[tokio::test]
async fn a_providers_key_accepts_its_referral_then_starts_service() {
    let w = world().await;
    let t0 = w.app.now();
    let r = w.refer(&w.shelter, None).await;
    assert_eq!((r["status"].as_str(), when(&r["sent_at"]), &r["overdue"]), (Some("sent"), t0, &json!(false)), "{r}");
    assert_eq!(r["allowed"], json!(["accepted", "declined", "withdrawn"]));

    // Acceptance is not the referrer's word, nor another provider's; an unbound provider key sees nothing.
    let (s, p) = w.move_to(&w.reporter, &r, json!({"to": "accepted"})).await;
    assert_eq!((s, p["errors"][0]["path"].as_str(), p["errors"][0]["code"].as_str()), (403, Some("/to"), Some("not_allowed")), "{p}");
    assert_eq!(w.move_to(&w.other_provider, &r, json!({"to": "accepted"})).await.0, 404);
    let unbound = w.app.key("Unbound provider", Role::Provider).await.unwrap();
    assert_eq!(w.move_to(&unbound, &r, json!({"to": "accepted"})).await.0, 404);
    assert!(w.list(&unbound, "").await.is_empty());

    w.app.set_now(t0 + TimeDelta::hours(5));
    let (s, accepted) = w.move_to(&w.provider, &r, json!({"to": "accepted"})).await;
    assert_eq!((s, accepted["status"].as_str()), (200, Some("accepted")), "{accepted}");
    assert_eq!(when(&accepted["accepted_at"]), t0 + TimeDelta::hours(5));
    assert_eq!(when(&accepted["sent_at"]), t0, "the earlier stamp stays");

    w.app.set_now(t0 + TimeDelta::days(3));
    let (s, started) = w.move_to(&w.provider, &r, json!({"to": "service_started"})).await;
    assert_eq!((s, started["status"].as_str()), (200, Some("service_started")), "{started}");
    assert_eq!(when(&started["service_started_at"]), t0 + TimeDelta::days(3));
    assert_eq!(started["allowed"], json!(["closed", "withdrawn"]));

    // The provider lists the referrals made to it, and only those.
    let other = w.refer(&w.other_service, None).await;
    assert_eq!(ids(&w.list(&w.provider, "").await), [r["id"].as_str().unwrap()]);
    assert_eq!(ids(&w.list(&w.other_provider, "").await), [other["id"].as_str().unwrap()]);

    let id = r["id"].as_str().unwrap();
    let trail = audited(&w.app, id).await;
    let provider = Some("provider".to_string());
    assert_eq!(
        trail,
        [
            ("directory.referral.create".to_string(), Some("reporter".to_string()), None),
            ("directory.referral.accepted".to_string(), provider.clone(), None),
            ("directory.referral.service_started".to_string(), provider, None),
        ]
    );
}

#[tokio::test]
async fn an_illegal_transition_is_refused_with_the_allowed_ones() {
    let w = world().await;
    let r = w.refer(&w.shelter, None).await;
    let (s, p) = w.move_to(&w.provider, &r, json!({"to": "service_started"})).await;
    assert_eq!((s, p["code"].as_str()), (409, Some("illegal_transition")), "{p}");
    assert_eq!(p["allowed"], json!(["accepted", "declined", "withdrawn"]));
    assert!(p["detail"].as_str().unwrap().contains("`sent` cannot move to `service_started`"), "{p}");
    assert_eq!(w.list(&w.provider, "").await[0]["status"], "sent", "nothing changed");

    // A decline needs its reason; with it, the referral is final.
    let (s, p) = w.move_to(&w.provider, &r, json!({"to": "declined"})).await;
    assert_eq!((s, p["errors"][0]["path"].as_str(), p["errors"][0]["code"].as_str()), (422, Some("/reason"), Some("required")), "{p}");
    let (s, p) = w.move_to(&w.provider, &r, json!({"to": "accepted", "reason": "capacity"})).await;
    assert_eq!((s, p["errors"][0]["code"].as_str()), (422, Some("not_allowed")), "{p}");
    let (s, declined) = w.move_to(&w.provider, &r, json!({"to": "declined", "reason": "capacity"})).await;
    assert_eq!((s, declined["status"].as_str(), declined["decline_reason"].as_str()), (200, Some("declined"), Some("capacity")), "{declined}");
    assert!(declined["declined_at"].is_string());
    let (s, p) = w.move_to(&w.reporter, &r, json!({"to": "withdrawn"})).await;
    assert_eq!((s, p["code"].as_str(), &p["allowed"]), (409, Some("illegal_transition"), &json!([])), "{p}");
    let (s, p) = w.move_to(&w.provider, &r, json!({"to": "open"})).await;
    assert_eq!((s, p["errors"][0]["path"].as_str()), (422, Some("/to")), "{p}");
    let (s, p) = w.move_to(&w.provider, &r, json!({"to": "accepted", "note": "x"})).await;
    assert_eq!((s, p["errors"][0]["code"].as_str()), (422, Some("unknown_field")), "unknown members are refused: {p}");
    let trail = audited(&w.app, r["id"].as_str().unwrap()).await;
    assert_eq!(trail.len(), 2, "only the creation and the decline are audited: {trail:?}");
    assert_eq!(trail[1], ("directory.referral.declined".into(), Some("provider".into()), Some("capacity".into())));
}

#[tokio::test]
async fn the_referrer_sends_and_withdraws_and_only_the_referrer() {
    let w = world().await;
    let r = w.refer(&w.shelter, Some("proposed")).await;
    assert_eq!((r["status"].as_str(), &r["sent_at"]), (Some("proposed"), &Value::Null), "{r}");
    let (s, p) = w.move_to(&w.provider, &r, json!({"to": "accepted"})).await;
    assert_eq!((s, &p["allowed"]), (409, &json!(["sent", "withdrawn"])), "a proposal is not yet the provider's: {p}");
    let (s, p) = w.move_to(&w.provider, &r, json!({"to": "sent"})).await;
    assert_eq!(s, 403, "{p}");
    let stranger = w.app.key("Another agency", Role::Reporter).await.unwrap();
    assert_eq!(w.move_to(&stranger, &r, json!({"to": "withdrawn"})).await.0, 404, "another account's referral is not found");
    let (s, sent) = w.move_to(&w.reporter, &r, json!({"to": "sent"})).await;
    assert_eq!((s, sent["status"].as_str()), (200, Some("sent")), "{sent}");
    w.app.set_now(w.app.now() + TimeDelta::hours(1));
    let (s, gone) = w.move_to(&w.reporter, &r, json!({"to": "withdrawn"})).await;
    assert_eq!((s, gone["status"].as_str(), when(&gone["withdrawn_at"])), (200, Some("withdrawn"), w.app.now()), "{gone}");
    assert_eq!(gone["allowed"], json!([]));
    let (s, _) = w.move_to(&w.provider, &r, json!({"to": "accepted"})).await;
    assert_eq!(s, 409, "a withdrawn referral cannot be accepted");
    let (s, _, bad) = post(&w.app, "/v1/directory/referrals", &w.reporter,
        json!({"service_id": w.shelter, "category": "shelter", "town": "Hartford", "referred_on": "2026-06-15", "status": "accepted"})).await;
    assert_eq!((s, bad["errors"][0]["path"].as_str()), (422, Some("/status")), "a referral is not created accepted: {bad}");
}

#[tokio::test]
async fn the_overdue_list_is_right_on_the_test_clock() {
    let w = world().await;
    let t0 = w.app.now();
    let a = w.refer(&w.shelter, None).await;
    w.app.set_now(t0 + TimeDelta::hours(24));
    let b = w.refer(&w.shelter, None).await;
    let _proposed = w.refer(&w.shelter, Some("proposed")).await;
    let d = w.refer(&w.shelter, None).await;
    let e = w.refer(&w.other_service, None).await;
    w.app.set_now(t0 + TimeDelta::hours(30));
    assert_eq!(w.move_to(&w.provider, &d, json!({"to": "accepted"})).await.0, 200);
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();

    w.app.set_now(t0 + TimeDelta::hours(72));
    assert!(w.list(&w.reporter, "overdue=true").await.is_empty(), "72 hours exactly is not yet overdue");
    w.app.set_now(t0 + TimeDelta::hours(72) + TimeDelta::seconds(1));
    assert_eq!(ids(&w.list(&w.reporter, "overdue=true").await), [id(&a)]);
    let all = w.list(&w.reporter, "").await;
    let flagged: Vec<&str> = all.iter().filter(|r| r["overdue"] == json!(true)).map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(flagged, [id(&a)], "each item's `overdue` agrees with the filter");

    w.app.set_now(t0 + TimeDelta::hours(96) + TimeDelta::seconds(1));
    let mut want = vec![id(&a), id(&b), id(&e)];
    want.sort_unstable();
    assert_eq!(ids(&w.list(&w.reporter, "overdue=true").await), want, "the proposed and the accepted ones are not overdue");
    let mut mine = vec![id(&a), id(&b)];
    mine.sort_unstable();
    assert_eq!(ids(&w.list(&w.reporter, &format!("overdue=true&provider={}", w.org)).await), mine);
    assert_eq!(ids(&w.list(&w.provider, "overdue=true").await), mine, "a provider sees its own overdue list");
    assert_eq!(ids(&w.list(&w.reporter, &format!("provider={}&status=sent", w.other_org)).await), [id(&e)]);
    assert_eq!(ids(&w.list(&w.reporter, "status=accepted").await), [id(&d)]);

    // The provider answers; it leaves the list.
    assert_eq!(w.move_to(&w.provider, &a, json!({"to": "declined", "reason": "eligibility"})).await.0, 200);
    assert_eq!(ids(&w.list(&w.provider, "overdue=true").await), [id(&b)]);

    let (s, _, p) = status_and_json(w.app.get("/v1/directory/referrals?overdue=yes&status=lost&provider=x", &w.reporter).await.unwrap()).await;
    let mut paths: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    paths.sort_unstable();
    assert_eq!((s, paths), (400, vec!["/overdue", "/provider", "/status"]), "{p}");
}

const UP: &str = include_str!("../../../api/migrations/2026-12-04-000023_referral_lifecycle/up.sql");
const DOWN: &str = include_str!("../../../api/migrations/2026-12-04-000023_referral_lifecycle/down.sql");

#[derive(QueryableByName)]
struct Mapped {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Text>)]
    decline_reason: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    sent_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    accepted_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    declined_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    withdrawn_at: Option<DateTime<Utc>>,
}

#[derive(QueryableByName)]
struct Old {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    outcome: String,
}

#[tokio::test]
async fn the_migration_maps_the_first_models_outcomes_as_core_does() {
    let w = world().await;
    let outcomes = ["pending", "accepted", "declined_capacity", "declined_eligibility", "declined_other", "withdrawn"];
    let mut owner = w.app.owner_conn().await.unwrap();
    // Back to the first model, rows of every outcome as it stored them, then forward again.
    owner.batch_execute(DOWN).await.unwrap();
    let account: Uuid = {
        #[derive(QueryableByName)]
        struct A {
            #[diesel(sql_type = SqlUuid)]
            id: Uuid,
        }
        let a: A = diesel::sql_query("SELECT id FROM accounts LIMIT 1").get_result(&mut owner).await.unwrap();
        a.id
    };
    let created: DateTime<Utc> = "2026-03-01T15:00:00Z".parse().unwrap();
    let updated: DateTime<Utc> = "2026-03-04T09:30:00Z".parse().unwrap();
    let mut made = Vec::new();
    for outcome in outcomes {
        let id = Uuid::new_v4();
        diesel::sql_query(
            "INSERT INTO directory_referrals (id, service_id, category, town, referred_on, outcome, account_id, created_at, updated_at) \
             VALUES ($1, $2::uuid, 'shelter', 'Hartford', '2026-03-01', $3, $4, $5, $6)",
        )
        .bind::<SqlUuid, _>(id)
        .bind::<Text, _>(&w.shelter)
        .bind::<Text, _>(outcome)
        .bind::<SqlUuid, _>(account)
        .bind::<Timestamptz, _>(created)
        .bind::<Timestamptz, _>(updated)
        .execute(&mut owner)
        .await
        .unwrap();
        made.push((id, outcome));
    }
    owner.batch_execute(UP).await.unwrap();
    let rows: Vec<Mapped> = diesel::sql_query(
        "SELECT id, status, decline_reason, sent_at, accepted_at, declined_at, withdrawn_at FROM directory_referrals",
    )
    .load(&mut owner)
    .await
    .unwrap();
    assert_eq!(rows.len(), outcomes.len());
    for (id, outcome) in &made {
        let row = rows.iter().find(|r| r.id == *id).unwrap();
        let (status, reason) = from_outcome(outcome).unwrap();
        assert_eq!((row.status.as_str(), row.decline_reason.as_deref()), (status.code(), reason.map(|r| r.code())), "{outcome}");
        assert_eq!(row.sent_at, Some(created), "{outcome}: a referral on file was sent when recorded");
        let answered = |wanted: &str| (row.status == wanted).then_some(updated);
        assert_eq!((row.accepted_at, row.declined_at, row.withdrawn_at), (answered("accepted"), answered("declined"), answered("withdrawn")), "{outcome}");
    }
    // The migrated rows read through the API like any other.
    let listed = w.list(&w.reporter, "").await;
    assert!(listed.is_empty(), "the reporter made none of them");
    let coordinator = w.app.key("Coordinator", Role::Coordinator).await.unwrap();
    assert_eq!(w.list(&coordinator, "status=declined").await.len(), 3);

    // And down restores each outcome.
    owner.batch_execute(DOWN).await.unwrap();
    let back: Vec<Old> = diesel::sql_query("SELECT id, outcome FROM directory_referrals").load(&mut owner).await.unwrap();
    for (id, outcome) in &made {
        assert_eq!(back.iter().find(|r| r.id == *id).unwrap().outcome, *outcome);
    }
    owner.batch_execute(UP).await.unwrap();
}
