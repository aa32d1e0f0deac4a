use super::view::DirectoryOrganization;
use crate::clock::Clock;
use crate::db::directory::{self as store, NewOrganization};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::body::{json_text, rejected};
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::{post, web, HttpRequest, HttpResponse};
use beacon_core::directory::organization::{self, OrganizationInput};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tracing_actix_web::RequestId;
use uuid::Uuid;

/// Add a provider organization to the directory.
#[utoipa::path(
    tag = "directory",
    request_body = OrganizationInput,
    responses(
        (status = 201, body = DirectoryOrganization),
        (status = 400, description = "Not valid JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every broken rule", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[post("/directory/organizations")]
pub async fn create_organization(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    payload: web::Payload,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let body = json_text(&req, payload).await?;
    let input: OrganizationInput = beacon_core::contract::read::read_json_objects(&body, &[""]).map_err(|e| rejected(vec![e]))?;
    let checked = organization::check(&input).map_err(ApiError::Invalid)?;
    let new = NewOrganization::new(Uuid::new_v4(), &checked, clock.now());
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = conn
        .transaction(async |conn| {
            let row = store::insert_organization(conn, &new).await?;
            let event = Event::by(&principal, &request_id, "directory.organization.create", "directory_organization", row.id);
            audit::append(conn, event).await?;
            Ok::<_, diesel::result::Error>(row)
        })
        .await?;
    Ok(HttpResponse::Created().json(DirectoryOrganization::from(row)))
}
