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
use beacon_core::training::{compliance, Compliance};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplianceParams {
    /// `YYYY-MM-DD`; default today (America/New_York). Only completions dated on or before it count.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub as_of: Option<String>,
}

/// A person's training compliance as of a date: status, the due date, the
/// initial due date, the next (refresher) due date and the last qualifying
/// completion. Voided completions do not count. See the README for the rules.
#[utoipa::path(
    tag = "workforce",
    params(("id" = uuid::Uuid, Path, description = "Person id"), ComplianceParams),
    responses(
        (status = 200, body = Compliance),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/workforce/{id}/compliance")]
pub async fn person_compliance(
    principal: Principal,
    crate::http::path::PathId(id): crate::http::path::PathId,
    params: crate::http::query::Query<ComplianceParams>,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let as_of = date_param("as_of", params.as_of.as_deref(), clock.today(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut conn = pool.get().await?;
    let person = visible_person(&mut conn, &principal, id).await?;
    let completions = counting(&records(&store::completions_of(&mut conn, person.id).await?));
    let contract_start = store::contract_start_of(&mut conn, &person).await?;
    Ok(HttpResponse::Ok().json(compliance(&person_facts(&person, contract_start)?, &completions, as_of)))
}
