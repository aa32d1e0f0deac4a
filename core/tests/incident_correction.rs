#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! Correcting a filed report: the merge patch, the re-check as a new report, the fields named in
//! the history (sealed ones only by name), the filing rule on `reporting_agency`, and the codes a
//! withdrawal gives.

use beacon_core::incident::correction::{
    changed_fields, check_purged, correct, merge_patch, read_patch, Refused, WithdrawalChange, WithdrawalReason,
};
use beacon_core::incident::filing::Filer;
use beacon_core::reference::codes::{all_lists, CodeList};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

fn stored() -> Value {
    json!({
        "reporting_agency": "dcf",
        "agency_case_ref": "DCF-2026/0042",
        "status": "suspected",
        "incident_date": "2026-01-10",
        "reported_date": "2026-01-12",
        "town": "Hartford",
        "trafficking_types": ["labor"],
        "venue": "agriculture",
        "control_methods": ["debt_bondage"],
        "victims": [{"sex": "male", "age": 34, "services_needed": ["shelter"],
                     "identity": {"given_name": "Juan", "family_name": "Example"}}],
        "narrative": "Reported by a farm inspector."
    })
}

/// What a case expects: the result, or the first error's (path, code).
type Want<T> = Result<T, (&'static str, &'static str)>;

fn patch(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("a patch is an object"),
    }
}

