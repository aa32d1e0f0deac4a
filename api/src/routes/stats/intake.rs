use super::incidents::{coordinator_read, StatsParams};
use crate::config::StatsConfig;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::query::Query;
use crate::security::Principal;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::stats::query::{StatsOutput, Subject};
use tracing_actix_web::RequestId;

/// Partner intake volume, dated by the day received (America/New_York):
/// grouped by `partner` (the submitting account — an organisation),
/// `status` (`new triaged converted closed`), `age_band` (the form's age
/// group), `concern_type`, time, and the geographies (a submission without
/// a town is in the `unknown` region). `concern_type` is multi-valued: one
/// submission may name several, so each concern is a has / has-not table
/// of its own and no table adds the concerns up. Filtered by any of
/// its dimensions (`partner` by the account's id). Disclosure control, CSV and the
/// audited `internal=true&reason=…` are as for `GET /v1/stats/incidents`.
#[utoipa::path(
    tag = "stats",
    operation_id = "stats_intake",
    params(StatsParams, super::filter_params::IntakeFilters),
    responses(
        (status = 200, description = "The tables; with `format=csv` or `Accept: text/csv`, long-format CSV (`measure,table,<dimensions…>,count`, `*` withheld)",
            content((StatsOutput = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad query parameter, named in `errors`; `reason` missing or of the wrong length with `internal=true`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/stats/intake")]
pub async fn intake_stats(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    params: Query<StatsParams>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    coordinator_read(Subject::Intake, &principal, &request_id, &req, &params, &pool, &config).await
}
