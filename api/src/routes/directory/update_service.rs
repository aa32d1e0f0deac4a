use super::view::DirectoryService;
use crate::clock::Clock;
use crate::db::directory::{self as store, PartsReplacement, ServiceChanges};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::http::precondition::{etag, expected_version, still_current};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{patch, web, HttpRequest, HttpResponse};
use beacon_core::directory::service::{self, ServiceUpdate, UPDATE_OBJECT_PATHS};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;

/// Change a service. `If-Match` must carry the ETag of the service as last read: a stale one is
/// a 412 and changes nothing; none is a 428.
#[utoipa::path(
    tag = "directory",
    params(
        ("id" = Uuid, Path, description = "Service id"),
        ("If-Match" = String, Header, description = "The service's ETag, e.g. \"3\""),
    ),
    request_body = ServiceUpdate,
    responses(
        (status = 200, body = DirectoryService, headers(("ETag" = String, description = "The service's new version"))),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match is not the current ETag", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[patch("/directory/services/{id}")]
pub async fn update_service(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let expected = expected_version(&req)?;
    let body = json_text(&req, payload).await?;
    let input: ServiceUpdate = beacon_core::contract::read::read_json_objects(&body, &UPDATE_OBJECT_PATHS).map_err(|e| rejected(vec![e]))?;
    let now = clock.now();
    let checked = service::check_update(&input, now);
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let current = store::get_service(conn, id).await?.ok_or(ApiError::NotFound)?;
    let patch = checked.map_err(ApiError::Invalid)?;
    still_current(current.version, expected)?;
    patch.check_against(&current.current()).map_err(ApiError::Invalid)?;
    let changes = ServiceChanges::from(&patch);
    let parts = PartsReplacement::new(id, current.organization_id, &patch);
    let row = conn
        .transaction(async |conn| {
            let Some(row) = store::update_service(conn, id, expected, &changes, now).await? else {
                return Ok(None);
            };
            if !parts.is_empty() {
                store::replace_parts(conn, id, &parts).await?;
            }
            let event = Event::by(&principal, &request_id, "directory.service.update", "directory_service", row.id);
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?;
    // The version moved between the read and the write: stale all the same.
    let row = row.ok_or(ApiError::PreconditionFailed)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(row.version)))
        .json(DirectoryService::new(row, now)))
}
