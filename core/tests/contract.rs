#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

use beacon_core::reference::geo;
use beacon_core::{check_incident, ErrorCode, IncidentVerdict};
use chrono::NaiveDate;
use serde_json::json;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

fn valid() -> serde_json::Value {
    json!({
        "reporting_agency": "dcf",
        "status": "suspected",
        "incident_date": "2026-05-01",
        "reported_date": "2026-05-03",
        "town": "hartford",
        "trafficking_types": ["sex"],
        "victims": [{"sex": "female", "age": 24}]
    })
}

fn codes(body: &serde_json::Value) -> Vec<(String, ErrorCode)> {
    match check_incident(&body.to_string(), today()) {
        Ok(_) => vec![],
        Err(errs) => errs.into_iter().map(|e| (e.path, e.code)).collect(),
    }
}

#[test]
fn town_table_has_169_towns_with_eight_columns() {
    assert_eq!(geo::towns().len(), 169);
}

#[test]
fn a_valid_report_derives_regions() {
    let v = IncidentVerdict::of(&valid().to_string(), today());
    assert!(v.ok, "{:?}", v.errors);
    let d = v.derived.unwrap();
    assert_eq!(d.town, "Hartford");
    assert_eq!(d.nibrs_offenses, vec!["64A"]);
    assert_eq!(d.county.as_deref(), Some("Hartford"));
    assert!(!d.minor_involved);
}

#[test]
fn unknown_nested_field_is_reported_at_its_own_path() {
    let mut b = valid();
    b["victims"][0]["ssn"] = json!("x");
    assert_eq!(codes(&b), vec![("/victims/0/ssn".to_string(), ErrorCode::UnknownField)]);
}

#[test]
fn missing_nested_field_is_required_where_it_would_be() {
    let mut b = valid();
    b["victims"][0].as_object_mut().unwrap().remove("sex");
    assert_eq!(codes(&b), vec![("/victims/0/sex".to_string(), ErrorCode::Required)]);
}

#[test]
fn unknown_enum_value_in_array_is_unknown_code() {
    let mut b = valid();
    b["trafficking_types"] = json!(["sex", "organs"]);
    assert_eq!(codes(&b), vec![("/trafficking_types/1".to_string(), ErrorCode::UnknownCode)]);
}

#[test]
fn wrong_type_messages_do_not_echo_the_value() {
    let mut b = valid();
    b["victims"][0]["identity"] = json!({"given_name": 12345678});
    let errs = check_incident(&b.to_string(), today()).unwrap_err();
    assert_eq!(errs[0].code, ErrorCode::InvalidType);
    assert_eq!(errs[0].path, "/victims/0/identity/given_name");
    assert!(!errs[0].message.contains("12345678"), "{}", errs[0].message);
}

#[test]
fn every_rule_error_is_reported_together() {
    let mut b = valid();
    b["town"] = json!("Gotham");
    b["incident_date"] = json!("2026-07-01");
    b["trafficking_types"] = json!(["sex", "labor", "sex"]);
    b["victims"][0]["age"] = json!(15);
    b["victims"][0]["identity"] = json!({"phone": "555", "email": "nope", "date_of_birth": "2010-01-01"});
    let mut got = codes(&b);
    got.sort();
    let mut want = vec![
        ("/town".to_string(), ErrorCode::UnknownCode),
        ("/incident_date".to_string(), ErrorCode::FutureDate),
        ("/reported_date".to_string(), ErrorCode::DateOrder),
        ("/trafficking_types".to_string(), ErrorCode::Length),
        ("/trafficking_types".to_string(), ErrorCode::Duplicate),
        ("/victims/0/identity/phone".to_string(), ErrorCode::Format),
        ("/victims/0/identity/email".to_string(), ErrorCode::Format),
        ("/victims/0/age".to_string(), ErrorCode::AgeDobMismatch),
        ("/dcf_notified".to_string(), ErrorCode::MinorRequiresDcfNotification),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn length_message_counts_items_for_arrays() {
    let mut b = valid();
    b["victims"] = json!([]);
    let errs = check_incident(&b.to_string(), today()).unwrap_err();
    assert!(errs[0].message.contains("items"), "{}", errs[0].message);
}

#[test]
fn sealed_values_never_appear_in_debug_output() {
    let mut b = valid();
    b["narrative"] = json!("MARKER-NARRATIVE");
    b["victims"][0]["identity"] = json!({"given_name": "MARKER-NAME"});
    let incident = check_incident(&b.to_string(), today()).unwrap();
    let debug = format!("{incident:?}");
    assert!(!debug.contains("MARKER"), "{debug}");
}

#[test]
fn truncated_body_is_invalid_json_at_root() {
    let errs = check_incident("{\"status\": ", today()).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].path.as_str(), errs[0].code), ("", ErrorCode::InvalidJson));
}

fn serde_codes_match<T: beacon_core::reference::codes::CodeList + serde::Serialize>() {
    for c in T::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!(c.code()), "{}", T::NAME);
    }
}

#[test]
fn wire_codes_equal_published_codes() {
    use beacon_core::reference::codes::*;
    serde_codes_match::<Agency>();
    serde_codes_match::<IncidentStatus>();
    serde_codes_match::<TraffickingType>();
    serde_codes_match::<Venue>();
    serde_codes_match::<ControlMethod>();
    serde_codes_match::<Service>();
    serde_codes_match::<Sex>();
    serde_codes_match::<Citizenship>();
    serde_codes_match::<Relationship>();
}
