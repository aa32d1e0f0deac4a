#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! Training compliance rules: every vector in `tests/fixtures/training/`
//! through the core, plus the calendar facts the rules rest on.

use beacon_core::reference::codes::CodeList;
use beacon_core::training::{
    caseload_eligibility, compliance, initial_due, latest_qualifying_date, required_topics, topic_label, training_lists,
    Completion, ComplianceStatus, CourseFormat, CourseKind, CourseSubject, Person, Population, TrainingTopic,
};
use chrono::{Months, NaiveDate};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const OPTIONAL_KEYS: [&str; 4] = ["history", "late_completions", "trained", "next_due_basis"];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/training")
}

struct Vector {
    file: String,
    person: Person,
    completions: Vec<Completion>,
    as_of: NaiveDate,
    expect: Value,
}

fn parse(path: &Path) -> Result<Vector, String> {
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{file}: {e}"))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{file}: not JSON: {e}"))?;
    let date = |x: &Value, what: &str| -> Result<NaiveDate, String> {
        x.as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .ok_or_else(|| format!("{file}: {what} is not a YYYY-MM-DD date"))
    };
    if !v["name"].is_string() {
        return Err(format!("{file}: no name"));
    }
    let p = &v["person"];
    let population: Population = serde_json::from_value(p["population"].clone())
        .map_err(|e| format!("{file}: person.population: {e}"))?;
    let role = p.get("role").and_then(Value::as_str);
    let contract_start = match p.get("contract_start") {
        Some(c) => Some(date(c, "person.contract_start")?),
        None => None,
    };
    let person = Person {
        population,
        start_date: date(&p["start_date"], "person.start_date")?,
        social_worker_trainee: role == Some("social_worker_trainee"),
        contract_start,
    };
    let completions: Vec<Completion> = serde_json::from_value(v["completions"].clone())
        .map_err(|e| format!("{file}: completions: {e}"))?;
    let as_of = date(&v["as_of"], "as_of")?;
    let expect = v["expect"].clone();
    if !expect["compliance"].is_object() {
        return Err(format!("{file}: no expect.compliance"));
    }
    Ok(Vector { file, person, completions, as_of, expect })
}

fn vectors() -> Vec<Vector> {
    let dir = fixtures_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let (ok, bad): (Vec<_>, Vec<_>) = files.iter().map(|p| parse(p)).partition(Result::is_ok);
    let bad: Vec<String> = bad.into_iter().filter_map(Result::err).collect();
    assert!(bad.is_empty(), "unreadable training vectors:\n{}", bad.join("\n"));
    let ok: Vec<Vector> = ok.into_iter().map(Result::unwrap).collect();
    assert!(ok.len() >= 30, "expected at least 30 training vectors, found {}", ok.len());
    ok
}

