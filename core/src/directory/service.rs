//! A service as a client writes it — `POST /v1/directory/services`, one row of an import, or the
//! partner page through wasm `validateService` — and the one set of rules that turns it into a
//! [`Service`]. The endpoint, the CSV and HSDS imports and the browser all call [`check`], so an
//! import can never accept what the endpoint would refuse.

use super::codes::{PhoneType, ServedPopulation, ServiceStatus};
use super::location::{self, Location, LocationInput};
use crate::contract::read::read_json_objects;
use crate::fields::{self, date, text};
use crate::reference::codes::Service as Category;
use crate::{ErrorCode, ValidationError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The JSON object members of a service body (for unknown-member and array-for-object checks).
pub const OBJECT_PATHS: [&str; 5] = ["", "/capacity", "/locations/*", "/funding/*", "/phones/*"];
/// The JSON object members of a service update.
pub const UPDATE_OBJECT_PATHS: [&str; 4] = ["", "/locations/*", "/funding/*", "/phones/*"];

/// Capacity, as in HSDS 3.1 (`unit`, `available`, `total`).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CapacityInput {
    /// e.g. `beds`.
    pub unit: String,
    pub available: i64,
    #[serde(default)]
    pub total: Option<i64>,
}

/// A grant or contract paying for the service. HSDS feeds name only the source; the amount and
/// period, when known, feed the gap analysis.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhoneInput {
    /// E.164 (`+18605550123`); a North American number as people type it (`(860) 555-0123`)
    /// is accepted and stored in E.164.
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
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    pub organization_id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `active` (default), `inactive`, `defunct`, `temporarily_closed` (list `service_status`).
    #[serde(default)]
    pub status: Option<String>,
    /// Foundation service codes (GET /v1/codes, list `service`).
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeSet<String>))]
    pub categories: Vec<String>,
    #[serde(default)]
    pub min_age: Option<i64>,
    #[serde(default)]
    pub max_age: Option<i64>,
    /// Codes of the list `served_population`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeSet<String>))]
    pub populations: Vec<String>,
    /// ISO 639-1 language codes (`en`, `es`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeSet<String>))]
    pub languages: Vec<String>,
    #[serde(default)]
    pub capacity: Option<CapacityInput>,
    #[serde(default)]
    pub locations: Vec<LocationInput>,
    /// Connecticut towns served.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeSet<String>))]
    pub service_areas: Vec<String>,
    #[serde(default)]
    pub funding: Vec<FundingInput>,
    #[serde(default)]
    pub phones: Vec<PhoneInput>,
}

/// Changes to a service; absent members are left alone. Deactivate a service by setting
/// `status` to `inactive` or `defunct`. A list given (`locations`, `service_areas`, `funding`,
/// `phones`) replaces the service's whole list; `[]` empties it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<std::collections::BTreeSet<String>>))]
    pub categories: Option<Vec<String>>,
    #[serde(default)]
    pub min_age: Option<i64>,
    #[serde(default)]
    pub max_age: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<std::collections::BTreeSet<String>>))]
    pub populations: Option<Vec<String>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<std::collections::BTreeSet<String>>))]
    pub languages: Option<Vec<String>>,
    #[serde(default)]
    pub capacity_unit: Option<String>,
    #[serde(default)]
    pub capacity_available: Option<i64>,
    #[serde(default)]
    pub capacity_total: Option<i64>,
    #[serde(default)]
    pub locations: Option<Vec<LocationInput>>,
    /// Connecticut towns served.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<std::collections::BTreeSet<String>>))]
    pub service_areas: Option<Vec<String>>,
    #[serde(default)]
    pub funding: Option<Vec<FundingInput>>,
    #[serde(default)]
    pub phones: Option<Vec<PhoneInput>>,
}

/// Capacity as checked; `updated_at` is the instant it was reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capacity {
    pub unit: String,
    pub available: i32,
    pub total: Option<i32>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Funding {
    pub source: String,
    pub amount_cents: Option<i64>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phone {
    /// E.164.
    pub number: String,
    pub phone_type: PhoneType,
    pub extension: Option<String>,
    pub description: Option<String>,
}

/// A service that keeps every rule. Only [`check`] makes one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Service {
    pub organization_id: Uuid,
    pub name: String,
    pub description: String,
    pub status: ServiceStatus,
    pub categories: Vec<Category>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub populations: Vec<ServedPopulation>,
    pub languages: Vec<String>,
    pub capacity: Option<Capacity>,
    pub locations: Vec<Location>,
    pub service_areas: Vec<String>,
    pub funding: Vec<Funding>,
    pub phones: Vec<Phone>,
}

