//! Field rules every contract reuses: text, reference codes, towns, dates and code lists. Each
//! takes the JSON Pointer `path` of the value and pushes a `{path, code, message}` error when the
//! value breaks the rule, so a whole record's errors are collected in one pass.

use crate::reference::codes::CodeList;
use crate::reference::dates::parse_iso_date;
use crate::{ErrorCode, ValidationError};
use chrono::NaiveDate;
use std::str::FromStr;

/// Dates before this are refused as typing mistakes.
pub fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Dates after this are refused as typing mistakes.
pub fn latest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2199, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// A code of the list `L`, or an `unknown_code` error at `path` that names the list.
pub fn code<L: CodeList + FromStr>(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<L> {
    let found = L::from_str(value).ok();
    if found.is_none() {
        let all: Vec<&str> = L::ALL.iter().map(|c| c.code()).collect();
        let message = if all.len() <= 10 {
            format!("Must be one of: {}.", all.join(", "))
        } else {
            format!("Is not a code of the list `{}` (see GET /v1/codes).", L::NAME)
        };
        errors.push(ValidationError::new(path, ErrorCode::UnknownCode, message));
    }
    found
}

/// Codes of the list `L` at `{path}/{i}`, each at most once (a repeat is a `duplicate`).
pub fn codes<L: CodeList + FromStr + PartialEq>(path: &str, values: &[String], errors: &mut Vec<ValidationError>) -> Vec<L> {
    let mut out: Vec<L> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let at = format!("{path}/{i}");
        if let Some(c) = code::<L>(&at, v, errors) {
            if out.contains(&c) {
                errors.push(ValidationError::new(at, ErrorCode::Duplicate, "Is listed twice."));
            } else {
                out.push(c);
            }
        }
    }
    out
}

/// A reference code (`employee_ref`, course `code`): 1–64 characters, letters, digits and
/// `. _ / -`, starting with a letter or digit (so that no exported cell can start a spreadsheet
/// formula).
pub fn reference(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    let n = value.chars().count();
    if !(1..=64).contains(&n) {
        errors.push(ValidationError::new(path, ErrorCode::Length, "Must have between 1 and 64 characters."));
        return None;
    }
    let ok = crate::reference::formats::is_case_ref(value) && value.starts_with(|c: char| c.is_ascii_alphanumeric());
    if !ok {
        errors.push(ValidationError::new(
            path,
            ErrorCode::Format,
            "Only letters, digits and . _ / - are allowed, starting with a letter or a digit.",
        ));
        return None;
    }
    Some(value.to_string())
}

/// Free text, trimmed, 1..=`max` characters, no control characters.
pub fn text(path: &str, value: &str, max: usize, errors: &mut Vec<ValidationError>) -> Option<String> {
    let trimmed = value.trim();
    let n = trimmed.chars().count();
    if n == 0 || n > max || trimmed.chars().any(char::is_control) {
        errors.push(ValidationError::new(
            path,
            ErrorCode::Length,
            format!("Must have between 1 and {max} characters (no control characters)."),
        ));
        return None;
    }
    Some(trimmed.to_string())
}

/// The canonical name of a Connecticut town, or an `unknown_code` error at `path`.
pub fn town(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    match crate::reference::geo::find_town(value.trim()) {
        Some(t) => Some(t.town.to_string()),
        None => {
            errors.push(ValidationError::new(path, ErrorCode::UnknownCode, "Is not a Connecticut town (see GET /v1/codes)."));
            None
        }
    }
}

/// A `YYYY-MM-DD` date between 1900-01-01 and 2199-12-31.
pub fn date(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<NaiveDate> {
    let Some(d) = parse_iso_date(value) else {
        errors.push(ValidationError::new(path, ErrorCode::Format, "Must be a real date written YYYY-MM-DD."));
        return None;
    };
    if d < earliest_date() || d > latest_date() {
        errors.push(ValidationError::new(path, ErrorCode::Range, "Must be between 1900-01-01 and 2199-12-31."));
        return None;
    }
    Some(d)
}

/// An email address (one rule: [`crate::reference::formats::is_email`]), at most 254 characters.
pub fn email(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    let e = text(path, value, 254, errors)?;
    if crate::reference::formats::is_email(&e) {
        Some(e)
    } else {
        errors.push(ValidationError::new(path, ErrorCode::Format, crate::contract::messages::FORMAT_EMAIL));
        None
    }
}

/// An `http(s)` URL (one rule: [`crate::reference::formats::is_url`]).
pub fn url(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    let u = text(path, value, 2000, errors)?;
    if crate::reference::formats::is_url(&u) {
        Some(u)
    } else {
        errors.push(ValidationError::new(path, ErrorCode::Format, "Must be an http or https address, such as https://example.org."));
        None
    }
}

/// A phone number as typed, normalised to E.164 (one rule:
/// [`crate::reference::formats::normalize_phone`] then [`crate::reference::formats::is_phone`]).
pub fn phone(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    let p = crate::reference::formats::normalize_phone(value);
    if crate::reference::formats::is_phone(&p) {
        Some(p)
    } else {
        errors.push(ValidationError::new(path, ErrorCode::Format, crate::contract::messages::FORMAT_PHONE));
        None
    }
}

/// A language as ISO 639-1 (two lower-case letters; see [`crate::reference::formats`]).
pub fn language(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    if crate::reference::formats::is_language(value) {
        Some(value.to_string())
    } else {
        errors.push(ValidationError::new(path, ErrorCode::Format, crate::contract::messages::FORMAT_LANGUAGE));
        None
    }
}

/// An agency code, or an `unknown_code` error at `path`.
pub fn agency_code(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    match crate::reference::codes::Agency::from_str(value) {
        Ok(a) => Some(a.code().to_string()),
        Err(()) => {
            errors.push(ValidationError::new(path, ErrorCode::UnknownCode, "Is not an agency code (see GET /v1/codes, list `agency`)."));
            None
        }
    }
}

/// A training population code, or an `unknown_code` error at `path`.
pub fn population_code(path: &str, value: &str, errors: &mut Vec<ValidationError>) -> Option<crate::training::Population> {
    let found = crate::training::Population::from_str(value).ok();
    if found.is_none() {
        errors.push(ValidationError::new(
            path,
            ErrorCode::UnknownCode,
            "Is not a population code: dcf_employee, dcf_contracted_provider, cssd_employee, law_enforcement or other.",
        ));
    }
    found
}

/// How long the reason for a privileged read must be: enough to say why, short enough for the
/// audit trail that records it.
pub const REASON_CHARS: std::ops::RangeInclusive<usize> = 10..=500;

/// The caller's reason for reading what others may not (sealed fields, exact counts), trimmed:
/// `missing` is the message when there is none. Every such read is audited with it.
pub fn reason(path: &str, value: Option<&str>, missing: &str, errors: &mut Vec<ValidationError>) -> Option<String> {
    let reason = value.map(str::trim).unwrap_or_default();
    let length = reason.chars().count();
    if length == 0 {
        errors.push(ValidationError::new(path, ErrorCode::Required, missing));
        None
    } else if !REASON_CHARS.contains(&length) {
        errors.push(ValidationError::new(path, ErrorCode::Length, "Must have between 10 and 500 characters."));
        None
    } else {
        Some(reason.to_string())
    }
}
