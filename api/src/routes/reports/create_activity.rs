use super::register::{self, Activities};
use super::view::ActivityView;
use crate::clock::Clock;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use tracing_actix_web::RequestId;

/// Record an activity of the coordinator's: date (not after today), kind,
/// the agencies involved and a description. The report on a year lists
/// that year's activities.
#[utoipa::path(
    tag = "reports",
    operation_id = "create_report_activity",
    request_body = beacon_core::stats::report::ActivityV1,
    responses(
        (status = 201, body = ActivityView, headers(
            ("Location" = String, description = "URL of the new entry"),
            ("ETag" = String, description = "The entry's version"),
        )),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/reports/activities")]
pub async fn create_activity(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    register::create::<Activities>(&principal, &request_id, &req, payload, &clock, &pool).await
}