/// A checked update: `None` leaves a field (or a list) alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServicePatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub status: Option<ServiceStatus>,
    pub categories: Option<Vec<Category>>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub populations: Option<Vec<ServedPopulation>>,
    pub languages: Option<Vec<String>>,
    pub capacity_unit: Option<String>,
    pub capacity_available: Option<i32>,
    pub capacity_total: Option<i32>,
    /// Set when any capacity member was given: capacity was reported at this instant.
    pub capacity_updated_at: Option<DateTime<Utc>>,
    pub locations: Option<Vec<Location>>,
    pub service_areas: Option<Vec<String>>,
    pub funding: Option<Vec<Funding>>,
    pub phones: Option<Vec<Phone>>,
}

/// The stored values an update's cross-field rules compare with.
#[derive(Debug, Clone, Copy, Default)]
pub struct Current {
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    pub capacity_available: Option<i32>,
    pub capacity_total: Option<i32>,
}

/// Upper bound of an age in years.
pub const MAX_AGE: i32 = 120;
/// Upper bound of a capacity count.
pub const MAX_COUNT: i32 = 1_000_000;
/// Upper bound of a funding amount (ten billion dollars, in cents): more is a typing mistake.
pub const MAX_AMOUNT_CENTS: i64 = 1_000_000_000_000;

/// An age in years, 0–[`MAX_AGE`].
pub fn age(path: &str, value: Option<i64>, errors: &mut Vec<ValidationError>) -> Option<i32> {
    bounded(path, value, MAX_AGE, "Must be between 0 and 120.", errors)
}

/// A count (capacity), 0–[`MAX_COUNT`].
pub fn count(path: &str, value: Option<i64>, errors: &mut Vec<ValidationError>) -> Option<i32> {
    bounded(path, value, MAX_COUNT, "Must be between 0 and 1,000,000.", errors)
}

fn bounded(path: &str, value: Option<i64>, max: i32, message: &str, errors: &mut Vec<ValidationError>) -> Option<i32> {
    let v = value?;
    match i32::try_from(v) {
        Ok(a) if (0..=max).contains(&a) => Some(a),
        _ => {
            errors.push(ValidationError::new(path, ErrorCode::Range, message));
            None
        }
    }
}

fn optional_text(path: &str, value: Option<&str>, max: usize, errors: &mut Vec<ValidationError>) -> Option<String> {
    value.and_then(|v| text(path, v, max, errors))
}

/// Language codes (one rule: [`crate::reference::formats::is_language`]), each at most once.
pub fn languages(path: &str, values: &[String], errors: &mut Vec<ValidationError>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let at = format!("{path}/{i}");
        if let Some(code) = fields::language(&at, v, errors) {
            if out.contains(&code) {
                errors.push(ValidationError::new(at, ErrorCode::Duplicate, "Is listed twice."));
            } else {
                out.push(code);
            }
        }
    }
    out
}

/// Towns served: canonical, each at most once.
pub fn service_areas(path: &str, values: &[String], errors: &mut Vec<ValidationError>) -> Vec<String> {
    let mut areas: Vec<String> = Vec::new();
    for (i, t) in values.iter().enumerate() {
        let at = format!("{path}/{i}");
        if let Some(t) = fields::town(&at, t, errors) {
            if areas.contains(&t) {
                errors.push(ValidationError::new(at, ErrorCode::Duplicate, "Is listed twice."));
            } else {
                areas.push(t);
            }
        }
    }
    areas
}

/// Foundation service codes, at least one, each at most once.
fn categories(path: &str, values: &[String], errors: &mut Vec<ValidationError>) -> Vec<Category> {
    if values.is_empty() {
        errors.push(ValidationError::new(path, ErrorCode::Required, "List at least one service code."));
    }
    fields::codes::<Category>(path, values, errors)
}

