use crate::db::training as store;
use crate::routes::training::view::{views, CompletionView};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::routes::training::workforce::get::visible_person;
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};

/// A person's completions, oldest first, voided ones included (flagged).
#[utoipa::path(
    tag = "training",
    params(("id" = uuid::Uuid, Path, description = "Person id")),
    responses(
        (status = 200, body = Vec<CompletionView>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/workforce/{id}/completions")]
pub async fn list_completions(principal: Principal, crate::http::path::PathId(id): crate::http::path::PathId, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    let person = visible_person(&mut conn, &principal, id).await?;
    Ok(HttpResponse::Ok().json(views::<_, CompletionView>(store::completions_of(&mut conn, person.id).await?)))
}
