use super::respond::{respond, tables};
use crate::config::StatsConfig;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::http::negotiate::wants_csv;
use crate::http::query::Query;
use crate::security::audit::{self, Event};
use crate::security::Principal;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::stats::median_days::MedianRow;
use beacon_core::stats::query::{Endpoint, GroupCount, RawParams, StatsOutput, StatsQuery, Subject};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// `2026`, `2026-Q3`, a day (`2026-07-15`) or a range (`2026-07-01/2026-09-30`). Or `from` and `to`.
    #[param(max_length = 500)]
    pub period: Option<String>,
    /// First day counted (`YYYY-MM-DD`), with `to`; instead of `period`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<String>,
    /// Last day counted (`YYYY-MM-DD`), with `from`.
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<String>,
    /// Up to 3, comma-separated (default `year`): `year quarter month town county planning_region judicial_district dcf_region`,
    /// and per subject: incidents `status venue trafficking_type reporting_agency`; victims also `sex age_band citizenship`;
    /// intake `status age_band concern_type partner`; referrals `service outcome`.
    /// Each geography gives a table of its own; a multi-valued dimension (`trafficking_type`, `concern_type`)
    /// gives a has / has-not table per category, with no total across categories.
    #[param(max_length = 500)]
    pub group_by: Option<String>,
    /// `true`: exact counts, nothing withheld; needs `reason`, and the read is audited.
    #[param(value_type = Option<bool>)]
    pub internal: Option<String>,
    /// Why exact counts are needed (10–500 characters); recorded in the audit trail.
    #[param(max_length = 500)]
    pub reason: Option<String>,
    // The filters, each a comma-separated list, documented per subject by
    // `filter_params` from what core accepts (so not here).
    #[param(ignore)]
    pub status: Option<String>,
    #[param(ignore)]
    pub venue: Option<String>,
    #[param(ignore)]
    pub town: Option<String>,
    #[param(ignore)]
    pub county: Option<String>,
    #[param(ignore)]
    pub planning_region: Option<String>,
    #[param(ignore)]
    pub judicial_district: Option<String>,
    #[param(ignore)]
    pub dcf_region: Option<String>,
    #[param(ignore)]
    pub sex: Option<String>,
    #[param(ignore)]
    pub age_band: Option<String>,
    #[param(ignore)]
    pub citizenship: Option<String>,
    #[param(ignore)]
    pub trafficking_type: Option<String>,
    #[param(ignore)]
    pub concern_type: Option<String>,
    #[param(ignore)]
    pub partner: Option<String>,
    #[param(ignore)]
    pub service: Option<String>,
    #[param(ignore)]
    pub outcome: Option<String>,
    #[param(ignore)]
    pub agency: Option<String>,
    #[param(ignore)]
    pub population: Option<String>,
    #[param(ignore)]
    pub reporting_agency: Option<String>,
    /// `json` (default) or `csv`; or send `Accept: text/csv`.
    #[param(value_type = Option<crate::http::query::JsonOrCsv>, inline)]
    pub format: Option<String>,
}

impl StatsParams {
    pub fn raw(&self) -> RawParams<'_> {
        RawParams {
            period: self.period.as_deref(),
            from: self.from.as_deref(),
            to: self.to.as_deref(),
            group_by: self.group_by.as_deref(),
            internal: self.internal.as_deref(),
            reason: self.reason.as_deref(),
            status: self.status.as_deref(),
            venue: self.venue.as_deref(),
            town: self.town.as_deref(),
            county: self.county.as_deref(),
            planning_region: self.planning_region.as_deref(),
            judicial_district: self.judicial_district.as_deref(),
            dcf_region: self.dcf_region.as_deref(),
            sex: self.sex.as_deref(),
            age_band: self.age_band.as_deref(),
            citizenship: self.citizenship.as_deref(),
            trafficking_type: self.trafficking_type.as_deref(),
            concern_type: self.concern_type.as_deref(),
            partner: self.partner.as_deref(),
            service: self.service.as_deref(),
            outcome: self.outcome.as_deref(),
            agency: self.agency.as_deref(),
            population: self.population.as_deref(),
            reporting_agency: self.reporting_agency.as_deref(),
        }
    }
}

