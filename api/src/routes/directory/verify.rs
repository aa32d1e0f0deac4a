use crate::clock::Clock;
use super::view::DirectoryService;
use crate::db::directory as store;
use crate::http::precondition::etag;
use beacon_core::directory::VerificationMethod;
use beacon_core::fields;
use beacon_core::reference::codes::CodeList;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

/// A verification of a service by the coordinator's staff.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationInput {
    /// `site_visit`, `phone` or `document_review` (list `verification_method`).
    pub method: String,
    /// The provider attests its staff completed trafficking training.
    pub training_attested: bool,
}

/// Record that a service was verified now. It is vetted for 12 months if the
/// provider attested its staff's training (`beacon_core::directory::vetting`).
#[utoipa::path(
    tag = "directory",
    params(("id" = Uuid, Path, description = "Service id")),
    request_body = VerificationInput,
    responses(
        (status = 200, body = DirectoryService, headers(("ETag" = String, description = "The service's version"))),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/directory/services/{id}/verify")]
pub async fn verify_service(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let body = json_text(&req, payload).await?;
    let input: VerificationInput = beacon_core::contract::read::read_json_objects(&body, &[""]).map_err(|e| rejected(vec![e]))?;
    let mut errors = Vec::new();
    let Some(method) = fields::code::<VerificationMethod>("/method", &input.method, &mut errors) else {
        return Err(ApiError::Invalid(errors));
    };
    let now = clock.now();
    let by = principal.key_id.to_string();
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let Some(row) = store::verify_service(conn, id, method.code(), input.training_attested, &by, now).await? else {
                return Ok(None);
            };
            let event = Event::by(&principal, &request_id, "directory.service.verify", "directory_service", row.id);
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(row.version)))
        .json(DirectoryService::new(row, now)))
}
