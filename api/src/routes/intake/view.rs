//! What the intake routes answer: a submission as its viewer may see it
//! (`beacon_core::intake::access`). The sealed contact details leave the database only in
//! [`SealedIntakeView`], asked for by name and audited.

use crate::db::intake::SubmissionRow;
use crate::error::ApiError;
use crate::security::Principal;
use beacon_core::intake::access::{sight, Consent, Sight};
use beacon_core::intake::dcf::DcfResponseRecord;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A partner submission, de-identified. Without the person's consent in force, the coordinator
/// sees only the facts counted for the statistics and the Sec. 10 duty: `reference` and
/// `safe_to_contact` are then `null`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionView {
    pub id: Uuid,
    /// The receipt code the person holds; `null` to a viewer without the case's details.
    pub reference: Option<String>,
    pub account_id: Uuid,
    /// The partner organization whose form received it (DCF and the coordinator follow up
    /// through it).
    pub partner: String,
    pub received_at: DateTime<Utc>,
    #[schema(value_type = beacon_core::intake::status::IntakeStatus)]
    pub status: String,
    pub town: Option<String>,
    pub county: Option<String>,
    pub planning_region: Option<String>,
    pub judicial_district: Option<String>,
    pub dcf_region: Option<i16>,
    pub concern_types: Vec<String>,
    pub age_group: String,
    pub needs: Vec<String>,
    /// `null` to a viewer without the case's details.
    pub safe_to_contact: Option<bool>,
    /// The person's answer on the form.
    pub consent_to_share: bool,
    /// The day the partner withdrew the person's consent, if it did; the coordinator's access
    /// to the details ended then.
    pub consent_withdrawn_on: Option<NaiveDate>,
    pub preferred_language: Option<String>,
    pub minor_involved: bool,
    pub dcf_notified_at: Option<DateTime<Utc>>,
    /// What DCF did about a minor (Sec. 10), once recorded.
    pub dcf_response: Option<DcfResponseRecord>,
    pub converted_incident_id: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
    /// Why the request that filed it looked scripted, for triage (`no_origin`, `origin_mismatch`,
    /// `burst`); empty when nothing did. A mark, not a verdict: a person in a hurry can burst.
    pub scripted_reasons: Vec<String>,
    /// Only with `include=contact`, to who may read them; every such read is audited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sealed: Option<SealedIntakeView>,
}

/// The contact details and notes the person gave, decrypted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SealedIntakeView {
    /// `null` when the person gave none (or it was purged after the retention period).
    pub contact: Option<ContactView>,
    pub notes: Option<String>,
}

/// How and when the person may be reached, in their words.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ContactView {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub safe_times: Option<String>,
    pub leave_message_ok: bool,
}

/// The person's consent as a submission row records it.
pub fn consent_of(row: &SubmissionRow) -> Consent {
    Consent { given: row.consent_to_share, withdrawn: row.consent_withdrawn_on.is_some() }
}

/// What `principal` sees of `row`.
pub fn sight_of(principal: &Principal, row: &SubmissionRow) -> Sight {
    sight(principal.role, principal.account_id == row.account_id, consent_of(row), row.minor_involved)
}

impl SubmissionView {
    /// `row` as seen through `sight` (visible: the caller checked).
    pub fn seen(r: SubmissionRow, sight: Sight) -> Result<Self, ApiError> {
        let dcf_response = match (&r.dcf_response, r.dcf_responded_on) {
            (Some(response), Some(on)) => Some(DcfResponseRecord::stored(response, r.dcf_response_reason.as_deref(), on).map_err(ApiError::internal)?),
            _ => None,
        };
        let details = sight.case_details;
        Ok(Self {
            id: r.id,
            reference: details.then_some(r.reference),
            account_id: r.account_id,
            partner: r.partner,
            received_at: r.received_at,
            status: r.status,
            town: r.town,
            county: r.county,
            planning_region: r.planning_region,
            judicial_district: r.judicial_district,
            dcf_region: r.dcf_region,
            concern_types: r.concern_types,
            age_group: r.age_group,
            needs: r.needs,
            safe_to_contact: details.then_some(r.safe_to_contact),
            consent_to_share: r.consent_to_share,
            consent_withdrawn_on: r.consent_withdrawn_on,
            preferred_language: r.preferred_language,
            minor_involved: r.minor_involved,
            dcf_notified_at: r.dcf_notified_at,
            dcf_response,
            converted_incident_id: r.converted_incident_id,
            updated_at: r.updated_at,
            scripted_reasons: r.scripted_reasons,
            sealed: None,
        })
    }

    /// `row` as `principal` sees it, or not found when it may not learn the row exists.
    pub fn for_principal(principal: &Principal, row: SubmissionRow) -> Result<Self, ApiError> {
        let sight = sight_of(principal, &row);
        if !sight.visible {
            return Err(ApiError::NotFound);
        }
        Self::seen(row, sight)
    }
}
