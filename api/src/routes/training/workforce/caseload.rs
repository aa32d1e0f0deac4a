use super::get::visible_person;
use crate::clock::Clock;
use crate::db::training as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::facts::{person_facts, records};
use beacon_core::training::counting;
use crate::http::query::date_param;
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use beacon_core::training::{caseload_eligibility, CaseloadEligibility};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseloadParams {
    /// `YYYY-MM-DD`: the day of the assignment; default today (America/New_York).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub on: Option<String>,
}

/// Whether the person may be assigned a caseload on a date (Sec. 3(7)): a
/// `social_worker_trainee` (by `role`) needs qualifying training on or before
/// the date from 2027-01-01; anyone else is eligible.
#[utoipa::path(
    tag = "workforce",
    params(("id" = uuid::Uuid, Path, description = "Person id"), CaseloadParams),
    responses(
        (status = 200, body = CaseloadEligibility),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/workforce/{id}/caseload-eligibility")]
pub async fn caseload(
    principal: Principal,
    crate::http::path::PathId(id): crate::http::path::PathId,
    params: crate::http::query::Query<CaseloadParams>,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let on = date_param("on", params.on.as_deref(), clock.today(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut conn = pool.get().await?;
    let person = visible_person(&mut conn, &principal, id).await?;
    let completions = counting(&records(&store::completions_of(&mut conn, person.id).await?));
    let contract_start = store::contract_start_of(&mut conn, &person).await?;
    Ok(HttpResponse::Ok().json(caseload_eligibility(&person_facts(&person, contract_start)?, &completions, on)))
}