/// Counts of incidents and of the victims they involve, grouped and
/// filtered (each filter a comma-separated list, any of whose values a
/// record may have; filters narrow each other; `trafficking_type` counts an
/// incident having any of the types; the filters that applied are in the
/// answer's `filters` and the `Beacon-Stats-Filters` header), with disclosure control: counts from 1 to k − 1 (k from the
/// server's `BEACON_STATS_K`, at least 11) are `null` with
/// `"suppressed": true` (`*` in CSV), and further cells are withheld where a
/// withheld one could be worked out from the totals. With
/// `internal=true&reason=…` the counts are exact and the read is written to
/// the audit trail (`stats.read_internal`). Only statuses that count are
/// counted. `format=csv` or `Accept: text/csv` gives long-format CSV; the
/// rule is in the `Beacon-Disclosure-Rule` header.
#[utoipa::path(
    tag = "stats",
    operation_id = "stats_incidents",
    params(StatsParams, super::filter_params::IncidentFilters),
    responses(
        (status = 200, description = "The tables; with `format=csv` or `Accept: text/csv`, long-format CSV (`measure,table,<dimensions…>,count`, `*` withheld)",
            content((StatsOutput = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad query parameter, named in `errors`; `reason` missing or of the wrong length with `internal=true`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/stats/incidents")]
pub async fn incident_stats(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    params: Query<StatsParams>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    coordinator_read(Subject::Incidents, &principal, &request_id, &req, &params, &pool, &config).await
}

/// The coordinator's read of any subject: parse, count in one transaction
/// with the audit entry of an internal read (no exact read without its
/// record), then build and suppress off the worker thread.
pub(super) async fn coordinator_read(
    subject: Subject,
    principal: &Principal,
    request_id: &RequestId,
    req: &HttpRequest,
    params: &StatsParams,
    pool: &DbPool,
    config: &StatsConfig,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let csv = wants_csv(req, params.format.as_deref(), &mut errors);
    let query = match StatsQuery::parse(subject, &params.raw(), Endpoint::Coordinator) {
        Ok(query) if errors.is_empty() => query,
        Ok(_) => return Err(ApiError::BadQuery(errors)),
        Err(mut found) => {
            found.extend(errors);
            return Err(ApiError::BadQuery(found));
        }
    };
    let policy = query.policy(config.k).map_err(ApiError::internal)?;
    let (counts, medians) = counts_audited(&query, principal, request_id, pool, true).await?;
    let output = tables(query, counts, medians, policy).await?;
    Ok(respond(&output, csv, "no-store"))
}

/// The grouped counts of `query` and the medians beside them (referrals),
/// in one transaction with the audit entry of an internal read: no exact
/// read without its record. `medians`: whether the answer shows them (a
/// trend does not).
pub(super) async fn counts_audited(
    query: &StatsQuery,
    principal: &Principal,
    request_id: &RequestId,
    pool: &DbPool,
    medians: bool,
) -> Result<(Vec<GroupCount>, Vec<MedianRow>), ApiError> {
    let mut pooled = pool.get().await?;
    let conn: &mut AsyncPgConnection = &mut pooled;
    let counts = conn
        .transaction(async |conn| {
            let counts = db::stats::incident_counts(conn, query).await?;
            let medians = if medians { db::stats::medians(conn, query).await? } else { Vec::new() };
            if let Some(reason) = query.reason() {
                let mut what = format!(
                    "{} {} by {}",
                    query.subject().code(),
                    query.period().label(),
                    query.group_by().iter().map(|g| g.code()).collect::<Vec<_>>().join(",")
                );
                if !query.filters().is_empty() {
                    what.push_str(&format!(" where {}", query.filters().describe()));
                }
                let event = Event::by(principal, request_id, "stats.read_internal", "stats", what).because(reason);
                audit::append(conn, event).await?;
            }
            Ok::<_, diesel::result::Error>((counts, medians))
        })
        .await?;
    Ok(counts)
}
