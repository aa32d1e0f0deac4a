//! Reading and changing one activity. The `ETag` is the entry's version; a
//! change names it in `If-Match` (`http::precondition`), so two people
//! editing the register never overwrite each other unseen.

use super::register::{self, Activities};
use super::view::ActivityView;
use crate::clock::Clock;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::path::PathId;
use crate::security::Principal;
use actix_web::{get, patch, web, HttpRequest, HttpResponse};
use tracing_actix_web::RequestId;

/// One activity, with its `ETag` for `If-Match`.
#[utoipa::path(
    tag = "reports",
    operation_id = "get_report_activity",
    params(("id" = Uuid, Path, description = "Activity id")),
    responses(
        (status = 200, body = ActivityView, headers(("ETag" = String, description = "The entry's version"))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/reports/activities/{id}")]
pub async fn get_activity(_principal: Principal, PathId(id): PathId, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    register::get::<Activities>(id, &pool).await
}

/// Change an activity with a JSON merge patch (RFC 7396): the members sent
/// replace the entry's, and the result must pass every rule a new entry
/// does. `If-Match` must carry the ETag as last read: a stale one is a 412
/// and changes nothing; none is a 428.
#[utoipa::path(
    tag = "reports",
    operation_id = "update_report_activity",
    params(
        ("id" = Uuid, Path, description = "Activity id"),
        ("If-Match" = String, Header, description = "The entry's ETag, e.g. \"2\""),
    ),
    request_body(content = serde_json::Value, description = "Any members of an activity; `null` removes an optional one",
        content_type = "application/merge-patch+json"),
    responses(
        (status = 200, body = ActivityView, headers(("ETag" = String, description = "The entry's new version"))),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match is not the current ETag", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[patch("/reports/activities/{id}")]
pub async fn update_activity(
    principal: Principal,
    request_id: RequestId,
    PathId(id): PathId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    register::update::<Activities>(&principal, &request_id, id, &req, payload, &clock, &pool).await
}
