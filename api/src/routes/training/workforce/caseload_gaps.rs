use crate::clock::Clock;
use crate::db::training as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::facts::workforce_facts;
use crate::http::query::date_param;
use crate::security::scope::scope_of;
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::training::caseload_eligibility;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GapParams {
    /// `YYYY-MM-DD`: assignments made on or before it are judged; default
    /// today (America/New_York).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub as_of: Option<String>,
}

/// A caseload held without the training Sec. 3(7) requires before it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseloadGap {
    pub person_id: Uuid,
    pub agency: String,
    pub employee_ref: String,
    pub assigned_on: NaiveDate,
    /// What was missing on `assigned_on`.
    pub reason: String,
}

/// Social worker trainees assigned a caseload without the training required
/// on that day (Sec. 3(7): family violence at every date, and human
/// trafficking from 2027-01-01), judged on the completions dated on or
/// before the assignment. One line per such assignment, by agency,
/// `employee_ref` and date. A reporter sees its own agency.
#[utoipa::path(
    tag = "workforce",
    params(GapParams),
    responses(
        (status = 200, body = Vec<CaseloadGap>),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/workforce/caseload-gaps")]
pub async fn caseload_gaps(
    principal: Principal,
    params: crate::http::query::Query<GapParams>,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let as_of = date_param("as_of", params.as_of.as_deref(), clock.today(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut conn = pool.get().await?;
    let scope = scope_of(&mut conn, &principal).await?;
    let assignments = store::assignments_until(&mut conn, &scope, as_of).await?;
    let mut people: Vec<store::PersonRow> = assignments.iter().map(|(_, p)| p.clone()).collect();
    people.dedup_by_key(|p| p.id);
    let facts = workforce_facts(&mut conn, &people).await?;
    let gaps: Vec<CaseloadGap> = assignments
        .into_iter()
        .filter_map(|(a, p)| {
            let (person, completions) = facts.get(&p.id)?;
            let e = caseload_eligibility(person, completions, a.assigned_on);
            (!e.eligible).then_some(CaseloadGap {
                person_id: p.id,
                agency: p.agency,
                employee_ref: p.employee_ref,
                assigned_on: a.assigned_on,
                reason: e.reason,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(gaps))
}