/// One funding line at `{path}`.
pub fn funding(path: &str, f: &FundingInput, errors: &mut Vec<ValidationError>) -> Option<Funding> {
    let at = |m: &str| format!("{path}/{m}");
    let source = text(&at("source"), &f.source, 200, errors);
    if f.amount_cents.is_some_and(|a| !(0..=MAX_AMOUNT_CENTS).contains(&a)) {
        errors.push(ValidationError::new(at("amount_cents"), ErrorCode::Range, "Must be between 0 and 1,000,000,000,000."));
    }
    let start = f.period_start.as_deref().and_then(|v| date(&at("period_start"), v, errors));
    let end = f.period_end.as_deref().and_then(|v| date(&at("period_end"), v, errors));
    // A period is open at neither end or closed at both: the gap analysis sums funding by the
    // period it overlaps, which half a period cannot say.
    if f.period_start.is_some() != f.period_end.is_some() {
        errors.push(ValidationError::new(at("period_end"), ErrorCode::Required, "Give both period_start and period_end, or neither."));
    }
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            errors.push(ValidationError::new(at("period_end"), ErrorCode::DateOrder, "Must not be before period_start."));
        }
    }
    Some(Funding { source: source?, amount_cents: f.amount_cents, period_start: start, period_end: end })
}

/// One phone at `{path}`; the number is stored in E.164.
pub fn phone(path: &str, p: &PhoneInput, errors: &mut Vec<ValidationError>) -> Option<Phone> {
    let at = |m: &str| format!("{path}/{m}");
    let number = fields::phone(&at("number"), &p.number, errors);
    let phone_type = fields::code::<PhoneType>(&at("type"), p.phone_type.as_deref().unwrap_or("voice"), errors);
    let extension = p.extension.as_deref().filter(|e| !e.is_empty()).and_then(|e| {
        let ok = e.len() <= 10 && e.chars().all(|c| c.is_ascii_digit());
        if !ok {
            errors.push(ValidationError::new(at("extension"), ErrorCode::Format, "Must be up to 10 digits."));
        }
        ok.then(|| e.to_string())
    });
    let description = optional_text(&at("description"), p.description.as_deref(), 200, errors);
    Some(Phone { number: number?, phone_type: phone_type?, extension, description })
}

fn each<I, T>(path: &str, items: &[I], errors: &mut Vec<ValidationError>, rule: impl Fn(&str, &I, &mut Vec<ValidationError>) -> Option<T>) -> Vec<T> {
    items.iter().enumerate().filter_map(|(i, item)| rule(&format!("{path}/{i}"), item, errors)).collect()
}

fn min_not_above_max(min: Option<i32>, max: Option<i32>, errors: &mut Vec<ValidationError>) {
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            errors.push(ValidationError::new("/max_age", ErrorCode::Range, "Must not be less than min_age."));
        }
    }
}

/// Every rule of a service, all errors at once (paths relative to the service). `now` is when
/// the capacity given was reported.
pub fn check(input: &ServiceInput, now: DateTime<Utc>) -> Result<Service, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let name = text("/name", &input.name, 200, &mut errors);
    let description = optional_text("/description", input.description.as_deref(), 4000, &mut errors).unwrap_or_default();
    let status = fields::code::<ServiceStatus>("/status", input.status.as_deref().unwrap_or("active"), &mut errors);
    let categories = categories("/categories", &input.categories, &mut errors);
    let min_age = age("/min_age", input.min_age, &mut errors);
    let max_age = age("/max_age", input.max_age, &mut errors);
    min_not_above_max(min_age, max_age, &mut errors);
    let populations = fields::codes::<ServedPopulation>("/populations", &input.populations, &mut errors);
    let languages = languages("/languages", &input.languages, &mut errors);
    let capacity = input.capacity.as_ref().and_then(|c| {
        let unit = text("/capacity/unit", &c.unit, 50, &mut errors);
        let available = count("/capacity/available", Some(c.available), &mut errors);
        let total = count("/capacity/total", c.total, &mut errors);
        if let (Some(a), Some(t)) = (available, total) {
            if a > t {
                errors.push(ValidationError::new("/capacity/available", ErrorCode::Range, "Must not exceed total."));
            }
        }
        Some(Capacity { unit: unit?, available: available?, total, updated_at: now })
    });
    let locations = each("/locations", &input.locations, &mut errors, location::check);
    let service_areas = service_areas("/service_areas", &input.service_areas, &mut errors);
    let funding = each("/funding", &input.funding, &mut errors, funding);
    let phones = each("/phones", &input.phones, &mut errors, phone);
    let (Some(name), Some(status), true) = (name, status, errors.is_empty()) else {
        return Err(errors);
    };
    Ok(Service {
        organization_id: input.organization_id,
        name,
        description,
        status,
        categories,
        min_age,
        max_age,
        populations,
        languages,
        capacity,
        locations,
        service_areas,
        funding,
        phones,
    })
}

