//! Reading and changing a provider organization, with the same optimistic
//! concurrency as services: the `ETag` is the organization's version, and a
//! write must name it in `If-Match`.

use crate::clock::Clock;
use super::create_organization::{check_organization, OrganizationInput};
use super::{if_match, one_of, precondition_failed, precondition_required, IfMatch};
use crate::db::directory::{self as store, OrganizationChanges, OrganizationRow};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, patch, web, HttpRequest, HttpResponse};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

/// Organization statuses (HSDS 3.1 has none for organizations; Beacon keeps one
/// so that a provider that closes can be taken out of referrals).
pub const ORGANIZATION_STATUSES: [&str; 3] = ["active", "inactive", "defunct"];

fn organization_etag(row: &OrganizationRow) -> String {
    format!("\"{}\"", row.version)
}

/// Changes to an organization; absent members are left alone. Deactivate it
/// with `status: inactive` or `defunct`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// `active`, `inactive` or `defunct`.
    #[serde(default)]
    pub status: Option<String>,
}

/// An organization with its `ETag` for `If-Match`.
#[utoipa::path(
    tag = "directory",
    params(("id" = Uuid, Path, description = "Organization id")),
    responses(
        (status = 200, body = OrganizationRow, headers(("ETag" = String, description = "The organization's version"))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/directory/organizations/{id}")]
pub async fn get_organization(_principal: Principal, id: web::Path<String>, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let mut pooled = pool.get().await?;
    let row = store::get_organization(&mut pooled, id).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, organization_etag(&row))).json(row))
}

/// Change an organization. `If-Match` must carry its ETag as last read: a
/// stale one is a 412 and changes nothing; none is a 428.
#[utoipa::path(
    tag = "directory",
    params(
        ("id" = Uuid, Path, description = "Organization id"),
        ("If-Match" = String, Header, description = "The organization's ETag, e.g. \"2\""),
    ),
    request_body = OrganizationUpdate,
    responses(
        (status = 200, body = OrganizationRow, headers(("ETag" = String, description = "The organization's new version"))),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match is not the current ETag", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[patch("/directory/organizations/{id}")]
pub async fn update_organization(
    principal: Principal,
    request_id: RequestId,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let expected = match if_match(&req) {
        IfMatch::Version(v) => v,
        IfMatch::Missing => return Ok(precondition_required()),
        IfMatch::Unusable => return Ok(precondition_failed()),
    };
    let body = json_text(&req, payload).await?;
    let input: OrganizationUpdate = beacon_core::contract::read::read_json_objects(&body, &[""]).map_err(|e| rejected(vec![e]))?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let current = store::get_organization(conn, id).await?.ok_or(ApiError::NotFound)?;
    // The merged organization goes through the creation rules, so an update
    // can never store what a creation would refuse.
    let merged = OrganizationInput {
        name: input.name.clone().unwrap_or_else(|| current.name.clone()),
        description: Some(input.description.clone().unwrap_or_else(|| current.description.clone())).filter(|d| !d.is_empty()),
        email: input.email.clone().or_else(|| current.email.clone()),
        url: input.url.clone().or_else(|| current.url.clone()),
    };
    let mut errors = match check_organization(&merged, id) {
        Ok(_) => Vec::new(),
        Err(e) => e,
    };
    let status = input.status.as_deref().and_then(|s| one_of("/status", s, &ORGANIZATION_STATUSES, &mut errors));
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    if current.version != expected {
        return Ok(precondition_failed());
    }
    let changes = OrganizationChanges {
        name: input.name.map(|n| n.trim().to_string()),
        description: input.description.map(|d| d.trim().to_string()),
        email: input.email.map(|e| e.trim().to_string()),
        url: input.url.map(|u| u.trim().to_string()),
        status,
    };
    let now = clock.now();
    let row = conn
        .transaction(async |conn| {
            let Some(row) = store::update_organization(conn, id, expected, &changes, now).await? else {
                return Ok(None);
            };
            let event = Event::success(&principal, "directory.organization.update", "directory_organization", row.id, &request_id);
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?;
    let Some(row) = row else {
        return Ok(precondition_failed());
    };
    Ok(HttpResponse::Ok().insert_header((header::ETAG, organization_etag(&row))).json(row))
}
