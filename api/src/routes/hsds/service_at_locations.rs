use super::{at_locations, service_filter, ListParams, ServiceAtLocationPage};
use crate::db::directory as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use actix_web::{get, web, HttpResponse};
use diesel_async::AsyncPgConnection;

/// Where services are delivered, a page at a time; the filters apply to the
/// service (ANDed). Public: confidential addresses are withheld.
#[utoipa::path(
    tag = "hsds",
    params(ListParams),
    responses(
        (status = 200, body = ServiceAtLocationPage),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/service_at_locations")]
pub async fn list_service_at_locations(params: crate::http::query::Query<ListParams>, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let (filter, paging) = service_filter(&params)?;
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let ids = store::service_ids(conn, &filter).await?;
    let (total, rows) = store::page_at_locations(conn, &ids, paging.offset(), paging.per_page).await?;
    let contents = at_locations(conn, &rows).await?;
    Ok(HttpResponse::Ok().json(ServiceAtLocationPage::new(total, &paging, contents)))
}