#[test]
fn every_training_vector_holds_in_core() {
    let vectors = vectors();
    let mut failures = Vec::new();
    for v in &vectors {
        let got = serde_json::to_value(compliance(&v.person, &v.completions, v.as_of)).unwrap();
        let want = &v.expect["compliance"];
        for key in ["status", "due", "initial_due", "next_due", "last_qualifying_completion"] {
            if got[key] != want[key] {
                failures.push(format!("{}: compliance.{key}: expected {}, got {}", v.file, want[key], got[key]));
            }
        }
        // Members a vector may pin beyond the five every vector has.
        for key in OPTIONAL_KEYS {
            if let Some(w) = want.get(key) {
                if got[key] != *w {
                    failures.push(format!("{}: compliance.{key}: expected {w}, got {}", v.file, got[key]));
                }
            }
        }
        if let Some(labels) = v.expect.get("topic_labels").and_then(Value::as_object) {
            for (topic, want) in labels {
                let t: TrainingTopic = serde_json::from_value(json!(topic)).unwrap();
                if json!(topic_label(t, v.person.population)) != *want {
                    failures.push(format!("{}: topic_labels.{topic}: expected {want}, got {}", v.file, topic_label(t, v.person.population)));
                }
            }
        }
        if let Some(ce) = v.expect.get("caseload") {
            let got = caseload_eligibility(&v.person, &v.completions, v.as_of);
            if json!(got.eligible) != ce["eligible"] {
                failures.push(format!(
                    "{}: caseload.eligible: expected {}, got {} ({})",
                    v.file, ce["eligible"], got.eligible, got.reason
                ));
            }
        }
        let q = latest_qualifying_date(v.person.population, &v.completions, v.as_of);
        if json!(q) != want["last_qualifying_completion"] {
            failures.push(format!("{}: latest_qualifying_date disagrees with compliance", v.file));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches over {} vectors:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

#[test]
fn vectors_cover_every_status_and_population() {
    let vectors = vectors();
    for s in ComplianceStatus::ALL {
        assert!(
            vectors.iter().any(|v| v.expect["compliance"]["status"] == json!(s.code())),
            "no vector expects {s}"
        );
    }
    for p in Population::ALL {
        assert!(vectors.iter().any(|v| v.person.population == *p), "no vector for {p}");
    }
    for eligible in [true, false] {
        assert!(vectors.iter().any(|v| v.expect["caseload"]["eligible"] == json!(eligible)));
    }
}

#[test]
fn chrono_clamps_month_ends_as_the_bill_reads() {
    assert_eq!(d("2028-08-31").checked_add_months(Months::new(6)), Some(d("2029-02-28")));
    assert_eq!(d("2027-08-31").checked_add_months(Months::new(6)), Some(d("2028-02-29")));
    assert_eq!(d("2028-02-29").checked_add_months(Months::new(36)), Some(d("2031-02-28")));
    assert_eq!(d("2028-02-29").checked_add_months(Months::new(48)), Some(d("2032-02-29")));
}

#[test]
fn initial_due_is_the_later_of_the_deadline_and_six_months() {
    assert_eq!(initial_due(d("2020-01-01")), d("2027-07-01"));
    assert_eq!(initial_due(d("2027-01-01")), d("2027-07-01"));
    assert_eq!(initial_due(d("2027-01-02")), d("2027-07-02"));
    assert_eq!(initial_due(d("2028-08-31")), d("2029-02-28"));
    assert_eq!(initial_due(NaiveDate::MAX), NaiveDate::MAX);
}

#[test]
fn required_topics_per_population() {
    assert_eq!(required_topics(Population::DcfEmployee), TrainingTopic::ALL);
    assert_eq!(required_topics(Population::DcfContractedProvider), TrainingTopic::ALL);
    assert_eq!(required_topics(Population::CssdEmployee), TrainingTopic::ALL);
    assert_eq!(
        required_topics(Population::LawEnforcement),
        &[TrainingTopic::LawsProtocols, TrainingTopic::IdentificationServices]
    );
    assert!(required_topics(Population::Other).is_empty());
}

#[test]
fn window_is_365_days_inclusive() {
    let all = |date: &str| Completion::new(d(date), vec![TrainingTopic::TraumaDisclosures]);
    let first = Completion::new(
        d("2027-01-10"),
        vec![TrainingTopic::LawsProtocols, TrainingTopic::IdentificationServices, TrainingTopic::DeescalationHarmReduction],
    );
    let p = Population::DcfEmployee;
    let far = d("2030-01-01");
    assert_eq!(latest_qualifying_date(p, &[first.clone(), all("2028-01-09")], far), Some(d("2028-01-09")));
    assert_eq!(latest_qualifying_date(p, &[first.clone(), all("2028-01-10")], far), None);
    // Nothing on or before the as-of date after the window's end counts.
    assert_eq!(latest_qualifying_date(p, &[first, all("2028-01-09")], d("2028-01-08")), None);
}

#[test]
fn an_empty_completion_never_qualifies() {
    let p = Population::DcfEmployee;
    let full = Completion::new(d("2027-02-01"), TrainingTopic::ALL.to_vec());
    let empty = Completion::new(d("2027-03-01"), vec![]);
    assert_eq!(latest_qualifying_date(p, &[full, empty], d("2027-04-01")), Some(d("2027-02-01")));
}

#[test]
fn caseload_reasons_name_the_rule_and_the_missing_topics() {
    let trainee = Person { population: Population::DcfEmployee, start_date: d("2027-01-01"), social_worker_trainee: true, contract_start: None };
    let staff = Person { social_worker_trainee: false, ..trainee.clone() };
    let partial = [Completion::new(d("2027-02-01"), vec![TrainingTopic::LawsProtocols])];

    let r = caseload_eligibility(&staff, &[], d("2027-03-01"));
    assert!(r.eligible);
    assert_eq!(r.reason, "not a social worker trainee");

    // Family violence is required at every date; before 2027 it is all that is.
    let r = caseload_eligibility(&trainee, &[], d("2026-12-31"));
    assert!(!r.eligible);
    assert_eq!(r.reason, "no family violence training completed on or before 2026-12-31");
    let fv = Completion { subject: CourseSubject::FamilyViolence, ..Completion::new(d("2026-06-01"), vec![]) };
    let r = caseload_eligibility(&trainee, std::slice::from_ref(&fv), d("2026-12-31"));
    assert!(r.eligible, "{}", r.reason);
    assert!(r.reason.contains("family violence training completed on 2026-06-01"), "{}", r.reason);

    let partial = [partial[0].clone(), fv.clone()];
    let r = caseload_eligibility(&trainee, &partial, d("2027-03-01"));
    assert!(!r.eligible);
    for t in ["identification_services", "deescalation_harm_reduction", "trauma_disclosures"] {
        assert!(r.reason.contains(t), "{}", r.reason);
    }
    assert!(!r.reason.contains("laws_protocols"), "{}", r.reason);

    let ht = Completion::new(d("2027-02-01"), TrainingTopic::ALL.to_vec());
    let r = caseload_eligibility(&trainee, std::slice::from_ref(&ht), d("2027-03-01"));
    assert!(!r.eligible, "trafficking training without family violence: {}", r.reason);
    assert!(r.reason.contains("family violence"), "{}", r.reason);
    let full = [ht, fv];
    let r = caseload_eligibility(&trainee, &full, d("2027-03-01"));
    assert!(r.eligible);
    assert!(r.reason.contains("2027-02-01"), "{}", r.reason);

    // A trainee outside the deadline populations is held to the whole curriculum.
    let odd = Person { population: Population::Other, ..trainee };
    assert!(caseload_eligibility(&odd, &full, d("2027-03-01")).eligible);
    assert!(!caseload_eligibility(&odd, &partial, d("2027-03-01")).eligible);
}

#[test]
fn compliance_serialises_dates_as_iso_and_absent_dates_as_null() {
    let p = Person { population: Population::LawEnforcement, start_date: d("2020-01-01"), social_worker_trainee: false, contract_start: None };
    let mut got = serde_json::to_value(compliance(&p, &[], d("2027-01-01"))).unwrap();
    let topics = got.as_object_mut().unwrap().remove("topics").unwrap();
    assert_eq!(topics.as_array().map(Vec::len), Some(4));
    assert_eq!(topics[0]["basis"], "Sec. 10(b)");
    assert_eq!(
        got,
        json!({"status": "not_required", "due": null, "initial_due": "2027-07-01", "next_due": null,
               "last_qualifying_completion": null, "next_due_basis": null, "trained": false, "history": [],
               "late_completions": 0})
    );
}

fn serde_codes_match<T: CodeList + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>() {
    for c in T::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), json!(c.code()), "{}", T::NAME);
        assert_eq!(&serde_json::from_value::<T>(json!(c.code())).unwrap(), c, "{}", T::NAME);
    }
}

