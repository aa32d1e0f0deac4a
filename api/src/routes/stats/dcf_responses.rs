use super::incidents::{coordinator_read, StatsParams};
use crate::config::StatsConfig;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::query::Query;
use crate::security::Principal;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::stats::query::{StatsOutput, Subject};
use tracing_actix_web::RequestId;

/// Minors known to DCF's queue (Sec. 10(a)), dated by the day received: a partner's submission
/// about a minor until it becomes an incident, and every incident involving a minor (withdrawn
/// ones never). Grouped by `outcome` — DCF's response (`accepted_for_services`,
/// `assessed_not_accepted`, `already_open_case`, or `none` for a minor without one) —, time and
/// place; filtered by `outcome` and place. Disclosure control, CSV and the audited
/// `internal=true&reason=…` are as for `GET /v1/stats/incidents`.
#[utoipa::path(
    tag = "stats",
    operation_id = "stats_dcf_responses",
    params(StatsParams, super::filter_params::DcfResponseFilters),
    responses(
        (status = 200, description = "The tables; with `format=csv` or `Accept: text/csv`, long-format CSV (`measure,table,<dimensions…>,count`, `*` withheld)",
            content((StatsOutput = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad query parameter, named in `errors`; `reason` missing or of the wrong length with `internal=true`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/stats/dcf_responses")]
pub async fn dcf_response_stats(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    params: Query<StatsParams>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    coordinator_read(Subject::DcfResponses, &principal, &request_id, &req, &params, &pool, &config).await
}
