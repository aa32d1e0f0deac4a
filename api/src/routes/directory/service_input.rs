//! A service as a client writes it — by `POST /v1/directory/services`, or as
//! one row of an import — and the one set of rules that turns it into rows.
//! Both the JSON endpoint and the CSV / HSDS imports call [`check_service`],
//! so an import can never accept what the endpoint would refuse.

use super::{age, categories, codes, count, languages, one_of, town, POPULATIONS, STATUSES};
use crate::db::directory::{NewFunding, NewLocation, NewPhone, NewService};
use beacon_core::fields::{date, text};
use beacon_core::{ErrorCode, ValidationError};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// HSDS 3.1 phone types.
pub const PHONE_TYPES: [&str; 7] = ["text", "voice", "fax", "cell", "video", "pager", "textphone"];

/// Capacity, as in HSDS 3.1 (`unit`, `available`, `total`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityInput {
    /// e.g. `beds`.
    pub unit: String,
    pub available: i64,
    #[serde(default)]
    pub total: Option<i64>,
}

/// Where a service is delivered. A confidential location (a shelter) never
/// shows its street address, postal code or coordinates on public routes.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    pub name: String,
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    pub address_1: Option<String>,
    /// Defaults to the town.
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    /// A Connecticut town (GET /v1/codes).
    pub town: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

/// A grant or contract paying for the service. HSDS feeds name only the
/// source; the amount and period, when known, feed the gap analysis.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingInput {
    pub source: String,
    #[serde(default)]
    pub amount_cents: Option<i64>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub period_start: Option<String>,
    /// `YYYY-MM-DD`, not before `period_start`.
    #[serde(default)]
    pub period_end: Option<String>,
}

/// A phone number of the service (HSDS `phone`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneInput {
    /// Digits with optional `+`, spaces, `( ) - .`; 7–15 digits.
    pub number: String,
    /// `voice` (default), `text`, `fax`, `cell`, `video`, `pager`, `textphone`.
    #[serde(default, rename = "type")]
    pub phone_type: Option<String>,
    #[serde(default)]
    pub extension: Option<String>,
    /// e.g. `24-hour hotline`.
    #[serde(default)]
    pub description: Option<String>,
}

/// A service with everything about it, written at once.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    pub organization_id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `active` (default), `inactive`, `defunct`, `temporarily_closed`.
    #[serde(default)]
    pub status: Option<String>,
    /// Foundation service codes (GET /v1/codes, list `service`).
    pub categories: Vec<String>,
    #[serde(default)]
    pub min_age: Option<i64>,
    #[serde(default)]
    pub max_age: Option<i64>,
    /// `minors adults women men lgbtq foreign_nationals sex_trafficking labor_trafficking`.
    #[serde(default)]
    pub populations: Vec<String>,
    /// Language tags (`en`, `es`).
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub capacity: Option<CapacityInput>,
    #[serde(default)]
    pub locations: Vec<LocationInput>,
    /// Connecticut towns served.
    #[serde(default)]
    pub service_areas: Vec<String>,
    #[serde(default)]
    pub funding: Vec<FundingInput>,
    #[serde(default)]
    pub phones: Vec<PhoneInput>,
}

/// The rows a valid [`ServiceInput`] becomes.
pub use crate::db::directory::ServiceRows as CheckedService;

fn optional_text(path: &str, value: Option<&str>, max: usize, errors: &mut Vec<ValidationError>) -> Option<String> {
    value.and_then(|v| text(path, v, max, errors))
}

