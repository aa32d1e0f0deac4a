#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The annual report registers: activities and recommendations (Sec. 1(f)).

use beacon_core::stats::report::{ActivityKind, Committee, RecommendationKind, RecommendationStatus};
use beacon_core::stats::report::merge_patch;
use beacon_core::stats::{check_activity, check_recommendation, Verdict};
use beacon_core::ErrorCode;
use chrono::NaiveDate;
use serde_json::{json, Value};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 3, 15).unwrap()
}

fn activity() -> Value {
    json!({
        "date": "2027-03-15",
        "kind": "training_delivered",
        "agencies": ["dcf", "cssd"],
        "description": "Recorded training on identifying victims, delivered to DCF and CSSD staff."
    })
}

fn recommendation() -> Value {
    json!({
        "year": 2027,
        "kind": "legislative",
        "status": "proposed",
        "text": "Fund a state-wide survivor housing program.",
        "finding": "No region east of the river has emergency housing for adult survivors.",
        "committee": "appropriations"
    })
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

fn without(mut base: Value, key: &str) -> Value {
    base.as_object_mut().unwrap().remove(key);
    base
}

fn errors_of(v: Verdict) -> Vec<(String, ErrorCode)> {
    v.errors.into_iter().map(|e| (e.path, e.code)).collect()
}

#[test]
fn a_valid_activity_is_accepted_with_its_parsed_values() {
    let a = check_activity(&activity().to_string(), today()).unwrap();
    assert_eq!(a.date, today());
    assert_eq!(a.kind, ActivityKind::TrainingDelivered);
    assert_eq!(a.agencies.len(), 2);
}

#[test]
fn every_activity_kind_is_accepted() {
    for kind in ["training_delivered", "meeting", "outreach", "coordination", "policy"] {
        let v = Verdict::activity(&with(activity(), "kind", json!(kind)).to_string(), today());
        assert!(v.ok, "{kind}: {:?}", v.errors);
    }
}

#[test]
fn activity_errors_have_the_expected_path_and_code() {
    let long = "x".repeat(2001);
    let cases: Vec<(&str, Value, &str, ErrorCode)> = vec![
        ("future date", with(activity(), "date", json!("2027-03-16")), "/date", ErrorCode::FutureDate),
        ("not a date", with(activity(), "date", json!("15/03/2027")), "/date", ErrorCode::Format),
        ("impossible date", with(activity(), "date", json!("2027-02-30")), "/date", ErrorCode::Format),
        ("unknown kind", with(activity(), "kind", json!("lobbying")), "/kind", ErrorCode::UnknownCode),
        ("unknown agency", with(activity(), "agencies", json!(["dcf", "fbi"])), "/agencies/1", ErrorCode::UnknownCode),
        ("no agency", with(activity(), "agencies", json!([])), "/agencies", ErrorCode::Length),
        ("repeated agency", with(activity(), "agencies", json!(["dcf", "dcf"])), "/agencies", ErrorCode::Duplicate),
        ("empty description", with(activity(), "description", json!("")), "/description", ErrorCode::Length),
        ("long description", with(activity(), "description", json!(long)), "/description", ErrorCode::Length),
        ("missing date", without(activity(), "date"), "/date", ErrorCode::Required),
        ("missing agencies", without(activity(), "agencies"), "/agencies", ErrorCode::Required),
        ("unknown member", with(activity(), "victim_name", json!("x")), "/victim_name", ErrorCode::UnknownField),
        ("wrong type", with(activity(), "description", json!(5)), "/description", ErrorCode::InvalidType),
        ("an array body", json!(["2027-03-15", "meeting", ["dcf"], "x"]), "", ErrorCode::InvalidType),
    ];
    for (name, body, path, code) in cases {
        let got = errors_of(Verdict::activity(&body.to_string(), today()));
        assert_eq!(got, vec![(path.to_string(), code)], "{name}");
    }
}

#[test]
fn a_description_of_exactly_2000_characters_is_accepted() {
    // Characters, not bytes: 2000 "é" are 4000 bytes.
    let body = with(activity(), "description", json!("é".repeat(2000)));
    assert!(Verdict::activity(&body.to_string(), today()).ok);
}

#[test]
fn an_activity_breaking_several_rules_reports_each_sorted_by_path() {
    let body = json!({"date": "2030-01-01", "kind": "meeting", "agencies": ["opm", "opm"], "description": ""});
    let got = errors_of(Verdict::activity(&body.to_string(), today()));
    assert_eq!(
        got,
        vec![
            ("/agencies".to_string(), ErrorCode::Duplicate),
            ("/date".to_string(), ErrorCode::FutureDate),
            ("/description".to_string(), ErrorCode::Length),
        ]
    );
}

#[test]
fn invalid_json_is_reported_at_the_root() {
    assert_eq!(errors_of(Verdict::activity("{", today())), vec![(String::new(), ErrorCode::InvalidJson)]);
    assert_eq!(errors_of(Verdict::recommendation("{", today())), vec![(String::new(), ErrorCode::InvalidJson)]);
}

#[test]
fn a_valid_recommendation_is_accepted_with_its_parsed_values() {
    let r = check_recommendation(&recommendation().to_string(), today()).unwrap();
    assert_eq!(
        (r.kind, r.status, r.committee),
        (RecommendationKind::Legislative, RecommendationStatus::Proposed, Some(Committee::Appropriations))
    );
}

#[test]
fn every_status_and_committee_is_accepted() {
    for status in ["proposed", "adopted", "in_progress", "implemented", "withdrawn"] {
        assert!(Verdict::recommendation(&with(recommendation(), "status", json!(status)).to_string(), today()).ok, "{status}");
    }
    for committee in ["government_oversight", "judiciary", "appropriations"] {
        assert!(Verdict::recommendation(&with(recommendation(), "committee", json!(committee)).to_string(), today()).ok, "{committee}");
    }
}

#[test]
fn finding_and_committee_are_optional() {
    let body = without(without(recommendation(), "finding"), "committee");
    assert!(Verdict::recommendation(&body.to_string(), today()).ok);
}

#[test]
fn recommendation_errors_have_the_expected_path_and_code() {
    let admin = with(recommendation(), "kind", json!("administrative"));
    let cases: Vec<(&str, Value, &str, ErrorCode)> = vec![
        ("committee on an administrative one", admin, "/committee", ErrorCode::NotAllowed),
        (
            "a committee the bill does not name",
            with(recommendation(), "committee", json!("government_administration_and_elections")),
            "/committee",
            ErrorCode::UnknownCode,
        ),
        ("unknown kind", with(recommendation(), "kind", json!("executive")), "/kind", ErrorCode::UnknownCode),
        ("unknown status", with(recommendation(), "status", json!("done")), "/status", ErrorCode::UnknownCode),
        ("empty text", with(recommendation(), "text", json!("")), "/text", ErrorCode::Length),
        ("long text", with(recommendation(), "text", json!("x".repeat(4001))), "/text", ErrorCode::Length),
        ("empty finding", with(recommendation(), "finding", json!("")), "/finding", ErrorCode::Length),
        ("long finding", with(recommendation(), "finding", json!("x".repeat(501))), "/finding", ErrorCode::Length),
        ("missing text", without(recommendation(), "text"), "/text", ErrorCode::Required),
        ("missing status", without(recommendation(), "status"), "/status", ErrorCode::Required),
        ("unknown member", with(recommendation(), "author", json!("x")), "/author", ErrorCode::UnknownField),
        ("a year before the first report", with(recommendation(), "year", json!(2025)), "/year", ErrorCode::Range),
        ("a year not yet begun", with(recommendation(), "year", json!(2028)), "/year", ErrorCode::Range),
        ("missing year", without(recommendation(), "year"), "/year", ErrorCode::Required),
    ];
    for (name, body, path, code) in cases {
        let got = errors_of(Verdict::recommendation(&body.to_string(), today()));
        assert_eq!(got, vec![(path.to_string(), code)], "{name}");
    }
}

#[test]
fn the_verdict_serialises_in_the_shared_shape() {
    let v = serde_json::to_value(Verdict::recommendation(&with(recommendation(), "text", json!("")).to_string(), today())).unwrap();
    assert_eq!(v["ok"], json!(false));
    assert_eq!(v["errors"][0]["path"], json!("/text"));
    assert_eq!(v["errors"][0]["code"], json!("length"));
    assert_eq!(v["errors"][0]["message"], json!("Must have between 1 and 4000 characters."));
}

#[test]
fn the_first_report_year_and_the_current_year_are_accepted() {
    for year in [2026, 2027] {
        assert!(Verdict::recommendation(&with(recommendation(), "year", json!(year)).to_string(), today()).ok, "{year}");
    }
}

#[test]
fn a_merge_patch_replaces_members_and_the_result_is_checked_whole() {
    let current = check_recommendation(&recommendation().to_string(), today()).unwrap();
    type Outcome = Result<(RecommendationStatus, Option<Committee>), Vec<(String, ErrorCode)>>;
    let cases: Vec<(&str, &str, Outcome)> = vec![
        ("a new status", r#"{"status": "adopted"}"#, Ok((RecommendationStatus::Adopted, Some(Committee::Appropriations)))),
        ("null removes an optional member", r#"{"committee": null}"#, Ok((RecommendationStatus::Proposed, None))),
        ("null on a required member", r#"{"text": null}"#, Err(vec![("/text".into(), ErrorCode::Required)])),
        (
            "a change that breaks a cross-field rule",
            r#"{"kind": "administrative"}"#,
            Err(vec![("/committee".into(), ErrorCode::NotAllowed)]),
        ),
        ("an unknown member", r#"{"author": "x"}"#, Err(vec![("/author".into(), ErrorCode::UnknownField)])),
        ("not an object", "[1]", Err(vec![(String::new(), ErrorCode::InvalidType)])),
        ("not JSON", "{", Err(vec![(String::new(), ErrorCode::InvalidJson)])),
    ];
    for (name, patch, want) in cases {
        let got = merge_patch(&current, patch)
            .and_then(|body| check_recommendation(&body, today()))
            .map(|r| (r.status, r.committee))
            .map_err(|e| e.into_iter().map(|e| (e.path, e.code)).collect::<Vec<_>>());
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn an_activity_patched_with_nothing_is_unchanged() {
    let current = check_activity(&activity().to_string(), today()).unwrap();
    let again = check_activity(&merge_patch(&current, "{}").unwrap(), today()).unwrap();
    assert_eq!(again, current);
}
