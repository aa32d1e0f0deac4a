//! Referral matching over the directory: filters, distance from the person's
//! town by county adjacency, ordering, paging, confidential addresses, and
//! the access policy.

use crate::directory::{post, status_and_json};
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use serde_json::{json, Value};

const QUIET_ADDRESS: &str = "9 Quiet Lane";

/// Shelters around West Hartford (Hartford County) plus two that never
/// match a default shelter search:
///
/// | name                      | towns                    | county     | vetted | places |
/// |---------------------------|--------------------------|------------|--------|--------|
/// | Capitol shelter           | Hartford (confidential)  | Hartford   | yes    | 2      |
/// | Adult shelter (18+)       | New Britain              | Hartford   | yes    | 1      |
/// | Full shelter              | Manchester               | Hartford   | yes    | 0      |
/// | Hartford unvetted shelter | Hartford                 | Hartford   | no     | 8      |
/// | Tolland shelter           | Tolland                  | Tolland    | yes    | 5      |
/// | Refugio (es, foreign)     | Vernon                   | Tolland    | yes    | 3      |
/// | Bridgeport shelter        | Bridgeport               | Fairfield  | yes    | 4      |
/// | Counselling (not shelter) | West Hartford            | Hartford   | yes    | –      |
/// | Closed shelter (inactive) | West Hartford            | Hartford   | no     | 9      |
async fn fixture(app: &TestApp) -> String {
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let (s, _, org) = post(app, "/v1/directory/organizations", &key, json!({"name": "Capitol Network", "description": "Shelters"})).await;
    assert_eq!(s, 201, "{org}");
    let org = org["id"].as_str().unwrap().to_string();
    let shelter = |name: &str, towns: &[&str], places: i64| {
        json!({"organization_id": org, "name": name, "categories": ["shelter"], "languages": ["en"],
               "populations": ["adults"], "service_areas": towns,
               "capacity": {"unit": "beds", "available": places, "total": 10}})
    };
    let mut capitol = shelter("Capitol shelter", &[], 2);
    capitol["locations"] = json!([{"name": "Quiet House", "confidential": true, "address_1": QUIET_ADDRESS,
                                    "postal_code": "06106", "town": "Hartford", "latitude": 41.76, "longitude": -72.68}]);
    capitol["phones"] = json!([{"number": "+1 860 555 0199", "type": "voice", "description": "24-hour hotline"}]);
    let mut adult = shelter("Adult shelter", &["New Britain"], 1);
    adult["min_age"] = json!(18);
    let mut refugio = shelter("Refugio", &[], 3);
    refugio["languages"] = json!(["es"]);
    refugio["populations"] = json!(["foreign_nationals"]);
    refugio["locations"] = json!([{"name": "Refugio office", "address_1": "12 Main Street", "town": "vernon"}]);
    let mut closed = shelter("Closed shelter", &["West Hartford"], 9);
    closed["status"] = json!("inactive");
    let counselling = json!({"organization_id": org, "name": "Counselling", "categories": ["mental_health"], "service_areas": ["West Hartford"]});
    for (body, vet) in [
        (capitol, true),
        (adult, true),
        (shelter("Full shelter", &["Manchester"], 0), true),
        (shelter("Hartford unvetted shelter", &["Hartford"], 8), false),
        (shelter("Tolland shelter", &["Tolland"], 5), true),
        (refugio, true),
        (shelter("Bridgeport shelter", &["Bridgeport"], 4), true),
        (counselling, true),
        (closed, false),
    ] {
        let (s, _, v) = post(app, "/v1/directory/services", &key, body).await;
        assert_eq!(s, 201, "{v}");
        if vet {
            let id = v["id"].as_str().unwrap();
            let (s, _, v) = post(app, &format!("/v1/directory/services/{id}/verify"), &key, json!({"method": "phone", "training_attested": true})).await;
            assert_eq!((s, &v["vetted"]), (200, &json!(true)), "{v}");
        }
    }
    app.key("Agency", Role::Reporter).await.unwrap()
}

async fn search(app: &TestApp, key: &str, query: &str) -> Value {
    let (s, _, page) = status_and_json(app.get(&format!("/v1/directory/search?{query}"), key).await.unwrap()).await;
    assert_eq!(s, 200, "{query}: {page}");
    page
}

