//! The subset of xAPI 1.0.3 statements Beacon reads, so agencies' learning
//! management systems can send completions as they happen — the "centralized
//! learning management system" of Sec. 8(b)(2) takes their records instead of
//! replacing them.
//!
//! Mapping: `actor.account.homePage` = `urn:beacon:agency:<agency code>`,
//! `actor.account.name` = the person's `employee_ref`; `object.id` =
//! `urn:beacon:course:<course code>`. `completed` and `passed` record a
//! completion dated the statement's `timestamp` in America/New_York ("today"
//! when absent) unless `result.success` is `false`; `voided` with a
//! `StatementRef` object retracts the statement it names. Anything else that
//! is well formed is kept and otherwise ignored.

use chrono::{DateTime, NaiveDate};
use serde_json::Value;

use crate::contract::problem::{ErrorCode, ValidationError};
use crate::fields::{agency_code, reference};

/// The xAPI version Beacon speaks.
pub const XAPI_VERSION: &str = "1.0.3";
pub const VERB_COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
pub const VERB_PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
pub const VERB_VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";
pub const AGENCY_HOME_PAGE: &str = "urn:beacon:agency:";
pub const COURSE_IRI: &str = "urn:beacon:course:";

/// What a statement means to Beacon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `completed` / `passed` of a Beacon course, on a date.
    Completion { course_code: String, on: NaiveDate },
    /// `voided`: retracts the statement `target` (a hyphenated lower-case UUID).
    Void { target: String },
    /// Kept, nothing else.
    Other,
}

/// A statement that passed; `id` is `None` when the sender left it to Beacon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub id: Option<String>,
    pub agency: String,
    pub employee_ref: String,
    pub verb: String,
    pub object_id: String,
    pub kind: Kind,
}

/// Whether an `X-Experience-API-Version` header value names 1.0.x.
pub fn version_supported(header: &str) -> bool {
    let v = header.trim();
    v == "1.0" || v.strip_prefix("1.0.").is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

/// A statement id in the form Beacon stores (hyphenated, lower case), from any
/// of the forms a UUID is written in: hyphenated, 32 hex digits, `{…}`, `urn:uuid:…`.
pub fn statement_id(value: &str) -> Option<String> {
    let inner = value
        .strip_prefix("urn:uuid:")
        .or_else(|| value.strip_prefix('{').and_then(|v| v.strip_suffix('}')))
        .unwrap_or(value);
    let hex: String = match inner.len() {
        32 => inner.to_string(),
        36 => {
            let dashes = [8, 13, 18, 23];
            if !inner.char_indices().all(|(i, c)| (c == '-') == dashes.contains(&i)) {
                return None;
            }
            inner.replace('-', "")
        }
        _ => return None,
    };
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let hex = hex.to_ascii_lowercase();
    Some(format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]))
}

