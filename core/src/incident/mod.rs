//! The incident report contract v1: wire body → validated [`Incident`].

pub mod correction;
pub mod filing;
mod wire;

use crate::reference::codes::{
    AgeGroup, Agency, Citizenship, ControlMethod, IncidentStatus, Relationship, Service, Sex,
    TraffickingType, Venue,
};
use crate::reference::dates::{full_years, parse_iso_date};
use crate::reference::geo::{find_town, Town};
use crate::contract::problem::{ErrorCode, Pointer, ValidationError};
use crate::contract::read::{check_unique, flatten, read_json_objects, rule};
use crate::contract::sealed::Sealed;
use crate::incident::wire::{IdentityV1, IncidentReportV1, VictimV1};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use validator::Validate;

pub use crate::incident::wire::{IdentityV1 as IdentityWire, IncidentReportV1 as IncidentReportWire};
pub use crate::incident::wire::VictimV1 as VictimWire;

/// A victim's identifying details. Only ever held inside [`Sealed`]; its
/// `Debug` is redacted too, in case one is ever taken out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::contract::sealed::REDACTED)
    }
}

/// A validated victim. Built only by [`check_incident`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Victim {
    pub age: Option<u8>,
    /// Never `unknown`: a band that claims nothing is no band.
    pub age_band: Option<AgeGroup>,
    pub sex: Sex,
    pub citizenship: Option<Citizenship>,
    pub language: Option<String>,
    pub relationship_to_trafficker: Option<Relationship>,
    pub services_needed: Vec<Service>,
    pub identity: Option<Sealed<Identity>>,
    pub minor: bool,
}

/// The answer to a report that was stored: its id, when it was received and what was derived.
/// (Creating an incident and converting an intake submission both answer with it.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentCreated {
    pub id: uuid::Uuid,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub derived: Derived,
}

/// Fields derived on acceptance from the reference data and the rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Derived {
    /// The town's canonical name.
    pub town: String,
    /// NIBRS offense codes: `64A` (sex), `64B` (labor).
    pub nibrs_offenses: Vec<String>,
    pub county: Option<String>,
    pub planning_region: Option<String>,
    /// `null` where the reference data has no reliable source.
    pub judicial_district: Option<String>,
    pub dcf_region: Option<u8>,
    pub minor_involved: bool,
}

/// A validated incident report. Built only by [`check_incident`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Incident {
    pub reporting_agency: Agency,
    pub agency_case_ref: Option<String>,
    pub status: IncidentStatus,
    pub incident_date: NaiveDate,
    pub reported_date: NaiveDate,
    pub town: &'static Town,
    pub trafficking_types: Vec<TraffickingType>,
    pub venue: Option<Venue>,
    pub control_methods: Vec<ControlMethod>,
    pub victims: Vec<Victim>,
    pub dcf_notified: bool,
    pub law_enforcement_agency: Option<String>,
    pub narrative: Option<Sealed<String>>,
    pub derived: Derived,
}

/// The verdict as the API, the wasm module and the fixture vectors state it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentVerdict {
    pub ok: bool,
    pub errors: Vec<ValidationError>,
    pub derived: Option<Derived>,
}

impl IncidentVerdict {
    pub fn of(body: &str, today: NaiveDate) -> Self {
        match check_incident(body, today) {
            Ok(incident) => Self {
                ok: true,
                errors: Vec::new(),
                derived: Some(incident.derived),
            },
            Err(errors) => Self {
                ok: false,
                errors,
                derived: None,
            },
        }
    }
}

/// Validates a request body against contract v1 as of `today`.
///
/// A body that cannot be read into the types yields its first structural
/// error; one that can yields every rule it breaks, sorted by path.
pub fn check_incident(body: &str, today: NaiveDate) -> Result<Incident, Vec<ValidationError>> {
    let wire: IncidentReportV1 =
        read_json_objects(body, &["", "/victims/*", "/victims/*/identity"]).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    if let Err(e) = wire.validate() {
        flatten(&e, &Pointer::root(), &mut errors);
    }
    let root = Pointer::root();
    for (i, v) in wire.victims.iter().enumerate() {
        if let Err(e) = v.validate() {
            flatten(&e, &root.key("victims").index(i), &mut errors);
        }
    }

    let incident_date = checked_date(&wire.incident_date, root.key("incident_date"), today, &mut errors);
    let reported_date = checked_date(&wire.reported_date, root.key("reported_date"), today, &mut errors);
    if let (Some(i), Some(r)) = (incident_date, reported_date) {
        if r < i {
            errors.push(rule(root.key("reported_date"), ErrorCode::DateOrder));
        }
    }

    let town = find_town(&wire.town);
    if town.is_none() {
        errors.push(rule(root.key("town"), ErrorCode::UnknownCode));
    }
    check_unique(&wire.trafficking_types, root.key("trafficking_types"), &mut errors);
    if let Some(methods) = &wire.control_methods {
        check_unique(methods, root.key("control_methods"), &mut errors);
    }

    let victims: Vec<Victim> = wire
        .victims
        .into_iter()
        .enumerate()
        .map(|(i, v)| victim(v, root.key("victims").index(i), incident_date, &mut errors))
        .collect();
    let minor_involved = victims.iter().any(|v| v.minor);
    if minor_involved && !wire.dcf_notified {
        errors.push(rule(root.key("dcf_notified"), ErrorCode::MinorRequiresDcfNotification));
    }

    match (town, incident_date, reported_date, errors.is_empty()) {
        (Some(town), Some(incident_date), Some(reported_date), true) => {
            let derived = Derived {
                town: town.town.to_string(),
                nibrs_offenses: nibrs_offenses(&wire.trafficking_types),
                county: town.county.map(str::to_string),
                planning_region: town.planning_region.map(str::to_string),
                judicial_district: town.judicial_district.map(str::to_string),
                dcf_region: town.dcf_region,
                minor_involved,
            };
            Ok(Incident {
                reporting_agency: wire.reporting_agency,
                agency_case_ref: wire.agency_case_ref,
                status: wire.status,
                incident_date,
                reported_date,
                town,
                trafficking_types: wire.trafficking_types,
                venue: wire.venue,
                control_methods: wire.control_methods.unwrap_or_default(),
                victims,
                dcf_notified: wire.dcf_notified,
                law_enforcement_agency: wire.law_enforcement_agency,
                narrative: wire.narrative,
                derived,
            })
        }
        _ => {
            errors.sort();
            errors.dedup();
            Err(errors)
        }
    }
}

