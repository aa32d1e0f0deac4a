use super::incidents::{coordinator_read, StatsParams};
use crate::config::StatsConfig;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::query::Query;
use crate::security::Principal;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::stats::query::{StatsOutput, Subject};
use tracing_actix_web::RequestId;

/// The directory's referrals, dated by the day referred: grouped by
/// `outcome` (the lifecycle status: proposed, sent, accepted, declined,
/// service_started, closed, withdrawn), `service` (the category referred
/// for), time and the geographies of the person's town; filtered by
/// `service`, `outcome` and place. Disclosure control, CSV and the audited
/// `internal=true&reason=…` are as for `GET /v1/stats/incidents`.
/// Beside each count (every cell and total) is `median_days_to_outcome`: the
/// median days from sending to the provider's answer (accepted or declined)
/// over the entry's answered referrals, to a tenth of a day — the annual
/// report's definition. `{"value": null, "suppressed": true}` (`*` in CSV)
/// where the count is withheld or fewer than k of its referrals were
/// answered; `{"value": null, "suppressed": false}` (empty in CSV) where none
/// was; exact with `internal=true`.
#[utoipa::path(
    tag = "stats",
    operation_id = "stats_referrals",
    params(StatsParams, super::filter_params::ReferralFilters),
    responses(
        (status = 200, description = "The tables; with `format=csv` or `Accept: text/csv`, long-format CSV (`measure,table,<dimensions…>,count,median_days_to_outcome`, `*` withheld)",
            content((StatsOutput = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad query parameter, named in `errors`; `reason` missing or of the wrong length with `internal=true`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/stats/referrals")]
pub async fn referral_stats(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    params: Query<StatsParams>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    coordinator_read(Subject::Referrals, &principal, &request_id, &req, &params, &pool, &config).await
}
