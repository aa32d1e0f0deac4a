//! A workforce member as typed — a JSON body or a roster row — checked into the
//! facts the training duties of Sec. 4 and 5 are judged on.

use chrono::NaiveDate;
use std::collections::HashMap;
use serde::{Deserialize, Deserializer};

use super::Population;
use crate::contract::problem::{ErrorCode, ValidationError};
use crate::fields::{agency_code, date, population_code, reference, text, town};

/// The role that puts a person under the caseload rule: Sec. 3(7) holds back a
/// caseload from "social worker trainees" until they are trained.
pub const SOCIAL_WORKER_TRAINEE: &str = "social_worker_trainee";

/// The fields of a person as text, from a JSON body or a CSV row.
#[derive(Debug, Clone, Copy, Default)]
pub struct PersonFields<'a> {
    pub agency: &'a str,
    pub population: &'a str,
    pub employee_ref: &'a str,
    pub name: Option<&'a str>,
    pub role: Option<&'a str>,
    pub start_date: &'a str,
    pub active: Option<bool>,
    pub town: Option<&'a str>,
}

/// A person whose every field passed; ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPerson {
    pub agency: String,
    pub population: Population,
    pub employee_ref: String,
    pub name: Option<String>,
    pub role: Option<String>,
    /// "six months after beginning such employment or July 1, 2027, whichever
    /// is later" (Sec. 4(b)) runs from this day.
    pub start_date: NaiveDate,
    pub active: bool,
    pub town: Option<String>,
}

/// Every broken rule of a person, or the person. Empty `name`/`role`/`town`
/// clear them; `active` defaults to `true`.
pub fn check_person(f: &PersonFields<'_>) -> Result<CheckedPerson, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let agency = agency_code("/agency", f.agency, &mut errors);
    let population = population_code("/population", f.population, &mut errors);
    let employee_ref = reference("/employee_ref", f.employee_ref, &mut errors);
    let name = f.name.map(|n| text("/name", n, 200, &mut errors));
    let role = f.role.map(|r| text("/role", r, 64, &mut errors));
    let start_date = date("/start_date", f.start_date, &mut errors);
    let town = f.town.map(|t| town("/town", t, &mut errors));
    match (agency, population, employee_ref, start_date) {
        (Some(agency), Some(population), Some(employee_ref), Some(start_date)) if errors.is_empty() => Ok(CheckedPerson {
            agency,
            population,
            employee_ref,
            name: name.flatten(),
            role: role.flatten(),
            start_date,
            active: f.active.unwrap_or(true),
            town: town.flatten(),
        }),
        _ => Err(errors),
    }
}

/// A roster's `active` cell: `true`, `false`, or empty (keep the default).
pub fn active_cell(cell: Option<&str>, errors: &mut Vec<ValidationError>) -> Option<bool> {
    match cell {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            errors.push(ValidationError::new("/active", ErrorCode::InvalidType, "Must be `true` or `false` (or empty)."));
            None
        }
    }
}

/// One roster row (`agency,population,employee_ref,start_date` and the
/// optional `name,role,active,town`), as [`check_person`] with the `active`
/// cell read first.
pub fn check_roster_row(fields: PersonFields<'_>, active: Option<&str>) -> Result<CheckedPerson, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let active = active_cell(active, &mut errors);
    match check_person(&PersonFields { active, ..fields }) {
        Ok(person) if errors.is_empty() => Ok(person),
        Ok(_) => Err(errors),
        Err(more) => {
            errors.extend(more);
            Err(errors)
        }
    }
}

/// Whether a stored role puts the person under the caseload rule.
pub fn is_social_worker_trainee(role: Option<&str>) -> bool {
    role == Some(SOCIAL_WORKER_TRAINEE)
}

/// Present-and-null (`Some(None)`) is told apart from absent (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a person; absent members are left alone, `null` clears `name` / `role` / `town`.
/// `agency` and `employee_ref` identify the person and cannot change.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonUpdate {
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    pub role: Option<Option<String>>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Population>))]
    pub population: Option<String>,
    /// A Connecticut town (the office the person works from).
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    pub town: Option<Option<String>>,
    /// The DCF-contracted provider (`GET /v1/training/providers`) a
    /// `dcf_contracted_provider` works for; `null` unlinks.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>, nullable))]
    pub provider_id: Option<Option<uuid::Uuid>>,
}

/// A checked update: `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonChange {
    pub population: Option<Population>,
    pub name: Option<Option<String>>,
    pub role: Option<Option<String>>,
    pub start_date: Option<NaiveDate>,
    pub active: Option<bool>,
    pub town: Option<Option<String>>,
    pub provider_id: Option<Option<uuid::Uuid>>,
}

/// Whether a person of `population` may be linked to a contracted provider:
/// only a provider's own staff run on its contract clock ("or in the case of
/// a provider, not later than six months after entering into a contract with
/// the department", Sec. 4(b)).
pub fn check_provider_link(population: Population, linked: bool, errors: &mut Vec<ValidationError>) {
    if linked && population != Population::DcfContractedProvider {
        errors.push(ValidationError::new(
            "/provider_id",
            ErrorCode::NotAllowed,
            "Only a dcf_contracted_provider works for a contracted provider.",
        ));
    }
}

/// Every broken rule of an update, or the change; an update that changes nothing is refused.
pub fn check_person_update(update: &PersonUpdate) -> Result<PersonChange, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let change = PersonChange {
        population: update.population.as_deref().and_then(|p| population_code("/population", p, &mut errors)),
        name: update.name.as_ref().map(|n| n.as_deref().and_then(|n| text("/name", n, 200, &mut errors))),
        role: update.role.as_ref().map(|r| r.as_deref().and_then(|r| text("/role", r, 64, &mut errors))),
        start_date: update.start_date.as_deref().and_then(|d| date("/start_date", d, &mut errors)),
        active: update.active,
        town: update.town.as_ref().map(|t| t.as_deref().and_then(|t| town("/town", t, &mut errors))),
        provider_id: update.provider_id,
    };
    if update.population.is_none()
        && update.name.is_none()
        && update.role.is_none()
        && update.start_date.is_none()
        && update.active.is_none()
        && update.town.is_none()
        && update.provider_id.is_none()
    {
        errors.push(ValidationError::new("", ErrorCode::Required, "Give at least one of name, role, start_date, active, population, town, provider_id."));
    }
    if errors.is_empty() {
        Ok(change)
    } else {
        Err(errors)
    }
}

/// The rows of one roster file. An agency's `employee_ref` names one person,
/// so it appears once: a second row for it would silently overwrite the first.
#[derive(Debug, Default)]
pub struct RosterFile {
    seen: HashMap<(String, String), u64>,
}

impl RosterFile {
    /// Admits `person` from file row `row`, or names the row it repeats.
    pub fn admit(&mut self, person: &CheckedPerson, row: u64) -> Result<(), ValidationError> {
        let key = (person.agency.clone(), person.employee_ref.clone());
        match self.seen.get(&key) {
            Some(first) => Err(ValidationError::new(
                "/employee_ref",
                ErrorCode::Duplicate,
                format!("The agency's employee_ref already appears on row {first}."),
            )),
            None => {
                self.seen.insert(key, row);
                Ok(())
            }
        }
    }
}
