use super::view::{ActivityView, RegisterParams, DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::db::reports as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::query::{Page, Paging, Query};
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
    let mut errors = Vec::new();
    let paging = Paging::parse(params.page, params.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut conn = pool.get().await?;
    let (rows, total) = store::list_activities(&mut conn, params.year, paging.per_page, paging.offset()).await?;
    Ok(HttpResponse::Ok().json(Page::new(paging, total, rows.into_iter().map(ActivityView::from).collect())))
}
