use super::HSDS_VERSION;
use actix_web::{get, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

/// What this HSDS API is.
#[derive(Debug, Serialize, ToSchema)]
pub struct HsdsAbout {
    /// The HSDS version followed.
    pub version: String,
    pub profile: String,
    pub openapi_url: String,
}

/// About this HSDS API: its version, profile and OpenAPI document (public).
#[utoipa::path(tag = "hsds", operation_id = "hsds_about", responses((status = 200, body = HsdsAbout)))]
#[get("/")]
pub async fn about() -> HttpResponse {
    HttpResponse::Ok().json(HsdsAbout {
        version: HSDS_VERSION.to_string(),
        profile: "https://openreferral.org/specification/3.1/".to_string(),
        openapi_url: "/openapi.json".to_string(),
    })
}
