use super::view::{IncidentPage, IncidentView};
use crate::db::incidents::ListFilter;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::security::{Principal, Role};
use actix_web::{get, web, HttpResponse};
use beacon_core::reference::dates::parse_iso_date;
use beacon_core::reference::geo;
use beacon_core::{ErrorCode, ValidationError};
use serde::Deserialize;
use utoipa::IntoParams;

const DEFAULT_PER_PAGE: i64 = 20;
const MAX_PER_PAGE: i64 = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page number, from 1 (default 1).
    pub page: Option<String>,
    /// Items per page, 1–100 (default 20).
    pub per_page: Option<String>,
    /// Only incidents in this town (case-insensitive).
    pub town: Option<String>,
    /// Only incidents on or after this date (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Only incidents on or before this date (`YYYY-MM-DD`).
    pub to: Option<String>,
}

fn query_error(name: &str, code: ErrorCode, message: &str) -> ValidationError {
    ValidationError::new(format!("/{name}"), code, message)
}

fn number(name: &str, value: &Option<String>, default: i64, max: i64, errors: &mut Vec<ValidationError>) -> i64 {
    match value.as_deref().map(str::parse::<i64>) {
        None => default,
        Some(Ok(n)) if (1..=max).contains(&n) => n,
        Some(_) => {
            errors.push(query_error(name, ErrorCode::Range, &format!("Must be a whole number from 1 to {max}.")));
            default
        }
    }
}

fn date(name: &str, value: &Option<String>, errors: &mut Vec<ValidationError>) -> Option<chrono::NaiveDate> {
    let text = value.as_deref()?;
    let parsed = parse_iso_date(text);
    if parsed.is_none() {
        errors.push(query_error(name, ErrorCode::Format, "Must be a real date written YYYY-MM-DD."));
    }
    parsed
}

/// Incidents, newest first, de-identified, with a pagination envelope.
#[utoipa::path(
    tag = "incidents",
    params(ListParams),
    responses(
        (status = 200, body = IncidentPage),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["reporter", "coordinator"]))
)]
#[get("/incidents")]
pub async fn list_incidents(
    principal: Principal,
    params: web::Query<ListParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let page = number("page", &params.page, 1, i64::from(i32::MAX), &mut errors);
    let per_page = number("per_page", &params.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, &mut errors);
    let town = params.town.as_deref().map(|t| match geo::find_town(t) {
        Some(found) => found.town.to_string(),
        None => {
            errors.push(query_error("town", ErrorCode::UnknownCode, "Must be one of Connecticut's 169 towns (see GET /v1/codes)."));
            String::new()
        }
    });
    let from = date("from", &params.from, &mut errors);
    let to = date("to", &params.to, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let filter = ListFilter {
        account: (principal.role == Role::Reporter).then_some(principal.account_id),
        town,
        from,
        to,
    };
    let mut conn = pool.get().await?;
    let (rows, total_items) = db::incidents::list(&mut conn, &filter, per_page, (page - 1) * per_page).await?;
    let body = IncidentPage {
        items: rows.into_iter().map(|r| IncidentView::from_rows(r, None)).collect(),
        page,
        per_page,
        total_items,
        total_pages: (total_items + per_page - 1) / per_page,
    };
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(body))
}
