use super::register::{self, Recommendations};
use super::view::{RecommendationView, RegisterParams};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::query::{Page, Query};
use crate::security::Principal;
use actix_web::{get, web, HttpResponse};

/// The recommendation register, by report year then as entered, with a pagination envelope; `year` keeps one year's.
#[utoipa::path(
    tag = "reports",
    operation_id = "list_report_recommendations",
    params(RegisterParams),
    responses(
        (status = 200, body = Page<RecommendationView>),
        (status = 400, description = "A bad query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/reports/recommendations")]
pub async fn list_recommendations(
    _principal: Principal,
    params: Query<RegisterParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    register::list::<Recommendations>(&params, &pool).await
}
