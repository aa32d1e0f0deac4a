use super::register::{self, Activities};
use super::view::{ActivityView, RegisterParams};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::query::{Page, Query};
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};

/// The activity register, by date, with a pagination envelope; `year` keeps one year's.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_report_activities",
    params(RegisterParams),
    responses(
        (status = 200, body = Page<ActivityView>),
        (status = 400, description = "A bad query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/reports/activities")]
pub async fn list_activities(
    _principal: Principal,
    params: Query<RegisterParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    register::list::<Activities>(&params, &pool).await
}
