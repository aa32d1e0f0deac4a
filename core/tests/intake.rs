#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on the unexpected

//! The partner intake contract: every vector in `tests/fixtures/intake/`
//! through `check_intake` natively, plus what the vectors cannot state
//! (derived fields, messages, sealing, code lists).

use beacon_core::reference::codes::{AgeGroup, CodeList, ConcernType};
use beacon_core::{check_intake, ErrorCode, IntakeVerdict};
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

struct Vector {
    file: String,
    name: String,
    today: NaiveDate,
    body: String,
    ok: bool,
    errors: BTreeSet<(String, String)>,
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/intake")
}

/// The text of the top-level member `key` of the JSON object `doc`, exactly as
/// written. Re-serialising a parsed payload would sort its keys here (this
/// crate's serde_json has no `preserve_order`), which changes which structural
/// error comes first.
fn raw_member<'a>(doc: &'a str, key: &str) -> Option<&'a str> {
    let bytes = doc.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i + 1;
                i += 1;
                while bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let after = doc[i + 1..].trim_start();
                if depth == 1 && &doc[start..i] == key && after.starts_with(':') {
                    let value = after[1..].trim_start();
                    let mut stream = serde_json::Deserializer::from_str(value).into_iter::<serde::de::IgnoredAny>();
                    stream.next()?.ok()?;
                    return Some(&value[..stream.byte_offset()]);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn load() -> Vec<Vector> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let file = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(p).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
            let body = match (v.get("payload"), v.get("payload_raw")) {
                (Some(_), None) => raw_member(&text, "payload").unwrap_or_else(|| panic!("{file}: payload")).to_string(),
                (None, Some(Value::String(raw))) => raw.clone(),
                _ => panic!("{file}: needs exactly one of payload or payload_raw (a string)"),
            };
            let errors: BTreeSet<(String, String)> = v["expect"]["errors"]
                .as_array()
                .unwrap_or_else(|| panic!("{file}: expect.errors"))
                .iter()
                .map(|e| (e["path"].as_str().unwrap().to_string(), e["code"].as_str().unwrap().to_string()))
                .collect();
            let ok = v["expect"]["ok"].as_bool().unwrap_or_else(|| panic!("{file}: expect.ok"));
            assert_eq!(ok, errors.is_empty(), "{file}: expect.ok contradicts expect.errors");
            Vector {
                name: v["name"].as_str().unwrap_or(&file).to_string(),
                today: beacon_core::reference::dates::parse_iso_date(v["today"].as_str().unwrap())
                    .unwrap_or_else(|| panic!("{file}: today")),
                file,
                body,
                ok,
                errors,
            }
        })
        .collect()
}

