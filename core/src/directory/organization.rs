//! A provider organization: the rules of creating one and of changing one.

use super::codes::OrganizationStatus;
use crate::fields::{self, text};
use crate::ValidationError;
use serde::{Deserialize, Serialize};

/// A provider organization, as a client writes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// `https://` or `http://`.
    #[serde(default)]
    pub url: Option<String>,
}

/// Changes to an organization; absent members are left alone. Deactivate it with
/// `status: inactive` or `defunct`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// `active`, `inactive` or `defunct` (list `organization_status`).
    #[serde(default)]
    pub status: Option<String>,
}

/// An organization that keeps every rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organization {
    pub name: String,
    pub description: String,
    pub email: Option<String>,
    pub url: Option<String>,
}

/// A checked change; `None` leaves a field alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrganizationPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub status: Option<OrganizationStatus>,
}

/// Every rule of an organization (the endpoint's and the imports'), all errors at once.
pub fn check(input: &OrganizationInput) -> Result<Organization, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let name = text("/name", &input.name, 200, &mut errors);
    let description = match input.description.as_deref() {
        Some(d) => text("/description", d, 4000, &mut errors),
        None => Some(String::new()),
    };
    let email = input.email.as_deref().and_then(|e| fields::email("/email", e, &mut errors));
    let url = input.url.as_deref().and_then(|u| fields::url("/url", u, &mut errors));
    let (Some(name), Some(description), true) = (name, description, errors.is_empty()) else {
        return Err(errors);
    };
    Ok(Organization { name, description, email, url })
}

/// Every rule of a change to `current`. The organization the change would make goes through
/// [`check`], so an update can never store what a creation would refuse.
pub fn check_update(current: &Organization, update: &OrganizationUpdate) -> Result<OrganizationPatch, Vec<ValidationError>> {
    let merged = OrganizationInput {
        name: update.name.clone().unwrap_or_else(|| current.name.clone()),
        description: Some(update.description.clone().unwrap_or_else(|| current.description.clone())).filter(|d| !d.is_empty()),
        email: update.email.clone().or_else(|| current.email.clone()),
        url: update.url.clone().or_else(|| current.url.clone()),
    };
    let mut errors = check(&merged).err().unwrap_or_default();
    let status = update.status.as_deref().and_then(|s| fields::code::<OrganizationStatus>("/status", s, &mut errors));
    if !errors.is_empty() {
        return Err(errors);
    }
    let trimmed = |v: &Option<String>| v.as_deref().map(|s| s.trim().to_string());
    Ok(OrganizationPatch {
        name: trimmed(&update.name),
        description: trimmed(&update.description),
        email: trimmed(&update.email),
        url: trimmed(&update.url),
        status,
    })
}
