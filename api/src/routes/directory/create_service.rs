use super::{age, categories, codes, count, etag, languages, one_of, town, POPULATIONS, STATUSES};
use crate::db::directory::{self as store, NewFunding, NewLocation, NewService, ServiceView};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::routes::body::{json_text, rejected};
use crate::routes::training::{date, error, text};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::{ErrorCode, ValidationError};
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

/// Capacity, as in HSDS 3.1 (`unit`, `available`, `total`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityInput {
    /// e.g. `beds`.
    pub unit: String,
    pub available: i64,
    #[serde(default)]
    pub total: Option<i64>,
}

/// Where a service is delivered. A confidential location (a shelter) never
/// shows its street address, postal code or coordinates on public routes.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    pub name: String,
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    pub address_1: Option<String>,
    /// Defaults to the town.
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    /// A Connecticut town (GET /v1/codes).
    pub town: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
}

/// A grant or contract paying for the service.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingInput {
    pub source: String,
    pub amount_cents: i64,
    /// `YYYY-MM-DD`.
    pub period_start: String,
    /// `YYYY-MM-DD`, not before `period_start`.
    pub period_end: String,
}

/// A service with everything about it, written at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    pub organization_id: Uuid,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `active` (default), `inactive`, `defunct`, `temporarily_closed`.
    #[serde(default)]
    pub status: Option<String>,
    /// Foundation service codes (GET /v1/codes, list `service`).
    pub categories: Vec<String>,
    #[serde(default)]
    pub min_age: Option<i64>,
    #[serde(default)]
    pub max_age: Option<i64>,
    /// `minors adults women men lgbtq foreign_nationals sex_trafficking labor_trafficking`.
    #[serde(default)]
    pub populations: Vec<String>,
    /// Language tags (`en`, `es`).
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub capacity: Option<CapacityInput>,
    #[serde(default)]
    pub locations: Vec<LocationInput>,
    /// Connecticut towns served.
    #[serde(default)]
    pub service_areas: Vec<String>,
    #[serde(default)]
    pub funding: Vec<FundingInput>,
}

fn optional_text(path: &str, value: Option<&str>, max: usize, errors: &mut Vec<ValidationError>) -> Option<String> {
    value.and_then(|v| text(path, v, max, errors))
}

fn location(i: usize, l: &LocationInput, organization_id: Uuid, errors: &mut Vec<ValidationError>) -> Option<NewLocation> {
    let at = |m: &str| format!("/locations/{i}/{m}");
    let name = text(&at("name"), &l.name, 200, errors);
    let town = town(&at("town"), &l.town, errors);
    let address_1 = optional_text(&at("address_1"), l.address_1.as_deref(), 200, errors);
    let city = optional_text(&at("city"), l.city.as_deref(), 100, errors);
    let postal_code = l.postal_code.as_deref().and_then(|p| {
        let ok = p.len() == 5 && p.chars().all(|c| c.is_ascii_digit())
            || p.len() == 10 && p.as_bytes().get(5) == Some(&b'-') && p.chars().filter(|c| c.is_ascii_digit()).count() == 9;
        if !ok {
            errors.push(error(at("postal_code"), ErrorCode::Format, "Must be a ZIP code: 5 digits, or ZIP+4."));
        }
        ok.then(|| p.to_string())
    });
    if l.latitude.is_some_and(|v| !(-90.0..=90.0).contains(&v)) {
        errors.push(error(at("latitude"), ErrorCode::Range, "Must be between -90 and 90."));
    }
    if l.longitude.is_some_and(|v| !(-180.0..=180.0).contains(&v)) {
        errors.push(error(at("longitude"), ErrorCode::Range, "Must be between -180 and 180."));
    }
    if l.latitude.is_some() != l.longitude.is_some() {
        errors.push(error(at("latitude"), ErrorCode::Required, "Give both latitude and longitude, or neither."));
    }
    let (name, town) = (name?, town?);
    Some(NewLocation {
        id: Uuid::new_v4(),
        organization_id,
        name,
        confidential: l.confidential,
        address_1,
        city: city.unwrap_or_else(|| town.clone()),
        postal_code,
        town,
        latitude: l.latitude,
        longitude: l.longitude,
    })
}

