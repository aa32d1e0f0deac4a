use crate::db::training::{self as store, PeopleFilter};
use crate::routes::training::view::{views, PersonView};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use beacon_core::fields::{agency_code, population_code};
use crate::security::scope::scope_of;
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::{ErrorCode, ValidationError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const DEFAULT_PER_PAGE: i64 = 20;
const MAX_PER_PAGE: i64 = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkforceParams {
    /// Only this agency (agency code).
    pub agency: Option<String>,
    /// Only this population (population code).
    pub population: Option<String>,
    /// `true` or `false`: only active / inactive people.
    pub active: Option<String>,
    /// Page number, from 1 (default 1).
    pub page: Option<String>,
    /// Items per page, 1–100 (default 20).
    pub per_page: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkforcePage {
    pub items: Vec<PersonView>,
    pub page: i64,
    pub per_page: i64,
    pub total_items: i64,
    pub total_pages: i64,
}

/// A whole-number query parameter from 1 to `max` (paging), `default` when absent.
pub fn number(name: &str, value: Option<&str>, default: i64, max: i64, errors: &mut Vec<ValidationError>) -> i64 {
    match value.map(|v| v.trim().parse::<i64>()) {
        None => default,
        Some(Ok(n)) if (1..=max).contains(&n) => n,
        Some(_) => {
            errors.push(ValidationError::new(format!("/{name}"), ErrorCode::Range, format!("Must be a whole number from 1 to {max}.")));
            default
        }
    }
}

/// `true` / `false` query flag.
pub fn flag(name: &str, value: Option<&str>, errors: &mut Vec<ValidationError>) -> Option<bool> {
    match value? {
        "true" => Some(true),
        "false" => Some(false),
        _ => {
            errors.push(ValidationError::new(format!("/{name}"), ErrorCode::InvalidType, "Must be `true` or `false`."));
            None
        }
    }
}

/// The workforce, by agency then `employee_ref`, with a pagination envelope.
/// A reporter sees only its own agency's (nothing while its account has no agency).
#[utoipa::path(
    tag = "workforce",
    params(WorkforceParams),
    responses(
        (status = 200, body = WorkforcePage),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/workforce")]
pub async fn list_people(
    principal: Principal,
    params: crate::http::query::Query<WorkforceParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let filter = PeopleFilter {
        agency: params.agency.as_deref().and_then(|a| agency_code("/agency", a, &mut errors)),
        population: params
            .population
            .as_deref()
            .and_then(|p| population_code("/population", p, &mut errors))
            .map(|p| p.to_string()),
        active: flag("active", params.active.as_deref(), &mut errors),
        towns: None,
    };
    let page = number("page", params.page.as_deref(), 1, i64::from(i32::MAX), &mut errors);
    let per_page = number("per_page", params.per_page.as_deref(), DEFAULT_PER_PAGE, MAX_PER_PAGE, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut conn = pool.get().await?;
    let scope = scope_of(&mut conn, &principal).await?;
    let (items, total_items) = store::list_people(&mut conn, &scope, &filter, per_page, (page - 1) * per_page).await?;
    Ok(HttpResponse::Ok().json(WorkforcePage {
        items: views(items),
        page,
        per_page,
        total_items,
        total_pages: (total_items + per_page - 1) / per_page,
    }))
}
