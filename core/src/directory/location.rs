//! Where a service is delivered, and what the public may see of it.
//!
//! A confidential location (a shelter) shows the public its town and planning region only —
//! never its name, street address, postal code or coordinates — on the HSDS routes: one rule,
//! [`public_view`]. The name goes too because a shelter's name ("Harbor House") is what a
//! trafficker searches for to find the address the rest of this withholds.

use crate::fields::{self, text};
use crate::{ErrorCode, ValidationError};
use serde::{Deserialize, Serialize};

/// Where a service is delivered, as a client writes it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    pub name: String,
    /// A shelter: its address is never shown on public routes.
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

/// A location that keeps every rule; `town` is canonical and `city` defaults to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    pub name: String,
    pub confidential: bool,
    pub address_1: Option<String>,
    pub city: String,
    pub postal_code: Option<String>,
    pub town: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// A ZIP code: 5 digits, or ZIP+4 (`06103-1234`).
pub fn is_zip(p: &str) -> bool {
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    match p.split_once('-') {
        None => p.len() == 5 && digits(p),
        Some((zip, plus4)) => zip.len() == 5 && plus4.len() == 4 && digits(zip) && digits(plus4),
    }
}

/// Every rule of one location at `path`.
pub fn check(path: &str, l: &LocationInput, errors: &mut Vec<ValidationError>) -> Option<Location> {
    let at = |m: &str| format!("{path}/{m}");
    let name = text(&at("name"), &l.name, 200, errors);
    let town = fields::town(&at("town"), &l.town, errors);
    let address_1 = l.address_1.as_deref().and_then(|v| text(&at("address_1"), v, 200, errors));
    let city = l.city.as_deref().and_then(|v| text(&at("city"), v, 100, errors));
    let postal_code = l.postal_code.as_deref().filter(|p| !p.is_empty()).and_then(|p| {
        let ok = is_zip(p);
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
    Some(Location {
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

/// What the public may see of a location.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicLocation {
    /// A generic label for a confidential location (HSDS requires a name).
    pub name: String,
    /// Empty for a confidential location.
    pub address_1: String,
    /// The town for a confidential location.
    pub city: String,
    /// The planning region of the town (empty when the reference data has none).
    pub region: String,
    /// Empty for a confidential location.
    pub postal_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Why the address is missing, for a confidential location.
    pub description: Option<String>,
}

/// The planning region of a town, as the public sees it.
pub fn region_of(town: &str) -> String {
    crate::reference::geo::find_town(town).and_then(|t| t.planning_region).unwrap_or_default().to_string()
}

/// A location as the public may see it.
pub fn public_view(l: &Location) -> PublicLocation {
    let region = region_of(&l.town);
    if l.confidential {
        PublicLocation {
            name: format!("Confidential location in {}", l.town),
            address_1: String::new(),
            city: l.town.clone(),
            region,
            postal_code: String::new(),
            latitude: None,
            longitude: None,
            description: Some(format!("Confidential location in {}; the address is given only through a referral.", l.town)),
        }
    } else {
        PublicLocation {
            name: l.name.clone(),
            address_1: l.address_1.clone().unwrap_or_default(),
            city: l.city.clone(),
            region,
            postal_code: l.postal_code.clone().unwrap_or_default(),
            latitude: l.latitude,
            longitude: l.longitude,
            description: None,
        }
    }
}
