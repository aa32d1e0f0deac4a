use super::{taxonomy_id, HsdsTaxonomy, Paging, TaxonomyPage, TAXONOMY_NAME};
use actix_web::{get, HttpResponse};

/// The taxonomies in use: one, `beacon-services`, the Foundation service codes.
#[utoipa::path(tag = "hsds", responses((status = 200, body = TaxonomyPage)))]
#[get("/taxonomies")]
pub async fn list_taxonomies() -> HttpResponse {
    let taxonomy = HsdsTaxonomy {
        id: taxonomy_id(),
        name: TAXONOMY_NAME.to_string(),
        description: "Beacon's service categories (the Foundation `service` code list, GET /v1/codes).".to_string(),
        version: "1".to_string(),
    };
    HttpResponse::Ok().json(TaxonomyPage::new(1, &Paging { page: 1, per_page: 1 }, vec![taxonomy]))
}
