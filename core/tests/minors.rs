#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! Sec. 10: a victim's age band, and converting a minor's intake without losing the minor.

use beacon_core::intake::convert::{convert_submission, SubmissionFacts};
use beacon_core::reference::codes::{AgeGroup, CodeList};
use beacon_core::{check_incident, ErrorCode};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

/// A report whose one victim has the given `age` and `age_band` members (left out when `None`),
/// with DCF notified so that the minor rule does not hide the band rule.
fn report(age: Option<i64>, band: Option<&str>, dob: Option<&str>) -> Value {
    let mut victim = json!({"sex": "female"});
    if let Some(age) = age {
        victim["age"] = json!(age);
    }
    if let Some(band) = band {
        victim["age_band"] = json!(band);
    }
    if let Some(dob) = dob {
        victim["identity"] = json!({"date_of_birth": dob});
    }
    json!({
        "reporting_agency": "dcf",
        "status": "suspected",
        "incident_date": "2026-05-01",
        "reported_date": "2026-05-03",
        "town": "Hartford",
        "trafficking_types": ["sex"],
        "victims": [victim],
        "dcf_notified": true
    })
}

/// `Ok(minor_involved)` or the `(path, code)` of every error.
fn verdict(body: &Value) -> Result<bool, Vec<(String, ErrorCode)>> {
    check_incident(&body.to_string(), today())
        .map(|i| i.derived.minor_involved)
        .map_err(|errs| errs.into_iter().map(|e| (e.path, e.code)).collect())
}

fn band_mismatch() -> Result<bool, Vec<(String, ErrorCode)>> {
    Err(vec![("/victims/0/age_band".into(), ErrorCode::AgeBandMismatch)])
}