#[test]
fn wire_codes_equal_published_codes() {
    serde_codes_match::<TrainingTopic>();
    serde_codes_match::<Population>();
    serde_codes_match::<CourseFormat>();
    serde_codes_match::<CourseSubject>();
    serde_codes_match::<CourseKind>();
    serde_codes_match::<ComplianceStatus>();
    let names: Vec<&str> = training_lists().iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["training_topic", "population", "course_format", "course_subject", "course_kind", "compliance_status"]);
    assert_eq!("live_online".parse::<CourseFormat>(), Ok(CourseFormat::LiveOnline));
}

#[test]
fn law_enforcement_is_counted_trained_or_not_by_agency_and_region() {
    use beacon_core::reference::regions::RegionType;
    use beacon_core::training::tally::{law_enforcement_counts, Officer};
    let o = |agency, town, trained| Officer { agency, town, trained };
    let officers = [
        o("local_police", Some("Hartford"), true),
        o("local_police", Some("hartford"), false),
        o("desp", Some("New London"), true),
        o("desp", None, false),
        o("desp", Some("Atlantis"), false),
    ];
    let got = serde_json::to_value(law_enforcement_counts(&officers, RegionType::DcfRegion)).unwrap();
    assert_eq!(got["trained"], 2);
    assert_eq!(got["not_trained"], 3);
    assert_eq!(
        got["by_agency"],
        json!([{"key": "desp", "trained": 1, "not_trained": 2}, {"key": "local_police", "trained": 1, "not_trained": 1}])
    );
    // Regions in number order; no town (or no town the reference data knows) last.
    assert_eq!(
        got["by_region"],
        json!([{"key": "3", "trained": 1, "not_trained": 0}, {"key": "4", "trained": 1, "not_trained": 1},
               {"key": null, "trained": 0, "not_trained": 2}])
    );
    let by_county = law_enforcement_counts(&officers, RegionType::County);
    assert_eq!(by_county.region_type, "county");
    assert_eq!(by_county.by_region[0].key.as_deref(), Some("Hartford"));
}

