#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The rules of training records moved out of the API: a person, a course,
//! a completion (and its CSV row), and which completions count.

use beacon_core::training::completion::{check_completion_row, CompletionRowFields};
use beacon_core::training::course::{check_course, Adaptation, NewCourseRequest};
use beacon_core::training::person::{check_person, check_roster_row, is_social_worker_trainee, PersonFields};
use beacon_core::training::{counting, CompletionRecord, CourseFormat, Population, TrainingTopic};
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn paths<T: std::fmt::Debug>(r: Result<T, Vec<beacon_core::ValidationError>>) -> Vec<String> {
    r.expect_err("expected errors").into_iter().map(|e| format!("{} {}", e.path, e.code.as_str())).collect()
}

fn person() -> PersonFields<'static> {
    PersonFields {
        agency: "dcf",
        population: "dcf_employee",
        employee_ref: "E-1",
        name: Some("Ana Lima"),
        role: None,
        start_date: "2027-01-04",
        active: None,
        town: Some("hartford"),
    }
}

#[test]
fn a_person_table() {
    let cases: Vec<(&str, PersonFields<'static>, Vec<&str>)> = vec![
        ("all good", person(), vec![]),
        ("unknown agency", PersonFields { agency: "nasa", ..person() }, vec!["/agency unknown_code"]),
        ("unknown population", PersonFields { population: "pilot", ..person() }, vec!["/population unknown_code"]),
        ("bad reference", PersonFields { employee_ref: "-x", ..person() }, vec!["/employee_ref format"]),
        ("bad date", PersonFields { start_date: "2027-02-30", ..person() }, vec!["/start_date format"]),
        ("not a town", PersonFields { town: Some("Gotham"), ..person() }, vec!["/town unknown_code"]),
    ];
    for (name, fields, expect) in cases {
        let got = match check_person(&fields) {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| format!("{} {}", e.path, e.code.as_str())).collect(),
        };
        assert_eq!(got, expect, "{name}");
    }
}

#[test]
fn a_person_is_active_by_default_and_keeps_the_town_as_named() {
    let p = check_person(&person()).unwrap();
    assert!(p.active);
    assert_eq!(p.population, Population::DcfEmployee);
    assert_eq!(p.town.as_deref(), Some("Hartford"));
}

#[test]
fn a_roster_row_reads_active_as_true_false_or_empty() {
    assert!(!check_roster_row(person(), Some("false")).unwrap().active);
    assert!(check_roster_row(person(), None).unwrap().active);
    assert_eq!(paths(check_roster_row(PersonFields { agency: "nasa", ..person() }, Some("yes"))), vec!["/active invalid_type", "/agency unknown_code"]);
}

#[test]
fn only_the_social_worker_trainee_role_is_under_the_caseload_rule() {
    assert!(is_social_worker_trainee(Some("social_worker_trainee")));
    assert!(!is_social_worker_trainee(Some("Social Worker Trainee")));
    assert!(!is_social_worker_trainee(None));
}

fn course() -> NewCourseRequest {
    NewCourseRequest {
        code: "HT-101".into(),
        title: "Trafficking of minors".into(),
        version: "2027.1".into(),
        format: CourseFormat::Recorded,
        duration_minutes: 90,
        topics: vec![TrainingTopic::LawsProtocols, TrainingTopic::IdentificationServices],
        subject: Default::default(),
        kind: Default::default(),
        recording_url: Some("https://learn.ct.gov/ht-101".into()),
        adaptations: vec![Adaptation { agency: "dcf".into(), description: "Case studies of DCF referrals".into() }],
    }
}

#[test]
fn a_course_table() {
    let cases: Vec<(&str, NewCourseRequest, Vec<&str>)> = vec![
        ("all good", course(), vec![]),
        ("zero minutes", NewCourseRequest { duration_minutes: 0, ..course() }, vec!["/duration_minutes range"]),
        ("too long", NewCourseRequest { duration_minutes: 601, ..course() }, vec!["/duration_minutes range"]),
        ("beyond i32", NewCourseRequest { duration_minutes: i64::MAX, ..course() }, vec!["/duration_minutes range"]),
        ("no topics", NewCourseRequest { topics: vec![], ..course() }, vec!["/topics length"]),
        (
            "a topic twice",
            NewCourseRequest { topics: vec![TrainingTopic::LawsProtocols, TrainingTopic::LawsProtocols], ..course() },
            vec!["/topics/1 duplicate"],
        ),
        ("not a URL", NewCourseRequest { recording_url: Some("ftp://x".into()), ..course() }, vec!["/recording_url format"]),
        ("no host", NewCourseRequest { recording_url: Some("https://".into()), ..course() }, vec!["/recording_url format"]),
        (
            "unknown adapting agency",
            NewCourseRequest { adaptations: vec![Adaptation { agency: "nasa".into(), description: "x".into() }], ..course() },
            vec!["/adaptations/0/agency unknown_code"],
        ),
    ];
    for (name, body, expect) in cases {
        let got = match check_course(&body) {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| format!("{} {}", e.path, e.code.as_str())).collect(),
        };
        assert_eq!(got, expect, "{name}");
    }
}