/// One statement checked against the subset Beacon reads, as of `today`
/// (America/New_York). Errors' paths point into the statement.
pub fn check(statement: &Value, today: NaiveDate) -> Result<Statement, Vec<ValidationError>> {
    let path = "";
    let mut errors = Vec::new();
    if !statement.is_object() {
        return Err(vec![ValidationError::new(path, ErrorCode::InvalidType, "A statement must be an object.")]);
    }
    let id = match statement.get("id") {
        None => Some(None),
        Some(Value::String(s)) => {
            let id = statement_id(s);
            if id.is_none() {
                errors.push(ValidationError::new(format!("{path}/id"), ErrorCode::Format, "Must be a UUID."));
            }
            id.map(Some)
        }
        Some(_) => {
            errors.push(ValidationError::new(format!("{path}/id"), ErrorCode::InvalidType, "Has the wrong type: expected a string."));
            None
        }
    };
    // The actor: an Agent identified by an account of a Beacon agency.
    let mut agency = None;
    let mut employee_ref = None;
    if let Some(actor) = object_at(statement, path, "actor", &mut errors) {
        let actor_path = format!("{path}/actor");
        object_type(actor, &actor_path, "Agent", &mut errors);
        if let Some(account) = object_at(actor, &actor_path, "account", &mut errors) {
            let account_path = format!("{actor_path}/account");
            if let Some(home) = str_at(account, &account_path, "homePage", &mut errors) {
                match home.strip_prefix(AGENCY_HOME_PAGE) {
                    Some(code) => agency = agency_code(&format!("{account_path}/homePage"), code, &mut errors),
                    None => errors.push(ValidationError::new(
                        format!("{account_path}/homePage"),
                        ErrorCode::Format,
                        "Must be urn:beacon:agency:<agency code>.",
                    )),
                }
            }
            if let Some(name) = str_at(account, &account_path, "name", &mut errors) {
                employee_ref = reference(&format!("{account_path}/name"), name, &mut errors);
            }
        }
    }
    let verb = object_at(statement, path, "verb", &mut errors)
        .and_then(|verb| str_at(verb, &format!("{path}/verb"), "id", &mut errors))
        .map(str::to_string);
    let object = object_at(statement, path, "object", &mut errors);
    let object_path = format!("{path}/object");
    let object_id = object.and_then(|o| str_at(o, &object_path, "id", &mut errors)).map(str::to_string);
    let kind = match (verb.as_deref(), object, object_id.as_deref()) {
        (Some(VERB_VOIDED), Some(object), Some(target)) => {
            if object.get("objectType").and_then(Value::as_str) != Some("StatementRef") {
                errors.push(ValidationError::new(format!("{object_path}/objectType"), ErrorCode::Required, "A voiding statement's object must be a StatementRef."));
            }
            match statement_id(target) {
                Some(target) => Some(Kind::Void { target }),
                None => {
                    errors.push(ValidationError::new(format!("{object_path}/id"), ErrorCode::Format, "Must be the UUID of the statement to void."));
                    None
                }
            }
        }
        (Some(VERB_COMPLETED | VERB_PASSED), Some(object), Some(iri)) => {
            object_type(object, &object_path, "Activity", &mut errors);
            let failed = statement.pointer("/result/success") == Some(&Value::Bool(false));
            match iri.strip_prefix(COURSE_IRI) {
                Some(code) if !failed => {
                    let course_code = reference(&format!("{object_path}/id"), code, &mut errors);
                    let on = completion_date(statement, path, today, &mut errors);
                    course_code.zip(on).map(|(course_code, on)| Kind::Completion { course_code, on })
                }
                // Not a curriculum course, or not a success: kept, not counted.
                _ => Some(Kind::Other),
            }
        }
        (Some(_), Some(_), Some(_)) => Some(Kind::Other),
        _ => None,
    };
    match (id, agency, employee_ref, verb, object_id, kind) {
        (Some(id), Some(agency), Some(employee_ref), Some(verb), Some(object_id), Some(kind)) if errors.is_empty() => {
            Ok(Statement { id, agency, employee_ref, verb, object_id, kind })
        }
        _ => Err(errors),
    }
}

/// The statement's `timestamp` as a date in America/New_York; `today` when
/// absent. A completion cannot be dated after today.
fn completion_date(statement: &Value, path: &str, today: NaiveDate, errors: &mut Vec<ValidationError>) -> Option<NaiveDate> {
    let on = match statement.get("timestamp") {
        None => today,
        Some(Value::String(t)) => match DateTime::parse_from_rfc3339(t) {
            Ok(at) => crate::reference::dates::date_in_state(at.to_utc()),
            Err(_) => {
                errors.push(ValidationError::new(format!("{path}/timestamp"), ErrorCode::Format, "Must be an ISO 8601 timestamp with a time zone."));
                return None;
            }
        },
        Some(_) => {
            errors.push(ValidationError::new(format!("{path}/timestamp"), ErrorCode::InvalidType, "Has the wrong type: expected a string."));
            return None;
        }
    };
    if on > today {
        errors.push(ValidationError::new(format!("{path}/timestamp"), ErrorCode::FutureDate, "Must not be after today (America/New_York)."));
        return None;
    }
    Some(on)
}

fn str_at<'a>(v: &'a Value, path: &str, name: &str, errors: &mut Vec<ValidationError>) -> Option<&'a str> {
    match v.get(name) {
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            errors.push(ValidationError::new(format!("{path}/{name}"), ErrorCode::InvalidType, "Has the wrong type: expected a string."));
            None
        }
        None => {
            errors.push(ValidationError::new(format!("{path}/{name}"), ErrorCode::Required, format!("`{name}` is required.")));
            None
        }
    }
}

fn object_at<'a>(v: &'a Value, path: &str, name: &str, errors: &mut Vec<ValidationError>) -> Option<&'a Value> {
    match v.get(name) {
        Some(o @ Value::Object(_)) => Some(o),
        Some(_) => {
            errors.push(ValidationError::new(format!("{path}/{name}"), ErrorCode::InvalidType, "Has the wrong type: expected an object."));
            None
        }
        None => {
            errors.push(ValidationError::new(format!("{path}/{name}"), ErrorCode::Required, format!("`{name}` is required.")));
            None
        }
    }
}

/// The `objectType` of `v`, which must be `expected` when present.
fn object_type(v: &Value, path: &str, expected: &str, errors: &mut Vec<ValidationError>) {
    match v.get("objectType") {
        None => {}
        Some(Value::String(t)) if t == expected => {}
        Some(_) => errors.push(ValidationError::new(format!("{path}/objectType"), ErrorCode::UnknownCode, format!("Must be `{expected}`."))),
    }
}
