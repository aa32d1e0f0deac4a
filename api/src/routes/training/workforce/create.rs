use crate::db::training::{self as store, NewPerson};
use crate::routes::training::view::PersonView;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use beacon_core::training::person::{check_person, check_provider_link, PersonFields};
use crate::security::audit::Event;
use crate::security::scope::scope_of;
use crate::security::audit;
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;

/// A workforce member.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonRequest {
    /// The Foundation agency code of the agency the person works for or is contracted by.
    #[schema(value_type = beacon_core::reference::codes::Agency)]
    pub agency: String,
    #[schema(value_type = beacon_core::training::Population)]
    pub population: String,
    /// The agency's reference for the person, unique within the agency: 1–64
    /// letters, digits, `. _ / -`, starting with a letter or digit.
    pub employee_ref: String,
    /// 1–200 characters.
    #[serde(default)]
    pub name: Option<String>,
    /// `social_worker_trainee` (the caseload rule applies) or free text, 1–64 characters.
    #[serde(default)]
    pub role: Option<String>,
    /// `YYYY-MM-DD`: the hire date, which starts the six-month clock (for a
    /// contracted provider's staff linked to their provider, the provider's
    /// contract start does instead).
    pub start_date: String,
    /// Default `true`.
    #[serde(default)]
    pub active: Option<bool>,
    /// The Connecticut town of the office the person works from (any case;
    /// stored as named in `GET /v1/codes`). Places the person in the
    /// compliance report's regions.
    #[serde(default)]
    pub town: Option<String>,
    /// For a `dcf_contracted_provider`: the contracted provider
    /// (`GET /v1/training/providers`) whose contract start runs their six
    /// months (Sec. 4(b)).
    #[serde(default)]
    pub provider_id: Option<uuid::Uuid>,
}

/// Add a workforce member. A reporter adds only to its own account's agency (else 403).
#[utoipa::path(
    tag = "workforce",
    request_body = NewPersonRequest,
    responses(
        (status = 201, body = PersonView, headers(("Location" = String, description = "URL of the new person"))),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coordinator, nor a reporter of this agency", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The agency already has this `employee_ref` (`duplicate_employee_ref`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[post("/workforce")]
pub async fn create_person(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let body: NewPersonRequest = beacon_core::contract::read::read_json_objects(&text, &[""]).map_err(|e| rejected(vec![e]))?;
    let mut new = NewPerson::new(check_person(&PersonFields {
        agency: &body.agency,
        population: &body.population,
        employee_ref: &body.employee_ref,
        name: body.name.as_deref(),
        role: body.role.as_deref(),
        start_date: &body.start_date,
        active: body.active,
        town: body.town.as_deref(),
    })
    .map_err(ApiError::Invalid)?);
    let mut errors = Vec::new();
    if let Ok(population) = new.population.parse() {
        check_provider_link(population, body.provider_id.is_some(), &mut errors);
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    new.provider_id = body.provider_id;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    if !scope_of(conn, &principal).await?.covers(&new.agency) {
        return Err(ApiError::Forbidden);
    }
    if let Some(id) = new.provider_id {
        if store::provider(conn, id).await?.is_none() {
            return Err(ApiError::Invalid(vec![unknown_provider()]));
        }
    }
    let row = conn
        .transaction(async |conn| {
            let Some(row) = store::insert_person(conn, &new).await? else {
                return Ok(None);
            };
            audit::append(conn, Event::by(&principal, &request_id, "workforce.create", "workforce", row.id.to_string())).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?
        .ok_or(ApiError::Conflict(crate::error::Conflict::DuplicateEmployeeRef))?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/workforce/{}", row.id)))
        .json(PersonView::from(row)))
}

/// A `provider_id` naming no provider on file.
pub fn unknown_provider() -> beacon_core::ValidationError {
    beacon_core::ValidationError::new(
        "/provider_id",
        beacon_core::ErrorCode::UnknownCode,
        "No contracted provider has this id (see GET /v1/training/providers).",
    )
}