#[test]
fn every_intake_vector_gets_its_expected_verdict() {
    let vectors = load();
    assert!(vectors.len() >= 30, "expected at least 30 intake vectors, found {}", vectors.len());
    let failures: Vec<String> = vectors
        .iter()
        .filter_map(|v| {
            let (got_ok, got) = match check_intake(&v.body, v.today) {
                Ok(_) => (true, BTreeSet::new()),
                Err(errs) => (false, errs.into_iter().map(|e| (e.path, e.code.as_str().to_string())).collect()),
            };
            (got_ok != v.ok || got != v.errors).then(|| {
                format!(
                    "{} ({}):\n    expected ok={} {:?}\n    got      ok={} {:?}",
                    v.file, v.name, v.ok, v.errors, got_ok, got
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} intake vectors disagree:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

#[test]
fn the_vectors_cover_every_code_and_rule_of_the_contract() {
    let vectors = load();
    let codes: BTreeSet<&str> = vectors.iter().flat_map(|v| v.errors.iter().map(|(_, c)| c.as_str())).collect();
    for code in [
        "invalid_json", "invalid_type", "required", "unknown_field", "unknown_code", "length", "format", "duplicate",
        "not_allowed",
    ] {
        assert!(codes.contains(code), "no intake vector expects {code}");
    }
    let paths: BTreeSet<(&str, &str)> =
        vectors.iter().flat_map(|v| v.errors.iter().map(|(p, c)| (p.as_str(), c.as_str()))).collect();
    for rule in [
        ("/town", "unknown_code"),
        ("/concern_types", "length"),
        ("/concern_types", "duplicate"),
        ("/needs", "duplicate"),
        ("/contact", "required"),
        ("/contact", "not_allowed"),
        ("/preferred_language", "format"),
        ("/notes", "length"),
        ("/contact/name", "length"),
        ("/contact/phone", "format"),
        ("/contact/email", "format"),
        ("/contact/safe_times", "length"),
        ("/age_group", "unknown_code"),
    ] {
        assert!(paths.contains(&rule), "no intake vector expects {rule:?}");
    }
    let valid = vectors.iter().filter(|v| v.ok).count();
    assert!(valid >= 10, "only {valid} valid intake vectors");
}

fn minimal() -> Value {
    json!({"concern_types": ["unsure"], "age_group": "unknown", "safe_to_contact": false, "consent_to_share": false})
}

fn verdict(body: &Value) -> IntakeVerdict {
    IntakeVerdict::of(&body.to_string(), today())
}

#[test]
fn minor_involved_follows_the_age_group() {
    for group in AgeGroup::ALL {
        let mut b = minimal();
        b["age_group"] = json!(group.code());
        let v = verdict(&b);
        assert!(v.ok, "{group}: {:?}", v.errors);
        let minor = matches!(group, AgeGroup::Under12 | AgeGroup::From12To17);
        assert_eq!(v.derived.unwrap().minor_involved, minor, "{group}");
        assert_eq!(check_intake(&b.to_string(), today()).unwrap().minor_involved, minor, "{group}");
    }
}

#[test]
fn derived_town_is_canonical_or_null() {
    let mut b = minimal();
    b["town"] = json!("new HAVEN");
    let d = verdict(&b).derived.unwrap();
    assert_eq!(d.town.as_deref(), Some("New Haven"));
    assert_eq!(d.county.as_deref(), Some("New Haven"));
    let d = verdict(&minimal()).derived.unwrap();
    assert_eq!(d.town, None);
    assert_eq!(d.county, None);
    assert_eq!(d.dcf_region, None);
}

#[test]
fn verdict_serialises_in_the_shared_shape() {
    let mut b = minimal();
    b["age_group"] = json!("12_17");
    b["town"] = json!("hartford");
    let v = serde_json::to_value(verdict(&b)).unwrap();
    assert_eq!(v["ok"], json!(true));
    assert_eq!(v["errors"], json!([]));
    assert_eq!(v["derived"]["minor_involved"], json!(true));
    assert_eq!(v["derived"]["town"], json!("Hartford"));
    let v = serde_json::to_value(IntakeVerdict::of("{", today())).unwrap();
    assert_eq!(v["ok"], json!(false));
    assert_eq!(v["derived"], Value::Null);
    assert_eq!(v["errors"][0]["code"], json!("invalid_json"));
}

#[test]
fn the_domain_value_keeps_what_was_given() {
    let body = json!({
        "town": "stamford",
        "concern_types": ["labor", "sex"],
        "age_group": "25_59",
        "needs": ["legal", "shelter"],
        "safe_to_contact": true,
        "contact": {"name": "Ana", "phone": "+18605551234", "safe_times": "mornings"},
        "consent_to_share": true,
        "preferred_language": "es",
        "notes": "some notes"
    });
    let intake = check_intake(&body.to_string(), today()).unwrap();
    assert_eq!(intake.town.unwrap().town, "Stamford");
    assert_eq!(intake.concern_types, vec![ConcernType::Labor, ConcernType::Sex]);
    assert_eq!(intake.age_group, AgeGroup::From25To59);
    assert_eq!(intake.needs.len(), 2);
    let contact = intake.contact.as_ref().unwrap().expose();
    assert_eq!(contact.name.as_deref(), Some("Ana"));
    assert_eq!(contact.email, None);
    assert!(!contact.leave_message_ok, "an absent leave_message_ok means no");
    assert_eq!(intake.notes.as_ref().unwrap().expose(), "some notes");
    assert!(intake.consent_to_share);
    assert_eq!(intake.preferred_language.as_deref(), Some("es"));
    assert!(!intake.minor_involved);
}

#[test]
fn sealed_values_never_appear_in_debug_output_or_errors() {
    let mut b = minimal();
    b["safe_to_contact"] = json!(true);
    b["contact"] = json!({"name": "MARKER-NAME", "email": "marker@example.org", "safe_times": "MARKER-TIMES"});
    b["notes"] = json!("MARKER-NOTES");
    let intake = check_intake(&b.to_string(), today()).unwrap();
    let debug = format!("{intake:?}");
    assert!(!debug.contains("MARKER") && !debug.contains("marker"), "{debug}");

    b["contact"]["phone"] = json!("MARKER-PHONE");
    b["contact"]["name"] = json!("");
    let errs = check_intake(&b.to_string(), today()).unwrap_err();
    let text = format!("{errs:?}");
    assert!(!text.contains("MARKER") && !text.contains("marker"), "{text}");
}

fn messages(body: &Value) -> Vec<(String, ErrorCode, String)> {
    check_intake(&body.to_string(), today())
        .unwrap_err()
        .into_iter()
        .map(|e| (e.path, e.code, e.message))
        .collect()
}

#[test]
fn contact_messages_say_what_to_do() {
    let mut b = minimal();
    b["safe_to_contact"] = json!(true);
    let m = messages(&b);
    assert_eq!(m.len(), 1);
    assert_eq!((m[0].0.as_str(), m[0].1), ("/contact", ErrorCode::Required));
    assert!(m[0].2.contains("phone") && m[0].2.contains("email"), "{}", m[0].2);

    b["safe_to_contact"] = json!(false);
    b["contact"] = json!({"phone": "+18605551234"});
    let m = messages(&b);
    assert_eq!((m[0].0.as_str(), m[0].1), ("/contact", ErrorCode::NotAllowed));
    assert!(m[0].2.contains("safe_to_contact is false"), "{}", m[0].2);
}

#[test]
fn length_and_format_messages_name_the_limits() {
    let mut b = minimal();
    b["concern_types"] = json!([]);
    b["notes"] = json!("x".repeat(5001));
    b["preferred_language"] = json!("EN");
    let m = messages(&b);
    let find = |p: &str| m.iter().find(|e| e.0 == p).unwrap().2.clone();
    assert_eq!(find("/concern_types"), "Must have between 1 and 3 items.");
    assert_eq!(find("/notes"), "Must have at most 5000 characters.");
    assert!(find("/preferred_language").contains("ISO 639-1"));
}

#[test]
fn errors_are_sorted_by_path() {
    let body = json!({
        "town": "Gotham", "concern_types": ["sex", "sex"], "age_group": "unknown", "needs": ["legal", "legal"],
        "safe_to_contact": true, "consent_to_share": false, "preferred_language": "x", "notes": "y".repeat(5001)
    });
    let errs = check_intake(&body.to_string(), today()).unwrap_err();
    let mut sorted = errs.clone();
    sorted.sort();
    assert_eq!(errs, sorted);
}

#[test]
fn not_allowed_is_a_stable_error_code() {
    assert_eq!(ErrorCode::NotAllowed.as_str(), "not_allowed");
    assert_eq!(ErrorCode::parse("not_allowed"), Some(ErrorCode::NotAllowed));
    assert!(ErrorCode::ALL.contains(&ErrorCode::NotAllowed));
    assert_eq!(serde_json::to_value(ErrorCode::NotAllowed).unwrap(), json!("not_allowed"));
    assert!(!ErrorCode::NotAllowed.is_structural());
}

fn serde_codes_match<T: CodeList + serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>() {
    assert!(!T::ALL.is_empty());
    for c in T::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), json!(c.code()), "{}", T::NAME);
        assert_eq!(serde_json::from_value::<T>(json!(c.code())).unwrap(), *c, "{}", T::NAME);
    }
}

#[test]
fn intake_wire_codes_equal_published_codes() {
    serde_codes_match::<ConcernType>();
    serde_codes_match::<AgeGroup>();
    let ages: Vec<&str> = AgeGroup::ALL.iter().map(|a| a.code()).collect();
    assert_eq!(ages, ["under_12", "12_17", "18_24", "25_59", "60_plus", "unknown"]);
    let concerns: Vec<&str> = ConcernType::ALL.iter().map(|a| a.code()).collect();
    assert_eq!(concerns, ["sex", "labor", "unsure"]);
    for a in AgeGroup::ALL {
        assert_eq!(a.to_string(), a.code());
        assert_eq!(a.code().parse::<AgeGroup>(), Ok(*a));
    }
}

#[test]
fn intake_lists_are_published() {
    let lists = beacon_core::reference::codes::all_lists();
    let find = |name: &str| lists.iter().find(|(n, _)| *n == name).map(|(_, e)| e.len());
    assert_eq!(find("concern_type"), Some(3));
    assert_eq!(find("age_group"), Some(6));
    assert_eq!(find("service"), Some(16));
}

/// The OpenAPI enums are what serde reads (utoipa must see the renames).
#[cfg(feature = "openapi")]
#[test]
fn openapi_enums_are_the_published_codes() {
    fn enum_of<T: utoipa::PartialSchema>() -> Vec<String> {
        let schema = serde_json::to_value(T::schema()).unwrap();
        schema["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
    }
    fn codes<T: CodeList>() -> Vec<String> {
        T::ALL.iter().map(|c| c.code().to_string()).collect()
    }
    assert_eq!(enum_of::<AgeGroup>(), codes::<AgeGroup>());
    assert_eq!(enum_of::<ConcernType>(), codes::<ConcernType>());
}

/// The wire schemas carry the contract's constraints.
#[cfg(feature = "openapi")]
#[test]
fn openapi_wire_schemas_carry_the_constraints() {
    use beacon_core::intake::{ContactWire, IntakeSubmissionWire};
    use utoipa::{PartialSchema, ToSchema};
    assert_eq!(IntakeSubmissionWire::name(), "IntakeSubmission");
    assert_eq!(ContactWire::name(), "Contact");
    let s = serde_json::to_value(IntakeSubmissionWire::schema()).unwrap();
    assert_eq!(s["additionalProperties"], json!(false));
    let mut required: Vec<&str> = s["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    required.sort_unstable();
    assert_eq!(required, ["age_group", "concern_types", "consent_to_share", "safe_to_contact"]);
    let p = &s["properties"];
    assert_eq!(p["concern_types"]["minItems"], json!(1));
    assert_eq!(p["concern_types"]["maxItems"], json!(3));
    assert_eq!(p["preferred_language"]["pattern"], json!("^[a-z]{2}$"));
    assert_eq!(p["notes"]["maxLength"], json!(5000));
    let c = serde_json::to_value(ContactWire::schema()).unwrap();
    assert_eq!(c["additionalProperties"], json!(false));
    assert!(c.get("required").is_none_or(|r| r.as_array().unwrap().is_empty()), "{c}");
    let p = &c["properties"];
    assert_eq!(p["name"]["minLength"], json!(1));
    assert_eq!(p["name"]["maxLength"], json!(100));
    assert_eq!(p["phone"]["pattern"], json!(r"^\+[0-9]{8,15}$"));
    // A pattern, not `format: email`: the pattern is exactly what the server accepts.
    assert_eq!(p["email"]["pattern"], json!(beacon_core::reference::formats::EMAIL_PATTERN));
    assert_eq!(p["safe_times"]["maxLength"], json!(200));
    assert_eq!(p["leave_message_ok"]["default"], json!(false));
}
