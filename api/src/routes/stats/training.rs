use super::incidents::{coordinator_read, StatsParams};
use crate::clock::Clock;
use crate::config::StatsConfig;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::query::Query;
use crate::security::Principal;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::stats::query::{StatsOutput, Subject};
use beacon_core::{ErrorCode, ValidationError};
use tracing_actix_web::RequestId;

/// The active workforce by training status as of today (America/New_York),
/// the status `GET /v1/training/compliance` gives each person (Sec. 4, 5:
/// training by July 1, 2027 and a refresher every three years), counted in
/// the database: `group_by` any of `status agency population` and the
/// geographies of the office's town (no town on file: the `unknown`
/// region); default `status`. The measure is `people`. No period (the
/// status is today's; the answer's `period` is the day); filtered by any of
/// its dimensions.
/// Disclosure control, CSV and the audited `internal=true&reason=…` are as
/// for `GET /v1/stats/incidents`.
#[utoipa::path(
    tag = "stats",
    operation_id = "stats_training",
    params(StatsParams, super::filter_params::TrainingFilters),
    responses(
        (status = 200, description = "The tables; with `format=csv` or `Accept: text/csv`, long-format CSV (`measure,table,<dimensions…>,count`, `*` withheld)",
            content((StatsOutput = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad query parameter, named in `errors` (a `period`, `from` or `to` is refused)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/stats/training")]
pub async fn training_stats(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    params: Query<StatsParams>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let given = [("period", &params.period), ("from", &params.from), ("to", &params.to)];
    let refused: Vec<ValidationError> = given
        .iter()
        .filter(|(_, v)| v.is_some())
        .map(|(p, _)| ValidationError::new(format!("/{p}"), ErrorCode::NotAllowed, "Training status is as of today; give no period."))
        .collect();
    if !refused.is_empty() {
        return Err(ApiError::BadQuery(refused));
    }
    let today = StatsParams { period: Some(clock.today().to_string()), ..params.0 };
    coordinator_read(Subject::Training, &principal, &request_id, &req, &today, &pool, &config).await
}
