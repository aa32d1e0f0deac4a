use super::incidents::{coordinator_read, StatsParams};
use crate::config::StatsConfig;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::query::Query;
use crate::security::Principal;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::stats::query::{StatsOutput, Subject};
use tracing_actix_web::RequestId;

/// Counts of victim records by their own traits (`sex`, `age_band` — the
/// intake form's age groups —, `citizenship`) and the incident's time, place
/// and status, with the same disclosure control, parameters and audited
/// `internal=true&reason=…` as `GET /v1/stats/incidents`. Only victims of
/// incidents whose status counts are counted. The one measure is `victims`:
/// incidents cannot be split by a victim's trait without counting twice.
#[utoipa::path(
    tag = "stats",
    operation_id = "stats_victims",
    params(StatsParams, super::filter_params::VictimFilters),
    responses(
        (status = 200, description = "The tables; with `format=csv` or `Accept: text/csv`, long-format CSV (`measure,table,<dimensions…>,count`, `*` withheld)",
            content((StatsOutput = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad query parameter, named in `errors`; `reason` missing or of the wrong length with `internal=true`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/stats/victims")]
pub async fn victim_stats(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    params: Query<StatsParams>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    coordinator_read(Subject::Victims, &principal, &request_id, &req, &params, &pool, &config).await
}