fn nibrs_offenses(types: &[TraffickingType]) -> Vec<String> {
    let mut codes: Vec<String> = types.iter().map(|t| t.nibrs_offense().to_string()).collect();
    codes.sort();
    codes.dedup();
    codes
}

/// Parses a date member and checks it is not after today.
fn checked_date(
    text: &str,
    path: Pointer,
    today: NaiveDate,
    errors: &mut Vec<ValidationError>,
) -> Option<NaiveDate> {
    match parse_iso_date(text) {
        None => {
            errors.push(rule(path, ErrorCode::Format));
            None
        }
        Some(d) => {
            if d > today {
                errors.push(rule(path, ErrorCode::FutureDate));
            }
            Some(d)
        }
    }
}

fn victim(
    wire: VictimV1,
    path: Pointer,
    incident_date: Option<NaiveDate>,
    errors: &mut Vec<ValidationError>,
) -> Victim {
    if let Some(services) = &wire.services_needed {
        check_unique(services, path.key("services_needed"), errors);
    }
    let identity = wire
        .identity
        .map(|sealed| identity(sealed.into_inner(), &path, wire.age, incident_date, errors));
    let age_from_dob = match (&identity, incident_date) {
        (Some(id), Some(on)) => id
            .expose()
            .date_of_birth
            .filter(|dob| *dob <= on)
            .map(|dob| full_years(dob, on)),
        _ => None,
    };
    let age_band = wire.age_band.and_then(AgeGroup::as_band);
    let known_age = wire.age.or(age_from_dob);
    if let (Some(band), Some(age)) = (age_band, known_age) {
        if !band.contains(age) {
            errors.push(rule(path.key("age_band"), ErrorCode::AgeBandMismatch));
        }
    }
    // Sec. 10(a): DCF "shall" serve "any person under eighteen years of age"
    // it "reasonably believes may be a victim of trafficking". An intake's age
    // group is such a belief even when nobody knows the exact age, so a minor
    // band makes the victim a minor as surely as an age does.
    let minor = match known_age {
        Some(age) => age < 18,
        None => age_band.is_some_and(AgeGroup::is_minor),
    };
    Victim {
        age: wire.age.and_then(|a| u8::try_from(a).ok()),
        age_band,
        sex: wire.sex,
        citizenship: wire.citizenship,
        language: wire.language,
        relationship_to_trafficker: wire.relationship_to_trafficker,
        services_needed: wire.services_needed.unwrap_or_default(),
        identity,
        minor,
    }
}

fn identity(
    wire: IdentityV1,
    victim_path: &Pointer,
    age: Option<i64>,
    incident_date: Option<NaiveDate>,
    errors: &mut Vec<ValidationError>,
) -> Sealed<Identity> {
    let dob_path = victim_path.key("identity").key("date_of_birth");
    let date_of_birth = wire.date_of_birth.as_deref().and_then(|text| {
        let parsed = parse_iso_date(text);
        if parsed.is_none() {
            errors.push(rule(dob_path.clone(), ErrorCode::Format));
        }
        parsed
    });
    if let (Some(dob), Some(on)) = (date_of_birth, incident_date) {
        if dob > on {
            errors.push(rule(dob_path, ErrorCode::DateOrder));
        } else if age.is_some_and(|a| a != full_years(dob, on)) {
            errors.push(rule(victim_path.key("age"), ErrorCode::AgeDobMismatch));
        }
    }
    Sealed::new(Identity {
        given_name: wire.given_name,
        family_name: wire.family_name,
        date_of_birth,
        phone: wire.phone,
        email: wire.email,
    })
}

/// Every code list of the contract plus the town table, for forms and agencies.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dictionary {
    pub schema_version: &'static str,
    pub lists: std::collections::BTreeMap<&'static str, Vec<crate::reference::codes::CodeEntry>>,
    pub towns: &'static [Town],
}

pub fn dictionary() -> Dictionary {
    Dictionary {
        schema_version: crate::SCHEMA_VERSION,
        lists: crate::reference::codes::all_lists().into_iter().collect(),
        towns: crate::reference::geo::towns(),
    }
}