#[test]
fn each_population_reads_its_own_sections_words() {
    use beacon_core::training::topics::topic_basis;
    let minors = "Techniques on receiving disclosures of trauma from minor children";
    for (p, basis, disclosures) in [
        (Population::DcfEmployee, "Sec. 4(a)", minors),
        (Population::DcfContractedProvider, "Sec. 4(a)", minors),
        (Population::CssdEmployee, "Sec. 5(a)", minors),
        (Population::Other, "Sec. 1(c)", "Techniques on receiving disclosures of trauma from minor children and adults"),
    ] {
        assert_eq!(topic_basis(p), basis);
        assert_eq!(topic_label(TrainingTopic::TraumaDisclosures, p), disclosures, "{p}");
    }
    // Sec. 4(a) is about minor children throughout; Sec. 5(a)(1)-(3) are not.
    for t in [TrainingTopic::LawsProtocols, TrainingTopic::IdentificationServices, TrainingTopic::DeescalationHarmReduction] {
        assert!(topic_label(t, Population::DcfEmployee).contains("minor children"), "{t}");
        assert!(!topic_label(t, Population::CssdEmployee).contains("minor"), "{t}");
    }
}

#[test]
fn a_courses_subject_decides_its_topics() {
    use beacon_core::training::course::{check_course, NewCourseRequest};
    let body = |subject: CourseSubject, topics: Vec<TrainingTopic>| NewCourseRequest {
        code: "C-1".into(),
        title: "t".into(),
        version: "1".into(),
        format: CourseFormat::Recorded,
        duration_minutes: 60,
        topics,
        subject,
        kind: CourseKind::default(),
        recording_url: None,
        adaptations: vec![],
    };
    assert!(check_course(&body(CourseSubject::FamilyViolence, vec![])).is_ok());
    assert!(check_course(&body(CourseSubject::FamilyViolence, vec![TrainingTopic::LawsProtocols])).is_err());
    assert!(check_course(&body(CourseSubject::HumanTrafficking, vec![])).is_err());
    let ok = check_course(&body(CourseSubject::HumanTrafficking, vec![TrainingTopic::LawsProtocols])).unwrap();
    assert_eq!((ok.subject, ok.kind), (CourseSubject::HumanTrafficking, CourseKind::Either));
}
