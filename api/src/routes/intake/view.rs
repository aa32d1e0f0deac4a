//! What the intake routes answer: the coordinator's view of a submission,
//! de-identified — the sealed contact details never leave the database here.

use crate::db::intake::SubmissionRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A partner submission, de-identified.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubmissionView {
    pub id: Uuid,
    pub reference: String,
    pub account_id: Uuid,
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
    pub safe_to_contact: bool,
    pub consent_to_share: bool,
    pub preferred_language: Option<String>,
    pub minor_involved: bool,
    pub dcf_notified_at: Option<DateTime<Utc>>,
    pub converted_incident_id: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

impl From<SubmissionRow> for SubmissionView {
    fn from(r: SubmissionRow) -> Self {
        Self {
            id: r.id,
            reference: r.reference,
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
            safe_to_contact: r.safe_to_contact,
            consent_to_share: r.consent_to_share,
            preferred_language: r.preferred_language,
            minor_involved: r.minor_involved,
            dcf_notified_at: r.dcf_notified_at,
            converted_incident_id: r.converted_incident_id,
            updated_at: r.updated_at,
        }
    }
}