fn names(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|i| i["service"]["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn results_are_ordered_by_county_distance_then_vetted_then_places_free() {
    let app = TestApp::spawn().await.unwrap();
    let reporter = fixture(&app).await;
    let page = search(&app, &reporter, "service=shelter&town=west%20hartford").await;
    assert_eq!(
        names(&page),
        [
            "Capitol shelter",
            "Adult shelter",
            "Full shelter",
            "Hartford unvetted shelter",
            "Tolland shelter",
            "Refugio",
            "Bridgeport shelter"
        ],
        "{page}"
    );
    let distances: Vec<&str> = page["items"].as_array().unwrap().iter().map(|i| i["distance"].as_str().unwrap()).collect();
    assert_eq!(
        distances,
        ["same_region", "same_region", "same_region", "same_region", "adjacent_region", "adjacent_region", "statewide"]
    );
    let capitol = &page["items"][0];
    assert_eq!(capitol["towns_served"], json!(["Hartford"]));
    assert_eq!((capitol["service"]["vetted"].as_bool(), capitol["service"]["organization_name"].as_str()), (Some(true), Some("Capitol Network")));
    assert_eq!(capitol["service"]["capacity_available"], 2);
    assert!(capitol["service"]["next_verification_due"].is_string());
    assert_eq!(capitol["phones"][0]["number"], "+18605550199", "phones are stored in E.164");
    assert_eq!(page["items"][5]["towns_served"], json!(["Vernon"]), "a location's town counts as served");
}

#[tokio::test]
async fn a_service_serving_the_town_itself_comes_first_and_without_a_town_distance_is_null() {
    let app = TestApp::spawn().await.unwrap();
    let reporter = fixture(&app).await;
    let page = search(&app, &reporter, "service=shelter&town=Tolland").await;
    assert_eq!((page["items"][0]["service"]["name"].as_str(), page["items"][0]["distance"].as_str()), (Some("Tolland shelter"), Some("same_town")));
    assert_eq!((page["items"][1]["service"]["name"].as_str(), page["items"][1]["distance"].as_str()), (Some("Refugio"), Some("same_region")));

    let page = search(&app, &reporter, "service=shelter").await;
    assert_eq!(
        names(&page),
        [
            "Tolland shelter",
            "Bridgeport shelter",
            "Refugio",
            "Capitol shelter",
            "Adult shelter",
            "Full shelter",
            "Hartford unvetted shelter"
        ],
        "{page}"
    );
    assert!(page["items"].as_array().unwrap().iter().all(|i| i["distance"].is_null()));
}

#[tokio::test]
async fn each_filter_narrows_the_matches() {
    let app = TestApp::spawn().await.unwrap();
    let reporter = fixture(&app).await;
    let base = "service=shelter&town=West%20Hartford";
    let age = search(&app, &reporter, &format!("{base}&age=15")).await;
    assert!(!names(&age).contains(&"Adult shelter") && names(&age).len() == 6, "{age}");
    assert!(names(&search(&app, &reporter, &format!("{base}&age=18")).await).contains(&"Adult shelter"));
    assert_eq!(names(&search(&app, &reporter, &format!("{base}&language=es")).await), ["Refugio"]);
    let (s, _, p) = status_and_json(app.get(&format!("/v1/directory/search?{base}&language=es-MX"), &reporter).await.unwrap()).await;
    assert_eq!((s, p["errors"][0]["path"].as_str(), p["errors"][0]["code"].as_str()), (400, Some("/language"), Some("format")), "languages are ISO 639-1: {p}");
    assert_eq!(names(&search(&app, &reporter, &format!("{base}&population=foreign_nationals")).await), ["Refugio"]);
    let vetted = search(&app, &reporter, &format!("{base}&vetted=true")).await;
    assert!(!names(&vetted).contains(&"Hartford unvetted shelter") && names(&vetted).len() == 6, "{vetted}");
    assert_eq!(names(&search(&app, &reporter, &format!("{base}&vetted=false")).await), ["Hartford unvetted shelter"]);
    let free = search(&app, &reporter, &format!("{base}&capacity_available=true")).await;
    assert!(!names(&free).contains(&"Full shelter") && names(&free).len() == 6, "{free}");
    assert_eq!(names(&search(&app, &reporter, "town=West%20Hartford&status=inactive").await), ["Closed shelter"]);
    let all = search(&app, &reporter, "town=West%20Hartford").await;
    assert_eq!((all["total_items"].as_i64(), all["items"][0]["service"]["name"].as_str()), (Some(8), Some("Counselling")), "{all}");
}

#[tokio::test]
async fn a_confidential_shelter_shows_its_town_but_never_its_street_address() {
    let app = TestApp::spawn().await.unwrap();
    let reporter = fixture(&app).await;
    let r = app.get("/v1/directory/search?service=shelter&town=Hartford", &reporter).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    // The postal code and latitude are checked field by field below: as
    // substrings they could turn up by chance in a UUID or a timestamp.
    assert!(!body.contains(QUIET_ADDRESS) && !body.contains("-72.68"), "{body}");
    let page: Value = serde_json::from_str(&body).unwrap();
    let capitol = page["items"].as_array().unwrap().iter().find(|i| i["service"]["name"] == "Capitol shelter").unwrap();
    assert_eq!(capitol["distance"], "same_town");
    let address = &capitol["locations"][0]["addresses"][0];
    assert_eq!(
        (address["city"].as_str(), address["address_1"].as_str(), address["postal_code"].as_str()),
        (Some("Hartford"), Some(""), Some("")),
        "{capitol}"
    );
    assert!(capitol["locations"][0].get("latitude").is_none(), "{capitol}");
    let refugio = page["items"].as_array().unwrap().iter().find(|i| i["service"]["name"] == "Refugio").unwrap();
    assert_eq!(refugio["locations"][0]["addresses"][0]["address_1"], "12 Main Street", "an open location keeps its address");
}

#[tokio::test]
async fn results_are_paged() {
    let app = TestApp::spawn().await.unwrap();
    let reporter = fixture(&app).await;
    let page = search(&app, &reporter, "service=shelter&town=West%20Hartford&per_page=3&page=2").await;
    assert_eq!(names(&page), ["Hartford unvetted shelter", "Tolland shelter", "Refugio"]);
    assert_eq!((page["page"].as_i64(), page["per_page"].as_i64(), page["total_items"].as_i64(), page["total_pages"].as_i64()), (Some(2), Some(3), Some(7), Some(3)));
    let last = search(&app, &reporter, "service=shelter&town=West%20Hartford&per_page=3&page=3").await;
    assert_eq!(names(&last), ["Bridgeport shelter"]);
    let beyond = search(&app, &reporter, "service=shelter&per_page=3&page=9").await;
    assert_eq!((beyond["items"].as_array().unwrap().len(), beyond["total_items"].as_i64()), (0, Some(7)));
    assert_eq!(search(&app, &reporter, "service=shelter").await["per_page"], 20);
}

#[tokio::test]
async fn every_bad_parameter_is_reported_at_its_path() {
    let app = TestApp::spawn().await.unwrap();
    let key = app.key("Coordinator", Role::Coordinator).await.unwrap();
    let query = "service=nope&town=Atlantis&age=130&population=kids&language=!!&vetted=maybe&capacity_available=1&status=open&page=0&per_page=101";
    let (s, _, p) = status_and_json(app.get(&format!("/v1/directory/search?{query}"), &key).await.unwrap()).await;
    assert_eq!(s, 400, "{p}");
    let mut got: Vec<(&str, &str)> = p["errors"].as_array().unwrap().iter().map(|e| (e["path"].as_str().unwrap(), e["code"].as_str().unwrap())).collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("/age", "range"),
            ("/capacity_available", "invalid_type"),
            ("/language", "format"),
            ("/page", "range"),
            ("/per_page", "range"),
            ("/population", "unknown_code"),
            ("/service", "unknown_code"),
            ("/status", "unknown_code"),
            ("/town", "unknown_code"),
            ("/vetted", "invalid_type"),
        ],
        "{p}"
    );
    let (s, _, p) = status_and_json(app.get("/v1/directory/search?age=ten", &key).await.unwrap()).await;
    assert_eq!((s, p["errors"][0]["path"].as_str(), p["errors"][0]["code"].as_str()), (400, Some("/age"), Some("invalid_type")), "{p}");
}

