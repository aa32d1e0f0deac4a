//! The coordinator's annual report (Sec. 1(f)) over real HTTP: every section
//! in the JSON and the HTML, no count below k anywhere, the register's text
//! escaped, and tables identical to the public statistics of the year.

use crate::stats_api::seed;
use beacon_api::security::Role;
use beacon_tests::app::TestApp;
use chrono::NaiveDate;
use serde_json::{json, Value};

pub(crate) const K: u64 = 11;

/// An app on December 3, 2026 with a year of incidents (some cells below k)
/// and the registers filled in.
pub(crate) async fn seeded() -> (TestApp, String) {
    let app = TestApp::spawn().await.unwrap();
    app.set_today(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap());
    let key = app.key("OPM coordinator", Role::Coordinator).await.unwrap();
    seed(&app, "Hartford", "2026-02-10", 30).await;
    seed(&app, "New Haven", "2026-05-01", 3).await;
    seed(&app, "Norwich", "2026-08-01", 1).await;
    seed(&app, "Stamford", "2026-10-10", 15).await;
    seed(&app, "Hartford", "2025-06-01", 40).await; // another year
    let post = |path: &'static str, body: Value| {
        let (app, key) = (&app, &key);
        async move {
            let r = app.post_json(path, key, body.to_string()).await.unwrap();
            assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
        }
    };
    post("/v1/reports/activities", json!({"date": "2026-09-15", "kind": "meeting", "agencies": ["dcf", "opm"],
        "description": "Met <script>alert('x')</script> & agreed a referral protocol."})).await;
    post("/v1/reports/activities", json!({"date": "2025-12-01", "kind": "outreach", "agencies": ["dcf"], "description": "Last year's outreach"})).await;
    post("/v1/reports/recommendations", json!({"year": 2026, "kind": "administrative", "status": "adopted", "text": "Train every DCF intake worker."})).await;
    post("/v1/reports/recommendations", json!({"year": 2026, "kind": "legislative", "status": "proposed", "text": "Fund survivor housing.", "committee": "appropriations"})).await;
    post("/v1/reports/recommendations", json!({"year": 2026, "kind": "legislative", "status": "withdrawn", "text": "A withdrawn idea."})).await;
    seed_sections(&app).await;
    (app, key)
}

/// The facts of the minors, training, directory and referral sections,
/// stored directly (as `seed` stores incidents). Of the year's 49 incidents,
/// 12 involve a minor DCF was told of and 3 a minor it was not; intake has
/// 12 + 2 minors and 20 adults; DCF has 12 trained and 13 untrained staff,
/// CSSD 2; one vetted housing provider in Hartford with $125,000 of state
/// funding; 15 referrals accepted after 5 days, 2 declined for capacity and
/// 12 withdrawn.
async fn seed_sections(app: &TestApp) {
    let statements = [
        "UPDATE incidents SET minor_involved = true, dcf_notified = true WHERE id IN \
           (SELECT id FROM incidents WHERE town = 'Hartford' AND incident_date = '2026-02-10' ORDER BY id LIMIT 12)",
        "UPDATE incidents SET minor_involved = true WHERE id IN \
           (SELECT id FROM incidents WHERE town = 'Stamford' AND incident_date = '2026-10-10' ORDER BY id LIMIT 3)",
        // A minor in last year's incidents, not counted.
        "UPDATE incidents SET minor_involved = true WHERE id IN \
           (SELECT id FROM incidents WHERE incident_date = '2025-06-01' ORDER BY id LIMIT 1)",
        &intake("12_17", true, 12),
        &intake("12_17", false, 2),
        &intake("25_59", false, 20),
        &staff("dcf", "dcf_employee", 12, true),
        &staff("dcf", "dcf_employee", 13, false),
        &staff("cssd", "cssd_employee", 2, false),
        "INSERT INTO directory_organizations (id, name) VALUES ('00000000-0000-0000-0000-0000000000a1', 'Safe Harbor')",
        "INSERT INTO directory_services (id, organization_id, name, status, categories, verified_at, training_attested) VALUES \
           ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 'Housing', 'active', ARRAY['housing'], \
            '2026-11-01T12:00:00Z', true)",
        "INSERT INTO directory_service_areas (service_id, town) VALUES ('00000000-0000-0000-0000-0000000000b1', 'Hartford')",
        "INSERT INTO directory_funding (id, service_id, source, amount_cents, period_start, period_end) VALUES \
           (gen_random_uuid(), '00000000-0000-0000-0000-0000000000b1', 'State budget', 12500000, '2026-01-01', '2026-12-31')",
        &referrals("accepted", None, 15),
        &referrals("declined", Some("capacity"), 2),
        &referrals("withdrawn", None, 12),
    ];
    use diesel_async::RunQueryDsl;
    let mut conn = app.conn().await.unwrap();
    for sql in statements {
        diesel::sql_query(sql).execute(&mut conn).await.unwrap();
    }
}

