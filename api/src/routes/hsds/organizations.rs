use super::{modified_after, organization, search, OrganizationListParams, OrganizationPage, DEFAULT_PER_PAGE, MAX_PER_PAGE};
use crate::http::query::Paging;
use crate::db::directory as store;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use actix_web::{get, web, HttpResponse};
use diesel_async::AsyncPgConnection;

/// Provider organizations, a page at a time, filtered by `search` and
/// `modified_after` (ANDed; the service filters do not apply).
#[utoipa::path(
    tag = "hsds",
    params(OrganizationListParams),
    responses(
        (status = 200, body = OrganizationPage),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organizations")]
pub async fn list_organizations(params: crate::http::query::Query<OrganizationListParams>, pool: web::Data<DbPool>) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let paging = Paging::parse(params.page, params.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, &mut errors);
    let after = modified_after(params.modified_after.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let search = search(params.search.as_deref());
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let (total, rows) = store::page_organizations(conn, search.as_deref(), after, paging.offset(), paging.per_page).await?;
    let contents = rows.iter().map(organization).collect();
    Ok(HttpResponse::Ok().json(OrganizationPage::new(total, &paging, contents)))
}
