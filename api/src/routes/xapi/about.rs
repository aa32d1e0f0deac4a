use super::{VERSION_HEADER, XAPI_VERSION};
use actix_web::{get, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

/// xAPI `about`: the versions this LRS speaks.
#[derive(Debug, Serialize, ToSchema)]
pub struct About {
    /// `["1.0.3"]`.
    pub version: Vec<&'static str>,
}

/// xAPI `about` resource (public): the xAPI versions supported.
#[utoipa::path(
    tag = "xapi",
    responses((status = 200, body = About))
)]
#[get("/about")]
pub async fn about() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((VERSION_HEADER, XAPI_VERSION))
        .json(About { version: vec![XAPI_VERSION] })
}