fn intake(age_group: &str, notified: bool, n: usize) -> String {
    let minor = age_group == "12_17";
    let notified_at = if notified { "'2026-06-02T12:00:00Z'" } else { "NULL" };
    format!(
        "INSERT INTO intake_submissions (id, account_id, api_key_id, reference, idempotency_key, request_hash, received_at, \
           concern_types, age_group, needs, safe_to_contact, consent_to_share, minor_involved, dcf_notified_at, key_id, wrapped_data_key) \
         SELECT gen_random_uuid(), (SELECT account_id FROM api_keys ORDER BY created_at LIMIT 1), \
           (SELECT id FROM api_keys ORDER BY created_at LIMIT 1), gen_random_uuid()::text, gen_random_uuid()::text, '\\x00'::bytea, \
           '2026-06-01T12:00:00Z', ARRAY['labor'], '{age_group}', ARRAY[]::text[], false, false, {minor}, {notified_at}, 'test', '\\x00'::bytea \
         FROM generate_series(1, {n})"
    )
}

fn staff(agency: &str, population: &str, n: usize, trained: bool) -> String {
    let people = format!(
        "INSERT INTO workforce (id, agency, population, employee_ref, start_date) \
         SELECT gen_random_uuid(), '{agency}', '{population}', '{agency}-{trained}-' || i, '2026-01-05' FROM generate_series(1, {n}) AS i"
    );
    if !trained {
        return people;
    }
    format!(
        "WITH p AS ({people} RETURNING id) INSERT INTO completions (id, person_id, completed_on, topics, source) \
         SELECT gen_random_uuid(), id, '2026-10-01', \
           ARRAY['laws_protocols', 'identification_services', 'deescalation_harm_reduction', 'trauma_disclosures'], 'api' FROM p"
    )
}

/// `n` referrals sent on 1 March and moved to `status` (with `reason`) five days later.
fn referrals(status: &str, reason: Option<&str>, n: usize) -> String {
    let reason = reason.map_or("NULL".to_string(), |r| format!("'{r}'"));
    let at = |s: &str| if s == status { "'2026-03-06T15:00:00Z'" } else { "NULL" };
    format!(
        "INSERT INTO directory_referrals (id, service_id, category, town, referred_on, status, decline_reason, account_id, created_at, updated_at, \
           sent_at, accepted_at, declined_at, withdrawn_at) \
         SELECT gen_random_uuid(), '00000000-0000-0000-0000-0000000000b1', 'housing', 'Hartford', '2026-03-01', '{status}', {reason}, \
           (SELECT id FROM accounts ORDER BY id LIMIT 1), '2026-03-01T15:00:00Z', '2026-03-06T15:00:00Z', \
           '2026-03-01T15:00:00Z', {}, {}, {} \
         FROM generate_series(1, {n})",
        at("accepted"),
        at("declined"),
        at("withdrawn")
    )
}

