//! The directory, second part: phones and nested lists replaced by PATCH,
//! referrals, and the gap analysis' unmet demand, funding and verification
//! flags with its CSV and SVG forms.

use crate::directory::{patch, post, seed, status_and_json};
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

fn row(report: &Value, region: &str, category: &str) -> Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == region && r["category"] == category)
        .unwrap_or_else(|| panic!("no row {region} × {category}"))
        .clone()
}

fn flags(row: &Value) -> Vec<String> {
    row["flags"].as_array().unwrap().iter().map(|f| f["flag"].as_str().unwrap().to_string()).collect()
}

async fn vetted_service(app: &TestApp, key: &str, body: Value) -> String {
    let (s, _, v) = post(app, "/v1/directory/services", key, body).await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_str().unwrap().to_string();
    let (s, _, v) = post(app, &format!("/v1/directory/services/{id}/verify"), key, json!({"method": "site_visit", "training_attested": true})).await;
    assert_eq!((s, &v["vetted"]), (200, &json!(true)));
    id
}

#[tokio::test]
async fn referrals_declined_for_capacity_funding_concentration_and_stale_verification_are_flagged() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (org_id, _, _) = seed(&app, &key).await;
    // Greater Bridgeport: one vetted shelter, 90 % of its money from one source.
    let bridgeport = vetted_service(
        &app,
        &key,
        json!({"organization_id": org_id, "name": "Bridgeport shelter", "categories": ["shelter", "case_management"],
               "capacity": {"unit": "beds", "available": 0, "total": 8}, "service_areas": ["Bridgeport", "Stratford"],
               "funding": [
                   {"source": "=HYPERLINK(\"x\")", "amount_cents": 9_000_000, "period_start": "2026-01-01", "period_end": "2026-12-31"},
                   {"source": "City of Bridgeport", "amount_cents": 1_000_000, "period_start": "2026-01-01", "period_end": "2026-12-31"},
                   {"source": "Old grant", "amount_cents": 50_000_000, "period_start": "2020-01-01", "period_end": "2020-12-31"},
                   {"source": "Pledged", "amount_cents": null}
               ]}),
    )
    .await;
    // Naugatuck Valley: a shelter whose verification lapsed.
    let waterbury = vetted_service(
        &app,
        &key,
        json!({"organization_id": org_id, "name": "Waterbury shelter", "categories": ["shelter"], "service_areas": ["Waterbury"]}),
    )
    .await;
    {
        let mut conn = app.conn().await.unwrap();
        diesel::sql_query("UPDATE directory_services SET verified_at = '2025-03-01T12:00:00Z' WHERE id = $1::uuid")
            .bind::<diesel::sql_types::Text, _>(&waterbury)
            .execute(&mut conn)
            .await
            .unwrap();
    }

    // Referrals from Bridgeport-region towns: two declined for capacity, one
    // accepted, one declined for eligibility; one outside the period.
    let reporter = app.key("Agency", Role::Reporter).await.unwrap();
    // The provider answers its referrals with its own key.
    let provider = app.provider("Bridgeport shelter staff", org_id.parse().unwrap()).await.unwrap();
    let mut ids = Vec::new();
    for (town, outcome, on) in [
        ("bridgeport", "declined_capacity", "2026-05-02"),
        ("Trumbull", "pending", "2026-05-03"),
        ("Stratford", "accepted", "2026-05-04"),
        ("Fairfield", "declined_eligibility", "2026-05-05"),
        ("Bridgeport", "declined_capacity", "2025-05-05"),
    ] {
        let (s, _, r) = post(&app, "/v1/directory/referrals", &reporter,
            json!({"service_id": bridgeport, "category": "shelter", "town": town, "referred_on": on})).await;
        assert_eq!(s, 201, "{r}");
        assert!(r.get("name").is_none() && r.get("address").is_none(), "a referral holds no personal information: {r}");
        let id = r["id"].as_str().unwrap().to_string();
        let answer = match outcome {
            "accepted" => Some(json!({"to": "accepted"})),
            "declined_capacity" => Some(json!({"to": "declined", "reason": "capacity"})),
            "declined_eligibility" => Some(json!({"to": "declined", "reason": "eligibility"})),
            _ => None,
        };
        if let Some(answer) = answer {
            let (s, _, r) = post(&app, &format!("/v1/directory/referrals/{id}/transitions"), &provider, answer).await;
            assert_eq!(s, 200, "{r}");
        }
        ids.push(id);
    }
    // The one still sent is declined for capacity later.
    let (s, _, r) = post(&app, &format!("/v1/directory/referrals/{}/transitions", ids[1]), &provider, json!({"to": "declined", "reason": "capacity"})).await;
    assert_eq!((s, r["status"].as_str(), r["decline_reason"].as_str()), (200, Some("declined"), Some("capacity")), "{r}");

    let (s, _, report) = status_and_json(app.get("/v1/directory/gaps?region_type=planning_region&from=2026-01-01&to=2026-06-15", &key).await.unwrap()).await;
    assert_eq!(s, 200, "{report}");
    let gb = row(&report, "Greater Bridgeport", "shelter");
    assert_eq!((gb["demand_referrals"].as_i64(), gb["unmet_demand"].as_i64()), (Some(4), Some(2)), "{gb}");
    assert_eq!(flags(&gb), ["demand_exceeds_capacity", "funding_concentration"], "{gb}");
    let reason = gb["flags"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("2 referrals") && reason.contains("Greater Bridgeport") && reason.contains("capacity"), "{reason}");
    // Only the money of the period with a known amount counts: 90,000 + 10,000 dollars.
    assert_eq!(gb["funding_total_cents"], 10_000_000);
    assert_eq!(gb["funding_cents_by_source"], json!({"=HYPERLINK(\"x\")": 9_000_000, "City of Bridgeport": 1_000_000}));
    assert!(gb["flags"][1]["reason"].as_str().unwrap().contains("90 %"));
    // Case management at the same shelter: same money, no referrals.
    let gb_cm = row(&report, "Greater Bridgeport", "case_management");
    assert_eq!(flags(&gb_cm), ["funding_concentration"]);
    assert_eq!(gb_cm["unmet_demand"], 0);

    // Naugatuck Valley: the lapsed shelter is not vetted, so the region has
    // no provider, and the stale verification is named.
    let nv = row(&report, "Naugatuck Valley", "shelter");
    assert_eq!(flags(&nv), ["no_provider", "stale_verification"], "{nv}");
    assert_eq!(nv["stale_providers"], 1);
    assert!(nv["flags"][1]["reason"].as_str().unwrap().contains("more than 12 months"));

    // CSV: the same rows, formulas defused.
    let r = app.client.get(app.url("/v1/directory/gaps?region_type=planning_region&from=2026-01-01&to=2026-06-15")).bearer_auth(&key).header("accept", "text/csv").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = r.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "region");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), report["rows"].as_array().unwrap().len());
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let line = records.iter().find(|r| &r[0] == "Greater Bridgeport" && &r[1] == "shelter").unwrap();
    assert_eq!(&line[col("flags")], "demand_exceeds_capacity;funding_concentration");
    assert_eq!(&line[col("unmet_demand")], "2");
    assert!(line[col("funding_cents_by_source")].starts_with("'="), "{}", &line[col("funding_cents_by_source")]);
    assert!(!text.lines().any(|l| l.split(',').any(|cell| cell.starts_with('='))), "no cell starts a formula");

    // SVG: well-formed, one cell per row, coloured and labelled by its flags.
    let r = app.client.get(app.url("/v1/directory/gaps?region_type=planning_region&from=2026-01-01&to=2026-06-15&format=svg")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("image/svg+xml"));
    let svg = r.text().await.unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("not well-formed: {e}"));
    let cells: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.attribute("class") == Some("cell")).collect();
    assert_eq!(cells.len(), report["rows"].as_array().unwrap().len());
    let gb_cell = cells
        .iter()
        .find(|n| n.attribute("data-region") == Some("Greater Bridgeport") && n.attribute("data-category") == Some("shelter"))
        .unwrap();
    assert_eq!(gb_cell.attribute("data-flags"), Some("demand_exceeds_capacity funding_concentration"));
    let nv_cell = cells
        .iter()
        .find(|n| n.attribute("data-region") == Some("Naugatuck Valley") && n.attribute("data-category") == Some("shelter"))
        .unwrap();
    let fill = |n: &roxmltree::Node| n.children().find(|c| c.has_tag_name("rect")).and_then(|r| r.attribute("fill")).map(str::to_string);
    assert_ne!(fill(gb_cell), fill(nv_cell), "a region with no provider looks different");
    assert!(svg.contains("=HYPERLINK(&quot;x&quot;) gives 90 %"), "free text is escaped into the tooltips");
    let (s, _, _) = status_and_json(app.get("/v1/directory/gaps?region_type=county&format=pdf", &key).await.unwrap()).await;
    assert_eq!(s, 400);
}

