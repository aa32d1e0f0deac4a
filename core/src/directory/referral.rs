//! Referrals: a person sent to a directory service, and what came of it (its lifecycle is
//! `super::lifecycle`). They carry no personal information — the town the person is in, the
//! service category and the status — and feed the
//! gap analysis: every referral is demand, and one declined for capacity is unmet demand (the
//! coordinator shall "evaluate the availability of such services", Sec. 1(e)).

use super::codes::ReferralStatus;
use super::lifecycle::INITIAL;
use crate::fields;
use crate::reference::codes::Service as Category;
use crate::{ErrorCode, ValidationError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A new referral.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReferralInput {
    pub service_id: Uuid,
    /// The service code the person was referred for; one of the service's categories.
    pub category: String,
    /// The Connecticut town the person is in (never their address).
    pub town: String,
    /// `YYYY-MM-DD`, not in the future.
    pub referred_on: String,
    /// `sent` (default: the referrer has contacted the provider) or `proposed` (recommended, not
    /// yet sent). Every later status is reached by a transition, the provider's answers by the
    /// provider's own key.
    #[serde(default)]
    pub status: Option<String>,
}

/// A referral that keeps every rule that needs nothing stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Referral {
    pub service_id: Uuid,
    pub category: Category,
    pub town: String,
    pub referred_on: NaiveDate,
    pub status: ReferralStatus,
}

/// Every rule of a referral as of `today`; `offered` is the categories of the service it names,
/// `None` when no such service exists.
pub fn check(input: &ReferralInput, today: NaiveDate, offered: Option<&[Category]>) -> Result<Referral, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let category = fields::code::<Category>("/category", &input.category, &mut errors);
    let town = fields::town("/town", &input.town, &mut errors);
    let referred_on = fields::date("/referred_on", &input.referred_on, &mut errors);
    if referred_on.is_some_and(|d| d > today) {
        errors.push(ValidationError::new("/referred_on", ErrorCode::FutureDate, "Must not be after today."));
    }
    let status = fields::code::<ReferralStatus>("/status", input.status.as_deref().unwrap_or("sent"), &mut errors)
        .filter(|s| {
            let initial = INITIAL.contains(s);
            if !initial {
                errors.push(ValidationError::new("/status", ErrorCode::NotAllowed, "A referral starts proposed or sent; later statuses are transitions."));
            }
            initial
        });
    match offered {
        None => errors.push(ValidationError::new("/service_id", ErrorCode::UnknownCode, "No directory service has this id.")),
        Some(offered) => {
            if category.is_some_and(|c| !offered.contains(&c)) {
                errors.push(ValidationError::new("/category", ErrorCode::UnknownCode, "The service does not offer this category."));
            }
        }
    }
    let (Some(category), Some(town), Some(referred_on), Some(status), true) = (category, town, referred_on, status, errors.is_empty()) else {
        return Err(errors);
    };
    Ok(Referral { service_id: input.service_id, category, town, referred_on, status })
}
