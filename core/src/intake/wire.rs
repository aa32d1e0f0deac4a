//! Wire types of the partner intake contract: the JSON body of `POST /v1/intake`
//! exactly as a partner's form sends it.
//!
//! As in `wire.rs`: serde reads the shape (unknown members rejected at every
//! level), `validator` checks the single-field rules, `intake.rs` adds the
//! cross-field rules, and the `schema(...)` attributes repeat the field rules
//! for OpenAPI because utoipa does not read `#[validate]`.

use crate::reference::codes::{AgeGroup, ConcernType, Service};
use crate::contract::sealed::Sealed;
use serde::Deserialize;
use validator::Validate;

/// Most characters `notes` may have.
pub(crate) const NOTES_MAX: usize = 5_000;

fn notes_length(notes: &Sealed<String>) -> Result<(), validator::ValidationError> {
    if notes.expose().chars().count() > NOTES_MAX {
        let mut e = validator::ValidationError::new("length");
        e.add_param("max".into(), &NOTES_MAX);
        return Err(e);
    }
    Ok(())
}

/// Body of `POST /v1/intake`: what a person tells a partner's form.
#[derive(Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = IntakeSubmission))]
#[serde(deny_unknown_fields)]
pub struct IntakeSubmissionV1 {
    /// One of Connecticut's 169 towns, matched case-insensitively (see `GET /v1/codes`).
    pub town: Option<String>,
    /// 1–3 distinct codes.
    #[validate(length(min = 1, max = 3, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 3, value_type = std::collections::BTreeSet<ConcernType>))]
    pub concern_types: Vec<ConcernType>,
    /// `under_12` and `12_17` mark the intake as involving a minor.
    pub age_group: AgeGroup,
    /// Distinct service codes.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<std::collections::BTreeSet<Service>>))]
    pub needs: Option<Vec<Service>>,
    /// Whether anyone may try to reach the person at all.
    pub safe_to_contact: bool,
    /// Sealed. Required (with a phone or an email) when `safe_to_contact` is
    /// true; must be left out when it is false.
    // Validated in `intake.rs`, and only when `safe_to_contact` is true.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ContactV1>))]
    pub contact: Option<Sealed<ContactV1>>,
    /// Whether the person consents to the intake being shared.
    pub consent_to_share: bool,
    /// ISO 639-1 code, two lower-case letters.
    #[validate(custom(function = "crate::reference::formats::language"))]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z]{2}$"))]
    pub preferred_language: Option<String>,
    /// Sealed: encrypted at rest, never returned by list or read endpoints.
    #[validate(custom(function = "notes_length"))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, max_length = 5000))]
    pub notes: Option<Sealed<String>>,
}

/// How and when the person may be reached. Sealed as a whole. At least one of
/// `phone` or `email`.
#[derive(Deserialize, Validate)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Contact))]
#[serde(deny_unknown_fields)]
pub struct ContactV1 {
    /// The name to ask for; any name the person chooses.
    #[validate(length(min = 1, max = 100, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// E.164: `+` then 8–15 digits.
    #[validate(custom(function = "crate::reference::formats::phone"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\+[0-9]{8,15}$"))]
    pub phone: Option<String>,
    #[validate(custom(function = "crate::reference::formats::email"))]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@([\p{Alphabetic}\p{N}]([\p{Alphabetic}\p{N}-]{0,61}[\p{Alphabetic}\p{N}])?(\.[\p{Alphabetic}\p{N}]([\p{Alphabetic}\p{N}-]{0,61}[\p{Alphabetic}\p{N}])?)*|\[((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)\])$", max_length = 320))]
    pub email: Option<String>,
    /// When it is safe to call or write, in the person's words.
    #[validate(length(max = 200, code = "length"))]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub safe_times: Option<String>,
    /// Whether a voicemail or message may be left. Absent means no.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(default = false))]
    pub leave_message_ok: bool,
}
