use crate::db::training as store;
use crate::routes::training::view::{views, CourseView};
use crate::db::DbPool;
use crate::error::ApiError;
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};

/// The curriculum: every course, by code.
#[utoipa::path(
    tag = "training",
    responses(
        (status = 200, body = Vec<CourseView>),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/training/courses")]
pub async fn list_courses(_principal: Principal, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut conn = pool.get().await?;
    Ok(HttpResponse::Ok().json(views::<_, CourseView>(store::list_courses(&mut conn).await?)))
}