#[test]
fn the_age_band_rule_table() {
    type Case = (&'static str, Option<i64>, Option<&'static str>, Option<&'static str>, Result<bool, Vec<(String, ErrorCode)>>);
    let cases: Vec<Case> = vec![
        ("no age, no band: not a minor", None, None, None, Ok(false)),
        ("band under_12 alone is a minor", None, Some("under_12"), None, Ok(true)),
        ("band 12_17 alone is a minor", None, Some("12_17"), None, Ok(true)),
        ("band 18_24 alone is an adult", None, Some("18_24"), None, Ok(false)),
        ("band 25_59 alone is an adult", None, Some("25_59"), None, Ok(false)),
        ("band 60_plus alone is an adult", None, Some("60_plus"), None, Ok(false)),
        ("band unknown says nothing", None, Some("unknown"), None, Ok(false)),
        ("11 in under_12", Some(11), Some("under_12"), None, Ok(true)),
        ("12 is not under_12", Some(12), Some("under_12"), None, band_mismatch()),
        ("12 in 12_17", Some(12), Some("12_17"), None, Ok(true)),
        ("17 in 12_17", Some(17), Some("12_17"), None, Ok(true)),
        ("18 is not 12_17", Some(18), Some("12_17"), None, band_mismatch()),
        ("15 is not 18_24", Some(15), Some("18_24"), None, band_mismatch()),
        ("24 in 18_24", Some(24), Some("18_24"), None, Ok(false)),
        ("25 is not 18_24", Some(25), Some("18_24"), None, band_mismatch()),
        ("59 in 25_59", Some(59), Some("25_59"), None, Ok(false)),
        ("60 in 60_plus", Some(60), Some("60_plus"), None, Ok(false)),
        ("59 is not 60_plus", Some(59), Some("60_plus"), None, band_mismatch()),
        ("any age in unknown", Some(40), Some("unknown"), None, Ok(false)),
        ("age from date_of_birth checked too", None, Some("18_24"), Some("2011-01-01"), band_mismatch()),
        ("age from date_of_birth agreeing", None, Some("12_17"), Some("2011-01-01"), Ok(true)),
        (
            "not a band",
            None,
            Some("teen"),
            None,
            Err(vec![("/victims/0/age_band".into(), ErrorCode::UnknownCode)]),
        ),
    ];
    for (name, age, band, dob, expect) in cases {
        assert_eq!(verdict(&report(age, band, dob)), expect, "{name}");
    }
}

#[test]
fn a_minor_band_without_dcf_notification_is_refused() {
    let mut body = report(None, Some("12_17"), None);
    body["dcf_notified"] = json!(false);
    assert_eq!(
        verdict(&body),
        Err(vec![("/dcf_notified".into(), ErrorCode::MinorRequiresDcfNotification)])
    );
}

#[test]
fn the_victim_keeps_its_band_and_unknown_is_none() {
    let incident = check_incident(&report(None, Some("12_17"), None).to_string(), today()).unwrap();
    assert_eq!(incident.victims[0].age_band, Some(AgeGroup::From12To17));
    let incident = check_incident(&report(None, Some("unknown"), None).to_string(), today()).unwrap();
    assert_eq!(incident.victims[0].age_band, None);
}

fn facts(age_group: AgeGroup, dcf_notified: bool) -> SubmissionFacts {
    SubmissionFacts {
        concern_types: vec!["sex".into()],
        needs: vec![],
        town: Some("Hartford".into()),
        preferred_language: None,
        age_group,
        dcf_notified,
    }
}

fn members(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

#[test]
fn every_age_group_converts() {
    for &group in AgeGroup::ALL {
        // A minor's submission converts once DCF's notification is recorded on it.
        let incident = convert_submission(&facts(group, group.is_minor()), members(json!({"reporting_agency": "dcf"})), today())
            .unwrap_or_else(|e| panic!("{group}: {e:?}"));
        assert_eq!(incident.derived.minor_involved, group.is_minor(), "{group}");
        assert_eq!(incident.victims[0].age_band, group.as_band(), "{group}");
        assert_eq!(incident.dcf_notified, group.is_minor(), "{group}");
    }
}

#[test]
fn only_under_12_and_12_17_are_minor_groups() {
    let minors: Vec<&str> = AgeGroup::ALL.iter().filter(|g| g.is_minor()).map(|g| g.code()).collect();
    assert_eq!(minors, ["under_12", "12_17"]);
}

#[test]
fn a_minor_not_yet_notified_to_dcf_does_not_convert() {
    let errs = convert_submission(&facts(AgeGroup::From12To17, false), members(json!({"reporting_agency": "dcf"})), today())
        .unwrap_err();
    let got: Vec<(String, ErrorCode)> = errs.into_iter().map(|e| (e.path, e.code)).collect();
    assert_eq!(got, [("/dcf_notified".to_string(), ErrorCode::MinorRequiresDcfNotification)]);
}

#[test]
fn a_conversion_that_drops_what_the_submission_recorded_is_refused() {
    type Case = (&'static str, AgeGroup, bool, Value, Vec<(&'static str, ErrorCode)>);
    let drops = ErrorCode::ContradictsSubmission;
    let cases: Vec<Case> = vec![
        (
            "victims replaced without the band",
            AgeGroup::From12To17,
            true,
            json!({"victims": [{"sex": "female"}]}),
            vec![("/victims/0/age_band", drops)],
        ),
        (
            "a minor's band turned adult",
            AgeGroup::Under12,
            true,
            json!({"victims": [{"sex": "female", "age_band": "18_24"}]}),
            vec![("/victims/0/age_band", drops)],
        ),
        (
            "a minor's band turned unknown",
            AgeGroup::From12To17,
            true,
            json!({"victims": [{"sex": "female", "age_band": "unknown"}]}),
            vec![("/victims/0/age_band", drops)],
        ),
        (
            "an adult's band dropped",
            AgeGroup::From25To59,
            false,
            json!({"victims": [{"sex": "male"}]}),
            vec![("/victims/0/age_band", drops)],
        ),
        (
            "DCF's notification turned false",
            AgeGroup::From12To17,
            true,
            json!({"dcf_notified": false}),
            vec![("/dcf_notified", drops), ("/dcf_notified", ErrorCode::MinorRequiresDcfNotification)],
        ),
        (
            "DCF's notification of an adult turned false",
            AgeGroup::From18To24,
            true,
            json!({"dcf_notified": false}),
            vec![("/dcf_notified", drops)],
        ),
    ];
    for (name, group, dcf, overrides, want) in cases {
        let mut overrides = members(overrides);
        overrides.insert("reporting_agency".into(), json!("dcf"));
        let errs = convert_submission(&facts(group, dcf), overrides, today()).unwrap_err();
        let mut got: Vec<(String, ErrorCode)> = errs.into_iter().map(|e| (e.path, e.code)).collect();
        got.sort();
        let mut want: Vec<(String, ErrorCode)> = want.into_iter().map(|(p, c)| (p.to_string(), c)).collect();
        want.sort();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn overrides_that_keep_the_band_convert() {
    let overrides = members(json!({
        "reporting_agency": "dcf",
        "victims": [{"sex": "female", "age": 15, "age_band": "12_17"}]
    }));
    let incident = convert_submission(&facts(AgeGroup::From12To17, true), overrides, today()).unwrap();
    assert!(incident.derived.minor_involved);
    assert_eq!(incident.victims[0].age, Some(15));
}

#[test]
fn an_unknown_age_group_allows_any_victims() {
    let overrides = members(json!({"reporting_agency": "dcf", "victims": [{"sex": "female", "age": 30}]}));
    let incident = convert_submission(&facts(AgeGroup::Unknown, false), overrides, today()).unwrap();
    assert!(!incident.derived.minor_involved);
}
