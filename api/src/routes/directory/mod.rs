//! Managing the provider directory (coordinators): organizations, services with
//! their locations, service areas and funding, verification, and the list of
//! verifications due. Writes are audited in the same transaction; a service
//! update needs `If-Match` with the service's current ETag.

pub mod create_organization;
pub mod create_service;
pub mod due;
pub mod export;
pub mod gap_outputs;
pub mod gaps;
pub mod get_service;
pub mod import;
pub mod referrals;
pub mod search;
pub mod service_input;
pub mod update_organization;
pub mod update_service;
pub mod verify;

use crate::db::directory::ServiceRow;
use crate::error::problem;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use beacon_core::reference::codes::{CodeList, Service};
use beacon_core::{ErrorCode, ValidationError};
use std::str::FromStr;

/// Service statuses (HSDS 3.1).
pub const STATUSES: [&str; 4] = ["active", "inactive", "defunct", "temporarily_closed"];
/// Populations a service may serve.
pub const POPULATIONS: [&str; 8] =
    ["minors", "adults", "women", "men", "lgbtq", "foreign_nationals", "sex_trafficking", "labor_trafficking"];
/// How a service was verified.
pub const METHODS: [&str; 3] = ["site_visit", "phone", "document_review"];

/// The ETag of a service.
pub fn etag(row: &ServiceRow) -> String {
    format!("\"{}\"", row.version)
}

/// `value` when it is one of `allowed`, else an `unknown_code` error at `path`.
pub fn one_of(path: &str, value: &str, allowed: &[&str], errors: &mut Vec<ValidationError>) -> Option<String> {
    if allowed.contains(&value) {
        Some(value.to_string())
    } else {
        errors.push(ValidationError::new(path, ErrorCode::UnknownCode, format!("Must be one of: {}.", allowed.join(", "))));
        None
    }
}

/// Service category codes: each a Foundation service code, no duplicates.
pub fn categories(path: &str, values: &[String], errors: &mut Vec<ValidationError>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match Service::from_str(v) {
            Ok(s) if out.iter().any(|o| o == s.code()) => {
                errors.push(ValidationError::new(format!("{path}/{i}"), ErrorCode::Duplicate, "Is listed twice."))
            }
            Ok(s) => out.push(s.code().to_string()),
            Err(()) => errors.push(ValidationError::new(
                format!("{path}/{i}"),
                ErrorCode::UnknownCode,
                "Is not a service code (see GET /v1/codes, list `service`).",
            )),
        }
    }
    out
}

/// Codes from a fixed list, no duplicates.
pub fn codes(path: &str, values: &[String], allowed: &[&str], errors: &mut Vec<ValidationError>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let at = format!("{path}/{i}");
        if out.contains(v) {
            errors.push(ValidationError::new(at, ErrorCode::Duplicate, "Is listed twice."));
        } else if let Some(code) = one_of(&at, v, allowed, errors) {
            out.push(code);
        }
    }
    out
}

/// Shaped like a BCP 47 language tag: 2–35 letters, digits and hyphens,
/// starting with a letter (the registry itself is not consulted).
pub fn is_language_tag(v: &str) -> bool {
    (2..=35).contains(&v.len())
        && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && v.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// Language tags (BCP 47, e.g. `en`, `es`, `pt-BR`): 2–35 letters, digits and hyphens.
pub fn languages(path: &str, values: &[String], errors: &mut Vec<ValidationError>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if !is_language_tag(v) {
            errors.push(ValidationError::new(format!("{path}/{i}"), ErrorCode::Format, "Must be a language tag such as en, es or pt-BR."));
        } else if out.contains(v) {
            errors.push(ValidationError::new(format!("{path}/{i}"), ErrorCode::Duplicate, "Is listed twice."));
        } else {
            out.push(v.clone());
        }
    }
    out
}

/// An age in years, 0–120.
pub fn age(path: &str, value: Option<i64>, errors: &mut Vec<ValidationError>) -> Option<i32> {
    let v = value?;
    match i32::try_from(v) {
        Ok(a) if (0..=120).contains(&a) => Some(a),
        _ => {
            errors.push(ValidationError::new(path, ErrorCode::Range, "Must be between 0 and 120."));
            None
        }
    }
}

/// A count (capacity), 0–1,000,000.
pub fn count(path: &str, value: Option<i64>, errors: &mut Vec<ValidationError>) -> Option<i32> {
    let v = value?;
    match i32::try_from(v) {
        Ok(a) if (0..=1_000_000).contains(&a) => Some(a),
        _ => {
            errors.push(ValidationError::new(path, ErrorCode::Range, "Must be between 0 and 1,000,000."));
            None
        }
    }
}

/// The canonical name of a Connecticut town.
pub fn town(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    match beacon_core::reference::geo::find_town(value.trim()) {
        Some(t) => Some(t.town.to_string()),
        None => {
            errors.push(ValidationError::new(path, ErrorCode::UnknownCode, "Is not a Connecticut town (see GET /v1/codes)."));
            None
        }
    }
}

/// What a request's `If-Match` header says.
pub enum IfMatch {
    Missing,
    Version(i32),
    /// Names no version a service can have: always stale.
    Unusable,
}

/// The version an `If-Match` header names.
pub fn if_match(req: &HttpRequest) -> IfMatch {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return IfMatch::Missing;
    };
    let parsed = value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"').to_string())
        .and_then(|v| v.parse::<i32>().ok());
    match parsed {
        Some(v) => IfMatch::Version(v),
        None => IfMatch::Unusable,
    }
}

/// 412: the `If-Match` version is not the current one.
pub fn precondition_failed() -> HttpResponse {
    problem::<()>(
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
        "The record changed since you read it: If-Match does not name its current ETag. Read it again and reapply your change.",
        None,
    )
}

/// 428: a service update without `If-Match`.
pub fn precondition_required() -> HttpResponse {
    problem::<()>(
        StatusCode::PRECONDITION_REQUIRED,
        "precondition_required",
        "Send If-Match with the record's ETag (from its last response) so that a concurrent change is not overwritten.",
        None,
    )
}
