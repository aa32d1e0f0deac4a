use super::view::InstrumentSummary;
use crate::error::{ApiError, Problem};
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::screening::{find, shipped, Instrument};

/// The screening instruments Beacon ships, each at every published version: id, version, title
/// (English and Spanish), audience and number of items. Read by every role (the partner's form
/// screens with them); they hold no one's data.
#[utoipa::path(
    tag = "screening",
    operation_id = "list_screening_instruments",
    responses((status = 200, body = Vec<InstrumentSummary>)),
    security(("bearer" = ["reporter", "partner", "coordinator", "auditor", "admin", "dcf", "partner_staff", "provider", "child_advocate"]))
)]
#[get("/screening-instruments")]
pub async fn list_instruments(_principal: Principal) -> HttpResponse {
    let list: Vec<InstrumentSummary> = shipped()
        .iter()
        .map(|i| InstrumentSummary {
            id: i.id.clone(),
            version: i.version,
            title: i.title.clone(),
            audience: i.audience,
            items: i.items.len(),
            url: format!("/v1/screening-instruments/{}/{}", i.id, i.version),
        })
        .collect();
    HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=3600")).json(list)
}

/// One instrument, whole: its items (texts and help in English and Spanish) and its scoring
/// rules. A published version never changes, so it may be cached for a long time; the form
/// scores with it offline (`scoreScreening` in the wasm module).
#[utoipa::path(
    tag = "screening",
    operation_id = "get_screening_instrument",
    params(
        ("id" = String, Path, description = "Instrument id, e.g. `youth`"),
        ("version" = u32, Path, description = "Published version, from 1"),
    ),
    responses(
        (status = 200, body = Instrument),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["reporter", "partner", "coordinator", "auditor", "admin", "dcf", "partner_staff", "provider", "child_advocate"]))
)]
#[get("/screening-instruments/{id}/{version}")]
pub async fn get_instrument(_principal: Principal, path: web::Path<(String, String)>) -> Result<HttpResponse, ApiError> {
    let (id, version) = path.into_inner();
    let version = version.parse::<u32>().map_err(|_| ApiError::NotFound)?;
    let instrument = find(&id, version).ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "public, max-age=86400, immutable")).json(instrument))
}
