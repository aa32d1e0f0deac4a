//! HTTP routes. One handler per file, each documented with `#[utoipa::path]`
//! and registered through utoipa-actix-web, so the registered routes are the spec.

pub mod admin;
pub mod audit;
pub mod calendar;
pub mod codes;
pub mod dashboard;
pub mod dcf;
pub mod directory;
pub mod embed;
pub mod health;
pub mod hsds;
pub mod incidents;
pub mod intake;
pub mod reports;
pub mod screening;
pub mod stats;
pub mod training;
pub mod victims;
pub mod xapi;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::live)
        .service(health::ready)
        .service(embed::demo)
        .service(embed::package_file)
        .service(dashboard::page)
        .service(dashboard::script)
        .service(dashboard::style)
        .service(
            utoipa_actix_web::scope("/v1")
                .service(codes::list_codes)
                .service(incidents::create::create_incident)
                .service(incidents::list::list_incidents)
                .service(incidents::get::get_incident)
                .service(incidents::close::close_incident)
                .service(incidents::correct::correct_incident)
                .service(incidents::versions::incident_versions)
                .service(audit::list::list_audit)
                .service(audit::verify::verify_audit)
                .service(intake::submit::submit_intake)
                .service(intake::list::list_intake)
                .service(intake::update::update_intake)
                .service(intake::convert::convert_intake)
                .service(intake::get::get_intake)
                .service(intake::withdraw_consent::withdraw_consent)
                .service(dcf::minors::list_minors)
                .service(screening::instruments::list_instruments)
                .service(screening::instruments::get_instrument)
                .service(screening::create::create_screening)
                .service(screening::get::get_screening)
                .service(dcf::respond::respond_to_submission)
                .service(dcf::respond::respond_to_incident)
                .service(victims::distinct::distinct_victims)
                .service(victims::duplicates::likely_duplicates)
                .service(admin::keys::list_keys)
                .service(admin::keys::create_key)
                .service(admin::keys::revoke_key)
                .service(admin::keys::rotate_key)
                .service(training::courses::create::create_course)
                .service(training::courses::list::list_courses)
                .service(training::completions::create::create_completion)
                .service(training::completions::import::import_completions)
                .service(training::report::compliance_report)
                .service(training::workforce::create::create_person)
                .service(training::workforce::list::list_people)
                .service(training::workforce::import::import_people)
                // Before `/workforce/{id}`, which would take its name for an id.
                .service(training::workforce::caseload_gaps::caseload_gaps)
                .service(training::workforce::assignments::create_assignment)
                .service(training::providers::create_provider)
                .service(training::providers::list_providers)
                .service(training::workforce::get::get_person)
                .service(training::workforce::update::update_person)
                .service(training::completions::list::list_completions)
                .service(training::workforce::compliance::person_compliance)
                .service(training::workforce::caseload::caseload)
                .service(directory::create_organization::create_organization)
                .service(directory::update_organization::get_organization)
                .service(directory::update_organization::update_organization)
                .service(directory::create_service::create_service)
                .service(directory::get_service::get_service)
                .service(directory::update_service::update_service)
                .service(directory::verify::verify_service)
                .service(directory::due::verifications_due)
                .service(directory::gaps::gaps)
                .service(directory::referrals::create_referral)
                .service(directory::referrals::transition_referral)
                .service(directory::referrals::list_referrals)
                .service(directory::import::import)
                .service(directory::export::export)
                .service(directory::search::search)
                .service(stats::incidents::incident_stats)
                .service(stats::victims::victim_stats)
                .service(stats::intake::intake_stats)
                .service(stats::referrals::referral_stats)
                .service(stats::dcf_responses::dcf_response_stats)
                .service(stats::trends::trends)
                .service(stats::training::training_stats)
                .service(reports::create_activity::create_activity)
                .service(reports::list_activities::list_activities)
                .service(reports::activity::get_activity)
                .service(reports::activity::update_activity)
                .service(reports::create_recommendation::create_recommendation)
                .service(reports::list_recommendations::list_recommendations)
                .service(reports::recommendation::get_recommendation)
                .service(reports::recommendation::update_recommendation)
                .service(reports::coordinator::coordinator_report)
                .service(reports::snapshot::freeze_report)
                .service(reports::snapshot::list_snapshots)
                .service(reports::snapshot::get_snapshot)
                .service(reports::task_force::task_force_report)
                .service(reports::task_force::freeze_task_force_report)
                .service(reports::task_force::list_task_force_snapshots)
                .service(reports::task_force::get_task_force_snapshot)
                .service(calendar::statutory_calendar),
        )
        .service(
            utoipa_actix_web::scope("/public")
                .service(stats::public_incidents::public_incident_stats)
                .service(stats::public_incidents::public_victim_stats)
                .service(stats::public_incidents::public_intake_stats),
        )
        .service(
            utoipa_actix_web::scope("/hsds")
                .service(hsds::about::about)
                .service(hsds::services::list_services)
                .service(hsds::service::get_service)
                .service(hsds::organizations::list_organizations)
                .service(hsds::organization::get_organization)
                .service(hsds::service_at_locations::list_service_at_locations)
                .service(hsds::service_at_location::get_service_at_location)
                .service(hsds::taxonomies::list_taxonomies)
                .service(hsds::taxonomy_terms::list_taxonomy_terms),
        )
        .service(
            utoipa_actix_web::scope("/xapi")
                .service(xapi::about::about)
                .service(xapi::statements::post_statements),
        );
}
