//! DCF-contracted providers (Sec. 4(a), (b)): their staff's six months run
//! from the provider's contract with the department.

use crate::db::training::{self as store, NewProvider, ProviderRow};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit;
use crate::security::audit::Event;
use crate::security::Principal;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use beacon_core::training::provider::{check_provider, NewProviderRequest};
use chrono::{DateTime, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Serialize;
use tracing_actix_web::RequestId;
use utoipa::ToSchema;
use uuid::Uuid;

/// A DCF-contracted provider.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProviderView {
    pub id: Uuid,
    pub name: String,
    /// The day it entered into its contract with the department.
    pub contract_start: NaiveDate,
    /// Its staff's initial due date: the later of 2027-07-01 and
    /// `contract_start` + 6 months (Sec. 4(b)).
    pub initial_due: NaiveDate,
    pub created_at: DateTime<Utc>,
}

impl From<ProviderRow> for ProviderView {
    fn from(r: ProviderRow) -> Self {
        Self {
            id: r.id,
            initial_due: beacon_core::training::initial_due(r.contract_start),
            name: r.name,
            contract_start: r.contract_start,
            created_at: r.created_at,
        }
    }
}

/// Record a DCF-contracted provider and its contract start. Link its staff
/// with `provider_id` on the person (`dcf_contracted_provider` only).
#[utoipa::path(
    tag = "training",
    request_body = NewProviderRequest,
    responses(
        (status = 201, body = ProviderView),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken (`duplicate_provider_name`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/training/providers")]
pub async fn create_provider(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let text = json_text(&req, payload).await?;
    let body: NewProviderRequest = beacon_core::contract::read::read_json_objects(&text, &[""]).map_err(|e| rejected(vec![e]))?;
    let checked = check_provider(&body).map_err(ApiError::Invalid)?;
    let new = NewProvider { id: Uuid::new_v4(), name: checked.name, contract_start: checked.contract_start };
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let Some(row) = store::insert_provider(conn, &new).await? else {
                return Ok(None);
            };
            audit::append(conn, Event::by(&principal, &request_id, "provider.create", "contracted_provider", row.id.to_string())).await?;
            Ok::<_, diesel::result::Error>(Some(row))
        })
        .await?
        .ok_or(ApiError::Conflict(crate::error::Conflict::DuplicateProviderName))?;
    Ok(HttpResponse::Created().json(ProviderView::from(row)))
}

/// The DCF-contracted providers on file, by name.
#[utoipa::path(
    tag = "training",
    responses((status = 200, body = Vec<ProviderView>)),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/training/providers")]
pub async fn list_providers(_principal: Principal, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    let rows = store::list_providers(&mut conn).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(ProviderView::from).collect::<Vec<_>>()))
}
