use super::view::ScreeningView;
use crate::clock::Clock;
use crate::db::screenings::{self as store, NewScreening};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::{self, Event};
use crate::security::crypto::{field_aad, Envelope};
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::screening::check_screening;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;
use uuid::Uuid;

/// The request body: an instrument, its version and an answer for each of its items.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documents the body; core reads it
pub struct ScreeningRequest {
    /// A published instrument's id (`GET /v1/screening-instruments`).
    instrument: String,
    version: u32,
    /// Item id → `yes`, `no`, `unsure`, `possible`, `clear` or `declined`, as the item's kind
    /// allows; every item needs one.
    #[schema(value_type = std::collections::BTreeMap<String, beacon_core::screening::Answer>)]
    answers: serde_json::Value,
}

/// Screen someone with a published instrument (Sec. 8(b)(4): "standardized, trauma-informed
/// screening questions"). Core checks and scores the answers — the same verdict the wasm module
/// gives offline — and the server stores the instrument, the result and the rules that fired,
/// with the answers sealed (they are victim data). The screening is audited
/// (`screening.create`). For agency and coordinator keys.
#[utoipa::path(
    tag = "screening",
    operation_id = "create_screening",
    request_body(content = ScreeningRequest, content_type = "application/json"),
    responses(
        (status = 201, body = ScreeningView, headers(("Location" = String, description = "URL of the screening"))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown instrument or item, a missing answer, or an answer the item does not take; each at its JSON Pointer", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["reporter", "coordinator", "dcf", "partner_staff"]))
)]
#[post("/screenings")]
pub async fn create_screening(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
    envelope: web::Data<Envelope>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let screening = check_screening(&text).map_err(rejected)?;
    let id = Uuid::new_v4();
    let (key, wrapped) = envelope.new_record_key(id).map_err(ApiError::internal)?;
    let plain = serde_json::to_vec(&screening.answers).map_err(ApiError::internal)?;
    let answers_sealed = key.seal(&field_aad("screenings", id, "answers"), &plain).map_err(ApiError::internal)?;
    let row = NewScreening {
        id,
        account_id: principal.account_id,
        api_key_id: principal.key_id,
        instrument: screening.instrument.id.clone(),
        instrument_version: i32::try_from(screening.instrument.version).map_err(ApiError::internal)?,
        result: screening.scored.result.code().to_string(),
        fired: screening.scored.fired.clone(),
        key_id: envelope.key_id().to_string(),
        wrapped_data_key: wrapped,
        answers_sealed: Some(answers_sealed),
        created_at: clock.now(),
    };
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let stored = conn
        .transaction(async |conn| {
            let stored = store::insert(conn, &row).await?;
            audit::append(conn, Event::by(&principal, &request_id, "screening.create", "screening", id)).await?;
            Ok::<_, diesel::result::Error>(stored)
        })
        .await?;
    let view = ScreeningView {
        id: stored.id,
        instrument: stored.instrument,
        version: screening.instrument.version,
        result: screening.scored.result,
        fired: stored.fired,
        created_at: stored.created_at,
        answers: None,
    };
    Ok(HttpResponse::Created().insert_header(("Location", format!("/v1/screenings/{id}"))).json(view))
}
