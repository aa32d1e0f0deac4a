use crate::clock::Clock;
use super::view::DirectoryService;
use crate::db::directory as store;
use crate::http::precondition::etag;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use diesel_async::AsyncPgConnection;

/// A service as the coordinator manages it, with its `ETag` for `If-Match`.
#[utoipa::path(
    tag = "directory",
    params(("id" = Uuid, Path, description = "Service id")),
    responses(
        (status = 200, body = DirectoryService, headers(("ETag" = String, description = "The service's version"))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/directory/services/{id}")]
pub async fn get_service(_principal: Principal, crate::http::path::PathId(id): crate::http::path::PathId, clock: web::Data<Clock>, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let row = store::get_service(conn, id).await?.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(row.version)))
        .json(DirectoryService::new(row, clock.now())))
}
