//! Screenings over real HTTP: scored by core, stored with the answers sealed, read back by the
//! screening account and the coordinator, every read of the answers audited.

use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use serde_json::{json, Value};

/// A 16-year-old's youth screen: traded sex for a place to stay, nothing else.
fn youth_positive() -> Value {
    json!({"instrument": "youth", "version": 1, "answers": {
        "exchanged_sex": "yes", "gifts_with_strings": "no", "no_safe_place": "no",
        "phone_or_movement_controlled": "declined", "asked_to_recruit": "no", "screener_observed_control": "possible"}})
}

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn audited(app: &TestApp, action: &str) -> Vec<(Option<String>, Option<String>)> {
    #[derive(diesel::QueryableByName)]
    struct Entry {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        resource_id: Option<String>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        reason: Option<String>,
    }
    use diesel_async::RunQueryDsl;
    let mut conn = app.conn().await.unwrap();
    let rows: Vec<Entry> = diesel::sql_query("SELECT resource_id, reason FROM audit_log WHERE action = $1 ORDER BY seq")
        .bind::<diesel::sql_types::Text, _>(action)
        .load(&mut conn)
        .await
        .unwrap();
    rows.into_iter().map(|e| (e.resource_id, e.reason)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screening_is_scored_stored_sealed_and_read_back_audited() {
    let app = TestApp::spawn().await.unwrap();
    let dcf = app.key("DCF", Role::Dcf).await.unwrap();
    let police = app.reporter("State Police", "desp").await.unwrap();
    let coordinator = app.key("Coordinator", Role::Coordinator).await.unwrap();

    let r = app.post_json("/v1/screenings", &dcf, youth_positive().to_string()).await.unwrap();
    let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_string());
    let (status, created) = json_of(r).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!((created["result"].as_str(), created["fired"].clone()), (Some("positive"), json!(["exchanged_sex_as_a_minor", "unsure_about_exchanged_sex"])));
    assert!(created.get("answers").is_none(), "the receipt never carries the answers");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(location.as_deref(), Some(format!("/v1/screenings/{id}").as_str()));
    assert_eq!(audited(&app, "screening.create").await, [(Some(id.clone()), None)]);

    // Sealed at rest: the stored bytes hold no item or answer code.
    #[derive(diesel::QueryableByName)]
    struct Stored {
        #[diesel(sql_type = diesel::sql_types::Bytea)]
        answers_sealed: Vec<u8>,
    }
    use diesel_async::RunQueryDsl;
    let mut conn = app.conn().await.unwrap();
    let stored: Stored = diesel::sql_query("SELECT answers_sealed FROM screenings WHERE id = $1::uuid")
        .bind::<diesel::sql_types::Text, _>(&id)
        .get_result(&mut conn)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&stored.answers_sealed);
    assert!(!text.contains("exchanged_sex") && !text.contains("yes"), "answers stored in clear");

    // The screening agency reads its own, answers included (audited, no reason needed).
    let (status, own) = json_of(app.get(&format!("/v1/screenings/{id}?include=answers"), &dcf).await.unwrap()).await;
    assert_eq!(status, 200, "{own}");
    assert_eq!(own["answers"]["exchanged_sex"], "yes");
    assert_eq!(own["answers"]["phone_or_movement_controlled"], "declined");
    // Another agency does not see it at all.
    assert_eq!(app.get(&format!("/v1/screenings/{id}"), &police).await.unwrap().status().as_u16(), 404);
    // The coordinator sees the result; the answers only with a reason.
    let (status, seen) = json_of(app.get(&format!("/v1/screenings/{id}"), &coordinator).await.unwrap()).await;
    assert_eq!((status, seen["result"].as_str(), seen.get("answers").is_none()), (200, Some("positive"), true));
    let (status, refused) = json_of(app.get(&format!("/v1/screenings/{id}?include=answers"), &coordinator).await.unwrap()).await;
    assert_eq!((status, refused["errors"][0]["path"].as_str()), (422, Some("/reason")), "{refused}");
    let path = format!("/v1/screenings/{id}?include=answers&reason=Case+review+with+DCF+for+the+MDT");
    let (status, read) = json_of(app.get(&path, &coordinator).await.unwrap()).await;
    assert_eq!((status, read["answers"]["exchanged_sex"].as_str()), (200, Some("yes")));
    assert_eq!(audited(&app, "screening.read_answers").await, [(Some(id.clone()), None), (Some(id.clone()), Some("Case review with DCF for the MDT".into()))]);
    let (status, _) = json_of(app.get(&format!("/v1/screenings/{id}?include=everything"), &dcf).await.unwrap()).await;
    assert_eq!(status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_instruments_are_listed_and_read_whole_in_both_languages() {
    let app = TestApp::spawn().await.unwrap();
    let mut conn = app.conn().await.unwrap();
    // The partner's publishable key reads them: its form screens with them offline.
    let partner = beacon_api::security::keys::issue(&mut conn, "Safe Harbor", Role::Partner, &["https://partner.example".to_string()])
        .await
        .unwrap()
        .secret;
    let (status, list) = json_of(app.get("/v1/screening-instruments", &partner).await.unwrap()).await;
    assert_eq!(status, 200, "{list}");
    let ids: Vec<(&str, u64, &str)> =
        list.as_array().unwrap().iter().map(|i| (i["id"].as_str().unwrap(), i["version"].as_u64().unwrap(), i["audience"].as_str().unwrap())).collect();
    assert_eq!(ids, [("adult_indicators", 1, "adult"), ("youth", 1, "youth")]);
    let (status, youth) = json_of(app.get("/v1/screening-instruments/youth/1", &partner).await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(youth["items"].as_array().unwrap().len(), 6);
    assert!(youth["items"].as_array().unwrap().iter().all(|i| i["text"]["es"].as_str().is_some_and(|t| !t.is_empty())));
    for missing in ["/v1/screening-instruments/youth/2", "/v1/screening-instruments/phq9/1", "/v1/screening-instruments/youth/one"] {
        assert_eq!(app.get(missing, &partner).await.unwrap().status().as_u16(), 404, "{missing}");
    }
    // Screening is for agencies and the coordinator, not the public form's key.
    assert_eq!(app.post_json("/v1/screenings", &partner, youth_positive().to_string()).await.unwrap().status().as_u16(), 403);
}

/// Legal help and shelters around Waterbury (New Haven County), vetted unless said.
async fn waterbury_directory(app: &TestApp, coordinator: &str) {
    use crate::directory::post;
    let (s, _, org) = post(app, "/v1/directory/organizations", coordinator, json!({"name": "Valley Network", "description": "Services"})).await;
    assert_eq!(s, 201, "{org}");
    let org = org["id"].as_str().unwrap().to_string();
    let service = |name: &str, category: &str, town: &str, places: i64| {
        json!({"organization_id": org, "name": name, "categories": [category], "languages": ["en"], "populations": ["adults"],
               "service_areas": [town], "capacity": {"unit": "places", "available": places, "total": 10}})
    };
    for (body, vet) in [
        (service("Naugatuck legal clinic", "legal", "Naugatuck", 2), true),
        (service("Waterbury legal aid", "legal", "Waterbury", 1), false),
        (service("Danbury legal aid", "legal", "Danbury", 4), true),
        (service("Waterbury shelter", "shelter", "Waterbury", 3), true),
        (service("New London shelter", "shelter", "New London", 6), true),
    ] {
        let (s, _, v) = post(app, "/v1/directory/services", coordinator, body).await;
        assert_eq!(s, 201, "{v}");
        if vet {
            let id = v["id"].as_str().unwrap();
            let (s, _, v) = post(app, &format!("/v1/directory/services/{id}/verify"), coordinator, json!({"method": "phone", "training_attested": true})).await;
            assert_eq!(s, 200, "{v}");
        }
    }
}

fn recipients(pathway: &Value) -> Vec<String> {
    pathway
        .as_array()
        .unwrap_or_else(|| panic!("no pathway: {pathway}"))
        .iter()
        .map(|r| match r["recipient"]["kind"].as_str().unwrap() {
            "provider" => r["recipient"]["name"].as_str().unwrap().to_string(),
            "mdt" => format!("mdt:{}", r["recipient"]["district"].as_str().unwrap_or("unknown")),
            other => other.to_string(),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_screening_with_the_person_lists_the_referral_pathway() {
    let app = TestApp::spawn().await.unwrap();
    let coordinator = app.key("Coordinator", Role::Coordinator).await.unwrap();
    waterbury_directory(&app, &coordinator).await;
    let dcf = app.key("DCF", Role::Dcf).await.unwrap();

    // A 16-year-old screened positive in New London, no consent: DCF and the New London team,
    // mandatory, then shelter; every referral a reference only.
    let mut minor = youth_positive();
    minor["person"] = json!({"age": 16, "town": "New London", "needs": ["shelter"], "consent_to_share": false});
    let (status, body) = json_of(app.post_json("/v1/screenings", &dcf, minor.to_string()).await.unwrap()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(recipients(&body["pathway"]), ["dcf", "mdt:new_london", "New London shelter", "Waterbury shelter"]);
    assert_eq!((body["pathway"][0]["mandatory"].as_bool(), body["pathway"][1]["mandatory"].as_bool()), (Some(true), Some(true)));
    assert!(body["pathway"].as_array().unwrap().iter().all(|r| r["carries"] == "reference_only"));

    // An adult screened positive in Waterbury needing legal help and shelter, with consent:
    // providers nearest first — the Waterbury aid (same town, unvetted) before Naugatuck (same
    // county) before Danbury (a neighbouring county).
    let adult = json!({"instrument": "adult_indicators", "version": 1,
        "answers": {"promised_other_work": "yes", "not_free_to_leave": "no", "earnings_taken": "yes", "living_decided_by_others": "no",
                    "documents_held": "unsure", "debt_to_work_off": "no", "threatened": "no", "made_to_trade_sex": "declined"},
        "person": {"age": 31, "town": "waterbury", "needs": ["legal", "shelter"], "language": "en", "consent_to_share": true}});
    let (status, body) = json_of(app.post_json("/v1/screenings", &dcf, adult.to_string()).await.unwrap()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["result"], "positive");
    assert_eq!(recipients(&body["pathway"]), ["Waterbury legal aid", "Naugatuck legal clinic", "Danbury legal aid", "Waterbury shelter", "New London shelter"]);
    let distances: Vec<&str> = body["pathway"].as_array().unwrap().iter().map(|r| r["recipient"]["distance"].as_str().unwrap()).collect();
    assert_eq!(distances, ["same_town", "same_region", "adjacent_region", "same_town", "statewide"]);
    assert!(body["pathway"].as_array().unwrap().iter().all(|r| r["carries"] == "identity"));

    // Without `person` there is no pathway; a broken person is a 422 at its path.
    let (_, plain) = json_of(app.post_json("/v1/screenings", &dcf, youth_positive().to_string()).await.unwrap()).await;
    assert!(plain.get("pathway").is_none());
    let mut broken = youth_positive();
    broken["person"] = json!({"age": 16, "age_group": "25_59", "town": "Gotham", "needs": ["shelter", "shelter"], "language": "Spanish", "consent_to_share": true});
    let (status, refused) = json_of(app.post_json("/v1/screenings", &dcf, broken.to_string()).await.unwrap()).await;
    let paths: Vec<&str> = refused["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!((status, paths), (422, vec!["/person/age_group", "/person/language", "/person/needs", "/person/town"]), "{refused}");
}
