use super::{organization, HsdsOrganization};
use crate::db::directory as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use actix_web::{get, web, HttpResponse};
use diesel_async::AsyncPgConnection;

/// One provider organization.
#[utoipa::path(
    tag = "hsds",
    operation_id = "hsds_get_organization",
    params(("id" = Uuid, Path, description = "Organization id")),
    responses(
        (status = 200, body = HsdsOrganization),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organizations/{id}")]
pub async fn get_organization(crate::http::path::PathId(id): crate::http::path::PathId, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = store::get_organization(conn, id).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(organization(&row)))
}