#[tokio::test]
async fn referrals_are_checked_scoped_to_their_account_and_listed() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (_, shelter, _) = seed(&app, &key).await;
    let reporter = app.reporter("Agency A", "dcf").await.unwrap();
    let other = app.reporter("Agency B", "dcf").await.unwrap();
    let (s, _, p) = post(&app, "/v1/directory/referrals", &reporter,
        json!({"service_id": shelter, "category": "legal", "town": "Gotham", "referred_on": "2026-06-16", "status": "lost"})).await;
    assert_eq!(s, 422, "{p}");
    let paths: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/town", "/referred_on", "/status", "/category"], "{p}");
    let (s, _, p) = post(&app, "/v1/directory/referrals", &reporter,
        json!({"service_id": uuid::Uuid::new_v4(), "category": "shelter", "town": "Hartford", "referred_on": "2026-06-01", "name": "Jane"})).await;
    assert_eq!((s, p["errors"][0]["code"].as_str()), (422, Some("unknown_field")), "no field for a name: {p}");
    let (s, _, mine) = post(&app, "/v1/directory/referrals", &reporter,
        json!({"service_id": shelter, "category": "shelter", "town": "Hartford", "referred_on": "2026-06-01"})).await;
    assert_eq!((s, mine["status"].as_str()), (201, Some("sent")), "{mine}");
    let id = mine["id"].as_str().unwrap();
    // Another account cannot see or change it.
    let (s, _, _) = post(&app, &format!("/v1/directory/referrals/{id}/transitions"), &other, json!({"to": "withdrawn"})).await;
    assert_eq!(s, 404);
    let (_, _, list) = status_and_json(app.get("/v1/directory/referrals", &other).await.unwrap()).await;
    assert_eq!(list["total_items"], 0);
    let (_, _, list) = status_and_json(app.get("/v1/directory/referrals", &reporter).await.unwrap()).await;
    assert_eq!(list["total_items"], 1);
    let (s, _, list) = status_and_json(app.get(&format!("/v1/directory/referrals?service_id={shelter}&status=sent&from=2026-01-01&to=2026-06-15"), &key).await.unwrap()).await;
    assert_eq!((s, list["total_items"].as_i64()), (200, Some(1)), "{list}");
    let (s, _, _) = status_and_json(app.get("/v1/directory/referrals?status=lost", &key).await.unwrap()).await;
    assert_eq!(s, 400);
    // The coordinator's office may withdraw any referral.
    let (s, _, r) = post(&app, &format!("/v1/directory/referrals/{id}/transitions"), &key, json!({"to": "withdrawn"})).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("withdrawn")));
    let partner = {
        let mut conn = app.conn().await.unwrap();
        beacon_api::security::keys::issue(&mut conn, "Partner", Role::Partner, &["https://p.example".to_string()]).await.unwrap().secret
    };
    let (s, _, _) = status_and_json(app.get("/v1/directory/referrals", &partner).await.unwrap()).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn phones_and_nested_lists_are_validated_replaced_by_patch_and_published() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (org_id, shelter, _) = seed(&app, &key).await;
    let (s, _, p) = post(&app, "/v1/directory/services", &key,
        json!({"organization_id": org_id, "name": "X", "categories": ["legal"],
               "phones": [{"number": "call us"}, {"number": "860 555 0100", "type": "pigeon", "extension": "x9"}]})).await;
    assert_eq!(s, 422, "{p}");
    let paths: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/phones/0/number", "/phones/1/type", "/phones/1/extension"]);

    let (_, body) = public(&app, &format!("/hsds/services/{shelter}")).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    let numbers: Vec<&str> = v["phones"].as_array().unwrap().iter().map(|p| p["number"].as_str().unwrap()).collect();
    // Stored and published in E.164, whatever the spelling they were written in.
    assert_eq!(numbers, ["+18605550100", "+18605550101"]);
    assert_eq!(v["phones"][1]["extension"], 12.0);

    // Replace the lists: a new location, one town served, no funding, one phone.
    let (s, etag, v) = patch(&app, &format!("/v1/directory/services/{shelter}"), &key, Some("\"1\""), json!({
        "service_areas": ["New Britain"],
        "locations": [{"name": "Harbor House II", "confidential": true, "address_1": "9 Quiet Road", "town": "New Britain"}],
        "funding": [],
        "phones": [{"number": "860-555-0199"}]
    }))
    .await;
    assert_eq!((s, etag.as_deref()), (200, Some("\"2\"")), "{v}");
    let (_, body) = public(&app, &format!("/hsds/services/{shelter}")).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["service_areas"].as_array().unwrap().iter().map(|a| a["name"].clone()).collect::<Vec<_>>(), [json!("New Britain")]);
    assert_eq!(v["service_at_locations"].as_array().unwrap().len(), 1);
    assert_eq!(v["service_at_locations"][0]["location"]["addresses"][0]["city"], "New Britain");
    assert!(!body.contains("9 Quiet Road") && !body.contains("Hidden Harbor"), "{body}");
    assert_eq!(v["funding"], json!([]));
    assert_eq!(v["phones"].as_array().unwrap().len(), 1);
    // The old location went with its link.
    let mut conn = app.conn().await.unwrap();
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let n: N = diesel::sql_query("SELECT count(*) AS n FROM directory_locations WHERE name = 'Harbor House'").get_result(&mut conn).await.unwrap();
    assert_eq!(n.n, 0);
    // A bad nested item changes nothing, not even the version.
    let (s, _, p) = patch(&app, &format!("/v1/directory/services/{shelter}"), &key, Some("\"2\""), json!({"service_areas": ["Hartford", "Narnia"], "phones": []})).await;
    assert_eq!((s, p["errors"][0]["path"].as_str()), (422, Some("/service_areas/1")), "{p}");
    let (_, body) = public(&app, &format!("/hsds/services/{shelter}")).await;
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["phones"].as_array().unwrap().len(), 1);
    let (s, etag, _) = patch(&app, &format!("/v1/directory/services/{shelter}"), &key, Some("\"2\""), json!({"phones": []})).await;
    assert_eq!((s, etag.as_deref()), (200, Some("\"3\"")));
}

