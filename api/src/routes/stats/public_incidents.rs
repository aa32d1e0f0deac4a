use super::incidents::StatsParams;
use super::respond::{respond, tables};
use crate::config::StatsConfig;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::negotiate::wants_csv;
use crate::http::query::Query;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::stats::query::{Endpoint, StatsOutput, StatsQuery, Subject};
use serde::Deserialize;
use utoipa::IntoParams;

/// Public statistics change when incidents are reported, not by the second;
/// an hour of caching spares the database and still shows a new quarter soon.
const CACHE_CONTROL: &str = "public, max-age=3600";

/// The parameters the public endpoint documents. It reads the coordinator's
/// full set so that `internal`, `from`/`to` or a filter is refused by name
/// (400) rather than silently ignored.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documentation only: the handler reads `StatsParams`
pub struct PublicStatsParams {
    /// A whole year (`2026`) or a whole quarter (`2026-Q3`); a day or a range is refused.
    #[param(max_length = 500)]
    pub period: Option<String>,
    /// Up to 3, comma-separated: `year quarter county planning_region judicial_district dcf_region`
    /// (default `year`); each geography gives a table of its own. Or, for a whole year and
    /// the whole state, `age_band` (victims, intake) or `trafficking_type` (incidents,
    /// victims; one has / has-not table per type), alone or with `year`.
    #[param(max_length = 500)]
    pub group_by: Option<String>,
    /// `json` (default) or `csv`; or send `Accept: text/csv`.
    #[param(value_type = Option<crate::http::query::JsonOrCsv>, inline)]
    pub format: Option<String>,
}

/// Counts of incidents and victims for the public: no key, always
/// suppressed with the server's k (at least 11), coarse dimensions and whole
/// years or quarters only; by trafficking type (has / has-not per type) for a
/// whole year and the whole state. Every geography of a period is suppressed as one
/// model, whichever the request shows, so a county table and a
/// planning-region table of one period cannot be differenced into a
/// withheld count. `internal=true`, a day or range, or a filter is a 400
/// naming the parameter.
#[utoipa::path(
    tag = "stats",
    operation_id = "public_stats_incidents",
    params(PublicStatsParams),
    responses(
        (status = 200, description = "The tables; with `format=csv` or `Accept: text/csv`, long-format CSV (`measure,table,<dimensions…>,count`, `*` withheld)",
            content((StatsOutput = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad or refused query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stats/incidents")]
pub async fn public_incident_stats(
    req: HttpRequest,
    params: Query<StatsParams>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    public_read(Subject::Incidents, &req, &params, &pool, &config).await
}

/// Counts of victims for the public, as `GET /public/stats/incidents` gives
/// incidents: no key, always suppressed, whole years or quarters, by region;
/// by age band (the intake form's age groups) or by trafficking type for a
/// whole year and the whole state. Every table of a year is cut from one
/// suppressed model of that year.
#[utoipa::path(
    tag = "stats",
    operation_id = "public_stats_victims",
    params(PublicStatsParams),
    responses(
        (status = 200, description = "The tables; with `format=csv` or `Accept: text/csv`, long-format CSV (`measure,table,<dimensions…>,count`, `*` withheld)",
            content((StatsOutput = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad or refused query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stats/victims")]
pub async fn public_victim_stats(
    req: HttpRequest,
    params: Query<StatsParams>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    public_read(Subject::Victims, &req, &params, &pool, &config).await
}

/// Partner intake volume for the public, as `GET /public/stats/incidents`
/// gives incidents: no key, always suppressed, whole years or quarters,
/// by `year quarter county planning_region judicial_district dcf_region`
/// (a submission without a town is in the `unknown` region); every
/// geography of a year cut from one suppressed model of intake that year.
/// By age group for a whole year and the whole state (`age_band`); partners
/// and concern types are the coordinator's only.
#[utoipa::path(
    tag = "stats",
    operation_id = "public_stats_intake",
    params(PublicStatsParams),
    responses(
        (status = 200, description = "The tables; with `format=csv` or `Accept: text/csv`, long-format CSV (`measure,table,<dimensions…>,count`, `*` withheld)",
            content((StatsOutput = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad or refused query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stats/intake")]
pub async fn public_intake_stats(
    req: HttpRequest,
    params: Query<StatsParams>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    public_read(Subject::Intake, &req, &params, &pool, &config).await
}

async fn public_read(
    subject: Subject,
    req: &HttpRequest,
    params: &StatsParams,
    pool: &DbPool,
    config: &StatsConfig,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let csv = wants_csv(req, params.format.as_deref(), &mut errors);
    let query = match StatsQuery::parse(subject, &params.raw(), Endpoint::Public) {
        Ok(query) if errors.is_empty() => query,
        Ok(_) => return Err(ApiError::BadQuery(errors)),
        Err(mut found) => {
            found.extend(errors);
            return Err(ApiError::BadQuery(found));
        }
    };
    // Never internal here (parsing refuses it), so always the public policy.
    let policy = query.policy(config.k).map_err(ApiError::internal)?;
    if !policy.is_public() {
        return Err(ApiError::internal("a public statistics request parsed as internal"));
    }
    let mut conn = pool.get().await?;
    let counts = db::stats::incident_counts(&mut conn, &query).await?;
    drop(conn);
    let output = tables(query, counts, Vec::new(), policy).await?;
    Ok(respond(&output, csv, CACHE_CONTROL))
}
