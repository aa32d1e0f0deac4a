use super::AuditEntry;
use crate::http::query::{Page, Paging, Query};
use crate::db::audit::ListFilter;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::reference::dates::{parse_iso_date, start_of_day};
use beacon_core::{ErrorCode, ValidationError};
use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

const DEFAULT_PER_PAGE: i64 = 50;
const MAX_PER_PAGE: i64 = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditListParams {
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// Only entries by this key (its id, a UUID).
    #[param(value_type = Option<uuid::Uuid>)]
    pub actor: Option<String>,
    /// Only entries with this action.
    #[param(max_length = 500)]
    pub action: Option<String>,
    /// Only entries about this resource id.
    #[param(max_length = 500)]
    pub resource_id: Option<String>,
    /// Only entries at or after this instant: RFC 3339, or `YYYY-MM-DD` for the
    /// start of that day in America/New_York.
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$", max_length = 500)]
    pub from: Option<String>,
    /// Only entries at or before this instant: RFC 3339, or `YYYY-MM-DD` for the
    /// whole of that day in America/New_York.
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$", max_length = 500)]
    pub to: Option<String>,
}

fn query_error(name: &str, code: ErrorCode, message: &str) -> ValidationError {
    ValidationError::new(format!("/{name}"), code, message)
}

fn actor(value: &Option<String>, errors: &mut Vec<ValidationError>) -> Option<Uuid> {
    let text = value.as_deref()?;
    let parsed = Uuid::try_parse(text).ok();
    if parsed.is_none() {
        errors.push(query_error("actor", ErrorCode::Format, "Must be a key id (a UUID)."));
    }
    parsed
}

/// An RFC 3339 instant, or a date's day in America/New_York. `end`: the bound
/// is the exclusive end of the given instant or day, else its inclusive start.
fn instant(name: &str, value: &Option<String>, end: bool, errors: &mut Vec<ValidationError>) -> Option<DateTime<Utc>> {
    let text = value.as_deref()?;
    let parsed = match DateTime::parse_from_rfc3339(text) {
        // Entries are stored to the microsecond.
        Ok(t) if end => Some(t.to_utc().trunc_subsecs(6) + TimeDelta::microseconds(1)),
        Ok(t) => Some(t.to_utc()),
        Err(_) => parse_iso_date(text)
            .and_then(|day| if end { day.succ_opt() } else { Some(day) })
            .and_then(start_of_day),
    };
    if parsed.is_none() {
        errors.push(query_error(name, ErrorCode::Format, "Must be an RFC 3339 timestamp or a real date written YYYY-MM-DD."));
    }
    parsed
}

fn text(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::to_string)
}

/// Audit entries, newest first, with a pagination envelope.
#[utoipa::path(
    tag = "audit",
    params(AuditListParams),
    responses(
        (status = 200, body = Page<AuditEntry>),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["auditor"]))
)]
#[get("/audit")]
pub async fn list_audit(
    principal: Principal,
    params: Query<AuditListParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    tracing::debug!(key_id = %principal.key_id, "listing the audit trail");
    let mut errors = Vec::new();
    let paging = Paging::parse(params.page, params.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, &mut errors);
    let filter = ListFilter {
        actor: actor(&params.actor, &mut errors),
        action: text(&params.action),
        resource_id: text(&params.resource_id),
        from: instant("from", &params.from, false, &mut errors),
        before: instant("to", &params.to, true, &mut errors),
    };
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut conn = pool.get().await?;
    let (rows, total_items) = db::audit::list(&mut conn, &filter, paging.per_page, paging.offset()).await?;
    let body = Page::new(paging, total_items, rows.into_iter().map(AuditEntry::from).collect());
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(body))
}
