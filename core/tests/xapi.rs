#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! `beacon_core::training::xapi`: the subset of xAPI 1.0.3 Beacon reads.

use beacon_core::training::xapi::{check, statement_id, version_supported, Kind, VERB_COMPLETED, VERB_VOIDED};
use chrono::NaiveDate;
use serde_json::{json, Value};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn completed() -> Value {
    json!({
        "id": "3F2504E0-4F89-11D3-9A0C-0305E82C3301",
        "actor": {"objectType": "Agent", "account": {"homePage": "urn:beacon:agency:dcf", "name": "E-1"}},
        "verb": {"id": VERB_COMPLETED},
        "object": {"objectType": "Activity", "id": "urn:beacon:course:HT-101"},
        "timestamp": "2027-03-02T01:30:00Z"
    })
}

fn with(mut v: Value, pointer: &str, value: Value) -> Value {
    *v.pointer_mut(pointer).unwrap() = value;
    v
}

fn without(mut v: Value, key: &str) -> Value {
    v.as_object_mut().unwrap().remove(key);
    v
}

fn errors(v: &Value, today: NaiveDate) -> Vec<String> {
    match check(v, today) {
        Ok(_) => vec![],
        Err(e) => e.into_iter().map(|e| format!("{} {}", e.path, e.code.as_str())).collect(),
    }
}

#[test]
fn a_statement_table() {
    let today = d("2027-03-01");
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        ("a completion", completed(), vec![]),
        ("not an object", json!([1]), vec![" invalid_type"]),
        ("a bad id", with(completed(), "/id", json!("nope")), vec!["/id format"]),
        ("an id that is not text", with(completed(), "/id", json!(7)), vec!["/id invalid_type"]),
        ("no actor", without(completed(), "actor"), vec!["/actor required"]),
        ("a Group actor", with(completed(), "/actor/objectType", json!("Group")), vec!["/actor/objectType unknown_code"]),
        ("another home page", with(completed(), "/actor/account/homePage", json!("https://lms.example")), vec!["/actor/account/homePage format"]),
        ("not an agency", with(completed(), "/actor/account/homePage", json!("urn:beacon:agency:nasa")), vec!["/actor/account/homePage unknown_code"]),
        ("no verb", without(completed(), "verb"), vec!["/verb required"]),
        ("a future timestamp", with(completed(), "/timestamp", json!("2027-03-02T12:00:00-05:00")), vec!["/timestamp future_date"]),
        ("a timestamp without a zone", with(completed(), "/timestamp", json!("2027-03-01T12:00:00")), vec!["/timestamp format"]),
        ("a void of a non-UUID", json!({
            "actor": {"account": {"homePage": "urn:beacon:agency:dcf", "name": "E-1"}},
            "verb": {"id": VERB_VOIDED},
            "object": {"objectType": "StatementRef", "id": "x"}
        }), vec!["/object/id format"]),
        ("a void of an Activity", json!({
            "actor": {"account": {"homePage": "urn:beacon:agency:dcf", "name": "E-1"}},
            "verb": {"id": VERB_VOIDED},
            "object": {"id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}
        }), vec!["/object/objectType required"]),
    ];
    for (name, v, expect) in cases {
        assert_eq!(errors(&v, today), expect, "{name}");
    }
}

#[test]
fn a_completion_is_dated_in_connecticut() {
    // 01:30 UTC on 2 March is 20:30 on 1 March in Hartford.
    let s = check(&completed(), d("2027-03-01")).unwrap();
    assert_eq!(s.kind, Kind::Completion { course_code: "HT-101".into(), on: d("2027-03-01") });
    assert_eq!(s.id.as_deref(), Some("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
}

#[test]
fn a_completion_without_a_timestamp_is_dated_today() {
    let s = check(&without(completed(), "timestamp"), d("2027-04-10")).unwrap();
    assert_eq!(s.kind, Kind::Completion { course_code: "HT-101".into(), on: d("2027-04-10") });
}

#[test]
fn a_failed_attempt_or_another_activity_is_kept_not_counted() {
    let failed = with(completed(), "/timestamp", json!("2027-03-01T12:00:00Z"));
    let mut failed = failed;
    failed["result"] = json!({"success": false});
    assert_eq!(check(&failed, d("2027-03-01")).unwrap().kind, Kind::Other);
    let other = with(completed(), "/object/id", json!("https://lms.example/course/9"));
    assert_eq!(check(&other, d("2027-03-01")).unwrap().kind, Kind::Other);
}

#[test]
fn a_statement_without_an_id_leaves_it_to_the_server() {
    assert_eq!(check(&without(completed(), "id"), d("2027-03-01")).unwrap().id, None);
}

#[test]
fn statement_ids_in_every_uuid_form_are_stored_one_way() {
    let canonical = Some("3f2504e0-4f89-11d3-9a0c-0305e82c3301".to_string());
    for form in [
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        "3F2504E04F8911D39A0C0305E82C3301",
        "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}",
        "urn:uuid:3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    ] {
        assert_eq!(statement_id(form), canonical, "{form}");
    }
    for bad in ["", "3f2504e0-4f89-11d3-9a0c-0305e82c330", "3f2504e04-f89-11d3-9a0c-0305e82c3301", "zf2504e0-4f89-11d3-9a0c-0305e82c3301"] {
        assert_eq!(statement_id(bad), None, "{bad}");
    }
}

#[test]
fn only_version_1_0_x_is_spoken() {
    for (header, ok) in [("1.0.3", true), ("1.0", true), (" 1.0.0 ", true), ("1.0.", false), ("2.0.0", false), ("1.0.x", false)] {
        assert_eq!(version_supported(header), ok, "{header}");
    }
}