/// One location at `/locations/{i}` (`prefix` is the list's path).
pub fn location(prefix: &str, i: usize, l: &LocationInput, organization_id: Uuid, errors: &mut Vec<ValidationError>) -> Option<NewLocation> {
    let at = |m: &str| format!("{prefix}/{i}/{m}");
    let name = text(&at("name"), &l.name, 200, errors);
    let town = town(&at("town"), &l.town, errors);
    let address_1 = optional_text(&at("address_1"), l.address_1.as_deref(), 200, errors);
    let city = optional_text(&at("city"), l.city.as_deref(), 100, errors);
    let postal_code = l.postal_code.as_deref().filter(|p| !p.is_empty()).and_then(|p| {
        let ok = p.len() == 5 && p.chars().all(|c| c.is_ascii_digit())
            || p.len() == 10 && p.as_bytes().get(5) == Some(&b'-') && p.chars().filter(|c| c.is_ascii_digit()).count() == 9;
        if !ok {
            errors.push(ValidationError::new(at("postal_code"), ErrorCode::Format, "Must be a ZIP code: 5 digits, or ZIP+4."));
        }
        ok.then(|| p.to_string())
    });
    if l.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
        errors.push(ValidationError::new(at("latitude"), ErrorCode::Range, "Must be between -90 and 90."));
    }
    if l.longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
        errors.push(ValidationError::new(at("longitude"), ErrorCode::Range, "Must be between -180 and 180."));
    }
    if l.latitude.is_some() != l.longitude.is_some() {
        errors.push(ValidationError::new(at("latitude"), ErrorCode::Required, "Give both latitude and longitude, or neither."));
    }
    let (name, town) = (name?, town?);
    Some(NewLocation {
        id: Uuid::new_v4(),
        organization_id,
        name,
        confidential: l.confidential,
        address_1,
        city: city.unwrap_or_else(|| town.clone()),
        postal_code,
        town,
        latitude: l.latitude,
        longitude: l.longitude,
    })
}

/// One funding line at `{prefix}/{i}`.
pub fn funding(prefix: &str, i: usize, f: &FundingInput, service_id: Uuid, errors: &mut Vec<ValidationError>) -> Option<NewFunding> {
    let at = |m: &str| format!("{prefix}/{i}/{m}");
    let source = text(&at("source"), &f.source, 200, errors);
    if f.amount_cents.is_some_and(|a| !(0..=1_000_000_000_000).contains(&a)) {
        errors.push(ValidationError::new(at("amount_cents"), ErrorCode::Range, "Must be between 0 and 1,000,000,000,000."));
    }
    let start = f.period_start.as_deref().and_then(|v| date(&at("period_start"), v, errors));
    let end = f.period_end.as_deref().and_then(|v| date(&at("period_end"), v, errors));
    if f.period_start.is_some() != f.period_end.is_some() {
        errors.push(ValidationError::new(at("period_end"), ErrorCode::Required, "Give both period_start and period_end, or neither."));
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            errors.push(ValidationError::new(at("period_end"), ErrorCode::DateOrder, "Must not be before period_start."));
        }
    }
    Some(NewFunding {
        id: Uuid::new_v4(),
        service_id,
        source: source?,
        amount_cents: f.amount_cents,
        period_start: start,
        period_end: end,
    })
}

/// One phone at `{prefix}/{i}`.
pub fn phone(prefix: &str, i: usize, p: &PhoneInput, service_id: Uuid, errors: &mut Vec<ValidationError>) -> Option<NewPhone> {
    let at = |m: &str| format!("{prefix}/{i}/{m}");
    let number = p.number.trim();
    let digits = number.chars().filter(char::is_ascii_digit).count();
    let shape_ok = number.chars().all(|c| c.is_ascii_digit() || " +()-.".contains(c))
        && number.chars().skip(1).all(|c| c != '+');
    let number = if shape_ok && (7..=15).contains(&digits) {
        Some(number.to_string())
    } else {
        errors.push(ValidationError::new(at("number"), ErrorCode::Format, "Must be a phone number: 7 to 15 digits, optionally with +, spaces, ( ) - or ."));
        None
    };
    let phone_type = one_of(&at("type"), p.phone_type.as_deref().unwrap_or("voice"), &PHONE_TYPES, errors);
    let extension = p.extension.as_deref().filter(|e| !e.is_empty()).and_then(|e| {
        let ok = e.len() <= 10 && e.chars().all(|c| c.is_ascii_digit());
        if !ok {
            errors.push(ValidationError::new(at("extension"), ErrorCode::Format, "Must be up to 10 digits."));
        }
        ok.then(|| e.to_string())
    });
    let description = optional_text(&at("description"), p.description.as_deref(), 200, errors);
    Some(NewPhone { id: Uuid::new_v4(), service_id, number: number?, phone_type: phone_type?, extension, description })
}