async fn public(app: &TestApp, path: &str) -> (u16, String) {
    let r = app.client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn an_organization_is_read_with_its_etag_and_changed_only_with_a_current_if_match() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (org_id, _, _) = seed(&app, &key).await;
    let path = format!("/v1/directory/organizations/{org_id}");
    let r = app.get(&path, &key).await.unwrap();
    assert_eq!(r.headers()["etag"].to_str().unwrap(), "\"1\"");
    let (s, _, _) = patch(&app, &path, &key, None, json!({"status": "inactive"})).await;
    assert_eq!(s, 428);
    let (s, _, p) = patch(&app, &path, &key, Some("\"1\""), json!({"email": "not an address", "status": "closed"})).await;
    assert_eq!(s, 422, "{p}");
    let paths: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/email", "/status"]);
    let (s, etag, org) = patch(&app, &path, &key, Some("\"1\""), json!({"name": "Safe Harbor Connecticut", "status": "inactive"})).await;
    assert_eq!((s, etag.as_deref()), (200, Some("\"2\"")), "{org}");
    assert_eq!((org["name"].as_str(), org["status"].as_str(), org["email"].as_str()), (Some("Safe Harbor Connecticut"), Some("inactive"), Some("intake@safeharbor.example")));
    let (s, _, p) = patch(&app, &path, &key, Some("\"1\""), json!({"name": "Lost update"})).await;
    assert_eq!((s, p["code"].as_str()), (412, Some("precondition_failed")), "{p}");
    let reporter = app.key("Agency", Role::Reporter).await.unwrap();
    let (s, _, _) = patch(&app, &path, &reporter, Some("\"2\""), json!({"name": "x"})).await;
    assert_eq!(s, 403);
    let (s, _, _) = status_and_json(app.get(&format!("/v1/directory/organizations/{}", uuid::Uuid::new_v4()), &key).await.unwrap()).await;
    assert_eq!(s, 404);
}
