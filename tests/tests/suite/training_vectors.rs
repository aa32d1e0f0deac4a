//! Training compliance vectors (`tests/fixtures/training/`): each must be well
//! formed. The core runs them in `core/tests/training.rs`; the API runner
//! sends them through `/v1/workforce/{id}/compliance` and `/caseload-eligibility`.

use serde_json::Value;
use std::path::{Path, PathBuf};

const POPULATIONS: &[&str] = &["dcf_employee", "dcf_contracted_provider", "cssd_employee", "law_enforcement", "other"];
const TOPICS: &[&str] = &["laws_protocols", "identification_services", "deescalation_harm_reduction", "trauma_disclosures"];
const STATUSES: &[&str] = &["compliant", "due_soon", "overdue", "not_yet_due", "not_required"];
const SUBJECTS: &[&str] = &["human_trafficking", "family_violence"];
const KINDS: &[&str] = &["initial", "refresher", "either"];
/// Compliance members a vector may pin beyond the five every vector has.
const OPTIONAL_KEYS: [&str; 4] = ["history", "late_completions", "trained", "next_due_basis"];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("training")
}

fn is_date(v: &Value) -> bool {
    v.as_str().and_then(beacon_core::reference::dates::parse_iso_date).is_some()
}

fn date_or_null(v: &Value) -> bool {
    v.is_null() || is_date(v)
}

/// Every problem with one vector, empty when it is well formed.
fn problems(v: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let mut check = |ok: bool, what: &str| {
        if !ok {
            p.push(what.to_owned());
        }
    };
    check(v["name"].as_str().is_some_and(|s| !s.is_empty()), "name");
    let person = &v["person"];
    check(person["population"].as_str().is_some_and(|s| POPULATIONS.contains(&s)), "person.population");
    check(is_date(&person["start_date"]), "person.start_date");
    check(person.get("role").is_none_or(Value::is_string), "person.role");
    check(person.get("contract_start").is_none_or(is_date), "person.contract_start");
    check(is_date(&v["as_of"]), "as_of");
    let completions = v["completions"].as_array();
    check(completions.is_some(), "completions");
    for c in completions.into_iter().flatten() {
        check(is_date(&c["date"]), "completions[].date");
        let topics_ok = c["topics"]
            .as_array()
            .is_some_and(|t| t.iter().all(|t| t.as_str().is_some_and(|s| TOPICS.contains(&s))));
        check(topics_ok, "completions[].topics");
        let code_or_absent = |key: &str, codes: &[&str]| c.get(key).is_none_or(|s| s.as_str().is_some_and(|s| codes.contains(&s)));
        check(code_or_absent("subject", SUBJECTS), "completions[].subject");
        check(code_or_absent("kind", KINDS), "completions[].kind");
    }
    let c = &v["expect"]["compliance"];
    check(c["status"].as_str().is_some_and(|s| STATUSES.contains(&s)), "expect.compliance.status");
    check(is_date(&c["initial_due"]), "expect.compliance.initial_due");
    for key in ["due", "next_due", "last_qualifying_completion"] {
        check(c.get(key).is_some_and(date_or_null), &format!("expect.compliance.{key}"));
    }
    if let Some(ce) = v["expect"].get("caseload") {
        check(ce["eligible"].is_boolean(), "expect.caseload.eligible");
    }
    p
}

#[test]
fn at_least_30_training_vectors_exist_and_each_parses() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "expected at least 30 training vectors, found {}", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        match serde_json::from_str::<Value>(&std::fs::read_to_string(f).unwrap()) {
            Err(e) => failures.push(format!("{name}: not JSON: {e}")),
            Ok(v) => {
                let p = problems(&v);
                if !p.is_empty() {
                    failures.push(format!("{name}: bad {}", p.join(", ")));
                }
            }
        }
    }
    assert!(failures.is_empty(), "malformed training vectors:\n{}", failures.join("\n"));
}

