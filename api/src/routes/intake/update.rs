use super::view::{sight_of, SubmissionView};
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::{patch, web, HttpRequest, HttpResponse};
use beacon_core::intake::status::{check_age_group, check_update, IntakeStatus};
use beacon_core::reference::codes::AgeGroup;
use beacon_core::reference::codes::CodeList;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeUpdate {
    /// `new`, `triaged` or `closed` (`converted` is set by converting).
    pub status: Option<String>,
    /// `true` records that DCF was notified (removes it from the minors queue).
    pub dcf_notified: Option<bool>,
    /// Records the age group of a submission whose age was `unknown` (the review queue); a
    /// minor's group puts it in the DCF queue.
    #[schema(value_type = Option<beacon_core::reference::codes::AgeGroup>)]
    pub age_group: Option<String>,
}

/// Triage an intake submission: change its status, record DCF notification.
///
/// The coordinator works every partner's submissions; a `partner_staff` key only its own
/// organization's (another's is a 404).
#[utoipa::path(
    tag = "intake",
    params(("id" = Uuid, Path, description = "Submission id")),
    request_body = IntakeUpdate,
    responses(
        (status = 200, body = SubmissionView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "partner_staff"]))
)]
#[patch("/intake/{id}")]
pub async fn update_intake(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let update: IntakeUpdate = beacon_core::contract::read::read_json(&text).map_err(|e| rejected(vec![e]))?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            // Read under the row lock: a conversion committing meanwhile is seen, not overwritten.
            if !db::intake::lock(conn, id).await? {
                return Ok(None);
            }
            let Some(current) = db::intake::get(conn, id).await? else {
                return Ok(None);
            };
            if !sight_of(&principal, &current).visible {
                return Ok(None);
            }
            let row_age = current.age_group.clone();
            let current: IntakeStatus = current.status.parse().map_err(|()| ApiError::internal(format!("stored intake status `{}`", current.status)))?;
            let recorded_age: AgeGroup = row_age.parse().map_err(|()| ApiError::internal(format!("stored age group `{row_age}`")))?;
            let mut errors = Vec::new();
            let change = check_update(current, update.status.as_deref(), update.dcf_notified).map_err(|e| errors.extend(e)).ok();
            let age_group = update.age_group.as_deref().and_then(|v| check_age_group(current, recorded_age, v).map_err(|e| errors.push(e)).ok());
            let Some(change) = change.filter(|_| errors.is_empty()) else {
                return Err(ApiError::Invalid(errors));
            };
            if let Some(group) = age_group {
                db::intake::set_age_group(conn, id, group.code(), group.is_minor(), principal.now).await?;
            }
            if let Some(status) = change.status {
                db::intake::set_status(conn, id, status.code(), principal.now).await?;
            }
            if change.record_dcf_notified {
                db::intake::mark_dcf_notified(conn, id, principal.now).await?;
            }
            let mut event = Event::by(&principal, &request_id, "intake.update", "intake", id);
            let changed: Vec<String> = [update.status.as_ref().map(|s| format!("status={s}")), age_group.map(|g| format!("age_group={}", g.code()))]
                .into_iter()
                .flatten()
                .collect();
            if !changed.is_empty() {
                event = event.because(changed.join(" "));
            }
            audit::append(conn, event).await?;
            Ok::<_, ApiError>(db::intake::get(conn, id).await?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SubmissionView::for_principal(&principal, row.ok_or(ApiError::NotFound)?)?))
}
