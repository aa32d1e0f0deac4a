use super::{hsds_services, HsdsService};
use crate::db::directory as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use actix_web::{get, web, HttpResponse};
use diesel_async::AsyncPgConnection;

/// One service with its organization, locations, areas, languages, funding
/// and categories. Public: confidential addresses are withheld.
#[utoipa::path(
    tag = "hsds",
    operation_id = "hsds_get_service",
    params(("id" = Uuid, Path, description = "Service id")),
    responses(
        (status = 200, body = HsdsService),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/services/{id}")]
pub async fn get_service(crate::http::path::PathId(id): crate::http::path::PathId, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = store::get_service(conn, id).await?.ok_or(ApiError::NotFound)?;
    let service = hsds_services(conn, vec![row]).await?.pop().ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(service))
}
