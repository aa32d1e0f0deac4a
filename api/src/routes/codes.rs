use crate::error::ApiError;
use crate::security::Principal;
use actix_web::{get, HttpResponse};
use beacon_core::Dictionary;

/// Every code list and the town table: one dictionary for forms and agencies.
#[utoipa::path(
    tag = "reference",
    responses(
        (status = 200, body = Dictionary),
    ),
    security(("bearer" = ["reporter", "coordinator", "auditor", "admin", "dcf", "partner_staff", "provider", "child_advocate"]))
)]
#[get("/codes")]
pub async fn list_codes(_principal: Principal) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(beacon_core::dictionary()))
}
