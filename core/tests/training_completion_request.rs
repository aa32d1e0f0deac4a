#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The completion request: a person id, one way of naming the course, a date not after today.

use beacon_core::training::completion::{check_request, CourseRef, NewCompletionRequest};
use chrono::NaiveDate;

const PERSON: &str = "7f0b1c1e-1111-4222-8333-444455556666";
const COURSE: &str = "0a0b0c0d-1111-4222-8333-444455556666";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
}

fn request(person: &str, code: Option<&str>, id: Option<&str>, on: &str) -> NewCompletionRequest {
    NewCompletionRequest {
        person_id: person.into(),
        course_code: code.map(Into::into),
        course_id: id.map(Into::into),
        completed_on: on.into(),
    }
}

fn paths(r: &NewCompletionRequest) -> Vec<(String, &'static str)> {
    match check_request(r, today()) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| (e.path, e.code.as_str())).collect(),
    }
}

#[test]
fn a_course_by_code_or_by_id_is_accepted() {
    let by_code = check_request(&request(PERSON, Some("HT-101"), None, "2026-12-03"), today()).unwrap();
    assert_eq!(by_code.course, CourseRef::Code("HT-101".into()));
    assert_eq!(by_code.completed_on, today());
    let by_id = check_request(&request(PERSON, None, Some(COURSE), "2026-01-02"), today()).unwrap();
    assert_eq!(by_id.course.path(), "/course_id");
}

#[test]
fn every_broken_rule_is_listed_at_its_path() {
    let cases: [(NewCompletionRequest, &[(&str, &str)]); 5] = [
        (request("bob", Some("HT-101"), None, "2026-12-03"), &[("/person_id", "format")]),
        (request(PERSON, None, None, "2026-12-03"), &[("/course_code", "required")]),
        (request(PERSON, Some("HT-101"), Some(COURSE), "2026-12-03"), &[("/course_id", "not_allowed")]),
        (request(PERSON, None, Some("nope"), "2026-12-03"), &[("/course_id", "format")]),
        (request("x", None, None, "2026-12-04"), &[("/person_id", "format"), ("/course_code", "required"), ("/completed_on", "future_date")]),
    ];
    for (r, want) in cases {
        let got = paths(&r);
        let want: Vec<(String, &str)> = want.iter().map(|(p, c)| ((*p).to_string(), *c)).collect();
        assert_eq!(got, want, "{r:?}");
    }
}
