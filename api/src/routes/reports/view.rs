//! The registers' entries as the API shows them.

use crate::db::reports::{ActivityRow, RecommendationRow};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// An entry of the coordinator's activity register.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityView {
    pub id: Uuid,
    pub date: NaiveDate,
    #[schema(value_type = beacon_core::stats::report::ActivityKind)]
    pub kind: String,
    #[schema(value_type = Vec<beacon_core::reference::codes::Agency>)]
    pub agencies: Vec<String>,
    pub description: String,
    /// The entry's version; its ETag, for `If-Match`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ActivityRow> for ActivityView {
    fn from(r: ActivityRow) -> Self {
        ActivityView {
            id: r.id,
            date: r.activity_date,
            kind: r.kind,
            agencies: r.agencies,
            description: r.description,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// An entry of the coordinator's recommendation register.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationView {
    pub id: Uuid,
    /// The year whose report carries it.
    pub year: i32,
    #[schema(value_type = beacon_core::stats::report::RecommendationKind)]
    pub kind: String,
    #[schema(value_type = beacon_core::stats::report::RecommendationStatus)]
    pub status: String,
    pub text: String,
    pub finding: Option<String>,
    #[schema(value_type = Option<beacon_core::stats::report::Committee>)]
    pub committee: Option<String>,
    /// The entry's version; its ETag, for `If-Match`.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<RecommendationRow> for RecommendationView {
    fn from(r: RecommendationRow) -> Self {
        RecommendationView {
            id: r.id,
            year: r.report_year,
            kind: r.kind,
            status: r.status,
            text: r.body,
            finding: r.finding,
            committee: r.committee,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Paging and the year filter of both register lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterParams {
    /// Only this year's entries (an activity's date; a recommendation's report year).
    pub year: Option<i32>,
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 100;
