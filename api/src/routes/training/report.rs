use crate::clock::Clock;
use beacon_core::ValidationError;
use crate::db::training::{self as store, AgencyScope, PeopleFilter};
use crate::db::DbPool;
use crate::error::{ApiError, Problem};
use crate::facts::{completion_record, person_facts};
use beacon_core::training::{counting, CompletionRecord};
use beacon_core::fields::{agency_code, population_code};
use crate::http::query::date_param;
use crate::security::scope::scope_of;
use crate::http::negotiate::wants_csv;
use crate::http::region::region_towns;
use crate::security::Principal;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use beacon_core::reference::codes::CodeList;
use beacon_core::training::{compliance, Completion, ComplianceStatus};
use beacon_core::ErrorCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Only this agency (agency code). A reporter may name only its own.
    pub agency: Option<String>,
    /// Only this population (population code).
    pub population: Option<String>,
    /// The kind of region `region` names: `dcf_region` (default),
    /// `planning_region`, `county` or `judicial_district`.
    pub region_type: Option<String>,
    /// Only people working from a town of this region, named as in the
    /// reference data (`GET /v1/codes`; any case): a DCF region's number
    /// (`region=4`), or a planning region's, county's or judicial district's
    /// name. People with no town on file are left out.
    pub region: Option<String>,
    /// Only people with this status in `items` (`counts` still count every status).
    pub status: Option<String>,
    /// `YYYY-MM-DD`; default today (America/New_York).
    pub as_of: Option<String>,
    /// `json` (default) or `csv`; `Accept: text/csv` also selects CSV.
    pub format: Option<String>,
}

/// One person's line of the report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportItem {
    pub person_id: Uuid,
    pub agency: String,
    pub employee_ref: String,
    pub population: String,
    /// The town of the office the person works from, when on file.
    pub town: Option<String>,
    pub status: ComplianceStatus,
    /// `null` for populations with no deadline.
    pub due: Option<NaiveDate>,
}

/// Compliance of the active workforce as of a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceReport {
    pub as_of: NaiveDate,
    /// People per status (every status listed, zeros included), over the
    /// agency / population / region selection, before the `status` filter.
    #[schema(value_type = BTreeMap<String, i64>)]
    pub counts: BTreeMap<&'static str, i64>,
    /// By agency, then `employee_ref`.
    pub items: Vec<ReportItem>,
}

/// Training compliance across the active workforce: counts per status and the
/// list (`status=overdue&agency=dcf` is an agency's overdue list;
/// `region=4` DCF Region 4's people). A reporter sees only its own agency
/// (naming another is a 403). With a `region`, only people whose town is on
/// file and lies in the region are counted: people with no town are left out.
/// `?format=csv` or `Accept: text/csv` returns the list as CSV
/// (`person_id,agency,employee_ref,population,status,due,town`).
#[utoipa::path(
    tag = "training",
    params(ReportParams),
    responses(
        (status = 200, body = ComplianceReport, content_type = "application/json"),
        (status = 200, description = "With `format=csv` or `Accept: text/csv`", body = String, content_type = "text/csv"),
        (status = 400, description = "A bad query parameter (`unknown_code` at `/region` for a region the reference data does not have for `region_type`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = ["coordinator", "reporter"]))
)]
#[get("/training/compliance")]
pub async fn compliance_report(
    principal: Principal,
    req: HttpRequest,
    params: crate::http::query::Query<ReportParams>,
    pool: web::Data<DbPool>,
    clock: web::Data<Clock>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    let filter = PeopleFilter {
        agency: params.agency.as_deref().and_then(|a| agency_code("/agency", a, &mut errors)),
        population: params
            .population
            .as_deref()
            .and_then(|p| population_code("/population", p, &mut errors))
            .map(|p| p.to_string()),
        active: Some(true),
        towns: region_towns(params.region_type.as_deref(), params.region.as_deref(), &mut errors),
    };
    let status = params.status.as_deref().and_then(|s| {
        let found = ComplianceStatus::from_str(s).ok();
        if found.is_none() {
            errors.push(ValidationError::new("/status", ErrorCode::UnknownCode, "Must be compliant, due_soon, overdue, not_yet_due or not_required."));
        }
        found
    });
    let as_of = date_param("as_of", params.as_of.as_deref(), clock.today(), &mut errors);
    let csv = wants_csv(&req, params.format.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::BadQuery(errors));
    }
    let mut conn = pool.get().await?;
    let scope = scope_of(&mut conn, &principal).await?;
    if let (Some(agency), AgencyScope::Only(_) | AgencyScope::Nothing) = (&filter.agency, &scope) {
        if !scope.covers(agency) {
            return Err(ApiError::Forbidden);
        }
    }
    let people = store::all_people(&mut conn, &scope, &filter).await?;
    let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
    let mut stored: HashMap<Uuid, Vec<CompletionRecord>> = HashMap::new();
    for (person, on, topics, voided) in store::completions_of_people(&mut conn, &ids).await? {
        stored.entry(person).or_default().push(completion_record(on, &topics, voided));
    }
    let by_person: HashMap<Uuid, Vec<Completion>> = stored.into_iter().map(|(id, records)| (id, counting(&records))).collect();
    let mut counts: BTreeMap<&'static str, i64> = ComplianceStatus::ALL.iter().map(|s| (s.code(), 0)).collect();
    let mut items = Vec::new();
    for p in people {
        let c = compliance(&person_facts(&p)?, by_person.get(&p.id).map_or(&[][..], Vec::as_slice), as_of);
        *counts.entry(c.status.code()).or_default() += 1;
        if status.is_none_or(|s| s == c.status) {
            items.push(ReportItem {
                person_id: p.id,
                agency: p.agency,
                employee_ref: p.employee_ref,
                population: p.population,
                town: p.town,
                status: c.status,
                due: c.due,
            });
        }
    }
    if csv {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer
            .write_record(["person_id", "agency", "employee_ref", "population", "status", "due", "town"])
            .map_err(ApiError::internal)?;
        for i in &items {
            let due = i.due.map(|d| d.to_string()).unwrap_or_default();
            let town = i.town.as_deref().unwrap_or_default();
            writer
                .write_record([&i.person_id.to_string(), &i.agency, &i.employee_ref, &i.population, i.status.code(), &due, town])
                .map_err(ApiError::internal)?;
        }
        let bytes = writer.into_inner().map_err(ApiError::internal)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"training-compliance-{as_of}.csv\"")))
            .body(bytes));
    }
    Ok(HttpResponse::Ok().json(ComplianceReport { as_of, counts, items }))
}
