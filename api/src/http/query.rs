//! Query parameters: whole numbers, flags, dates and paging, each parsed once here so every
//! list answers a bad parameter with the same 400 naming it (`/page`, `/active`, …).

use beacon_core::{ErrorCode, ValidationError};
use chrono::NaiveDate;

/// A whole-number query parameter from 1 to `max` (paging), `default` when absent.
pub fn number(name: &str, value: Option<&str>, default: i64, max: i64, errors: &mut Vec<ValidationError>) -> i64 {
    match value.map(|v| v.trim().parse::<i64>()) {
        None => default,
        Some(Ok(n)) if (1..=max).contains(&n) => n,
        Some(_) => {
            errors.push(ValidationError::new(format!("/{name}"), ErrorCode::Range, format!("Must be a whole number from 1 to {max}.")));
            default
        }
    }
}

/// `true` / `false` query flag.
pub fn flag(name: &str, value: Option<&str>, errors: &mut Vec<ValidationError>) -> Option<bool> {
    match value? {
        "true" => Some(true),
        "false" => Some(false),
        _ => {
            errors.push(ValidationError::new(format!("/{name}"), ErrorCode::InvalidType, "Must be `true` or `false`."));
            None
        }
    }
}

/// A date query parameter, defaulting to `today`.
pub fn date_param(name: &str, value: Option<&str>, today: NaiveDate, errors: &mut Vec<ValidationError>) -> NaiveDate {
    match value {
        None => today,
        Some(v) => beacon_core::fields::date(&format!("/{name}"), v, errors).unwrap_or(today),
    }
}