#[tokio::test]
async fn a_partner_key_may_not_search() {
    let app = TestApp::spawn().await.unwrap();
    let partner = {
        let mut conn = app.conn().await.unwrap();
        beacon_api::security::keys::issue(&mut conn, "Partner", Role::Partner, &["https://p.example".to_string()]).await.unwrap().secret
    };
    let (s, _, p) = status_and_json(app.get("/v1/directory/search?service=shelter", &partner).await.unwrap()).await;
    assert_eq!(s, 403, "{p}");
}

#[tokio::test]
async fn a_region_selects_the_services_serving_a_town_of_it() {
    let app = TestApp::spawn().await.unwrap();
    let reporter = fixture(&app).await;
    let page = search(&app, &reporter, "service=shelter&region_type=county&region=tolland").await;
    assert_eq!(names(&page), ["Tolland shelter", "Refugio"], "{page}");
    assert_eq!(page["items"][0]["distance"], Value::Null);
    // With a town too: the region filters, the town orders.
    let page = search(&app, &reporter, "service=shelter&region_type=planning_region&region=Capitol&town=Tolland").await;
    assert_eq!(page["items"][0]["service"]["name"], "Tolland shelter", "{page}");
    assert!(!names(&page).contains(&"Bridgeport shelter"));
    // DCF regions by number (the default region_type).
    let page = search(&app, &reporter, "service=shelter&region=4").await;
    assert!(names(&page).contains(&"Capitol shelter") && !names(&page).contains(&"Bridgeport shelter"), "{page}");
    for (query, path) in [("region=Atlantis&region_type=county", "/region"), ("region_type=county", "/region"), ("region=1&region_type=zone", "/region_type")] {
        let (s, _, p) = status_and_json(app.get(&format!("/v1/directory/search?{query}"), &reporter).await.unwrap()).await;
        assert_eq!((s, p["errors"][0]["path"].as_str()), (400, Some(path)), "{query}: {p}");
    }
}
