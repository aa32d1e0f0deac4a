//! The partner intake contract v1 (`POST /v1/intake`): wire body → validated [`Intake`].
//!
//! Errors follow the incident contract: a body that cannot be read into the
//! types yields its first structural error; one that can yields every rule it
//! breaks, sorted by path.
//!
//! `contact` while `safe_to_contact` is false is reported as `not_allowed` at
//! `/contact` and nothing else about it: the person said nobody may reach
//! them, so the contact should not be there at all, and asking them to fix
//! its phone number would be the wrong message. (Structural errors inside it,
//! such as an unknown member, are still reported, as serde meets them first.)

pub mod access;
pub mod convert;
pub mod dcf;
pub mod status;
mod wire;

use crate::reference::codes::{AgeGroup, ConcernType, Service};
use crate::reference::geo::{find_town, Town};
use crate::intake::wire::{ContactV1, IntakeSubmissionV1};
use crate::contract::problem::{ErrorCode, Pointer, ValidationError};
use crate::contract::read::{check_unique, flatten, read_json_objects, rule};
use crate::contract::sealed::Sealed;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use validator::Validate;

pub use crate::intake::wire::{ContactV1 as ContactWire, IntakeSubmissionV1 as IntakeSubmissionWire};

/// How and when the person may be reached. Only ever held inside [`Sealed`];
/// its `Debug` is redacted too, in case one is ever taken out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub safe_times: Option<String>,
    /// False unless the person said a message may be left.
    pub leave_message_ok: bool,
}

impl std::fmt::Debug for Contact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::contract::sealed::REDACTED)
    }
}

/// Fields derived on acceptance of an intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntakeDerived {
    /// `age_group` is `under_12` or `12_17`.
    pub minor_involved: bool,
    /// The town's canonical name; `null` when no town was given.
    pub town: Option<String>,
    pub county: Option<String>,
    pub planning_region: Option<String>,
    /// `null` where the reference data has no reliable source.
    pub judicial_district: Option<String>,
    pub dcf_region: Option<u8>,
}

/// A validated intake. Built only by [`check_intake`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Intake {
    pub town: Option<&'static Town>,
    pub concern_types: Vec<ConcernType>,
    pub age_group: AgeGroup,
    pub needs: Vec<Service>,
    pub safe_to_contact: bool,
    /// Present exactly when `safe_to_contact` is true, with a phone or an email.
    pub contact: Option<Sealed<Contact>>,
    pub consent_to_share: bool,
    pub preferred_language: Option<String>,
    pub notes: Option<Sealed<String>>,
    pub minor_involved: bool,
    pub derived: IntakeDerived,
}

/// The verdict as the API, the wasm module and the fixture vectors state it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntakeVerdict {
    pub ok: bool,
    pub errors: Vec<ValidationError>,
    pub derived: Option<IntakeDerived>,
}

impl IntakeVerdict {
    pub fn of(body: &str, today: NaiveDate) -> Self {
        match check_intake(body, today) {
            Ok(intake) => Self {
                ok: true,
                errors: Vec::new(),
                derived: Some(intake.derived),
            },
            Err(errors) => Self {
                ok: false,
                errors,
                derived: None,
            },
        }
    }
}

/// Validates a `POST /v1/intake` body against intake contract v1.
///
/// `today` takes no part in the rules yet; it is a parameter for parity with
/// [`crate::check_incident`], so callers and the wasm binding need not change
/// when a date rule arrives.
pub fn check_intake(body: &str, today: NaiveDate) -> Result<Intake, Vec<ValidationError>> {
    let _ = today;
    let wire: IntakeSubmissionV1 = read_json_objects(body, &["", "/contact"]).map_err(|e| vec![e])?;
    let root = Pointer::root();
    let mut errors = Vec::new();
    if let Err(e) = wire.validate() {
        flatten(&e, &root, &mut errors);
    }

    let town = match wire.town.as_deref() {
        None => None,
        Some(name) => {
            let found = find_town(name);
            if found.is_none() {
                errors.push(rule(root.key("town"), ErrorCode::UnknownCode));
            }
            found
        }
    };
    check_unique(&wire.concern_types, root.key("concern_types"), &mut errors);
    if let Some(needs) = &wire.needs {
        check_unique(needs, root.key("needs"), &mut errors);
    }
    let contact = match (wire.safe_to_contact, wire.contact) {
        (true, None) => {
            errors.push(rule(root.key("contact"), ErrorCode::Required));
            None
        }
        (true, Some(sealed)) => Some(checked_contact(sealed.into_inner(), root.key("contact"), &mut errors)),
        (false, Some(_)) => {
            errors.push(rule(root.key("contact"), ErrorCode::NotAllowed));
            None
        }
        (false, None) => None,
    };

    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        return Err(errors);
    }
    let minor_involved = wire.age_group.is_minor();
    let derived = IntakeDerived {
        minor_involved,
        town: town.map(|t| t.town.to_string()),
        county: town.and_then(|t| t.county).map(str::to_string),
        planning_region: town.and_then(|t| t.planning_region).map(str::to_string),
        judicial_district: town.and_then(|t| t.judicial_district).map(str::to_string),
        dcf_region: town.and_then(|t| t.dcf_region),
    };
    Ok(Intake {
        town,
        concern_types: wire.concern_types,
        age_group: wire.age_group,
        needs: wire.needs.unwrap_or_default(),
        safe_to_contact: wire.safe_to_contact,
        contact,
        consent_to_share: wire.consent_to_share,
        preferred_language: wire.preferred_language,
        notes: wire.notes,
        minor_involved,
        derived,
    })
}

/// Checks a contact given while `safe_to_contact` is true.
fn checked_contact(wire: ContactV1, path: Pointer, errors: &mut Vec<ValidationError>) -> Sealed<Contact> {
    if let Err(e) = wire.validate() {
        flatten(&e, &path, errors);
    }
    // A phone or an email must be given; a malformed one is its own `format`
    // error, not a missing one.
    if wire.phone.is_none() && wire.email.is_none() {
        errors.push(rule(path, ErrorCode::Required));
    }
    Sealed::new(Contact {
        name: wire.name,
        phone: wire.phone,
        email: wire.email,
        safe_times: wire.safe_times,
        leave_message_ok: wire.leave_message_ok,
    })
}