fn row() -> CompletionRowFields<'static> {
    CompletionRowFields { agency: "dcf", employee_ref: "E-1", course_code: "HT-101", completed_on: "2027-03-01" }
}

#[test]
fn a_completion_row_table() {
    let today = d("2027-03-01");
    let cases: Vec<(&str, CompletionRowFields<'static>, Vec<&str>)> = vec![
        ("dated today", row(), vec![]),
        ("dated tomorrow", CompletionRowFields { completed_on: "2027-03-02", ..row() }, vec!["/completed_on future_date"]),
        ("not a date", CompletionRowFields { completed_on: "03/01/2027", ..row() }, vec!["/completed_on format"]),
        ("unknown agency", CompletionRowFields { agency: "nasa", ..row() }, vec!["/agency unknown_code"]),
        ("bad course code", CompletionRowFields { course_code: "", ..row() }, vec!["/course_code length"]),
    ];
    for (name, fields, expect) in cases {
        let got = match check_completion_row(&fields, today) {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| format!("{} {}", e.path, e.code.as_str())).collect(),
        };
        assert_eq!(got, expect, "{name}");
    }
}

#[test]
fn voided_completions_never_count() {
    let record = |date: &str, voided| CompletionRecord { date: d(date), topics: vec![TrainingTopic::LawsProtocols], subject: Default::default(), kind: Default::default(), voided };
    let counted = counting(&[record("2027-01-01", false), record("2027-02-01", true), record("2027-03-01", false)]);
    let dates: Vec<NaiveDate> = counted.iter().map(|c| c.date).collect();
    assert_eq!(dates, vec![d("2027-01-01"), d("2027-03-01")]);
}

#[test]
fn a_person_update_table() {
    use beacon_core::training::person::{check_person_update, PersonUpdate};
    let cases: Vec<(&str, PersonUpdate, Vec<&str>)> = vec![
        ("clear the name", PersonUpdate { name: Some(None), ..Default::default() }, vec![]),
        ("deactivate", PersonUpdate { active: Some(false), ..Default::default() }, vec![]),
        ("nothing to change", PersonUpdate::default(), vec![" required"]),
        ("not a population", PersonUpdate { population: Some("pilot".into()), ..Default::default() }, vec!["/population unknown_code"]),
        ("not a date", PersonUpdate { start_date: Some("2027-13-01".into()), ..Default::default() }, vec!["/start_date format"]),
        ("not a town", PersonUpdate { town: Some(Some("Gotham".into())), ..Default::default() }, vec!["/town unknown_code"]),
    ];
    for (name, update, expect) in cases {
        let got = match check_person_update(&update) {
            Ok(_) => vec![],
            Err(e) => e.into_iter().map(|e| format!("{} {}", e.path, e.code.as_str())).collect(),
        };
        assert_eq!(got, expect, "{name}");
    }
}

#[test]
fn an_update_tells_a_null_from_an_absent_member() {
    use beacon_core::training::person::PersonUpdate;
    let cleared: PersonUpdate = serde_json::from_str(r#"{"town": null}"#).unwrap();
    assert_eq!(cleared.town, Some(None));
    let absent: PersonUpdate = serde_json::from_str(r#"{"active": true}"#).unwrap();
    assert_eq!(absent.town, None);
}

#[test]
fn a_roster_names_each_agencys_employee_once() {
    use beacon_core::training::person::RosterFile;
    let mut file = RosterFile::default();
    let first = check_person(&person()).unwrap();
    let other_agency = check_person(&PersonFields { agency: "cssd", population: "cssd_employee", ..person() }).unwrap();
    assert!(file.admit(&first, 2).is_ok());
    assert!(file.admit(&other_agency, 3).is_ok(), "the same reference in another agency is another person");
    let again = file.admit(&first, 4).unwrap_err();
    assert_eq!((again.path.as_str(), again.code.as_str()), ("/employee_ref", "duplicate"));
    assert!(again.message.contains("row 2"), "{}", again.message);
}

#[test]
fn a_completions_file_records_each_completion_once() {
    use beacon_core::training::completion::CompletionFile;
    let today = d("2027-03-01");
    let mut file = CompletionFile::default();
    let one = check_completion_row(&row(), today).unwrap();
    let other_day = check_completion_row(&CompletionRowFields { completed_on: "2027-02-28", ..row() }, today).unwrap();
    assert!(file.admit(&one, 2).is_ok());
    assert!(file.admit(&other_day, 3).is_ok());
    let again = file.admit(&one, 5).unwrap_err();
    assert_eq!((again.path.as_str(), again.code.as_str()), ("", "duplicate"));
    assert!(again.message.contains("row 2"), "{}", again.message);
}
