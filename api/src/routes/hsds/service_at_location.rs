use super::{at_locations, HsdsServiceAtLocation};
use crate::db::directory as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use actix_web::{get, web, HttpResponse};
use diesel_async::AsyncPgConnection;

/// One service-at-location with its location. Public: a confidential
/// location's address is withheld.
#[utoipa::path(
    tag = "hsds",
    params(("id" = Uuid, Path, description = "Service-at-location id")),
    responses(
        (status = 200, body = HsdsServiceAtLocation),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/service_at_locations/{id}")]
pub async fn get_service_at_location(crate::http::path::PathId(id): crate::http::path::PathId, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = store::get_at_location(conn, id).await?.ok_or(ApiError::NotFound)?;
    let found = at_locations(conn, &[row]).await?.pop().ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(found))
}
