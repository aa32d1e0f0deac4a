use crate::clock::Clock;
use beacon_core::ValidationError;
use super::service_input::{funding, location, phone, service_areas, FundingInput, LocationInput, PhoneInput};
use super::{age, categories, codes, count, etag, if_match, languages, IfMatch, one_of, precondition_failed, precondition_required, POPULATIONS, STATUSES};
use crate::db::directory::{self as store, PartsReplacement, ServiceChanges, ServiceView};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use beacon_core::fields::text;
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{patch, web, HttpRequest, HttpResponse};
use beacon_core::ErrorCode;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

/// Changes to a service; absent members are left alone. Deactivate a service
/// by setting `status` to `inactive` or `defunct`. A list given
/// (`locations`, `service_areas`, `funding`, `phones`) replaces the service's
/// whole list; `[]` empties it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceUpdate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub categories: Option<Vec<String>>,
    #[serde(default)]
    pub min_age: Option<i64>,
    #[serde(default)]
    pub max_age: Option<i64>,
    #[serde(default)]
    pub populations: Option<Vec<String>>,
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    #[serde(default)]
    pub capacity_unit: Option<String>,
    #[serde(default)]
    pub capacity_available: Option<i64>,
    #[serde(default)]
    pub capacity_total: Option<i64>,
    #[serde(default)]
    pub locations: Option<Vec<LocationInput>>,
    /// Connecticut towns served.
    #[serde(default)]
    pub service_areas: Option<Vec<String>>,
    #[serde(default)]
    pub funding: Option<Vec<FundingInput>>,
    #[serde(default)]
    pub phones: Option<Vec<PhoneInput>>,
}

/// Change a service. `If-Match` must carry the ETag of the service as last
/// read: a stale one is a 412 and changes nothing; none is a 428.
#[utoipa::path(
    tag = "directory",
    params(
        ("id" = Uuid, Path, description = "Service id"),
        ("If-Match" = String, Header, description = "The service's ETag, e.g. \"3\""),
    ),
    request_body = ServiceUpdate,
    responses(
        (status = 200, body = ServiceView, headers(("ETag" = String, description = "The service's new version"))),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match is not the current ETag", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[patch("/directory/services/{id}")]
pub async fn update_service(
    principal: Principal,
    request_id: RequestId,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    let expected = match if_match(&req) {
        IfMatch::Version(v) => v,
        IfMatch::Missing => return Ok(precondition_required()),
        IfMatch::Unusable => return Ok(precondition_failed()),
    };
    let body = json_text(&req, payload).await?;
    let input: ServiceUpdate = beacon_core::contract::read::read_json_objects(&body, &["", "/locations/*", "/funding/*", "/phones/*"]).map_err(|e| rejected(vec![e]))?;
    let mut errors = Vec::new();
    let now = clock.now();
    let capacity_changed = input.capacity_unit.is_some() || input.capacity_available.is_some() || input.capacity_total.is_some();
    let changes = ServiceChanges {
        name: input.name.as_deref().and_then(|v| text("/name", v, 200, &mut errors)),
        description: input.description.as_deref().and_then(|v| text("/description", v, 4000, &mut errors)),
        status: input.status.as_deref().and_then(|v| one_of("/status", v, &STATUSES, &mut errors)),
        categories: input.categories.as_deref().map(|v| categories("/categories", v, &mut errors)),
        min_age: age("/min_age", input.min_age, &mut errors),
        max_age: age("/max_age", input.max_age, &mut errors),
        populations: input.populations.as_deref().map(|v| codes("/populations", v, &POPULATIONS, &mut errors)),
        languages: input.languages.as_deref().map(|v| languages("/languages", v, &mut errors)),
        capacity_unit: input.capacity_unit.as_deref().and_then(|v| text("/capacity_unit", v, 50, &mut errors)),
        capacity_available: count("/capacity_available", input.capacity_available, &mut errors),
        capacity_total: count("/capacity_total", input.capacity_total, &mut errors),
        capacity_updated_at: capacity_changed.then_some(now),
    };
    if changes.categories.as_ref().is_some_and(Vec::is_empty) && input.categories.as_ref().is_some_and(Vec::is_empty) {
        errors.push(ValidationError::new("/categories", ErrorCode::Required, "List at least one service code."));
    }
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let current = store::get_service(conn, id).await?.ok_or(ApiError::NotFound)?;
    let parts = PartsReplacement {
        locations: input.locations.as_ref().map(|ls| {
            ls.iter()
                .enumerate()
                .filter_map(|(i, l)| location("/locations", i, l, current.organization_id, &mut errors))
                .collect()
        }),
        areas: input.service_areas.as_deref().map(|v| service_areas("/service_areas", v, &mut errors)),
        funding: input
            .funding
            .as_ref()
            .map(|fs| fs.iter().enumerate().filter_map(|(i, f)| funding("/funding", i, f, id, &mut errors)).collect()),
        phones: input
            .phones
            .as_ref()
            .map(|ps| ps.iter().enumerate().filter_map(|(i, p)| phone("/phones", i, p, id, &mut errors)).collect()),
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    if current.version != expected {
        return Ok(precondition_failed());
    }
    let lo = changes.min_age.or(current.min_age);
    let hi = changes.max_age.or(current.max_age);
    if let (Some(lo), Some(hi)) = (lo, hi) {
        if lo > hi {
            errors.push(ValidationError::new("/max_age", ErrorCode::Range, "Must not be less than min_age."));
        }
    }
    let available = changes.capacity_available.or(current.capacity_available);
    let total = changes.capacity_total.or(current.capacity_total);
    if let (Some(a), Some(t)) = (available, total) {
        if a > t {
            errors.push(ValidationError::new("/capacity_available", ErrorCode::Range, "Must not exceed capacity_total."));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let row = conn
        .transaction(async |conn| {
            let Some(row) = store::update_service(conn, id, expected, &changes, now).await? else {
                return Ok(None);
            };
            if !parts.is_empty() {
                store::replace_parts(conn, id, &parts).await?;
            }
            let event = Event::success(&principal, "directory.service.update", "directory_service", row.id, &request_id);
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?;
    // The version moved between the read and the write: stale all the same.
    let Some(row) = row else {
        return Ok(precondition_failed());
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(&row)))
        .json(ServiceView::new(row, now)))
}
