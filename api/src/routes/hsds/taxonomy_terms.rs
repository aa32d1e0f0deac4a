use super::{term, Paging, TaxonomyTermPage};
use actix_web::{get, HttpResponse};
use beacon_core::reference::codes::{CodeList, Service};

/// Every term of the `beacon-services` taxonomy: the Foundation service codes.
/// Filter services by one with `taxonomy_term_id`.
#[utoipa::path(tag = "hsds", responses((status = 200, body = TaxonomyTermPage)))]
#[get("/taxonomy_terms")]
pub async fn list_taxonomy_terms() -> HttpResponse {
    let terms: Vec<_> = Service::ALL.iter().map(|s| term(*s)).collect();
    let n = i64::try_from(terms.len()).unwrap_or(i64::MAX);
    HttpResponse::Ok().json(TaxonomyTermPage::new(n, &Paging { page: 1, per_page: n.max(1) }, terms))
}
