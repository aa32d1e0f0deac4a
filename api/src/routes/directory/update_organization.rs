//! Reading and changing a provider organization, with the same optimistic concurrency as
//! services (`http::precondition`): the `ETag` is the organization's version, and a write must
//! name it in `If-Match`.

use super::view::DirectoryOrganization;
use crate::clock::Clock;
use crate::db::directory::{self as store, OrganizationChanges};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::http::precondition::{etag, expected_version, still_current};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, patch, web, HttpRequest, HttpResponse};
use beacon_core::directory::organization::{self, Organization, OrganizationUpdate};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;

/// An organization with its `ETag` for `If-Match`.
#[utoipa::path(
    tag = "directory",
    params(("id" = Uuid, Path, description = "Organization id")),
    responses(
        (status = 200, body = DirectoryOrganization, headers(("ETag" = String, description = "The organization's version"))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/directory/organizations/{id}")]
pub async fn get_organization(_principal: Principal, crate::http::path::PathId(id): crate::http::path::PathId, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut pooled = pool.get().await?;
    let row = store::get_organization(&mut pooled, id).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(row.version))).json(DirectoryOrganization::from(row)))
}

/// Change an organization. `If-Match` must carry its ETag as last read: a stale one is a 412
/// and changes nothing; none is a 428.
#[utoipa::path(
    tag = "directory",
    params(
        ("id" = Uuid, Path, description = "Organization id"),
        ("If-Match" = String, Header, description = "The organization's ETag, e.g. \"2\""),
    ),
    request_body = OrganizationUpdate,
    responses(
        (status = 200, body = DirectoryOrganization, headers(("ETag" = String, description = "The organization's new version"))),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match is not the current ETag", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[patch("/directory/organizations/{id}")]
pub async fn update_organization(
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
    let input: OrganizationUpdate = beacon_core::contract::read::read_json_objects(&body, &[""]).map_err(|e| rejected(vec![e]))?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let current = store::get_organization(conn, id).await?.ok_or(ApiError::NotFound)?;
    let patch = organization::check_update(&Organization::from(&current), &input).map_err(ApiError::Invalid)?;
    still_current(current.version, expected)?;
    let changes = OrganizationChanges::from(&patch);
    let now = clock.now();
    let row = conn
        .transaction(async |conn| {
            let Some(row) = store::update_organization(conn, id, expected, &changes, now).await? else {
                return Ok(None);
            };
            let event = Event::by(&principal, &request_id, "directory.organization.update", "directory_organization", row.id);
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?;
    let row = row.ok_or(ApiError::PreconditionFailed)?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(row.version))).json(DirectoryOrganization::from(row)))
}
