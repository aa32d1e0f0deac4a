//! HTTP routes. One handler per file, each documented with `#[utoipa::path]`
//! and registered through utoipa-actix-web, so the registered routes are the spec.

pub mod admin;
pub mod audit;
pub mod body;
pub mod codes;
pub mod health;
pub mod incidents;
pub mod victims;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::live)
        .service(health::ready)
        .service(
            utoipa_actix_web::scope("/v1")
                .service(codes::list_codes)
                .service(incidents::create::create_incident)
                .service(incidents::list::list_incidents)
                .service(incidents::get::get_incident)
                .service(incidents::close::close_incident)
                .service(audit::list::list_audit)
                .service(audit::verify::verify_audit)
                .service(victims::distinct::distinct_victims)
                .service(victims::duplicates::likely_duplicates)
                .service(admin::keys::list_keys)
                .service(admin::keys::create_key)
                .service(admin::keys::revoke_key)
                .service(admin::keys::rotate_key),
        );
}
