//! Reading and changing one activity. The `ETag` is the entry's version; a
//! change names it in `If-Match` (`http::precondition`), so two people
//! editing the register never overwrite each other unseen.

use super::view::ActivityView;
use crate::clock::Clock;
use crate::db::reports as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::http::path::PathId;
use crate::http::precondition::{etag, expected_version, still_current};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, patch, web, HttpRequest, HttpResponse};
use beacon_core::stats::check_activity;
use beacon_core::stats::report::merge_patch;
use diesel_async::{AsyncConnection, AsyncPgConnection};
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
    let mut pooled = pool.get().await?;
    let row = store::get_activity(&mut pooled, id).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(row.version))).json(ActivityView::from(row)))
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
    let expected = expected_version(&req)?;
    let text = json_text(&req, payload).await?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let current = store::get_activity(conn, id).await?.ok_or(ApiError::NotFound)?;
    let entry = current.entry().ok_or_else(|| ApiError::internal("a stored activity has an unknown code"))?;
    let activity = merge_patch(&entry, &text).and_then(|body| check_activity(&body, clock.today())).map_err(rejected)?;
    still_current(current.version, expected)?;
    let now = clock.now();
    let row = conn
        .transaction(async |conn| {
            let Some(row) = store::update_activity(conn, id, expected, &activity, now).await? else {
                return Ok(None);
            };
            audit::append(conn, Event::by(&principal, &request_id, "report.activity.update", "report_activity", row.id)).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?;
    let row = row.ok_or(ApiError::PreconditionFailed)?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(row.version))).json(ActivityView::from(row)))
}