fn funding(i: usize, f: &FundingInput, service_id: Uuid, errors: &mut Vec<ValidationError>) -> Option<NewFunding> {
    let at = |m: &str| format!("/funding/{i}/{m}");
    let source = text(&at("source"), &f.source, 200, errors);
    if !(0..=1_000_000_000_000).contains(&f.amount_cents) {
        errors.push(error(at("amount_cents"), ErrorCode::Range, "Must be between 0 and 1,000,000,000,000."));
    }
    let start = date(&at("period_start"), &f.period_start, errors);
    let end = date(&at("period_end"), &f.period_end, errors);
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            errors.push(error(at("period_end"), ErrorCode::DateOrder, "Must not be before period_start."));
        }
    }
    Some(NewFunding {
        id: Uuid::new_v4(),
        service_id,
        source: source?,
        amount_cents: f.amount_cents,
        period_start: start?,
        period_end: end?,
    })
}

/// Add a service, with its locations, service areas and funding, to the
/// directory. Nothing is written when any rule is broken.
#[utoipa::path(
    tag = "directory",
    request_body = ServiceInput,
    responses(
        (status = 201, body = ServiceView, headers(("ETag" = String, description = "The service's version"))),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/directory/services")]
pub async fn create_service(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let body = json_text(&req, payload).await?;
    let input: ServiceInput = beacon_core::read::read_json_objects(&body, &["", "/capacity", "/locations/*", "/funding/*"])
        .map_err(|e| rejected(vec![e]))?;
    let now = Utc::now();
    let id = Uuid::new_v4();
    let mut errors = Vec::new();
    let name = text("/name", &input.name, 200, &mut errors);
    let description = optional_text("/description", input.description.as_deref(), 4000, &mut errors).unwrap_or_default();
    let status = one_of("/status", input.status.as_deref().unwrap_or("active"), &STATUSES, &mut errors);
    let categories = categories("/categories", &input.categories, &mut errors);
    if input.categories.is_empty() {
        errors.push(error("/categories", ErrorCode::Required, "List at least one service code."));
    }
    let min_age = age("/min_age", input.min_age, &mut errors);
    let max_age = age("/max_age", input.max_age, &mut errors);
    if let (Some(lo), Some(hi)) = (min_age, max_age) {
        if lo > hi {
            errors.push(error("/max_age", ErrorCode::Range, "Must not be less than min_age."));
        }
    }
    let populations = codes("/populations", &input.populations, &POPULATIONS, &mut errors);
    let languages = languages("/languages", &input.languages, &mut errors);
    let (capacity_unit, capacity_available, capacity_total) = match &input.capacity {
        None => (None, None, None),
        Some(c) => {
            let unit = text("/capacity/unit", &c.unit, 50, &mut errors);
            let available = count("/capacity/available", Some(c.available), &mut errors);
            let total = count("/capacity/total", c.total, &mut errors);
            if let (Some(a), Some(t)) = (available, total) {
                if a > t {
                    errors.push(error("/capacity/available", ErrorCode::Range, "Must not exceed total."));
                }
            }
            (unit, available, total)
        }
    };
    let locations: Vec<NewLocation> = input
        .locations
        .iter()
        .enumerate()
        .filter_map(|(i, l)| location(i, l, input.organization_id, &mut errors))
        .collect();
    let mut areas: Vec<String> = Vec::new();
    for (i, t) in input.service_areas.iter().enumerate() {
        if let Some(t) = town(&format!("/service_areas/{i}"), t, &mut errors) {
            if areas.contains(&t) {
                errors.push(error(format!("/service_areas/{i}"), ErrorCode::Duplicate, "Is listed twice."));
            } else {
                areas.push(t);
            }
        }
    }
    let funding: Vec<NewFunding> = input
        .funding
        .iter()
        .enumerate()
        .filter_map(|(i, f)| funding(i, f, id, &mut errors))
        .collect();
    let (Some(name), Some(status), true) = (name, status, errors.is_empty()) else {
        return Err(ApiError::Invalid(errors));
    };
    let new = NewService {
        id,
        organization_id: input.organization_id,
        name,
        description,
        status,
        categories,
        min_age,
        max_age,
        populations,
        languages,
        capacity_updated_at: capacity_unit.as_ref().map(|_| now),
        capacity_unit,
        capacity_available,
        capacity_total,
    };
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    if !store::organization_exists(conn, new.organization_id).await? {
        return Err(ApiError::Invalid(vec![error(
            "/organization_id",
            ErrorCode::UnknownCode,
            "No directory organization has this id.",
        )]));
    }
    let row = conn
        .transaction(async |conn| {
            let row = store::insert_service(conn, &new, &locations, &areas, &funding).await?;
            let event = Event::success(&principal, "directory.service.create", "directory_service", row.id, &request_id);
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(&row)))
        .json(ServiceView::new(row, now)))
}
