use super::view::SubmissionView;
use crate::db::intake::Filter;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::{ErrorCode, ValidationError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;


#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IntakeParams {
    /// `new`, `triaged`, `converted` or `closed`.
    pub status: Option<String>,
    /// The partner account's id.
    pub partner: Option<String>,
    /// `true` or `false`: involving someone under 18.
    pub minor: Option<String>,
    /// `true`: the Sec. 10 queue — minors whose DCF notification is not yet recorded.
    pub awaiting_dcf: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IntakePage {
    pub items: Vec<SubmissionView>,
    pub page: i64,
    pub per_page: i64,
    pub total_items: i64,
    pub total_pages: i64,
}

fn bad(name: &str, code: ErrorCode, message: &str) -> ValidationError {
    ValidationError::new(format!("/{name}"), code, message)
}

fn flag(name: &str, value: &Option<String>, errors: &mut Vec<ValidationError>) -> Option<bool> {
    match value.as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            errors.push(bad(name, ErrorCode::Format, "Must be true or false."));
            None
        }
    }
}

fn number(name: &str, value: &Option<String>, default: i64, max: i64, errors: &mut Vec<ValidationError>) -> i64 {
    match value.as_deref().map(str::parse::<i64>) {
        None => default,
        Some(Ok(n)) if (1..=max).contains(&n) => n,
        Some(_) => {
            errors.push(bad(name, ErrorCode::Range, &format!("Must be a whole number from 1 to {max}.")));
            default
        }
    }
}

/// Intake submissions, newest first, de-identified (contact details and notes stay sealed).
#[utoipa::path(
    tag = "intake",
    params(IntakeParams),
    responses(
        (status = 200, body = IntakePage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/intake")]
pub async fn list_intake(
    _principal: Principal,
    params: crate::http::query::Query<IntakeParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let status = params.status.clone();
    if status.as_deref().is_some_and(|s| s.parse::<beacon_core::intake::status::IntakeStatus>().is_err()) {
        errors.push(bad("status", ErrorCode::UnknownCode, "Must be new, triaged, converted or closed."));
    }
    let partner = params.partner.as_deref().and_then(|p| match Uuid::parse_str(p) {
        Ok(id) => Some(id),
        Err(_) => {
            errors.push(bad("partner", ErrorCode::Format, "Must be an account id (UUID)."));
            None
        }
    });
    let minor = flag("minor", &params.minor, &mut errors);
    let awaiting_dcf = flag("awaiting_dcf", &params.awaiting_dcf, &mut errors).unwrap_or(false);
    let page = number("page", &params.page, 1, i64::from(i32::MAX), &mut errors);
    let per_page = number("per_page", &params.per_page, 20, 100, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let filter = Filter { status, partner, minor, awaiting_dcf };
    let mut conn = pool.get().await?;
    let (items, total_items) = db::intake::list(&mut conn, &filter, per_page, (page - 1) * per_page).await?;
    Ok(HttpResponse::Ok().json(IntakePage {
        items: items.into_iter().map(SubmissionView::from).collect(),
        page,
        per_page,
        total_items,
        total_pages: (total_items + per_page - 1) / per_page,
    }))
}