async fn report_json(app: &TestApp, key: &str, year: &str) -> (u16, Value) {
    let r = app.get(&format!("/v1/reports/coordinator/{year}"), key).await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn report_html(app: &TestApp, key: &str) -> String {
    let r = app.get("/v1/reports/coordinator/2026?format=html", key).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let media = r.headers().get("content-type").unwrap().to_str().unwrap().to_string();
    assert!(media.starts_with("text/html"), "{media}");
    r.text().await.unwrap()
}

/// The report's sections, in the order.
const SECTION_KEYS: [&str; 9] = [
    "activities",
    "incident_trends",
    "minors_and_dcf",
    "training",
    "directory_gaps",
    "referrals",
    "recommendations",
    "calendar",
    "methodology",
];

fn section_titles(report: &Value) -> Vec<String> {
    let sections = report["sections"].as_object().unwrap();
    SECTION_KEYS
        .iter()
        .map(|s| sections[*s]["title"].as_str().unwrap().to_string())
        .collect()
}

/// The text of every `<h2>`, in order.
pub(crate) fn h2s(html: &str) -> Vec<String> {
    html.split("<h2>").skip(1).filter_map(|s| s.split("</h2>").next()).map(str::to_string).collect()
}

/// The text of every count cell of the HTML's tables.
pub(crate) fn count_cells(html: &str) -> Vec<String> {
    html.split("<td class=\"count\">").skip(1).filter_map(|s| s.split("</td>").next()).map(str::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_and_the_json_carry_the_same_sections_in_order() {
    let (app, key) = seeded().await;
    let (status, report) = report_json(&app, &key, "2026").await;
    assert_eq!(status, 200, "{report}");
    let titles = section_titles(&report);
    assert_eq!(
        titles,
        [
            "Activities of the coordinator",
            "Incident trends",
            "Minors and DCF responses",
            "Training compliance by agency",
            "Directory gaps and funding",
            "Referral outcomes",
            "Recommendations",
            "Statutory calendar",
            "Methodology"
        ]
    );
    assert_eq!(h2s(&report_html(&app, &key).await), titles);
    assert_eq!(report["due"], "2027-01-01");
    assert_eq!(report["complete"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_count_below_k_appears_in_the_html_or_the_json() {
    let (app, key) = seeded().await;
    let cells = count_cells(&report_html(&app, &key).await);
    assert!(!cells.is_empty());
    for c in &cells {
        assert!(c == "*" || c.parse::<u64>().is_ok_and(|n| n == 0 || n >= K), "a count cell shows {c}");
    }
    assert!(cells.iter().any(|c| c == "*"), "the seeded year has cells below k");

    let (_, report) = report_json(&app, &key, "2026").await;
    let trends = &report["sections"]["incident_trends"];
    assert_eq!(trends["k"], K);
    for table in trends["tables"].as_array().unwrap() {
        for e in table["entries"].as_array().unwrap() {
            match e["value"].as_u64() {
                Some(n) => assert!(n == 0 || n >= K, "{} shows {n}", table["name"]),
                None => assert_eq!(e["suppressed"], true),
            }
        }
    }
    assert_eq!(report["sections"]["methodology"]["suppression_rule"], trends["rule"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trend_tables_are_the_public_statistics_of_the_year() {
    let (app, key) = seeded().await;
    let (_, report) = report_json(&app, &key, "2026").await;
    let public: Value = app.client.get(app.url("/public/stats/incidents?period=2026&group_by=county")).send().await.unwrap().json().await.unwrap();
    let by_county = |tables: &Value, measure: &str| {
        tables.as_array().unwrap().iter().find(|t| t["measure"] == measure && t["name"].as_str().unwrap().ends_with("county")).unwrap()["entries"].clone()
    };
    let trends = &report["sections"]["incident_trends"]["tables"];
    assert_eq!(by_county(trends, "incidents"), by_county(&public["tables"], "incidents"));
    assert_eq!(by_county(trends, "victims"), by_county(&public["tables"], "victims"));
    // And by trafficking type: the same has / has-not tables as the public's.
    let public: Value = app.client.get(app.url("/public/stats/incidents?period=2026&group_by=trafficking_type")).send().await.unwrap().json().await.unwrap();
    let typed = |tables: &Value| -> Vec<Value> { tables.as_array().unwrap().iter().filter(|t| t["name"].as_str().unwrap().contains("trafficking_type: ")).cloned().collect() };
    assert_eq!(typed(trends).len(), 4, "sex and labor, incidents and victims");
    assert_eq!(typed(trends), typed(&public["tables"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_holds_the_years_entries_without_withdrawn_recommendations() {
    let (app, key) = seeded().await;
    let (_, report) = report_json(&app, &key, "2026").await;
    let s = &report["sections"];
    let activities: Vec<&str> = s["activities"]["entries"].as_array().unwrap().iter().map(|a| a["date"].as_str().unwrap()).collect();
    assert_eq!(activities, ["2026-09-15"]);
    let texts = |list: &Value| list.as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(texts(&s["recommendations"]["administrative"]), ["Train every DCF intake worker."]);
    assert_eq!(texts(&s["recommendations"]["legislative"]), ["Fund survivor housing."]);
    assert!(s["calendar"]["duties"].as_array().unwrap().iter().any(|d| d["id"] == "coordinator_annual_report" && d["due"] == "2027-01-01"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_text_is_escaped_in_the_html() {
    let (app, key) = seeded().await;
    let html = report_html(&app, &key).await;
    assert!(html.contains("Met &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; agreed"));
    assert!(!html.contains("<script"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_text_html_gives_the_html_and_a_bad_format_is_400() {
    let (app, key) = seeded().await;
    let r = app.client.get(app.url("/v1/reports/coordinator/2026")).bearer_auth(&key).header("accept", "text/html").send().await.unwrap();
    assert!(r.headers().get("content-type").unwrap().to_str().unwrap().starts_with("text/html"));
    let r = app.get("/v1/reports/coordinator/2026?format=docx", &key).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["path"], "/format");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_without_a_report_is_404_and_a_reporter_is_403() {
    let (app, key) = seeded().await;
    for year in ["2025", "2027", "twenty"] {
        assert_eq!(report_json(&app, &key, year).await.0, 404, "{year}");
    }
    let reporter = app.key("DCF", Role::Reporter).await.unwrap();
    assert_eq!(report_json(&app, &reporter, "2026").await.0, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_report_stays_as_filed_while_the_live_one_changes() {
    let (app, key) = seeded().await;
    let r = app.post_json("/v1/reports/coordinator/2026", &key, String::new()).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let location = r.headers().get("location").unwrap().to_str().unwrap().to_string();
    let frozen: Value = r.json().await.unwrap();
    assert_eq!((frozen["year"].as_i64(), frozen["as_of"].as_str()), (Some(2026), Some("2026-12-03")));
    let html_then = report_html(&app, &key).await;

    let later = json!({"date": "2026-12-02", "kind": "policy", "agencies": ["opm"], "description": "A later activity"});
    assert_eq!(app.post_json("/v1/reports/activities", &key, later.to_string()).await.unwrap().status().as_u16(), 201);

    let (_, live) = report_json(&app, &key, "2026").await;
    assert_eq!(live["sections"]["activities"]["entries"].as_array().unwrap().len(), 2);
    let on_file: Value = app.get(&location, &key).await.unwrap().json().await.unwrap();
    assert_eq!(on_file["report"], frozen["report"]);
    assert_eq!(on_file["report"]["sections"]["activities"]["entries"].as_array().unwrap().len(), 1);
    let html = app.get(&format!("{location}?format=html"), &key).await.unwrap().text().await.unwrap();
    assert_eq!(html, html_then);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn freezing_is_audited_and_a_snapshot_of_another_year_is_404() {
    let (app, key) = seeded().await;
    let r = app.post_json("/v1/reports/coordinator/2026", &key, String::new()).await.unwrap();
    let frozen: Value = r.json().await.unwrap();
    let id = frozen["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/v1/reports/coordinator/2025/snapshots/{id}"), &key).await.unwrap().status().as_u16(), 404);
    assert_eq!(app.post_json("/v1/reports/coordinator/2027", &key, String::new()).await.unwrap().status().as_u16(), 404);

    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct A {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        resource_id: Option<String>,
    }
    let mut conn = app.conn().await.unwrap();
    let rows: Vec<A> = diesel::sql_query("SELECT resource_id FROM audit_log WHERE action = 'report.coordinator.freeze'")
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.resource_id.as_deref()).collect::<Vec<_>>(), [Some(id)]);
}

/// Every entry of every table of people in the report: trends, minors,
/// training and referrals.
fn people_entries(report: &Value) -> Vec<(String, Value)> {
    let s = &report["sections"];
    let mut tables: Vec<&Value> = s["incident_trends"]["tables"].as_array().unwrap().iter().collect();
    tables.push(&s["minors_and_dcf"]["incidents"]);
    tables.push(&s["minors_and_dcf"]["intake"]);
    tables.push(&s["minors_and_dcf"]["responses"]);
    tables.extend(s["training"]["tables"].as_array().unwrap());
    tables.push(&s["referrals"]["table"]);
    tables
        .into_iter()
        .flat_map(|t| t["entries"].as_array().unwrap().iter().map(|e| (t["name"].as_str().unwrap().to_string(), e.clone())))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_new_sections_hold_the_seeded_year_under_disclosure_control() {
    use beacon_core::stats::sections::{minors_section, MinorCounts, SectionFacts};
    use beacon_core::stats::Policy;
    let (app, key) = seeded().await;
    let (_, report) = report_json(&app, &key, "2026").await;
    let s = &report["sections"];

    // No count from 1 to k − 1 in any table of people; withheld is null.
    let entries = people_entries(&report);
    assert!(entries.len() > 40);
    for (name, e) in &entries {
        match e["value"].as_u64() {
            Some(n) => assert!(n == 0 || n >= K, "{name} shows {n}"),
            None => assert_eq!(e["suppressed"], true, "{name}"),
        }
    }

    // Minors: the same tables core builds from the seeded counts, with the
    // trends' verdict on the year's total.
    let trend_total_shown = s["incident_trends"]["tables"][0]["entries"].as_array().unwrap().last().unwrap()["suppressed"] == false;
    let facts = SectionFacts {
        incidents: MinorCounts { minor_notified: 12, minor_not_notified: 3, adult_notified: 0, adult_not_notified: 34 },
        intake: MinorCounts { minor_notified: 12, minor_not_notified: 2, adult_notified: 0, adult_not_notified: 20 },
        ..SectionFacts::default()
    };
    let expected = minors_section(&facts, &Policy::public(K).unwrap(), trend_total_shown).unwrap();
    assert_eq!(s["minors_and_dcf"]["incidents"], serde_json::to_value(&expected.incidents).unwrap());
    assert_eq!(s["minors_and_dcf"]["intake"], serde_json::to_value(&expected.intake).unwrap());
    // Minor, DCF not notified: 3 incidents and 2 submissions, withheld.
    assert_eq!(s["minors_and_dcf"]["incidents"]["entries"][1]["value"], Value::Null);
    assert_eq!(s["minors_and_dcf"]["intake"]["entries"][1]["value"], Value::Null);
    // DCF's responses: none is recorded in the seeded year, so every minor of DCF's queue (as
    // DCF's own list counts them) is without one.
    let dcf = app.key("DCF", Role::Dcf).await.unwrap();
    let queue: Value = app.get("/v1/dcf/minors?per_page=1", &dcf).await.unwrap().json().await.unwrap();
    let minors = queue["total_items"].as_u64().unwrap();
    assert!(minors >= K, "{queue}");
    let values: Vec<Value> = s["minors_and_dcf"]["responses"]["entries"].as_array().unwrap().iter().map(|e| e["value"].clone()).collect();
    assert_eq!(values, [json!(0), json!(0), json!(0), json!(minors), json!(minors)]);
    let unknowns = s["methodology"]["unknowns"].to_string();
    assert!(unknowns.contains("without a recorded response"), "{unknowns}");

    // Training: DCF's 12 compliant and 13 not yet due are shown; CSSD's 2 are not.
    let by_agency = &s["training"]["tables"][0];
    let agencies = by_agency["dimensions"][0]["categories"].clone();
    assert_eq!(agencies, json!(["Court Support Services Division", "Department of Children and Families"]));
    let cell = |t: &Value, at: Value| t["entries"].as_array().unwrap().iter().find(|e| e["at"] == at).unwrap()["value"].clone();
    assert_eq!(cell(by_agency, json!([0, 3])), Value::Null, "CSSD: 2 not yet due");
    assert_eq!(s["training"]["as_of"], "2026-12-03");

    // Directory: Hartford housing has its provider, but referrals were
    // declined for capacity (a gap), said without their number (2).
    let gaps = &s["directory_gaps"];
    let hartford = gaps["cells"].as_array().unwrap().iter().find(|c| c["region"] == "Hartford" && c["category"] == "housing").unwrap();
    assert_eq!((hartford["vetted_providers"].as_i64(), hartford["severity"].as_str()), (Some(1), Some("gap")));
    assert_eq!(hartford["flags"], json!(["demand_exceeds_capacity", "funding_concentration"]), "one source gives it all");
    assert!(!hartford["reasons"].to_string().contains('2'), "{}", hartford["reasons"]);
    assert_eq!(gaps["funding"]["total_cents"], 12_500_000);
    assert_eq!(gaps["funding"]["by_source"][0]["source"], "State budget");

    // Referrals: 15 accepted, shown with their median of 5 days from sending
    // to acceptance; 2 declined for capacity, withheld, and so is their median; the 12 withdrawn are
    // withheld too, or 29 − 15 − 12 would give the 2 away.
    let referrals = &s["referrals"];
    assert_eq!(cell(&referrals["table"], json!([2])), json!(15));
    assert_eq!(cell(&referrals["table"], json!([3])), Value::Null);
    let median = |code: &str| referrals["median_days"].as_array().unwrap().iter().find(|m| m["outcome"] == code).unwrap()["days"].clone();
    assert_eq!(median("accepted"), json!(5.0));
    assert_eq!(median("declined"), Value::Null);
    assert_eq!(cell(&referrals["table"], json!([6])), Value::Null);
    assert_eq!(cell(&referrals["table"], json!([null])), json!(29));
}

/// The charts draw only what the tables publish: every bar, point and county
/// names its value in a tooltip (`<title>Hartford County: 30</title>`), and
/// none is a count from 1 to k − 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_charts_show_no_count_below_k() {
    let (app, key) = seeded().await;
    let html = report_html(&app, &key).await;
    assert_eq!(html.matches("<svg ").count(), 4, "the quarter bars, the county map, the type bars and the gaps heat map");
    // The heat map counts providers (organisations, exact); the others count people.
    let svgs: String = html.split("<svg ").skip(1).filter_map(|s| s.split("</svg>").next()).filter(|s| !s.contains("chart-gaps")).collect();
    let tips: Vec<&str> = svgs.split("<title>").skip(1).filter_map(|s| s.split("</title>").next()).filter(|t| t.contains(": ")).collect();
    assert!(tips.len() >= 20, "8 quarter bars, 8 counties and 4 type bars: {tips:?}");
    for tip in &tips {
        let value = tip.rsplit(": ").next().unwrap();
        if tip.contains(" County: ") {
            // The map shows rates, and none for a withheld count.
            assert!(value == "withheld" || value.parse::<f64>().is_ok(), "the map shows {tip}");
            continue;
        }
        assert!(value == "withheld" || value.parse::<u64>().is_ok_and(|n| n == 0 || n >= K), "a chart shows {tip}");
    }
    // A county's rate is drawn only where its count is shown.
    let (_, report) = report_json(&app, &key, "2026").await;
    let county = report["sections"]["incident_trends"]["tables"].as_array().unwrap().iter().find(|t| t["name"] == "incidents by county").unwrap().clone();
    let names = county["dimensions"][0]["categories"].as_array().unwrap();
    for e in county["entries"].as_array().unwrap() {
        let Some(c) = e["at"][0].as_u64() else { continue };
        let name = names[c as usize].as_str().unwrap();
        let tip = tips.iter().find(|t| t.starts_with(&format!("{name} County: "))).unwrap();
        assert_eq!(tip.ends_with("withheld"), e["suppressed"] == true, "{tip} for {e}");
    }
    assert!(tips.iter().any(|t| t.ends_with("withheld")));
}

/// Each kind lists its own snapshots of a year, a page at a time, each with the URL it is read at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_snapshots_of_a_year_are_listed_by_kind() {
    let (app, key) = seeded().await;
    let mut filed = Vec::new();
    for path in ["/v1/reports/coordinator/2026", "/v1/reports/coordinator/2026", "/v1/reports/task_force/2026"] {
        let r = app.post_json(path, &key, String::new()).await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let location = r.headers().get("location").unwrap().to_str().unwrap().to_string();
        filed.push(location);
    }
    let list: Value = app.get("/v1/reports/coordinator/2026/snapshots", &key).await.unwrap().json().await.unwrap();
    assert_eq!(list["total_items"], 2, "{list}");
    let mut urls: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["url"].as_str().unwrap()).collect();
    urls.sort_unstable();
    let mut expected: Vec<&str> = filed[..2].iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(urls, expected);
    assert!(list["items"].as_array().unwrap().iter().all(|i| i["as_of"] == "2026-12-03" && i["year"] == 2026 && i.get("report").is_none()));
    // The listed URL reads the snapshot.
    assert_eq!(app.get(urls[0], &key).await.unwrap().status().as_u16(), 200);

    let page: Value = app.get("/v1/reports/coordinator/2026/snapshots?per_page=1&page=2", &key).await.unwrap().json().await.unwrap();
    assert_eq!((page["items"].as_array().unwrap().len(), page["total_pages"].as_i64()), (1, Some(2)));
    let task_force: Value = app.get("/v1/reports/task_force/2026/snapshots", &key).await.unwrap().json().await.unwrap();
    assert_eq!(task_force["items"][0]["url"], filed[2].as_str());
    assert_eq!(task_force["total_items"], 1);

    assert_eq!(app.get("/v1/reports/coordinator/2025/snapshots", &key).await.unwrap().status().as_u16(), 404);
    let bad = app.get("/v1/reports/coordinator/2026/snapshots?per_page=0", &key).await.unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let reporter = app.key("DCF", Role::Reporter).await.unwrap();
    assert_eq!(app.get("/v1/reports/task_force/2026/snapshots", &reporter).await.unwrap().status().as_u16(), 403);
}
