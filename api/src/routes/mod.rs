//! HTTP routes. One handler per file, each documented with `#[utoipa::path]`
//! and registered through utoipa-actix-web, so the registered routes are the spec.

pub mod body;
pub mod codes;
pub mod health;
pub mod incidents;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::live)
        .service(health::ready)
        .service(
            utoipa_actix_web::scope("/v1")
                .service(codes::list_codes)
                .service(incidents::create::create_incident)
                .service(incidents::list::list_incidents)
                .service(incidents::get::get_incident),
        );
}
