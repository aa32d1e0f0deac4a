use super::view::MinorView;
use crate::clock::Clock;
use crate::config::DcfConfig;
use crate::db::dcf::{NewResponse, Subject as Record};
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::{put, web, HttpRequest, HttpResponse};
use beacon_core::intake::dcf::{check_response, Subject};
use beacon_core::reference::codes::CodeList;
use beacon_core::reference::dates::date_in_state;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

/// What DCF did about a minor.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DcfResponseBody {
    #[schema(value_type = beacon_core::intake::dcf::DcfResponse)]
    pub response: Option<String>,
    /// Required when `response` is `assessed_not_accepted`, refused otherwise.
    #[schema(value_type = Option<beacon_core::intake::dcf::DcfNotAcceptedReason>)]
    pub reason: Option<String>,
    /// The day DCF responded: not before the minor was received, not after today.
    #[schema(value_type = String, format = Date)]
    pub responded_on: Option<String>,
}

/// Checks and records `body` on `record` in one transaction with its audit entry; the record's
/// queue item after it.
#[allow(clippy::too_many_arguments)]
async fn respond(
    principal: &Principal,
    request_id: &RequestId,
    record: Record,
    text: &str,
    pool: &DbPool,
    today: chrono::NaiveDate,
    days: u32,
) -> Result<MinorView, ApiError> {
    let body: DcfResponseBody = beacon_core::contract::read::read_json(text).map_err(|e| rejected(vec![e]))?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let (kind, id) = match record {
        Record::Submission(id) => ("submission", id),
        Record::Incident(id) => ("incident", id),
    };
    let row = conn
        .transaction(async |conn| {
            let subject = match record {
                Record::Submission(id) => {
                    let row = db::intake::get(conn, id).await?.ok_or(ApiError::NotFound)?;
                    Subject { minor: row.minor_involved, converted: row.converted_incident_id.is_some(), received_on: date_in_state(row.received_at) }
                }
                Record::Incident(id) => {
                    let (minor, received_on) = db::dcf::incident_subject(conn, id).await?.ok_or(ApiError::NotFound)?;
                    Subject { minor, converted: false, received_on }
                }
            };
            let checked = check_response(subject, body.response.as_deref(), body.reason.as_deref(), body.responded_on.as_deref(), today).map_err(ApiError::Invalid)?;
            let new = NewResponse {
                subject: record,
                response: checked.response.code().to_string(),
                reason: checked.reason.map(|r| r.code().to_string()),
                responded_on: checked.responded_on,
                recorded_at: principal.now,
                api_key_id: principal.key_id,
            };
            db::dcf::record(conn, &new).await?;
            let resource = if kind == "submission" { "intake" } else { "incident" };
            let event = Event::by(principal, request_id, "dcf.respond", resource, id).because(format!("response={}", new.response));
            audit::append(conn, event).await?;
            Ok::<_, ApiError>(db::dcf::queue_item(conn, kind, id).await?)
        })
        .await?;
    MinorView::of(row.ok_or_else(|| ApiError::internal("a recorded minor left the queue"))?, days, today)
}

/// Record DCF's response to a minor's intake submission (Sec. 10).
///
/// Sec. 10(a): the Commissioner "shall ... provide appropriate services to a minor child ... who
/// the Department of Children and Families reasonably believes may be a victim of trafficking".
/// `accepted_for_services`, `assessed_not_accepted` (with a `reason`) or `already_open_case`, and
/// the day. A later call corrects it (each is audited). A converted submission's response is
/// recorded on its incident.
#[utoipa::path(
    tag = "dcf",
    params(("id" = Uuid, Path, description = "Submission id")),
    request_body = DcfResponseBody,
    responses(
        (status = 200, body = MinorView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["dcf"]))
)]
#[put("/intake/{id}/dcf-response")]
#[allow(clippy::too_many_arguments)]
pub async fn respond_to_submission(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
    config: web::Data<DcfConfig>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let view = respond(&principal, &request_id, Record::Submission(id), &text, &pool, clock.today(), config.response_days).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Record DCF's response to an incident involving a minor (Sec. 10).
///
/// As for a submission: `accepted_for_services`, `assessed_not_accepted` (with a `reason`) or
/// `already_open_case`, and the day; a later call corrects it. The incident itself is not changed.
#[utoipa::path(
    tag = "dcf",
    params(("id" = Uuid, Path, description = "Incident id")),
    request_body = DcfResponseBody,
    responses(
        (status = 200, body = MinorView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["dcf"]))
)]
#[put("/incidents/{id}/dcf-response")]
#[allow(clippy::too_many_arguments)]
pub async fn respond_to_incident(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
    config: web::Data<DcfConfig>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let view = respond(&principal, &request_id, Record::Incident(id), &text, &pool, clock.today(), config.response_days).await?;
    Ok(HttpResponse::Ok().json(view))
}
