use crate::clock::Clock;
use beacon_core::ValidationError;
use super::view::VerificationDue;
use crate::db::directory as store;
use beacon_core::directory::vetting::{DEFAULT_WITHIN_DAYS, MAX_WITHIN_DAYS};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::ErrorCode;
use chrono::Duration;
use diesel_async::AsyncPgConnection;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueParams {
    /// Also list services falling due within this many days (0–366, default 30).
    #[param(minimum = 0, maximum = 366)]
    pub within_days: Option<i64>,
}

/// Services (not defunct) whose 12-monthly verification is overdue, never
/// done, or due within `within_days` — the longest overdue first.
#[utoipa::path(
    tag = "directory",
    params(DueParams),
    responses(
        (status = 200, body = Vec<VerificationDue>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/directory/verifications/due")]
pub async fn verifications_due(
    _principal: Principal,
    params: crate::http::query::Query<DueParams>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let days = params.within_days.unwrap_or(DEFAULT_WITHIN_DAYS);
    if !(0..=MAX_WITHIN_DAYS).contains(&days) {
        return Err(ApiError::BadQuery(vec![ValidationError::new("/within_days", ErrorCode::Range, "Must be between 0 and 366.")]));
    }
    let now = clock.now();
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let rows = store::verification_due(conn, now + Duration::days(days)).await?;
    let list: Vec<VerificationDue> = rows.into_iter().map(|(s, organization)| VerificationDue::new(s, organization, now)).collect();
    Ok(HttpResponse::Ok().json(list))
}
