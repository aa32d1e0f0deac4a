use super::get::visible_person;
use crate::db::training::{self as store, AgencyScope, PersonChanges};
use crate::routes::training::view::PersonView;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use beacon_core::training::person::{check_person_update, check_provider_link, PersonUpdate};
use crate::security::audit::Event;
use crate::security::audit;
use crate::security::Principal;
use actix_web::{patch, web, HttpRequest, HttpResponse};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;

/// Change a person's name, role, start date, population, active flag, town or
/// contracted provider (`provider_id`; only for a `dcf_contracted_provider`).
/// Another agency's person is a 404 for a reporter.
#[utoipa::path(
    tag = "workforce",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    request_body = PersonUpdate,
    responses(
        (status = 200, body = PersonView),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[patch("/workforce/{id}")]
pub async fn update_person(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let text_body = json_text(&req, payload).await?;
    let update: PersonUpdate = beacon_core::contract::read::read_json_objects(&text_body, &[""]).map_err(|e| rejected(vec![e]))?;
    let change = check_person_update(&update).map_err(ApiError::Invalid)?;
    let changes = PersonChanges {
        population: change.population.map(|p| p.to_string()),
        name: change.name,
        role: change.role,
        start_date: change.start_date,
        active: change.active,
        town: change.town,
        provider_id: change.provider_id,
    };
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let person = visible_person(conn, &principal, id).await?;
    // The link and the population are judged together, as they will stand.
    let population = changes.population.as_deref().unwrap_or(&person.population).parse().map_err(|()| ApiError::internal("stored population is not a code"))?;
    let provider = changes.provider_id.unwrap_or(person.provider_id);
    let mut errors = Vec::new();
    check_provider_link(population, provider.is_some(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    if let Some(Some(id)) = changes.provider_id {
        if store::provider(conn, id).await?.is_none() {
            return Err(ApiError::Invalid(vec![super::create::unknown_provider()]));
        }
    }
    let row = conn
        .transaction(async |conn| {
            let scope = AgencyScope::Only(person.agency.clone());
            let Some(row) = store::update_person(conn, person.id, &scope, &changes, principal.now).await? else {
                return Ok(None);
            };
            audit::append(conn, Event::by(&principal, &request_id, "workforce.update", "workforce", row.id.to_string())).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(PersonView::from(row)))
}
