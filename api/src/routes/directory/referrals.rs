//! Referrals: a person sent to a directory service, and what came of it.
//! They carry no personal information — the town the person is in, the
//! service category and the outcome — and feed the gap analysis: every
//! referral is demand, and one declined for capacity is unmet demand.

use super::view::Referral;
use crate::clock::Clock;
use crate::db::directory::{self as store, NewReferral, ReferralFilter};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::http::query::{flag, uuid_param, Page, Paging};
use crate::security::audit::{self, Event};
use crate::security::{Principal, Role};
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use beacon_core::directory::referral::{self, OutcomeUpdate, ReferralInput};
use beacon_core::fields::date;
use beacon_core::reference::codes::{CodeList, Service};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use std::str::FromStr;
use tracing_actix_web::RequestId;
use utoipa::IntoParams;
use uuid::Uuid;

/// Record a referral. A reporter's referrals are its account's; the
/// service must offer the category.
#[utoipa::path(
    tag = "directory",
    request_body = ReferralInput,
    responses(
        (status = 201, body = Referral),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[post("/directory/referrals")]
pub async fn create_referral(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let body = json_text(&req, payload).await?;
    let input: ReferralInput = beacon_core::contract::read::read_json_objects(&body, &[""]).map_err(|e| rejected(vec![e]))?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let offered: Option<Vec<Service>> = store::get_service(conn, input.service_id)
        .await?
        .map(|s| s.categories.iter().filter_map(|c| Service::from_str(c).ok()).collect());
    let checked = referral::check(&input, clock.today(), offered.as_deref()).map_err(ApiError::Invalid)?;
    let new = NewReferral {
        id: Uuid::new_v4(),
        service_id: checked.service_id,
        category: checked.category.code().to_string(),
        town: checked.town,
        referred_on: checked.referred_on,
        outcome: checked.outcome.code().to_string(),
        account_id: principal.account_id,
        created_at: clock.now(),
        updated_at: clock.now(),
    };
    let row = conn
        .transaction(async |conn| {
            let row = store::insert_referral(conn, &new).await?;
            audit::append(conn, Event::by(&principal, &request_id, "directory.referral.create", "directory_referral", row.id)).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(Referral::from(row)))
}

/// Record what came of a referral. A reporter updates only its own
/// account's referrals (another's is a 404).
#[utoipa::path(
    tag = "directory",
    params(("id" = Uuid, Path, description = "Referral id")),
    request_body = OutcomeUpdate,
    responses(
        (status = 200, body = Referral),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[patch("/directory/referrals/{id}")]
pub async fn update_referral(
    principal: Principal,
    request_id: RequestId,
    crate::http::path::PathId(id): crate::http::path::PathId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let body = json_text(&req, payload).await?;
    let input: OutcomeUpdate = beacon_core::contract::read::read_json_objects(&body, &[""]).map_err(|e| rejected(vec![e]))?;
    let mut errors = Vec::new();
    let Some(outcome) = referral::outcome("/outcome", &input.outcome, &mut errors) else {
        return Err(ApiError::Invalid(errors));
    };
    let owner = (principal.role != Role::Coordinator).then_some(principal.account_id);
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let Some(row) = store::set_referral_outcome(conn, id, owner, outcome.code(), clock.now()).await? else {
                return Ok(None);
            };
            audit::append(conn, Event::by(&principal, &request_id, "directory.referral.update", "directory_referral", row.id)).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?;
    row.map(|r| HttpResponse::Ok().json(Referral::from(r))).ok_or(ApiError::NotFound)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralParams {
    #[param(value_type = Option<uuid::Uuid>)]
    pub service_id: Option<String>,
    /// One outcome code.
    #[param(value_type = Option<beacon_core::directory::ReferralOutcome>, inline)]
    pub outcome: Option<String>,
    /// Referred on or after, `YYYY-MM-DD`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<String>,
    /// Referred on or before, `YYYY-MM-DD`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<String>,
    /// `true`: only the caller account's referrals (a reporter always sees only its own).
    #[param(value_type = Option<bool>)]
    pub mine: Option<String>,
    /// From 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

/// Referrals, newest first. A reporter sees its own account's only.
#[utoipa::path(
    tag = "directory",
    params(ReferralParams),
    responses(
        (status = 200, description = "A page of referrals, newest first", body = Page<Referral>),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/directory/referrals")]
pub async fn list_referrals(
    principal: Principal,
    params: crate::http::query::Query<ReferralParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let service_id = uuid_param("service_id", params.service_id.as_deref(), &mut errors);
    let outcome = params.outcome.as_deref().and_then(|v| referral::outcome("/outcome", v, &mut errors)).map(|o| o.code().to_string());
    let from = params.from.as_deref().and_then(|v| date("/from", v, &mut errors));
    let to = params.to.as_deref().and_then(|v| date("/to", v, &mut errors));
    let mine = flag("mine", params.mine.as_deref(), &mut errors).unwrap_or(false);
    let paging = Paging::parse(params.page, params.per_page, 50, 500, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let filter = ReferralFilter {
        service_id,
        outcome,
        from,
        to,
        account_id: (mine || principal.role != Role::Coordinator).then_some(principal.account_id),
    };
    let mut pooled = pool.get().await?;
    let (total_items, items) = store::page_referrals(&mut pooled, &filter, paging.offset(), paging.per_page).await?;
    let items = items.into_iter().map(Referral::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(paging, total_items, items)))
}
