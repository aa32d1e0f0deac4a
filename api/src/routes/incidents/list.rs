use super::view::IncidentView;
use crate::http::query::{optional_date, Page, Paging, Query};
use crate::db::incidents::ListFilter;
use crate::db::{self, DbPool};
use crate::error::{ApiError, Problem};
use crate::security::{Principal, Role};
use actix_web::{get, web, HttpResponse};
use beacon_core::reference::geo;
use beacon_core::reference::regions::{region_towns, towns_in_all, towns_of, RegionType};
use beacon_core::{ErrorCode, ValidationError};
use serde::Deserialize;
use utoipa::IntoParams;

const DEFAULT_PER_PAGE: i64 = 20;
const MAX_PER_PAGE: i64 = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page number, from 1 (default 1).
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// Only incidents in this town (case-insensitive).
    #[param(max_length = 500)]
    pub town: Option<String>,
    /// With `region`: `dcf_region` (default), `planning_region`, `county` or `judicial_district`.
    #[param(value_type = Option<beacon_core::reference::regions::RegionType>, inline)]
    pub region_type: Option<String>,
    /// Only incidents in the towns of this region (its name, or a DCF region's number).
    #[param(max_length = 500)]
    pub region: Option<String>,
    /// Only incidents in this judicial district (its name).
    #[param(max_length = 500)]
    pub judicial_district: Option<String>,
    /// Only incidents in this county (its name).
    #[param(max_length = 500)]
    pub county: Option<String>,
    /// Only incidents in this planning region (its name).
    #[param(max_length = 500)]
    pub planning_region: Option<String>,
    /// Only incidents in this DCF region (its number).
    #[param(max_length = 500)]
    pub dcf_region: Option<String>,
    /// `true`: withdrawn incidents too, marked by their `withdrawn` member (left out by default).
    pub include_withdrawn: Option<bool>,
    /// Only incidents on or after this date (`YYYY-MM-DD`).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub from: Option<String>,
    /// Only incidents on or before this date (`YYYY-MM-DD`).
    #[param(value_type = Option<chrono::NaiveDate>)]
    pub to: Option<String>,
}

/// Incidents, newest first, de-identified, with a pagination envelope. Withdrawn incidents are
/// left out unless `include_withdrawn=true`. The place filters (`town`, `region_type` + `region`,
/// `judicial_district`, `county`, `planning_region`, `dcf_region`) select by the town's regions
/// in the reference data, all of them at once.
#[utoipa::path(
    tag = "incidents",
    params(ListParams),
    responses(
        (status = 200, body = Page<IncidentView>),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["reporter", "coordinator"]))
)]
#[get("/incidents")]
pub async fn list_incidents(
    principal: Principal,
    params: Query<ListParams>,
    pool: web::Data<DbPool>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let paging = Paging::parse(params.page, params.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE, &mut errors);
    let town = params.town.as_deref().map(|t| match geo::find_town(t) {
        Some(found) => found.town.to_string(),
        None => {
            errors.push(ValidationError::new("/town", ErrorCode::UnknownCode, "Must be one of Connecticut's 169 towns (see GET /v1/codes)."));
            String::new()
        }
    });
    let mut selections: Vec<Vec<String>> = Vec::new();
    selections.extend(region_towns(params.region_type.as_deref(), params.region.as_deref(), &mut errors));
    for (kind, value) in [
        (RegionType::JudicialDistrict, &params.judicial_district),
        (RegionType::County, &params.county),
        (RegionType::PlanningRegion, &params.planning_region),
        (RegionType::DcfRegion, &params.dcf_region),
    ] {
        if let Some(value) = value {
            selections.extend(towns_of(kind, value, &mut errors));
        }
    }
    let from = optional_date("from", params.from.as_deref(), &mut errors);
    let to = optional_date("to", params.to.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let filter = ListFilter {
        account: (principal.role == Role::Reporter).then_some(principal.account_id),
        town,
        towns: towns_in_all(selections),
        from,
        to,
        include_withdrawn: params.include_withdrawn.unwrap_or(false),
    };
    let mut conn = pool.get().await?;
    let (rows, total_items) = db::incidents::list(&mut conn, &filter, paging.per_page, paging.offset()).await?;
    let body = Page::new(paging, total_items, rows.into_iter().map(|r| IncidentView::from_rows(r, None)).collect());
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(body))
}
