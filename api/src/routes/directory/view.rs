//! What the directory routes answer with. Database rows stay in `db`; these views are the API's
//! schemas, built from a row and, where vetting shows, the instant `now` of the request.

use crate::db::directory::{OrganizationRow, ReferralRow, ServiceRow};
use beacon_core::directory::codes::{DeclineReason, ReferralStatus};
use beacon_core::directory::{lifecycle, vetting};
use beacon_core::reference::codes::CodeList;
use std::str::FromStr;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A service as the coordinator manages it, with its vetting state as of the request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DirectoryService {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub description: String,
    /// A code of the list `service_status`.
    pub status: String,
    /// Foundation service codes (GET /v1/codes, list `service`).
    pub categories: Vec<String>,
    pub min_age: Option<i32>,
    pub max_age: Option<i32>,
    /// Codes of the list `served_population`.
    pub populations: Vec<String>,
    /// ISO 639-1 language codes.
    pub languages: Vec<String>,
    pub capacity_unit: Option<String>,
    pub capacity_available: Option<i32>,
    pub capacity_total: Option<i32>,
    pub capacity_updated_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    pub verified_by: Option<String>,
    /// A code of the list `verification_method`.
    pub verification_method: Option<String>,
    /// The provider attests its staff completed trafficking training.
    pub training_attested: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The ETag (`"<version>"`); bumped by every write.
    pub version: i32,
    /// Verified within the last 12 months and training attested.
    pub vetted: bool,
    /// `verified_at` + 12 months; `null` when never verified.
    pub next_verification_due: Option<DateTime<Utc>>,
}

impl DirectoryService {
    pub fn new(s: ServiceRow, now: DateTime<Utc>) -> Self {
        Self {
            vetted: s.is_vetted(now),
            next_verification_due: vetting::next_due(s.verified_at),
            id: s.id,
            organization_id: s.organization_id,
            name: s.name,
            description: s.description,
            status: s.status,
            categories: s.categories,
            min_age: s.min_age,
            max_age: s.max_age,
            populations: s.populations,
            languages: s.languages,
            capacity_unit: s.capacity_unit,
            capacity_available: s.capacity_available,
            capacity_total: s.capacity_total,
            capacity_updated_at: s.capacity_updated_at,
            verified_at: s.verified_at,
            verified_by: s.verified_by,
            verification_method: s.verification_method,
            training_attested: s.training_attested,
            created_at: s.created_at,
            updated_at: s.updated_at,
            version: s.version,
        }
    }
}

/// A provider organization.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DirectoryOrganization {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub email: Option<String>,
    pub url: Option<String>,
    /// A code of the list `organization_status`.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The ETag (`"<version>"`); bumped by every write.
    pub version: i32,
}

impl From<OrganizationRow> for DirectoryOrganization {
    fn from(o: OrganizationRow) -> Self {
        Self {
            id: o.id,
            name: o.name,
            description: o.description,
            email: o.email,
            url: o.url,
            status: o.status,
            created_at: o.created_at,
            updated_at: o.updated_at,
            version: o.version,
        }
    }
}

/// A referral: no personal information, only the town, the category and where it stands in its
/// lifecycle, with when it entered each status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Referral {
    pub id: Uuid,
    pub service_id: Uuid,
    /// A Foundation service code.
    pub category: String,
    /// The Connecticut town the person is in.
    pub town: String,
    pub referred_on: NaiveDate,
    /// Where the referral stands.
    #[schema(value_type = ReferralStatus)]
    pub status: String,
    /// Why the provider declined it (only when `declined`).
    #[schema(value_type = Option<DeclineReason>)]
    pub decline_reason: Option<String>,
    /// Sent, and not answered by the provider for more than 72 hours, as of the request.
    pub overdue: bool,
    /// The statuses it may move to next (`POST …/transitions`), whoever makes each move.
    #[schema(value_type = Vec<ReferralStatus>)]
    pub allowed: Vec<String>,
    /// When it was proposed or, created sent, recorded (its `created_at`).
    pub proposed_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub declined_at: Option<DateTime<Utc>>,
    pub service_started_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The account that made the referral.
    pub account_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Referral {
    /// The referral as of `now` (whether it is overdue).
    pub fn at(r: ReferralRow, now: DateTime<Utc>) -> Self {
        let status = ReferralStatus::from_str(&r.status).ok();
        let overdue = status.is_some_and(|s| lifecycle::is_overdue(s, r.stamps.sent_at, now));
        let allowed = status.map(lifecycle::allowed).unwrap_or_default().into_iter().map(|s| s.code().to_string()).collect();
        Self {
            id: r.id,
            service_id: r.service_id,
            category: r.category,
            town: r.town,
            referred_on: r.referred_on,
            status: r.status,
            decline_reason: r.decline_reason,
            overdue,
            allowed,
            proposed_at: r.created_at,
            sent_at: r.stamps.sent_at,
            accepted_at: r.stamps.accepted_at,
            declined_at: r.stamps.declined_at,
            service_started_at: r.stamps.service_started_at,
            closed_at: r.stamps.closed_at,
            withdrawn_at: r.stamps.withdrawn_at,
            account_id: r.account_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A service whose verification is due or overdue.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationDue {
    pub service_id: Uuid,
    pub service_name: String,
    pub organization_id: Uuid,
    pub organization_name: String,
    pub status: String,
    /// `null`: never verified.
    pub verified_at: Option<DateTime<Utc>>,
    /// `null`: never verified, so due now.
    pub next_verification_due: Option<DateTime<Utc>>,
    /// Due before now (or never verified).
    pub overdue: bool,
}

impl VerificationDue {
    pub fn new(s: ServiceRow, organization_name: String, now: DateTime<Utc>) -> Self {
        Self {
            next_verification_due: vetting::next_due(s.verified_at),
            overdue: vetting::is_overdue(s.verified_at, now),
            service_id: s.id,
            service_name: s.name,
            organization_id: s.organization_id,
            organization_name,
            status: s.status,
            verified_at: s.verified_at,
        }
    }
}
