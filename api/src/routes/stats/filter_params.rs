//! The OpenAPI description of each subject's filters, written from what core
//! parses them with (`GroupBy::filters`, `GroupBy::filter_values`), so the
//! document cannot offer a filter or a value the server refuses, nor miss one
//! it takes: each filter is a comma-separated list (`style: form`,
//! `explode: false`) of the dimension's categories.

use beacon_core::stats::query::{FilterValues, GroupBy, Subject};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::Required;
use utoipa::IntoParams;

/// The filter parameters `subject` takes on the coordinator's endpoint.
fn filter_parameters(subject: Subject) -> Vec<Parameter> {
    GroupBy::ALL
        .iter()
        .copied()
        .filter(|g| g.filters(subject))
        .map(|g| {
            let item = match g.filter_values(subject) {
                FilterValues::Codes(codes) => ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes)),
                FilterValues::Ids => ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
            };
            let schema = ArrayBuilder::new().items(item).min_items(Some(1)).build();
            ParameterBuilder::new()
                .name(g.code())
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description(g, subject)))
                .schema(Some(schema))
                .style(Some(ParameterStyle::Form))
                .explode(Some(false))
                .build()
        })
        .collect()
}

fn description(g: GroupBy, subject: Subject) -> String {
    let which = match g {
        GroupBy::Partner => "the partner accounts with these ids".to_string(),
        GroupBy::DcfRegion => "these DCF regions (1–6)".to_string(),
        GroupBy::County => "these counties (matched without regard to case)".to_string(),
        g if g.is_geography() => format!("these {}s (matched without regard to case)", g.code().replace('_', " ")),
        g if g.is_multi_valued() => format!("any of these `{}` (a record with several counts when one of them is listed)", g.code()),
        g => format!("these `{}` codes", g.code()),
    };
    format!("Only {} of {which}; comma-separated, any of them (each filter narrows the others).", subject.code())
}

macro_rules! filter_params {
    ($($(#[$meta:meta])* $name:ident => $subject:expr;)+) => {$(
        $(#[$meta])*
        pub struct $name;

        impl IntoParams for $name {
            fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
                filter_parameters($subject)
            }
        }
    )+};
}

filter_params! {
    /// `GET /v1/stats/incidents`'s filters.
    IncidentFilters => Subject::Incidents;
    /// `GET /v1/stats/victims`'s filters.
    VictimFilters => Subject::Victims;
    /// `GET /v1/stats/intake`'s filters.
    IntakeFilters => Subject::Intake;
    /// `GET /v1/stats/referrals`'s filters.
    ReferralFilters => Subject::Referrals;
    /// `GET /v1/stats/training`'s filters.
    TrainingFilters => Subject::Training;
    /// `GET /v1/stats/dcf_responses`'s filters.
    DcfResponseFilters => Subject::DcfResponses;
}
