use super::view::ActivityView;
use crate::clock::Clock;
use crate::db::reports as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::http::precondition::etag;
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::stats::check_activity;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;

/// Record an activity of the coordinator's: date (not after today), kind,
/// the agencies involved and a description. The report on a year lists
/// that year's activities.
#[utoipa::path(
    tag = "reports",
    operation_id = "create_report_activity",
    request_body = beacon_core::stats::report::ActivityV1,
    responses(
        (status = 201, body = ActivityView, headers(
            ("Location" = String, description = "URL of the new entry"),
            ("ETag" = String, description = "The entry's version"),
        )),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/reports/activities")]
pub async fn create_activity(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let activity = check_activity(&text, clock.today()).map_err(rejected)?;
    let now = clock.now();
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let row = store::insert_activity(conn, &activity, now).await?;
            audit::append(conn, Event::by(&principal, &request_id, "report.activity.create", "report_activity", row.id)).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/reports/activities/{}", row.id)))
        .insert_header((header::ETAG, etag(row.version)))
        .json(ActivityView::from(row)))
}
