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
use crate::db::directory;
use beacon_core::reference::codes::Service;
use beacon_core::screening::check_screening;
use beacon_core::screening::pathway::{pathway, ProviderOption};
use std::collections::{BTreeSet, HashMap};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;
use uuid::Uuid;

/// Every active directory service as the pathway weighs it: categories, towns served, ages,
/// languages, vetted as of `now`, places free.
async fn providers(conn: &mut AsyncPgConnection, now: chrono::DateTime<chrono::Utc>) -> Result<Vec<ProviderOption>, ApiError> {
    let services = directory::services_with_status(conn, "active").await?;
    let linked = directory::linked(conn, &services).await?;
    let mut served: HashMap<Uuid, BTreeSet<String>> = HashMap::new();
    for (id, town) in &linked.areas {
        served.entry(*id).or_default().insert(town.clone());
    }
    for (link, loc) in &linked.at_locations {
        served.entry(link.service_id).or_default().insert(loc.town.clone());
    }
    Ok(services
        .into_iter()
        .map(|s| ProviderOption {
            vetted: s.is_vetted(now),
            service_id: s.id,
            categories: s.categories.iter().filter_map(|c| c.parse::<Service>().ok()).collect(),
            towns: served.remove(&s.id).unwrap_or_default(),
            min_age: s.min_age.and_then(|a| u8::try_from(a).ok()),
            max_age: s.max_age.and_then(|a| u8::try_from(a).ok()),
            languages: s.languages,
            capacity_available: s.capacity_available,
            name: s.name,
        })
        .collect())
}

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
    /// What is known of the person, for the referral pathway; with it the answer lists the
    /// recommended referrals (`pathway`). Not stored.
    person: Option<PersonRequest>,
}

/// The person screened, as far as the pathway needs.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documents the body; core reads it
pub struct PersonRequest {
    /// Years, 0–120.
    age: Option<u8>,
    /// The intake form's age group, when the age is not known.
    age_group: Option<beacon_core::reference::codes::AgeGroup>,
    /// A Connecticut town.
    town: Option<String>,
    needs: Option<Vec<beacon_core::reference::codes::Service>>,
    /// ISO 639-1.
    language: Option<String>,
    /// Whether the person consented to share who they are with the services referred to.
    consent_to_share: bool,
}

/// Screen someone with a published instrument (Sec. 8(b)(4): "standardized, trauma-informed
/// screening questions"). Core checks and scores the answers — the same verdict the wasm module
/// gives offline — and the server stores the instrument, the result and the rules that fired,
/// with the answers sealed (they are victim data). The screening is audited
/// (`screening.create`). With `person`, the answer also lists the recommended referrals
/// (`pathway`, core's rules: any minor to DCF and the district's multidisciplinary team; for a
/// positive or possible screen, directory services per need, nearest first; without consent a
/// reference only). For agency and coordinator keys.
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
    let pathway = match &screening.person {
        Some(person) => Some(pathway(&person.pathway_input(screening.scored.result), &providers(conn, clock.now()).await?)),
        None => None,
    };
    let view = ScreeningView {
        pathway,
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