/// RFC 7396, Appendix A, every example.
#[test]
fn merge_patch_is_rfc_7396() {
    let cases = [
        (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
        (json!({"a": "b"}), json!({"b": "c"}), json!({"a": "b", "b": "c"})),
        (json!({"a": "b"}), json!({"a": null}), json!({})),
        (json!({"a": "b", "b": "c"}), json!({"a": null}), json!({"b": "c"})),
        (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
        (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
        (json!({"a": {"b": "c"}}), json!({"a": {"b": "d", "c": null}}), json!({"a": {"b": "d"}})),
        (json!({"a": [{"b": "c"}]}), json!({"a": [1]}), json!({"a": [1]})),
        (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
        (json!({"a": "b"}), json!(["c"]), json!(["c"])),
        (json!({"a": "foo"}), json!(null), json!(null)),
        (json!({"a": "foo"}), json!("bar"), json!("bar")),
        (json!({"e": null}), json!({"a": 1}), json!({"e": null, "a": 1})),
        (json!([1, 2]), json!({"a": "b", "c": null}), json!({"a": "b"})),
        (json!({}), json!({"a": {"bb": {"ccc": null}}}), json!({"a": {"bb": {}}})),
    ];
    for (target, p, want) in cases {
        let mut got = target.clone();
        merge_patch(&mut got, &p);
        assert_eq!(got, want, "{target} patched by {p}");
    }
}

#[test]
fn a_patch_reads_its_withdrawal_apart_from_the_report() {
    let cases: [(&str, Want<WithdrawalChange>); 10] = [
        (r#"{"town": "Bristol"}"#, Ok(WithdrawalChange::Unchanged)),
        (r#"{"withdrawn": {"reason": "duplicate"}}"#, Ok(WithdrawalChange::Withdraw(WithdrawalReason::Duplicate))),
        (r#"{"withdrawn": {"reason": "not_trafficking"}}"#, Ok(WithdrawalChange::Withdraw(WithdrawalReason::NotTrafficking))),
        (r#"{"withdrawn": {"reason": "entered_in_error"}}"#, Ok(WithdrawalChange::Withdraw(WithdrawalReason::EnteredInError))),
        (r#"{"withdrawn": null}"#, Ok(WithdrawalChange::Reinstate)),
        (r#"{"withdrawn": {"reason": "changed_my_mind"}}"#, Err(("/withdrawn/reason", "unknown_code"))),
        (r#"{"withdrawn": "duplicate"}"#, Err(("/withdrawn", "invalid_type"))),
        (r#"{"withdrawn": {}}"#, Err(("/withdrawn/reason", "required"))),
        (r#"{"withdrawn": {"reason": "duplicate", "note": "x"}}"#, Err(("/withdrawn/note", "unknown_field"))),
        (r#"["town"]"#, Err(("", "invalid_type"))),
    ];
    for (body, want) in cases {
        let got = read_patch(body).map(|p| p.withdrawn).map_err(|e| (e[0].path.clone(), e[0].code.as_str()));
        assert_eq!(got, want.map_err(|(p, c)| (p.to_string(), c)), "{body}");
    }
    let p = read_patch(r#"{"withdrawn": null, "venue": null}"#).unwrap();
    assert_eq!(Value::Object(p.report), json!({"venue": null}), "the rest is the report's patch");
    assert_eq!(read_patch("{").unwrap_err()[0].code.as_str(), "invalid_json");
}

/// The withdrawal codes are a published list (`GET /v1/codes`), and none is a status: a
/// withdrawn report keeps the status its agency gave it.
#[test]
fn the_withdrawal_codes_are_published_and_are_not_statuses() {
    let codes: Vec<&str> = WithdrawalReason::ALL.iter().map(|r| r.code()).collect();
    assert_eq!(codes, ["duplicate", "not_trafficking", "entered_in_error"]);
    let lists = all_lists();
    let published = lists.iter().find(|(name, _)| *name == "withdrawal_reason").expect("published");
    assert_eq!(published.1.iter().map(|e| e.code).collect::<Vec<_>>(), codes);
    let err = correct(&stored(), &patch(json!({"status": "withdrawn"})), Filer::Coordinator, today()).unwrap_err();
    assert!(matches!(&err, Refused::Invalid(e) if e[0].path == "/status" && e[0].code.as_str() == "unknown_code"), "{err:?}");
}

/// Patch → the fields the history names, or the refusal (path, code).
#[test]
fn a_correction_is_checked_as_a_new_report_and_names_what_changed() {
    let dcf = Filer::Reporter(Some("dcf"));
    let victim = |extra: Value| {
        let mut v = json!({"sex": "male", "age": 34, "services_needed": ["shelter"],
                           "identity": {"given_name": "Juan", "family_name": "Example"}});
        merge_patch(&mut v, &extra);
        v
    };
    let cases: Vec<(Value, Filer<'_>, Want<Vec<&str>>)> = vec![
        (json!({}), dcf, Ok(vec![])),
        (json!({"town": "hartford"}), dcf, Ok(vec![])),
        (json!({"town": "new london"}), dcf, Ok(vec!["/town"])),
        (json!({"status": "confirmed", "venue": null}), dcf, Ok(vec!["/status", "/venue"])),
        (json!({"trafficking_types": ["labor", "sex"]}), dcf, Ok(vec!["/trafficking_types"])),
        (json!({"victims": [victim(json!({"age": 35}))]}), dcf, Ok(vec!["/victims/0/age"])),
        (json!({"victims": [victim(json!({"identity": {"given_name": "Joan"}}))]}), dcf, Ok(vec!["/victims/0/identity"])),
        (json!({"victims": [victim(json!({"identity": null}))]}), dcf, Ok(vec!["/victims/0/identity"])),
        (json!({"victims": [victim(json!({})), {"sex": "female", "age": 40}]}), dcf, Ok(vec!["/victims/1"])),
        (json!({"narrative": "Reported by a labour inspector."}), dcf, Ok(vec!["/narrative"])),
        (json!({"narrative": null, "agency_case_ref": "DCF-2026/0043"}), dcf, Ok(vec!["/agency_case_ref", "/narrative"])),
        (json!({"reporting_agency": "desp"}), Filer::Coordinator, Ok(vec!["/reporting_agency"])),
        // A reporter moves a report only to its own agency; an unchanged agency is no move.
        (json!({"reporting_agency": "desp"}), dcf, Err(("/reporting_agency", "not_allowed"))),
        (json!({"town": "Bristol"}), Filer::Reporter(Some("desp")), Ok(vec!["/town"])),
        // Exactly the contract of a new report.
        (json!({"incident_date": "2026-03-02"}), dcf, Err(("/incident_date", "future_date"))),
        (json!({"reported_date": "2026-01-09"}), dcf, Err(("/reported_date", "date_order"))),
        (json!({"victims": [{"sex": "female", "age": 15}]}), dcf, Err(("/dcf_notified", "minor_requires_dcf_notification"))),
        (json!({"victims": [victim(json!({"identity": {"date_of_birth": "2000-01-01"}}))]}), dcf, Err(("/victims/0/age", "age_dob_mismatch"))),
        (json!({"town": "Atlantis"}), dcf, Err(("/town", "unknown_code"))),
        (json!({"town": null}), dcf, Err(("/town", "required"))),
        (json!({"colour": "red"}), dcf, Err(("/colour", "unknown_field"))),
        (json!({"victims": []}), dcf, Err(("/victims", "length"))),
    ];
    for (p, filer, want) in cases {
        let got = correct(&stored(), &patch(p.clone()), filer, today()).map(|c| c.changed).map_err(|e| match e {
            Refused::Invalid(errors) => (errors[0].path.clone(), errors[0].code.as_str()),
            Refused::NotYours(e) => (e.path, e.code.as_str()),
            Refused::Stored(errors) => panic!("the stored report fails: {errors:?}"),
        });
        let want = want.map(|v| v.into_iter().map(str::to_string).collect::<Vec<_>>()).map_err(|(p, c)| (p.to_string(), c));
        assert_eq!(got, want, "{p} by {filer:?}");
    }
}

#[test]
fn the_corrected_report_is_the_merge_and_its_derived_fields_follow() {
    let c = correct(&stored(), &patch(json!({"town": "norwich", "trafficking_types": ["sex"]})), Filer::Coordinator, today()).unwrap();
    assert_eq!(c.incident.derived.town, "Norwich");
    assert_eq!(c.incident.derived.county.as_deref(), Some("New London"));
    assert_eq!(c.incident.derived.nibrs_offenses, ["64A"]);
    assert_eq!(c.incident.victims[0].identity.as_ref().unwrap().expose().given_name.as_deref(), Some("Juan"), "kept unless patched");
    assert_eq!(c.incident.narrative.as_ref().unwrap().expose(), "Reported by a farm inspector.");
}

/// Sec. 1(d): the history may say that a sealed field changed, never what it held.
#[test]
fn the_changed_fields_never_hold_a_sealed_value() {
    let before = stored();
    let mut after = stored();
    merge_patch(&mut after, &json!({"narrative": "Juan said so", "victims": [{"sex": "male", "age": 34,
        "services_needed": ["shelter"], "identity": {"given_name": "Juana", "family_name": "Example"}}]}));
    let changed = changed_fields(&before, &after);
    assert_eq!(changed, ["/victims/0/identity", "/narrative"]);
    let text = changed.join(" ");
    for sealed in ["Juan", "Example", "farm", "said"] {
        assert!(!text.contains(sealed), "{text}");
    }
}

/// After `beacon purge`, a correction may not store a sealed value again.
#[test]
fn a_purged_incident_takes_no_sealed_value_again() {
    let mut purged = stored();
    merge_patch(&mut purged, &json!({"narrative": null, "victims": [{"sex": "male", "age": 34, "services_needed": ["shelter"]}]}));
    let cases: [(Value, Vec<&str>); 4] = [
        (json!({"town": "Bristol"}), vec![]),
        (json!({"narrative": "Back again."}), vec!["/narrative"]),
        (json!({"victims": [{"sex": "male", "age": 34, "identity": {"given_name": "Juan"}}]}), vec!["/victims/0/identity"]),
        (json!({"narrative": "x", "victims": [{"sex": "male"}, {"sex": "female", "identity": {"family_name": "Y"}}]}), vec!["/narrative", "/victims/1/identity"]),
    ];
    for (p, want) in cases {
        let corrected = correct(&purged, &patch(p.clone()), Filer::Coordinator, today()).unwrap();
        let got: Vec<String> = check_purged(&corrected.incident).err().unwrap_or_default().into_iter().map(|e| {
            assert_eq!(e.code.as_str(), "not_allowed");
            e.path
        }).collect();
        assert_eq!(got, want, "{p}");
    }
}
