use super::view::{consent_of, sight_of, SubmissionView};
use crate::clock::Clock;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::intake::access::{check_withdrawal, ContactRead};
use beacon_core::reference::dates::date_in_state;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentWithdrawal {
    /// The day the person withdrew consent (YYYY-MM-DD): between the submission's receipt and today.
    #[schema(value_type = String, format = Date)]
    pub withdrawn_on: Option<String>,
}

/// Withdraw the person's consent to share, on their behalf.
///
/// Consent under VAWA is revocable: the partner organization the person wrote to records the
/// withdrawal (dated, audited). The coordinator's access to the case's details and contact ends
/// with it; the de-identified facts are still counted, and a minor's stay in DCF's queue.
#[utoipa::path(
    tag = "intake",
    params(("id" = Uuid, Path, description = "Submission id")),
    request_body = ConsentWithdrawal,
    responses(
        (status = 200, body = SubmissionView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No consent to withdraw, already withdrawn, or a bad date", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["partner_staff"]))
)]
#[post("/intake/{id}/consent-withdrawal")]
#[allow(clippy::too_many_arguments)]
pub async fn withdraw_consent(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let body: ConsentWithdrawal = beacon_core::contract::read::read_json(&text).map_err(|e| rejected(vec![e]))?;
    let today = clock.today();
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let row = db::intake::get(conn, id).await?.ok_or(ApiError::NotFound)?;
            // Only the organization the person wrote to acts on their behalf.
            if sight_of(&principal, &row).contact != ContactRead::Audited {
                return Err(ApiError::NotFound);
            }
            let on = check_withdrawal(consent_of(&row), date_in_state(row.received_at), body.withdrawn_on.as_deref(), today).map_err(ApiError::Invalid)?;
            db::intake::withdraw_consent(conn, id, on, principal.now).await?;
            let event = Event::by(&principal, &request_id, "intake.withdraw_consent", "intake", id).because(format!("withdrawn_on={on}"));
            audit::append(conn, event).await?;
            db::intake::get(conn, id).await?.ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SubmissionView::for_principal(&principal, row)?))
}
