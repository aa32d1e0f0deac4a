use super::list::STATUSES;
use crate::db::intake::SubmissionRow;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::{patch, web, HttpRequest, HttpResponse};
use beacon_core::{ErrorCode, ValidationError};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeUpdate {
    /// `new`, `triaged` or `closed` (`converted` is set by converting).
    pub status: Option<String>,
    /// `true` records that DCF was notified (removes it from the minors queue).
    pub dcf_notified: Option<bool>,
}

/// Triage an intake submission: change its status, record DCF notification.
#[utoipa::path(
    tag = "intake",
    params(("id" = Uuid, Path, description = "Submission id")),
    request_body = IntakeUpdate,
    responses(
        (status = 200, body = SubmissionRow),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[patch("/intake/{id}")]
pub async fn update_intake(
    principal: Principal,
    request_id: RequestId,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let text = json_text(&req, payload).await?;
    let update: IntakeUpdate = beacon_core::contract::read::read_json(&text).map_err(|e| rejected(vec![e]))?;
    let mut errors = Vec::new();
    if let Some(status) = update.status.as_deref() {
        if status == "converted" || !STATUSES.contains(&status) {
            errors.push(ValidationError::new("/status", ErrorCode::UnknownCode, "Must be new, triaged or closed (convert to make it converted)."));
        }
    }
    if update.dcf_notified == Some(false) {
        errors.push(ValidationError::new("/dcf_notified", ErrorCode::Range, "A recorded DCF notification cannot be withdrawn."));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            if db::intake::get(conn, id).await?.is_none() {
                return Ok(None);
            }
            if let Some(status) = update.status.as_deref() {
                db::intake::set_status(conn, id, status, principal.now).await?;
            }
            if update.dcf_notified == Some(true) {
                db::intake::mark_dcf_notified(conn, id, principal.now).await?;
            }
            let event = Event {
                reason: update.status.clone().map(|s| format!("status={s}")),
                ..Event::success(&principal, "intake.update", "intake", id, &request_id)
            };
            audit::append(conn, event).await?;
            db::intake::get(conn, id).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(row.ok_or(ApiError::NotFound)?))
}
