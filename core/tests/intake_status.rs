#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! Intake status transitions and the intake → draft-incident mapping.

use beacon_core::intake::convert::{draft_incident, SubmissionFacts};
use beacon_core::intake::status::{check_update, IntakeChange, IntakeStatus};
use beacon_core::reference::codes::AgeGroup;
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

type Outcome = Result<IntakeChange, Vec<String>>;
/// A case: its name, the current status, the update's `status` and `dcf_notified`, the outcome.
type Case = (&'static str, IntakeStatus, Option<&'static str>, Option<bool>, Outcome);

fn outcome(current: IntakeStatus, status: Option<&str>, dcf: Option<bool>) -> Outcome {
    check_update(current, status, dcf).map_err(|e| e.into_iter().map(|e| format!("{} {}", e.path, e.code.as_str())).collect())
}

#[test]
fn a_status_update_table() {
    use IntakeStatus::*;
    let ok = |status, record_dcf_notified| Ok(IntakeChange { status, record_dcf_notified });
    let cases: Vec<Case> = vec![
        ("triage a new one", New, Some("triaged"), None, ok(Some(Triaged), false)),
        ("close a triaged one", Triaged, Some("closed"), None, ok(Some(Closed), false)),
        ("reopen a closed one", Closed, Some("new"), None, ok(Some(New), false)),
        ("record DCF notification only", New, None, Some(true), ok(None, true)),
        ("nothing at all", Triaged, None, None, ok(None, false)),
        ("converted only by converting", New, Some("converted"), None, Err(vec!["/status unknown_code".into()])),
        ("not a status", New, Some("done"), None, Err(vec!["/status unknown_code".into()])),
        ("a converted one keeps its status", Converted, Some("new"), None, Err(vec!["/status not_allowed".into()])),
        ("DCF notification still recordable after conversion", Converted, None, Some(true), ok(None, true)),
        ("a notification cannot be withdrawn", New, None, Some(false), Err(vec!["/dcf_notified range".into()])),
    ];
    for (name, current, status, dcf, expect) in cases {
        assert_eq!(outcome(current, status, dcf), expect, "{name}");
    }
}

fn facts() -> SubmissionFacts {
    SubmissionFacts {
        concern_types: vec!["sex_trafficking".into(), "unsure".into()],
        needs: vec!["shelter".into()],
        town: Some("Hartford".into()),
        preferred_language: Some("es".into()),
        age_group: AgeGroup::Unknown,
        dcf_notified: true,
    }
}

#[test]
fn a_draft_takes_the_submission_and_today() {
    let today = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    let draft = draft_incident(&facts(), Map::new(), today);
    assert_eq!(
        draft,
        json!({
            "status": "suspected",
            "incident_date": "2027-03-01",
            "reported_date": "2027-03-01",
            "trafficking_types": ["sex_trafficking"],
            "victims": [{"sex": "unknown", "services_needed": ["shelter"], "language": "es"}],
            "dcf_notified": true,
            "town": "Hartford"
        })
    );
}

#[test]
fn the_coordinators_members_override_the_draft() {
    let today = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    let overrides: Map<String, Value> = json!({"reporting_agency": "dcf", "town": "Bristol"}).as_object().unwrap().clone();
    let draft = draft_incident(&SubmissionFacts { town: None, preferred_language: None, ..facts() }, overrides, today);
    assert_eq!(draft["town"], "Bristol");
    assert_eq!(draft["reporting_agency"], "dcf");
    assert!(draft["victims"][0].get("language").is_none());
}

#[test]
fn only_an_unknown_age_group_is_recorded_and_never_back_to_unknown() {
    use beacon_core::intake::status::check_age_group;
    use beacon_core::reference::codes::AgeGroup;
    let cases: [(IntakeStatus, AgeGroup, &str, Result<AgeGroup, &str>); 6] = [
        (IntakeStatus::New, AgeGroup::Unknown, "12_17", Ok(AgeGroup::From12To17)),
        (IntakeStatus::Triaged, AgeGroup::Unknown, "25_59", Ok(AgeGroup::From25To59)),
        (IntakeStatus::New, AgeGroup::Unknown, "unknown", Err("not_allowed")),
        (IntakeStatus::New, AgeGroup::Unknown, "teen", Err("unknown_code")),
        (IntakeStatus::New, AgeGroup::From18To24, "12_17", Err("not_allowed")),
        (IntakeStatus::Converted, AgeGroup::Unknown, "12_17", Err("not_allowed")),
    ];
    for (status, current, value, want) in cases {
        let got = check_age_group(status, current, value).map_err(|e| {
            assert_eq!(e.path, "/age_group");
            e.code.as_str()
        });
        assert_eq!(got, want, "{status:?} {current:?} {value}");
    }
}
