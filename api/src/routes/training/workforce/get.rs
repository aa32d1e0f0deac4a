use crate::db::training::{self as store, PersonRow};
use crate::db::DbPool;
use crate::routes::training::view::PersonView;
use crate::error::{ApiError, Problem};
use crate::security::scope::scope_of;
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};
use uuid::Uuid;

/// One workforce member. Another agency's person is a 404 for a reporter.
#[utoipa::path(
    tag = "workforce",
    params(("id" = Uuid, Path, description = "Person id")),
    responses(
        (status = 200, body = PersonView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/workforce/{id}")]
pub async fn get_person(principal: Principal, crate::http::path::PathId(id): crate::http::path::PathId, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    Ok(HttpResponse::Ok().json(PersonView::from(visible_person(&mut conn, &principal, id).await?)))
}

/// The person `id` names, when the caller may see it (404 otherwise).
pub async fn visible_person(
    conn: &mut diesel_async::AsyncPgConnection,
    principal: &Principal,
    id: Uuid,
) -> Result<PersonRow, ApiError> {
    let scope = scope_of(conn, principal).await?;
    store::get_person(conn, id, &scope).await?.ok_or(ApiError::NotFound)
}