/// Every rule of an update that needs nothing stored (paths relative to the update). The rules
/// that compare with the stored service are [`ServicePatch::check_against`], run once the
/// caller knows its update is not stale.
pub fn check_update(input: &ServiceUpdate, now: DateTime<Utc>) -> Result<ServicePatch, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let capacity_given = input.capacity_unit.is_some() || input.capacity_available.is_some() || input.capacity_total.is_some();
    let patch = ServicePatch {
        name: input.name.as_deref().and_then(|v| text("/name", v, 200, &mut errors)),
        description: input.description.as_deref().and_then(|v| text("/description", v, 4000, &mut errors)),
        status: input.status.as_deref().and_then(|v| fields::code::<ServiceStatus>("/status", v, &mut errors)),
        categories: input.categories.as_deref().map(|v| categories("/categories", v, &mut errors)),
        min_age: age("/min_age", input.min_age, &mut errors),
        max_age: age("/max_age", input.max_age, &mut errors),
        populations: input.populations.as_deref().map(|v| fields::codes::<ServedPopulation>("/populations", v, &mut errors)),
        languages: input.languages.as_deref().map(|v| languages("/languages", v, &mut errors)),
        capacity_unit: input.capacity_unit.as_deref().and_then(|v| text("/capacity_unit", v, 50, &mut errors)),
        capacity_available: count("/capacity_available", input.capacity_available, &mut errors),
        capacity_total: count("/capacity_total", input.capacity_total, &mut errors),
        capacity_updated_at: capacity_given.then_some(now),
        locations: input.locations.as_deref().map(|ls| each("/locations", ls, &mut errors, location::check)),
        service_areas: input.service_areas.as_deref().map(|v| service_areas("/service_areas", v, &mut errors)),
        funding: input.funding.as_deref().map(|fs| each("/funding", fs, &mut errors, funding)),
        phones: input.phones.as_deref().map(|ps| each("/phones", ps, &mut errors, phone)),
    };
    if errors.is_empty() {
        Ok(patch)
    } else {
        Err(errors)
    }
}

impl ServicePatch {
    /// The rules between the update and what is stored: the age range and the capacity, each
    /// taking the stored value where the update leaves it alone.
    pub fn check_against(&self, current: &Current) -> Result<(), Vec<ValidationError>> {
        let mut errors = Vec::new();
        min_not_above_max(self.min_age.or(current.min_age), self.max_age.or(current.max_age), &mut errors);
        let available = self.capacity_available.or(current.capacity_available);
        let total = self.capacity_total.or(current.capacity_total);
        if let (Some(a), Some(t)) = (available, total) {
            if a > t {
                errors.push(ValidationError::new("/capacity_available", ErrorCode::Range, "Must not exceed capacity_total."));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Whether any list is replaced.
    pub fn replaces_lists(&self) -> bool {
        self.locations.is_some() || self.service_areas.is_some() || self.funding.is_some() || self.phones.is_some()
    }
}

/// The verdict on a service body, as `POST /v1/directory/services` gives it and wasm
/// `validateService` returns it: `{ok, errors}`.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceVerdict {
    pub ok: bool,
    pub errors: Vec<ValidationError>,
}

impl ServiceVerdict {
    pub fn of(body: &str, now: DateTime<Utc>) -> Self {
        match read(body).and_then(|input| check(&input, now)) {
            Ok(_) => Self { ok: true, errors: Vec::new() },
            Err(errors) => Self { ok: false, errors },
        }
    }
}

/// Reads a service body: the first structural error, or the wire type.
pub fn read(body: &str) -> Result<ServiceInput, Vec<ValidationError>> {
    read_json_objects(body, &OBJECT_PATHS).map_err(|e| vec![e])
}
