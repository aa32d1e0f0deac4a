use crate::error::{ApiError, Problem};
use crate::security::{Principal, Role};
use actix_web::{get, HttpResponse};
use beacon_core::Dictionary;

pub const ALLOWED: &[Role] = &Role::ALL;

/// Every code list and the town table: one dictionary for forms and agencies.
#[utoipa::path(
    tag = "reference",
    responses(
        (status = 200, body = Dictionary),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/codes")]
pub async fn list_codes(principal: Principal) -> Result<HttpResponse, ApiError> {
    principal.require(ALLOWED)?;
    Ok(HttpResponse::Ok().json(beacon_core::dictionary()))
}
