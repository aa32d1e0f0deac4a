use crate::clock::Clock;
use beacon_core::ValidationError;
use crate::db::directory::{self as store, next_verification_due};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::ErrorCode;
use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncPgConnection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueParams {
    /// Also list services falling due within this many days (0–366, default 30).
    pub within_days: Option<i64>,
}

/// A service whose verification is due or overdue.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueService {
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

/// Services (not defunct) whose 12-monthly verification is overdue, never
/// done, or due within `within_days` — the longest overdue first.
#[utoipa::path(
    tag = "directory",
    params(DueParams),
    responses(
        (status = 200, body = Vec<DueService>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/directory/verifications/due")]
pub async fn verifications_due(
    _principal: Principal,
    params: web::Query<DueParams>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let days = params.within_days.unwrap_or(30);
    if !(0..=366).contains(&days) {
        return Err(ApiError::BadQuery(vec![ValidationError::new("/within_days", ErrorCode::Range, "Must be between 0 and 366.")]));
    }
    let now = clock.now();
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let rows = store::verification_due(conn, now + Duration::days(days)).await?;
    let list: Vec<DueService> = rows
        .into_iter()
        .map(|(s, organization_name)| {
            let due = next_verification_due(s.verified_at);
            DueService {
                service_id: s.id,
                service_name: s.name,
                organization_id: s.organization_id,
                organization_name,
                status: s.status,
                verified_at: s.verified_at,
                next_verification_due: due,
                overdue: due.is_none_or(|d| d <= now),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(list))
}
