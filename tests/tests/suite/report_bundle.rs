//! The annual reports' CSV bundle (`format=zip`): the stable file list, every
//! CSV parses, `*` exactly where the JSON says `suppressed: true`, each
//! count file states its rule, and no count from 1 to k − 1 anywhere.

use crate::report_coordinator::{seeded, K};
use beacon_tests::app::TestApp;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;

/// Each file's comment lines, header and rows.
struct Csv {
    comments: Vec<String>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

async fn get_zip(app: &TestApp, key: &str, path: &str, accept: Option<&str>) -> BTreeMap<String, Vec<u8>> {
    let mut req = app.client.get(app.url(path)).bearer_auth(key);
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    let r = req.send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers().get("content-type").unwrap().to_str().unwrap(), "application/zip");
    let body = r.bytes().await.unwrap().to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(body)).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        files.insert(f.name().to_string(), bytes);
    }
    files
}

fn parse(name: &str, bytes: &[u8]) -> Csv {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|_| panic!("{name} is not UTF-8"));
    let comments = text.lines().take_while(|l| l.starts_with('#')).map(str::to_string).collect();
    let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(bytes);
    let header = reader.headers().unwrap_or_else(|e| panic!("{name}: {e}")).iter().map(str::to_string).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap_or_else(|e| panic!("{name}: {e}")).iter().map(str::to_string).collect())
        .collect();
    Csv { comments, header, rows }
}

const COORDINATOR_FILES: [&str; 23] = [
    "01-activities.csv",
    "02-incident-trends-incidents-by-county.csv",
    "02-incident-trends-incidents-by-quarter.csv",
    "02-incident-trends-incidents-by-trafficking-type-labor.csv",
    "02-incident-trends-incidents-by-trafficking-type-sex.csv",
    "02-incident-trends-victims-by-county.csv",
    "02-incident-trends-victims-by-quarter.csv",
    "02-incident-trends-victims-by-trafficking-type-labor.csv",
    "02-incident-trends-victims-by-trafficking-type-sex.csv",
    "03-minors-and-dcf-incidents-by-minor-involved-dcf-notified.csv",
    "03-minors-and-dcf-intake-submissions-by-minor-involved-dcf-notified.csv",
    "03-minors-and-dcf-minors-made-known-to-dcf-by-dcf-response.csv",
    "04-training-staff-by-agency-completed-late.csv",
    "04-training-staff-by-agency-status.csv",
    "04-training-staff-by-population-status.csv",
    "05-directory-gaps-by-county-and-category.csv",
    "05-directory-gaps-funding-by-source.csv",
    "06-referrals-median-days-to-outcome.csv",
    "06-referrals-referrals-by-outcome.csv",
    "07-recommendations.csv",
    "08-calendar.csv",
    "09-methodology.csv",
    "README.txt",
];

/// Every suppressed table of a report's JSON, with the file it belongs in:
/// (section number, section key, table).
fn tables(report: &Value, sections: &[&str]) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (i, key) in sections.iter().enumerate() {
        let Some(section) = report["sections"].get(*key) else { continue };
        let mut found: Vec<&Value> = section.get("tables").and_then(Value::as_array).map(|t| t.iter().collect()).unwrap_or_default();
        found.extend(["incidents", "intake", "table"].iter().filter_map(|m| section.get(*m)).filter(|t| t.get("entries").is_some()));
        for t in found {
            let slug = |s: &str| s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-").to_lowercase();
            out.push((format!("{:02}-{}-{}.csv", i + 1, slug(key), slug(t["name"].as_str().unwrap())), t.clone()));
        }
    }
    out
}

/// Each JSON table's file: its rows follow the JSON's entries, `*` exactly
/// where withheld, the count otherwise; and the file's first line is the rule.
fn check_against_json(files: &BTreeMap<String, Vec<u8>>, report: &Value, sections: &[&str]) {
    let tables = tables(report, sections);
    assert!(tables.len() >= 8, "the report's suppressed tables are found: {}", tables.len());
    let mut withheld = 0;
    for (name, table) in tables {
        let csv = parse(&name, files.get(&name).unwrap_or_else(|| panic!("no {name} in {:?}", files.keys())));
        assert_eq!(csv.header.last().map(String::as_str), Some("count"), "{name}");
        assert!(csv.comments.first().is_some_and(|c| c.contains(table["rule"].as_str().unwrap())), "{name} states its rule: {:?}", csv.comments);
        let entries = table["entries"].as_array().unwrap();
        assert_eq!(csv.rows.len(), entries.len(), "{name}");
        for (row, entry) in csv.rows.iter().zip(entries) {
            let count = row.last().unwrap();
            if entry["suppressed"] == true {
                assert_eq!(count, "*", "{name}: {row:?}");
                withheld += 1;
            } else {
                assert_eq!(count, &entry["value"].as_u64().unwrap().to_string(), "{name}: {row:?}");
            }
        }
    }
    assert!(withheld > 0, "the seeded year has withheld cells");
}

