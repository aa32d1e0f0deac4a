use crate::clock::Clock;
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::facts::gap_facts;
use crate::http::region::RegionType;
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::directory::gaps as analysis;
use beacon_core::{ErrorCode, ValidationError};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GapParams {
    /// `county`, `planning_region`, `dcf_region` or `judicial_district` (required).
    #[param(value_type = beacon_core::reference::regions::RegionType, inline, required = true, example = "county")]
    pub region_type: Option<String>,
    /// First day of the demand period, `YYYY-MM-DD` (default: a year before `to`).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<String>,
    /// Last day of the demand period, `YYYY-MM-DD` (default: today).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<String>,
    /// `json` (default), `csv` or `svg` (a heat map of regions × categories);
    /// `Accept: text/csv` or `image/svg+xml` select them too.
    #[param(value_type = Option<crate::http::query::GapsFormat>, inline)]
    pub format: Option<String>,
}

/// Where services are missing: per region × service category, the vetted
/// providers, their capacity, providers per 100,000 residents, the demand in
/// the period (victims in incidents, intake needs, referrals), the unmet
/// demand (referrals declined for capacity) and the funding by source,
/// flagged with the reason in words: `no_provider`, `below_state_rate`
/// (under half the state's rate), `demand_exceeds_capacity` (referrals were
/// declined for capacity), `funding_concentration` (one source gives more
/// than 80 %) and `stale_verification` (a provider's verification is more
/// than 12 months old). As JSON, CSV or an SVG heat map.
#[utoipa::path(
    tag = "directory",
    params(GapParams),
    responses(
        (status = 200, description = "The analysis as JSON (the default); with `format=csv` or `Accept: text/csv` one CSV line per row; with `format=svg` or `Accept: image/svg+xml` the heat map",
            content((analysis::GapReport = "application/json"), (String = "text/csv"), (String = "image/svg+xml"))),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator"]))
)]
#[get("/directory/gaps")]
pub async fn gaps(
    _principal: Principal,
    req: HttpRequest,
    params: crate::http::query::Query<GapParams>,
    clock: web::Data<Clock>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let kind = RegionType::parse(params.region_type.as_deref().unwrap_or_default());
    if kind.is_none() {
        errors.push(ValidationError::new(
            "/region_type",
            ErrorCode::UnknownCode,
            "Must be county, planning_region, dcf_region or judicial_district.",
        ));
    }
    let period = analysis::period(params.from.as_deref(), params.to.as_deref(), clock.today(), &mut errors);
    let format = output_format(&req, params.format.as_deref(), &mut errors);
    let (Some(kind), Some((from, to)), true) = (kind, period, errors.is_empty()) else {
        return Err(ApiError::BadQuery(errors));
    };

    let mut pooled = pool.get().await?;
    let facts = gap_facts(&mut pooled, kind, from, to, clock.now()).await?;
    let report = analysis::analyse(&facts);
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(report),
        Format::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"gaps.csv\""))
            .body(super::gap_outputs::csv(&report)?),
        Format::Svg => HttpResponse::Ok()
            .content_type("image/svg+xml; charset=utf-8")
            .body(super::gap_outputs::svg(&report)),
    })
}


/// What the response is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
    Svg,
}

/// `format` wins; else the first of `Accept`'s types that names one.
fn output_format(req: &HttpRequest, format: Option<&str>, errors: &mut Vec<beacon_core::ValidationError>) -> Format {
    match format {
        Some("json") => return Format::Json,
        Some("csv") => return Format::Csv,
        Some("svg") => return Format::Svg,
        Some(_) => {
            errors.push(ValidationError::new("/format", ErrorCode::UnknownCode, "Must be `json`, `csv` or `svg`."));
            return Format::Json;
        }
        None => {}
    }
    let accept = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    for item in accept.split(',') {
        match item.split(';').next().unwrap_or_default().trim().to_ascii_lowercase().as_str() {
            "text/csv" => return Format::Csv,
            "image/svg+xml" => return Format::Svg,
            "application/json" | "application/*" | "*/*" => return Format::Json,
            _ => {}
        }
    }
    Format::Json
}
