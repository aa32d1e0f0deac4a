//! DCF-contracted providers and caseload assignments as typed.
//!
//! Sec. 4(a) trains "all providers that provide services pursuant to a
//! contract with the department"; Sec. 4(b) runs their six months from
//! "entering into a contract with the department". Sec. 3(7) holds the
//! training "prior to being assigned a case load", so the day of each
//! assignment is what the caseload gate is judged on.

use chrono::NaiveDate;
use serde::Deserialize;

use super::completion::completed_on;
use crate::contract::problem::ValidationError;
use crate::fields::{date, text};

/// Body of `POST /v1/training/providers`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProviderRequest {
    /// The provider's name, 1–200 characters; unique.
    pub name: String,
    /// `YYYY-MM-DD`: the day the provider entered into its contract with the department.
    pub contract_start: String,
}

/// A provider whose fields passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedProvider {
    pub name: String,
    pub contract_start: NaiveDate,
}

/// Every broken rule of a new provider, or the provider.
pub fn check_provider(body: &NewProviderRequest) -> Result<CheckedProvider, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let name = text("/name", &body.name, 200, &mut errors);
    let contract_start = date("/contract_start", &body.contract_start, &mut errors);
    match (name, contract_start) {
        (Some(name), Some(contract_start)) if errors.is_empty() => Ok(CheckedProvider { name, contract_start }),
        _ => Err(errors),
    }
}

/// Body of `POST /v1/workforce/{id}/caseload-assignments`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAssignmentRequest {
    /// `YYYY-MM-DD`, not after today: the day the caseload was assigned.
    pub assigned_on: String,
}

/// The day of an assignment: a real date, not after `today` (an assignment is
/// recorded once made, like a completion).
pub fn check_assignment(body: &NewAssignmentRequest, today: NaiveDate) -> Result<NaiveDate, Vec<ValidationError>> {
    let mut errors = Vec::new();
    completed_on("/assigned_on", &body.assigned_on, today, &mut errors).ok_or(errors)
}