/// No `count` column of any CSV holds a count from 1 to k − 1.
fn check_no_count_below_k(files: &BTreeMap<String, Vec<u8>>) {
    let mut counts = 0;
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".csv")) {
        let csv = parse(name, bytes);
        let Some(col) = csv.header.iter().position(|h| h == "count") else { continue };
        for row in &csv.rows {
            let cell = &row[col];
            counts += 1;
            assert!(cell == "*" || cell.parse::<u64>().is_ok_and(|n| n == 0 || n >= K), "{name}: a count of {cell} in {row:?}");
        }
    }
    assert!(counts > 50, "the bundle's counts were read ({counts})");
}

const COORDINATOR_SECTIONS: [&str; 6] = ["activities", "incident_trends", "minors_and_dcf", "training", "directory_gaps", "referrals"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_coordinator_bundle_has_a_csv_per_table_withheld_where_the_json_says() {
    let (app, key) = seeded().await;
    let files = get_zip(&app, &key, "/v1/reports/coordinator/2026?format=zip", None).await;
    assert_eq!(files.keys().map(String::as_str).collect::<Vec<_>>(), COORDINATOR_FILES);
    let report: Value = app.get("/v1/reports/coordinator/2026", &key).await.unwrap().json().await.unwrap();
    check_against_json(&files, &report, &COORDINATOR_SECTIONS);
    check_no_count_below_k(&files);

    let readme = String::from_utf8(files["README.txt"].clone()).unwrap();
    for name in COORDINATOR_FILES.iter().filter(|n| n.ends_with(".csv")) {
        assert!(readme.contains(name), "README.txt lists {name}");
    }
    assert!(readme.contains(report["sections"]["methodology"]["suppression_rule"].as_str().unwrap()));

    // The registers as the report prints them: the activity's text whole, the withdrawn recommendation left out.
    let activities = parse("01-activities.csv", &files["01-activities.csv"]);
    assert_eq!(activities.header, ["date", "kind", "agencies", "description"]);
    assert_eq!(activities.rows, [vec!["2026-09-15", "meeting", "dcf; opm", "Met <script>alert('x')</script> & agreed a referral protocol."]]);
    let recommendations = parse("07-recommendations.csv", &files["07-recommendations.csv"]);
    let texts: Vec<&str> = recommendations.rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(texts, ["Train every DCF intake worker.", "Fund survivor housing."]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_application_zip_gives_the_bundle() {
    let (app, key) = seeded().await;
    let by_accept = get_zip(&app, &key, "/v1/reports/coordinator/2026", Some("application/zip")).await;
    let by_format = get_zip(&app, &key, "/v1/reports/coordinator/2026?format=zip", None).await;
    assert_eq!(by_accept, by_format);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_task_force_bundle_and_the_snapshots_bundles_are_cut_the_same_way() {
    let (app, key) = seeded().await;
    let files = get_zip(&app, &key, "/v1/reports/task_force/2026?format=zip", None).await;
    let report: Value = app.get("/v1/reports/task_force/2026", &key).await.unwrap().json().await.unwrap();
    let sections = ["activities", "trends", "minors_and_dcf", "training", "referrals", "service_capacity"];
    check_against_json(&files, &report, &sections);
    check_no_count_below_k(&files);
    assert!(files.contains_key("06-service-capacity-by-county-and-category.csv"), "{:?}", files.keys());
    assert!(!files.keys().any(|n| n.starts_with("01-")), "the task force keeps no activity register here");
    let readme = String::from_utf8(files["README.txt"].clone()).unwrap();
    assert!(readme.contains("Not in this bundle"), "{readme}");

    for kind in ["coordinator", "task_force"] {
        let r = app.client.post(app.url(&format!("/v1/reports/{kind}/2026"))).bearer_auth(&key).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 201);
        let location = r.headers().get("location").unwrap().to_str().unwrap().to_string();
        let filed = get_zip(&app, &key, &format!("{location}?format=zip"), None).await;
        let live = get_zip(&app, &key, &format!("/v1/reports/{kind}/2026?format=zip"), None).await;
        assert_eq!(filed, live, "{kind}: a snapshot of today's report bundles as today's report does");
    }
}
