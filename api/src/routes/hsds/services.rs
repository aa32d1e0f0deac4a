use super::{hsds_services, service_filter, ListParams, ServicePage};
use crate::db::directory as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use actix_web::{get, web, HttpResponse};
use diesel_async::AsyncPgConnection;

/// Services, a page at a time, filtered by `search`, `taxonomy_term_id`,
/// `organization_id` and `modified_after` (ANDed). Public: confidential
/// addresses are withheld.
#[utoipa::path(
    tag = "hsds",
    params(ListParams),
    responses(
        (status = 200, body = ServicePage),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/services")]
pub async fn list_services(params: crate::http::query::Query<ListParams>, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let (filter, paging) = service_filter(&params)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let total = store::count_services(conn, &filter).await?;
    let rows = store::page_services(conn, &filter, paging.offset(), paging.per_page).await?;
    let contents = hsds_services(conn, rows).await?;
    Ok(HttpResponse::Ok().json(ServicePage::new(total, &paging, contents)))
}
