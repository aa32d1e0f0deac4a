use super::view::ScreeningView;
use crate::db::screenings as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::path::PathId;
use crate::http::query::Query;
use crate::security::audit::{self, Event};
use crate::security::crypto::{field_aad, Envelope};
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::screening::access::{answers_read, AnswersRead};
use beacon_core::screening::{Answer, ScreeningResult};
use beacon_core::{ErrorCode, ValidationError};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use std::collections::BTreeMap;
use tracing_actix_web::RequestId;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScreeningReadParams {
    /// `answers`: also return the sealed answers (audited).
    #[param(value_type = Option<crate::http::query::ScreeningInclude>, inline)]
    pub include: Option<String>,
    /// Why the answers are needed (10–500 characters); recorded in the audit trail. Required of
    /// the coordinator; the screening agency may give one.
    #[param(max_length = 500)]
    pub reason: Option<String>,
}

/// One screening: its instrument, result and the rules that fired. The account that screened
/// reads its own; the coordinator reads any. With `include=answers` the sealed answers too — the
/// coordinator only with a `reason` — and each such read is audited (`screening.read_answers`)
/// in the same transaction. Another account's screening is a 404.
#[utoipa::path(
    tag = "screening",
    operation_id = "get_screening",
    params(("id" = uuid::Uuid, Path, description = "Screening id"), ScreeningReadParams),
    responses(
        (status = 200, body = ScreeningView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`reason` missing or of the wrong length", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["reporter", "coordinator", "dcf", "partner_staff"]))
)]
#[get("/screenings/{id}")]
pub async fn get_screening(
    principal: Principal,
    request_id: RequestId,
    PathId(id): PathId,
    params: Query<ScreeningReadParams>,
    pool: web::Data<DbPool>,
    envelope: web::Data<Envelope>,
) -> Result<HttpResponse, ApiError> {
    let wants_answers = match params.include.as_deref() {
        None => false,
        Some("answers") => true,
        Some(_) => return Err(ApiError::BadQuery(vec![ValidationError::new("/include", ErrorCode::UnknownCode, "The only value is `answers`.")])),
    };
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let view = conn
        .transaction(async |conn| {
            let row = store::get(conn, id).await?.ok_or(ApiError::NotFound)?;
            let (visible, read) = answers_read(principal.role, row.account_id == principal.account_id);
            if !visible {
                return Err(ApiError::NotFound);
            }
            let stored = |what: &str| ApiError::internal(format!("a stored screening has an unknown {what}"));
            let result = match row.result.as_str() {
                "negative" => ScreeningResult::Negative,
                "possible" => ScreeningResult::Possible,
                "positive" => ScreeningResult::Positive,
                _ => return Err(stored("result")),
            };
            let mut view = ScreeningView {
                id: row.id,
                instrument: row.instrument.clone(),
                version: u32::try_from(row.instrument_version).map_err(|_| stored("version"))?,
                result,
                fired: row.fired.clone(),
                created_at: row.created_at,
                answers: None,
                pathway: None,
            };
            if wants_answers {
                let mut errors = Vec::new();
                let reason = match read {
                    AnswersRead::Never => return Err(ApiError::NotFound),
                    AnswersRead::WithReason => match beacon_core::fields::reason("/reason", params.reason.as_deref(), "A reason is required to read the answers.", &mut errors) {
                        Some(reason) => Some(reason),
                        None => return Err(ApiError::Invalid(errors)),
                    },
                    AnswersRead::Audited => match params.reason.as_deref() {
                        None => None,
                        Some(text) => match beacon_core::fields::reason("/reason", Some(text), "", &mut errors) {
                            Some(reason) => Some(reason),
                            None => return Err(ApiError::Invalid(errors)),
                        },
                    },
                };
                let sealed = row.answers_sealed.as_ref().ok_or_else(|| stored("purged answers"))?;
                let key = envelope.unwrap_record_key(id, &row.key_id, &row.wrapped_data_key).map_err(ApiError::internal)?;
                let plain = key.open(&field_aad("screenings", id, "answers"), sealed).map_err(ApiError::internal)?;
                let answers: BTreeMap<String, Answer> = serde_json::from_slice(&plain).map_err(ApiError::internal)?;
                view.answers = Some(answers);
                let mut event = Event::by(&principal, &request_id, "screening.read_answers", "screening", id);
                if let Some(reason) = reason {
                    event = event.because(reason);
                }
                audit::append(conn, event).await?;
            }
            Ok::<_, ApiError>(view)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(view))
}