/// The API runner: each vector becomes a person (agency `dcf`, its own
/// `employee_ref`; with a `contract_start`, linked to a contracted provider of
/// that contract start), a course per distinct topic set, subject and kind
/// (shared across vectors), and completions through
/// `POST /v1/training/completions`; then
/// `GET /v1/workforce/{id}/compliance?as_of=` must answer exactly the expected
/// five members (and any optional member or topic label the vector pins), and
/// `GET …/caseload-eligibility?on=` (the vector's `as_of`) the expected
/// `eligible`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_training_vector_holds_through_the_api() {
    use beacon_api::security::Role;
    use beacon_tests::app::TestApp;
    use serde_json::json;
    use std::collections::{BTreeSet, HashMap};

    let app = TestApp::spawn().await.unwrap();
    // Completions may not be dated after "today": put today past every vector.
    app.set_today(chrono::NaiveDate::from_ymd_opt(2100, 1, 1).unwrap());
    let key = app.key("Training coordinator", Role::Coordinator).await.unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut courses: HashMap<(BTreeSet<String>, String, String), String> = HashMap::new();
    let mut failures = Vec::new();
    for (n, f) in files.iter().enumerate() {
        let file = f.file_name().unwrap().to_string_lossy().into_owned();
        let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let p = &v["person"];
        let mut person = json!({"agency": "dcf", "population": p["population"], "employee_ref": format!("vector-{n:03}"),
                                "start_date": p["start_date"]});
        if let Some(role) = p.get("role") {
            person["role"] = role.clone();
        }
        if let Some(contract_start) = p.get("contract_start") {
            let body = json!({"name": format!("Provider of vector {n:03}"), "contract_start": contract_start});
            let r = app.post_json("/v1/training/providers", &key, body.to_string()).await.unwrap();
            assert_eq!(r.status().as_u16(), 201, "{file}: creating the provider: {}", r.text().await.unwrap());
            person["provider_id"] = r.json::<Value>().await.unwrap()["id"].clone();
        }
        let r = app.post_json("/v1/workforce", &key, person.to_string()).await.unwrap();
        assert_eq!(r.status().as_u16(), 201, "{file}: creating the person: {}", r.text().await.unwrap());
        let person_id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
        for c in v["completions"].as_array().unwrap() {
            let topics: BTreeSet<String> =
                c["topics"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
            let subject = c.get("subject").and_then(Value::as_str).unwrap_or("human_trafficking").to_string();
            let kind = c.get("kind").and_then(Value::as_str).unwrap_or("either").to_string();
            // A trafficking completion covering no topic changes nothing under
            // the rules, and no such course exists: nothing to record.
            if topics.is_empty() && subject == "human_trafficking" {
                continue;
            }
            let course = (topics.clone(), subject.clone(), kind.clone());
            if !courses.contains_key(&course) {
                let code = format!("course-{}", courses.len() + 1);
                let body = json!({"code": code, "title": format!("{subject} {kind} course covering {}", topics.iter().cloned().collect::<Vec<_>>().join(", ")),
                                  "version": "1", "format": "recorded", "duration_minutes": 60, "topics": topics,
                                  "subject": subject, "kind": kind});
                let r = app.post_json("/v1/training/courses", &key, body.to_string()).await.unwrap();
                assert_eq!(r.status().as_u16(), 201, "{file}: creating a course: {}", r.text().await.unwrap());
                courses.insert(course.clone(), code);
            }
            let body = json!({"person_id": person_id, "course_code": courses[&course], "completed_on": c["date"]});
            let r = app.post_json("/v1/training/completions", &key, body.to_string()).await.unwrap();
            assert_eq!(r.status().as_u16(), 201, "{file}: recording a completion: {}", r.text().await.unwrap());
        }
        let as_of = v["as_of"].as_str().unwrap();
        let r = app.get(&format!("/v1/workforce/{person_id}/compliance?as_of={as_of}"), &key).await.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{file}: compliance");
        let got: Value = r.json().await.unwrap();
        let want = &v["expect"]["compliance"];
        for k in ["status", "due", "initial_due", "next_due", "last_qualifying_completion"] {
            if got[k] != want[k] {
                failures.push(format!("{file}: compliance.{k}: expected {}, got {}", want[k], got[k]));
            }
        }
        for k in OPTIONAL_KEYS {
            if let Some(w) = want.get(k) {
                if got[k] != *w {
                    failures.push(format!("{file}: compliance.{k}: expected {w}, got {}", got[k]));
                }
            }
        }
        for (topic, label) in v["expect"].get("topic_labels").and_then(Value::as_object).into_iter().flatten() {
            let shown = got["topics"].as_array().into_iter().flatten().find(|t| t["topic"] == *topic).map(|t| t["label"].clone());
            if shown.as_ref() != Some(label) {
                failures.push(format!("{file}: topics.{topic}: expected {label}, got {shown:?}"));
            }
        }
        if let Some(ce) = v["expect"].get("caseload") {
            let r = app.get(&format!("/v1/workforce/{person_id}/caseload-eligibility?on={as_of}"), &key).await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "{file}: caseload");
            let got: Value = r.json().await.unwrap();
            if got["eligible"] != ce["eligible"] {
                failures.push(format!("{file}: caseload.eligible: expected {}, got {} ({})", ce["eligible"], got["eligible"], got["reason"]));
            }
            if let Some(reason) = ce.get("reason") {
                if got["reason"] != *reason {
                    failures.push(format!("{file}: caseload.reason: expected {reason}, got {}", got["reason"]));
                }
            }
        }
    }
    assert!(files.len() >= 30, "expected at least 30 training vectors, found {}", files.len());
    assert!(failures.is_empty(), "{} mismatches over {} vectors:\n{}", failures.len(), files.len(), failures.join("\n"));
}
