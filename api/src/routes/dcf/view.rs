//! One minor of the queue, de-identified: the facts DCF needs to act and whom to follow up
//! through, never a sealed field or the person's receipt reference.

use crate::db::dcf::QueueRow;
use crate::error::ApiError;
use beacon_core::intake::dcf::{due_on, is_overdue, DcfResponseRecord};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MinorView {
    /// `submission` (a partner's intake, not yet converted) or `incident`.
    pub kind: String,
    /// The submission's or the incident's id.
    pub id: Uuid,
    /// The day Beacon received it (the state's day); a converted incident's is its submission's.
    pub received_on: NaiveDate,
    /// The last day DCF's response is on time (`BEACON_DCF_RESPONSE_DAYS` calendar days later).
    pub due_on: NaiveDate,
    /// No response recorded and `due_on` has passed.
    pub overdue: bool,
    /// The partner organization that holds the person's contact: DCF follows up through it.
    pub partner_id: Option<Uuid>,
    pub partner: Option<String>,
    /// An incident's reporting agency.
    pub reporting_agency: Option<String>,
    /// A submission's age group.
    pub age_group: Option<String>,
    pub town: Option<String>,
    pub county: Option<String>,
    pub dcf_region: Option<i16>,
    /// A submission's concern types, or an incident's trafficking types.
    pub types: Vec<String>,
    /// Whether DCF's notification is recorded.
    pub dcf_notified: bool,
    /// What DCF did; `null` while it waits.
    pub dcf_response: Option<DcfResponseRecord>,
}

impl MinorView {
    pub fn of(r: QueueRow, days: u32, today: NaiveDate) -> Result<Self, ApiError> {
        let dcf_response = match (&r.response, r.responded_on) {
            (Some(response), Some(on)) => Some(DcfResponseRecord::stored(response, r.reason.as_deref(), on).map_err(ApiError::internal)?),
            _ => None,
        };
        Ok(Self {
            overdue: is_overdue(r.received_on, dcf_response.is_some(), days, today),
            due_on: due_on(r.received_on, days),
            kind: r.kind,
            id: r.id,
            received_on: r.received_on,
            partner_id: r.partner_id,
            partner: r.partner,
            reporting_agency: r.reporting_agency,
            age_group: r.age_group,
            town: r.town,
            county: r.county,
            dcf_region: r.dcf_region,
            types: r.types,
            dcf_notified: r.dcf_notified,
            dcf_response,
        })
    }
}