/// Towns served: canonical, no repeats.
pub fn service_areas(prefix: &str, values: &[String], errors: &mut Vec<ValidationError>) -> Vec<String> {
    let mut areas: Vec<String> = Vec::new();
    for (i, t) in values.iter().enumerate() {
        if let Some(t) = town(&format!("{prefix}/{i}"), t, errors) {
            if areas.contains(&t) {
                errors.push(ValidationError::new(format!("{prefix}/{i}"), ErrorCode::Duplicate, "Is listed twice."));
            } else {
                areas.push(t);
            }
        }
    }
    areas
}

/// Every rule of a service, all errors at once (paths relative to the service).
pub fn check_service(input: &ServiceInput, id: Uuid, now: DateTime<Utc>) -> Result<CheckedService, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let name = text("/name", &input.name, 200, &mut errors);
    let description = optional_text("/description", input.description.as_deref(), 4000, &mut errors).unwrap_or_default();
    let status = one_of("/status", input.status.as_deref().unwrap_or("active"), &STATUSES, &mut errors);
    let categories = categories("/categories", &input.categories, &mut errors);
    if input.categories.is_empty() {
        errors.push(ValidationError::new("/categories", ErrorCode::Required, "List at least one service code."));
    }
    let min_age = age("/min_age", input.min_age, &mut errors);
    let max_age = age("/max_age", input.max_age, &mut errors);
    if let (Some(lo), Some(hi)) = (min_age, max_age) {
        if lo > hi {
            errors.push(ValidationError::new("/max_age", ErrorCode::Range, "Must not be less than min_age."));
        }
    }
    let populations = codes("/populations", &input.populations, &POPULATIONS, &mut errors);
    let languages = languages("/languages", &input.languages, &mut errors);
    let (capacity_unit, capacity_available, capacity_total) = match &input.capacity {
        None => (None, None, None),
        Some(c) => {
            let unit = text("/capacity/unit", &c.unit, 50, &mut errors);
            let available = count("/capacity/available", Some(c.available), &mut errors);
            let total = count("/capacity/total", c.total, &mut errors);
            if let (Some(a), Some(t)) = (available, total) {
                if a > t {
                    errors.push(ValidationError::new("/capacity/available", ErrorCode::Range, "Must not exceed total."));
                }
            }
            (unit, available, total)
        }
    };
    let locations: Vec<NewLocation> = input
        .locations
        .iter()
        .enumerate()
        .filter_map(|(i, l)| location("/locations", i, l, input.organization_id, &mut errors))
        .collect();
    let areas = service_areas("/service_areas", &input.service_areas, &mut errors);
    let funding: Vec<NewFunding> = input
        .funding
        .iter()
        .enumerate()
        .filter_map(|(i, f)| funding("/funding", i, f, id, &mut errors))
        .collect();
    let phones: Vec<NewPhone> = input
        .phones
        .iter()
        .enumerate()
        .filter_map(|(i, p)| phone("/phones", i, p, id, &mut errors))
        .collect();
    let (Some(name), Some(status), true) = (name, status, errors.is_empty()) else {
        return Err(errors);
    };
    Ok(CheckedService {
        service: NewService {
            id,
            organization_id: input.organization_id,
            name,
            description,
            status,
            categories,
            min_age,
            max_age,
            populations,
            languages,
            capacity_updated_at: capacity_unit.as_ref().map(|_| now),
            capacity_unit,
            capacity_available,
            capacity_total,
        },
        locations,
        areas,
        funding,
        phones,
    })
}
