//! Provider imports (CSV and HSDS JSON, over HTTP and `beacon import
//! providers`) and exports: every row checked first, nothing written when any
//! row is wrong, the rows named.

use crate::directory::{seed, status_and_json, SHELTER_ADDRESS};
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const HEADER: &str = "organization_name,service_name,categories,id,description,min_age,max_age,populations,languages,capacity_unit,capacity_available,capacity_total,service_areas,location_name,location_confidential,address_1,postal_code,town,latitude,longitude,phones,funding_source,funding_amount_cents,funding_period_start,funding_period_end";

const TOWNS: [&str; 8] = ["Hartford", "New Haven", "Bridgeport", "Waterbury", "Norwich", "Danbury", "Stamford", "Torrington"];
const CATEGORIES: [&str; 5] = ["shelter", "legal", "medical", "mental_health", "case_management"];

/// 500 generated services of 50 organizations; the rows at the given
/// indexes (0-based) are broken in three different ways.
fn providers_csv(broken: &[usize]) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for i in 0..500 {
        let town = TOWNS[i % TOWNS.len()];
        let mut category = CATEGORIES[i % CATEGORIES.len()].to_string();
        let mut area = format!("{town};West Hartford");
        let mut phone = format!("860-555-{:04}", i);
        match broken.iter().position(|b| *b == i) {
            Some(0) => area = format!("{town};Springfield"),
            Some(1) => category = "teleportation".to_string(),
            Some(2) => phone = "call us".to_string(),
            _ => {}
        }
        let confidential = category == "shelter";
        out.push_str(&format!(
            "Provider {org},\"Service {i}, {category}\",{category},,Generated service {i},{min},120,adults;women,en;es,beds,{avail},10,{area},Site {i},{confidential},{i} Main Street,06106,{town},41.7,-72.6,{phone},\"=DCF\",{amount},2026-07-01,2027-06-30\n",
            org = i / 10,
            min = if i % 2 == 0 { 18 } else { 0 },
            avail = i % 10,
            amount = 100_000 + i,
        ));
    }
    out
}

async fn count(app: &TestApp, table: &str) -> i64 {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.conn().await.unwrap();
    let row: N = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}")).get_result(&mut conn).await.unwrap();
    row.n
}

