use super::get::visible_person;
use beacon_core::ValidationError;
use crate::db::training::{self as store, AgencyScope, PersonChanges};
use crate::routes::training::view::PersonView;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use beacon_core::fields::{date, population_code, text, town};
use crate::security::audit::event;
use crate::security::audit;
use crate::security::Principal;
use actix_web::{patch, web, HttpRequest, HttpResponse};
use beacon_core::ErrorCode;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Deserializer};
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

/// Present-and-null (`Some(None)`) is told apart from absent (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a person; absent members are left alone, `null` clears `name` / `role` / `town`.
/// `agency` and `employee_ref` identify the person and cannot change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonUpdate {
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub role: Option<Option<String>>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    #[schema(value_type = Option<beacon_core::training::Population>)]
    pub population: Option<String>,
    /// A Connecticut town (the office the person works from).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub town: Option<Option<String>>,
}

/// Change a person's name, role, start date, population, active flag or town.
/// Another agency's person is a 404 for a reporter.
#[utoipa::path(
    tag = "workforce",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    request_body = PersonUpdate,
    responses(
        (status = 200, body = PersonView),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[patch("/workforce/{id}")]
pub async fn update_person(
    principal: Principal,
    request_id: RequestId,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let text_body = json_text(&req, payload).await?;
    let update: PersonUpdate = beacon_core::contract::read::read_json_objects(&text_body, &[""]).map_err(|e| rejected(vec![e]))?;
    let mut errors = Vec::new();
    let changes = PersonChanges {
        population: update
            .population
            .as_deref()
            .and_then(|p| population_code("/population", p, &mut errors))
            .map(|p| p.to_string()),
        name: update.name.as_ref().map(|n| n.as_deref().and_then(|n| text("/name", n, 200, &mut errors))),
        role: update.role.as_ref().map(|r| r.as_deref().and_then(|r| text("/role", r, 64, &mut errors))),
        start_date: update.start_date.as_deref().and_then(|d| date("/start_date", d, &mut errors)),
        active: update.active,
        town: update.town.as_ref().map(|t| t.as_deref().and_then(|t| town("/town", t, &mut errors))),
    };
    if update.population.is_none()
        && update.name.is_none()
        && update.role.is_none()
        && update.start_date.is_none()
        && update.active.is_none()
        && update.town.is_none()
    {
        errors.push(ValidationError::new("", ErrorCode::Required, "Give at least one of name, role, start_date, active, population, town."));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let person = visible_person(conn, &principal, &id).await?;
    let row = conn
        .transaction(async |conn| {
            let scope = AgencyScope::Only(person.agency.clone());
            let Some(row) = store::update_person(conn, person.id, &scope, &changes, principal.now).await? else {
                return Ok(None);
            };
            audit::append(conn, event(&principal, &request_id, "workforce.update", "workforce", Some(row.id.to_string()))).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(PersonView::from(row)))
}
