use super::incidents::counts_audited;
use super::respond::{tables, RULE_HEADER};
use crate::config::StatsConfig;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::http::negotiate::wants_csv;
use crate::http::query::Query;
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::stats::trend::{self, TrendOutput, TrendParams};
use serde::Deserialize;
use tracing_actix_web::RequestId;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendQueryParams {
    /// `incidents` (default), `victims`, `intake` or `referrals`.
    #[param(pattern = "^(incidents|victims|intake|referrals)$")]
    pub subject: Option<String>,
    /// One series per category of this dimension (a geography such as `county`, or
    /// `trafficking_type` / `concern_type`: one series of *has* counts per type), plus the
    /// whole state; absent: the whole state only.
    #[param(max_length = 500)]
    pub by: Option<String>,
    /// First month, `YYYY-MM`.
    #[param(value_type = String, required = true, pattern = r"^\s*[0-9]{4}-[0-9]{2}\s*$", example = "2026-01")]
    pub from: Option<String>,
    /// Last month, `YYYY-MM`.
    #[param(value_type = String, required = true, pattern = r"^\s*[0-9]{4}-[0-9]{2}\s*$", example = "2026-03")]
    pub to: Option<String>,
    /// `true`: exact counts; needs `reason`, and the read is audited.
    #[param(value_type = Option<bool>)]
    pub internal: Option<String>,
    /// Why exact counts are needed (10–500 characters).
    #[param(max_length = 500)]
    pub reason: Option<String>,
    /// `json` (default) or `csv`; or send `Accept: text/csv`.
    #[param(value_type = Option<crate::http::query::JsonOrCsv>, inline)]
    pub format: Option<String>,
}

/// Monthly series per region or type, with the change from the same month
/// a year earlier and the rolling 12-month total (Sec. 8(b)(6): "Reviewing
/// trafficking trends"). The monthly counts pass disclosure control as one
/// table (month × `by`); a change or rolling total is published only when
/// every month it depends on is shown, so none can be differenced into a
/// withheld month. A rolling total needs the 11 months before it in the
/// series: ask from a year earlier for a full one. Months are finer than
/// anything public, so there is no public trend. `internal=true&reason=…` as
/// for `GET /v1/stats/incidents`. CSV: `series,month,count,yoy_change,yoy_percent,rolling_12`.
#[utoipa::path(
    tag = "stats",
    operation_id = "stats_trends",
    params(TrendQueryParams),
    responses(
        (status = 200, description = "The series; with `format=csv` or `Accept: text/csv`, CSV (`*` withheld, empty where a figure is not published)",
            content((TrendOutput = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A bad query parameter, named in `errors`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/stats/trends")]
pub async fn trends(
    principal: Principal,
    request_id: RequestId,
    req: HttpRequest,
    params: Query<TrendQueryParams>,
    pool: web::Data<DbPool>,
    config: web::Data<StatsConfig>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let csv = wants_csv(&req, params.format.as_deref(), &mut errors);
    let raw = TrendParams {
        subject: params.subject.as_deref(),
        by: params.by.as_deref(),
        from: params.from.as_deref(),
        to: params.to.as_deref(),
        internal: params.internal.as_deref(),
        reason: params.reason.as_deref(),
    };
    let query = match trend::parse(&raw) {
        Ok(query) if errors.is_empty() => query,
        Ok(_) => return Err(ApiError::BadQuery(errors)),
        Err(mut found) => {
            found.extend(errors);
            return Err(ApiError::BadQuery(found));
        }
    };
    let policy = query.policy(config.k).map_err(ApiError::internal)?;
    let (counts, _) = counts_audited(&query, &principal, &request_id, &pool, false).await?;
    let output = tables(query.clone(), counts, Vec::new(), policy).await?;
    let trend = TrendOutput::of(&query, &output);
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "no-store")).insert_header((header::VARY, "Accept"));
    if let Ok(rule) = header::HeaderValue::from_str(&trend.rule) {
        response.insert_header((RULE_HEADER, rule));
    }
    Ok(if csv { response.content_type("text/csv; charset=utf-8").body(trend.to_csv()) } else { response.json(&trend) })
}