async fn import(app: &TestApp, key: &str, content_type: &str, body: String, query: &str) -> (u16, Value) {
    let r = app
        .client
        .post(app.url(&format!("/v1/directory/import{query}")))
        .bearer_auth(key)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn an_import_of_500_providers_with_3_bad_rows_writes_nothing_and_names_them_then_imports_all_500() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    // Rows 17, 250 and 498 (0-based) are lines 19, 252 and 500 (the header is line 1).
    let (s, p) = import(&app, &key, "text/csv", providers_csv(&[17, 250, 498]), "").await;
    assert_eq!(s, 422, "{p}");
    let errors = p["errors"].as_array().unwrap();
    let rows: BTreeSet<i64> = errors.iter().map(|e| e["row"].as_i64().unwrap()).collect();
    assert_eq!(rows, BTreeSet::from([19, 252, 500]), "{p}");
    let at = |row: i64| errors.iter().find(|e| e["row"] == row).unwrap();
    assert_eq!((at(19)["path"].as_str(), at(19)["code"].as_str()), (Some("/service_areas"), Some("unknown_code")));
    assert_eq!((at(252)["path"].as_str(), at(252)["code"].as_str()), (Some("/categories"), Some("unknown_code")));
    assert_eq!((at(500)["path"].as_str(), at(500)["code"].as_str()), (Some("/phones"), Some("format")));
    for table in ["directory_services", "directory_organizations", "directory_locations", "directory_phones", "directory_funding"] {
        assert_eq!(count(&app, table).await, 0, "{table}: nothing written");
    }

    // A dry run of the fixed file writes nothing either.
    let fixed = providers_csv(&[]);
    let (s, r) = import(&app, &key, "text/csv; charset=utf-8", fixed.clone(), "?dry_run=true").await;
    assert_eq!((s, r["rows"].as_i64(), r["dry_run"].as_bool()), (200, Some(500), Some(true)), "{r}");
    assert_eq!(count(&app, "directory_services").await, 0);

    let (s, r) = import(&app, &key, "text/csv", fixed, "").await;
    assert_eq!(s, 200, "{r}");
    assert_eq!((r["services_created"].as_i64(), r["organizations_created"].as_i64()), (Some(500), Some(50)), "{r}");
    assert_eq!(count(&app, "directory_services").await, 500);
    assert_eq!(count(&app, "directory_organizations").await, 50);
    assert_eq!(count(&app, "directory_phones").await, 500);
    assert_eq!(count(&app, "directory_service_areas").await, 1000);

    // The export is the import's format: fed back, every service is already there (ids kept).
    let r = app.client.get(app.url("/v1/directory/export")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let exported = r.text().await.unwrap();
    assert_eq!(exported.lines().count(), 501);
    assert!(exported.contains("'=DCF"), "formulas defused");
    assert!(exported.contains("17 Main Street") || exported.contains("0 Main Street"), "the coordinator's export keeps addresses");
    let (s, p) = import(&app, &key, "text/csv", exported, "?dry_run=true").await;
    assert_eq!(s, 422);
    let errors = p["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 500, "{}", errors[0]);
    assert!(errors.iter().all(|e| e["path"] == "/id" && e["code"] == "duplicate"), "{}", errors[0]);
    // A second import links rows to the organizations already there, by name.
    let again = format!("{HEADER}\nprovider 3,Extra service,legal,,,,,,,,,,Hartford,,,,,,,,,,,,\n");
    let (s, r) = import(&app, &key, "text/csv", again, "").await;
    assert_eq!((s, r["organizations_created"].as_i64(), r["organizations_matched"].as_i64()), (200, Some(0), Some(1)), "{r}");

    let reporter = app.key("Agency", Role::Reporter).await.unwrap();
    let (s, _) = import(&app, &reporter, "text/csv", providers_csv(&[]), "").await;
    assert_eq!(s, 403);
    let (s, _) = import(&app, &key, "application/xml", "<x/>".into(), "").await;
    assert_eq!(s, 415);
    let (s, p) = import(&app, &key, "text/csv", "name,town\nx,Hartford\n".into(), "").await;
    assert_eq!(s, 422, "{p}");
}

#[tokio::test]
async fn the_cli_imports_providers_with_the_same_checks() {
    let app = TestApp::spawn().await.unwrap();
    let dir = std::env::temp_dir().join(format!("beacon-providers-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, providers_csv(&[3, 4, 5])).unwrap();
    let out = app.beacon(&["import", "providers", bad.to_str().unwrap()], &[]).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for row in ["row 5: /service_areas", "row 6: /categories", "row 7: /phones"] {
        assert!(stderr.contains(row), "{row} in {stderr}");
    }
    assert_eq!(count(&app, "directory_services").await, 0);
    let good = dir.join("good.csv");
    std::fs::write(&good, providers_csv(&[])).unwrap();
    let out = app.beacon(&["import", "providers", good.to_str().unwrap(), "--dry-run"], &[]).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("dry run"));
    assert_eq!(count(&app, "directory_services").await, 0);
    let out = app.beacon(&["import", "providers", good.to_str().unwrap()], &[]).unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("imported 500 services"), "{stdout}");
    assert!(stderr.contains("checked 500 / 500") && stderr.contains("wrote 500"), "progress on stderr: {stderr}");
    assert_eq!(count(&app, "directory_services").await, 500);
    let out = app.beacon(&["import", "providers", good.to_str().unwrap(), "--format", "xml"], &[]).unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn hsds_json_from_one_directory_imports_into_another_without_confidential_addresses() {
    let source = TestApp::spawn().await.unwrap();
    let key = source.key("Coordinator", Role::Coordinator).await.unwrap();
    seed(&source, &key).await;
    let page: Value = source.client.get(source.url("/hsds/services")).send().await.unwrap().json().await.unwrap();
    assert_eq!(page["total_items"], 2);
    let r = source.client.get(source.url("/v1/directory/export?format=hsds")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let exported = r.text().await.unwrap();
    assert!(!exported.contains(SHELTER_ADDRESS), "HSDS is public: no confidential address");
    assert_eq!(serde_json::from_str::<Value>(&exported).unwrap().as_array().unwrap().len(), 2);

    let target = TestApp::spawn().await.unwrap();
    let tkey = target.key("Coordinator", Role::Coordinator).await.unwrap();
    // A broken item is named by its position; nothing is written.
    let mut broken = page.clone();
    broken["contents"][1]["attributes"] = json!([]);
    broken["contents"][0]["service_areas"][0]["name"] = json!("Gotham");
    let (s, p) = import(&target, &tkey, "application/json", broken.to_string(), "").await;
    assert_eq!(s, 422, "{p}");
    let errors: Vec<(i64, String)> = p["errors"].as_array().unwrap().iter().map(|e| (e["row"].as_i64().unwrap(), e["path"].as_str().unwrap().to_string())).collect();
    assert!(errors.contains(&(2, "/attributes".to_string())), "{errors:?}");
    assert!(errors.iter().any(|(row, path)| *row == 1 && path.starts_with("/service_areas")), "{errors:?}");
    assert_eq!(count(&target, "directory_services").await, 0);

    let (s, r) = import(&target, &tkey, "application/json", page.to_string(), "").await;
    assert_eq!((s, r["services_created"].as_i64(), r["organizations_created"].as_i64()), (200, Some(2), Some(1)), "{r}");
    let (_, _, copied) = status_and_json(target.client.get(target.url("/hsds/services")).send().await.unwrap()).await;
    let names = |p: &Value| p["contents"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect::<BTreeSet<_>>();
    assert_eq!(names(&copied), names(&page));
    let phones = |p: &Value| p["contents"].as_array().unwrap().iter().map(|s| s["phones"].as_array().unwrap().len()).sum::<usize>();
    assert_eq!(phones(&copied), phones(&page));
    let (s, _) = import(&target, &tkey, "application/json", "{\"contents\": 3}".into(), "").await;
    assert_eq!(s, 422);
    let (s, _) = import(&target, &tkey, "application/json", "[{".into(), "").await;
    assert_eq!(s, 422);
}
