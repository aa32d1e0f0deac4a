use super::register::{self, Recommendations};
use super::view::RecommendationView;
use crate::clock::Clock;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use tracing_actix_web::RequestId;

/// Record a recommendation: the report year that carries it, administrative
/// or legislative (only a legislative one names a committee), its status, its
/// text and the finding it answers. A withdrawn one stays in the register
/// but leaves the report.
#[utoipa::path(
    tag = "reports",
    operation_id = "create_report_recommendation",
    request_body = beacon_core::stats::report::RecommendationV1,
    responses(
        (status = 201, body = RecommendationView, headers(
            ("Location" = String, description = "URL of the new entry"),
            ("ETag" = String, description = "The entry's version"),
        )),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/reports/recommendations")]
pub async fn create_recommendation(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    register::create::<Recommendations>(&principal, &request_id, &req, payload, &clock, &pool).await
}
