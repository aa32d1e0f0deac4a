use super::view::DirectoryService;
use crate::clock::Clock;
use crate::db::directory::{self as store, ServiceRows};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::http::precondition::etag;
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::directory::service::{self, ServiceInput, OBJECT_PATHS};
use beacon_core::{ErrorCode, ValidationError};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;
use uuid::Uuid;

/// Add a service, with its locations, service areas, funding and phones, to the directory.
/// Nothing is written when any rule is broken. The rules are those of wasm `validateService`.
#[utoipa::path(
    tag = "directory",
    request_body = ServiceInput,
    responses(
        (status = 201, body = DirectoryService, headers(("ETag" = String, description = "The service's version"))),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/directory/services")]
pub async fn create_service(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let body = json_text(&req, payload).await?;
    let input: ServiceInput = beacon_core::contract::read::read_json_objects(&body, &OBJECT_PATHS).map_err(|e| rejected(vec![e]))?;
    let now = clock.now();
    let checked = service::check(&input, now).map_err(ApiError::Invalid)?;
    let rows = ServiceRows::new(Uuid::new_v4(), &checked, now);
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    if !store::organization_exists(conn, input.organization_id).await? {
        return Err(ApiError::Invalid(vec![ValidationError::new(
            "/organization_id",
            ErrorCode::UnknownCode,
            "No directory organization has this id.",
        )]));
    }
    let row = conn
        .transaction(async |conn| {
            let row = store::insert_service(conn, &rows).await?;
            let event = Event::by(&principal, &request_id, "directory.service.create", "directory_service", row.id);
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(row.version)))
        .json(DirectoryService::new(row, now)))
}
