//! Wire types: the JSON request bodies exactly as clients send them.
//!
//! Serde reads the shape (unknown members rejected at every level), `validator`
//! checks the single-field rules, and `incident.rs` adds the cross-field rules
//! before building the domain type. The `schema(...)` attributes repeat the
//! field rules for OpenAPI because utoipa does not read `#[validate]`; a test
//! runs the fixture vectors through the published schema to keep them honest.

use crate::reference::codes::{
    AgeGroup, Agency, Citizenship, ControlMethod, IncidentStatus, Relationship, Service, Sex,
    TraffickingType, Venue,
};
use crate::contract::sealed::Sealed;
use serde::Deserialize;
use validator::Validate;

fn narrative_length(narrative: &Sealed<String>) -> Result<(), validator::ValidationError> {
    if narrative.expose().chars().count() > 10_000 {
        let mut e = validator::ValidationError::new("length");
        e.add_param("max".into(), &10_000);
        return Err(e);
    }
    Ok(())
}

/// Body of `POST /v1/incidents` (contract v1).
#[derive(Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = IncidentReport))]
#[serde(deny_unknown_fields)]
pub struct IncidentReportV1 {
    pub reporting_agency: Agency,
    /// The agency's own case number.
    #[validate(
        length(min = 1, max = 64, code = "length"),
        custom(function = "crate::reference::formats::case_ref")
    )]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9._/-]*$"))]
    pub agency_case_ref: Option<String>,
    pub status: IncidentStatus,
    /// `YYYY-MM-DD`, not after today.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub incident_date: String,
    /// `YYYY-MM-DD`, not after today nor before `incident_date`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub reported_date: String,
    /// One of Connecticut's 169 towns, matched case-insensitively (see `GET /v1/codes`).
    pub town: String,
    #[validate(length(min = 1, max = 2, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 2, value_type = std::collections::BTreeSet<TraffickingType>))]
    pub trafficking_types: Vec<TraffickingType>,
    pub venue: Option<Venue>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<std::collections::BTreeSet<ControlMethod>>))]
    pub control_methods: Option<Vec<ControlMethod>>,
    // Victims are validated one by one in `incident.rs`: `validator` skips
    // `nested` when the list length already fails, and we report every rule.
    #[validate(length(min = 1, max = 50, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub victims: Vec<VictimV1>,
    /// Must be true when any victim is under 18 (DCF notification).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(default = false))]
    pub dcf_notified: bool,
    #[validate(length(min = 1, max = 120, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub law_enforcement_agency: Option<String>,
    /// Sealed: encrypted at rest, never returned by list or read endpoints.
    #[validate(custom(function = "narrative_length"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 10000))]
    pub narrative: Option<Sealed<String>>,
}

// Serialize only because `validator` records array values in its error
// params; `Sealed` redacts the identity there.
#[derive(Deserialize, serde::Serialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Victim))]
#[serde(deny_unknown_fields)]
pub struct VictimV1 {
    /// Age in full years at `incident_date`.
    #[validate(range(min = 0, max = 120, code = "range"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 120))]
    pub age: Option<i64>,
    /// The intake's age group, for when the exact age is unknown; must hold
    /// `age` when both are given. `under_12` and `12_17` make the victim a
    /// minor. `unknown` is the same as leaving it out.
    pub age_band: Option<AgeGroup>,
    pub sex: Sex,
    pub citizenship: Option<Citizenship>,
    /// ISO 639-1 code, two lower-case letters.
    #[validate(custom(function = "crate::reference::formats::language"))]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z]{2}$"))]
    pub language: Option<String>,
    pub relationship_to_trafficker: Option<Relationship>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<std::collections::BTreeSet<Service>>))]
    pub services_needed: Option<Vec<Service>>,
    /// Sealed: encrypted at rest, readable only by a coordinator with a recorded reason.
    #[validate(nested)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<IdentityV1>))]
    pub identity: Option<Sealed<IdentityV1>>,
}

#[derive(Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Identity))]
#[serde(deny_unknown_fields)]
pub struct IdentityV1 {
    #[validate(length(min = 1, max = 100, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub given_name: Option<String>,
    #[validate(length(min = 1, max = 100, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub family_name: Option<String>,
    /// `YYYY-MM-DD`, not after `incident_date`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub date_of_birth: Option<String>,
    /// E.164: `+` then 8–15 digits.
    #[validate(custom(function = "crate::reference::formats::phone"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\+[0-9]{8,15}$"))]
    pub phone: Option<String>,
    #[validate(custom(function = "crate::reference::formats::email"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@([\p{Alphabetic}\p{N}]([\p{Alphabetic}\p{N}-]{0,61}[\p{Alphabetic}\p{N}])?(\.[\p{Alphabetic}\p{N}]([\p{Alphabetic}\p{N}-]{0,61}[\p{Alphabetic}\p{N}])?)*|\[((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\])$", max_length = 320))]
    pub email: Option<String>,
}
